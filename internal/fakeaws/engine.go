package fakeaws

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// cfnState is every stack the fake knows, deleted ones included: a deleted
// stack can still be described by its ID.
type cfnState struct {
	stacks []*stack
}

// find returns the stack that currently has this name, or, when nameOrID
// is a stack ID, that stack whatever its state.
func (c *cfnState) find(nameOrID string) *stack {
	for _, st := range c.stacks {
		if st.id == nameOrID {
			return st
		}
	}
	for _, st := range c.stacks {
		if st.name == nameOrID && st.status != "DELETE_COMPLETE" {
			return st
		}
	}
	return nil
}

type tag struct{ key, value string }

type stack struct {
	id, name, description  string
	status, reason         string
	created, updated, gone time.Time
	tmpl                   *template
	params                 map[string]string
	resolved               map[string]string // params with SSM-typed ones resolved, at the start of the last operation
	tags                   []tag
	capabilities           []string
	onFailure              string // ROLLBACK, DELETE or DO_NOTHING, for creation
	disableRollback        bool   // for updates
	outputs                []outputValue
	resources              map[string]*resource
	events                 []*stackEvent
	changeSets             []*changeSet
	changeSetID            string
	token                  string // ClientRequestToken of the current operation
	walk                   *walk  // the resource walk in progress, if any
	prev                   *deployment
	update                 *updateRecord
}

type outputValue struct{ key, value, description, export string }

// deployment is what an update rolls back to.
type deployment struct {
	tmpl     *template
	params   map[string]string
	resolved map[string]string
	tags     []tag
	outputs  []outputValue
}

// updateRecord remembers what an update did, so that it can be cleaned up
// after success or undone after failure.
type updateRecord struct {
	added    []string             // resources the update created
	replaced map[string]*resource // old physical resources of replaced resources
	updated  map[string]*resource // previous state of resources updated in place
}

type resource struct {
	id, typ, physicalID string
	status, reason      string
	updated             time.Time
	props               map[string]any // evaluated, dynamic references resolved: what the resource is made of
	declared            map[string]any // evaluated, dynamic references kept: what CloudFormation compares and shows
	attrs               map[string]any
	def                 *resourceDef
}

// setProps gives a resource its evaluated properties, resolving their
// dynamic references.
func (s *Server) setProps(r *resource, props map[string]any) error {
	resolved, err := s.resolveDynamic(props)
	if err != nil {
		return err
	}
	r.declared, r.props = props, resolved.(map[string]any)
	return nil
}

func (r *resource) clone() *resource {
	c := *r
	return &c
}

type stackEvent struct {
	id                                    string
	at                                    time.Time
	logicalID, physicalID, typ            string
	status, reason, properties, requestID string
}

// --- events ---

func (s *Server) stackEvent(st *stack, at time.Time, status, reason string) {
	st.status, st.reason = status, reason
	st.events = append(st.events, &stackEvent{id: s.uuid(), at: at, logicalID: st.name, physicalID: st.id, typ: "AWS::CloudFormation::Stack", status: status, reason: reason, requestID: st.token})
}

func (s *Server) resourceEvent(st *stack, r *resource, at time.Time, status, reason string) {
	r.status, r.reason, r.updated = status, reason, at
	props := ""
	if inProgress(status) && r.declared != nil {
		b, _ := json.Marshal(r.declared)
		props = string(b)
	}
	st.events = append(st.events, &stackEvent{id: s.uuid(), at: at, logicalID: r.id, physicalID: r.physicalID, typ: r.typ, status: status, reason: reason, properties: props, requestID: st.token})
}

// --- resource walks ---

// walk runs one step per resource, each step waiting for the steps of the
// resources it depends on: the way CloudFormation creates (and, with the
// dependencies reversed, deletes) resources, independent ones in parallel.
type walk struct {
	nodes    map[string]*walkNode
	order    []string
	keepOn   bool // on a failure, let independent steps go on (deletes) instead of cancelling them (creates, updates)
	onDone   func(at time.Time)
	onFail   func(at time.Time, failed []*walkNode)
	failed   []*walkNode
	finished bool
}

type walkNode struct {
	id      string
	waitFor []string
	state   int // pending, running, done, failed
	run     func(at time.Time)
	cancel  func(at time.Time)
	verb    string // create, update or delete: what a failure of this step failed to do
}

const (
	pending = iota
	running
	done
	failed
)

func newWalk(keepOn bool) *walk { return &walk{nodes: map[string]*walkNode{}, keepOn: keepOn} }

func (w *walk) add(n *walkNode) {
	w.nodes[n.id] = n
	w.order = append(w.order, n.id)
}

// start begins every step whose dependencies are done, and finishes the
// walk when nothing is running and nothing more can start.
func (w *walk) start(at time.Time) {
	if w.finished {
		return
	}
	slices.Sort(w.order)
	for _, id := range w.order {
		n := w.nodes[id]
		if n.state != pending {
			continue
		}
		ready := true
		for _, d := range n.waitFor {
			if dn := w.nodes[d]; dn != nil && dn.state != done {
				ready = false
			}
		}
		if ready {
			n.state = running
			n.run(at)
			if w.finished {
				return
			}
		}
	}
	for _, n := range w.nodes {
		if n.state == running {
			return
		}
	}
	w.finished = true
	if len(w.failed) > 0 {
		w.onFail(at, w.failed)
		return
	}
	w.onDone(at)
}

// live reports whether a scheduled step completion still matters.
func (w *walk) live(id string) bool { return !w.finished && w.nodes[id].state == running }

func (w *walk) done(id string, at time.Time) {
	if !w.live(id) {
		return
	}
	w.nodes[id].state = done
	w.start(at)
}

func (w *walk) fail(id string, at time.Time) {
	if !w.live(id) {
		return
	}
	n := w.nodes[id]
	n.state = failed
	w.failed = append(w.failed, n)
	if !w.keepOn {
		w.abort(at)
		w.onFail(at, w.failed)
		return
	}
	w.start(at)
}

// abort cancels the running steps and finishes the walk.
func (w *walk) abort(at time.Time) {
	for _, id := range w.order {
		if n := w.nodes[id]; n.state == running {
			n.state = failed
			if n.cancel != nil {
				n.cancel(at)
			}
		}
	}
	w.finished = true
}

// --- evaluation ---

func (s *Server) evaluatorFor(st *stack, t *template, params map[string]string) *evaluator {
	return &evaluator{
		s: s, t: t, stackName: st.name, stackID: st.id, params: s.resolvedParams(t, params),
		ref: func(id string) (any, error) {
			r := st.resources[id]
			if r == nil || r.physicalID == "" {
				return nil, fmt.Errorf("Template error: unresolved resource dependency %s", id)
			}
			return r.physicalID, nil
		},
		getAtt: func(id, attr string) (any, error) {
			r := st.resources[id]
			if r == nil {
				return nil, fmt.Errorf("Template error: unresolved resource dependency %s", id)
			}
			t := typeOf(r.typ)
			if t.attr != nil {
				if v, ok := t.attr(s, r, attr); ok {
					return v, nil
				}
			}
			if v, ok := r.attrs[attr]; ok {
				return v, nil
			}
			if t.attrs == nil && r.physicalID != "" {
				return s.genericAttr(r, attr), nil
			}
			return nil, fmt.Errorf("Template error: resource %s does not support attribute type %s in Fn::GetAtt", id, attr)
		},
		importName: s.exportValue,
	}
}

func (s *Server) exportValue(name string) (string, bool) {
	for _, st := range s.cfn.stacks {
		if st.status == "DELETE_COMPLETE" {
			continue
		}
		for _, o := range st.outputs {
			if o.export == name {
				return o.value, true
			}
		}
	}
	return "", false
}

// activeResources lists the resources of t whose condition holds.
func activeResources(e *evaluator, t *template) ([]string, error) {
	var ids []string
	for _, id := range t.order {
		ok, err := e.active(t.resources[id].condition)
		if err != nil {
			return nil, validationError("%v", err)
		}
		if ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (s *Server) evalOutputs(st *stack) {
	e := s.evaluatorFor(st, st.tmpl, st.params)
	st.outputs = nil
	keys := slices.Sorted(maps.Keys(st.tmpl.outputs))
	for _, k := range keys {
		o := st.tmpl.outputs[k]
		if ok, err := e.active(o.condition); err != nil || !ok {
			continue
		}
		v, err := e.eval(o.value)
		if err != nil {
			continue
		}
		out := outputValue{key: k, value: outputString(v), description: o.description}
		if o.export != nil {
			if ev, err := e.eval(o.export); err == nil {
				out.export = scalarString(ev)
			}
		}
		st.outputs = append(st.outputs, out)
	}
}

// outputString renders an output value or a Fn::Sub variable;
// CloudFormation joins lists with commas.
func outputString(v any) string {
	if l, ok := v.([]any); ok {
		parts := make([]string, len(l))
		for i, p := range l {
			parts[i] = scalarString(p)
		}
		return strings.Join(parts, ",")
	}
	return scalarString(v)
}

// --- operations ---

// startCreate creates every active resource of st.tmpl.
func (s *Server) startCreate(st *stack, at time.Time) error {
	e := s.evaluatorFor(st, st.tmpl, st.params)
	ids, err := activeResources(e, st.tmpl)
	if err != nil {
		return err
	}
	st.resources, st.resolved = map[string]*resource{}, e.params
	s.stackEvent(st, at, "CREATE_IN_PROGRESS", "User Initiated")
	w := newWalk(false)
	for _, id := range ids {
		s.addCreate(st, w, e, id, st.tmpl.resources[id])
	}
	w.onDone = func(at time.Time) {
		st.walk = nil
		s.evalOutputs(st)
		s.stackEvent(st, at, "CREATE_COMPLETE", "")
	}
	w.onFail = func(at time.Time, failed []*walkNode) {
		st.walk = nil
		names := walkNames(failed)
		switch {
		case st.onFailure == "DO_NOTHING":
			s.stackEvent(st, at, "CREATE_FAILED", fmt.Sprintf("The following resource(s) failed to create: [%s]. ", names))
		case st.onFailure == "DELETE":
			s.stackEvent(st, at, "DELETE_IN_PROGRESS", fmt.Sprintf("The following resource(s) failed to create: [%s]. Delete requested by user.", names))
			s.startDelete(st, at, nil, "DELETE")
		default:
			s.stackEvent(st, at, "ROLLBACK_IN_PROGRESS", fmt.Sprintf("The following resource(s) failed to create: [%s]. Rollback requested by user.", names))
			s.startDelete(st, at, nil, "ROLLBACK")
		}
	}
	st.walk = w
	s.sched.at(at, w.start)
	return nil
}

// addCreate adds to st a new resource id defined by def, and to w the step
// that creates it.
func (s *Server) addCreate(st *stack, w *walk, e *evaluator, id string, def *resourceDef) {
	r := &resource{id: id, typ: def.typ, def: def}
	st.resources[id] = r
	w.add(&walkNode{id: id, waitFor: def.deps, verb: "create",
		run: func(at time.Time) { s.createStep(st, w, e, r, at, "CREATE") },
		cancel: func(at time.Time) {
			s.resourceEvent(st, r, at, "CREATE_FAILED", "Resource creation cancelled")
		}})
}

func walkNames(nodes []*walkNode) string {
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.id
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// createStep creates one resource. prefix is CREATE, or UPDATE when the
// creation replaces a resource during an update.
func (s *Server) createStep(st *stack, w *walk, e *evaluator, r *resource, at time.Time, prefix string) {
	typ := typeOf(r.typ)
	props, err := e.eval(r.def.props)
	if prefix == "CREATE" {
		if m, ok := props.(map[string]any); ok {
			r.props, r.declared = m, m
		}
		s.resourceEvent(st, r, at, "CREATE_IN_PROGRESS", "")
	}
	if err == nil {
		err = s.setProps(r, props.(map[string]any))
	}
	if err != nil {
		s.resourceEvent(st, r, at, prefix+"_FAILED", err.Error())
		w.fail(r.id, at)
		return
	}
	dur := s.duration(r.typ)
	on := Create
	if prefix == "UPDATE" {
		on = Update
	}
	if f := s.fails.match(r, on); f != nil {
		s.after(at, dur, s.stepFailed(st, w, r.id, r, prefix+"_FAILED", func() string { return s.failureReason(f) }))
		return
	}
	if err := typ.create(s, st, r, at); err != nil {
		s.after(at, time.Second, s.stepFailed(st, w, r.id, r, prefix+"_FAILED", func() string { return s.handlerFailure(err) }))
		return
	}
	s.resourceEvent(st, r, at, prefix+"_IN_PROGRESS", "Resource creation Initiated")
	s.settleStep(st, w, r, at, dur, prefix)
}

// stepDone returns the end of resource r's step key in w: r gets status
// and the walk goes on, unless the step no longer matters.
func (s *Server) stepDone(st *stack, w *walk, key string, r *resource, status string) func(time.Time) {
	return func(at time.Time) {
		if w.live(key) {
			s.resourceEvent(st, r, at, status, "")
			w.done(key, at)
		}
	}
}

// stepFailed returns the failure of resource r's step key in w: r gets
// status with the reason reason gives, and the walk fails, unless the step
// no longer matters. reason is only called then, as it may draw a request
// ID.
func (s *Server) stepFailed(st *stack, w *walk, key string, r *resource, status string, reason func() string) func(time.Time) {
	return func(at time.Time) {
		if w.live(key) {
			s.resourceEvent(st, r, at, status, reason())
			w.fail(key, at)
		}
	}
}

// settleStep settles r, then ends its step in w with prefix_COMPLETE, or
// prefix_FAILED and the reason settling failed.
func (s *Server) settleStep(st *stack, w *walk, r *resource, at time.Time, dur time.Duration, prefix string) {
	s.settle(st, r, at, dur, s.stepDone(st, w, r.id, r, prefix+"_COMPLETE"), func(at time.Time, reason string) {
		s.stepFailed(st, w, r.id, r, prefix+"_FAILED", func() string { return reason })(at)
	})
}

// settle waits for a resource to be ready: its type's settle when it has
// one (an ECS service waits for its tasks), else the type's duration.
func (s *Server) settle(st *stack, r *resource, at time.Time, dur time.Duration, ok func(time.Time), fail func(time.Time, string)) {
	if t := typeOf(r.typ); t.settle != nil {
		t.settle(s, st, r, at, dur, ok, fail)
		return
	}
	s.after(at, dur, ok)
}

// handlerMessage formats a failure the way CloudFormation's resource
// handlers report it.
func (s *Server) handlerMessage(msg, code string) string {
	return fmt.Sprintf("Resource handler returned message: %q (RequestToken: %s, HandlerErrorCode: %s)", msg, s.uuid(), code)
}

// handlerFailure formats the error of a resource type's side effect.
func (s *Server) handlerFailure(err error) string {
	code := "InvalidRequest"
	if he, ok := err.(*handlerError); ok {
		code = he.code
	}
	return s.handlerMessage(err.Error(), code)
}

// startDelete deletes the resources of st in reverse dependency order.
// mode is DELETE (DeleteStack, or OnFailure=DELETE) or ROLLBACK (a failed
// creation rolling back).
func (s *Server) startDelete(st *stack, at time.Time, retain []string, mode string) {
	w := newWalk(true)
	dependents := map[string][]string{}
	for _, r := range st.resources {
		if r.def == nil {
			continue
		}
		for _, d := range r.def.deps {
			dependents[d] = append(dependents[d], r.id)
		}
	}
	for _, r := range st.resources {
		if r.status == "" || r.status == "DELETE_COMPLETE" || r.status == "DELETE_SKIPPED" {
			continue
		}
		keep := slices.Contains(retain, r.id)
		if r.def != nil {
			switch r.def.deletionPolicy {
			case "Retain":
				keep = true
			case "RetainExceptOnCreate":
				keep = keep || mode != "ROLLBACK"
			}
		}
		w.add(&walkNode{id: r.id, waitFor: dependents[r.id], verb: "delete", run: func(at time.Time) {
			s.deleteStep(st, w, r, at, keep)
		}})
	}
	w.onDone = func(at time.Time) {
		st.walk = nil
		if mode == "ROLLBACK" {
			s.stackEvent(st, at, "ROLLBACK_COMPLETE", "")
			return
		}
		s.stackEvent(st, at, "DELETE_COMPLETE", "")
		st.gone = at
		st.outputs = nil
	}
	w.onFail = func(at time.Time, failed []*walkNode) {
		st.walk = nil
		if mode == "ROLLBACK" {
			s.stackEvent(st, at, "ROLLBACK_FAILED", fmt.Sprintf("The following resource(s) failed to delete: [%s]. ", walkNames(failed)))
			return
		}
		s.stackEvent(st, at, "DELETE_FAILED", fmt.Sprintf("The following resource(s) failed to delete: [%s]. ", walkNames(failed)))
	}
	st.walk = w
	s.sched.at(at, w.start)
}

// blocked is why the resource cannot be deleted now, if it cannot.
func (s *Server) blocked(r *resource) error {
	if t := typeOf(r.typ); t.blocked != nil {
		return t.blocked(s, r)
	}
	return nil
}

func (s *Server) deleteStep(st *stack, w *walk, r *resource, at time.Time, keep bool) {
	if keep {
		s.resourceEvent(st, r, at, "DELETE_SKIPPED", "")
		w.done(r.id, at)
		return
	}
	s.resourceEvent(st, r, at, "DELETE_IN_PROGRESS", "")
	if r.physicalID == "" {
		s.resourceEvent(st, r, at, "DELETE_COMPLETE", "")
		w.done(r.id, at)
		return
	}
	dur := s.duration(r.typ)
	if f := s.fails.match(r, Delete); f != nil {
		s.after(at, dur, s.stepFailed(st, w, r.id, r, "DELETE_FAILED", func() string { return s.failureReason(f) }))
		return
	}
	if err := s.blocked(r); err != nil {
		s.after(at, time.Second, s.stepFailed(st, w, r.id, r, "DELETE_FAILED", func() string { return s.handlerFailure(err) }))
		return
	}
	s.after(at, dur, func(at time.Time) {
		if w.live(r.id) {
			typeOf(r.typ).remove(s, st, r, at)
			s.resourceEvent(st, r, at, "DELETE_COMPLETE", "")
			w.done(r.id, at)
		}
	})
}

// startUpdate moves st to template t with params, creating, updating,
// replacing and finally removing resources.
func (s *Server) startUpdate(st *stack, at time.Time, t *template, params map[string]string, tags []tag) error {
	e := s.evaluatorFor(st, t, params)
	ids, err := activeResources(e, t)
	if err != nil {
		return err
	}
	st.prev = &deployment{tmpl: st.tmpl, params: st.params, resolved: st.resolved, tags: st.tags, outputs: st.outputs}
	st.tmpl, st.params, st.resolved, st.tags = t, params, e.params, tags
	st.updated = at
	rec := &updateRecord{replaced: map[string]*resource{}, updated: map[string]*resource{}}
	st.update = rec
	s.stackEvent(st, at, "UPDATE_IN_PROGRESS", "User Initiated")
	w := newWalk(false)
	for _, id := range ids {
		def := t.resources[id]
		old := st.resources[id]
		if old == nil {
			s.addCreate(st, w, e, id, def)
			rec.added = append(rec.added, id)
			continue
		}
		w.add(&walkNode{id: id, waitFor: def.deps, verb: "update",
			run: func(at time.Time) { s.updateStep(st, w, e, rec, id, def, at) },
			cancel: func(at time.Time) {
				s.resourceEvent(st, st.resources[id], at, "UPDATE_FAILED", "Resource update cancelled")
			}})
	}
	var removed []*resource
	for id, r := range st.resources {
		if !slices.Contains(ids, id) {
			removed = append(removed, r)
		}
	}
	w.onDone = func(at time.Time) {
		s.evalOutputs(st)
		s.stackEvent(st, at, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "")
		var old []*resource
		for _, r := range rec.replaced {
			old = append(old, r)
		}
		s.cleanup(st, at, st.prev.tmpl, append(removed, old...), func(at time.Time) {
			for _, r := range removed {
				delete(st.resources, r.id)
			}
			st.walk, st.prev, st.update = nil, nil, nil
			s.stackEvent(st, at, "UPDATE_COMPLETE", "")
		})
	}
	w.onFail = func(at time.Time, failed []*walkNode) {
		verb := failed[0].verb
		reason := fmt.Sprintf("The following resource(s) failed to %s: [%s]. ", verb, walkNames(failed))
		if st.disableRollback {
			st.walk = nil
			s.stackEvent(st, at, "UPDATE_FAILED", reason)
			return
		}
		s.stackEvent(st, at, "UPDATE_ROLLBACK_IN_PROGRESS", reason)
		s.rollbackUpdate(st, at)
	}
	st.walk = w
	s.sched.at(at, w.start)
	return nil
}

// updateStep brings one existing resource to its new definition: nothing
// when its evaluated properties did not change, in place, or by creating a
// replacement whose predecessor the cleanup phase deletes.
func (s *Server) updateStep(st *stack, w *walk, e *evaluator, rec *updateRecord, id string, def *resourceDef, at time.Time) {
	cur := st.resources[id]
	v, err := e.eval(def.props)
	if err != nil {
		s.resourceEvent(st, cur, at, "UPDATE_FAILED", err.Error())
		w.fail(id, at)
		return
	}
	props := v.(map[string]any)
	changed := changedProperties(cur.declared, props)
	if len(changed) == 0 && cur.typ == def.typ {
		cur.def = def
		w.done(id, at)
		return
	}
	typ := typeOf(def.typ)
	replace := cur.typ != def.typ || typ.requiresReplacement(changed)
	if replace {
		if typ.nameProp != "" && props[typ.nameProp] != nil && scalarString(props[typ.nameProp]) == scalarString(cur.props[typ.nameProp]) {
			s.resourceEvent(st, cur, at, "UPDATE_FAILED", fmt.Sprintf("CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename %s and update the stack again.", scalarString(props[typ.nameProp])))
			w.fail(id, at)
			return
		}
		s.resourceEvent(st, cur, at, "UPDATE_IN_PROGRESS", "Requested update requires the creation of a new physical resource; hence creating one.")
		rec.replaced[id] = cur
		r := &resource{id: id, typ: def.typ, def: def, status: cur.status, props: cur.props, declared: cur.declared}
		st.resources[id] = r
		s.createStep(st, w, e, r, at, "UPDATE")
		return
	}
	rec.updated[id] = cur.clone()
	cur.def = def
	err = s.setProps(cur, props)
	s.resourceEvent(st, cur, at, "UPDATE_IN_PROGRESS", "")
	if err != nil {
		s.resourceEvent(st, cur, at, "UPDATE_FAILED", err.Error())
		w.fail(id, at)
		return
	}
	dur := s.duration(cur.typ)
	if f := s.fails.match(cur, Update); f != nil {
		s.after(at, dur, s.stepFailed(st, w, id, cur, "UPDATE_FAILED", func() string { return s.failureReason(f) }))
		return
	}
	if err := typ.update(s, st, cur, rec.updated[id].props, at, false); err != nil {
		s.after(at, time.Second, s.stepFailed(st, w, id, cur, "UPDATE_FAILED", func() string { return s.handlerFailure(err) }))
		return
	}
	s.settleStep(st, w, cur, at, dur, "UPDATE")
}

// cleanup deletes resources an update left behind, dependents first, then
// calls then. Failures are reported as events but do not fail the stack,
// as in CloudFormation.
func (s *Server) cleanup(st *stack, at time.Time, t *template, rs []*resource, then func(time.Time)) {
	w := newWalk(true)
	for _, r := range rs {
		var waitFor []string
		for _, o := range rs {
			if o.def != nil && slices.Contains(o.def.deps, r.id) && o.id != r.id {
				waitFor = append(waitFor, o.id+"@"+o.physicalID)
			}
		}
		keep := false
		if def := t.resources[r.id]; def != nil {
			_, stillThere := st.tmpl.resources[r.id]
			keep = (!stillThere && def.deletionPolicy == "Retain") || (stillThere && def.updateReplacePolicy == "Retain")
		}
		w.add(&walkNode{id: r.id + "@" + r.physicalID, waitFor: waitFor, run: func(at time.Time) {
			s.cleanupStep(st, w, r, at, keep)
		}})
	}
	w.onDone = then
	w.onFail = func(at time.Time, _ []*walkNode) { then(at) }
	st.walk = w
	s.sched.at(at, w.start)
}

func (s *Server) cleanupStep(st *stack, w *walk, r *resource, at time.Time, keep bool) {
	key := r.id + "@" + r.physicalID
	if keep {
		s.resourceEvent(st, r, at, "DELETE_SKIPPED", "")
		w.done(key, at)
		return
	}
	s.resourceEvent(st, r, at, "DELETE_IN_PROGRESS", "")
	if r.physicalID == "" {
		s.resourceEvent(st, r, at, "DELETE_COMPLETE", "")
		w.done(key, at)
		return
	}
	if err := s.blocked(r); err != nil {
		s.after(at, time.Second, s.stepFailed(st, w, key, r, "DELETE_FAILED", func() string { return s.handlerFailure(err) }))
		return
	}
	s.after(at, s.duration(r.typ), func(at time.Time) {
		if !w.live(key) {
			return
		}
		if f := s.fails.match(r, Delete); f != nil {
			s.resourceEvent(st, r, at, "DELETE_FAILED", s.failureReason(f))
			w.fail(key, at)
			return
		}
		typeOf(r.typ).remove(s, st, r, at)
		s.resourceEvent(st, r, at, "DELETE_COMPLETE", "")
		w.done(key, at)
	})
}

// rollbackUpdate puts back the previous state of every resource the
// failed update touched, then deletes what it created.
func (s *Server) rollbackUpdate(st *stack, at time.Time) {
	prev, rec := st.prev, st.update
	st.tmpl, st.params, st.resolved, st.tags = prev.tmpl, prev.params, prev.resolved, prev.tags
	w := newWalk(true)
	var created []*resource
	for _, id := range rec.added {
		created = append(created, st.resources[id])
		delete(st.resources, id)
	}
	restore := map[string]*resource{}
	maps.Copy(restore, rec.updated)
	for id, old := range rec.replaced {
		if cur := st.resources[id]; cur != nil && cur != old {
			created = append(created, cur)
		}
		restore[id] = old
	}
	for id, old := range restore {
		var waitFor []string
		if old.def != nil {
			waitFor = old.def.deps
		}
		_, wasReplaced := rec.replaced[id]
		w.add(&walkNode{id: id, waitFor: waitFor, verb: "update", run: func(at time.Time) {
			cur := st.resources[id]
			from := cur.props
			st.resources[id] = old
			s.resourceEvent(st, old, at, "UPDATE_IN_PROGRESS", "")
			if !wasReplaced {
				_ = typeOf(old.typ).update(s, st, old, from, at, true)
			}
			s.settleStep(st, w, old, at, s.duration(old.typ), "UPDATE")
		}})
	}
	finish := func(at time.Time) {
		st.outputs = prev.outputs
		s.stackEvent(st, at, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "")
		s.cleanup(st, at, prev.tmpl, created, func(at time.Time) {
			st.walk, st.prev, st.update = nil, nil, nil
			s.stackEvent(st, at, "UPDATE_ROLLBACK_COMPLETE", "")
		})
	}
	w.onDone = finish
	w.onFail = func(at time.Time, failed []*walkNode) {
		st.walk = nil
		s.stackEvent(st, at, "UPDATE_ROLLBACK_FAILED", fmt.Sprintf("The following resource(s) failed to update: [%s]. ", walkNames(failed)))
	}
	st.walk = w
	s.sched.at(at, w.start)
}

// changedProperties lists the top-level properties whose values differ.
func changedProperties(old, cur map[string]any) []string {
	var out []string
	for k := range old {
		if _, ok := cur[k]; !ok {
			out = append(out, k)
		}
	}
	for k, v := range cur {
		if !sameValue(old[k], v) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// sameValue compares two property values the way CloudFormation does:
// 80 and "80" are the same.
func sameValue(a, b any) bool {
	ja, _ := json.Marshal(stringify(a))
	jb, _ := json.Marshal(stringify(b))
	return string(ja) == string(jb)
}
