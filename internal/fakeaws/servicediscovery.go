package fakeaws

import (
	"slices"
	"strings"
	"time"
)

type cloudMapState struct {
	namespaces []*namespace
	services   []*sdService
	operations map[string]*sdOperation
}

func (c *cloudMapState) init() { c.operations = map[string]*sdOperation{} }

type namespace struct {
	id, arn, name, vpcID, hostedZone string
	created                          time.Time
}

type sdService struct {
	id, arn, name, namespaceID string
	created                    time.Time
	props                      map[string]any
}

type sdOperation struct {
	id, typ, target string
	at              time.Time
}

func (c *cloudMapState) namespace(id string) *namespace {
	for _, ns := range c.namespaces {
		if ns.id == id {
			return ns
		}
	}
	return nil
}

func (c *cloudMapState) service(idOrARN string) *sdService {
	for _, svc := range c.services {
		if svc.id == idOrARN || svc.arn == idOrARN {
			return svc
		}
	}
	return nil
}

func (s *Server) newNamespace(name, vpcID string, at time.Time) *namespace {
	id := "ns-" + s.randString(lowerAlnum, 16)
	ns := &namespace{id: id, arn: s.arn("servicediscovery", "namespace/"+id), name: name, vpcID: vpcID,
		hostedZone: "Z" + s.randString(upperAlnum, 20), created: at}
	s.cmap.namespaces = append(s.cmap.namespaces, ns)
	return ns
}

// AddNamespace adds a private DNS namespace that no stack owns (what a
// failed deployment of an older tool may leave behind) and returns its ID.
func (s *Server) AddNamespace(name, vpcID string) string {
	now := s.lock()
	defer s.mu.Unlock()
	return s.newNamespace(name, vpcID, now).id
}

func init() {
	register(svcCloudMap, map[string]handlerFunc{
		"ListNamespaces":  (*Server).listNamespaces,
		"GetNamespace":    (*Server).getNamespace,
		"DeleteNamespace": (*Server).deleteNamespace,
		"ListServices":    (*Server).listSDServices,
		"GetService":      (*Server).getSDService,
		"ListInstances":   (*Server).listInstances,
		"GetOperation":    (*Server).getOperation,
	})
}

func (s *Server) namespaceJSON(ns *namespace) map[string]any {
	count := 0
	for _, svc := range s.cmap.services {
		if svc.namespaceID == ns.id {
			count++
		}
	}
	return map[string]any{"Id": ns.id, "Arn": ns.arn, "Name": ns.name, "Type": "DNS_PRIVATE", "CreateDate": epoch(ns.created),
		"ServiceCount": count, "Properties": map[string]any{"DnsProperties": map[string]any{"HostedZoneId": ns.hostedZone}, "HttpProperties": map[string]any{"HttpName": ns.name}}}
}

// sdFilters reads Cloud Map's Filters: [{Name, Values, Condition}].
func sdFilters(req *request) map[string]func(string) bool {
	out := map[string]func(string) bool{}
	filters, _ := req.body["Filters"].([]any)
	for _, f := range filters {
		m, _ := f.(map[string]any)
		values := stringList(m["Values"])
		cond := scalarString(m["Condition"])
		out[scalarString(m["Name"])] = func(v string) bool {
			for _, want := range values {
				if v == want || (cond == "BEGINS_WITH" && strings.HasPrefix(v, want)) {
					return true
				}
			}
			return false
		}
	}
	return out
}

func (s *Server) listNamespaces(req *request, _ time.Time) (any, error) {
	filters := sdFilters(req)
	out := []any{}
	for _, ns := range s.cmap.namespaces {
		if f := filters["TYPE"]; f != nil && !f("DNS_PRIVATE") {
			continue
		}
		if f := filters["NAME"]; f != nil && !f(ns.name) {
			continue
		}
		out = append(out, s.namespaceJSON(ns))
	}
	return map[string]any{"Namespaces": out}, nil
}

func (s *Server) getNamespace(req *request, _ time.Time) (any, error) {
	ns := s.cmap.namespace(req.jstr("Id"))
	if ns == nil {
		return nil, errorf(400, "NamespaceNotFound", "Namespace not found")
	}
	return map[string]any{"Namespace": s.namespaceJSON(ns)}, nil
}

func (s *Server) deleteNamespace(req *request, now time.Time) (any, error) {
	ns := s.cmap.namespace(req.jstr("Id"))
	if ns == nil {
		return nil, errorf(400, "NamespaceNotFound", "Namespace not found")
	}
	for _, svc := range s.cmap.services {
		if svc.namespaceID == ns.id {
			return nil, errorf(400, "ResourceInUse", "Namespace has associated services")
		}
	}
	s.cmap.namespaces = slices.DeleteFunc(s.cmap.namespaces, func(n *namespace) bool { return n == ns })
	op := &sdOperation{id: s.randString(lowerAlnum, 32) + "-" + s.randString(lowerAlnum, 8), typ: "DELETE_NAMESPACE", target: ns.id, at: now}
	s.cmap.operations[op.id] = op
	return map[string]any{"OperationId": op.id}, nil
}

func (s *Server) getOperation(req *request, _ time.Time) (any, error) {
	op := s.cmap.operations[req.jstr("OperationId")]
	if op == nil {
		return nil, errorf(400, "OperationNotFound", "Operation not found")
	}
	return map[string]any{"Operation": map[string]any{"Id": op.id, "Type": op.typ, "Status": "SUCCESS",
		"CreateDate": epoch(op.at), "UpdateDate": epoch(op.at), "Targets": map[string]any{"NAMESPACE": op.target}}}, nil
}

func (s *Server) sdServiceJSON(svc *sdService) map[string]any {
	out := map[string]any{"Id": svc.id, "Arn": svc.arn, "Name": svc.name, "NamespaceId": svc.namespaceID, "CreateDate": epoch(svc.created),
		"Type": "DNS_HTTP", "InstanceCount": len(s.instances(svc))}
	if dc, ok := svc.props["DnsConfig"].(map[string]any); ok {
		out["DnsConfig"] = dc
	}
	return out
}

func (s *Server) listSDServices(req *request, _ time.Time) (any, error) {
	filters := sdFilters(req)
	out := []any{}
	for _, svc := range s.cmap.services {
		if f := filters["NAMESPACE_ID"]; f != nil && !f(svc.namespaceID) {
			continue
		}
		out = append(out, s.sdServiceJSON(svc))
	}
	return map[string]any{"Services": out}, nil
}

func (s *Server) getSDService(req *request, _ time.Time) (any, error) {
	svc := s.cmap.service(req.jstr("Id"))
	if svc == nil {
		return nil, errorf(400, "ServiceNotFound", "Service not found")
	}
	return map[string]any{"Service": s.sdServiceJSON(svc)}, nil
}

// instances are the running tasks of the ECS services registered in svc,
// as ECS registers them.
func (s *Server) instances(svc *sdService) []any {
	out := []any{}
	for _, t := range s.ecs.tasks {
		if t.lastStatus != "RUNNING" {
			continue
		}
		for _, r := range asList(t.svc.props["ServiceRegistries"]) {
			m, _ := r.(map[string]any)
			if scalarString(m["RegistryArn"]) != svc.arn {
				continue
			}
			attrs := map[string]any{"AWS_INSTANCE_IPV4": t.ip, "AVAILABILITY_ZONE": t.az, "AWS_INIT_HEALTH_STATUS": "HEALTHY",
				"ECS_CLUSTER_NAME": t.cluster, "ECS_SERVICE_NAME": t.svc.name, "REGION": s.opts.Region}
			if t.def != nil {
				attrs["ECS_TASK_DEFINITION_FAMILY"] = t.def.family
			}
			out = append(out, map[string]any{"Id": t.id, "Attributes": attrs})
		}
	}
	return out
}

func (s *Server) listInstances(req *request, _ time.Time) (any, error) {
	svc := s.cmap.service(req.jstr("ServiceId"))
	if svc == nil {
		return nil, errorf(400, "ServiceNotFound", "Service not found")
	}
	return map[string]any{"Instances": s.instances(svc)}, nil
}
