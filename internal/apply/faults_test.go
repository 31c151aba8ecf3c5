package apply

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

func TestFailedUpdateRollsBack(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	if err := w.up(ctx, webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	w.srv.FailTasks("web", fakeaws.TaskFailure{Reason: "CannotPullContainerError: pull image manifest has been retried 5 time(s)"})
	err := w.up(ctx, webAndDBModified, UpOptions{})
	if err == nil {
		t.Fatal("the update succeeded")
	}
	for _, want := range []string{"the update of shop failed and was rolled back: the previous version runs", "web/WebService (ECS::Service)", "CannotPullContainerError"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%s", want, err)
		}
	}
	if st := w.status(); st != "UPDATE_ROLLBACK_COMPLETE" {
		t.Errorf("stack %s", st)
	}
}

// TestThrottlingIsRetried: AWS's throttling of the calls that follow a
// deploy slows it down, and fails nothing.
func TestThrottlingIsRetried(t *testing.T) {
	w := newWorld(t, time.Second)
	for _, op := range []string{"DescribeStackEvents", "CreateStack", "DescribeVpcs"} {
		w.srv.Inject(fakeaws.Fault{Operation: op, Kind: fakeaws.Throttle, Times: 1})
	}
	w.srv.Inject(fakeaws.Fault{Service: "sts", Kind: fakeaws.Unavailable, Times: 1})
	if err := w.up(context.Background(), webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	if st := w.status(); st != "CREATE_COMPLETE" {
		t.Errorf("stack %s", st)
	}
	if n := w.srv.Count("cloudformation", "CreateStack"); n != 2 {
		t.Errorf("CreateStack called %d times, want 2 (one throttled)", n)
	}
}

func TestDownInterrupted(t *testing.T) {
	w := newWorld(t, time.Second)
	if err := w.up(context.Background(), webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.d.Clock = interruptAfter{virtualClock{w.clock}, w.clock.Now().Add(10 * time.Second), cancel}
	if err := w.down(ctx); !errors.Is(err, ErrDetached) {
		t.Fatalf("got %v", err)
	}
	if st := w.status(); st != "DELETE_IN_PROGRESS" {
		t.Errorf("stack %s", st)
	}
	w.clock.Advance(10 * time.Minute)
	if st := w.status(); st != "" && st != "DELETE_COMPLETE" {
		t.Errorf("the removal did not go on: %s", st)
	}
}

// TestDownListsRetained: what CloudFormation keeps by design is named at
// the end.
func TestDownListsRetained(t *testing.T) {
	w := newWorld(t, time.Millisecond)
	ctx := context.Background()
	_, err := w.d.AWS.CloudFormation.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName:    aws.String("shop"),
		TemplateBody: aws.String(`{"Resources": {"Data": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain", "Properties": {"LogGroupName": "/keep/me"}}, "Cluster": {"Type": "AWS::ECS::Cluster"}}}`),
		Capabilities: []types.Capability{types.CapabilityCapabilityIam},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Minute)
	if err := w.down(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.out.String(), "Kept by design (delete them yourself when you no longer need them): Logs::LogGroup /keep/me") {
		t.Errorf("output:\n%s", w.out.String())
	}
}
