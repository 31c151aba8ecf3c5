// Package fakeaws is an in-process fake of the AWS APIs that the Apply phase
// of docker ecs calls: CloudFormation, EC2, ECS, CloudWatch Logs, ELBv2,
// Cloud Map, STS, S3, Secrets Manager, SSM Parameter Store, EFS, EC2 Auto
// Scaling and Application Auto Scaling. It answers on an httptest server in
// the real wire protocols (awsQuery, ec2Query, awsJson1_1, restXml for S3,
// restJson1 for EFS), so the real aws-sdk-go-v2 clients talk to it when
// their endpoint is set to Server.URL. S3 clients must use path-style
// requests (s3.Options.UsePathStyle), as any client of a custom endpoint
// does.
//
// CloudFormation is the heart of it: stacks move through their IN_PROGRESS
// states asynchronously, resources are created in dependency order with one
// event per transition, and the resources a stack creates become visible
// through the other APIs (an AWS::ECS::Service runs tasks that DescribeTasks
// shows, a log group appears in DescribeLogGroups, and so on). A template
// may come from the fake's own S3 store (TemplateURL); template parameters
// of type AWS::SSM::Parameter::Value<...> and the dynamic references
// {{resolve:ssm:...}} and {{resolve:secretsmanager:...}} read its
// Parameter Store and Secrets Manager. Deletes fail where AWS refuses them:
// a capacity provider still associated with a cluster, an Auto Scaling
// group a capacity provider keeps protected, an EFS file system with mount
// targets.
//
// Time is simulated. Every state change is a scheduled event; the fake never
// runs a goroutine of its own but advances its state to Clock.Now() whenever
// it is asked something. With a ManualClock a test decides when time passes
// and the outcome is deterministic; with the real clock and a small Scale a
// deploy of "150 seconds" takes 150 milliseconds.
//
// Besides the APIs, tests drive and inspect the fake through Go methods:
//
//   - calls and faults: Calls, Count, ResetCalls, Inject, ClearFaults;
//   - failures: FailResource, FailTasks, ClearFailures;
//   - stacks: Stack;
//   - resources that exist outside any stack: DefaultVPC, RemoveDefaultVPC,
//     AddVPC, AddSubnet, AddSecurityGroup, AddLoadBalancer, AddNamespace,
//     AddCluster (with its capacity providers), AddFileSystem, PutLogEvents;
//   - the state of the other services: Buckets (S3 buckets and objects),
//     Secrets and SecretValue (Secrets Manager), SSMParameters (Parameter
//     Store), FileSystems (EFS), AutoScalingGroups (EC2 Auto Scaling), and
//     ExecCommands (the ECS Exec sessions opened).
//
// The package is for tests only and is never linked into the plugin.
package fakeaws
