package fakeaws

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// resourceType is what the fake knows about a CloudFormation resource type:
// the attributes Fn::GetAtt may ask for, which property changes force a
// replacement, and the side effects of creating, updating and deleting it
// on the other faked APIs.
type resourceType struct {
	attrs    []string // nil: any attribute, answered with a plausible string
	replace  []string // properties whose change requires replacement; "*" for all
	nameProp string   // property that gives the resource a custom name
	create   func(s *Server, st *stack, r *resource, at time.Time) error
	update   func(s *Server, st *stack, r *resource, old map[string]any, at time.Time, rollback bool) error
	remove   func(s *Server, st *stack, r *resource, at time.Time)
	settle   func(s *Server, st *stack, r *resource, at time.Time, dur time.Duration, ok func(time.Time), fail func(time.Time, string))
	// attr computes attributes that change after creation.
	attr func(s *Server, r *resource, name string) (any, bool)
	// blocked tells why AWS refuses to delete the resource right now (an
	// EFS file system with mount targets, a capacity provider still
	// associated with a cluster), or nil.
	blocked func(s *Server, r *resource) error
}

func (t *resourceType) requiresReplacement(changed []string) bool {
	for _, p := range changed {
		if slices.Contains(t.replace, "*") || slices.Contains(t.replace, p) {
			return true
		}
	}
	return false
}

// handlerError is a failure of a resource handler, with CloudFormation's
// HandlerErrorCode.
type handlerError struct{ msg, code string }

func (e *handlerError) Error() string { return e.msg }

func alreadyExists(typ, name string) error {
	return &handlerError{fmt.Sprintf("Resource of type '%s' with identifier '%s' already exists.", typ, name), "AlreadyExists"}
}

func notFound(format string, args ...any) error {
	return &handlerError{fmt.Sprintf(format, args...), "NotFound"}
}

func invalid(format string, args ...any) error {
	return &handlerError{fmt.Sprintf(format, args...), "InvalidRequest"}
}

// physicalName makes the name CloudFormation gives a resource that has no
// custom name: stack-LogicalId-RANDOM, shortened to fit max.
func (s *Server) physicalName(st *stack, id string, max int) string {
	suffix := s.randString(upperAlnum, 12)
	stackPart, idPart := st.name, id
	for len(stackPart)+len(idPart)+len(suffix)+2 > max {
		if len(stackPart) >= len(idPart) && len(stackPart) > 1 {
			stackPart = stackPart[:len(stackPart)-1]
		} else if len(idPart) > 1 {
			idPart = idPart[:len(idPart)-1]
		} else {
			break
		}
	}
	return stackPart + "-" + idPart + "-" + suffix
}

// nameOr returns the custom name property, else a generated name.
func (s *Server) nameOr(st *stack, r *resource, prop string, max int) string {
	if v := scalarString(r.props[prop]); v != "" {
		return v
	}
	return s.physicalName(st, r.id, max)
}

// stackTags are the tags CloudFormation puts on every resource it creates,
// with the stack's own tags.
func stackTags(st *stack, r *resource) []tag { return cfnTags(st, r, tagsOf(r.props)) }

// cfnTags are a resource's own tags, whatever property holds them, with
// those CloudFormation adds.
func cfnTags(st *stack, r *resource, own []tag) []tag {
	return mergeTags(own, st.tags, []tag{
		{"aws:cloudformation:stack-name", st.name},
		{"aws:cloudformation:stack-id", st.id},
		{"aws:cloudformation:logical-id", r.id},
	})
}

func noop(*Server, *stack, *resource, time.Time) {}

func noUpdate(*Server, *stack, *resource, map[string]any, time.Time, bool) error { return nil }

// generic is every type the fake has no model for: it gets a physical ID
// and attributes that look right, and no side effect.
var generic = &resourceType{
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		r.physicalID = s.physicalName(st, r.id, 128)
		return nil
	},
	update: noUpdate,
	remove: noop,
}

func typeOf(typ string) *resourceType {
	if t, ok := resourceTypes[typ]; ok {
		return t
	}
	return generic
}

// genericAttr invents an attribute value for a resource whose type does not
// list its attributes.
func (s *Server) genericAttr(r *resource, name string) any {
	service := "unknown"
	if parts := strings.Split(r.typ, "::"); len(parts) > 1 {
		service = strings.ToLower(parts[1])
	}
	switch {
	case name == "Arn" || strings.HasSuffix(name, "Arn"):
		return s.arn(service, strings.ToLower(r.typ[strings.LastIndex(r.typ, ":")+1:])+"/"+r.physicalID)
	case name == "Id" || strings.HasSuffix(name, "Id"):
		return r.physicalID
	}
	return r.physicalID + "." + name
}

var resourceTypes map[string]*resourceType

func init() {
	resourceTypes = map[string]*resourceType{
		"AWS::ECS::Cluster":                             ecsClusterType,
		"AWS::ECS::TaskDefinition":                      taskDefinitionType,
		"AWS::ECS::Service":                             ecsServiceType,
		"AWS::Logs::LogGroup":                           logGroupType,
		"AWS::EC2::SecurityGroup":                       securityGroupType,
		"AWS::EC2::SecurityGroupIngress":                ingressType,
		"AWS::EC2::SecurityGroupEgress":                 egressType,
		"AWS::ElasticLoadBalancingV2::LoadBalancer":     loadBalancerType,
		"AWS::ElasticLoadBalancingV2::TargetGroup":      targetGroupType,
		"AWS::ElasticLoadBalancingV2::Listener":         listenerType,
		"AWS::ElasticLoadBalancingV2::ListenerRule":     listenerRuleType,
		"AWS::ServiceDiscovery::PrivateDnsNamespace":    namespaceType,
		"AWS::ServiceDiscovery::Service":                sdServiceType,
		"AWS::IAM::Role":                                roleType,
		"AWS::IAM::Policy":                              policyType,
		"AWS::IAM::ManagedPolicy":                       managedPolicyType,
		"AWS::IAM::InstanceProfile":                     instanceProfileType,
		"AWS::SecretsManager::Secret":                   secretType,
		"AWS::SSM::Parameter":                           ssmParameterType,
		"AWS::EFS::FileSystem":                          efsFileSystemType,
		"AWS::EFS::MountTarget":                         efsMountTargetType,
		"AWS::EFS::AccessPoint":                         efsAccessPointType,
		"AWS::ECS::CapacityProvider":                    capacityProviderType,
		"AWS::ECS::ClusterCapacityProviderAssociations": clusterAssociationsType,
		"AWS::EC2::LaunchTemplate":                      launchTemplateType,
		"AWS::AutoScaling::AutoScalingGroup":            autoScalingGroupType,
		"AWS::ApplicationAutoScaling::ScalableTarget":   scalableTargetType,
		"AWS::ApplicationAutoScaling::ScalingPolicy":    scalingPolicyType,
	}
}

var ecsClusterType = &resourceType{
	attrs: []string{"Arn"}, replace: []string{"ClusterName"}, nameProp: "ClusterName",
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		name := s.nameOr(st, r, "ClusterName", 255)
		if s.ecs.cluster(name) != nil {
			return alreadyExists(r.typ, name)
		}
		c := &ecsCluster{name: name, arn: s.arn("ecs", "cluster/"+name), status: "ACTIVE", tags: stackTags(st, r)}
		if err := s.setClusterProviders(c, stringList(r.props["CapacityProviders"]), strategyOf(r.props["DefaultCapacityProviderStrategy"])); err != nil {
			return err
		}
		s.ecs.clusters = append(s.ecs.clusters, c)
		r.physicalID, r.attrs = name, map[string]any{"Arn": c.arn}
		return nil
	},
	update: func(s *Server, st *stack, r *resource, old map[string]any, _ time.Time, _ bool) error {
		c := s.ecs.cluster(r.physicalID)
		if c == nil {
			return notFound("Cluster not found.")
		}
		c.tags = stackTags(st, r)
		// Providers a ClusterCapacityProviderAssociations manages are
		// not the cluster's to change.
		if sameValue(old["CapacityProviders"], r.props["CapacityProviders"]) && sameValue(old["DefaultCapacityProviderStrategy"], r.props["DefaultCapacityProviderStrategy"]) {
			return nil
		}
		return s.setClusterProviders(c, stringList(r.props["CapacityProviders"]), strategyOf(r.props["DefaultCapacityProviderStrategy"]))
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		if c := s.ecs.cluster(r.physicalID); c != nil {
			c.status, c.providers, c.strategy = "INACTIVE", nil, nil
		}
	},
}

var taskDefinitionType = &resourceType{
	attrs: []string{"TaskDefinitionArn"}, replace: []string{"*"},
	create: func(s *Server, st *stack, r *resource, at time.Time) error {
		if len(asList(r.props["ContainerDefinitions"])) == 0 {
			return invalid("Invalid request provided: Create TaskDefinition: Container list cannot be empty.")
		}
		family := scalarString(r.props["Family"])
		if family == "" {
			family = st.name + "-" + r.id
		}
		td := s.registerTaskDef(family, r.props, stackTags(st, r), at)
		r.physicalID, r.attrs = td.arn, map[string]any{"TaskDefinitionArn": td.arn}
		return nil
	},
	update: noUpdate,
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		if td := s.ecs.taskDef(r.physicalID); td != nil {
			td.status = "INACTIVE"
		}
	},
}

var ecsServiceType = &resourceType{
	attrs: []string{"Name", "ServiceArn"}, replace: []string{"Cluster", "DeploymentController", "LaunchType", "Role", "SchedulingStrategy", "ServiceName"}, nameProp: "ServiceName",
	create: func(s *Server, st *stack, r *resource, at time.Time) error {
		clusterName := scalarString(r.props["Cluster"])
		if clusterName == "" {
			clusterName = "default"
		}
		c := s.ecs.cluster(clusterName)
		if c == nil {
			return notFound("Cluster not found.")
		}
		if err := s.checkServiceProps(r.props); err != nil {
			return err
		}
		strategy, err := s.serviceStrategy(c, r.props, "CreateService")
		if err != nil {
			return err
		}
		name := s.nameOr(st, r, "ServiceName", 255)
		if svc := s.ecs.service(c.name, name); svc != nil && svc.status != "INACTIVE" {
			return invalid("Invalid request provided: CreateService error: Creation of service was not idempotent.")
		}
		svc := &ecsService{arn: s.arn("ecs", "service/"+c.name+"/"+name), name: name, cluster: c.name, logicalID: r.id,
			status: "ACTIVE", props: r.props, strategy: strategy, created: at, tags: stackTags(st, r)}
		s.ecs.services = append(s.ecs.services, svc)
		r.physicalID, r.attrs = svc.arn, map[string]any{"Name": name, "ServiceArn": svc.arn}
		return nil
	},
	update: func(s *Server, st *stack, r *resource, _ map[string]any, at time.Time, rollback bool) error {
		svc := s.serviceOf(r)
		if svc == nil {
			return notFound("Service not found.")
		}
		if err := s.checkServiceProps(r.props); err != nil {
			return err
		}
		strategy, err := s.serviceStrategy(s.ecs.cluster(svc.cluster), r.props, "UpdateService")
		if err != nil {
			return err
		}
		svc.props, svc.strategy, svc.tags = r.props, strategy, stackTags(st, r)
		s.deploy(svc, at, s.duration(r.typ), rollback)
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, at time.Time) {
		if svc := s.serviceOf(r); svc != nil {
			s.removeService(svc, at)
		}
	},
	// The service is ready when its deployment reached a steady state,
	// and never before its duration has passed.
	settle: func(s *Server, _ *stack, r *resource, at time.Time, dur time.Duration, ok func(time.Time), fail func(time.Time, string)) {
		svc := s.serviceOf(r)
		d := svc.primary()
		if d == nil || d.rollout != "IN_PROGRESS" || d.created.Before(at) {
			d = s.deploy(svc, at, dur, false)
		}
		earliest := at.Add(s.simulated(dur))
		d.steady = append(d.steady, func(t time.Time, _ string) {
			if t.Before(earliest) {
				s.sched.at(earliest, ok)
				return
			}
			ok(t)
		})
		d.broken = append(d.broken, func(t time.Time, msg string) { fail(t, s.handlerMessage(msg, "GeneralServiceException")) })
	},
}

func (s *Server) serviceOf(r *resource) *ecsService {
	for _, svc := range s.ecs.services {
		if svc.arn == r.physicalID {
			return svc
		}
	}
	return nil
}

// checkServiceProps rejects what ECS rejects when a service is created or
// updated: a task definition or target group that does not exist, a target
// group no load balancer uses.
func (s *Server) checkServiceProps(props map[string]any) error {
	if s.ecs.taskDef(scalarString(props["TaskDefinition"])) == nil {
		return invalid("Invalid request provided: CreateService error: TaskDefinition not found.")
	}
	for _, lb := range asList(props["LoadBalancers"]) {
		m, _ := lb.(map[string]any)
		arn := scalarString(m["TargetGroupArn"])
		if arn == "" {
			continue
		}
		if s.elb.tg(arn) == nil {
			return invalid("Invalid request provided: CreateService error: Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.")
		}
		if len(s.loadBalancersOf(arn)) == 0 {
			return invalid("Invalid request provided: CreateService error: The target group with targetGroupArn %s does not have an associated load balancer.", arn)
		}
	}
	for _, reg := range asList(props["ServiceRegistries"]) {
		m, _ := reg.(map[string]any)
		if s.cmap.service(scalarString(m["RegistryArn"])) == nil {
			return invalid("Invalid request provided: CreateService error: Service registry %s does not exist.", scalarString(m["RegistryArn"]))
		}
	}
	return nil
}

var logGroupType = &resourceType{
	attrs: []string{"Arn"}, replace: []string{"LogGroupName"}, nameProp: "LogGroupName",
	create: func(s *Server, st *stack, r *resource, at time.Time) error {
		name := s.nameOr(st, r, "LogGroupName", 512)
		if s.logs.groups[name] != nil {
			return alreadyExists(r.typ, name)
		}
		_ = s.logs.createGroup(name, intProp(r.props["RetentionInDays"], 0), stackTags(st, r), at)
		r.physicalID, r.attrs = name, map[string]any{"Arn": s.groupARN(name) + ":*"}
		return nil
	},
	update: func(s *Server, st *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		if g := s.logs.groups[r.physicalID]; g != nil {
			g.retention, g.tags = intProp(r.props["RetentionInDays"], 0), stackTags(st, r)
		}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) { delete(s.logs.groups, r.physicalID) },
}

// rulesOf reads SecurityGroupIngress/Egress entries, or the properties of
// a standalone ingress or egress resource.
func rulesOf(s *Server, v any) []sgRule {
	var out []sgRule
	for _, e := range asList(v) {
		m, _ := e.(map[string]any)
		r := sgRule{id: "sgr-" + s.randString(lowerHex, 17), protocol: scalarString(m["IpProtocol"]), cidr: scalarString(m["CidrIp"]),
			sourceGroup: scalarString(m["SourceSecurityGroupId"]), description: scalarString(m["Description"]),
			from: intProp(m["FromPort"], -1), to: intProp(m["ToPort"], -1)}
		if r.sourceGroup == "" {
			r.sourceGroup = scalarString(m["DestinationSecurityGroupId"])
		}
		if r.cidr == "" {
			r.cidr = scalarString(m["CidrIpv6"])
		}
		out = append(out, r)
	}
	return out
}

var securityGroupType = &resourceType{
	attrs: []string{"GroupId", "VpcId"}, replace: []string{"GroupDescription", "GroupName", "VpcId"}, nameProp: "GroupName",
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		if scalarString(r.props["GroupDescription"]) == "" {
			return invalid("Model validation failed (#: required key [GroupDescription] not found)")
		}
		vpcID := scalarString(r.props["VpcId"])
		if vpcID == "" {
			v := s.ec2.defaultVPC()
			if v == nil {
				return invalid("No default VPC for this user")
			}
			vpcID = v.id
		}
		if s.ec2.vpc(vpcID) == nil {
			return notFound("The vpc ID '%s' does not exist", vpcID)
		}
		g := &securityGroup{id: "sg-" + s.randString(lowerHex, 17), name: s.nameOr(st, r, "GroupName", 255), description: scalarString(r.props["GroupDescription"]),
			vpcID: vpcID, ingress: rulesOf(s, r.props["SecurityGroupIngress"]), egress: rulesOf(s, r.props["SecurityGroupEgress"]), tags: stackTags(st, r)}
		if r.props["SecurityGroupEgress"] == nil {
			g.egress = []sgRule{{id: "sgr-" + s.randString(lowerHex, 17), protocol: "-1", cidr: "0.0.0.0/0"}}
		}
		s.ec2.groups = append(s.ec2.groups, g)
		r.physicalID, r.attrs = g.id, map[string]any{"GroupId": g.id, "VpcId": vpcID}
		return nil
	},
	update: func(s *Server, st *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		if g := s.ec2.group(r.physicalID); g != nil {
			g.ingress, g.tags = rulesOf(s, r.props["SecurityGroupIngress"]), stackTags(st, r)
			if r.props["SecurityGroupEgress"] != nil {
				g.egress = rulesOf(s, r.props["SecurityGroupEgress"])
			}
		}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.ec2.groups = slices.DeleteFunc(s.ec2.groups, func(g *securityGroup) bool { return g.id == r.physicalID })
	},
}

// standaloneRule is AWS::EC2::SecurityGroupIngress and ...Egress: a rule
// added to a group that exists elsewhere.
func standaloneRule(egress bool) *resourceType {
	return &resourceType{
		attrs: []string{"Id"}, replace: []string{"*"},
		create: func(s *Server, _ *stack, r *resource, _ time.Time) error {
			groupID := scalarString(r.props["GroupId"])
			g := s.ec2.group(groupID)
			if g == nil {
				return notFound("The security group '%s' does not exist", groupID)
			}
			rule := rulesOf(s, []any{r.props})[0]
			if egress {
				g.egress = append(g.egress, rule)
			} else {
				g.ingress = append(g.ingress, rule)
			}
			r.physicalID, r.attrs = rule.id, map[string]any{"Id": rule.id}
			return nil
		},
		update: noUpdate,
		remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
			if g := s.ec2.group(scalarString(r.props["GroupId"])); g != nil {
				drop := func(rule sgRule) bool { return rule.id == r.physicalID }
				g.ingress = slices.DeleteFunc(g.ingress, drop)
				g.egress = slices.DeleteFunc(g.egress, drop)
			}
		},
	}
}

var (
	ingressType = standaloneRule(false)
	egressType  = standaloneRule(true)
)

var loadBalancerType = &resourceType{
	attrs:   []string{"CanonicalHostedZoneID", "DNSName", "LoadBalancerArn", "LoadBalancerFullName", "LoadBalancerName", "SecurityGroups"},
	replace: []string{"Name", "Scheme", "Type"}, nameProp: "Name",
	create: func(s *Server, st *stack, r *resource, at time.Time) error {
		subnets := stringList(r.props["Subnets"])
		for _, m := range asList(r.props["SubnetMappings"]) {
			mm, _ := m.(map[string]any)
			subnets = append(subnets, scalarString(mm["SubnetId"]))
		}
		if len(subnets) == 0 {
			return invalid("Invalid request provided: At least two subnets in two different Availability Zones must be specified")
		}
		vpcID := ""
		for _, id := range subnets {
			sn := s.ec2.subnet(id)
			if sn == nil {
				return notFound("The subnet ID '%s' is not valid", id)
			}
			vpcID = sn.vpcID
		}
		name := s.nameOr(st, r, "Name", 32)
		for _, lb := range s.elb.lbs {
			if lb.name == name {
				return alreadyExists(r.typ, name)
			}
		}
		typ := scalarString(r.props["Type"])
		groups := stringList(r.props["SecurityGroups"])
		if len(groups) == 0 && typ != "network" {
			if id := s.ec2.defaultGroup(vpcID); id != "" {
				groups = []string{id}
			}
		}
		lb := s.newLoadBalancer(name, typ, scalarString(r.props["Scheme"]), vpcID, subnets, groups, stackTags(st, r), at)
		sgs := make([]any, len(groups))
		for i, g := range groups {
			sgs[i] = g
		}
		r.physicalID = lb.arn
		r.attrs = map[string]any{"CanonicalHostedZoneID": s.canonicalZone(), "DNSName": lb.dns, "LoadBalancerArn": lb.arn,
			"LoadBalancerFullName": fullName(lb.arn, ":loadbalancer/"), "LoadBalancerName": name, "SecurityGroups": sgs}
		return nil
	},
	update: func(s *Server, st *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		if lb := s.elb.lb(r.physicalID); lb != nil {
			lb.securityGroups, lb.tags = stringList(r.props["SecurityGroups"]), stackTags(st, r)
		}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.elb.lbs = slices.DeleteFunc(s.elb.lbs, func(lb *loadBalancer) bool { return lb.arn == r.physicalID })
		s.elb.listeners = slices.DeleteFunc(s.elb.listeners, func(l *listener) bool { return l.lbARN == r.physicalID })
	},
	settle: func(s *Server, _ *stack, r *resource, at time.Time, dur time.Duration, ok func(time.Time), _ func(time.Time, string)) {
		s.after(at, dur, func(at time.Time) {
			if lb := s.elb.lb(r.physicalID); lb != nil {
				lb.state = "active"
			}
			ok(at)
		})
	},
}

var targetGroupType = &resourceType{
	attrs:   []string{"LoadBalancerArns", "TargetGroupArn", "TargetGroupFullName", "TargetGroupName"},
	replace: []string{"IpAddressType", "Name", "Port", "Protocol", "ProtocolVersion", "TargetType", "VpcId"}, nameProp: "Name",
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		name := s.nameOr(st, r, "Name", 32)
		for _, tg := range s.elb.tgs {
			if tg.name == name {
				return alreadyExists(r.typ, name)
			}
		}
		vpcID := scalarString(r.props["VpcId"])
		targetType := orDefault(scalarString(r.props["TargetType"]), "instance")
		if vpcID != "" && s.ec2.vpc(vpcID) == nil {
			return notFound("The VPC ID '%s' is not found", vpcID)
		}
		tg := &targetGroup{arn: s.arn("elasticloadbalancing", "targetgroup/"+name+"/"+s.randString(lowerHex, 16)), name: name,
			protocol: scalarString(r.props["Protocol"]), port: intProp(r.props["Port"], 0), targetType: targetType, vpcID: vpcID,
			props: r.props, tags: stackTags(st, r)}
		s.elb.tgs = append(s.elb.tgs, tg)
		r.physicalID = tg.arn
		r.attrs = map[string]any{"TargetGroupArn": tg.arn, "TargetGroupFullName": "targetgroup/" + fullName(tg.arn, ":targetgroup/"), "TargetGroupName": name}
		return nil
	},
	update: func(s *Server, st *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		if tg := s.elb.tg(r.physicalID); tg != nil {
			tg.props, tg.tags = r.props, stackTags(st, r)
		}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.elb.tgs = slices.DeleteFunc(s.elb.tgs, func(tg *targetGroup) bool { return tg.arn == r.physicalID })
	},
	attr: func(s *Server, r *resource, name string) (any, bool) {
		if name != "LoadBalancerArns" {
			return nil, false
		}
		out := []any{}
		for _, arn := range s.loadBalancersOf(r.physicalID) {
			out = append(out, arn)
		}
		return out, true
	},
}

func (s *Server) checkActions(actions []any) error {
	for _, arn := range targetGroupARNs(actions) {
		if s.elb.tg(arn) == nil {
			return notFound("Target group '%s' not found", arn)
		}
	}
	return nil
}

var listenerType = &resourceType{
	attrs: []string{"ListenerArn"},
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		lb := s.elb.lb(scalarString(r.props["LoadBalancerArn"]))
		if lb == nil {
			return notFound("Load balancer '%s' not found", scalarString(r.props["LoadBalancerArn"]))
		}
		actions := asList(r.props["DefaultActions"])
		if err := s.checkActions(actions); err != nil {
			return err
		}
		port := intProp(r.props["Port"], 0)
		for _, l := range s.elb.listeners {
			if l.lbARN == lb.arn && l.port == port {
				return invalid("Invalid request provided: A listener already exists on this port for this load balancer '%s'", lb.arn)
			}
		}
		l := &listener{arn: s.listenerARN(lb.arn), lbARN: lb.arn,
			port: port, protocol: scalarString(r.props["Protocol"]), actions: actions, tags: stackTags(st, r)}
		s.elb.listeners = append(s.elb.listeners, l)
		r.physicalID, r.attrs = l.arn, map[string]any{"ListenerArn": l.arn}
		return nil
	},
	update: func(s *Server, _ *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		actions := asList(r.props["DefaultActions"])
		if err := s.checkActions(actions); err != nil {
			return err
		}
		for _, l := range s.elb.listeners {
			if l.arn == r.physicalID {
				l.port, l.protocol, l.actions = intProp(r.props["Port"], 0), scalarString(r.props["Protocol"]), actions
			}
		}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.elb.listeners = slices.DeleteFunc(s.elb.listeners, func(l *listener) bool { return l.arn == r.physicalID })
		s.elb.rules = slices.DeleteFunc(s.elb.rules, func(lr *listenerRule) bool { return lr.listenerARN == r.physicalID })
	},
}

var listenerRuleType = &resourceType{
	attrs: []string{"IsDefault", "RuleArn"}, replace: []string{"ListenerArn"},
	create: func(s *Server, _ *stack, r *resource, _ time.Time) error {
		listenerARN := scalarString(r.props["ListenerArn"])
		if !slices.ContainsFunc(s.elb.listeners, func(l *listener) bool { return l.arn == listenerARN }) {
			return notFound("Listener '%s' not found", listenerARN)
		}
		actions := asList(r.props["Actions"])
		if err := s.checkActions(actions); err != nil {
			return err
		}
		lr := &listenerRule{arn: strings.Replace(listenerARN, ":listener/", ":listener-rule/", 1) + "/" + s.randString(lowerHex, 16), listenerARN: listenerARN, actions: actions}
		s.elb.rules = append(s.elb.rules, lr)
		r.physicalID, r.attrs = lr.arn, map[string]any{"RuleArn": lr.arn, "IsDefault": false}
		return nil
	},
	update: func(s *Server, _ *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		for _, lr := range s.elb.rules {
			if lr.arn == r.physicalID {
				lr.actions = asList(r.props["Actions"])
			}
		}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.elb.rules = slices.DeleteFunc(s.elb.rules, func(lr *listenerRule) bool { return lr.arn == r.physicalID })
	},
}

var namespaceType = &resourceType{
	attrs: []string{"Arn", "HostedZoneId", "Id"}, replace: []string{"Name", "Vpc"},
	create: func(s *Server, _ *stack, r *resource, at time.Time) error {
		name, vpcID := scalarString(r.props["Name"]), scalarString(r.props["Vpc"])
		if s.ec2.vpc(vpcID) == nil {
			return invalid("Invalid request provided: The VPC %s does not exist.", vpcID)
		}
		for _, ns := range s.cmap.namespaces {
			if ns.name == name && ns.vpcID == vpcID {
				return &handlerError{fmt.Sprintf("Namespace with name %s already exists in VPC %s. (Service: ServiceDiscovery, Status Code: 400, Request ID: %s)", name, vpcID, s.uuid()), "AlreadyExists"}
			}
		}
		ns := s.newNamespace(name, vpcID, at)
		r.physicalID, r.attrs = ns.id, map[string]any{"Id": ns.id, "Arn": ns.arn, "HostedZoneId": ns.hostedZone}
		return nil
	},
	update: noUpdate,
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.cmap.namespaces = slices.DeleteFunc(s.cmap.namespaces, func(ns *namespace) bool { return ns.id == r.physicalID })
	},
}

var sdServiceType = &resourceType{
	attrs: []string{"Arn", "Id", "Name"}, replace: []string{"Name", "NamespaceId", "Type"},
	create: func(s *Server, st *stack, r *resource, at time.Time) error {
		nsID := scalarString(r.props["NamespaceId"])
		if dc, ok := r.props["DnsConfig"].(map[string]any); ok && nsID == "" {
			nsID = scalarString(dc["NamespaceId"])
		}
		if s.cmap.namespace(nsID) == nil {
			return notFound("Namespace not found")
		}
		id := "srv-" + s.randString(lowerAlnum, 16)
		svc := &sdService{id: id, arn: s.arn("servicediscovery", "service/"+id), name: s.nameOr(st, r, "Name", 127), namespaceID: nsID, created: at, props: r.props}
		s.cmap.services = append(s.cmap.services, svc)
		r.physicalID, r.attrs = id, map[string]any{"Id": id, "Arn": svc.arn, "Name": svc.name}
		return nil
	},
	update: func(s *Server, _ *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		if svc := s.cmap.service(r.physicalID); svc != nil {
			svc.props = r.props
		}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.cmap.services = slices.DeleteFunc(s.cmap.services, func(svc *sdService) bool { return svc.id == r.physicalID })
	},
}

var roleType = &resourceType{
	attrs: []string{"Arn", "RoleId"}, replace: []string{"Path", "RoleName"}, nameProp: "RoleName",
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		if r.props["AssumeRolePolicyDocument"] == nil {
			return invalid("Model validation failed (#: required key [AssumeRolePolicyDocument] not found)")
		}
		name := s.nameOr(st, r, "RoleName", 64)
		path := orDefault(scalarString(r.props["Path"]), "/")
		r.physicalID = name
		r.attrs = map[string]any{"Arn": s.iamARN("role" + path + name), "RoleId": "AROA" + s.randString(upperAlnum, 17)}
		return nil
	},
	update: noUpdate,
	remove: noop,
}

var policyType = &resourceType{
	attrs: []string{"Id"},
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		r.physicalID = s.physicalName(st, r.id[:min(len(r.id), 5)], 64)
		r.attrs = map[string]any{"Id": r.physicalID}
		return nil
	},
	update: noUpdate,
	remove: noop,
}

var managedPolicyType = &resourceType{
	attrs:   []string{"AttachmentCount", "CreateDate", "DefaultVersionId", "IsAttachable", "PermissionsBoundaryUsageCount", "PolicyArn", "PolicyId", "UpdateDate"},
	replace: []string{"ManagedPolicyName", "Path"}, nameProp: "ManagedPolicyName",
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		name := s.nameOr(st, r, "ManagedPolicyName", 128)
		arn := s.iamARN("policy" + orDefault(scalarString(r.props["Path"]), "/") + name)
		r.physicalID = arn
		r.attrs = map[string]any{"PolicyArn": arn, "PolicyId": "ANPA" + s.randString(upperAlnum, 17), "AttachmentCount": "0",
			"DefaultVersionId": "v1", "IsAttachable": "true", "PermissionsBoundaryUsageCount": "0", "CreateDate": "", "UpdateDate": ""}
		return nil
	},
	update: noUpdate,
	remove: noop,
}
