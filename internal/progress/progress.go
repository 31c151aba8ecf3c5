// Package progress shows what a stack operation is doing, one row per
// resource: redrawn in place on a terminal, one line per change otherwise,
// or one JSON object per line for programs.
package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Modes of display, chosen with --progress.
const (
	Auto  = "auto"
	TTY   = "tty"
	Plain = "plain"
	JSON  = "json"
)

// Event is a change of one resource of the stack, or of the stack itself.
type Event struct {
	Time time.Time
	// Resource is the logical ID of the resource, or the stack's name.
	Resource string
	// Type is the CloudFormation resource type.
	Type string
	// Service is the compose service the resource belongs to; empty for
	// the resources the project shares.
	Service string
	Status  string
	Reason  string
}

// Printer shows the events of an operation and notes about it.
type Printer interface {
	// Event shows a change of status.
	Event(Event)
	// Note shows a line of information, kept above the rows on a terminal.
	Note(format string, args ...any)
	// Close stops redrawing and leaves the last state on the screen.
	Close()
}

// Options say where and how to show progress.
type Options struct {
	// Mode is auto, tty, plain or json; auto means tty when Out is a
	// terminal, plain otherwise.
	Mode string
	Out  io.Writer
	// Terminal is true when Out is a terminal, of Width columns.
	Terminal bool
	Width    int
	// Now tells the time of notes and of the elapsed times rows show.
	Now func() time.Time
}

// New returns the Printer that o asks for.
func New(o Options) (Printer, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	switch o.Mode {
	case Auto, "":
		if o.Terminal {
			return newTTY(o), nil
		}
		return &plain{w: o.Out, started: map[string]time.Time{}}, nil
	case TTY:
		return newTTY(o), nil
	case Plain:
		return &plain{w: o.Out, started: map[string]time.Time{}}, nil
	case JSON:
		return &jsonPrinter{enc: json.NewEncoder(o.Out), now: o.Now}, nil
	}
	return nil, CheckMode(o.Mode)
}

// CheckMode reports whether mode is a mode New knows.
func CheckMode(mode string) error {
	switch mode {
	case Auto, "", TTY, Plain, JSON:
		return nil
	}
	return fmt.Errorf("--progress must be auto, tty, plain or json, not %q", mode)
}

// shortType drops the AWS:: of a resource type: ECS::Service.
func shortType(t string) string {
	return strings.TrimPrefix(t, "AWS::")
}

// inProgress reports whether a status is one that will change by itself.
func inProgress(status string) bool {
	return strings.HasSuffix(status, "_IN_PROGRESS")
}

// plain prints a line per event, for logs and pipes.
type plain struct {
	mu      sync.Mutex
	w       io.Writer
	started map[string]time.Time
}

func (p *plain) Event(e Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := ""
	if inProgress(e.Status) {
		if _, ok := p.started[e.Resource]; !ok {
			p.started[e.Resource] = e.Time
		}
	} else if start, ok := p.started[e.Resource]; ok {
		elapsed = fmt.Sprintf(" (%s)", e.Time.Sub(start).Round(time.Second))
		delete(p.started, e.Resource)
	}
	line := fmt.Sprintf("%s %s %s %s%s", e.Time.Format(time.TimeOnly), label(e), shortType(e.Type), e.Status, elapsed)
	if e.Reason != "" {
		line += ": " + e.Reason
	}
	fmt.Fprintln(p.w, line)
}

func (p *plain) Note(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format+"\n", args...)
}

func (p *plain) Close() {}

// label names a resource with its compose service: web/WebService.
func label(e Event) string {
	if e.Service == "" {
		return e.Resource
	}
	return e.Service + "/" + e.Resource
}

// jsonPrinter prints an object per line.
type jsonPrinter struct {
	mu  sync.Mutex
	enc *json.Encoder
	now func() time.Time
}

type jsonEvent struct {
	Time     time.Time `json:"time"`
	Resource string    `json:"resource,omitempty"`
	Type     string    `json:"type,omitempty"`
	Service  string    `json:"service,omitempty"`
	Status   string    `json:"status,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Message  string    `json:"message,omitempty"`
}

func (p *jsonPrinter) Event(e Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.enc.Encode(jsonEvent{Time: e.Time.UTC(), Resource: e.Resource, Type: e.Type, Service: e.Service, Status: e.Status, Reason: e.Reason})
}

func (p *jsonPrinter) Note(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.enc.Encode(jsonEvent{Time: p.now().UTC(), Message: fmt.Sprintf(format, args...)})
}

func (p *jsonPrinter) Close() {}
