// Package convert is the Convert phase: a pure function from the ECS-ready
// model to a CloudFormation template. It makes no decision about compose
// semantics (Validate did) and no AWS call; the same model always gives the
// same template.
package convert

import (
	"errors"
	"fmt"
	"strings"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/cfn"
	"github.com/docker-ecs/docker-ecs/internal/load"
)

// The template's parameters, which `up` fills in from the AWS account.
const (
	VPCParameter     = "VpcId"
	SubnetsParameter = "Subnets"
	// LoadBalancerSubnetsParameter are the subnets of the load balancer the
	// stack makes: public ones, unless it is internal.
	LoadBalancerSubnetsParameter = "LoadBalancerSubnets"
	// The load balancer the project names (x-aws-loadbalancer).
	LoadBalancerARNParameter   = "LoadBalancerArn"
	LoadBalancerDNSParameter   = "LoadBalancerDNSName"
	LoadBalancerGroupParameter = "LoadBalancerSecurityGroup"
)

// Tag keys put on every taggable resource, with the same meaning as the
// labels docker compose puts on containers and networks.
const (
	ProjectTag = "com.docker.compose.project"
	ServiceTag = "com.docker.compose.service"
	NetworkTag = "com.docker.compose.network"
)

// Logical IDs of the project-wide resources. Per-service and per-network
// resources are named {ID}{suffix}; no suffix ends another suffix or one
// of these names, so that two compose names can only collide when their
// IDs do, which Validate rejects (see TestLogicalIDsCannotCollide).
const (
	clusterID      = "Cluster"
	logGroupID     = "LogGroup"
	namespaceID    = "CloudMap"
	loadBalancerID = "LoadBalancer"
	lbGroupID      = "LoadBalancerSecurityGroup"
)

// Suffixes of the per-service and per-network logical IDs.
const (
	serviceSuffix        = "Service"
	taskDefinitionSuffix = "TaskDefinition"
	executionRoleSuffix  = "ExecutionRole"
	discoverySuffix      = "ServiceDiscovery"
	taskGroupSuffix      = "TaskSecurityGroup"
	targetGroupSuffix    = "TargetGroup"
	taskRoleSuffix       = "TaskRole"
	scalableTargetSuffix = "ScalableTarget"
	scalingPolicySuffix  = "ScalingPolicy"
	networkSuffix        = "Network"
	networkIngressSuffix = "NetworkIngress"
)

// Template converts p into its CloudFormation template.
func Template(p *app.Project) (*cfn.Template, error) {
	c := &converter{
		p:        p,
		t:        cfn.New(fmt.Sprintf("docker ecs: the compose project %s on Amazon ECS", p.Name)),
		services: map[string]*app.Service{},
		networks: map[string]*app.Network{},
	}
	for _, s := range p.Services {
		c.services[s.Name] = s
	}
	for _, n := range p.Networks {
		c.networks[n.Name] = n
	}
	c.t.Parameters[VPCParameter] = cfn.Parameter{
		Type:        "AWS::EC2::VPC::Id",
		Description: "The VPC the application runs in",
	}
	c.t.Parameters[SubnetsParameter] = cfn.Parameter{
		Type:        "List<AWS::EC2::Subnet::Id>",
		Description: "The subnets of the VPC that the tasks run in",
	}
	c.fileParameters()
	c.project()
	for _, n := range p.Networks {
		c.network(n)
	}
	c.volumes()
	if p.LoadBalancer != nil {
		c.loadBalancer(p.LoadBalancer)
	}
	for _, s := range p.Services {
		c.service(s)
	}
	if p.Overlay != nil && c.err == nil {
		if err := c.t.SetOverlay(p.Overlay); err != nil {
			return nil, overlayError(p, err)
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	return c.t, nil
}

// overlayError names the compose file and the key of the
// x-aws-cloudformation fragment that the template cannot take, which cfn
// gives as an OverlayError. Only then are the files read.
func overlayError(p *app.Project, err error) error {
	var bad *cfn.OverlayError
	if !errors.As(err, &bad) {
		return fmt.Errorf("x-aws-cloudformation: %w", err)
	}
	file, key := load.NewSources(p.Sources).Where("x-aws-cloudformation." + bad.Key)
	if file == "" {
		return fmt.Errorf("%s: %s", key, bad.Msg)
	}
	return fmt.Errorf("%s: %s: %s", file, key, bad.Msg)
}

// converter holds the template being built and the first error, so that
// the building code reads as a list of resources.
type converter struct {
	p        *app.Project
	t        *cfn.Template
	services map[string]*app.Service
	networks map[string]*app.Network
	err      error
}

func (c *converter) add(logicalID string, p cfn.Properties, dependsOn ...string) {
	if err := c.t.Add(logicalID, p, dependsOn...); err != nil {
		c.fail(err)
	}
}

// fail records an error that Validate should have made impossible.
func (c *converter) fail(err error) {
	if c.err == nil {
		c.err = fmt.Errorf("cannot convert the project %s: %w", c.p.Name, err)
	}
}

func (c *converter) projectTags() []cfn.Tag {
	return []cfn.Tag{{Key: ProjectTag, Value: c.p.Name}}
}

func (c *converter) serviceTags(s *app.Service) []cfn.Tag {
	return []cfn.Tag{{Key: ProjectTag, Value: c.p.Name}, {Key: ServiceTag, Value: s.Name}}
}

// project adds the resources every service shares: the cluster (unless
// the project names one), the log group and the private DNS namespace.
func (c *converter) project() {
	if c.p.Cluster == "" {
		cluster := &cfn.Cluster{Tags: c.projectTags()}
		for _, s := range c.p.Services {
			// With GPU instances, the cluster's capacity providers are a
			// resource of their own (gpuCapacity).
			if len(s.Capacity) > 0 && c.p.GPU == nil {
				cluster.CapacityProviders = []string{"FARGATE", "FARGATE_SPOT"}
			}
		}
		c.add(clusterID, cluster)
	}
	if c.p.GPU != nil {
		c.gpuCapacity()
	}
	c.add(logGroupID, &cfn.LogGroup{
		LogGroupName:    LogGroupName(c.p.Name),
		RetentionInDays: c.p.LogRetentionDays,
		Tags:            c.projectTags(),
	})
	c.add(namespaceID, &cfn.PrivateDNSNamespace{
		Name:        c.p.Domain,
		Vpc:         cfn.Ref(VPCParameter),
		Description: fmt.Sprintf("Service discovery for the compose project %s", c.p.Name),
		Tags:        c.projectTags(),
	})
}

// LogGroupName is the name of a project's log group, known before the stack
// exists so that `docker ecs logs` finds it without asking CloudFormation.
func LogGroupName(project string) string {
	return "/docker-ecs/" + project
}

// cluster refers to the project's cluster.
func (c *converter) cluster() any {
	if c.p.Cluster != "" {
		return c.p.Cluster
	}
	return cfn.Ref(clusterID)
}

// clusterName is the name of the project's cluster, where an ARN would not
// do.
func (c *converter) clusterName() any {
	if c.p.Cluster != "" {
		return c.p.Cluster[strings.LastIndex(c.p.Cluster, "/")+1:]
	}
	return cfn.Ref(clusterID)
}

// networkGroup refers to the security group of a network.
func networkGroup(n *app.Network) any {
	if n.External != "" {
		return n.External
	}
	return cfn.GetAtt(n.ID+networkSuffix, "GroupId")
}

// network adds a security group whose members can reach each other on
// every port: a compose network. An external network is a group the user
// has, which the stack leaves alone.
func (c *converter) network(n *app.Network) {
	if n.External != "" {
		return
	}
	id := n.ID + networkSuffix
	c.add(id, &cfn.SecurityGroup{
		GroupDescription: fmt.Sprintf("%s network %s", c.p.Name, n.Name),
		VpcId:            cfn.Ref(VPCParameter),
		Tags: []cfn.Tag{
			{Key: ProjectTag, Value: c.p.Name},
			{Key: NetworkTag, Value: n.Name},
		},
	})
	// A separate resource: a group cannot name itself as a source in its
	// own definition.
	c.add(n.ID+networkIngressSuffix, &cfn.SecurityGroupIngress{
		GroupId:               cfn.GetAtt(id, "GroupId"),
		IpProtocol:            "-1",
		SourceSecurityGroupId: cfn.GetAtt(id, "GroupId"),
		Description:           fmt.Sprintf("Members of the %s network reach each other", n.Name),
	})
}
