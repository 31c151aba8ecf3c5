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

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

func TestSubmissionErrors(t *testing.T) {
	ctx := context.Background()
	srv, _, c := newFake(t, fakeaws.Options{})
	create := func(body string, params []cfntypes.Parameter, caps ...cfntypes.Capability) error {
		_, err := c.cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("bad"), TemplateBody: aws.String(body), Parameters: params, Capabilities: caps})
		return err
	}
	role := `{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}}}`
	namedRole := `{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "r", "AssumeRolePolicyDocument": {}}}}}`
	vpcParam := `{"Parameters": {"VPC": {"Type": "AWS::EC2::VPC::Id"}, "N": {"Type": "Number", "Default": "x"}}, "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}`

	t.Run("missing_stack", func(t *testing.T) {
		_, err := c.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("nope")})
		apiError(t, err, "ValidationError", "Stack with id nope does not exist")
		_, err = c.cfn.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String("nope")})
		apiError(t, err, "ValidationError", "Stack [nope] does not exist")
	})
	t.Run("iam_needs_capabilities", func(t *testing.T) {
		err := create(role, nil)
		var ice *cfntypes.InsufficientCapabilitiesException
		if !errors.As(err, &ice) || aws.ToString(ice.Message) != "Requires capabilities : [CAPABILITY_IAM]" {
			t.Fatalf("got %v", err)
		}
		apiError(t, create(namedRole, nil, cfntypes.CapabilityCapabilityIam), "InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_NAMED_IAM]")
		if _, err := c.cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("good"), TemplateBody: aws.String(role),
			Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("template_too_large", func(t *testing.T) {
		body := `{"Description": "` + strings.Repeat("x", 51200) + `", "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}`
		apiError(t, create(body, nil), "ValidationError", "Member must have length less than or equal to 51200")
	})
	t.Run("template_format_errors", func(t *testing.T) {
		for name, tc := range map[string]struct{ body, msg string }{
			"unresolved_ref":   {`{"Resources": {"A": {"Type": "AWS::SQS::Queue", "Properties": {"X": {"Ref": "Missing"}}}}}`, "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template"},
			"undefined_getatt": {`{"Resources": {"A": {"Type": "AWS::SQS::Queue", "Properties": {"X": {"Fn::GetAtt": "Missing.Arn"}}}}}`, "Template error: instance of Fn::GetAtt references undefined resource Missing"},
			"unknown_sub_var":  {"Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n      X: !Sub '${Nope}-x'\n", "Unresolved resource dependencies [Nope]"},
			"bad_attribute":    {`{"Resources": {"G": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "g"}}, "A": {"Type": "AWS::SQS::Queue", "Properties": {"X": {"Fn::GetAtt": ["G", "Nope"]}}}}}`, "does not support attribute type Nope"},
			"cycle":            {`{"Resources": {"A": {"Type": "AWS::SQS::Queue", "DependsOn": "B"}, "B": {"Type": "AWS::SQS::Queue", "Properties": {"X": {"Ref": "A"}}}}}`, "Circular dependency between resources: [A, B]"},
			"no_resources":     {`{"Resources": {}}`, "At least one Resources member must be defined."},
			"bad_json":         {`{"Resources": `, "Template format error: JSON not well-formed."},
			"bad_yaml":         {"Resources:\n  - a\n b: [", "Template format error: YAML not well-formed."},
			"no_type":          {`{"Resources": {"A": {"Properties": {}}}}`, "Every Resources object must contain a Type member."},
			"unknown_section":  {`{"Resourcez": {}, "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}`, "Invalid template property or properties [Resourcez]"},
		} {
			t.Run(name, func(t *testing.T) { apiError(t, create(tc.body, nil), "ValidationError", tc.msg) })
		}
	})
	t.Run("parameters", func(t *testing.T) {
		apiError(t, create(vpcParam, nil), "ValidationError", "Parameters: [VPC] must have values")
		apiError(t, create(vpcParam, []cfntypes.Parameter{param("VPC", "vpc-404"), param("N", "2")}), "ValidationError", "parameter value vpc-404 for parameter name VPC does not exist")
		vpc, _ := srv.DefaultVPC()
		apiError(t, create(vpcParam, []cfntypes.Parameter{param("VPC", vpc)}), "ValidationError", "Parameter 'N' must be a number.")
		apiError(t, create(vpcParam, []cfntypes.Parameter{param("VPC", vpc), param("N", "1"), param("Other", "1")}), "ValidationError", "Parameters: [Other] do not exist in the template")
	})
	t.Run("validate_template_reports_parameters_and_capabilities", func(t *testing.T) {
		out, err := c.cfn.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(appTemplate)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Parameters) != 3 || out.Capabilities[0] != cfntypes.CapabilityCapabilityIam || !strings.Contains(aws.ToString(out.CapabilitiesReason), "AWS::IAM::Role") {
			t.Fatalf("%+v", out)
		}
		if aws.ToString(out.Parameters[0].ParameterKey) != "DesiredCount" || aws.ToString(out.Parameters[0].DefaultValue) != "1" {
			t.Fatalf("parameters %+v", out.Parameters)
		}
	})
}

// intrinsicsTemplate exercises every intrinsic function through outputs
// and the properties of generic resources.
const intrinsicsTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    AllowedValues: [prod, dev]
  Names:
    Type: CommaDelimitedList
    Default: "a, b,c"
Mappings:
  Sizes:
    prod: {Cpu: "1024"}
    dev: {Cpu: "256"}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals ["1", "1"]]
  Either: !Or [!Condition IsDev, !Condition IsProd]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub
        - "${Prefix}-${AWS::Region}-${AWS::AccountId}"
        - Prefix: !Select [1, !Ref Names]
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Join ["-", [!Ref "AWS::StackName", !GetAtt Bucket.Arn]]
      Tags: !If [IsProd, [{Key: env, Value: prod}], !Ref "AWS::NoValue"]
  ProdOnly:
    Type: AWS::SNS::Topic
    Condition: IsProd
Outputs:
  Sub:
    Value: !Sub "${Bucket}|${!Literal}|${AWS::Partition}|${AWS::URLSuffix}"
  Select:
    Value: !Select [2, !Split [",", "x,y,z"]]
  AZs:
    Value: !Join [",", !GetAZs ""]
  Cpu:
    Value: !FindInMap [Sizes, !Ref Env, Cpu]
  Base64:
    Value: !Base64 "hello"
  Conditions:
    Value: !Join [",", [!If [IsProd, p, d], !If [IsDev, p, d], !If [Both, p, d], !If [Either, p, d]]]
  Queue:
    Value: !GetAtt Queue.Arn
  Names:
    Value: !Join ["|", !Ref Names]
  ProdTopic:
    Condition: IsProd
    Value: !Ref ProdOnly
`

func TestIntrinsics(t *testing.T) {
	srv, clk, c := newFake(t, fakeaws.Options{})
	createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("fx"), TemplateBody: aws.String(intrinsicsTemplate), Parameters: []cfntypes.Parameter{param("Env", "dev")}})
	if status := advanceUntil(t, clk, c, "fx", time.Minute); status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("status %s", status)
	}
	snap, _ := srv.Stack("fx")
	bucket, _ := snap.Resource("Bucket")
	if got := bucket.Properties["BucketName"]; got != "b-eu-west-1-123456789012" {
		t.Errorf("BucketName %v", got)
	}
	queue, _ := snap.Resource("Queue")
	if _, ok := queue.Properties["Tags"]; ok {
		t.Errorf("AWS::NoValue left Tags: %v", queue.Properties["Tags"])
	}
	if got := queue.Properties["QueueName"]; !strings.HasPrefix(got.(string), "fx-arn:aws:s3:eu-west-1:123456789012:bucket/fx-Bucket-") {
		t.Errorf("QueueName %v", got)
	}
	if _, ok := snap.Resource("ProdOnly"); ok {
		t.Error("resource with a false condition was created")
	}
	want := map[string]string{
		"Sub":        bucket.PhysicalID + "|${Literal}|aws|amazonaws.com",
		"Select":     "z",
		"AZs":        "eu-west-1a,eu-west-1b,eu-west-1c",
		"Cpu":        "256",
		"Base64":     "aGVsbG8=",
		"Conditions": "d,p,d,p",
		"Names":      "a|b|c",
	}
	for k, v := range want {
		if snap.Outputs[k] != v {
			t.Errorf("output %s = %q, want %q", k, snap.Outputs[k], v)
		}
	}
	if _, ok := snap.Outputs["ProdTopic"]; ok {
		t.Error("output with a false condition")
	}
	if !strings.HasPrefix(snap.Outputs["Queue"], "arn:aws:sqs:eu-west-1:123456789012:queue/") {
		t.Errorf("Queue %q", snap.Outputs["Queue"])
	}
	_, err := c.cfn.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: aws.String("fx2"), TemplateBody: aws.String(intrinsicsTemplate), Parameters: []cfntypes.Parameter{param("Env", "test")}})
	apiError(t, err, "ValidationError", "Parameter 'Env' must be one of AllowedValues")
}

func TestUsePreviousValue(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	createApp(t, srv, c, "demo")
	advanceUntil(t, clk, c, "demo", 10*time.Minute)
	_, err := c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("demo"), UsePreviousTemplate: aws.Bool(true),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
		Parameters: []cfntypes.Parameter{
			{ParameterKey: aws.String("VPCId"), UsePreviousValue: aws.Bool(true)},
			{ParameterKey: aws.String("Subnets"), UsePreviousValue: aws.Bool(true)},
			param("DesiredCount", "2"),
		}})
	if err != nil {
		t.Fatal(err)
	}
	if status := advanceUntil(t, clk, c, "demo", 10*time.Minute); status != cfntypes.StackStatusUpdateComplete {
		t.Fatalf("status %s", status)
	}
	snap, _ := srv.Stack("demo")
	vpc, _ := srv.DefaultVPC()
	if snap.Parameters["VPCId"] != vpc || snap.Parameters["DesiredCount"] != "2" {
		t.Fatalf("parameters %v", snap.Parameters)
	}
	var updated []string
	for _, e := range snap.Events {
		if e.Status == "UPDATE_COMPLETE" {
			updated = append(updated, e.LogicalID)
		}
	}
	if strings.Join(updated, ",") != "WebService,demo" {
		t.Fatalf("updated %v: only the service uses DesiredCount", updated)
	}
}
