// Package cfncheck checks what cfn-lint cannot know about a template that
// docker ecs generates: every reference has a target, the resources have no
// dependency cycle, and every load balancer entry of an ECS service names a
// container and a port of the service's task definition. It reads the
// template as CloudFormation does, from its JSON, and is test support: no
// command imports it.
package cfncheck

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

type template struct {
	Parameters map[string]any
	Resources  map[string]resource
	Outputs    map[string]any
}

type resource struct {
	Type       string
	DependsOn  any
	Metadata   map[string]any
	Properties map[string]any
}

// pseudo are CloudFormation's pseudo parameters.
var pseudo = []string{"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}

// Check returns every problem it finds in the JSON template body.
func Check(body []byte) []error {
	var t template
	if err := json.Unmarshal(body, &t); err != nil {
		return []error{err}
	}
	var errs []error
	deps := map[string][]string{}
	known := func(ref string) bool {
		_, resource := t.Resources[ref]
		_, parameter := t.Parameters[ref]
		return resource || parameter || slices.Contains(pseudo, ref)
	}
	for _, id := range slices.Sorted(maps.Keys(t.Resources)) {
		r := t.Resources[id]
		refs := references(r.Properties)
		refs = append(refs, Strings(r.DependsOn)...)
		for _, ref := range refs {
			if !known(ref) {
				errs = append(errs, fmt.Errorf("Resources.%s refers to %q, which the template does not have", id, ref))
			} else if _, ok := t.Resources[ref]; ok {
				deps[id] = append(deps[id], ref)
			}
		}
		if r.Type == "AWS::ECS::Service" {
			errs = append(errs, loadBalancers(t, id, r)...)
		}
		errs = append(errs, waits(t, id, r)...)
	}
	for _, id := range slices.Sorted(maps.Keys(t.Outputs)) {
		for _, ref := range references(t.Outputs[id]) {
			if !known(ref) {
				errs = append(errs, fmt.Errorf("Outputs.%s refers to %q, which the template does not have", id, ref))
			}
		}
	}
	if cycle := findCycle(deps); cycle != nil {
		errs = append(errs, fmt.Errorf("dependency cycle: %s", strings.Join(cycle, " → ")))
	}
	return errs
}

// subVariable matches ${Name} and ${Name.Attribute} in Fn::Sub, but not the
// escaped ${!Literal}.
var subVariable = regexp.MustCompile(`\$\{([^!}][^}]*)\}`)

// references lists the logical IDs and parameters a value refers to with
// Ref, Fn::GetAtt and Fn::Sub.
func references(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["Ref"].(string); ok && len(v) == 1 {
				out = append(out, ref)
				return
			}
			if att, ok := v["Fn::GetAtt"]; ok && len(v) == 1 {
				switch att := att.(type) {
				case []any:
					if len(att) > 0 {
						out = append(out, fmt.Sprint(att[0]))
					}
				case string:
					id, _, _ := strings.Cut(att, ".")
					out = append(out, id)
				}
				return
			}
			if sub, ok := v["Fn::Sub"]; ok && len(v) == 1 {
				format, vars := sub, map[string]any{}
				if list, ok := sub.([]any); ok && len(list) == 2 {
					format = list[0]
					vars, _ = list[1].(map[string]any)
					walk(list[1])
				}
				if s, ok := format.(string); ok {
					for _, m := range subVariable.FindAllStringSubmatch(s, -1) {
						name, _, _ := strings.Cut(m[1], ".")
						if _, local := vars[name]; !local {
							out = append(out, name)
						}
					}
				}
				return
			}
			for _, k := range slices.Sorted(maps.Keys(v)) {
				walk(v[k])
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// Strings reads a value that CloudFormation and IAM take as a string or a
// list of strings (DependsOn, Action, Resource).
func Strings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

// findCycle returns the resources of a dependency cycle, or nil.
func findCycle(deps map[string][]string) []string {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(string) []string
	visit = func(id string) []string {
		switch state[id] {
		case visiting:
			i := slices.Index(stack, id)
			return append(slices.Clone(stack[i:]), id)
		case done:
			return nil
		}
		state[id] = visiting
		stack = append(stack, id)
		for _, d := range deps[id] {
			if c := visit(d); c != nil {
				return c
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
		return nil
	}
	for _, id := range slices.Sorted(maps.Keys(deps)) {
		if c := visit(id); c != nil {
			return c
		}
	}
	return nil
}

// loadBalancers checks that every load balancer entry of an ECS service
// names a container of its task definition and a port that container maps.
func loadBalancers(t template, id string, r resource) []error {
	entries, _ := r.Properties["LoadBalancers"].([]any)
	if len(entries) == 0 {
		return nil
	}
	ref := references(r.Properties["TaskDefinition"])
	if len(ref) != 1 {
		return []error{fmt.Errorf("Resources.%s: the task definition is not a resource of the template", id)}
	}
	td, ok := t.Resources[ref[0]]
	if !ok || td.Type != "AWS::ECS::TaskDefinition" {
		return []error{fmt.Errorf("Resources.%s: %s is not a task definition of the template", id, ref[0])}
	}
	ports := map[string][]float64{}
	containers, _ := td.Properties["ContainerDefinitions"].([]any)
	for _, c := range containers {
		c, _ := c.(map[string]any)
		name, _ := c["Name"].(string)
		ports[name] = []float64{}
		mappings, _ := c["PortMappings"].([]any)
		for _, m := range mappings {
			m, _ := m.(map[string]any)
			if p, ok := m["ContainerPort"].(float64); ok {
				ports[name] = append(ports[name], p)
			}
		}
	}
	var errs []error
	for i, e := range entries {
		e, _ := e.(map[string]any)
		name, _ := e["ContainerName"].(string)
		port, _ := e["ContainerPort"].(float64)
		mapped, ok := ports[name]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("Resources.%s.Properties.LoadBalancers[%d]: %s has no container %q", id, i, ref[0], name))
		case !slices.Contains(mapped, port):
			errs = append(errs, fmt.Errorf("Resources.%s.Properties.LoadBalancers[%d]: container %q of %s does not map port %v", id, i, name, ref[0], port))
		}
		if len(references(e["TargetGroupArn"])) != 1 {
			errs = append(errs, fmt.Errorf("Resources.%s.Properties.LoadBalancers[%d]: the target group is not a resource of the template", id, i))
		}
	}
	return errs
}

// waitable are the resources a service may wait for without referring to
// them, because AWS or compose needs them first.
var waitable = map[string]bool{
	// ECS refuses a target group that no listener uses yet.
	"AWS::ElasticLoadBalancingV2::Listener": true,
	// The gate of a volume's mount targets: a task cannot mount the file
	// system before they are available.
	"AWS::CloudFormation::WaitConditionHandle": true,
	// A service on a capacity provider fails until the cluster has it.
	"AWS::ECS::ClusterCapacityProviderAssociations": true,
	// A compose depends_on.
	"AWS::ECS::Service": true,
}

// waits checks that each DependsOn of a resource is one AWS or compose
// requires, since each lengthens the deploy.
func waits(t template, id string, r resource) []error {
	refs := references(r.Properties)
	var errs []error
	for _, dep := range Strings(r.DependsOn) {
		target, ok := t.Resources[dep]
		switch {
		case !ok:
			// Reported as an unknown reference.
		case slices.Contains(refs, dep):
			errs = append(errs, fmt.Errorf("Resources.%s: DependsOn %s is redundant, its properties refer to it", id, dep))
		case r.Type != "AWS::ECS::Service" || !waitable[target.Type]:
			errs = append(errs, fmt.Errorf("Resources.%s: DependsOn %s (%s) is not one that AWS or compose requires", id, dep, target.Type))
		case target.Type == "AWS::ElasticLoadBalancingV2::Listener" && !forwardsTo(target, r):
			errs = append(errs, fmt.Errorf("Resources.%s: DependsOn %s, a listener that does not forward to its target groups", id, dep))
		}
	}
	return errs
}

// forwardsTo says whether a listener forwards to a target group of the
// service.
func forwardsTo(listener, service resource) bool {
	groups := references(service.Properties["LoadBalancers"])
	for _, g := range references(listener.Properties) {
		if slices.Contains(groups, g) {
			return true
		}
	}
	return false
}

// Step is a resource on a template's critical path, and when it is done.
type Step struct {
	Resource, Type string
	// Done is the time, from the start of the deploy, at which the
	// resource is ready.
	Done time.Duration
}

// CriticalPath is the longest chain of resources that wait for each other
// when CloudFormation creates the template, each taking the time durations
// gives its type (others, the time of "").
func CriticalPath(body []byte, durations map[string]time.Duration) ([]Step, error) {
	var t template
	if err := json.Unmarshal(body, &t); err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	for id, r := range t.Resources {
		// Refs in metadata order creation as well (WaitConditionHandle gates).
		for _, ref := range slices.Concat(references(r.Properties), Strings(r.DependsOn), references(r.Metadata)) {
			if _, ok := t.Resources[ref]; ok && !slices.Contains(deps[id], ref) {
				deps[id] = append(deps[id], ref)
			}
		}
	}
	if cycle := findCycle(deps); cycle != nil {
		return nil, fmt.Errorf("dependency cycle: %s", strings.Join(cycle, " → "))
	}
	done := map[string]time.Duration{}
	before := map[string]string{}
	var finish func(id string) time.Duration
	finish = func(id string) time.Duration {
		if d, ok := done[id]; ok {
			return d
		}
		var start time.Duration
		for _, dep := range slices.Sorted(slices.Values(deps[id])) {
			if f := finish(dep); f > start {
				start, before[id] = f, dep
			}
		}
		d, ok := durations[t.Resources[id].Type]
		if !ok {
			d = durations[""]
		}
		done[id] = start + d
		return done[id]
	}
	last := ""
	for _, id := range slices.Sorted(maps.Keys(t.Resources)) {
		if last == "" || finish(id) > finish(last) {
			last = id
		}
	}
	var path []Step
	for id := last; id != ""; id = before[id] {
		path = append([]Step{{Resource: id, Type: t.Resources[id].Type, Done: done[id]}}, path...)
	}
	return path, nil
}
