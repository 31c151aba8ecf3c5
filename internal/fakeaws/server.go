package fakeaws

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// Region is the region of the fake world: its availability zones, ARNs
	// and default VPC. Default us-east-1. Calls signed for any region are
	// answered; Call.Region records which one the client used.
	Region string
	// AccountID is the account that owns everything. Default 123456789012.
	AccountID string
	// Clock is read on every call. Default: the real clock.
	Clock Clock
	// Scale is how much Clock time one simulated second takes. Default
	// time.Second; time.Millisecond runs a 150 s load balancer in 150 ms.
	Scale time.Duration
	// Durations overrides, per resource type, the simulated time that
	// creating, updating or deleting a resource takes (see DefaultDurations).
	Durations map[string]time.Duration
	// Seed makes the generated IDs differ between servers; two servers with
	// the same seed and the same calls generate the same IDs.
	Seed uint64
}

// Server is a running fake. All its state is guarded by one mutex, so it
// may be called from the test and from the plugin's process at once.
type Server struct {
	opts Options
	http *httptest.Server

	mu     sync.Mutex
	clock  Clock
	sched  scheduler
	rng    *rand.Rand
	calls  []Call
	faults []*faultRule

	cfn     cfnState
	ec2     ec2State
	ecs     ecsState
	logs    logsState
	elb     elbState
	cmap    cloudMapState
	sts     stsState
	fails   failureState
	s3      s3State
	secrets secretsState
	ssm     ssmState
	efs     efsState
	asg     asgState
	scaling appScalingState
}

// New starts a fake on a local httptest server. Close it when done.
func New(opts Options) *Server {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountID == "" {
		opts.AccountID = "123456789012"
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.Scale <= 0 {
		opts.Scale = time.Second
	}
	s := &Server{
		opts:  opts,
		clock: opts.Clock,
		rng:   rand.New(rand.NewPCG(opts.Seed, 0x6563732d66616b65)),
	}
	s.logs.init()
	s.cmap.init()
	s.sts.init()
	s.s3.init()
	s.ec2.init(s)
	s.ssm.init(opts.Seed)
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the endpoint to give the SDK (AWS_ENDPOINT_URL or BaseEndpoint).
func (s *Server) URL() string { return s.http.URL }

// Close shuts the HTTP server down.
func (s *Server) Close() { s.http.Close() }

// Region returns the region of the fake world.
func (s *Server) Region() string { return s.opts.Region }

// AccountID returns the account that owns the fake world.
func (s *Server) AccountID() string { return s.opts.AccountID }

// lock takes the mutex and brings the world up to the clock's time. Every
// entry point goes through it.
func (s *Server) lock() time.Time {
	s.mu.Lock()
	now := s.clock.Now()
	s.sched.advance(now)
	return now
}

// simulated converts simulated seconds into clock time.
func (s *Server) simulated(d time.Duration) time.Duration {
	return time.Duration(float64(d) / float64(time.Second) * float64(s.opts.Scale))
}

// after schedules fn at the clock time that is d simulated time after t.
func (s *Server) after(t time.Time, d time.Duration, fn func(at time.Time)) {
	s.sched.at(t.Add(s.simulated(d)), fn)
}

// Call is one API call the fake received.
type Call struct {
	Service   string    // signing name: cloudformation, ec2, ecs, logs, elasticloadbalancing, servicediscovery, sts, s3, secretsmanager, ssm, elasticfilesystem, autoscaling, application-autoscaling
	Operation string    // e.g. DescribeStacks
	Region    string    // region of the signature's credential scope
	AccessKey string    // access key ID that signed the call
	Role      string    // ARN of the role, when AccessKey came from AssumeRole
	Time      time.Time // clock time of the call
	Fault     FaultKind // the fault injected into this call, if any
}

// Calls returns every call received since the start or the last ResetCalls,
// oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Count returns how many calls matched service and operation; an empty
// string matches anything, so Count("", "") is the total.
func (s *Server) Count(service, operation string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if (service == "" || c.Service == service) && (operation == "" || c.Operation == operation) {
			n++
		}
	}
	return n
}

// ResetCalls forgets the recorded calls.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

type handlerFunc func(s *Server, req *request, now time.Time) (any, error)

// handlers maps service and operation to the code that answers it. A query
// handler returns []*node, a JSON handler map[string]any.
var handlers = map[string]map[string]handlerFunc{}

func register(service string, ops map[string]handlerFunc) { handlers[service] = ops }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	req, err := decodeRequest(r, raw)
	s.mu.Lock()
	requestID := s.uuid()
	s.mu.Unlock()
	if err != nil {
		writeError(w, req.service, requestID, errorf(400, "InvalidRequest", "%v", err))
		return
	}
	now := s.lock()
	call := Call{Service: req.service, Operation: req.operation, Region: req.region, AccessKey: req.accessKey, Role: s.sts.roles[req.accessKey], Time: now}
	fault := s.matchFault(req)
	if fault != nil {
		call.Fault = fault.Kind
	}
	s.calls = append(s.calls, call)
	s.mu.Unlock()

	if fault != nil && s.inject(w, r, req.service, requestID, fault) {
		return
	}

	now = s.lock()
	result, err := s.dispatch(req, now)
	s.sched.advance(now) // run what the call set in motion at this very instant
	s.mu.Unlock()
	if err != nil {
		e, ok := err.(*apiError)
		if !ok {
			e = errorf(500, "InternalFailure", "%v", err)
		}
		writeError(w, req.service, requestID, e)
		return
	}
	switch protocols[req.service] {
	case restXML, restJSON:
		result.(*restAnswer).write(w, req.service, requestID)
	case awsJSON:
		writeJSON(w, 200, requestID, result)
	case ec2Query:
		nodes, _ := result.([]*node)
		writeEC2Result(w, req.operation, requestID, nodes)
	default:
		nodes, _ := result.([]*node)
		writeQueryResult(w, req.service, req.operation, requestID, nodes)
	}
}

func (s *Server) dispatch(req *request, now time.Time) (any, error) {
	h := handlers[req.service][req.operation]
	if h == nil {
		switch protocols[req.service] {
		case awsJSON:
			return nil, errorf(400, "UnknownOperationException", "The fake does not implement %s.%s", req.service, req.operation)
		case restJSON:
			return nil, errorf(400, "UnknownOperationException", "The fake does not implement %s %s", req.method, req.path)
		case restXML:
			return nil, errorf(501, "NotImplemented", "The fake does not implement %s %s?%s", req.method, req.path, req.query.Encode())
		}
		return nil, errorf(400, "InvalidAction", "The action %s is not valid for this web service.", req.operation)
	}
	return h(s, req, now)
}

// FaultKind is what an injected fault does to a call.
type FaultKind int

const (
	// NoFault marks a call that was answered normally.
	NoFault FaultKind = iota
	// Throttle answers with the service's throttling error (awsQuery
	// Throttling, ec2Query RequestLimitExceeded, JSON ThrottlingException,
	// S3 503 SlowDown).
	Throttle
	// InternalError answers 500 InternalFailure (S3: InternalError).
	InternalError
	// Unavailable answers 503 ServiceUnavailable.
	Unavailable
	// ConnectionReset hijacks the connection and resets it without answering.
	ConnectionReset
	// Delay holds the answer back for Fault.Delay of real time, long enough
	// to trip a client timeout, then answers normally if the client is
	// still there.
	Delay
	// ExpiredToken answers 400 ExpiredToken (ExpiredTokenException in JSON).
	ExpiredToken
)

func (k FaultKind) String() string {
	return [...]string{"none", "throttle", "internal error", "unavailable", "connection reset", "delay", "expired token"}[k]
}

// Fault is a rule that makes matching calls fail.
type Fault struct {
	Service   string // signing name; empty matches any service
	Operation string // empty matches any operation
	AccessKey string // empty matches any credentials
	Kind      FaultKind
	// Nth, when set, fires only on the Nth matching call (1-based). Times,
	// when set, fires on the first Times matching calls. With neither, the
	// rule fires on every matching call.
	Nth   int
	Times int
	Delay time.Duration // for Delay
}

type faultRule struct {
	Fault
	seen int
}

// Inject adds a fault rule. Rules added later are checked first.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRule{Fault: f})
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) matchFault(req *request) *Fault {
	for i := len(s.faults) - 1; i >= 0; i-- {
		f := s.faults[i]
		if (f.Service != "" && f.Service != req.service) || (f.Operation != "" && f.Operation != req.operation) || (f.AccessKey != "" && f.AccessKey != req.accessKey) {
			continue
		}
		f.seen++
		if (f.Nth > 0 && f.seen == f.Nth) || (f.Nth == 0 && (f.Times == 0 || f.seen <= f.Times)) {
			return &f.Fault
		}
	}
	return nil
}

// inject carries out a fault. It reports whether the call is finished; a
// Delay lets the call go on afterwards.
func (s *Server) inject(w http.ResponseWriter, r *http.Request, service, requestID string, f *Fault) bool {
	proto := protocols[service]
	switch f.Kind {
	case Throttle:
		switch proto {
		case awsJSON:
			writeError(w, service, requestID, errorf(400, "ThrottlingException", "Rate exceeded"))
		case restJSON:
			writeError(w, service, requestID, errorf(429, "ThrottlingException", "Rate exceeded"))
		case restXML:
			writeError(w, service, requestID, errorf(503, "SlowDown", "Please reduce your request rate."))
		case ec2Query:
			writeError(w, service, requestID, errorf(503, "RequestLimitExceeded", "Request limit exceeded."))
		default:
			writeError(w, service, requestID, errorf(400, "Throttling", "Rate exceeded"))
		}
	case InternalError:
		if proto == restXML {
			writeError(w, service, requestID, errorf(500, "InternalError", "We encountered an internal error. Please try again."))
			break
		}
		writeError(w, service, requestID, errorf(500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."))
	case Unavailable:
		writeError(w, service, requestID, errorf(503, "ServiceUnavailable", "Service is unable to handle request."))
	case ExpiredToken:
		switch proto {
		case awsJSON, restJSON:
			writeError(w, service, requestID, errorf(400, "ExpiredTokenException", "The security token included in the request is expired"))
		case restXML:
			writeError(w, service, requestID, errorf(400, "ExpiredToken", "The provided token has expired."))
		default:
			writeError(w, service, requestID, errorf(400, "ExpiredToken", "The security token included in the request is expired"))
		}
	case ConnectionReset:
		resetConnection(w)
	case Delay:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return true
		case <-t.C:
			return false
		}
	default:
		return false
	}
	return true
}

// resetConnection drops the connection with a TCP RST (SO_LINGER 0), which
// clients report as "connection reset by peer".
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// --- identifiers ---

const (
	lowerHex   = "0123456789abcdef"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// randString draws n characters of alphabet from the server's seeded
// generator, so IDs are reproducible.
func (s *Server) randString(alphabet string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(alphabet[s.rng.IntN(len(alphabet))])
	}
	return b.String()
}

func (s *Server) uuid() string {
	h := s.randString(lowerHex, 32)
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:])
}

func (s *Server) arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", partition(s.opts.Region), service, s.opts.Region, s.opts.AccountID, resource)
}

// iamARN is the ARN of an IAM resource of the account, which has no
// region.
func (s *Server) iamARN(resource string) string {
	return "arn:" + partition(s.opts.Region) + ":iam::" + s.opts.AccountID + ":" + resource
}

func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func urlSuffix(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}
