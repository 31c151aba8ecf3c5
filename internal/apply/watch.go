package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/progress"
)

// watch follows one stack operation through its events until the stack
// reaches a status that will not change by itself.
type watch struct {
	d       *Deployer
	stackID string
	// token is the operation's ClientRequestToken; events of older
	// operations carry another one.
	token   string
	owners  map[string]string // logical ID → compose service
	printer progress.Printer
	seen    map[string]bool
	// failed are the resources that failed, in order, with the reason.
	failed []types.StackEvent
	// skipped are the resources a deletion kept, by design.
	skipped []string
	// onFailure, when set, runs as soon as a resource fails, while what
	// explains the failure (stopped tasks, logs) still exists.
	onFailure func(context.Context, types.StackEvent)
}

// run returns the stack's final status. When ctx is done first, it returns
// ErrDetached: the operation goes on.
func (w *watch) run(ctx context.Context) (types.StackStatus, error) {
	if w.seen == nil {
		w.seen = map[string]bool{}
	}
	interval := minPoll
	for {
		events, err := w.poll(ctx)
		if ctx.Err() != nil {
			return "", ErrDetached
		}
		if err != nil {
			return "", err
		}
		for _, e := range events {
			w.show(e)
			if failedStatus(e.ResourceStatus) && !w.isStack(e) && !cancelled(e) {
				w.failed = append(w.failed, e)
				if w.onFailure != nil && len(w.failed) == 1 {
					w.onFailure(ctx, e)
				}
			}
			if e.ResourceStatus == types.ResourceStatusDeleteSkipped {
				w.skipped = append(w.skipped, fmt.Sprintf("%s %s", strings.TrimPrefix(aws.ToString(e.ResourceType), "AWS::"), aws.ToString(e.PhysicalResourceId)))
			}
			if w.isStack(e) && final(types.StackStatus(e.ResourceStatus)) {
				return types.StackStatus(e.ResourceStatus), nil
			}
		}
		if len(events) > 0 {
			interval = minPoll
		} else {
			interval = min(interval*3/2, maxPoll)
		}
		if err := w.d.Clock.Sleep(ctx, interval); err != nil {
			return "", ErrDetached
		}
	}
}

// poll returns the events not seen yet, oldest first. Events come newest
// first, so reading stops at the first one already seen or belonging to an
// older operation.
func (w *watch) poll(ctx context.Context) ([]types.StackEvent, error) {
	var fresh []types.StackEvent
	p := cloudformation.NewDescribeStackEventsPaginator(w.d.AWS.CloudFormation, &cloudformation.DescribeStackEventsInput{StackName: aws.String(w.stackID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, awsapi.Explain(err)
		}
		for _, e := range page.StackEvents {
			id := aws.ToString(e.EventId)
			if w.seen[id] || (w.token != "" && aws.ToString(e.ClientRequestToken) != w.token) {
				slices.Reverse(fresh)
				return fresh, nil
			}
			w.seen[id] = true
			fresh = append(fresh, e)
		}
	}
	slices.Reverse(fresh)
	return fresh, nil
}

func (w *watch) show(e types.StackEvent) {
	w.printer.Event(progress.Event{
		Time:     aws.ToTime(e.Timestamp),
		Resource: aws.ToString(e.LogicalResourceId),
		Type:     aws.ToString(e.ResourceType),
		Service:  w.owners[aws.ToString(e.LogicalResourceId)],
		Status:   string(e.ResourceStatus),
		Reason:   aws.ToString(e.ResourceStatusReason),
	})
}

func (w *watch) isStack(e types.StackEvent) bool {
	return aws.ToString(e.ResourceType) == "AWS::CloudFormation::Stack" && aws.ToString(e.PhysicalResourceId) == w.stackID
}

// final reports whether a stack status will not change by itself.
func final(s types.StackStatus) bool {
	return !strings.HasSuffix(string(s), "_IN_PROGRESS")
}

func failedStatus(s types.ResourceStatus) bool {
	return strings.HasSuffix(string(s), "_FAILED")
}

// cancelled reports whether a failure is only the consequence of another
// one: CloudFormation stops the resources in progress when one fails.
func cancelled(e types.StackEvent) bool {
	r := aws.ToString(e.ResourceStatusReason)
	return strings.Contains(r, "cancelled") || strings.Contains(r, "canceled")
}
