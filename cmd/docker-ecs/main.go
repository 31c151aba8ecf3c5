// Command docker-ecs is the docker ecs CLI plugin: it runs a Compose
// application on Amazon ECS. Install it in ~/.docker/cli-plugins and run
// `docker ecs --help`.
package main

import (
	"os"

	"github.com/docker-ecs/docker-ecs/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.SystemStreams()))
}
