package validate

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
)

// The x-aws-* extensions docker ecs knows, with the names of the retired
// Docker ECS integration, so that its users' files keep working.
var (
	projectExtensions = []string{vpcExtension, "x-aws-subnets", "x-aws-private", "x-aws-cluster", loadBalancerExtension, internalExtension, certificateExtension, "x-aws-logs_retention", "x-aws-cloudformation"}
	serviceExtensions = []string{"x-aws-role", "x-aws-policies", "x-aws-pull_credentials", "x-aws-exec", "x-aws-capacity", "x-aws-healthcheck_path", "x-aws-secret_env", "x-aws-instance_type"}
)

var (
	subnetID = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	groupID  = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
	// clusterName and clusterARN leave the length of the name, at most
	// maxClusterName, to isCluster.
	clusterName   = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	clusterARN    = regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster/([A-Za-z0-9_-]+)$`)
	policyARN     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]+$`)
	secretARN     = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$`)
	retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)

// maxClusterName is the longest name of an ECS cluster.
const maxClusterName = 255

// isCluster reports whether c is the name or the ARN of an ECS cluster.
// The length is checked apart from the patterns, because a counted
// repetition ({1,255}) compiles into a state per count, which every start
// of the program paid for.
func isCluster(c string) bool {
	if clusterName.MatchString(c) {
		return len(c) <= maxClusterName
	}
	m := clusterARN.FindStringSubmatch(c)
	return m != nil && len(m[1]) <= maxClusterName
}

// unknownExtensions warns about x-aws-* keys docker ecs does not know,
// which are most often misspelt.
func unknownExtensions(ext types.Extensions, known []string, prefix string, r *report) {
	for _, k := range slices.Sorted(maps.Keys(ext)) {
		if strings.HasPrefix(k, "x-aws-") && !slices.Contains(known, k) {
			r.warnf(prefix+k, "ignored: docker ecs knows no such extension (see the README for those it knows)")
		}
	}
}

// stringExtension reads a string extension; key locates it in errors.
func stringExtension(ext types.Extensions, name, prefix string, r *report) (string, bool) {
	v, ok := ext[name]
	if !ok || v == nil {
		return "", false
	}
	s, isString := v.(string)
	if !isString {
		r.errorf(prefix+name, "must be a string, not %s", shown(v))
		return "", false
	}
	return s, true
}

// shown writes a YAML value in an error message as the user wrote it.
func shown(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprint(v)
}

// boolExtension reads a boolean extension: true, false, or their strings
// (after interpolation).
func boolExtension(ext types.Extensions, name, prefix string, r *report) bool {
	v, ok := ext[name]
	if !ok || v == nil {
		return false
	}
	switch v := v.(type) {
	case bool:
		return v
	case string:
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	r.errorf(prefix+name, "must be true or false, not %s", shown(v))
	return false
}

// intValue reads a whole number of a YAML value: an int, a float without
// fraction, or a string (after interpolation).
func intValue(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case uint64:
		return int(min(v, math.MaxInt32)), true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < math.MaxInt32 {
			return int(v), true
		}
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		return n, err == nil
	}
	return 0, false
}

// stringList reads a list of strings.
func stringList(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

// projectExtensionsOf reads the project-level x-aws-* extensions that are
// not about the load balancer.
func projectExtensionsOf(p *types.Project, out *app.Project, r *report) {
	unknownExtensions(p.Extensions, projectExtensions, "", r)
	out.VPC = vpc(p, r)
	if v, ok := p.Extensions["x-aws-subnets"]; ok {
		subnets, ok := stringList(v)
		if !ok || len(subnets) == 0 {
			r.errorf("x-aws-subnets", "must be a list of subnet IDs (subnet-0123456789abcdef0)")
		}
		for _, s := range subnets {
			if !subnetID.MatchString(s) {
				r.errorf("x-aws-subnets", "%q is not a subnet ID (subnet-0123456789abcdef0)", s)
			}
		}
		slices.Sort(subnets)
		out.Subnets = slices.Compact(subnets)
	}
	out.Private = boolExtension(p.Extensions, "x-aws-private", "", r)
	if c, ok := stringExtension(p.Extensions, "x-aws-cluster", "", r); ok {
		if !isCluster(c) {
			r.errorf("x-aws-cluster", "must be the name or the ARN of an ECS cluster, not %q", c)
		}
		out.Cluster = c
	}
	if v, ok := p.Extensions["x-aws-logs_retention"]; ok {
		days, ok := intValue(v)
		if !ok || !slices.Contains(retentionDays, days) {
			r.errorf("x-aws-logs_retention", "CloudWatch keeps logs for one of %v days, not %s", retentionDays, shown(v))
		} else {
			out.LogRetentionDays = days
		}
	}
	if v, ok := p.Extensions["x-aws-cloudformation"]; ok {
		overlay, ok := v.(map[string]any)
		if !ok {
			r.errorf("x-aws-cloudformation", "must be a CloudFormation template fragment: a mapping with Resources, Outputs…")
		}
		for _, k := range slices.Sorted(maps.Keys(overlay)) {
			switch k {
			case "Resources", "Outputs", "Conditions", "Mappings", "Metadata":
				if _, ok := overlay[k].(map[string]any); !ok {
					r.errorf("x-aws-cloudformation."+k, "must be a mapping")
				}
			default:
				r.errorf("x-aws-cloudformation."+k, "a fragment merges over Resources, Outputs, Conditions, Mappings and Metadata only")
			}
		}
		out.Overlay = overlay
	}
}

// serviceExtensionsOf reads the x-aws-* extensions of a service and of its
// deploy section.
func serviceExtensionsOf(s types.ServiceConfig, svc *app.Service, key string, r *report) {
	unknownExtensions(s.Extensions, serviceExtensions, key+".", r)
	prefix := key + "."
	role := &app.TaskRole{}
	if v, ok := s.Extensions["x-aws-role"]; ok {
		doc, ok := v.(map[string]any)
		if _, hasStatement := doc["Statement"]; !ok || !hasStatement {
			r.errorf(prefix+"x-aws-role", "must be an IAM policy document: a mapping with Statement")
		} else {
			if _, ok := doc["Version"]; !ok {
				doc["Version"] = "2012-10-17"
			}
			role.Policy = doc
		}
	}
	if v, ok := s.Extensions["x-aws-policies"]; ok {
		arns, ok := stringList(v)
		if !ok {
			r.errorf(prefix+"x-aws-policies", "must be a list of IAM policy ARNs")
		}
		for _, a := range arns {
			if !policyARN.MatchString(a) {
				r.errorf(prefix+"x-aws-policies", "%q is not the ARN of an IAM policy (arn:aws:iam::aws:policy/…)", a)
			}
		}
		role.ManagedPolicies = arns
	}
	svc.Exec = boolExtension(s.Extensions, "x-aws-exec", prefix, r)
	if role.Policy != nil || len(role.ManagedPolicies) > 0 || svc.Exec {
		svc.TaskRole = role
	}
	if c, ok := stringExtension(s.Extensions, "x-aws-pull_credentials", prefix, r); ok {
		if !secretARN.MatchString(c) {
			r.errorf(prefix+"x-aws-pull_credentials", "must be the ARN of a Secrets Manager secret, not %q", c)
		}
		svc.PullCredentials = c
	}
	svc.Capacity = capacity(s.Extensions["x-aws-capacity"], prefix+"x-aws-capacity", r)
	if slices.ContainsFunc(svc.Capacity, func(c app.Capacity) bool { return c.Provider == "FARGATE_SPOT" }) && svc.Platform == "ARM64" {
		r.errorf(prefix+"x-aws-capacity", "Fargate Spot does not run linux/arm64 tasks")
	}
	if path, ok := stringExtension(s.Extensions, "x-aws-healthcheck_path", prefix, r); ok {
		if !strings.HasPrefix(path, "/") {
			r.errorf(prefix+"x-aws-healthcheck_path", "must be a path starting with /, not %q", path)
		}
		svc.HealthCheckPath = path
	}
	if s.Deploy != nil {
		svc.Autoscaling = autoscaling(s.Deploy.Extensions["x-aws-autoscaling"], prefix+"deploy.x-aws-autoscaling", r)
		unknownExtensions(s.Deploy.Extensions, []string{"x-aws-autoscaling"}, prefix+"deploy.", r)
		if u := s.Deploy.UpdateConfig; u != nil {
			percents(u.Extensions, svc, prefix+"deploy.update_config.", r)
		}
	}
}

// capacity reads x-aws-capacity: spot, on-demand, or weights of each.
func capacity(v any, key string, r *report) []app.Capacity {
	providers := map[string]string{"spot": "FARGATE_SPOT", "on-demand": "FARGATE"}
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		switch v {
		case "on-demand":
			return nil // the default: the FARGATE launch type
		case "spot":
			return []app.Capacity{{Provider: "FARGATE_SPOT", Weight: 1}}
		}
	case map[string]any:
		var out []app.Capacity
		total := 0
		for _, k := range slices.Sorted(maps.Keys(v)) {
			provider, known := providers[k]
			weight, isInt := intValue(v[k])
			switch {
			case !known:
				r.errorf(key+"."+k, "must be spot or on-demand")
			case !isInt || weight < 0 || weight > 1000:
				r.errorf(key+"."+k, "must be a weight from 0 to 1000, not %s", shown(v[k]))
			default:
				total += weight
				out = append(out, app.Capacity{Provider: provider, Weight: weight})
			}
		}
		if len(out) > 0 && total == 0 {
			r.errorf(key, "needs a weight above 0")
		}
		slices.SortFunc(out, func(a, b app.Capacity) int { return strings.Compare(a.Provider, b.Provider) })
		return out
	}
	r.errorf(key, "must be spot, on-demand, or weights such as {spot: 3, on-demand: 1}, not %s", shown(v))
	return nil
}

// autoscaling reads deploy.x-aws-autoscaling: {min, max, and one of cpu,
// memory or requests}.
func autoscaling(v any, key string, r *report) *app.Autoscaling {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		r.errorf(key, "must be a mapping: {min: 1, max: 10, cpu: 75}")
		return nil
	}
	a := &app.Autoscaling{Min: 1, ScaleInCooldown: 300, ScaleOutCooldown: 60}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch k {
		case "min", "max":
			n, ok := intValue(m[k])
			if !ok || n < 0 || n > 10000 {
				r.errorf(key+"."+k, "must be a number of tasks from 0 to 10000, not %s", shown(m[k]))
			}
			if k == "min" {
				a.Min = n
			} else {
				a.Max = n
			}
		case "cpu", "memory", "requests":
			n, ok := intValue(m[k])
			switch {
			case a.Metric != "":
				r.errorf(key+"."+k, "scales on one metric only, and %s is already set", a.Metric)
			case k == "requests" && (!ok || n < 1):
				r.errorf(key+"."+k, "must be a number of requests per task and minute, not %s", shown(m[k]))
			case k != "requests" && (!ok || n < 1 || n > 100):
				r.errorf(key+"."+k, "must be a target from 1 to 100 (%% of the task's %s), not %s", k, shown(m[k]))
			default:
				a.Metric, a.Target = k, n
			}
		case "scale_in_cooldown", "scale_out_cooldown":
			d, err := time.ParseDuration(fmt.Sprint(m[k]))
			if err != nil || d < 0 || d > time.Hour {
				r.errorf(key+"."+k, "must be a duration up to 1h, such as 5m, not %s", shown(m[k]))
			}
			if k == "scale_in_cooldown" {
				a.ScaleInCooldown = int(d.Seconds())
			} else {
				a.ScaleOutCooldown = int(d.Seconds())
			}
		default:
			r.errorf(key+"."+k, "unknown: x-aws-autoscaling takes min, max, one of cpu, memory or requests, scale_in_cooldown and scale_out_cooldown")
		}
	}
	switch {
	case a.Max == 0:
		r.errorf(key+".max", "is required, above 0")
	case a.Min > a.Max:
		r.errorf(key, "min (%d) is more than max (%d)", a.Min, a.Max)
	}
	if a.Metric == "" {
		r.errorf(key, "needs a target: cpu, memory (in %%) or requests (per task and minute)")
	}
	return a
}

// percents reads the rolling update's bounds given as x-aws-min_percent and
// x-aws-max_percent, which win over those update_config implies.
func percents(ext types.Extensions, svc *app.Service, prefix string, r *report) {
	if v, ok := ext["x-aws-min_percent"]; ok {
		n, ok := intValue(v)
		if !ok || n < 0 || n > 100 {
			r.errorf(prefix+"x-aws-min_percent", "must be a percentage from 0 to 100, not %s", shown(v))
		}
		svc.MinHealthy = n
	}
	if v, ok := ext["x-aws-max_percent"]; ok {
		n, ok := intValue(v)
		if !ok || n < 100 || n > 200 {
			r.errorf(prefix+"x-aws-max_percent", "must be a percentage from 100 to 200, not %s", shown(v))
		}
		svc.MaxPercent = n
	}
	if svc.MinHealthy == 100 && svc.MaxPercent == 100 {
		r.errorf(prefix+"x-aws-max_percent", "with a minimum of 100%%, a maximum of 100%% leaves no room to start a new task")
	}
}
