package fakeaws

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"
)

type secretsState struct {
	secrets []*secret
}

type secret struct {
	arn, name, description, kmsKeyID string
	tags                             []tag
	versions                         []*secretVersion // oldest first
	created, changed, accessed       time.Time
	deleted                          time.Time // when DeleteSecret scheduled the deletion; zero when not scheduled
	deletion                         time.Time // when the scheduled deletion happens
}

type secretVersion struct {
	id      string
	str     *string
	bin     []byte
	stages  []string
	created time.Time
}

// Secret is a secret of the fake Secrets Manager, for assertions.
type Secret struct {
	Name, ARN, Description, KmsKeyID string
	Tags                             map[string]string
	Created                          time.Time
	// DeletedDate is when DeleteSecret scheduled the secret's deletion,
	// and DeletionDate when it will be gone; both zero for a live secret.
	DeletedDate, DeletionDate time.Time
	Versions                  int
}

// Secrets returns every secret, those scheduled for deletion included, by
// name.
func (s *Server) Secrets() []Secret {
	s.lock()
	defer s.mu.Unlock()
	var out []Secret
	for _, sec := range s.secrets.secrets {
		out = append(out, Secret{Name: sec.name, ARN: sec.arn, Description: sec.description, KmsKeyID: sec.kmsKeyID, Tags: tagMap(sec.tags),
			Created: sec.created, DeletedDate: sec.deleted, DeletionDate: sec.deletion, Versions: len(sec.versions)})
	}
	slices.SortFunc(out, func(a, b Secret) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// SecretValue returns the current value of a secret, named by name or
// ARN: its SecretString, or its SecretBinary as a string. ok is false
// when there is no such secret or it has no value.
func (s *Server) SecretValue(nameOrARN string) (value string, ok bool) {
	s.lock()
	defer s.mu.Unlock()
	sec := s.secrets.find(nameOrARN)
	if sec == nil {
		return "", false
	}
	v := sec.version("", "AWSCURRENT")
	if v == nil {
		return "", false
	}
	if v.str != nil {
		return *v.str, true
	}
	return string(v.bin), true
}

// find resolves a SecretId: a name, a full ARN, or an ARN without the
// six random characters.
func (st *secretsState) find(id string) *secret {
	for _, sec := range st.secrets {
		if sec.arn == id || sec.name == id || (strings.HasPrefix(id, "arn:") && sec.arn[:len(sec.arn)-7] == id) {
			return sec
		}
	}
	return nil
}

// version finds a version by ID, or by staging label.
func (sec *secret) version(id, stage string) *secretVersion {
	for _, v := range sec.versions {
		if (id != "" && v.id == id) || (id == "" && slices.Contains(v.stages, stage)) {
			return v
		}
	}
	return nil
}

// addVersion makes a new value current; the one it replaces becomes
// AWSPREVIOUS.
func (sec *secret) addVersion(id string, str *string, bin []byte, at time.Time) *secretVersion {
	for _, v := range sec.versions {
		v.stages = slices.DeleteFunc(v.stages, func(st string) bool { return st == "AWSPREVIOUS" })
		if i := slices.Index(v.stages, "AWSCURRENT"); i >= 0 {
			v.stages[i] = "AWSPREVIOUS"
		}
	}
	v := &secretVersion{id: id, str: str, bin: bin, stages: []string{"AWSCURRENT"}, created: at}
	sec.versions = append(sec.versions, v)
	sec.changed = at
	return v
}

var (
	errNoSecret      = errorf(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
	errSecretDeleted = errorf(400, "InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
)

var secretNamePattern = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)

// newSecret creates a secret without a value; names are unique among the
// secrets not yet deleted for good.
func (s *Server) newSecret(name, description, kmsKeyID string, tags []tag, at time.Time) (*secret, error) {
	if !secretNamePattern.MatchString(name) {
		return nil, errorf(400, "ValidationException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
	}
	if old := s.secrets.find(name); old != nil {
		if !old.deleted.IsZero() {
			return nil, errorf(400, "InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
		}
		return nil, errorf(400, "ResourceExistsException", "The operation failed because the secret %s already exists.", name)
	}
	sec := &secret{arn: s.arn("secretsmanager", "secret:"+name+"-"+s.randString(upperAlnum+lowerAlnum[:26], 6)), name: name,
		description: description, kmsKeyID: kmsKeyID, tags: tags, created: at, changed: at}
	s.secrets.secrets = append(s.secrets.secrets, sec)
	return sec, nil
}

// removeSecret deletes a secret for good.
func (s *Server) removeSecret(sec *secret) {
	s.secrets.secrets = slices.DeleteFunc(s.secrets.secrets, func(x *secret) bool { return x == sec })
}

func init() {
	register(svcSecrets, map[string]handlerFunc{
		"CreateSecret":   (*Server).createSecret,
		"PutSecretValue": (*Server).putSecretValue,
		"UpdateSecret":   (*Server).updateSecret,
		"DescribeSecret": (*Server).describeSecret,
		"GetSecretValue": (*Server).getSecretValue,
		"ListSecrets":    (*Server).listSecrets,
		"DeleteSecret":   (*Server).deleteSecret,
		"RestoreSecret":  (*Server).restoreSecret,
		"TagResource":    (*Server).tagSecret,
		"UntagResource":  (*Server).untagSecret,
	})
}

// secretArg finds the secret of a call; live refuses a secret scheduled
// for deletion.
func (s *Server) secretArg(req *request, live bool) (*secret, error) {
	sec := s.secrets.find(req.jstr("SecretId"))
	if sec == nil {
		return nil, errNoSecret
	}
	if live && !sec.deleted.IsZero() {
		return nil, errSecretDeleted
	}
	return sec, nil
}

// secretValueArg reads SecretString or SecretBinary (base64 in JSON).
func secretValueArg(req *request) (str *string, bin []byte, given bool, err error) {
	if v, ok := req.body["SecretString"].(string); ok {
		str, given = &v, true
	}
	if v, ok := req.body["SecretBinary"].(string); ok {
		if str != nil {
			return nil, nil, false, errorf(400, "InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.")
		}
		bin, err = base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, nil, false, errorf(400, "InvalidParameterException", "SecretBinary is not valid base64.")
		}
		given = true
	}
	if str != nil && len(*str) > 65536 {
		return nil, nil, false, errorf(400, "InvalidParameterException", "You can't exceed the maximum secret size of 65536 bytes.")
	}
	return str, bin, given, nil
}

// versionToken is the version ID of a new value: the ClientRequestToken
// the SDK fills in, else a new UUID.
func (s *Server) versionToken(req *request) string {
	return orDefault(req.jstr("ClientRequestToken"), s.uuid())
}

func (s *Server) createSecret(req *request, now time.Time) (any, error) {
	str, bin, given, err := secretValueArg(req)
	if err != nil {
		return nil, err
	}
	sec, err := s.newSecret(req.jstr("Name"), req.jstr("Description"), req.jstr("KmsKeyId"), mergeTags(keyValueTags(req.body["Tags"])), now)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"ARN": sec.arn, "Name": sec.name}
	if given {
		out["VersionId"] = sec.addVersion(s.versionToken(req), str, bin, now).id
	}
	return out, nil
}

func (s *Server) putSecretValue(req *request, now time.Time) (any, error) {
	sec, err := s.secretArg(req, true)
	if err != nil {
		return nil, err
	}
	str, bin, given, err := secretValueArg(req)
	if err != nil {
		return nil, err
	}
	if !given {
		return nil, errorf(400, "InvalidRequestException", "You must provide either SecretString or SecretBinary.")
	}
	token := s.versionToken(req)
	v := sec.version(token, "")
	if v == nil {
		v = sec.addVersion(token, str, bin, now)
	}
	return map[string]any{"ARN": sec.arn, "Name": sec.name, "VersionId": v.id, "VersionStages": v.stages}, nil
}

func (s *Server) updateSecret(req *request, now time.Time) (any, error) {
	sec, err := s.secretArg(req, true)
	if err != nil {
		return nil, err
	}
	str, bin, given, err := secretValueArg(req)
	if err != nil {
		return nil, err
	}
	if _, ok := req.body["Description"]; ok {
		sec.description = req.jstr("Description")
	}
	if _, ok := req.body["KmsKeyId"]; ok {
		sec.kmsKeyID = req.jstr("KmsKeyId")
	}
	sec.changed = now
	out := map[string]any{"ARN": sec.arn, "Name": sec.name}
	if given {
		out["VersionId"] = sec.addVersion(s.versionToken(req), str, bin, now).id
	}
	return out, nil
}

// secretJSON is a secret as DescribeSecret and ListSecrets show it.
func secretJSON(sec *secret) map[string]any {
	stages := map[string]any{}
	for _, v := range sec.versions {
		if len(v.stages) > 0 {
			stages[v.id] = v.stages
		}
	}
	out := prune(map[string]any{"ARN": sec.arn, "Name": sec.name, "Description": sec.description, "KmsKeyId": sec.kmsKeyID,
		"CreatedDate": epoch(sec.created), "LastChangedDate": epoch(sec.changed), "LastAccessedDate": ts(sec.accessed),
		"DeletedDate": ts(sec.deleted), "Tags": tagsJSON(sec.tags)})
	if len(stages) > 0 {
		out["VersionIdsToStages"] = stages
	}
	return out
}

func (s *Server) describeSecret(req *request, _ time.Time) (any, error) {
	sec, err := s.secretArg(req, false)
	if err != nil {
		return nil, err
	}
	return secretJSON(sec), nil
}

// getSecretValue reads a version, AWSCURRENT by default, and records the
// day of the access as Secrets Manager does.
func (s *Server) getSecretValue(req *request, now time.Time) (any, error) {
	sec, err := s.secretArg(req, true)
	if err != nil {
		return nil, err
	}
	stage := orDefault(req.jstr("VersionStage"), "AWSCURRENT")
	v := sec.version(req.jstr("VersionId"), stage)
	if v == nil {
		if id := req.jstr("VersionId"); id != "" {
			return nil, errorf(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: %s", id)
		}
		return nil, errorf(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: %s", stage)
	}
	sec.accessed = now.UTC().Truncate(24 * time.Hour)
	out := map[string]any{"ARN": sec.arn, "Name": sec.name, "VersionId": v.id, "VersionStages": v.stages, "CreatedDate": epoch(v.created)}
	if v.str != nil {
		out["SecretString"] = *v.str
	} else {
		out["SecretBinary"] = base64.StdEncoding.EncodeToString(v.bin)
	}
	return out, nil
}

// secretFilter is one of ListSecrets' Filters: each value is a prefix,
// or with a leading "!" a prefix to exclude.
type secretFilter struct {
	key    string
	values []string
}

func (f secretFilter) match(sec *secret) bool {
	var have []string
	fold := false
	switch f.key {
	case "name":
		have = []string{sec.name}
	case "description":
		have, fold = []string{sec.description}, true
	case "tag-key", "tag-value":
		for _, t := range sec.tags {
			have = append(have, map[string]string{"tag-key": t.key, "tag-value": t.value}[f.key])
		}
	case "all":
		have, fold = []string{sec.name, sec.description}, true
		for _, t := range sec.tags {
			have = append(have, t.key, t.value)
		}
	default:
		return true
	}
	prefixed := func(want string) bool {
		for _, h := range have {
			if strings.HasPrefix(h, want) || (fold && strings.HasPrefix(strings.ToLower(h), strings.ToLower(want))) {
				return true
			}
		}
		return false
	}
	positive, any := false, false
	for _, v := range f.values {
		if neg, ok := strings.CutPrefix(v, "!"); ok {
			if prefixed(neg) {
				return false
			}
			continue
		}
		positive = true
		any = any || prefixed(v)
	}
	return !positive || any
}

func (s *Server) listSecrets(req *request, _ time.Time) (any, error) {
	var filters []secretFilter
	list, _ := req.body["Filters"].([]any)
	for _, f := range list {
		m, _ := f.(map[string]any)
		filters = append(filters, secretFilter{key: scalarString(m["Key"]), values: stringList(m["Values"])})
	}
	planned := req.jbool("IncludePlannedDeletion")
	var matched []*secret
	for _, sec := range s.secrets.secrets {
		if !sec.deleted.IsZero() && !planned {
			continue
		}
		if !slices.ContainsFunc(filters, func(f secretFilter) bool { return !f.match(sec) }) {
			matched = append(matched, sec)
		}
	}
	// Secrets are kept in creation order; ListSecrets lists the newest
	// first unless told otherwise.
	if req.jstr("SortOrder") != "asc" {
		slices.Reverse(matched)
	}
	page, next := page(matched, req.jstr("NextToken"), req.jint("MaxResults", 100))
	entries := []any{}
	for _, sec := range page {
		e := secretJSON(sec)
		e["SecretVersionsToStages"] = e["VersionIdsToStages"]
		delete(e, "VersionIdsToStages")
		entries = append(entries, prune(e))
	}
	return prune(map[string]any{"SecretList": entries, "NextToken": next}), nil
}

// deleteSecret schedules the deletion after the recovery window, or
// deletes at once when told not to wait.
func (s *Server) deleteSecret(req *request, now time.Time) (any, error) {
	sec, err := s.secretArg(req, false)
	if err != nil {
		return nil, err
	}
	force := req.jbool("ForceDeleteWithoutRecovery")
	days, hasDays := req.jint64("RecoveryWindowInDays")
	switch {
	case force && hasDays:
		return nil, errorf(400, "InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	case hasDays && (days < 7 || days > 30):
		return nil, errorf(400, "InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
	case !sec.deleted.IsZero() && !force:
		return nil, errSecretDeleted
	case force:
		s.removeSecret(sec)
		return map[string]any{"ARN": sec.arn, "Name": sec.name, "DeletionDate": epoch(now)}, nil
	}
	if !hasDays {
		days = 30
	}
	window := time.Duration(days) * 24 * time.Hour
	sec.deleted, sec.deletion = now, now.Add(s.simulated(window))
	s.after(now, window, func(time.Time) {
		if sec.deletion.Equal(now.Add(s.simulated(window))) {
			s.removeSecret(sec)
		}
	})
	return map[string]any{"ARN": sec.arn, "Name": sec.name, "DeletionDate": epoch(sec.deletion)}, nil
}

func (s *Server) restoreSecret(req *request, _ time.Time) (any, error) {
	sec, err := s.secretArg(req, false)
	if err != nil {
		return nil, err
	}
	sec.deleted, sec.deletion = time.Time{}, time.Time{}
	return map[string]any{"ARN": sec.arn, "Name": sec.name}, nil
}

func (s *Server) tagSecret(req *request, _ time.Time) (any, error) {
	sec, err := s.secretArg(req, true)
	if err != nil {
		return nil, err
	}
	sec.tags = mergeTags(keyValueTags(req.body["Tags"]), sec.tags)
	return map[string]any{}, nil
}

func (s *Server) untagSecret(req *request, _ time.Time) (any, error) {
	sec, err := s.secretArg(req, true)
	if err != nil {
		return nil, err
	}
	keys := req.jstrs("TagKeys")
	sec.tags = slices.DeleteFunc(sec.tags, func(t tag) bool { return slices.Contains(keys, t.key) })
	return map[string]any{}, nil
}

// --- CloudFormation ---

const (
	passwordPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
	passwordDigits      = "0123456789"
	passwordLower       = "abcdefghijklmnopqrstuvwxyz"
	passwordUpper       = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// generateSecretString follows GenerateSecretString: a password drawn from
// the included character types, at least one of each by default, alone or
// added to SecretStringTemplate under GenerateStringKey.
func (s *Server) generateSecretString(g map[string]any) (string, error) {
	length := intProp(g["PasswordLength"], 32)
	exclude := scalarString(g["ExcludeCharacters"])
	var types []string
	for _, t := range []struct{ prop, chars string }{{"ExcludeLowercase", passwordLower}, {"ExcludeUppercase", passwordUpper}, {"ExcludeNumbers", passwordDigits}, {"ExcludePunctuation", passwordPunctuation}} {
		if scalarString(g[t.prop]) == "true" {
			continue
		}
		chars := strings.Map(func(r rune) rune {
			if strings.ContainsRune(exclude, r) {
				return -1
			}
			return r
		}, t.chars)
		if chars != "" {
			types = append(types, chars)
		}
	}
	if scalarString(g["IncludeSpace"]) == "true" {
		types = append(types, " ")
	}
	if len(types) == 0 || length < 1 {
		return "", invalid("Invalid request provided: the password cannot be generated from the given constraints.")
	}
	var b []byte
	if scalarString(g["RequireEachIncludedType"]) != "false" {
		for _, chars := range types {
			b = append(b, s.randString(chars, 1)[0])
		}
	}
	all := strings.Join(types, "")
	for len(b) < length {
		b = append(b, s.randString(all, 1)[0])
	}
	b = b[:length]
	s.rng.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
	password := string(b)
	tmpl, key := scalarString(g["SecretStringTemplate"]), scalarString(g["GenerateStringKey"])
	if tmpl == "" {
		return password, nil
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(tmpl), &doc); err != nil || key == "" {
		return "", invalid("Invalid request provided: SecretStringTemplate must be a JSON object and GenerateStringKey must be set.")
	}
	doc[key] = password
	out, _ := json.Marshal(doc)
	return string(out), nil
}

// secretValueOf is the value an AWS::SecretsManager::Secret sets.
func (s *Server) secretValueOf(props map[string]any) (*string, error) {
	if g, ok := props["GenerateSecretString"].(map[string]any); ok {
		v, err := s.generateSecretString(g)
		return &v, err
	}
	if v, ok := props["SecretString"]; ok {
		str := scalarString(v)
		return &str, nil
	}
	return nil, nil
}

var secretType = &resourceType{
	attrs: []string{"Id"}, replace: []string{"Name"}, nameProp: "Name",
	create: func(s *Server, st *stack, r *resource, at time.Time) error {
		value, err := s.secretValueOf(r.props)
		if err != nil {
			return err
		}
		name := s.nameOr(st, r, "Name", 256)
		if s.secrets.find(name) != nil {
			return alreadyExists(r.typ, name)
		}
		sec, err := s.newSecret(name, scalarString(r.props["Description"]), scalarString(r.props["KmsKeyId"]), stackTags(st, r), at)
		if err != nil {
			return invalid("%s", err.(*apiError).message)
		}
		if value != nil {
			sec.addVersion(s.uuid(), value, nil, at)
		}
		r.physicalID, r.attrs = sec.arn, map[string]any{"Id": sec.arn}
		return nil
	},
	update: func(s *Server, st *stack, r *resource, old map[string]any, at time.Time, _ bool) error {
		sec := s.secrets.find(r.physicalID)
		if sec == nil {
			return notFound("Secrets Manager can't find the specified secret.")
		}
		sec.description, sec.kmsKeyID, sec.tags, sec.changed = scalarString(r.props["Description"]), scalarString(r.props["KmsKeyId"]), stackTags(st, r), at
		if sameValue(old["SecretString"], r.props["SecretString"]) && sameValue(old["GenerateSecretString"], r.props["GenerateSecretString"]) {
			return nil
		}
		value, err := s.secretValueOf(r.props)
		if err != nil || value == nil {
			return err
		}
		sec.addVersion(s.uuid(), value, nil, at)
		return nil
	},
	// CloudFormation deletes the secret without a recovery window, so
	// that the stack can be created again with the same names.
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		if sec := s.secrets.find(r.physicalID); sec != nil {
			s.removeSecret(sec)
		}
	},
}
