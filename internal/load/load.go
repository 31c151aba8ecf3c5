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
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/errdefs"
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
		return nil, explain(err)
	}
	if len(po.ConfigPaths) == 0 {
		wd, _ := os.Getwd()
		return nil, fmt.Errorf("no compose file found in %s or its parent directories (looked for %s): use -f to name one", wd, strings.Join(cli.DefaultFileNames, ", "))
	}
	p, err := po.LoadProject(ctx)
	if err != nil {
		return nil, explain(err)
	}
	return p, nil
}

// explain turns compose-go's bare sentinel errors into sentences; every
// other error already names its file and key.
func explain(err error) error {
	if errors.Is(err, errdefs.ErrNotFound) && err.Error() == errdefs.ErrNotFound.Error() {
		return errors.New("no compose file found: use -f to name one")
	}
	return err
}
