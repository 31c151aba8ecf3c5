package fakeaws

import (
	"slices"
	"time"
)

// This file is ECS capacity: the capacity providers of clusters, and the
// capacity provider strategies of services. FARGATE and FARGATE_SPOT
// exist in every account; other providers are AWS::ECS::CapacityProvider
// resources over an Auto Scaling group.

type capacityProvider struct {
	name, arn, asg, status string
}

// strategyItem is one entry of a capacity provider strategy.
type strategyItem struct {
	provider     string
	weight, base int
}

func fargateProvider(name string) bool { return name == "FARGATE" || name == "FARGATE_SPOT" }

func (e *ecsState) capacityProvider(nameOrARN string) *capacityProvider {
	for _, cp := range e.capacityProviders {
		if (cp.name == nameOrARN || cp.arn == nameOrARN) && cp.status == "ACTIVE" {
			return cp
		}
	}
	return nil
}

// strategyOf reads a CloudFormation CapacityProviderStrategy.
func strategyOf(v any) []strategyItem {
	var out []strategyItem
	for _, e := range asList(v) {
		m, _ := e.(map[string]any)
		out = append(out, strategyItem{provider: scalarString(m["CapacityProvider"]), weight: intProp(m["Weight"], 0), base: intProp(m["Base"], 0)})
	}
	return out
}

func strategyJSON(items []strategyItem) []any {
	out := []any{}
	for _, it := range items {
		out = append(out, map[string]any{"capacityProvider": it.provider, "weight": it.weight, "base": it.base})
	}
	return out
}

func notAssociated(verb string) error {
	return invalid("Invalid request provided: %s error: The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.", verb)
}

// serviceStrategy is the strategy a service runs with: its own, or, when
// it names neither a strategy nor a launch type, its cluster's default.
// verb is CreateService or UpdateService, for the message.
func (s *Server) serviceStrategy(c *ecsCluster, props map[string]any, verb string) ([]strategyItem, error) {
	if c == nil {
		return nil, notFound("Cluster not found.")
	}
	strategy := strategyOf(props["CapacityProviderStrategy"])
	if len(strategy) > 0 && scalarString(props["LaunchType"]) != "" {
		return nil, invalid("Invalid request provided: %s error: Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.", verb)
	}
	for _, it := range strategy {
		if !slices.Contains(c.providers, it.provider) {
			return nil, notAssociated(verb)
		}
	}
	if len(strategy) == 0 && scalarString(props["LaunchType"]) == "" {
		strategy = slices.Clone(c.strategy)
	}
	return strategy, nil
}

// providerFor is the capacity provider of a deployment's nth task: the
// bases are filled first, then the weights share the rest.
func (svc *ecsService) providerFor(n int) string {
	if len(svc.strategy) == 0 {
		return ""
	}
	for _, it := range svc.strategy {
		if n < it.base {
			return it.provider
		}
		n -= it.base
	}
	var slots []string
	for _, it := range svc.strategy {
		for range it.weight {
			slots = append(slots, it.provider)
		}
	}
	if len(slots) == 0 {
		return svc.strategy[0].provider
	}
	return slots[n%len(slots)]
}

// inUse reports whether an active service of the cluster runs on the
// capacity provider.
func (s *Server) inUse(c *ecsCluster, provider string) bool {
	for _, svc := range s.ecs.services {
		if svc.cluster == c.name && svc.status == "ACTIVE" && slices.ContainsFunc(svc.strategy, func(it strategyItem) bool { return it.provider == provider }) {
			return true
		}
	}
	return false
}

// setClusterProviders is PutClusterCapacityProviders.
func (s *Server) setClusterProviders(c *ecsCluster, providers []string, strategy []strategyItem) error {
	if err := s.checkClusterProviders(c, providers, strategy); err != nil {
		return err
	}
	c.providers, c.strategy = providers, strategy
	return nil
}

// checkClusterProviders checks what PutClusterCapacityProviders checks:
// the providers exist, the default strategy uses only them, and a
// provider that services run on is not taken away.
func (s *Server) checkClusterProviders(c *ecsCluster, providers []string, strategy []strategyItem) error {
	for _, p := range providers {
		if !fargateProvider(p) && s.ecs.capacityProvider(p) == nil {
			return invalid("Invalid request provided: The specified capacity provider %s does not exist. Specify a valid capacity provider and try again.", p)
		}
	}
	for _, it := range strategy {
		if !slices.Contains(providers, it.provider) {
			return notAssociated("PutClusterCapacityProviders")
		}
	}
	return s.providersRemovable(c, providers)
}

// providersRemovable checks that the providers a cluster would lose run
// no service.
func (s *Server) providersRemovable(c *ecsCluster, keep []string) error {
	for _, p := range c.providers {
		if !slices.Contains(keep, p) && s.inUse(c, p) {
			return &handlerError{"The specified capacity provider is in use and cannot be removed.", "ResourceConflict"}
		}
	}
	return nil
}

// AddCluster adds an active cluster that no stack owns, with the given
// capacity providers (FARGATE, FARGATE_SPOT or names of providers the
// account is supposed to have), and returns its ARN.
func (s *Server) AddCluster(name string, capacityProviders ...string) string {
	s.lock()
	defer s.mu.Unlock()
	c := &ecsCluster{name: name, arn: s.arn("ecs", "cluster/"+name), status: "ACTIVE", providers: capacityProviders}
	s.ecs.clusters = append(s.ecs.clusters, c)
	return c.arn
}

var capacityProviderType = &resourceType{
	attrs: []string{}, replace: []string{"Name"}, nameProp: "Name",
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		m, _ := r.props["AutoScalingGroupProvider"].(map[string]any)
		if m == nil {
			return invalid("Model validation failed (#: required key [AutoScalingGroupProvider] not found)")
		}
		g := s.asg.group(scalarString(m["AutoScalingGroupArn"]))
		if g == nil {
			return invalid("Invalid request provided: CreateCapacityProvider error: The specified Auto Scaling group %s does not exist.", scalarString(m["AutoScalingGroupArn"]))
		}
		if scalarString(m["ManagedTerminationProtection"]) == "ENABLED" && !g.protect {
			return invalid("Invalid request provided: CreateCapacityProvider error: The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled.")
		}
		name := s.nameOr(st, r, "Name", 255)
		if s.ecs.capacityProvider(name) != nil || fargateProvider(name) {
			return alreadyExists(r.typ, name)
		}
		cp := &capacityProvider{name: name, arn: s.arn("ecs", "capacity-provider/"+name), asg: scalarString(m["AutoScalingGroupArn"]), status: "ACTIVE"}
		s.ecs.capacityProviders = append(s.ecs.capacityProviders, cp)
		r.physicalID = name
		return nil
	},
	update: noUpdate,
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		if cp := s.ecs.capacityProvider(r.physicalID); cp != nil {
			cp.status = "INACTIVE"
		}
	},
	blocked: func(s *Server, r *resource) error {
		for _, c := range s.ecs.clusters {
			if c.status == "ACTIVE" && slices.Contains(c.providers, r.physicalID) {
				return &handlerError{"The capacity provider cannot be deleted because it is associated with cluster: " + c.name + ". Remove the capacity provider from the cluster and try again.", "ResourceConflict"}
			}
		}
		return nil
	},
}

// clusterAssociationsType is AWS::ECS::ClusterCapacityProviderAssociations:
// the capacity providers of a cluster created elsewhere. They are the
// cluster's once the resource is complete, so a service that does not
// wait for it (DependsOn) may find them missing; deleting it takes them
// away from the cluster.
var clusterAssociationsType = &resourceType{
	attrs: []string{}, replace: []string{"Cluster"},
	create: func(s *Server, _ *stack, r *resource, _ time.Time) error {
		c := s.ecs.cluster(scalarString(r.props["Cluster"]))
		if c == nil {
			return notFound("Cluster not found.")
		}
		if err := s.checkClusterProviders(c, stringList(r.props["CapacityProviders"]), strategyOf(r.props["DefaultCapacityProviderStrategy"])); err != nil {
			return err
		}
		r.physicalID = c.name
		return nil
	},
	update: func(s *Server, _ *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		c := s.ecs.cluster(r.physicalID)
		if c == nil {
			return notFound("Cluster not found.")
		}
		return s.setClusterProviders(c, stringList(r.props["CapacityProviders"]), strategyOf(r.props["DefaultCapacityProviderStrategy"]))
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		if c := s.ecs.cluster(r.physicalID); c != nil {
			c.providers, c.strategy = nil, nil
		}
	},
	blocked: func(s *Server, r *resource) error {
		if c := s.ecs.cluster(r.physicalID); c != nil {
			return s.providersRemovable(c, nil)
		}
		return nil
	},
	settle: func(s *Server, _ *stack, r *resource, at time.Time, dur time.Duration, ok func(time.Time), fail func(time.Time, string)) {
		s.after(at, dur, func(at time.Time) {
			c := s.ecs.cluster(r.physicalID)
			if c == nil {
				fail(at, s.handlerFailure(notFound("Cluster not found.")))
				return
			}
			if err := s.setClusterProviders(c, stringList(r.props["CapacityProviders"]), strategyOf(r.props["DefaultCapacityProviderStrategy"])); err != nil {
				fail(at, s.handlerFailure(err))
				return
			}
			ok(at)
		})
	},
}
