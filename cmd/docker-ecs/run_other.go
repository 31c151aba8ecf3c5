//go:build !unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

// run starts the engine and ends with its exit status; interrupts reach it
// directly, so this process ignores them.
func run(engine string, args []string) error {
	signal.Ignore(os.Interrupt)
	cmd := exec.Command(engine, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err == nil {
		os.Exit(0)
	}
	return err
}
