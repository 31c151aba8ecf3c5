package cfn

// LaunchTemplate is AWS::EC2::LaunchTemplate.
type LaunchTemplate struct {
	LaunchTemplateData LaunchTemplateData `json:"LaunchTemplateData"`
}

// ResourceType implements Properties.
func (LaunchTemplate) ResourceType() string { return "AWS::EC2::LaunchTemplate" }

// LaunchTemplateData is what instances of a launch template are.
type LaunchTemplateData struct {
	ImageId            any                `json:"ImageId"`
	InstanceType       string             `json:"InstanceType"`
	IamInstanceProfile InstanceProfileRef `json:"IamInstanceProfile"`
	MetadataOptions    *MetadataOptions   `json:"MetadataOptions,omitempty"`
	NetworkInterfaces  []NetworkInterface `json:"NetworkInterfaces,omitempty"`
	UserData           any                `json:"UserData,omitempty"`
	TagSpecifications  []TagSpecification `json:"TagSpecifications,omitempty"`
}

// InstanceProfileRef names an instance profile.
type InstanceProfileRef struct {
	Arn any `json:"Arn"`
}

// MetadataOptions configures the instance metadata service.
type MetadataOptions struct {
	HttpTokens              string `json:"HttpTokens"`
	HttpPutResponseHopLimit int    `json:"HttpPutResponseHopLimit,omitempty"`
}

// NetworkInterface is the primary network interface of an instance.
type NetworkInterface struct {
	DeviceIndex              int   `json:"DeviceIndex"`
	AssociatePublicIpAddress bool  `json:"AssociatePublicIpAddress"`
	Groups                   []any `json:"Groups"`
}

// TagSpecification tags what a launch template launches.
type TagSpecification struct {
	ResourceType string `json:"ResourceType"`
	Tags         []Tag  `json:"Tags"`
}

// AutoScalingGroup is AWS::AutoScaling::AutoScalingGroup.
type AutoScalingGroup struct {
	MinSize                          string                `json:"MinSize"`
	MaxSize                          string                `json:"MaxSize"`
	VPCZoneIdentifier                any                   `json:"VPCZoneIdentifier"`
	LaunchTemplate                   LaunchTemplateSpec    `json:"LaunchTemplate"`
	NewInstancesProtectedFromScaleIn bool                  `json:"NewInstancesProtectedFromScaleIn"`
	Tags                             []AutoScalingGroupTag `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (AutoScalingGroup) ResourceType() string { return "AWS::AutoScaling::AutoScalingGroup" }

// LaunchTemplateSpec names a launch template and its version.
type LaunchTemplateSpec struct {
	LaunchTemplateId any `json:"LaunchTemplateId"`
	Version          any `json:"Version"`
}

// AutoScalingGroupTag is a tag of an Auto Scaling group and, when
// PropagateAtLaunch, of its instances.
type AutoScalingGroupTag struct {
	Key               string `json:"Key"`
	Value             string `json:"Value"`
	PropagateAtLaunch bool   `json:"PropagateAtLaunch"`
}

// CapacityProvider is AWS::ECS::CapacityProvider.
type CapacityProvider struct {
	AutoScalingGroupProvider AutoScalingGroupProvider `json:"AutoScalingGroupProvider"`
	Tags                     []Tag                    `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (CapacityProvider) ResourceType() string { return "AWS::ECS::CapacityProvider" }

// AutoScalingGroupProvider is the Auto Scaling group a capacity provider
// scales.
type AutoScalingGroupProvider struct {
	AutoScalingGroupArn          any             `json:"AutoScalingGroupArn"`
	ManagedScaling               *ManagedScaling `json:"ManagedScaling,omitempty"`
	ManagedTerminationProtection string          `json:"ManagedTerminationProtection"`
}

// ManagedScaling lets ECS size the Auto Scaling group to its tasks.
type ManagedScaling struct {
	Status         string `json:"Status"`
	TargetCapacity int    `json:"TargetCapacity"`
}

// ClusterCapacityProviderAssociations is
// AWS::ECS::ClusterCapacityProviderAssociations.
type ClusterCapacityProviderAssociations struct {
	Cluster                         any                    `json:"Cluster"`
	CapacityProviders               []any                  `json:"CapacityProviders"`
	DefaultCapacityProviderStrategy []CapacityProviderItem `json:"DefaultCapacityProviderStrategy"`
}

// ResourceType implements Properties.
func (ClusterCapacityProviderAssociations) ResourceType() string {
	return "AWS::ECS::ClusterCapacityProviderAssociations"
}

// InstanceProfile is AWS::IAM::InstanceProfile.
type InstanceProfile struct {
	Roles []any `json:"Roles"`
}

// ResourceType implements Properties.
func (InstanceProfile) ResourceType() string { return "AWS::IAM::InstanceProfile" }
