package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v4"
)

// located is a load error as locate rewrote it, over compose-go's.
type located struct {
	msg string
	err error
}

func (e *located) Error() string { return e.msg }
func (e *located) Unwrap() error { return e.err }

// locate makes a load error say where the problem is, which compose-go's
// errors often do not: the file as the user named it (compose-go names it
// by its absolute path, or not at all, or names the file that extends
// the one at fault), the key, the service, and the flag or variable a
// value came from. files are the compose files, none when the error came
// before they were known. It also words the errors that leak Go's
// internals (strconv.Atoi, cli.named) for people.
func locate(err error, files []string, opts Options) error {
	s := NewSources(files)
	msg, ok := "", false
	for _, explain := range explanations {
		if msg, ok = explain(s, err, opts); ok {
			break
		}
	}
	if !ok {
		msg = nameFile(s, err.Error(), files)
	}
	msg = strings.ReplaceAll(relative(msg), ".[", "[") // services.web.ports.[0]
	return &located{msg: msg, err: err}
}

// explanations are the errors of compose-go that locate rewrites, each a
// function that tells whether err is one of its kind.
var explanations = []func(s *Sources, err error, opts Options) (string, bool){
	composeFile,
	projectName,
	schema,
	interpolation,
	decoding,
	topLevel,
	serviceless,
	referred,
}

// at joins the place of a problem, a file and a key, to its message,
// leaving out what is empty.
func at(file, key, msg string) string {
	var parts []string
	for _, p := range []string{file, key, msg} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ": ")
}

var composeFileError = regexp.MustCompile(`(?s)^compose file "(.*?)" (?:(set by COMPOSE_FILE) environment variable |found by default file discovery )?is invalid: (.*)$`)

// composeFile words the error about a compose file that cannot be read
// (missing, a directory…) as "<file>: <reason>", saying when the file
// came from COMPOSE_FILE.
func composeFile(_ *Sources, err error, _ Options) (string, bool) {
	m := composeFileError.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	name, reason := Display(m[1]), m[3]
	if m[2] != "" {
		name += " (" + m[2] + ")"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
	} else if abs, err := filepath.Abs(m[1]); err == nil {
		reason = strings.TrimPrefix(reason, abs+" ") // is a directory
	}
	return at(name, "", reason), true
}

// projectName says which of -p or COMPOSE_PROJECT_NAME gave an invalid
// name: compose-go checks only names given so, a name key being made
// valid.
func projectName(_ *Sources, err error, opts Options) (string, bool) {
	msg := err.Error()
	if !strings.HasPrefix(msg, "invalid project name ") {
		return "", false
	}
	from := "COMPOSE_PROJECT_NAME"
	if opts.ProjectName != "" {
		from = "--project-name"
	}
	return at(from, "", msg), true
}

var (
	schemaError = regexp.MustCompile(`(?s)^validating (.+?): (\S*) (.*)$`)
	additional  = regexp.MustCompile(`^additional propert(?:y|ies) ('.*') not allowed$`)
)

// schema locates an error of compose-go's schema validation, which names
// the file validated but not the one at fault when the key comes from a
// service it extends, and words unknown keys alike.
func schema(_ *Sources, err error, _ Options) (string, bool) {
	m := schemaError.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	file, key, msg := m[1], brackets(m[2]), m[3]
	unknown, several := msg == "false schema", false
	if a := additional.FindStringSubmatch(msg); a != nil {
		if names := strings.Split(a[1], ", "); len(names) == 1 {
			key = strings.TrimPrefix(key+"."+strings.Trim(a[1], "'"), ".")
			unknown = true
		} else {
			msg = "unknown keys " + a[1] + ", not in the compose specification"
			several = true
		}
	}
	// The key is in the file validated, or in a file it includes or
	// extends.
	where, written := NewSources([]string{file}).Where(key)
	switch {
	case unknown:
		return at(where, written, "unknown key, not in the compose specification"), true
	case several || written == "":
		return at(where, written, msg), true
	}
	return where + ": " + written + " " + msg, true // services.web.image must be a string
}

// brackets writes the indexes of compose-go's schema paths as Validate
// does: services.web.ports.0 is services.web.ports[0]. The second part is
// a name (services.0), never an index.
func brackets(key string) string {
	var b strings.Builder
	for i, p := range strings.Split(key, ".") {
		switch {
		case i >= 2 && p != "" && strings.Trim(p, "0123456789") == "":
			b.WriteString("[" + p + "]")
		case i > 0:
			b.WriteString("." + p)
		default:
			b.WriteString(p)
		}
	}
	return b.String()
}

var interpolating = regexp.MustCompile(`^error while interpolating (\S+): (?:failed to cast to expected type: )?(.*)$`)

// interpolation locates the errors of values that are not of their key's
// type, or need a variable that is not set.
func interpolation(s *Sources, err error, _ Options) (string, bool) {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		m := interpolating.FindStringSubmatch(l)
		if m == nil {
			return "", false
		}
		file, key := s.Where(strings.ReplaceAll(m[1], ".[", "["))
		lines[i] = at(file, key, plain(m[2]))
	}
	return strings.Join(lines, "\n"), true
}

var (
	decodingError = regexp.MustCompile(`^(?:\* )?'([^']+)' (.*)$`)
	// decodingName is a name in the keys of mapstructure: services[web].
	decodingName = regexp.MustCompile(`\[([^\]]*[^\]0-9][^\]]*)\]`)
)

// decoding locates the errors of values compose-go cannot decode (sizes,
// durations), which mapstructure gives as 'services[web].mem_limit'.
func decoding(s *Sources, err error, _ Options) (string, bool) {
	rest, ok := strings.CutPrefix(err.Error(), "decoding failed due to the following error(s):\n\n")
	if !ok {
		return "", false
	}
	var lines []string
	for _, l := range strings.Split(rest, "\n") {
		if l == "" {
			continue
		}
		m := decodingError.FindStringSubmatch(l)
		if m == nil {
			return "", false
		}
		file, key := s.Where(decodingName.ReplaceAllString(m[1], ".$1"))
		lines = append(lines, at(file, key, plain(m[2])))
	}
	return strings.Join(lines, "\n"), len(lines) > 0
}

var (
	goNumber = regexp.MustCompile(`strconv\.\w+: parsing ("(?:[^"\\]|\\.)*"): (invalid syntax|value out of range)`)
	// goNumberIs words the errors of strconv.
	goNumberIs = map[string]string{"invalid syntax": "is not a number", "value out of range": "is out of range"}
)

// plain words an error of a value without Go's internals.
func plain(msg string) string {
	msg = goNumber.ReplaceAllStringFunc(msg, func(s string) string {
		m := goNumber.FindStringSubmatch(s)
		return m[1] + " " + goNumberIs[m[2]]
	})
	if v, ok := strings.CutPrefix(msg, "invalid boolean: "); ok {
		return fmt.Sprintf("must be true or false, not %q", v)
	}
	return strings.TrimPrefix(msg, "time: ") // invalid duration "forever"
}

var (
	topLevelError = regexp.MustCompile(`line (\d+): cannot construct !!(\w+)[^\n]* into \w+\.named`)
	// kinds name what YAML tags stand for.
	kinds = map[string]string{"seq": "a list", "str": "a string", "int": "a number", "float": "a number", "bool": "a boolean"}
)

// topLevel words the error of a compose file that is a list or a string:
// compose-go reads it as a struct of its own.
func topLevel(s *Sources, err error, _ Options) (string, bool) {
	m := topLevelError.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	file, ok := s.notMapping()
	if !ok {
		file = s.names()
	}
	kind := kinds[m[2]]
	if kind == "" {
		kind = "!!" + m[2]
	}
	return at(file, "line "+m[1], "a compose file must be a mapping of compose keys (services:, networks:, …), not "+kind), true
}

// serviceErrors are the errors of compose-go that are about a service
// but do not name it, and how to find it in the files.
var serviceErrors = []struct {
	message *regexp.Regexp
	// key is the service's key the error is about.
	key string
	// is tells whether the service, given the message's submatches, is
	// the one.
	is func(m []string, name string, service *yaml.Node) bool
}{
	{
		regexp.MustCompile(`^healthcheck\.test must start either by`),
		"healthcheck.test",
		func(_ []string, _ string, service *yaml.Node) bool {
			test := child(child(service, "healthcheck"), "test")
			if test == nil || test.Kind != yaml.SequenceNode {
				return false // a string runs in a shell: CMD-SHELL
			}
			first := scalars(test)
			return len(first) > 0 && first[0] != "CMD" && first[0] != "CMD-SHELL" && first[0] != "NONE"
		},
	},
	{
		// The port parser of docker's go-connections.
		regexp.MustCompile(`^Invalid (?:ip address:? |hostPort: |containerPort: |proto: |ranges specified for container and host Ports: )(\S+?):?(?: |$)`),
		"ports",
		func(m []string, _ string, service *yaml.Node) bool {
			for _, port := range items(child(service, "ports")) {
				values := scalars(port)
				for _, p := range pairs(port) {
					values = append(values, scalars(p.value)...)
				}
				for _, v := range values {
					if strings.Contains(v, m[1]) {
						return true
					}
				}
			}
			return false
		},
	},
	{
		regexp.MustCompile(`^dependency cycle detected: (\S+) -> `),
		"depends_on",
		func(m []string, name string, service *yaml.Node) bool {
			return name == m[1] && child(service, "depends_on") != nil
		},
	},
}

// serviceless names the service, and its key, of an error of compose-go
// that names neither.
func serviceless(s *Sources, err error, _ Options) (string, bool) {
	msg := err.Error()
	for _, e := range serviceErrors {
		m := e.message.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		is := func(name string, service *yaml.Node) bool { return e.is(m, name, service) }
		if file, key, ok := s.findService(e.key, is); ok {
			msg = strings.TrimPrefix(msg, e.key+" ") // healthcheck.test must start…
			return at(file, key, strings.ToLower(msg[:1])+msg[1:]), true
		}
	}
	return "", false
}

var (
	// pathInError finds the file of the errors of env files.
	pathInError = regexp.MustCompile(`^(?:failed to read|env file|couldn't find env file:) (\S+?):?(?: |$)`)
	notFound    = regexp.MustCompile(`^(?:env file (\S+) not found: .*|couldn't find env file: (\S+))$`)
)

// referred locates the error of a file that a compose file, or the
// --env-file flag, refers to: an env file, an included file, a file
// extended, a secret's or a config's file.
func referred(s *Sources, err error, opts Options) (string, bool) {
	msg := err.Error()
	var path string
	var pe *fs.PathError
	if errors.As(err, &pe) {
		path = pe.Path
	}
	if m := pathInError.FindStringSubmatch(msg); m != nil {
		path = m[1]
	}
	if path == "" {
		return "", false
	}
	if m := notFound.FindStringSubmatch(msg); m != nil {
		msg = m[1] + m[2] + " not found"
	}
	abs, _ := filepath.Abs(path)
	for _, f := range opts.EnvFiles {
		if a, _ := filepath.Abs(f); a == abs {
			return at("--env-file", "", msg), true
		}
	}
	if file, key, ok := s.referrer(abs); ok {
		return at(file, key, msg), true
	}
	return "", false
}

// nameFile names the compose file of an error that compose-go gives
// without one, or with its absolute path: a YAML syntax error found while
// looking for the project name, an interpolation error.
func nameFile(s *Sources, msg string, files []string) string {
	named := false
	for _, f := range files {
		abs, _ := filepath.Abs(f)
		for _, form := range []string{abs, f} {
			if form != "" && strings.Contains(msg, form) {
				msg = strings.ReplaceAll(msg, form, Display(abs))
				named = true
			}
		}
	}
	if named || len(s.files) == 0 {
		return msg
	}
	if strings.HasPrefix(msg, "yaml: ") {
		for _, f := range s.files {
			if s.doc(f) == nil {
				return at(Display(f), "", msg)
			}
		}
	}
	return at(s.names(), "", msg)
}

// relative writes the paths of msg that are in the current directory
// relative to it, as Display does.
func relative(msg string) string {
	wd, err := os.Getwd()
	if err != nil || filepath.Dir(wd) == wd {
		return msg
	}
	dirs := []string{wd}
	if real, err := filepath.EvalSymlinks(wd); err == nil && real != wd {
		dirs = append(dirs, real)
	}
	for _, d := range dirs {
		in := regexp.MustCompile(`(^|[\s"'(])` + regexp.QuoteMeta(d+string(filepath.Separator)))
		msg = in.ReplaceAllString(msg, "$1")
	}
	return msg
}
