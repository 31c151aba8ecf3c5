package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/awsapi"
)

// network finds the VPC and the subnets the project runs in: the VPC it
// names (x-aws-vpc) or the account's default VPC, and the subnets of that
// VPC that reach the internet, so that tasks pull their images and the
// load balancer takes traffic.
func (d *Deployer) network(ctx context.Context, p *app.Project) (vpc string, subnets []string, err error) {
	if p.VPC == "" {
		out, err := d.AWS.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{
			Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}},
		})
		if err != nil {
			return "", nil, awsapi.Explain(err)
		}
		if len(out.Vpcs) == 0 {
			return "", nil, fmt.Errorf("the AWS region %s has no default VPC: create one (aws ec2 create-default-vpc), or name a VPC with x-aws-vpc in the compose file", d.AWS.Region)
		}
		vpc = aws.ToString(out.Vpcs[0].VpcId)
	} else {
		_, err := d.AWS.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{p.VPC}})
		if awsapi.IsCode(err, "InvalidVpcID.NotFound") {
			return "", nil, fmt.Errorf("x-aws-vpc: the VPC %s does not exist in the AWS region %s", p.VPC, d.AWS.Region)
		}
		if err != nil {
			return "", nil, awsapi.Explain(err)
		}
		vpc = p.VPC
	}
	subnets, zones, err := d.publicSubnets(ctx, vpc)
	if err != nil {
		return "", nil, err
	}
	switch {
	case len(subnets) == 0:
		return "", nil, fmt.Errorf("the VPC %s has no subnet with a route to the internet: tasks could not pull their images", vpc)
	case p.LoadBalancer != nil && zones < 2:
		return "", nil, fmt.Errorf("the VPC %s has public subnets in %d Availability Zone, and a load balancer needs two: add a subnet in another zone", vpc, zones)
	}
	return vpc, subnets, nil
}

// publicSubnets returns the subnets of vpc whose route table sends
// 0.0.0.0/0 to an internet gateway, sorted, and how many zones they span.
func (d *Deployer) publicSubnets(ctx context.Context, vpc string) ([]string, int, error) {
	inVPC := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}
	var all []ec2types.Subnet
	sp := ec2.NewDescribeSubnetsPaginator(d.AWS.EC2, &ec2.DescribeSubnetsInput{Filters: inVPC})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			return nil, 0, awsapi.Explain(err)
		}
		all = append(all, page.Subnets...)
	}
	var tables []ec2types.RouteTable
	rp := ec2.NewDescribeRouteTablesPaginator(d.AWS.EC2, &ec2.DescribeRouteTablesInput{Filters: inVPC})
	for rp.HasMorePages() {
		page, err := rp.NextPage(ctx)
		if err != nil {
			return nil, 0, awsapi.Explain(err)
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
	var ids []string
	zones := map[string]bool{}
	for _, s := range all {
		id := aws.ToString(s.SubnetId)
		open, ok := explicit[id]
		if !ok {
			open = main
		}
		if open {
			ids = append(ids, id)
			zones[aws.ToString(s.AvailabilityZone)] = true
		}
	}
	slices.Sort(ids)
	return ids, len(zones), nil
}

func internetRoute(t ec2types.RouteTable) bool {
	for _, r := range t.Routes {
		if aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" && strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") {
			return true
		}
	}
	return false
}
