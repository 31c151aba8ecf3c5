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

// stackName is what CloudFormation accepts as a stack name.
var stackName = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)

// dnsLabel is what Cloud Map accepts as a service name in a DNS namespace.
var dnsLabel = regexp.MustCompile(`^[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?$`)
