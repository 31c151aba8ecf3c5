package progress

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func events() []Event {
	return []Event{
		{Time: t0, Resource: "shop", Type: "AWS::CloudFormation::Stack", Status: "CREATE_IN_PROGRESS", Reason: "User Initiated"},
		{Time: t0.Add(time.Second), Resource: "WebService", Service: "web", Type: "AWS::ECS::Service", Status: "CREATE_IN_PROGRESS"},
		{Time: t0.Add(62 * time.Second), Resource: "WebService", Service: "web", Type: "AWS::ECS::Service", Status: "CREATE_FAILED", Reason: "Circuit Breaker"},
	}
}

func TestPlain(t *testing.T) {
	var out bytes.Buffer
	p, err := New(Options{Mode: Auto, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events() {
		p.Event(e)
	}
	p.Note("a note: %d", 1)
	p.Close()
	want := `10:00:00 shop CloudFormation::Stack CREATE_IN_PROGRESS: User Initiated
10:00:01 web/WebService ECS::Service CREATE_IN_PROGRESS
10:01:02 web/WebService ECS::Service CREATE_FAILED (1m1s): Circuit Breaker
a note: 1
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestJSON(t *testing.T) {
	var out bytes.Buffer
	p, _ := New(Options{Mode: JSON, Out: &out, Now: func() time.Time { return t0 }})
	for _, e := range events() {
		p.Event(e)
	}
	p.Note("detached")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &last); err != nil {
		t.Fatal(err)
	}
	if last["resource"] != "WebService" || last["service"] != "web" || last["status"] != "CREATE_FAILED" || last["reason"] != "Circuit Breaker" || last["time"] != "2026-11-25T10:01:02Z" {
		t.Errorf("event %v", last)
	}
	if !strings.Contains(lines[3], `"message":"detached"`) {
		t.Errorf("note %s", lines[3])
	}
}

// TestTTY: a row per resource, redrawn in place: the cursor goes back up
// over the rows before they are drawn again.
func TestTTY(t *testing.T) {
	var out bytes.Buffer
	now := t0.Add(70 * time.Second)
	p, _ := New(Options{Mode: Auto, Terminal: true, Out: &out, Width: 80, Now: func() time.Time { return now }})
	evs := events()
	p.Event(evs[0])
	p.Event(evs[1])
	p.Note("note")
	p.Event(evs[2])
	p.Close()
	got := out.String()
	if strings.Count(got, "\x1b[2A\x1b[J") < 2 {
		t.Errorf("the two rows were not redrawn in place:\n%q", got)
	}
	// The last drawing: the stack still in progress, the service failed
	// after 61 s with its reason, and the note above them.
	last := got[strings.LastIndex(got, "\x1b[J")+len("\x1b[J"):]
	rows := strings.Split(strings.TrimSuffix(last, "\n"), "\n")
	if len(rows) != 2 || !strings.Contains(rows[0], "shop") || !strings.Contains(rows[0], "1m10s") || !strings.Contains(rows[1], "web/WebService") || !strings.Contains(rows[1], "1m1s") || !strings.Contains(rows[1], "Circuit") {
		t.Errorf("last drawing:\n%s", last)
	}
	if !strings.Contains(got, "note\n") {
		t.Errorf("no note:\n%q", got)
	}
	for _, r := range rows {
		if n := len([]rune(r)); n > 80+9+4 { // the mark's colour codes
			t.Errorf("row of %d runes for 80 columns: %q", n, r)
		}
	}
}

func TestUnknownMode(t *testing.T) {
	if err := CheckMode("fancy"); err == nil || !strings.Contains(err.Error(), "--progress must be auto, tty, plain or json") {
		t.Errorf("got %v", err)
	}
}
