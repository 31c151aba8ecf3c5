package cli

import (
	"io"
	"os"

	"golang.org/x/term"
)

// Streams are a command's standard input, output and error, and what it
// knows of the terminal. Commands print through Streams only, so that
// tests run them with buffers.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// OutTerminal and ErrTerminal are true when Out or Err is a terminal,
	// of Width columns: progress is then redrawn in place, in colour.
	OutTerminal bool
	ErrTerminal bool
	Width       int
	// InTerminal is true when In is a terminal, so that a command may ask.
	InTerminal bool
}

// SystemStreams are the process's standard streams.
func SystemStreams() *Streams {
	s := &Streams{
		In:          os.Stdin,
		Out:         os.Stdout,
		Err:         os.Stderr,
		OutTerminal: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		InTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
	}
	if s.ErrTerminal {
		s.Width, _, _ = term.GetSize(int(os.Stderr.Fd()))
	}
	return s
}
