package load

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"
)

// TestLocate: compose-go's errors, as it words them, name the file, the
// key and the flag at fault once located. The corpus of testdata/bad runs
// compose-go itself; these are the errors it cannot make as root
// (unreadable files) or in one file.
func TestLocate(t *testing.T) {
	files := project(t)
	abs := func(name string) string {
		a, err := filepath.Abs(name)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	denied := func(name string) error {
		return &fs.PathError{Op: "open", Path: abs(name), Err: syscall.EACCES}
	}
	for _, tt := range []struct {
		name string
		err  error
		opts Options
		want string
	}{
		{
			"an unreadable env file",
			denied("web.env"),
			Options{},
			"compose.yaml: services.web.env_file: open web.env: permission denied",
		},
		{
			"an unreadable file extended by a file extended",
			denied("more/root.yaml"),
			Options{},
			"base.yaml: services.base.extends.file: open more/root.yaml: permission denied",
		},
		{
			"an unreadable override",
			fmt.Errorf("compose file %q is invalid: %w", "override.yaml", &fs.PathError{Op: "open", Path: "override.yaml", Err: syscall.EACCES}),
			Options{},
			"override.yaml: permission denied",
		},
		{
			"an unknown key of a service extended",
			fmt.Errorf("validating %s: %w", abs("compose.yaml"), errors.New("services.api.imagee false schema")),
			Options{},
			"base.yaml: services.base.imagee (extended by services.api of compose.yaml): unknown key, not in the compose specification",
		},
		{
			"unknown keys",
			fmt.Errorf("validating %s: %w", abs("override.yaml"), errors.New("services.web additional properties 'a', 'b' not allowed")),
			Options{},
			"override.yaml: services.web: unknown keys 'a', 'b', not in the compose specification",
		},
		{
			"a word for a number",
			errors.New(`error while interpolating services.web.ports.[].target: failed to cast to expected type: strconv.Atoi: parsing "eighty": invalid syntax`),
			Options{},
			`compose.yaml: services.web.ports[].target: "eighty" is not a number`,
		},
		{
			"a short form of deploy.resources",
			errors.New("decoding failed due to the following error(s):\n\n'services[worker].mem_limit' invalid size: 'lots'"),
			Options{},
			"compose.yaml: services.web.mem_limit (extended by services.worker): invalid size: 'lots'",
		},
		{
			"a port of a service",
			errors.New("Invalid containerPort: 8081"),
			Options{},
			"compose.yaml: services.web.ports: invalid containerPort: 8081",
		},
		{
			"a project name from the environment",
			errors.New(`invalid project name "Shop": must consist only of lowercase alphanumeric characters`),
			Options{},
			`COMPOSE_PROJECT_NAME: invalid project name "Shop": must consist only of lowercase alphanumeric characters`,
		},
		{
			"a malformed --env-file",
			fmt.Errorf("failed to read %s: %w", abs("prod.env"), errors.New("line 2: unexpected character")),
			Options{EnvFiles: []string{"prod.env"}},
			"--env-file: failed to read prod.env: line 2: unexpected character",
		},
		{
			"an error of no file",
			errors.New("something else"),
			Options{},
			"compose.yaml, override.yaml: something else",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := locate(tt.err, files, tt.opts)
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Error("the error located does not wrap compose-go's")
			}
		})
	}
}
