package fakeaws_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

func TestVirtualClockIsDeterministic(t *testing.T) {
	run := func() []fakeaws.EventSnapshot {
		srv, clk, c := newFake(t, fakeaws.Options{Seed: 7})
		createApp(t, srv, c, "demo")
		for range 30 {
			clk.Advance(10 * time.Second)
			srv.Stack("demo") // looking does not change what happens
		}
		snap, _ := srv.Stack("demo")
		if snap.Status != "CREATE_COMPLETE" {
			t.Fatalf("status %s", snap.Status)
		}
		return snap.Events
	}
	a, b := run(), run()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed and clock steps differ")
	}
	// Lazy evaluation stamps each event with its own simulated time, not
	// the time the fake was looked at.
	for _, e := range a {
		if e.LogicalID == "LoadBalancer" && e.Status == "CREATE_COMPLETE" && e.Time.Sub(epoch) != 155*time.Second {
			t.Fatalf("load balancer completed at %s, want 155s", e.Time.Sub(epoch))
		}
	}
}

func TestRealClockWithScale(t *testing.T) {
	srv := fakeaws.New(fakeaws.Options{Region: testRegion, Scale: time.Millisecond})
	defer srv.Close()
	c := newClients(sdkConfig(srv, testKey))
	start := time.Now()
	createApp(t, srv, c, "demo")
	w := cloudformation.NewStackCreateCompleteWaiter(c.cfn, func(o *cloudformation.StackCreateCompleteWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 20*time.Millisecond
	})
	if err := w.Wait(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("demo")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 217*time.Millisecond || took > 5*time.Second {
		t.Fatalf("217 simulated seconds took %s", took)
	}
}

func TestTaskFailuresTripTheCircuitBreaker(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	srv.FailTasks("web", fakeaws.TaskFailure{ExitCode: 2, ContainerReason: "exit status 2", LogLines: []string{"starting", "panic: no database"}})
	createApp(t, srv, c, "demo")
	// Step until the service fails; the rollback then deletes the log
	// group, so the logs are read while the stack rolls back, as the
	// plugin must.
	var failed fakeaws.EventSnapshot
	for failed.Status == "" {
		clk.Advance(time.Second)
		snap, _ := srv.Stack("demo")
		for _, e := range snap.Events {
			if e.LogicalID == "WebService" && e.Status == "CREATE_FAILED" {
				failed = e
			}
		}
		if clk.Now().Sub(epoch) > 10*time.Minute {
			t.Fatal("the service never failed")
		}
	}
	if !strings.HasPrefix(failed.Reason, `Resource handler returned message: "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'." (RequestToken: `) ||
		!strings.HasSuffix(failed.Reason, ", HandlerErrorCode: GeneralServiceException)") {
		t.Fatalf("reason %q", failed.Reason)
	}
	stopped, err := c.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String("demo"), ServiceName: aws.String(failed.PhysicalID), DesiredStatus: ecstypes.DesiredStatusStopped})
	if err != nil || len(stopped.TaskArns) != 3 {
		t.Fatalf("stopped tasks %v %v", stopped, err)
	}
	desc, err := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("demo"), Tasks: stopped.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range desc.Tasks {
		ct := task.Containers[0]
		if aws.ToString(task.StoppedReason) != "Essential container in task exited" || task.StopCode != ecstypes.TaskStopCodeEssentialContainerExited ||
			aws.ToInt32(ct.ExitCode) != 2 || aws.ToString(ct.Reason) != "exit status 2" || task.StoppedAt == nil || task.StartedAt == nil {
			t.Fatalf("task %s %s exit %d %q", aws.ToString(task.StoppedReason), task.StopCode, aws.ToInt32(ct.ExitCode), aws.ToString(ct.Reason))
		}
	}
	arn := aws.ToString(desc.Tasks[0].TaskArn)
	stream := "demo/web/" + arn[strings.LastIndex(arn, "/")+1:]
	logs, err := c.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/docker-compose/demo"), LogStreamNames: []string{stream}})
	if err != nil || len(logs.Events) != 2 || aws.ToString(logs.Events[1].Message) != "panic: no database" {
		t.Fatalf("logs %+v %v", logs, err)
	}
	svc, _ := c.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("demo"), Services: []string{failed.PhysicalID}})
	if d := svc.Services[0].Deployments; len(d) != 1 || d[0].RolloutState != ecstypes.DeploymentRolloutStateFailed || d[0].FailedTasks != 3 {
		t.Fatalf("deployments %+v", d)
	}
	if status := advanceUntil(t, clk, c, "demo", 10*time.Minute); status != cfntypes.StackStatusRollbackComplete {
		t.Fatalf("status %s", status)
	}
	running, _ := c.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"demo"}})
	if running.Clusters[0].RunningTasksCount != 0 {
		t.Fatal("tasks still running after the rollback")
	}
}

func TestUpdateWithFailingTasksRollsBackTheService(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	createApp(t, srv, c, "demo")
	advanceUntil(t, clk, c, "demo", 10*time.Minute)
	srv.FailTasks("WebService", fakeaws.TaskFailure{Reason: "Task failed ELB health checks"})
	_, err := c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("demo"), TemplateBody: aws.String(strings.Replace(appTemplate, "nginx:1.27", "nginx:1.28", 1)),
		Parameters: appParams(srv), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}})
	if err != nil {
		t.Fatal(err)
	}
	if status := advanceUntil(t, clk, c, "demo", 20*time.Minute); status != cfntypes.StackStatusUpdateRollbackComplete {
		t.Fatalf("status %s", status)
	}
	snap, _ := srv.Stack("demo")
	svcRes, _ := snap.Resource("WebService")
	out, _ := c.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("demo"), Services: []string{svcRes.PhysicalID}})
	svc := out.Services[0]
	if svc.RunningCount != 1 || !strings.HasSuffix(aws.ToString(svc.TaskDefinition), "demo-web:1") {
		t.Fatalf("service runs %d tasks of %s", svc.RunningCount, aws.ToString(svc.TaskDefinition))
	}
}

func TestAssumeRole(t *testing.T) {
	ctx := context.Background()
	srv, _, c := newFake(t, fakeaws.Options{})
	role := "arn:aws:iam::210987654321:role/deployer"
	cfg := sdkConfig(srv, testKey)
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(c.sts, role, func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "docker-ecs" }))
	assumed := newClients(cfg)
	id, err := assumed.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:sts::210987654321:assumed-role/deployer/docker-ecs" || aws.ToString(id.Account) != "210987654321" {
		t.Fatalf("identity %s %s", aws.ToString(id.Arn), aws.ToString(id.Account))
	}
	if _, err := assumed.ecs.ListClusters(ctx, &ecs.ListClustersInput{}); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls()
	if calls[0].Operation != "AssumeRole" || calls[0].AccessKey != testKey {
		t.Fatalf("first call %+v", calls[0])
	}
	last := calls[len(calls)-1]
	if last.Service != "ecs" || !strings.HasPrefix(last.AccessKey, "ASIA") || last.Role != role {
		t.Fatalf("last call %+v", last)
	}
	mine, _ := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if aws.ToString(mine.Account) != "123456789012" || aws.ToString(mine.Arn) != "arn:aws:iam::123456789012:user/"+testKey {
		t.Fatalf("base identity %s", aws.ToString(mine.Arn))
	}
}

func TestEC2(t *testing.T) {
	ctx := context.Background()
	srv, _, c := newFake(t, fakeaws.Options{})
	vpcs, err := c.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("isDefault"), Values: []string{"true"}}}})
	if err != nil || len(vpcs.Vpcs) != 1 || !aws.ToBool(vpcs.Vpcs[0].IsDefault) {
		t.Fatalf("default VPC %+v %v", vpcs, err)
	}
	vpcID := aws.ToString(vpcs.Vpcs[0].VpcId)
	subnets, err := c.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpcID}}, {Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil || len(subnets.Subnets) != 3 {
		t.Fatalf("subnets %+v %v", subnets, err)
	}
	zones := map[string]bool{}
	for _, sn := range subnets.Subnets {
		zones[aws.ToString(sn.AvailabilityZone)] = aws.ToBool(sn.MapPublicIpOnLaunch)
	}
	if !reflect.DeepEqual(zones, map[string]bool{"eu-west-1a": true, "eu-west-1b": true, "eu-west-1c": true}) {
		t.Fatalf("zones %v", zones)
	}
	rts, err := c.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
	if err != nil || len(rts.RouteTables) != 1 || !aws.ToBool(rts.RouteTables[0].Associations[0].Main) ||
		!strings.HasPrefix(aws.ToString(rts.RouteTables[0].Routes[1].GatewayId), "igw-") || aws.ToString(rts.RouteTables[0].Routes[1].DestinationCidrBlock) != "0.0.0.0/0" {
		t.Fatalf("route tables %+v %v", rts, err)
	}
	azs, err := c.ec2.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil || len(azs.AvailabilityZones) != 3 || aws.ToString(azs.AvailabilityZones[1].ZoneId) != "euw1-az2" {
		t.Fatalf("zones %+v %v", azs, err)
	}
	_, err = c.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-404"}})
	apiError(t, err, "InvalidVpcID.NotFound", "The vpc ID 'vpc-404' does not exist")

	t.Run("default_vpc_removed", func(t *testing.T) {
		srv.RemoveDefaultVPC()
		vpcs, _ := c.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("isDefault"), Values: []string{"true"}}}})
		subnets, _ := c.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
		if len(vpcs.Vpcs)+len(subnets.Subnets) != 0 {
			t.Fatalf("%d vpcs %d subnets left", len(vpcs.Vpcs), len(subnets.Subnets))
		}
		if id, _ := srv.DefaultVPC(); id != "" {
			t.Fatalf("DefaultVPC %s", id)
		}
	})

	t.Run("custom_vpc_with_public_and_private_subnets", func(t *testing.T) {
		vpc := srv.AddVPC("10.0.0.0/16", map[string]string{"Name": "custom"})
		public := srv.AddSubnet(vpc, "eu-west-1a", "10.0.0.0/24", true, nil)
		private := srv.AddSubnet(vpc, "eu-west-1b", "10.0.1.0/24", false, map[string]string{"tier": "private"})
		sg := srv.AddSecurityGroup(vpc, "web", "web access", nil)
		got, _ := c.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{"custom"}}}})
		if len(got.Vpcs) != 1 || aws.ToString(got.Vpcs[0].VpcId) != vpc || aws.ToBool(got.Vpcs[0].IsDefault) {
			t.Fatalf("vpcs %+v", got.Vpcs)
		}
		tagged, _ := c.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("tag:tier"), Values: []string{"private"}}}})
		if len(tagged.Subnets) != 1 || aws.ToString(tagged.Subnets[0].SubnetId) != private {
			t.Fatalf("subnets %+v", tagged.Subnets)
		}
		internet := func(subnet string) bool {
			rts, _ := c.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("association.subnet-id"), Values: []string{subnet}}}})
			if len(rts.RouteTables) == 0 {
				rts, _ = c.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}, {Name: aws.String("association.main"), Values: []string{"true"}}}})
			}
			for _, r := range rts.RouteTables[0].Routes {
				if strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") {
					return true
				}
			}
			return false
		}
		if !internet(public) || internet(private) {
			t.Fatalf("public %v private %v", internet(public), internet(private))
		}
		groups, _ := c.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sg}})
		if len(groups.SecurityGroups) != 1 || aws.ToString(groups.SecurityGroups[0].GroupName) != "web" {
			t.Fatalf("groups %+v", groups)
		}
	})
}

func TestLogs(t *testing.T) {
	ctx := context.Background()
	srv, _, c := newFake(t, fakeaws.Options{})
	at := func(s int) time.Time { return epoch.Add(time.Duration(s) * time.Second) }
	srv.PutLogEvents("/app", "web/web/aaa", fakeaws.LogEvent{Time: at(1), Message: "web one"}, fakeaws.LogEvent{Time: at(3), Message: "web error two"})
	srv.PutLogEvents("/app", "web/web/bbb", fakeaws.LogEvent{Time: at(5), Message: "web three"})
	srv.PutLogEvents("/app", "db/db/ccc", fakeaws.LogEvent{Time: at(2), Message: "db error"})

	streams, err := c.logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/app"), OrderBy: logstypes.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(2)})
	if err != nil || len(streams.LogStreams) != 2 || aws.ToString(streams.LogStreams[0].LogStreamName) != "web/web/bbb" || aws.ToString(streams.LogStreams[1].LogStreamName) != "web/web/aaa" || streams.NextToken == nil {
		t.Fatalf("streams %+v %v", streams, err)
	}
	prefixed, _ := c.logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/app"), LogStreamNamePrefix: aws.String("db/")})
	if len(prefixed.LogStreams) != 1 {
		t.Fatalf("prefixed %+v", prefixed.LogStreams)
	}
	_, err = c.logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/nope")})
	var notFound *logstypes.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Fatalf("missing group: %v", err)
	}

	filtered, err := c.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/app"), FilterPattern: aws.String("error")})
	if err != nil || len(filtered.Events) != 2 || aws.ToString(filtered.Events[0].Message) != "db error" || aws.ToString(filtered.Events[1].LogStreamName) != "web/web/aaa" {
		t.Fatalf("filtered %+v %v", filtered, err)
	}
	var all []string
	p := cloudwatchlogs.NewFilterLogEventsPaginator(c.logs, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/app"), LogStreamNamePrefix: aws.String("web/"), StartTime: aws.Int64(at(2).UnixMilli()), Limit: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			all = append(all, aws.ToString(e.Message))
		}
	}
	if strings.Join(all, "|") != "web error two|web three" {
		t.Fatalf("paged %v", all)
	}

	tail, _ := c.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/app"), LogStreamName: aws.String("web/web/aaa"), Limit: aws.Int32(1)})
	if len(tail.Events) != 1 || aws.ToString(tail.Events[0].Message) != "web error two" {
		t.Fatalf("tail %+v", tail.Events)
	}
	back, _ := c.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/app"), LogStreamName: aws.String("web/web/aaa"), NextToken: tail.NextBackwardToken})
	if len(back.Events) != 1 || aws.ToString(back.Events[0].Message) != "web one" {
		t.Fatalf("backward %+v", back.Events)
	}
	fwd, _ := c.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/app"), LogStreamName: aws.String("web/web/aaa"), NextToken: tail.NextForwardToken})
	if len(fwd.Events) != 0 || aws.ToString(fwd.NextForwardToken) != aws.ToString(tail.NextForwardToken) {
		t.Fatalf("forward at the end %+v", fwd)
	}

	if _, err := c.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/other")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/other")})
	var exists *logstypes.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("duplicate group: %v", err)
	}
	if _, err := c.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/other"), LogStreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/other"), LogStreamName: aws.String("s"),
		LogEvents: []logstypes.InputLogEvent{{Timestamp: aws.Int64(at(1).UnixMilli()), Message: aws.String("hi")}}}); err != nil {
		t.Fatal(err)
	}
	head, _ := c.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/other"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
	if len(head.Events) != 1 || aws.ToInt64(head.Events[0].Timestamp) != at(1).UnixMilli() {
		t.Fatalf("head %+v", head.Events)
	}
	if _, err := c.logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/other")}); err != nil {
		t.Fatal(err)
	}
	groups, _ := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if len(groups.LogGroups) != 1 || aws.ToString(groups.LogGroups[0].Arn) != "arn:aws:logs:eu-west-1:123456789012:log-group:/app:*" {
		t.Fatalf("groups %+v", groups.LogGroups)
	}
}

func TestResourcesOutsideStacks(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	vpc, _ := srv.DefaultVPC()

	t.Run("load_balancer", func(t *testing.T) {
		arn := srv.AddLoadBalancer("shared", vpc, map[string]string{"team": "a"})
		out, err := c.elb.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{"shared"}})
		if err != nil || len(out.LoadBalancers) != 1 || aws.ToString(out.LoadBalancers[0].LoadBalancerArn) != arn || out.LoadBalancers[0].Type != elbtypes.LoadBalancerTypeEnumApplication {
			t.Fatalf("load balancers %+v %v", out, err)
		}
		_, err = c.elb.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{"nope"}})
		var nf *elbtypes.LoadBalancerNotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("missing load balancer: %v", err)
		}
	})

	t.Run("orphaned_namespace", func(t *testing.T) {
		id := srv.AddNamespace("demo.local", vpc)
		// A stack that creates the same namespace in the same VPC fails.
		createApp(t, srv, c, "demo")
		if status := advanceUntil(t, clk, c, "demo", 10*time.Minute); status != cfntypes.StackStatusRollbackComplete {
			t.Fatalf("status %s", status)
		}
		e, _ := findEvent(events(t, c, "demo"), "CloudMap", cfntypes.ResourceStatusCreateFailed)
		if !strings.Contains(aws.ToString(e.ResourceStatusReason), "Namespace with name demo.local already exists") {
			t.Fatalf("namespace failure %q", aws.ToString(e.ResourceStatusReason))
		}
		ns, err := c.sd.ListNamespaces(ctx, &servicediscovery.ListNamespacesInput{Filters: []sdtypes.NamespaceFilter{{Name: sdtypes.NamespaceFilterNameName, Values: []string{"demo.local"}, Condition: sdtypes.FilterConditionEq}}})
		if err != nil || len(ns.Namespaces) != 1 || aws.ToString(ns.Namespaces[0].Id) != id {
			t.Fatalf("namespaces %+v %v", ns, err)
		}
		op, err := c.sd.DeleteNamespace(ctx, &servicediscovery.DeleteNamespaceInput{Id: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		status, err := c.sd.GetOperation(ctx, &servicediscovery.GetOperationInput{OperationId: op.OperationId})
		if err != nil || status.Operation.Status != sdtypes.OperationStatusSuccess {
			t.Fatalf("operation %+v %v", status, err)
		}
		_, err = c.sd.GetNamespace(ctx, &servicediscovery.GetNamespaceInput{Id: aws.String(id)})
		var gone *sdtypes.NamespaceNotFound
		if !errors.As(err, &gone) {
			t.Fatalf("deleted namespace: %v", err)
		}
	})
}
