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

// service adds what runs one compose service: its execution role, task
// definition, DNS entry, load balancer targets and ECS service.
func (c *converter) service(s *app.Service) {
	roleID := s.ID + executionRoleSuffix
	taskID := s.ID + taskDefinitionSuffix
	discoveryID := s.ID + discoverySuffix

	c.add(roleID, c.executionRole(s))
	c.add(taskID, &cfn.TaskDefinition{
		Family:                  c.p.Name + "-" + s.Name,
		Cpu:                     fmt.Sprint(s.CPU),
		Memory:                  fmt.Sprint(s.Memory),
		NetworkMode:             "awsvpc",
		RequiresCompatibilities: []string{"FARGATE"},
		RuntimePlatform:         &cfn.RuntimePlatform{CpuArchitecture: s.Platform, OperatingSystemFamily: "LINUX"},
		ExecutionRoleArn:        cfn.GetAtt(roleID, "Arn"),
		ContainerDefinitions:    []cfn.ContainerDefinition{c.container(s)},
		Tags:                    c.serviceTags(s),
	})
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
	for _, n := range s.Networks {
		id, ok := c.networks[n]
		if !ok {
			c.fail(fmt.Errorf("service %s joins the network %q, which is not in the project", s.Name, n))
			continue
		}
		groups = append(groups, cfn.GetAtt(id+networkSuffix, "GroupId"))
	}
	svc := &cfn.Service{
		Cluster:        cfn.Ref(clusterID),
		TaskDefinition: cfn.Ref(taskID),
		DesiredCount:   s.Replicas,
		LaunchType:     "FARGATE",
		DeploymentConfiguration: &cfn.DeploymentConfiguration{
			MinimumHealthyPercent:    s.MinHealthy,
			MaximumPercent:           s.MaxPercent,
			DeploymentCircuitBreaker: &cfn.DeploymentCircuitBreaker{Enable: true, Rollback: true},
		},
		ServiceRegistries:    []cfn.ServiceRegistry{{RegistryArn: cfn.GetAtt(discoveryID, "Arn")}},
		EnableECSManagedTags: true,
		PropagateTags:        "SERVICE",
		Tags:                 c.serviceTags(s),
	}
	var listeners []string
	if len(s.Ports) > 0 {
		groupID := s.ID + taskGroupSuffix
		c.add(groupID, c.taskSecurityGroup(s))
		groups = append(groups, cfn.GetAtt(groupID, "GroupId"))
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
			if l.Service == s.Name {
				listeners = append(listeners, listenerID(l))
			}
		}
	}
	svc.NetworkConfiguration = &cfn.NetworkConfiguration{AwsvpcConfiguration: cfn.AwsvpcConfiguration{
		// Without a public address, a task in a public subnet cannot pull
		// its image from a public registry.
		AssignPublicIp: "ENABLED",
		SecurityGroups: groups,
		Subnets:        cfn.Ref(SubnetsParameter),
	}}
	c.add(s.ID+serviceSuffix, svc, listeners...)
}

// container is the service's one container.
func (c *converter) container(s *app.Service) cfn.ContainerDefinition {
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
		DockerLabels:           s.Labels,
		Memory:                 s.MemoryLimit,
		MemoryReservation:      s.MemoryReservation,
		LogConfiguration: &cfn.LogConfiguration{
			LogDriver: "awslogs",
			Options: map[string]any{
				"awslogs-group":         cfn.Ref(logGroupID),
				"awslogs-region":        cfn.Ref(cfn.Region),
				"awslogs-stream-prefix": s.Name,
				// A slow CloudWatch never blocks the application's writes.
				"mode":            "non-blocking",
				"max-buffer-size": "25m",
			},
		},
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
	return def
}

// executionRole is what ECS acts as to start the service's tasks: it can
// pull the image (from the one private ECR repository the image is in, if
// any) and write to the project's log group, nothing more.
func (c *converter) executionRole(s *app.Service) *cfn.Role {
	statements := []cfn.Statement{{
		Effect:   "Allow",
		Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resource: []any{cfn.GetAtt(logGroupID, "Arn")},
	}}
	if s.ECRRepository != "" {
		statements = append(statements,
			cfn.Statement{
				Effect:   "Allow",
				Action:   []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
				Resource: []any{s.ECRRepository},
			},
			// A registry login token is not tied to a repository.
			cfn.Statement{
				Effect:   "Allow",
				Action:   []string{"ecr:GetAuthorizationToken"},
				Resource: []any{"*"},
			})
	}
	return &cfn.Role{
		AssumeRolePolicyDocument: cfn.PolicyDocument{
			Version: cfn.PolicyVersion,
			Statement: []cfn.Statement{{
				Effect:    "Allow",
				Principal: map[string]any{"Service": "ecs-tasks.amazonaws.com"},
				Action:    []string{"sts:AssumeRole"},
			}},
		},
		Policies: []cfn.Policy{{
			PolicyName:     "run-" + strings.ToLower(s.ID),
			PolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: statements},
		}},
		Tags: c.serviceTags(s),
	}
}
