// Package load is the Load phase: it reads a compose project the way
// `docker compose` does, with compose-go doing all of the work (-f merging,
// .env files, interpolation, profiles, extends, include). Nothing here knows
// about ECS.
package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
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
		return nil, locate(err, nil, opts)
	}
	if len(po.ConfigPaths) == 0 {
		where := "the current directory or its parents"
		if opts.ProjectDir != "" {
			where = opts.ProjectDir + " or its parents"
		}
		return nil, fmt.Errorf("no compose file (%s) in %s: use -f to name one", strings.Join(cli.DefaultFileNames, ", "), where)
	}
	p, err := loadProject(ctx, po)
	if err != nil {
		return nil, locate(err, po.ConfigPaths, opts)
	}
	return p, nil
}

// loadProject has compose-go load the project, and turns its panics, which
// some malformed files cause, into errors.
func loadProject(ctx context.Context, po *cli.ProjectOptions) (p *types.Project, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("compose-go failed on this project (%v): look for a key without a value", r)
		}
	}()
	return po.LoadProject(ctx)
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
