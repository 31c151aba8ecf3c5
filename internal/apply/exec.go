package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/docker-ecs/docker-ecs/internal/awsapi"
)

// ExecOptions are the options of Exec.
type ExecOptions struct {
	Service string
	// Command runs in the container; /bin/sh when empty.
	Command []string
	// Task is the ID of the task to run it in; empty for the first
	// running task of the service.
	Task string
	// Plugin is the path of AWS's Session Manager plugin, which carries
	// the session.
	Plugin string
	// Profile is the AWS profile in use, which the plugin is told.
	Profile string
	// Endpoint is the ECS endpoint, which the plugin is told.
	Endpoint string
	Stdin    io.Reader
	Stdout   io.Writer
	Stderr   io.Writer
}

// ExitError is the exit status of a command run with Exec.
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Exec runs a command in a running task of a service, through ECS Exec,
// with the terminal attached.
func (d *Deployer) Exec(ctx context.Context, project string, o ExecOptions) error {
	stack, err := d.deployedStack(ctx, project)
	if err != nil {
		return err
	}
	cluster, service, err := d.ecsService(ctx, aws.ToString(stack.StackId), o.Service)
	if err != nil {
		return err
	}
	if !service.EnableExecuteCommand {
		return fmt.Errorf("ECS Exec is not enabled for %s: set x-aws-exec: true on the service and run docker ecs up", o.Service)
	}
	task := o.Task
	if task == "" {
		list, err := d.AWS.ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: service.ServiceName, DesiredStatus: ecstypes.DesiredStatusRunning})
		if err != nil {
			return awsapi.Explain(err)
		}
		if len(list.TaskArns) == 0 {
			return fmt.Errorf("%s has no running task (docker ecs ps shows why)", o.Service)
		}
		slices.Sort(list.TaskArns)
		task = taskID(list.TaskArns[0])
	}
	described, err := d.AWS.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: []string{task}})
	if err != nil {
		return awsapi.Explain(err)
	}
	if len(described.Tasks) == 0 {
		return fmt.Errorf("%s has no task %s (docker ecs ps lists them)", o.Service, task)
	}
	runtimeID := ""
	for _, c := range described.Tasks[0].Containers {
		if aws.ToString(c.Name) == o.Service {
			runtimeID = aws.ToString(c.RuntimeId)
		}
	}
	command := o.Command
	if len(command) == 0 {
		command = []string{"/bin/sh"}
	}
	out, err := d.AWS.ECS.ExecuteCommand(ctx, &ecs.ExecuteCommandInput{
		Cluster:     aws.String(cluster),
		Task:        aws.String(task),
		Container:   aws.String(o.Service),
		Command:     aws.String(shellJoin(command)),
		Interactive: true,
	})
	if err != nil {
		return awsapi.Explain(err)
	}
	session, _ := json.Marshal(map[string]string{
		"SessionId":  aws.ToString(out.Session.SessionId),
		"StreamUrl":  aws.ToString(out.Session.StreamUrl),
		"TokenValue": aws.ToString(out.Session.TokenValue),
	})
	target, _ := json.Marshal(map[string]string{"Target": fmt.Sprintf("ecs:%s_%s_%s", cluster, task, runtimeID)})
	// The plugin owns the terminal until the session ends; an interrupt is
	// for the remote command, so the plugin is not tied to ctx.
	plugin := exec.Command(o.Plugin, string(session), d.AWS.Region, "StartSession", o.Profile, string(target), o.Endpoint)
	plugin.Stdin, plugin.Stdout, plugin.Stderr = o.Stdin, o.Stdout, o.Stderr
	plugin.Env = os.Environ()
	err = plugin.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return ExitError{Code: exit.ExitCode()}
	}
	return err
}

// ecsService finds the cluster and the ECS service of a compose service in
// the project's stack.
func (d *Deployer) ecsService(ctx context.Context, stackID, name string) (string, ecstypes.Service, error) {
	cluster, arns, err := d.stackServices(ctx, stackID)
	if err != nil {
		return "", ecstypes.Service{}, err
	}
	services, err := d.describeServices(ctx, cluster, arns)
	if err != nil {
		return "", ecstypes.Service{}, err
	}
	for _, s := range services {
		if serviceName(s) == name {
			return cluster, s, nil
		}
	}
	return "", ecstypes.Service{}, fmt.Errorf("the project has no service %s (docker ecs ps lists them)", name)
}

// stackServices returns the cluster of the stack's ECS services, and
// their ARNs.
func (d *Deployer) stackServices(ctx context.Context, stackID string) (cluster string, arns []string, err error) {
	resources, err := d.stackResources(ctx, stackID)
	if err != nil {
		return "", nil, err
	}
	for _, r := range resources {
		if aws.ToString(r.ResourceType) != "AWS::ECS::Service" {
			continue
		}
		// The cluster may be the stack's or one the project names.
		if id := aws.ToString(r.PhysicalResourceId); strings.HasPrefix(id, "arn:") {
			arns = append(arns, id)
			cluster, _, _ = serviceARN(id)
		}
	}
	return cluster, arns, nil
}

// serviceARN splits the ARN of an ECS service,
// arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME.
func serviceARN(arn string) (cluster, name string, ok bool) {
	_, path, _ := strings.Cut(arn, ":service/")
	return strings.Cut(path, "/")
}

// shellJoin quotes the arguments of a command for the shell ECS Exec runs
// it with.
func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if a != "" && !strings.ContainsAny(a, " \t\n'\"\\$`!*?[](){}<>|&;#~") {
			quoted[i] = a
			continue
		}
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}
