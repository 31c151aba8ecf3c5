package fakeaws

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// protocol is the wire protocol a service speaks.
type protocol int

const (
	awsQuery protocol = iota // form-encoded request, <XResponse><XResult> answer
	ec2Query                 // form-encoded request, <XResponse> answer with <item> lists
	awsJSON                  // JSON request named by X-Amz-Target, JSON answer
	restXML                  // operation named by method and path, XML or raw answer (S3)
	restJSON                 // operation named by method and path, JSON answer (EFS)
)

// Signing names of the faked services, as they appear in the credential
// scope of a SigV4 Authorization header.
const (
	svcCloudFormation = "cloudformation"
	svcEC2            = "ec2"
	svcECS            = "ecs"
	svcLogs           = "logs"
	svcELB            = "elasticloadbalancing"
	svcCloudMap       = "servicediscovery"
	svcSTS            = "sts"
	svcS3             = "s3"
	svcSecrets        = "secretsmanager"
	svcSSM            = "ssm"
	svcEFS            = "elasticfilesystem"
	svcAutoScaling    = "autoscaling"
	svcAppScaling     = "application-autoscaling"
)

var protocols = map[string]protocol{
	svcCloudFormation: awsQuery,
	svcELB:            awsQuery,
	svcSTS:            awsQuery,
	svcEC2:            ec2Query,
	svcECS:            awsJSON,
	svcLogs:           awsJSON,
	svcCloudMap:       awsJSON,
	svcS3:             restXML,
	svcSecrets:        awsJSON,
	svcSSM:            awsJSON,
	svcEFS:            restJSON,
	svcAutoScaling:    awsQuery,
	svcAppScaling:     awsJSON,
}

// jsonTargets maps the X-Amz-Target prefix of the JSON services to their
// signing name, for requests that carry no Authorization header.
var jsonTargets = map[string]string{
	"AmazonEC2ContainerServiceV20141113": svcECS,
	"Logs_20140328":                      svcLogs,
	"Route53AutoNaming_v20170314":        svcCloudMap,
	"secretsmanager":                     svcSecrets,
	"AmazonSSM":                          svcSSM,
	"AnyScaleFrontendService":            svcAppScaling,
}

// restRoutes work out the operation of a REST request from its method,
// path and query, and record the path's labels.
var restRoutes = map[string]func(req *request) string{}

// xmlNamespaces are the namespaces AWS puts on the root element of query
// responses. The SDK ignores them; they are here so that a captured answer
// looks like the real one.
var xmlNamespaces = map[string]string{
	svcCloudFormation: "http://cloudformation.amazonaws.com/doc/2010-05-15/",
	svcELB:            "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
	svcSTS:            "https://sts.amazonaws.com/doc/2011-06-15/",
	svcEC2:            "http://ec2.amazonaws.com/doc/2016-11-15/",
	svcAutoScaling:    "http://autoscaling.amazonaws.com/doc/2011-01-01/",
	svcS3:             "http://s3.amazonaws.com/doc/2006-03-01/",
}

// request is one decoded API call.
type request struct {
	service   string
	operation string
	region    string
	accessKey string
	form      url.Values     // query protocols
	body      map[string]any // JSON protocols
	// REST protocols
	method string
	path   string // unescaped
	query  url.Values
	header http.Header
	raw    []byte
	labels map[string]string // the path's parameters, e.g. Bucket and Key
}

var credentialScope = regexp.MustCompile(`Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request`)

// decodeRequest works out which service and operation an HTTP request is
// for. All services share one endpoint, so the SigV4 credential scope is
// what tells them apart, as it does for a real multi-service proxy.
func decodeRequest(r *http.Request, raw []byte) (*request, error) {
	req := &request{}
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		req.accessKey, req.region, req.service = m[1], m[2], m[3]
	}
	target := r.Header.Get("X-Amz-Target")
	if req.service == "" && target != "" {
		prefix, _, _ := strings.Cut(target, ".")
		req.service = jsonTargets[prefix]
	}
	proto, ok := protocols[req.service]
	if !ok {
		return req, fmt.Errorf("the fake does not serve service %q", req.service)
	}
	if proto == restXML || proto == restJSON {
		req.method, req.path, req.query, req.header, req.raw = r.Method, r.URL.Path, r.URL.Query(), r.Header, raw
		req.body = map[string]any{}
		if proto == restJSON {
			if err := decodeJSONBody(raw, &req.body); err != nil {
				return req, err
			}
		}
		req.operation = restRoutes[req.service](req)
		return req, nil
	}
	if proto == awsJSON {
		_, req.operation, _ = strings.Cut(target, ".")
		req.body = map[string]any{}
		if err := decodeJSONBody(raw, &req.body); err != nil {
			return req, err
		}
		return req, nil
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		return req, fmt.Errorf("request body is not form-encoded: %w", err)
	}
	req.form = form
	req.operation = form.Get("Action")
	return req, nil
}

// decodeJSONBody decodes a JSON request body into body, numbers as
// json.Number; a blank body leaves body as it is.
func decodeJSONBody(raw []byte, body *map[string]any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(body); err != nil {
		return fmt.Errorf("request body is not JSON: %w", err)
	}
	return nil
}

// apiError is an error answer in whatever protocol the service speaks.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// validationError is CloudFormation's catch-all client error.
func validationError(format string, args ...any) *apiError {
	return errorf(400, "ValidationError", format, args...)
}

// --- query arguments ---

// str returns a scalar query argument.
func (r *request) str(name string) string { return r.form.Get(name) }

func (r *request) boolArg(name string) bool { return r.form.Get(name) == "true" }

func (r *request) intArg(name string, def int) int {
	if n, err := strconv.Atoi(r.form.Get(name)); err == nil {
		return n
	}
	return def
}

// seq returns the values of prefix1, prefix2, ... in index order: the way
// both query protocols flatten a list of strings (awsQuery with prefix
// "Name.member.", ec2Query with "Name.").
func (r *request) seq(prefix string) []string {
	return indexed(r.form, prefix)
}

func indexed(form url.Values, prefix string) []string {
	type item struct {
		i int
		v string
	}
	var items []item
	for k, v := range form {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		if i, err := strconv.Atoi(rest); err == nil && len(v) > 0 {
			items = append(items, item{i, v[0]})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return a.i - b.i })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

// members returns an awsQuery list of strings.
func (r *request) members(name string) []string { return r.seq(name + ".member.") }

// structs returns a flattened list of structures, prefix1.Field=...,
// prefix2.Field=..., as one url.Values per element keyed by the field path.
func (r *request) structs(prefix string) []url.Values {
	byIndex := map[int]url.Values{}
	for k, v := range r.form {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		idx, field, ok := strings.Cut(rest, ".")
		i, err := strconv.Atoi(idx)
		if !ok || err != nil {
			continue
		}
		if byIndex[i] == nil {
			byIndex[i] = url.Values{}
		}
		byIndex[i][field] = v
	}
	keys := make([]int, 0, len(byIndex))
	for i := range byIndex {
		keys = append(keys, i)
	}
	slices.Sort(keys)
	out := make([]url.Values, len(keys))
	for n, i := range keys {
		out[n] = byIndex[i]
	}
	return out
}

// --- JSON arguments ---

func (r *request) jstr(name string) string {
	s, _ := r.body[name].(string)
	return s
}

func (r *request) jbool(name string) bool {
	b, _ := r.body[name].(bool)
	return b
}

func (r *request) jint(name string, def int) int {
	if i, ok := r.jint64(name); ok {
		return int(i)
	}
	return def
}

func (r *request) jint64(name string) (int64, bool) {
	if n, ok := r.body[name].(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i, true
		}
	}
	return 0, false
}

func (r *request) jstrs(name string) []string {
	list, _ := r.body[name].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// --- XML answers ---

// node is an XML element built by the handlers of the query protocols. A
// nil node is left out, which is how absent optional members are written.
type node struct {
	name string
	text string
	kids []*node
}

// el is an element with children; nil children are dropped.
func el(name string, kids ...*node) *node {
	n := &node{name: name}
	for _, k := range kids {
		if k != nil {
			n.kids = append(n.kids, k)
		}
	}
	return n
}

// tx is a text element, left out when empty.
func tx(name, text string) *node {
	if text == "" {
		return nil
	}
	return &node{name: name, text: text}
}

func tb(name string, b bool) *node { return &node{name: name, text: strconv.FormatBool(b)} }

func ti(name string, n int) *node { return &node{name: name, text: strconv.Itoa(n)} }

// tt writes a timestamp the way AWS does in XML: ISO 8601, milliseconds, UTC.
func tt(name string, t time.Time) *node {
	if t.IsZero() {
		return nil
	}
	return &node{name: name, text: t.UTC().Format("2006-01-02T15:04:05.000Z")}
}

// list wraps items in a list element whose entries are called item
// ("member" for awsQuery, "item" for ec2Query); left out when empty.
func list(name, item string, items []*node) *node {
	if len(items) == 0 {
		return nil
	}
	n := &node{name: name}
	for _, it := range items {
		if it != nil {
			it.name = item
			n.kids = append(n.kids, it)
		}
	}
	return n
}

// tagNodes are the entries of an awsQuery list of tags.
func tagNodes(tags []tag) []*node {
	var out []*node
	for _, t := range tags {
		out = append(out, el("", tx("Key", t.key), &node{name: "Value", text: t.value}))
	}
	return out
}

// strList is a list of text entries.
func strList(name, item string, values []string) *node {
	items := make([]*node, len(values))
	for i, v := range values {
		items[i] = &node{text: v}
	}
	return list(name, item, items)
}

func (n *node) write(b *bytes.Buffer) {
	b.WriteString("<" + n.name + ">")
	if len(n.kids) == 0 {
		_ = xml.EscapeText(b, []byte(n.text))
	}
	for _, k := range n.kids {
		k.write(b)
	}
	b.WriteString("</" + n.name + ">")
}

// xmlDocument is an XML document: root, with namespace ns when set, and
// the non-nil kids.
func xmlDocument(root, ns string, kids []*node) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if ns != "" {
		b.WriteString(fmt.Sprintf("<%s xmlns=%q>", root, ns))
	} else {
		b.WriteString("<" + root + ">")
	}
	for _, k := range kids {
		if k != nil {
			k.write(&b)
		}
	}
	b.WriteString("</" + root + ">")
	return b.Bytes()
}

func writeXML(w http.ResponseWriter, status int, root string, ns string, kids []*node) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write(xmlDocument(root, ns, kids))
}

// writeQueryResult answers an awsQuery call: the result members wrapped in
// <ActionResult>, and the request ID in <ResponseMetadata>.
func writeQueryResult(w http.ResponseWriter, service, action, requestID string, result []*node) {
	writeXML(w, 200, action+"Response", xmlNamespaces[service], []*node{
		el(action+"Result", result...),
		el("ResponseMetadata", tx("RequestId", requestID)),
	})
}

// writeEC2Result answers an ec2Query call: no Result wrapper, a requestId
// member beside the result members.
func writeEC2Result(w http.ResponseWriter, action, requestID string, result []*node) {
	writeXML(w, 200, action+"Response", xmlNamespaces[svcEC2], append([]*node{tx("requestId", requestID)}, result...))
}

func writeJSON(w http.ResponseWriter, status int, requestID string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = 500, []byte(`{"__type":"InternalFailure","message":"fake could not encode its answer"}`)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers with e in the protocol of the service.
func writeError(w http.ResponseWriter, service, requestID string, e *apiError) {
	switch protocols[service] {
	case awsJSON:
		writeJSON(w, e.status, requestID, map[string]string{"__type": e.code, jsonMessageKey(service, e.code): e.message})
	case restJSON:
		w.Header().Set("X-Amzn-ErrorType", e.code)
		writeJSON(w, e.status, requestID, map[string]string{"ErrorCode": e.code, "Message": e.message})
	case restXML:
		// S3 does not wrap its error, and a HEAD answer has no body at all.
		writeXML(w, e.status, "Error", "", []*node{tx("Code", e.code), tx("Message", e.message), tx("RequestId", requestID), tx("HostId", hostID(requestID))})
	case ec2Query:
		writeXML(w, e.status, "Response", "", []*node{
			el("Errors", el("Error", tx("Code", e.code), tx("Message", e.message))),
			tx("RequestID", requestID),
		})
	default:
		kind := "Sender"
		if e.status >= 500 {
			kind = "Receiver"
		}
		writeXML(w, e.status, "ErrorResponse", "", []*node{
			el("Error", tx("Type", kind), tx("Code", e.code), tx("Message", e.message)),
			tx("RequestId", requestID),
		})
	}
}

// lowerMessageErrors are the SSM errors whose model spells the member
// "message"; the others of SSM, and every error of Secrets Manager and
// Application Auto Scaling, spell it "Message". The SDK reads a modelled
// error's members by their exact JSON name.
var lowerMessageErrors = []string{"ParameterAlreadyExists", "ParameterNotFound", "ParameterVersionNotFound", "ParameterLimitExceeded",
	"ParameterPatternMismatchException", "UnsupportedParameterType", "InvalidKeyId", "HierarchyTypeMismatchException", "InvalidFilterOption"}

func jsonMessageKey(service, code string) string {
	switch {
	case service == svcSSM && slices.Contains(lowerMessageErrors, code):
		return "message"
	case service == svcSSM || service == svcSecrets || service == svcAppScaling:
		return "Message"
	}
	return "message"
}

// restAnswer is the answer of a REST operation: status, headers and body
// as they go on the wire.
type restAnswer struct {
	status int
	header http.Header
	body   []byte
}

func (a *restAnswer) write(w http.ResponseWriter, service, requestID string) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if service == svcS3 {
		w.Header().Set("X-Amz-Request-Id", requestID)
		w.Header().Set("X-Amz-Id-2", hostID(requestID))
	} else {
		w.Header().Set("X-Amzn-RequestId", requestID)
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// jsonAnswer is a REST answer with a JSON body.
func jsonAnswer(status int, v any) *restAnswer {
	body, _ := json.Marshal(v)
	return &restAnswer{status: status, header: http.Header{"Content-Type": {"application/json"}}, body: body}
}

// hostID is S3's x-amz-id-2, derived from the request ID.
func hostID(requestID string) string {
	return base64.StdEncoding.EncodeToString([]byte(requestID))
}

// epoch is a timestamp as the JSON protocol writes it: seconds since the
// Unix epoch, with a fractional part.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', 3, 64)), nil
}

// ts is an optional epoch: nil for the zero time, so the member is left out.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return epoch(t)
}

// millis is a timestamp as CloudWatch Logs writes it: integer milliseconds.
func millis(t time.Time) int64 { return t.UnixMilli() }

// prune drops nil members and empty strings from a JSON object, the way
// AWS leaves out members that have no value.
func prune(m map[string]any) map[string]any {
	for k, v := range m {
		switch x := v.(type) {
		case nil:
			delete(m, k)
		case string:
			if x == "" {
				delete(m, k)
			}
		}
	}
	return m
}
