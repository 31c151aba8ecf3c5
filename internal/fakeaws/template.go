package fakeaws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// CloudFormation's limits: an inline TemplateBody, a template read from
// S3, and the resources of one template.
const (
	maxTemplateBody = 51200
	maxTemplateURL  = 1 << 20
	maxResources    = 500
)

// template is a parsed CloudFormation template.
type template struct {
	body        string
	description string
	params      map[string]*paramDef
	paramOrder  []string
	mappings    map[string]any
	conditions  map[string]any
	resources   map[string]*resourceDef
	outputs     map[string]*outputDef
	order       []string // resource logical IDs, sorted
}

type paramDef struct {
	name, typ, description string
	def                    string
	hasDefault, noEcho     bool
	allowed                []string
}

type resourceDef struct {
	id, typ                             string
	props                               map[string]any
	dependsOn                           []string
	condition                           string
	deletionPolicy, updateReplacePolicy string
	deps                                []string // every resource this one waits for, sorted
}

type outputDef struct {
	description, condition string
	value, export          any
}

var topLevelSections = []string{"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs"}

// parseTemplate reads and checks a template the way CloudFormation does
// when it is submitted, with CloudFormation's messages.
func parseTemplate(body string) (*template, error) {
	doc, err := decodeTemplate(body)
	if err != nil {
		return nil, err
	}
	t := &template{body: body, params: map[string]*paramDef{}, resources: map[string]*resourceDef{}, outputs: map[string]*outputDef{}}
	var unknown []string
	for k := range doc {
		if !slices.Contains(topLevelSections, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, validationError("Template format error: Invalid template property or properties [%s]", strings.Join(unknown, ", "))
	}
	t.description, _ = doc["Description"].(string)
	t.mappings, _ = doc["Mappings"].(map[string]any)
	t.conditions, _ = doc["Conditions"].(map[string]any)
	if err := t.parseParameters(doc["Parameters"]); err != nil {
		return nil, err
	}
	resources, _ := doc["Resources"].(map[string]any)
	if len(resources) == 0 {
		return nil, validationError("Template format error: At least one Resources member must be defined.")
	}
	if len(resources) > maxResources {
		return nil, validationError("Template format error: Number of resources, %d, is greater than maximum allowed, %d", len(resources), maxResources)
	}
	for id, v := range resources {
		r, err := parseResource(id, v)
		if err != nil {
			return nil, err
		}
		t.resources[id] = r
		t.order = append(t.order, id)
	}
	slices.Sort(t.order)
	outputs, _ := doc["Outputs"].(map[string]any)
	for key, v := range outputs {
		m, _ := v.(map[string]any)
		if _, ok := m["Value"]; !ok {
			return nil, validationError("Template format error: Every Outputs member must contain a Value object")
		}
		o := &outputDef{value: m["Value"]}
		o.description, _ = m["Description"].(string)
		o.condition, _ = m["Condition"].(string)
		if e, ok := m["Export"].(map[string]any); ok {
			o.export = e["Name"]
		}
		t.outputs[key] = o
	}
	if err := t.checkReferences(); err != nil {
		return nil, err
	}
	return t, t.checkCycles()
}

func decodeTemplate(body string) (map[string]any, error) {
	trimmed := bytes.TrimSpace([]byte(body))
	var doc any
	if bytes.HasPrefix(trimmed, []byte("{")) {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, validationError("Template format error: JSON not well-formed. (%v)", err)
		}
	} else {
		var n yaml.Node
		if err := yaml.Unmarshal(trimmed, &n); err != nil {
			return nil, validationError("Template format error: YAML not well-formed. (%v)", err)
		}
		var err error
		if doc, err = fromYAML(&n); err != nil {
			return nil, err
		}
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, validationError("Template format error: not a JSON or YAML object")
	}
	return m, nil
}

// fromYAML turns a YAML node tree into the same shape encoding/json gives,
// expanding the short-form intrinsics (!Ref X becomes {"Ref": "X"}).
func fromYAML(n *yaml.Node) (any, error) {
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return fromYAML(n.Content[0])
	case yaml.AliasNode:
		return fromYAML(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			val, err := fromYAML(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = val
		}
		v = m
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := fromYAML(c)
			if err != nil {
				return nil, err
			}
			l = append(l, val)
		}
		v = l
	default:
		switch n.ShortTag() {
		case "!!null":
			v = nil
		case "!!bool":
			v = strings.EqualFold(n.Value, "true")
		case "!!int", "!!float":
			v = json.Number(n.Value)
		default:
			v = n.Value
		}
	}
	tag := n.Tag
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") {
		return v, nil
	}
	switch name := tag[1:]; name {
	case "Ref", "Condition":
		return map[string]any{name: v}, nil
	case "GetAtt", "Sub", "Join", "Select", "Split", "GetAZs", "If", "Equals", "Not", "And", "Or", "Base64", "FindInMap", "ImportValue", "Cidr", "Length", "ToJsonString":
		return map[string]any{"Fn::" + name: v}, nil
	default:
		return nil, validationError("Template format error: YAML not well-formed. (unknown tag %s)", tag)
	}
}

var parameterTypes = []string{"String", "Number", "List<Number>", "CommaDelimitedList"}

func (t *template) parseParameters(v any) error {
	params, _ := v.(map[string]any)
	for name, pv := range params {
		m, _ := pv.(map[string]any)
		p := &paramDef{name: name}
		p.typ, _ = m["Type"].(string)
		if p.typ == "" {
			return validationError("Template format error: Every Parameters object must contain a Type member.")
		}
		if !slices.Contains(parameterTypes, p.typ) && !strings.HasPrefix(p.typ, "AWS::") && !strings.HasPrefix(p.typ, "List<AWS::") {
			return validationError("Template format error: Unrecognized parameter type: %s", p.typ)
		}
		p.description, _ = m["Description"].(string)
		if d, ok := m["Default"]; ok {
			p.def, p.hasDefault = scalarString(d), true
		}
		p.noEcho = scalarString(m["NoEcho"]) == "true"
		for _, a := range asList(m["AllowedValues"]) {
			p.allowed = append(p.allowed, scalarString(a))
		}
		t.params[name] = p
		t.paramOrder = append(t.paramOrder, name)
	}
	slices.Sort(t.paramOrder)
	return nil
}

var resourceTypeFormat = regexp.MustCompile(`^(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)?|Custom::[A-Za-z0-9_@-]+|AWS::CloudFormation::CustomResource)$`)

func parseResource(id string, v any) (*resourceDef, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, validationError("Template format error: [/Resources/%s] resource definition is malformed", id)
	}
	r := &resourceDef{id: id}
	r.typ, _ = m["Type"].(string)
	if r.typ == "" {
		return nil, validationError("Template format error: [/Resources/%s] Every Resources object must contain a Type member.", id)
	}
	if !resourceTypeFormat.MatchString(r.typ) {
		return nil, validationError("Template format error: Unrecognized resource types: [%s]", r.typ)
	}
	r.props, _ = m["Properties"].(map[string]any)
	if r.props == nil {
		r.props = map[string]any{}
	}
	for _, d := range asList(m["DependsOn"]) {
		if s, ok := d.(string); ok {
			r.dependsOn = append(r.dependsOn, s)
		}
	}
	r.condition, _ = m["Condition"].(string)
	r.deletionPolicy, _ = m["DeletionPolicy"].(string)
	r.updateReplacePolicy, _ = m["UpdateReplacePolicy"].(string)
	switch r.deletionPolicy {
	case "", "Delete", "Retain", "RetainExceptOnCreate", "Snapshot":
	default:
		return nil, validationError("Template format error: Unrecognized DeletionPolicy %s for resource %s", r.deletionPolicy, id)
	}
	return r, nil
}

// asList returns v as a list; a scalar becomes a list of one.
func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// scalarString renders a template scalar the way CloudFormation passes it
// on: every scalar is a string.
func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// reference is one thing a piece of template refers to.
type reference struct {
	kind string // "Ref", "GetAtt", "Condition"
	name string
	attr string
}

var subVariable = regexp.MustCompile(`\$\{([^}]*)\}`)

// references lists what v refers to: Ref, Fn::GetAtt, the variables of
// Fn::Sub, and the conditions of Fn::If.
func references(v any) []reference {
	var out []reference
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if len(x) == 1 {
				for k, arg := range x {
					switch k {
					case "Ref":
						if s, ok := arg.(string); ok {
							out = append(out, reference{kind: "Ref", name: s})
							return
						}
					case "Fn::GetAtt":
						if id, attr, ok := getAttArgs(arg); ok {
							out = append(out, reference{kind: "GetAtt", name: id, attr: attr})
							return
						}
					case "Fn::Sub":
						str, vars := subArgs(arg)
						for _, m := range subVariable.FindAllStringSubmatch(str, -1) {
							name := m[1]
							if strings.HasPrefix(name, "!") {
								continue
							}
							if _, local := vars[name]; local {
								continue
							}
							if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
								out = append(out, reference{kind: "GetAtt", name: id, attr: attr})
							} else {
								out = append(out, reference{kind: "Ref", name: name})
							}
						}
						for _, vv := range vars {
							walk(vv)
						}
						return
					case "Fn::If":
						if l, ok := arg.([]any); ok && len(l) == 3 {
							if c, ok := l[0].(string); ok {
								out = append(out, reference{kind: "Condition", name: c})
							}
							walk(l[1])
							walk(l[2])
							return
						}
					case "Condition":
						if c, ok := arg.(string); ok {
							out = append(out, reference{kind: "Condition", name: c})
							return
						}
					}
				}
			}
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// getAttArgs reads both forms of Fn::GetAtt: ["Res", "Attr"] and "Res.Attr".
func getAttArgs(arg any) (id, attr string, ok bool) {
	switch x := arg.(type) {
	case string:
		return strings.Cut(x, ".")
	case []any:
		if len(x) == 2 {
			id, ok1 := x[0].(string)
			attr, ok2 := x[1].(string)
			return id, attr, ok1 && ok2
		}
	}
	return "", "", false
}

// subArgs reads both forms of Fn::Sub: "string" and ["string", {vars}].
func subArgs(arg any) (string, map[string]any) {
	switch x := arg.(type) {
	case string:
		return x, nil
	case []any:
		if len(x) == 2 {
			s, _ := x[0].(string)
			vars, _ := x[1].(map[string]any)
			return s, vars
		}
	}
	return "", nil
}

var pseudoParameters = []string{"AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::Partition", "AWS::URLSuffix", "AWS::NoValue", "AWS::NotificationARNs"}

// checkReferences rejects references to things the template does not
// declare, and records each resource's dependencies.
func (t *template) checkReferences() error {
	var unresolved []string
	check := func(where string, v any) error {
		for _, ref := range references(v) {
			switch ref.kind {
			case "Ref":
				if t.resources[ref.name] == nil && t.params[ref.name] == nil && !slices.Contains(pseudoParameters, ref.name) {
					unresolved = append(unresolved, ref.name)
				}
			case "GetAtt":
				r := t.resources[ref.name]
				if r == nil {
					return validationError("Template error: instance of Fn::GetAtt references undefined resource %s", ref.name)
				}
				if known := resourceTypes[r.typ]; known != nil && known.attrs != nil && !slices.Contains(known.attrs, ref.attr) {
					return validationError("Template error: resource %s does not support attribute type %s in Fn::GetAtt", ref.name, ref.attr)
				}
			case "Condition":
				if _, ok := t.conditions[ref.name]; !ok {
					return validationError("Template format error: Unresolved condition dependency %s in %s", ref.name, where)
				}
			}
		}
		return nil
	}
	for _, id := range t.order {
		r := t.resources[id]
		if r.condition != "" {
			if _, ok := t.conditions[r.condition]; !ok {
				return validationError("Template format error: Unresolved condition dependency %s in Resources block", r.condition)
			}
		}
		if err := check("Fn::If", r.props); err != nil {
			return err
		}
		deps := slices.Clone(r.dependsOn)
		for _, d := range r.dependsOn {
			if t.resources[d] == nil {
				unresolved = append(unresolved, d)
			}
		}
		for _, ref := range references(r.props) {
			if ref.kind != "Condition" && t.resources[ref.name] != nil {
				deps = append(deps, ref.name)
			}
		}
		slices.Sort(deps)
		r.deps = slices.Compact(deps)
	}
	for _, o := range t.outputs {
		if err := check("Fn::If", o.value); err != nil {
			return err
		}
	}
	for name, c := range t.conditions {
		if err := check("Conditions block for "+name, c); err != nil {
			return err
		}
	}
	if len(unresolved) > 0 {
		slices.Sort(unresolved)
		return validationError("Template format error: Unresolved resource dependencies [%s] in the Resources block of the template", strings.Join(slices.Compact(unresolved), ", "))
	}
	return nil
}

// checkCycles rejects a dependency cycle, naming the resources on it.
func (t *template) checkCycles() error {
	state := map[string]int{} // 0 unseen, 1 on the current path, 2 finished
	var path []string
	var visit func(id string) []string
	visit = func(id string) []string {
		state[id] = 1
		path = append(path, id)
		for _, d := range t.resources[id].deps {
			switch state[d] {
			case 1:
				i := slices.Index(path, d)
				return slices.Clone(path[i:])
			case 0:
				if c := visit(d); c != nil {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		state[id] = 2
		return nil
	}
	for _, id := range t.order {
		if state[id] == 0 {
			if cycle := visit(id); cycle != nil {
				slices.Sort(cycle)
				return validationError("Circular dependency between resources: [%s]", strings.Join(cycle, ", "))
			}
		}
	}
	return nil
}

// iamTypes are the resource types that need CAPABILITY_IAM, with the
// property that, when set, makes them need CAPABILITY_NAMED_IAM instead.
var iamTypes = map[string]string{
	"AWS::IAM::Role":                "RoleName",
	"AWS::IAM::Policy":              "",
	"AWS::IAM::ManagedPolicy":       "ManagedPolicyName",
	"AWS::IAM::User":                "UserName",
	"AWS::IAM::Group":               "GroupName",
	"AWS::IAM::InstanceProfile":     "InstanceProfileName",
	"AWS::IAM::AccessKey":           "",
	"AWS::IAM::UserToGroupAddition": "",
}

// requiredCapabilities returns the capability the template needs that the
// caller did not acknowledge, or "" when it has them all.
func (t *template) requiredCapabilities(granted []string) (missing string, types []string) {
	named := false
	for _, id := range t.order {
		r := t.resources[id]
		nameProp, ok := iamTypes[r.typ]
		if !ok {
			continue
		}
		types = append(types, r.typ)
		if _, set := r.props[nameProp]; nameProp != "" && set {
			named = true
		}
	}
	slices.Sort(types)
	types = slices.Compact(types)
	switch {
	case len(types) == 0:
		return "", nil
	case named && !slices.Contains(granted, "CAPABILITY_NAMED_IAM"):
		return "CAPABILITY_NAMED_IAM", types
	case !named && !slices.Contains(granted, "CAPABILITY_IAM") && !slices.Contains(granted, "CAPABILITY_NAMED_IAM"):
		return "CAPABILITY_IAM", types
	}
	return "", types
}
