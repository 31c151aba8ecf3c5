package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker-ecs/docker-ecs/internal/cfnlint"
)

func TestDockerListsThePlugin(t *testing.T) {
	d := newDocker(t)
	out := d.ok("--help").stdout
	if !strings.Contains(out, "ecs*") || !strings.Contains(out, "Run Compose applications on Amazon ECS") {
		t.Fatalf("docker --help does not list ecs:\n%s", out)
	}
	info := d.ok("info", "--format", "{{json .ClientInfo.Plugins}}")
	var plugins []struct{ Name, Version, Err string }
	if err := json.Unmarshal([]byte(info.stdout), &plugins); err != nil {
		t.Fatalf("docker info: %v\n%s", err, info.stdout)
	}
	found := false
	for _, p := range plugins {
		if p.Name == "ecs" {
			found = true
			if p.Err != "" {
				t.Errorf("docker sees the plugin as invalid: %s", p.Err)
			}
		}
	}
	if !found {
		t.Errorf("docker info does not list the ecs plugin: %s", info.stdout)
	}
}

func TestHelpAndVersion(t *testing.T) {
	d := newDocker(t)
	help := d.ok("ecs", "--help").stdout
	for _, want := range []string{"docker ecs", "convert", "version", "--file", "--project-name", "--profile", "--env-file", "--project-directory"} {
		if !strings.Contains(help, want) {
			t.Errorf("docker ecs --help lacks %q:\n%s", want, help)
		}
	}
	if v := d.ok("ecs", "version").stdout; !strings.HasPrefix(v, "docker ecs version ") {
		t.Errorf("docker ecs version printed %q", v)
	}
}

// TestConvertThroughDocker converts the voting example through the docker
// client, and the template is the one the golden tests expect.
func TestConvertThroughDocker(t *testing.T) {
	d := newDocker(t)
	r := d.ok("ecs", "convert", "-f", repo(t, "examples/voting/compose.yaml"))
	want := read(t, repo(t, "internal/cli/testdata/convert/example-voting/template.yaml"))
	if r.stdout != want {
		t.Fatalf("docker ecs convert printed another template than the golden one:\n%s", r.stdout)
	}
	if r.err != "" {
		t.Errorf("unexpected stderr: %s", r.err)
	}
}

// TestDockerGlobalFlags: docker's own flags come before "ecs" and reach
// the plugin, which must accept them.
func TestDockerGlobalFlags(t *testing.T) {
	d := newDocker(t)
	d.write("compose.yaml", "services:\n  web:\n    image: nginx\n")
	for _, args := range [][]string{
		{"--context", "default", "ecs", "convert"},
		{"-D", "ecs", "convert"},
		{"--log-level", "warn", "ecs", "convert"},
		{"--config", d.config, "ecs", "convert"},
	} {
		r := d.ok(args...)
		if !strings.Contains(r.stdout, "AWS::ECS::Service") {
			t.Errorf("docker %s printed no template:\n%s", strings.Join(args, " "), r.stdout)
		}
	}
}

// TestConfigFlagFindsThePlugin: with --config, docker looks for plugins in
// that directory's cli-plugins.
func TestConfigFlagFindsThePlugin(t *testing.T) {
	d := newDocker(t)
	other := t.TempDir()
	install(t, other)
	d.env = append(d.env, "DOCKER_CONFIG="+t.TempDir()) // no plugin there
	if r := d.run("ecs", "version"); r.code == 0 {
		t.Fatal("docker found the plugin in an empty DOCKER_CONFIG")
	}
	d.ok("--config", other, "ecs", "version")
	// --config also chooses the context store.
	d.ok("--config", other, "ecs", "context", "create", "ci", "--from-env")
	if ls := d.ok("--config", other, "context", "ls").stdout; !strings.Contains(ls, "ci ") {
		t.Errorf("the context is not in %s:\n%s", other, ls)
	}
	if _, err := os.Stat(filepath.Join(other, "contexts", "meta")); err != nil {
		t.Errorf("no context store in %s: %v", other, err)
	}
}

// TestConvertToFile: compose.yaml of the current directory, JSON written to
// a file, and the file passes cfn-lint.
func TestConvertToFile(t *testing.T) {
	d := newDocker(t)
	d.write("compose.yaml", read(t, repo(t, "examples/webapp-db/compose.yaml")))
	d.write("web.env", read(t, repo(t, "examples/webapp-db/web.env")))
	r := d.ok("ecs", "convert", "--format", "json", "-o", "stack.json")
	if r.stdout != "" {
		t.Errorf("convert -o printed on stdout: %s", r.stdout)
	}
	body, err := os.ReadFile(filepath.Join(d.dir, "stack.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("stack.json is not JSON: %v", err)
	}
	cfnlint.Check(t, map[string][]byte{"stack.json": body})
}

// TestComposeFlagsThroughDocker: -f twice, -p, --profile and --env-file, in
// the positions docker compose accepts them.
func TestComposeFlagsThroughDocker(t *testing.T) {
	d := newDocker(t)
	d.write("a.yaml", "services:\n  web:\n    image: example/web:${TAG}\n  jobs:\n    image: example/jobs:${TAG}\n    profiles: [jobs]\n")
	d.write("b.override.yaml", "services:\n  web:\n    environment:\n      MODE: prod\n")
	d.write("prod.env", "TAG=9.9.9\n")
	for _, args := range [][]string{
		{"ecs", "convert", "-f", "a.yaml", "-f", "b.override.yaml", "-p", "shop", "--profile", "jobs", "--env-file", "prod.env"},
		{"ecs", "-f", "a.yaml", "-f", "b.override.yaml", "-p", "shop", "--profile", "jobs", "--env-file", "prod.env", "convert"},
	} {
		out := d.ok(args...).stdout
		for _, want := range []string{"Family: shop-web", "Family: shop-jobs", "example/web:9.9.9", "Value: prod", "shop.local"} {
			if !strings.Contains(out, want) {
				t.Errorf("docker %s: the template lacks %q", strings.Join(args, " "), want)
			}
		}
	}
}

// TestConvertFailsCleanly: a project ECS cannot run gives every problem, a
// non-zero exit status, no template and no stack trace.
func TestConvertFailsCleanly(t *testing.T) {
	d := newDocker(t)
	d.write("compose.yaml", "services:\n  web:\n    image: nginx\n    privileged: true\n  db:\n    build: .\n")
	r := d.run("ecs", "convert")
	if r.code == 0 {
		t.Fatal("convert succeeded")
	}
	if r.stdout != "" {
		t.Errorf("a template was printed: %s", r.stdout)
	}
	for _, want := range []string{"compose.yaml", "services.web.privileged", "services.db.image"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("the error lacks %q:\n%s", want, r.err)
		}
	}
	if strings.Contains(r.err, "goroutine") || strings.Contains(r.err, "panic") {
		t.Errorf("stack trace: %s", r.err)
	}
}
