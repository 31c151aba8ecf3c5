// Package validate is the Validate phase: it checks a loaded compose
// project against what ECS on Fargate can run, fills in the ECS defaults,
// and returns the ECS-ready model. It reports every problem in one run and
// never calls AWS.
package validate

import (
	"fmt"
	"strings"

	"github.com/docker-ecs/docker-ecs/internal/load"
)

// Problem is one finding, located by the compose key it is about
// (services.web.privileged).
type Problem struct {
	Key     string
	Message string
}

func (p Problem) String() string { return p.Key + ": " + p.Message }

// Error lists every problem that stops a project from running on ECS.
type Error struct {
	// Files are the compose files the project was loaded from.
	Files    []string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	files := describeFiles(e.Files)
	n := len(e.Problems)
	if n == 1 {
		fmt.Fprintf(&b, "%s: %s", files, e.Problems[0])
		return b.String()
	}
	fmt.Fprintf(&b, "%s: %d problems stop this project from running on ECS:", files, n)
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s", p)
	}
	return b.String()
}

// Warning is a compose setting that ECS ignores, reported so that nobody is
// surprised.
type Warning struct {
	Files []string
	Problem
}

func (w Warning) String() string {
	return describeFiles(w.Files) + ": " + w.Problem.String()
}

// describeFiles names the compose files the way the user gave them.
func describeFiles(files []string) string {
	if len(files) == 0 {
		return "compose project"
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = load.Display(f)
	}
	return strings.Join(names, ", ")
}

// report collects problems and warnings as the rules run.
type report struct {
	errors   []Problem
	warnings []Problem
}

func (r *report) errorf(key, format string, args ...any) {
	r.errors = append(r.errors, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}

func (r *report) warnf(key, format string, args ...any) {
	r.warnings = append(r.warnings, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}
