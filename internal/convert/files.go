package convert

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/cfn"
)

// The container that writes a service's secrets and configs as files, in
// the task's scratch volumes, before the service's container starts: a
// small image on Amazon ECR Public, which every region reaches without
// Docker Hub's limits.
const filesImage = "public.ecr.aws/docker/library/busybox:1.37"

// SecretARNParameter and SecretVersionParameter name the parameters that
// up fills with the ARN of a secret and the version its tasks read: a new
// version changes the task definition, so that the tasks restart with it.
func SecretARNParameter(f *app.File) string { return f.ID + "SecretArn" }

// SecretVersionParameter: see SecretARNParameter.
func SecretVersionParameter(f *app.File) string { return f.ID + "SecretVersion" }

// ConfigVersionParameter names the parameter that up fills with the
// version of a config's SSM parameter.
func ConfigVersionParameter(f *app.File) string { return f.ID + "ConfigVersion" }

// SecretName is the name of the Secrets Manager secret up makes for a
// compose secret.
func SecretName(project, secret string) string { return project + "/" + secret }

// ConfigParameter is the name of the SSM parameter that holds a config:
// the name the compose file gives an external one, else one of the
// project's.
func ConfigParameter(project string, f *app.File) string {
	if f.External != "" {
		return f.External
	}
	return ConfigPrefix(project) + f.Name
}

// ConfigPrefix begins the names of the SSM parameters that hold the
// project's own configs.
func ConfigPrefix(project string) string { return "/docker-ecs/" + project + "/" }

// fileParameters adds the parameters of the project's secrets and configs.
func (c *converter) fileParameters() {
	for _, f := range c.p.Files {
		if f.Kind == app.SecretFile {
			c.t.Parameters[SecretARNParameter(f)] = cfn.Parameter{Type: "String", Description: fmt.Sprintf("The ARN of the secret %s", f.Name)}
			c.t.Parameters[SecretVersionParameter(f)] = cfn.Parameter{Type: "String", Description: fmt.Sprintf("The version of the secret %s", f.Name)}
		} else {
			c.t.Parameters[ConfigVersionParameter(f)] = cfn.Parameter{Type: "String", Description: fmt.Sprintf("The version of the config %s", f.Name)}
		}
	}
}

func (c *converter) file(kind, name string) *app.File {
	for _, f := range c.p.Files {
		if f.Kind == kind && f.Name == name {
			return f
		}
	}
	return nil
}

// valueFrom is where ECS reads a secret, one key of a JSON secret, or a
// config.
func (c *converter) valueFrom(f *app.File, key string) any {
	if f.Kind == app.ConfigFile {
		name := ConfigParameter(c.p.Name, f)
		if strings.HasPrefix(name, "arn:") {
			return name
		}
		return cfn.Sub("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/" + strings.TrimPrefix(name, "/"))
	}
	if key == "" {
		return cfn.Ref(SecretARNParameter(f))
	}
	// ARN:json-key:version-stage:version-id
	return cfn.Join("", cfn.Ref(SecretARNParameter(f)), ":"+key+"::")
}

// filesRead are the secrets and configs a service reads, its mounts' then
// its secret environment variables', each once, in the order it first
// names them. One that is not in the project fails the conversion.
func (c *converter) filesRead(s *app.Service) []*app.File {
	var files []*app.File
	add := func(kind, name string) {
		f := c.file(kind, name)
		if f == nil {
			c.fail(fmt.Errorf("service %s reads the %s %q, which is not in the project", s.Name, kind, name))
			return
		}
		if !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	for _, m := range s.Mounts {
		add(m.Kind, m.Name)
	}
	for _, e := range s.SecretEnv {
		add(app.SecretFile, e.Secret)
	}
	return files
}

// versionLabels are the versions of the secrets and configs a service
// reads, as docker labels: a new version changes the task definition.
func versionLabels(files []*app.File) map[string]any {
	labels := map[string]any{}
	for _, f := range files {
		param := SecretVersionParameter(f)
		if f.Kind == app.ConfigFile {
			param = ConfigVersionParameter(f)
		}
		labels["docker-ecs."+f.Kind+"."+f.Name+".version"] = cfn.Ref(param)
	}
	return labels
}

// readsFiles gives the execution role of a service the right to read the
// secrets and configs it reads, and nothing else.
func (c *converter) readsFiles(files []*app.File) []cfn.Statement {
	var secrets, params []any
	for _, f := range files {
		if f.Kind == app.SecretFile {
			secrets = append(secrets, cfn.Ref(SecretARNParameter(f)))
		} else {
			params = append(params, c.valueFrom(f, ""))
		}
	}
	var out []cfn.Statement
	if len(secrets) > 0 {
		out = append(out, cfn.Statement{Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"}, Resource: secrets})
	}
	if len(params) > 0 {
		out = append(out, cfn.Statement{Effect: "Allow", Action: []string{"ssm:GetParameters"}, Resource: params})
	}
	return out
}

// filesContainerOf is the container that writes a service's mounted secrets
// and configs, the task's scratch volumes it writes them to, and the mount
// points of the service's container: each directory of a target is a
// volume, mounted read-only.
func (c *converter) filesContainerOf(s *app.Service) (cfn.ContainerDefinition, []cfn.Volume, []cfn.MountPoint) {
	// A volume per directory, none inside another: a mount point inside a
	// read-only volume could not be made.
	var dirs []string
	for _, m := range s.Mounts {
		dirs = append(dirs, path.Dir(m.Target))
	}
	slices.Sort(dirs)
	var roots []string
	for _, d := range slices.Compact(dirs) {
		if len(roots) == 0 || !within(d, roots[len(roots)-1]) {
			roots = append(roots, d)
		}
	}
	rootOf := func(target string) (volume, inside string) {
		for i, r := range roots {
			if within(path.Dir(target), r) {
				rel := strings.TrimPrefix(strings.TrimPrefix(target, r), "/")
				return fmt.Sprintf("files-%d", i), rel
			}
		}
		return "", ""
	}

	def := cfn.ContainerDefinition{
		Name:             app.FilesContainer,
		Image:            filesImage,
		Essential:        false,
		EntryPoint:       []string{"sh", "-c"},
		LogConfiguration: awslogs(s),
	}
	var volumes []cfn.Volume
	var mounts []cfn.MountPoint
	for i, dir := range roots {
		name := fmt.Sprintf("files-%d", i)
		volumes = append(volumes, cfn.Volume{Name: name})
		def.MountPoints = append(def.MountPoints, cfn.MountPoint{SourceVolume: name, ContainerPath: "/mnt/" + name})
		mounts = append(mounts, cfn.MountPoint{SourceVolume: name, ContainerPath: dir, ReadOnly: true})
	}
	// The values come in as environment variables, which only this
	// container has; the script writes each to its file.
	var script []string
	made := map[string]bool{}
	write := func(variable, file string, m app.Mount) {
		if dir := path.Dir(file); !made[dir] {
			made[dir] = true
			script = append(script, "mkdir -p "+shellQuote(dir))
		}
		script = append(script,
			fmt.Sprintf(`printf '%%s' "$%s" > %s`, variable, shellQuote(file)),
			fmt.Sprintf("chmod %o %s", m.Mode, shellQuote(file)))
		if m.UID != "" || m.GID != "" {
			script = append(script, fmt.Sprintf("chown %s:%s %s", orZero(m.UID), orZero(m.GID), shellQuote(file)))
		}
	}
	n := 0
	for _, m := range s.Mounts {
		f := c.file(m.Kind, m.Name)
		if f == nil {
			continue
		}
		volume, inside := rootOf(m.Target)
		base := path.Join("/mnt", volume, inside)
		keys := m.Keys
		if len(keys) == 0 {
			keys = []string{""}
		}
		for _, k := range keys {
			variable := fmt.Sprintf("FILE_%d", n)
			n++
			def.Secrets = append(def.Secrets, cfn.Secret{Name: variable, ValueFrom: c.valueFrom(f, k)})
			file := base
			if k != "" {
				file = path.Join(base, k)
			}
			write(variable, file, m)
		}
	}
	def.Command = []string{strings.Join(script, " && ")}
	return def, volumes, mounts
}

// within reports whether dir is root or inside it.
func within(dir, root string) bool {
	return dir == root || strings.HasPrefix(dir, strings.TrimSuffix(root, "/")+"/")
}

func orZero(id string) string {
	if id == "" {
		return "0"
	}
	return id
}

// shellQuote quotes a path for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
