package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/docker-ecs/docker-ecs/internal/apply"
	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/dockerctx"
	"github.com/docker-ecs/docker-ecs/internal/load"
	"github.com/docker-ecs/docker-ecs/internal/progress"
	"github.com/docker-ecs/docker-ecs/internal/validate"
)

// contexts are the docker contexts of the Docker CLI's configuration
// directory (docker's --config, DOCKER_CONFIG, ~/.docker).
func (f *factory) contexts() *dockerctx.Store {
	return dockerctx.Open(dockerctx.ConfigDir(f.docker.config))
}

// awsTarget is the AWS account of the docker context in use (docker's
// --context, DOCKER_CONTEXT, the current context of config.json); the AWS
// environment when that context has no AWS endpoint, or says from-env.
func (f *factory) awsTarget() (awsapi.Target, error) {
	s := f.contexts()
	c, err := s.Get(s.Current(f.docker.context))
	if err != nil || c.AWS == nil {
		return awsapi.Target{}, err
	}
	if c.AWS.FromEnv {
		return awsapi.Target{Region: c.AWS.Region}, nil
	}
	return awsapi.Target{Profile: c.AWS.Profile, Region: c.AWS.Region}, nil
}

// deployer connects to the AWS account of the docker context in use.
func (f *factory) deployer(cmd *cobra.Command) (*apply.Deployer, error) {
	target, err := f.awsTarget()
	if err != nil {
		return nil, err
	}
	return newDeployer(cmd.Context(), target)
}

// newDeployer connects to the AWS account of target.
func newDeployer(ctx context.Context, target awsapi.Target) (*apply.Deployer, error) {
	clients, err := awsapi.New(ctx, target)
	if err != nil {
		return nil, err
	}
	return &apply.Deployer{AWS: clients, Clock: apply.RealClock{}}, nil
}

// stackOptions are the options every command on a project's stack has
// (up, down, ps, logs, exec).
type stackOptions struct {
	streams *Streams
	project load.Options
	// aws is the AWS account of the docker context in use.
	aws awsapi.Target
}

// stackOptions are the project of the compose flags and the AWS account of
// the docker context in use.
func (f *factory) stackOptions() (stackOptions, error) {
	target, err := f.awsTarget()
	if err != nil {
		return stackOptions{}, err
	}
	return stackOptions{streams: f.streams, project: f.project.options(), aws: target}, nil
}

// deployed is the name of the project a command on its stack acts on, and
// the Deployer of the account it is in.
func deployed(ctx context.Context, opts stackOptions) (string, *apply.Deployer, error) {
	name, err := projectName(ctx, opts.project)
	if err != nil {
		return "", nil, err
	}
	d, err := newDeployer(ctx, opts.aws)
	return name, d, err
}

// projectName is the name of the project a command acts on: -p, else the
// name the compose files give it. It needs no valid project, so that a
// project which no longer validates can still be inspected and removed.
func projectName(ctx context.Context, opts load.Options) (string, error) {
	if opts.ProjectName != "" {
		return opts.ProjectName, validate.ProjectName(opts.ProjectName)
	}
	p, err := load.Project(ctx, opts)
	if err != nil {
		return "", fmt.Errorf("%w (or name the project with -p)", err)
	}
	return p.Name, validate.ProjectName(p.Name)
}

// progressFlag is --progress of the commands that follow a stack operation.
func progressFlag(fs *pflag.FlagSet, mode *string) {
	fs.StringVar(mode, "progress", progress.Auto, `How to show progress: "auto", "tty", "plain" or "json"`)
}

func newPrinter(streams *Streams, mode string) (progress.Printer, error) {
	return progress.New(progress.Options{Mode: mode, Out: streams.Err, Terminal: streams.ErrTerminal, Width: streams.Width})
}

// detached is what an interrupted command says: AWS goes on.
func detached(err error, project string) error {
	if !errors.Is(err, apply.ErrDetached) {
		return err
	}
	return statusError{
		code:    130,
		message: fmt.Sprintf("Interrupted: nothing was cancelled, the operation on %s goes on in AWS. Follow it with docker ecs ps and docker ecs logs -f.", project),
	}
}
