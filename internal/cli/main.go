// Package cli is the command line of docker ecs: the Docker CLI plugin
// protocol, the flags of each command, and the printing of results. The
// commands only wire flags to the pipeline's phases.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/docker/cli/cli-plugins/metadata"
	"github.com/docker/cli/cli-plugins/socket"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/meta"
)

// Main runs the plugin with the arguments the Docker CLI gives it (docker's
// global flags, then "ecs", then the command) and returns the exit status.
func Main(args []string, streams *Streams) int {
	// The launcher answers the metadata question; the engine does too,
	// when it is run on its own.
	if len(args) == 1 && args[0] == metadata.MetadataSubcommandName {
		if err := meta.Write(streams.Out); err != nil {
			fmt.Fprintln(streams.Err, err)
			return 1
		}
		return 0
	}
	logrus.SetOutput(streams.Err)
	logrus.SetFormatter(warningFormatter{})

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// When its output is not a terminal, the Docker CLI passes an
	// interrupt on by closing the socket it gives its plugins.
	socket.ConnectAndWait(stop)
	root := newRootCmd(streams)
	root.SetArgs(pluginArgs(args))
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var status statusError
	if errors.As(err, &status) {
		if status.message != "" {
			fmt.Fprintln(streams.Err, status.message)
		}
		return status.code
	}
	fmt.Fprintln(streams.Err, err)
	return 1
}

// pluginArgs lets the binary run on its own (docker-ecs convert) as well as
// under the Docker CLI (docker-ecs [docker flags] ecs convert).
func pluginArgs(args []string) []string {
	if os.Getenv(metadata.ReexecEnvvar) != "" || (len(args) > 0 && args[0] == pluginName) {
		return args
	}
	return append([]string{pluginName}, args...)
}

// statusError ends the plugin with an exit status other than 1, and an
// optional message.
type statusError struct {
	code    int
	message string
}

func (e statusError) Error() string { return e.message }

// warningFormatter prints compose-go's log lines the way docker ecs prints
// its own warnings.
type warningFormatter struct{}

func (warningFormatter) Format(e *logrus.Entry) ([]byte, error) {
	return []byte(e.Level.String() + ": " + e.Message + "\n"), nil
}

// usageError wraps a flag or argument error as docker does: status 125 and
// a pointer to --help.
func usageError(cmd *cobra.Command, err error) error {
	return statusError{
		code:    125,
		message: fmt.Sprintf("%s\n\nUsage:  %s\n\nRun '%s --help' for more information", err, cmd.UseLine(), cmd.CommandPath()),
	}
}
