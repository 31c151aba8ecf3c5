package validate

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
)

// Extensions of the load balancer.
const (
	// protocolExtension marks a published port's protocol: http, https,
	// tcp or udp.
	protocolExtension     = "x-aws-protocol"
	loadBalancerExtension = "x-aws-loadbalancer"
	internalExtension     = "x-aws-loadbalancer_internal"
	certificateExtension  = "x-aws-certificate"
)

var (
	certificateARN = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$`)
	// loadBalancerARN leaves the length of the name, at most
	// maxLoadBalancerName, to isLoadBalancer: a counted repetition
	// ({1,32}) compiles into a state per count, which every start of the
	// program paid for.
	loadBalancerARN = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/(app|net)/([A-Za-z0-9-]+)/[0-9a-f]+$`)
	// loadBalancerName is what ELB accepts as a name.
	loadBalancerName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)
)

// maxLoadBalancerName is the longest name of a load balancer.
const maxLoadBalancerName = 32

// isLoadBalancer reports whether lb is the name or the ARN of a load
// balancer.
func isLoadBalancer(lb string) bool {
	if m := loadBalancerARN.FindStringSubmatch(lb); m != nil && len(m[2]) <= maxLoadBalancerName {
		return true
	}
	return loadBalancerName.MatchString(lb)
}

// published is one published port, before the load balancer is decided.
type published struct {
	service *app.Service
	port    int
	target  app.Port
	// protocol is http, https, tcp or udp.
	protocol string
	key      string
}

// loadBalancer turns every published port of every service into a listener
// of the project's one load balancer: an Application Load Balancer when
// every port speaks HTTP or HTTPS, else a Network Load Balancer.
func loadBalancer(p *types.Project, proj *app.Project, r *report) *app.LoadBalancer {
	certificate := certificateOf(p, r)
	all := publishedPorts(p, proj.Services, certificate != "", r)

	existing, _ := stringExtension(p.Extensions, loadBalancerExtension, "", r)
	if existing != "" && !isLoadBalancer(existing) {
		r.errorf(loadBalancerExtension, "must be the name or the ARN of a load balancer, not %q", existing)
	}
	internal := boolExtension(p.Extensions, internalExtension, "", r)
	if internal && existing != "" {
		r.errorf(internalExtension, "cannot apply to an existing load balancer (%s): its scheme is its own", existing)
	}
	if internal && !proj.Private && len(proj.Subnets) == 0 {
		r.errorf(internalExtension, "an internal load balancer reaches tasks in private subnets: set x-aws-private: true (or x-aws-subnets)")
	}
	lbType := "application"
	for _, p := range all {
		if p.protocol != "http" && p.protocol != "https" {
			lbType = "network"
		}
	}
	if certificate != "" {
		switch {
		case lbType != "application":
			r.errorf(certificateExtension, "HTTPS needs an Application Load Balancer, and so every published port speaking HTTP or HTTPS: mark the others x-aws-protocol: http, or remove them")
		case !slices.ContainsFunc(all, func(p published) bool { return p.port == 443 }):
			r.errorf(certificateExtension, "no service publishes port 443, the port the certificate serves")
		}
	}
	if len(all) == 0 {
		if existing != "" {
			r.warnf(loadBalancerExtension, "ignored: no service publishes a port")
		}
		return nil
	}
	lb := &app.LoadBalancer{Type: lbType, Existing: existing, Internal: internal, Certificate: certificate}
	https443 := slices.ContainsFunc(all, func(p published) bool { return p.port == 443 && p.protocol == "https" })

	ports := map[int]string{}
	for _, p := range all {
		if other, dup := ports[p.port]; dup {
			// tcp and udp on one port would need a TCP_UDP listener.
			r.errorf(p.key, "port %d is published for both tcp and udp (also by %s): not supported yet", p.port, other)
			continue
		}
		ports[p.port] = p.key
		l := app.Listener{Port: p.port, Protocol: strings.ToUpper(p.protocol), Service: p.service.Name, Target: p.target}
		if lb.Type == "network" {
			l.Protocol = strings.ToUpper(p.target.Protocol)
		}
		if l.Port == 80 && l.Protocol == "HTTP" && https443 {
			// Plain HTTP only says where HTTPS is.
			l.RedirectToHTTPS = true
		} else if !slices.Contains(p.service.Ports, p.target) {
			p.service.Ports = append(p.service.Ports, p.target)
		}
		lb.Listeners = append(lb.Listeners, l)
	}
	for _, svc := range proj.Services {
		slices.SortFunc(svc.Ports, app.ComparePorts)
	}
	sort.Slice(lb.Listeners, func(i, j int) bool { return lb.Listeners[i].Port < lb.Listeners[j].Port })
	if len(lb.Listeners) > maxListeners {
		r.errorf("services", "%d published ports: a load balancer has at most %d listeners", len(lb.Listeners), maxListeners)
	}
	return lb
}

// certificateOf reads x-aws-certificate.
func certificateOf(p *types.Project, r *report) string {
	c, _ := stringExtension(p.Extensions, certificateExtension, "", r)
	if c != "" && !certificateARN.MatchString(c) {
		r.errorf(certificateExtension, "must be the ARN of an ACM certificate (arn:aws:acm:REGION:ACCOUNT:certificate/ID), not %q", c)
		return ""
	}
	return c
}

// publishedPorts reads every published port and its protocol: http for
// port 80, https for port 443 when there is a certificate, else tcp or
// udp, unless x-aws-protocol says otherwise.
func publishedPorts(p *types.Project, services []*app.Service, certificate bool, r *report) []published {
	var all []published
	owner := map[string]string{} // "80/tcp" → the key that published it
	for _, svc := range services {
		s := p.Services[svc.Name]
		for i, port := range s.Ports {
			key := fmt.Sprintf("services.%s.ports[%d]", svc.Name, i)
			proto := port.Protocol
			if proto == "" {
				proto = "tcp"
			}
			if proto != "tcp" && proto != "udp" {
				r.errorf(key, "a load balancer forwards tcp and udp, not %s", proto)
				continue
			}
			if port.Target < 1 || port.Target > 65535 {
				r.errorf(key, "container port %d is not a port number", port.Target)
				continue
			}
			pub := int(port.Target)
			if port.Published != "" {
				n, err := strconv.Atoi(port.Published)
				if err != nil {
					if strings.Contains(port.Published, "-") {
						r.errorf(key, "published port range %s: a load balancer listens on single ports; publish each port, or one port per container port", port.Published)
					} else {
						r.errorf(key, "published port %q is not a number", port.Published)
					}
					continue
				}
				pub = n
			}
			if pub < 1 || pub > 65535 {
				r.errorf(key, "published port %d is not a port number", pub)
				continue
			}
			if port.HostIP != "" {
				r.warnf(key+".host_ip", "ignored: the load balancer listens on every address")
			}
			protocol := proto
			switch v := port.Extensions[protocolExtension]; v {
			case nil:
				switch {
				case pub == 80 && proto == "tcp":
					protocol = "http"
				case pub == 443 && proto == "tcp" && certificate:
					protocol = "https"
				}
			case "http", "https":
				protocol = v.(string)
				if proto != "tcp" {
					r.errorf(key+"."+protocolExtension, "%s needs a tcp port", v)
				}
				if v == "https" && !certificate {
					r.errorf(key+"."+protocolExtension, "https needs a certificate: set x-aws-certificate")
				}
			case "tcp", "udp":
				if v != proto {
					r.errorf(key+"."+protocolExtension, "%s does not match the port's protocol %s", v, proto)
				}
			default:
				r.errorf(key+"."+protocolExtension, "must be http, https, tcp or udp, not %s", shown(v))
			}
			id := fmt.Sprintf("%d/%s", pub, proto)
			if other, dup := owner[id]; dup {
				r.errorf(key, "port %s is already published by %s: a load balancer listens on a port once", id, other)
				continue
			}
			owner[id] = key
			all = append(all, published{
				service:  svc,
				port:     pub,
				target:   app.Port{Number: int(port.Target), Protocol: proto},
				protocol: protocol,
				key:      key,
			})
		}
	}
	return all
}
