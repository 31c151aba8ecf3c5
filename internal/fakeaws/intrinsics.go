package fakeaws

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// noValue is what {"Ref": "AWS::NoValue"} evaluates to: the member that
// holds it disappears.
type noValueType struct{}

var noValue = noValueType{}

// evaluator evaluates intrinsic functions for one stack operation. How
// resources resolve is up to the caller: the engine reads the live stack,
// the change-set diff substitutes placeholders for values not known yet.
// Its errors use CloudFormation's wording, capitals included, because they
// become a ResourceStatusReason or a ValidationError message verbatim.
type evaluator struct {
	s          *Server
	t          *template
	stackName  string
	stackID    string
	params     map[string]string
	conds      map[string]bool
	condsBusy  map[string]bool
	ref        func(id string) (any, error)
	getAtt     func(id, attr string) (any, error)
	importName func(name string) (string, bool)
}

func (e *evaluator) eval(v any) (any, error) {
	switch x := v.(type) {
	case []any:
		out := make([]any, 0, len(x))
		for _, el := range x {
			r, err := e.eval(el)
			if err != nil {
				return nil, err
			}
			if r != noValue {
				out = append(out, r)
			}
		}
		return out, nil
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					return e.intrinsic(k, arg)
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, el := range x {
			r, err := e.eval(el)
			if err != nil {
				return nil, err
			}
			if r != noValue {
				out[k] = r
			}
		}
		return out, nil
	}
	return v, nil
}

func (e *evaluator) evalString(v any, fn string) (string, error) {
	r, err := e.eval(v)
	if err != nil {
		return "", err
	}
	switch r.(type) {
	case []any, map[string]any:
		return "", fmt.Errorf("Template error: every %s argument must be a string", fn)
	}
	return scalarString(r), nil
}

func (e *evaluator) evalList(v any, fn string) ([]any, error) {
	r, err := e.eval(v)
	if err != nil {
		return nil, err
	}
	l, ok := r.([]any)
	if !ok {
		return nil, fmt.Errorf("Template error: %s requires a list", fn)
	}
	return l, nil
}

func args(arg any, n int, fn string) ([]any, error) {
	l, ok := arg.([]any)
	if !ok || len(l) != n {
		return nil, fmt.Errorf("Template error: %s requires a list of %d elements", fn, n)
	}
	return l, nil
}

func (e *evaluator) intrinsic(fn string, arg any) (any, error) {
	switch fn {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("Template error: Ref requires a string")
		}
		return e.refValue(name)
	case "Fn::GetAtt":
		id, attr, ok := getAttArgs(arg)
		if !ok {
			return nil, fmt.Errorf("Template error: Fn::GetAtt requires a resource and an attribute")
		}
		return e.getAtt(id, attr)
	case "Fn::Sub":
		return e.sub(arg)
	case "Fn::Join":
		l, err := args(arg, 2, fn)
		if err != nil {
			return nil, err
		}
		delim, err := e.evalString(l[0], fn)
		if err != nil {
			return nil, err
		}
		items, err := e.evalList(l[1], fn)
		if err != nil {
			return nil, err
		}
		parts := make([]string, len(items))
		for i, it := range items {
			if parts[i], err = e.evalString(it, fn); err != nil {
				return nil, err
			}
		}
		return strings.Join(parts, delim), nil
	case "Fn::Select":
		l, err := args(arg, 2, fn)
		if err != nil {
			return nil, err
		}
		idx, err := e.evalString(l[0], fn)
		if err != nil {
			return nil, err
		}
		items, err := e.evalList(l[1], fn)
		if err != nil {
			return nil, err
		}
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 || i >= len(items) {
			return nil, fmt.Errorf("Template error: Fn::Select cannot select nonexistent value at index %s", idx)
		}
		return items[i], nil
	case "Fn::Split":
		l, err := args(arg, 2, fn)
		if err != nil {
			return nil, err
		}
		delim, err := e.evalString(l[0], fn)
		if err != nil {
			return nil, err
		}
		str, err := e.evalString(l[1], fn)
		if err != nil {
			return nil, err
		}
		var out []any
		for _, p := range strings.Split(str, delim) {
			out = append(out, p)
		}
		return out, nil
	case "Fn::GetAZs":
		region, err := e.evalString(arg, fn)
		if err != nil {
			return nil, err
		}
		if region == "" {
			region = e.s.opts.Region
		}
		var out []any
		for _, az := range availabilityZones(region) {
			out = append(out, az)
		}
		return out, nil
	case "Fn::If":
		l, err := args(arg, 3, fn)
		if err != nil {
			return nil, err
		}
		name, _ := l[0].(string)
		ok, err := e.condition(name)
		if err != nil {
			return nil, err
		}
		if ok {
			return e.eval(l[1])
		}
		return e.eval(l[2])
	case "Fn::Equals":
		l, err := args(arg, 2, fn)
		if err != nil {
			return nil, err
		}
		a, err := e.eval(l[0])
		if err != nil {
			return nil, err
		}
		b, err := e.eval(l[1])
		if err != nil {
			return nil, err
		}
		return sameValue(a, b), nil
	case "Fn::Not", "Fn::And", "Fn::Or":
		l, ok := arg.([]any)
		if !ok || len(l) == 0 || (fn == "Fn::Not" && len(l) != 1) {
			return nil, fmt.Errorf("Template error: %s requires a list of conditions", fn)
		}
		result := fn == "Fn::And"
		for _, c := range l {
			b, err := e.boolean(c)
			if err != nil {
				return nil, err
			}
			switch fn {
			case "Fn::Not":
				return !b, nil
			case "Fn::And":
				result = result && b
			case "Fn::Or":
				result = result || b
			}
		}
		return result, nil
	case "Fn::Base64":
		str, err := e.evalString(arg, fn)
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.EncodeToString([]byte(str)), nil
	case "Fn::FindInMap":
		l, err := args(arg, 3, fn)
		if err != nil {
			return nil, err
		}
		keys := make([]string, 3)
		for i := range l {
			if keys[i], err = e.evalString(l[i], fn); err != nil {
				return nil, err
			}
		}
		top, _ := e.t.mappings[keys[0]].(map[string]any)
		second, _ := top[keys[1]].(map[string]any)
		v, ok := second[keys[2]]
		if !ok {
			return nil, fmt.Errorf("Template error: Unable to get mapping for %s::%s::%s", keys[0], keys[1], keys[2])
		}
		return v, nil
	case "Fn::ImportValue":
		name, err := e.evalString(arg, fn)
		if err != nil {
			return nil, err
		}
		if v, ok := e.importName(name); ok {
			return v, nil
		}
		return nil, fmt.Errorf("No export named %s found", name)
	}
	return nil, fmt.Errorf("Template error: the fake does not support %s", fn)
}

// stringify turns every scalar into its string form, so that sameValue
// (Fn::Equals, property changes) compares 80 and "80" the way
// CloudFormation does.
func stringify(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = stringify(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = stringify(e)
		}
		return out
	}
	return scalarString(v)
}

func (e *evaluator) refValue(name string) (any, error) {
	switch name {
	case "AWS::Region":
		return e.s.opts.Region, nil
	case "AWS::AccountId":
		return e.s.opts.AccountID, nil
	case "AWS::StackName":
		return e.stackName, nil
	case "AWS::StackId":
		return e.stackID, nil
	case "AWS::Partition":
		return partition(e.s.opts.Region), nil
	case "AWS::URLSuffix":
		return urlSuffix(e.s.opts.Region), nil
	case "AWS::NoValue":
		return noValue, nil
	case "AWS::NotificationARNs":
		return []any{}, nil
	}
	if p := e.t.params[name]; p != nil {
		v := e.params[name]
		if strings.HasPrefix(p.typ, "List<") || p.typ == "CommaDelimitedList" || strings.Contains(p.typ, "<List<") {
			var out []any
			for _, item := range strings.Split(v, ",") {
				out = append(out, strings.TrimSpace(item))
			}
			return out, nil
		}
		return v, nil
	}
	return e.ref(name)
}

func (e *evaluator) sub(arg any) (any, error) {
	str, vars := subArgs(arg)
	local := map[string]string{}
	for k, v := range vars {
		s, err := e.evalString(v, "Fn::Sub")
		if err != nil {
			return nil, err
		}
		local[k] = s
	}
	var firstErr error
	out := subVariable.ReplaceAllStringFunc(str, func(m string) string {
		name := m[2 : len(m)-1]
		if strings.HasPrefix(name, "!") {
			return "${" + name[1:] + "}"
		}
		if v, ok := local[name]; ok {
			return v
		}
		var v any
		var err error
		if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			v, err = e.getAtt(id, attr)
		} else {
			v, err = e.refValue(name)
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return outputString(v)
	})
	return out, firstErr
}

// boolean evaluates one element of a condition function: a condition
// function, or {"Condition": "Name"}.
func (e *evaluator) boolean(v any) (bool, error) {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if name, ok := m["Condition"].(string); ok {
			return e.condition(name)
		}
	}
	r, err := e.eval(v)
	if err != nil {
		return false, err
	}
	b, ok := r.(bool)
	if !ok {
		return false, fmt.Errorf("Template error: a condition must evaluate to true or false")
	}
	return b, nil
}

func (e *evaluator) condition(name string) (bool, error) {
	if b, ok := e.conds[name]; ok {
		return b, nil
	}
	def, ok := e.t.conditions[name]
	if !ok {
		return false, fmt.Errorf("Template format error: Unresolved condition dependency %s", name)
	}
	if e.condsBusy[name] {
		return false, fmt.Errorf("Template error: circular condition dependency on %s", name)
	}
	if e.condsBusy == nil {
		e.condsBusy = map[string]bool{}
	}
	e.condsBusy[name] = true
	b, err := e.boolean(def)
	if err != nil {
		return false, err
	}
	if e.conds == nil {
		e.conds = map[string]bool{}
	}
	e.conds[name] = b
	return b, nil
}

// active reports whether a resource or output exists under the template's
// conditions.
func (e *evaluator) active(condition string) (bool, error) {
	if condition == "" {
		return true, nil
	}
	return e.condition(condition)
}
