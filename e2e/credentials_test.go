package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// Recognisable fake credentials: none of them, nor any part of them
// recognisable by its marker, may be printed or stored.
const (
	leakKeyID          = "AKIARECOGNISABLE0001"
	leakSecretKey      = "SecretKeyMarker/wJalrXUtnFEMI+K7MDENG/bPxRfiCY"
	leakSessionToken   = "SessionTokenMarker//IQoJb3JpZ2luX2VjEJr//FwoGZXIvYXdz"
	leakProfileKeyID   = "AKIARECOGNISABLE0002"
	leakProfileSecret  = "ProfileSecretMarker/Kx7Rf2+9wQzPl0Ue3Tn"
	leakSecretFileBody = "SecretFileMarker-correct-horse-battery"
)

// leakNeedles are what is searched for: each credential, and its marker
// alone, which a truncated or re-encoded credential would still show.
var leakNeedles = map[string]string{
	leakKeyID:             "the access key ID",
	"AKIARECOGNISABLE":    "the start of an access key ID",
	leakSecretKey:         "the secret access key",
	"SecretKeyMarker":     "the marker of the secret access key",
	leakSessionToken:      "the session token",
	"SessionTokenMarker":  "the marker of the session token",
	leakProfileSecret:     "the secret access key of the profile",
	"ProfileSecretMarker": "the marker of the profile's secret access key",
	leakSecretFileBody:    "the value of a compose secret",
	"SecretFileMarker":    "the marker of a compose secret's value",
}

const vault = `name: vault
services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
    x-aws-exec: true
    secrets: [token]
secrets:
  token:
    file: ./token.txt
`

// TestCredentialsNeverShown: with recognisable keys in the environment
// and in a profile, no command prints them (stdout, stderr, with plain and
// JSON progress, in success and in failure, with -D), and no file under
// DOCKER_CONFIG holds them: context create, ls, up, ps, logs, exec, down,
// a failed resource, failing tasks, expired credentials, incomplete
// credentials.
func TestCredentialsNeverShown(t *testing.T) {
	t.Parallel()
	d := newDocker(t)
	srv := d.aws(5 * time.Millisecond)
	dir := t.TempDir()
	config, credentials := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	for path, body := range map[string]string{
		config:      "[profile leaky]\nregion = eu-west-1\n",
		credentials: "[leaky]\naws_access_key_id = " + leakProfileKeyID + "\naws_secret_access_key = " + leakProfileSecret + "\naws_session_token = " + leakSessionToken + "\n",
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Later variables win over d.aws's.
	d.env = append(d.env,
		"AWS_ACCESS_KEY_ID="+leakKeyID,
		"AWS_SECRET_ACCESS_KEY="+leakSecretKey,
		"AWS_SESSION_TOKEN="+leakSessionToken,
		"AWS_CONFIG_FILE="+config,
		"AWS_SHARED_CREDENTIALS_FILE="+credentials,
	)
	d.write("compose.yaml", vault)
	d.write("token.txt", leakSecretFileBody)

	var printed []string
	record := func(r result, args ...string) result {
		t.Helper()
		printed = append(printed, "docker "+strings.Join(args, " ")+"\n"+r.stdout+r.err)
		return r
	}
	ok := func(args ...string) result {
		t.Helper()
		return record(d.ok(args...), args...)
	}
	fails := func(want string, args ...string) result {
		t.Helper()
		r := record(d.run(args...), args...)
		if r.code == 0 || !strings.Contains(r.err, want) {
			t.Errorf("docker %s: exit %d, want a failure that says %q:\n%s", strings.Join(args, " "), r.code, want, r.err)
		}
		return r
	}

	ok("ecs", "context", "create", "ci", "--from-env", "--region", "eu-west-1")
	ok("ecs", "context", "create", "prof", "--profile", "leaky", "--description", "a profile with keys")
	ok("ecs", "context", "ls")
	ok("context", "ls")
	ok("context", "inspect", "ci", "prof")

	if r := ok("--context", "ci", "ecs", "up", "--progress", "plain"); !strings.Contains(r.stdout, "vault is running.") {
		t.Errorf("up printed:\n%s", r.stdout)
	}
	ok("--context", "ci", "ecs", "ps")
	ok("--context", "ci", "ecs", "ps", "--format", "json")
	ok("-D", "--context", "prof", "ecs", "ps")
	srv.PutLogEvents("/docker-ecs/vault", "web/web/0123456789abcdef", fakeaws.LogEvent{Time: time.Now(), Message: "GET / 200"})
	ok("--context", "ci", "ecs", "logs", "-t")
	ok("-D", "ecs", "up", "--progress", "json")

	// ECS Exec: the Session Manager plugin's command line is visible to
	// every user of the machine.
	bin, args := t.TempDir(), filepath.Join(t.TempDir(), "args")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + args + "\n"
	if err := os.WriteFile(filepath.Join(bin, "session-manager-plugin"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := d.env
	d.withPath(bin)
	ok("--context", "prof", "ecs", "exec", "web", "ls")
	d.env = env
	printed = append(printed, "the Session Manager plugin's arguments\n"+read(t, args))

	// A resource that fails; tasks that exit, and the logs they wrote.
	srv.FailResource(fakeaws.Failure{LogicalID: "LogGroup", On: fakeaws.Create})
	fails("failed", "-D", "ecs", "-p", "broken", "up", "--progress", "plain")
	srv.ClearFailures()
	ok("ecs", "-p", "broken", "down", "--progress", "plain")
	d.write("crash/compose.yaml", "name: crashing\nservices:\n  worker:\n    image: example/worker:1.0\n")
	srv.FailTasks("worker", fakeaws.TaskFailure{ExitCode: 3, LogLines: []string{"starting", "fatal: no database"}})
	fails("failed", "ecs", "-f", "crash/compose.yaml", "up", "--progress", "json")
	srv.ClearFailures()

	// Expired credentials, whatever the call: one sentence that says so.
	srv.Inject(fakeaws.Fault{Kind: fakeaws.ExpiredToken})
	for _, c := range []struct {
		command string
		args    []string
	}{
		{"up", []string{"--context", "ci", "ecs", "up", "--progress", "plain"}},
		{"up --dry-run", []string{"ecs", "up", "--dry-run", "--progress", "json"}},
		{"ps", []string{"-D", "ecs", "ps"}},
		{"down", []string{"--context", "prof", "ecs", "down", "--progress", "json"}},
		{"logs", []string{"ecs", "logs"}},
		{"logs --tail", []string{"ecs", "logs", "--tail", "5"}},
		{"exec", []string{"ecs", "exec", "web"}},
		{"secret ls", []string{"ecs", "secret", "ls"}},
		{"secret inspect", []string{"ecs", "secret", "inspect", "vault/token"}},
		{"secret create", []string{"ecs", "secret", "create", "other", "token.txt"}},
	} {
		if c.command == "exec" {
			d.withPath(bin)
		}
		r := record(d.run(c.args...), c.args...)
		d.env = env
		if r.code == 0 {
			t.Errorf("docker %s succeeded with expired credentials", strings.Join(c.args, " "))
			continue
		}
		if strings.TrimSpace(r.err) != expiredSentence {
			t.Errorf("docker ecs %s does not say in one sentence that the credentials expired:\n%s", c.command, r.err)
		}
	}
	srv.ClearFaults()

	ok("--context", "ci", "ecs", "down", "--progress", "json")

	// Incomplete credentials: a key ID and a token, no secret key.
	d.env = append(d.env, "AWS_SECRET_ACCESS_KEY=", "AWS_CONFIG_FILE="+filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"))
	fails("no AWS credentials", "ecs", "up", "--progress", "plain")
	fails("no AWS credentials", "-D", "ecs", "ps")
	d.env = env

	for _, out := range printed {
		command, _, _ := strings.Cut(out, "\n")
		for _, line := range strings.Split(out, "\n")[1:] {
			for needle, what := range leakNeedles {
				if strings.Contains(line, needle) {
					t.Errorf("%s printed %s: %s", command, what, line)
				}
			}
		}
	}
	stored := 0
	err := filepath.WalkDir(d.config, func(path string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		stored++
		for needle, what := range leakNeedles {
			if strings.Contains(string(b), needle) {
				t.Errorf("%s holds %s", path, what)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored < 2 {
		t.Errorf("DOCKER_CONFIG holds %d files: the contexts were not stored", stored)
	}
	// The fake saw the keys: the plugin did use them.
	keys := map[string]bool{}
	for _, c := range srv.Calls() {
		keys[c.AccessKey] = true
	}
	if !keys[leakKeyID] || !keys[leakProfileKeyID] {
		t.Errorf("the calls were signed with %v", keys)
	}
}

// expiredSentence is what every command says when AWS answers that the
// credentials expired.
const expiredSentence = "your AWS credentials have expired: renew them (aws sso login, or new keys) and run the command again"
