package fakeaws

import (
	"maps"
	"time"
)

// StackSnapshot is a copy of a stack's state, for tests to assert on
// without going through the API.
type StackSnapshot struct {
	ID, Name, Status, StatusReason string
	Parameters                     map[string]string
	Tags                           map[string]string
	Outputs                        map[string]string
	Resources                      []ResourceSnapshot // by logical ID
	Events                         []EventSnapshot    // oldest first
	TemplateBody                   string
}

// ResourceSnapshot is one resource of a StackSnapshot.
type ResourceSnapshot struct {
	LogicalID, Type, PhysicalID, Status, Reason string
	Properties                                  map[string]any
}

// EventSnapshot is one stack event of a StackSnapshot.
type EventSnapshot struct {
	Time                               time.Time
	LogicalID, PhysicalID, Type        string
	Status, Reason, ClientRequestToken string
}

// Stack returns the state of the stack that has this name, or of the stack
// with this ID even if it was deleted.
func (s *Server) Stack(nameOrID string) (StackSnapshot, bool) {
	s.lock()
	defer s.mu.Unlock()
	st := s.cfn.find(nameOrID)
	if st == nil {
		return StackSnapshot{}, false
	}
	snap := StackSnapshot{ID: st.id, Name: st.name, Status: st.status, StatusReason: st.reason,
		Parameters: maps.Clone(st.params), Tags: tagMap(st.tags), Outputs: map[string]string{}}
	if st.tmpl != nil {
		snap.TemplateBody = st.tmpl.body
	}
	for _, o := range st.outputs {
		snap.Outputs[o.key] = o.value
	}
	for _, r := range sortedResources(st) {
		if r.status == "" {
			continue // never started: CloudFormation does not list it either
		}
		snap.Resources = append(snap.Resources, ResourceSnapshot{LogicalID: r.id, Type: r.typ, PhysicalID: r.physicalID, Status: r.status, Reason: r.reason, Properties: r.declared})
	}
	for _, e := range st.events {
		snap.Events = append(snap.Events, EventSnapshot{Time: e.at, LogicalID: e.logicalID, PhysicalID: e.physicalID, Type: e.typ, Status: e.status, Reason: e.reason, ClientRequestToken: e.requestID})
	}
	return snap, true
}

// Resource returns the snapshot of one resource of the stack.
func (snap StackSnapshot) Resource(logicalID string) (ResourceSnapshot, bool) {
	for _, r := range snap.Resources {
		if r.LogicalID == logicalID {
			return r, true
		}
	}
	return ResourceSnapshot{}, false
}
