package cli

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

	"go.yaml.in/yaml/v4"

	"github.com/docker-ecs/docker-ecs/internal/cfncheck"
)

// The security checks of the templates read every golden template of
// testdata/convert, as it is on disk (template.yaml) and as `convert
// --format json` prints it, and assert what the project promises: least
// privilege in IAM, the internet reaching the load balancer's listeners
// only, encryption at rest, and no secret value anywhere.

// resourceStarExceptions are the actions that a statement may allow on
// every resource ("Resource": "*"), because IAM has no resource type to
// name for them.
var resourceStarExceptions = map[string]string{
	"ecr:GetAuthorizationToken":        "a registry login token is for the whole registry of the account: the action has no resource type",
	"ssmmessages:CreateControlChannel": "ECS Exec's Session Manager channel: ssmmessages actions have no resource type",
	"ssmmessages:CreateDataChannel":    "ECS Exec's Session Manager channel: ssmmessages actions have no resource type",
	"ssmmessages:OpenControlChannel":   "ECS Exec's Session Manager channel: ssmmessages actions have no resource type",
	"ssmmessages:OpenDataChannel":      "ECS Exec's Session Manager channel: ssmmessages actions have no resource type",
}

// managedPolicyExceptions are the managed policies a role of the template
// may have without the compose file naming them (x-aws-policies), and the
// principal of the roles that may have them.
var managedPolicyExceptions = map[string]struct{ principal, reason string }{
	"arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role": {
		principal: "ec2.amazonaws.com",
		reason: "the ECS agent of the GPU instances registers them in the cluster (ecs:RegisterContainerInstance, ecs:DiscoverPollEndpoint, ecs:Poll…, " +
			"which have no resource type or need the cluster's ARN before it exists); AWS maintains the policy as the agent changes. " +
			"It also allows ECR pulls and log writes on every resource, which the tasks do not use: their execution roles pull and log",
	},
}

// logRetentionDays are the values CloudWatch Logs accepts for
// RetentionInDays; a log group without it keeps its logs forever.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// TestTemplatesAreLeastPrivilege: no IAM statement allows every action
// ("*") or every action of a service ("ecs:*"), nor NotAction or
// NotResource; Resource "*" only for the actions of
// resourceStarExceptions; trust policies admit AWS services only; managed
// policies are the compose file's (x-aws-policies, on task roles) or in
// managedPolicyExceptions.
func TestTemplatesAreLeastPrivilege(t *testing.T) {
	for _, a := range sortedNames(resourceStarExceptions) {
		t.Logf("exception: %s on Resource \"*\": %s", a, resourceStarExceptions[a])
	}
	for _, p := range sortedNames(managedPolicyExceptions) {
		t.Logf("exception: the managed policy %s on roles of %s: %s", p, managedPolicyExceptions[p].principal, managedPolicyExceptions[p].reason)
	}
	checkTemplates(t, "iam", iamFindings)
}

// iamFindings checks the IAM policies of the roles and policies of g.
func iamFindings(g *rendering) []string {
	var out []string
	taskRoles := map[string]bool{}
	for _, r := range g.resourcesOf("AWS::ECS::TaskDefinition") {
		if id, ok := cfnRefTarget(r.props["TaskRoleArn"]); ok {
			taskRoles[id] = true
		}
	}
	for _, r := range g.sortedResources() {
		switch r.typ {
		case "AWS::IAM::Role":
			principals, findings := trustPolicy(r.id, r.props["AssumeRolePolicyDocument"])
			out = append(out, findings...)
			for _, p := range cfnList(r.props["Policies"]) {
				p, _ := p.(map[string]any)
				out = append(out, policyFindings(fmt.Sprintf("%s (policy %v)", r.id, p["PolicyName"]), p["PolicyDocument"])...)
			}
			for _, arn := range cfnList(r.props["ManagedPolicyArns"]) {
				name := managedPolicyName(arn)
				if e, ok := managedPolicyExceptions[name]; ok && slices.Contains(principals, e.principal) {
					continue
				}
				if g.info.policies[name] && taskRoles[r.id] {
					continue
				}
				out = append(out, fmt.Sprintf("%s has the managed policy %s, which no x-aws-policies of a service names for its task role, nor managedPolicyExceptions", r.id, name))
			}
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
			out = append(out, policyFindings(r.id, r.props["PolicyDocument"])...)
		}
	}
	return out
}

// policyFindings checks the Allow statements of a policy document.
func policyFindings(where string, doc any) []string {
	d, _ := doc.(map[string]any)
	var out []string
	for i, s := range cfnList(d["Statement"]) {
		st, _ := s.(map[string]any)
		if st["Effect"] != "Allow" {
			continue
		}
		at := fmt.Sprintf("%s statement %d", where, i+1)
		if _, ok := st["NotAction"]; ok {
			out = append(out, at+" allows NotAction: every action but those")
		}
		if _, ok := st["NotResource"]; ok {
			out = append(out, at+" allows NotResource: every resource but those")
		}
		actions := cfncheck.Strings(st["Action"])
		for _, a := range actions {
			if a == "*" || strings.HasSuffix(a, ":*") {
				out = append(out, fmt.Sprintf("%s allows the action %q", at, a))
			}
		}
		resources := cfnList(st["Resource"])
		if len(resources) == 0 {
			out = append(out, at+" names no Resource")
		}
		if slices.Contains(resources, any("*")) {
			for _, a := range actions {
				if _, ok := resourceStarExceptions[a]; !ok {
					out = append(out, fmt.Sprintf("%s allows %s on every resource (Resource \"*\"), and a narrower resource exists", at, a))
				}
			}
		}
	}
	return out
}

// trustPolicy returns the service principals a trust policy admits, and
// what is wrong with it: a principal that is not an AWS service, an
// action other than sts:AssumeRole.
func trustPolicy(role string, doc any) (principals []string, findings []string) {
	d, _ := doc.(map[string]any)
	for _, s := range cfnList(d["Statement"]) {
		st, _ := s.(map[string]any)
		if st["Effect"] != "Allow" {
			continue
		}
		p, ok := st["Principal"].(map[string]any)
		if !ok {
			findings = append(findings, fmt.Sprintf("%s can be assumed by the principal %s", role, cfnCanon(st["Principal"])))
			continue
		}
		for kind, v := range p {
			for _, name := range cfncheck.Strings(v) {
				if kind != "Service" || !strings.HasSuffix(name, ".amazonaws.com") {
					findings = append(findings, fmt.Sprintf("%s can be assumed by %s %s, which is not an AWS service", role, kind, name))
					continue
				}
				principals = append(principals, name)
			}
		}
		for _, a := range cfncheck.Strings(st["Action"]) {
			if a != "sts:AssumeRole" {
				findings = append(findings, fmt.Sprintf("%s's trust policy allows %s", role, a))
			}
		}
	}
	return principals, findings
}

// managedPolicyName is the ARN of a managed policy, in the aws partition.
func managedPolicyName(v any) string {
	if m, ok := v.(map[string]any); ok {
		if s, ok := m["Fn::Sub"].(string); ok {
			return strings.ReplaceAll(s, "${AWS::Partition}", "aws")
		}
	}
	if s, ok := v.(string); ok {
		return s
	}
	return cfnCanon(v)
}

// Actions of an execution role, by what they are for.
var (
	logWrites = []string{"logs:CreateLogStream", "logs:PutLogEvents"}
	ecrPulls  = []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
	fileReads = []string{"secretsmanager:GetSecretValue", "ssm:GetParameters"}
)

// TestExecutionRolesReadOnlyTheirOwn: the execution role of a task
// definition may write logs to the log group its containers log to, pull
// from the ECR repositories of its containers' images, and read the
// secrets and SSM parameters its containers reference (Secrets ValueFrom,
// RepositoryCredentials): nothing more, and nothing of another task.
// Resources are compared as the template writes them (a logical ID, a
// parameter, an ARN), with what the role's own task definition uses.
func TestExecutionRolesReadOnlyTheirOwn(t *testing.T) {
	checkTemplates(t, "execution-role", executionRoleFindings)
}

// executionRoleFindings checks the execution role of each task
// definition of g against what that task definition uses.
func executionRoleFindings(g *rendering) []string {
	var out []string
	servedBy := map[string][]string{}
	for _, td := range g.resourcesOf("AWS::ECS::TaskDefinition") {
		roleID, ok := cfnRefTarget(td.props["ExecutionRoleArn"])
		role, isRole := g.resources[roleID]
		if !ok || !isRole || role.typ != "AWS::IAM::Role" {
			out = append(out, fmt.Sprintf("%s: the execution role %s is not a role of the template", td.id, cfnCanon(td.props["ExecutionRoleArn"])))
			continue
		}
		servedBy[roleID] = append(servedBy[roleID], td.id)
		out = append(out, roleFindings(g, td, role)...)
	}
	for role, tds := range servedBy {
		if len(tds) > 1 {
			out = append(out, fmt.Sprintf("%s is the execution role of %s: each task definition needs its own", role, strings.Join(tds, " and ")))
		}
	}
	return out
}

// taskNeeds is what the task definition's execution role must be able
// to do, by the resource references as the template writes them.
type taskNeeds struct {
	logGroups, repositories, reads map[string]bool
	// kinds says, for the reads whose ARN is literal, which service it is:
	// secretsmanager or ssm.
	kinds map[string]string
}

// needsOf is what the execution role of td must be able to do, and the
// containers of td that log elsewhere than to a log group of g.
func needsOf(g *rendering, td cfnResource) (taskNeeds, []string) {
	n := taskNeeds{logGroups: map[string]bool{}, repositories: map[string]bool{}, reads: map[string]bool{}, kinds: map[string]string{}}
	var out []string
	for _, c := range cfnList(td.props["ContainerDefinitions"]) {
		c, _ := c.(map[string]any)
		name := c["Name"]
		if lc, ok := c["LogConfiguration"].(map[string]any); ok {
			opts, _ := lc["Options"].(map[string]any)
			id, ok := cfnRefTarget(opts["awslogs-group"])
			if r, found := g.resources[id]; ok && found && r.typ == "AWS::Logs::LogGroup" {
				n.logGroups[cfnCanon(map[string]any{"Fn::GetAtt": []any{id, "Arn"}})] = true
			} else {
				out = append(out, fmt.Sprintf("%s: the container %v logs to %s, which is not a log group of the template", td.id, name, cfnCanon(opts["awslogs-group"])))
			}
		}
		if image, ok := c["Image"].(string); ok {
			if repo := ecrRepository(image); repo != "" {
				n.repositories[cfnCanon(repo)] = true
			}
		}
		for _, s := range cfnList(c["Secrets"]) {
			s, _ := s.(map[string]any)
			ref := secretBase(s["ValueFrom"])
			n.reads[cfnCanon(ref)] = true
			if arn, ok := ref.(string); ok {
				n.kinds[cfnCanon(ref)] = arnService(arn)
			}
		}
		if rc, ok := c["RepositoryCredentials"].(map[string]any); ok {
			n.reads[cfnCanon(rc["CredentialsParameter"])] = true
			n.kinds[cfnCanon(rc["CredentialsParameter"])] = "secretsmanager"
		}
	}
	return n, out
}

// roleFindings compares what an execution role may do with what its task
// definition uses, both ways.
func roleFindings(g *rendering, td cfnResource, role cfnResource) []string {
	need, out := needsOf(g, td)
	granted := map[string]map[string]bool{}
	grant := func(action, resource string) {
		if granted[action] == nil {
			granted[action] = map[string]bool{}
		}
		granted[action][resource] = true
	}
	if arns := cfnList(role.props["ManagedPolicyArns"]); len(arns) > 0 {
		out = append(out, fmt.Sprintf("%s (execution role of %s) has managed policies %s: an execution role needs only its inline policy", role.id, td.id, cfnCanon(arns)))
	}
	for _, p := range cfnList(role.props["Policies"]) {
		p, _ := p.(map[string]any)
		doc, _ := p["PolicyDocument"].(map[string]any)
		for _, s := range cfnList(doc["Statement"]) {
			st, _ := s.(map[string]any)
			if st["Effect"] != "Allow" {
				continue
			}
			for _, action := range cfncheck.Strings(st["Action"]) {
				for _, res := range cfnList(st["Resource"]) {
					r := cfnCanon(res)
					grant(action, r)
					at := fmt.Sprintf("%s (execution role of %s) may %s on %s", role.id, td.id, action, r)
					switch {
					case slices.Contains(logWrites, action):
						if !need.logGroups[r] {
							out = append(out, at+", which is not the log group of its task's containers")
						}
					case slices.Contains(ecrPulls, action):
						if !need.repositories[r] {
							out = append(out, at+", which holds no image of its task")
						}
					case action == "ecr:GetAuthorizationToken":
						if res != "*" || len(need.repositories) == 0 {
							out = append(out, at+", and its task has no image in a private ECR repository")
						}
					case slices.Contains(fileReads, action):
						if !need.reads[r] {
							out = append(out, at+", which its task definition does not reference")
						} else if kind := need.kinds[r]; kind != "" && !strings.HasPrefix(action, kind+":") {
							out = append(out, at+", which is an ARN of "+kind)
						}
					default:
						out = append(out, at+", which an execution role does not need")
					}
				}
			}
		}
	}
	// What the task needs and the role cannot do is a task that does not
	// start: not a security problem, but the same comparison shows it.
	for _, lg := range sortedNames(need.logGroups) {
		for _, a := range logWrites {
			if !granted[a][lg] {
				out = append(out, fmt.Sprintf("%s (execution role of %s) cannot %s on %s, where its task logs", role.id, td.id, a, lg))
			}
		}
	}
	for _, repo := range sortedNames(need.repositories) {
		for _, a := range ecrPulls {
			if !granted[a][repo] {
				out = append(out, fmt.Sprintf("%s (execution role of %s) cannot %s on %s, which holds an image of its task", role.id, td.id, a, repo))
			}
		}
	}
	for _, read := range sortedNames(need.reads) {
		if !granted["secretsmanager:GetSecretValue"][read] && !granted["ssm:GetParameters"][read] {
			out = append(out, fmt.Sprintf("%s (execution role of %s) cannot read %s, which its task definition references", role.id, td.id, read))
		}
	}
	return out
}

// secretBase is the secret or parameter that a ValueFrom reads: without
// the JSON key, version stage and version ID that ECS reads after it
// (ARN:key:stage:id), which are no part of the IAM resource.
func secretBase(v any) any {
	if m, ok := v.(map[string]any); ok {
		if join, ok := m["Fn::Join"].([]any); ok && len(join) == 2 && join[0] == "" {
			parts, _ := join[1].([]any)
			if len(parts) > 0 {
				rest := true
				for _, p := range parts[1:] {
					s, ok := p.(string)
					rest = rest && ok && strings.HasPrefix(s, ":")
				}
				if rest {
					return parts[0]
				}
			}
		}
		return v
	}
	if s, ok := v.(string); ok && arnService(s) == "secretsmanager" {
		if fields := strings.Split(s, ":"); len(fields) > 7 {
			return strings.Join(fields[:7], ":")
		}
	}
	return v
}

// arnService is the service of an ARN: arn:PARTITION:SERVICE:….
func arnService(arn string) string {
	fields := strings.Split(arn, ":")
	if len(fields) < 3 || fields[0] != "arn" {
		return ""
	}
	return fields[2]
}

// ecrImage matches an image of a private Amazon ECR repository.
var ecrImage = regexp.MustCompile(`^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/([^:@]+)`)

// ecrRepository is the ARN of the private ECR repository of an image, or
// "" for any other registry.
func ecrRepository(image string) string {
	m := ecrImage.FindStringSubmatch(image)
	if m == nil {
		return ""
	}
	partition := "aws"
	switch {
	case m[3] != "":
		partition = "aws-cn"
	case strings.HasPrefix(m[2], "us-gov-"):
		partition = "aws-us-gov"
	}
	return fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", partition, m[2], m[1], m[4])
}

// TestIngressFromAnywhereOnlyOnListeners: a rule open to the internet
// (CidrIp 0.0.0.0/0, CidrIpv6 ::/0) is only in the security group of a
// load balancer of the template, on a port one of its listeners has, and
// that group is no task's; no rule at all is added to a group that is not
// a resource of the template (an external network's sg-… group, the group
// of a load balancer the project names).
func TestIngressFromAnywhereOnlyOnListeners(t *testing.T) {
	checkTemplates(t, "ingress", ingressFindings)
}

// ingressFindings checks the security group rules of g.
func ingressFindings(g *rendering) []string {
	var out []string
	lbGroups := map[string][]string{} // group → load balancers
	listeners := map[string][]int{}   // load balancer → ports
	taskGroups := map[string]bool{}
	for _, lb := range g.resourcesOf("AWS::ElasticLoadBalancingV2::LoadBalancer") {
		for _, sg := range cfnList(lb.props["SecurityGroups"]) {
			if id, internal := g.group(sg); internal {
				lbGroups[id] = append(lbGroups[id], lb.id)
			}
		}
	}
	for _, l := range g.resourcesOf("AWS::ElasticLoadBalancingV2::Listener") {
		if lb, ok := cfnRefTarget(l.props["LoadBalancerArn"]); ok {
			if port, ok := cfnNumber(l.props["Port"]); ok {
				listeners[lb] = append(listeners[lb], port)
			}
		}
	}
	for _, s := range g.resourcesOf("AWS::ECS::Service") {
		nc, _ := s.props["NetworkConfiguration"].(map[string]any)
		vpc, _ := nc["AwsvpcConfiguration"].(map[string]any)
		for _, sg := range cfnList(vpc["SecurityGroups"]) {
			if id, internal := g.group(sg); internal {
				taskGroups[id] = true
			}
		}
	}
	for _, id := range sortedNames(lbGroups) {
		if taskGroups[id] {
			out = append(out, fmt.Sprintf("%s, the group of the load balancer %s, is also a task's group", id, strings.Join(lbGroups[id], ", ")))
		}
	}

	type rule struct {
		where string
		group any
		props map[string]any
	}
	var rules []rule
	for _, r := range g.sortedResources() {
		switch r.typ {
		case "AWS::EC2::SecurityGroup":
			for i, in := range cfnList(r.props["SecurityGroupIngress"]) {
				in, _ := in.(map[string]any)
				rules = append(rules, rule{fmt.Sprintf("%s ingress rule %d", r.id, i+1), map[string]any{"Ref": r.id}, in})
			}
		case "AWS::EC2::SecurityGroupIngress":
			rules = append(rules, rule{r.id, r.props["GroupId"], r.props})
		case "AWS::EC2::SecurityGroupEgress":
			if _, internal := g.group(r.props["GroupId"]); !internal {
				out = append(out, fmt.Sprintf("%s adds an egress rule to %s, a security group that is not the stack's", r.id, cfnCanon(r.props["GroupId"])))
			}
		}
	}
	for _, r := range rules {
		id, internal := g.group(r.group)
		if !internal {
			out = append(out, fmt.Sprintf("%s adds an ingress rule to %s, a security group that is not the stack's", r.where, cfnCanon(r.group)))
			continue
		}
		var world []string
		for _, k := range []string{"CidrIp", "CidrIpv6"} {
			if v := r.props[k]; v == "0.0.0.0/0" || v == "::/0" {
				world = append(world, v.(string))
			}
		}
		if len(world) == 0 {
			continue
		}
		from, _ := cfnNumber(r.props["FromPort"])
		to, _ := cfnNumber(r.props["ToPort"])
		open := fmt.Sprintf("%s opens %v %d-%d to %s", r.where, r.props["IpProtocol"], from, to, strings.Join(world, " and "))
		lbs := lbGroups[id]
		var ports []int
		for _, lb := range lbs {
			ports = append(ports, listeners[lb]...)
		}
		switch {
		case taskGroups[id]:
			out = append(out, open+", on the group of a task")
		case len(lbs) == 0:
			out = append(out, open+", on a group that is no load balancer's")
		case r.props["IpProtocol"] == "-1" || from != to || !slices.Contains(ports, from):
			out = append(out, fmt.Sprintf("%s, where the load balancer listens on %v only", open, ports))
		}
	}
	return out
}

// group resolves a reference to a security group: the logical ID of a
// group of the template, or what it is otherwise (an sg-… ID, a
// parameter).
func (g *rendering) group(v any) (string, bool) {
	if id, ok := cfnRefTarget(v); ok {
		if r, found := g.resources[id]; found && r.typ == "AWS::EC2::SecurityGroup" {
			return id, true
		}
	}
	return cfnCanon(v), false
}

// TestEncryptionAtRest: every EFS file system is encrypted at rest
// (Encrypted: true), and mounted with encryption in transit. CloudWatch
// Logs encrypts every log group at rest, always, with a key of its own (a
// KmsKeyId only chooses another key), so a log group needs no setting for
// it: what the check asserts for log groups is a retention
// (RetentionInDays, never "forever"), and that every container logs to a
// log group of the template, which has one.
func TestEncryptionAtRest(t *testing.T) {
	checkTemplates(t, "at-rest", atRestFindings)
}

// atRestFindings checks the file systems and log groups of g.
func atRestFindings(g *rendering) []string {
	var out []string
	for _, fs := range g.resourcesOf("AWS::EFS::FileSystem") {
		if fs.props["Encrypted"] != true {
			out = append(out, fmt.Sprintf("%s is not encrypted at rest (Encrypted: %s)", fs.id, cfnCanon(fs.props["Encrypted"])))
		}
	}
	for _, lg := range g.resourcesOf("AWS::Logs::LogGroup") {
		days, ok := cfnNumber(lg.props["RetentionInDays"])
		switch {
		case lg.props["RetentionInDays"] == nil:
			out = append(out, fmt.Sprintf("%s keeps its logs forever: no RetentionInDays", lg.id))
		case !ok || !slices.Contains(logRetentionDays, days):
			out = append(out, fmt.Sprintf("%s has RetentionInDays %s, which CloudWatch Logs does not accept", lg.id, cfnCanon(lg.props["RetentionInDays"])))
		}
	}
	for _, td := range g.resourcesOf("AWS::ECS::TaskDefinition") {
		_, findings := needsOf(g, td)
		out = append(out, findings...)
		for _, v := range cfnList(td.props["Volumes"]) {
			v, _ := v.(map[string]any)
			if efs, ok := v["EFSVolumeConfiguration"].(map[string]any); ok && efs["TransitEncryption"] != "ENABLED" {
				out = append(out, fmt.Sprintf("%s mounts the EFS volume %v without encryption in transit", td.id, v["Name"]))
			}
		}
	}
	return out
}

// TestNoSecretValueInTemplates: the values of the compose files' secrets
// and configs (from their files, from .env or the command's variables,
// from content) appear in no template: not in their own case's, in either
// rendering, nor (for values long enough not to be common words) in any
// other case's.
func TestNoSecretValueInTemplates(t *testing.T) {
	all := renderings(t)
	// The cases that hold secrets and configs in files next to their
	// compose.yaml must be found to hold them, or the check checks nothing.
	want := map[string][]string{
		"secrets": {"correct horse battery staple", "s3cr3t-never-in-a-template", "key-from-dotenv-never-in-a-template"},
		"configs": {"Welcome to the shop", "location / { root /usr/share/nginx/html; }"},
	}
	for name, values := range want {
		for _, g := range all {
			if g.name != name {
				continue
			}
			for _, v := range values {
				if !slices.Contains(g.info.values, v) {
					t.Errorf("%s: the values read from the compose files lack %q: found %q", name, v, g.info.values)
				}
			}
		}
	}
	checkTemplates(t, "secret-values", func(g *rendering) []string { return secretValueFindings(g, all) })
}

// secretValueFindings are the values of the secrets and configs of every
// case in all that g holds: every value of its own case, the values of
// other cases long enough not to be common words.
func secretValueFindings(g *rendering, all []*rendering) []string {
	var out []string
	for _, other := range all {
		for _, v := range other.info.values {
			if other.name != g.name && len(v) < 8 {
				continue
			}
			if where := containsValue(g, v); where != "" {
				out = append(out, fmt.Sprintf("the value %q of a secret or config of %s is in the template (%s)", v, other.name, where))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// containsValue says where the template holds v: in its text, written as
// it is or escaped, or in a string of the document.
func containsValue(g *rendering, v string) string {
	escaped, _ := json.Marshal(v)
	if strings.Contains(g.text, v) || strings.Contains(g.text, strings.Trim(string(escaped), `"`)) {
		return "its text"
	}
	var found string
	walkStrings(g.doc, "", func(path, s string) {
		if found == "" && strings.Contains(s, v) {
			found = path
		}
	})
	return found
}

func walkStrings(v any, path string, f func(path, s string)) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedNames(v) {
			walkStrings(v[k], path+"."+k, f)
		}
	case []any:
		for i, e := range v {
			walkStrings(e, fmt.Sprintf("%s[%d]", path, i), f)
		}
	case string:
		f(path, v)
	}
}

// --- the golden templates ---

// golden is one golden template, in one of its renderings.
type rendering struct {
	name      string // the case: its directory under testdata/convert
	form      string // "template.yaml" or "--format json"
	text      string
	doc       map[string]any // with JSON's types: numbers are float64
	resources map[string]cfnResource
	info      *composeFacts
}

type cfnResource struct {
	id, typ string
	props   map[string]any
}

func (g *rendering) sortedResources() []cfnResource {
	var out []cfnResource
	for _, id := range sortedNames(g.resources) {
		out = append(out, g.resources[id])
	}
	return out
}

func (g *rendering) resourcesOf(typ string) []cfnResource {
	var out []cfnResource
	for _, r := range g.sortedResources() {
		if r.typ == typ {
			out = append(out, r)
		}
	}
	return out
}

// composeFacts is what a case's compose files say that the checks compare
// the template with.
type composeFacts struct {
	// policies are the managed policies of x-aws-policies.
	policies map[string]bool
	// values are the values of the secrets and configs.
	values []string
}

// renderingCache holds the templates, read and rendered once for all tests.
var renderingCache []*rendering

// templates returns every golden template of testdata/convert, as
// template.yaml and as convert --format json prints it.
func renderings(t *testing.T) []*rendering {
	t.Helper()
	if renderingCache != nil {
		return renderingCache
	}
	paths, err := filepath.Glob("testdata/convert/*/template.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no template in testdata/convert: %v", err)
	}
	// run changes the directory: every path is absolute first.
	for i, path := range paths {
		if paths[i], err = filepath.Abs(path); err != nil {
			t.Fatal(err)
		}
	}
	var out []*rendering
	for _, path := range paths {
		dir := filepath.Dir(path)
		name := filepath.Base(dir)
		line, err := os.ReadFile(filepath.Join(dir, "command"))
		if err != nil {
			t.Fatal(err)
		}
		args := strings.Fields(string(line))
		info := readCase(t, dir, args)

		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var fromYAML any
		if err := yaml.Unmarshal(text, &fromYAML); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		// Through JSON, so that both renderings have the same types.
		b, err := json.Marshal(fromYAML)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, newRendering(t, name, "template.yaml", string(text), b, info))

		r := run(t, dir, append(args, "--format", "json")...)
		if r.code != 0 {
			t.Fatalf("%s: convert --format json: exit %d\n%s", name, r.code, r.err)
		}
		out = append(out, newRendering(t, name, "--format json", r.out, []byte(r.out), info))
	}
	renderingCache = out
	return out
}

func newRendering(t *testing.T, name, form, text string, asJSON []byte, info *composeFacts) *rendering {
	t.Helper()
	g := &rendering{name: name, form: form, text: text, resources: map[string]cfnResource{}, info: info}
	if err := json.Unmarshal(asJSON, &g.doc); err != nil {
		t.Fatalf("%s (%s): %v", name, form, err)
	}
	resources, _ := g.doc["Resources"].(map[string]any)
	if len(resources) == 0 {
		t.Fatalf("%s (%s) has no resource", name, form)
	}
	for id, r := range resources {
		r, _ := r.(map[string]any)
		typ, _ := r["Type"].(string)
		props, _ := r["Properties"].(map[string]any)
		g.resources[id] = cfnResource{id: id, typ: typ, props: props}
	}
	return g
}

// readCase reads the compose files of a case: those in its directory,
// and those its command names with -f.
func readCase(t *testing.T, dir string, args []string) *composeFacts {
	t.Helper()
	info := &composeFacts{policies: map[string]bool{}}
	env := map[string]string{}
	var files []string
	for i, a := range args {
		if name, value, ok := strings.Cut(a, "="); ok && !strings.HasPrefix(a, "-") {
			env[name] = value
		}
		if (a == "-f" || a == "--file") && i+1 < len(args) {
			files = append(files, filepath.Join(dir, args[i+1]))
		}
	}
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(path); (ext == ".yaml" || ext == ".yml") && e.Name() != "template.yaml" {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	for _, file := range slices.Compact(files) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var compose map[string]any
		if err := yaml.Unmarshal(b, &compose); err != nil {
			continue // a case of a malformed file
		}
		services, _ := compose["services"].(map[string]any)
		for _, s := range services {
			s, _ := s.(map[string]any)
			for _, p := range cfncheck.Strings(s["x-aws-policies"]) {
				info.policies[p] = true
			}
		}
		for _, kind := range []string{"secrets", "configs"} {
			defs, _ := compose[kind].(map[string]any)
			for _, name := range sortedNames(defs) {
				def, _ := defs[name].(map[string]any)
				value, ok := composeFileValue(filepath.Dir(file), dir, def, env)
				if ok {
					info.values = append(info.values, secretNeedles(value)...)
				}
			}
		}
	}
	slices.Sort(info.values)
	info.values = slices.Compact(info.values)
	return info
}

// fileValue is the value of a compose secret or config: its file's
// content (relative to the compose file or the case), its variable (from
// the command or a .env file), or its content.
func composeFileValue(composeDir, caseDir string, def map[string]any, env map[string]string) (string, bool) {
	switch {
	case def["file"] != nil:
		for _, d := range []string{composeDir, caseDir} {
			if b, err := os.ReadFile(filepath.Join(d, fmt.Sprint(def["file"]))); err == nil {
				return string(b), true
			}
		}
	case def["environment"] != nil:
		name := fmt.Sprint(def["environment"])
		if v, ok := env[name]; ok {
			return v, true
		}
		for _, d := range []string{composeDir, caseDir} {
			b, err := os.ReadFile(filepath.Join(d, ".env"))
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(b), "\n") {
				if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && k == name {
					return strings.Trim(v, `"'`), true
				}
			}
		}
	case def["content"] != nil:
		return fmt.Sprint(def["content"]), true
	}
	return "", false
}

// values are the strings of a secret's value to look for: all of it, each
// value of a JSON object, each line long enough to be no common word.
func secretNeedles(v string) []string {
	var out []string
	if s := strings.TrimSpace(v); s != "" {
		out = append(out, s)
	}
	var obj map[string]any
	if json.Unmarshal([]byte(v), &obj) == nil {
		walkStrings(obj, "", func(_, s string) {
			if s != "" {
				out = append(out, s)
			}
		})
	}
	for _, line := range strings.Split(v, "\n") {
		if s := strings.TrimSpace(line); len(s) >= 12 {
			out = append(out, s)
		}
	}
	return out
}

// checkTemplates runs a check over every golden template, in both
// renderings, and reports its findings: an error each.
func checkTemplates(t *testing.T, check string, f func(*rendering) []string) {
	t.Helper()
	forms := map[string][]string{}
	for _, g := range renderings(t) {
		for _, detail := range f(g) {
			key := fmt.Sprintf("%s: %s: %s", check, g.name, detail)
			if !slices.Contains(forms[key], g.form) {
				forms[key] = append(forms[key], g.form)
			}
		}
	}
	for _, key := range sortedNames(forms) {
		t.Errorf("%s [%s]", key, strings.Join(forms[key], ", "))
	}
}

// --- reading CloudFormation ---

// refTarget is the logical ID that a Ref or a Fn::GetAtt names.
func cfnRefTarget(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	if id, ok := m["Ref"].(string); ok {
		return id, true
	}
	switch att := m["Fn::GetAtt"].(type) {
	case []any:
		if len(att) == 2 {
			id, ok := att[0].(string)
			return id, ok
		}
	case string:
		id, _, ok := strings.Cut(att, ".")
		return id, ok
	}
	return "", false
}

// list is a value that CloudFormation takes as one item or a list of them.
func cfnList(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// number is a whole number of the template, as JSON reads it.
func cfnNumber(v any) (int, bool) {
	switch v := v.(type) {
	case float64:
		return int(v), v == float64(int(v))
	case string:
		var n int
		_, err := fmt.Sscanf(v, "%d", &n)
		return n, err == nil && fmt.Sprint(n) == v
	}
	return 0, false
}

// canon is a value written so that two equal references compare equal.
func cfnCanon(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func sortedNames[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestSecurityChecksFindProblems: each check finds the problems of a
// template made of them, so that a check that passes every golden
// template is one that looked.
func TestSecurityChecksFindProblems(t *testing.T) {
	const bad = `Parameters:
  DbSecretArn: {Type: String}
  LoadBalancerSecurityGroup: {Type: AWS::EC2::SecurityGroup::Id}
Resources:
  LogGroup: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: /docker-ecs/bad}}
  OtherLogGroup: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: 31}}
  Data: {Type: AWS::EFS::FileSystem, Properties: {Encrypted: false}}
  WebExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: [sts:AssumeRole, sts:TagSession]}]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
      Policies:
        - PolicyName: run-web
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: "*", Resource: "*"}
              - {Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::assets/*"}
              - {Effect: Allow, Action: [logs:CreateLogStream, logs:PutLogEvents], Resource: [{Fn::GetAtt: [OtherLogGroup, Arn]}]}
              - {Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-AbCdEf"}
              - {Effect: Allow, NotAction: "iam:CreateUser", Resource: "*"}
              - {Effect: Allow, Action: ecr:GetAuthorizationToken, Resource: "*"}
  WebTaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ExecutionRoleArn: {Fn::GetAtt: [WebExecutionRole, Arn]}
      ContainerDefinitions:
        - Name: web
          Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.0
          LogConfiguration: {LogDriver: awslogs, Options: {awslogs-group: {Ref: LogGroup}}}
          Secrets: [{Name: DB_USER, ValueFrom: {Fn::Join: ["", [{Ref: DbSecretArn}, ":user::"]]}}]
        - Name: sidecar
          Image: alpine:3.20
          LogConfiguration: {LogDriver: awslogs, Options: {awslogs-group: /somewhere/else}}
      Volumes: [{Name: data, EFSVolumeConfiguration: {FilesystemId: {Ref: Data}}}]
  LoadBalancerGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
        - {IpProtocol: "-1", CidrIpv6: "::/0"}
  WebTaskSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 8080, ToPort: 8080, CidrIp: 0.0.0.0/0}]
  OpenGroup: {Type: AWS::EC2::SecurityGroup, Properties: {}}
  OpenGroupIngress: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: {Ref: OpenGroup}, IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0}}
  LoadBalancer: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {SecurityGroups: [{Fn::GetAtt: [LoadBalancerGroup, GroupId]}]}}
  Listener80: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: {LoadBalancerArn: {Ref: LoadBalancer}, Port: 80}}
  WebService:
    Type: AWS::ECS::Service
    Properties:
      NetworkConfiguration: {AwsvpcConfiguration: {SecurityGroups: [{Fn::GetAtt: [WebTaskSecurityGroup, GroupId]}, sg-0123456789abcdef0]}}
  CorporateIngress: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-0123456789abcdef0, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}}
  SharedIngress: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: {Ref: LoadBalancerSecurityGroup}, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}}
Outputs:
  Leak: {Value: "the password is s3cr3t-value"}
`
	var doc any
	if err := yaml.Unmarshal([]byte(bad), &doc); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	info := &composeFacts{policies: map[string]bool{}, values: []string{"s3cr3t-value"}}
	g := newRendering(t, "bad", "template.yaml", bad, b, info)
	for _, c := range []struct {
		check string
		f     func(*rendering) []string
		want  []string
	}{
		{"iam", iamFindings, []string{
			`WebExecutionRole can be assumed by AWS *, which is not an AWS service`,
			`WebExecutionRole's trust policy allows sts:TagSession`,
			`WebExecutionRole has the managed policy arn:aws:iam::aws:policy/AdministratorAccess`,
			`WebExecutionRole (policy run-web) statement 1 allows the action "*"`,
			`WebExecutionRole (policy run-web) statement 1 allows * on every resource`,
			`WebExecutionRole (policy run-web) statement 2 allows the action "s3:*"`,
			`WebExecutionRole (policy run-web) statement 5 allows NotAction`,
		}},
		{"execution-role", executionRoleFindings, []string{
			`WebExecutionRole (execution role of WebTaskDefinition) has managed policies`,
			`may * on *, which an execution role does not need`,
			`may logs:PutLogEvents on {"Fn::GetAtt":["OtherLogGroup","Arn"]}, which is not the log group of its task's containers`,
			`may secretsmanager:GetSecretValue on arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-AbCdEf, which its task definition does not reference`,
			`cannot read {"Ref":"DbSecretArn"}, which its task definition references`,
			`cannot ecr:BatchGetImage on arn:aws:ecr:eu-west-1:123456789012:repository/team/web`,
			`cannot logs:CreateLogStream on {"Fn::GetAtt":["LogGroup","Arn"]}`,
			`WebTaskDefinition: the container sidecar logs to /somewhere/else, which is not a log group of the template`,
		}},
		{"ingress", ingressFindings, []string{
			`LoadBalancerGroup ingress rule 2 opens tcp 22-22 to 0.0.0.0/0, where the load balancer listens on [80] only`,
			`LoadBalancerGroup ingress rule 3 opens -1 0-0 to ::/0, where the load balancer listens on [80] only`,
			`WebTaskSecurityGroup ingress rule 1 opens tcp 8080-8080 to 0.0.0.0/0, on the group of a task`,
			`OpenGroupIngress opens tcp 5432-5432 to 0.0.0.0/0, on a group that is no load balancer's`,
			`CorporateIngress adds an ingress rule to sg-0123456789abcdef0, a security group that is not the stack's`,
			`SharedIngress adds an ingress rule to {"Ref":"LoadBalancerSecurityGroup"}, a security group that is not the stack's`,
		}},
		{"at-rest", atRestFindings, []string{
			`Data is not encrypted at rest (Encrypted: false)`,
			`LogGroup keeps its logs forever: no RetentionInDays`,
			`OtherLogGroup has RetentionInDays 31, which CloudWatch Logs does not accept`,
			`WebTaskDefinition mounts the EFS volume data without encryption in transit`,
		}},
		{"secret-values", func(g *rendering) []string { return secretValueFindings(g, []*rendering{g}) }, []string{
			`the value "s3cr3t-value" of a secret or config of bad is in the template`,
		}},
	} {
		got := c.f(g)
		for _, want := range c.want {
			if !slices.ContainsFunc(got, func(f string) bool { return strings.Contains(f, want) }) {
				t.Errorf("%s: no finding says %q; found:\n  %s", c.check, want, strings.Join(got, "\n  "))
			}
		}
	}
}
