package fakeaws

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash"
	"hash/crc32"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// s3State is every bucket, by name: bucket names are global.
type s3State struct {
	buckets map[string]*bucket
}

func (s *s3State) init() { s.buckets = map[string]*bucket{} }

type bucket struct {
	name, region string
	created      time.Time
	objects      map[string]*s3Object
}

type s3Object struct {
	key, contentType, etag string
	body                   []byte
	modified               time.Time
	checksums              map[string]string // x-amz-checksum-* header → value, as the client sent them
}

// Bucket is an S3 bucket of the fake, for assertions.
type Bucket struct {
	Name, Region string
	Created      time.Time
	Objects      []Object // by key
}

// Object is an S3 object of a Bucket.
type Object struct {
	Key, ContentType, ETag string
	Body                   []byte
	Modified               time.Time
}

// Buckets returns every bucket with its objects, by name.
func (s *Server) Buckets() []Bucket {
	s.lock()
	defer s.mu.Unlock()
	var out []Bucket
	for _, name := range slices.Sorted(maps.Keys(s.s3.buckets)) {
		b := s.s3.buckets[name]
		bk := Bucket{Name: b.name, Region: b.region, Created: b.created}
		for _, key := range b.keys() {
			o := b.objects[key]
			bk.Objects = append(bk.Objects, Object{Key: o.key, ContentType: o.contentType, ETag: o.etag, Body: slices.Clone(o.body), Modified: o.modified})
		}
		out = append(out, bk)
	}
	return out
}

func (b *bucket) keys() []string { return slices.Sorted(maps.Keys(b.objects)) }

// --- routing ---

func init() {
	restRoutes[svcS3] = s3Route
	register(svcS3, map[string]handlerFunc{
		"CreateBucket":  (*Server).createBucket,
		"HeadBucket":    (*Server).headBucket,
		"DeleteBucket":  (*Server).deleteBucket,
		"ListObjectsV2": (*Server).listObjectsV2,
		"PutObject":     (*Server).putObject,
		"GetObject":     (*Server).getObject,
		"HeadObject":    (*Server).headObject,
		"DeleteObject":  (*Server).deleteObject,
	})
}

// s3Route reads a path-style request, /BUCKET or /BUCKET/KEY. A query
// naming a subresource (?tagging, ?uploads...) is an operation the fake
// does not implement.
func s3Route(req *request) string {
	bucketName, key, _ := strings.Cut(strings.TrimPrefix(req.path, "/"), "/")
	req.labels = map[string]string{"Bucket": bucketName, "Key": key}
	sub := false
	for k := range req.query {
		if k != "x-id" {
			sub = true
		}
	}
	switch {
	case bucketName == "":
		return ""
	case key == "" && req.method == http.MethodGet && req.query.Get("list-type") == "2":
		return "ListObjectsV2"
	case sub:
		return ""
	case key == "":
		return map[string]string{http.MethodPut: "CreateBucket", http.MethodHead: "HeadBucket", http.MethodDelete: "DeleteBucket"}[req.method]
	case req.method == http.MethodPut && req.header.Get("X-Amz-Copy-Source") == "":
		return "PutObject"
	}
	return map[string]string{http.MethodGet: "GetObject", http.MethodHead: "HeadObject", http.MethodDelete: "DeleteObject"}[req.method]
}

// --- answers ---

func s3Error(status int, code, msg string) *apiError { return errorf(status, code, "%s", msg) }

var errNoSuchBucket = s3Error(404, "NoSuchBucket", "The specified bucket does not exist")

func (s *Server) bucketArg(req *request) (*bucket, error) {
	b := s.s3.buckets[req.labels["Bucket"]]
	if b == nil {
		return nil, errNoSuchBucket
	}
	return b, nil
}

// xmlAnswer is an S3 answer whose body is one XML element in S3's
// namespace.
func xmlAnswer(root string, kids ...*node) *restAnswer {
	return &restAnswer{status: 200, header: http.Header{"Content-Type": {"application/xml"}}, body: xmlDocument(root, xmlNamespaces[svcS3], kids)}
}

func emptyAnswer(status int, header http.Header) *restAnswer {
	if header == nil {
		header = http.Header{}
	}
	return &restAnswer{status: status, header: header}
}

// --- buckets ---

var bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

type createBucketConfiguration struct {
	LocationConstraint string
}

// createBucket follows S3's rules on regions: outside us-east-1 the
// request must name the region of the endpoint it was sent to, and in
// us-east-1 it must name none.
func (s *Server) createBucket(req *request, now time.Time) (any, error) {
	name := req.labels["Bucket"]
	if !bucketNamePattern.MatchString(name) || strings.Contains(name, "..") {
		return nil, s3Error(400, "InvalidBucketName", "The specified bucket is not valid.")
	}
	var conf createBucketConfiguration
	if len(bytes.TrimSpace(req.raw)) > 0 {
		if err := xml.Unmarshal(req.raw, &conf); err != nil {
			return nil, s3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
		}
	}
	region := orDefault(req.region, s.opts.Region)
	switch {
	case conf.LocationConstraint == "" && region != "us-east-1":
		return nil, s3Error(400, "IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case conf.LocationConstraint == "us-east-1":
		return nil, s3Error(400, "InvalidLocationConstraint", "The specified location-constraint is not valid")
	case conf.LocationConstraint != "" && conf.LocationConstraint != region:
		return nil, s3Error(400, "IllegalLocationConstraintException", fmt.Sprintf("The %s location constraint is incompatible for the region specific endpoint this request was sent to.", conf.LocationConstraint))
	}
	if s.s3.buckets[name] != nil {
		if region == "us-east-1" {
			return emptyAnswer(200, http.Header{"Location": {"/" + name}}), nil
		}
		return nil, s3Error(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
	}
	s.s3.buckets[name] = &bucket{name: name, region: region, created: now, objects: map[string]*s3Object{}}
	return emptyAnswer(200, http.Header{"Location": {"/" + name}}), nil
}

func (s *Server) headBucket(req *request, _ time.Time) (any, error) {
	b, err := s.bucketArg(req)
	if err != nil {
		return nil, err
	}
	return emptyAnswer(200, http.Header{"X-Amz-Bucket-Region": {b.region}, "X-Amz-Access-Point-Alias": {"false"}}), nil
}

func (s *Server) deleteBucket(req *request, _ time.Time) (any, error) {
	b, err := s.bucketArg(req)
	if err != nil {
		return nil, err
	}
	if len(b.objects) > 0 {
		return nil, s3Error(409, "BucketNotEmpty", "The bucket you tried to delete is not empty")
	}
	delete(s.s3.buckets, b.name)
	return emptyAnswer(204, nil), nil
}

// listObjectsV2 pages through the keys in binary order. The continuation
// token is opaque to clients: here, the base64 of the first key of the
// next page.
func (s *Server) listObjectsV2(req *request, _ time.Time) (any, error) {
	b, err := s.bucketArg(req)
	if err != nil {
		return nil, err
	}
	q := req.query
	prefix, delim, startAfter := q.Get("prefix"), q.Get("delimiter"), q.Get("start-after")
	maxKeys := 1000
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, s3Error(400, "InvalidArgument", "Provided max-keys not an integer or within integer range")
		}
		maxKeys = min(n, 1000)
	}
	from := startAfter
	inclusive := false
	if tok := q.Get("continuation-token"); tok != "" {
		k, err := base64.StdEncoding.DecodeString(tok)
		if err != nil {
			return nil, s3Error(400, "InvalidArgument", "The continuation token provided is incorrect")
		}
		from, inclusive = string(k), true
	}
	var contents, prefixes []*node
	seen := map[string]bool{}
	next := ""
	count := 0
	for _, key := range b.keys() {
		if !strings.HasPrefix(key, prefix) || key < from || (key == from && !inclusive) {
			continue
		}
		common := ""
		if delim != "" {
			if i := strings.Index(key[len(prefix):], delim); i >= 0 {
				common = key[:len(prefix)+i+len(delim)]
			}
		}
		if common != "" && seen[common] {
			continue
		}
		if count == maxKeys {
			next = key
			break
		}
		count++
		if common != "" {
			seen[common] = true
			prefixes = append(prefixes, el("CommonPrefixes", tx("Prefix", common)))
			continue
		}
		o := b.objects[key]
		contents = append(contents, el("Contents", tx("Key", key), tt("LastModified", o.modified), tx("ETag", o.etag),
			ti("Size", len(o.body)), tx("StorageClass", "STANDARD")))
	}
	kids := []*node{tx("Name", b.name), &node{name: "Prefix", text: prefix}, ti("MaxKeys", maxKeys), ti("KeyCount", count),
		tx("Delimiter", delim), tb("IsTruncated", next != ""), tx("StartAfter", startAfter), tx("ContinuationToken", q.Get("continuation-token"))}
	if next != "" {
		kids = append(kids, tx("NextContinuationToken", base64.StdEncoding.EncodeToString([]byte(next))))
	}
	kids = append(kids, contents...)
	kids = append(kids, prefixes...)
	return xmlAnswer("ListBucketResult", kids...), nil
}

// --- objects ---

// checksumAlgorithms are the x-amz-checksum-* headers S3 verifies, with
// the hash each one names.
var checksumAlgorithms = map[string]func() hash.Hash{
	"X-Amz-Checksum-Crc32":  func() hash.Hash { return crc32.NewIEEE() },
	"X-Amz-Checksum-Crc32c": func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) },
	"X-Amz-Checksum-Sha1":   sha1.New,
	"X-Amz-Checksum-Sha256": sha256.New,
}

// putObject stores the body, checking the checksum the SDK computed: a
// mismatch is S3's BadDigest.
func (s *Server) putObject(req *request, now time.Time) (any, error) {
	b, err := s.bucketArg(req)
	if err != nil {
		return nil, err
	}
	sums := map[string]string{}
	for header, newHash := range checksumAlgorithms {
		want := req.header.Get(header)
		if want == "" {
			continue
		}
		h := newHash()
		h.Write(req.raw)
		if base64.StdEncoding.EncodeToString(h.Sum(nil)) != want {
			alg := strings.ToUpper(strings.TrimPrefix(header, "X-Amz-Checksum-"))
			return nil, s3Error(400, "BadDigest", fmt.Sprintf("The %s you specified did not match the calculated checksum.", alg))
		}
		sums[header] = want
	}
	sum := md5.Sum(req.raw)
	o := &s3Object{key: req.labels["Key"], body: slices.Clone(req.raw), modified: now, checksums: sums,
		etag: `"` + hex.EncodeToString(sum[:]) + `"`, contentType: orDefault(req.header.Get("Content-Type"), "binary/octet-stream")}
	b.objects[o.key] = o
	h := http.Header{"Etag": {o.etag}, "X-Amz-Server-Side-Encryption": {"AES256"}}
	for k, v := range sums {
		h.Set(k, v)
	}
	return emptyAnswer(200, h), nil
}

func (s *Server) objectArg(req *request) (*s3Object, error) {
	b, err := s.bucketArg(req)
	if err != nil {
		return nil, err
	}
	o := b.objects[req.labels["Key"]]
	if o == nil {
		return nil, s3Error(404, "NoSuchKey", "The specified key does not exist.")
	}
	return o, nil
}

// objectHeader is what GetObject and HeadObject answer about an object;
// its checksum only when the client asks for it.
func objectHeader(req *request, o *s3Object) http.Header {
	h := http.Header{"Content-Type": {o.contentType}, "Content-Length": {strconv.Itoa(len(o.body))}, "Etag": {o.etag},
		"Last-Modified": {o.modified.UTC().Format(http.TimeFormat)}, "Accept-Ranges": {"bytes"}, "X-Amz-Server-Side-Encryption": {"AES256"}}
	if strings.EqualFold(req.header.Get("X-Amz-Checksum-Mode"), "ENABLED") {
		for k, v := range o.checksums {
			h.Set(k, v)
		}
		if len(o.checksums) > 0 {
			h.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
		}
	}
	return h
}

func (s *Server) getObject(req *request, _ time.Time) (any, error) {
	o, err := s.objectArg(req)
	if err != nil {
		return nil, err
	}
	return &restAnswer{status: 200, header: objectHeader(req, o), body: slices.Clone(o.body)}, nil
}

func (s *Server) headObject(req *request, _ time.Time) (any, error) {
	o, err := s.objectArg(req)
	if err != nil {
		return nil, err
	}
	return emptyAnswer(200, objectHeader(req, o)), nil
}

// deleteObject succeeds whether or not the key exists, as in S3.
func (s *Server) deleteObject(req *request, _ time.Time) (any, error) {
	b, err := s.bucketArg(req)
	if err != nil {
		return nil, err
	}
	delete(b.objects, req.labels["Key"])
	return emptyAnswer(204, nil), nil
}

// --- CloudFormation TemplateURL ---

// s3Host matches the hosts of S3 URLs: virtual-hosted (BUCKET.s3.amazonaws.com,
// BUCKET.s3.REGION.amazonaws.com, BUCKET.s3-REGION.amazonaws.com) or path
// style (s3.amazonaws.com, s3.REGION..., s3-REGION...).
var s3Host = regexp.MustCompile(`^(?:(.+)\.)?s3(?:\.dualstack)?(?:[.-][a-z]{2}(?:-gov)?-[a-z]+-\d+)?\.amazonaws\.com(?:\.cn)?$`)

// templateFromURL reads a TemplateURL from the fake's own S3 store,
// whichever form of S3 URL it is.
func (s *Server) templateFromURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", validationError("TemplateURL must be an Amazon S3 URL.")
	}
	m := s3Host.FindStringSubmatch(strings.ToLower(u.Hostname()))
	if m == nil {
		return "", validationError("TemplateURL must be an Amazon S3 URL.")
	}
	bucketName, key := m[1], strings.TrimPrefix(u.Path, "/")
	if bucketName == "" {
		bucketName, key, _ = strings.Cut(key, "/")
	}
	b := s.s3.buckets[bucketName]
	if b == nil || b.objects[key] == nil {
		return "", validationError("TemplateURL must reference a valid S3 object to which you have access.")
	}
	return string(b.objects[key].body), nil
}
