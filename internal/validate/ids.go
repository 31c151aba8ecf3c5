package validate

import (
	"regexp"
	"strings"
	"unicode"
)

// logicalID turns a compose name into the CamelCase, alphanumeric form
// CloudFormation logical IDs need: "web-api" and "web_api" both give
// "WebApi", which is why Validate checks that no two names collide.
func logicalID(name string) string {
	var b strings.Builder
	upper := true
	for _, r := range name {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// logicalIDs are the logical IDs of one kind of names (services,
// networks…), each with the name that became it first.
type logicalIDs map[string]string

// take records that name becomes id, and reports at key that two names
// collide when another name became id first.
func (ids logicalIDs) take(id, name, key string, r *report) {
	if other, dup := ids[id]; dup {
		r.errorf(key, "the names %q and %q are too alike: both become %q in CloudFormation; rename one", other, name, id)
	}
	ids[id] = name
}

// The patterns below leave lengths to a check of their own: a counted
// repetition ({0,127}) compiles into a state per count, which every start
// of the program paid for.
var (
	stackName = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]*$`)
	dnsLabel  = regexp.MustCompile(`^[a-zA-Z0-9_]([a-zA-Z0-9_-]*[a-zA-Z0-9_])?$`)
)

// Lengths of the names above.
const (
	maxStackName = 128
	maxDNSLabel  = 63
)

// isStackName reports whether CloudFormation accepts name as a stack name.
func isStackName(name string) bool {
	return len(name) <= maxStackName && stackName.MatchString(name)
}

// isDNSLabel reports whether Cloud Map accepts name as a service name in
// a DNS namespace.
func isDNSLabel(name string) bool {
	return len(name) <= maxDNSLabel && dnsLabel.MatchString(name)
}
