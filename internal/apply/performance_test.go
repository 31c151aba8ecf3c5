package apply

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/docker-ecs/docker-ecs/internal/gendoc"
)

// TestAPICalls counts the calls up makes: the voting example deployed in
// 60 and in 120 simulated seconds, and a project of ten services at AWS's
// pace. The calls that follow a deploy grow with its events and only
// slowly with its length, never at a call a second. The table of
// docs/performance.md is kept in step (-update rewrites it).
func TestAPICalls(t *testing.T) {
	voting, err := os.ReadFile("../../examples/voting/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ten strings.Builder
	ten.WriteString("services:\n")
	for i := range 10 {
		fmt.Fprintf(&ten, "  s%d:\n    image: example/s%d:1.0\n", i, i)
		if i < 3 {
			fmt.Fprintf(&ten, "    ports: [\"%d:80\"]\n", 8000+i)
		}
	}
	type count struct {
		name       string
		took       time.Duration
		calls, eve int
	}
	var counts []count
	for _, c := range []struct {
		name, compose string
		scale         time.Duration // of a simulated second
	}{
		// The voting app takes 217 simulated seconds at AWS's pace.
		{"voting example, a 60 s deploy", string(voting), 60 * time.Second / 217},
		{"voting example, a 120 s deploy", string(voting), 120 * time.Second / 217},
		{"10 services (3 published), at AWS's pace", ten.String(), time.Second},
	} {
		w := newWorld(t, c.scale)
		if err := w.up(context.Background(), c.compose, UpOptions{}); err != nil {
			t.Fatal(err)
		}
		counts = append(counts, count{c.name, w.clock.Now().Sub(start), len(w.srv.Calls()), w.srv.Count("cloudformation", "DescribeStackEvents")})
	}
	// Polling once a second would make 60 more calls for 60 more seconds;
	// even every 3 seconds, 20.
	extra := counts[1].calls - counts[0].calls
	if limit := int((counts[1].took - counts[0].took) / (3 * time.Second)); extra >= limit {
		t.Errorf("60 more seconds made %d more calls, %d or more", extra, limit)
	}
	var b strings.Builder
	b.WriteString("| deploy | time (simulated) | API calls | of which DescribeStackEvents |\n|---|---|---|---|\n")
	for _, c := range counts {
		fmt.Fprintf(&b, "| %s | %s | %d | %d |\n", c.name, c.took.Round(time.Second), c.calls, c.eve)
	}
	gendoc.Section(t, "../../docs/performance.md", "TestAPICalls", b.String(), *update)
}
