package validate

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
)

// protocolExtension marks a published port's protocol: http, tcp or udp.
const protocolExtension = "x-aws-protocol"

// loadBalancer turns every published port of every service into a listener
// of the project's one load balancer: an Application Load Balancer when
// every port speaks HTTP, else a Network Load Balancer.
func loadBalancer(p *types.Project, services []*app.Service, r *report) *app.LoadBalancer {
	type published struct {
		listener app.Listener
		http     bool
		key      string
	}
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
			isHTTP := false
			switch v := port.Extensions[protocolExtension]; v {
			case nil:
				isHTTP = pub == 80 && proto == "tcp"
			case "http":
				isHTTP = true
				if proto != "tcp" {
					r.errorf(key+"."+protocolExtension, "http needs a tcp port")
				}
			case "tcp", "udp":
				if v != proto {
					r.errorf(key+"."+protocolExtension, "%s does not match the port's protocol %s", v, proto)
				}
			default:
				r.errorf(key+"."+protocolExtension, "must be http, tcp or udp, not %v", v)
			}
			id := fmt.Sprintf("%d/%s", pub, proto)
			if other, dup := owner[id]; dup {
				r.errorf(key, "port %s is already published by %s: a load balancer listens on a port once", id, other)
				continue
			}
			owner[id] = key
			target := app.Port{Number: int(port.Target), Protocol: proto}
			all = append(all, published{
				listener: app.Listener{Port: pub, Protocol: strings.ToUpper(proto), Service: svc.Name, Target: target},
				http:     isHTTP,
				key:      key,
			})
			if !slices.Contains(svc.Ports, target) {
				svc.Ports = append(svc.Ports, target)
			}
		}
		slices.SortFunc(svc.Ports, app.ComparePorts)
	}
	if len(all) == 0 {
		return nil
	}
	lb := &app.LoadBalancer{Type: "application"}
	for _, p := range all {
		if !p.http {
			lb.Type = "network"
		}
	}
	ports := map[int]string{}
	for _, p := range all {
		l := p.listener
		if other, dup := ports[l.Port]; dup {
			// tcp and udp on one port would need a TCP_UDP listener.
			r.errorf(p.key, "port %d is published for both tcp and udp (also by %s): not supported yet", l.Port, other)
			continue
		}
		ports[l.Port] = p.key
		if lb.Type == "application" {
			l.Protocol = "HTTP"
		}
		lb.Listeners = append(lb.Listeners, l)
	}
	sort.Slice(lb.Listeners, func(i, j int) bool { return lb.Listeners[i].Port < lb.Listeners[j].Port })
	if len(lb.Listeners) > maxListeners {
		r.errorf("services", "%d published ports: a load balancer has at most %d listeners", len(lb.Listeners), maxListeners)
	}
	return lb
}
