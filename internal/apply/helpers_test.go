package apply

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/cfn"
	"github.com/docker-ecs/docker-ecs/internal/convert"
	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
	"github.com/docker-ecs/docker-ecs/internal/load"
	"github.com/docker-ecs/docker-ecs/internal/progress"
	"github.com/docker-ecs/docker-ecs/internal/validate"
)

// virtualClock lets the Apply phase wait in the fake's simulated time:
// sleeping moves the clock, so a deploy of minutes runs in milliseconds.
type virtualClock struct{ c *fakeaws.ManualClock }

func (v virtualClock) Now() time.Time { return v.c.Now() }

func (v virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.c.Advance(d)
	return nil
}

// world is a fake AWS account and a Deployer that talks to it.
type world struct {
	t        *testing.T
	srv      *fakeaws.Server
	clock    *fakeaws.ManualClock
	d        *Deployer
	out      bytes.Buffer // results
	progress bytes.Buffer // plain progress lines
}

var start = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// newWorld starts a fake AWS in which a simulated second takes scale of
// the virtual clock. The SDK retries at once: the plugin's adaptive
// retryer would wait, in real time, as AWS asks.
func newWorld(t *testing.T, scale time.Duration, extra ...func(*config.LoadOptions) error) *world {
	t.Helper()
	clock := fakeaws.NewManualClock(start)
	srv := fakeaws.New(fakeaws.Options{Region: "eu-west-1", Clock: clock, Scale: scale})
	t.Cleanup(srv.Close)
	srv.Setenv(t)
	fast := config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 5
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			o.RateLimiter = ratelimit.None
		})
	})
	clients, err := awsapi.New(context.Background(), awsapi.Target{}, append([]func(*config.LoadOptions) error{fast}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, srv: srv, clock: clock, d: &Deployer{AWS: clients, Clock: virtualClock{clock}}}
}

// project loads, validates and converts a compose file named shop.
func project(t *testing.T, compose string) (*app.Project, *cfn.Template) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "compose.yaml")
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	return projectFile(t, file)
}

// projectFile loads, validates and converts a compose file, as shop.
func projectFile(t *testing.T, file string) (*app.Project, *cfn.Template) {
	t.Helper()
	p, err := load.Project(context.Background(), load.Options{Files: []string{file}, ProjectName: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	model, _, err := validate.Project(p)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := convert.Template(model)
	if err != nil {
		t.Fatal(err)
	}
	return model, tpl
}

func (w *world) printer() progress.Printer {
	p, err := progress.New(progress.Options{Mode: progress.Plain, Out: &w.progress})
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// up deploys compose and returns Up's error.
func (w *world) up(ctx context.Context, compose string, o UpOptions) error {
	w.t.Helper()
	p, tpl := project(w.t, compose)
	o.Progress, o.Out = w.printer(), &w.out
	return w.d.Up(ctx, p, tpl, o)
}

func (w *world) down(ctx context.Context) error {
	return w.d.Down(ctx, "shop", DownOptions{Progress: w.printer(), Out: &w.out})
}

// status is the fake's status of the project's stack, "" when it has none.
func (w *world) status() string {
	s, ok := w.srv.Stack("shop")
	if !ok {
		return ""
	}
	return s.Status
}

const webAndDB = `services:
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
