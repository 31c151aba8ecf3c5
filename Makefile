# make install builds the plugin and installs it where the Docker CLI finds
# plugins: $DOCKER_CONFIG/cli-plugins, else ~/.docker/cli-plugins. The
# plugin is two programs: docker-ecs, a small launcher that answers the
# Docker CLI's metadata question at once, and docker-ecs.d/engine, which it
# runs for every command.

PLUGIN_DIR ?= $(if $(DOCKER_CONFIG),$(DOCKER_CONFIG),$(HOME)/.docker)/cli-plugins
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/docker-ecs/docker-ecs/internal/meta.Version=$(VERSION)
GOBUILD := go build -trimpath -ldflags "$(LDFLAGS)"

.PHONY: install build test

install:
	mkdir -p "$(PLUGIN_DIR)/docker-ecs.d"
	$(GOBUILD) -o "$(PLUGIN_DIR)/docker-ecs.d/engine" ./cmd/docker-ecs-engine
	$(GOBUILD) -o "$(PLUGIN_DIR)/docker-ecs" ./cmd/docker-ecs
	@echo "installed $(PLUGIN_DIR)/docker-ecs: try docker ecs --help"

build:
	mkdir -p bin/docker-ecs.d
	$(GOBUILD) -o bin/docker-ecs.d/engine ./cmd/docker-ecs-engine
	$(GOBUILD) -o bin/docker-ecs ./cmd/docker-ecs

test:
	go test ./...
