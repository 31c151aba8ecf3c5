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
	healthCheckPath = "/"
)

// loadBalancer adds the project's load balancer, its security group and a
// listener per published port. The target groups belong to the services.
func (c *converter) loadBalancer(lb *app.LoadBalancer) {
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
		Subnets:        cfn.Ref(SubnetsParameter),
		SecurityGroups: []any{cfn.GetAtt(lbGroupID, "GroupId")},
		Tags:           c.projectTags(),
	}
	if lb.Type == "network" {
		// Every load balancer node reaches the tasks of every zone, so that
		// a zone without a task still answers.
		balancer.LoadBalancerAttributes = []cfn.Attribute{{Key: "load_balancing.cross_zone.enabled", Value: "true"}}
	}
	c.add(loadBalancerID, balancer)
	c.t.Outputs["LoadBalancerDNS"] = cfn.Output{
		Description: "The DNS name of the load balancer",
		Value:       cfn.GetAtt(loadBalancerID, "DNSName"),
	}

	for _, l := range lb.Listeners {
		s, ok := c.services[l.Service]
		if !ok {
			c.fail(fmt.Errorf("the listener on port %d forwards to %q, which is not a service of the project", l.Port, l.Service))
			continue
		}
		c.add(listenerID(l), &cfn.Listener{
			LoadBalancerArn: cfn.Ref(loadBalancerID),
			Port:            l.Port,
			Protocol:        l.Protocol,
			DefaultActions:  []cfn.Action{{Type: "forward", TargetGroupArn: cfn.Ref(targetGroupID(s, l.Target))}},
		})
		endpoint := fmt.Sprintf("${%s.DNSName}:%d", loadBalancerID, l.Port)
		switch {
		case l.Protocol == "HTTP" && l.Port == 80:
			endpoint = fmt.Sprintf("http://${%s.DNSName}", loadBalancerID)
		case l.Protocol == "HTTP":
			endpoint = "http://" + endpoint
		}
		c.t.Outputs[fmt.Sprintf("Port%dEndpoint", l.Port)] = cfn.Output{
			Description: Endpoint{Service: l.Service, Port: l.Port, Protocol: l.Target.Protocol, Target: l.Target.Number}.String(),
			Value:       cfn.Sub(endpoint),
		}
	}
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
		tg.HealthCheckPath = healthCheckPath
		tg.Matcher = &cfn.Matcher{HttpCode: healthyHTTPCode}
	}
	return tg
}

// taskSecurityGroup lets the load balancer, and nothing else, reach the
// service's published container ports.
func (c *converter) taskSecurityGroup(s *app.Service) *cfn.SecurityGroup {
	g := &cfn.SecurityGroup{
		GroupDescription: fmt.Sprintf("%s service %s: traffic from the load balancer", c.p.Name, s.Name),
		VpcId:            cfn.Ref(VPCParameter),
		Tags:             c.serviceTags(s),
	}
	for _, p := range s.Ports {
		g.SecurityGroupIngress = append(g.SecurityGroupIngress, cfn.SecurityGroupRule{
			IpProtocol:            p.Protocol,
			FromPort:              &p.Number,
			ToPort:                &p.Number,
			SourceSecurityGroupId: cfn.GetAtt(lbGroupID, "GroupId"),
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
