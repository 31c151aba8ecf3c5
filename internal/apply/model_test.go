package apply

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/docker-ecs/docker-ecs/internal/cfncheck"
)

// projectIn writes a compose file and its files in dir, and returns the
// compose file.
func projectIn(t *testing.T, dir, compose string, files map[string]string) string {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return compose
}

// upIn deploys a compose file whose relative paths are in dir.
func (w *world) upIn(ctx context.Context, dir, compose string, o UpOptions) error {
	w.t.Helper()
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte(compose), 0o600); err != nil {
		w.t.Fatal(err)
	}
	p, tpl := projectFile(w.t, file)
	o.Progress, o.Out = w.printer(), &w.out
	return w.d.Up(ctx, p, tpl, o)
}

const secretCompose = `services:
  api:
    image: example/api:1.0
    secrets: [db_password]
    configs:
      - source: site
        target: /etc/app/site.conf
secrets:
  db_password:
    file: ./db_password.txt
configs:
  site:
    file: ./site.conf
`

// TestSecrets: up stores a file secret before it deploys, and the value is
// nowhere else; editing the file updates the secret and restarts the tasks;
// down deletes it, restorably.
func TestSecrets(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	dir := t.TempDir()
	const first, second = "first-value-7f3a", "second-value-9c1d"
	projectIn(t, dir, "", map[string]string{"db_password.txt": first, "site.conf": "listen 80"})
	if err := w.upIn(ctx, dir, secretCompose, UpOptions{}); err != nil {
		t.Fatalf("up: %v\n%s", err, w.progress.String())
	}
	if v, ok := w.srv.SecretValue("shop/db_password"); !ok || v != first {
		t.Fatalf("secret %q, %v", v, ok)
	}
	params := w.srv.SSMParameters()
	if len(params) != 1 || params[0].Name != "/docker-ecs/shop/site" || params[0].Value != "listen 80" {
		t.Fatalf("SSM parameters %+v", params)
	}
	if !strings.Contains(w.progress.String(), "secret db_password: created") {
		t.Errorf("progress:\n%s", w.progress.String())
	}
	s := mustStack(t, w)
	if s.Status != "CREATE_COMPLETE" {
		t.Fatalf("stack %s", s.Status)
	}
	noValue(t, w, first)

	// An edited file updates the secret, and the tasks restart with it.
	projectIn(t, dir, "", map[string]string{"db_password.txt": second})
	w.progress.Reset()
	if err := w.upIn(ctx, dir, secretCompose, UpOptions{}); err != nil {
		t.Fatalf("second up: %v\n%s", err, w.progress.String())
	}
	if v, _ := w.srv.SecretValue("shop/db_password"); v != second {
		t.Errorf("secret %q after the edit", v)
	}
	if st := w.status(); st != "UPDATE_COMPLETE" || !strings.Contains(w.progress.String(), "ApiTaskDefinition ECS::TaskDefinition UPDATE_COMPLETE") {
		t.Errorf("stack %s; progress:\n%s", st, w.progress.String())
	}
	noValue(t, w, second)

	// Nothing changed: nothing is written.
	w.out.Reset()
	before := w.srv.Count("secretsmanager", "PutSecretValue")
	if err := w.upIn(ctx, dir, secretCompose, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	if w.srv.Count("secretsmanager", "PutSecretValue") != before || !strings.Contains(w.out.String(), "No changes") {
		t.Errorf("an unchanged secret was written, or the stack changed: %s", w.out.String())
	}

	if err := w.down(ctx); err != nil {
		t.Fatal(err)
	}
	for _, sec := range w.srv.Secrets() {
		if sec.Name == "shop/db_password" && sec.DeletedDate.IsZero() {
			t.Error("down left the secret")
		}
	}
	if len(w.srv.SSMParameters()) != 0 {
		t.Error("down left the config's parameter")
	}
	if !strings.Contains(w.out.String(), "Deleted secret shop/db_password (restorable for 30 days") {
		t.Errorf("down printed:\n%s", w.out.String())
	}

	// up again restores the secret it deleted.
	if err := w.upIn(ctx, dir, secretCompose, UpOptions{}); err != nil {
		t.Fatalf("up after down: %v", err)
	}
	if v, ok := w.srv.SecretValue("shop/db_password"); !ok || v != second {
		t.Errorf("secret %q, %v after up, down, up", v, ok)
	}
}

// noValue fails when a secret value is in the stack's template, its
// parameters, or what up printed.
func noValue(t *testing.T, w *world, value string) {
	t.Helper()
	out, err := w.d.AWS.CloudFormation.GetTemplate(context.Background(), &cloudformation.GetTemplateInput{StackName: aws.String("shop")})
	if err != nil {
		t.Fatal(err)
	}
	s := mustStack(t, w)
	if strings.Contains(aws.ToString(out.TemplateBody), value) || strings.Contains(fmt.Sprint(s.Parameters), value) || strings.Contains(w.progress.String()+w.out.String(), value) {
		t.Errorf("the value %s is in the template, the parameters or the output", value)
	}
	for _, err := range cfncheck.Check([]byte(aws.ToString(out.TemplateBody))) {
		t.Error(err)
	}
}

func TestSecretOfSomeoneElse(t *testing.T) {
	w := newWorld(t, time.Second)
	dir := t.TempDir()
	projectIn(t, dir, "", map[string]string{"db_password.txt": "x", "site.conf": "y"})
	if _, err := w.d.CreateSecret(context.Background(), "shop/db_password", []byte("theirs")); err != nil {
		t.Fatal(err)
	}
	err := w.upIn(context.Background(), dir, secretCompose, UpOptions{})
	if err == nil || !strings.Contains(err.Error(), "secrets.db_password: a secret named shop/db_password exists and docker ecs did not make it") {
		t.Fatalf("got %v", err)
	}
	if v, _ := w.srv.SecretValue("shop/db_password"); v != "theirs" {
		t.Error("their secret was overwritten")
	}
}

func TestExternalSecretMissing(t *testing.T) {
	w := newWorld(t, time.Second)
	compose := "services:\n  api:\n    image: x\n    secrets: [s]\nsecrets:\n  s:\n    external: true\n    name: theirs\n"
	err := w.upIn(context.Background(), t.TempDir(), compose, UpOptions{})
	if err == nil || !strings.Contains(err.Error(), "secrets.s: the secret theirs does not exist in the AWS region eu-west-1") {
		t.Fatalf("got %v", err)
	}
}

func TestDryRunWritesNoSecret(t *testing.T) {
	w := newWorld(t, time.Second)
	dir := t.TempDir()
	projectIn(t, dir, "", map[string]string{"db_password.txt": "x", "site.conf": "y"})
	if err := w.upIn(context.Background(), dir, secretCompose, UpOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if len(w.srv.Secrets()) != 0 || len(w.srv.SSMParameters()) != 0 {
		t.Error("a dry run wrote a secret or a parameter")
	}
	if !strings.Contains(w.progress.String(), "secret db_password: would be created") {
		t.Errorf("progress:\n%s", w.progress.String())
	}
}

const volumeCompose = `services:
  db:
    image: postgres:16
    volumes:
      - data:/var/lib/postgresql/data
volumes:
  data: {}
`

// TestVolumesOutliveTheStack: down keeps the file system and says so; the
// next up mounts it again instead of making a second one.
func TestVolumesOutliveTheStack(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	if err := w.upIn(ctx, t.TempDir(), volumeCompose, UpOptions{}); err != nil {
		t.Fatalf("up: %v\n%s", err, w.progress.String())
	}
	fss := w.srv.FileSystems()
	if len(fss) != 1 || len(fss[0].MountTargets) != 3 {
		t.Fatalf("file systems %+v", fss)
	}
	id := fss[0].ID
	if err := w.down(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.out.String(), "Kept by design") || !strings.Contains(w.out.String(), id) {
		t.Errorf("down printed:\n%s", w.out.String())
	}
	if fss := w.srv.FileSystems(); len(fss) != 1 || fss[0].ID != id {
		t.Fatalf("after down: %+v", fss)
	}
	if err := w.upIn(ctx, t.TempDir(), volumeCompose, UpOptions{}); err != nil {
		t.Fatalf("up after down: %v\n%s", err, w.progress.String())
	}
	fss = w.srv.FileSystems()
	if len(fss) != 1 || fss[0].ID != id || len(fss[0].MountTargets) != 3 {
		t.Fatalf("up after down made another file system, or no mount target: %+v", fss)
	}
	if s := mustStack(t, w); s.Parameters["DataFileSystemId"] != id {
		t.Errorf("parameters %v", s.Parameters)
	}
}

const gpuCompose = `services:
  inference:
    image: example/inference:1.0
    deploy:
      replicas: 2
      resources:
        reservations:
          devices:
            - capabilities: [gpu]
              count: 1
  api:
    image: example/api:1.0
`

// TestGPUCapacity: the GPU instances come and go with the stack, in the
// order that leaves no Auto Scaling group behind.
func TestGPUCapacity(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	if err := w.upIn(ctx, t.TempDir(), gpuCompose, UpOptions{}); err != nil {
		t.Fatalf("up: %v\n%s", err, w.progress.String())
	}
	groups := w.srv.AutoScalingGroups()
	if len(groups) != 1 {
		t.Fatalf("groups %+v", groups)
	}
	if err := w.down(ctx); err != nil {
		t.Fatalf("down: %v\n%s", err, w.progress.String())
	}
	if groups := w.srv.AutoScalingGroups(); len(groups) != 0 {
		t.Errorf("down left %+v", groups)
	}
}

// TestLargeTemplate: a template too large to send inline goes through an
// S3 bucket that is gone once CloudFormation has read it.
func TestLargeTemplate(t *testing.T) {
	w := newWorld(t, 10*time.Millisecond)
	var b strings.Builder
	b.WriteString("services:\n")
	for i := range 40 {
		fmt.Fprintf(&b, "  service%d:\n    image: example/service:%d\n    environment:\n      NAME: service%d\n", i, i, i)
	}
	if err := w.upIn(context.Background(), t.TempDir(), b.String(), UpOptions{}); err != nil {
		t.Fatalf("up: %v", err)
	}
	if w.srv.Count("s3", "PutObject") != 1 {
		t.Errorf("%d uploads", w.srv.Count("s3", "PutObject"))
	}
	if buckets := w.srv.Buckets(); len(buckets) != 0 {
		t.Errorf("buckets left: %+v", buckets)
	}
	if st := w.status(); st != "CREATE_COMPLETE" {
		t.Errorf("stack %s", st)
	}
}

func TestTooManyResources(t *testing.T) {
	w := newWorld(t, time.Second)
	var b strings.Builder
	b.WriteString("services:\n")
	for i := range 130 {
		fmt.Fprintf(&b, "  s%d:\n    image: x\n", i)
	}
	err := w.upIn(context.Background(), t.TempDir(), b.String(), UpOptions{})
	if err == nil || !strings.Contains(err.Error(), "resources, and a CloudFormation stack holds at most 500") {
		t.Fatalf("got %v", err)
	}
	if n := len(w.srv.Calls()); n != 0 {
		t.Errorf("%d calls to AWS", n)
	}
}
