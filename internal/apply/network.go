package apply

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/convert"
)

// subnet is a subnet of the VPC, and whether it routes to the internet.
type subnet struct {
	id, zone string
	public   bool
}

// parameters finds in the AWS account what the template's parameters
// name, and checks that what the project names exists and fits: the VPC,
// the subnets of the tasks and of the load balancer, an existing load
// balancer, an existing cluster, the certificate. stack is the project's
// stack, nil on a first deploy.
func (d *Deployer) parameters(ctx context.Context, p *app.Project, stack *cfntypes.Stack) ([]cfntypes.Parameter, error) {
	params := map[string]string{}
	// The stack's resources, which an existing load balancer and the
	// volumes both look at: listed once, when first needed.
	resources := sync.OnceValues(func() ([]cfntypes.StackResourceSummary, error) {
		if stack == nil {
			return nil, nil
		}
		return d.stackResources(ctx, aws.ToString(stack.StackId))
	})
	vpc := p.VPC
	lb := p.LoadBalancer
	if lb != nil && lb.Existing != "" {
		existing, err := d.existingLoadBalancer(ctx, p, resources)
		if err != nil {
			return nil, err
		}
		if vpc != "" && vpc != aws.ToString(existing.VpcId) {
			return nil, fmt.Errorf("x-aws-loadbalancer: %s is in the VPC %s, not in %s (x-aws-vpc)", lb.Existing, aws.ToString(existing.VpcId), vpc)
		}
		vpc = aws.ToString(existing.VpcId)
		params[convert.LoadBalancerARNParameter] = aws.ToString(existing.LoadBalancerArn)
		params[convert.LoadBalancerDNSParameter] = aws.ToString(existing.DNSName)
		params[convert.LoadBalancerGroupParameter] = existing.SecurityGroups[0]
	}
	vpc, err := d.vpc(ctx, vpc, p.VPC != "")
	if err != nil {
		return nil, err
	}
	params[convert.VPCParameter] = vpc
	subnets, err := d.subnets(ctx, vpc)
	if err != nil {
		return nil, err
	}

	var tasks []subnet
	switch {
	case len(p.Subnets) > 0:
		for _, id := range p.Subnets {
			i := slices.IndexFunc(subnets, func(s subnet) bool { return s.id == id })
			if i < 0 {
				return nil, fmt.Errorf("x-aws-subnets: the subnet %s is not in the VPC %s (region %s)", id, vpc, d.AWS.Region)
			}
			tasks = append(tasks, subnets[i])
		}
	case p.Private:
		tasks = filter(subnets, false)
		if len(tasks) == 0 {
			return nil, fmt.Errorf("x-aws-private: the VPC %s has no private subnet (one without a route to an internet gateway) for the tasks", vpc)
		}
	default:
		tasks = filter(subnets, true)
		if len(tasks) == 0 {
			return nil, fmt.Errorf("the VPC %s has no subnet with a route to the internet: tasks could not pull their images (with a NAT or VPC endpoints, set x-aws-private: true)", vpc)
		}
	}
	params[convert.SubnetsParameter] = ids(tasks)

	if lb != nil && lb.Existing == "" {
		lbSubnets := filter(subnets, true)
		what := "public subnets"
		if lb.Internal {
			lbSubnets, what = tasks, "subnets"
		}
		if n := zones(lbSubnets); n < 2 {
			return nil, fmt.Errorf("the VPC %s has %s in %d Availability Zone, and a load balancer needs two: add a subnet in another zone", vpc, what, n)
		}
		params[convert.LoadBalancerSubnetsParameter] = ids(lbSubnets)
	}
	if err := d.volumeParameters(ctx, p, resources, tasks, params); err != nil {
		return nil, err
	}
	if lb != nil && lb.Certificate != "" {
		// arn:aws:acm:REGION:ACCOUNT:certificate/ID
		if region := strings.Split(lb.Certificate, ":")[3]; region != d.AWS.Region {
			return nil, fmt.Errorf("x-aws-certificate: the certificate is in %s, and a load balancer in %s needs one of its own region", region, d.AWS.Region)
		}
	}
	if p.Cluster != "" {
		if err := d.existingCluster(ctx, p); err != nil {
			return nil, err
		}
	}

	var out []cfntypes.Parameter
	for _, k := range slices.Sorted(maps.Keys(params)) {
		out = append(out, cfntypes.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(params[k])})
	}
	return out, nil
}

// vpc checks the VPC the project names, or finds the default one.
func (d *Deployer) vpc(ctx context.Context, id string, named bool) (string, error) {
	if id == "" {
		out, err := d.AWS.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{
			Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}},
		})
		if err != nil {
			return "", awsapi.Explain(err)
		}
		if len(out.Vpcs) == 0 {
			return "", fmt.Errorf("the AWS region %s has no default VPC: create one (aws ec2 create-default-vpc), or name a VPC with x-aws-vpc in the compose file", d.AWS.Region)
		}
		return aws.ToString(out.Vpcs[0].VpcId), nil
	}
	if !named {
		return id, nil // the VPC of an existing load balancer
	}
	_, err := d.AWS.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{id}})
	if awsapi.IsCode(err, "InvalidVpcID.NotFound") {
		return "", fmt.Errorf("x-aws-vpc: the VPC %s does not exist in the AWS region %s", id, d.AWS.Region)
	}
	return id, awsapi.Explain(err)
}

// subnets returns the subnets of vpc, sorted, each public when its route
// table sends 0.0.0.0/0 to an internet gateway.
func (d *Deployer) subnets(ctx context.Context, vpc string) ([]subnet, error) {
	inVPC := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}
	var all []ec2types.Subnet
	sp := ec2.NewDescribeSubnetsPaginator(d.AWS.EC2, &ec2.DescribeSubnetsInput{Filters: inVPC})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			return nil, awsapi.Explain(err)
		}
		all = append(all, page.Subnets...)
	}
	var tables []ec2types.RouteTable
	rp := ec2.NewDescribeRouteTablesPaginator(d.AWS.EC2, &ec2.DescribeRouteTablesInput{Filters: inVPC})
	for rp.HasMorePages() {
		page, err := rp.NextPage(ctx)
		if err != nil {
			return nil, awsapi.Explain(err)
		}
		tables = append(tables, page.RouteTables...)
	}
	// A subnet uses the table it is associated with, else the main one.
	explicit := map[string]bool{}
	var main bool
	for _, t := range tables {
		open := internetRoute(t)
		for _, a := range t.Associations {
			if aws.ToBool(a.Main) {
				main = open
			} else if a.SubnetId != nil {
				explicit[*a.SubnetId] = open
			}
		}
	}
	var out []subnet
	for _, s := range all {
		id := aws.ToString(s.SubnetId)
		open, ok := explicit[id]
		if !ok {
			open = main
		}
		out = append(out, subnet{id: id, zone: aws.ToString(s.AvailabilityZone), public: open})
	}
	slices.SortFunc(out, func(a, b subnet) int { return strings.Compare(a.id, b.id) })
	return out, nil
}

func internetRoute(t ec2types.RouteTable) bool {
	for _, r := range t.Routes {
		if aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" && strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") {
			return true
		}
	}
	return false
}

func filter(subnets []subnet, public bool) []subnet {
	var out []subnet
	for _, s := range subnets {
		if s.public == public {
			out = append(out, s)
		}
	}
	return out
}

func ids(subnets []subnet) string {
	out := make([]string, len(subnets))
	for i, s := range subnets {
		out[i] = s.id
	}
	return strings.Join(out, ",")
}

func zones(subnets []subnet) int {
	seen := map[string]bool{}
	for _, s := range subnets {
		seen[s.zone] = true
	}
	return len(seen)
}

// existingLoadBalancer finds the load balancer the project names and
// checks it fits: its type is the one the published ports need, it has a
// security group for the tasks to let in, and no listener of its own on
// the ports the project publishes.
func (d *Deployer) existingLoadBalancer(ctx context.Context, p *app.Project, resources func() ([]cfntypes.StackResourceSummary, error)) (elbtypes.LoadBalancer, error) {
	want := p.LoadBalancer
	in := &elb.DescribeLoadBalancersInput{Names: []string{want.Existing}}
	if strings.HasPrefix(want.Existing, "arn:") {
		in = &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{want.Existing}}
	}
	out, err := d.AWS.ELB.DescribeLoadBalancers(ctx, in)
	if awsapi.IsCode(err, "LoadBalancerNotFound", "ValidationError") || (err == nil && len(out.LoadBalancers) == 0) {
		return elbtypes.LoadBalancer{}, fmt.Errorf("x-aws-loadbalancer: the load balancer %s does not exist in the AWS region %s", want.Existing, d.AWS.Region)
	}
	if err != nil {
		return elbtypes.LoadBalancer{}, awsapi.Explain(err)
	}
	lb := out.LoadBalancers[0]
	if string(lb.Type) != want.Type {
		how := "mark them x-aws-protocol: http"
		if want.Type == "network" {
			how = "every published port must speak HTTP (port 80, or x-aws-protocol: http)"
		}
		return lb, fmt.Errorf("x-aws-loadbalancer: %s is an %s load balancer, and the published ports need a %s one: %s", want.Existing, lb.Type, want.Type, how)
	}
	if len(lb.SecurityGroups) == 0 {
		return lb, fmt.Errorf("x-aws-loadbalancer: %s has no security group, so the tasks cannot let it, and only it, in; use a load balancer with a security group", want.Existing)
	}
	// The listeners the stack made are the project's; any other one holds
	// its port.
	ours := map[string]bool{}
	stackResources, err := resources()
	if err != nil {
		return lb, err
	}
	for _, r := range stackResources {
		ours[aws.ToString(r.PhysicalResourceId)] = true
	}
	listeners, err := d.AWS.ELB.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})
	if err != nil {
		return lb, awsapi.Explain(err)
	}
	for _, l := range listeners.Listeners {
		if ours[aws.ToString(l.ListenerArn)] {
			continue
		}
		for _, mine := range want.Listeners {
			if int32(mine.Port) == aws.ToInt32(l.Port) {
				return lb, fmt.Errorf("x-aws-loadbalancer: port %d of %s is taken by another listener; publish %s on another port", mine.Port, want.Existing, mine.Service)
			}
		}
	}
	return lb, nil
}

// existingCluster checks that the cluster the project names exists, and
// has the capacity providers its services use.
func (d *Deployer) existingCluster(ctx context.Context, p *app.Project) error {
	out, err := d.AWS.ECS.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{p.Cluster}})
	if err != nil {
		return awsapi.Explain(err)
	}
	if len(out.Clusters) == 0 || aws.ToString(out.Clusters[0].Status) != "ACTIVE" {
		return fmt.Errorf("x-aws-cluster: the ECS cluster %s does not exist in the AWS region %s", p.Cluster, d.AWS.Region)
	}
	have := out.Clusters[0].CapacityProviders
	for _, s := range p.Services {
		for _, c := range s.Capacity {
			if !slices.Contains(have, c.Provider) {
				return fmt.Errorf("services.%s.x-aws-capacity: the cluster %s has no %s capacity provider; add it (aws ecs put-cluster-capacity-providers), or run %s on demand", s.Name, p.Cluster, c.Provider, s.Name)
			}
		}
	}
	return nil
}
