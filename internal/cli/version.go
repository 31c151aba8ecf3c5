package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/docker-ecs/docker-ecs/internal/meta"
)

func newVersionCmd(streams *Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show the docker ecs version information",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(streams.Out, "docker ecs version %s (%s, %s/%s)\n", meta.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
