package convert

import (
	"fmt"
	"strings"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/cfn"
)

// Health checks of the load balancer's targets. AWS's defaults (every 30 s,
// healthy after 5 checks) keep a new task out of service for two and a half
// minutes; these let it in after 20 s.
const (
	healthInterval  = 10
	healthTimeout   = 5
	healthyCount    = 2
	unhealthyCount  = 3
	healthyHTTPCode = "200-399"
)

// sslPolicy is the TLS policy of HTTPS listeners: TLS 1.3, and 1.2 for
// older clients, as AWS recommends.
const sslPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// loadBalancer adds the project's load balancer, its security group and a
// listener per published port; or, when the project names a load
// balancer it has, only the listeners. The target groups belong to the
// services.
func (c *converter) loadBalancer(lb *app.LoadBalancer) {
	if lb.Existing != "" {
		c.t.Parameters[LoadBalancerARNParameter] = cfn.Parameter{Type: "String", Description: "The ARN of the load balancer " + lb.Existing}
		c.t.Parameters[LoadBalancerDNSParameter] = cfn.Parameter{Type: "String", Description: "The DNS name of the load balancer " + lb.Existing}
		c.t.Parameters[LoadBalancerGroupParameter] = cfn.Parameter{Type: "AWS::EC2::SecurityGroup::Id", Description: "The security group of the load balancer " + lb.Existing}
	} else {
		c.t.Parameters[LoadBalancerSubnetsParameter] = cfn.Parameter{
			Type:        "List<AWS::EC2::Subnet::Id>",
			Description: "The subnets of the load balancer, in two Availability Zones or more",
		}
		group := &cfn.SecurityGroup{
			GroupDescription: fmt.Sprintf("%s load balancer", c.p.Name),
			VpcId:            cfn.Ref(VPCParameter),
			Tags:             c.projectTags(),
		}
		for _, l := range lb.Listeners {
			group.SecurityGroupIngress = append(group.SecurityGroupIngress, cfn.SecurityGroupRule{
				IpProtocol:  l.Target.Protocol,
				FromPort:    &l.Port,
				ToPort:      &l.Port,
				CidrIp:      "0.0.0.0/0",
				Description: fmt.Sprintf("%s port %d", l.Service, l.Port),
			})
		}
		c.add(lbGroupID, group)
		balancer := &cfn.LoadBalancer{
			Type:           lb.Type,
			Scheme:         "internet-facing",
			Subnets:        cfn.Ref(LoadBalancerSubnetsParameter),
			SecurityGroups: []any{cfn.GetAtt(lbGroupID, "GroupId")},
			Tags:           c.projectTags(),
		}
		if lb.Internal {
			balancer.Scheme = "internal"
		}
		if lb.Type == "network" {
			// Every load balancer node reaches the tasks of every zone, so
			// that a zone without a task still answers.
			balancer.LoadBalancerAttributes = []cfn.Attribute{{Key: "load_balancing.cross_zone.enabled", Value: "true"}}
		}
		c.add(loadBalancerID, balancer)
	}
	c.t.Outputs["LoadBalancerDNS"] = cfn.Output{
		Description: "The DNS name of the load balancer",
		Value:       c.loadBalancerDNS(),
	}

	for _, l := range lb.Listeners {
		s, ok := c.services[l.Service]
		if !ok {
			c.fail(fmt.Errorf("the listener on port %d forwards to %q, which is not a service of the project", l.Port, l.Service))
			continue
		}
		listener := &cfn.Listener{
			LoadBalancerArn: c.loadBalancerARN(),
			Port:            l.Port,
			Protocol:        l.Protocol,
			DefaultActions:  []cfn.Action{{Type: "forward", TargetGroupArn: cfn.Ref(targetGroupID(s, l.Target))}},
		}
		if l.Protocol == "HTTPS" {
			listener.Certificates = []cfn.Certificate{{CertificateArn: lb.Certificate}}
			listener.SslPolicy = sslPolicy
		}
		if l.RedirectToHTTPS {
			listener.DefaultActions = []cfn.Action{{Type: "redirect", RedirectConfig: &cfn.RedirectConfig{Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301"}}}
		}
		c.add(listenerID(l), listener)
		c.t.Outputs[fmt.Sprintf("Port%dEndpoint", l.Port)] = cfn.Output{
			Description: Endpoint{Service: l.Service, Port: l.Port, Protocol: l.Target.Protocol, Target: l.Target.Number}.String(),
			Value:       c.endpoint(l),
		}
	}
}

// endpoint is where a listener answers: a URL for HTTP and HTTPS, the
// load balancer's name and the port otherwise.
func (c *converter) endpoint(l app.Listener) any {
	host := fmt.Sprintf("${%s.DNSName}", loadBalancerID)
	if c.p.LoadBalancer.Existing != "" {
		host = "${" + LoadBalancerDNSParameter + "}"
	}
	switch {
	case l.Protocol == "HTTP" && l.Port == 80, l.Protocol == "HTTPS" && l.Port == 443:
		return cfn.Sub(strings.ToLower(l.Protocol) + "://" + host)
	case l.Protocol == "HTTP" || l.Protocol == "HTTPS":
		return cfn.Sub(fmt.Sprintf("%s://%s:%d", strings.ToLower(l.Protocol), host, l.Port))
	}
	return cfn.Sub(fmt.Sprintf("%s:%d", host, l.Port))
}

func (c *converter) loadBalancerARN() any {
	if c.p.LoadBalancer.Existing != "" {
		return cfn.Ref(LoadBalancerARNParameter)
	}
	return cfn.Ref(loadBalancerID)
}

func (c *converter) loadBalancerDNS() any {
	if c.p.LoadBalancer.Existing != "" {
		return cfn.Ref(LoadBalancerDNSParameter)
	}
	return cfn.GetAtt(loadBalancerID, "DNSName")
}

func (c *converter) loadBalancerGroup() any {
	if c.p.LoadBalancer.Existing != "" {
		return cfn.Ref(LoadBalancerGroupParameter)
	}
	return cfn.GetAtt(lbGroupID, "GroupId")
}

// loadBalancerFullName is app/NAME/ID, the end of the load balancer's ARN.
func (c *converter) loadBalancerFullName() any {
	if c.p.LoadBalancer.Existing != "" {
		return cfn.Select(1, cfn.Split(":loadbalancer/", cfn.Ref(LoadBalancerARNParameter)))
	}
	return cfn.GetAtt(loadBalancerID, "LoadBalancerFullName")
}

// listenerID names a listener after its port, which no suffix of another
// logical ID ends with.
func listenerID(l app.Listener) string {
	return fmt.Sprintf("Listener%d", l.Port)
}

// targetGroupID names the target group of a service's container port: the
// protocol word between the service's ID and the digits keeps the names of
// "web" port 8080 and "web80" port 80 apart.
func targetGroupID(s *app.Service, p app.Port) string {
	proto := strings.ToUpper(p.Protocol[:1]) + p.Protocol[1:]
	return fmt.Sprintf("%s%s%d%s", s.ID, proto, p.Number, targetGroupSuffix)
}

// targetGroup is where the load balancer sends the traffic of one container
// port of a service.
func (c *converter) targetGroup(s *app.Service, p app.Port) *cfn.TargetGroup {
	tg := &cfn.TargetGroup{
		Port:                       p.Number,
		Protocol:                   strings.ToUpper(p.Protocol),
		TargetType:                 "ip",
		VpcId:                      cfn.Ref(VPCParameter),
		HealthCheckProtocol:        "TCP",
		HealthCheckIntervalSeconds: healthInterval,
		HealthCheckTimeoutSeconds:  healthTimeout,
		HealthyThresholdCount:      healthyCount,
		UnhealthyThresholdCount:    unhealthyCount,
		TargetGroupAttributes: []cfn.Attribute{
			{Key: "deregistration_delay.timeout_seconds", Value: fmt.Sprint(s.DrainSeconds)},
		},
		Tags: c.serviceTags(s),
	}
	if c.p.LoadBalancer.Type == "application" {
		tg.Protocol = "HTTP"
		tg.HealthCheckProtocol = "HTTP"
		tg.HealthCheckPath = s.HealthCheckPath
		tg.Matcher = &cfn.Matcher{HttpCode: healthyHTTPCode}
	}
	return tg
}

// taskSecurityGroup is the service's own group: the load balancer, and
// nothing else, reaches its published container ports, and its file
// systems let it in.
func (c *converter) taskSecurityGroup(s *app.Service) *cfn.SecurityGroup {
	g := &cfn.SecurityGroup{
		GroupDescription: fmt.Sprintf("%s service %s", c.p.Name, s.Name),
		VpcId:            cfn.Ref(VPCParameter),
		Tags:             c.serviceTags(s),
	}
	for _, p := range s.Ports {
		g.SecurityGroupIngress = append(g.SecurityGroupIngress, cfn.SecurityGroupRule{
			IpProtocol:            p.Protocol,
			FromPort:              &p.Number,
			ToPort:                &p.Number,
			SourceSecurityGroupId: c.loadBalancerGroup(),
			Description:           fmt.Sprintf("load balancer to %s port %d", s.Name, p.Number),
		})
	}
	return g
}

// Endpoint is a published port, as the stack's outputs describe it: the
// output's value is where it answers.
type Endpoint struct {
	Service  string
	Port     int
	Protocol string
	Target   int
}

func (e Endpoint) String() string {
	return fmt.Sprintf("%s: port %d/%s to container port %d", e.Service, e.Port, e.Protocol, e.Target)
}

// ParseEndpoint reads the description of an endpoint output.
func ParseEndpoint(description string) (Endpoint, bool) {
	var e Endpoint
	service, rest, ok := strings.Cut(description, ": ")
	if !ok {
		return e, false
	}
	e.Service = service
	if _, err := fmt.Sscanf(rest, "port %d/%s to container port %d", &e.Port, &e.Protocol, &e.Target); err != nil {
		return e, false
	}
	return e, true
}
