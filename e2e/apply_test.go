package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// aws starts a fake AWS for d: a simulated second takes scale, and the
// plugin's AWS SDK reaches the fake through AWS_ENDPOINT_URL.
func (d *docker) aws(scale time.Duration) *fakeaws.Server {
	d.t.Helper()
	srv := fakeaws.New(fakeaws.Options{Region: "eu-west-1", Scale: scale})
	d.t.Cleanup(srv.Close)
	empty := filepath.Join(d.t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		d.t.Fatal(err)
	}
	d.env = append(d.env,
		"AWS_ENDPOINT_URL="+srv.URL(),
		"AWS_ACCESS_KEY_ID=AKIAE2EFAKEFAKEFAKE1",
		"AWS_SECRET_ACCESS_KEY=e2e/secret/that/must/never/be/printed",
		"AWS_REGION=eu-west-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+empty,
		"AWS_SHARED_CREDENTIALS_FILE="+empty,
	)
	return srv
}

const shop = `name: shop
services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
    deploy:
      replicas: 2
  db:
    image: postgres:16
    environment:
      POSTGRES_HOST_AUTH_METHOD: trust
`

func stackStatus(srv *fakeaws.Server) string {
	s, ok := srv.Stack("shop")
	if !ok {
		return ""
	}
	return s.Status
}

// TestLifecycle: up (create) → ps → logs → up (no change) → up (modified)
// → up --dry-run → down, through the docker client.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	d := newDocker(t)
	srv := d.aws(5 * time.Millisecond)
	d.write("compose.yaml", shop)

	r := d.ok("ecs", "up", "--progress", "plain")
	if !strings.Contains(r.stdout, "shop is running.") || !strings.Contains(r.stdout, "web: http://") {
		t.Errorf("up printed:\n%s", r.stdout)
	}
	for _, want := range []string{"web/WebService ECS::Service CREATE_COMPLETE", "shop CloudFormation::Stack CREATE_COMPLETE"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("progress lacks %q:\n%s", want, r.err)
		}
	}
	if st := stackStatus(srv); st != "CREATE_COMPLETE" {
		t.Fatalf("stack %s", st)
	}

	ps := d.ok("ecs", "ps").stdout
	for _, want := range []string{"shop in eu-west-1: CREATE_COMPLETE", "Load balancer: ", "SERVICE", "web ", "2/2", "->80/tcp", "TASK", "RUNNING"} {
		if !strings.Contains(ps, want) {
			t.Errorf("ps lacks %q:\n%s", want, ps)
		}
	}
	var status struct {
		Services []struct {
			Name    string
			Running int
		}
	}
	if err := json.Unmarshal([]byte(d.ok("ecs", "ps", "--format", "json").stdout), &status); err != nil || len(status.Services) != 2 || status.Services[1].Running != 2 {
		t.Errorf("ps --format json: %v %+v", err, status)
	}

	srv.PutLogEvents("/docker-ecs/shop", "web/web/0123456789abcdef", fakeaws.LogEvent{Time: time.Now(), Message: "GET / 200"})
	if logs := d.ok("ecs", "logs", "web").stdout; logs != "web-012345 | GET / 200\n" {
		t.Errorf("logs printed %q", logs)
	}

	if r := d.ok("ecs", "up"); !strings.Contains(r.stdout, "No changes: shop is up to date.") {
		t.Errorf("second up printed:\n%s", r.stdout)
	}

	d.write("compose.yaml", strings.Replace(strings.Replace(shop, "nginx:1.27", "nginx:1.28", 1), "replicas: 2", "replicas: 3", 1))
	dry := d.ok("ecs", "up", "--dry-run").stdout
	for _, want := range []string{"docker ecs up would change shop:", "web:", "replaced WebTaskDefinition", "modified WebService (ECS::Service): DesiredCount, TaskDefinition"} {
		if !strings.Contains(dry, want) {
			t.Errorf("dry run lacks %q:\n%s", want, dry)
		}
	}
	if st := stackStatus(srv); st != "CREATE_COMPLETE" {
		t.Fatalf("the dry run changed the stack: %s", st)
	}
	d.ok("ecs", "up", "--progress", "plain")
	if st := stackStatus(srv); st != "UPDATE_COMPLETE" {
		t.Fatalf("stack %s after the update", st)
	}

	r = d.ok("ecs", "down", "--progress", "json")
	if !strings.Contains(r.stdout, "shop is removed.") {
		t.Errorf("down printed:\n%s", r.stdout)
	}
	lines := strings.Split(strings.TrimSpace(r.err), "\n")
	for _, l := range lines {
		var e map[string]any
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("--progress json printed %q", l)
		}
	}
	if !strings.Contains(lines[len(lines)-1], `"status":"DELETE_COMPLETE"`) {
		t.Errorf("last progress line %s", lines[len(lines)-1])
	}
	if st := stackStatus(srv); st != "" && st != "DELETE_COMPLETE" {
		t.Errorf("stack %s after down", st)
	}
	for _, c := range srv.Calls() {
		if c.Region != "eu-west-1" || c.AccessKey != "AKIAE2EFAKEFAKEFAKE1" {
			t.Fatalf("a call used %s %s", c.Region, c.AccessKey)
		}
	}
}

func TestFailedCreate(t *testing.T) {
	t.Parallel()
	d := newDocker(t)
	// Slow enough for a rollback to take seconds, as in AWS, where it takes
	// minutes: the logs must be read before it deletes them.
	srv := d.aws(100 * time.Millisecond)
	d.write("compose.yaml", "name: shop\nservices:\n  web:\n    image: nginx:1.27\n")
	srv.FailTasks("web", fakeaws.TaskFailure{ExitCode: 2, LogLines: []string{"listening", "fatal: cannot reach db"}})
	r := d.run("ecs", "up", "--progress", "plain")
	if r.code == 0 {
		t.Fatal("up succeeded")
	}
	for _, want := range []string{"failed and was rolled back", "web/WebService (ECS::Service)", "web exited with code 2", "| fatal: cannot reach db"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	if st := stackStatus(srv); st != "" && st != "DELETE_COMPLETE" {
		t.Errorf("stack %s", st)
	}
	if strings.Contains(r.err+r.stdout, "e2e/secret") {
		t.Error("the secret key was printed")
	}
}

// TestInterruptedUp: SIGINT to docker while up waits leaves the stack
// alone, and it goes on.
func TestInterruptedUp(t *testing.T) {
	d := newDocker(t)
	srv := d.aws(40 * time.Millisecond) // the deploy takes about 9 s
	d.write("compose.yaml", shop)
	cmd := exec.Command("docker", "ecs", "up", "--progress", "plain")
	cmd.Dir, cmd.Env = d.dir, d.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for stackStatus(srv) != "CREATE_IN_PROGRESS" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	exit, _ := err.(*exec.ExitError)
	if exit == nil || exit.ExitCode() != 130 {
		t.Errorf("exit: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "nothing was cancelled") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if st := stackStatus(srv); st != "CREATE_IN_PROGRESS" {
		t.Errorf("stack %s right after the interrupt", st)
	}
	for _, c := range srv.Calls() {
		if strings.HasPrefix(c.Operation, "Delete") || strings.HasPrefix(c.Operation, "Cancel") {
			t.Errorf("the interrupted up called %s", c.Operation)
		}
	}
	for stackStatus(srv) == "CREATE_IN_PROGRESS" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if st := stackStatus(srv); st != "CREATE_COMPLETE" {
		t.Errorf("the deploy did not go on: %s", st)
	}
}

func TestConcurrentUpRefused(t *testing.T) {
	t.Parallel()
	d := newDocker(t)
	srv := d.aws(20 * time.Millisecond)
	d.write("compose.yaml", shop)
	d.ok("ecs", "up", "-d")
	if st := stackStatus(srv); st != "CREATE_IN_PROGRESS" {
		t.Fatalf("stack %s after up -d", st)
	}
	r := d.run("ecs", "up")
	if r.code == 0 || !strings.Contains(r.err, "busy (CREATE_IN_PROGRESS)") {
		t.Errorf("second up: exit %d\n%s", r.code, r.err)
	}
}

func TestDownWithoutStack(t *testing.T) {
	t.Parallel()
	d := newDocker(t)
	d.aws(time.Millisecond)
	d.write("compose.yaml", shop)
	r := d.ok("ecs", "down")
	if !strings.Contains(r.stdout, "shop is not deployed in eu-west-1: nothing to remove.") {
		t.Errorf("down printed:\n%s", r.stdout)
	}
}

func TestMissingRegionAndCredentials(t *testing.T) {
	d := newDocker(t)
	d.write("compose.yaml", shop)
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d.env = append(d.env, "AWS_CONFIG_FILE="+empty, "AWS_SHARED_CREDENTIALS_FILE="+empty, "AWS_EC2_METADATA_DISABLED=true")
	r := d.run("ecs", "ps")
	if r.code == 0 || strings.TrimSpace(r.err) != "no AWS region: set AWS_REGION, or a region for your AWS profile (aws configure set region eu-west-1)" {
		t.Errorf("without a region: exit %d\n%s", r.code, r.err)
	}
	d.env = append(d.env, "AWS_REGION=eu-west-1", "AWS_ENDPOINT_URL=http://127.0.0.1:1")
	r = d.run("ecs", "down")
	if r.code == 0 || !strings.HasPrefix(r.err, "no AWS credentials: ") || strings.Count(r.err, "\n") != 1 {
		t.Errorf("without credentials: exit %d\n%s", r.code, r.err)
	}
}

// TestTerminatedDown: SIGTERM to docker while down waits leaves the
// deletion going.
func TestTerminatedDown(t *testing.T) {
	d := newDocker(t)
	srv := d.aws(40 * time.Millisecond)
	d.write("compose.yaml", shop)
	d.ok("ecs", "up", "--progress", "plain")
	cmd := exec.Command("docker", "ecs", "down", "--progress", "plain")
	cmd.Dir, cmd.Env = d.dir, d.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for stackStatus(srv) != "DELETE_IN_PROGRESS" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if exit, _ := err.(*exec.ExitError); exit == nil || exit.ExitCode() != 130 || !strings.Contains(stderr.String(), "nothing was cancelled") {
		t.Errorf("exit: %v\n%s", err, stderr.String())
	}
	if st := stackStatus(srv); st != "DELETE_IN_PROGRESS" {
		t.Errorf("stack %s right after SIGTERM", st)
	}
	for stackStatus(srv) == "DELETE_IN_PROGRESS" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if st := stackStatus(srv); st != "" && st != "DELETE_COMPLETE" {
		t.Errorf("the removal did not go on: %s", st)
	}
}
