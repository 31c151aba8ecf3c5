package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/load"
)

// convertCmd runs "ecs ARGS" with a convert command whose run function
// records its options instead of converting.
func convertCmd(t *testing.T, args ...string) (*convertOptions, error) {
	t.Helper()
	streams := &Streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}
	var got *convertOptions
	f := &factory{streams: streams}
	ecs := newECSCmd(&f.project)
	ecs.SetFlagErrorFunc(usageError)
	ecs.AddCommand(newConvertCmd(f, func(_ context.Context, o *convertOptions) error {
		got = o
		return nil
	}))
	ecs.SetArgs(args)
	ecs.SetOut(streams.Out)
	ecs.SetErr(streams.Err)
	return got, ecs.Execute()
}

func TestConvertFlags(t *testing.T) {
	want := load.Options{
		Files:       []string{"a.yaml", "b.yaml"},
		ProjectName: "shop",
		ProjectDir:  "dir",
		EnvFiles:    []string{"prod.env"},
		Profiles:    []string{"jobs", "debug"},
	}
	for _, args := range [][]string{
		{"convert", "-f", "a.yaml", "--file", "b.yaml", "-p", "shop", "--project-directory", "dir", "--env-file", "prod.env", "--profile", "jobs", "--profile", "debug", "--format", "json", "-o", "out.json"},
		{"-f", "a.yaml", "-f", "b.yaml", "--project-name", "shop", "--project-directory", "dir", "--env-file", "prod.env", "--profile", "jobs", "--profile", "debug", "convert", "--format", "json", "--output", "out.json"},
	} {
		got, err := convertCmd(t, args...)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.project, want) {
			t.Errorf("%v: project options %+v, want %+v", args, got.project, want)
		}
		if got.format != "json" || got.output != "out.json" {
			t.Errorf("%v: format %q, output %q", args, got.format, got.output)
		}
	}
}

func TestConvertRejectsUnknownFormat(t *testing.T) {
	_, err := convertCmd(t, "convert", "--format", "xml")
	status, ok := err.(statusError)
	if !ok || status.code != 125 || !strings.Contains(status.message, "--format must be yaml or json") {
		t.Fatalf("got %v", err)
	}
}

func TestConvertRejectsArguments(t *testing.T) {
	if _, err := convertCmd(t, "convert", "web"); err == nil {
		t.Fatal("convert accepted an argument")
	}
}

// TestConvertOutputFormat: an output file named *.json gets JSON unless
// --format says otherwise.
func TestConvertOutputFormat(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("services:\n  web:\n    image: nginx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		file string
		json bool
	}{
		{[]string{"-o", "stack.json"}, "stack.json", true},
		{[]string{"-o", "stack.yaml"}, "stack.yaml", false},
		{[]string{"-o", "stack.template", "--format", "json"}, "stack.template", true},
		{[]string{"-o", "x.json", "--format", "yaml"}, "x.json", false},
	} {
		r := run(t, dir, append([]string{"ecs", "-p", "app", "convert"}, tt.args...)...)
		if r.code != 0 || r.out != "" {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q", tt.args, r.code, r.out, r.err)
		}
		body, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if isJSON := strings.HasPrefix(string(body), "{"); isJSON != tt.json {
			t.Errorf("%v: JSON %v, want %v", tt.args, isJSON, tt.json)
		}
	}
}

// TestEveryCommandHelp builds the whole command tree and asks every
// command for its help: a flag defined twice panics there.
func TestEveryCommandHelp(t *testing.T) {
	root := newRootCmd(&Streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	visit(root, func(c *cobra.Command) {
		if c == root || c.Hidden {
			return
		}
		args := append(strings.Fields(strings.TrimPrefix(c.CommandPath(), root.Name()+" ")), "--help")
		var out bytes.Buffer
		if code := Main(args, &Streams{In: strings.NewReader(""), Out: &out, Err: &out}); code != 0 || !strings.Contains(out.String(), "Usage:") {
			t.Errorf("%v: exit %d\n%s", args, code, out.String())
		}
	})
}

func TestComposeFlagsAddUpAcrossPositions(t *testing.T) {
	got, err := convertCmd(t, "-f", "a.yaml", "--env-file", "1.env", "convert", "-f", "b.yaml", "--env-file", "2.env")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.project.Files, []string{"a.yaml", "b.yaml"}) || !reflect.DeepEqual(got.project.EnvFiles, []string{"1.env", "2.env"}) {
		t.Errorf("got %+v", got.project)
	}
}

// TestConvertWarnsOfCloudFormationLimits: a project too big for one stack
// is printed all the same, with a warning that up will refuse it.
func TestConvertWarnsOfCloudFormationLimits(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("services:\n")
	for i := range 150 {
		fmt.Fprintf(&b, "  s%d:\n    image: nginx\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, dir, "ecs", "-p", "big", "convert")
	if r.code != 0 || !strings.Contains(r.out, "S149Service:") {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	want := "warning: compose.yaml: the template of big has "
	if !strings.Contains(r.err, want) || !strings.Contains(r.err, "and a CloudFormation stack holds at most 500") || !strings.Contains(r.err, `"docker ecs up" will refuse it`) {
		t.Errorf("stderr %q, want a warning about the 500 resources", r.err)
	}
	if r := run(t, dir, "ecs", "-p", "big", "convert", "--format", "json"); !strings.Contains(r.err, want) {
		t.Errorf("json: stderr %q, want the warning too", r.err)
	}
}
