package fakeaws_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// TestDeploy/* follow one realistic deployment through every API that
// sees what the stack made.
func TestDeploy(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	createApp(t, srv, c, "demo")

	t.Run("stack_starts_in_progress", func(t *testing.T) {
		status, reason := stackStatus(t, c, "demo")
		if status != cfntypes.StackStatusCreateInProgress || reason != "User Initiated" {
			t.Fatalf("got %s %q", status, reason)
		}
	})

	t.Run("slow_resources_are_still_in_progress_at_100s", func(t *testing.T) {
		clk.Advance(100 * time.Second)
		snap, _ := srv.Stack("demo")
		for id, want := range map[string]string{"LoadBalancer": "CREATE_IN_PROGRESS", "LogGroup": "CREATE_COMPLETE", "CloudMap": "CREATE_COMPLETE", "WebService": ""} {
			if r, _ := snap.Resource(id); r.Status != want {
				t.Errorf("%s: got %q, want %q", id, r.Status, want)
			}
		}
	})

	status := advanceUntil(t, clk, c, "demo", 10*time.Minute)
	if status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("stack %s", status)
	}
	evs := events(t, c, "demo")

	t.Run("takes_the_critical_path_of_simulated_time", func(t *testing.T) {
		// SG 5 s, then LB 150 s, listener 2 s, service 60 s.
		done, ok := findEvent(evs, "demo", cfntypes.ResourceStatusCreateComplete)
		if !ok {
			t.Fatal("no CREATE_COMPLETE event for the stack")
		}
		if got := done.Timestamp.Sub(epoch); got != 217*time.Second {
			t.Fatalf("stack completed after %s, want 217s", got)
		}
	})

	t.Run("events_follow_dependency_order", func(t *testing.T) {
		deps := map[string][]string{
			"DefaultNetworkIngress": {"DefaultNetwork"},
			"LoadBalancer":          {"DefaultNetwork"},
			"WebListener":           {"LoadBalancer", "WebTargetGroup"},
			"WebDiscovery":          {"CloudMap"},
			"WebTaskDefinition":     {"ExecutionRole", "LogGroup"},
			"WebService":            {"Cluster", "WebListener", "WebTaskDefinition", "WebDiscovery", "DefaultNetwork", "WebTargetGroup"},
		}
		for id, before := range deps {
			start := eventIndex(evs, id, cfntypes.ResourceStatusCreateInProgress)
			for _, d := range before {
				if end := eventIndex(evs, d, cfntypes.ResourceStatusCreateComplete); end < 0 || end > start {
					t.Errorf("%s started (event %d) before %s completed (event %d)", id, start, d, end)
				}
			}
		}
		// Independent resources start together.
		first := evs[1].Timestamp
		for _, id := range []string{"Cluster", "LogGroup", "DefaultNetwork", "ExecutionRole", "CloudMap", "WebTargetGroup"} {
			e, _ := findEvent(evs, id, cfntypes.ResourceStatusCreateInProgress)
			if !e.Timestamp.Equal(*first) {
				t.Errorf("%s started at %s, want %s", id, e.Timestamp, first)
			}
		}
	})

	t.Run("one_event_per_transition", func(t *testing.T) {
		var got []string
		for _, e := range evs {
			if aws.ToString(e.LogicalResourceId) == "LogGroup" {
				got = append(got, string(e.ResourceStatus)+":"+aws.ToString(e.ResourceStatusReason))
			}
		}
		want := []string{"CREATE_IN_PROGRESS:", "CREATE_IN_PROGRESS:Resource creation Initiated", "CREATE_COMPLETE:"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("LogGroup events %q, want %q", got, want)
		}
		if e := evs[0]; aws.ToString(e.ResourceType) != "AWS::CloudFormation::Stack" || aws.ToString(e.LogicalResourceId) != "demo" {
			t.Fatalf("first event %+v is not the stack's", e)
		}
	})

	t.Run("outputs_are_evaluated", func(t *testing.T) {
		out, err := c.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("demo")})
		if err != nil {
			t.Fatal(err)
		}
		outputs := map[string]string{}
		for _, o := range out.Stacks[0].Outputs {
			outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
		}
		if !strings.HasPrefix(outputs["Endpoint"], "http://demo-LoadB") || !strings.HasSuffix(outputs["Endpoint"], ".eu-west-1.elb.amazonaws.com:80") {
			t.Errorf("Endpoint = %q", outputs["Endpoint"])
		}
		if outputs["ClusterArn"] != "arn:aws:ecs:eu-west-1:123456789012:cluster/demo" {
			t.Errorf("ClusterArn = %q", outputs["ClusterArn"])
		}
		if _, subnets := srv.DefaultVPC(); outputs["Subnets"] != strings.Join(subnets, ",") {
			t.Errorf("Subnets = %q", outputs["Subnets"])
		}
		if tags := out.Stacks[0].Tags; len(tags) != 1 || aws.ToString(tags[0].Value) != "demo" {
			t.Errorf("tags %+v", tags)
		}
	})

	var taskARN, taskIP string
	t.Run("ecs_service_runs_its_tasks", func(t *testing.T) {
		out, err := c.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("demo"), Services: []string{"WebService"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Services) != 0 || len(out.Failures) != 1 {
			t.Fatalf("a service named by its logical ID must be MISSING: %+v", out)
		}
		snap, _ := srv.Stack("demo")
		svcRes, _ := snap.Resource("WebService")
		out, err = c.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("demo"), Services: []string{svcRes.PhysicalID}, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if err != nil {
			t.Fatal(err)
		}
		svc := out.Services[0]
		if aws.ToString(svc.Status) != "ACTIVE" || svc.DesiredCount != 1 || svc.RunningCount != 1 || svc.PendingCount != 0 {
			t.Fatalf("service %s desired %d running %d pending %d", aws.ToString(svc.Status), svc.DesiredCount, svc.RunningCount, svc.PendingCount)
		}
		if len(svc.Deployments) != 1 || svc.Deployments[0].RolloutState != ecstypes.DeploymentRolloutStateCompleted {
			t.Fatalf("deployments %+v", svc.Deployments)
		}
		if msg := aws.ToString(svc.Events[0].Message); msg != "(service "+aws.ToString(svc.ServiceName)+") has reached a steady state." {
			t.Fatalf("newest event %q", msg)
		}
		if len(svc.LoadBalancers) != 1 || aws.ToInt32(svc.LoadBalancers[0].ContainerPort) != 80 || len(svc.ServiceRegistries) != 1 {
			t.Fatalf("load balancers %+v registries %+v", svc.LoadBalancers, svc.ServiceRegistries)
		}
		foundTag := false
		for _, tg := range svc.Tags {
			foundTag = foundTag || aws.ToString(tg.Key) == "com.docker.compose.service" && aws.ToString(tg.Value) == "web"
		}
		if !foundTag {
			t.Errorf("tags %+v", svc.Tags)
		}
		tasks, err := c.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String("demo"), ServiceName: svc.ServiceName})
		if err != nil || len(tasks.TaskArns) != 1 {
			t.Fatalf("ListTasks %v %v", tasks, err)
		}
		desc, err := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("demo"), Tasks: tasks.TaskArns})
		if err != nil {
			t.Fatal(err)
		}
		task := desc.Tasks[0]
		taskARN = aws.ToString(task.TaskArn)
		if aws.ToString(task.LastStatus) != "RUNNING" || task.HealthStatus != ecstypes.HealthStatusHealthy || aws.ToString(task.Group) != "service:"+aws.ToString(svc.ServiceName) {
			t.Fatalf("task %s %s %s", aws.ToString(task.LastStatus), task.HealthStatus, aws.ToString(task.Group))
		}
		if !strings.HasPrefix(aws.ToString(task.TaskDefinitionArn), "arn:aws:ecs:eu-west-1:123456789012:task-definition/demo-web:1") {
			t.Fatalf("task definition %s", aws.ToString(task.TaskDefinitionArn))
		}
		for _, d := range task.Attachments[0].Details {
			if aws.ToString(d.Name) == "privateIPv4Address" {
				taskIP = aws.ToString(d.Value)
			}
		}
		if !strings.HasPrefix(taskIP, "172.31.") || task.Containers[0].HealthStatus != ecstypes.HealthStatusHealthy {
			t.Fatalf("ip %q container %+v", taskIP, task.Containers[0])
		}
		td, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("demo-web")})
		if err != nil {
			t.Fatal(err)
		}
		cd := td.TaskDefinition.ContainerDefinitions[0]
		if aws.ToString(cd.Image) != "nginx:1.27" || aws.ToInt32(cd.PortMappings[0].ContainerPort) != 80 || cd.LogConfiguration.Options["awslogs-group"] != "/docker-compose/demo" {
			t.Fatalf("container definition %+v", cd)
		}
	})

	t.Run("load_balancer_targets_are_the_tasks", func(t *testing.T) {
		snap, _ := srv.Stack("demo")
		tg, _ := snap.Resource("WebTargetGroup")
		out, err := c.elb.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg.PhysicalID)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.TargetHealthDescriptions) != 1 || aws.ToString(out.TargetHealthDescriptions[0].Target.Id) != taskIP || out.TargetHealthDescriptions[0].TargetHealth.State != "healthy" {
			t.Fatalf("targets %+v", out.TargetHealthDescriptions)
		}
		lb, _ := snap.Resource("LoadBalancer")
		lbs, err := c.elb.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{lb.PhysicalID}})
		if err != nil || lbs.LoadBalancers[0].State.Code != "active" || len(lbs.LoadBalancers[0].AvailabilityZones) != 3 {
			t.Fatalf("load balancer %+v %v", lbs, err)
		}
		ls, err := c.elb.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(lb.PhysicalID)})
		if err != nil || len(ls.Listeners) != 1 || aws.ToString(ls.Listeners[0].DefaultActions[0].TargetGroupArn) != tg.PhysicalID {
			t.Fatalf("listeners %+v %v", ls, err)
		}
		tgs, err := c.elb.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{LoadBalancerArn: aws.String(lb.PhysicalID)})
		if err != nil || len(tgs.TargetGroups) != 1 || tgs.TargetGroups[0].LoadBalancerArns[0] != lb.PhysicalID {
			t.Fatalf("target groups %+v %v", tgs, err)
		}
		tags, err := c.elb.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: []string{lb.PhysicalID}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, tg := range tags.TagDescriptions[0].Tags {
			got[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		if got["com.docker.compose.project"] != "demo" || got["aws:cloudformation:logical-id"] != "LoadBalancer" {
			t.Fatalf("tags %v", got)
		}
	})

	t.Run("cloud_map_lists_the_namespace_and_instances", func(t *testing.T) {
		ns, err := c.sd.ListNamespaces(ctx, &servicediscovery.ListNamespacesInput{})
		if err != nil || len(ns.Namespaces) != 1 || aws.ToString(ns.Namespaces[0].Name) != "demo.local" || ns.Namespaces[0].Type != sdtypes.NamespaceTypeDnsPrivate {
			t.Fatalf("namespaces %+v %v", ns, err)
		}
		svcs, err := c.sd.ListServices(ctx, &servicediscovery.ListServicesInput{Filters: []sdtypes.ServiceFilter{{Name: sdtypes.ServiceFilterNameNamespaceId, Values: []string{aws.ToString(ns.Namespaces[0].Id)}}}})
		if err != nil || len(svcs.Services) != 1 {
			t.Fatalf("services %+v %v", svcs, err)
		}
		inst, err := c.sd.ListInstances(ctx, &servicediscovery.ListInstancesInput{ServiceId: svcs.Services[0].Id})
		if err != nil || len(inst.Instances) != 1 || inst.Instances[0].Attributes["AWS_INSTANCE_IPV4"] != taskIP {
			t.Fatalf("instances %+v %v", inst, err)
		}
	})

	t.Run("security_groups_are_in_ec2", func(t *testing.T) {
		out, err := c.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("tag:com.docker.compose.network"), Values: []string{"default"}}}})
		if err != nil || len(out.SecurityGroups) != 1 {
			t.Fatalf("groups %+v %v", out, err)
		}
		g := out.SecurityGroups[0]
		if len(g.IpPermissions) != 1 || aws.ToString(g.IpPermissions[0].UserIdGroupPairs[0].GroupId) != aws.ToString(g.GroupId) {
			t.Fatalf("ingress %+v", g.IpPermissions)
		}
	})

	t.Run("task_logs_are_readable", func(t *testing.T) {
		taskID := taskARN[strings.LastIndex(taskARN, "/")+1:]
		stream := "demo/web/" + taskID
		srv.PutLogEvents("/docker-compose/demo", stream, fakeaws.LogEvent{Time: epoch.Add(5 * time.Minute), Message: "GET /health 200"})
		out, err := c.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/docker-compose/demo"), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)})
		if err != nil || len(out.Events) != 1 || aws.ToString(out.Events[0].Message) != "GET /health 200" {
			t.Fatalf("events %+v %v", out, err)
		}
	})

	t.Run("calls_carry_region_and_credentials", func(t *testing.T) {
		calls := srv.Calls()
		if len(calls) == 0 || srv.Count("cloudformation", "CreateStack") != 1 || srv.Count("ecs", "DescribeServices") != 2 {
			t.Fatalf("%d calls, CreateStack %d", len(calls), srv.Count("cloudformation", "CreateStack"))
		}
		for _, call := range calls {
			if call.Region != testRegion || call.AccessKey != testKey {
				t.Fatalf("call %+v", call)
			}
		}
		if srv.Count("", "") != len(calls) {
			t.Fatalf("total %d, calls %d", srv.Count("", ""), len(calls))
		}
		srv.ResetCalls()
		if srv.Count("", "") != 0 {
			t.Fatal("ResetCalls kept calls")
		}
	})

	t.Run("delete_removes_everything_in_reverse_order", func(t *testing.T) {
		if _, err := c.cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("demo")}); err != nil {
			t.Fatal(err)
		}
		stackID := func() string { snap, _ := srv.Stack("demo"); return snap.ID }()
		if status := advanceUntil(t, clk, c, stackID, 10*time.Minute); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("status %s", status)
		}
		_, err := c.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("demo")})
		apiError(t, err, "ValidationError", "Stack with id demo does not exist")
		evs := events(t, c, stackID)
		if eventIndex(evs, "WebService", cfntypes.ResourceStatusDeleteComplete) > eventIndex(evs, "WebListener", cfntypes.ResourceStatusDeleteInProgress) {
			t.Error("listener deleted before the service that depends on it")
		}
		if eventIndex(evs, "LoadBalancer", cfntypes.ResourceStatusDeleteComplete) > eventIndex(evs, "DefaultNetwork", cfntypes.ResourceStatusDeleteInProgress) {
			t.Error("security group deleted before the load balancer that uses it")
		}
		desc, err := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("demo"), Tasks: []string{taskARN}})
		apiError(t, err, "ClusterNotFoundException", "Cluster not found.")
		_ = desc
		groups, err := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
		if err != nil || len(groups.LogGroups) != 0 {
			t.Fatalf("log groups left: %+v %v", groups, err)
		}
		ns, _ := c.sd.ListNamespaces(ctx, &servicediscovery.ListNamespacesInput{})
		lbs, _ := c.elb.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
		sgs, _ := c.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{"com.docker.compose.network"}}}})
		if len(ns.Namespaces)+len(lbs.LoadBalancers)+len(sgs.SecurityGroups) != 0 {
			t.Fatalf("left behind: %d namespaces, %d load balancers, %d groups", len(ns.Namespaces), len(lbs.LoadBalancers), len(sgs.SecurityGroups))
		}
	})
}
