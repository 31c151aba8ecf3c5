package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// TestBadInput runs each case of testdata/bad: a project docker ecs must
// refuse, and the command line of its command file. The command must fail
// before it calls AWS (the fake AWS it is pointed at receives no call),
// print nothing on stdout, and say on stderr where the problem is: every
// line of the case's expect file (the compose file, the service, the key),
// without a stack trace. Its stderr, with the exit status, is the golden
// file stderr.txt, which go test -update rewrites, so that reviewers read
// every message.
//
// A case's gaps file lists what its message should say and does not yet
// (a file name, a key): the case fails once the message says it, so that
// the line moves to expect.
//
// Each case runs in a copy of its directory, named as the case, so that
// inputs too large to commit and files without permissions are made there
// (badInputs).
func TestBadInput(t *testing.T) {
	commands, err := filepath.Glob("testdata/bad/*/command")
	if err != nil || len(commands) == 0 {
		t.Fatalf("no case in testdata/bad: %v", err)
	}
	found := map[string]bool{}
	for _, command := range commands {
		src, err := filepath.Abs(filepath.Dir(command))
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(src)
		found[name] = true
		line, err := os.ReadFile(command)
		if err != nil {
			t.Fatal(err)
		}
		args := strings.Fields(string(line))
		expect := caseLines(t, filepath.Join(src, "expect"))
		gaps := caseLines(t, filepath.Join(src, "gaps"))
		t.Run(name, func(t *testing.T) {
			if len(expect) == 0 {
				t.Fatal("the expect file is missing or empty: list what the message must say")
			}
			dir := filepath.Join(t.TempDir(), name)
			copyCase(t, src, dir)
			if generate := badInputs[name]; generate != nil {
				generate(t, dir)
			}
			srv := fakeaws.New(fakeaws.Options{Region: "eu-west-1"})
			t.Cleanup(srv.Close)
			fakeAWSEnvironment(t, srv)

			r := run(t, dir, args...)
			// The directory is named as the case: left in, a path would
			// hold the words an expect or gaps line looks for.
			stderr := withoutTempDir(r.err, dir)
			golden(t, filepath.Join(src, "stderr.txt"), stderr+fmt.Sprintf("[exit status %d]\n", r.code))
			if r.code == 0 {
				t.Errorf("%s: exit status 0, want a failure", strings.Join(args, " "))
			}
			if r.out != "" {
				t.Errorf("stdout is not empty:\n%s", r.out)
			}
			for _, want := range expect {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, stderr)
				}
			}
			for _, gap := range gaps {
				if strings.Contains(stderr, gap) {
					t.Errorf("stderr now says %q: move that line from gaps to expect", gap)
				}
			}
			for _, trace := range []string{"goroutine", "panic", "runtime.", ".go:"} {
				if strings.Contains(stderr, trace) {
					t.Errorf("stderr holds a stack trace (%q):\n%s", trace, stderr)
				}
			}
			if calls := srv.Calls(); len(calls) != 0 {
				t.Errorf("AWS received %d calls, want none; the first: %s %s", len(calls), calls[0].Service, calls[0].Operation)
			}
		})
	}
	for name := range badInputs {
		if !found[name] {
			t.Errorf("badInputs makes the files of %s, which has no directory with a command in testdata/bad", name)
		}
	}
}

// withoutTempDir writes $CASE for the temporary directory of a case,
// which changes with every run, in the absolute paths of its messages.
func withoutTempDir(s, dir string) string {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		s = strings.ReplaceAll(s, real, "$CASE")
	}
	return strings.ReplaceAll(s, dir, "$CASE")
}

// caseLines reads the non-empty lines of a case file; none when it does not
// exist.
func caseLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// copyCase copies the project of a case into dir, leaving out the files
// that describe the case.
func copyCase(t *testing.T, src, dir string) {
	t.Helper()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"command", "expect", "gaps", "stderr.txt"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

// fakeAWSEnvironment points the AWS SDK at the fake, as the tests of
// internal/apply do, and docker ecs at an empty docker configuration, whose
// default context means that AWS environment.
func fakeAWSEnvironment(t *testing.T, srv *fakeaws.Server) {
	t.Helper()
	srv.Setenv(t)
	t.Setenv("DOCKER_CONTEXT", "")
	os.Unsetenv("DOCKER_CONTEXT")
	t.Setenv("DOCKER_CONFIG", filepath.Join(t.TempDir(), "docker"))
}

// badInputs make the files of the cases that are not committed: too large
// to keep in the repository, or without permissions, which git does not
// keep.
var badInputs = map[string]func(t *testing.T, dir string){
	// 100,000 variables: compose-go stops at 100,000 YAML nodes.
	"size-5mb-compose-file": func(t *testing.T, dir string) {
		var b strings.Builder
		b.WriteString("services:\n  web:\n    image: nginx:1.27\n    environment:\n")
		for i := range 100_000 {
			fmt.Fprintf(&b, "      VARIABLE_%06d: value-%06d-of-a-compose-file-of-5-MB\n", i, i)
		}
		writeCaseFile(t, dir, "compose.yaml", b.String(), 5<<20)
	},
	// A value of 5 MiB, which no template can carry.
	"size-5mb-value": func(t *testing.T, dir string) {
		compose := "services:\n  web:\n    image: nginx:1.27\n    environment:\n      BLOB: " + strings.Repeat("x", 5<<20) + "\n"
		writeCaseFile(t, dir, "compose.yaml", compose, 5<<20)
	},
	// 3,000 valid services: about 12,000 resources, for a stack of 500.
	"size-3000-services": func(t *testing.T, dir string) {
		var b strings.Builder
		b.WriteString("services:\n")
		for i := range 3000 {
			fmt.Fprintf(&b, "  svc%04d:\n    image: nginx:1.27\n", i)
		}
		writeCaseFile(t, dir, "compose.yaml", b.String(), 0)
	},
	// compose.yaml extends level01.yaml, which extends level02.yaml… down
	// to level40.yaml, whose key is misspelt.
	"size-extends-40-levels": func(t *testing.T, dir string) {
		extends := func(file string) string {
			return "services:\n  web:\n    extends:\n      file: " + file + "\n      service: web\n"
		}
		writeCaseFile(t, dir, "compose.yaml", extends("level01.yaml"), 0)
		for i := 1; i < 40; i++ {
			writeCaseFile(t, dir, fmt.Sprintf("level%02d.yaml", i), extends(fmt.Sprintf("level%02d.yaml", i+1))+fmt.Sprintf("    environment:\n      LEVEL_%02d: \"%d\"\n", i, i), 0)
		}
		writeCaseFile(t, dir, "level40.yaml", "services:\n  web:\n    image: nginx:1.27\n    imagee: nginx:1.27\n", 0)
	},
	// A config of 9,000 bytes, for an SSM parameter of 8,192.
	"rule-config-too-large": func(t *testing.T, dir string) {
		writeCaseFile(t, dir, "site.conf", strings.Repeat("#", 8999)+"\n", 9000)
	},
	"file-unreadable-compose-file": unreadable("compose.yaml"),
	"file-unreadable-override":     unreadable("override.yaml"),
	"file-unreadable-env-file":     unreadable("web.env"),
	"file-unreadable-dotenv":       unreadable(".env"),
	"file-unreadable-extends":      unreadable("base.yaml"),
	"file-unreadable-secret":       unreadable("token.txt"),
}

// writeCaseFile writes a file of a case, which must be at least size
// bytes.
func writeCaseFile(t *testing.T, dir, name, content string, size int) {
	t.Helper()
	if len(content) < size {
		t.Fatalf("%s: %d bytes, want at least %d", name, len(content), size)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// unreadable takes every permission away from a file of the case. Root
// reads a file whatever its mode, so that, run as root, the case cannot
// fail as it does for a user: it is skipped, and its stderr.txt is neither
// checked nor rewritten (run go test -update as another user for that).
func unreadable(name string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if os.Geteuid() == 0 {
			t.Skipf("running as root, who can read %s even with mode 000", name)
		}
		if err := os.Chmod(filepath.Join(dir, name), 0); err != nil {
			t.Fatal(err)
		}
	}
}
