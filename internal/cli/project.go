package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/cfn"
	"github.com/docker-ecs/docker-ecs/internal/convert"
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

// install adds the flags to fs. They go on "ecs", before the command, as
// in docker compose, and on the commands themselves; shortFile is false
// for logs, whose -f is --follow, as in docker compose.
func (f *projectFlags) install(fs *pflag.FlagSet, shortFile bool) {
	short := ""
	if shortFile {
		short = "f"
	}
	fs.VarP(listFlag{&f.files}, "file", short, "Compose configuration files")
	fs.StringVarP(&f.name, "project-name", "p", "", "Project name")
	fs.StringVar(&f.dir, "project-directory", "", "Specify an alternate working directory\n(default: the path of the, first specified, Compose file)")
	fs.Var(listFlag{&f.envFiles}, "env-file", "Specify an alternate environment file")
	fs.Var(listFlag{&f.profiles}, "profile", "Specify a profile to enable")
}

// listFlag is a repeatable flag whose values add up wherever they are
// given: docker ecs -f a.yaml convert -f b.yaml reads both files.
type listFlag struct{ values *[]string }

func (l listFlag) String() string     { return strings.Join(*l.values, ",") }
func (l listFlag) Set(v string) error { *l.values = append(*l.values, v); return nil }
func (l listFlag) Type() string       { return "stringArray" }

func (f *projectFlags) options() load.Options {
	return load.Options{
		Files:       f.files,
		ProjectName: f.name,
		ProjectDir:  f.dir,
		EnvFiles:    f.envFiles,
		Profiles:    f.profiles,
	}
}

// loadTemplate runs the Load and Validate phases, printing Validate's
// warnings one a line, then Convert: the project and its template.
func loadTemplate(ctx context.Context, opts load.Options, stderr io.Writer) (*app.Project, *cfn.Template, error) {
	p, err := load.Project(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	model, warnings, err := validate.Project(p)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if err != nil {
		return nil, nil, err
	}
	tpl, err := convert.Template(model)
	if err != nil {
		return nil, nil, err
	}
	return model, tpl, nil
}
