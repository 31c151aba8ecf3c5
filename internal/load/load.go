// Package load is the Load phase: it reads a compose project the way
// `docker compose` does, with compose-go doing all of the work (-f merging,
// .env files, interpolation, profiles, extends, include). Nothing here knows
// about ECS.
package load

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// Options are the compose flags of every command that reads a project. They
// keep the names, and the environment variables, of docker compose.
type Options struct {
	// Files are the -f/--file flags, in order; empty means COMPOSE_FILE,
	// else compose.yaml (or docker-compose.yml) in the current directory or
	// one of its parents.
	Files []string
	// ProjectName is -p/--project-name; empty means COMPOSE_PROJECT_NAME,
	// else the top-level name key, else the project directory's name.
	ProjectName string
	// ProjectDir is --project-directory; empty means the directory of the
	// first compose file.
	ProjectDir string
	// EnvFiles are the --env-file flags; empty means .env in the project
	// directory, when there is one.
	EnvFiles []string
	// Profiles are the --profile flags; empty means COMPOSE_PROFILES.
	Profiles []string
}

// Project loads the compose project that opts describe. Variables of the
// process environment win over those of the env files, as in docker compose.
func Project(ctx context.Context, opts Options) (*types.Project, error) {
	if opts.ProjectDir != "" {
		if info, err := os.Stat(opts.ProjectDir); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("--project-directory %s: no such directory", opts.ProjectDir)
		}
	}
	po, err := cli.NewProjectOptions(opts.Files,
		cli.WithWorkingDirectory(opts.ProjectDir),
		cli.WithOsEnv,
		// COMPOSE_FILE and COMPOSE_PROFILES may come from the .env file of
		// the current directory; the compose files may then move the
		// project directory, whose .env is read again below.
		cli.WithEnvFiles(opts.EnvFiles...),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithEnvFiles(opts.EnvFiles...),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(opts.Profiles...),
		cli.WithName(opts.ProjectName),
	)
	if err != nil {
		return nil, err
	}
	if len(po.ConfigPaths) == 0 {
		where := "the current directory or its parents"
		if opts.ProjectDir != "" {
			where = opts.ProjectDir + " or its parents"
		}
		return nil, fmt.Errorf("no compose file (%s) in %s: use -f to name one", strings.Join(cli.DefaultFileNames, ", "), where)
	}
	p, err := po.LoadProject(ctx)
	if err != nil {
		return nil, locate(err, po.ConfigPaths)
	}
	return p, nil
}

// unknownKey is how compose-go's schema validation reports a key the
// compose specification does not have.
var unknownKey = regexp.MustCompile(`^(validating [^:]+: )(\S+) false schema$`)

// locate makes a load error name the compose file it is about, as the
// user named it, since compose-go does not always: a YAML syntax error
// found while looking for the project name, or an interpolation error,
// carry no file name.
func locate(err error, files []string) error {
	msg := err.Error()
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
	if m := unknownKey.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s%s: unknown key, not in the compose specification", m[1], m[2])
	}
	if named {
		return errors.New(msg)
	}
	if strings.HasPrefix(msg, "yaml: ") {
		for _, f := range files {
			var doc any
			if b, readErr := os.ReadFile(f); readErr == nil && yaml.Unmarshal(b, &doc) != nil {
				return fmt.Errorf("%s: %w", Display(f), err)
			}
		}
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = Display(f)
	}
	return fmt.Errorf("%s: %w", strings.Join(names, ", "), err)
}

// Display names a file the way the user would: relative to the current
// directory when it is inside it.
func Display(path string) string {
	wd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(path) {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}
