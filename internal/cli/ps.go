package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/apply"
)

// psOptions are the options of docker ecs ps.
type psOptions struct {
	stackOptions
	format string
}

func newPsCmd(f *factory) *cobra.Command {
	opts := &psOptions{}
	cmd := &cobra.Command{
		Use:   "ps [OPTIONS]",
		Short: "List the project's services and their tasks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if opts.stackOptions, err = f.stackOptions(); err != nil {
				return err
			}
			if opts.format != "table" && opts.format != "json" {
				return usageError(cmd, fmt.Errorf("--format must be table or json, not %q", opts.format))
			}
			return psRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.format, "format", "table", `Format the output: "table" or "json"`)
	f.project.install(cmd.Flags(), true)
	return cmd
}

func psRun(ctx context.Context, opts *psOptions) error {
	name, d, err := deployed(ctx, opts.stackOptions)
	if err != nil {
		return err
	}
	st, err := d.Ps(ctx, name)
	if err != nil {
		return err
	}
	if opts.format == "json" {
		enc := json.NewEncoder(opts.streams.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	return printStatus(opts.streams.Out, st)
}

// printStatus writes a project's state as tables: the services, then the
// tasks of each.
func printStatus(w io.Writer, st *apply.Status) error {
	fmt.Fprintf(w, "%s in %s: %s", st.Project, st.Region, st.Stack)
	if st.Reason != "" {
		fmt.Fprintf(w, " (%s)", st.Reason)
	}
	fmt.Fprintln(w)
	if st.LoadBalancer != "" {
		fmt.Fprintf(w, "Load balancer: %s\n", st.LoadBalancer)
	}
	if len(st.Services) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tSTATUS\tRUNNING\tPORTS")
	for _, s := range st.Services {
		status := s.Status
		if s.Rollout != "" && s.Rollout != "COMPLETED" {
			status += " (deployment " + strings.ToLower(strings.ReplaceAll(s.Rollout, "_", " ")) + ")"
		}
		var ports []string
		for _, p := range s.Ports {
			ports = append(ports, fmt.Sprintf("%s->%d/%s", p.URL, p.Target, p.Protocol))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\n", s.Name, status, s.Running, s.Desired, strings.Join(ports, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "TASK\tSERVICE\tSTATUS\tHEALTH\tIP")
	for _, s := range st.Services {
		for _, t := range s.Tasks {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, s.Name, t.Status, t.Health, t.IP)
		}
	}
	return tw.Flush()
}
