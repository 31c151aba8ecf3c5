package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/dockerctx"
)

func newContextCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "context COMMAND",
		Short: "Manage the docker contexts that say which AWS account and region to deploy to",
		Long: `A docker context can carry an AWS account: an AWS profile (or "the environment")
and a region, never the keys. docker --context NAME ecs up deploys there, and
docker context use NAME makes it the default. docker context ls, inspect, use
and rm work on these contexts as on any other.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newContextCreateCmd(f), newContextLsCmd(f), newContextRmCmd(f))
	return cmd
}

// contextCreateOptions are the options of docker ecs context create.
type contextCreateOptions struct {
	streams     *Streams
	store       *dockerctx.Store
	from        string // the context whose docker endpoint is copied
	name        string
	description string
	aws         dockerctx.AWS
	// ask is true when nothing says which account to use and the user can
	// be asked.
	ask bool
}

func newContextCreateCmd(f *factory) *cobra.Command {
	opts := &contextCreateOptions{streams: f.streams}
	cmd := &cobra.Command{
		Use:   "create NAME [--profile PROFILE | --from-env] [--region REGION]",
		Short: "Create a docker context for an AWS account",
		Example: `  docker ecs context create prod --profile company-prod --region eu-west-1
  docker ecs context create ci --from-env
  docker ecs context create dev        # on a terminal: asks which profile and region`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.name = args[0]
			if opts.aws.Profile != "" && opts.aws.FromEnv {
				return usageError(cmd, errors.New("--profile and --from-env exclude each other"))
			}
			if opts.aws.Profile == "" && !opts.aws.FromEnv {
				if !opts.streams.InTerminal || os.Getenv("CI") == "true" {
					return usageError(cmd, errors.New("say which AWS account the context uses: --profile NAME, or --from-env (docker ecs asks only on a terminal)"))
				}
				opts.ask = true
			}
			opts.store = f.contexts()
			opts.from = opts.store.Current(f.docker.context)
			return contextCreateRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.aws.Profile, "profile", "", "The AWS profile to use, from the AWS config and credentials files")
	cmd.Flags().BoolVar(&opts.aws.FromEnv, "from-env", false, "Use the AWS_* environment variables of the moment docker ecs runs")
	cmd.Flags().StringVar(&opts.aws.Region, "region", "", "The AWS region (default: the profile's, or AWS_REGION)")
	cmd.Flags().StringVar(&opts.description, "description", "", "Description of the context")
	return cmd
}

func contextCreateRun(opts *contextCreateOptions) error {
	profiles := awsapi.Profiles()
	if opts.ask {
		if err := askAccount(opts, profiles); err != nil {
			return err
		}
	}
	if opts.aws.Profile != "" {
		i := slices.IndexFunc(profiles, func(p awsapi.Profile) bool { return p.Name == opts.aws.Profile })
		if i < 0 {
			return fmt.Errorf("the AWS profile %q is not in your AWS config or credentials file (aws configure --profile %s creates it)", opts.aws.Profile, opts.aws.Profile)
		}
		if opts.aws.Region == "" {
			// The context says where it deploys, whatever the profile
			// says later.
			opts.aws.Region = profiles[i].Region
		}
		if opts.aws.Region == "" {
			return fmt.Errorf("the AWS profile %q has no region: give one with --region", opts.aws.Profile)
		}
	}
	if err := opts.store.Create(opts.name, opts.description, opts.aws, opts.from); err != nil {
		return err
	}
	fmt.Fprintf(opts.streams.Out, "Created the docker context %s: %s.\nDeploy with docker --context %s ecs up, or make it the default with docker context use %s.\n", opts.name, describeAWS(opts.aws), opts.name, opts.name)
	return nil
}

// askAccount asks which profile, or the environment, and which region.
func askAccount(opts *contextCreateOptions, profiles []awsapi.Profile) error {
	in := bufio.NewReader(opts.streams.In)
	out := opts.streams.Out
	fmt.Fprintf(out, "Which AWS account should the context %s use?\n", opts.name)
	for i, p := range profiles {
		region := ""
		if p.Region != "" {
			region = " (" + p.Region + ")"
		}
		fmt.Fprintf(out, "  %d. profile %s%s\n", i+1, p.Name, region)
	}
	env := len(profiles) + 1
	fmt.Fprintf(out, "  %d. the AWS_* environment variables of the moment docker ecs runs\n", env)
	choice, err := prompt(in, out, fmt.Sprintf("Choice [1-%d]: ", env), "1")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(choice)
	if err != nil || n < 1 || n > env {
		return fmt.Errorf("%q is not one of the choices 1 to %d", choice, env)
	}
	question, def := "AWS region [AWS_REGION when docker ecs runs]: ", ""
	if n == env {
		opts.aws.FromEnv = true
	} else {
		opts.aws.Profile = profiles[n-1].Name
		question, def = "AWS region: ", profiles[n-1].Region
		if def != "" {
			question = fmt.Sprintf("AWS region [%s]: ", def)
		}
	}
	opts.aws.Region, err = prompt(in, out, question, def)
	return err
}

// prompt asks a question and returns the answer, or def for an empty one.
func prompt(in *bufio.Reader, out io.Writer, question, def string) (string, error) {
	fmt.Fprint(out, question)
	line, err := in.ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no answer: the context was not created")
	}
	if answer := strings.TrimSpace(line); answer != "" {
		return answer, nil
	}
	return def, nil
}

// describeAWS says in words which account an AWS endpoint names.
func describeAWS(a dockerctx.AWS) string {
	var what string
	if a.FromEnv {
		what = "the AWS environment variables"
	} else {
		what = "the AWS profile " + a.Profile
	}
	if a.Region != "" {
		what += " in " + a.Region
	}
	return what
}

func newContextLsCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:     "ls",
		Aliases: []string{"list"},
		Short:   "List the docker contexts and the AWS account of each",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s := f.contexts()
			contexts, err := s.List()
			if err != nil {
				return err
			}
			current := s.Current(f.docker.context)
			tw := tabwriter.NewWriter(f.streams.Out, 0, 0, 3, ' ', 0)
			fmt.Fprintln(tw, "NAME\tAWS ACCOUNT\tDESCRIPTION")
			all := append([]dockerctx.Context{{Name: dockerctx.DefaultContext, Description: "docker's default context"}}, contexts...)
			for _, c := range all {
				name := c.Name
				if name == current {
					name += " *"
				}
				account := "the AWS environment"
				if c.AWS != nil {
					account = describeAWS(*c.AWS)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", name, account, c.Description)
			}
			return tw.Flush()
		},
	}
}

func newContextRmCmd(f *factory) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:     "rm NAME [NAME...]",
		Aliases: []string{"remove"},
		Short:   "Remove docker contexts",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s := f.contexts()
			current := s.Current("")
			for _, name := range args {
				if name == current && !force {
					return fmt.Errorf("the docker context %s is in use (docker context use default first), or remove it anyway with --force", name)
				}
				if err := s.Remove(name); err != nil {
					return err
				}
				fmt.Fprintln(f.streams.Out, name)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Remove a context even when it is in use")
	return cmd
}
