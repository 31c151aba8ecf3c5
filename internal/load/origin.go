package load

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Sources are the compose files of a project as the user wrote them, read
// only to tell where a key comes from: compose-go merges the files, their
// includes and the services they extend into one project, and its errors,
// like Validate's, name a key of that project, not the file that writes it.
// Each file is read and parsed once, when a question first needs it.
type Sources struct {
	// files are the compose files the project is loaded from (-f), as
	// absolute paths, in order.
	files []string
	// docs are the files parsed so far, by absolute path: the top node
	// of the document, nil when the file cannot be read or parsed.
	docs map[string]*yaml.Node
	// included and extended are the lists of direct and all, once made.
	included, extended []string
}

// NewSources reads nothing yet: the project's files are parsed when a
// question needs them.
func NewSources(files []string) *Sources {
	s := &Sources{docs: map[string]*yaml.Node{}}
	for _, f := range files {
		if f == "-" {
			continue // stdin, read by compose-go and gone
		}
		if abs, err := filepath.Abs(f); err == nil {
			s.files = append(s.files, abs)
		}
	}
	return s
}

// Where names the file that writes key, a dotted key of the loaded project
// (services.web.privileged, services.web.ports[0].target,
// x-aws-cloudformation.Resources.Queue), and the key as that file writes
// it. The file is the last of the compose files to write the key, since
// later files override earlier ones; else a file they include; else the
// file of the service that the key's service extends. A service's
// deploy.resources may be written in short form (mem_limit, cpus…): the
// key is then that short form. Through extends, the service may have
// another name, which the key then gives, with the service that extends
// it. When no file writes the whole key, the file is the one that writes
// most of it, and the key is unchanged; when none writes any of it, the
// compose files are all named.
func (s *Sources) Where(key string) (file, written string) {
	direct := s.direct()
	name, rest, isService := s.service(key)
	best := origin{key: key}
	for _, f := range direct {
		root := s.root(f)
		if isService {
			for _, r := range spellings(rest) {
				if k := "services." + name + r; depth(root, k) == len(k) {
					return Display(f), k
				}
			}
		} else if depth(root, key) == len(key) {
			return Display(f), key
		}
		if d := depth(root, key); d > best.depth {
			best = origin{file: f, key: key, depth: d}
		}
	}
	if isService {
		for _, f := range direct {
			o := s.inherited(f, name, f, name, rest, map[string]bool{})
			if o.whole {
				return Display(o.file), o.key
			}
			if o.depth > best.depth {
				best = o
			}
		}
	}
	if best.file == "" {
		return s.names(), key
	}
	return Display(best.file), best.key
}

// origin is where Where found a key: whole, or the depth first bytes of
// it.
type origin struct {
	file, key string
	depth     int
	whole     bool
}

// inherited looks for rest, a service's key such as .deploy.resources, in
// the service that services.name of file extends, then in the one that
// service extends, and so on. The key it gives says which service, of
// which file, extends the one found: services.user of userFile, the
// service asked for.
func (s *Sources) inherited(file, name, userFile, user, rest string, seen map[string]bool) origin {
	base, baseName, ok := s.extends(file, name)
	if !ok || seen[base+"\x00"+baseName] {
		return origin{}
	}
	seen[base+"\x00"+baseName] = true
	root := s.root(base)
	prefix := "services." + baseName
	var by []string
	if baseName != user {
		by = append(by, "services."+user)
	}
	if base != userFile {
		by = append(by, Display(userFile))
	}
	note := " (extended by " + strings.Join(by, " of ") + ")"
	for _, r := range spellings(rest) {
		if k := prefix + r; depth(root, k) == len(k) {
			return origin{file: base, key: k + note, whole: true}
		}
	}
	var o origin
	if d := depth(root, prefix+rest); d >= len(prefix) {
		o = origin{file: base, key: prefix + rest + note, depth: len("services."+user) + d - len(prefix)}
	}
	if deeper := s.inherited(base, baseName, userFile, user, rest, seen); deeper.whole || deeper.depth > o.depth {
		return deeper
	}
	return o
}

// shortForms are the service keys that mean a key of deploy.resources.
var shortForms = []struct{ long, short string }{
	{".deploy.resources.limits.cpus", ".cpus"},
	{".deploy.resources.limits.memory", ".mem_limit"},
	{".deploy.resources.limits.pids", ".pids_limit"},
	{".deploy.resources.reservations.memory", ".mem_reservation"},
}

// spellings are the ways to write rest, a key of a service: itself, then
// the short forms of deploy.resources that it is, or that it holds.
func spellings(rest string) []string {
	out := []string{rest}
	if !strings.HasPrefix(rest, ".deploy.resources") {
		return out
	}
	for _, f := range shortForms {
		if f.long == rest || strings.HasPrefix(f.long, rest+".") {
			out = append(out, f.short)
		}
	}
	return out
}

// referrer names the file, and its key, that refers to path: an include,
// a service's env_file or the file it extends, the file of a secret or of
// a config. ok is false when no compose file names path.
func (s *Sources) referrer(path string) (file, key string, ok bool) {
	path = filepath.Clean(path)
	for _, f := range s.all() {
		for _, r := range s.references(f) {
			p := filepath.FromSlash(r.path)
			abs := p
			if !filepath.IsAbs(p) {
				abs = filepath.Join(filepath.Dir(f), p)
			}
			// Relative paths of an override file are relative to the
			// project directory, not to the override's: the end of the
			// path tells.
			if abs == path || (!filepath.IsAbs(p) && strings.HasSuffix(path, string(filepath.Separator)+filepath.Clean(p))) {
				return Display(f), r.key, true
			}
		}
	}
	return "", "", false
}

// reference is a path a compose file names, and the key it is in.
type reference struct{ key, path string }

// references are the paths that file names: includes, env files, extends,
// and the files of secrets and configs.
func (s *Sources) references(file string) []reference {
	root := s.root(file)
	var refs []reference
	add := func(key string, n *yaml.Node) {
		for _, p := range scalars(n) {
			if p != "" && !strings.Contains(p, "$") { // interpolated: unknown here
				refs = append(refs, reference{key, p})
			}
		}
	}
	for _, n := range items(child(root, "include")) {
		if n.Kind == yaml.MappingNode {
			n = child(n, "path")
		}
		add("include", n)
	}
	for _, svc := range pairs(child(root, "services")) {
		prefix := "services." + svc.key.Value
		for _, n := range items(child(svc.value, "env_file")) {
			if n.Kind == yaml.MappingNode {
				n = child(n, "path")
			}
			add(prefix+".env_file", n)
		}
		add(prefix+".extends.file", child(child(svc.value, "extends"), "file"))
	}
	for _, section := range []string{"secrets", "configs"} {
		for _, p := range pairs(child(root, section)) {
			add(section+"."+p.key.Value+".file", child(p.value, "file"))
		}
	}
	return refs
}

// findService finds, for an error of compose-go that names no service,
// the first service of the project's files for which is holds, and names
// the file that declares it and key of that service (ports,
// healthcheck.test).
func (s *Sources) findService(key string, is func(name string, service *yaml.Node) bool) (file, written string, ok bool) {
	for _, f := range s.all() {
		for _, svc := range pairs(child(s.root(f), "services")) {
			if is(svc.key.Value, svc.value) {
				return Display(f), "services." + svc.key.Value + "." + key, true
			}
		}
	}
	return "", "", false
}

// notMapping names the first compose file whose document is a list or a
// scalar, not a mapping.
func (s *Sources) notMapping() (file string, ok bool) {
	for _, f := range s.files {
		if d := s.doc(f); d != nil && (d.Kind == yaml.SequenceNode || d.Kind == yaml.ScalarNode) {
			return Display(f), true
		}
	}
	return "", false
}

// direct are the compose files, the last first, then the files they
// include, and the files those include…
func (s *Sources) direct() []string {
	if s.included != nil {
		return s.included
	}
	var files []string
	for i := len(s.files) - 1; i >= 0; i-- {
		files = append(files, s.files[i])
	}
	s.included = s.closure(files, func(f string) []string {
		var out []string
		for _, r := range s.references(f) {
			if r.key == "include" {
				out = append(out, pathIn(f, r.path))
			}
		}
		return out
	})
	return s.included
}

// all are the direct files, then the files their services extend, and
// the files those extend…
func (s *Sources) all() []string {
	if s.extended != nil {
		return s.extended
	}
	s.extended = s.closure(s.direct(), func(f string) []string {
		var out []string
		for _, svc := range pairs(child(s.root(f), "services")) {
			if base, _, ok := s.extends(f, svc.key.Value); ok {
				out = append(out, base)
			}
		}
		return out
	})
	return s.extended
}

// closure is files, then what next gives for each of them, once each.
func (s *Sources) closure(files []string, next func(string) []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for len(files) > 0 {
		f := files[0]
		files = files[1:]
		if seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
		files = append(files, next(f)...)
	}
	return out
}

// extends gives the file and the service that services.name of file
// extends.
func (s *Sources) extends(file, name string) (base, service string, ok bool) {
	ext := child(child(child(s.root(file), "services"), name), "extends")
	switch {
	case ext == nil:
		return "", "", false
	case ext.Kind == yaml.ScalarNode:
		return file, ext.Value, ext.Value != ""
	}
	svc := child(ext, "service")
	if svc == nil || svc.Kind != yaml.ScalarNode {
		return "", "", false
	}
	base = file
	if f := child(ext, "file"); f != nil && f.Kind == yaml.ScalarNode && !strings.Contains(f.Value, "$") {
		base = pathIn(file, f.Value)
	}
	return base, svc.Value, true
}

// service splits a key of a service, services.<name><rest>, on the name
// of a service the files declare, which may hold dots.
func (s *Sources) service(key string) (name, rest string, ok bool) {
	after, ok := strings.CutPrefix(key, "services.")
	if !ok {
		return "", "", false
	}
	for _, f := range s.direct() {
		for _, svc := range pairs(child(s.root(f), "services")) {
			n := svc.key.Value
			if len(n) > len(name) && strings.HasPrefix(after, n) && (len(after) == len(n) || after[len(n)] == '.' || after[len(n)] == '[') {
				name = n
			}
		}
	}
	return name, after[len(name):], name != ""
}

// names are the compose files, as the user named them.
func (s *Sources) names() string {
	names := make([]string, len(s.files))
	for i, f := range s.files {
		names[i] = Display(f)
	}
	return strings.Join(names, ", ")
}

// pathIn makes path, written in file, absolute.
func pathIn(file, path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
}

// doc is the top node of file's document, parsed the first time it is
// asked for.
func (s *Sources) doc(file string) *yaml.Node {
	if d, ok := s.docs[file]; ok {
		return d
	}
	var d *yaml.Node
	if b, err := os.ReadFile(file); err == nil {
		var n yaml.Node
		if yaml.Unmarshal(b, &n) == nil {
			d = resolve(&n)
		}
	}
	s.docs[file] = d
	return d
}

// root is file's top-level mapping; nil when it has none.
func (s *Sources) root(file string) *yaml.Node {
	if d := s.doc(file); d != nil && d.Kind == yaml.MappingNode {
		return d
	}
	return nil
}

// depth is how much of key, a dotted key such as services.web.ports[0]
// (or compose-go's services.web.ports.0, services.web.ports.[].target), n
// holds: the length of the longest start of key, ending where one of its
// parts ends, that leads to a node. Keys may hold dots.
func depth(n *yaml.Node, key string) int {
	n = resolve(n)
	if n == nil || key == "" {
		return 0
	}
	best := 0
	switch n.Kind {
	case yaml.MappingNode:
		for _, p := range pairs(n) {
			k := p.key.Value
			rest, ok := strings.CutPrefix(key, k)
			if ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
				best = max(best, len(k)+below(p.value, rest))
			}
		}
	case yaml.SequenceNode:
		var index, rest string
		if strings.HasPrefix(key, "[") {
			end := strings.IndexByte(key, ']')
			if end < 0 {
				return 0
			}
			index, rest = key[1:end], key[end+1:] // [] is any item
		} else {
			end := strings.IndexAny(key, ".[")
			if end < 0 {
				end = len(key)
			}
			index, rest = key[:end], key[end:]
			if index == "" {
				return 0
			}
		}
		i, err := strconv.Atoi(index)
		if index != "" && (err != nil || i < 0 || i >= len(n.Content)) {
			return 0
		}
		for j, item := range n.Content {
			if index == "" || j == i {
				best = max(best, len(key)-len(rest)+below(item, rest))
			}
		}
	}
	return best
}

// below is how much of rest, what follows a part of a key, n holds: all of
// rest goes on with .part or [index] that n has.
func below(n *yaml.Node, rest string) int {
	switch {
	case rest == "":
		return 0
	case rest[0] == '.':
		if d := depth(n, rest[1:]); d > 0 {
			return 1 + d
		}
	case rest[0] == '[':
		if n = resolve(n); n != nil && n.Kind == yaml.SequenceNode {
			return depth(n, rest)
		}
	}
	return 0
}

// pair is an entry of a mapping.
type pair struct{ key, value *yaml.Node }

// pairs are the entries of the mapping n, its own first, then those it
// merges (<<: *base).
func pairs(n *yaml.Node) []pair {
	return merged(n, 0)
}

// maxMerges bounds merges of merges, which an anchor can make endless.
const maxMerges = 8

func merged(n *yaml.Node, level int) []pair {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode || level > maxMerges {
		return nil
	}
	var own, more []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value != "<<" {
			own = append(own, pair{k, v})
			continue
		}
		for _, m := range items(v) {
			more = append(more, merged(m, level+1)...)
		}
	}
	return append(own, more...)
}

// child is the value of key in the mapping n; nil when it has none.
func child(n *yaml.Node, key string) *yaml.Node {
	if n = resolve(n); n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	for _, p := range pairs(n) { // merged
		if p.key.Value == key {
			return resolve(p.value)
		}
	}
	return nil
}

// items are the items of the sequence n, or n alone when it is not one.
func items(n *yaml.Node) []*yaml.Node {
	n = resolve(n)
	switch {
	case n == nil:
		return nil
	case n.Kind != yaml.SequenceNode:
		return []*yaml.Node{n}
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, item := range n.Content {
		if item = resolve(item); item != nil {
			out = append(out, item)
		}
	}
	return out
}

// scalars are the values of n, a scalar or a sequence of them.
func scalars(n *yaml.Node) []string {
	var out []string
	for _, item := range items(n) {
		if item.Kind == yaml.ScalarNode {
			out = append(out, item.Value)
		}
	}
	return out
}

// resolve is the node n stands for: the content of a document, the node
// an alias names.
func resolve(n *yaml.Node) *yaml.Node {
	for range maxMerges {
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.DocumentNode && len(n.Content) > 0:
			n = n.Content[0]
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return n
}
