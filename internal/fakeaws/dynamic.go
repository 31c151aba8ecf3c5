package fakeaws

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// This file is where a stack reads the other services' stores: template
// parameters whose type is AWS::SSM::Parameter::Value<...>, and the
// dynamic references {{resolve:ssm:...}}, {{resolve:ssm-secure:...}} and
// {{resolve:secretsmanager:...}} in resource properties.

// ssmParameterValue reports whether a template parameter's value is the
// name of an SSM parameter whose value the stack uses.
func ssmParameterValue(typ string) bool {
	return strings.HasPrefix(typ, "AWS::SSM::Parameter::Value<")
}

// checkSSMParameters is what CloudFormation checks when a stack operation
// is submitted: every SSM parameter the template's parameters name exists.
func (s *Server) checkSSMParameters(t *template, values map[string]string) error {
	var missing []string
	for _, name := range t.paramOrder {
		if !ssmParameterValue(t.params[name].typ) {
			continue
		}
		if _, err := s.ssm.lookup(values[name]); err != nil {
			missing = append(missing, values[name])
		}
	}
	if len(missing) > 0 {
		return validationError("Unable to fetch parameters [%s] from parameter store for this account.", strings.Join(missing, ","))
	}
	return nil
}

// resolvedParams gives SSM-typed parameters the value of the SSM
// parameter they name, at the time of the call: an update with the same
// parameters picks up a new value (a newer AMI, say).
func (s *Server) resolvedParams(t *template, values map[string]string) map[string]string {
	out := make(map[string]string, len(values))
	for name, v := range values {
		out[name] = v
		if p := t.params[name]; p != nil && ssmParameterValue(p.typ) {
			if sp, err := s.ssm.lookup(v); err == nil {
				out[name] = sp.value
			}
		}
	}
	return out
}

var dynamicReference = regexp.MustCompile(`\{\{resolve:(ssm|ssm-secure|secretsmanager):([^}]*)\}\}`)

// checkDynamicReferences refuses, when a stack operation is submitted, a
// {{resolve:ssm:NAME}} whose parameter does not exist. References whose
// name is computed (Fn::Sub) are checked when the resource is created.
func (s *Server) checkDynamicReferences(t *template) error {
	var missing []string
	for _, id := range t.order {
		walkStrings(t.resources[id].props, func(str string) {
			for _, m := range dynamicReference.FindAllStringSubmatch(str, -1) {
				if m[1] == "secretsmanager" || strings.Contains(m[2], "${") {
					continue
				}
				if _, err := s.ssm.lookup(m[2]); err != nil && !slices.Contains(missing, "ssm:"+m[2]) {
					missing = append(missing, "ssm:"+m[2])
				}
			}
		})
	}
	if len(missing) > 0 {
		return validationError("Parameters: [%s] cannot be found.", strings.Join(missing, ", "))
	}
	return nil
}

// walkStrings calls fn with every string in v, mapping entries in the
// order of their keys, so that an error listing them reads the same
// every time.
func walkStrings(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case []any:
		for _, e := range x {
			walkStrings(e, fn)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			walkStrings(x[k], fn)
		}
	}
}

// resolveDynamic replaces the dynamic references in evaluated properties
// with the values they name.
func (s *Server) resolveDynamic(v any) (any, error) {
	switch x := v.(type) {
	case string:
		var firstErr error
		out := dynamicReference.ReplaceAllStringFunc(x, func(ref string) string {
			m := dynamicReference.FindStringSubmatch(ref)
			value, err := s.dynamicValue(m[1], m[2])
			if err != nil && firstErr == nil {
				firstErr = err
			}
			return value
		})
		return out, firstErr
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := s.resolveDynamic(e)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := s.resolveDynamic(e)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	}
	return v, nil
}

func (s *Server) dynamicValue(service, ref string) (string, error) {
	if service != "secretsmanager" {
		p, err := s.ssm.lookup(ref)
		if err != nil {
			return "", fmt.Errorf("Parameters: [%s:%s] cannot be found.", service, ref)
		}
		return p.value, nil
	}
	// secret-id:SecretString:json-key:version-stage:version-id, where
	// secret-id may be an ARN, colons and all.
	var id string
	parts := strings.Split(ref, ":")
	if parts[0] == "arn" && len(parts) >= 7 {
		id, parts = strings.Join(parts[:7], ":"), parts[7:]
	} else {
		id, parts = parts[0], parts[1:]
	}
	for len(parts) < 4 {
		parts = append(parts, "")
	}
	sec := s.secrets.find(id)
	if sec == nil {
		return "", fmt.Errorf("Secrets Manager can't find the specified secret. (Service: AWSSecretsManager; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: %s; Proxy: null)", s.uuid())
	}
	if !sec.deleted.IsZero() {
		return "", fmt.Errorf("%s (Service: AWSSecretsManager; Status Code: 400; Error Code: InvalidRequestException; Request ID: %s; Proxy: null)", errSecretDeleted.message, s.uuid())
	}
	v := sec.version(parts[3], orDefault(parts[2], "AWSCURRENT"))
	if v == nil || v.str == nil {
		return "", fmt.Errorf("Secrets Manager can't find the specified secret value for staging label: %s (Service: AWSSecretsManager; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: %s; Proxy: null)", orDefault(parts[2], "AWSCURRENT"), s.uuid())
	}
	if parts[1] == "" {
		return *v.str, nil
	}
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(*v.str))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil || doc[parts[1]] == nil {
		return "", fmt.Errorf("Could not find a value associated with JSONKey in SecretString")
	}
	return scalarString(doc[parts[1]]), nil
}
