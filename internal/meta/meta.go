// Package meta is what the plugin says of itself to the Docker CLI. It is
// linked into the plugin's small launcher, so it imports nothing heavy.
package meta

import (
	"encoding/json"
	"io"

	"github.com/docker/cli/cli-plugins/metadata"
)

// Version is the plugin's version, set at build time with
// -ldflags "-X github.com/docker-ecs/docker-ecs/internal/meta.Version=v1.2.3".
var Version = "dev"

// Write answers docker-cli-plugin-metadata.
func Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(metadata.Metadata{
		SchemaVersion:    "0.1.0",
		Vendor:           "docker ecs",
		Version:          Version,
		ShortDescription: "Run Compose applications on Amazon ECS",
		URL:              "https://github.com/docker-ecs/docker-ecs",
	})
}
