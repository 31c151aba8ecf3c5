package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/docker-ecs/docker-ecs/internal/convert"
)

// Diagnosis of a service that could not start: a few of its stopped tasks
// and the last lines each wrote.
const (
	diagnosedTasks = 3
	lastLogLines   = 10
)

// diagnose explains why the ECS service of a failed stack event could not
// become stable: why its tasks stopped, and what they wrote last. It runs
// as soon as the failure shows, before a rollback removes the service and
// the log group. It returns lines to show; it never fails the command.
func (d *Deployer) diagnose(ctx context.Context, project, service string, e cfntypes.StackEvent) []string {
	arn := aws.ToString(e.PhysicalResourceId)
	if !strings.HasPrefix(arn, "arn:") {
		out, err := d.AWS.CloudFormation.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{
			StackName:         e.StackId,
			LogicalResourceId: e.LogicalResourceId,
		})
		if err != nil || out.StackResourceDetail == nil {
			return nil
		}
		arn = aws.ToString(out.StackResourceDetail.PhysicalResourceId)
	}
	cluster, name, ok := serviceARN(arn)
	if !ok {
		return nil
	}
	list, err := d.AWS.ECS.ListTasks(ctx, &ecs.ListTasksInput{
		Cluster:       aws.String(cluster),
		ServiceName:   aws.String(name),
		DesiredStatus: ecstypes.DesiredStatusStopped,
	})
	if err != nil || len(list.TaskArns) == 0 {
		return nil
	}
	tasks, err := d.AWS.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: list.TaskArns})
	if err != nil {
		return nil
	}
	stopped := tasks.Tasks
	slices.SortFunc(stopped, func(a, b ecstypes.Task) int {
		return aws.ToTime(b.StoppedAt).Compare(aws.ToTime(a.StoppedAt))
	})
	var lines []string
	for _, t := range stopped[:min(len(stopped), diagnosedTasks)] {
		id := taskID(aws.ToString(t.TaskArn))
		why := aws.ToString(t.StoppedReason)
		for _, c := range t.Containers {
			switch {
			case c.ExitCode != nil:
				why += fmt.Sprintf(" (%s exited with code %d)", aws.ToString(c.Name), aws.ToInt32(c.ExitCode))
			case aws.ToString(c.Reason) != "":
				why += fmt.Sprintf(" (%s: %s)", aws.ToString(c.Name), aws.ToString(c.Reason))
			}
		}
		lines = append(lines, fmt.Sprintf("task %s of %s stopped: %s", id, service, why))
		for _, l := range d.lastLines(ctx, project, service, id) {
			lines = append(lines, "  | "+l)
		}
	}
	return lines
}

// lastLines returns the last lines a task's container wrote to the
// project's log group.
func (d *Deployer) lastLines(ctx context.Context, project, service, task string) []string {
	out, err := d.AWS.Logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName:  aws.String(convert.LogGroupName(project)),
		LogStreamName: aws.String(streamName(service, task)),
		Limit:         aws.Int32(lastLogLines),
		StartFromHead: aws.Bool(false),
	})
	if err != nil {
		return nil
	}
	var lines []string
	for _, e := range out.Events {
		lines = append(lines, strings.TrimRight(aws.ToString(e.Message), "\n"))
	}
	return lines
}

// streamName is the log stream of a task's container: the awslogs driver
// names it PREFIX/CONTAINER/TASK, and both are the service's name.
func streamName(service, task string) string {
	return service + "/" + service + "/" + task
}

// taskID is the last part of a task ARN.
func taskID(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}
