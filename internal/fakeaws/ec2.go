package fakeaws

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

type ec2State struct {
	vpcs            []*vpc
	subnets         []*subnet
	routeTables     []*routeTable
	groups          []*securityGroup
	launchTemplates []*launchTemplate
}

type vpc struct {
	id, cidr  string
	isDefault bool
	tags      []tag
}

type subnet struct {
	id, vpcID, az, cidr string
	defaultForAz        bool
	mapPublicIP         bool
	tags                []tag
}

type routeTable struct {
	id, vpcID string
	main      bool
	subnets   []string
	routes    []route
}

type route struct{ destination, gateway string }

type securityGroup struct {
	id, name, description, vpcID string
	ingress, egress              []sgRule
	tags                         []tag
}

type sgRule struct {
	id, protocol, cidr, sourceGroup, description string
	from, to                                     int
}

// availabilityZones are the zones the fake gives every region.
func availabilityZones(region string) []string {
	return []string{region + "a", region + "b", region + "c"}
}

// zoneID turns eu-west-1b into euw1-az2.
func zoneID(az string) string {
	region, letter := az[:len(az)-1], az[len(az)-1]
	parts := strings.Split(region, "-")
	short := parts[0]
	for _, p := range parts[1:] {
		if p != "" && (p[0] < '0' || p[0] > '9') {
			short += p[:1]
		} else {
			short += p
		}
	}
	return fmt.Sprintf("%s-az%d", short, letter-'a'+1)
}

// init builds the default VPC every account has: 172.31.0.0/16, a public
// default subnet per zone, a main route table to an internet gateway.
func (e *ec2State) init(s *Server) {
	v := &vpc{id: "vpc-" + s.randString(lowerHex, 17), cidr: "172.31.0.0/16", isDefault: true}
	e.vpcs = append(e.vpcs, v)
	igw := "igw-" + s.randString(lowerHex, 17)
	e.routeTables = append(e.routeTables, &routeTable{id: "rtb-" + s.randString(lowerHex, 17), vpcID: v.id, main: true,
		routes: []route{{"172.31.0.0/16", "local"}, {"0.0.0.0/0", igw}}})
	for i, az := range availabilityZones(s.opts.Region) {
		e.subnets = append(e.subnets, &subnet{id: "subnet-" + s.randString(lowerHex, 17), vpcID: v.id, az: az,
			cidr: fmt.Sprintf("172.31.%d.0/20", 16*i), defaultForAz: true, mapPublicIP: true})
	}
	e.groups = append(e.groups, &securityGroup{id: "sg-" + s.randString(lowerHex, 17), name: "default", description: "default VPC security group", vpcID: v.id,
		egress: []sgRule{{id: "sgr-" + s.randString(lowerHex, 17), protocol: "-1", cidr: "0.0.0.0/0"}}})
}

func (e *ec2State) vpc(id string) *vpc {
	for _, v := range e.vpcs {
		if v.id == id {
			return v
		}
	}
	return nil
}

func (e *ec2State) subnet(id string) *subnet {
	for _, sn := range e.subnets {
		if sn.id == id {
			return sn
		}
	}
	return nil
}

// subnetsOf lists the IDs of the subnets of a VPC.
func (e *ec2State) subnetsOf(vpcID string) []string {
	var out []string
	for _, sn := range e.subnets {
		if sn.vpcID == vpcID {
			out = append(out, sn.id)
		}
	}
	return out
}

// defaultGroup is the ID of the default security group of a VPC, "" if
// it has none.
func (e *ec2State) defaultGroup(vpcID string) string {
	id := ""
	for _, g := range e.groups {
		if g.vpcID == vpcID && g.name == "default" {
			id = g.id
		}
	}
	return id
}

func (e *ec2State) group(id string) *securityGroup {
	for _, g := range e.groups {
		if g.id == id {
			return g
		}
	}
	return nil
}

func (e *ec2State) defaultVPC() *vpc {
	for _, v := range e.vpcs {
		if v.isDefault {
			return v
		}
	}
	return nil
}

// DefaultVPC returns the ID of the default VPC and of its subnets, or ""
// when the test removed it.
func (s *Server) DefaultVPC() (vpcID string, subnetIDs []string) {
	s.lock()
	defer s.mu.Unlock()
	v := s.ec2.defaultVPC()
	if v == nil {
		return "", nil
	}
	return v.id, s.ec2.subnetsOf(v.id)
}

// RemoveDefaultVPC deletes the default VPC with its subnets, route tables
// and security groups, as some accounts have done.
func (s *Server) RemoveDefaultVPC() {
	s.lock()
	defer s.mu.Unlock()
	v := s.ec2.defaultVPC()
	if v == nil {
		return
	}
	s.ec2.removeVPC(v.id)
}

func (e *ec2State) removeVPC(id string) {
	e.vpcs = slices.DeleteFunc(e.vpcs, func(v *vpc) bool { return v.id == id })
	e.subnets = slices.DeleteFunc(e.subnets, func(sn *subnet) bool { return sn.vpcID == id })
	e.routeTables = slices.DeleteFunc(e.routeTables, func(rt *routeTable) bool { return rt.vpcID == id })
	e.groups = slices.DeleteFunc(e.groups, func(g *securityGroup) bool { return g.vpcID == id })
}

// AddVPC adds a (non-default) VPC with its main route table, which has no
// internet route, and its default security group. It returns the VPC ID.
func (s *Server) AddVPC(cidr string, tags map[string]string) string {
	s.lock()
	defer s.mu.Unlock()
	v := &vpc{id: "vpc-" + s.randString(lowerHex, 17), cidr: cidr, tags: tagList(tags)}
	s.ec2.vpcs = append(s.ec2.vpcs, v)
	s.ec2.routeTables = append(s.ec2.routeTables, &routeTable{id: "rtb-" + s.randString(lowerHex, 17), vpcID: v.id, main: true, routes: []route{{cidr, "local"}}})
	s.ec2.groups = append(s.ec2.groups, &securityGroup{id: "sg-" + s.randString(lowerHex, 17), name: "default", description: "default VPC security group", vpcID: v.id,
		egress: []sgRule{{id: "sgr-" + s.randString(lowerHex, 17), protocol: "-1", cidr: "0.0.0.0/0"}}})
	return v.id
}

// AddSubnet adds a subnet to a VPC. A public subnet gets its own route
// table with a 0.0.0.0/0 route to an internet gateway; a private one uses
// the VPC's main route table. It returns the subnet ID.
func (s *Server) AddSubnet(vpcID, az, cidr string, public bool, tags map[string]string) string {
	s.lock()
	defer s.mu.Unlock()
	sn := &subnet{id: "subnet-" + s.randString(lowerHex, 17), vpcID: vpcID, az: az, cidr: cidr, mapPublicIP: public, tags: tagList(tags)}
	s.ec2.subnets = append(s.ec2.subnets, sn)
	if public {
		v := s.ec2.vpc(vpcID)
		local := ""
		if v != nil {
			local = v.cidr
		}
		s.ec2.routeTables = append(s.ec2.routeTables, &routeTable{id: "rtb-" + s.randString(lowerHex, 17), vpcID: vpcID, subnets: []string{sn.id},
			routes: []route{{local, "local"}, {"0.0.0.0/0", "igw-" + s.randString(lowerHex, 17)}}})
	}
	return sn.id
}

// AddSecurityGroup adds a security group that no stack owns and returns
// its ID.
func (s *Server) AddSecurityGroup(vpcID, name, description string, tags map[string]string) string {
	s.lock()
	defer s.mu.Unlock()
	g := &securityGroup{id: "sg-" + s.randString(lowerHex, 17), name: name, description: description, vpcID: vpcID, tags: tagList(tags)}
	s.ec2.groups = append(s.ec2.groups, g)
	return g.id
}

func tagList(m map[string]string) []tag {
	var out []tag
	for k, v := range m {
		out = append(out, tag{k, v})
	}
	slices.SortFunc(out, func(a, b tag) int { return strings.Compare(a.key, b.key) })
	return out
}

func tagValue(tags []tag, key string) (string, bool) {
	for _, t := range tags {
		if t.key == key {
			return t.value, true
		}
	}
	return "", false
}

// randomIP picks an address inside a subnet's CIDR for a task's ENI.
func (s *Server) randomIP(cidr string) string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return fmt.Sprintf("10.0.%d.%d", s.rng.IntN(250), 4+s.rng.IntN(250))
	}
	b := p.Masked().Addr().As4()
	hostBits := 32 - p.Bits()
	n := uint32(4)
	if hostBits > 3 {
		n += uint32(s.rng.IntN(1<<min(hostBits, 16) - 8))
	}
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += n
	return fmt.Sprintf("%d.%d.%d.%d", v>>24, v>>16&0xff, v>>8&0xff, v&0xff)
}

// --- API ---

func init() {
	register(svcEC2, map[string]handlerFunc{
		"DescribeVpcs":              (*Server).describeVpcs,
		"DescribeSubnets":           (*Server).describeSubnets,
		"DescribeSecurityGroups":    (*Server).describeSecurityGroups,
		"DescribeRouteTables":       (*Server).describeRouteTables,
		"DescribeAvailabilityZones": (*Server).describeAvailabilityZones,
	})
}

// ec2Filter is one Filter.N of an ec2Query call.
type ec2Filter struct {
	name   string
	values []string
}

func (r *request) ec2Filters() []ec2Filter {
	var out []ec2Filter
	for _, f := range r.structs("Filter.") {
		out = append(out, ec2Filter{name: f.Get("Name"), values: indexed(f, "Value.")})
	}
	return out
}

// matchFilters applies ec2 filters; field returns the values of an
// attribute, ok false for a filter name the resource does not know.
func matchFilters(filters []ec2Filter, tags []tag, field func(name string) ([]string, bool)) bool {
	for _, f := range filters {
		var have []string
		if key, ok := strings.CutPrefix(f.name, "tag:"); ok {
			if v, ok := tagValue(tags, key); ok {
				have = []string{v}
			}
		} else if f.name == "tag-key" {
			for _, t := range tags {
				have = append(have, t.key)
			}
		} else {
			v, known := field(f.name)
			if !known {
				continue
			}
			have = v
		}
		match := false
		for _, want := range f.values {
			if slices.Contains(have, want) {
				match = true
			}
		}
		if !match {
			return false
		}
	}
	return true
}

func tagSet(tags []tag) *node {
	items := make([]*node, len(tags))
	for i, t := range tags {
		items[i] = el("", tx("key", t.key), &node{name: "value", text: t.value})
	}
	return list("tagSet", "item", items)
}

func (s *Server) describeVpcs(req *request, _ time.Time) (any, error) {
	ids := req.seq("VpcId.")
	filters := req.ec2Filters()
	var items []*node
	for _, id := range ids {
		if s.ec2.vpc(id) == nil {
			return nil, errorf(400, "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
		}
	}
	for _, v := range s.ec2.vpcs {
		if len(ids) > 0 && !slices.Contains(ids, v.id) {
			continue
		}
		if !matchFilters(filters, v.tags, func(name string) ([]string, bool) {
			switch name {
			case "vpc-id":
				return []string{v.id}, true
			case "isDefault", "is-default":
				return []string{fmt.Sprint(v.isDefault)}, true
			case "cidr", "cidr-block-association.cidr-block":
				return []string{v.cidr}, true
			case "state":
				return []string{"available"}, true
			}
			return nil, false
		}) {
			continue
		}
		items = append(items, el("", tx("vpcId", v.id), tx("ownerId", s.opts.AccountID), tx("state", "available"), tx("cidrBlock", v.cidr),
			tx("instanceTenancy", "default"), tb("isDefault", v.isDefault), tagSet(v.tags)))
	}
	return []*node{list("vpcSet", "item", items)}, nil
}

func (s *Server) describeSubnets(req *request, _ time.Time) (any, error) {
	ids := req.seq("SubnetId.")
	filters := req.ec2Filters()
	for _, id := range ids {
		if s.ec2.subnet(id) == nil {
			return nil, errorf(400, "InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
		}
	}
	var items []*node
	for _, sn := range s.ec2.subnets {
		if len(ids) > 0 && !slices.Contains(ids, sn.id) {
			continue
		}
		if !matchFilters(filters, sn.tags, func(name string) ([]string, bool) {
			switch name {
			case "vpc-id":
				return []string{sn.vpcID}, true
			case "subnet-id":
				return []string{sn.id}, true
			case "default-for-az", "defaultForAz":
				return []string{fmt.Sprint(sn.defaultForAz)}, true
			case "availability-zone", "availabilityZone":
				return []string{sn.az}, true
			case "availability-zone-id":
				return []string{zoneID(sn.az)}, true
			case "map-public-ip-on-launch":
				return []string{fmt.Sprint(sn.mapPublicIP)}, true
			case "cidr-block", "cidr", "cidrBlock":
				return []string{sn.cidr}, true
			case "state":
				return []string{"available"}, true
			}
			return nil, false
		}) {
			continue
		}
		items = append(items, el("", tx("subnetId", sn.id), tx("subnetArn", s.arn("ec2", "subnet/"+sn.id)), tx("vpcId", sn.vpcID), tx("ownerId", s.opts.AccountID),
			tx("state", "available"), tx("cidrBlock", sn.cidr), ti("availableIpAddressCount", 4091), tx("availabilityZone", sn.az),
			tx("availabilityZoneId", zoneID(sn.az)), tb("defaultForAz", sn.defaultForAz), tb("mapPublicIpOnLaunch", sn.mapPublicIP), tagSet(sn.tags)))
	}
	return []*node{list("subnetSet", "item", items)}, nil
}

func sgRules(name string, rules []sgRule, owner string) *node {
	items := make([]*node, len(rules))
	for i, r := range rules {
		var ranges, groups *node
		if r.cidr != "" {
			ranges = list("ipRanges", "item", []*node{el("", tx("cidrIp", r.cidr), tx("description", r.description))})
		}
		if r.sourceGroup != "" {
			groups = list("groups", "item", []*node{el("", tx("groupId", r.sourceGroup), tx("userId", owner), tx("description", r.description))})
		}
		item := el("", tx("ipProtocol", r.protocol), ranges, groups)
		if r.protocol != "-1" {
			item.kids = append(item.kids, ti("fromPort", r.from), ti("toPort", r.to))
		}
		items[i] = item
	}
	return list(name, "item", items)
}

func (s *Server) describeSecurityGroups(req *request, _ time.Time) (any, error) {
	ids := req.seq("GroupId.")
	names := req.seq("GroupName.")
	filters := req.ec2Filters()
	for _, id := range ids {
		if s.ec2.group(id) == nil {
			return nil, errorf(400, "InvalidGroup.NotFound", "The security group '%s' does not exist", id)
		}
	}
	var items []*node
	for _, g := range s.ec2.groups {
		if (len(ids) > 0 && !slices.Contains(ids, g.id)) || (len(names) > 0 && !slices.Contains(names, g.name)) {
			continue
		}
		if !matchFilters(filters, g.tags, func(name string) ([]string, bool) {
			switch name {
			case "vpc-id":
				return []string{g.vpcID}, true
			case "group-id":
				return []string{g.id}, true
			case "group-name":
				return []string{g.name}, true
			case "description":
				return []string{g.description}, true
			}
			return nil, false
		}) {
			continue
		}
		items = append(items, el("", tx("ownerId", s.opts.AccountID), tx("groupId", g.id), tx("groupName", g.name), tx("groupDescription", g.description),
			tx("vpcId", g.vpcID), sgRules("ipPermissions", g.ingress, s.opts.AccountID), sgRules("ipPermissionsEgress", g.egress, s.opts.AccountID), tagSet(g.tags)))
	}
	return []*node{list("securityGroupInfo", "item", items)}, nil
}

func (s *Server) describeRouteTables(req *request, _ time.Time) (any, error) {
	ids := req.seq("RouteTableId.")
	filters := req.ec2Filters()
	var items []*node
	for _, rt := range s.ec2.routeTables {
		if len(ids) > 0 && !slices.Contains(ids, rt.id) {
			continue
		}
		if !matchFilters(filters, nil, func(name string) ([]string, bool) {
			switch name {
			case "vpc-id":
				return []string{rt.vpcID}, true
			case "route-table-id":
				return []string{rt.id}, true
			case "association.subnet-id":
				return rt.subnets, true
			case "association.main":
				return []string{fmt.Sprint(rt.main)}, true
			}
			return nil, false
		}) {
			continue
		}
		var assocs, routes []*node
		if rt.main {
			assocs = append(assocs, el("", tx("routeTableAssociationId", "rtbassoc-"+rt.id[4:]), tx("routeTableId", rt.id), tb("main", true),
				el("associationState", tx("state", "associated"))))
		}
		for _, sn := range rt.subnets {
			assocs = append(assocs, el("", tx("routeTableAssociationId", "rtbassoc-"+sn[7:]), tx("routeTableId", rt.id), tx("subnetId", sn), tb("main", false),
				el("associationState", tx("state", "associated"))))
		}
		for _, r := range rt.routes {
			routes = append(routes, el("", tx("destinationCidrBlock", r.destination), tx("gatewayId", r.gateway), tx("state", "active"), tx("origin", "CreateRouteTable")))
		}
		items = append(items, el("", tx("routeTableId", rt.id), tx("vpcId", rt.vpcID), tx("ownerId", s.opts.AccountID),
			list("associationSet", "item", assocs), list("routeSet", "item", routes)))
	}
	return []*node{list("routeTableSet", "item", items)}, nil
}

func (s *Server) describeAvailabilityZones(req *request, _ time.Time) (any, error) {
	names := req.seq("ZoneName.")
	var items []*node
	for _, az := range availabilityZones(s.opts.Region) {
		if len(names) > 0 && !slices.Contains(names, az) {
			continue
		}
		items = append(items, el("", tx("zoneName", az), tx("zoneId", zoneID(az)), tx("zoneState", "available"), tx("regionName", s.opts.Region),
			tx("optInStatus", "opt-in-not-required"), tx("zoneType", "availability-zone"), tx("groupName", s.opts.Region), tx("networkBorderGroup", s.opts.Region)))
	}
	return []*node{list("availabilityZoneInfo", "item", items)}, nil
}
