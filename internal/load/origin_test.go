package load

import (
	"os"
	"path/filepath"
	"testing"
)

// project writes a project of compose.yaml and override.yaml, with an
// included file and services extended from another file, in the current
// directory, a new one.
func project(t *testing.T) []string {
	t.Helper()
	t.Chdir(t.TempDir())
	for name, content := range map[string]string{
		"compose.yaml": `include:
  - path: [db/compose.yaml]
services:
  web:
    image: nginx:1.27
    mem_limit: 4m
    env_file:
      - path: ./web.env
    ports: ["80:80", {target: 81, published: "8081"}]
  api:
    extends: {file: base.yaml, service: base}
  worker:
    extends: web
  job: &job
    image: busybox
  cron:
    <<: *job
secrets:
  token:
    file: ./token.txt
x-aws-cloudformation:
  Resources:
    Queue: {Type: "AWS::SQS::Queue"}
`,
		"override.yaml": `services:
  web:
    privileged: true
  web.api:
    image: nginx:1.27
`,
		"db/compose.yaml": `services:
  db:
    image: postgres:16
    privileged: true
`,
		"base.yaml": `services:
  base:
    extends: {file: more/root.yaml, service: root}
    imagee: nginx:1.27
    deploy:
      resources:
        limits: {cpus: "0.5"}
`,
		"more/root.yaml": `services:
  root:
    image: nginx:1.27
    read_only: true
`,
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return []string{"compose.yaml", "override.yaml"}
}

func TestWhere(t *testing.T) {
	s := NewSources(project(t))
	for _, tt := range []struct {
		name, key, file, written string
	}{
		{"a later file overrides", "services.web.privileged", "override.yaml", "services.web.privileged"},
		{"an earlier file writes what the later does not", "services.web.image", "compose.yaml", "services.web.image"},
		{"an index of a list", "services.web.ports[1].target", "compose.yaml", "services.web.ports[1].target"},
		{"compose-go's indexes", "services.web.ports.1.target", "compose.yaml", "services.web.ports.1.target"},
		{"any item of a list", "services.web.ports[].published", "compose.yaml", "services.web.ports[].published"},
		{"a service name with a dot", "services.web.api.image", "override.yaml", "services.web.api.image"},
		{"an included file", "services.db.privileged", "db/compose.yaml", "services.db.privileged"},
		{"a top-level extension", "x-aws-cloudformation.Resources.Queue", "compose.yaml", "x-aws-cloudformation.Resources.Queue"},
		{"deploy.resources written as mem_limit", "services.web.deploy.resources", "compose.yaml", "services.web.mem_limit"},
		{"limits.memory written as mem_limit", "services.web.deploy.resources.limits.memory", "compose.yaml", "services.web.mem_limit"},
		{"a service extended from another file", "services.api.imagee", "base.yaml", "services.base.imagee (extended by services.api of compose.yaml)"},
		{"a short form in an extended service", "services.api.deploy.resources.limits.cpus", "base.yaml", "services.base.deploy.resources.limits.cpus (extended by services.api of compose.yaml)"},
		{"a service extended twice", "services.api.read_only", "more/root.yaml", "services.root.read_only (extended by services.api of compose.yaml)"},
		{"a service of the same file", "services.worker.mem_limit", "compose.yaml", "services.web.mem_limit (extended by services.worker)"},
		{"a merged anchor", "services.cron.image", "compose.yaml", "services.cron.image"},
		{"the longest part written", "x-aws-cloudformation.Resources.Topic", "compose.yaml", "x-aws-cloudformation.Resources.Topic"},
		{"the longest part, in an extended file", "services.api.deploy.replicas", "base.yaml", "services.base.deploy.replicas (extended by services.api of compose.yaml)"},
		{"the later file at equal length", "services.web.healthcheck", "override.yaml", "services.web.healthcheck"},
		{"no file writes any of it", "name", "compose.yaml, override.yaml", "name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file, written := s.Where(tt.key)
			if file != tt.file || written != tt.written {
				t.Errorf("Where(%q) = %q, %q; want %q, %q", tt.key, file, written, tt.file, tt.written)
			}
		})
	}
}

func TestReferrer(t *testing.T) {
	s := NewSources(project(t))
	for _, tt := range []struct {
		name, path, file, key string
	}{
		{"an included file", "db/compose.yaml", "compose.yaml", "include"},
		{"an env file", "web.env", "compose.yaml", "services.web.env_file"},
		{"an extended file", "base.yaml", "compose.yaml", "services.api.extends.file"},
		{"a file an extended file extends", "more/root.yaml", "base.yaml", "services.base.extends.file"},
		{"a secret's file", "token.txt", "compose.yaml", "secrets.token.file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			abs, _ := filepath.Abs(tt.path)
			file, key, ok := s.referrer(abs)
			if !ok || file != tt.file || key != tt.key {
				t.Errorf("referrer(%q) = %q, %q, %v; want %q, %q", tt.path, file, key, ok, tt.file, tt.key)
			}
		})
	}
	if file, key, ok := s.referrer("/nowhere/else.env"); ok {
		t.Errorf("referrer of a file no compose file names = %q, %q", file, key)
	}
}

// TestSourcesReadLazily: Validate makes Sources for every project, which
// must cost nothing until a problem is located.
func TestSourcesReadLazily(t *testing.T) {
	s := NewSources(project(t))
	if len(s.docs) != 0 {
		t.Fatalf("NewSources parsed %d files", len(s.docs))
	}
	s.Where("services.web.image")
	s.Where("services.api.read_only")
	if len(s.docs) != 5 {
		t.Errorf("%d files parsed, want the 5 of the project, once each", len(s.docs))
	}
}
