package convert

import (
	"fmt"
	"slices"
	"strings"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/cfn"
)

// dnsTTL is the time to live of a service's DNS records, in seconds: short,
// so that clients stop calling a replaced task soon after an update.
const dnsTTL = 10

// service adds what runs one compose service: its roles, task definition,
// DNS entry, load balancer targets, ECS service and autoscaling.
func (c *converter) service(s *app.Service) {
	roleID := s.ID + executionRoleSuffix
	taskID := s.ID + taskDefinitionSuffix
	discoveryID := s.ID + discoverySuffix

	files := c.filesRead(s)
	c.add(roleID, c.executionRole(s, files))
	compatibility := "FARGATE"
	if s.GPUs > 0 {
		compatibility = "EC2"
	}
	td := &cfn.TaskDefinition{
		Family:                  c.p.Name + "-" + s.Name,
		Cpu:                     fmt.Sprint(s.CPU),
		Memory:                  fmt.Sprint(s.Memory),
		NetworkMode:             "awsvpc",
		RequiresCompatibilities: []string{compatibility},
		RuntimePlatform:         &cfn.RuntimePlatform{CpuArchitecture: s.Platform, OperatingSystemFamily: "LINUX"},
		ExecutionRoleArn:        cfn.GetAtt(roleID, "Arn"),
		ContainerDefinitions:    []cfn.ContainerDefinition{c.container(s, files)},
		Tags:                    c.serviceTags(s),
	}
	if len(s.Mounts) > 0 {
		files, volumes, mounts := c.filesContainerOf(s)
		main := &td.ContainerDefinitions[0]
		main.MountPoints = append(main.MountPoints, mounts...)
		main.DependsOn = append(main.DependsOn, cfn.ContainerDependency{ContainerName: app.FilesContainer, Condition: "SUCCESS"})
		td.ContainerDefinitions = append(td.ContainerDefinitions, files)
		td.Volumes = append(td.Volumes, volumes...)
	}
	for _, j := range s.Jobs {
		td.ContainerDefinitions = append(td.ContainerDefinitions, c.job(s, j))
		main := &td.ContainerDefinitions[0]
		main.DependsOn = append(main.DependsOn, cfn.ContainerDependency{ContainerName: j.Name, Condition: "SUCCESS"})
	}
	mountTargets := c.volumeMounts(s, td)
	if s.TaskRole != nil {
		c.add(s.ID+taskRoleSuffix, c.taskRole(s))
		td.TaskRoleArn = cfn.GetAtt(s.ID+taskRoleSuffix, "Arn")
	}
	c.add(taskID, td)
	c.add(discoveryID, &cfn.DiscoveryService{
		Name:        s.Name,
		NamespaceId: cfn.Ref(namespaceID),
		DnsConfig: cfn.DNSConfig{
			RoutingPolicy: "MULTIVALUE",
			DnsRecords:    []cfn.DNSRecord{{Type: "A", TTL: dnsTTL}},
		},
		// ECS reports the health of the tasks it registers.
		HealthCheckCustomConfig: &cfn.HealthCheckCustomConfig{},
		Tags:                    c.serviceTags(s),
	})

	var groups []any
	for _, name := range s.Networks {
		n, ok := c.networks[name]
		if !ok {
			c.fail(fmt.Errorf("service %s joins the network %q, which is not in the project", s.Name, name))
			continue
		}
		groups = append(groups, networkGroup(n))
	}
	svc := &cfn.Service{
		Cluster:        c.cluster(),
		TaskDefinition: cfn.Ref(taskID),
		DeploymentConfiguration: &cfn.DeploymentConfiguration{
			MinimumHealthyPercent:    s.MinHealthy,
			MaximumPercent:           s.MaxPercent,
			DeploymentCircuitBreaker: &cfn.DeploymentCircuitBreaker{Enable: true, Rollback: true},
		},
		ServiceRegistries:    []cfn.ServiceRegistry{{RegistryArn: cfn.GetAtt(discoveryID, "Arn")}},
		EnableExecuteCommand: s.Exec,
		EnableECSManagedTags: true,
		PropagateTags:        "SERVICE",
		Tags:                 c.serviceTags(s),
	}
	for _, t := range s.Tags {
		svc.Tags = append(svc.Tags, cfn.Tag{Key: t.Key, Value: t.Value})
	}
	if s.Autoscaling == nil {
		replicas := s.Replicas
		svc.DesiredCount = &replicas
	}
	var wait []string
	switch {
	case s.GPUs > 0:
		svc.CapacityProviderStrategy = []cfn.CapacityProviderItem{{CapacityProvider: cfn.Ref(gpuCapacityProviderID), Weight: 1}}
	case len(s.Capacity) == 0:
		svc.LaunchType = "FARGATE"
	}
	for _, cp := range s.Capacity {
		svc.CapacityProviderStrategy = append(svc.CapacityProviderStrategy, cfn.CapacityProviderItem{CapacityProvider: cp.Provider, Weight: cp.Weight})
	}
	if len(svc.CapacityProviderStrategy) > 0 && c.p.GPU != nil {
		// The capacity providers are the cluster's before the service
		// uses them, and until it is gone.
		wait = append(wait, capacityProvidersID)
	}
	// The service waits for what its tasks need and nothing in the template
	// says: a listener for its target groups, mount targets for its file
	// systems, and the services it depends on with service_healthy.
	wait = append(wait, mountTargets...)
	for _, name := range s.WaitFor {
		if dep, ok := c.services[name]; ok {
			wait = append(wait, dep.ID+serviceSuffix)
		}
	}
	if len(s.Ports) > 0 || c.p.OwnsVolumes(s) {
		groupID := s.ID + taskGroupSuffix
		c.add(groupID, c.taskSecurityGroup(s))
		groups = append(groups, cfn.GetAtt(groupID, "GroupId"))
	}
	if len(s.Ports) > 0 {
		for _, port := range s.Ports {
			tg := targetGroupID(s, port)
			c.add(tg, c.targetGroup(s, port))
			svc.LoadBalancers = append(svc.LoadBalancers, cfn.ServiceLoadBalancer{
				ContainerName:  s.Name,
				ContainerPort:  port.Number,
				TargetGroupArn: cfn.Ref(tg),
			})
		}
		grace := s.GraceSeconds
		svc.HealthCheckGracePeriodSeconds = &grace
		// ECS refuses a target group that no listener uses yet.
		for _, l := range c.p.LoadBalancer.Listeners {
			if l.Service == s.Name && !l.RedirectToHTTPS {
				wait = append(wait, listenerID(l))
			}
		}
	}
	publicIP := "ENABLED"
	if c.p.Private || s.GPUs > 0 {
		// The interface of a task on an EC2 instance cannot have a public
		// address.
		publicIP = "DISABLED"
	}
	svc.NetworkConfiguration = &cfn.NetworkConfiguration{AwsvpcConfiguration: cfn.AwsvpcConfiguration{
		// Without a public address, a task in a public subnet cannot pull
		// its image from a public registry.
		AssignPublicIp: publicIP,
		SecurityGroups: groups,
		Subnets:        cfn.Ref(SubnetsParameter),
	}}
	c.add(s.ID+serviceSuffix, svc, wait...)
	if s.Autoscaling != nil {
		c.autoscaling(s)
	}
}

// container is the service's one container, which reads files (filesRead).
func (c *converter) container(s *app.Service, files []*app.File) cfn.ContainerDefinition {
	def := cfn.ContainerDefinition{
		Name:                   s.Name,
		Image:                  s.Image,
		Essential:              true,
		EntryPoint:             s.Entrypoint,
		Command:                s.Command,
		WorkingDirectory:       s.WorkingDir,
		User:                   s.User,
		StopTimeout:            s.StopTimeout,
		ReadonlyRootFilesystem: s.ReadOnly,
		Memory:                 s.MemoryLimit,
		MemoryReservation:      s.MemoryReservation,
		LogConfiguration:       awslogs(s),
	}
	// A slow CloudWatch never blocks the application's writes.
	def.LogConfiguration.Options["mode"] = "non-blocking"
	def.LogConfiguration.Options["max-buffer-size"] = "25m"
	if s.PullCredentials != "" {
		def.RepositoryCredentials = &cfn.RepositoryCredentials{CredentialsParameter: s.PullCredentials}
	}
	if s.GPUs > 0 {
		def.ResourceRequirements = []cfn.ResourceRequirement{{Type: "GPU", Value: fmt.Sprint(s.GPUs)}}
	}
	labels := versionLabels(files)
	for k, v := range s.Labels {
		labels[k] = v
	}
	if len(labels) > 0 {
		def.DockerLabels = labels
	}
	for _, e := range s.SecretEnv {
		if f := c.file(app.SecretFile, e.Secret); f != nil {
			def.Secrets = append(def.Secrets, cfn.Secret{Name: e.Name, ValueFrom: c.valueFrom(f, e.Key)})
		}
	}
	for _, e := range s.Environment {
		def.Environment = append(def.Environment, cfn.KeyValuePair{Name: e.Name, Value: e.Value})
	}
	ports := slices.Concat(s.Ports, s.ExposedPorts)
	slices.SortFunc(ports, app.ComparePorts)
	for _, p := range slices.Compact(ports) {
		def.PortMappings = append(def.PortMappings, cfn.PortMapping{ContainerPort: p.Number, Protocol: p.Protocol})
	}
	if h := s.HealthCheck; h != nil {
		def.HealthCheck = &cfn.HealthCheck{
			Command:     h.Test,
			Interval:    h.Interval,
			Timeout:     h.Timeout,
			Retries:     h.Retries,
			StartPeriod: h.StartPeriod,
		}
	}
	if s.Init || len(s.CapAdd) > 0 || len(s.CapDrop) > 0 {
		def.LinuxParameters = &cfn.LinuxParameters{InitProcessEnabled: s.Init}
		if len(s.CapAdd) > 0 || len(s.CapDrop) > 0 {
			def.LinuxParameters.Capabilities = &cfn.KernelCapabilities{Add: s.CapAdd, Drop: s.CapDrop}
		}
	}
	for _, u := range s.Ulimits {
		def.Ulimits = append(def.Ulimits, cfn.Ulimit{Name: u.Name, SoftLimit: u.Soft, HardLimit: u.Hard})
	}
	for _, c := range s.Sysctls {
		def.SystemControls = append(def.SystemControls, cfn.SystemControl{Namespace: c.Name, Value: c.Value})
	}
	return def
}

// awslogs sends a container's output to the project's log group, in
// streams named after the service.
func awslogs(s *app.Service) *cfn.LogConfiguration {
	return &cfn.LogConfiguration{
		LogDriver: "awslogs",
		Options: map[string]any{
			"awslogs-group":         cfn.Ref(logGroupID),
			"awslogs-region":        cfn.Ref(cfn.Region),
			"awslogs-stream-prefix": s.Name,
		},
	}
}

// job is the container of a service that the service waits to complete:
// it runs in each of the service's tasks, before the service's container.
func (c *converter) job(s *app.Service, j *app.Job) cfn.ContainerDefinition {
	def := cfn.ContainerDefinition{
		Name:             j.Name,
		Image:            j.Image,
		Essential:        false,
		EntryPoint:       j.Entrypoint,
		Command:          j.Command,
		WorkingDirectory: j.WorkingDir,
		User:             j.User,
		LogConfiguration: awslogs(s),
	}
	for _, e := range j.Environment {
		def.Environment = append(def.Environment, cfn.KeyValuePair{Name: e.Name, Value: e.Value})
	}
	return def
}

// executionRole is what ECS acts as to start the service's tasks: it can
// pull the image (from the one private ECR repository the image is in, if
// any, with the one secret that holds registry credentials, if any) and
// write to the project's log group, nothing more.
func (c *converter) executionRole(s *app.Service, files []*app.File) *cfn.Role {
	statements := []cfn.Statement{{
		Effect:   "Allow",
		Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resource: []any{cfn.GetAtt(logGroupID, "Arn")},
	}}
	var repositories []any
	for _, r := range append([]string{s.ECRRepository}, jobRepositories(s)...) {
		if r != "" && !slices.Contains(repositories, any(r)) {
			repositories = append(repositories, r)
		}
	}
	if len(repositories) > 0 {
		statements = append(statements,
			cfn.Statement{
				Effect:   "Allow",
				Action:   []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
				Resource: repositories,
			},
			// A registry login token is not tied to a repository.
			cfn.Statement{
				Effect:   "Allow",
				Action:   []string{"ecr:GetAuthorizationToken"},
				Resource: []any{"*"},
			})
	}
	statements = append(statements, c.readsFiles(files)...)
	if s.PullCredentials != "" {
		statements = append(statements, cfn.Statement{
			Effect:   "Allow",
			Action:   []string{"secretsmanager:GetSecretValue"},
			Resource: []any{s.PullCredentials},
		})
	}
	return &cfn.Role{
		AssumeRolePolicyDocument: assumedByTasks(nil),
		Policies: []cfn.Policy{{
			PolicyName:     "run-" + strings.ToLower(s.ID),
			PolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: statements},
		}},
		Tags: c.serviceTags(s),
	}
}

func jobRepositories(s *app.Service) []string {
	var out []string
	for _, j := range s.Jobs {
		out = append(out, j.ECRRepository)
	}
	return out
}

// assumedByTasks is the trust policy of a role that ECS tasks assume.
func assumedByTasks(condition map[string]any) cfn.PolicyDocument {
	return cfn.PolicyDocument{
		Version: cfn.PolicyVersion,
		Statement: []cfn.Statement{{
			Effect:    "Allow",
			Principal: map[string]any{"Service": "ecs-tasks.amazonaws.com"},
			Action:    []string{"sts:AssumeRole"},
			Condition: condition,
		}},
	}
}

// taskRole is what the service's containers may do in AWS: the policy and
// the managed policies the compose file gives, and ECS Exec's channels.
func (c *converter) taskRole(s *app.Service) *cfn.Role {
	role := &cfn.Role{
		// Only tasks of this account may assume the role, as AWS advises
		// against the confused deputy.
		AssumeRolePolicyDocument: assumedByTasks(map[string]any{
			"ArnLike":      map[string]any{"aws:SourceArn": cfn.Sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*")},
			"StringEquals": map[string]any{"aws:SourceAccount": cfn.Ref(cfn.AccountID)},
		}),
		ManagedPolicyArns: anys(s.TaskRole.ManagedPolicies),
		Tags:              c.serviceTags(s),
	}
	if s.TaskRole.Policy != nil {
		role.Policies = append(role.Policies, cfn.Policy{PolicyName: "x-aws-role", PolicyDocument: s.TaskRole.Policy})
	}
	if access := c.volumeAccess(s); len(access) > 0 {
		role.Policies = append(role.Policies, cfn.Policy{
			PolicyName:     "volumes",
			PolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: access},
		})
	}
	if s.Exec {
		role.Policies = append(role.Policies, cfn.Policy{
			PolicyName: "ecs-exec",
			PolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: []cfn.Statement{{
				Effect: "Allow",
				Action: []string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"},
				// The Session Manager channels have no resource to name.
				Resource: []any{"*"},
			}}},
		})
	}
	return role
}

// autoscaling adds target tracking of the service's number of tasks.
func (c *converter) autoscaling(s *app.Service) {
	a := s.Autoscaling
	target := s.ID + scalableTargetSuffix
	c.add(target, &cfn.ScalableTarget{
		MinCapacity:       a.Min,
		MaxCapacity:       a.Max,
		ResourceId:        cfn.Join("/", "service", c.clusterName(), cfn.GetAtt(s.ID+serviceSuffix, "Name")),
		ScalableDimension: "ecs:service:DesiredCount",
		ServiceNamespace:  "ecs",
	})
	metric := cfn.PredefinedMetric{}
	switch a.Metric {
	case "cpu":
		metric.PredefinedMetricType = "ECSServiceAverageCPUUtilization"
	case "memory":
		metric.PredefinedMetricType = "ECSServiceAverageMemoryUtilization"
	case "requests":
		metric.PredefinedMetricType = "ALBRequestCountPerTarget"
		// app/NAME/ID/targetgroup/NAME/ID: the load balancer's and the
		// target group's full names.
		metric.ResourceLabel = cfn.Join("/", c.loadBalancerFullName(), cfn.GetAtt(targetGroupID(s, s.Ports[0]), "TargetGroupFullName"))
	}
	c.add(s.ID+scalingPolicySuffix, &cfn.ScalingPolicy{
		PolicyName:      c.p.Name + "-" + s.Name + "-" + a.Metric,
		PolicyType:      "TargetTrackingScaling",
		ScalingTargetId: cfn.Ref(target),
		TargetTrackingScalingPolicyConfiguration: &cfn.TargetTracking{
			PredefinedMetricSpecification: metric,
			TargetValue:                   a.Target,
			ScaleInCooldown:               a.ScaleInCooldown,
			ScaleOutCooldown:              a.ScaleOutCooldown,
		},
	})
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
