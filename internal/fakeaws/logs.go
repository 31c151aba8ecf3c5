package fakeaws

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

type logsState struct {
	groups map[string]*logGroup
	seq    int // orders events that share a timestamp
}

func (l *logsState) init() { l.groups = map[string]*logGroup{} }

type logGroup struct {
	name      string
	created   time.Time
	retention int
	streams   map[string]*logStream
	tags      []tag
}

type logStream struct {
	name     string
	created  time.Time
	events   []storedEvent // sorted by time
	ingested time.Time
}

type storedEvent struct {
	at, ingested time.Time
	message      string
	seq          int
}

// LogEvent is a line a test puts into a log stream.
type LogEvent struct {
	Time    time.Time
	Message string
}

var (
	errNoGroup  = errorf(400, "ResourceNotFoundException", "The specified log group does not exist.")
	errNoStream = errorf(400, "ResourceNotFoundException", "The specified log stream does not exist.")
)

func (l *logsState) createGroup(name string, retention int, tags []tag, at time.Time) error {
	if l.groups[name] != nil {
		return errorf(400, "ResourceAlreadyExistsException", "The specified log group already exists")
	}
	l.groups[name] = &logGroup{name: name, created: at, retention: retention, streams: map[string]*logStream{}, tags: tags}
	return nil
}

func (l *logsState) createStream(group, stream string, at time.Time) error {
	g := l.groups[group]
	if g == nil {
		return errNoGroup
	}
	if g.streams[stream] != nil {
		return errorf(400, "ResourceAlreadyExistsException", "The specified log stream already exists")
	}
	g.streams[stream] = &logStream{name: stream, created: at}
	return nil
}

func (l *logsState) put(group, stream string, at time.Time, message string, ingested time.Time) error {
	g := l.groups[group]
	if g == nil {
		return errNoGroup
	}
	st := g.streams[stream]
	if st == nil {
		return errNoStream
	}
	l.seq++
	ev := storedEvent{at: at, ingested: ingested, message: message, seq: l.seq}
	i, _ := slices.BinarySearchFunc(st.events, ev, func(a, b storedEvent) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	st.events = slices.Insert(st.events, i, ev)
	st.ingested = ingested
	return nil
}

// PutLogEvents appends events to a log stream, creating the group and the
// stream when they do not exist, the way a container's log driver fills
// them. The plugin's streams are named PREFIX/CONTAINER/TASKID.
func (s *Server) PutLogEvents(group, stream string, events ...LogEvent) {
	now := s.lock()
	defer s.mu.Unlock()
	if s.logs.groups[group] == nil {
		_ = s.logs.createGroup(group, 0, nil, now)
	}
	if s.logs.groups[group].streams[stream] == nil {
		_ = s.logs.createStream(group, stream, now)
	}
	for _, e := range events {
		at := e.Time
		if at.IsZero() {
			at = now
		}
		_ = s.logs.put(group, stream, at, e.Message, now)
	}
}

func init() {
	register(svcLogs, map[string]handlerFunc{
		"CreateLogGroup":     (*Server).createLogGroup,
		"DeleteLogGroup":     (*Server).deleteLogGroup,
		"DescribeLogGroups":  (*Server).describeLogGroups,
		"CreateLogStream":    (*Server).createLogStream,
		"DescribeLogStreams": (*Server).describeLogStreams,
		"PutLogEvents":       (*Server).putLogEvents,
		"GetLogEvents":       (*Server).getLogEvents,
		"FilterLogEvents":    (*Server).filterLogEvents,
	})
}

func (s *Server) groupARN(name string) string { return s.arn("logs", "log-group:"+name) }

func (s *Server) createLogGroup(req *request, now time.Time) (any, error) {
	return map[string]any{}, s.logs.createGroup(req.jstr("logGroupName"), 0, mergeTags(mapTags(req.body["tags"])), now)
}

func (s *Server) deleteLogGroup(req *request, _ time.Time) (any, error) {
	name := req.jstr("logGroupName")
	if s.logs.groups[name] == nil {
		return nil, errNoGroup
	}
	delete(s.logs.groups, name)
	return map[string]any{}, nil
}

// page cuts a list at a numeric nextToken.
func page[T any](items []T, token string, limit int) ([]T, string) {
	start, _ := strconv.Atoi(token)
	start = min(max(start, 0), len(items))
	end := len(items)
	if limit > 0 && start+limit < end {
		end = start + limit
	}
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next
}

func (s *Server) describeLogGroups(req *request, _ time.Time) (any, error) {
	prefix := req.jstr("logGroupNamePrefix")
	var names []string
	for name := range s.logs.groups {
		if strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	names, next := page(names, req.jstr("nextToken"), req.jint("limit", 50))
	groups := []any{}
	for _, name := range names {
		g := s.logs.groups[name]
		stored := 0
		for _, st := range g.streams {
			for _, e := range st.events {
				stored += len(e.message)
			}
		}
		gj := map[string]any{"logGroupName": name, "arn": s.groupARN(name) + ":*", "logGroupArn": s.groupARN(name),
			"creationTime": millis(g.created), "storedBytes": stored, "metricFilterCount": 0, "logGroupClass": "STANDARD"}
		if g.retention > 0 {
			gj["retentionInDays"] = g.retention
		}
		groups = append(groups, gj)
	}
	return prune(map[string]any{"logGroups": groups, "nextToken": next}), nil
}

func (s *Server) createLogStream(req *request, now time.Time) (any, error) {
	return map[string]any{}, s.logs.createStream(req.jstr("logGroupName"), req.jstr("logStreamName"), now)
}

func (s *Server) describeLogStreams(req *request, _ time.Time) (any, error) {
	g := s.logs.groups[req.jstr("logGroupName")]
	if g == nil {
		return nil, errNoGroup
	}
	prefix, orderBy := req.jstr("logStreamNamePrefix"), req.jstr("orderBy")
	if orderBy == "LastEventTime" && prefix != "" {
		return nil, errorf(400, "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	var streams []*logStream
	for _, st := range g.streams {
		if strings.HasPrefix(st.name, prefix) {
			streams = append(streams, st)
		}
	}
	slices.SortFunc(streams, func(a, b *logStream) int {
		if orderBy == "LastEventTime" {
			if c := a.lastEvent().Compare(b.lastEvent()); c != 0 {
				return c
			}
		}
		return strings.Compare(a.name, b.name)
	})
	if req.jbool("descending") {
		slices.Reverse(streams)
	}
	streams, next := page(streams, req.jstr("nextToken"), req.jint("limit", 50))
	out := []any{}
	for _, st := range streams {
		sj := map[string]any{"logStreamName": st.name, "creationTime": millis(st.created),
			"arn": s.groupARN(g.name) + ":log-stream:" + st.name, "storedBytes": 0}
		if len(st.events) > 0 {
			sj["firstEventTimestamp"] = millis(st.events[0].at)
			sj["lastEventTimestamp"] = millis(st.lastEvent())
			sj["lastIngestionTime"] = millis(st.ingested)
			sj["uploadSequenceToken"] = strconv.Itoa(len(st.events))
		}
		out = append(out, sj)
	}
	return prune(map[string]any{"logStreams": out, "nextToken": next}), nil
}

func (st *logStream) lastEvent() time.Time {
	if len(st.events) == 0 {
		return time.Time{}
	}
	return st.events[len(st.events)-1].at
}

func (s *Server) putLogEvents(req *request, now time.Time) (any, error) {
	group, stream := req.jstr("logGroupName"), req.jstr("logStreamName")
	events, _ := req.body["logEvents"].([]any)
	for _, e := range events {
		m, _ := e.(map[string]any)
		ms, _ := strconv.ParseInt(scalarString(m["timestamp"]), 10, 64)
		if err := s.logs.put(group, stream, time.UnixMilli(ms), scalarString(m["message"]), now); err != nil {
			return nil, err
		}
	}
	return map[string]any{"nextSequenceToken": s.randString("0123456789", 56)}, nil
}

func eventJSON(e storedEvent) map[string]any {
	return map[string]any{"timestamp": millis(e.at), "message": e.message, "ingestionTime": millis(e.ingested)}
}

// getLogEvents pages through one stream with CloudWatch's forward and
// backward tokens ("f/N" starts at event N, "b/N" ends before it). Without
// startFromHead it returns the newest events, as CloudWatch does.
func (s *Server) getLogEvents(req *request, _ time.Time) (any, error) {
	g := s.logs.groups[req.jstr("logGroupName")]
	if g == nil {
		return nil, errNoGroup
	}
	st := g.streams[req.jstr("logStreamName")]
	if st == nil {
		return nil, errNoStream
	}
	var evs []storedEvent
	startMs, hasStart := req.jint64("startTime")
	endMs, hasEnd := req.jint64("endTime")
	for _, e := range st.events {
		if (hasStart && millis(e.at) < startMs) || (hasEnd && millis(e.at) >= endMs) {
			continue
		}
		evs = append(evs, e)
	}
	limit := req.jint("limit", 10000)
	token := req.jstr("nextToken")
	var from, to int
	switch {
	case strings.HasPrefix(token, "f/"):
		from, _ = strconv.Atoi(token[2:])
		from = min(from, len(evs))
		to = min(from+limit, len(evs))
	case strings.HasPrefix(token, "b/"):
		to, _ = strconv.Atoi(token[2:])
		to = min(to, len(evs))
		from = max(to-limit, 0)
	case token != "":
		return nil, errorf(400, "InvalidParameterException", "The specified nextToken is invalid.")
	case req.jbool("startFromHead"):
		from, to = 0, min(limit, len(evs))
	default:
		from, to = max(len(evs)-limit, 0), len(evs)
	}
	out := []any{}
	for _, e := range evs[from:to] {
		out = append(out, eventJSON(e))
	}
	return map[string]any{"events": out, "nextForwardToken": fmt.Sprintf("f/%d", to), "nextBackwardToken": fmt.Sprintf("b/%d", from)}, nil
}

func (s *Server) filterLogEvents(req *request, _ time.Time) (any, error) {
	g := s.logs.groups[req.jstr("logGroupName")]
	if g == nil {
		return nil, errNoGroup
	}
	names, prefix := req.jstrs("logStreamNames"), req.jstr("logStreamNamePrefix")
	if len(names) > 0 && prefix != "" {
		return nil, errorf(400, "InvalidParameterException", "logStreamNames and logStreamNamePrefix are mutually exclusive")
	}
	pattern := strings.Trim(strings.TrimSpace(req.jstr("filterPattern")), `"`)
	startMs, hasStart := req.jint64("startTime")
	endMs, hasEnd := req.jint64("endTime")
	type hit struct {
		stream string
		ev     storedEvent
	}
	var hits []hit
	for name, st := range g.streams {
		if (len(names) > 0 && !slices.Contains(names, name)) || !strings.HasPrefix(name, prefix) {
			continue
		}
		for _, e := range st.events {
			if (hasStart && millis(e.at) < startMs) || (hasEnd && millis(e.at) > endMs) || !strings.Contains(e.message, pattern) {
				continue
			}
			hits = append(hits, hit{name, e})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := a.ev.at.Compare(b.ev.at); c != 0 {
			return c
		}
		if c := strings.Compare(a.stream, b.stream); c != 0 {
			return c
		}
		return a.ev.seq - b.ev.seq
	})
	hits, next := page(hits, req.jstr("nextToken"), req.jint("limit", 10000))
	out := []any{}
	for _, h := range hits {
		e := eventJSON(h.ev)
		e["logStreamName"] = h.stream
		e["eventId"] = fmt.Sprintf("%056d", h.ev.seq)
		out = append(out, e)
	}
	return prune(map[string]any{"events": out, "nextToken": next, "searchedLogStreams": []any{}}), nil
}
