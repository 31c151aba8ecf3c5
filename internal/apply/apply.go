// Package apply is the Apply phase, the only one that talks to AWS: it
// creates, updates and deletes a project's stack, follows the operation
// through the stack's events, explains failures, and reads the state and
// the logs of a running project.
package apply

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/convert"
)

// Clock is the time of the Apply phase: real time in the plugin, virtual
// time in tests.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now implements Clock.
func (RealClock) Now() time.Time { return time.Now() }

// Sleep implements Clock.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Deployer applies projects to one AWS account and region.
type Deployer struct {
	AWS   *awsapi.Clients
	Clock Clock
}

// ErrDetached is returned when the user interrupted a command that waits
// for AWS: the operation goes on in AWS, nothing was cancelled.
var ErrDetached = errors.New("detached")

// Polling of stack events: soon again after something happened, slower and
// slower while nothing does, so that the number of calls follows the
// number of events rather than the time a deploy takes.
const (
	minPoll = time.Second
	maxPoll = 5 * time.Second
)

// stack describes the project's stack; nil when there is none.
func (d *Deployer) stack(ctx context.Context, name string) (*types.Stack, error) {
	out, err := d.AWS.CloudFormation.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if awsapi.IsCode(err, "ValidationError") && strings.Contains(err.Error(), "does not exist") {
		return nil, nil
	}
	if err != nil {
		return nil, awsapi.Explain(err)
	}
	if len(out.Stacks) == 0 || out.Stacks[0].StackStatus == types.StackStatusDeleteComplete {
		return nil, nil
	}
	return &out.Stacks[0], nil
}

// stackResources lists the resources of a stack, every page of them.
func (d *Deployer) stackResources(ctx context.Context, stackID string) ([]types.StackResourceSummary, error) {
	var all []types.StackResourceSummary
	p := cloudformation.NewListStackResourcesPaginator(d.AWS.CloudFormation, &cloudformation.ListStackResourcesInput{StackName: aws.String(stackID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, awsapi.Explain(err)
		}
		all = append(all, page.StackResourceSummaries...)
	}
	return all, nil
}

// busy reports whether a stack status means another operation is running.
func busy(s types.StackStatus) bool {
	return strings.HasSuffix(string(s), "_IN_PROGRESS") && s != types.StackStatusReviewInProgress
}

// token is a unique ClientRequestToken: every event of the operation
// carries it, which tells the events of this operation from older ones.
func token(verb string) string {
	return "docker-ecs-" + verb + "-" + randomHex()
}

// randomHex is 8 random bytes, in hex.
func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// projectTags are the stack's tags, which CloudFormation also puts on every
// resource that takes tags.
func projectTags(project string) []types.Tag {
	return []types.Tag{{Key: aws.String(convert.ProjectTag), Value: aws.String(project)}}
}

// busyError is the refusal of an operation while another one runs.
func busyError(project string, s types.StackStatus) error {
	return fmt.Errorf("the stack of %s is busy (%s): another deploy or removal is running; wait until it ends (docker ecs ps shows it), then try again", project, s)
}
