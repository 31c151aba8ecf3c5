package fakeaws

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

func init() {
	register(svcCloudFormation, map[string]handlerFunc{
		"CreateStack":            (*Server).createStack,
		"UpdateStack":            (*Server).updateStack,
		"DeleteStack":            (*Server).deleteStack,
		"CancelUpdateStack":      (*Server).cancelUpdateStack,
		"DescribeStacks":         (*Server).describeStacks,
		"ListStacks":             (*Server).listStacks,
		"DescribeStackEvents":    (*Server).describeStackEvents,
		"DescribeStackResources": (*Server).describeStackResources,
		"DescribeStackResource":  (*Server).describeStackResource,
		"ListStackResources":     (*Server).listStackResources,
		"GetTemplate":            (*Server).getTemplate,
		"ValidateTemplate":       (*Server).validateTemplate,
		"CreateChangeSet":        (*Server).createChangeSet,
		"DescribeChangeSet":      (*Server).describeChangeSet,
		"ExecuteChangeSet":       (*Server).executeChangeSet,
		"DeleteChangeSet":        (*Server).deleteChangeSet,
		"ListChangeSets":         (*Server).listChangeSets,
	})
}

// namePattern is what CloudFormation takes as the name of a stack or of a
// change set.
var namePattern = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)

// checkStackName rejects a name CloudFormation would not take for a new
// stack.
func checkStackName(name string) error {
	if !namePattern.MatchString(name) {
		return validationError("1 validation error detected: Value '%s' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*", name)
	}
	return nil
}

func (s *Server) stackARN(name string) string {
	return s.arn("cloudformation", "stack/"+name+"/"+s.uuid())
}

func inProgress(status string) bool { return strings.HasSuffix(status, "_IN_PROGRESS") }

// updatable are the states from which a stack can be updated.
var updatable = []string{"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_FAILED", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"}

func cannot(st *stack, verb string) *apiError {
	return validationError("Stack:%s is in %s state and can not be %s.", st.id, st.status, verb)
}

type paramInput struct {
	key, value  string
	usePrevious bool
}

func (r *request) paramInputs() []paramInput {
	var out []paramInput
	for _, p := range r.structs("Parameters.member.") {
		out = append(out, paramInput{key: p.Get("ParameterKey"), value: p.Get("ParameterValue"), usePrevious: p.Get("UsePreviousValue") == "true"})
	}
	return out
}

func (r *request) tagInputs() ([]tag, bool) {
	var out []tag
	for _, t := range r.structs("Tags.member.") {
		out = append(out, tag{t.Get("Key"), t.Get("Value")})
	}
	return out, len(out) > 0
}

// resolveParams gives every parameter of t its value, checking it the way
// CloudFormation does before it starts anything.
func (s *Server) resolveParams(t *template, in []paramInput, prev map[string]string) (map[string]string, error) {
	out := map[string]string{}
	var unknown, missing []string
	given := map[string]paramInput{}
	for _, p := range in {
		if t.params[p.key] == nil {
			unknown = append(unknown, p.key)
		}
		given[p.key] = p
	}
	if len(unknown) > 0 {
		return nil, validationError("Parameters: [%s] do not exist in the template", strings.Join(unknown, ", "))
	}
	for _, name := range t.paramOrder {
		p := t.params[name]
		g, ok := given[name]
		switch {
		case ok && g.usePrevious:
			v, had := prev[name]
			if !had {
				return nil, validationError("Invalid input for parameter key %s. Cannot specify usePreviousValue as true for a parameter key not in the previous template", name)
			}
			out[name] = v
		case ok:
			out[name] = g.value
		case p.hasDefault:
			out[name] = p.def
		default:
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, validationError("Parameters: [%s] must have values", strings.Join(missing, ", "))
	}
	for _, name := range t.paramOrder {
		if err := s.checkParam(t.params[name], out[name]); err != nil {
			return nil, err
		}
	}
	return out, s.checkSSMParameters(t, out)
}

func (s *Server) checkParam(p *paramDef, v string) error {
	values := []string{v}
	if strings.HasPrefix(p.typ, "List<") || p.typ == "CommaDelimitedList" {
		values = nil
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				values = append(values, item)
			}
		}
	}
	for _, item := range values {
		if len(p.allowed) > 0 && !slices.Contains(p.allowed, item) {
			return validationError("Parameter '%s' must be one of AllowedValues", p.name)
		}
		exists := true
		switch strings.TrimSuffix(strings.TrimPrefix(p.typ, "List<"), ">") {
		case "Number":
			if _, err := strconv.ParseFloat(item, 64); err != nil {
				return validationError("Parameter '%s' must be a number.", p.name)
			}
		case "AWS::EC2::VPC::Id":
			exists = s.ec2.vpc(item) != nil
		case "AWS::EC2::Subnet::Id":
			exists = s.ec2.subnet(item) != nil
		case "AWS::EC2::SecurityGroup::Id":
			exists = s.ec2.group(item) != nil
		case "AWS::EC2::AvailabilityZone::Name":
			exists = slices.Contains(availabilityZones(s.opts.Region), item)
		}
		if !exists {
			return validationError("Parameter validation failed: parameter value %s for parameter name %s does not exist", item, p.name)
		}
	}
	return nil
}

// templateBody reads the template of a call: inline, from the fake's S3
// store, or the stack's current one, each within its size limit.
func (s *Server) templateBody(req *request, st *stack) (string, error) {
	switch {
	case req.boolArg("UsePreviousTemplate"):
		if st == nil || st.tmpl == nil {
			return "", validationError("UsePreviousTemplate can only be used on an existing stack")
		}
		return st.tmpl.body, nil
	case req.str("TemplateURL") != "":
		body, err := s.templateFromURL(req.str("TemplateURL"))
		if err != nil {
			return "", err
		}
		if len(body) > maxTemplateURL {
			return "", validationError("Template may not exceed %d bytes in size.", maxTemplateURL)
		}
		return body, nil
	case req.form.Has("TemplateBody"):
		body := req.str("TemplateBody")
		if len(body) > maxTemplateBody {
			return "", validationError("1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to %d", maxTemplateBody)
		}
		return body, nil
	}
	return "", validationError("Either Template URL or Template Body must be specified.")
}

// submission is what CreateStack, UpdateStack and CreateChangeSet share:
// a checked template with its parameter values.
func (s *Server) submission(req *request, st *stack) (*template, map[string]string, error) {
	body, err := s.templateBody(req, st)
	if err != nil {
		return nil, nil, err
	}
	t, err := parseTemplate(body)
	if err != nil {
		return nil, nil, err
	}
	if missing, _ := t.requiredCapabilities(req.members("Capabilities")); missing != "" {
		return nil, nil, errorf(400, "InsufficientCapabilitiesException", "Requires capabilities : [%s]", missing)
	}
	var prev map[string]string
	if st != nil {
		prev = st.params
	}
	params, err := s.resolveParams(t, req.paramInputs(), prev)
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkDynamicReferences(t); err != nil {
		return nil, nil, err
	}
	return t, params, nil
}

func (s *Server) createStack(req *request, now time.Time) (any, error) {
	name := req.str("StackName")
	if err := checkStackName(name); err != nil {
		return nil, err
	}
	token := req.str("ClientRequestToken")
	if st := s.cfn.find(name); st != nil {
		if token != "" && st.token == token {
			return []*node{tx("StackId", st.id)}, nil
		}
		return nil, errorf(400, "AlreadyExistsException", "Stack [%s] already exists", name)
	}
	onFailure := req.str("OnFailure")
	if onFailure != "" && req.form.Has("DisableRollback") {
		return nil, validationError("You cannot specify both DisableRollback and OnFailure.")
	}
	if req.boolArg("DisableRollback") {
		onFailure = "DO_NOTHING"
	}
	if onFailure == "" {
		onFailure = "ROLLBACK"
	}
	st := &stack{name: name, id: s.stackARN(name), created: now, token: token, onFailure: onFailure, capabilities: req.members("Capabilities")}
	t, params, err := s.submission(req, nil)
	if err != nil {
		return nil, err
	}
	st.tmpl, st.params, st.description = t, params, t.description
	st.tags, _ = req.tagInputs()
	if err := s.startCreate(st, now); err != nil {
		return nil, err
	}
	s.cfn.stacks = append(s.cfn.stacks, st)
	return []*node{tx("StackId", st.id)}, nil
}

func (s *Server) liveStack(name string) (*stack, error) {
	st := s.cfn.find(name)
	if st == nil || st.status == "DELETE_COMPLETE" {
		return nil, validationError("Stack [%s] does not exist", name)
	}
	return st, nil
}

func (s *Server) updateStack(req *request, now time.Time) (any, error) {
	st, err := s.liveStack(req.str("StackName"))
	if err != nil {
		return nil, err
	}
	token := req.str("ClientRequestToken")
	if token != "" && token == st.token {
		return []*node{tx("StackId", st.id)}, nil
	}
	if !slices.Contains(updatable, st.status) {
		return nil, cannot(st, "updated")
	}
	t, params, err := s.submission(req, st)
	if err != nil {
		return nil, err
	}
	tags, given := req.tagInputs()
	if !given {
		tags = st.tags
	}
	changes, err := s.diff(st, t, params)
	if err != nil {
		return nil, err
	}
	if noChanges(st, changes, t, params, tags) {
		return nil, validationError("No updates are to be performed.")
	}
	st.token, st.disableRollback, st.capabilities = token, req.boolArg("DisableRollback"), req.members("Capabilities")
	st.description = t.description
	if err := s.startUpdate(st, now, t, params, tags); err != nil {
		return nil, err
	}
	return []*node{tx("StackId", st.id)}, nil
}

func (s *Server) deleteStack(req *request, now time.Time) (any, error) {
	st := s.cfn.find(req.str("StackName"))
	if st == nil || st.status == "DELETE_COMPLETE" || st.status == "DELETE_IN_PROGRESS" {
		return []*node{}, nil
	}
	retain := req.members("RetainResources")
	if len(retain) > 0 && st.status != "DELETE_FAILED" {
		return nil, validationError("Invalid operation on stack %s. RetainResources can only be specified when the stack is in DELETE_FAILED state.", st.id)
	}
	st.token = req.str("ClientRequestToken")
	switch {
	case st.status == "REVIEW_IN_PROGRESS":
		s.stackEvent(st, now, "DELETE_COMPLETE", "")
		st.gone = now
		return []*node{}, nil
	case st.status == "CREATE_IN_PROGRESS":
		// CloudFormation lets a creation be deleted: the resources being
		// created are cancelled, then everything is deleted.
		st.walk.abort(now)
	case inProgress(st.status):
		return nil, cannot(st, "deleted")
	}
	s.stackEvent(st, now, "DELETE_IN_PROGRESS", "User Initiated")
	s.startDelete(st, now, retain, "DELETE")
	return []*node{}, nil
}

func (s *Server) cancelUpdateStack(req *request, now time.Time) (any, error) {
	st, err := s.liveStack(req.str("StackName"))
	if err != nil {
		return nil, err
	}
	if st.status != "UPDATE_IN_PROGRESS" {
		return nil, validationError("CancelUpdateStack cannot be called from current stack status")
	}
	st.walk.abort(now)
	s.stackEvent(st, now, "UPDATE_ROLLBACK_IN_PROGRESS", "Stack update cancelled")
	s.rollbackUpdate(st, now)
	return []*node{}, nil
}

func (s *Server) stackNode(st *stack) *node {
	var params, outputs []*node
	for _, name := range st.tmpl.paramOrder {
		v := st.params[name]
		if st.tmpl.params[name].noEcho {
			v = "****"
		}
		var resolved *node
		if ssmParameterValue(st.tmpl.params[name].typ) {
			resolved = tx("ResolvedValue", st.resolved[name])
		}
		params = append(params, el("", tx("ParameterKey", name), &node{name: "ParameterValue", text: v}, resolved))
	}
	for _, o := range st.outputs {
		outputs = append(outputs, el("", tx("OutputKey", o.key), &node{name: "OutputValue", text: o.value}, tx("Description", o.description), tx("ExportName", o.export)))
	}
	return el("", tx("StackId", st.id), tx("StackName", st.name), tx("ChangeSetId", st.changeSetID), tx("Description", st.description),
		list("Parameters", "member", params), tt("CreationTime", st.created), tt("DeletionTime", st.gone), tt("LastUpdatedTime", st.updated),
		tx("StackStatus", st.status), tx("StackStatusReason", st.reason), tb("DisableRollback", st.onFailure == "DO_NOTHING" || st.disableRollback),
		strList("Capabilities", "member", st.capabilities), list("Outputs", "member", outputs), list("Tags", "member", tagNodes(st.tags)),
		tb("EnableTerminationProtection", false), el("DriftInformation", tx("StackDriftStatus", "NOT_CHECKED")))
}

func (s *Server) describeStacks(req *request, _ time.Time) (any, error) {
	name := req.str("StackName")
	var stacks []*node
	if name != "" {
		st := s.cfn.find(name)
		if st == nil {
			return nil, validationError("Stack with id %s does not exist", name)
		}
		stacks = append(stacks, s.stackNode(st))
	} else {
		for i := len(s.cfn.stacks) - 1; i >= 0; i-- {
			if st := s.cfn.stacks[i]; st.status != "DELETE_COMPLETE" {
				stacks = append(stacks, s.stackNode(st))
			}
		}
	}
	return []*node{list("Stacks", "member", stacks)}, nil
}

func (s *Server) listStacks(req *request, _ time.Time) (any, error) {
	filter := req.members("StackStatusFilter")
	var items []*node
	for i := len(s.cfn.stacks) - 1; i >= 0; i-- {
		st := s.cfn.stacks[i]
		if len(filter) > 0 && !slices.Contains(filter, st.status) {
			continue
		}
		items = append(items, el("", tx("StackId", st.id), tx("StackName", st.name), tx("TemplateDescription", st.description),
			tt("CreationTime", st.created), tt("LastUpdatedTime", st.updated), tt("DeletionTime", st.gone),
			tx("StackStatus", st.status), tx("StackStatusReason", st.reason)))
	}
	return []*node{list("StackSummaries", "member", items)}, nil
}

// describeStackEvents lists events newest first, 100 a page. The token is
// the position, counted from the oldest event, where the next page starts,
// so pages stay stable while new events arrive.
func (s *Server) describeStackEvents(req *request, _ time.Time) (any, error) {
	name := req.str("StackName")
	st := s.cfn.find(name)
	if st == nil {
		return nil, validationError("Stack [%s] does not exist", name)
	}
	end := len(st.events)
	if tok := req.str("NextToken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(st.events) {
			return nil, validationError("Invalid NextToken")
		}
		end = n
	}
	start := max(end-100, 0)
	var items []*node
	for i := end - 1; i >= start; i-- {
		e := st.events[i]
		items = append(items, el("", tx("StackId", st.id), tx("EventId", e.id), tx("StackName", st.name), tx("LogicalResourceId", e.logicalID),
			tx("PhysicalResourceId", e.physicalID), tx("ResourceType", e.typ), tt("Timestamp", e.at), tx("ResourceStatus", e.status),
			tx("ResourceStatusReason", e.reason), tx("ResourceProperties", e.properties), tx("ClientRequestToken", e.requestID)))
	}
	next := ""
	if start > 0 {
		next = strconv.Itoa(start)
	}
	return []*node{list("StackEvents", "member", items), tx("NextToken", next)}, nil
}

func sortedResources(st *stack) []*resource {
	var out []*resource
	for _, r := range st.resources {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *resource) int { return strings.Compare(a.id, b.id) })
	return out
}

func (s *Server) stackForResources(req *request) (*stack, error) {
	name := req.str("StackName")
	if name == "" && req.str("PhysicalResourceId") != "" {
		for _, st := range s.cfn.stacks {
			for _, r := range st.resources {
				if r.physicalID == req.str("PhysicalResourceId") {
					return st, nil
				}
			}
		}
		return nil, validationError("Stack for %s does not exist", req.str("PhysicalResourceId"))
	}
	st := s.cfn.find(name)
	if st == nil {
		return nil, validationError("Stack with id %s does not exist", name)
	}
	return st, nil
}

func (s *Server) resourceNode(st *stack, r *resource, detail bool) *node {
	n := el("", tx("StackName", st.name), tx("StackId", st.id), tx("LogicalResourceId", r.id), tx("PhysicalResourceId", r.physicalID),
		tx("ResourceType", r.typ), tt("Timestamp", r.updated), tx("ResourceStatus", r.status), tx("ResourceStatusReason", r.reason),
		el("DriftInformation", tx("StackResourceDriftStatus", "NOT_CHECKED")))
	if detail {
		n.kids = append(n.kids, tt("LastUpdatedTimestamp", r.updated), tx("Metadata", "{}"))
	}
	return n
}

func (s *Server) describeStackResources(req *request, _ time.Time) (any, error) {
	st, err := s.stackForResources(req)
	if err != nil {
		return nil, err
	}
	logical := req.str("LogicalResourceId")
	var items []*node
	for _, r := range sortedResources(st) {
		if (logical == "" || r.id == logical) && r.status != "" {
			items = append(items, s.resourceNode(st, r, false))
		}
	}
	return []*node{list("StackResources", "member", items)}, nil
}

func (s *Server) describeStackResource(req *request, _ time.Time) (any, error) {
	st, err := s.stackForResources(req)
	if err != nil {
		return nil, err
	}
	id := req.str("LogicalResourceId")
	r := st.resources[id]
	if r == nil || r.status == "" {
		return nil, validationError("Resource %s does not exist for stack %s", id, st.name)
	}
	n := s.resourceNode(st, r, true)
	n.name = "StackResourceDetail"
	return []*node{n}, nil
}

func (s *Server) listStackResources(req *request, _ time.Time) (any, error) {
	st, err := s.stackForResources(req)
	if err != nil {
		return nil, err
	}
	var all []*resource
	for _, r := range sortedResources(st) {
		if r.status != "" {
			all = append(all, r)
		}
	}
	rs, next := page(all, req.str("NextToken"), 100)
	var items []*node
	for _, r := range rs {
		items = append(items, el("", tx("LogicalResourceId", r.id), tx("PhysicalResourceId", r.physicalID), tx("ResourceType", r.typ),
			tt("LastUpdatedTimestamp", r.updated), tx("ResourceStatus", r.status), tx("ResourceStatusReason", r.reason),
			el("DriftInformation", tx("StackResourceDriftStatus", "NOT_CHECKED"))))
	}
	return []*node{list("StackResourceSummaries", "member", items), tx("NextToken", next)}, nil
}

func (s *Server) getTemplate(req *request, _ time.Time) (any, error) {
	st := s.cfn.find(req.str("StackName"))
	if st == nil {
		return nil, validationError("Stack with id %s does not exist", req.str("StackName"))
	}
	body := ""
	if st.tmpl != nil {
		body = st.tmpl.body
	}
	if name := req.str("ChangeSetName"); name != "" {
		cs := s.findChangeSet(st, name)
		if cs == nil {
			return nil, errorf(404, "ChangeSetNotFound", "ChangeSet [%s] does not exist", name)
		}
		body = cs.tmpl.body
	}
	return []*node{tx("TemplateBody", body), strList("StagesAvailable", "member", []string{"Original", "Processed"})}, nil
}

func (s *Server) validateTemplate(req *request, _ time.Time) (any, error) {
	body, err := s.templateBody(req, nil)
	if err != nil {
		return nil, err
	}
	t, err := parseTemplate(body)
	if err != nil {
		return nil, err
	}
	var params []*node
	for _, name := range t.paramOrder {
		p := t.params[name]
		var def *node
		if p.hasDefault {
			def = &node{name: "DefaultValue", text: p.def}
		}
		params = append(params, el("", tx("ParameterKey", name), def, tb("NoEcho", p.noEcho), tx("Description", p.description)))
	}
	var caps []string
	reason := ""
	if missing, types := t.requiredCapabilities(nil); missing != "" {
		caps = []string{missing}
		reason = fmt.Sprintf("The following resource(s) require capabilities: [%s]", strings.Join(types, ", "))
	}
	return []*node{list("Parameters", "member", params), tx("Description", t.description), strList("Capabilities", "member", caps), tx("CapabilitiesReason", reason)}, nil
}

// --- change sets ---

func (s *Server) findChangeSet(st *stack, nameOrID string) *changeSet {
	for _, cs := range st.changeSets {
		if cs.name == nameOrID || cs.id == nameOrID {
			return cs
		}
	}
	return nil
}

// changeSetArg finds the change set of a DescribeChangeSet-like call, which
// names it by ARN, or by name with its stack.
func (s *Server) changeSetArg(req *request) (*changeSet, error) {
	name := req.str("ChangeSetName")
	for _, st := range s.cfn.stacks {
		if cs := s.findChangeSet(st, name); cs != nil && (cs.id == name || st.name == req.str("StackName") || st.id == req.str("StackName")) {
			if cs.id == name || st.status != "DELETE_COMPLETE" || st.id == req.str("StackName") {
				return cs, nil
			}
		}
	}
	return nil, errorf(404, "ChangeSetNotFound", "ChangeSet [%s] does not exist", name)
}

func (s *Server) createChangeSet(req *request, now time.Time) (any, error) {
	stackName, name := req.str("StackName"), req.str("ChangeSetName")
	if !namePattern.MatchString(name) {
		return nil, validationError("1 validation error detected: Value '%s' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*", name)
	}
	typ := req.str("ChangeSetType")
	if typ == "" {
		typ = "UPDATE"
	}
	st := s.cfn.find(stackName)
	if st != nil && st.status == "DELETE_COMPLETE" {
		st = nil
	}
	switch typ {
	case "CREATE":
		if st != nil && st.status != "REVIEW_IN_PROGRESS" {
			return nil, validationError("Stack [%s] already exists and cannot be created again with the changeSet [%s].", stackName, name)
		}
	case "UPDATE":
		if st == nil || st.status == "REVIEW_IN_PROGRESS" {
			return nil, validationError("Stack [%s] does not exist", stackName)
		}
		if !slices.Contains(updatable, st.status) {
			return nil, cannot(st, "updated")
		}
	default:
		return nil, validationError("ChangeSetType %s is not supported", typ)
	}
	if st != nil && s.findChangeSet(st, name) != nil {
		return nil, errorf(400, "AlreadyExistsException", "ChangeSet %s already exists", name)
	}
	t, params, err := s.submission(req, st)
	if err != nil {
		return nil, err
	}
	if st == nil {
		if err := checkStackName(stackName); err != nil {
			return nil, err
		}
		st = &stack{name: stackName, id: s.stackARN(stackName), created: now, resources: map[string]*resource{},
			tmpl: &template{params: map[string]*paramDef{}, resources: map[string]*resourceDef{}, outputs: map[string]*outputDef{}}}
		s.cfn.stacks = append(s.cfn.stacks, st)
		s.stackEvent(st, now, "REVIEW_IN_PROGRESS", "User Initiated")
	}
	tags, given := req.tagInputs()
	if !given && typ == "UPDATE" {
		tags = st.tags
	}
	cs := &changeSet{id: s.arn("cloudformation", "changeSet/"+name+"/"+s.uuid()), name: name, description: req.str("Description"), typ: typ, st: st,
		status: "CREATE_PENDING", exec: "UNAVAILABLE", created: now, tmpl: t, params: params, tags: tags,
		capabilities: req.members("Capabilities"), onFailure: req.str("OnStackFailure")}
	if cs.changes, err = s.diff(st, t, params); err != nil {
		return nil, err
	}
	empty := typ == "UPDATE" && noChanges(st, cs.changes, t, params, tags)
	st.changeSets = append(st.changeSets, cs)
	dur := s.duration(changeSetType)
	s.after(now, dur/3, func(time.Time) {
		if cs.status == "CREATE_PENDING" {
			cs.status = "CREATE_IN_PROGRESS"
		}
	})
	s.after(now, dur, func(time.Time) {
		if cs.status != "CREATE_IN_PROGRESS" {
			return
		}
		if empty {
			cs.status, cs.reason = "FAILED", "The submitted information didn't contain changes. Submit different information to create a change set."
			return
		}
		cs.status, cs.exec = "CREATE_COMPLETE", "AVAILABLE"
	})
	return []*node{tx("Id", cs.id), tx("StackId", st.id)}, nil
}

// refreshExec moves an executed change set to EXECUTE_COMPLETE or
// EXECUTE_FAILED once its stack operation has ended.
func refreshExec(cs *changeSet) {
	if cs.exec != "EXECUTE_IN_PROGRESS" || inProgress(cs.st.status) {
		return
	}
	if strings.Contains(cs.st.status, "ROLLBACK") || strings.HasSuffix(cs.st.status, "FAILED") {
		cs.exec = "EXECUTE_FAILED"
		return
	}
	cs.exec = "EXECUTE_COMPLETE"
}

func (s *Server) describeChangeSet(req *request, _ time.Time) (any, error) {
	cs, err := s.changeSetArg(req)
	if err != nil {
		return nil, err
	}
	refreshExec(cs)
	var changes, params []*node
	if cs.status == "CREATE_COMPLETE" {
		for _, c := range cs.changes {
			changes = append(changes, c.node())
		}
	}
	for _, name := range cs.tmpl.paramOrder {
		params = append(params, el("", tx("ParameterKey", name), &node{name: "ParameterValue", text: cs.params[name]}))
	}
	return []*node{tx("ChangeSetName", cs.name), tx("ChangeSetId", cs.id), tx("StackId", cs.st.id), tx("StackName", cs.st.name),
		tx("Description", cs.description), list("Parameters", "member", params), tt("CreationTime", cs.created),
		tx("ExecutionStatus", cs.exec), tx("Status", cs.status), tx("StatusReason", cs.reason),
		strList("Capabilities", "member", cs.capabilities), list("Tags", "member", tagNodes(cs.tags)), list("Changes", "member", changes),
		tb("IncludeNestedStacks", false), tx("OnStackFailure", cs.onFailure)}, nil
}

func (s *Server) executeChangeSet(req *request, now time.Time) (any, error) {
	cs, err := s.changeSetArg(req)
	if err != nil {
		return nil, err
	}
	st := cs.st
	if cs.status != "CREATE_COMPLETE" || cs.exec != "AVAILABLE" {
		return nil, errorf(400, "InvalidChangeSetStatus", "ChangeSet [%s] cannot be executed in its current status of [%s]", cs.id, cs.status)
	}
	if cs.typ == "UPDATE" && !slices.Contains(updatable, st.status) {
		return nil, cannot(st, "updated")
	}
	st.token, st.capabilities, st.changeSetID = req.str("ClientRequestToken"), cs.capabilities, cs.id
	st.disableRollback = req.boolArg("DisableRollback")
	st.description = cs.tmpl.description
	if cs.typ == "CREATE" {
		st.onFailure = map[string]string{"": "ROLLBACK", "ROLLBACK": "ROLLBACK", "DELETE": "DELETE", "DO_NOTHING": "DO_NOTHING"}[cs.onFailure]
		if st.disableRollback {
			st.onFailure = "DO_NOTHING"
		}
		st.tmpl, st.params, st.tags = cs.tmpl, cs.params, cs.tags
		if err := s.startCreate(st, now); err != nil {
			return nil, err
		}
	} else if err := s.startUpdate(st, now, cs.tmpl, cs.params, cs.tags); err != nil {
		return nil, err
	}
	cs.exec = "EXECUTE_IN_PROGRESS"
	// Executing a change set deletes the other change sets of the stack.
	st.changeSets = []*changeSet{cs}
	return []*node{}, nil
}

func (s *Server) deleteChangeSet(req *request, _ time.Time) (any, error) {
	cs, err := s.changeSetArg(req)
	if err != nil {
		return nil, err
	}
	if cs.exec == "EXECUTE_IN_PROGRESS" {
		return nil, errorf(400, "InvalidChangeSetStatus", "Cannot delete ChangeSet in status EXECUTE_IN_PROGRESS")
	}
	cs.st.changeSets = slices.DeleteFunc(cs.st.changeSets, func(c *changeSet) bool { return c == cs })
	return []*node{}, nil
}

func (s *Server) listChangeSets(req *request, _ time.Time) (any, error) {
	st := s.cfn.find(req.str("StackName"))
	if st == nil {
		return nil, validationError("Stack [%s] does not exist", req.str("StackName"))
	}
	var items []*node
	for _, cs := range st.changeSets {
		refreshExec(cs)
		items = append(items, el("", tx("StackId", st.id), tx("StackName", st.name), tx("ChangeSetId", cs.id), tx("ChangeSetName", cs.name),
			tx("ExecutionStatus", cs.exec), tx("Status", cs.status), tx("StatusReason", cs.reason), tt("CreationTime", cs.created), tx("Description", cs.description)))
	}
	return []*node{list("Summaries", "member", items)}, nil
}
