package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/convert"
)

// Status is the state of a deployed project.
type Status struct {
	Project string `json:"project"`
	Region  string `json:"region"`
	// Stack is the stack's status, and Reason why it is so.
	Stack  string `json:"stack"`
	Reason string `json:"reason,omitempty"`
	// LoadBalancer is the load balancer's DNS name.
	LoadBalancer string          `json:"loadBalancer,omitempty"`
	Services     []ServiceStatus `json:"services"`
}

// ServiceStatus is the state of one compose service.
type ServiceStatus struct {
	Name string `json:"name"`
	// Status is the ECS service's: ACTIVE, DRAINING…; Rollout is the state
	// of its latest deployment: IN_PROGRESS, COMPLETED, FAILED.
	Status  string `json:"status"`
	Rollout string `json:"rollout,omitempty"`
	Desired int    `json:"desired"`
	Running int    `json:"running"`
	Pending int    `json:"pending"`
	// Ports are where the service's published ports answer.
	Ports []PortStatus `json:"ports,omitempty"`
	Tasks []TaskStatus `json:"tasks"`
}

// PortStatus is a published port of a service.
type PortStatus struct {
	URL      string `json:"url"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	Target   int    `json:"target"`
}

// TaskStatus is one running task of a service.
type TaskStatus struct {
	ID      string    `json:"id"`
	Status  string    `json:"status"`
	Health  string    `json:"health"`
	IP      string    `json:"ip,omitempty"`
	Started time.Time `json:"started,omitzero"`
}

// ErrNotDeployed is returned by the commands that need a deployed project.
var ErrNotDeployed = fmt.Errorf("not deployed")

// deployedStack describes the project's stack; an error wrapping
// ErrNotDeployed when there is none.
func (d *Deployer) deployedStack(ctx context.Context, project string) (*cfntypes.Stack, error) {
	stack, err := d.stack(ctx, project)
	if err != nil {
		return nil, err
	}
	if stack == nil {
		return nil, fmt.Errorf("%s is %w in %s (docker ecs up deploys it)", project, ErrNotDeployed, d.AWS.Region)
	}
	return stack, nil
}

// Ps returns the state of the project's services and tasks.
func (d *Deployer) Ps(ctx context.Context, project string) (*Status, error) {
	stack, err := d.deployedStack(ctx, project)
	if err != nil {
		return nil, err
	}
	st := &Status{Project: project, Region: d.AWS.Region, Stack: string(stack.StackStatus), Reason: aws.ToString(stack.StackStatusReason)}
	ports := map[string][]PortStatus{}
	for _, o := range stack.Outputs {
		if aws.ToString(o.OutputKey) == "LoadBalancerDNS" {
			st.LoadBalancer = aws.ToString(o.OutputValue)
		}
		if ep, ok := convert.ParseEndpoint(aws.ToString(o.Description)); ok {
			ports[ep.Service] = append(ports[ep.Service], PortStatus{URL: aws.ToString(o.OutputValue), Port: ep.Port, Protocol: ep.Protocol, Target: ep.Target})
		}
	}

	cluster, services, err := d.stackServices(ctx, aws.ToString(stack.StackId))
	if err != nil {
		return nil, err
	}
	if cluster == "" || len(services) == 0 {
		return st, nil
	}
	described, err := d.describeServices(ctx, cluster, services)
	if err != nil {
		return nil, err
	}
	for _, s := range described {
		ss := ServiceStatus{
			Name:    serviceName(s),
			Status:  aws.ToString(s.Status),
			Desired: int(s.DesiredCount),
			Running: int(s.RunningCount),
			Pending: int(s.PendingCount),
		}
		for _, dep := range s.Deployments {
			if aws.ToString(dep.Status) == "PRIMARY" {
				ss.Rollout = string(dep.RolloutState)
			}
		}
		ss.Ports = ports[ss.Name]
		tasks, err := d.tasks(ctx, cluster, aws.ToString(s.ServiceName))
		if err != nil {
			return nil, err
		}
		ss.Tasks = tasks
		st.Services = append(st.Services, ss)
	}
	slices.SortFunc(st.Services, func(a, b ServiceStatus) int { return strings.Compare(a.Name, b.Name) })
	return st, nil
}

// describeServices describes the ECS services of a cluster, with their
// tags; DescribeServices takes ten services a call.
func (d *Deployer) describeServices(ctx context.Context, cluster string, arns []string) ([]ecstypes.Service, error) {
	var all []ecstypes.Service
	for chunk := range slices.Chunk(arns, 10) {
		out, err := d.AWS.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{
			Cluster:  aws.String(cluster),
			Services: chunk,
			Include:  []ecstypes.ServiceField{ecstypes.ServiceFieldTags},
		})
		if err != nil {
			return nil, awsapi.Explain(err)
		}
		all = append(all, out.Services...)
	}
	return all, nil
}

// serviceName is the compose name of an ECS service, from its tag.
func serviceName(s ecstypes.Service) string {
	for _, t := range s.Tags {
		if aws.ToString(t.Key) == convert.ServiceTag {
			return aws.ToString(t.Value)
		}
	}
	return aws.ToString(s.ServiceName)
}

// tasks returns the running tasks of an ECS service.
func (d *Deployer) tasks(ctx context.Context, cluster, service string) ([]TaskStatus, error) {
	list, err := d.AWS.ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: aws.String(service)})
	if err != nil {
		return nil, awsapi.Explain(err)
	}
	out := []TaskStatus{}
	if len(list.TaskArns) == 0 {
		return out, nil
	}
	described, err := d.AWS.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: list.TaskArns})
	if err != nil {
		return nil, awsapi.Explain(err)
	}
	for _, t := range described.Tasks {
		ts := TaskStatus{
			ID:      taskID(aws.ToString(t.TaskArn)),
			Status:  aws.ToString(t.LastStatus),
			Health:  string(t.HealthStatus),
			Started: aws.ToTime(t.StartedAt),
		}
		for _, a := range t.Attachments {
			for _, kv := range a.Details {
				if aws.ToString(kv.Name) == "privateIPv4Address" {
					ts.IP = aws.ToString(kv.Value)
				}
			}
		}
		out = append(out, ts)
	}
	slices.SortFunc(out, func(a, b TaskStatus) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
