package fakeaws_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

const (
	testRegion = "eu-west-1"
	testKey    = "AKIDFAKETEST"
)

// epoch is where the manual clocks of the tests start.
var epoch = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

type clients struct {
	cfn  *cloudformation.Client
	ec2  *ec2.Client
	ecs  *ecs.Client
	logs *cloudwatchlogs.Client
	elb  *elbv2.Client
	sd   *servicediscovery.Client
	sts  *sts.Client
	s3   *s3.Client
	sm   *secretsmanager.Client
	ssm  *ssm.Client
	efs  *efs.Client
	asg  *autoscaling.Client
	aas  *applicationautoscaling.Client
}

// sdkConfig is what the plugin will build: static credentials, a region,
// and the fake's URL as the endpoint of every service. The retryer keeps
// the SDK's retry decisions but does not wait between attempts.
func sdkConfig(srv *fakeaws.Server, key string) aws.Config {
	return aws.Config{
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(key, "secret", ""),
		BaseEndpoint: aws.String(srv.URL()),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		},
	}
}

func newClients(cfg aws.Config) clients {
	return clients{
		cfn:  cloudformation.NewFromConfig(cfg),
		ec2:  ec2.NewFromConfig(cfg),
		ecs:  ecs.NewFromConfig(cfg),
		logs: cloudwatchlogs.NewFromConfig(cfg),
		elb:  elbv2.NewFromConfig(cfg),
		sd:   servicediscovery.NewFromConfig(cfg),
		sts:  sts.NewFromConfig(cfg),
		// A client with a custom endpoint names buckets in the path. The
		// checksum settings are those LoadDefaultConfig gives.
		s3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = true
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported
		}),
		sm:  secretsmanager.NewFromConfig(cfg),
		ssm: ssm.NewFromConfig(cfg),
		efs: efs.NewFromConfig(cfg),
		asg: autoscaling.NewFromConfig(cfg),
		aas: applicationautoscaling.NewFromConfig(cfg),
	}
}

// newFake starts a fake on a manual clock and returns SDK clients for it.
func newFake(t *testing.T, opts fakeaws.Options) (*fakeaws.Server, *fakeaws.ManualClock, clients) {
	t.Helper()
	clk := fakeaws.NewManualClock(epoch)
	if opts.Clock == nil {
		opts.Clock = clk
	}
	if opts.Region == "" {
		opts.Region = testRegion
	}
	srv := fakeaws.New(opts)
	t.Cleanup(srv.Close)
	return srv, clk, newClients(sdkConfig(srv, testKey))
}

// apiError asserts that err is an AWS API error with this code and a
// message containing msg.
func apiError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s %q, got %v", code, msg, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

func stackStatus(t *testing.T, c clients, name string) (cfntypes.StackStatus, string) {
	t.Helper()
	out, err := c.cfn.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribeStacks %s: %v", name, err)
	}
	return out.Stacks[0].StackStatus, aws.ToString(out.Stacks[0].StackStatusReason)
}

// events returns every event of a stack, oldest first, read through the
// SDK's paginator.
func events(t *testing.T, c clients, name string) []cfntypes.StackEvent {
	t.Helper()
	var all []cfntypes.StackEvent
	p := cloudformation.NewDescribeStackEventsPaginator(c.cfn, &cloudformation.DescribeStackEventsInput{StackName: aws.String(name)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("DescribeStackEvents: %v", err)
		}
		all = append(all, out.StackEvents...)
	}
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	return all
}

// eventIndex is the position of the first event of a resource in a status.
func eventIndex(evs []cfntypes.StackEvent, logicalID string, status cfntypes.ResourceStatus) int {
	for i, e := range evs {
		if aws.ToString(e.LogicalResourceId) == logicalID && e.ResourceStatus == status {
			return i
		}
	}
	return -1
}

func findEvent(evs []cfntypes.StackEvent, logicalID string, status cfntypes.ResourceStatus) (cfntypes.StackEvent, bool) {
	if i := eventIndex(evs, logicalID, status); i >= 0 {
		return evs[i], true
	}
	return cfntypes.StackEvent{}, false
}

// advanceUntil moves the manual clock a simulated second at a time until
// the stack reaches a state that is not in progress.
func advanceUntil(t *testing.T, clk *fakeaws.ManualClock, c clients, name string, limit time.Duration) cfntypes.StackStatus {
	t.Helper()
	for waited := time.Duration(0); waited <= limit; waited += time.Second {
		status, _ := stackStatus(t, c, name)
		if !strings.HasSuffix(string(status), "_IN_PROGRESS") {
			return status
		}
		clk.Advance(time.Second)
	}
	status, reason := stackStatus(t, c, name)
	t.Fatalf("stack %s still %s (%s) after %s", name, status, reason, limit)
	return status
}

func createStack(t *testing.T, c clients, in *cloudformation.CreateStackInput) string {
	t.Helper()
	out, err := c.cfn.CreateStack(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateStack: %v", err)
	}
	return aws.ToString(out.StackId)
}

func param(k, v string) cfntypes.Parameter {
	return cfntypes.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(v)}
}

// appParams fills the parameters of appTemplate from the default VPC.
func appParams(srv *fakeaws.Server) []cfntypes.Parameter {
	vpc, subnets := srv.DefaultVPC()
	return []cfntypes.Parameter{param("VPCId", vpc), param("Subnets", strings.Join(subnets, ","))}
}

// appTemplate is what docker ecs deploys for a one-service project: a
// cluster, a log group, a network's security group with its ingress rule,
// an execution role, a load balancer with its target group and listener,
// a Cloud Map namespace and service, a task definition and the service.
const appTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Description: demo application
Parameters:
  VPCId:
    Type: AWS::EC2::VPC::Id
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
  DesiredCount:
    Type: Number
    Default: 1
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: !Ref AWS::StackName
  LogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /docker-compose/${AWS::StackName}
  DefaultNetwork:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: demo Security Group for default network
      VpcId: !Ref VPCId
      Tags:
        - Key: com.docker.compose.network
          Value: default
  DefaultNetworkIngress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      Description: Allow communication within network default
      GroupId: !Ref DefaultNetwork
      IpProtocol: "-1"
      SourceSecurityGroupId: !GetAtt DefaultNetwork.GroupId
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internet-facing
      SecurityGroups: [!Ref DefaultNetwork]
      Subnets: !Ref Subnets
      Type: application
  WebTargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 80
      Protocol: HTTP
      TargetType: ip
      VpcId: !Ref VPCId
      HealthCheckPath: /health
  WebListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref WebTargetGroup
  CloudMap:
    Type: AWS::ServiceDiscovery::PrivateDnsNamespace
    Properties:
      Name: demo.local
      Vpc: !Ref VPCId
  WebDiscovery:
    Type: AWS::ServiceDiscovery::Service
    Properties:
      Name: web
      NamespaceId: !Ref CloudMap
      DnsConfig:
        RoutingPolicy: MULTIVALUE
        DnsRecords: [{TTL: 60, Type: A}]
  WebTaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: demo-web
      Cpu: "256"
      Memory: "512"
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: web
          Image: nginx:1.27
          Essential: true
          PortMappings: [{ContainerPort: 80, Protocol: tcp}]
          HealthCheck:
            Command: [CMD-SHELL, "curl -f http://localhost/health"]
            Interval: 10
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: !Ref LogGroup
              awslogs-region: !Ref AWS::Region
              awslogs-stream-prefix: demo
  WebService:
    Type: AWS::ECS::Service
    DependsOn: [WebListener]
    Properties:
      Cluster: !GetAtt Cluster.Arn
      DesiredCount: !Ref DesiredCount
      LaunchType: FARGATE
      TaskDefinition: !Ref WebTaskDefinition
      DeploymentConfiguration:
        MaximumPercent: 200
        MinimumHealthyPercent: 100
        DeploymentCircuitBreaker: {Enable: true, Rollback: true}
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: ENABLED
          SecurityGroups: [!Ref DefaultNetwork]
          Subnets: !Ref Subnets
      LoadBalancers:
        - ContainerName: web
          ContainerPort: 80
          TargetGroupArn: !Ref WebTargetGroup
      ServiceRegistries:
        - RegistryArn: !GetAtt WebDiscovery.Arn
      Tags:
        - Key: com.docker.compose.service
          Value: web
Outputs:
  Endpoint:
    Value: !Sub "http://${LoadBalancer.DNSName}:80"
  ClusterArn:
    Value: !GetAtt Cluster.Arn
    Export:
      Name: !Sub "${AWS::StackName}-cluster"
  Subnets:
    Value: !Join [",", !Ref Subnets]
`

func createApp(t *testing.T, srv *fakeaws.Server, c clients, name string, mutate ...func(*cloudformation.CreateStackInput)) string {
	t.Helper()
	in := &cloudformation.CreateStackInput{
		StackName:    aws.String(name),
		TemplateBody: aws.String(appTemplate),
		Parameters:   appParams(srv),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
		Tags:         []cfntypes.Tag{{Key: aws.String("com.docker.compose.project"), Value: aws.String(name)}},
	}
	for _, m := range mutate {
		m(in)
	}
	return createStack(t, c, in)
}
