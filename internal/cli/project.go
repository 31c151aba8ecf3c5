package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/load"
	"github.com/docker-ecs/docker-ecs/internal/validate"
)

// projectFlags are docker compose's flags for finding a project; their
// environment variables (COMPOSE_FILE, COMPOSE_PROJECT_NAME,
// COMPOSE_PROFILES) are read by the loader.
type projectFlags struct {
	files    []string
	name     string
	dir      string
	envFiles []string
	profiles []string
}

func (f *projectFlags) install(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&f.files, "file", "f", nil, "Compose configuration files")
	fs.StringVarP(&f.name, "project-name", "p", "", "Project name")
	fs.StringVar(&f.dir, "project-directory", "", "Specify an alternate working directory\n(default: the path of the, first specified, Compose file)")
	fs.StringArrayVar(&f.envFiles, "env-file", nil, "Specify an alternate environment file")
	fs.StringArrayVar(&f.profiles, "profile", nil, "Specify a profile to enable")
}

func (f *projectFlags) options() load.Options {
	return load.Options{
		Files:       f.files,
		ProjectName: f.name,
		ProjectDir:  f.dir,
		EnvFiles:    f.envFiles,
		Profiles:    f.profiles,
	}
}

// loadProject runs the Load and Validate phases and prints Validate's
// warnings, one a line.
func loadProject(ctx context.Context, opts load.Options, stderr io.Writer) (*app.Project, error) {
	p, err := load.Project(ctx, opts)
	if err != nil {
		return nil, err
	}
	model, warnings, err := validate.Project(p)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	return model, err
}
