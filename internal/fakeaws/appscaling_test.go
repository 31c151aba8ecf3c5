package fakeaws_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// scaling is what deploy.replicas with x-aws-autoscaling becomes: a
// scalable target on the service, a target tracking policy, and a step
// policy that names the target by its keys.
const scaling = `Target:
  Type: AWS::ApplicationAutoScaling::ScalableTarget
  Properties:
    ServiceNamespace: ecs
    ScalableDimension: ecs:service:DesiredCount
    ResourceId: !Sub service/${Cluster}/${Service.Name}
    MinCapacity: 1
    MaxCapacity: 4
CpuPolicy:
  Type: AWS::ApplicationAutoScaling::ScalingPolicy
  Properties:
    PolicyName: cpu
    PolicyType: TargetTrackingScaling
    ScalingTargetId: !Ref Target
    TargetTrackingScalingPolicyConfiguration:
      TargetValue: 70
      ScaleInCooldown: "60"
      PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilization}
StepPolicy:
  Type: AWS::ApplicationAutoScaling::ScalingPolicy
  DependsOn: Target
  Properties:
    PolicyName: step
    PolicyType: StepScaling
    ServiceNamespace: ecs
    ScalableDimension: ecs:service:DesiredCount
    ResourceId: !Sub service/${Cluster}/${Service.Name}
    StepScalingPolicyConfiguration:
      AdjustmentType: ChangeInCapacity
      StepAdjustments: [{MetricIntervalLowerBound: 0, ScalingAdjustment: 2}]
`

func TestApplicationAutoScaling(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	if status := deploy(t, srv, clk, c, "demo", serviceTemplate{service: "LaunchType: FARGATE", resources: scaling}.String()); status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("status %s: %s", status, failure(srv, "demo", "Target"))
	}
	snap, _ := srv.Stack("demo")
	svc, _ := snap.Resource("Service")
	resourceID := "service/demo/" + svc.PhysicalID[strings.LastIndex(svc.PhysicalID, "/")+1:]

	t.Run("refs", func(t *testing.T) {
		target, _ := snap.Resource("Target")
		policy, _ := snap.Resource("CpuPolicy")
		if target.PhysicalID != resourceID+"|ecs:service:DesiredCount|ecs" || !strings.HasPrefix(policy.PhysicalID, "arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:") ||
			!strings.HasSuffix(policy.PhysicalID, ":resource/ecs/"+resourceID+":policyName/cpu") {
			t.Fatalf("target %s policy %s", target.PhysicalID, policy.PhysicalID)
		}
	})

	t.Run("described_by_the_api", func(t *testing.T) {
		targets, err := c.aas.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
		if err != nil || len(targets.ScalableTargets) != 1 || aws.ToString(targets.ScalableTargets[0].ResourceId) != resourceID ||
			aws.ToInt32(targets.ScalableTargets[0].MinCapacity) != 1 || aws.ToInt32(targets.ScalableTargets[0].MaxCapacity) != 4 ||
			!strings.Contains(aws.ToString(targets.ScalableTargets[0].RoleARN), "AWSServiceRoleForApplicationAutoScaling_ECSService") {
			t.Fatalf("targets %+v %v", targets, err)
		}
		policies, err := c.aas.DescribeScalingPolicies(ctx, &applicationautoscaling.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String(resourceID)})
		if err != nil || len(policies.ScalingPolicies) != 2 {
			t.Fatalf("policies %+v %v", policies, err)
		}
		cpu, step := policies.ScalingPolicies[0], policies.ScalingPolicies[1]
		tt := cpu.TargetTrackingScalingPolicyConfiguration
		if tt == nil || aws.ToFloat64(tt.TargetValue) != 70 || aws.ToInt32(tt.ScaleInCooldown) != 60 || tt.PredefinedMetricSpecification.PredefinedMetricType != aastypes.MetricTypeECSServiceAverageCPUUtilization ||
			len(cpu.Alarms) != 2 || !strings.HasPrefix(aws.ToString(cpu.Alarms[0].AlarmName), "TargetTracking-"+resourceID+"-AlarmHigh-") {
			t.Fatalf("target tracking %+v alarms %+v", tt, cpu.Alarms)
		}
		ss := step.StepScalingPolicyConfiguration
		if ss == nil || ss.AdjustmentType != aastypes.AdjustmentTypeChangeInCapacity || len(ss.StepAdjustments) != 1 || aws.ToInt32(ss.StepAdjustments[0].ScalingAdjustment) != 2 {
			t.Fatalf("step %+v", ss)
		}
	})

	t.Run("delete_deregisters", func(t *testing.T) {
		if status := deleteStack(t, srv, clk, c, "demo"); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("status %s", status)
		}
		targets, _ := c.aas.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
		policies, _ := c.aas.DescribeScalingPolicies(ctx, &applicationautoscaling.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
		if len(targets.ScalableTargets)+len(policies.ScalingPolicies) != 0 {
			t.Fatalf("left %+v %+v", targets.ScalableTargets, policies.ScalingPolicies)
		}
	})

	t.Run("a_target_on_a_missing_service_fails", func(t *testing.T) {
		bad := strings.Replace(scaling, "ResourceId: !Sub service/${Cluster}/${Service.Name}\n    MinCapacity", "ResourceId: !Sub service/${Cluster}/nope\n    MinCapacity", 1)
		if status := deploy(t, srv, clk, c, "bad", serviceTemplate{service: "LaunchType: FARGATE", resources: bad}.String()); status != cfntypes.StackStatusRollbackComplete {
			t.Fatalf("status %s", status)
		}
		if reason := failure(srv, "bad", "Target"); !strings.Contains(reason, "ECS service doesn't exist: service/bad/nope") {
			t.Fatalf("reason %q", reason)
		}
	})
}
