package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// tty keeps a row per resource and redraws them in place, with the time
// each one has taken so far.
type tty struct {
	mu     sync.Mutex
	w      io.Writer
	now    func() time.Time
	width  int
	rows   []*row
	byID   map[string]*row
	drawn  int // lines of rows on the screen
	stop   chan struct{}
	closed bool
}

type row struct {
	event Event
	start time.Time
	end   time.Time
}

// refresh is how often the elapsed times move when nothing else happens.
const refresh = 500 * time.Millisecond

func newTTY(o Options) *tty {
	t := &tty{w: o.Out, now: o.Now, width: o.Width, byID: map[string]*row{}, stop: make(chan struct{})}
	if t.width <= 0 {
		t.width = 100
	}
	go func() {
		tick := time.NewTicker(refresh)
		defer tick.Stop()
		for {
			select {
			case <-t.stop:
				return
			case <-tick.C:
				t.mu.Lock()
				t.redraw()
				t.mu.Unlock()
			}
		}
	}()
	return t
}

func (t *tty) Event(e Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.byID[e.Resource]
	if !ok {
		r = &row{start: e.Time}
		t.byID[e.Resource] = r
		t.rows = append(t.rows, r)
	}
	if inProgress(e.Status) && !inProgress(r.event.Status) {
		r.start, r.end = e.Time, time.Time{}
	}
	if !inProgress(e.Status) {
		r.end = e.Time
	}
	r.event = e
	t.redraw()
}

func (t *tty) Note(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clear()
	fmt.Fprintf(t.w, format+"\n", args...)
	t.draw()
}

func (t *tty) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	t.closed = true
	close(t.stop)
	t.redraw()
}

// clear moves the cursor up over the rows drawn last and erases them.
func (t *tty) clear() {
	if t.drawn > 0 {
		fmt.Fprintf(t.w, "\x1b[%dA\x1b[J", t.drawn)
	}
	t.drawn = 0
}

func (t *tty) redraw() {
	t.clear()
	t.draw()
}

func (t *tty) draw() {
	now := t.now()
	nameWidth, typeWidth := 0, 0
	for _, r := range t.rows {
		nameWidth = max(nameWidth, len(label(r.event)))
		typeWidth = max(typeWidth, len(shortType(r.event.Type)))
	}
	var b strings.Builder
	for _, r := range t.rows {
		end := r.end
		if end.IsZero() {
			end = now
		}
		line := fmt.Sprintf("%-*s  %-*s  %-*s %6s", nameWidth, label(r.event), typeWidth, shortType(r.event.Type), 20, r.event.Status, end.Sub(r.start).Round(100*time.Millisecond))
		if strings.Contains(r.event.Status, "FAILED") {
			line += "  " + r.event.Reason
		}
		// A line longer than the terminal wraps, and the next redraw would
		// move up too few lines. The mark takes two columns.
		if runes := []rune(line); len(runes) > t.width-3 {
			line = string(runes[:t.width-3])
		}
		b.WriteString(mark(r.event.Status))
		b.WriteByte(' ')
		b.WriteString(line)
		b.WriteByte('\n')
	}
	fmt.Fprint(t.w, b.String())
	t.drawn = len(t.rows)
}

// mark is a row's sign: done, failed, or still moving.
func mark(status string) string {
	switch {
	case strings.Contains(status, "FAILED"):
		return "\x1b[31m✘\x1b[0m"
	case inProgress(status):
		return "\x1b[33m…\x1b[0m"
	case strings.Contains(status, "ROLLBACK") || status == "DELETE_SKIPPED":
		return "\x1b[33m↺\x1b[0m"
	default:
		return "\x1b[32m✔\x1b[0m"
	}
}
