package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/apply"
)

// logsOptions are the options of docker ecs logs.
type logsOptions struct {
	stackOptions
	services   []string
	follow     bool
	since      string
	tail       string
	timestamps bool
	noColor    bool
}

func newLogsCmd(f *factory) *cobra.Command {
	opts := &logsOptions{}
	cmd := &cobra.Command{
		Use:   "logs [OPTIONS] [SERVICE...]",
		Short: "Show the logs of the project's services",
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			if opts.stackOptions, err = f.stackOptions(); err != nil {
				return err
			}
			opts.services = args
			if _, err := parseSince(opts.since, time.Now()); err != nil {
				return usageError(cmd, err)
			}
			if _, err := parseTail(opts.tail); err != nil {
				return usageError(cmd, err)
			}
			return logsRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.follow, "follow", "f", false, "Follow log output")
	cmd.Flags().StringVar(&opts.since, "since", "", `Show logs since a timestamp (2026-11-25T10:00:00Z) or a relative time (42m)`)
	cmd.Flags().StringVarP(&opts.tail, "tail", "n", "all", "Number of lines to show from the end of the logs of each task")
	cmd.Flags().BoolVarP(&opts.timestamps, "timestamps", "t", false, "Show timestamps")
	cmd.Flags().BoolVar(&opts.noColor, "no-color", false, "Produce monochrome output")
	f.project.install(cmd.Flags(), false)
	return cmd
}

func logsRun(ctx context.Context, opts *logsOptions) error {
	name, d, err := deployed(ctx, opts.stackOptions)
	if err != nil {
		return err
	}
	since, _ := parseSince(opts.since, time.Now())
	tail, _ := parseTail(opts.tail)
	return d.Logs(ctx, name, apply.LogsOptions{
		Services:   opts.services,
		Follow:     opts.follow,
		Since:      since,
		Tail:       tail,
		Timestamps: opts.timestamps,
		Color:      opts.streams.OutTerminal && !opts.noColor,
		Out:        opts.streams.Out,
	})
}

// parseSince reads --since as docker does: a duration back from now, or a
// time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	return time.Time{}, fmt.Errorf("--since %q is neither a duration (10m) nor a time (2026-11-25T10:00:00Z)", s)
}

// parseTail reads --tail: a number of lines, or all (-1).
func parseTail(s string) (int, error) {
	if s == "all" || s == "" {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf(`--tail must be a number of lines or "all", not %q`, s)
	}
	return n, nil
}
