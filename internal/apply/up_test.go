package apply

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

func TestUpCreatesTheStack(t *testing.T) {
	w := newWorld(t, time.Second)
	if err := w.up(context.Background(), webAndDB, UpOptions{}); err != nil {
		t.Fatalf("up: %v\n%s", err, w.progress.String())
	}
	s, _ := w.srv.Stack("shop")
	if s.Status != "CREATE_COMPLETE" {
		t.Fatalf("stack %s", s.Status)
	}
	vpc, subnets := w.srv.DefaultVPC()
	if s.Parameters["VpcId"] != vpc || s.Parameters["Subnets"] != strings.Join(sorted(subnets), ",") {
		t.Errorf("parameters %v, want the default VPC %s and its subnets %v", s.Parameters, vpc, subnets)
	}
	if s.Tags["com.docker.compose.project"] != "shop" {
		t.Errorf("stack tags %v", s.Tags)
	}
	for _, want := range []string{
		"web/WebService ECS::Service CREATE_IN_PROGRESS",
		"web/WebService ECS::Service CREATE_COMPLETE",
		"LoadBalancer ElasticLoadBalancingV2::LoadBalancer CREATE_COMPLETE (2m30s)",
		"shop CloudFormation::Stack CREATE_COMPLETE",
	} {
		if !strings.Contains(w.progress.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, w.progress.String())
		}
	}
	if out := w.out.String(); !strings.Contains(out, "shop is running.") || !strings.Contains(out, "web: http://") {
		t.Errorf("output: %s", out)
	}
	// One call to check the credentials, before anything else.
	if calls := w.srv.Calls(); calls[0].Operation != "GetCallerIdentity" {
		t.Errorf("first call %s", calls[0].Operation)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestUpWithoutChanges(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	if err := w.up(ctx, webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	w.out.Reset()
	events := len(mustStack(t, w).Events)
	if err := w.up(ctx, webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	if out := w.out.String(); !strings.Contains(out, "No changes: shop is up to date.") {
		t.Errorf("output: %s", out)
	}
	if s := mustStack(t, w); len(s.Events) != events || s.Status != "CREATE_COMPLETE" {
		t.Errorf("the stack changed: %s, %d events (was %d)", s.Status, len(s.Events), events)
	}
	if w.srv.Count("cloudformation", "ExecuteChangeSet") != 0 {
		t.Error("a change set was executed")
	}
}

func mustStack(t *testing.T, w *world) fakeaws.StackSnapshot {
	t.Helper()
	s, ok := w.srv.Stack("shop")
	if !ok {
		t.Fatal("no stack")
	}
	return s
}

const webAndDBModified = `services:
  web:
    image: nginx:1.28
    ports: ["80:80"]
    deploy:
      replicas: 3
  db:
    image: postgres:16
    environment:
      POSTGRES_HOST_AUTH_METHOD: trust
`

func TestUpUpdates(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	if err := w.up(ctx, webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	w.progress.Reset()
	if err := w.up(ctx, webAndDBModified, UpOptions{}); err != nil {
		t.Fatalf("update: %v\n%s", err, w.progress.String())
	}
	s := mustStack(t, w)
	if s.Status != "UPDATE_COMPLETE" {
		t.Fatalf("stack %s", s.Status)
	}
	progress := w.progress.String()
	if !strings.Contains(progress, "web/WebTaskDefinition ECS::TaskDefinition UPDATE_COMPLETE") || strings.Contains(progress, "DbService") {
		t.Errorf("progress:\n%s", progress)
	}
	if strings.Contains(progress, "CREATE_COMPLETE (") {
		t.Errorf("events of the first deploy shown again:\n%s", progress)
	}
}

func TestUpDryRun(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	if err := w.up(ctx, webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	w.out.Reset()
	before := mustStack(t, w)
	more := webAndDBModified + `  cache:
    image: redis:7
`
	if err := w.up(ctx, strings.Replace(more, "ports: [\"80:80\"]", "ports: [\"8080:80\"]", 1), UpOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	out := w.out.String()
	for _, want := range []string{
		"docker ecs up would change shop:",
		"cache:\n",
		"  added    CacheService (ECS::Service)",
		"web:\n",
		"replaced WebTaskDefinition (ECS::TaskDefinition)",
		"modified WebService (ECS::Service)",
		"added    Listener8080",
		"removed  Listener80",
		"shared by the project:\n",
		// 8080 is not HTTP: the load balancer becomes a network one.
		"replaced LoadBalancer (ElasticLoadBalancingV2::LoadBalancer): LoadBalancerAttributes, Type",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	after := mustStack(t, w)
	if after.Status != before.Status || len(after.Events) != len(before.Events) {
		t.Errorf("the dry run changed the stack: %s", after.Status)
	}
	if w.srv.Count("cloudformation", "ExecuteChangeSet") != 0 || w.srv.Count("cloudformation", "DeleteChangeSet") != 1 {
		t.Error("the change set was executed, or not deleted")
	}
}

func TestUpDryRunOfANewProject(t *testing.T) {
	w := newWorld(t, time.Second)
	if err := w.up(context.Background(), webAndDB, UpOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.out.String(), "added    WebService (ECS::Service)") {
		t.Errorf("output:\n%s", w.out.String())
	}
	if st := w.status(); st != "" && st != "DELETE_COMPLETE" {
		t.Errorf("a dry run left a stack in %s", st)
	}
}

func TestUpFailingService(t *testing.T) {
	w := newWorld(t, time.Second)
	w.srv.FailTasks("web", fakeaws.TaskFailure{ExitCode: 3, LogLines: []string{"starting", "panic: no database"}})
	err := w.up(context.Background(), webAndDB, UpOptions{})
	if err == nil {
		t.Fatal("up succeeded")
	}
	msg := err.Error()
	for _, want := range []string{
		"the creation of shop failed and was rolled back: nothing of it is left",
		"web/WebService (ECS::Service): ",
		"Circuit Breaker",
		"stopped: Essential container in task exited (web exited with code 3)",
		"  | panic: no database",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error lacks %q:\n%s", want, msg)
		}
	}
	// Nothing is left, not even the stack's record.
	if st := w.status(); st != "" && st != "DELETE_COMPLETE" {
		t.Errorf("stack %s", st)
	}
	if strings.Contains(msg, "Resource creation cancelled") {
		t.Errorf("the error shows a consequence, not the cause:\n%s", msg)
	}
}

func TestUpKeepFailed(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	w.srv.FailTasks("web", fakeaws.TaskFailure{})
	err := w.up(ctx, webAndDB, UpOptions{KeepFailed: true})
	if err == nil || !strings.Contains(err.Error(), "kept for inspection") {
		t.Fatalf("got %v", err)
	}
	s := mustStack(t, w)
	if s.Status != "CREATE_FAILED" {
		t.Fatalf("stack %s", s.Status)
	}
	if r, ok := s.Resource("LogGroup"); !ok || r.Status != "CREATE_COMPLETE" {
		t.Errorf("the log group is not kept: %+v", r)
	}
	// The next up starts again from scratch.
	w.srv.ClearFailures()
	w.progress.Reset()
	if err := w.up(ctx, webAndDB, UpOptions{}); err != nil {
		t.Fatalf("second up: %v\n%s", err, w.progress.String())
	}
	if st := w.status(); st != "CREATE_COMPLETE" {
		t.Errorf("stack %s", st)
	}
	if !strings.Contains(w.progress.String(), "did not complete (CREATE_FAILED): removing what is left of it first") {
		t.Errorf("progress:\n%s", w.progress.String())
	}
}

func TestUpRefusesABusyStack(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	if err := w.up(ctx, webAndDB, UpOptions{Detach: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.out.String(), "goes on in AWS") {
		t.Errorf("output: %s", w.out.String())
	}
	err := w.up(ctx, webAndDBModified, UpOptions{})
	if err == nil || !strings.Contains(err.Error(), "busy (CREATE_IN_PROGRESS)") {
		t.Fatalf("got %v", err)
	}
	if w.srv.Count("cloudformation", "CreateChangeSet") != 0 {
		t.Error("a change set was made for a busy stack")
	}
}

// TestUpInterrupted: Ctrl-C stops the waiting, never the deployment.
func TestUpInterrupted(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	w.d.Clock = interruptAfter{virtualClock{w.clock}, start.Add(30 * time.Second), cancel}
	err := w.up(ctx, webAndDB, UpOptions{})
	if !errors.Is(err, ErrDetached) {
		t.Fatalf("got %v", err)
	}
	if st := w.status(); st != "CREATE_IN_PROGRESS" {
		t.Errorf("stack %s", st)
	}
	for _, c := range w.srv.Calls() {
		if strings.HasPrefix(c.Operation, "Delete") || strings.HasPrefix(c.Operation, "Cancel") {
			t.Errorf("an interrupted up called %s", c.Operation)
		}
	}
	w.clock.Advance(10 * time.Minute)
	if st := w.status(); st != "CREATE_COMPLETE" {
		t.Errorf("the deployment did not go on: %s", st)
	}
}

// interruptAfter is a clock whose Sleep cancels the context once its time
// is past at, as Ctrl-C would.
type interruptAfter struct {
	virtualClock
	at     time.Time
	cancel context.CancelFunc
}

func (c interruptAfter) Sleep(ctx context.Context, d time.Duration) error {
	if c.Now().After(c.at) {
		c.cancel()
	}
	return c.virtualClock.Sleep(ctx, d)
}

func TestUpWithoutDefaultVPC(t *testing.T) {
	w := newWorld(t, time.Second)
	w.srv.RemoveDefaultVPC()
	err := w.up(context.Background(), webAndDB, UpOptions{})
	if err == nil || !strings.Contains(err.Error(), "has no default VPC") {
		t.Fatalf("got %v", err)
	}
	if n := w.srv.Count("cloudformation", "CreateStack") + w.srv.Count("cloudformation", "CreateChangeSet"); n != 0 {
		t.Error("a stack operation was started")
	}
}

func TestUpInANamedVPC(t *testing.T) {
	w := newWorld(t, time.Second)
	vpc := w.srv.AddVPC("10.1.0.0/16", nil)
	a := w.srv.AddSubnet(vpc, "eu-west-1a", "10.1.1.0/24", true, nil)
	b := w.srv.AddSubnet(vpc, "eu-west-1b", "10.1.2.0/24", true, nil)
	w.srv.AddSubnet(vpc, "eu-west-1c", "10.1.3.0/24", false, nil) // private
	if err := w.up(context.Background(), "x-aws-vpc: "+vpc+"\n"+webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	s := mustStack(t, w)
	if s.Parameters["VpcId"] != vpc || s.Parameters["Subnets"] != strings.Join(sorted([]string{a, b}), ",") {
		t.Errorf("parameters %v", s.Parameters)
	}
}

func TestUpInAMissingVPC(t *testing.T) {
	w := newWorld(t, time.Second)
	err := w.up(context.Background(), "x-aws-vpc: vpc-0123456789abcdef0\n"+webAndDB, UpOptions{})
	if err == nil || !strings.Contains(err.Error(), "x-aws-vpc: the VPC vpc-0123456789abcdef0 does not exist in the AWS region eu-west-1") {
		t.Fatalf("got %v", err)
	}
}
