package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newSecretCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secret COMMAND",
		Short: "Manage AWS Secrets Manager secrets that compose files name as external secrets",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newSecretCreateCmd(f), newSecretLsCmd(f), newSecretInspectCmd(f), newSecretRmCmd(f))
	return cmd
}

func newSecretCreateCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "create NAME [FILE|-]",
		Short: "Create a secret from a file, or from the standard input",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var value []byte
			var err error
			if len(args) == 1 || args[1] == "-" {
				value, err = io.ReadAll(f.streams.In)
			} else {
				value, err = os.ReadFile(args[1])
			}
			if err != nil {
				return err
			}
			if len(value) == 0 {
				return errors.New("the secret is empty")
			}
			d, err := f.deployer(cmd)
			if err != nil {
				return err
			}
			arn, err := d.CreateSecret(cmd.Context(), args[0], value)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(f.streams.Out, arn)
			return err
		},
	}
}

func newSecretLsCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:     "ls",
		Aliases: []string{"list"},
		Short:   "List the secrets of the AWS account and region",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := f.deployer(cmd)
			if err != nil {
				return err
			}
			secrets, err := d.ListSecrets(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(f.streams.Out, 0, 0, 3, ' ', 0)
			fmt.Fprintln(tw, "NAME\tPROJECT\tCHANGED\tARN")
			for _, s := range secrets {
				changed := s.Changed
				if changed.IsZero() {
					changed = s.Created
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Project, changed.Format("2006-01-02 15:04"), s.ARN)
			}
			return tw.Flush()
		},
	}
}

func newSecretInspectCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect NAME",
		Short: "Show a secret's details, never its value",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := f.deployer(cmd)
			if err != nil {
				return err
			}
			info, err := d.InspectSecret(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			enc := json.NewEncoder(f.streams.Out)
			enc.SetIndent("", "  ")
			return enc.Encode(info)
		},
	}
}

func newSecretRmCmd(f *factory) *cobra.Command {
	var force, recover bool
	cmd := &cobra.Command{
		Use:     "rm NAME [NAME...]",
		Aliases: []string{"remove"},
		Short:   "Delete secrets, restorable for 30 days (--force: at once); --recover restores them",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if force && recover {
				return usageError(cmd, errors.New("--force and --recover exclude each other"))
			}
			d, err := f.deployer(cmd)
			if err != nil {
				return err
			}
			for _, name := range args {
				if recover {
					err = d.RecoverSecret(cmd.Context(), name)
				} else {
					err = d.RemoveSecret(cmd.Context(), name, force)
				}
				if err != nil {
					return err
				}
				fmt.Fprintln(f.streams.Out, name)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "Delete at once, without the 30 days in which a secret can be restored")
	cmd.Flags().BoolVar(&recover, "recover", false, "Restore secrets that were deleted less than 30 days ago")
	return cmd
}
