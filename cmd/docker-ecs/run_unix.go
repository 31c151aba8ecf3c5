//go:build unix

package main

import (
	"os"
	"syscall"
)

// run replaces this process with the engine, which keeps its process ID,
// signals and streams; it returns only when that fails.
func run(engine string, args []string) error {
	return syscall.Exec(engine, append([]string{engine}, args...), os.Environ())
}
