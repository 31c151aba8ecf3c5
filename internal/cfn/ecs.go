package cfn

// Cluster is AWS::ECS::Cluster.
type Cluster struct {
	CapacityProviders []string `json:"CapacityProviders,omitempty"`
	Tags              []Tag    `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (Cluster) ResourceType() string { return "AWS::ECS::Cluster" }

// TaskDefinition is AWS::ECS::TaskDefinition.
type TaskDefinition struct {
	Family                  string                `json:"Family,omitempty"`
	Cpu                     string                `json:"Cpu"`
	Memory                  string                `json:"Memory"`
	NetworkMode             string                `json:"NetworkMode"`
	RequiresCompatibilities []string              `json:"RequiresCompatibilities"`
	RuntimePlatform         *RuntimePlatform      `json:"RuntimePlatform,omitempty"`
	ExecutionRoleArn        any                   `json:"ExecutionRoleArn,omitempty"`
	TaskRoleArn             any                   `json:"TaskRoleArn,omitempty"`
	ContainerDefinitions    []ContainerDefinition `json:"ContainerDefinitions"`
	Volumes                 []Volume              `json:"Volumes,omitempty"`
	Tags                    []Tag                 `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (TaskDefinition) ResourceType() string { return "AWS::ECS::TaskDefinition" }

// RuntimePlatform selects the operating system and CPU architecture.
type RuntimePlatform struct {
	CpuArchitecture       string `json:"CpuArchitecture"`
	OperatingSystemFamily string `json:"OperatingSystemFamily"`
}

// ContainerDefinition is one container of a task definition.
type ContainerDefinition struct {
	Name                   string                 `json:"Name"`
	Image                  string                 `json:"Image"`
	Essential              bool                   `json:"Essential"`
	EntryPoint             []string               `json:"EntryPoint,omitempty"`
	Command                []string               `json:"Command,omitempty"`
	WorkingDirectory       string                 `json:"WorkingDirectory,omitempty"`
	User                   string                 `json:"User,omitempty"`
	Environment            []KeyValuePair         `json:"Environment,omitempty"`
	PortMappings           []PortMapping          `json:"PortMappings,omitempty"`
	HealthCheck            *HealthCheck           `json:"HealthCheck,omitempty"`
	StopTimeout            int                    `json:"StopTimeout,omitempty"`
	ReadonlyRootFilesystem bool                   `json:"ReadonlyRootFilesystem,omitempty"`
	LinuxParameters        *LinuxParameters       `json:"LinuxParameters,omitempty"`
	Ulimits                []Ulimit               `json:"Ulimits,omitempty"`
	SystemControls         []SystemControl        `json:"SystemControls,omitempty"`
	DockerLabels           map[string]any         `json:"DockerLabels,omitempty"`
	Memory                 int                    `json:"Memory,omitempty"`
	MemoryReservation      int                    `json:"MemoryReservation,omitempty"`
	LogConfiguration       *LogConfiguration      `json:"LogConfiguration,omitempty"`
	RepositoryCredentials  *RepositoryCredentials `json:"RepositoryCredentials,omitempty"`
	Secrets                []Secret               `json:"Secrets,omitempty"`
	MountPoints            []MountPoint           `json:"MountPoints,omitempty"`
	DependsOn              []ContainerDependency  `json:"DependsOn,omitempty"`
	ResourceRequirements   []ResourceRequirement  `json:"ResourceRequirements,omitempty"`
}

// Secret is an environment variable ECS reads from Secrets Manager or SSM
// Parameter Store when it starts the container.
type Secret struct {
	Name      string `json:"Name"`
	ValueFrom any    `json:"ValueFrom"`
}

// MountPoint mounts a volume of the task in a container.
type MountPoint struct {
	SourceVolume  string `json:"SourceVolume"`
	ContainerPath string `json:"ContainerPath"`
	ReadOnly      bool   `json:"ReadOnly,omitempty"`
}

// ContainerDependency makes a container wait for another.
type ContainerDependency struct {
	ContainerName string `json:"ContainerName"`
	Condition     string `json:"Condition"`
}

// ResourceRequirement reserves GPUs for a container.
type ResourceRequirement struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

// Volume is a volume of a task: scratch space of the task, or an EFS file
// system.
type Volume struct {
	Name                   string                  `json:"Name"`
	EFSVolumeConfiguration *EFSVolumeConfiguration `json:"EFSVolumeConfiguration,omitempty"`
}

// EFSVolumeConfiguration mounts an EFS file system.
type EFSVolumeConfiguration struct {
	FilesystemId        any               `json:"FilesystemId"`
	TransitEncryption   string            `json:"TransitEncryption,omitempty"`
	AuthorizationConfig *EFSAuthorization `json:"AuthorizationConfig,omitempty"`
}

// EFSAuthorization mounts through an access point, as the task role.
type EFSAuthorization struct {
	AccessPointId any    `json:"AccessPointId,omitempty"`
	IAM           string `json:"IAM,omitempty"`
}

// RepositoryCredentials names the secret that holds the credentials of a
// private registry.
type RepositoryCredentials struct {
	CredentialsParameter string `json:"CredentialsParameter"`
}

// KeyValuePair is an environment variable of a container.
type KeyValuePair struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// PortMapping is a container port.
type PortMapping struct {
	ContainerPort int    `json:"ContainerPort"`
	Protocol      string `json:"Protocol"`
}

// HealthCheck is a container health check; durations are in seconds.
type HealthCheck struct {
	Command     []string `json:"Command"`
	Interval    int      `json:"Interval,omitempty"`
	Timeout     int      `json:"Timeout,omitempty"`
	Retries     int      `json:"Retries,omitempty"`
	StartPeriod int      `json:"StartPeriod,omitempty"`
}

// LinuxParameters holds the Linux-specific container settings.
type LinuxParameters struct {
	InitProcessEnabled bool                `json:"InitProcessEnabled,omitempty"`
	Capabilities       *KernelCapabilities `json:"Capabilities,omitempty"`
}

// KernelCapabilities are the capabilities added to or dropped from Docker's
// default set.
type KernelCapabilities struct {
	Add  []string `json:"Add,omitempty"`
	Drop []string `json:"Drop,omitempty"`
}

// Ulimit is a resource limit of a container.
type Ulimit struct {
	Name      string `json:"Name"`
	SoftLimit int    `json:"SoftLimit"`
	HardLimit int    `json:"HardLimit"`
}

// SystemControl is a namespaced kernel parameter (sysctl) of a container;
// in a Fargate task it applies to all of the task's containers.
type SystemControl struct {
	Namespace string `json:"Namespace"`
	Value     string `json:"Value"`
}

// LogConfiguration is a container's log driver.
type LogConfiguration struct {
	LogDriver string         `json:"LogDriver"`
	Options   map[string]any `json:"Options,omitempty"`
}

// Service is AWS::ECS::Service.
type Service struct {
	Cluster        any `json:"Cluster"`
	TaskDefinition any `json:"TaskDefinition"`
	// DesiredCount is nil when autoscaling decides it: an update would
	// otherwise reset the count autoscaling set.
	DesiredCount                  *int                     `json:"DesiredCount,omitempty"`
	LaunchType                    string                   `json:"LaunchType,omitempty"`
	CapacityProviderStrategy      []CapacityProviderItem   `json:"CapacityProviderStrategy,omitempty"`
	EnableExecuteCommand          bool                     `json:"EnableExecuteCommand,omitempty"`
	NetworkConfiguration          *NetworkConfiguration    `json:"NetworkConfiguration,omitempty"`
	DeploymentConfiguration       *DeploymentConfiguration `json:"DeploymentConfiguration,omitempty"`
	HealthCheckGracePeriodSeconds *int                     `json:"HealthCheckGracePeriodSeconds,omitempty"`
	LoadBalancers                 []ServiceLoadBalancer    `json:"LoadBalancers,omitempty"`
	ServiceRegistries             []ServiceRegistry        `json:"ServiceRegistries,omitempty"`
	EnableECSManagedTags          bool                     `json:"EnableECSManagedTags,omitempty"`
	PropagateTags                 string                   `json:"PropagateTags,omitempty"`
	Tags                          []Tag                    `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (Service) ResourceType() string { return "AWS::ECS::Service" }

// CapacityProviderItem is a capacity provider of a service and its weight.
type CapacityProviderItem struct {
	CapacityProvider any `json:"CapacityProvider"`
	Weight           int `json:"Weight"`
}

// NetworkConfiguration is the awsvpc network of a service's tasks.
type NetworkConfiguration struct {
	AwsvpcConfiguration AwsvpcConfiguration `json:"AwsvpcConfiguration"`
}

// AwsvpcConfiguration places tasks in subnets and security groups.
type AwsvpcConfiguration struct {
	AssignPublicIp string `json:"AssignPublicIp"`
	SecurityGroups []any  `json:"SecurityGroups"`
	Subnets        any    `json:"Subnets"`
}

// DeploymentConfiguration controls rolling updates.
type DeploymentConfiguration struct {
	MinimumHealthyPercent    int                       `json:"MinimumHealthyPercent"`
	MaximumPercent           int                       `json:"MaximumPercent"`
	DeploymentCircuitBreaker *DeploymentCircuitBreaker `json:"DeploymentCircuitBreaker,omitempty"`
}

// DeploymentCircuitBreaker stops, and rolls back, a deployment whose tasks
// cannot become healthy.
type DeploymentCircuitBreaker struct {
	Enable   bool `json:"Enable"`
	Rollback bool `json:"Rollback"`
}

// ServiceLoadBalancer registers a container port in a target group.
type ServiceLoadBalancer struct {
	ContainerName  string `json:"ContainerName"`
	ContainerPort  int    `json:"ContainerPort"`
	TargetGroupArn any    `json:"TargetGroupArn"`
}

// ServiceRegistry registers a service's tasks in Cloud Map.
type ServiceRegistry struct {
	RegistryArn any `json:"RegistryArn"`
}
