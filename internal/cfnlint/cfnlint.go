// Package cfnlint runs AWS's CloudFormation linter, cfn-lint, on the
// templates the tests generate. It is test support: no command imports it.
//
// cfn-lint is installed with Python on the development and CI machines and
// is found on PATH or under ~/.pyenv/versions/*/bin. Without it the checks
// are skipped, except under CI=true, where a missing linter fails the run.
package cfnlint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ignored lists the warnings docker ecs accepts, by rule, each with its
// reason. Errors are never ignored.
var ignored = map[string]string{}

// Finding is one problem cfn-lint reports.
type Finding struct {
	Filename string
	Level    string
	Message  string
	Location struct {
		Path  []any
		Start struct{ LineNumber int }
	}
	Rule struct{ Id string }
}

func (f Finding) String() string {
	path := make([]string, len(f.Location.Path))
	for i, p := range f.Location.Path {
		path[i] = fmt.Sprint(p)
	}
	return fmt.Sprintf("%s:%d: %s %s at %s: %s", f.Filename, f.Location.Start.LineNumber, f.Level, f.Rule.Id, strings.Join(path, "."), f.Message)
}

// Path finds cfn-lint. It returns "" when the linter is not installed.
func Path() string {
	if p, err := exec.LookPath("cfn-lint"); err == nil {
		return p
	}
	home, _ := os.UserHomeDir()
	matches, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", "*", "bin", "cfn-lint"))
	slices.Sort(matches)
	if len(matches) == 0 {
		return ""
	}
	return matches[len(matches)-1]
}

// Run lints the template files and returns every finding that is an error
// or a warning not in ignored.
func Run(files ...string) ([]Finding, error) {
	bin := Path()
	if bin == "" {
		return nil, errors.New("cfn-lint is not installed")
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, append([]string{"--format", "json", "--"}, files...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nil, err
	}
	var all []Finding
	if err := json.Unmarshal(stdout.Bytes(), &all); err != nil {
		return nil, fmt.Errorf("cfn-lint: %v: %s%s", err, stdout.Bytes(), stderr.Bytes())
	}
	var kept []Finding
	for _, f := range all {
		if _, ok := ignored[f.Rule.Id]; ok && f.Level != "Error" {
			continue
		}
		if f.Level == "Error" || f.Level == "Warning" {
			kept = append(kept, f)
		}
	}
	return kept, nil
}

// Check lints the templates, named by the keys of templates, in one run of
// cfn-lint (which takes seconds to start) and fails t for every finding.
func Check(t testing.TB, templates map[string][]byte) {
	t.Helper()
	if Path() == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("cfn-lint is not installed: it must be under CI=true (see README)")
		}
		t.Skip("cfn-lint is not installed")
	}
	dir := t.TempDir()
	var files []string
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range templates {
			if !yield(k) {
				return
			}
		}
	}) {
		file := filepath.Join(dir, strings.ReplaceAll(name, "/", "_"))
		if err := os.WriteFile(file, templates[name], 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	if len(files) == 0 {
		t.Fatal("no template to lint")
	}
	findings, err := Run(files...)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("cfn-lint: %s", f)
	}
}
