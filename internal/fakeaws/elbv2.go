package fakeaws

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

type elbState struct {
	lbs       []*loadBalancer
	tgs       []*targetGroup
	listeners []*listener
	rules     []*listenerRule
}

type loadBalancer struct {
	arn, name, dns, scheme, typ, vpcID, state string
	subnets, securityGroups                   []string
	created                                   time.Time
	tags                                      []tag
}

type targetGroup struct {
	arn, name, protocol, targetType, vpcID string
	port                                   int
	props                                  map[string]any
	tags                                   []tag
}

type listener struct {
	arn, lbARN, protocol string
	port                 int
	actions              []any
	tags                 []tag
}

type listenerRule struct {
	arn, listenerARN string
	actions          []any
}

// canonicalZones are the Route 53 zones of application load balancers.
var canonicalZones = map[string]string{
	"us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2", "us-west-1": "Z368ELLRRE2KJ0", "us-west-2": "Z1H1FL5HABSF5",
	"eu-west-1": "Z32O12XQLNTSW2", "eu-west-2": "ZHURV8PSTC4K8", "eu-west-3": "Z3Q77PNBQS71R4", "eu-central-1": "Z215JYRZR1TBD5",
	"ap-northeast-1": "Z14GRHDCWA56QT", "ap-southeast-1": "Z1LMS91P8CMLE5", "ap-southeast-2": "Z1GM3OXH4ZPM65",
}

func (s *Server) canonicalZone() string {
	if z, ok := canonicalZones[s.opts.Region]; ok {
		return z
	}
	return "Z35SXDOTRQ7X7K"
}

func (e *elbState) lb(arn string) *loadBalancer {
	for _, lb := range e.lbs {
		if lb.arn == arn {
			return lb
		}
	}
	return nil
}

func (e *elbState) tg(arn string) *targetGroup {
	for _, tg := range e.tgs {
		if tg.arn == arn {
			return tg
		}
	}
	return nil
}

// newLoadBalancer creates a load balancer in the provisioning state.
func (s *Server) newLoadBalancer(name, typ, scheme, vpcID string, subnets, groups []string, tags []tag, at time.Time) *loadBalancer {
	typ, scheme = orDefault(typ, "application"), orDefault(scheme, "internet-facing")
	short := map[string]string{"application": "app", "network": "net", "gateway": "gwy"}[typ]
	id := s.randString(lowerHex, 16)
	lb := &loadBalancer{arn: s.arn("elasticloadbalancing", fmt.Sprintf("loadbalancer/%s/%s/%s", short, name, id)), name: name, typ: typ,
		scheme: scheme, vpcID: vpcID, subnets: subnets, securityGroups: groups, state: "provisioning", created: at, tags: tags}
	prefix := ""
	if scheme == "internal" {
		prefix = "internal-"
	}
	if typ == "network" {
		lb.dns = fmt.Sprintf("%s%s-%s.elb.%s.%s", prefix, name, id, s.opts.Region, urlSuffix(s.opts.Region))
	} else {
		lb.dns = fmt.Sprintf("%s%s-%s.%s.elb.%s", prefix, name, s.randString("0123456789", 10), s.opts.Region, urlSuffix(s.opts.Region))
	}
	s.elb.lbs = append(s.elb.lbs, lb)
	return lb
}

// fullName is the part of an ELB ARN after "loadbalancer/" or the
// resource type: what CloudWatch metrics call the LoadBalancerFullName.
func fullName(arn, after string) string {
	_, rest, _ := strings.Cut(arn, after)
	return rest
}

// AddLoadBalancer adds an active application load balancer that no stack
// owns, in the given VPC's subnets, and returns its ARN.
func (s *Server) AddLoadBalancer(name, vpcID string, tags map[string]string) string {
	now := s.lock()
	defer s.mu.Unlock()
	return s.addActiveLoadBalancer(name, "application", vpcID, nil, tagList(tags), now).arn
}

// addActiveLoadBalancer adds an active internet-facing load balancer that
// no stack owns, in the subnets of its VPC.
func (s *Server) addActiveLoadBalancer(name, typ, vpcID string, groups []string, tags []tag, now time.Time) *loadBalancer {
	lb := s.newLoadBalancer(name, typ, "internet-facing", vpcID, s.ec2.subnetsOf(vpcID), groups, tags, now)
	lb.state = "active"
	return lb
}

// ExistingLoadBalancer describes a load balancer that no stack owns, for
// AddExistingLoadBalancer.
type ExistingLoadBalancer struct {
	Name, VPC string
	// Type is application (the default) or network.
	Type           string
	SecurityGroups []string
	// Ports are ports its own listeners hold.
	Ports []int
}

// AddExistingLoadBalancer adds an active load balancer that no stack owns,
// in its VPC's subnets, with listeners on its ports, and returns its ARN.
func (s *Server) AddExistingLoadBalancer(e ExistingLoadBalancer) string {
	now := s.lock()
	defer s.mu.Unlock()
	lb := s.addActiveLoadBalancer(e.Name, e.Type, e.VPC, e.SecurityGroups, nil, now)
	protocol := "HTTP"
	if lb.typ == "network" {
		protocol = "TCP"
	}
	for _, port := range e.Ports {
		s.elb.listeners = append(s.elb.listeners, &listener{
			arn:      s.listenerARN(lb.arn),
			lbARN:    lb.arn,
			protocol: protocol,
			port:     port,
		})
	}
	return lb.arn
}

// listenerARN draws the ARN of a new listener of load balancer lbARN.
func (s *Server) listenerARN(lbARN string) string {
	return strings.Replace(lbARN, ":loadbalancer/", ":listener/", 1) + "/" + s.randString(lowerHex, 16)
}

// targetGroupARNs lists the target groups a listener action list forwards to.
func targetGroupARNs(actions []any) []string {
	var out []string
	for _, a := range actions {
		m, _ := a.(map[string]any)
		if arn := scalarString(m["TargetGroupArn"]); arn != "" {
			out = append(out, arn)
		}
		if fc, ok := m["ForwardConfig"].(map[string]any); ok {
			for _, t := range asList(fc["TargetGroups"]) {
				tm, _ := t.(map[string]any)
				if arn := scalarString(tm["TargetGroupArn"]); arn != "" {
					out = append(out, arn)
				}
			}
		}
	}
	return out
}

// loadBalancersOf lists the load balancers whose listeners or rules
// forward to a target group.
func (s *Server) loadBalancersOf(tgARN string) []string {
	var out []string
	add := func(l *listener) {
		if !slices.Contains(out, l.lbARN) {
			out = append(out, l.lbARN)
		}
	}
	for _, l := range s.elb.listeners {
		if slices.Contains(targetGroupARNs(l.actions), tgARN) {
			add(l)
		}
	}
	for _, r := range s.elb.rules {
		if slices.Contains(targetGroupARNs(r.actions), tgARN) {
			for _, l := range s.elb.listeners {
				if l.arn == r.listenerARN {
					add(l)
				}
			}
		}
	}
	return out
}

func init() {
	register(svcELB, map[string]handlerFunc{
		"DescribeLoadBalancers": (*Server).describeLoadBalancers,
		"DescribeListeners":     (*Server).describeListeners,
		"DescribeTargetGroups":  (*Server).describeTargetGroups,
		"DescribeTargetHealth":  (*Server).describeTargetHealth,
		"DescribeTags":          (*Server).describeELBTags,
	})
}

func (s *Server) describeLoadBalancers(req *request, _ time.Time) (any, error) {
	arns, names := req.members("LoadBalancerArns"), req.members("Names")
	var items []*node
	found := 0
	for _, lb := range s.elb.lbs {
		if (len(arns) > 0 && !slices.Contains(arns, lb.arn)) || (len(names) > 0 && !slices.Contains(names, lb.name)) {
			continue
		}
		found++
		var zones []*node
		for _, id := range lb.subnets {
			az := ""
			if sn := s.ec2.subnet(id); sn != nil {
				az = sn.az
			}
			zones = append(zones, el("", tx("ZoneName", az), tx("SubnetId", id)))
		}
		items = append(items, el("", tx("LoadBalancerArn", lb.arn), tx("DNSName", lb.dns), tx("CanonicalHostedZoneId", s.canonicalZone()),
			tt("CreatedTime", lb.created), tx("LoadBalancerName", lb.name), tx("Scheme", lb.scheme), tx("VpcId", lb.vpcID),
			el("State", tx("Code", lb.state)), tx("Type", lb.typ), list("AvailabilityZones", "member", zones),
			strList("SecurityGroups", "member", lb.securityGroups), tx("IpAddressType", "ipv4")))
	}
	if found < max(len(arns), len(names)) {
		return nil, errorf(400, "LoadBalancerNotFound", "One or more load balancers not found")
	}
	return []*node{list("LoadBalancers", "member", items)}, nil
}

func actionNodes(actions []any) *node {
	var items []*node
	for i, a := range actions {
		m, _ := a.(map[string]any)
		order := intProp(m["Order"], i+1)
		items = append(items, el("", tx("Type", scalarString(m["Type"])), tx("TargetGroupArn", scalarString(m["TargetGroupArn"])), ti("Order", order)))
	}
	return list("DefaultActions", "member", items)
}

func (s *Server) describeListeners(req *request, _ time.Time) (any, error) {
	lbARN, arns := req.str("LoadBalancerArn"), req.members("ListenerArns")
	if lbARN != "" && s.elb.lb(lbARN) == nil {
		return nil, errorf(400, "LoadBalancerNotFound", "One or more load balancers not found")
	}
	var items []*node
	for _, l := range s.elb.listeners {
		if (lbARN != "" && l.lbARN != lbARN) || (len(arns) > 0 && !slices.Contains(arns, l.arn)) {
			continue
		}
		items = append(items, el("", tx("ListenerArn", l.arn), tx("LoadBalancerArn", l.lbARN), ti("Port", l.port), tx("Protocol", l.protocol), actionNodes(l.actions)))
	}
	if len(arns) > len(items) {
		return nil, errorf(400, "ListenerNotFound", "One or more listeners not found")
	}
	return []*node{list("Listeners", "member", items)}, nil
}

func (s *Server) describeTargetGroups(req *request, _ time.Time) (any, error) {
	lbARN, arns, names := req.str("LoadBalancerArn"), req.members("TargetGroupArns"), req.members("Names")
	if lbARN != "" && s.elb.lb(lbARN) == nil {
		return nil, errorf(400, "LoadBalancerNotFound", "One or more load balancers not found")
	}
	var items []*node
	for _, tg := range s.elb.tgs {
		lbs := s.loadBalancersOf(tg.arn)
		if (lbARN != "" && !slices.Contains(lbs, lbARN)) || (len(arns) > 0 && !slices.Contains(arns, tg.arn)) || (len(names) > 0 && !slices.Contains(names, tg.name)) {
			continue
		}
		p := tg.props
		hcPath := scalarString(p["HealthCheckPath"])
		if hcPath == "" && (tg.protocol == "HTTP" || tg.protocol == "HTTPS") {
			hcPath = "/"
		}
		items = append(items, el("", tx("TargetGroupArn", tg.arn), tx("TargetGroupName", tg.name), tx("Protocol", tg.protocol), ti("Port", tg.port),
			tx("VpcId", tg.vpcID), tx("HealthCheckProtocol", orDefault(scalarString(p["HealthCheckProtocol"]), tg.protocol)),
			tx("HealthCheckPort", orDefault(scalarString(p["HealthCheckPort"]), "traffic-port")), tb("HealthCheckEnabled", true),
			ti("HealthCheckIntervalSeconds", intProp(p["HealthCheckIntervalSeconds"], 30)), ti("HealthCheckTimeoutSeconds", intProp(p["HealthCheckTimeoutSeconds"], 5)),
			ti("HealthyThresholdCount", intProp(p["HealthyThresholdCount"], 5)), ti("UnhealthyThresholdCount", intProp(p["UnhealthyThresholdCount"], 2)),
			tx("HealthCheckPath", hcPath), strList("LoadBalancerArns", "member", lbs), tx("TargetType", tg.targetType), tx("IpAddressType", "ipv4")))
	}
	if len(arns)+len(names) > len(items) {
		return nil, errorf(400, "TargetGroupNotFound", "One or more target groups not found")
	}
	return []*node{list("TargetGroups", "member", items)}, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// describeTargetHealth reports the running tasks of the ECS services
// attached to the target group as healthy targets, and their starting
// tasks as initial.
func (s *Server) describeTargetHealth(req *request, _ time.Time) (any, error) {
	tg := s.elb.tg(req.str("TargetGroupArn"))
	if tg == nil {
		return nil, errorf(400, "TargetGroupNotFound", "Target groups '%s' not found", req.str("TargetGroupArn"))
	}
	var items []*node
	for _, t := range s.ecs.tasks {
		if t.svc.status == "INACTIVE" || (t.lastStatus != "RUNNING" && t.lastStatus != "PENDING") {
			continue
		}
		for _, lb := range asList(t.svc.props["LoadBalancers"]) {
			m, _ := lb.(map[string]any)
			if scalarString(m["TargetGroupArn"]) != tg.arn {
				continue
			}
			port := intProp(m["ContainerPort"], tg.port)
			health := el("TargetHealth", tx("State", "healthy"))
			if t.lastStatus != "RUNNING" {
				health = el("TargetHealth", tx("State", "initial"), tx("Reason", "Elb.RegistrationInProgress"), tx("Description", "Target registration is in progress"))
			}
			items = append(items, el("", el("Target", tx("Id", t.ip), ti("Port", port), tx("AvailabilityZone", t.az)), tx("HealthCheckPort", fmt.Sprint(port)), health))
		}
	}
	return []*node{list("TargetHealthDescriptions", "member", items)}, nil
}

func (s *Server) describeELBTags(req *request, _ time.Time) (any, error) {
	var items []*node
	for _, arn := range req.members("ResourceArns") {
		var tags []tag
		found := false
		for _, lb := range s.elb.lbs {
			if lb.arn == arn {
				tags, found = lb.tags, true
			}
		}
		for _, tg := range s.elb.tgs {
			if tg.arn == arn {
				tags, found = tg.tags, true
			}
		}
		for _, l := range s.elb.listeners {
			if l.arn == arn {
				tags, found = l.tags, true
			}
		}
		if !found {
			if strings.Contains(arn, ":targetgroup/") {
				return nil, errorf(400, "TargetGroupNotFound", "Target groups '%s' not found", arn)
			}
			return nil, errorf(400, "LoadBalancerNotFound", "Load balancers '%s' not found", arn)
		}
		items = append(items, el("", tx("ResourceArn", arn), list("Tags", "member", tagNodes(tags))))
	}
	return []*node{list("TagDescriptions", "member", items)}, nil
}
