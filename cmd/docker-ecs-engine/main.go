// Command docker-ecs-engine does the work of the docker ecs plugin: the
// launcher, docker-ecs, hands it every command but the metadata question.
// It is installed as docker-ecs.d/engine next to the launcher.
package main

import (
	"os"

	"github.com/docker-ecs/docker-ecs/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.SystemStreams()))
}
