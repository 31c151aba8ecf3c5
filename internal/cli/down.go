package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/apply"
	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/load"
	"github.com/docker-ecs/docker-ecs/internal/progress"
)

// downOptions are the options of docker ecs down.
type downOptions struct {
	streams *Streams
	project load.Options
	// aws is the AWS account of the docker context in use.
	aws      awsapi.Target
	progress string
}

func newDownCmd(f *factory, runF func(context.Context, *downOptions) error) *cobra.Command {
	opts := &downOptions{streams: f.streams}
	cmd := &cobra.Command{
		Use:   "down [OPTIONS]",
		Short: "Remove the project from AWS: its stack and everything in it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.project = f.project.options()
			target, err := f.awsTarget()
			if err != nil {
				return err
			}
			opts.aws = target
			if err := progress.CheckMode(opts.progress); err != nil {
				return usageError(cmd, err)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return downRun(cmd.Context(), opts)
		},
	}
	progressFlag(cmd.Flags(), &opts.progress)
	f.project.install(cmd.Flags(), true)
	return cmd
}

func downRun(ctx context.Context, opts *downOptions) error {
	name, d, err := deployed(ctx, opts.project, opts.aws)
	if err != nil {
		return err
	}
	printer, err := newPrinter(opts.streams, opts.progress)
	if err != nil {
		return err
	}
	defer printer.Close()
	err = d.Down(ctx, name, apply.DownOptions{Progress: printer, Out: opts.streams.Out})
	return detached(err, name)
}
