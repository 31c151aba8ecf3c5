package fakeaws_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// serviceTemplate is a cluster, a task definition and a service, with
// extra YAML lines indented into the cluster's properties, the container
// definition and the service's properties, and extra resources.
type serviceTemplate struct {
	cluster, container, service, resources string
}

func indent(lines string, n int) string {
	if lines == "" {
		return ""
	}
	pad := strings.Repeat(" ", n)
	var out []string
	for _, l := range strings.Split(strings.TrimRight(lines, "\n"), "\n") {
		out = append(out, pad+l)
	}
	return strings.Join(out, "\n") + "\n"
}

func (st serviceTemplate) String() string {
	return `Parameters:
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: !Ref AWS::StackName
` + indent(st.cluster, 6) + `  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub ${AWS::StackName}-web
      Cpu: "256"
      Memory: "512"
      NetworkMode: awsvpc
      ContainerDefinitions:
        - Name: web
          Image: nginx:1.27
` + indent(st.container, 10) + `  Service:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      DesiredCount: 1
      TaskDefinition: !Ref Task
      DeploymentConfiguration:
        DeploymentCircuitBreaker: {Enable: true, Rollback: true}
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: !Ref Subnets
` + indent(st.service, 6) + indent(st.resources, 2)
}

// deploy creates a stack from a template whose only parameter is the
// default VPC's Subnets, and waits until it is no longer in progress.
func deploy(t *testing.T, srv *fakeaws.Server, clk *fakeaws.ManualClock, c clients, name, body string) cfntypes.StackStatus {
	t.Helper()
	_, subnets := srv.DefaultVPC()
	createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(body),
		Parameters: []cfntypes.Parameter{param("Subnets", strings.Join(subnets, ","))}, Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}})
	return advanceUntil(t, clk, c, name, 30*time.Minute)
}

// deleteStack deletes a stack and waits until it is no longer in
// progress.
func deleteStack(t *testing.T, srv *fakeaws.Server, clk *fakeaws.ManualClock, c clients, name string) cfntypes.StackStatus {
	t.Helper()
	snap, _ := srv.Stack(name)
	if _, err := c.cfn.DeleteStack(context.Background(), &cloudformation.DeleteStackInput{StackName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	return advanceUntil(t, clk, c, snap.ID, 30*time.Minute)
}

// failure returns the reason of a resource's first *_FAILED event.
func failure(srv *fakeaws.Server, stack, logicalID string) string {
	snap, _ := srv.Stack(stack)
	for _, e := range snap.Events {
		if e.LogicalID == logicalID && strings.HasSuffix(e.Status, "_FAILED") {
			return e.Reason
		}
	}
	return ""
}

// runningTask returns the ARN of a running task of the stack's service,
// in a cluster named like the stack unless told otherwise.
func runningTask(t *testing.T, srv *fakeaws.Server, c clients, stack string, cluster ...string) string {
	t.Helper()
	snap, _ := srv.Stack(stack)
	svc, _ := snap.Resource("Service")
	out, err := c.ecs.ListTasks(context.Background(), &ecs.ListTasksInput{Cluster: aws.String(append(cluster, stack)[0]), ServiceName: aws.String(svc.PhysicalID)})
	if err != nil || len(out.TaskArns) == 0 {
		t.Fatalf("tasks %+v %v", out, err)
	}
	return out.TaskArns[0]
}

func TestExecuteCommand(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	if status := deploy(t, srv, clk, c, "exec", serviceTemplate{service: "LaunchType: FARGATE\nEnableExecuteCommand: true"}.String()); status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("status %s", status)
	}
	if status := deploy(t, srv, clk, c, "noexec", serviceTemplate{service: "LaunchType: FARGATE"}.String()); status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("status %s", status)
	}
	task := runningTask(t, srv, c, "exec")

	t.Run("tasks_show_the_agent", func(t *testing.T) {
		out, err := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("exec"), Tasks: []string{task}})
		if err != nil {
			t.Fatal(err)
		}
		tk := out.Tasks[0]
		ct := tk.Containers[0]
		if !tk.EnableExecuteCommand || len(ct.ManagedAgents) != 1 || ct.ManagedAgents[0].Name != ecstypes.ManagedAgentNameExecuteCommandAgent ||
			aws.ToString(ct.ManagedAgents[0].LastStatus) != "RUNNING" || !strings.HasPrefix(aws.ToString(ct.RuntimeId), task[strings.LastIndex(task, "/")+1:]+"-") {
			t.Fatalf("task exec %v agents %+v runtime %s", tk.EnableExecuteCommand, ct.ManagedAgents, aws.ToString(ct.RuntimeId))
		}
		svc, _ := c.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("exec"), Services: []string{strings.Split(aws.ToString(tk.Group), ":")[1]}})
		if len(svc.Services) != 1 || !svc.Services[0].EnableExecuteCommand {
			t.Fatalf("service %+v", svc.Services)
		}
	})

	t.Run("opens_a_session_and_records_the_command", func(t *testing.T) {
		out, err := c.ecs.ExecuteCommand(ctx, &ecs.ExecuteCommandInput{Cluster: aws.String("exec"), Task: aws.String(task), Container: aws.String("web"),
			Interactive: true, Command: aws.String("/bin/sh")})
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(out.Session.SessionId)
		if aws.ToString(out.Session.StreamUrl) != "wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/"+id+"?role=publish_subscribe" ||
			aws.ToString(out.Session.TokenValue) == "" || aws.ToString(out.TaskArn) != task || aws.ToString(out.ContainerName) != "web" {
			t.Fatalf("session %+v", out)
		}
		cmds := srv.ExecCommands()
		if len(cmds) != 1 || cmds[0].Command != "/bin/sh" || cmds[0].Task != task || cmds[0].Cluster != "exec" || cmds[0].Container != "web" || cmds[0].SessionID != id {
			t.Fatalf("recorded %+v", cmds)
		}
	})

	t.Run("refused_without_exec_or_when_stopped", func(t *testing.T) {
		other := runningTask(t, srv, c, "noexec")
		_, err := c.ecs.ExecuteCommand(ctx, &ecs.ExecuteCommandInput{Cluster: aws.String("noexec"), Task: aws.String(other), Interactive: true, Command: aws.String("ls")})
		apiError(t, err, "InvalidParameterException", "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn")
		out, _ := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("noexec"), Tasks: []string{other}})
		if ct := out.Tasks[0].Containers[0]; len(ct.ManagedAgents) != 0 || out.Tasks[0].EnableExecuteCommand {
			t.Fatalf("agents without exec: %+v", ct.ManagedAgents)
		}
		_, err = c.ecs.ExecuteCommand(ctx, &ecs.ExecuteCommandInput{Cluster: aws.String("exec"), Task: aws.String(task), Interactive: false, Command: aws.String("ls")})
		apiError(t, err, "InvalidParameterException", "Interactive is the only mode supported currently.")
		_, err = c.ecs.ExecuteCommand(ctx, &ecs.ExecuteCommandInput{Cluster: aws.String("exec"), Task: aws.String("0123"), Interactive: true, Command: aws.String("ls")})
		apiError(t, err, "InvalidParameterException", "The specified task was not found.")
		// A new deployment stops the task.
		_, subnets := srv.DefaultVPC()
		_, err = c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("exec"), Parameters: []cfntypes.Parameter{param("Subnets", strings.Join(subnets, ","))},
			TemplateBody: aws.String(strings.Replace(serviceTemplate{service: "LaunchType: FARGATE\nEnableExecuteCommand: true"}.String(), "nginx:1.27", "nginx:1.28", 1))})
		if err != nil {
			t.Fatal(err)
		}
		if status := advanceUntil(t, clk, c, "exec", 10*time.Minute); status != cfntypes.StackStatusUpdateComplete {
			t.Fatalf("status %s", status)
		}
		_, err = c.ecs.ExecuteCommand(ctx, &ecs.ExecuteCommandInput{Cluster: aws.String("exec"), Task: aws.String(task), Interactive: true, Command: aws.String("ls")})
		apiError(t, err, "InvalidParameterException", "execute command agent isn")
		if len(srv.ExecCommands()) != 1 {
			t.Fatal("a refused command was recorded")
		}
	})
}
