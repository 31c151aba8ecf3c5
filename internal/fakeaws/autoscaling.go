package fakeaws

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// asgState is EC2 Auto Scaling: groups of fake instances.
type asgState struct {
	groups []*autoScalingGroup
}

type autoScalingGroup struct {
	name, arn          string
	min, max, desired  int
	subnets            []string
	template           launchTemplateSpec
	protect            bool // NewInstancesProtectedFromScaleIn
	instances          []*asgInstance
	tags               []asgTag
	created            time.Time
	capacityRebalance  bool
	healthCheckType    string
	healthCheckSeconds int
}

type launchTemplateSpec struct{ id, name, version string }

type asgInstance struct {
	id, az, subnet, state string
	protected             bool
	version               string
}

type asgTag struct {
	key, value string
	propagate  bool
}

// launchTemplate is an EC2 launch template; versions[i] is version i+1.
type launchTemplate struct {
	id, name       string
	versions       []map[string]any
	defaultVersion int
}

func (e *ec2State) launchTemplate(idOrName string) *launchTemplate {
	for _, lt := range e.launchTemplates {
		if lt.id == idOrName || lt.name == idOrName {
			return lt
		}
	}
	return nil
}

func (a *asgState) group(nameOrARN string) *autoScalingGroup {
	for _, g := range a.groups {
		if g.name == nameOrARN || g.arn == nameOrARN {
			return g
		}
	}
	return nil
}

// AutoScalingGroup is an EC2 Auto Scaling group of the fake, for
// assertions.
type AutoScalingGroup struct {
	Name, ARN                               string
	MinSize, MaxSize, DesiredCapacity       int
	Subnets                                 []string
	LaunchTemplateID, LaunchTemplateVersion string
	NewInstancesProtectedFromScaleIn        bool
	Instances                               []AutoScalingInstance
	Tags                                    map[string]string
}

// AutoScalingInstance is an instance of an AutoScalingGroup.
type AutoScalingInstance struct {
	ID, AvailabilityZone, SubnetID, LifecycleState string
	ProtectedFromScaleIn                           bool
}

// AutoScalingGroups returns every Auto Scaling group, by name.
func (s *Server) AutoScalingGroups() []AutoScalingGroup {
	s.lock()
	defer s.mu.Unlock()
	var out []AutoScalingGroup
	for _, g := range s.asg.groups {
		ag := AutoScalingGroup{Name: g.name, ARN: g.arn, MinSize: g.min, MaxSize: g.max, DesiredCapacity: g.desired, Subnets: slices.Clone(g.subnets),
			LaunchTemplateID: g.template.id, LaunchTemplateVersion: g.template.version, NewInstancesProtectedFromScaleIn: g.protect, Tags: map[string]string{}}
		for _, i := range g.instances {
			ag.Instances = append(ag.Instances, AutoScalingInstance{ID: i.id, AvailabilityZone: i.az, SubnetID: i.subnet, LifecycleState: i.state, ProtectedFromScaleIn: i.protected})
		}
		for _, t := range g.tags {
			ag.Tags[t.key] = t.value
		}
		out = append(out, ag)
	}
	slices.SortFunc(out, func(a, b AutoScalingGroup) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// scale launches or terminates instances until the group has its desired
// capacity. Scale-in spares the instances protected from it, as EC2 Auto
// Scaling does.
func (s *Server) scale(g *autoScalingGroup) {
	for len(g.instances) < g.desired {
		subnet, az := "", s.opts.Region+"a"
		if len(g.subnets) > 0 {
			subnet = g.subnets[len(g.instances)%len(g.subnets)]
			if sn := s.ec2.subnet(subnet); sn != nil {
				az = sn.az
			}
		}
		g.instances = append(g.instances, &asgInstance{id: "i-" + s.randString(lowerHex, 17), az: az, subnet: subnet, state: "Pending", protected: g.protect, version: g.template.version})
	}
	for i := len(g.instances) - 1; i >= 0 && len(g.instances) > g.desired; i-- {
		if !g.instances[i].protected {
			g.instances = slices.Delete(g.instances, i, i+1)
		}
	}
}

// usedBy names the capacity provider that manages a group, if one does.
func (s *Server) usedBy(g *autoScalingGroup) string {
	for _, cp := range s.ecs.capacityProviders {
		if cp.status == "ACTIVE" && (cp.asg == g.name || cp.asg == g.arn) {
			return cp.name
		}
	}
	return ""
}

func init() {
	register(svcAutoScaling, map[string]handlerFunc{
		"DescribeAutoScalingGroups": (*Server).describeAutoScalingGroups,
	})
}

func (s *Server) describeAutoScalingGroups(req *request, _ time.Time) (any, error) {
	names := req.members("AutoScalingGroupNames")
	var filters []ec2Filter
	for _, f := range req.structs("Filters.member.") {
		filters = append(filters, ec2Filter{name: f.Get("Name"), values: indexed(f, "Values.member.")})
	}
	var matched []*autoScalingGroup
	for _, g := range s.asg.groups {
		if len(names) > 0 && !slices.Contains(names, g.name) {
			continue
		}
		var tags []tag
		for _, t := range g.tags {
			tags = append(tags, tag{t.key, t.value})
		}
		if !matchFilters(filters, tags, func(name string) ([]string, bool) {
			if name == "tag-value" {
				var values []string
				for _, t := range tags {
					values = append(values, t.value)
				}
				return values, true
			}
			return nil, false
		}) {
			continue
		}
		matched = append(matched, g)
	}
	page, next := page(matched, req.str("NextToken"), req.intArg("MaxRecords", 50))
	var items []*node
	for _, g := range page {
		items = append(items, s.groupNode(g))
	}
	return []*node{el("AutoScalingGroups", items...), tx("NextToken", next)}, nil
}

func (s *Server) groupNode(g *autoScalingGroup) *node {
	var azs []string
	for _, id := range g.subnets {
		if sn := s.ec2.subnet(id); sn != nil && !slices.Contains(azs, sn.az) {
			azs = append(azs, sn.az)
		}
	}
	var instances, tags []*node
	lt := el("LaunchTemplate", tx("LaunchTemplateId", g.template.id), tx("LaunchTemplateName", g.template.name), tx("Version", g.template.version))
	for _, i := range g.instances {
		instances = append(instances, el("member", tx("InstanceId", i.id), tx("InstanceType", "m5.large"), tx("AvailabilityZone", i.az),
			tx("LifecycleState", i.state), tx("HealthStatus", "Healthy"), tb("ProtectedFromScaleIn", i.protected),
			el("LaunchTemplate", tx("LaunchTemplateId", g.template.id), tx("LaunchTemplateName", g.template.name), tx("Version", i.version))))
	}
	for _, t := range g.tags {
		tags = append(tags, el("member", tx("ResourceId", g.name), tx("ResourceType", "auto-scaling-group"), tx("Key", t.key),
			&node{name: "Value", text: t.value}, tb("PropagateAtLaunch", t.propagate)))
	}
	return el("member", tx("AutoScalingGroupName", g.name), tx("AutoScalingGroupARN", g.arn), lt, ti("MinSize", g.min), ti("MaxSize", g.max),
		ti("DesiredCapacity", g.desired), ti("DefaultCooldown", 300), strList("AvailabilityZones", "member", azs),
		tx("HealthCheckType", g.healthCheckType), ti("HealthCheckGracePeriod", g.healthCheckSeconds), list("Instances", "member", instances),
		tt("CreatedTime", g.created), tx("VPCZoneIdentifier", strings.Join(g.subnets, ",")), list("Tags", "member", tags),
		strList("TerminationPolicies", "member", []string{"Default"}), tb("NewInstancesProtectedFromScaleIn", g.protect),
		tb("CapacityRebalance", g.capacityRebalance))
}

// --- CloudFormation ---

// launchTemplateSpecOf reads an AutoScalingGroup's LaunchTemplate and
// finds the template it names.
func (s *Server) launchTemplateSpecOf(v any) (launchTemplateSpec, error) {
	m, _ := v.(map[string]any)
	ref := orDefault(scalarString(m["LaunchTemplateId"]), scalarString(m["LaunchTemplateName"]))
	lt := s.ec2.launchTemplate(ref)
	if lt == nil {
		return launchTemplateSpec{}, invalid("The specified launch template, with template ID %s, does not exist.", ref)
	}
	version := orDefault(scalarString(m["Version"]), "$Default")
	if n, err := strconv.Atoi(version); err == nil && (n < 1 || n > len(lt.versions)) {
		return launchTemplateSpec{}, invalid("The specified launch template, with template ID %s, does not have version %s.", lt.id, version)
	}
	return launchTemplateSpec{id: lt.id, name: lt.name, version: version}, nil
}

var launchTemplateType = &resourceType{
	attrs: []string{"DefaultVersionNumber", "LatestVersionNumber", "LaunchTemplateId"}, replace: []string{"LaunchTemplateName"}, nameProp: "LaunchTemplateName",
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		data, ok := r.props["LaunchTemplateData"].(map[string]any)
		if !ok {
			return invalid("Model validation failed (#: required key [LaunchTemplateData] not found)")
		}
		name := s.nameOr(st, r, "LaunchTemplateName", 128)
		if s.ec2.launchTemplate(name) != nil {
			return alreadyExists(r.typ, name)
		}
		lt := &launchTemplate{id: "lt-" + s.randString(lowerHex, 17), name: name, versions: []map[string]any{data}, defaultVersion: 1}
		s.ec2.launchTemplates = append(s.ec2.launchTemplates, lt)
		r.physicalID = lt.id
		return nil
	},
	// A change of LaunchTemplateData makes a new version, which becomes
	// the default.
	update: func(s *Server, _ *stack, r *resource, old map[string]any, _ time.Time, _ bool) error {
		lt := s.ec2.launchTemplate(r.physicalID)
		if lt == nil {
			return notFound("The specified launch template, with template ID %s, does not exist.", r.physicalID)
		}
		if data, ok := r.props["LaunchTemplateData"].(map[string]any); ok && !sameValue(old["LaunchTemplateData"], data) {
			lt.versions = append(lt.versions, data)
			lt.defaultVersion = len(lt.versions)
		}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.ec2.launchTemplates = slices.DeleteFunc(s.ec2.launchTemplates, func(lt *launchTemplate) bool { return lt.id == r.physicalID })
	},
	attr: func(s *Server, r *resource, name string) (any, bool) {
		lt := s.ec2.launchTemplate(r.physicalID)
		if lt == nil {
			return nil, false
		}
		switch name {
		case "LatestVersionNumber":
			return strconv.Itoa(len(lt.versions)), true
		case "DefaultVersionNumber":
			return strconv.Itoa(lt.defaultVersion), true
		case "LaunchTemplateId":
			return lt.id, true
		}
		return nil, false
	},
}

// configureGroup applies an AutoScalingGroup's sizes, subnets and launch
// template, checking them the way EC2 Auto Scaling does.
func (s *Server) configureGroup(st *stack, r *resource, g *autoScalingGroup) error {
	for _, req := range []string{"MinSize", "MaxSize"} {
		if r.props[req] == nil {
			return invalid("Model validation failed (#: required key [%s] not found)", req)
		}
	}
	minSize, maxSize := intProp(r.props["MinSize"], 0), intProp(r.props["MaxSize"], 0)
	desired := intProp(r.props["DesiredCapacity"], minSize)
	if maxSize < minSize {
		return invalid("Max bound, %d, must be greater than or equal to min bound, %d", maxSize, minSize)
	}
	if desired < minSize || desired > maxSize {
		return invalid("Desired capacity:%d must be between the specified min size:%d and max size:%d", desired, minSize, maxSize)
	}
	if r.props["LaunchTemplate"] == nil {
		return invalid("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
	}
	spec, err := s.launchTemplateSpecOf(r.props["LaunchTemplate"])
	if err != nil {
		return err
	}
	subnets := stringList(r.props["VPCZoneIdentifier"])
	for _, id := range subnets {
		if s.ec2.subnet(id) == nil {
			return invalid("The subnet ID '%s' does not exist", id)
		}
	}
	g.min, g.max, g.desired, g.subnets, g.template = minSize, maxSize, desired, subnets, spec
	g.protect = scalarString(r.props["NewInstancesProtectedFromScaleIn"]) == "true"
	g.capacityRebalance = scalarString(r.props["CapacityRebalance"]) == "true"
	g.healthCheckType = orDefault(scalarString(r.props["HealthCheckType"]), "EC2")
	g.healthCheckSeconds = intProp(r.props["HealthCheckGracePeriod"], 0)
	g.tags = nil
	for _, t := range asList(r.props["Tags"]) {
		m, _ := t.(map[string]any)
		g.tags = append(g.tags, asgTag{scalarString(m["Key"]), scalarString(m["Value"]), scalarString(m["PropagateAtLaunch"]) == "true"})
	}
	for _, t := range cfnTags(st, r, nil) {
		if !slices.ContainsFunc(g.tags, func(at asgTag) bool { return at.key == t.key }) {
			g.tags = append(g.tags, asgTag{t.key, t.value, true})
		}
	}
	slices.SortFunc(g.tags, func(a, b asgTag) int { return strings.Compare(a.key, b.key) })
	s.scale(g)
	return nil
}

var autoScalingGroupType = &resourceType{
	attrs: []string{}, replace: []string{"AutoScalingGroupName"}, nameProp: "AutoScalingGroupName",
	create: func(s *Server, st *stack, r *resource, at time.Time) error {
		name := s.nameOr(st, r, "AutoScalingGroupName", 255)
		if s.asg.group(name) != nil {
			return alreadyExists(r.typ, name)
		}
		g := &autoScalingGroup{name: name, arn: s.arn("autoscaling", fmt.Sprintf("autoScalingGroup:%s:autoScalingGroupName/%s", s.uuid(), name)), created: at}
		if err := s.configureGroup(st, r, g); err != nil {
			return err
		}
		s.asg.groups = append(s.asg.groups, g)
		r.physicalID = name
		return nil
	},
	update: func(s *Server, st *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		g := s.asg.group(r.physicalID)
		if g == nil {
			return notFound("AutoScalingGroup name not found - AutoScalingGroup '%s' not found", r.physicalID)
		}
		return s.configureGroup(st, r, g)
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.asg.groups = slices.DeleteFunc(s.asg.groups, func(g *autoScalingGroup) bool { return g.name == r.physicalID })
	},
	// A group a capacity provider manages keeps its instances protected
	// from scale-in: CloudFormation cannot empty it, so cannot delete it.
	blocked: func(s *Server, r *resource) error {
		g := s.asg.group(r.physicalID)
		if g == nil || g.desired == 0 || s.usedBy(g) == "" || !slices.ContainsFunc(g.instances, func(i *asgInstance) bool { return i.protected }) {
			return nil
		}
		return &handlerError{"You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.", "ResourceConflict"}
	},
	settle: func(s *Server, _ *stack, r *resource, at time.Time, dur time.Duration, ok func(time.Time), _ func(time.Time, string)) {
		s.after(at, dur, func(at time.Time) {
			if g := s.asg.group(r.physicalID); g != nil {
				for _, i := range g.instances {
					i.state = "InService"
				}
			}
			ok(at)
		})
	},
}

var instanceProfileType = &resourceType{
	attrs: []string{"Arn"}, replace: []string{"InstanceProfileName", "Path"}, nameProp: "InstanceProfileName",
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		if len(asList(r.props["Roles"])) == 0 {
			return invalid("Model validation failed (#: required key [Roles] not found)")
		}
		name := s.nameOr(st, r, "InstanceProfileName", 128)
		r.physicalID = name
		r.attrs = map[string]any{"Arn": s.iamARN("instance-profile" + orDefault(scalarString(r.props["Path"]), "/") + name)}
		return nil
	},
	update: noUpdate,
	remove: noop,
}
