package fakeaws_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

func TestStackEventsArePaged(t *testing.T) {
	_, clk, c := newFake(t, fakeaws.Options{})
	var b strings.Builder
	b.WriteString(`{"Resources": {`)
	for i := range 40 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"Q%02d": {"Type": "AWS::SQS::Queue"}`, i)
	}
	b.WriteString(`}}`)
	createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("many"), TemplateBody: aws.String(b.String())})
	advanceUntil(t, clk, c, "many", time.Minute)
	first, err := c.cfn.DescribeStackEvents(context.Background(), &cloudformation.DescribeStackEventsInput{StackName: aws.String("many")})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.StackEvents) != 100 || first.NextToken == nil || first.StackEvents[0].ResourceStatus != cfntypes.ResourceStatusCreateComplete || aws.ToString(first.StackEvents[0].LogicalResourceId) != "many" {
		t.Fatalf("first page: %d events, newest %+v", len(first.StackEvents), first.StackEvents[0])
	}
	all := events(t, c, "many")
	if len(all) != 40*3+2 {
		t.Fatalf("%d events", len(all))
	}
	seen := map[string]bool{}
	for i, e := range all {
		if seen[aws.ToString(e.EventId)] {
			t.Fatalf("event %s twice", aws.ToString(e.EventId))
		}
		seen[aws.ToString(e.EventId)] = true
		if i > 0 && e.Timestamp.Before(*all[i-1].Timestamp) {
			t.Fatal("events out of order")
		}
	}
}

func TestStackResourcesAndTemplate(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	body := smallTemplate("7", "one", "nginx:1", "")
	createSmall(t, c, clk, "app", body)
	snap, _ := srv.Stack("app")
	list, err := c.cfn.ListStackResources(ctx, &cloudformation.ListStackResourcesInput{StackName: aws.String("app")})
	if err != nil || len(list.StackResourceSummaries) != 4 || aws.ToString(list.StackResourceSummaries[0].LogicalResourceId) != "Group" {
		t.Fatalf("summaries %+v %v", list, err)
	}
	desc, err := c.cfn.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String("app"), LogicalResourceId: aws.String("Task")})
	if err != nil || len(desc.StackResources) != 1 || desc.StackResources[0].ResourceStatus != cfntypes.ResourceStatusCreateComplete || aws.ToString(desc.StackResources[0].StackId) != snap.ID {
		t.Fatalf("resources %+v %v", desc, err)
	}
	one, err := c.cfn.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("app"), LogicalResourceId: aws.String("Logs")})
	if err != nil || aws.ToString(one.StackResourceDetail.PhysicalResourceId) != "app-logs" {
		t.Fatalf("resource %+v %v", one, err)
	}
	_, err = c.cfn.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("app"), LogicalResourceId: aws.String("Nope")})
	apiError(t, err, "ValidationError", "Resource Nope does not exist for stack app")
	tmpl, err := c.cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("app")})
	if err != nil || aws.ToString(tmpl.TemplateBody) != body {
		t.Fatalf("template %v", err)
	}
	stacks, err := c.cfn.ListStacks(ctx, &cloudformation.ListStacksInput{StackStatusFilter: []cfntypes.StackStatus{cfntypes.StackStatusCreateComplete}})
	if err != nil || len(stacks.StackSummaries) != 1 {
		t.Fatalf("stacks %+v %v", stacks, err)
	}
	defs, err := c.ecs.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("app")})
	if err != nil || len(defs.TaskDefinitionArns) != 1 || !strings.HasSuffix(defs.TaskDefinitionArns[0], "task-definition/app:1") {
		t.Fatalf("task definitions %+v %v", defs, err)
	}
}

func TestCancelUpdateStack(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	createSmall(t, c, clk, "app", smallTemplate("7", "one", "nginx:1", ""))
	before, _ := srv.Stack("app")
	if _, err := c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("app"), TemplateBody: aws.String(smallTemplate("7", "two", "nginx:1", ""))}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if _, err := c.cfn.CancelUpdateStack(ctx, &cloudformation.CancelUpdateStackInput{StackName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
	if status := advanceUntil(t, clk, c, "app", time.Minute); status != cfntypes.StackStatusUpdateRollbackComplete {
		t.Fatalf("status %s", status)
	}
	after, _ := srv.Stack("app")
	b, _ := before.Resource("Group")
	a, _ := after.Resource("Group")
	if a.PhysicalID != b.PhysicalID || a.Properties["GroupDescription"] != "one" {
		t.Fatalf("group %s %v", a.PhysicalID, a.Properties["GroupDescription"])
	}
	_, err := c.cfn.CancelUpdateStack(ctx, &cloudformation.CancelUpdateStackInput{StackName: aws.String("app")})
	apiError(t, err, "ValidationError", "CancelUpdateStack cannot be called from current stack status")
}

func TestCallsNameEveryService(t *testing.T) {
	ctx := context.Background()
	srv, _, c := newFake(t, fakeaws.Options{})
	if _, err := c.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("s"), SecretString: aws.String("v")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/p"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{}); err != nil {
		t.Fatal(err)
	}
	_, _ = c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("nope")})
	var got []string
	for _, call := range srv.Calls() {
		if call.AccessKey != testKey || call.Region != testRegion {
			t.Fatalf("call %+v", call)
		}
		got = append(got, call.Service+"."+call.Operation)
	}
	want := "secretsmanager.CreateSecret ssm.PutParameter elasticfilesystem.DescribeFileSystems s3.HeadBucket"
	if strings.Join(got, " ") != want {
		t.Fatalf("calls %v", got)
	}
	if srv.Count("ssm", "PutParameter") != 1 || srv.Count("secretsmanager", "") != 1 {
		t.Fatal("Count does not see the new services")
	}
}

func TestLogGroupThatExistsOutsideTheStack(t *testing.T) {
	srv, clk, c := newFake(t, fakeaws.Options{})
	srv.PutLogEvents("/x", "s", fakeaws.LogEvent{Message: "left by an earlier deployment"})
	createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("logs"),
		TemplateBody: aws.String(`{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/x"}}}}`)})
	if status := advanceUntil(t, clk, c, "logs", time.Minute); status != cfntypes.StackStatusRollbackComplete {
		t.Fatalf("status %s", status)
	}
	e, _ := findEvent(events(t, c, "logs"), "Logs", cfntypes.ResourceStatusCreateFailed)
	reason := aws.ToString(e.ResourceStatusReason)
	if !strings.HasPrefix(reason, `Resource handler returned message: "Resource of type 'AWS::Logs::LogGroup' with identifier '/x' already exists." (RequestToken: `) ||
		!strings.HasSuffix(reason, "HandlerErrorCode: AlreadyExists)") {
		t.Fatalf("reason %q", reason)
	}
	groups, _ := c.logs.DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{})
	if len(groups.LogGroups) != 1 {
		t.Fatal("the rollback deleted the group it did not create")
	}
}
