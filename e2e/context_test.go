package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

const (
	prodKey    = "AKIAPRODPRODPRODPROD"
	prodSecret = "prod/secret/that/must/never/be/stored"
	baseKey    = "AKIABASEBASEBASEBASE"
)

// awsFiles writes the AWS config and credentials files of a user with a
// profile of static keys, a profile that assumes a role, and a profile
// without a region; the AWS environment points at the fake in us-west-2.
func (d *docker) awsFiles(srv *fakeaws.Server) {
	d.t.Helper()
	dir := d.t.TempDir()
	config := filepath.Join(dir, "config")
	credentials := filepath.Join(dir, "credentials")
	write := func(path, body string) {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			d.t.Fatal(err)
		}
	}
	write(config, `[default]
region = us-west-2

[profile company-prod]
region = eu-west-1

[profile deployer]
role_arn = arn:aws:iam::123456789012:role/deployer
source_profile = base
region = eu-central-1

[profile noregion]
`)
	write(credentials, "[company-prod]\naws_access_key_id = "+prodKey+"\naws_secret_access_key = "+prodSecret+"\n\n[base]\naws_access_key_id = "+baseKey+"\naws_secret_access_key = base/secret\n\n[noregion]\naws_access_key_id = AKIANOREGIONNOREGION\naws_secret_access_key = x\n")
	d.env = append(d.env,
		"AWS_CONFIG_FILE="+config,
		"AWS_SHARED_CREDENTIALS_FILE="+credentials,
		"AWS_ENDPOINT_URL="+srv.URL(),
		// The SDK makes the STS client of an assume-role profile before it
		// reads AWS_ENDPOINT_URL, so it needs the service's own variable.
		"AWS_ENDPOINT_URL_STS="+srv.URL(),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_REGION=us-west-2",
		"AWS_ACCESS_KEY_ID=AKIAENVENVENVENVENV1",
		"AWS_SECRET_ACCESS_KEY=env/secret",
	)
}

// calls returns the region and access key of the calls the fake received
// since the last reset.
func regionsAndKeys(srv *fakeaws.Server) (regions, keys map[string]bool) {
	regions, keys = map[string]bool{}, map[string]bool{}
	for _, c := range srv.Calls() {
		regions[c.Region], keys[c.AccessKey] = true, true
	}
	return regions, keys
}

func TestContexts(t *testing.T) {
	t.Parallel()
	d := newDocker(t)
	srv := fakeaws.New(fakeaws.Options{Region: "eu-west-1", Scale: time.Millisecond})
	t.Cleanup(srv.Close)
	d.awsFiles(srv)
	d.write("compose.yaml", shop)

	r := d.ok("ecs", "context", "create", "prod", "--profile", "company-prod", "--description", "Production account")
	if !strings.Contains(r.stdout, "Created the docker context prod") {
		t.Errorf("create printed %s", r.stdout)
	}
	ls := d.ok("context", "ls")
	for _, line := range strings.Split(ls.stdout, "\n") {
		if strings.HasPrefix(line, "prod ") && (!strings.Contains(line, "Production account") || !strings.HasSuffix(strings.TrimSpace(line), "unix:///var/run/docker.sock")) {
			t.Errorf("docker context ls shows prod as %q", line)
		}
	}
	if !strings.Contains(ls.stdout, "prod ") || ls.err != "" {
		t.Errorf("docker context ls:\n%s%s", ls.stdout, ls.err)
	}
	inspect := d.ok("context", "inspect", "prod").stdout
	for _, want := range []string{`"aws": {`, `"Profile": "company-prod"`, `"Region": "eu-west-1"`, `"docker": {`} {
		if !strings.Contains(inspect, want) {
			t.Errorf("docker context inspect lacks %s:\n%s", want, inspect)
		}
	}
	// The context holds names, never keys.
	metas, _ := filepath.Glob(filepath.Join(d.config, "contexts", "meta", "*", "meta.json"))
	for _, m := range metas {
		b, _ := os.ReadFile(m)
		for _, secret := range []string{prodKey, prodSecret, "env/secret", "AKIAENV"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds %s", m, secret)
			}
		}
	}

	// docker --context prod: the profile's keys, the context's region,
	// whatever AWS_REGION and AWS_ACCESS_KEY_ID say.
	d.ok("--context", "prod", "ecs", "up", "-d")
	regions, keys := regionsAndKeys(srv)
	if len(regions) != 1 || !regions["eu-west-1"] || len(keys) != 1 || !keys[prodKey] {
		t.Errorf("--context prod called AWS in %v with %v", regions, keys)
	}

	// DOCKER_CONTEXT, then the current context of docker context use.
	srv.ResetCalls()
	env := d.env
	d.env = append(env, "DOCKER_CONTEXT=prod")
	d.ok("ecs", "ps")
	regions, keys = regionsAndKeys(srv)
	if !regions["eu-west-1"] || !keys[prodKey] || len(keys) != 1 {
		t.Errorf("DOCKER_CONTEXT=prod called AWS in %v with %v", regions, keys)
	}
	d.env = env
	d.ok("context", "use", "prod")
	srv.ResetCalls()
	d.ok("ecs", "ps")
	if regions, keys = regionsAndKeys(srv); !regions["eu-west-1"] || !keys[prodKey] || len(keys) != 1 {
		t.Errorf("the current context prod called AWS in %v with %v", regions, keys)
	}
	if ls := d.ok("ecs", "context", "ls").stdout; !strings.Contains(ls, "prod *") || !strings.Contains(ls, "the AWS profile company-prod in eu-west-1") {
		t.Errorf("docker ecs context ls:\n%s", ls)
	}
	if r := d.run("ecs", "context", "rm", "prod"); r.code == 0 || !strings.Contains(r.err, "is in use") {
		t.Errorf("removing the current context: exit %d %s", r.code, r.err)
	}
	d.ok("context", "use", "default")

	// The default context, and a context without an AWS endpoint, mean
	// the AWS environment.
	d.ok("context", "create", "plain", "--docker", "host=unix:///var/run/docker.sock")
	for _, args := range [][]string{{"ecs", "ps"}, {"--context", "plain", "ecs", "ps"}} {
		srv.ResetCalls()
		r := d.run(args...)
		regions, keys = regionsAndKeys(srv)
		if !regions["us-west-2"] || !keys["AKIAENVENVENVENVENV1"] || len(regions) != 1 || len(keys) != 1 {
			t.Errorf("docker %s called AWS in %v with %v (%s)", strings.Join(args, " "), regions, keys, r.err)
		}
	}

	// --from-env: the environment, in the context's region if it has one.
	d.ok("ecs", "context", "create", "ci", "--from-env", "--region", "eu-west-1")
	srv.ResetCalls()
	d.ok("--context", "ci", "ecs", "ps")
	if regions, keys = regionsAndKeys(srv); !regions["eu-west-1"] || !keys["AKIAENVENVENVENVENV1"] || len(regions) != 1 {
		t.Errorf("--context ci called AWS in %v with %v", regions, keys)
	}

	// An unknown context is an error that names it, from docker or from
	// the plugin.
	r = d.run("--context", "nope", "ecs", "ps")
	if r.code == 0 || !strings.Contains(r.err, `"nope"`) {
		t.Errorf("unknown context: exit %d\n%s", r.code, r.err)
	}
	d.env = append(env, "DOCKER_CONTEXT=nope")
	r = d.run("ecs", "ps")
	if r.code == 0 || !strings.Contains(r.err, "nope") {
		t.Errorf("DOCKER_CONTEXT=nope: exit %d\n%s", r.code, r.err)
	}
	d.env = env

	// No terminal: no question, an error that names the flags.
	r = d.run("ecs", "context", "create", "dev")
	if r.code == 0 || !strings.Contains(r.err, "--profile NAME, or --from-env") {
		t.Errorf("create without a profile: exit %d\n%s", r.code, r.err)
	}
	if r := d.run("ecs", "context", "create", "x", "--profile", "missing"); r.code == 0 || !strings.Contains(r.err, `the AWS profile "missing" is not in your AWS config`) {
		t.Errorf("create with a missing profile: exit %d\n%s", r.code, r.err)
	}
	if r := d.run("ecs", "context", "create", "x", "--profile", "noregion"); r.code == 0 || !strings.Contains(r.err, "has no region") {
		t.Errorf("create with a profile without region: exit %d\n%s", r.code, r.err)
	}
	d.ok("ecs", "context", "rm", "ci")
	if ls := d.ok("context", "ls").stdout; strings.Contains(ls, "ci ") {
		t.Errorf("ci is still listed:\n%s", ls)
	}
	for _, c := range srv.Calls() {
		if strings.Contains(c.AccessKey, "secret") {
			t.Fatal("a secret was used as a key")
		}
	}
}

// TestAssumeRoleProfile: a profile that assumes a role works through the
// SDK's shared config: STS is called with the source profile's keys, and
// everything else with the role's.
func TestAssumeRoleProfile(t *testing.T) {
	t.Parallel()
	d := newDocker(t)
	srv := fakeaws.New(fakeaws.Options{Region: "eu-central-1", Scale: time.Millisecond})
	t.Cleanup(srv.Close)
	d.awsFiles(srv)
	d.write("compose.yaml", shop)
	d.ok("ecs", "context", "create", "deploy", "--profile", "deployer")
	d.ok("--context", "deploy", "ecs", "up", "-d")
	var assumed, others int
	for _, c := range srv.Calls() {
		switch {
		case c.Operation == "AssumeRole":
			assumed++
			if c.AccessKey != baseKey {
				t.Errorf("AssumeRole signed with %s", c.AccessKey)
			}
		case strings.HasPrefix(c.AccessKey, "ASIA") && c.Region == "eu-central-1":
			others++
		default:
			t.Errorf("%s %s called with %s in %s", c.Service, c.Operation, c.AccessKey, c.Region)
		}
	}
	if assumed != 1 || others == 0 {
		t.Errorf("%d AssumeRole calls, %d calls with the role", assumed, others)
	}
}
