package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/apply"
	"github.com/docker-ecs/docker-ecs/internal/progress"
)

// downOptions are the options of docker ecs down.
type downOptions struct {
	stackOptions
	progress string
}

func newDownCmd(f *factory) *cobra.Command {
	opts := &downOptions{}
	cmd := &cobra.Command{
		Use:   "down [OPTIONS]",
		Short: "Remove the project from AWS: its stack and everything in it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if opts.stackOptions, err = f.stackOptions(); err != nil {
				return err
			}
			if err := progress.CheckMode(opts.progress); err != nil {
				return usageError(cmd, err)
			}
			return downRun(cmd.Context(), opts)
		},
	}
	progressFlag(cmd.Flags(), &opts.progress)
	f.project.install(cmd.Flags(), true)
	return cmd
}

func downRun(ctx context.Context, opts *downOptions) error {
	name, d, err := deployed(ctx, opts.stackOptions)
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
