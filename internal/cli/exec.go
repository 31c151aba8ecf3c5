package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/apply"
)

// sessionManagerPlugin is AWS's program that carries ECS Exec sessions.
const sessionManagerPlugin = "session-manager-plugin"

// execOptions are the options of docker ecs exec.
type execOptions struct {
	stackOptions
	service string
	command []string
	task    string
}

func newExecCmd(f *factory) *cobra.Command {
	opts := &execOptions{}
	cmd := &cobra.Command{
		Use:   "exec [OPTIONS] SERVICE [COMMAND] [ARG...]",
		Short: "Run a command in a running task of a service (ECS Exec; the service needs x-aws-exec: true)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			opts.service, opts.command = args[0], args[1:]
			if opts.stackOptions, err = f.stackOptions(); err != nil {
				return err
			}
			return execRun(cmd.Context(), opts)
		},
	}
	// The command's own flags belong to it: docker ecs exec web ls -l.
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().StringVar(&opts.task, "task", "", "The ID of the task (default: the first running task of the service)")
	f.project.install(cmd.Flags(), true)
	return cmd
}

func execRun(ctx context.Context, opts *execOptions) error {
	// Before any call to AWS: without the plugin, nothing can be done.
	plugin, err := exec.LookPath(sessionManagerPlugin)
	if err != nil {
		return errors.New("docker ecs exec needs AWS's Session Manager plugin, which is not installed (or not on PATH): see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html")
	}
	name, d, err := deployed(ctx, opts.stackOptions)
	if err != nil {
		return err
	}
	profile := opts.aws.Profile
	if profile == "" {
		profile = os.Getenv("AWS_PROFILE")
	}
	err = d.Exec(ctx, name, apply.ExecOptions{
		Service:  opts.service,
		Command:  opts.command,
		Task:     opts.task,
		Plugin:   plugin,
		Profile:  profile,
		Endpoint: ecsEndpoint(d.AWS.Region),
		Stdin:    opts.streams.In,
		Stdout:   opts.streams.Out,
		Stderr:   opts.streams.Err,
	})
	var exit apply.ExitError
	if errors.As(err, &exit) {
		return statusError{code: exit.Code}
	}
	return err
}

// ecsEndpoint is the ECS endpoint the plugin is told: the one configured,
// else the region's.
func ecsEndpoint(region string) string {
	for _, v := range []string{"AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL"} {
		if e := os.Getenv(v); e != "" {
			return e
		}
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return fmt.Sprintf("https://ecs.%s.%s", region, suffix)
}
