# make install builds the plugin and installs it where the Docker CLI finds
# plugins: $DOCKER_CONFIG/cli-plugins, else ~/.docker/cli-plugins.

PLUGIN_DIR ?= $(if $(DOCKER_CONFIG),$(DOCKER_CONFIG),$(HOME)/.docker)/cli-plugins
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/docker-ecs/docker-ecs/internal/cli.Version=$(VERSION)

.PHONY: install build test

install:
	mkdir -p "$(PLUGIN_DIR)"
	go build -trimpath -ldflags "$(LDFLAGS)" -o "$(PLUGIN_DIR)/docker-ecs" ./cmd/docker-ecs
	@echo "installed $(PLUGIN_DIR)/docker-ecs: try docker ecs --help"

build:
	go build -trimpath -ldflags "$(LDFLAGS)" -o docker-ecs ./cmd/docker-ecs

test:
	go test ./...
