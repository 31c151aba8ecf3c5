package cli

import (
	"io"
	"os"
)

// Streams are a command's standard input, output and error. Commands print
// through Streams only, so that tests run them with buffers.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// SystemStreams are the process's standard streams.
func SystemStreams() *Streams {
	return &Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
}
