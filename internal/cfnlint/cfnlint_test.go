package cfnlint

import (
	"os"
	"strings"
	"testing"
)

func TestRunReportsErrors(t *testing.T) {
	if Path() == "" {
		t.Skip("cfn-lint is not installed")
	}
	dir := t.TempDir()
	good := writeFile(t, dir, "good.yaml", `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
`)
	bad := writeFile(t, dir, "bad.yaml", `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: x
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: "eighty"
`)
	findings, err := Run(good, bad)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) == 0 {
		t.Fatal("no finding for a template with a bad port")
	}
	for _, f := range findings {
		if !strings.HasSuffix(f.Filename, "bad.yaml") {
			t.Errorf("finding for the good template: %s", f)
		}
	}
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := dir + "/" + name
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
