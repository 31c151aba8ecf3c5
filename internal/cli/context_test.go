package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker-ecs/docker-ecs/internal/dockerctx"
)

// TestContextCreateAsks: on a terminal, with neither --profile nor
// --from-env, create lists the profiles and asks, then asks the region.
func TestContextCreateAsks(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	if err := os.WriteFile(config, []byte("[default]\nregion = us-east-1\n[profile staging]\nregion = eu-west-3\nsso_session = corp\n[sso-session corp]\nsso_region = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("DOCKER_CONFIG", filepath.Join(dir, "docker"))
	t.Setenv("DOCKER_CONTEXT", "")
	t.Setenv("CI", "")
	for _, tt := range []struct {
		name, answers string
		want          dockerctx.AWS
		asked         string
	}{
		{"staging", "2\n\n", dockerctx.AWS{Profile: "staging", Region: "eu-west-3"}, "  2. profile staging (eu-west-3)\n"},
		{"other-region", "1\nap-south-1\n", dockerctx.AWS{Profile: "default", Region: "ap-south-1"}, "AWS region [us-east-1]: "},
		{"env", "3\n\n", dockerctx.AWS{FromEnv: true}, "  3. the AWS_* environment variables"},
	} {
		var out bytes.Buffer
		code := Main([]string{"ecs", "context", "create", tt.name}, &Streams{In: strings.NewReader(tt.answers), Out: &out, Err: &out, InTerminal: true})
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", tt.name, code, out.String())
		}
		if !strings.Contains(out.String(), tt.asked) {
			t.Errorf("%s: the questions lack %q:\n%s", tt.name, tt.asked, out.String())
		}
		c, err := dockerctx.Open(filepath.Join(dir, "docker")).Get(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if c.AWS == nil || *c.AWS != tt.want {
			t.Errorf("%s: stored %+v, want %+v", tt.name, c.AWS, tt.want)
		}
	}
	var out bytes.Buffer
	if code := Main([]string{"ecs", "context", "create", "bad"}, &Streams{In: strings.NewReader("9\n"), Out: &out, Err: &out, InTerminal: true}); code == 0 || !strings.Contains(out.String(), `"9" is not one of the choices 1 to 3`) {
		t.Errorf("a wrong choice: exit %d\n%s", code, out.String())
	}
}
