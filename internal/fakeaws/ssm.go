package fakeaws

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

type ssmState struct {
	params map[string]*ssmParam
}

type ssmParam struct {
	name, typ, value, description, keyID, dataType, tier string
	version                                              int
	modified                                             time.Time
	tags                                                 []tag
	public                                               bool // published by AWS, like /aws/service/...: readable, never listed
}

// publicParameters are the AWS-owned parameters the fake publishes: the
// recommended ECS-optimized AMIs, GPU ones included.
var publicParameters = []string{
	"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
	"/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id",
	"/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
	"/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended/image_id",
}

// init publishes the public parameters. Their AMI IDs derive from the
// seed without drawing from the server's generator, so that adding them
// changed no other generated ID.
func (st *ssmState) init(seed uint64) {
	st.params = map[string]*ssmParam{}
	for _, name := range publicParameters {
		sum := sha256.Sum256([]byte(strconv.FormatUint(seed, 10) + name))
		st.params[name] = &ssmParam{name: name, typ: "String", value: "ami-" + hex.EncodeToString(sum[:])[:17], dataType: "text", tier: "Standard", version: 1, public: true}
	}
}

// SSMParameter is a parameter of the fake Parameter Store, for
// assertions. SecureString values are shown decrypted.
type SSMParameter struct {
	Name, Type, Value, Description, KeyID, DataType string
	Version                                         int
	Tags                                            map[string]string
}

// SSMParameters returns the account's Parameter Store parameters by name;
// the public ones AWS publishes (/aws/service/...) are left out, as
// DescribeParameters leaves them out.
func (s *Server) SSMParameters() []SSMParameter {
	s.lock()
	defer s.mu.Unlock()
	var out []SSMParameter
	for _, name := range slices.Sorted(maps.Keys(s.ssm.params)) {
		p := s.ssm.params[name]
		if p.public {
			continue
		}
		out = append(out, SSMParameter{Name: p.name, Type: p.typ, Value: p.value, Description: p.description, KeyID: p.keyID, DataType: p.dataType, Version: p.version, Tags: tagMap(p.tags)})
	}
	return out
}

func (s *Server) parameterARN(p *ssmParam) string {
	account := s.opts.AccountID
	if p.public {
		account = ""
	}
	return "arn:" + partition(s.opts.Region) + ":ssm:" + s.opts.Region + ":" + account + ":parameter/" + strings.TrimPrefix(p.name, "/")
}

// lookup finds a parameter by NAME or NAME:VERSION; only the current
// version is kept.
func (st *ssmState) lookup(ref string) (*ssmParam, error) {
	name, version := ref, ""
	if i := strings.LastIndex(ref, ":"); i > 0 {
		name, version = ref[:i], ref[i+1:]
	}
	p := st.params[name]
	if p == nil {
		return nil, errorf(400, "ParameterNotFound", "")
	}
	if version != "" && version != strconv.Itoa(p.version) {
		return nil, errorf(400, "ParameterVersionNotFound", "Systems Manager could not find version %s of %s. Verify the version and try again.", version, name)
	}
	return p, nil
}

var ssmNamePattern = regexp.MustCompile(`^/?[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$`)

// checkParameterName applies Parameter Store's naming rules: a path
// starts with a slash, and neither "aws" nor "ssm" may start a name.
func checkParameterName(name string) error {
	first := strings.ToLower(strings.SplitN(strings.TrimPrefix(name, "/"), "/", 2)[0])
	if !ssmNamePattern.MatchString(name) || strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm") ||
		(strings.Contains(name, "/") && !strings.HasPrefix(name, "/")) || len(name) > 1011 {
		return errorf(400, "ValidationException", `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_`)
	}
	return nil
}

// putParameter creates or overwrites a parameter; it returns the new
// version.
func (s *Server) putParameter(name, typ, value, description, keyID, dataType, tier string, tags []tag, overwrite bool, at time.Time) (*ssmParam, error) {
	if err := checkParameterName(name); err != nil {
		return nil, err
	}
	tier = orDefault(tier, "Standard")
	limit := map[string]int{"Standard": 4096, "Advanced": 8192, "Intelligent-Tiering": 8192}[tier]
	if limit == 0 {
		return nil, errorf(400, "ValidationException", "1 validation error detected: Value '%s' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]", tier)
	}
	if len(value) > limit {
		return nil, errorf(400, "ValidationException", "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/advanced-parameters.html")
	}
	old := s.ssm.params[name]
	switch {
	case old != nil && !overwrite:
		return nil, errorf(400, "ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	case old != nil && len(tags) > 0:
		return nil, errorf(400, "ValidationException", "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")
	case old == nil && typ == "":
		return nil, errorf(400, "ValidationException", "A parameter type is required when you create a parameter.")
	}
	switch typ {
	case "", "String", "StringList", "SecureString":
	default:
		return nil, errorf(400, "UnsupportedParameterType", "")
	}
	p := &ssmParam{name: name, typ: typ, value: value, description: description, keyID: keyID, dataType: orDefault(dataType, "text"), tier: tier, version: 1, modified: at, tags: tags}
	if old != nil {
		p.version, p.tags = old.version+1, old.tags
		p.typ = orDefault(typ, old.typ)
		if description == "" {
			p.description = old.description
		}
	}
	if p.typ == "SecureString" && p.keyID == "" {
		p.keyID = "alias/aws/ssm"
	}
	if p.typ != "SecureString" {
		p.keyID = ""
	}
	s.ssm.params[name] = p
	return p, nil
}

func init() {
	register(svcSSM, map[string]handlerFunc{
		"PutParameter":        (*Server).putParameterAPI,
		"GetParameter":        (*Server).getParameter,
		"GetParameters":       (*Server).getParameters,
		"DeleteParameter":     (*Server).deleteParameter,
		"DescribeParameters":  (*Server).describeParameters,
		"ListTagsForResource": (*Server).listParameterTags,
	})
}

func (s *Server) putParameterAPI(req *request, now time.Time) (any, error) {
	p, err := s.putParameter(req.jstr("Name"), req.jstr("Type"), req.jstr("Value"), req.jstr("Description"), req.jstr("KeyId"), req.jstr("DataType"),
		req.jstr("Tier"), mergeTags(keyValueTags(req.body["Tags"])), req.jbool("Overwrite"), now)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Version": p.version, "Tier": p.tier}, nil
}

// parameterJSON is a parameter as GetParameter shows it. Without
// decryption a SecureString shows its ciphertext.
func (s *Server) parameterJSON(p *ssmParam, decrypt bool) map[string]any {
	value := p.value
	if p.typ == "SecureString" && !decrypt {
		value = "AQICAH" + base64.StdEncoding.EncodeToString([]byte(p.keyID+":"+strconv.Itoa(p.version)+":"+strconv.Itoa(len(p.value))))
	}
	return prune(map[string]any{"Name": p.name, "Type": p.typ, "Value": value, "Version": p.version, "ARN": s.parameterARN(p),
		"DataType": p.dataType, "LastModifiedDate": ts(p.modified)})
}

func (s *Server) getParameter(req *request, _ time.Time) (any, error) {
	p, err := s.ssm.lookup(req.jstr("Name"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"Parameter": s.parameterJSON(p, req.jbool("WithDecryption"))}, nil
}

func (s *Server) getParameters(req *request, _ time.Time) (any, error) {
	names := req.jstrs("Names")
	if len(names) > 10 {
		return nil, errorf(400, "ValidationException", "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	found, invalid := []any{}, []string{}
	for _, n := range names {
		p, err := s.ssm.lookup(n)
		if err != nil {
			invalid = append(invalid, n)
			continue
		}
		found = append(found, s.parameterJSON(p, req.jbool("WithDecryption")))
	}
	return map[string]any{"Parameters": found, "InvalidParameters": invalid}, nil
}

func (s *Server) deleteParameter(req *request, _ time.Time) (any, error) {
	p := s.ssm.params[req.jstr("Name")]
	if p == nil || p.public {
		return nil, errorf(400, "ParameterNotFound", "")
	}
	delete(s.ssm.params, p.name)
	return map[string]any{}, nil
}

// paramFilter is one of DescribeParameters' ParameterFilters, or one of
// its older Filters (which compare by equality).
type paramFilter struct {
	key, option string
	values      []string
}

func (f paramFilter) match(p *ssmParam) bool {
	if tagKey, ok := strings.CutPrefix(f.key, "tag:"); ok {
		v, has := tagValue(p.tags, tagKey)
		return has && (len(f.values) == 0 || slices.Contains(f.values, v))
	}
	var have string
	switch f.key {
	case "Name":
		have = p.name
	case "Type":
		have = p.typ
	case "KeyId":
		have = p.keyID
	case "Tier":
		have = p.tier
	case "DataType":
		have = p.dataType
	case "Path":
		for _, v := range f.values {
			dir := strings.TrimSuffix(v, "/") + "/"
			rest, ok := strings.CutPrefix(p.name, dir)
			if ok && (f.option == "Recursive" || !strings.Contains(rest, "/")) {
				return true
			}
		}
		return false
	default:
		return true
	}
	for _, v := range f.values {
		switch f.option {
		case "BeginsWith":
			if strings.HasPrefix(have, v) {
				return true
			}
		case "Contains":
			if strings.Contains(have, v) {
				return true
			}
		default:
			if have == v {
				return true
			}
		}
	}
	return false
}

func (s *Server) describeParameters(req *request, _ time.Time) (any, error) {
	var filters []paramFilter
	for _, name := range []string{"ParameterFilters", "Filters"} {
		list, _ := req.body[name].([]any)
		for _, f := range list {
			m, _ := f.(map[string]any)
			filters = append(filters, paramFilter{key: scalarString(m["Key"]), option: scalarString(m["Option"]), values: stringList(m["Values"])})
		}
	}
	var matched []*ssmParam
	for _, name := range slices.Sorted(maps.Keys(s.ssm.params)) {
		p := s.ssm.params[name]
		if !p.public && !slices.ContainsFunc(filters, func(f paramFilter) bool { return !f.match(p) }) {
			matched = append(matched, p)
		}
	}
	page, next := page(matched, req.jstr("NextToken"), req.jint("MaxResults", 10))
	out := []any{}
	for _, p := range page {
		out = append(out, prune(map[string]any{"Name": p.name, "ARN": s.parameterARN(p), "Type": p.typ, "KeyId": p.keyID, "Description": p.description,
			"Version": p.version, "Tier": p.tier, "DataType": p.dataType, "LastModifiedDate": ts(p.modified), "Policies": []any{},
			"LastModifiedUser": "arn:aws:iam::" + s.opts.AccountID + ":user/" + orDefault(req.accessKey, "anonymous")}))
	}
	return prune(map[string]any{"Parameters": out, "NextToken": next}), nil
}

func (s *Server) listParameterTags(req *request, _ time.Time) (any, error) {
	if req.jstr("ResourceType") != "Parameter" {
		return nil, errorf(400, "InvalidResourceType", "")
	}
	p := s.ssm.params[req.jstr("ResourceId")]
	if p == nil || p.public {
		return nil, errorf(400, "InvalidResourceId", "")
	}
	return map[string]any{"TagList": tagsJSON(p.tags)}, nil
}

// --- CloudFormation ---

// ssmParameterType is AWS::SSM::Parameter. Its Tags are a map, not a
// list of Key/Value pairs.
var ssmParameterType = &resourceType{
	attrs: []string{"Type", "Value"}, replace: []string{"Name"}, nameProp: "Name",
	create: func(s *Server, st *stack, r *resource, at time.Time) error {
		if typ := scalarString(r.props["Type"]); typ != "String" && typ != "StringList" {
			// CloudFormation does not create SecureString parameters.
			return invalid("Model validation failed (#/Type: failed validation constraint for keyword [enum])")
		}
		name := scalarString(r.props["Name"])
		if name == "" {
			name = "CFN-" + s.physicalName(st, r.id, 128)
		}
		if s.ssm.params[name] != nil {
			return alreadyExists(r.typ, name)
		}
		p, err := s.putParameter(name, scalarString(r.props["Type"]), scalarString(r.props["Value"]), scalarString(r.props["Description"]), "",
			scalarString(r.props["DataType"]), scalarString(r.props["Tier"]), parameterTags(st, r), false, at)
		if err != nil {
			return invalid("%s", err.(*apiError).message)
		}
		r.physicalID, r.attrs = p.name, map[string]any{"Type": p.typ, "Value": p.value}
		return nil
	},
	update: func(s *Server, st *stack, r *resource, _ map[string]any, at time.Time, _ bool) error {
		p, err := s.putParameter(r.physicalID, scalarString(r.props["Type"]), scalarString(r.props["Value"]), scalarString(r.props["Description"]), "",
			scalarString(r.props["DataType"]), scalarString(r.props["Tier"]), nil, true, at)
		if err != nil {
			return invalid("%s", err.(*apiError).message)
		}
		p.tags = parameterTags(st, r)
		r.attrs = map[string]any{"Type": p.typ, "Value": p.value}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) { delete(s.ssm.params, r.physicalID) },
}

// parameterTags are the tags of an AWS::SSM::Parameter, whose Tags
// property is a JSON object.
func parameterTags(st *stack, r *resource) []tag { return cfnTags(st, r, mapTags(r.props["Tags"])) }
