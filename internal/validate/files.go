package validate

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
)

const (
	// secretsDir is where compose mounts a secret whose target is not an
	// absolute path.
	secretsDir = "/run/secrets"
	// maxConfigSize is the largest value of an SSM parameter (advanced
	// tier; standard ones hold 4 KB).
	maxConfigSize = 8192
	// defaultMode is compose's permissions of mounted files.
	defaultMode = 0o444
)

var (
	// fileKey is what a key of x-aws-keys may be: it names a file, and ECS
	// reads it from the JSON of the secret.
	fileKey = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	// envName is what ECS accepts as an environment variable's name.
	envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// systemDirs are directories a volume must not replace: the container
	// would lose what its image has there.
	systemDirs = []string{"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var"}
)

// files reads the secrets and configs the services mount, and the secrets
// they read as environment variables (x-aws-secret_env).
func files(p *types.Project, out *app.Project, r *report) {
	declared := func(kind, name string) (types.FileObjectConfig, bool) {
		if kind == app.SecretFile {
			cfg, ok := p.Secrets[name]
			return types.FileObjectConfig(cfg), ok
		}
		cfg, ok := p.Configs[name]
		return types.FileObjectConfig(cfg), ok
	}
	used := map[string]*app.File{} // kind/name → file
	use := func(kind, name, key string) *app.File {
		if f, ok := used[kind+"/"+name]; ok {
			return f
		}
		cfg, ok := declared(kind, name)
		if !ok {
			r.errorf(key, "the %s %q is not declared in the top-level %ss section", kind, name, kind)
			return nil
		}
		f := fileObject(p, kind, name, cfg, r)
		used[kind+"/"+name] = f
		return f
	}
	for _, svc := range out.Services {
		s := p.Services[svc.Name]
		key := "services." + svc.Name
		targets := map[string]string{}
		for i, ref := range s.Secrets {
			rkey := fmt.Sprintf("%s.secrets[%d]", key, i)
			f := use(app.SecretFile, ref.Source, rkey)
			if f == nil {
				continue
			}
			m := mount(types.FileReferenceConfig(ref), app.SecretFile, rkey, r)
			m.Keys = f.Keys
			if v, ok := ref.Extensions["x-aws-keys"]; ok {
				m.Keys = keys(p, f, v, rkey+".x-aws-keys", r)
				f.Keys = union(f.Keys, m.Keys)
			}
			claim(targets, m.Target, rkey, r)
			svc.Mounts = append(svc.Mounts, m)
		}
		for i, ref := range s.Configs {
			rkey := fmt.Sprintf("%s.configs[%d]", key, i)
			f := use(app.ConfigFile, ref.Source, rkey)
			if f == nil {
				continue
			}
			m := mount(types.FileReferenceConfig(ref), app.ConfigFile, rkey, r)
			claim(targets, m.Target, rkey, r)
			svc.Mounts = append(svc.Mounts, m)
		}
		secretEnv(s, svc, key, use, r)
	}
	for _, k := range slices.Sorted(maps.Keys(used)) {
		if used[k] != nil {
			out.Files = append(out.Files, used[k])
		}
	}
	ids := map[string]logicalIDs{app.SecretFile: {}, app.ConfigFile: {}}
	for _, f := range out.Files {
		ids[f.Kind].take(f.ID, f.Name, f.Kind+"s."+f.Name, r)
	}
}

// fileObject reads a top-level secret or config.
func fileObject(p *types.Project, kind, name string, cfg types.FileObjectConfig, r *report) *app.File {
	key := kind + "s." + name
	f := &app.File{Kind: kind, Name: name, ID: logicalID(name)}
	if f.ID == "" {
		r.errorf(key, "the name must contain a letter or a digit")
	}
	switch {
	case bool(cfg.External):
		f.External = cfg.Name
		if f.External == "" {
			f.External = name
		}
	case cfg.File != "":
		f.Path = cfg.File
		info, err := os.Stat(cfg.File)
		if err == nil && !info.IsDir() {
			// Read only at up, and after AWS is asked about the stack:
			// a file up could not read must stop it here.
			var file *os.File
			if file, err = os.Open(cfg.File); err == nil {
				file.Close()
			}
		}
		switch {
		case err != nil:
			r.errorf(key+".file", "%s cannot be read: %v", relativeTo(p.WorkingDir, cfg.File), errorText(err))
		case info.IsDir():
			r.errorf(key+".file", "%s is a directory, not a file", relativeTo(p.WorkingDir, cfg.File))
		case kind == app.ConfigFile && info.Size() > maxConfigSize:
			r.errorf(key+".file", "%s is %d bytes: a config holds at most %d (an SSM parameter); bake larger files into the image", relativeTo(p.WorkingDir, cfg.File), info.Size(), maxConfigSize)
		}
	case cfg.Environment != "":
		f.EnvVar = cfg.Environment
		if _, ok := p.Environment[cfg.Environment]; !ok {
			r.errorf(key+".environment", "the variable %s is not set in the environment docker ecs runs in, nor in the .env file", cfg.Environment)
		}
	case cfg.Content != "" && kind == app.ConfigFile:
		f.Content = cfg.Content
		if len(cfg.Content) > maxConfigSize {
			r.errorf(key+".content", "is %d bytes: a config holds at most %d (an SSM parameter)", len(cfg.Content), maxConfigSize)
		}
	default:
		r.errorf(key, "needs a file, an environment variable or, for a config, content")
	}
	if v, ok := cfg.Extensions["x-aws-keys"]; ok {
		f.Keys = keys(p, f, v, key+".x-aws-keys", r)
	}
	return f
}

// errorText is the part of a file error worth showing: the path is said
// already.
func errorText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// keys reads x-aws-keys: the keys of a JSON secret to mount one file each,
// or "*" for all of them, read from the secret's file or variable.
func keys(p *types.Project, f *app.File, v any, key string, r *report) []string {
	list, ok := stringList(v)
	if !ok || len(list) == 0 {
		r.errorf(key, `must be a list of the JSON keys to mount, or ["*"] for all`)
		return nil
	}
	if f.Kind != app.SecretFile {
		r.errorf(key, "splits JSON secrets only")
		return nil
	}
	if slices.Contains(list, "*") {
		var value []byte
		switch {
		case f.Path != "":
			value, _ = os.ReadFile(f.Path) // a missing file is reported already
		case f.EnvVar != "":
			value = []byte(p.Environment[f.EnvVar])
		default:
			r.errorf(key, `["*"] needs the value to list its keys: name the keys of an external secret`)
			return nil
		}
		var object map[string]any
		if err := json.Unmarshal(value, &object); err != nil {
			r.errorf(key, "the %s %s is not a JSON object, so it has no keys to split", f.Kind, f.Name)
			return nil
		}
		list = slices.Sorted(maps.Keys(object))
	}
	for _, k := range list {
		if !fileKey.MatchString(k) {
			r.errorf(key, "%q cannot name a file: keys are letters, digits, '.', '_' and '-'", k)
		}
	}
	slices.Sort(list)
	return slices.Compact(list)
}

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// mount reads where a service finds a secret or config: compose mounts a
// secret at /run/secrets/SOURCE, a config at /SOURCE, unless target says
// otherwise (relative to /run/secrets for a secret).
func mount(ref types.FileReferenceConfig, kind, key string, r *report) app.Mount {
	m := app.Mount{Kind: kind, Name: ref.Source, Target: ref.Target, Mode: defaultMode, UID: ref.UID, GID: ref.GID}
	if ref.Mode != nil {
		m.Mode = uint32(*ref.Mode)
	}
	switch {
	case m.Target == "" && kind == app.SecretFile:
		m.Target = path.Join(secretsDir, ref.Source)
	case m.Target == "":
		m.Target = "/" + ref.Source
	case !path.IsAbs(m.Target) && kind == app.SecretFile:
		m.Target = path.Join(secretsDir, m.Target)
	case !path.IsAbs(m.Target):
		m.Target = "/" + m.Target
	}
	m.Target = path.Clean(m.Target)
	dir := path.Dir(m.Target)
	switch {
	case dir == secretsDir || strings.HasPrefix(dir, secretsDir+"/"):
	case slices.Contains(systemDirs, dir):
		r.errorf(key, "ECS mounts the file in a volume of its own, which would replace %s: give a target in a directory of the application (such as /etc/app/%s)", dir, path.Base(m.Target))
	default:
		r.warnf(key, "on ECS the directory %s holds only the files mounted there: a volume replaces what the image has in it", dir)
	}
	for _, id := range []string{m.UID, m.GID} {
		if id != "" && strings.Trim(id, "0123456789") != "" {
			r.errorf(key, "uid and gid must be numbers, not %q", id)
		}
	}
	return m
}

// claim records that a path is mounted, once.
func claim(targets map[string]string, target, key string, r *report) {
	if other, ok := targets[target]; ok {
		r.errorf(key, "%s is also mounted by %s", target, other)
	}
	targets[target] = key
}

// secretEnv reads x-aws-secret_env: {VAR: secret, VAR: secret:json_key}.
func secretEnv(s types.ServiceConfig, svc *app.Service, key string, use func(kind, name, key string) *app.File, r *report) {
	v, ok := s.Extensions["x-aws-secret_env"]
	if !ok {
		return
	}
	key += ".x-aws-secret_env"
	m, ok := v.(map[string]any)
	if !ok {
		r.errorf(key, "must be a mapping of variables to secrets: {DB_PASSWORD: db_password, DB_USER: db:user}")
		return
	}
	for _, name := range slices.Sorted(maps.Keys(m)) {
		ref, ok := m[name].(string)
		if !ok || ref == "" {
			r.errorf(key+"."+name, "must name a secret, or a key of a JSON secret (secret:key)")
			continue
		}
		if !envName.MatchString(name) {
			r.errorf(key+"."+name, "is not a valid environment variable name")
		}
		if _, clash := s.Environment[name]; clash {
			r.errorf(key+"."+name, "is also set in environment")
		}
		secret, jsonKey, _ := strings.Cut(ref, ":")
		if use(app.SecretFile, secret, key+"."+name) == nil {
			continue
		}
		if jsonKey != "" && !fileKey.MatchString(jsonKey) {
			r.errorf(key+"."+name, "%q is not a JSON key ECS can read", jsonKey)
		}
		svc.SecretEnv = append(svc.SecretEnv, app.SecretEnv{Name: name, Secret: secret, Key: jsonKey})
	}
}
