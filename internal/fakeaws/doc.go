// Package fakeaws is an in-process fake of the AWS APIs that the Apply phase
// of docker ecs calls: CloudFormation, EC2, ECS, CloudWatch Logs, ELBv2,
// Cloud Map and STS. It answers on an httptest server in the real wire
// protocols (awsQuery, ec2Query, awsJson1_1), so the real aws-sdk-go-v2
// clients talk to it when their endpoint is set to Server.URL.
//
// CloudFormation is the heart of it: stacks move through their IN_PROGRESS
// states asynchronously, resources are created in dependency order with one
// event per transition, and the resources a stack creates become visible
// through the other APIs (an AWS::ECS::Service runs tasks that DescribeTasks
// shows, a log group appears in DescribeLogGroups, and so on).
//
// Time is simulated. Every state change is a scheduled event; the fake never
// runs a goroutine of its own but advances its state to Clock.Now() whenever
// it is asked something. With a ManualClock a test decides when time passes
// and the outcome is deterministic; with the real clock and a small Scale a
// deploy of "150 seconds" takes 150 milliseconds.
//
// The package is for tests only and is never linked into the plugin.
package fakeaws
