package fakeaws_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// smallTemplate has a log group, a security group with a rule, a task
// definition and a generic resource; version changes it.
func smallTemplate(retention, description, image string, extra string) string {
	return `{
  "Resources": {
    "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "app-logs", "RetentionInDays": ` + retention + `}},
    "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "` + description + `"}},
    "Rule": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": {"Ref": "Group"}, "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"}},
    "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"Family": "app", "ContainerDefinitions": [{"Name": "app", "Image": "` + image + `"}]}}` + extra + `
  },
  "Outputs": {"Group": {"Value": {"Fn::GetAtt": ["Group", "GroupId"]}}}
}`
}

const queue = `,
    "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}}`

const topic = `,
    "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}`

func createSmall(t *testing.T, c clients, clk *fakeaws.ManualClock, name, body string) {
	t.Helper()
	createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(body)})
	if status := advanceUntil(t, clk, c, name, 5*time.Minute); status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("create: %s", status)
	}
}

func waitChangeSet(t *testing.T, c clients, clk *fakeaws.ManualClock, stack, name string) *cloudformation.DescribeChangeSetOutput {
	t.Helper()
	for range 60 {
		out, err := c.cfn.DescribeChangeSet(context.Background(), &cloudformation.DescribeChangeSetInput{StackName: aws.String(stack), ChangeSetName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if out.Status != cfntypes.ChangeSetStatusCreatePending && out.Status != cfntypes.ChangeSetStatusCreateInProgress {
			return out
		}
		clk.Advance(time.Second)
	}
	t.Fatal("change set never finished")
	return nil
}

func TestChangeSets(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	createSmall(t, c, clk, "app", smallTemplate("7", "one", "nginx:1", queue))
	before, _ := srv.Stack("app")
	oldTask, _ := before.Resource("Task")
	oldGroup, _ := before.Resource("Group")

	t.Run("describes_add_modify_remove_and_replacement", func(t *testing.T) {
		out, err := c.cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("app"), ChangeSetName: aws.String("v2"),
			TemplateBody: aws.String(smallTemplate("14", "two", "nginx:2", topic))})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(aws.ToString(out.Id), ":changeSet/v2/") {
			t.Fatalf("id %s", aws.ToString(out.Id))
		}
		first, _ := c.cfn.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("app"), ChangeSetName: aws.String("v2")})
		if first.Status != cfntypes.ChangeSetStatusCreatePending || len(first.Changes) != 0 {
			t.Fatalf("a new change set is %s with %d changes", first.Status, len(first.Changes))
		}
		cs := waitChangeSet(t, c, clk, "app", "v2")
		if cs.Status != cfntypes.ChangeSetStatusCreateComplete || cs.ExecutionStatus != cfntypes.ExecutionStatusAvailable {
			t.Fatalf("status %s %s", cs.Status, cs.ExecutionStatus)
		}
		got := map[string]string{}
		for _, ch := range cs.Changes {
			rc := ch.ResourceChange
			got[aws.ToString(rc.LogicalResourceId)] = string(rc.Action) + " " + string(rc.Replacement)
		}
		want := map[string]string{"Logs": "Modify False", "Group": "Modify True", "Rule": "Modify Conditional", "Task": "Modify True", "Queue": "Remove ", "Topic": "Add "}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: got %q, want %q", k, got[k], v)
			}
		}
		if len(got) != len(want) {
			t.Errorf("changes %v", got)
		}
		for _, ch := range cs.Changes {
			rc := ch.ResourceChange
			switch aws.ToString(rc.LogicalResourceId) {
			case "Rule":
				d := rc.Details[0]
				if d.Evaluation != cfntypes.EvaluationTypeDynamic || d.ChangeSource != cfntypes.ChangeSourceResourceReference || aws.ToString(d.CausingEntity) != "Group" || d.Target.RequiresRecreation != cfntypes.RequiresRecreationConditionally {
					t.Errorf("Rule detail %+v %+v", d, d.Target)
				}
			case "Group":
				if aws.ToString(rc.PhysicalResourceId) != oldGroup.PhysicalID || rc.Scope[0] != cfntypes.ResourceAttributeProperties || aws.ToString(rc.Details[0].Target.Name) != "GroupDescription" {
					t.Errorf("Group change %+v", rc)
				}
			}
		}
	})

	t.Run("executing_replaces_and_cleans_up", func(t *testing.T) {
		if _, err := c.cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("app"), ChangeSetName: aws.String("v2")}); err != nil {
			t.Fatal(err)
		}
		if status, _ := stackStatus(t, c, "app"); status != cfntypes.StackStatusUpdateInProgress {
			t.Fatalf("status %s", status)
		}
		if status := advanceUntil(t, clk, c, "app", 5*time.Minute); status != cfntypes.StackStatusUpdateComplete {
			t.Fatalf("status %s", status)
		}
		after, _ := srv.Stack("app")
		newTask, _ := after.Resource("Task")
		if newTask.PhysicalID == oldTask.PhysicalID || !strings.HasSuffix(newTask.PhysicalID, ":task-definition/app:2") {
			t.Fatalf("task definition %s -> %s", oldTask.PhysicalID, newTask.PhysicalID)
		}
		if _, ok := after.Resource("Queue"); ok {
			t.Error("Queue still in the stack")
		}
		var statuses []string
		for _, e := range after.Events {
			statuses = append(statuses, e.Status)
		}
		_, cleanup, _ := strings.Cut(strings.Join(statuses, " "), "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
		if strings.Count(cleanup, "DELETE_COMPLETE") != 4 || !strings.HasSuffix(cleanup, "DELETE_COMPLETE UPDATE_COMPLETE") {
			t.Fatalf("cleanup %s", cleanup)
		}
		ruleGone, groupGoing := -1, -1
		for i, e := range after.Events {
			if e.LogicalID == "Rule" && e.Status == "DELETE_COMPLETE" {
				ruleGone = i
			}
			if e.LogicalID == "Group" && e.Status == "DELETE_IN_PROGRESS" {
				groupGoing = i
			}
		}
		if ruleGone < 0 || ruleGone > groupGoing {
			t.Fatalf("the old rule (event %d) must go before its old group (event %d)", ruleGone, groupGoing)
		}
		var cleaned []string
		for _, e := range after.Events {
			if e.Status == "DELETE_COMPLETE" {
				cleaned = append(cleaned, e.LogicalID+"="+e.PhysicalID)
			}
		}
		for _, want := range []string{"Task=" + oldTask.PhysicalID, "Group=" + oldGroup.PhysicalID} {
			if !strings.Contains(strings.Join(cleaned, " "), want) {
				t.Errorf("cleanup did not delete %s: %v", want, cleaned)
			}
		}
		old, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("app:1")})
		if err != nil || old.TaskDefinition.Status != ecstypes.TaskDefinitionStatusInactive {
			t.Fatalf("old revision %+v %v", old, err)
		}
		groups, _ := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("app-logs")})
		if aws.ToInt32(groups.LogGroups[0].RetentionInDays) != 14 {
			t.Fatalf("retention %d", aws.ToInt32(groups.LogGroups[0].RetentionInDays))
		}
		if after.Outputs["Group"] == oldGroup.PhysicalID {
			t.Error("output still names the replaced group")
		}
		list, err := c.cfn.ListChangeSets(ctx, &cloudformation.ListChangeSetsInput{StackName: aws.String("app")})
		if err != nil || len(list.Summaries) != 1 || list.Summaries[0].ExecutionStatus != cfntypes.ExecutionStatusExecuteComplete {
			t.Fatalf("summaries %+v %v", list, err)
		}
	})

	t.Run("identical_template_fails_with_the_real_reason", func(t *testing.T) {
		if _, err := c.cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("app"), ChangeSetName: aws.String("same"),
			UsePreviousTemplate: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		cs := waitChangeSet(t, c, clk, "app", "same")
		if cs.Status != cfntypes.ChangeSetStatusFailed || cs.ExecutionStatus != cfntypes.ExecutionStatusUnavailable ||
			aws.ToString(cs.StatusReason) != "The submitted information didn't contain changes. Submit different information to create a change set." {
			t.Fatalf("%s %s %q", cs.Status, cs.ExecutionStatus, aws.ToString(cs.StatusReason))
		}
		_, err := c.cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("app"), ChangeSetName: aws.String("same")})
		var invalid *cfntypes.InvalidChangeSetStatusException
		if !errors.As(err, &invalid) {
			t.Fatalf("executing a failed change set: %v", err)
		}
		if _, err := c.cfn.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{StackName: aws.String("app"), ChangeSetName: aws.String("same")}); err != nil {
			t.Fatal(err)
		}
		_, err = c.cfn.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("app"), ChangeSetName: aws.String("same")})
		var notFound *cfntypes.ChangeSetNotFoundException
		if !errors.As(err, &notFound) {
			t.Fatalf("deleted change set: %v", err)
		}
	})

	t.Run("update_without_changes_is_refused", func(t *testing.T) {
		_, err := c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("app"), UsePreviousTemplate: aws.Bool(true)})
		apiError(t, err, "ValidationError", "No updates are to be performed.")
	})

	t.Run("create_change_set_makes_a_review_stack", func(t *testing.T) {
		_, err := c.cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("fresh"), ChangeSetName: aws.String("create"),
			ChangeSetType: cfntypes.ChangeSetTypeCreate, TemplateBody: aws.String(`{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}`)})
		if err != nil {
			t.Fatal(err)
		}
		if status, _ := stackStatus(t, c, "fresh"); status != cfntypes.StackStatusReviewInProgress {
			t.Fatalf("status %s", status)
		}
		cs := waitChangeSet(t, c, clk, "fresh", "create")
		if len(cs.Changes) != 1 || cs.Changes[0].ResourceChange.Action != cfntypes.ChangeActionAdd {
			t.Fatalf("changes %+v", cs.Changes)
		}
		if _, err := c.cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("fresh"), ChangeSetName: aws.String("create")}); err != nil {
			t.Fatal(err)
		}
		if status := advanceUntil(t, clk, c, "fresh", time.Minute); status != cfntypes.StackStatusCreateComplete {
			t.Fatalf("status %s", status)
		}
		_, err = c.cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("fresh"), ChangeSetName: aws.String("again"),
			ChangeSetType: cfntypes.ChangeSetTypeCreate, TemplateBody: aws.String(`{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}`)})
		apiError(t, err, "ValidationError", "already exists and cannot be created again")
	})
}

func TestUpdateFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	createSmall(t, c, clk, "app", smallTemplate("7", "one", "nginx:1", ""))
	before, _ := srv.Stack("app")
	srv.FailResource(fakeaws.Failure{LogicalID: "Logs", On: fakeaws.Update, Reason: "Resource handler returned message: \"retention refused\""})
	_, err := c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("app"), TemplateBody: aws.String(smallTemplate("30", "one", "nginx:2", queue))})
	if err != nil {
		t.Fatal(err)
	}
	if status := advanceUntil(t, clk, c, "app", 5*time.Minute); status != cfntypes.StackStatusUpdateRollbackComplete {
		t.Fatalf("status %s", status)
	}
	evs := events(t, c, "app")
	failed, ok := findEvent(evs, "Logs", cfntypes.ResourceStatusUpdateFailed)
	if !ok || aws.ToString(failed.ResourceStatusReason) != "Resource handler returned message: \"retention refused\"" {
		t.Fatalf("failure event %+v", failed)
	}
	var stackStatuses []string
	for _, e := range evs {
		if aws.ToString(e.LogicalResourceId) == "app" {
			stackStatuses = append(stackStatuses, string(e.ResourceStatus))
		}
	}
	want := "CREATE_IN_PROGRESS CREATE_COMPLETE UPDATE_IN_PROGRESS UPDATE_ROLLBACK_IN_PROGRESS UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS UPDATE_ROLLBACK_COMPLETE"
	if got := strings.Join(stackStatuses, " "); got != want {
		t.Fatalf("stack statuses\n got %s\nwant %s", got, want)
	}
	rb, _ := findEvent(evs, "app", cfntypes.ResourceStatusUpdateRollbackInProgress)
	if !strings.HasPrefix(aws.ToString(rb.ResourceStatusReason), "The following resource(s) failed to update: [Logs].") {
		t.Fatalf("rollback reason %q", aws.ToString(rb.ResourceStatusReason))
	}
	after, _ := srv.Stack("app")
	for _, id := range []string{"Logs", "Task", "Group"} {
		b, _ := before.Resource(id)
		a, _ := after.Resource(id)
		if a.PhysicalID != b.PhysicalID || a.Status == "" {
			t.Errorf("%s: %s %s -> %s", id, a.Status, b.PhysicalID, a.PhysicalID)
		}
	}
	if logs, _ := after.Resource("Logs"); logs.Properties["RetentionInDays"] != before.Resources[1].Properties["RetentionInDays"] {
		t.Errorf("retention %v", logs.Properties["RetentionInDays"])
	}
	groups, _ := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("app-logs")})
	if aws.ToInt32(groups.LogGroups[0].RetentionInDays) != 7 {
		t.Fatalf("retention not restored: %d", aws.ToInt32(groups.LogGroups[0].RetentionInDays))
	}
	if _, ok := after.Resource("Queue"); ok {
		t.Error("the resource the failed update added is still there")
	}
	if after.TemplateBody != before.TemplateBody {
		t.Error("template not restored")
	}
	td, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("app:2")})
	if err != nil || td.TaskDefinition.Status != ecstypes.TaskDefinitionStatusInactive {
		t.Fatalf("the replacement task definition should be deregistered: %+v %v", td, err)
	}
}

func TestCreateFailure(t *testing.T) {
	ctx := context.Background()
	t.Run("rolls_back_and_deletes_everything", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		srv.FailResource(fakeaws.Failure{LogicalID: "CloudMap", On: fakeaws.Create, Reason: "namespace refused"})
		createApp(t, srv, c, "demo")
		if status := advanceUntil(t, clk, c, "demo", 10*time.Minute); status != cfntypes.StackStatusRollbackComplete {
			t.Fatalf("status %s", status)
		}
		evs := events(t, c, "demo")
		if e, _ := findEvent(evs, "CloudMap", cfntypes.ResourceStatusCreateFailed); aws.ToString(e.ResourceStatusReason) != "namespace refused" {
			t.Fatalf("failure %+v", e)
		}
		if e, _ := findEvent(evs, "LoadBalancer", cfntypes.ResourceStatusCreateFailed); aws.ToString(e.ResourceStatusReason) != "Resource creation cancelled" {
			t.Fatalf("the load balancer in progress should be cancelled: %+v", e)
		}
		if _, ok := findEvent(evs, "WebService", cfntypes.ResourceStatusCreateInProgress); ok {
			t.Fatal("a resource waiting for the failed one was started")
		}
		rb, _ := findEvent(evs, "demo", cfntypes.ResourceStatusRollbackInProgress)
		if aws.ToString(rb.ResourceStatusReason) != "The following resource(s) failed to create: [CloudMap]. Rollback requested by user." {
			t.Fatalf("reason %q", aws.ToString(rb.ResourceStatusReason))
		}
		snap, _ := srv.Stack("demo")
		for _, r := range snap.Resources {
			if r.Status != "DELETE_COMPLETE" {
				t.Errorf("%s is %s", r.LogicalID, r.Status)
			}
		}
		if eventIndex(evs, "LoadBalancer", cfntypes.ResourceStatusDeleteComplete) > eventIndex(evs, "DefaultNetwork", cfntypes.ResourceStatusDeleteInProgress) {
			t.Error("rollback deleted the security group before the load balancer")
		}
		cl, _ := c.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"demo"}})
		if aws.ToString(cl.Clusters[0].Status) != "INACTIVE" {
			t.Errorf("cluster %s", aws.ToString(cl.Clusters[0].Status))
		}
		_, err := c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("demo"), UsePreviousTemplate: aws.Bool(true), Parameters: appParams(srv),
			Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}})
		apiError(t, err, "ValidationError", "is in ROLLBACK_COMPLETE state and can not be updated.")
	})

	t.Run("do_nothing_keeps_resources", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		srv.FailResource(fakeaws.Failure{Type: "AWS::ServiceDiscovery::PrivateDnsNamespace", On: fakeaws.Create})
		createApp(t, srv, c, "demo", func(in *cloudformation.CreateStackInput) { in.OnFailure = cfntypes.OnFailureDoNothing })
		if status := advanceUntil(t, clk, c, "demo", 10*time.Minute); status != cfntypes.StackStatusCreateFailed {
			t.Fatalf("status %s", status)
		}
		snap, _ := srv.Stack("demo")
		if r, _ := snap.Resource("Cluster"); r.Status != "CREATE_COMPLETE" {
			t.Fatalf("cluster %s", r.Status)
		}
		if r, _ := snap.Resource("CloudMap"); r.Status != "CREATE_FAILED" || !strings.Contains(r.Reason, "HandlerErrorCode: GeneralServiceException") {
			t.Fatalf("namespace %s %q", r.Status, r.Reason)
		}
		cl, _ := c.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"demo"}})
		if aws.ToString(cl.Clusters[0].Status) != "ACTIVE" {
			t.Errorf("cluster %s", aws.ToString(cl.Clusters[0].Status))
		}
	})

	t.Run("on_failure_delete_deletes_the_stack", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		srv.FailResource(fakeaws.Failure{LogicalID: "LogGroup", On: fakeaws.Create})
		id := createApp(t, srv, c, "demo", func(in *cloudformation.CreateStackInput) { in.OnFailure = cfntypes.OnFailureDelete })
		if status := advanceUntil(t, clk, c, id, 10*time.Minute); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("status %s", status)
		}
		_, err := c.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("demo")})
		apiError(t, err, "ValidationError", "Stack with id demo does not exist")
	})
}

const retainTemplate = `{"Resources": {
  "Kept": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain", "Properties": {"LogGroupName": "kept"}},
  "KeptLater": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "RetainExceptOnCreate", "Properties": {"LogGroupName": "kept-later"}},
  "Gone": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "gone"}},
  "Slow": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}
}}`

func TestDeletionPolicies(t *testing.T) {
	ctx := context.Background()
	logGroups := func(c clients) string {
		out, err := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, g := range out.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
		}
		return strings.Join(names, ",")
	}
	create := func(c clients) {
		createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("keep"), TemplateBody: aws.String(retainTemplate), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}})
	}

	t.Run("delete_skips_retained_resources", func(t *testing.T) {
		_, clk, c := newFake(t, fakeaws.Options{})
		create(c)
		advanceUntil(t, clk, c, "keep", time.Minute)
		if _, err := c.cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("keep")}); err != nil {
			t.Fatal(err)
		}
		evs := events(t, c, "keep")
		id := aws.ToString(evs[0].StackId)
		advanceUntil(t, clk, c, id, time.Minute)
		evs = events(t, c, id)
		for _, want := range []string{"Kept", "KeptLater"} {
			if _, ok := findEvent(evs, want, cfntypes.ResourceStatusDeleteSkipped); !ok {
				t.Errorf("no DELETE_SKIPPED for %s", want)
			}
		}
		if got := logGroups(c); got != "kept,kept-later" {
			t.Fatalf("log groups %q", got)
		}
	})

	t.Run("create_rollback_deletes_retain_except_on_create", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		srv.FailResource(fakeaws.Failure{LogicalID: "Slow", On: fakeaws.Create})
		create(c)
		if status := advanceUntil(t, clk, c, "keep", time.Minute); status != cfntypes.StackStatusRollbackComplete {
			t.Fatalf("status %s", status)
		}
		if got := logGroups(c); got != "kept" {
			t.Fatalf("log groups %q", got)
		}
	})
}

func TestDeleteFailureThenRetry(t *testing.T) {
	ctx := context.Background()
	for _, retain := range []bool{false, true} {
		name := map[bool]string{false: "after_the_fault_clears", true: "retaining_the_resource"}[retain]
		t.Run(name, func(t *testing.T) {
			srv, clk, c := newFake(t, fakeaws.Options{})
			createSmall(t, c, clk, "app", smallTemplate("7", "one", "nginx:1", ""))
			srv.FailResource(fakeaws.Failure{LogicalID: "Group", On: fakeaws.Delete, Reason: "resource sg-1 has a dependent object", Times: 1})
			if _, err := c.cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("app")}); err != nil {
				t.Fatal(err)
			}
			if status := advanceUntil(t, clk, c, "app", time.Minute); status != cfntypes.StackStatusDeleteFailed {
				t.Fatalf("status %s", status)
			}
			if _, reason := stackStatus(t, c, "app"); !strings.HasPrefix(reason, "The following resource(s) failed to delete: [Group].") {
				t.Fatalf("reason %q", reason)
			}
			snap, _ := srv.Stack("app")
			if r, _ := snap.Resource("Group"); r.Status != "DELETE_FAILED" || r.Reason != "resource sg-1 has a dependent object" {
				t.Fatalf("group %s %q", r.Status, r.Reason)
			}
			if r, _ := snap.Resource("Logs"); r.Status != "DELETE_COMPLETE" {
				t.Fatalf("independent resources are deleted anyway: %s", r.Status)
			}
			in := &cloudformation.DeleteStackInput{StackName: aws.String("app")}
			if retain {
				in.RetainResources = []string{"Group"}
			}
			if _, err := c.cfn.DeleteStack(ctx, in); err != nil {
				t.Fatal(err)
			}
			if status := advanceUntil(t, clk, c, snap.ID, time.Minute); status != cfntypes.StackStatusDeleteComplete {
				t.Fatalf("status %s", status)
			}
			evs := events(t, c, snap.ID)
			want := cfntypes.ResourceStatusDeleteComplete
			if retain {
				want = cfntypes.ResourceStatusDeleteSkipped
			}
			if _, ok := findEvent(evs, "Group", want); !ok {
				t.Fatalf("no %s for Group", want)
			}
			if n := strings.Count(strings.Join(func() []string {
				var s []string
				for _, e := range evs {
					s = append(s, aws.ToString(e.LogicalResourceId)+string(e.ResourceStatus))
				}
				return s
			}(), " "), "LogsDELETE_COMPLETE"); n != 1 {
				t.Fatalf("Logs deleted %d times", n)
			}
		})
	}
	t.Run("retain_resources_needs_delete_failed", func(t *testing.T) {
		_, clk, c := newFake(t, fakeaws.Options{})
		createSmall(t, c, clk, "app", smallTemplate("7", "one", "nginx:1", ""))
		_, err := c.cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("app"), RetainResources: []string{"Group"}})
		apiError(t, err, "ValidationError", "RetainResources can only be specified when the stack is in DELETE_FAILED state")
	})
}

func TestConcurrentOperations(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	id := createApp(t, srv, c, "demo")
	_, err := c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("demo"), UsePreviousTemplate: aws.Bool(true)})
	apiError(t, err, "ValidationError", "Stack:"+id+" is in CREATE_IN_PROGRESS state and can not be updated.")
	_, err = c.cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("demo"), ChangeSetName: aws.String("x"), UsePreviousTemplate: aws.Bool(true)})
	apiError(t, err, "ValidationError", "is in CREATE_IN_PROGRESS state and can not be updated.")
	_, err = c.cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("demo"), TemplateBody: aws.String(appTemplate)})
	var exists *cfntypes.AlreadyExistsException
	if !errors.As(err, &exists) || !strings.Contains(err.Error(), "Stack [demo] already exists") {
		t.Fatalf("second create: %v", err)
	}

	// CloudFormation lets a stack being created be deleted.
	clk.Advance(30 * time.Second)
	if _, err := c.cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("demo")}); err != nil {
		t.Fatal(err)
	}
	if status, reason := stackStatus(t, c, id); status != cfntypes.StackStatusDeleteInProgress || reason != "User Initiated" {
		t.Fatalf("status %s %q", status, reason)
	}
	evs := events(t, c, id)
	if e, _ := findEvent(evs, "LoadBalancer", cfntypes.ResourceStatusCreateFailed); aws.ToString(e.ResourceStatusReason) != "Resource creation cancelled" {
		t.Fatalf("load balancer %+v", e)
	}
	if status := advanceUntil(t, clk, c, id, 10*time.Minute); status != cfntypes.StackStatusDeleteComplete {
		t.Fatalf("status %s", status)
	}
	// The name is free again.
	createApp(t, srv, c, "demo")
}

func TestClientRequestToken(t *testing.T) {
	ctx := context.Background()
	_, clk, c := newFake(t, fakeaws.Options{})
	in := &cloudformation.CreateStackInput{StackName: aws.String("app"), TemplateBody: aws.String(smallTemplate("7", "one", "nginx:1", "")), ClientRequestToken: aws.String("deploy-1")}
	first := createStack(t, c, in)
	if again := createStack(t, c, in); again != first {
		t.Fatalf("retried CreateStack gave %s, want %s", again, first)
	}
	advanceUntil(t, clk, c, "app", time.Minute)
	for _, e := range events(t, c, "app") {
		if aws.ToString(e.ClientRequestToken) != "deploy-1" {
			t.Fatalf("event without the token: %+v", e)
		}
	}
	_, err := c.cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("nope")})
	if err != nil {
		t.Fatalf("deleting a stack that does not exist succeeds in CloudFormation: %v", err)
	}
}
