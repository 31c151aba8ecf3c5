package apply

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
	"github.com/docker-ecs/docker-ecs/internal/gendoc"
)

var update = flag.Bool("update", false, "rewrite docs/reliability.md")

// reliabilityDoc is where TestReliability writes its table.
const reliabilityDoc = "../../docs/reliability.md"

// The project of the reliability cases: a published port, a secret, a
// config, a volume and a GPU service, so that every kind of resource up
// makes outside the stack, or that outlives it, is there to be orphaned.
const fullCompose = `services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
    secrets: [token]
    configs:
      - source: site
        target: /etc/app/site.conf
  db:
    image: postgres:16
    volumes:
      - data:/var/lib/postgresql/data
  gpu:
    image: example/inference:1.0
    deploy:
      resources:
        reservations:
          devices:
            - capabilities: [gpu]
              count: 1
secrets:
  token:
    file: ./token.txt
configs:
  site:
    content: listen 80
volumes:
  data: {}
`

// outcome is a row of docs/reliability.md.
type outcome struct {
	scenario, exit, stack, left string
}

// TestReliability runs up and down under faults and interruptions, and
// records for each the exit status, the stack's final state, and what is
// left outside a stack. go test ./internal/apply -update rewrites the
// table of docs/reliability.md; without -update the table must be the
// one in the file.
func TestReliability(t *testing.T) {
	var rows []outcome
	record := func(t *testing.T, scenario string, w *world, err error) {
		t.Helper()
		// Whatever the operation left, AWS finishes it.
		w.clock.Advance(time.Hour)
		rows = append(rows, outcome{scenario: scenario, exit: exitOf(err), stack: stackOf(w), left: leftovers(w)})
	}
	deployed := func(t *testing.T, w *world, dir string) {
		t.Helper()
		if err := w.upIn(context.Background(), dir, fullCompose, UpOptions{}); err != nil {
			t.Fatalf("up: %v", err)
		}
		w.srv.ResetCalls()
	}

	// Faults on the calls up, down, ps and logs make: each distinct
	// operation fails on its first call.
	commands := []struct {
		name    string
		prepare func(t *testing.T, w *world, dir string)
		run     func(w *world, dir string) error
	}{
		{"up", func(*testing.T, *world, string) {}, func(w *world, dir string) error {
			return w.upIn(context.Background(), dir, fullCompose, UpOptions{})
		}},
		{"up (update)", deployed, func(w *world, dir string) error {
			return w.upIn(context.Background(), dir, strings.Replace(fullCompose, "nginx:1.27", "nginx:1.28", 1), UpOptions{})
		}},
		{"down", deployed, func(w *world, _ string) error { return w.down(context.Background()) }},
		{"ps", deployed, func(w *world, _ string) error { _, err := w.d.Ps(context.Background(), "shop"); return err }},
		{"logs", deployed, func(w *world, _ string) error {
			return w.d.Logs(context.Background(), "shop", LogsOptions{Tail: -1, Out: &w.out})
		}},
	}
	// The operations each command makes, from a run without fault.
	ops := map[string][]called{}
	for _, c := range commands {
		ops[c.name] = operationsOf(t, func(w *world, dir string) { c.prepare(t, w, dir) }, c.run)
	}
	for _, kind := range []struct {
		name  string
		fault fakeaws.FaultKind
	}{
		{"throttling", fakeaws.Throttle},
		{"500 InternalFailure", fakeaws.InternalError},
		{"503 ServiceUnavailable", fakeaws.Unavailable},
		{"a reset connection", fakeaws.ConnectionReset},
		{"a request that times out", fakeaws.Delay},
	} {
		for _, c := range commands {
			scenario := fmt.Sprintf("%s: %s on the first call of every operation", c.name, kind.name)
			t.Run(scenario, func(t *testing.T) {
				w, dir := reliabilityWorld(t)
				c.prepare(t, w, dir)
				for _, op := range ops[c.name] {
					w.srv.Inject(fakeaws.Fault{Service: op.service, Operation: op.operation, Kind: kind.fault, Times: 1, Delay: time.Second})
				}
				err := c.run(w, dir)
				if err != nil {
					t.Errorf("%s failed: %v", c.name, err)
				}
				faulted := 0
				for _, call := range w.srv.Calls() {
					if call.Fault != fakeaws.NoFault {
						faulted++
					}
				}
				if faulted < len(ops[c.name]) {
					t.Errorf("%d faults for %d operations", faulted, len(ops[c.name]))
				}
				record(t, scenario, w, err)
			})
		}
	}

	t.Run("credentials expire during up", func(t *testing.T) {
		w, dir := reliabilityWorld(t)
		// Once the stack is being created, every call is refused.
		w.d.Clock = sleeper(func(ctx context.Context, d time.Duration) error {
			w.srv.Inject(fakeaws.Fault{Kind: fakeaws.ExpiredToken})
			w.clock.Advance(d)
			return ctx.Err()
		})
		err := w.upIn(context.Background(), dir, fullCompose, UpOptions{})
		if err == nil || !strings.Contains(err.Error(), "your AWS credentials have expired") || !strings.Contains(err.Error(), "goes on in AWS") {
			t.Errorf("got %v", err)
		}
		w.srv.ClearFaults()
		record(t, "up: the credentials expire while it follows the deploy", w, err)
	})

	for _, f := range []struct {
		scenario string
		prepare  func(t *testing.T, w *world, dir string)
		failure  fakeaws.Failure
		run      func(w *world, dir string) error
	}{
		{"up: a resource fails to create (first deploy)", func(*testing.T, *world, string) {},
			fakeaws.Failure{LogicalID: "WebTaskDefinition", On: fakeaws.Create, Reason: "Invalid request provided"},
			func(w *world, dir string) error { return w.upIn(context.Background(), dir, fullCompose, UpOptions{}) }},
		{"up --keep-failed: a resource fails to create", func(*testing.T, *world, string) {},
			fakeaws.Failure{LogicalID: "WebTaskDefinition", On: fakeaws.Create, Reason: "Invalid request provided"},
			func(w *world, dir string) error {
				return w.upIn(context.Background(), dir, fullCompose, UpOptions{KeepFailed: true})
			}},
		{"up: a resource fails to update", deployed,
			fakeaws.Failure{LogicalID: "WebService", On: fakeaws.Update, Reason: "Invalid request provided"},
			func(w *world, dir string) error {
				return w.upIn(context.Background(), dir, strings.Replace(fullCompose, "nginx:1.27", "nginx:1.28", 1), UpOptions{})
			}},
		{"down: a resource fails to delete", deployed,
			fakeaws.Failure{LogicalID: "LoadBalancerSecurityGroup", On: fakeaws.Delete, Reason: "resource has a dependent object", Times: 1},
			func(w *world, _ string) error { return w.down(context.Background()) }},
	} {
		t.Run(f.scenario, func(t *testing.T) {
			w, dir := reliabilityWorld(t)
			f.prepare(t, w, dir)
			w.srv.FailResource(f.failure)
			err := f.run(w, dir)
			if err == nil {
				t.Fatal("no failure")
			}
			record(t, f.scenario, w, err)
		})
	}
	t.Run("down again after a failed down", func(t *testing.T) {
		w, dir := reliabilityWorld(t)
		deployed(t, w, dir)
		w.srv.FailResource(fakeaws.Failure{LogicalID: "LoadBalancerSecurityGroup", On: fakeaws.Delete, Times: 1})
		if err := w.down(context.Background()); err == nil {
			t.Fatal("no failure")
		}
		err := w.down(context.Background())
		record(t, "down again, once the cause of a failed down is gone", w, err)
	})

	// Interruptions: SIGINT and SIGTERM both end the plugin's context,
	// here as the call of an operation starts.
	for _, i := range []struct {
		scenario, operation string
		prepare             func(t *testing.T, w *world, dir string)
		run                 func(ctx context.Context, w *world, dir string) error
	}{
		{"up, while it stores the secrets", "CreateSecret", func(*testing.T, *world, string) {}, upFull},
		{"up, as it creates the stack", "CreateStack", func(*testing.T, *world, string) {}, upFull},
		{"up, while it follows the creation", "DescribeStackEvents", func(*testing.T, *world, string) {}, upFull},
		{"up, while the change set is computed", "DescribeChangeSet", deployed, upChanged},
		{"up, while it follows the update", "DescribeStackEvents", deployed, upChanged},
		{"down, as it deletes the stack", "DeleteStack", deployed, downFull},
		{"down, while it follows the deletion", "DescribeStackEvents", deployed, downFull},
		{"down, while it deletes the secrets", "DeleteSecret", deployed, downFull},
	} {
		scenario := "SIGINT or SIGTERM during " + i.scenario
		t.Run(scenario, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			w, dir := reliabilityWorld(t, interruptAt(i.operation, cancel))
			i.prepare(t, w, dir)
			err := i.run(ctx, w, dir)
			if !errors.Is(err, ErrDetached) {
				t.Errorf("got %v, want to be detached", err)
			}
			for _, c := range w.srv.Calls() {
				if strings.HasPrefix(c.Operation, "Cancel") || c.Operation == "ContinueUpdateRollback" {
					t.Errorf("the interrupted command called %s", c.Operation)
				}
			}
			record(t, scenario, w, err)
		})
	}

	t.Run("two up at once", func(t *testing.T) {
		w, dir := reliabilityWorld(t)
		if err := w.upIn(context.Background(), dir, fullCompose, UpOptions{Detach: true}); err != nil {
			t.Fatal(err)
		}
		err := w.upIn(context.Background(), dir, strings.Replace(fullCompose, "nginx:1.27", "nginx:1.28", 1), UpOptions{})
		if err == nil || !strings.Contains(err.Error(), "busy") {
			t.Errorf("got %v", err)
		}
		record(t, "up while another up of the project runs (the second)", w, err)
	})

	writeReliability(t, rows)
}

func upFull(ctx context.Context, w *world, dir string) error {
	return w.upIn(ctx, dir, fullCompose, UpOptions{})
}

func upChanged(ctx context.Context, w *world, dir string) error {
	return w.upIn(ctx, dir, strings.Replace(fullCompose, "nginx:1.27", "nginx:1.28", 1), UpOptions{})
}

func downFull(ctx context.Context, w *world, _ string) error {
	return w.down(ctx)
}

// reliabilityWorld is a fake AWS with short request timeouts, and a
// directory with the project's secret.
func reliabilityWorld(t *testing.T, extra ...func(*config.LoadOptions) error) (*world, string) {
	t.Helper()
	timeout := config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(300 * time.Millisecond))
	w := newWorld(t, time.Second, append([]func(*config.LoadOptions) error{timeout}, extra...)...)
	dir := t.TempDir()
	projectIn(t, dir, "", map[string]string{"token.txt": "reliability-token-value"})
	return w, dir
}

// interruptAt ends the context as a call of operation starts, as Ctrl-C
// would at that moment.
func interruptAt(operation string, cancel context.CancelFunc) func(*config.LoadOptions) error {
	return config.WithAPIOptions([]func(*middleware.Stack) error{func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("interrupt", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if awsmiddleware.GetOperationName(ctx) == operation {
				cancel()
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
	}})
}

type called struct{ service, operation string }

// operationsOf runs a command without fault and returns the operations it
// called.
func operationsOf(t *testing.T, prepare func(w *world, dir string), run func(w *world, dir string) error) []called {
	t.Helper()
	w, dir := reliabilityWorld(t)
	prepare(w, dir)
	w.srv.ResetCalls()
	if err := run(w, dir); err != nil {
		t.Fatalf("without fault: %v", err)
	}
	var ops []called
	for _, c := range w.srv.Calls() {
		op := called{c.Service, c.Operation}
		if !slices.Contains(ops, op) {
			ops = append(ops, op)
		}
	}
	return ops
}

// exitOf is the exit status of the command that returned err, and why.
func exitOf(err error) string {
	switch {
	case err == nil:
		return "0"
	case errors.Is(err, ErrDetached):
		return "130: interrupted, nothing cancelled"
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	return "1: " + first
}

// stackOf is the final state of the project's stack.
func stackOf(w *world) string {
	if st := w.status(); st != "" && st != "DELETE_COMPLETE" {
		return st
	}
	return "none"
}

// leftovers are the resources outside any stack that the scenario left:
// secrets and parameters of a project with no stack, file systems no stack
// uses (kept by design only when down succeeded: the data), Auto Scaling
// groups, buckets.
func leftovers(w *world) string {
	var left []string
	_, hasStack := w.srv.Stack("shop")
	if st := w.status(); st == "DELETE_COMPLETE" {
		hasStack = false
	}
	if !hasStack {
		for _, s := range w.srv.Secrets() {
			if s.DeletedDate.IsZero() {
				left = append(left, "secret "+s.Name)
			}
		}
		for _, p := range w.srv.SSMParameters() {
			left = append(left, "parameter "+p.Name)
		}
		for range w.srv.FileSystems() {
			left = append(left, "file system (kept by design: the volume's data)")
		}
		for range w.srv.AutoScalingGroups() {
			left = append(left, "Auto Scaling group")
		}
	}
	for _, b := range w.srv.Buckets() {
		left = append(left, "bucket "+b.Name)
	}
	if len(left) == 0 {
		return "nothing"
	}
	return strings.Join(left, ", ")
}

// writeReliability renders the table into docs/reliability.md.
func writeReliability(t *testing.T, rows []outcome) {
	t.Helper()
	var b strings.Builder
	b.WriteString("| scenario | exit status | stack at the end | left outside a stack |\n|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.scenario, strings.ReplaceAll(r.exit, "|", "\\|"), r.stack, r.left)
	}
	gendoc.Section(t, reliabilityDoc, "TestReliability", b.String(), *update)
}
