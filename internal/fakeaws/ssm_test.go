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
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

func TestSSM(t *testing.T) {
	ctx := context.Background()
	srv, _, c := newFake(t, fakeaws.Options{})
	put := func(name, value string, typ ssmtypes.ParameterType, tags ...ssmtypes.Tag) error {
		_, err := c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value), Type: typ, Tags: tags})
		return err
	}

	t.Run("configs_are_stored_as_parameters", func(t *testing.T) {
		if err := put("/docker-compose/demo/nginx.conf", "server {}", ssmtypes.ParameterTypeString, ssmtypes.Tag{Key: aws.String("com.docker.compose.project"), Value: aws.String("demo")}); err != nil {
			t.Fatal(err)
		}
		if err := put("/docker-compose/demo/token", "s3cr3t", ssmtypes.ParameterTypeSecureString); err != nil {
			t.Fatal(err)
		}
		got, err := c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/docker-compose/demo/nginx.conf")})
		if err != nil || aws.ToString(got.Parameter.Value) != "server {}" || got.Parameter.Version != 1 ||
			aws.ToString(got.Parameter.ARN) != "arn:aws:ssm:eu-west-1:123456789012:parameter/docker-compose/demo/nginx.conf" {
			t.Fatalf("GetParameter %+v %v", got, err)
		}
		secure, _ := c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/docker-compose/demo/token")})
		plain, _ := c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/docker-compose/demo/token"), WithDecryption: aws.Bool(true)})
		if aws.ToString(secure.Parameter.Value) == "s3cr3t" || aws.ToString(plain.Parameter.Value) != "s3cr3t" || plain.Parameter.Type != ssmtypes.ParameterTypeSecureString {
			t.Fatalf("SecureString %q / %q", aws.ToString(secure.Parameter.Value), aws.ToString(plain.Parameter.Value))
		}
		tags, err := c.ssm.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/docker-compose/demo/nginx.conf")})
		if err != nil || len(tags.TagList) != 1 || aws.ToString(tags.TagList[0].Value) != "demo" {
			t.Fatalf("tags %+v %v", tags, err)
		}
	})

	t.Run("overwrite_rules", func(t *testing.T) {
		err := put("/docker-compose/demo/nginx.conf", "v2", ssmtypes.ParameterTypeString)
		var exists *ssmtypes.ParameterAlreadyExists
		if !errors.As(err, &exists) || !strings.Contains(aws.ToString(exists.Message), "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.") {
			t.Fatalf("without Overwrite: %v", err)
		}
		out, err := c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/docker-compose/demo/nginx.conf"), Value: aws.String("v2"), Overwrite: aws.Bool(true)})
		if err != nil || out.Version != 2 || out.Tier != ssmtypes.ParameterTierStandard {
			t.Fatalf("overwrite %+v %v", out, err)
		}
		_, err = c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/docker-compose/demo/nginx.conf"), Value: aws.String("v3"), Overwrite: aws.Bool(true),
			Tags: []ssmtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
		apiError(t, err, "ValidationException", "tags and overwrite can't be used together")
		_, err = c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/docker-compose/demo/big"), Value: aws.String(strings.Repeat("x", 4097)), Type: ssmtypes.ParameterTypeString})
		apiError(t, err, "ValidationException", "Standard tier parameters support a maximum parameter value of 4096 characters.")
		_, err = c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/aws/mine"), Value: aws.String("x"), Type: ssmtypes.ParameterTypeString})
		apiError(t, err, "ValidationException", `can't be prefixed with "aws" or "ssm"`)
		_, err = c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/docker-compose/new"), Value: aws.String("x")})
		apiError(t, err, "ValidationException", "A parameter type is required when you create a parameter.")
		if v, err := c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/docker-compose/demo/nginx.conf:2")}); err != nil || aws.ToString(v.Parameter.Value) != "v2" {
			t.Fatalf("by version %+v %v", v, err)
		}
		_, err = c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/docker-compose/demo/nginx.conf:1")})
		var noVersion *ssmtypes.ParameterVersionNotFound
		if !errors.As(err, &noVersion) {
			t.Fatalf("an old version: %v", err)
		}
		if p := srv.SSMParameters(); len(p) != 2 || p[0].Name != "/docker-compose/demo/nginx.conf" || p[0].Value != "v2" || p[0].Version != 2 ||
			p[0].Tags["com.docker.compose.project"] != "demo" || p[1].Value != "s3cr3t" || p[1].KeyID != "alias/aws/ssm" {
			t.Fatalf("Parameters %+v", p)
		}
	})

	t.Run("get_parameters_and_the_public_amis", func(t *testing.T) {
		out, err := c.ssm.GetParameters(ctx, &ssm.GetParametersInput{Names: []string{
			"/docker-compose/demo/nginx.conf", "/nope",
			"/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id",
			"/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended/image_id",
		}})
		if err != nil || len(out.Parameters) != 3 || len(out.InvalidParameters) != 1 || out.InvalidParameters[0] != "/nope" {
			t.Fatalf("GetParameters %+v %v", out, err)
		}
		for _, p := range out.Parameters[1:] {
			if !strings.HasPrefix(aws.ToString(p.Value), "ami-") || !strings.HasPrefix(aws.ToString(p.ARN), "arn:aws:ssm:eu-west-1::parameter/aws/service/") {
				t.Fatalf("public parameter %+v", p)
			}
		}
		_, err = c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/nope")})
		var nf *ssmtypes.ParameterNotFound
		if !errors.As(err, &nf) {
			t.Fatalf("missing: %v", err)
		}
	})

	t.Run("describe_filters_and_pages", func(t *testing.T) {
		if err := put("/docker-compose/other/x", "1", ssmtypes.ParameterTypeString); err != nil {
			t.Fatal(err)
		}
		describe := func(filters ...ssmtypes.ParameterStringFilter) []string {
			var names []string
			p := ssm.NewDescribeParametersPaginator(c.ssm, &ssm.DescribeParametersInput{ParameterFilters: filters, MaxResults: aws.Int32(1)})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range out.Parameters {
					names = append(names, aws.ToString(m.Name))
				}
			}
			return names
		}
		for name, tc := range map[string]struct {
			filter ssmtypes.ParameterStringFilter
			want   string
		}{
			"one_level": {ssmtypes.ParameterStringFilter{Key: aws.String("Path"), Option: aws.String("OneLevel"), Values: []string{"/docker-compose/demo"}}, "/docker-compose/demo/nginx.conf,/docker-compose/demo/token"},
			"recursive": {ssmtypes.ParameterStringFilter{Key: aws.String("Path"), Option: aws.String("Recursive"), Values: []string{"/docker-compose"}}, "/docker-compose/demo/nginx.conf,/docker-compose/demo/token,/docker-compose/other/x"},
			"type":      {ssmtypes.ParameterStringFilter{Key: aws.String("Type"), Values: []string{"SecureString"}}, "/docker-compose/demo/token"},
			"tag":       {ssmtypes.ParameterStringFilter{Key: aws.String("tag:com.docker.compose.project"), Values: []string{"demo"}}, "/docker-compose/demo/nginx.conf"},
			"begins":    {ssmtypes.ParameterStringFilter{Key: aws.String("Name"), Option: aws.String("BeginsWith"), Values: []string{"/docker-compose/o"}}, "/docker-compose/other/x"},
		} {
			if got := strings.Join(describe(tc.filter), ","); got != tc.want {
				t.Errorf("%s: got %s, want %s", name, got, tc.want)
			}
		}
		if _, err := c.ssm.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String("/docker-compose/other/x")}); err != nil {
			t.Fatal(err)
		}
		_, err := c.ssm.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String("/docker-compose/other/x")})
		var nf *ssmtypes.ParameterNotFound
		if !errors.As(err, &nf) {
			t.Fatalf("deleting twice: %v", err)
		}
	})
}

func TestSSMInStacks(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	tmpl := `Parameters:
  Image:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /demo/image
  Subnets:
    Type: AWS::SSM::Parameter::Value<List<String>>
    Default: /demo/subnets
Resources:
  Config:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /demo/generated
      Type: String
      Value: !Sub "image=${Image} first=${!Literal}"
      Tags: {team: a}
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Join ["-", !Ref Subnets]
      Tier: "{{resolve:ssm:/demo/image}}"
Outputs:
  Value:
    Value: !GetAtt Config.Value
`
	create := func(name string) error {
		_, err := c.cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(tmpl)})
		return err
	}
	apiError(t, create("early"), "ValidationError", "Unable to fetch parameters [/demo/image,/demo/subnets] from parameter store for this account.")
	if _, err := c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/demo/image"), Value: aws.String("nginx:1"), Type: ssmtypes.ParameterTypeString}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/demo/subnets"), Value: aws.String("a,b"), Type: ssmtypes.ParameterTypeStringList}); err != nil {
		t.Fatal(err)
	}
	if err := create("demo"); err != nil {
		t.Fatal(err)
	}
	if status := advanceUntil(t, clk, c, "demo", time.Minute); status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("status %s", status)
	}
	snap, _ := srv.Stack("demo")
	queue, _ := snap.Resource("Queue")
	if queue.Properties["QueueName"] != "a-b" || queue.Properties["Tier"] != "{{resolve:ssm:/demo/image}}" || snap.Outputs["Value"] != "image=nginx:1 first=${Literal}" {
		t.Fatalf("queue %v, outputs %v", queue.Properties, snap.Outputs)
	}
	var generated *fakeaws.SSMParameter
	for _, p := range srv.SSMParameters() {
		if p.Name == "/demo/generated" {
			generated = &p
		}
	}
	if generated == nil || generated.Value != "image=nginx:1 first=${Literal}" || generated.Tags["team"] != "a" || generated.Tags["aws:cloudformation:stack-name"] != "demo" {
		t.Fatalf("generated parameter %+v", generated)
	}

	t.Run("an_update_picks_up_the_new_value", func(t *testing.T) {
		if _, err := c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/demo/image"), Value: aws.String("nginx:2"), Overwrite: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("demo"), UsePreviousTemplate: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		if status := advanceUntil(t, clk, c, "demo", time.Minute); status != cfntypes.StackStatusUpdateComplete {
			t.Fatalf("status %s", status)
		}
		got, _ := c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/demo/generated")})
		if aws.ToString(got.Parameter.Value) != "image=nginx:2 first=${Literal}" || got.Parameter.Version != 2 {
			t.Fatalf("generated %+v", got.Parameter)
		}
		out, _ := c.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("demo")})
		for _, p := range out.Stacks[0].Parameters {
			if aws.ToString(p.ParameterKey) == "Image" && (aws.ToString(p.ParameterValue) != "/demo/image" || aws.ToString(p.ResolvedValue) != "nginx:2") {
				t.Fatalf("Image parameter %+v", p)
			}
		}
	})

	t.Run("cloudformation_makes_no_secure_string", func(t *testing.T) {
		createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("secure"),
			TemplateBody: aws.String(`{"Resources": {"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "SecureString", "Value": "x"}}}}`)})
		if status := advanceUntil(t, clk, c, "secure", time.Minute); status != cfntypes.StackStatusRollbackComplete {
			t.Fatalf("status %s", status)
		}
		if reason := failure(srv, "secure", "P"); !strings.Contains(reason, "#/Type: failed validation constraint for keyword [enum]") {
			t.Fatalf("reason %q", reason)
		}
	})

	t.Run("a_missing_dynamic_reference_is_refused_up_front", func(t *testing.T) {
		_, err := c.cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("bad"),
			TemplateBody: aws.String(`{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "{{resolve:ssm:/nope}}"}}}}`)})
		apiError(t, err, "ValidationError", "Parameters: [ssm:/nope] cannot be found.")
	})

	t.Run("delete_removes_the_stack_parameter", func(t *testing.T) {
		if status := deleteStack(t, srv, clk, c, "demo"); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("status %s", status)
		}
		if p := srv.SSMParameters(); len(p) != 2 {
			t.Fatalf("parameters %+v", p)
		}
	})
}
