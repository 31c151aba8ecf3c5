package validate

import (
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/distribution/reference"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/load"
)

// maxTaskDefinition is the largest task definition ECS registers, in bytes.
const maxTaskDefinition = 64 << 10

// Defaults ECS applies when compose says nothing.
const (
	defaultCPU    = 256 // 0.25 vCPU
	defaultMemory = 512 // MiB
	// maxStopTimeout is the longest stop timeout Fargate allows, in seconds.
	maxStopTimeout = 120
	minStopTimeout = 2
	// defaultStopTimeout is compose's stop_grace_period (ECS's own default
	// is 30 s): a deploy waits for old tasks to stop, so this is also time
	// every update saves.
	defaultStopTimeout = 10
	// defaultGrace is how long ECS ignores a new task's failing load
	// balancer health checks when compose gives no start_period: long
	// enough for a slow runtime to start listening, and free for a fast
	// one, which counts as healthy as soon as it answers.
	defaultGrace = 30
	// defaultLogRetention is how many days CloudWatch keeps logs; never
	// "forever" by default.
	defaultLogRetention = 30
	// maxListeners is the number of listeners a load balancer can have.
	maxListeners = 50
	// maxNofile is the largest nofile limit Fargate accepts.
	maxNofile = 1048576
	// vpcExtension names the VPC to deploy into.
	vpcExtension = "x-aws-vpc"
	// maxSecurityGroups is how many security groups a task's network
	// interface can have (the default quota).
	maxSecurityGroups = 5
)

// ProjectName checks that a project name can name its CloudFormation
// stack.
func ProjectName(name string) error {
	if !isStackName(name) {
		return fmt.Errorf("project name %q is not a valid CloudFormation stack name (letters, digits and hyphens, starting with a letter, at most 128 characters): choose another with -p or the top-level name key", name)
	}
	return nil
}

// Project checks p and returns its ECS-ready model and the warnings about
// settings ECS ignores. When the project cannot run on ECS, the error is an
// *Error listing every problem.
func Project(p *types.Project) (*app.Project, []Warning, error) {
	r := &report{}
	out := &app.Project{Name: p.Name, Domain: p.Name + ".local", LogRetentionDays: defaultLogRetention}
	for _, f := range p.ComposeFiles {
		out.Sources = append(out.Sources, load.Display(f))
	}

	if err := ProjectName(p.Name); err != nil {
		r.errorf("name", "%v", err)
	}
	if len(p.Services) == 0 {
		switch n := len(p.DisabledServices); n {
		case 0:
			r.errorf("services", "no service to run")
		case 1:
			r.errorf("services", "no service to run: the only service is in a profile that is not enabled (--profile, COMPOSE_PROFILES)")
		default:
			r.errorf("services", "no service to run: the %d services are all in profiles that are not enabled (--profile, COMPOSE_PROFILES)", n)
		}
	}
	projectLevel(p, r)
	projectExtensionsOf(p, out, r)

	names := slices.Sorted(maps.Keys(p.Services))
	serviceIDs := logicalIDs{}
	usedNetworks := map[string]bool{}
	jobs := jobsOf(p, r)
	for _, name := range names {
		s := p.Services[name]
		if _, ok := jobs[name]; ok {
			jobs[name] = job(out, s, r)
			continue
		}
		svc := service(p, out, s, r)
		serviceIDs.take(svc.ID, name, "services."+name, r)
		for _, n := range svc.Networks {
			usedNetworks[n] = true
		}
		out.Services = append(out.Services, svc)
	}

	networkIDs := logicalIDs{}
	for _, name := range slices.Sorted(maps.Keys(usedNetworks)) {
		n := &app.Network{Name: name, ID: logicalID(name)}
		if n.ID == "" {
			r.errorf("networks."+name, "the name must contain a letter or a digit")
		}
		networkIDs.take(n.ID, name, "networks."+name, r)
		n.External = network(p.Networks[name], "networks."+name, r)
		out.Networks = append(out.Networks, n)
	}

	for _, svc := range out.Services {
		for _, dep := range slices.Sorted(maps.Keys(p.Services[svc.Name].DependsOn)) {
			if j := jobs[dep]; j != nil {
				svc.Jobs = append(svc.Jobs, j)
			}
		}
	}
	files(p, out, r)
	volumes(p, out, r)
	out.GPU = gpuCapacity(p, out, r)
	out.Env = func(name string) (string, bool) {
		v, ok := p.Environment[name]
		return v, ok
	}
	out.LoadBalancer = loadBalancer(p, out, r)
	for _, svc := range out.Services {
		targets(svc, out.LoadBalancer, "services."+svc.Name, r)
		// Besides a group per network, the service has one of its own,
		// which lets the load balancer in and reaches its file systems.
		groups, own := len(svc.Networks), "a service with published ports needs one more"
		if len(svc.Ports) > 0 || out.OwnsVolumes(svc) {
			groups++
			if len(svc.Ports) == 0 {
				own = "a service that mounts a volume the stack makes needs one more"
			}
		}
		if groups > maxSecurityGroups {
			r.errorf("services."+svc.Name+".networks", "a task can be in at most %d security groups, and each network is one (%s): join fewer networks", maxSecurityGroups, own)
		}
	}

	warnings, err := r.located(p.ComposeFiles)
	if err != nil {
		return nil, warnings, err
	}
	return out, warnings, nil
}

// projectLevel checks the top-level sections that are not services.
func projectLevel(p *types.Project, r *report) {
	for _, name := range slices.Sorted(maps.Keys(p.Models)) {
		r.errorf("models."+name, "ECS does not run AI models")
	}
	for _, name := range slices.Sorted(maps.Keys(p.Jobs)) {
		r.errorf("jobs."+name, "jobs are not supported on ECS yet")
	}
}

// network checks a compose network and returns the ID of the security
// group an external one names.
func network(n types.NetworkConfig, key string, r *report) string {
	if n.External {
		if !groupID.MatchString(n.Name) {
			r.errorf(key+".name", "an external network is a security group you have: name it by its ID (sg-0123456789abcdef0), not %q", n.Name)
		}
		return n.Name
	}
	if n.Internal {
		r.warnf(key+".internal", "ignored: tasks keep their outbound internet access")
	}
	if n.Driver != "" && n.Driver != "bridge" && n.Driver != "overlay" {
		r.warnf(key+".driver", "ignored: a network is a security group on ECS")
	}
	if len(n.Ipam.Config) > 0 || n.Ipam.Driver != "" {
		r.warnf(key+".ipam", "ignored: addresses come from the VPC's subnets")
	}
	return ""
}

// service checks one compose service and builds its ECS form.
func service(p *types.Project, proj *app.Project, s types.ServiceConfig, r *report) *app.Service {
	key := "services." + s.Name
	svc := &app.Service{
		Name:      s.Name,
		ID:        logicalID(s.Name),
		Container: container(s),
		ReadOnly:  s.ReadOnly,
		Init:      s.Init != nil && *s.Init,
		Platform:  "X86_64",
		Replicas:  s.GetScale(),
	}
	containerName(s, key, r)
	if !isDNSLabel(s.Name) {
		r.errorf(key, "the service name %q cannot be a DNS name in Cloud Map: use letters, digits, '-' and '_', at most 63 characters", s.Name)
	} else if svc.ID == "" {
		r.errorf(key, "the service name %q needs a letter or a digit", s.Name)
	}
	switch {
	case s.Provider != nil:
		// Reported as unsupported.
	case s.Image == "":
		r.errorf(key+".image", noImage)
	default:
		if _, err := reference.ParseNormalizedNamed(s.Image); err != nil {
			r.errorf(key+".image", "%q is not an image reference (%v): write it as [REGISTRY/]REPOSITORY[:TAG][@DIGEST]", s.Image, err)
		}
		if s.Build != nil {
			r.warnf(key+".build", "ignored: ECS runs the image %q, it does not build it", s.Image)
		}
	}
	if svc.Replicas < 0 {
		r.errorf(key+".deploy.replicas", "must not be negative")
	}

	unsupported(p, s, key, r)
	dependencies(s, svc)
	svc.Environment = environment(s, proj.Domain, key, r)
	if len(s.Labels) > 0 {
		svc.Labels = map[string]string(s.Labels)
	}
	svc.HealthCheck = healthCheck(s.HealthCheck, key+".healthcheck", r)
	svc.StopTimeout = defaultStopTimeout
	if s.StopGracePeriod != nil {
		svc.StopTimeout = seconds(s.StopGracePeriod, key+".stop_grace_period", minStopTimeout, maxStopTimeout, r)
	}
	// The load balancer gives a stopping task's requests as long to finish
	// as the task has to stop.
	svc.DrainSeconds = svc.StopTimeout
	svc.GraceSeconds = defaultGrace
	if svc.HealthCheck != nil && svc.HealthCheck.StartPeriod > 0 {
		svc.GraceSeconds = svc.HealthCheck.StartPeriod
	}
	capabilities(s, svc, key, r)
	ulimits(s, svc, key, r)
	sysctls(s, svc, key, r)
	serviceLabels(s, svc, key, r)
	platform(s, svc, key, r)
	resources(s, svc, key, r)
	deployment(s, svc, key, r)
	serviceExtensionsOf(s, svc, key, r)
	gpus(s, svc, key, r)
	networks(p, s, svc, key, r)
	exposed(s, svc, key, r)
	return svc
}

// unsupported rejects what Fargate cannot do and warns about what it ignores.
func unsupported(p *types.Project, s types.ServiceConfig, key string, r *report) {
	if s.NetworkMode != "" {
		r.errorf(key+".network_mode", "Fargate tasks have their own network interface (awsvpc); remove network_mode %q", s.NetworkMode)
	}
	if s.Privileged {
		r.errorf(key+".privileged", "Fargate does not run privileged containers")
	}
	switch s.Pid {
	case "":
	case "host":
		r.errorf(key+".pid", "Fargate does not share the host's process namespace")
	default:
		r.errorf(key+".pid", "Fargate does not share process namespaces between services")
	}
	switch s.Ipc {
	case "", "private", "shareable":
	case "host":
		r.errorf(key+".ipc", "Fargate does not share the host's IPC namespace")
	default:
		r.errorf(key+".ipc", "Fargate does not share IPC namespaces between services")
	}
	if len(s.Devices) > 0 {
		r.errorf(key+".devices", "Fargate does not give containers access to host devices")
	}
	for i, v := range s.Volumes {
		vkey := fmt.Sprintf("%s.volumes[%d]", key, i)
		switch v.Type {
		case types.VolumeTypeBind:
			r.errorf(vkey, "bind mount of %s: Fargate tasks cannot see files on your machine; bake them into the image", relativeTo(p.WorkingDir, v.Source))
		case types.VolumeTypeTmpfs:
			r.errorf(vkey, "tmpfs mounts are not supported on Fargate")
		case types.VolumeTypeVolume:
			// Named and anonymous volumes are read by volumes().
		default:
			r.errorf(vkey, "volumes of type %q are not supported on Fargate", v.Type)
		}
	}
	if len(s.Tmpfs) > 0 {
		r.errorf(key+".tmpfs", "tmpfs mounts are not supported on Fargate")
	}
	if len(s.VolumesFrom) > 0 {
		r.errorf(key+".volumes_from", "Fargate tasks of different services cannot share volumes")
	}
	if s.Provider != nil {
		r.errorf(key+".provider", "provider services are not supported on ECS")
	}
	if s.Deploy != nil && s.Deploy.Mode != "" && s.Deploy.Mode != "replicated" {
		r.errorf(key+".deploy.mode", "Fargate runs replicated services only, not %q", s.Deploy.Mode)
	}
	if s.Deploy != nil && s.Deploy.Resources.Limits != nil && len(s.Deploy.Resources.Limits.Devices) > 0 {
		r.errorf(key+".deploy.resources.limits.devices", "devices are reserved, not limited: use deploy.resources.reservations.devices")
	}

	ignored := []struct {
		set      bool
		key, why string
	}{
		{s.ContainerName != "", "container_name", "ECS names containers itself"},
		{s.Restart != "", "restart", "ECS replaces containers that stop"},
		{s.Deploy != nil && s.Deploy.RestartPolicy != nil, "deploy.restart_policy", "ECS replaces containers that stop"},
		{s.Hostname != "", "hostname", "a task's hostname is set by Fargate"},
		{s.DomainName != "", "domainname", "a task's domain is set by Fargate"},
		{s.MacAddress != "", "mac_address", "Fargate assigns network interfaces"},
		{len(s.Links) > 0, "links", "services reach each other by name through Cloud Map"},
		{len(s.ExternalLinks) > 0, "external_links", "not supported on Fargate"},
		{len(s.ExtraHosts) > 0, "extra_hosts", "Fargate tasks (awsvpc) cannot have extra /etc/hosts entries"},
		{len(s.DNS) > 0, "dns", "Fargate tasks use the VPC's resolver"},
		{len(s.DNSSearch) > 0, "dns_search", "Fargate tasks use the VPC's resolver"},
		{len(s.DNSOpts) > 0, "dns_opt", "Fargate tasks use the VPC's resolver"},
		{s.Logging != nil || s.LogDriver != "", "logging", "logs go to CloudWatch Logs (docker ecs logs)"},
		{s.StopSignal != "", "stop_signal", "ECS stops containers with SIGTERM"},
		{s.ShmSize != 0, "shm_size", "Fargate does not let a task size /dev/shm"},
		{len(s.SecurityOpt) > 0, "security_opt", "not supported on Fargate"},
		{s.UserNSMode != "", "userns_mode", "not supported on Fargate"},
		{s.CgroupParent != "" || s.Cgroup != "", "cgroup", "not supported on Fargate"},
		{s.CPUShares != 0 || s.CPUQuota != 0 || s.CPUPeriod != 0 || s.CPUSet != "" || s.CPURTPeriod != 0 || s.CPURTRuntime != 0 || s.CPUCount != 0 || s.CPUPercent != 0, "cpu_*", "use deploy.resources (or cpus) to size the task"},
		{s.MemSwapLimit != 0 || s.MemSwappiness != 0, "memswap_limit", "Fargate tasks have no swap"},
		{s.OomKillDisable || s.OomScoreAdj != 0, "oom_*", "not supported on Fargate"},
		{s.PidsLimit != 0, "pids_limit", "not supported on Fargate"},
		{s.BlkioConfig != nil, "blkio_config", "not supported on Fargate"},
		{len(s.StorageOpt) > 0, "storage_opt", "not supported on Fargate"},
		{s.Isolation != "", "isolation", "not supported on Fargate"},
		{s.Runtime != "", "runtime", "not supported on Fargate"},
		{len(s.GroupAdd) > 0, "group_add", "not supported on Fargate"},
		{s.PullPolicy != "" && s.PullPolicy != types.PullPolicyAlways && s.PullPolicy != types.PullPolicyMissing && s.PullPolicy != types.PullPolicyIfNotPresent, "pull_policy", "Fargate pulls the image of every task it starts"},
		{len(s.PreStart) > 0 || len(s.PostStart) > 0 || len(s.PreStop) > 0, "hooks", "lifecycle hooks are not supported on ECS"},
		{s.Deploy != nil && len(s.Deploy.Placement.Constraints)+len(s.Deploy.Placement.Preferences) > 0, "deploy.placement", "Fargate places tasks itself"},
		{s.Deploy != nil && s.Deploy.RollbackConfig != nil, "deploy.rollback_config", "ECS rolls a failed deployment back to the last one that worked"},
		{s.Deploy != nil && s.Deploy.EndpointMode == "vip", "deploy.endpoint_mode", "services are found by DNS round robin (dnsrr)"},
	}
	for _, i := range ignored {
		if i.set {
			r.warnf(key+"."+i.key, "ignored: %s", i.why)
		}
	}
}

// container reads the image of a service or a job and how it runs, but for
// the environment, which is checked in its turn.
func container(s types.ServiceConfig) app.Container {
	return app.Container{
		Image:         s.Image,
		ECRRepository: ecrRepository(s.Image),
		Command:       s.Command,
		Entrypoint:    s.Entrypoint,
		WorkingDir:    s.WorkingDir,
		User:          s.User,
	}
}

// noImage is the error of a service or a job without an image.
const noImage = "ECS runs images, it does not build them: build and push the image to a registry (for example Amazon ECR), then set image"

// containerName rejects a service or a job whose container would take the
// name of docker ecs's own.
func containerName(s types.ServiceConfig, key string, r *report) {
	if s.Name == app.FilesContainer {
		r.errorf(key, "%s is the name of the container that writes secrets and configs in docker ecs's tasks: rename the service", s.Name)
	}
}

// environment merges environment and env_file (compose-go has already done
// that) and sorts the result, so that a deploy without changes changes
// nothing. Every container also learns the project's DNS domain.
func environment(s types.ServiceConfig, domain, key string, r *report) []app.EnvVar {
	env := map[string]string{
		// The resolver appends the search domain to bare names, so that
		// "db" finds db.{project}.local as it finds db in docker compose.
		"LOCALDOMAIN": domain,
	}
	size, largest, largestSize := 0, "", -1
	for name, v := range s.Environment {
		switch {
		case name == "":
			r.errorf(key+".environment", "a variable has no name (an entry such as \"=value\")")
			continue
		case v == nil:
			r.warnf(key+".environment."+name, "left out: it has no value here and is not set in the environment docker ecs runs in")
			continue
		}
		env[name] = *v
		n := len(name) + len(*v)
		size += n
		if n > largestSize || n == largestSize && name < largest {
			largest, largestSize = name, n
		}
	}
	if size > maxTaskDefinition {
		r.errorf(key+".environment."+largest, "the environment holds %d bytes (%s alone %d), and ECS takes task definitions of at most %d in all: put large values in a secret or a volume", size, largest, largestSize, maxTaskDefinition)
	}
	out := make([]app.EnvVar, 0, len(env))
	for _, name := range slices.Sorted(maps.Keys(env)) {
		out = append(out, app.EnvVar{Name: name, Value: env[name]})
	}
	return out
}

// healthCheck maps a compose health check onto ECS's, whose durations are
// whole seconds in fixed ranges.
func healthCheck(h *types.HealthCheckConfig, key string, r *report) *app.HealthCheck {
	if h == nil || h.Disable || len(h.Test) == 0 || h.Test[0] == "NONE" {
		return nil
	}
	out := &app.HealthCheck{Test: h.Test}
	switch h.Test[0] {
	case "CMD", "CMD-SHELL":
		if len(h.Test) < 2 {
			r.errorf(key+".test", "%s needs a command", h.Test[0])
		}
	default:
		r.errorf(key+".test", "must start with CMD, CMD-SHELL or NONE, not %q", h.Test[0])
	}
	out.Interval = seconds(h.Interval, key+".interval", 5, 300, r)
	out.Timeout = seconds(h.Timeout, key+".timeout", 2, 60, r)
	out.StartPeriod = seconds(h.StartPeriod, key+".start_period", 0, 300, r)
	if h.Retries != nil {
		if *h.Retries < 1 || *h.Retries > 10 {
			r.errorf(key+".retries", "ECS allows 1 to 10 retries, not %d", *h.Retries)
		}
		out.Retries = int(*h.Retries)
	}
	if h.StartInterval != nil {
		r.warnf(key+".start_interval", "ignored: ECS checks at the same interval during the start period")
	}
	return out
}

// seconds converts an optional duration into whole seconds (rounded up),
// checking ECS's range; nil gives 0, ECS's default.
func seconds(d *types.Duration, key string, lo, hi int, r *report) int {
	if d == nil {
		return 0
	}
	s := int(math.Ceil(time.Duration(*d).Seconds()))
	if s < lo || s > hi {
		r.errorf(key, "ECS allows %s to %s, not %s", time.Duration(lo)*time.Second, time.Duration(hi)*time.Second, time.Duration(*d))
	}
	return s
}

// capabilities keeps what Fargate allows: any capability can be dropped,
// only SYS_PTRACE can be added.
func capabilities(s types.ServiceConfig, svc *app.Service, key string, r *report) {
	norm := func(c string) string { return strings.TrimPrefix(strings.ToUpper(c), "CAP_") }
	for _, c := range s.CapAdd {
		c = norm(c)
		if c != "SYS_PTRACE" {
			r.errorf(key+".cap_add", "Fargate can add only SYS_PTRACE, not %s", c)
			continue
		}
		svc.CapAdd = append(svc.CapAdd, c)
	}
	for _, c := range s.CapDrop {
		svc.CapDrop = append(svc.CapDrop, norm(c))
	}
	slices.Sort(svc.CapAdd)
	svc.CapAdd = slices.Compact(svc.CapAdd)
	slices.Sort(svc.CapDrop)
	svc.CapDrop = slices.Compact(svc.CapDrop)
}

// ulimits keeps nofile, the one limit Fargate lets a task change.
func ulimits(s types.ServiceConfig, svc *app.Service, key string, r *report) {
	for _, name := range slices.Sorted(maps.Keys(s.Ulimits)) {
		u := s.Ulimits[name]
		if name != "nofile" {
			r.errorf(key+".ulimits."+name, "Fargate lets a task change only the nofile limit")
			continue
		}
		soft, hard := u.Soft, u.Hard
		if u.Single != 0 {
			soft, hard = u.Single, u.Single
		}
		if soft > hard || hard > maxNofile || soft < 0 {
			r.errorf(key+".ulimits.nofile", "needs 0 <= soft <= hard <= %d", maxNofile)
		}
		svc.Ulimits = append(svc.Ulimits, app.Ulimit{Name: name, Soft: soft, Hard: hard})
	}
}

// ipcSysctls are the kernel parameters of the IPC namespace that ECS lets
// a task set, besides fs.mqueue.*; net.* are those of the network
// namespace.
var ipcSysctls = []string{"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"}

// sysctls keeps the namespaced kernel parameters that ECS sets in a task.
func sysctls(s types.ServiceConfig, svc *app.Service, key string, r *report) {
	for _, name := range slices.Sorted(maps.Keys(s.Sysctls)) {
		if !strings.HasPrefix(name, "net.") && !strings.HasPrefix(name, "fs.mqueue.") && !slices.Contains(ipcSysctls, name) {
			r.errorf(key+".sysctls."+name, "ECS sets only net.*, fs.mqueue.* and %s in a task", strings.Join(ipcSysctls, ", "))
			continue
		}
		svc.Sysctls = append(svc.Sysctls, app.EnvVar{Name: name, Value: s.Sysctls[name]})
	}
}

// maxServiceLabels leaves room, under the 50 tags an AWS resource takes,
// for the two of compose.
const maxServiceLabels = 48

// serviceLabels turns the labels of the service, deploy.labels, into tags
// of the ECS service, which hands them on to its tasks. A label that AWS
// does not take as a tag is left out with a warning: swarm stacks carry
// labels such as Traefik rules, which were never meant for AWS.
func serviceLabels(s types.ServiceConfig, svc *app.Service, key string, r *report) {
	if s.Deploy == nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(s.Deploy.Labels)) {
		value, lkey := s.Deploy.Labels[name], key+".deploy.labels."+name
		switch {
		case strings.HasPrefix(name, "com.docker.compose."):
			r.errorf(lkey, "the com.docker.compose. labels are docker ecs's own")
		case strings.HasPrefix(strings.ToLower(name), "aws:"):
			r.warnf(lkey, "left out: AWS keeps tags that start with aws: for itself")
		case len(name) > 128 || len(value) > 256:
			r.warnf(lkey, "left out: an AWS tag has a key of at most 128 characters and a value of at most 256")
		case !tagText(name) || !tagText(value):
			r.warnf(lkey, "left out: an AWS tag holds only letters, digits, spaces and _ . : / = + - @")
		case len(svc.Tags) == maxServiceLabels:
			r.errorf(key+".deploy.labels", "more than %d labels: an AWS resource takes 50 tags, 2 of which are compose's", maxServiceLabels)
			return
		default:
			svc.Tags = append(svc.Tags, app.Tag{Key: name, Value: value})
		}
	}
}

// tagText reports whether AWS takes s as the key or value of a tag: its
// pattern is ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$, letters, separators (spaces,
// but not tabs or newlines) and numbers of any kind, and _ . : / = + - @.
func tagText(s string) bool {
	for _, c := range s {
		if !unicode.In(c, unicode.L, unicode.Z, unicode.N) && !strings.ContainsRune("_.:/=+-@", c) {
			return false
		}
	}
	return true
}

func platform(s types.ServiceConfig, svc *app.Service, key string, r *report) {
	switch s.Platform {
	case "", "linux/amd64", "linux/x86_64":
		svc.Platform = "X86_64"
	case "linux/arm64", "linux/arm64/v8", "linux/aarch64":
		svc.Platform = "ARM64"
	default:
		r.errorf(key+".platform", "Fargate runs linux/amd64 and linux/arm64, not %q", s.Platform)
	}
}

// resources picks the smallest Fargate task size that fits the service's
// limits, else its reservations, else the defaults.
func resources(s types.ServiceConfig, svc *app.Service, key string, r *report) {
	var limits, reservations types.Resource
	if s.Deploy != nil {
		if s.Deploy.Resources.Limits != nil {
			limits = *s.Deploy.Resources.Limits
		}
		if s.Deploy.Resources.Reservations != nil {
			reservations = *s.Deploy.Resources.Reservations
		}
	}
	// The short forms cpus, mem_limit and mem_reservation mean the same.
	if limits.NanoCPUs == 0 && s.CPUS != 0 {
		limits.NanoCPUs = types.NanoCPUs(s.CPUS)
	}
	if limits.MemoryBytes == 0 && s.MemLimit != 0 {
		limits.MemoryBytes = s.MemLimit
	}
	if reservations.MemoryBytes == 0 && s.MemReservation != 0 {
		reservations.MemoryBytes = s.MemReservation
	}

	cpus, mem := limits.NanoCPUs, limits.MemoryBytes
	if cpus == 0 {
		cpus = reservations.NanoCPUs
	}
	if mem == 0 {
		mem = reservations.MemoryBytes
	}
	if cpus < 0 || mem < 0 {
		r.errorf(key+".deploy.resources", "CPU and memory must not be negative")
		return
	}
	needCPU := int(math.Ceil(float64(cpus) * 1024))
	needMiB := mib(mem)
	svc.MemoryLimit = mib(limits.MemoryBytes)
	svc.MemoryReservation = mib(reservations.MemoryBytes)
	if svc.MemoryLimit != 0 && svc.MemoryReservation > svc.MemoryLimit {
		r.errorf(key+".deploy.resources.reservations.memory", "is larger than the memory limit")
	}
	if (svc.MemoryLimit != 0 && svc.MemoryLimit < 6) || (svc.MemoryReservation != 0 && svc.MemoryReservation < 6) {
		r.errorf(key+".deploy.resources", "ECS needs at least 6 MiB of memory for a container")
	}
	if needCPU > maxFargateCPU || needMiB > maxFargateMemory {
		r.errorf(key+".deploy.resources", "%g vCPU and %d MiB is more than Fargate's largest task (16 vCPU, 120 GiB)", float64(cpus), needMiB)
		return
	}
	c, m, ok := fargateTaskSize(max(needCPU, defaultCPU), max(needMiB, defaultMemory))
	if !ok {
		r.errorf(key+".deploy.resources", "no Fargate task size has %g vCPU and %d MiB", float64(cpus), needMiB)
		return
	}
	svc.CPU, svc.Memory = c, m
}

// mib converts bytes to MiB, rounding up.
func mib(b types.UnitBytes) int {
	return int((int64(b) + (1<<20 - 1)) >> 20)
}

// deployment maps replicas and update_config onto ECS's rolling update.
// Without update_config, ECS's own default applies (start new tasks before
// stopping old ones: 100%/200%), which keeps the service up during a deploy.
func deployment(s types.ServiceConfig, svc *app.Service, key string, r *report) {
	svc.MinHealthy, svc.MaxPercent = 100, 200
	if s.Deploy == nil || s.Deploy.UpdateConfig == nil {
		return
	}
	u := s.Deploy.UpdateConfig
	key += ".deploy.update_config"
	parallelism := 1
	if u.Parallelism != nil {
		parallelism = int(min(*u.Parallelism, math.MaxInt32))
	}
	replicas := max(svc.Replicas, 1)
	// A batch of parallelism tasks, as a percentage of the service.
	batch := 100
	if parallelism > 0 && parallelism < replicas {
		batch = int(math.Ceil(float64(parallelism) * 100 / float64(replicas)))
	}
	switch u.Order {
	case "", "stop-first":
		svc.MinHealthy, svc.MaxPercent = 100-batch, 100
	case "start-first":
		svc.MinHealthy, svc.MaxPercent = 100, 100+batch
	default:
		r.errorf(key+".order", "must be start-first or stop-first, not %q", u.Order)
	}
	if u.FailureAction != "" && u.FailureAction != "rollback" {
		r.warnf(key+".failure_action", "ignored: ECS's circuit breaker rolls a failed deployment back")
	}
	if u.Delay != 0 || u.Monitor != 0 || u.MaxFailureRatio != 0 {
		r.warnf(key, "delay, monitor and max_failure_ratio are ignored: ECS's circuit breaker decides when a deployment failed")
	}
}

func networks(p *types.Project, s types.ServiceConfig, svc *app.Service, key string, r *report) {
	for _, name := range slices.Sorted(maps.Keys(s.Networks)) {
		n := s.Networks[name]
		if _, ok := p.Networks[name]; !ok {
			r.errorf(key+".networks."+name, "the network is not declared in the top-level networks section")
			continue
		}
		if n != nil {
			if len(n.Aliases) > 0 {
				r.warnf(key+".networks."+name+".aliases", "ignored: other services find this one by its name %q", s.Name)
			}
			if n.Ipv4Address != "" || n.Ipv6Address != "" {
				r.warnf(key+".networks."+name, "ignored: fixed addresses are not supported, addresses come from the VPC")
			}
		}
		svc.Networks = append(svc.Networks, name)
	}
	if len(svc.Networks) == 0 {
		// compose-go puts a service on "default" unless it chose networks
		// or network_mode; keep the service in a group all the same.
		svc.Networks = []string{"default"}
	}
}

func exposed(s types.ServiceConfig, svc *app.Service, key string, r *report) {
	for _, e := range s.Expose {
		number, proto, _ := strings.Cut(e, "/")
		if proto == "" {
			proto = "tcp"
		}
		n, err := strconv.Atoi(number)
		if err != nil || n < 1 || n > 65535 || (proto != "tcp" && proto != "udp") {
			r.warnf(key+".expose", "ignored %q: members of a network reach every port of each other anyway", e)
			continue
		}
		svc.ExposedPorts = append(svc.ExposedPorts, app.Port{Number: n, Protocol: proto})
	}
	slices.SortFunc(svc.ExposedPorts, app.ComparePorts)
	svc.ExposedPorts = slices.Compact(svc.ExposedPorts)
}

// dependencies reads depends_on. ECS starts every service at once, and a
// service finds the ones it depends on by name as soon as they run: a
// plain dependency needs nothing, and does not serialise the deployment.
// service_healthy makes the service wait for the other's to be stable;
// service_completed_successfully runs the other in the service's tasks,
// before its container (see jobsOf).
func dependencies(s types.ServiceConfig, svc *app.Service) {
	for _, name := range slices.Sorted(maps.Keys(s.DependsOn)) {
		if s.DependsOn[name].Condition == types.ServiceConditionHealthy {
			svc.WaitFor = append(svc.WaitFor, name)
		}
	}
}

// jobsOf finds the services that others wait to complete
// (service_completed_successfully): one-off commands, such as database
// migrations, which on ECS run to completion in the tasks of the services
// that wait for them, before their containers start, instead of running as
// services of their own, which ECS would restart forever.
func jobsOf(p *types.Project, r *report) map[string]*app.Job {
	jobs := map[string]*app.Job{}
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		for _, dep := range slices.Sorted(maps.Keys(p.Services[name].DependsOn)) {
			if p.Services[name].DependsOn[dep].Condition == types.ServiceConditionCompletedSuccessfully {
				jobs[dep] = nil
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		for _, dep := range slices.Sorted(maps.Keys(p.Services[name].DependsOn)) {
			if _, ok := jobs[dep]; ok && p.Services[name].DependsOn[dep].Condition != types.ServiceConditionCompletedSuccessfully {
				r.errorf("services."+name+".depends_on."+dep, "%s runs to completion in the tasks of the services that wait for it to complete, so it cannot also run as a service to start or to be healthy", dep)
			}
		}
	}
	return jobs
}

// job checks a service that others wait to complete, and builds the
// container that runs it in their tasks.
func job(proj *app.Project, s types.ServiceConfig, r *report) *app.Job {
	key := "services." + s.Name
	containerName(s, key, r)
	r.warnf(key, "runs to completion in the tasks of the services that wait for it (depends_on: service_completed_successfully), before their containers, not as a service of its own")
	if s.Image == "" {
		r.errorf(key+".image", noImage)
	}
	for _, unsupported := range []struct {
		set  bool
		what string
	}{
		{len(s.Ports) > 0, "ports"},
		{len(s.Volumes) > 0, "volumes"},
		{len(s.Secrets) > 0, "secrets"},
		{len(s.Configs) > 0, "configs"},
		{len(s.DependsOn) > 0, "depends_on"},
	} {
		if unsupported.set {
			r.errorf(key+"."+unsupported.what, "a service others wait to complete runs in their tasks, where it cannot have %s", unsupported.what)
		}
	}
	j := &app.Job{Name: s.Name, Container: container(s)}
	j.Environment = environment(s, proj.Domain, key, r)
	return j
}

// relativeTo shows path as compose files write it: ./x when it is inside
// dir.
func relativeTo(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return "./" + rel
	}
	return path
}

// httpProbe finds the URL of a health check that requests the container
// itself over HTTP, with curl or wget.
var httpProbe = regexp.MustCompile(`https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(/[^\s'"]*)?`)

// targets checks what the load balancer needs of a service that publishes
// ports: the path an Application Load Balancer checks (x-aws-healthcheck_path,
// else the path of the service's own HTTP health check when it probes a
// published container port, else /), and autoscaling on requests.
func targets(svc *app.Service, lb *app.LoadBalancer, key string, r *report) {
	alb := lb != nil && lb.Type == "application" && len(svc.Ports) > 0
	if svc.HealthCheckPath != "" && !alb {
		r.warnf(key+".x-aws-healthcheck_path", "ignored: only an Application Load Balancer checks a path, and %s publishes no HTTP port", svc.Name)
	}
	if alb && svc.HealthCheckPath == "" {
		svc.HealthCheckPath = "/"
		if h := svc.HealthCheck; h != nil {
			if m := httpProbe.FindStringSubmatch(strings.Join(h.Test, " ")); m != nil {
				port := 80
				if m[1] != "" {
					port, _ = strconv.Atoi(m[1])
				}
				if slices.ContainsFunc(svc.Ports, func(p app.Port) bool { return p.Number == port }) && m[2] != "" {
					svc.HealthCheckPath = m[2]
				}
			}
		}
	}
	if a := svc.Autoscaling; a != nil && a.Metric == "requests" && !alb {
		r.errorf(key+".deploy.x-aws-autoscaling.requests", "scaling on requests needs an Application Load Balancer in front of %s: publish an HTTP port, or scale on cpu or memory", svc.Name)
	}
}

// vpcID is the form of a VPC ID; an ARN ends with vpc/ID.
var vpcID = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)

// vpc reads x-aws-vpc, the VPC to deploy into, as an ID or an ARN.
func vpc(p *types.Project, r *report) string {
	v, ok := p.Extensions[vpcExtension]
	if !ok {
		return ""
	}
	s, _ := v.(string)
	id := s
	if strings.HasPrefix(s, "arn:") {
		_, id, _ = strings.Cut(s, ":vpc/")
	}
	if !vpcID.MatchString(id) {
		r.errorf(vpcExtension, "must be a VPC ID (vpc-0123456789abcdef0) or its ARN, not %q", fmt.Sprint(v))
		return ""
	}
	return id
}
