package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/docker-ecs/docker-ecs/internal/cfncheck"
	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// The minimal IAM policy of docs/security.md is checked against what the
// plugin calls: a full lifecycle runs through docker against the fake, and
// every action the fake saw must be allowed by the policy; every action of
// the policy must be one the plugin was seen calling, one it calls on a
// path the lifecycle does not take (pluginOtherPaths), or one that
// CloudFormation needs on the user's behalf (cloudFormationNeeds).

// iamPrefixes maps the fake's service names (SigV4 signing names) to the
// IAM prefixes of their actions.
var iamPrefixes = map[string]string{
	"cloudformation":          "cloudformation",
	"ec2":                     "ec2",
	"ecs":                     "ecs",
	"logs":                    "logs",
	"elasticloadbalancing":    "elasticloadbalancing",
	"servicediscovery":        "servicediscovery",
	"sts":                     "sts",
	"secretsmanager":          "secretsmanager",
	"ssm":                     "ssm",
	"elasticfilesystem":       "elasticfilesystem",
	"s3":                      "s3",
	"autoscaling":             "autoscaling",
	"application-autoscaling": "application-autoscaling",
}

// iamActions are the IAM actions of the API operations whose action has
// another name.
var iamActions = map[string]string{
	"s3:HeadBucket":    "s3:ListBucket",
	"s3:ListObjectsV2": "s3:ListBucket",
	"s3:HeadObject":    "s3:GetObject",
}

// noPermission are the operations that IAM does not authorise.
var noPermission = map[string]string{
	"sts:GetCallerIdentity": "needs no permission: AWS answers it even when a policy denies it explicitly",
}

// impliedActions are the actions that IAM also checks when the plugin
// makes a call, or that an AWS service performs with the caller's
// credentials as a consequence of it.
var impliedActions = map[string][]string{
	// The project's secrets are created with their tags.
	"secretsmanager:CreateSecret": {"secretsmanager:TagResource"},
	// A new config parameter is created with its tags.
	"ssm:PutParameter": {"ssm:AddTagsToResource"},
	// The stack is created (or its first change set made) with the
	// project's tag.
	"cloudformation:CreateStack":     {"cloudformation:TagResource"},
	"cloudformation:CreateChangeSet": {"cloudformation:TagResource"},
	// CloudFormation reads a template given by URL with the caller's
	// permissions.
	"s3:PutObject": {"s3:GetObject"},
}

// pluginOtherPaths are actions of the policy that the plugin calls on
// paths the lifecycle of TestIAMPolicy does not take.
var pluginOtherPaths = map[string]string{
	"cloudformation:DescribeStackResource": "up, after a failed deploy: which ECS service failed (diagnose.go)",
	"elasticloadbalancing:Describe*":       "up with x-aws-loadbalancer: the load balancer the project names, and its listeners (DescribeLoadBalancers, DescribeListeners)",
}

// cloudFormationNeeds are actions of the policy that the plugin never
// calls: CloudFormation calls them with the user's credentials to create,
// update and delete the template's resources (up and down pass no
// service role), by resource type.
var cloudFormationNeeds = needs(map[string][]string{
	"AWS::ECS::Cluster, AWS::ECS::ClusterCapacityProviderAssociations": {
		"ecs:CreateCluster", "ecs:DeleteCluster", "ecs:UpdateCluster", "ecs:UpdateClusterSettings", "ecs:PutClusterCapacityProviders", "ecs:TagResource", "ecs:UntagResource"},
	"AWS::ECS::Service": {"ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService"},
	"AWS::ECS::TaskDefinition (no resource-level permission)": {"ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition"},
	"AWS::ECS::CapacityProvider (GPU services)":               {"ecs:CreateCapacityProvider", "ecs:UpdateCapacityProvider", "ecs:DeleteCapacityProvider"},
	"AWS::EC2::SecurityGroup, AWS::EC2::SecurityGroupIngress": {
		"ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
		"ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:ModifySecurityGroupRules",
		"ec2:CreateTags", "ec2:DeleteTags"},
	"AWS::EC2::LaunchTemplate (GPU instances)": {
		"ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate"},
	"AWS::AutoScaling::AutoScalingGroup (GPU instances): launching from the launch template needs ec2:RunInstances of the caller": {
		"ec2:RunInstances", "autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup", "autoscaling:DeleteAutoScalingGroup",
		"autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags", "autoscaling:Describe*"},
	"AWS::EFS::MountTarget: EFS makes the mount target's network interface with the caller's permissions": {
		"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute",
		"elasticfilesystem:CreateMountTarget", "elasticfilesystem:DeleteMountTarget", "elasticfilesystem:ModifyMountTargetSecurityGroups"},
	"AWS::EFS::FileSystem, AWS::EFS::AccessPoint (no DeleteFileSystem: the file systems are kept, DeletionPolicy Retain)": {
		"elasticfilesystem:CreateFileSystem", "elasticfilesystem:UpdateFileSystem", "elasticfilesystem:PutLifecycleConfiguration", "elasticfilesystem:PutBackupPolicy",
		"elasticfilesystem:CreateAccessPoint", "elasticfilesystem:DeleteAccessPoint", "elasticfilesystem:TagResource", "elasticfilesystem:UntagResource"},
	"AWS::ElasticLoadBalancingV2::LoadBalancer, AWS::ElasticLoadBalancingV2::TargetGroup, AWS::ElasticLoadBalancingV2::Listener": {
		"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
		"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup",
		"elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:CreateListener",
		"elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"},
	"AWS::ServiceDiscovery::PrivateDnsNamespace, AWS::ServiceDiscovery::Service": {
		"servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:UpdatePrivateDnsNamespace", "servicediscovery:DeleteNamespace",
		"servicediscovery:CreateService", "servicediscovery:UpdateService", "servicediscovery:DeleteService", "servicediscovery:TagResource",
		"servicediscovery:UntagResource", "servicediscovery:Get*", "servicediscovery:List*"},
	"AWS::ServiceDiscovery::PrivateDnsNamespace: its private hosted zone": {
		"route53:CreateHostedZone", "route53:DeleteHostedZone", "route53:GetHostedZone", "route53:ListHostedZonesByName"},
	"AWS::Logs::LogGroup": {
		"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DescribeLogGroups", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
		"logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:UntagLogGroup", "logs:ListTagsLogGroup"},
	"AWS::IAM::Role": {
		"iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:GetRolePolicy",
		"iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
		"iam:ListInstanceProfilesForRole", "iam:TagRole", "iam:UntagRole"},
	"AWS::ECS::TaskDefinition (execution and task roles), AWS::IAM::InstanceProfile and the GPU instances (instance role)": {"iam:PassRole"},
	"AWS::IAM::InstanceProfile (GPU instances)": {
		"iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile"},
	"the service-linked roles that ECS, ELB, EFS, Auto Scaling and Application Auto Scaling make on their first use in an account": {"iam:CreateServiceLinkedRole"},
	"AWS::ApplicationAutoScaling::ScalableTarget, AWS::ApplicationAutoScaling::ScalingPolicy: target tracking makes CloudWatch alarms with the caller's permissions": {
		"application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy",
		"application-autoscaling:DeleteScalingPolicy", "application-autoscaling:TagResource", "application-autoscaling:Describe*",
		"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms"},
	"the parameter of the GPU AMI (AWS::SSM::Parameter::Value), which CloudFormation reads with the caller's permissions": {"ssm:GetParameters"},
})

func needs(groups map[string][]string) map[string]string {
	out := map[string]string{}
	for reason, actions := range groups {
		for _, a := range actions {
			out[a] = reason
		}
	}
	return out
}

// TestIAMPolicy: the policy of docs/security.md allows every action the
// plugin calls in a full lifecycle (up with secrets, configs, a volume, a
// published port and a template large enough for S3; ps; logs; exec; an
// update; down; the secret commands), and holds no action that nobody
// needs.
func TestIAMPolicy(t *testing.T) {
	t.Parallel()
	policy := readPolicy(t)
	checkPolicyShape(t, policy)
	allowed := map[string]bool{}
	for _, st := range policy {
		for _, a := range cfncheck.Strings(st.Action) {
			allowed[a] = true
		}
	}
	t.Logf("the policy of docs/security.md has %d statements and %d actions", len(policy), len(allowed))

	seen := lifecycleActions(t)
	t.Logf("the plugin called %d actions: %s", len(seen), strings.Join(sortedKeys(seen), " "))
	needed := map[string]string{}
	for a := range seen {
		if _, ok := noPermission[a]; ok {
			continue
		}
		needed[a] = "the plugin called it"
		for _, implied := range impliedActions[a] {
			needed[implied] = "the plugin's " + a + " needs it"
		}
	}
	for _, a := range sortedKeys(needed) {
		if !allows(allowed, a) {
			t.Errorf("the policy does not allow %s, and %s", a, needed[a])
		}
	}
	for a := range noPermission {
		if allows(allowed, a) {
			t.Errorf("the policy allows %s, which needs no permission", a)
		}
	}

	for _, a := range sortedKeys(allowed) {
		p := actionPattern(a)
		used := false
		for n := range needed {
			used = used || p.MatchString(n)
		}
		_, other := pluginOtherPaths[a]
		_, forCFN := cloudFormationNeeds[a]
		if !used && !other && !forCFN {
			t.Errorf("the policy allows %s, which the plugin did not call, and neither pluginOtherPaths nor cloudFormationNeeds lists", a)
		}
	}
	checkResourceTypes(t)
	for _, list := range []map[string]string{pluginOtherPaths, cloudFormationNeeds} {
		for _, a := range sortedKeys(list) {
			if !allowed[a] {
				t.Errorf("%s is listed (%s), and not in the policy: remove it from the list", a, list[a])
			}
		}
	}
}

// noCloudFormationPermission are the resource types of templates for which
// CloudFormation calls no other service.
var noCloudFormationPermission = map[string]string{
	"AWS::CloudFormation::WaitConditionHandle": "CloudFormation's own: the gate that waits for every mount target of a volume",
}

// checkResourceTypes: every resource type of the golden templates is one
// that cloudFormationNeeds accounts for, so that a new kind of resource in
// the templates comes with its permissions in the policy.
func checkResourceTypes(t *testing.T) {
	t.Helper()
	covered := map[string]bool{}
	for _, reason := range cloudFormationNeeds {
		for _, typ := range resourceType.FindAllString(reason, -1) {
			covered[typ] = true
		}
	}
	paths, err := filepath.Glob(repo(t, "internal/cli/testdata/convert/*/template.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden template: %v", err)
	}
	types := map[string][]string{}
	for _, path := range paths {
		var tpl struct {
			Resources map[string]struct {
				Type string `yaml:"Type"`
			} `yaml:"Resources"`
		}
		if err := yaml.Unmarshal([]byte(read(t, path)), &tpl); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, r := range tpl.Resources {
			types[r.Type] = append(types[r.Type], filepath.Base(filepath.Dir(path)))
		}
	}
	t.Logf("the golden templates have %d resource types", len(types))
	for _, typ := range sortedKeys(types) {
		if _, ok := noCloudFormationPermission[typ]; !covered[typ] && !ok {
			t.Errorf("the golden templates (%s) have resources of type %s, for which cloudFormationNeeds lists no permission: add them to the policy of docs/security.md and to cloudFormationNeeds", strings.Join(slices.Compact(types[typ]), ", "), typ)
		}
	}
}

var resourceType = regexp.MustCompile(`AWS::[A-Za-z0-9]+::[A-Za-z0-9]+`)

// noResourceLevel are the actions, other than reads, that the policy
// allows on every resource ("Resource": "*"): IAM cannot name their
// resource before it exists, or at all.
var noResourceLevel = map[string]string{
	"ecs:RegisterTaskDefinition":                       "takes no resource",
	"ecs:DeregisterTaskDefinition":                     "takes no resource",
	"servicediscovery:CreatePrivateDnsNamespace":       "the namespace has an ID once created",
	"servicediscovery:UpdatePrivateDnsNamespace":       "in the statement of its namespace's creation; can take aws:ResourceTag",
	"servicediscovery:DeleteNamespace":                 "in the statement of its namespace's creation; can take aws:ResourceTag",
	"servicediscovery:CreateService":                   "the service has an ID once created",
	"servicediscovery:UpdateService":                   "in the statement of its service's creation; can take aws:ResourceTag",
	"servicediscovery:DeleteService":                   "in the statement of its service's creation; can take aws:ResourceTag",
	"servicediscovery:TagResource":                     "tags namespaces and services, which have IDs once created",
	"servicediscovery:UntagResource":                   "tags namespaces and services, which have IDs once created",
	"route53:CreateHostedZone":                         "the zone Cloud Map makes has an ID once created",
	"route53:DeleteHostedZone":                         "the zone Cloud Map made, whose ID the policy cannot know",
	"application-autoscaling:RegisterScalableTarget":   "a scalable target has an ARN once registered",
	"application-autoscaling:DeregisterScalableTarget": "in the statement of its registration",
	"application-autoscaling:PutScalingPolicy":         "its scalable target has an ARN once registered",
	"application-autoscaling:DeleteScalingPolicy":      "in the statement of its creation",
	"application-autoscaling:TagResource":              "tags the scalable target at its registration",
}

// checkPolicyShape checks the policy as the templates' policies are
// checked: every statement allows, has a Sid, no "*" or "service:*"
// action; "Resource": "*" only for reads and noResourceLevel; iam:PassRole
// only on named roles, to named services.
func checkPolicyShape(t *testing.T, policy []statement) {
	t.Helper()
	sids := map[string]bool{}
	for i, st := range policy {
		at := fmt.Sprintf("statement %d (%s)", i+1, st.Sid)
		if st.Effect != "Allow" || st.Sid == "" || sids[st.Sid] {
			t.Errorf("%s: every statement allows, and has a Sid of its own", at)
		}
		sids[st.Sid] = true
		resources := cfncheck.Strings(st.Resource)
		if len(resources) == 0 {
			t.Errorf("%s names no resource", at)
		}
		for _, a := range cfncheck.Strings(st.Action) {
			_, verb, _ := strings.Cut(a, ":")
			switch {
			case a == "*" || verb == "*" || verb == "":
				t.Errorf("%s allows the action %q", at, a)
			case slices.Contains(resources, "*"):
				read := strings.HasPrefix(verb, "Describe") || strings.HasPrefix(verb, "List") || strings.HasPrefix(verb, "Get")
				if _, ok := noResourceLevel[a]; !ok && !read {
					t.Errorf("%s allows %s on every resource: name its resources, or list it in noResourceLevel with the reason", at, a)
				}
			}
			if a == "iam:PassRole" {
				services := cfncheck.Strings(st.Condition["StringEquals"]["iam:PassedToService"])
				if len(services) == 0 || slices.ContainsFunc(resources, func(r string) bool { return r == "*" || strings.HasSuffix(r, ":role/*") }) {
					t.Errorf("%s allows iam:PassRole on %v to %v: only the project's roles, only to named services (iam:PassedToService)", at, resources, services)
				}
			}
		}
	}
}

// allows reports whether an action of the policy matches action.
func allows(policy map[string]bool, action string) bool {
	for a := range policy {
		if actionPattern(a).MatchString(action) {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// statement is a statement of an IAM policy.
type statement struct {
	Sid       string
	Effect    string
	Action    any
	Resource  any
	Condition map[string]map[string]any
}

// readPolicy reads the first JSON block of docs/security.md.
func readPolicy(t *testing.T) []statement {
	t.Helper()
	doc := read(t, repo(t, "docs/security.md"))
	_, block, ok := strings.Cut(doc, "```json\n")
	block, _, closed := strings.Cut(block, "```")
	if !ok || !closed {
		t.Fatal("docs/security.md has no ```json block")
	}
	var policy struct {
		Version   string
		Statement []statement
	}
	if err := json.Unmarshal([]byte(block), &policy); err != nil {
		t.Fatalf("the policy of docs/security.md: %v", err)
	}
	if policy.Version != "2012-10-17" || len(policy.Statement) == 0 {
		t.Fatalf("the policy of docs/security.md has version %q and %d statements", policy.Version, len(policy.Statement))
	}
	return policy.Statement
}

// lifecycleActions runs the lifecycle and returns the IAM actions of
// the calls the fake saw.
func lifecycleActions(t *testing.T) map[string]bool {
	t.Helper()
	d := newDocker(t)
	srv := d.aws(2 * time.Millisecond)
	var compose strings.Builder
	compose.WriteString(`name: shop
services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
    x-aws-exec: true
    secrets:
      - db_password
      - source: db
        x-aws-keys: ["*"]
      - stripe
    x-aws-secret_env:
      API_KEY: api_key
    configs:
      - source: site
        target: /etc/nginx/conf.d/default.conf
  db:
    image: postgres:16
    environment:
      POSTGRES_HOST_AUTH_METHOD: trust
    volumes:
      - data:/var/lib/postgresql/data
`)
	// Enough services for a template above CloudFormation's 51,200 bytes
	// inline: up sends it through S3.
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&compose, "  worker%02d:\n    image: example/worker:1.0\n", i)
	}
	compose.WriteString(`volumes:
  data: {}
secrets:
  db_password:
    file: ./db_password.txt
  db:
    file: ./db.json
  api_key:
    environment: API_KEY
  stripe:
    external: true
    name: shop-stripe
configs:
  site:
    file: ./site.conf
`)
	d.write("compose.yaml", compose.String())
	d.write("db_password.txt", "correct horse battery staple")
	d.write("db.json", `{"user": "shop", "password": "s3cr3t"}`)
	d.write("site.conf", "server { listen 80; }\n")
	d.write("stripe.txt", "sk_test_stripe")
	d.env = append(d.env, "API_KEY=key-from-the-environment")

	d.ok("ecs", "secret", "create", "shop-stripe", "stripe.txt")
	d.ok("ecs", "secret", "ls")
	d.ok("ecs", "secret", "inspect", "shop-stripe")
	if r := d.ok("ecs", "up", "--progress", "plain"); !strings.Contains(r.stdout, "shop is running.") {
		t.Errorf("up printed:\n%s", r.stdout)
	}
	d.ok("ecs", "ps")
	d.ok("ecs", "ps", "--format", "json")
	srv.PutLogEvents("/docker-ecs/shop", "web/web/0123456789abcdef", fakeaws.LogEvent{Time: time.Now(), Message: "GET / 200"})
	d.ok("ecs", "logs", "web")
	d.ok("ecs", "logs", "--tail", "5")

	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "session-manager-plugin"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := d.env
	d.withPath(bin)
	d.ok("ecs", "exec", "web", "ls")
	d.env = env

	// An update: new values of a secret and a config.
	d.write("db_password.txt", "correct horse battery staple, again")
	d.write("site.conf", "server { listen 80; root /srv; }\n")
	d.ok("ecs", "up", "--dry-run")
	d.ok("ecs", "up", "--progress", "json")
	if r := d.ok("ecs", "up"); !strings.Contains(r.stdout, "No changes") {
		t.Errorf("a second up printed:\n%s", r.stdout)
	}
	if r := d.ok("ecs", "down", "--progress", "plain"); !strings.Contains(r.stdout, "shop is removed.") {
		t.Errorf("down printed:\n%s", r.stdout)
	}
	d.ok("ecs", "secret", "rm", "shop-stripe")
	d.ok("ecs", "secret", "rm", "--recover", "shop-stripe")
	d.ok("ecs", "secret", "rm", "--force", "shop-stripe")

	seen := map[string]bool{}
	for _, c := range srv.Calls() {
		prefix, ok := iamPrefixes[c.Service]
		if !ok {
			t.Errorf("the fake's service %s has no IAM prefix in iamPrefixes", c.Service)
			continue
		}
		action := prefix + ":" + c.Operation
		if a, ok := iamActions[action]; ok {
			action = a
		}
		seen[action] = true
	}
	if !seen["s3:PutObject"] {
		t.Error("the template did not go through S3: add services to the project of lifecycleActions")
	}
	return seen
}

// actionPattern matches the actions a policy's action names: * and ?
// are wildcards, and case does not matter.
func actionPattern(a string) *regexp.Regexp {
	p := regexp.QuoteMeta(a)
	p = strings.ReplaceAll(p, `\*`, ".*")
	p = strings.ReplaceAll(p, `\?`, ".")
	return regexp.MustCompile("(?i)^" + p + "$")
}
