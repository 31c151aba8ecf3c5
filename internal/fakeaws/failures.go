package fakeaws

import (
	"fmt"
	"maps"
	"time"
)

// Operation is a stack operation on a resource.
type Operation int

const (
	// Create is the creation of a resource, on stack creation or update.
	Create Operation = iota + 1
	// Update is an update of a resource, in place or by replacement.
	Update
	// Delete is a deletion, on stack deletion, rollback or update cleanup.
	Delete
)

// Failure makes a resource fail. It matches by LogicalID, or by Type when
// LogicalID is empty.
type Failure struct {
	LogicalID string
	Type      string
	On        Operation
	// Reason is the ResourceStatusReason; default a resource handler
	// message like CloudFormation's.
	Reason string
	// Times is how many times the failure happens; 0 means every time.
	Times int
}

// TaskFailure makes the tasks of an ECS service stop soon after they start.
type TaskFailure struct {
	Reason          string   // stoppedReason, default "Essential container in task exited"
	ExitCode        int      // exit code of the container that stopped the task
	ContainerReason string   // the container's reason, e.g. "OutOfMemoryError: Container killed due to memory usage"
	Container       string   // the container that exits; default the first essential one
	LogLines        []string // lines the container writes to its awslogs stream before exiting
}

type failureRule struct {
	Failure
	used int
}

type taskRule struct {
	service string
	failure TaskFailure
}

type failureState struct {
	rules []*failureRule
	tasks []taskRule
}

// FailResource makes matching resources fail from now on.
func (s *Server) FailResource(f Failure) {
	s.lock()
	defer s.mu.Unlock()
	s.fails.rules = append(s.fails.rules, &failureRule{Failure: f})
}

// FailTasks makes the tasks of an ECS service fail: every task that a
// deployment started after this call launches stops with f, replacements
// too, until the deployment circuit breaker gives up. service is the
// compose service name (the com.docker.compose.service tag), the ECS
// service name, or the logical ID of the AWS::ECS::Service. Rollback
// deployments are spared: they put back a configuration that worked.
func (s *Server) FailTasks(service string, f TaskFailure) {
	s.lock()
	defer s.mu.Unlock()
	s.fails.tasks = append(s.fails.tasks, taskRule{service: service, failure: f})
}

// ClearFailures removes every resource and task failure.
func (s *Server) ClearFailures() {
	s.lock()
	defer s.mu.Unlock()
	s.fails = failureState{}
}

func (f *failureState) match(r *resource, on Operation) *Failure {
	for _, rule := range f.rules {
		if rule.On != on || (rule.LogicalID != "" && rule.LogicalID != r.id) || (rule.LogicalID == "" && rule.Type != r.typ) {
			continue
		}
		if rule.Times > 0 && rule.used >= rule.Times {
			continue
		}
		rule.used++
		return &rule.Failure
	}
	return nil
}

func (s *Server) failureReason(f *Failure) string {
	if f.Reason != "" {
		return f.Reason
	}
	return s.handlerMessage(fmt.Sprintf("Injected failure of %s%s", f.LogicalID, f.Type), "GeneralServiceException")
}

func (f *failureState) tasksFor(svc *ecsService) *TaskFailure {
	compose, _ := tagValue(svc.tags, "com.docker.compose.service")
	for i := len(f.tasks) - 1; i >= 0; i-- {
		if n := f.tasks[i].service; n == svc.name || n == svc.logicalID || (compose != "" && n == compose) {
			tf := f.tasks[i].failure
			return &tf
		}
	}
	return nil
}

// defaultDurations is how long, in simulated time, creating, updating or
// deleting a resource takes: roughly what AWS takes.
var defaultDurations = map[string]time.Duration{
	"AWS::ECS::Cluster":                             5 * time.Second,
	"AWS::ECS::TaskDefinition":                      2 * time.Second,
	"AWS::ECS::Service":                             60 * time.Second,
	"AWS::Logs::LogGroup":                           2 * time.Second,
	"AWS::EC2::SecurityGroup":                       5 * time.Second,
	"AWS::EC2::SecurityGroupIngress":                2 * time.Second,
	"AWS::EC2::SecurityGroupEgress":                 2 * time.Second,
	"AWS::ElasticLoadBalancingV2::LoadBalancer":     150 * time.Second,
	"AWS::ElasticLoadBalancingV2::TargetGroup":      5 * time.Second,
	"AWS::ElasticLoadBalancingV2::Listener":         2 * time.Second,
	"AWS::ElasticLoadBalancingV2::ListenerRule":     2 * time.Second,
	"AWS::ServiceDiscovery::PrivateDnsNamespace":    45 * time.Second,
	"AWS::ServiceDiscovery::Service":                3 * time.Second,
	"AWS::IAM::Role":                                20 * time.Second,
	"AWS::IAM::Policy":                              15 * time.Second,
	"AWS::IAM::ManagedPolicy":                       10 * time.Second,
	"AWS::IAM::InstanceProfile":                     120 * time.Second,
	"AWS::SecretsManager::Secret":                   3 * time.Second,
	"AWS::SSM::Parameter":                           2 * time.Second,
	"AWS::EFS::FileSystem":                          10 * time.Second,
	"AWS::EFS::MountTarget":                         90 * time.Second,
	"AWS::EFS::AccessPoint":                         5 * time.Second,
	"AWS::ECS::CapacityProvider":                    5 * time.Second,
	"AWS::ECS::ClusterCapacityProviderAssociations": 5 * time.Second,
	"AWS::EC2::LaunchTemplate":                      2 * time.Second,
	"AWS::AutoScaling::AutoScalingGroup":            30 * time.Second,
	"AWS::ApplicationAutoScaling::ScalableTarget":   5 * time.Second,
	"AWS::ApplicationAutoScaling::ScalingPolicy":    3 * time.Second,
	changeSetType:                                   3 * time.Second,
}

// otherDuration is the duration of the resource types not in the table.
const otherDuration = 3 * time.Second

// changeSetType is the key of the durations table for how long a change
// set takes to compute.
const changeSetType = "AWS::CloudFormation::ChangeSet"

// DefaultDurations returns the default duration table; types not in it
// take 3 s. The key AWS::CloudFormation::ChangeSet is how long a change
// set takes to reach CREATE_COMPLETE.
func DefaultDurations() map[string]time.Duration {
	return maps.Clone(defaultDurations)
}

func (s *Server) duration(typ string) time.Duration {
	if d, ok := s.opts.Durations[typ]; ok {
		return d
	}
	if d, ok := defaultDurations[typ]; ok {
		return d
	}
	return otherDuration
}
