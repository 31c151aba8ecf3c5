package fakeaws

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// appScalingState is Application Auto Scaling: scalable targets and their
// scaling policies.
type appScalingState struct {
	targets  []*scalableTarget
	policies []*scalingPolicy
}

type scalableTarget struct {
	namespace, resourceID, dimension, roleARN, arn string
	min, max                                       int
	suspended                                      map[string]any
	created                                        time.Time
}

type scalingPolicy struct {
	arn, name, namespace, resourceID, dimension, typ string
	config                                           map[string]any // the policy type's configuration, as the API writes it
	alarms                                           []string       // alarm names
	created                                          time.Time
}

// id is how CloudFormation names a scalable target: its Ref.
func (t *scalableTarget) id() string { return t.resourceID + "|" + t.dimension + "|" + t.namespace }

func (a *appScalingState) target(namespace, resourceID, dimension string) *scalableTarget {
	for _, t := range a.targets {
		if t.namespace == namespace && t.resourceID == resourceID && t.dimension == dimension {
			return t
		}
	}
	return nil
}

// checkScalable refuses a target whose resource does not exist: for ECS,
// service/CLUSTER/SERVICE must be an active service.
func (s *Server) checkScalable(namespace, resourceID string) error {
	if namespace != "ecs" {
		return nil
	}
	parts := strings.Split(resourceID, "/")
	if len(parts) == 3 && parts[0] == "service" {
		if svc := s.ecs.service(parts[1], parts[2]); svc != nil && svc.status == "ACTIVE" {
			return nil
		}
	}
	return invalid("ECS service doesn't exist: %s (Service: ApplicationAutoScaling, Status Code: 400, Request ID: %s)", resourceID, s.uuid())
}

func init() {
	register(svcAppScaling, map[string]handlerFunc{
		"DescribeScalableTargets": (*Server).describeScalableTargets,
		"DescribeScalingPolicies": (*Server).describeScalingPolicies,
	})
}

func (s *Server) describeScalableTargets(req *request, _ time.Time) (any, error) {
	ns, ids, dim := req.jstr("ServiceNamespace"), req.jstrs("ResourceIds"), req.jstr("ScalableDimension")
	var matched []*scalableTarget
	for _, t := range s.scaling.targets {
		if t.namespace == ns && (len(ids) == 0 || slices.Contains(ids, t.resourceID)) && (dim == "" || t.dimension == dim) {
			matched = append(matched, t)
		}
	}
	page, next := page(matched, req.jstr("NextToken"), req.jint("MaxResults", 50))
	out := []any{}
	for _, t := range page {
		tj := map[string]any{"ServiceNamespace": t.namespace, "ResourceId": t.resourceID, "ScalableDimension": t.dimension, "MinCapacity": t.min,
			"MaxCapacity": t.max, "RoleARN": t.roleARN, "CreationTime": epoch(t.created), "ScalableTargetARN": t.arn}
		if t.suspended != nil {
			tj["SuspendedState"] = t.suspended
		}
		out = append(out, tj)
	}
	return prune(map[string]any{"ScalableTargets": out, "NextToken": next}), nil
}

func (s *Server) describeScalingPolicies(req *request, _ time.Time) (any, error) {
	ns, names, id, dim := req.jstr("ServiceNamespace"), req.jstrs("PolicyNames"), req.jstr("ResourceId"), req.jstr("ScalableDimension")
	var matched []*scalingPolicy
	for _, p := range s.scaling.policies {
		if p.namespace == ns && (len(names) == 0 || slices.Contains(names, p.name)) && (id == "" || p.resourceID == id) && (dim == "" || p.dimension == dim) {
			matched = append(matched, p)
		}
	}
	page, next := page(matched, req.jstr("NextToken"), req.jint("MaxResults", 10))
	out := []any{}
	for _, p := range page {
		alarms := []any{}
		for _, a := range p.alarms {
			alarms = append(alarms, map[string]any{"AlarmName": a, "AlarmARN": s.arn("cloudwatch", "alarm:"+a)})
		}
		pj := map[string]any{"PolicyARN": p.arn, "PolicyName": p.name, "ServiceNamespace": p.namespace, "ResourceId": p.resourceID,
			"ScalableDimension": p.dimension, "PolicyType": p.typ, "Alarms": alarms, "CreationTime": epoch(p.created)}
		pj[p.typ+"PolicyConfiguration"] = p.config
		out = append(out, pj)
	}
	return prune(map[string]any{"ScalingPolicies": out, "NextToken": next}), nil
}

// --- CloudFormation ---

// number is a template scalar as a JSON number, or nil when it is not
// one.
func number(v any) any {
	str := scalarString(v)
	if _, err := strconv.ParseFloat(str, 64); err != nil {
		return nil
	}
	return json.Number(str)
}

// pick copies the members of m the API knows, converting each to its
// type: "n" number, "b" boolean, "s" string, or a func for structures.
func pick(m map[string]any, kinds map[string]any) map[string]any {
	out := map[string]any{}
	for k, kind := range kinds {
		v, ok := m[k]
		if !ok {
			continue
		}
		switch kind := kind.(type) {
		case string:
			switch kind {
			case "n":
				if n := number(v); n != nil {
					out[k] = n
				}
			case "b":
				out[k] = scalarString(v) == "true"
			default:
				out[k] = scalarString(v)
			}
		case func(any) any:
			out[k] = kind(v)
		}
	}
	return out
}

func pickOne(kinds map[string]any) func(any) any {
	return func(v any) any {
		m, _ := v.(map[string]any)
		return pick(m, kinds)
	}
}

func pickList(kinds map[string]any) func(any) any {
	return func(v any) any {
		out := []any{}
		for _, e := range asList(v) {
			m, _ := e.(map[string]any)
			out = append(out, pick(m, kinds))
		}
		return out
	}
}

// policyConfigs are the members of the policy configurations the fake
// shows back, with their API types.
var policyConfigs = map[string]map[string]any{
	"TargetTrackingScaling": {
		"TargetValue": "n", "ScaleInCooldown": "n", "ScaleOutCooldown": "n", "DisableScaleIn": "b",
		"PredefinedMetricSpecification": pickOne(map[string]any{"PredefinedMetricType": "s", "ResourceLabel": "s"}),
	},
	"StepScaling": {
		"AdjustmentType": "s", "Cooldown": "n", "MetricAggregationType": "s", "MinAdjustmentMagnitude": "n",
		"StepAdjustments": pickList(map[string]any{"MetricIntervalLowerBound": "n", "MetricIntervalUpperBound": "n", "ScalingAdjustment": "n"}),
	},
}

var scalableTargetType = &resourceType{
	attrs: []string{"Id"}, replace: []string{"ResourceId", "ScalableDimension", "ServiceNamespace"},
	create: func(s *Server, _ *stack, r *resource, at time.Time) error {
		ns, id, dim := scalarString(r.props["ServiceNamespace"]), scalarString(r.props["ResourceId"]), scalarString(r.props["ScalableDimension"])
		if err := s.checkScalable(ns, id); err != nil {
			return err
		}
		t := &scalableTarget{namespace: ns, resourceID: id, dimension: dim, created: at,
			arn: s.arn("application-autoscaling", "scalable-target/"+s.randString(lowerHex, 36))}
		if s.scaling.target(ns, id, dim) != nil {
			return alreadyExists(r.typ, t.id())
		}
		if err := configureTarget(s, r, t); err != nil {
			return err
		}
		s.scaling.targets = append(s.scaling.targets, t)
		r.physicalID, r.attrs = t.id(), map[string]any{"Id": t.id()}
		return nil
	},
	update: func(s *Server, _ *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		parts := strings.Split(r.physicalID, "|")
		t := s.scaling.target(parts[2], parts[0], parts[1])
		if t == nil {
			return notFound("No scalable target registered for %s", r.physicalID)
		}
		return configureTarget(s, r, t)
	},
	// Deregistering a target deletes its policies.
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		parts := strings.Split(r.physicalID, "|")
		s.scaling.targets = slices.DeleteFunc(s.scaling.targets, func(t *scalableTarget) bool { return t.id() == r.physicalID })
		s.scaling.policies = slices.DeleteFunc(s.scaling.policies, func(p *scalingPolicy) bool {
			return p.resourceID == parts[0] && p.dimension == parts[1] && p.namespace == parts[2]
		})
	},
}

func configureTarget(s *Server, r *resource, t *scalableTarget) error {
	t.min, t.max = intProp(r.props["MinCapacity"], 0), intProp(r.props["MaxCapacity"], 0)
	if t.min > t.max {
		return invalid("Minimum capacity cannot be greater than maximum capacity (Service: ApplicationAutoScaling, Status Code: 400, Request ID: %s)", s.uuid())
	}
	t.roleARN = scalarString(r.props["RoleARN"])
	if t.roleARN == "" && t.namespace == "ecs" {
		t.roleARN = s.iamARN("role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService")
	}
	t.suspended = nil
	if m, ok := r.props["SuspendedState"].(map[string]any); ok {
		t.suspended = pick(m, map[string]any{"DynamicScalingInSuspended": "b", "DynamicScalingOutSuspended": "b", "ScheduledScalingSuspended": "b"})
	}
	return nil
}

// policyTarget is the scalable target a policy names: by ScalingTargetId,
// or by all three of its keys.
func (s *Server) policyTarget(props map[string]any) (*scalableTarget, error) {
	ns, id, dim := scalarString(props["ServiceNamespace"]), scalarString(props["ResourceId"]), scalarString(props["ScalableDimension"])
	if tid := scalarString(props["ScalingTargetId"]); tid != "" {
		parts := strings.Split(tid, "|")
		if len(parts) != 3 {
			return nil, invalid("Invalid ScalingTargetId %s", tid)
		}
		id, dim, ns = parts[0], parts[1], parts[2]
	} else if ns == "" || id == "" || dim == "" {
		return nil, invalid("Either ScalingTargetId or all three of [ResourceId, ScalableDimension, ServiceNamespace] must be specified")
	}
	t := s.scaling.target(ns, id, dim)
	if t == nil {
		return nil, notFound("No scalable target registered for service namespace: %s, resource ID: %s, scalable dimension: %s (Service: ApplicationAutoScaling, Status Code: 400, Request ID: %s)", ns, id, dim, s.uuid())
	}
	return t, nil
}

func (s *Server) configurePolicy(r *resource, p *scalingPolicy) error {
	p.typ = scalarString(r.props["PolicyType"])
	kinds, ok := policyConfigs[p.typ]
	if !ok {
		return invalid("Invalid request provided: PolicyType %s is not supported.", p.typ)
	}
	m, _ := r.props[p.typ+"PolicyConfiguration"].(map[string]any)
	if m == nil {
		return invalid("%sPolicyConfiguration must be specified for a %s policy.", p.typ, p.typ)
	}
	p.config = pick(m, kinds)
	p.alarms = nil
	if p.typ == "TargetTrackingScaling" {
		for _, kind := range []string{"AlarmHigh", "AlarmLow"} {
			p.alarms = append(p.alarms, fmt.Sprintf("TargetTracking-%s-%s-%s", p.resourceID, kind, s.uuid()))
		}
	}
	return nil
}

var scalingPolicyType = &resourceType{
	attrs: []string{"Arn"}, replace: []string{"PolicyName", "ResourceId", "ScalableDimension", "ScalingTargetId", "ServiceNamespace"},
	create: func(s *Server, _ *stack, r *resource, at time.Time) error {
		t, err := s.policyTarget(r.props)
		if err != nil {
			return err
		}
		name := scalarString(r.props["PolicyName"])
		for _, p := range s.scaling.policies {
			if p.name == name && p.resourceID == t.resourceID && p.dimension == t.dimension && p.namespace == t.namespace {
				return alreadyExists(r.typ, name)
			}
		}
		p := &scalingPolicy{name: name, namespace: t.namespace, resourceID: t.resourceID, dimension: t.dimension, created: at,
			arn: s.arn("autoscaling", fmt.Sprintf("scalingPolicy:%s:resource/%s/%s:policyName/%s", s.uuid(), t.namespace, t.resourceID, name))}
		if err := s.configurePolicy(r, p); err != nil {
			return err
		}
		s.scaling.policies = append(s.scaling.policies, p)
		r.physicalID, r.attrs = p.arn, map[string]any{"Arn": p.arn}
		return nil
	},
	update: func(s *Server, _ *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		for _, p := range s.scaling.policies {
			if p.arn == r.physicalID {
				return s.configurePolicy(r, p)
			}
		}
		return notFound("No scaling policy found for %s", r.physicalID)
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.scaling.policies = slices.DeleteFunc(s.scaling.policies, func(p *scalingPolicy) bool { return p.arn == r.physicalID })
	},
}
