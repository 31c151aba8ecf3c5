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
// (services.web.privileged) and the file that writes that key.
type Problem struct {
	// File is the compose file that writes Key, as the user named it;
	// empty when the project has no file.
	File    string
	Key     string
	Message string
}

func (p Problem) String() string {
	if p.File == "" {
		return p.Key + ": " + p.Message
	}
	return p.File + ": " + p.Key + ": " + p.Message
}

// Error lists every problem that stops a project from running on ECS.
type Error struct {
	Problems []Problem
}

// Error lists the problems one a line, each with its file, or, when they
// are all in one file, with the file named once, first.
func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].String()
	}
	oneFile := true
	for _, p := range e.Problems {
		oneFile = oneFile && p.File == e.Problems[0].File
	}
	var b strings.Builder
	if oneFile && e.Problems[0].File != "" {
		b.WriteString(e.Problems[0].File + ": ")
	}
	fmt.Fprintf(&b, "%d problems stop this project from running on ECS:", len(e.Problems))
	for _, p := range e.Problems {
		if oneFile {
			p.File = ""
		}
		fmt.Fprintf(&b, "\n  %s", p)
	}
	return b.String()
}

// Warning is a compose setting that ECS ignores, reported so that nobody is
// surprised.
type Warning struct {
	Problem
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

// located gives the warnings and the error of the report, each problem
// with the file that writes its key, of the compose files of the project:
// the files are read only when there is a problem to locate, and once.
func (r *report) located(files []string) ([]Warning, error) {
	sources := load.NewSources(files)
	locate := func(p Problem) Problem {
		p.File, p.Key = sources.Where(p.Key)
		return p
	}
	warnings := make([]Warning, len(r.warnings))
	for i, w := range r.warnings {
		warnings[i] = Warning{locate(w)}
	}
	if len(r.errors) == 0 {
		return warnings, nil
	}
	problems := make([]Problem, len(r.errors))
	for i, p := range r.errors {
		problems[i] = locate(p)
	}
	return warnings, &Error{Problems: problems}
}
