// Package e2e runs the built plugin through the real docker client: the
// plugin is installed in a temporary DOCKER_CONFIG/cli-plugins, and every
// test runs "docker ecs …" as a user would.
package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// plugin is the path of the plugin that TestMain builds; the engine is in
// docker-ecs.d next to it.
var plugin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "docker-ecs-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The layout make install makes: the launcher, and the engine it runs.
	plugin = filepath.Join(dir, "docker-ecs")
	for out, pkg := range map[string]string{
		plugin: "../cmd/docker-ecs",
		filepath.Join(dir, "docker-ecs.d", "engine"): "../cmd/docker-ecs-engine",
	} {
		build := exec.Command("go", "build", "-o", out, pkg)
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building the plugin:", err)
			return 1
		}
	}
	return m.Run()
}

// docker is the docker client with the plugin installed in a temporary
// configuration directory.
type docker struct {
	t      *testing.T
	config string // DOCKER_CONFIG
	env    []string
	dir    string
}

func newDocker(t *testing.T) *docker {
	t.Helper()
	if _, err := exec.LookPath("docker"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the docker client is not installed")
		}
		t.Skip("the docker client is not installed")
	}
	// The project directory's name is the default project name.
	d := &docker{t: t, config: t.TempDir(), dir: filepath.Join(t.TempDir(), "app")}
	if err := os.Mkdir(d.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	install(t, d.config)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "COMPOSE_") || strings.HasPrefix(name, "DOCKER_") || strings.HasPrefix(name, "AWS_") {
			continue
		}
		d.env = append(d.env, kv)
	}
	d.env = append(d.env, "DOCKER_CONFIG="+d.config)
	return d
}

// install puts the plugin into config/cli-plugins, as a symbolic link: the
// launcher finds its engine next to the file the link points to.
func install(t *testing.T, config string) {
	t.Helper()
	plugins := filepath.Join(config, "cli-plugins")
	if err := os.MkdirAll(plugins, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(plugin, filepath.Join(plugins, "docker-ecs")); err != nil {
		t.Fatal(err)
	}
}

type result struct {
	code        int
	stdout, err string
}

// run runs docker with args in d.dir.
func (d *docker) run(args ...string) result {
	d.t.Helper()
	cmd := exec.Command("docker", args...)
	cmd.Dir = d.dir
	cmd.Env = d.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), err: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		d.t.Fatal(err)
	}
	return r
}

// ok runs docker and fails the test unless it succeeds.
func (d *docker) ok(args ...string) result {
	d.t.Helper()
	r := d.run(args...)
	if r.code != 0 {
		d.t.Fatalf("docker %s: exit status %d\n%s", strings.Join(args, " "), r.code, r.err)
	}
	return r
}

func (d *docker) write(name, content string) {
	d.t.Helper()
	path := filepath.Join(d.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		d.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		d.t.Fatal(err)
	}
}

func repo(t *testing.T, path string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", path)
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
