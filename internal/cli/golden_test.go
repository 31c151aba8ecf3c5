package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker-ecs/docker-ecs/internal/cfncheck"
	"github.com/docker-ecs/docker-ecs/internal/cfnlint"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// composeEnv are the variables that would change what a command loads.
var composeEnv = []string{"COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES", "COMPOSE_PATH_SEPARATOR", "COMPOSE_DISABLE_ENV_FILE", "DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND"}

// result is what one run of the plugin printed.
type result struct {
	code     int
	out, err string
}

// run runs the plugin in-process in dir, with the environment variables
// among args (NAME=value before the first argument) set.
func run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	for _, name := range composeEnv {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	for len(args) > 0 && strings.Contains(args[0], "=") && !strings.HasPrefix(args[0], "-") {
		name, value, _ := strings.Cut(args[0], "=")
		t.Setenv(name, value)
		args = args[1:]
	}
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	code := Main(args, &Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return result{code: code, out: out.String(), err: errOut.String()}
}

// TestConvertGolden runs each case of testdata/convert: the command line in
// its command file, run in its directory. The template it prints must be
// template.yaml, what it prints on stderr must be stderr.txt (with the exit
// status when it is not 0), and every template must pass cfn-lint and
// cfncheck. go test -update rewrites the golden files.
func TestConvertGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/convert/*/command")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no case in testdata/convert: %v", err)
	}
	templates := map[string][]byte{}
	for _, command := range cases {
		dir, _ := filepath.Abs(filepath.Dir(command))
		name := filepath.Base(dir)
		line, err := os.ReadFile(command)
		if err != nil {
			t.Fatal(err)
		}
		args := strings.Fields(string(line))
		t.Run(name, func(t *testing.T) {
			r := run(t, dir, args...)
			stderr := r.err
			if r.code != 0 {
				stderr += fmt.Sprintf("[exit status %d]\n", r.code)
			}
			golden(t, filepath.Join(dir, "stderr.txt"), stderr)
			golden(t, filepath.Join(dir, "template.yaml"), r.out)
			if r.code != 0 {
				return
			}
			if again := run(t, dir, args...); again.out != r.out {
				t.Error("a second run printed another template")
			}
			templates[name+".yaml"] = []byte(r.out)

			asJSON := run(t, dir, append(args, "--format", "json")...)
			if asJSON.code != 0 {
				t.Fatalf("--format json: %s", asJSON.err)
			}
			for _, err := range cfncheck.Check([]byte(asJSON.out)) {
				t.Error(err)
			}
		})
	}
	cfnlint.Check(t, templates)
}

// golden compares got with the file at path, or writes it under -update.
// An empty got means the file must not exist.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if got == "" {
			if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		want, err = nil, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first lines where want and got differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, wl, gl)
		}
	}
	return ""
}
