package fakeaws

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

type changeSet struct {
	id, name, description string
	typ                   string // CREATE or UPDATE
	st                    *stack
	status, reason, exec  string
	created               time.Time
	tmpl                  *template
	params                map[string]string
	tags                  []tag
	capabilities          []string
	onFailure             string
	changes               []change
}

type change struct {
	action, id, typ, physicalID, replacement string
	scope                                    []string
	details                                  []changeDetail
}

type changeDetail struct {
	attribute, name, recreation, evaluation, source, causing string
}

// unknownValue stands, while a change set is computed, for a value that is
// only known once a resource has been created or replaced.
const unknownPrefix = "${fakeaws:unknown:"

var unknownValue = regexp.MustCompile(`\$\{fakeaws:unknown:([^}]*)\}`)

// topo orders ids so that every resource comes after those it depends on;
// among independent resources, by name.
func (t *template) topo(ids []string) []string {
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	var out []string
	placed := map[string]bool{}
	for len(out) < len(ids) {
		progress := false
		for _, id := range ids {
			if placed[id] {
				continue
			}
			ready := true
			for _, d := range t.resources[id].deps {
				if in[d] && !placed[d] {
					ready = false
				}
			}
			if ready {
				placed[id] = true
				out = append(out, id)
				progress = true
			}
		}
		if !progress {
			break
		}
	}
	return out
}

// alive reports whether a stack resource physically exists.
func (r *resource) alive() bool {
	return r != nil && r.physicalID != "" && r.status != "DELETE_COMPLETE" && r.status != "DELETE_SKIPPED"
}

// diff computes the changes that moving st to t with params would make,
// the way a change set reports them. Values that depend on resources being
// added or replaced are unknown, which makes the changes they cause
// Dynamic and their replacement Conditional.
func (s *Server) diff(st *stack, t *template, params map[string]string) ([]change, error) {
	unknown := map[string]bool{}
	e := s.evaluatorFor(st, t, params)
	e.ref = func(id string) (any, error) {
		if r := st.resources[id]; !unknown[id] && r.alive() {
			return r.physicalID, nil
		}
		return unknownPrefix + id + "}", nil
	}
	live := e.getAtt
	e.getAtt = func(id, attr string) (any, error) {
		if r := st.resources[id]; !unknown[id] && r.alive() {
			if v, err := live(id, attr); err == nil {
				return v, nil
			}
		}
		return unknownPrefix + id + "." + attr + "}", nil
	}
	ids, err := activeResources(e, t)
	if err != nil {
		return nil, err
	}
	var changes []change
	for _, id := range t.topo(ids) {
		def := t.resources[id]
		cur := st.resources[id]
		if !cur.alive() {
			unknown[id] = true
			changes = append(changes, change{action: "Add", id: id, typ: def.typ})
			continue
		}
		props := map[string]any{}
		for k, v := range def.props {
			ev, err := e.eval(v)
			if err != nil {
				ev = unknownPrefix + id + "}"
			}
			if ev != noValue {
				props[k] = ev
			}
		}
		changed := changedProperties(cur.declared, props)
		typeChanged := cur.typ != def.typ
		if len(changed) == 0 && !typeChanged {
			continue
		}
		c := change{action: "Modify", id: id, typ: def.typ, physicalID: cur.physicalID, replacement: "False"}
		var oldRaw map[string]any
		if st.tmpl != nil && st.tmpl.resources[id] != nil {
			oldRaw = st.tmpl.resources[id].props
		}
		typ := typeOf(def.typ)
		conditional := false
		for _, k := range changed {
			d := changeDetail{attribute: "Properties", name: k, recreation: "Never", evaluation: "Static", source: "DirectModification"}
			if k == "Tags" {
				d.attribute, d.name = "Tags", ""
			}
			always := typeChanged || typ.requiresReplacement([]string{k})
			b, _ := json.Marshal(props[k])
			if m := unknownValue.FindStringSubmatch(string(b)); m != nil {
				d.evaluation, d.causing, d.source = "Dynamic", m[1], "ResourceReference"
				if strings.Contains(m[1], ".") {
					d.source = "ResourceAttribute"
				}
				if always {
					d.recreation, conditional = "Conditionally", true
				}
			} else {
				if sameValue(oldRaw[k], def.props[k]) {
					d.source = "ParameterReference"
					for _, ref := range references(def.props[k]) {
						if t.params[ref.name] != nil {
							d.causing = ref.name
							break
						}
					}
				}
				if always {
					d.recreation, c.replacement = "Always", "True"
				}
			}
			c.details = append(c.details, d)
			if !slices.Contains(c.scope, d.attribute) {
				c.scope = append(c.scope, d.attribute)
			}
		}
		if c.replacement == "False" && conditional {
			c.replacement = "Conditional"
		}
		if c.replacement != "False" {
			unknown[id] = true
		}
		changes = append(changes, c)
	}
	for _, r := range sortedResources(st) {
		if r.alive() && !slices.Contains(ids, r.id) {
			changes = append(changes, change{action: "Remove", id: r.id, typ: r.typ, physicalID: r.physicalID})
		}
	}
	return changes, nil
}

// outputsEqual reports whether two templates declare the same outputs.
func outputsEqual(a, b *template) bool {
	enc := func(t *template) string {
		m := map[string]any{}
		for k, o := range t.outputs {
			m[k] = []any{o.value, o.export, o.condition, o.description}
		}
		j, _ := json.Marshal(m)
		return string(j)
	}
	return enc(a) == enc(b)
}

func tagsEqual(a, b []tag) bool {
	return slices.Equal(mergeTags(a), mergeTags(b))
}

// noChanges is CloudFormation's test for "No updates are to be performed".
// Parameter values are compared too: a parameter no resource uses still
// counts, as the stack shows its value.
func noChanges(st *stack, changes []change, t *template, params map[string]string, tags []tag) bool {
	return len(changes) == 0 && outputsEqual(st.tmpl, t) && tagsEqual(st.tags, tags) && maps.Equal(st.params, params)
}

func (c change) node() *node {
	var details []*node
	for _, d := range c.details {
		details = append(details, el("", el("Target", tx("Attribute", d.attribute), tx("Name", d.name), tx("RequiresRecreation", d.recreation)),
			tx("Evaluation", d.evaluation), tx("ChangeSource", d.source), tx("CausingEntity", d.causing)))
	}
	rc := el("ResourceChange", tx("Action", c.action), tx("LogicalResourceId", c.id), tx("PhysicalResourceId", c.physicalID),
		tx("ResourceType", c.typ), tx("Replacement", c.replacement), strList("Scope", "member", c.scope), list("Details", "member", details))
	if c.action == "Modify" && len(details) == 0 {
		rc.kids = append(rc.kids, el("Details"))
	}
	return el("", tx("Type", "Resource"), rc)
}
