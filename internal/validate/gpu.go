package validate

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
)

// gpuInstance is an EC2 instance type with NVIDIA GPUs that ECS's GPU AMI
// runs.
type gpuInstance struct {
	name       string
	gpus, vcpu int
	memoryGiB  int
}

// gpuInstances are the G4dn types, from the smallest: NVIDIA T4 GPUs, in
// every commercial region.
var gpuInstances = []gpuInstance{
	{"g4dn.xlarge", 1, 4, 16},
	{"g4dn.2xlarge", 1, 8, 32},
	{"g4dn.4xlarge", 1, 16, 64},
	{"g4dn.8xlarge", 1, 32, 128},
	{"g4dn.12xlarge", 4, 48, 192},
	{"g4dn.16xlarge", 1, 64, 256},
	{"g4dn.metal", 8, 96, 384},
}

var instanceType = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)

// gpus reads the GPUs a service reserves: deploy.resources.reservations.devices
// with the gpu capability, or gpus.
func gpus(s types.ServiceConfig, svc *app.Service, key string, r *report) {
	var requests []types.DeviceRequest
	var keys []string
	for i, d := range s.Gpus {
		requests = append(requests, d)
		keys = append(keys, fmt.Sprintf("%s.gpus[%d]", key, i))
	}
	if s.Deploy != nil && s.Deploy.Resources.Reservations != nil {
		for i, d := range s.Deploy.Resources.Reservations.Devices {
			requests = append(requests, d)
			keys = append(keys, fmt.Sprintf("%s.deploy.resources.reservations.devices[%d]", key, i))
		}
	}
	for i, d := range requests {
		switch {
		case !slices.Contains(d.Capabilities, "gpu") && len(s.Gpus) == 0:
			r.errorf(keys[i], "ECS reserves GPUs only: give the device the gpu capability")
		case d.Driver != "" && d.Driver != "nvidia":
			r.errorf(keys[i]+".driver", "ECS's GPU instances have NVIDIA GPUs, not %s", d.Driver)
		case len(d.IDs) > 0:
			r.errorf(keys[i]+".device_ids", "ECS chooses the GPUs of a task: give a count")
		case d.Count < 0:
			r.errorf(keys[i]+".count", "all the GPUs of an instance is no number ECS can reserve: give a count")
		case d.Count == 0:
			// docker compose reserves every GPU of the machine; an ECS task
			// reserves a number.
			r.warnf(keys[i]+".count", "not set: the task reserves 1 GPU")
			svc.GPUs++
		default:
			svc.GPUs += int(d.Count)
		}
	}
	if v, ok := stringExtension(s.Extensions, "x-aws-instance_type", key+".", r); ok {
		if !instanceType.MatchString(v) {
			r.errorf(key+".x-aws-instance_type", "must be an EC2 instance type such as g4dn.xlarge, not %q", v)
		}
		if svc.GPUs == 0 {
			r.warnf(key+".x-aws-instance_type", "ignored: %s reserves no GPU and runs on Fargate", svc.Name)
		}
	}
	if svc.GPUs > 0 {
		if len(svc.Capacity) > 0 {
			r.errorf(key+".x-aws-capacity", "a service that reserves GPUs runs on the project's GPU instances, not on Fargate")
		}
		if svc.Platform != "X86_64" {
			r.errorf(key+".platform", "the GPU instances are linux/amd64")
		}
	}
}

// gpuCapacity chooses the GPU instances of the services that reserve GPUs:
// the x-aws-instance_type they name, else the smallest G4dn that runs the
// largest of their tasks, as many as their tasks at most.
func gpuCapacity(p *types.Project, out *app.Project, r *report) *app.GPUCapacity {
	var services []*app.Service
	for _, s := range out.Services {
		if s.GPUs > 0 {
			services = append(services, s)
		}
	}
	if len(services) == 0 {
		return nil
	}
	if out.Cluster != "" {
		r.errorf("x-aws-cluster", "services that reserve GPUs need the stack's own cluster, to which it adds their capacity provider")
	}
	capacity := &app.GPUCapacity{}
	gpus, cpu, memory := 0, 0, 0
	for _, s := range services {
		gpus, cpu, memory = max(gpus, s.GPUs), max(cpu, s.CPU), max(memory, s.Memory)
		tasks := s.Replicas
		if s.Autoscaling != nil {
			tasks = s.Autoscaling.Max
		}
		capacity.MaxSize += max(tasks, 1)
		if t, _ := p.Services[s.Name].Extensions["x-aws-instance_type"].(string); t != "" {
			if capacity.InstanceType != "" && capacity.InstanceType != t {
				r.errorf("services."+s.Name+".x-aws-instance_type", "the services that reserve GPUs share their instances: give them all the same type, or leave it out")
			}
			capacity.InstanceType = t
		}
	}
	if capacity.InstanceType != "" {
		return capacity
	}
	for _, it := range gpuInstances {
		// The ECS agent and the system keep some of the memory.
		if it.gpus >= gpus && it.vcpu*1024 >= cpu && it.memoryGiB*1024*9/10 >= memory {
			capacity.InstanceType = it.name
			return capacity
		}
	}
	r.errorf("services."+services[0].Name+".deploy.resources", "no G4dn instance has %d GPUs, %d CPU units and %d MiB for one task: name an instance type with x-aws-instance_type", gpus, cpu, memory)
	return capacity
}
