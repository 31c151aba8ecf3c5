package cli

import (
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// pluginName is the docker subcommand the plugin provides.
const pluginName = "ecs"

// dockerFlags are the Docker CLI's global flags, which come before "ecs"
// (docker --context prod ecs up) and which the Docker CLI passes on.
type dockerFlags struct {
	config   string
	context  string
	debug    bool
	logLevel string
}

func (f *dockerFlags) install(fs *pflag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "Location of client config files")
	fs.StringVarP(&f.context, "context", "c", "", "Name of the context to use")
	fs.BoolVarP(&f.debug, "debug", "D", false, "Enable debug mode")
	fs.StringVarP(&f.logLevel, "log-level", "l", "info", `Set the logging level ("debug", "info", "warn", "error", "fatal")`)
	// These select a Docker engine, which docker ecs does not use; they are
	// accepted so that no docker command line breaks.
	fs.StringArrayP("host", "H", nil, "Daemon socket to connect to")
	fs.Bool("tls", false, "Use TLS; implied by --tlsverify")
	fs.Bool("tlsverify", false, "Use TLS and verify the remote")
	fs.String("tlscacert", "", "Trust certs signed only by this CA")
	fs.String("tlscert", "", "Path to TLS certificate file")
	fs.String("tlskey", "", "Path to TLS key file")
}

// newRootCmd is the command tree: "docker" with the Docker CLI's global
// flags, "ecs" with the compose flags, and the commands of docker ecs.
func newRootCmd(streams *Streams) *cobra.Command {
	f := &factory{streams: streams}
	docker := &f.docker
	root := &cobra.Command{
		Use:               "docker [OPTIONS]",
		Short:             "docker-ecs is a Docker CLI plugin",
		SilenceUsage:      true,
		SilenceErrors:     true,
		TraverseChildren:  true,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: true},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			level, err := logrus.ParseLevel(docker.logLevel)
			if err != nil {
				return usageError(cmd, err)
			}
			if docker.debug {
				level = logrus.DebugLevel
			}
			logrus.SetLevel(level)
			return nil
		},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetFlagErrorFunc(usageError)
	docker.install(root.Flags())

	ecs := newECSCmd(&f.project)
	ecs.AddCommand(
		newConvertCmd(f, nil),
		newUpCmd(f),
		newDownCmd(f),
		newPsCmd(f),
		newLogsCmd(f),
		newExecCmd(f),
		newContextCmd(f),
		newSecretCmd(f),
		newVersionCmd(streams),
	)
	root.AddCommand(ecs)
	visit(root, func(c *cobra.Command) { c.DisableFlagsInUseLine = true })
	return root
}

// factory is what every command shares: the streams, docker's global
// flags and the compose flags.
type factory struct {
	streams *Streams
	docker  dockerFlags
	project projectFlags
}

// newECSCmd is the "ecs" command. The compose flags may come before the
// command (docker ecs -f x.yaml up), as in docker compose, or after it.
func newECSCmd(project *projectFlags) *cobra.Command {
	ecs := &cobra.Command{
		Use:              pluginName + " [OPTIONS] COMMAND",
		Short:            "Run Compose applications on Amazon ECS",
		Long:             "Run Compose applications on Amazon ECS: one compose.yaml, one CloudFormation stack.",
		TraverseChildren: true,
		Args:             cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	project.install(ecs.Flags(), true)
	return ecs
}

func visit(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sub := range c.Commands() {
		visit(sub, f)
	}
}
