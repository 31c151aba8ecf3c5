package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/apply"
	"github.com/docker-ecs/docker-ecs/internal/progress"
)

// upOptions are the options of docker ecs up.
type upOptions struct {
	stackOptions
	detach     bool
	dryRun     bool
	keepFailed bool
	progress   string
}

func newUpCmd(f *factory) *cobra.Command {
	opts := &upOptions{}
	cmd := &cobra.Command{
		Use:   "up [OPTIONS]",
		Short: "Deploy the project, or update it, and wait until its services are stable",
		Long: `Deploy the project to Amazon ECS as one CloudFormation stack: create it the
first time, update it through a change set afterwards. Ctrl-C stops waiting,
never the deployment.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if opts.stackOptions, err = f.stackOptions(); err != nil {
				return err
			}
			if err := progress.CheckMode(opts.progress); err != nil {
				return usageError(cmd, err)
			}
			return upRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.detach, "detach", "d", false, "Return once AWS has accepted the deployment")
	cmd.Flags().BoolVar(&opts.dryRun, "dry-run", false, "Show what the deployment would change, and change nothing")
	cmd.Flags().BoolVar(&opts.keepFailed, "keep-failed", false, "Keep what a failed first deployment created, for inspection, instead of rolling it back")
	progressFlag(cmd.Flags(), &opts.progress)
	f.project.install(cmd.Flags(), true)
	return cmd
}

func upRun(ctx context.Context, opts *upOptions) error {
	// Nothing in AWS is touched before the project is valid.
	model, tpl, err := loadTemplate(ctx, opts.project, opts.streams.Err)
	if err != nil {
		return err
	}
	d, err := newDeployer(ctx, opts.aws)
	if err != nil {
		return err
	}
	printer, err := newPrinter(opts.streams, opts.progress)
	if err != nil {
		return err
	}
	defer printer.Close()
	err = d.Up(ctx, model, tpl, apply.UpOptions{
		Detach:     opts.detach,
		DryRun:     opts.dryRun,
		KeepFailed: opts.keepFailed,
		Progress:   printer,
		Out:        opts.streams.Out,
	})
	return detached(err, model.Name)
}
