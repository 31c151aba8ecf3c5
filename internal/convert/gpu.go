package convert

import (
	"fmt"

	"github.com/docker-ecs/docker-ecs/internal/cfn"
)

// GPUImageParameter is the parameter of the AMI of the GPU instances: the
// SSM parameter where AWS publishes the latest ECS-optimised GPU AMI.
const GPUImageParameter = "GpuImageId"

// gpuImage is AWS's SSM parameter of the ECS-optimised Amazon Linux 2023
// GPU AMI.
const gpuImage = "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id"

// Logical IDs of the GPU capacity.
const (
	gpuRoleID             = "GpuInstanceRole"
	gpuProfileID          = "GpuInstanceProfile"
	gpuGroupID            = "GpuInstanceSecurityGroup"
	gpuLaunchTemplateID   = "GpuLaunchTemplate"
	gpuAutoScalingGroupID = "GpuAutoScalingGroup"
	gpuCapacityProviderID = "GpuCapacityProvider"
	capacityProvidersID   = "ClusterCapacityProviders"
)

// gpuCapacity adds the EC2 capacity of the services that reserve GPUs: an
// Auto Scaling group of GPU instances that join the cluster, and the
// capacity provider through which ECS sizes it to their tasks. The order
// of the references is the order of deletion: services, then the cluster's
// capacity providers, the capacity provider, and the group last, so that
// down leaves no instance behind.
func (c *converter) gpuCapacity() {
	gpu := c.p.GPU
	c.t.Parameters[GPUImageParameter] = cfn.Parameter{
		Type:        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
		Default:     gpuImage,
		Description: "The AMI of the GPU instances: the latest ECS-optimised GPU AMI",
	}
	tags := c.projectTags()
	c.add(gpuRoleID, &cfn.Role{
		AssumeRolePolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: []cfn.Statement{{
			Effect:    "Allow",
			Principal: map[string]any{"Service": "ec2.amazonaws.com"},
			Action:    []string{"sts:AssumeRole"},
		}}},
		// What the ECS agent of an instance needs, as AWS maintains it.
		ManagedPolicyArns: []any{cfn.Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role")},
		Tags:              tags,
	})
	c.add(gpuProfileID, &cfn.InstanceProfile{Roles: []any{cfn.Ref(gpuRoleID)}})
	c.add(gpuGroupID, &cfn.SecurityGroup{
		GroupDescription: fmt.Sprintf("%s GPU instances: no way in; tasks have groups of their own", c.p.Name),
		VpcId:            cfn.Ref(VPCParameter),
		Tags:             tags,
	})
	c.add(gpuLaunchTemplateID, &cfn.LaunchTemplate{LaunchTemplateData: cfn.LaunchTemplateData{
		ImageId:            cfn.Ref(GPUImageParameter),
		InstanceType:       gpu.InstanceType,
		IamInstanceProfile: cfn.InstanceProfileRef{Arn: cfn.GetAtt(gpuProfileID, "Arn")},
		MetadataOptions:    &cfn.MetadataOptions{HttpTokens: "required", HttpPutResponseHopLimit: 2},
		// The instance pulls the images and sends the logs of its tasks,
		// whose own interfaces have no public address.
		NetworkInterfaces: []cfn.NetworkInterface{{DeviceIndex: 0, AssociatePublicIpAddress: !c.p.Private, Groups: []any{cfn.GetAtt(gpuGroupID, "GroupId")}}},
		UserData:          cfn.Base64(cfn.Sub("#!/bin/bash\necho ECS_CLUSTER=${" + clusterID + "} >> /etc/ecs/ecs.config\necho ECS_ENABLE_GPU_SUPPORT=true >> /etc/ecs/ecs.config\n")),
		TagSpecifications: []cfn.TagSpecification{{ResourceType: "instance", Tags: tags}},
	}})
	c.add(gpuAutoScalingGroupID, &cfn.AutoScalingGroup{
		MinSize:           "0",
		MaxSize:           fmt.Sprint(gpu.MaxSize),
		VPCZoneIdentifier: cfn.Ref(SubnetsParameter),
		LaunchTemplate: cfn.LaunchTemplateSpec{
			LaunchTemplateId: cfn.Ref(gpuLaunchTemplateID),
			Version:          cfn.GetAtt(gpuLaunchTemplateID, "LatestVersionNumber"),
		},
		Tags: []cfn.AutoScalingGroupTag{{Key: ProjectTag, Value: c.p.Name, PropagateAtLaunch: true}},
	})
	c.add(gpuCapacityProviderID, &cfn.CapacityProvider{
		AutoScalingGroupProvider: cfn.AutoScalingGroupProvider{
			AutoScalingGroupArn:          cfn.Ref(gpuAutoScalingGroupID),
			ManagedScaling:               &cfn.ManagedScaling{Status: "ENABLED", TargetCapacity: 100},
			ManagedTerminationProtection: "DISABLED",
		},
		Tags: tags,
	})
	c.add(capacityProvidersID, &cfn.ClusterCapacityProviderAssociations{
		Cluster:                         cfn.Ref(clusterID),
		CapacityProviders:               []any{"FARGATE", "FARGATE_SPOT", cfn.Ref(gpuCapacityProviderID)},
		DefaultCapacityProviderStrategy: []cfn.CapacityProviderItem{{CapacityProvider: "FARGATE", Weight: 1}},
	})
}
