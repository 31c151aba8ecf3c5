package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// withPath replaces PATH for the plugin with dir.
func (d *docker) withPath(dir string) {
	var env []string
	for _, kv := range d.env {
		if !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	d.env = append(env, "PATH="+dir)
}

// TestExec: docker ecs exec opens an ECS Exec session and hands it to the
// Session Manager plugin, whose exit status it returns.
func TestExec(t *testing.T) {
	t.Parallel()
	d := newDocker(t)
	srv := d.aws(5 * time.Millisecond)
	d.write("compose.yaml", "name: shop\nservices:\n  web:\n    image: nginx:1.27\n    x-aws-exec: true\n  db:\n    image: postgres:16\n")
	d.ok("ecs", "up", "--progress", "plain")

	// Without the plugin: a clear message, and no call to AWS.
	bin := t.TempDir()
	d.withPath(bin)
	srv.ResetCalls()
	r := d.run("ecs", "exec", "web")
	if r.code == 0 || !strings.Contains(r.err, "needs AWS's Session Manager plugin, which is not installed") || len(srv.Calls()) != 0 {
		t.Errorf("without the plugin: exit %d, %d calls\n%s", r.code, len(srv.Calls()), r.err)
	}

	// A stand-in plugin that records its arguments.
	args := filepath.Join(t.TempDir(), "args")
	plugin := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + args + "\nexit 3\n"
	if err := os.WriteFile(filepath.Join(bin, "session-manager-plugin"), []byte(plugin), 0o755); err != nil {
		t.Fatal(err)
	}
	r = d.run("ecs", "exec", "web", "ls", "-l", "/usr/share/nginx html")
	if r.code != 3 {
		t.Fatalf("exit %d, want the plugin's 3\n%s", r.code, r.err)
	}
	got := strings.Split(strings.TrimSpace(read(t, args)), "\n")
	if len(got) != 6 {
		t.Fatalf("the plugin got %q", got)
	}
	var session map[string]string
	if err := json.Unmarshal([]byte(got[0]), &session); err != nil || session["SessionId"] == "" || session["TokenValue"] == "" || !strings.HasPrefix(session["StreamUrl"], "wss://") {
		t.Errorf("session %s: %v", got[0], err)
	}
	if got[1] != "eu-west-1" || got[2] != "StartSession" || !strings.HasPrefix(got[4], `{"Target":"ecs:`) || got[5] != srv.URL() {
		t.Errorf("plugin arguments %q", got)
	}
	cmds := srv.ExecCommands()
	if len(cmds) != 1 || cmds[0].Command != "ls -l '/usr/share/nginx html'" || cmds[0].Container != "web" {
		t.Errorf("ECS Exec commands %+v", cmds)
	}

	// A service without x-aws-exec.
	if r := d.run("ecs", "exec", "db"); r.code == 0 || !strings.Contains(r.err, "ECS Exec is not enabled for db: set x-aws-exec: true") {
		t.Errorf("exec db: exit %d\n%s", r.code, r.err)
	}
}

// TestSecretCommands: docker ecs secret create, ls, inspect, rm and rm
// --recover, none of which ever prints the value.
func TestSecretCommands(t *testing.T) {
	t.Parallel()
	d := newDocker(t)
	srv := d.aws(time.Millisecond)
	const value = "value-that-must-never-be-printed"
	d.write("token.txt", value)
	arn := strings.TrimSpace(d.ok("ecs", "secret", "create", "api/token", "token.txt").stdout)
	if !strings.HasPrefix(arn, "arn:aws:secretsmanager:eu-west-1:") {
		t.Errorf("create printed %q", arn)
	}
	if v, _ := srv.SecretValue("api/token"); v != value {
		t.Errorf("stored %q", v)
	}
	if r := d.run("ecs", "secret", "create", "api/token", "token.txt"); r.code == 0 || !strings.Contains(r.err, "exists already") {
		t.Errorf("second create: exit %d %s", r.code, r.err)
	}
	outputs := d.ok("ecs", "secret", "ls").stdout
	if !strings.Contains(outputs, "api/token") {
		t.Errorf("ls:\n%s", outputs)
	}
	inspect := d.ok("ecs", "secret", "inspect", "api/token").stdout
	if !strings.Contains(inspect, `"arn": "`+arn) {
		t.Errorf("inspect:\n%s", inspect)
	}
	outputs += inspect
	d.ok("ecs", "secret", "rm", "api/token")
	if secrets := srv.Secrets(); len(secrets) != 1 || secrets[0].DeletedDate.IsZero() {
		t.Errorf("after rm: %+v", secrets)
	}
	d.ok("ecs", "secret", "rm", "--recover", "api/token")
	if secrets := srv.Secrets(); len(secrets) != 1 || !secrets[0].DeletedDate.IsZero() {
		t.Errorf("after rm --recover: %+v", secrets)
	}
	d.ok("ecs", "secret", "rm", "--force", "api/token")
	if secrets := srv.Secrets(); len(secrets) != 0 {
		t.Errorf("after rm --force: %+v", secrets)
	}
	if strings.Contains(outputs, value) {
		t.Error("the value was printed")
	}
}
