package fakeaws

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

type ecsState struct {
	clusters          []*ecsCluster
	taskDefs          []*taskDef
	services          []*ecsService
	tasks             []*ecsTask
	capacityProviders []*capacityProvider
	execs             []ExecCommand
}

type ecsCluster struct {
	name, arn, status string
	tags              []tag
	providers         []string
	strategy          []strategyItem // the default capacity provider strategy
}

type taskDef struct {
	arn, family, status string
	revision            int
	props               map[string]any // CloudFormation properties
	registered          time.Time
	tags                []tag
}

type ecsService struct {
	arn, name, cluster string
	logicalID          string
	status             string
	props              map[string]any
	strategy           []strategyItem
	deployments        []*ecsDeployment
	events             []ecsEvent
	created            time.Time
	tags               []tag
}

type ecsEvent struct {
	id      string
	at      time.Time
	message string
}

type ecsDeployment struct {
	id, status, taskDef string
	desired             int
	rollout, reason     string
	created, updated    time.Time
	failedTasks         int
	failure             *TaskFailure // the failure its tasks suffer, decided when it starts
	steady, broken      []func(time.Time, string)
	subnets             []string
}

type ecsTask struct {
	arn, id, cluster          string
	svc                       *ecsService
	dep                       *ecsDeployment
	def                       *taskDef
	lastStatus, desiredStatus string
	health                    string
	stoppedReason, stopCode   string
	created, started, stopped time.Time
	containers                []*ecsContainer
	ip, eni, subnet, az, mac  string
	execEnabled               bool // the service had EnableExecuteCommand when the task started
	capacityProvider          string
}

type ecsContainer struct {
	name, image, lastStatus, health, reason string
	runtimeID                               string
	exitCode                                *int
	essential, hasHealthCheck               bool
	logGroup, logPrefix                     string
}

func (e *ecsState) cluster(nameOrARN string) *ecsCluster {
	for _, c := range e.clusters {
		if (c.name == nameOrARN || c.arn == nameOrARN) && c.status == "ACTIVE" {
			return c
		}
	}
	return nil
}

// task finds a task of cluster by ARN or ID.
func (e *ecsState) task(cluster, ref string) *ecsTask {
	var t *ecsTask
	for _, tt := range e.tasks {
		if tt.cluster == cluster && (tt.arn == ref || tt.id == ref) {
			t = tt
		}
	}
	return t
}

func (e *ecsState) taskDef(ref string) *taskDef {
	family, rev, hasRev := strings.Cut(ref, ":")
	var latest *taskDef
	for _, td := range e.taskDefs {
		if td.arn == ref {
			return td
		}
		if td.family == family && hasRev && strconv.Itoa(td.revision) == rev {
			return td
		}
		if strings.HasPrefix(ref, "arn:") {
			continue
		}
		if td.family == family && !hasRev && td.status == "ACTIVE" && (latest == nil || td.revision > latest.revision) {
			latest = td
		}
	}
	return latest
}

func (e *ecsState) service(cluster, nameOrARN string) *ecsService {
	for _, svc := range e.services {
		if (svc.name == nameOrARN || svc.arn == nameOrARN) && svc.cluster == cluster && svc.status != "INACTIVE" {
			return svc
		}
	}
	for _, svc := range e.services {
		if (svc.name == nameOrARN || svc.arn == nameOrARN) && svc.cluster == cluster {
			return svc
		}
	}
	return nil
}

// registerTaskDef is what AWS::ECS::TaskDefinition does.
func (s *Server) registerTaskDef(family string, props map[string]any, tags []tag, at time.Time) *taskDef {
	rev := 1
	for _, td := range s.ecs.taskDefs {
		if td.family == family && td.revision >= rev {
			rev = td.revision + 1
		}
	}
	td := &taskDef{family: family, revision: rev, status: "ACTIVE", props: props, registered: at, tags: tags,
		arn: s.arn("ecs", fmt.Sprintf("task-definition/%s:%d", family, rev))}
	s.ecs.taskDefs = append(s.ecs.taskDefs, td)
	return td
}

// serviceEvent records a service event, newest first as ECS lists them.
func (s *Server) serviceEvent(svc *ecsService, at time.Time, format string, args ...any) {
	msg := fmt.Sprintf("(service %s) ", svc.name) + fmt.Sprintf(format, args...)
	svc.events = append([]ecsEvent{{id: s.uuid(), at: at, message: msg}}, svc.events...)
}

func (svc *ecsService) primary() *ecsDeployment {
	for _, d := range svc.deployments {
		if d.status == "PRIMARY" {
			return d
		}
	}
	return nil
}

// deploy starts a new deployment of svc from its current properties: the
// new tasks start, and once they run the old deployment's tasks stop. A
// rollback deployment is never subject to injected task failures: it puts
// back a configuration that worked.
func (s *Server) deploy(svc *ecsService, at time.Time, dur time.Duration, rollback bool) *ecsDeployment {
	props := svc.props
	d := &ecsDeployment{id: "ecs-svc/" + s.randString("0123456789", 19), status: "PRIMARY", taskDef: scalarString(props["TaskDefinition"]),
		desired: intProp(props["DesiredCount"], 1), rollout: "IN_PROGRESS", created: at, updated: at}
	d.reason = fmt.Sprintf("ECS deployment %s in progress.", d.id)
	if nc, ok := props["NetworkConfiguration"].(map[string]any); ok {
		if vpcConf, ok := nc["AwsvpcConfiguration"].(map[string]any); ok {
			d.subnets = stringList(vpcConf["Subnets"])
		}
	}
	if !rollback {
		d.failure = s.fails.tasksFor(svc)
	}
	for _, old := range svc.deployments {
		if old.status == "PRIMARY" {
			old.status = "ACTIVE"
			old.updated = at
		}
	}
	svc.deployments = append([]*ecsDeployment{d}, svc.deployments...)
	for i := range d.desired {
		s.launchTask(svc, d, at, dur, i)
	}
	if d.desired == 0 {
		s.sched.at(at, func(at time.Time) { s.checkSteady(svc, d, at) })
	}
	return d
}

func intProp(v any, def int) int {
	if v == nil {
		return def
	}
	n, err := strconv.Atoi(scalarString(v))
	if err != nil {
		return def
	}
	return n
}

func stringList(v any) []string {
	var out []string
	for _, e := range asList(v) {
		out = append(out, scalarString(e))
	}
	return out
}

// launchTask starts one task of a deployment. It is provisioned, pending
// after a quarter of the service's duration, running after half, and, when
// the deployment's tasks are set to fail, stopped an eighth later.
func (s *Server) launchTask(svc *ecsService, d *ecsDeployment, at time.Time, dur time.Duration, n int) {
	td := s.ecs.taskDef(d.taskDef)
	id := s.randString(lowerHex, 32)
	t := &ecsTask{id: id, arn: s.arn("ecs", "task/"+svc.cluster+"/"+id), cluster: svc.cluster, svc: svc, dep: d, def: td,
		lastStatus: "PROVISIONING", desiredStatus: "RUNNING", health: "UNKNOWN", created: at,
		execEnabled: scalarString(svc.props["EnableExecuteCommand"]) == "true", capacityProvider: svc.providerFor(n),
		eni: "eni-" + s.randString(lowerHex, 17), mac: fmt.Sprintf("0a:%s:%s:%s:%s:%s", s.randString(lowerHex, 2), s.randString(lowerHex, 2), s.randString(lowerHex, 2), s.randString(lowerHex, 2), s.randString(lowerHex, 2))}
	if len(d.subnets) > 0 {
		t.subnet = d.subnets[n%len(d.subnets)]
	}
	cidr, az := "10.0.0.0/16", s.opts.Region+"a"
	if sn := s.ec2.subnet(t.subnet); sn != nil {
		cidr, az = sn.cidr, sn.az
	}
	t.ip, t.az = s.randomIP(cidr), az
	if td != nil {
		for _, c := range asList(td.props["ContainerDefinitions"]) {
			cm, _ := c.(map[string]any)
			ct := &ecsContainer{name: scalarString(cm["Name"]), image: scalarString(cm["Image"]), lastStatus: "PENDING", runtimeID: id + "-" + s.randString("0123456789", 10),
				essential: cm["Essential"] == nil || scalarString(cm["Essential"]) == "true", hasHealthCheck: cm["HealthCheck"] != nil}
			if lc, ok := cm["LogConfiguration"].(map[string]any); ok && scalarString(lc["LogDriver"]) == "awslogs" {
				opts, _ := lc["Options"].(map[string]any)
				ct.logGroup, ct.logPrefix = scalarString(opts["awslogs-group"]), scalarString(opts["awslogs-stream-prefix"])
			}
			if ct.hasHealthCheck {
				ct.health = "UNKNOWN"
			}
			t.containers = append(t.containers, ct)
		}
	}
	s.ecs.tasks = append(s.ecs.tasks, t)
	s.serviceEvent(svc, at, "has started 1 tasks: (task %s).", id)
	s.after(at, dur/4, func(at time.Time) {
		if t.lastStatus == "PROVISIONING" {
			t.lastStatus = "PENDING"
		}
	})
	s.after(at, dur/2, func(at time.Time) { s.taskRunning(t, at, dur) })
}

// secretsError is why a task cannot start when a secret or parameter its
// containers take (Secrets, RepositoryCredentials) does not exist, with
// the reason ECS gives; "" when they all exist.
func (s *Server) secretsError(t *ecsTask) string {
	if t.def == nil {
		return ""
	}
	const prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
	var refs []string
	for _, c := range asList(t.def.props["ContainerDefinitions"]) {
		cm, _ := c.(map[string]any)
		for _, sec := range asList(cm["Secrets"]) {
			m, _ := sec.(map[string]any)
			refs = append(refs, scalarString(m["ValueFrom"]))
		}
		if rc, ok := cm["RepositoryCredentials"].(map[string]any); ok {
			refs = append(refs, scalarString(rc["CredentialsParameter"]))
		}
	}
	for _, ref := range refs {
		parts := strings.Split(ref, ":")
		if len(parts) >= 7 && parts[2] == "secretsmanager" {
			id := strings.Join(parts[:7], ":")
			sec := s.secrets.find(id)
			if sec == nil || !sec.deleted.IsZero() {
				return prefix + "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret " + id +
					" from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret. status code: 400, request id: " + s.uuid()
			}
			if len(parts) > 7 && parts[7] != "" {
				var doc map[string]any
				v := sec.version("", "AWSCURRENT")
				if v == nil || v.str == nil || json.Unmarshal([]byte(*v.str), &doc) != nil || doc[parts[7]] == nil {
					return prefix + "unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key " + parts[7]
				}
			}
			continue
		}
		name := ref
		if len(parts) >= 6 && parts[2] == "ssm" {
			name = "/" + strings.TrimPrefix(strings.Join(parts[5:], ":"), "parameter/")
			if s.ssm.params[name] == nil {
				name = strings.TrimPrefix(name, "/")
			}
		}
		if _, err := s.ssm.lookup(name); err != nil {
			return prefix + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: " + name
		}
	}
	return ""
}

// logStream is where the awslogs driver writes a container's output.
func (c *ecsContainer) logStream(taskID string) string {
	return c.logPrefix + "/" + c.name + "/" + taskID
}

func (s *Server) taskRunning(t *ecsTask, at time.Time, dur time.Duration) {
	if t.desiredStatus != "RUNNING" {
		return
	}
	if reason := s.secretsError(t); reason != "" {
		s.stopTask(t, at, reason, "TaskFailedToStart", nil, "")
		s.taskFailed(t, at, dur)
		return
	}
	for _, c := range t.containers {
		if c.logGroup == "" {
			continue
		}
		if err := s.logs.createStream(c.logGroup, c.logStream(t.id), at); err != nil {
			s.stopTask(t, at, "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1", "TaskFailedToStart", nil, "")
			s.taskFailed(t, at, dur)
			return
		}
	}
	t.lastStatus, t.started = "RUNNING", at
	for _, c := range t.containers {
		c.lastStatus = "RUNNING"
		if c.hasHealthCheck {
			c.health = "HEALTHY"
			t.health = "HEALTHY"
		}
	}
	if f := t.dep.failure; f != nil {
		s.after(at, dur/8, func(at time.Time) {
			if t.lastStatus != "RUNNING" {
				return
			}
			victim := f.Container
			for _, c := range t.containers {
				if victim == "" && c.essential {
					victim = c.name
				}
			}
			for i, line := range f.LogLines {
				for _, c := range t.containers {
					if c.name == victim && c.logGroup != "" {
						_ = s.logs.put(c.logGroup, c.logStream(t.id), at.Add(time.Duration(i-len(f.LogLines))*time.Millisecond), line, at)
					}
				}
			}
			code := f.ExitCode
			s.stopTask(t, at, f.reason(), "EssentialContainerExited", &code, victim)
			s.taskFailed(t, at, dur)
		})
		return
	}
	s.checkSteady(t.svc, t.dep, at)
}

func (f *TaskFailure) reason() string {
	if f.Reason != "" {
		return f.Reason
	}
	return "Essential container in task exited"
}

// stopTask stops a task; exitCode and container apply to the container
// whose exit stopped it.
func (s *Server) stopTask(t *ecsTask, at time.Time, reason, code string, exitCode *int, container string) {
	if t.lastStatus == "STOPPED" {
		return
	}
	t.lastStatus, t.desiredStatus, t.stoppedReason, t.stopCode, t.stopped = "STOPPED", "STOPPED", reason, code, at
	for _, c := range t.containers {
		c.lastStatus = "STOPPED"
		switch {
		case c.name == container:
			c.exitCode = exitCode
			if f := t.dep.failure; f != nil {
				c.reason = f.ContainerReason
			}
		case t.started.IsZero():
			// never started: no exit code, as in ECS
		case exitCode != nil:
			killed := 137 // the other containers of a failed task are killed
			c.exitCode = &killed
		default:
			zero := 0
			c.exitCode = &zero
		}
	}
}

// taskFailed counts a failed task against its deployment: a replacement is
// started, until the circuit breaker's threshold is reached.
func (s *Server) taskFailed(t *ecsTask, at time.Time, dur time.Duration) {
	d, svc := t.dep, t.svc
	d.failedTasks++
	s.serviceEvent(svc, at, "has stopped 1 running tasks: (task %s).", t.id)
	if d.status != "PRIMARY" || d.rollout != "IN_PROGRESS" {
		return
	}
	threshold := min(max((d.desired+1)/2, 3), 200)
	if d.failedTasks < threshold {
		s.launchTask(svc, d, at, dur, d.failedTasks)
		return
	}
	d.rollout, d.updated = "FAILED", at
	d.reason = "ECS deployment circuit breaker: tasks failed to start."
	s.serviceEvent(svc, at, "deployment %s deployment failed: tasks failed to start.", d.id)
	if cb := circuitBreaker(svc.props); cb != nil && scalarString(cb["Rollback"]) == "true" {
		for _, old := range svc.deployments {
			if old.status == "ACTIVE" {
				old.status = "PRIMARY"
				d.status = "INACTIVE"
				s.serviceEvent(svc, at, "rolling back to deployment %s.", old.id)
				break
			}
		}
	}
	for _, fn := range d.broken {
		fn(at, "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'.")
	}
}

func circuitBreaker(props map[string]any) map[string]any {
	dc, _ := props["DeploymentConfiguration"].(map[string]any)
	cb, _ := dc["DeploymentCircuitBreaker"].(map[string]any)
	return cb
}

// checkSteady completes a deployment when all its tasks run: the older
// deployments' tasks are stopped and the service reaches a steady state.
func (s *Server) checkSteady(svc *ecsService, d *ecsDeployment, at time.Time) {
	if d.status != "PRIMARY" || d.rollout != "IN_PROGRESS" || s.countTasks(svc, d, "RUNNING") < d.desired {
		return
	}
	for _, old := range svc.deployments {
		if old == d || old.status == "INACTIVE" {
			continue
		}
		old.status, old.updated = "INACTIVE", at
		for _, t := range s.ecs.tasks {
			if t.dep == old {
				s.stopTask(t, at, fmt.Sprintf("Scaling activity initiated by (deployment %s)", d.id), "ServiceSchedulerInitiated", nil, "")
			}
		}
	}
	d.rollout, d.reason, d.updated = "COMPLETED", fmt.Sprintf("ECS deployment %s completed.", d.id), at
	s.serviceEvent(svc, at, "deployment %s deployment completed.", d.id)
	s.serviceEvent(svc, at, "has reached a steady state.")
	for _, fn := range d.steady {
		fn(at, "")
	}
}

func (s *Server) countTasks(svc *ecsService, d *ecsDeployment, status ...string) int {
	n := 0
	for _, t := range s.ecs.tasks {
		if t.svc == svc && (d == nil || t.dep == d) && slices.Contains(status, t.lastStatus) {
			n++
		}
	}
	return n
}

// removeService is what deleting an AWS::ECS::Service does: its tasks stop
// and it becomes INACTIVE.
func (s *Server) removeService(svc *ecsService, at time.Time) {
	for _, t := range s.ecs.tasks {
		if t.svc == svc {
			s.stopTask(t, at, "Scaling activity initiated by (deployment "+svc.deployments[0].id+")", "ServiceSchedulerInitiated", nil, "")
		}
	}
	svc.status = "INACTIVE"
	for _, d := range svc.deployments {
		d.status = "INACTIVE"
	}
}

// --- API ---

func init() {
	register(svcECS, map[string]handlerFunc{
		"ListClusters":           (*Server).listClusters,
		"DescribeClusters":       (*Server).describeClusters,
		"ListServices":           (*Server).listServices,
		"DescribeServices":       (*Server).describeServices,
		"ListTasks":              (*Server).listTasks,
		"DescribeTasks":          (*Server).describeTasks,
		"DescribeTaskDefinition": (*Server).describeTaskDefinition,
		"ListTaskDefinitions":    (*Server).listTaskDefinitions,
		"ExecuteCommand":         (*Server).executeCommand,
	})
}

func (s *Server) clusterArg(req *request) (*ecsCluster, error) {
	name := req.jstr("cluster")
	if name == "" {
		name = "default"
	}
	c := s.ecs.cluster(name)
	if c == nil {
		return nil, errorf(400, "ClusterNotFoundException", "Cluster not found.")
	}
	return c, nil
}

func jsonTags(tags []tag) []map[string]any {
	out := []map[string]any{}
	for _, t := range tags {
		out = append(out, map[string]any{"key": t.key, "value": t.value})
	}
	return out
}

func (s *Server) listClusters(req *request, _ time.Time) (any, error) {
	arns := []string{}
	for _, c := range s.ecs.clusters {
		if c.status == "ACTIVE" {
			arns = append(arns, c.arn)
		}
	}
	return map[string]any{"clusterArns": arns}, nil
}

func (s *Server) describeClusters(req *request, _ time.Time) (any, error) {
	names := req.jstrs("clusters")
	if len(names) == 0 {
		names = []string{"default"}
	}
	clusters, failures := []any{}, []any{}
	for _, n := range names {
		var c *ecsCluster
		for _, cc := range s.ecs.clusters {
			if cc.name == n || cc.arn == n {
				c = cc
			}
		}
		if c == nil {
			failures = append(failures, map[string]any{"arn": s.arn("ecs", "cluster/"+n), "reason": "MISSING"})
			continue
		}
		active, running, pending := 0, 0, 0
		for _, svc := range s.ecs.services {
			if svc.cluster == c.name && svc.status == "ACTIVE" {
				active++
			}
		}
		for _, t := range s.ecs.tasks {
			if t.cluster == c.name {
				switch t.lastStatus {
				case "RUNNING":
					running++
				case "PROVISIONING", "PENDING":
					pending++
				}
			}
		}
		providers := c.providers
		if providers == nil {
			providers = []string{}
		}
		clusters = append(clusters, map[string]any{"clusterArn": c.arn, "clusterName": c.name, "status": c.status,
			"activeServicesCount": active, "runningTasksCount": running, "pendingTasksCount": pending,
			"registeredContainerInstancesCount": 0, "tags": jsonTags(c.tags),
			"capacityProviders": providers, "defaultCapacityProviderStrategy": strategyJSON(c.strategy)})
	}
	return map[string]any{"clusters": clusters, "failures": failures}, nil
}

func (s *Server) listServices(req *request, _ time.Time) (any, error) {
	c, err := s.clusterArg(req)
	if err != nil {
		return nil, err
	}
	arns := []string{}
	for _, svc := range s.ecs.services {
		if svc.cluster == c.name && svc.status != "INACTIVE" {
			arns = append(arns, svc.arn)
		}
	}
	return map[string]any{"serviceArns": arns}, nil
}

func (s *Server) describeServices(req *request, _ time.Time) (any, error) {
	c, err := s.clusterArg(req)
	if err != nil {
		return nil, err
	}
	withTags := slices.Contains(req.jstrs("include"), "TAGS")
	services, failures := []any{}, []any{}
	for _, n := range req.jstrs("services") {
		svc := s.ecs.service(c.name, n)
		if svc == nil {
			arn := n
			if !strings.HasPrefix(n, "arn:") {
				arn = s.arn("ecs", "service/"+c.name+"/"+n)
			}
			failures = append(failures, map[string]any{"arn": arn, "reason": "MISSING"})
			continue
		}
		services = append(services, s.serviceJSON(svc, withTags))
	}
	return map[string]any{"services": services, "failures": failures}, nil
}

func (s *Server) serviceJSON(svc *ecsService, withTags bool) map[string]any {
	deps := []any{}
	for _, d := range svc.deployments {
		if d.status == "INACTIVE" {
			continue
		}
		deps = append(deps, prune(map[string]any{"id": d.id, "status": d.status, "taskDefinition": s.taskDefARN(d.taskDef),
			"desiredCount": d.desired, "runningCount": s.countTasks(svc, d, "RUNNING"), "pendingCount": s.countTasks(svc, d, "PROVISIONING", "PENDING"),
			"failedTasks": d.failedTasks, "rolloutState": d.rollout, "rolloutStateReason": d.reason, "createdAt": epoch(d.created), "updatedAt": epoch(d.updated),
			"launchType": svc.launchType()}))
	}
	events := []any{}
	for _, e := range svc.events {
		events = append(events, map[string]any{"id": e.id, "createdAt": epoch(e.at), "message": e.message})
	}
	lbs := []any{}
	for _, lb := range asList(svc.props["LoadBalancers"]) {
		m, _ := lb.(map[string]any)
		lbs = append(lbs, prune(map[string]any{"targetGroupArn": scalarString(m["TargetGroupArn"]), "containerName": scalarString(m["ContainerName"]),
			"containerPort": intProp(m["ContainerPort"], 0), "loadBalancerName": scalarString(m["LoadBalancerName"])}))
	}
	registries := []any{}
	for _, r := range asList(svc.props["ServiceRegistries"]) {
		m, _ := r.(map[string]any)
		registries = append(registries, prune(map[string]any{"registryArn": scalarString(m["RegistryArn"]), "containerName": scalarString(m["ContainerName"])}))
	}
	desired := 0
	taskDefinition := ""
	if p := svc.primary(); p != nil && svc.status == "ACTIVE" {
		desired, taskDefinition = p.desired, s.taskDefARN(p.taskDef)
	}
	out := prune(map[string]any{"serviceArn": svc.arn, "serviceName": svc.name, "clusterArn": s.arn("ecs", "cluster/"+svc.cluster),
		"status": svc.status, "desiredCount": desired, "runningCount": s.countTasks(svc, nil, "RUNNING"),
		"pendingCount": s.countTasks(svc, nil, "PROVISIONING", "PENDING"), "launchType": svc.launchType(),
		"taskDefinition": taskDefinition, "deployments": deps, "events": events, "loadBalancers": lbs, "serviceRegistries": registries,
		"createdAt": epoch(svc.created), "schedulingStrategy": "REPLICA", "propagateTags": scalarString(svc.props["PropagateTags"]),
		"enableExecuteCommand": scalarString(svc.props["EnableExecuteCommand"]) == "true"})
	if nc, ok := svc.props["NetworkConfiguration"].(map[string]any); ok {
		out["networkConfiguration"] = camelKeys(nc)
	}
	if len(svc.strategy) > 0 {
		out["capacityProviderStrategy"] = strategyJSON(svc.strategy)
	}
	if dc, ok := svc.props["DeploymentConfiguration"].(map[string]any); ok {
		out["deploymentConfiguration"] = camelKeys(dc)
	}
	if withTags {
		out["tags"] = jsonTags(svc.tags)
	}
	return out
}

func (s *Server) taskDefARN(ref string) string {
	if td := s.ecs.taskDef(ref); td != nil {
		return td.arn
	}
	return ref
}

// launchType is the service's launch type: none when it runs on capacity
// providers, FARGATE when it names nothing.
func (svc *ecsService) launchType() string {
	if lt := scalarString(svc.props["LaunchType"]); lt != "" {
		return lt
	}
	if len(svc.strategy) > 0 {
		return ""
	}
	return "FARGATE"
}

// camelKeys turns CloudFormation's PascalCase property names into the ECS
// API's camelCase ones. Values of maps whose keys are data (log driver
// options, docker labels) keep their keys.
func camelKeys(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k == "Options" || k == "DockerLabels" {
				out[lowerFirst(k)] = e
				continue
			}
			out[lowerFirst(k)] = camelKeys(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = camelKeys(e)
		}
		return out
	case string:
		return x
	}
	return v
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func (s *Server) listTasks(req *request, _ time.Time) (any, error) {
	c, err := s.clusterArg(req)
	if err != nil {
		return nil, err
	}
	serviceName, family := req.jstr("serviceName"), req.jstr("family")
	desired := req.jstr("desiredStatus")
	if desired == "" {
		desired = "RUNNING"
	}
	if serviceName != "" && s.ecs.service(c.name, serviceName) == nil {
		return nil, errorf(400, "ServiceNotFoundException", "Service not found.")
	}
	arns := []string{}
	for _, t := range s.ecs.tasks {
		if t.cluster != c.name || t.desiredStatus != desired {
			continue
		}
		if serviceName != "" && t.svc.name != serviceName && t.svc.arn != serviceName {
			continue
		}
		if family != "" && (t.def == nil || t.def.family != family) {
			continue
		}
		arns = append(arns, t.arn)
	}
	return map[string]any{"taskArns": arns}, nil
}

func (s *Server) describeTasks(req *request, _ time.Time) (any, error) {
	c, err := s.clusterArg(req)
	if err != nil {
		return nil, err
	}
	tasks, failures := []any{}, []any{}
	for _, ref := range req.jstrs("tasks") {
		t := s.ecs.task(c.name, ref)
		if t == nil {
			failures = append(failures, map[string]any{"arn": ref, "reason": "MISSING"})
			continue
		}
		tasks = append(tasks, s.taskJSON(t))
	}
	return map[string]any{"tasks": tasks, "failures": failures}, nil
}

func (s *Server) taskJSON(t *ecsTask) map[string]any {
	containers := []any{}
	for _, c := range t.containers {
		cj := prune(map[string]any{"name": c.name, "image": c.image, "lastStatus": c.lastStatus, "taskArn": t.arn,
			"containerArn": s.arn("ecs", "container/"+t.cluster+"/"+t.id+"/"+c.name), "reason": c.reason, "healthStatus": c.health})
		if c.exitCode != nil {
			cj["exitCode"] = *c.exitCode
		}
		if t.lastStatus == "RUNNING" || !t.started.IsZero() {
			cj["networkInterfaces"] = []any{map[string]any{"attachmentId": t.eni, "privateIpv4Address": t.ip}}
			cj["runtimeId"] = c.runtimeID
			if t.execEnabled {
				cj["managedAgents"] = []any{map[string]any{"name": "ExecuteCommandAgent", "lastStatus": c.lastStatus, "lastStartedAt": epoch(t.started)}}
			}
		}
		containers = append(containers, cj)
	}
	attachmentStatus := "ATTACHED"
	if t.lastStatus == "STOPPED" {
		attachmentStatus = "DELETED"
	}
	out := prune(map[string]any{"taskArn": t.arn, "clusterArn": s.arn("ecs", "cluster/"+t.cluster), "lastStatus": t.lastStatus,
		"desiredStatus": t.desiredStatus, "healthStatus": t.health, "group": "service:" + t.svc.name, "startedBy": t.dep.id,
		"launchType": t.svc.launchType(), "capacityProviderName": t.capacityProvider, "enableExecuteCommand": t.execEnabled, "availabilityZone": t.az, "createdAt": epoch(t.created), "startedAt": ts(t.started),
		"stoppedAt": ts(t.stopped), "stoppingAt": ts(t.stopped), "stoppedReason": t.stoppedReason, "stopCode": t.stopCode,
		"containers": containers, "connectivity": "CONNECTED", "version": 1,
		"attachments": []any{map[string]any{"id": t.eni, "type": "ElasticNetworkInterface", "status": attachmentStatus, "details": []any{
			map[string]any{"name": "subnetId", "value": t.subnet},
			map[string]any{"name": "networkInterfaceId", "value": t.eni},
			map[string]any{"name": "macAddress", "value": t.mac},
			map[string]any{"name": "privateDnsName", "value": "ip-" + strings.ReplaceAll(t.ip, ".", "-") + "." + s.opts.Region + ".compute.internal"},
			map[string]any{"name": "privateIPv4Address", "value": t.ip},
		}}}})
	if t.def != nil {
		out["taskDefinitionArn"] = t.def.arn
		out["cpu"] = scalarString(t.def.props["Cpu"])
		out["memory"] = scalarString(t.def.props["Memory"])
		prune(out)
	}
	return out
}

func (s *Server) describeTaskDefinition(req *request, _ time.Time) (any, error) {
	td := s.ecs.taskDef(req.jstr("taskDefinition"))
	if td == nil {
		return nil, errorf(400, "ClientException", "Unable to describe task definition.")
	}
	out := map[string]any{"taskDefinition": s.taskDefJSON(td)}
	if slices.Contains(req.jstrs("include"), "TAGS") {
		out["tags"] = jsonTags(td.tags)
	}
	return out, nil
}

func (s *Server) taskDefJSON(td *taskDef) map[string]any {
	out, _ := camelKeys(td.props).(map[string]any)
	delete(out, "tags")
	out["taskDefinitionArn"] = td.arn
	out["family"] = td.family
	out["revision"] = td.revision
	out["status"] = td.status
	out["registeredAt"] = epoch(td.registered)
	if out["requiresCompatibilities"] == nil {
		out["requiresCompatibilities"] = []any{"FARGATE"}
	}
	// ECS answers with numbers where CloudFormation takes strings or
	// numbers; normalise the ones the SDK decodes as integers.
	for _, c := range asList(out["containerDefinitions"]) {
		cm, _ := c.(map[string]any)
		intNumbers(cm, "cpu", "memory", "memoryReservation")
		for _, pm := range asList(cm["portMappings"]) {
			m, _ := pm.(map[string]any)
			intNumbers(m, "containerPort", "hostPort")
		}
		hc, _ := cm["healthCheck"].(map[string]any)
		intNumbers(hc, "interval", "timeout", "retries", "startPeriod")
		if _, ok := cm["essential"]; ok {
			cm["essential"] = scalarString(cm["essential"]) == "true"
		}
	}
	return out
}

// intNumbers writes the integers of m under keys, those it has, as JSON
// integers; m may be nil.
func intNumbers(m map[string]any, keys ...string) {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			m[k] = json.Number(strconv.Itoa(intProp(v, 0)))
		}
	}
}

func (s *Server) listTaskDefinitions(req *request, _ time.Time) (any, error) {
	prefix, status := req.jstr("familyPrefix"), req.jstr("status")
	if status == "" {
		status = "ACTIVE"
	}
	var tds []*taskDef
	for _, td := range s.ecs.taskDefs {
		if td.status == status && strings.HasPrefix(td.family, prefix) {
			tds = append(tds, td)
		}
	}
	slices.SortFunc(tds, func(a, b *taskDef) int {
		if c := strings.Compare(a.family, b.family); c != 0 {
			return c
		}
		return a.revision - b.revision
	})
	if req.jstr("sort") == "DESC" {
		slices.Reverse(tds)
	}
	arns := []string{}
	for _, td := range tds {
		arns = append(arns, td.arn)
	}
	return map[string]any{"taskDefinitionArns": arns}, nil
}

// tagsOf reads a CloudFormation Tags property.
func tagsOf(props map[string]any) []tag { return keyValueTags(props["Tags"]) }

// keyValueTags reads a list of tags written [{Key, Value}], the way
// CloudFormation and most JSON APIs write them.
func keyValueTags(v any) []tag {
	var out []tag
	for _, t := range asList(v) {
		m, _ := t.(map[string]any)
		out = append(out, tag{scalarString(m["Key"]), scalarString(m["Value"])})
	}
	return out
}

// mapTags reads tags written as a JSON object, {"Key": "Value"}.
func mapTags(v any) []tag {
	m, _ := v.(map[string]any)
	var out []tag
	for k, v := range m {
		out = append(out, tag{k, scalarString(v)})
	}
	return out
}

// tagsJSON writes tags [{Key, Value}], the way most JSON APIs answer them:
// an empty list when there are none.
func tagsJSON(tags []tag) []map[string]any {
	out := []map[string]any{}
	for _, t := range tags {
		out = append(out, map[string]any{"Key": t.key, "Value": t.value})
	}
	return out
}

// tagMap is tags as a map, never nil, as the inspection methods give them.
func tagMap(tags []tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[t.key] = t.value
	}
	return m
}

// mergeTags adds tags not already set, keeping the result sorted.
func mergeTags(base []tag, more ...[]tag) []tag {
	m := map[string]string{}
	for _, t := range base {
		m[t.key] = t.value
	}
	for _, ts := range more {
		for _, t := range ts {
			if _, ok := m[t.key]; !ok {
				m[t.key] = t.value
			}
		}
	}
	out := make([]tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, tag{k, m[k]})
	}
	return out
}

// ExecCommand is an ECS ExecuteCommand call the fake answered.
type ExecCommand struct {
	Time                     time.Time
	Cluster, Task, Container string // cluster name, task ARN, container name
	Command                  string
	Interactive              bool
	SessionID                string
}

// ExecCommands returns the ExecuteCommand calls that opened a session,
// oldest first.
func (s *Server) ExecCommands() []ExecCommand {
	s.lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ecs.execs)
}

// executeCommand opens an ECS Exec session: the task must run, and must
// have been started by a service with EnableExecuteCommand, which gave it
// the agent.
func (s *Server) executeCommand(req *request, now time.Time) (any, error) {
	c, err := s.clusterArg(req)
	if err != nil {
		return nil, err
	}
	t := s.ecs.task(c.name, req.jstr("task"))
	if t == nil {
		return nil, errorf(400, "InvalidParameterException", "The specified task was not found.")
	}
	if !req.jbool("interactive") {
		return nil, errorf(400, "InvalidParameterException", "Interactive is the only mode supported currently.")
	}
	container := req.jstr("container")
	var ct *ecsContainer
	for _, cc := range t.containers {
		if cc.name == container || (container == "" && len(t.containers) == 1) {
			ct = cc
		}
	}
	if ct == nil {
		if container == "" {
			return nil, errorf(400, "InvalidParameterException", "The container name must be specified when the task has more than one container.")
		}
		return nil, errorf(400, "InvalidParameterException", "The specified container %s was not found in the task.", container)
	}
	if t.lastStatus != "RUNNING" || !t.execEnabled || ct.lastStatus != "RUNNING" {
		return nil, errorf(400, "InvalidParameterException", "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again.")
	}
	session := "ecs-execute-command-" + s.randString(lowerHex, 17)
	s.ecs.execs = append(s.ecs.execs, ExecCommand{Time: now, Cluster: c.name, Task: t.arn, Container: ct.name, Command: req.jstr("command"), Interactive: true, SessionID: session})
	return map[string]any{"clusterArn": c.arn, "containerArn": s.arn("ecs", "container/"+t.cluster+"/"+t.id+"/"+ct.name), "containerName": ct.name,
		"interactive": true, "taskArn": t.arn, "session": map[string]any{"sessionId": session,
			"streamUrl":  "wss://ssmmessages." + s.opts.Region + "." + urlSuffix(s.opts.Region) + "/v1/data-channel/" + session + "?role=publish_subscribe",
			"tokenValue": s.randString(upperAlnum+lowerAlnum, 172)}}, nil
}
