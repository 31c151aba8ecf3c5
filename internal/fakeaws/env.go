package fakeaws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Setenv points the AWS SDK of the test's process at the server, with test
// credentials in its region, and at nothing else of the machine's AWS
// configuration: every AWS_ variable is unset first, and the SDK's config
// and credentials files are empty. The variables are restored when the
// test ends.
func (s *Server) Setenv(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL":            s.URL(),
		"AWS_ACCESS_KEY_ID":           "AKIAFAKEFAKEFAKEFAKE",
		"AWS_SECRET_ACCESS_KEY":       "fake/secret/key/that/must/never/be/printed",
		"AWS_REGION":                  s.Region(),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             empty,
		"AWS_SHARED_CREDENTIALS_FILE": empty,
	} {
		t.Setenv(k, v)
	}
}
