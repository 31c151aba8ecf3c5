// Command docker-ecs is the docker ecs CLI plugin. The Docker CLI starts it
// to ask for its metadata on every docker --help and before every docker
// ecs command, so this program answers that itself, at once, and hands
// every other command to the engine installed next to it
// (docker-ecs.d/engine): the engine links compose-go and the AWS SDK, whose
// initialisation alone takes longer than the answer may.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/docker/cli/cli-plugins/metadata"

	"github.com/docker-ecs/docker-ecs/internal/meta"
)

func main() {
	args := os.Args[1:]
	if len(args) == 1 && args[0] == metadata.MetadataSubcommandName {
		if err := meta.Write(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	self, err := os.Executable()
	if err == nil {
		self, err = filepath.EvalSymlinks(self)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "docker ecs: cannot find where the plugin is installed: %v\n", err)
		os.Exit(1)
	}
	engine := filepath.Join(filepath.Dir(self), "docker-ecs.d", "engine")
	err = run(engine, args)
	fmt.Fprintf(os.Stderr, "docker ecs: cannot start %s: %v; install the plugin again (make install)\n", engine, err)
	os.Exit(1)
}
