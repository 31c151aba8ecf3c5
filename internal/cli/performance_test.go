package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker-ecs/docker-ecs/internal/cfncheck"
	"github.com/docker-ecs/docker-ecs/internal/gendoc"
)

// performanceDoc is where TestCriticalPaths writes its table.
const performanceDoc = "../../docs/performance.md"

// typical are the times CloudFormation typically takes to create a
// resource of each type: the ones that matter are AWS's, the others small.
var typical = map[string]time.Duration{
	"AWS::ElasticLoadBalancingV2::LoadBalancer":     150 * time.Second,
	"AWS::ServiceDiscovery::PrivateDnsNamespace":    45 * time.Second,
	"AWS::ECS::Service":                             90 * time.Second,
	"AWS::EFS::MountTarget":                         90 * time.Second,
	"AWS::IAM::Role":                                20 * time.Second,
	"AWS::IAM::InstanceProfile":                     120 * time.Second,
	"AWS::AutoScaling::AutoScalingGroup":            60 * time.Second,
	"AWS::ECS::CapacityProvider":                    10 * time.Second,
	"AWS::ECS::ClusterCapacityProviderAssociations": 10 * time.Second,
	"AWS::EC2::SecurityGroup":                       5 * time.Second,
	"AWS::ElasticLoadBalancingV2::TargetGroup":      5 * time.Second,
	"AWS::ECS::Cluster":                             5 * time.Second,
	"AWS::EFS::FileSystem":                          5 * time.Second,
	"AWS::EFS::AccessPoint":                         5 * time.Second,
	"AWS::ServiceDiscovery::Service":                3 * time.Second,
	"AWS::CloudFormation::WaitConditionHandle":      0,
	"": 2 * time.Second,
}

// TestCriticalPaths computes the critical path of the examples' templates,
// and of templates with volumes and GPUs, with typical creation times, and
// keeps the table of docs/performance.md in step (-update rewrites it).
func TestCriticalPaths(t *testing.T) {
	doc, _ := filepath.Abs(performanceDoc)
	cases, _ := filepath.Abs("testdata/convert")
	var b strings.Builder
	b.WriteString("| project | critical path (typical time at which each step is done) | total |\n|---|---|---|\n")
	for _, c := range []string{"example-voting", "example-webapp-db", "example-remapped-port", "minimal", "volumes", "gpu", "depends-on"} {
		dir := filepath.Join(cases, c)
		line, err := os.ReadFile(dir + "/command")
		if err != nil {
			t.Fatal(err)
		}
		r := run(t, dir, append(strings.Fields(string(line)), "--format", "json")...)
		if r.code != 0 {
			t.Fatalf("%s: %s", c, r.err)
		}
		path, err := cfncheck.CriticalPath([]byte(r.out), typical)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, s := range path {
			steps = append(steps, fmt.Sprintf("%s (%s, %s)", s.Resource, strings.TrimPrefix(s.Type, "AWS::"), s.Done))
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c, strings.Join(steps, " → "), path[len(path)-1].Done)
	}
	gendoc.Section(t, doc, "TestCriticalPaths", b.String(), *update)
}
