// Package dockerctx keeps the AWS account of a docker context: which AWS
// profile (or "the environment") and which region a context deploys to. It
// reads and writes docker's own context store, in the layout the docker
// client reads, so that docker context ls, inspect, use and rm work on
// these contexts too. Credentials are never stored: only names of
// profiles and regions.
package dockerctx

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/docker/cli/cli/context/store"
)

// Endpoint names in a stored context.
const (
	// AWSEndpoint is where a context keeps its AWS account.
	AWSEndpoint = "aws"
	// DockerEndpoint is the docker engine of the context, as the docker
	// client expects every context to have one.
	DockerEndpoint = "docker"
)

// DefaultContext is the context docker uses when none is chosen; it is
// not stored, and means the AWS environment.
const DefaultContext = "default"

// AWS is the AWS endpoint of a context.
type AWS struct {
	// Profile is a profile of the AWS shared config files.
	Profile string `json:",omitempty"`
	// FromEnv means the AWS_* variables of the environment at run time.
	FromEnv bool `json:",omitempty"`
	// Region overrides the region of the profile or the environment.
	Region string `json:",omitempty"`
}

// metadata is the context's own metadata, as docker keeps it.
type metadata struct {
	Description string `json:",omitempty"`
}

// Context is a stored context as docker ecs sees it.
type Context struct {
	Name        string
	Description string
	// AWS is nil for a context without an AWS endpoint.
	AWS *AWS
}

// Store is the context store of a docker configuration directory.
type Store struct {
	configDir string
	store     *store.ContextStore
}

// ConfigDir is docker's configuration directory: the --config flag, else
// DOCKER_CONFIG, else ~/.docker.
func ConfigDir(flag string) string {
	if flag != "" {
		return flag
	}
	if dir := os.Getenv("DOCKER_CONFIG"); dir != "" {
		return dir
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".docker")
}

// Open opens the context store of a docker configuration directory.
func Open(configDir string) *Store {
	cfg := store.NewConfig(
		func() any { return &metadata{} },
		store.EndpointTypeGetter(AWSEndpoint, func() any { return &AWS{} }),
	)
	return &Store{configDir: configDir, store: store.New(filepath.Join(configDir, "contexts"), cfg)}
}

// Current is the name of the context docker would use: the --context flag,
// else DOCKER_CONTEXT, else the default context when DOCKER_HOST is set,
// else the current context of config.json, else the default one.
func (s *Store) Current(flag string) string {
	if flag != "" {
		return flag
	}
	if name := os.Getenv("DOCKER_CONTEXT"); name != "" {
		return name
	}
	if os.Getenv("DOCKER_HOST") != "" {
		return DefaultContext
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if b, err := os.ReadFile(filepath.Join(s.configDir, "config.json")); err == nil && json.Unmarshal(b, &cfg) == nil && cfg.CurrentContext != "" {
		return cfg.CurrentContext
	}
	return DefaultContext
}

// Get reads a context. The default context, which is not stored, has no
// AWS endpoint.
func (s *Store) Get(name string) (Context, error) {
	if name == DefaultContext {
		return Context{Name: DefaultContext}, nil
	}
	m, err := s.stored(name)
	if err != nil {
		return Context{}, err
	}
	return fromMetadata(m), nil
}

func fromMetadata(m store.Metadata) Context {
	c := Context{Name: m.Name}
	if md, ok := m.Metadata.(metadata); ok {
		c.Description = md.Description
	}
	if ep, ok := m.Endpoints[AWSEndpoint].(AWS); ok {
		c.AWS = &ep
	}
	return c
}

// Exists reports whether a context of that name is stored.
func (s *Store) Exists(name string) (bool, error) {
	if name == DefaultContext {
		return true, nil
	}
	_, err := s.store.GetMetadata(name)
	if isNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// Create stores a new context for an AWS account. Its docker endpoint is
// the one of the context the user has now, so that docker commands keep
// reaching the same engine in the new context.
func (s *Store) Create(name, description string, aws AWS, from string) error {
	if name == DefaultContext {
		return errors.New(`"default" is docker's own context; choose another name`)
	}
	if exists, err := s.Exists(name); err != nil {
		return err
	} else if exists {
		return fmt.Errorf("the docker context %q exists already: docker ecs context rm %s first, or choose another name", name, name)
	}
	docker, err := s.dockerEndpoint(from)
	if err != nil {
		return err
	}
	return s.store.CreateOrUpdate(store.Metadata{
		Name:     name,
		Metadata: metadata{Description: description},
		Endpoints: map[string]any{
			AWSEndpoint:    aws,
			DockerEndpoint: docker,
		},
	})
}

// dockerEndpoint is the docker endpoint of a context: DOCKER_HOST or the
// local engine for the default context.
func (s *Store) dockerEndpoint(name string) (any, error) {
	if name == DefaultContext {
		host := os.Getenv("DOCKER_HOST")
		if host == "" {
			host = "unix:///var/run/docker.sock"
		}
		return map[string]any{"Host": host, "SkipTLSVerify": false}, nil
	}
	m, err := s.stored(name)
	if err != nil {
		return nil, err
	}
	if ep, ok := m.Endpoints[DockerEndpoint]; ok {
		return ep, nil
	}
	return s.dockerEndpoint(DefaultContext)
}

// List returns the stored contexts, sorted by name.
func (s *Store) List() ([]Context, error) {
	all, err := s.store.List()
	if err != nil {
		return nil, err
	}
	out := make([]Context, len(all))
	for i, m := range all {
		out[i] = fromMetadata(m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Remove deletes a stored context.
func (s *Store) Remove(name string) error {
	if exists, err := s.Exists(name); err != nil {
		return err
	} else if !exists || name == DefaultContext {
		return notExist(name)
	}
	return s.store.Remove(name)
}

// stored reads the metadata of a stored context.
func (s *Store) stored(name string) (store.Metadata, error) {
	m, err := s.store.GetMetadata(name)
	if isNotFound(err) {
		return store.Metadata{}, notExist(name)
	}
	return m, err
}

// notExist is the error about a context that is not stored.
func notExist(name string) error {
	return fmt.Errorf("the docker context %q does not exist (docker context ls lists them)", name)
}

func isNotFound(err error) bool {
	var nf interface{ NotFound() }
	return errors.As(err, &nf)
}
