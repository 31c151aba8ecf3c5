package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/load"
)

// convertOptions are the options of docker ecs convert.
type convertOptions struct {
	streams *Streams
	project load.Options
	// format is yaml or json; empty means json for an output file named
	// *.json, else yaml.
	format string
	// output is the file to write, empty for standard output.
	output string
}

// newConvertCmd is docker ecs convert; runF replaces convertRun in tests of
// the flags.
func newConvertCmd(f *factory, runF func(context.Context, *convertOptions) error) *cobra.Command {
	opts := &convertOptions{streams: f.streams}
	cmd := &cobra.Command{
		Use:   "convert [OPTIONS]",
		Short: "Print the CloudFormation template of the project, without touching AWS",
		Long: `Print the CloudFormation template that "docker ecs up" deploys. It needs no AWS
account: the VPC and the subnets are template parameters that "up" fills in.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.project = f.project.options()
			switch opts.format {
			case "", "yaml", "json":
			default:
				return usageError(cmd, fmt.Errorf("--format must be yaml or json, not %q", opts.format))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return convertRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.format, "format", "", `Format of the template: "yaml" or "json" (default: json for an output file named *.json, else yaml)`)
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "Write the template to this file instead of the standard output")
	f.project.install(cmd.Flags(), true)
	return cmd
}

func convertRun(ctx context.Context, opts *convertOptions) error {
	model, tpl, err := loadTemplate(ctx, opts.project, opts.streams.Err)
	if err != nil {
		return err
	}
	// The template is printed all the same, for reading or for splitting.
	compact, err := tpl.CompactJSON()
	if err != nil {
		return err
	}
	if err := tpl.Fits(model.Name, compact); err != nil {
		fmt.Fprintf(opts.streams.Err, "warning: %s; \"docker ecs up\" will refuse it\n", model.Located(err))
	}
	format := opts.format
	if format == "" && strings.EqualFold(filepath.Ext(opts.output), ".json") {
		format = "json"
	}
	var body []byte
	if format == "json" {
		body, err = tpl.JSON()
	} else {
		body, err = tpl.YAML()
	}
	if err != nil {
		return err
	}
	if opts.output == "" {
		_, err = opts.streams.Out.Write(body)
		return err
	}
	return os.WriteFile(opts.output, body, 0o644)
}
