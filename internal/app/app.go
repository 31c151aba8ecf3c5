// Package app is the ECS-ready application model: a compose project after
// Validate has checked it against what ECS on Fargate can run and filled in
// every default. Convert turns it into a template without making any
// decision of its own about compose semantics.
package app

import (
	"fmt"
	"strings"
)

// Project is a compose project ready for ECS.
type Project struct {
	// Name is the compose project name, also the CloudFormation stack name.
	Name string
	// Sources are the compose files of the project, as the user would name
	// them, for the errors about the project as a whole.
	Sources []string
	// Domain is the private DNS domain in which every service is found by
	// its name.
	Domain string
	// LogRetentionDays is how long CloudWatch Logs keeps the logs.
	LogRetentionDays int
	// VPC is the ID of the VPC to deploy into (x-aws-vpc); empty for the
	// account's default VPC.
	VPC string
	// Subnets are the subnets the tasks run in (x-aws-subnets); empty for
	// the VPC's public subnets, or its private ones when Private.
	Subnets []string
	// Private tasks have no public IP address (x-aws-private): they reach
	// the internet, if at all, through a NAT or VPC endpoints.
	Private bool
	// Cluster is an existing ECS cluster (x-aws-cluster), by name or ARN;
	// empty when the stack makes one.
	Cluster string
	// Overlay is a CloudFormation fragment merged over the template
	// (x-aws-cloudformation).
	Overlay map[string]any
	// Files are the secrets and configs the services use, sorted by kind,
	// then name.
	Files []*File
	// Volumes are the named volumes the services mount, sorted by name.
	Volumes []*Volume
	// GPU is the EC2 capacity of the services that reserve GPUs; nil when
	// every service runs on Fargate.
	GPU *GPUCapacity
	// Env looks up a variable of the project's environment (the process's
	// and the .env file's), where up reads environment-sourced secrets.
	Env func(name string) (string, bool)
	// Services are sorted by name.
	Services []*Service
	// Networks are sorted by name; only the networks some service uses.
	Networks []*Network
	// LoadBalancer is nil when no service publishes a port.
	LoadBalancer *LoadBalancer
}

// Located prefixes an error about the project as a whole with its compose
// files.
func (p *Project) Located(err error) error {
	if len(p.Sources) == 0 {
		return err
	}
	return fmt.Errorf("%s: %w", strings.Join(p.Sources, ", "), err)
}

// Volume is the named volume called name, nil when the project has none.
func (p *Project) Volume(name string) *Volume {
	for _, v := range p.Volumes {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// OwnsVolumes reports whether s mounts a file system the stack makes (not
// an external one): the service reaches it on NFS from a security group of
// its own, and mounts it with its task role.
func (p *Project) OwnsVolumes(s *Service) bool {
	for _, m := range s.VolumeMounts {
		if v := p.Volume(m.Volume); v != nil && v.External == "" {
			return true
		}
	}
	return false
}

// Network is a compose network, a security group on ECS.
type Network struct {
	Name string
	// ID is the CloudFormation-safe form of Name, unique in the project.
	ID string
	// External is the ID of the user's security group an external network
	// names; the stack neither makes nor changes it.
	External string
}

// Service is a compose service: one ECS service running one container.
type Service struct {
	Name string
	// ID is the CloudFormation-safe form of Name, unique in the project.
	ID string

	Container
	// Labels become docker labels of the container.
	Labels      map[string]string
	HealthCheck *HealthCheck
	// StopTimeout is how many seconds the container has to stop after
	// SIGTERM.
	StopTimeout int
	ReadOnly    bool
	Init        bool
	CapAdd      []string
	CapDrop     []string
	Ulimits     []Ulimit
	// Sysctls are the namespaced kernel parameters of the task, sorted by
	// name.
	Sysctls []EnvVar
	// Tags are deploy.labels, the labels of the service, sorted by key:
	// tags of the ECS service and of its tasks.
	Tags []Tag

	// Platform is the CPU architecture: X86_64 or ARM64.
	Platform string
	// CPU is in CPU units (1024 = 1 vCPU), Memory in MiB: a valid Fargate pair.
	CPU    int
	Memory int
	// MemoryLimit and MemoryReservation are the container's hard and soft
	// limits in MiB, 0 when compose sets none.
	MemoryLimit       int
	MemoryReservation int

	Replicas   int
	MinHealthy int
	MaxPercent int
	// Networks are the compose networks the service joins, sorted.
	Networks []string
	// Ports are the container ports the load balancer forwards to, sorted
	// and unique; Listeners of the project's load balancer refer to them.
	Ports []Port
	// ExposedPorts are container ports declared only for other services.
	ExposedPorts []Port
	// Mounts are the secrets and configs the container finds as files.
	Mounts []Mount
	// VolumeMounts are the named volumes the container mounts, sorted by
	// target.
	VolumeMounts []VolumeMount
	// SecretEnv are environment variables read from secrets
	// (x-aws-secret_env), sorted by name.
	SecretEnv []SecretEnv
	// WaitFor are the services whose ECS services must be stable (running
	// and healthy) before this one starts: depends_on service_healthy.
	WaitFor []string
	// Jobs run to completion in each task before the service's container
	// starts: the services it depends on with service_completed_successfully.
	Jobs []*Job
	// TaskRole is what the containers may do in AWS; nil for nothing.
	TaskRole *TaskRole
	// PullCredentials is the ARN of the Secrets Manager secret that holds
	// the registry credentials of a private image (x-aws-pull_credentials).
	PullCredentials string
	// Exec enables ECS Exec (x-aws-exec).
	Exec bool
	// Capacity is the Fargate capacity provider strategy (x-aws-capacity);
	// nil for on-demand Fargate.
	Capacity []Capacity
	// GPUs the container reserves: the service then runs on the project's
	// GPU instances instead of Fargate.
	GPUs int
	// Autoscaling is nil for a fixed number of tasks.
	Autoscaling *Autoscaling
	// HealthCheckPath is what an Application Load Balancer requests to
	// check the service's targets.
	HealthCheckPath string
	// DrainSeconds is how long the load balancer lets a stopping task
	// finish its requests.
	DrainSeconds int
	// GraceSeconds is how long ECS ignores the load balancer's health
	// checks of a new task.
	GraceSeconds int
}

// FilesContainer is the name of the container that writes a service's
// secrets and configs as files before the service's container starts.
const FilesContainer = "docker-ecs-files"

// The kinds of File.
const (
	// SecretFile is a compose secret, in AWS Secrets Manager.
	SecretFile = "secret"
	// ConfigFile is a compose config, in SSM Parameter Store.
	ConfigFile = "config"
)

// File is a compose secret or config: a value that up stores in AWS before
// it deploys, and that tasks read.
type File struct {
	// Kind is SecretFile or ConfigFile.
	Kind string
	Name string
	// ID is the CloudFormation-safe form of Name, unique among files of
	// its kind.
	ID string
	// External is the name or ARN of a secret the user has: up neither
	// writes nor deletes it.
	External string
	// Path, EnvVar or Content is where up reads the value: a file, a
	// variable of the project's environment, or, for a config, the
	// content the compose file gives.
	Path    string
	EnvVar  string
	Content string
	// Keys are the keys of a JSON secret that are mounted one file each
	// (x-aws-keys); nil mounts the whole value as one file.
	Keys []string
}

// Mount is a secret or config that a service's container finds as a file,
// or as a directory of one file per key.
type Mount struct {
	Kind, Name string
	// Target is an absolute path; the directory of the files when Keys.
	Target string
	Keys   []string
	// Mode is the files' permissions; UID and GID their owner, when set.
	Mode     uint32
	UID, GID string
}

// Volume is a named compose volume: an encrypted Amazon EFS file system and
// an access point to it.
type Volume struct {
	Name string
	// ID is the CloudFormation-safe form of Name, unique among volumes.
	ID string
	// External is the ID of a file system the user has (fs-…), which the
	// stack mounts and leaves alone.
	External string
	// The file system's settings (driver_opts): generalPurpose or maxIO;
	// bursting, provisioned or elastic, with ProvisionedThroughput MiB/s;
	// the age at which files move to Infrequent Access (AFTER_30_DAYS…),
	// empty for never; and AWS Backup's daily backups.
	PerformanceMode       string
	ThroughputMode        string
	ProvisionedThroughput int
	Lifecycle             string
	Backup                bool
	// The access point's directory, its owner and permissions, and the
	// user and group every access through it acts as (empty: the
	// client's).
	RootDirectory string
	UID, GID      string
	Permissions   string
}

// VolumeMount is a volume mounted in a service's container.
type VolumeMount struct {
	// Volume is the name of a named volume; empty for an anonymous one,
	// which lives in the task's own storage.
	Volume   string
	Target   string
	ReadOnly bool
}

// SecretEnv is an environment variable that ECS reads from a secret, or
// from one key of a JSON secret.
type SecretEnv struct {
	Name, Secret, Key string
}

// GPUCapacity is the EC2 capacity of the services that reserve GPUs: an
// Auto Scaling group of GPU instances that ECS sizes to their tasks.
type GPUCapacity struct {
	InstanceType string
	// MaxSize is the most instances the group may have: one per task the
	// services may run.
	MaxSize int
}

// Job is a compose service that others wait to complete: on ECS, a
// container of their tasks that runs before their own.
type Job struct {
	Name string
	Container
}

// Container is what a service's container and a job have alike: the image
// and how it runs.
type Container struct {
	Image string
	// ECRRepository is the ARN of the private Amazon ECR repository the
	// image is pulled from, empty for any other registry.
	ECRRepository string
	Command       []string
	Entrypoint    []string
	WorkingDir    string
	User          string
	// Environment is sorted by name.
	Environment []EnvVar
}

// TaskRole is the IAM role of a service's tasks.
type TaskRole struct {
	// Policy is an inline policy document (x-aws-role), nil for none.
	Policy map[string]any
	// ManagedPolicies are ARNs of managed policies (x-aws-policies).
	ManagedPolicies []string
}

// Capacity is one Fargate capacity provider and its weight.
type Capacity struct {
	// Provider is FARGATE or FARGATE_SPOT.
	Provider string
	Weight   int
}

// Autoscaling is target tracking of one metric between Min and Max tasks.
type Autoscaling struct {
	Min, Max int
	// Metric is cpu, memory (average utilisation, in percent) or requests
	// (per target and minute, on an Application Load Balancer).
	Metric string
	Target int
	// Cooldowns are in seconds.
	ScaleInCooldown, ScaleOutCooldown int
}

// EnvVar is an environment variable.
type EnvVar struct {
	Name, Value string
}

// Tag is an AWS tag.
type Tag struct {
	Key, Value string
}

// HealthCheck is a container health check; durations are in seconds,
// 0 means ECS's default.
type HealthCheck struct {
	Test        []string
	Interval    int
	Timeout     int
	Retries     int
	StartPeriod int
}

// Ulimit is a container resource limit.
type Ulimit struct {
	Name       string
	Soft, Hard int
}

// Port is a container port and its protocol: tcp or udp.
type Port struct {
	Number   int
	Protocol string
}

// LoadBalancer is the project's load balancer.
type LoadBalancer struct {
	// Type is "application" when every listener speaks HTTP(S), else
	// "network".
	Type string
	// Existing names a load balancer the user has (x-aws-loadbalancer), by
	// name or ARN; empty when the stack makes one.
	Existing string
	// Internal load balancers are reachable from the VPC only
	// (x-aws-loadbalancer_internal).
	Internal bool
	// Certificate is the ARN of the ACM certificate of the HTTPS listeners
	// (x-aws-certificate).
	Certificate string
	// Listeners are sorted by port.
	Listeners []Listener
}

// Listener is a published port.
type Listener struct {
	Port int
	// Protocol is HTTP or HTTPS for an application load balancer, TCP or
	// UDP for a network load balancer.
	Protocol string
	// RedirectToHTTPS answers every request with a redirection to port 443
	// instead of forwarding it.
	RedirectToHTTPS bool
	// Service receives the traffic on Target.
	Service string
	Target  Port
}

// ComparePorts orders ports by number, then protocol.
func ComparePorts(a, b Port) int {
	if a.Number != b.Number {
		return a.Number - b.Number
	}
	return strings.Compare(a.Protocol, b.Protocol)
}
