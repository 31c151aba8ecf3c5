package fakeaws_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

func TestFaults(t *testing.T) {
	ctx := context.Background()
	describe := func(c clients) error {
		_, err := c.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{})
		return err
	}
	listClusters := func(c clients) error {
		_, err := c.ecs.ListClusters(ctx, &ecs.ListClustersInput{})
		return err
	}
	describeVpcs := func(c clients) error {
		_, err := c.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
		return err
	}
	createBucket := func(c clients) error {
		_, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("fault-bucket"),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(testRegion)}})
		return err
	}
	describeFileSystems := func(c clients) error {
		_, err := c.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{})
		return err
	}
	listSecrets := func(c clients) error {
		_, err := c.sm.ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
		return err
	}
	describeParameters := func(c clients) error {
		_, err := c.ssm.DescribeParameters(ctx, &ssm.DescribeParametersInput{})
		return err
	}
	describeGroups := func(c clients) error {
		_, err := c.asg.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{})
		return err
	}
	describeTargets := func(c clients) error {
		_, err := c.aas.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
		return err
	}
	// The SDK retries throttling, 5xx and reset connections: one injected
	// fault costs one extra attempt, a persistent one three attempts and
	// the error of the protocol.
	for name, tc := range map[string]struct {
		fault     fakeaws.Fault
		call      func(clients) error
		code      string
		attempts  int
		retryable bool
	}{
		"query_throttling":       {fakeaws.Fault{Service: "cloudformation", Operation: "DescribeStacks", Kind: fakeaws.Throttle}, describe, "Throttling", 3, true},
		"json_throttling":        {fakeaws.Fault{Service: "ecs", Kind: fakeaws.Throttle}, listClusters, "ThrottlingException", 3, true},
		"ec2_throttling":         {fakeaws.Fault{Service: "ec2", Kind: fakeaws.Throttle}, describeVpcs, "RequestLimitExceeded", 3, true},
		"internal_error":         {fakeaws.Fault{Kind: fakeaws.InternalError}, describe, "InternalFailure", 3, true},
		"json_unavailable":       {fakeaws.Fault{Kind: fakeaws.Unavailable}, listClusters, "ServiceUnavailable", 3, true},
		"expired_token_query":    {fakeaws.Fault{AccessKey: testKey, Kind: fakeaws.ExpiredToken}, describe, "ExpiredToken", 1, false},
		"expired_token_json":     {fakeaws.Fault{AccessKey: testKey, Kind: fakeaws.ExpiredToken}, listClusters, "ExpiredTokenException", 1, false},
		"connection_reset_query": {fakeaws.Fault{Kind: fakeaws.ConnectionReset}, describe, "", 3, true},
		"s3_slow_down":           {fakeaws.Fault{Service: "s3", Kind: fakeaws.Throttle}, createBucket, "SlowDown", 3, true},
		"s3_internal_error":      {fakeaws.Fault{Service: "s3", Kind: fakeaws.InternalError}, createBucket, "InternalError", 3, true},
		"s3_expired_token":       {fakeaws.Fault{Kind: fakeaws.ExpiredToken}, createBucket, "ExpiredToken", 1, false},
		"efs_throttling":         {fakeaws.Fault{Service: "elasticfilesystem", Kind: fakeaws.Throttle}, describeFileSystems, "ThrottlingException", 3, true},
		"efs_expired_token":      {fakeaws.Fault{Kind: fakeaws.ExpiredToken}, describeFileSystems, "ExpiredTokenException", 1, false},
		"secrets_throttling":     {fakeaws.Fault{Service: "secretsmanager", Kind: fakeaws.Throttle}, listSecrets, "ThrottlingException", 3, true},
		"ssm_unavailable":        {fakeaws.Fault{Service: "ssm", Kind: fakeaws.Unavailable}, describeParameters, "ServiceUnavailable", 3, true},
		"autoscaling_throttling": {fakeaws.Fault{Service: "autoscaling", Kind: fakeaws.Throttle}, describeGroups, "Throttling", 3, true},
		"appscaling_reset":       {fakeaws.Fault{Service: "application-autoscaling", Kind: fakeaws.ConnectionReset}, describeTargets, "", 3, true},
	} {
		t.Run(name+"/every_call", func(t *testing.T) {
			srv, _, c := newFake(t, fakeaws.Options{})
			srv.Inject(tc.fault)
			err := tc.call(c)
			if err == nil {
				t.Fatal("call succeeded")
			}
			if tc.code != "" {
				apiError(t, err, tc.code, "")
			}
			if got := srv.Count("", ""); got != tc.attempts {
				t.Fatalf("%d attempts, want %d", got, tc.attempts)
			}
			if calls := srv.Calls(); calls[0].Fault != tc.fault.Kind {
				t.Fatalf("call recorded fault %v", calls[0].Fault)
			}
			srv.ClearFaults()
			if err := tc.call(c); err != nil {
				t.Fatalf("after ClearFaults: %v", err)
			}
		})
		if !tc.retryable {
			continue
		}
		t.Run(name+"/first_call_only", func(t *testing.T) {
			srv, _, c := newFake(t, fakeaws.Options{})
			f := tc.fault
			f.Times = 1
			srv.Inject(f)
			if err := tc.call(c); err != nil {
				t.Fatalf("the retry should succeed: %v", err)
			}
			if got := srv.Count("", ""); got != 2 {
				t.Fatalf("%d attempts, want 2", got)
			}
		})
	}

	t.Run("nth_call", func(t *testing.T) {
		srv, _, c := newFake(t, fakeaws.Options{})
		srv.Inject(fakeaws.Fault{Service: "cloudformation", Nth: 2, Kind: fakeaws.InternalError})
		for range 3 {
			if err := describe(c); err != nil {
				t.Fatal(err)
			}
		}
		var faults []fakeaws.FaultKind
		for _, call := range srv.Calls() {
			faults = append(faults, call.Fault)
		}
		if len(faults) != 4 || faults[1] != fakeaws.InternalError || faults[0]+faults[2]+faults[3] != fakeaws.NoFault {
			t.Fatalf("faults %v", faults)
		}
	})

	t.Run("expired_token_only_for_that_key", func(t *testing.T) {
		srv, _, c := newFake(t, fakeaws.Options{})
		srv.Inject(fakeaws.Fault{AccessKey: "AKIDOTHER", Kind: fakeaws.ExpiredToken})
		if err := describe(c); err != nil {
			t.Fatal(err)
		}
		other := newClients(sdkConfig(srv, "AKIDOTHER"))
		apiError(t, describe(other), "ExpiredToken", "The security token included in the request is expired")
	})

	t.Run("delay_trips_the_client_timeout", func(t *testing.T) {
		srv, _, c := newFake(t, fakeaws.Options{})
		srv.Inject(fakeaws.Fault{Kind: fakeaws.Delay, Delay: 5 * time.Second})
		tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.cfn.DescribeStacks(tctx, &cloudformation.DescribeStacksInput{})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v", err)
		}
		if time.Since(start) > 2*time.Second {
			t.Fatal("the client waited for the delay")
		}
		srv.ClearFaults()
		srv.Inject(fakeaws.Fault{Kind: fakeaws.Delay, Delay: 20 * time.Millisecond})
		if _, err := c.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{}); err != nil {
			t.Fatalf("a short delay answers normally: %v", err)
		}
	})

	t.Run("rules_added_later_win", func(t *testing.T) {
		srv, _, c := newFake(t, fakeaws.Options{})
		srv.Inject(fakeaws.Fault{Kind: fakeaws.InternalError})
		srv.Inject(fakeaws.Fault{Kind: fakeaws.Throttle})
		apiError(t, describe(c), "Throttling", "Rate exceeded")
	})
}
