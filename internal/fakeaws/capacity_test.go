package fakeaws_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

const notAssociated = "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again."

const spotStrategy = `CapacityProviderStrategy:
  - CapacityProvider: FARGATE_SPOT
    Weight: 1`

func TestCapacityProviderStrategies(t *testing.T) {
	ctx := context.Background()

	t.Run("a_provider_the_cluster_lacks_fails_the_service", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		if status := deploy(t, srv, clk, c, "spot", serviceTemplate{service: spotStrategy}.String()); status != cfntypes.StackStatusRollbackComplete {
			t.Fatalf("status %s", status)
		}
		if reason := failure(srv, "spot", "Service"); !strings.Contains(reason, notAssociated) {
			t.Fatalf("reason %q", reason)
		}
	})

	t.Run("launch_type_and_strategy_are_exclusive", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		tmpl := serviceTemplate{cluster: "CapacityProviders: [FARGATE_SPOT]", service: "LaunchType: FARGATE\n" + spotStrategy}
		if status := deploy(t, srv, clk, c, "both", tmpl.String()); status != cfntypes.StackStatusRollbackComplete {
			t.Fatalf("status %s", status)
		}
		if reason := failure(srv, "both", "Service"); !strings.Contains(reason, "Specifying both a launch type and capacity provider strategy is not supported.") {
			t.Fatalf("reason %q", reason)
		}
	})

	t.Run("the_cluster_default_strategy_applies", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		tmpl := serviceTemplate{cluster: "CapacityProviders: [FARGATE, FARGATE_SPOT]\nDefaultCapacityProviderStrategy:\n  - {CapacityProvider: FARGATE_SPOT, Weight: 1}"}
		if status := deploy(t, srv, clk, c, "dflt", tmpl.String()); status != cfntypes.StackStatusCreateComplete {
			t.Fatalf("status %s", status)
		}
		cl, err := c.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"dflt"}})
		if err != nil || strings.Join(cl.Clusters[0].CapacityProviders, ",") != "FARGATE,FARGATE_SPOT" || aws.ToString(cl.Clusters[0].DefaultCapacityProviderStrategy[0].CapacityProvider) != "FARGATE_SPOT" {
			t.Fatalf("cluster %+v %v", cl, err)
		}
		task := runningTask(t, srv, c, "dflt")
		out, _ := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("dflt"), Tasks: []string{task}})
		if aws.ToString(out.Tasks[0].CapacityProviderName) != "FARGATE_SPOT" || out.Tasks[0].LaunchType != "" {
			t.Fatalf("task on %q, launch type %q", aws.ToString(out.Tasks[0].CapacityProviderName), out.Tasks[0].LaunchType)
		}
		snap, _ := srv.Stack("dflt")
		svc, _ := snap.Resource("Service")
		desc, _ := c.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("dflt"), Services: []string{svc.PhysicalID}})
		if s := desc.Services[0]; len(s.CapacityProviderStrategy) != 1 || aws.ToString(s.CapacityProviderStrategy[0].CapacityProvider) != "FARGATE_SPOT" || s.CapacityProviderStrategy[0].Weight != 1 {
			t.Fatalf("service strategy %+v", s.CapacityProviderStrategy)
		}
	})

	t.Run("an_existing_cluster_brings_its_providers", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		arn := srv.AddCluster("shared", "FARGATE", "FARGATE_SPOT")
		srv.AddCluster("plain")
		if !strings.HasSuffix(arn, ":cluster/shared") {
			t.Fatalf("arn %s", arn)
		}
		for cluster, want := range map[string]cfntypes.StackStatus{"shared": cfntypes.StackStatusCreateComplete, "plain": cfntypes.StackStatusRollbackComplete} {
			tmpl := strings.Replace(serviceTemplate{service: spotStrategy}.String(), "      Cluster: !Ref Cluster\n", "      Cluster: "+cluster+"\n", 1)
			if status := deploy(t, srv, clk, c, "on-"+cluster, tmpl); status != want {
				t.Fatalf("%s: status %s, want %s", cluster, status, want)
			}
		}
		cl, _ := c.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"shared"}})
		if cl.Clusters[0].ActiveServicesCount != 1 || len(cl.Clusters[0].CapacityProviders) != 2 {
			t.Fatalf("cluster %+v", cl.Clusters[0])
		}
	})

	t.Run("a_service_must_wait_for_the_associations", func(t *testing.T) {
		assoc := `Associations:
  Type: AWS::ECS::ClusterCapacityProviderAssociations
  Properties:
    Cluster: !Ref Cluster
    CapacityProviders: [FARGATE, FARGATE_SPOT]
    DefaultCapacityProviderStrategy:
      - {CapacityProvider: FARGATE, Weight: 1}`
		srv, clk, c := newFake(t, fakeaws.Options{})
		if status := deploy(t, srv, clk, c, "racy", serviceTemplate{service: spotStrategy, resources: assoc}.String()); status != cfntypes.StackStatusRollbackComplete {
			t.Fatalf("without DependsOn: %s", status)
		}
		tmpl := strings.Replace(serviceTemplate{service: spotStrategy, resources: assoc}.String(), "  Service:\n    Type: AWS::ECS::Service\n", "  Service:\n    Type: AWS::ECS::Service\n    DependsOn: Associations\n", 1)
		if status := deploy(t, srv, clk, c, "ordered", tmpl); status != cfntypes.StackStatusCreateComplete {
			t.Fatalf("with DependsOn: %s %s", status, failure(srv, "ordered", "Service"))
		}
		if status := deleteStack(t, srv, clk, c, "ordered"); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("delete: %s", status)
		}
	})
}

// ec2Capacity is EC2 capacity for GPU services: an instance profile, a
// launch template on the ECS-optimized GPU AMI, an Auto Scaling group
// protected from scale-in, a capacity provider with managed termination
// protection, and a cluster that uses it.
const ec2Capacity = `Parameters:
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
  AMI:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: !Ref AWS::StackName
  InstanceRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
  InstanceProfile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref InstanceRole]
  LaunchTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: !Ref AMI
        InstanceType: g4dn.xlarge
        IamInstanceProfile: {Arn: !GetAtt InstanceProfile.Arn}
        UserData: !Base64 {"Fn::Sub": "#!/bin/bash\necho ECS_CLUSTER=${Cluster} >> /etc/ecs/ecs.config\n"}
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: 0
      MaxSize: 4
      DesiredCapacity: 2
      VPCZoneIdentifier: !Ref Subnets
      NewInstancesProtectedFromScaleIn: true
      LaunchTemplate:
        LaunchTemplateId: !Ref LaunchTemplate
        Version: !GetAtt LaunchTemplate.LatestVersionNumber
      Tags:
        - {Key: com.docker.compose.project, Value: gpu, PropagateAtLaunch: true}
  Provider:
    Type: AWS::ECS::CapacityProvider
    Properties:
      AutoScalingGroupProvider:
        AutoScalingGroupArn: !Ref Group
        ManagedTerminationProtection: ENABLED
        ManagedScaling: {Status: ENABLED, TargetCapacity: 100}
  Associations:
    Type: AWS::ECS::ClusterCapacityProviderAssociations
    Properties:
      Cluster: !Ref Cluster
      CapacityProviders: [!Ref Provider]
      DefaultCapacityProviderStrategy:
        - {CapacityProvider: !Ref Provider, Weight: 1}
`

func TestEC2Capacity(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	if status := deploy(t, srv, clk, c, "gpu", ec2Capacity); status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("status %s", status)
	}

	t.Run("the_ami_parameter_is_resolved_from_ssm", func(t *testing.T) {
		ami, err := c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id")})
		if err != nil || !strings.HasPrefix(aws.ToString(ami.Parameter.Value), "ami-") {
			t.Fatalf("public parameter %+v %v", ami, err)
		}
		snap, _ := srv.Stack("gpu")
		lt, _ := snap.Resource("LaunchTemplate")
		if data := lt.Properties["LaunchTemplateData"].(map[string]any); data["ImageId"] != aws.ToString(ami.Parameter.Value) {
			t.Fatalf("ImageId %v", data["ImageId"])
		}
		out, _ := c.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("gpu")})
		for _, p := range out.Stacks[0].Parameters {
			if aws.ToString(p.ParameterKey) == "AMI" && (aws.ToString(p.ResolvedValue) != aws.ToString(ami.Parameter.Value) || !strings.HasPrefix(aws.ToString(p.ParameterValue), "/aws/service/")) {
				t.Fatalf("AMI parameter %+v", p)
			}
		}
	})

	t.Run("the_group_runs_protected_instances", func(t *testing.T) {
		groups := srv.AutoScalingGroups()
		if len(groups) != 1 || groups[0].DesiredCapacity != 2 || len(groups[0].Instances) != 2 || !groups[0].Instances[0].ProtectedFromScaleIn ||
			groups[0].Instances[0].LifecycleState != "InService" || groups[0].LaunchTemplateVersion != "1" || groups[0].Tags["com.docker.compose.project"] != "gpu" {
			t.Fatalf("groups %+v", groups)
		}
		byName, err := c.asg.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{groups[0].Name}})
		if err != nil || len(byName.AutoScalingGroups) != 1 || len(byName.AutoScalingGroups[0].Instances) != 2 || !aws.ToBool(byName.AutoScalingGroups[0].NewInstancesProtectedFromScaleIn) ||
			aws.ToString(byName.AutoScalingGroups[0].LaunchTemplate.LaunchTemplateId) != groups[0].LaunchTemplateID || len(byName.AutoScalingGroups[0].AvailabilityZones) != 3 {
			t.Fatalf("by name %+v %v", byName, err)
		}
		byTag, err := c.asg.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{Filters: []astypes.Filter{
			{Name: aws.String("tag:com.docker.compose.project"), Values: []string{"gpu"}}, {Name: aws.String("tag-key"), Values: []string{"aws:cloudformation:stack-name"}}}})
		if err != nil || len(byTag.AutoScalingGroups) != 1 {
			t.Fatalf("by tag %+v %v", byTag, err)
		}
		none, _ := c.asg.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{Filters: []astypes.Filter{{Name: aws.String("tag-value"), Values: []string{"other"}}}})
		if len(none.AutoScalingGroups) != 0 {
			t.Fatalf("tag-value other matched %d groups", len(none.AutoScalingGroups))
		}
	})

	t.Run("a_new_launch_template_version_reaches_the_group", func(t *testing.T) {
		_, subnets := srv.DefaultVPC()
		_, err := c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("gpu"), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
			TemplateBody: aws.String(strings.Replace(ec2Capacity, "g4dn.xlarge", "g5.xlarge", 1)), Parameters: []cfntypes.Parameter{param("Subnets", strings.Join(subnets, ","))}})
		if err != nil {
			t.Fatal(err)
		}
		if status := advanceUntil(t, clk, c, "gpu", 10*time.Minute); status != cfntypes.StackStatusUpdateComplete {
			t.Fatalf("status %s", status)
		}
		g := srv.AutoScalingGroups()[0]
		if g.LaunchTemplateVersion != "2" || len(g.Instances) != 2 {
			t.Fatalf("group %+v", g)
		}
		snap, _ := srv.Stack("gpu")
		if lt, _ := snap.Resource("LaunchTemplate"); lt.Status != "UPDATE_COMPLETE" || !strings.HasPrefix(lt.PhysicalID, "lt-") {
			t.Fatalf("launch template %+v", lt)
		}
	})

	t.Run("a_gpu_service_runs_on_the_provider", func(t *testing.T) {
		tmpl := `Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{Name: cuda, Image: "nvidia/cuda:12.4.0-base", ResourceRequirements: [{Type: GPU, Value: "1"}]}]
  Service:
    Type: AWS::ECS::Service
    Properties:
      Cluster: gpu
      TaskDefinition: !Ref Task
      DesiredCount: 1
`
		createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("cuda"), TemplateBody: aws.String(tmpl)})
		if status := advanceUntil(t, clk, c, "cuda", 10*time.Minute); status != cfntypes.StackStatusCreateComplete {
			t.Fatalf("status %s: %s", status, failure(srv, "cuda", "Service"))
		}
		task := runningTask(t, srv, c, "cuda", "gpu")
		out, _ := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("gpu"), Tasks: []string{task}})
		if !strings.HasPrefix(aws.ToString(out.Tasks[0].CapacityProviderName), "gpu-Provider-") {
			t.Fatalf("capacity provider %q", aws.ToString(out.Tasks[0].CapacityProviderName))
		}
		// The cluster's providers cannot go while the service runs on them.
		if status := deleteStack(t, srv, clk, c, "gpu"); status != cfntypes.StackStatusDeleteFailed {
			t.Fatalf("deleting the capacity under a service: %s", status)
		}
		if status := deleteStack(t, srv, clk, c, "cuda"); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("delete %s", status)
		}
	})

	t.Run("delete_leaves_no_group", func(t *testing.T) {
		if status := deleteStack(t, srv, clk, c, "gpu"); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("status %s", status)
		}
		if groups := srv.AutoScalingGroups(); len(groups) != 0 {
			t.Fatalf("groups left %+v", groups)
		}
	})
}

func TestDeletionOrder(t *testing.T) {
	t.Run("a_group_a_provider_still_uses", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		infra := `Parameters:
  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
Resources:
  LaunchTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties: {LaunchTemplateData: {ImageId: ami-12345678, InstanceType: m5.large}}
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      AutoScalingGroupName: shared-group
      MinSize: 1
      MaxSize: 2
      VPCZoneIdentifier: !Ref Subnets
      NewInstancesProtectedFromScaleIn: true
      LaunchTemplate: {LaunchTemplateId: !Ref LaunchTemplate, Version: !GetAtt LaunchTemplate.DefaultVersionNumber}
`
		app := `Resources:
  Provider:
    Type: AWS::ECS::CapacityProvider
    Properties:
      Name: shared-provider
      AutoScalingGroupProvider: {AutoScalingGroupArn: shared-group, ManagedTerminationProtection: ENABLED}
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: app
      CapacityProviders: [!Ref Provider]
`
		if status := deploy(t, srv, clk, c, "infra", infra); status != cfntypes.StackStatusCreateComplete {
			t.Fatalf("infra %s", status)
		}
		createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("app"), TemplateBody: aws.String(app)})
		if status := advanceUntil(t, clk, c, "app", 10*time.Minute); status != cfntypes.StackStatusCreateComplete {
			t.Fatalf("app %s %s", status, failure(srv, "app", "Provider"))
		}
		if status := deleteStack(t, srv, clk, c, "infra"); status != cfntypes.StackStatusDeleteFailed {
			t.Fatalf("deleting the group first: %s", status)
		}
		if reason := failure(srv, "infra", "Group"); !strings.Contains(reason, "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.") {
			t.Fatalf("reason %q", reason)
		}
		if status := deleteStack(t, srv, clk, c, "app"); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("app delete %s", status)
		}
		if status := deleteStack(t, srv, clk, c, "infra"); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("infra delete again %s", status)
		}
		if len(srv.AutoScalingGroups()) != 0 {
			t.Fatal("group left")
		}
	})

	t.Run("a_provider_still_associated_with_a_cluster", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		infra := `Parameters:
  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
Resources:
  LaunchTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties: {LaunchTemplateData: {ImageId: ami-12345678}}
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: 0
      MaxSize: 2
      VPCZoneIdentifier: !Ref Subnets
      LaunchTemplate: {LaunchTemplateId: !Ref LaunchTemplate, Version: "1"}
  Provider:
    Type: AWS::ECS::CapacityProvider
    Properties:
      Name: my-provider
      AutoScalingGroupProvider: {AutoScalingGroupArn: !Ref Group}
`
		cluster := `Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties: {ClusterName: users, CapacityProviders: [my-provider]}
`
		if status := deploy(t, srv, clk, c, "infra", infra); status != cfntypes.StackStatusCreateComplete {
			t.Fatalf("infra %s %s", status, failure(srv, "infra", "Provider"))
		}
		createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("users"), TemplateBody: aws.String(cluster)})
		if status := advanceUntil(t, clk, c, "users", 10*time.Minute); status != cfntypes.StackStatusCreateComplete {
			t.Fatalf("cluster %s", status)
		}
		if status := deleteStack(t, srv, clk, c, "infra"); status != cfntypes.StackStatusDeleteFailed {
			t.Fatalf("status %s", status)
		}
		want := "The capacity provider cannot be deleted because it is associated with cluster: users. Remove the capacity provider from the cluster and try again."
		if reason := failure(srv, "infra", "Provider"); !strings.Contains(reason, want) {
			t.Fatalf("reason %q", reason)
		}
	})

	t.Run("associations_a_service_still_uses", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		cluster := `Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties: {ClusterName: base}
  Associations:
    Type: AWS::ECS::ClusterCapacityProviderAssociations
    Properties:
      Cluster: !Ref Cluster
      CapacityProviders: [FARGATE_SPOT]
      DefaultCapacityProviderStrategy: [{CapacityProvider: FARGATE_SPOT, Weight: 1}]
`
		createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("base"), TemplateBody: aws.String(cluster)})
		if status := advanceUntil(t, clk, c, "base", 10*time.Minute); status != cfntypes.StackStatusCreateComplete {
			t.Fatalf("base %s", status)
		}
		svc := strings.Replace(serviceTemplate{service: spotStrategy}.String(), "      Cluster: !Ref Cluster\n", "      Cluster: base\n", 1)
		if status := deploy(t, srv, clk, c, "svc", svc); status != cfntypes.StackStatusCreateComplete {
			t.Fatalf("svc %s %s", status, failure(srv, "svc", "Service"))
		}
		if status := deleteStack(t, srv, clk, c, "base"); status != cfntypes.StackStatusDeleteFailed {
			t.Fatalf("status %s", status)
		}
		if reason := failure(srv, "base", "Associations"); !strings.Contains(reason, "The specified capacity provider is in use and cannot be removed.") {
			t.Fatalf("reason %q", reason)
		}
	})

	t.Run("managed_termination_protection_needs_protected_instances", func(t *testing.T) {
		srv, clk, c := newFake(t, fakeaws.Options{})
		tmpl := strings.Replace(ec2Capacity, "      NewInstancesProtectedFromScaleIn: true\n", "", 1)
		if status := deploy(t, srv, clk, c, "gpu", tmpl); status != cfntypes.StackStatusRollbackComplete {
			t.Fatalf("status %s", status)
		}
		if reason := failure(srv, "gpu", "Provider"); !strings.Contains(reason, "the Auto Scaling group must have instance protection from scale in enabled") {
			t.Fatalf("reason %q", reason)
		}
		if len(srv.AutoScalingGroups()) != 0 {
			t.Fatal("the rollback left the group")
		}
	})
}
