package convert_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/docker-ecs/docker-ecs/internal/convert"
	"github.com/docker-ecs/docker-ecs/internal/load"
	"github.com/docker-ecs/docker-ecs/internal/validate"
)

// pipeline runs Load → Validate → Convert on one compose file and renders
// the template in both formats.
func pipeline(ctx context.Context, file string) error {
	_, _, err := rendered(ctx, file)
	return err
}

// rendered is the template of a compose file in JSON and in YAML.
func rendered(ctx context.Context, file string) (j, y []byte, err error) {
	p, err := load.Project(ctx, load.Options{Files: []string{file}, ProjectName: "fuzz"})
	if err != nil {
		return nil, nil, err
	}
	model, _, err := validate.Project(p)
	if err != nil {
		return nil, nil, err
	}
	t, err := convert.Template(model)
	if err != nil {
		return nil, nil, err
	}
	if j, err = t.JSON(); err != nil {
		return nil, nil, err
	}
	y, err = t.YAML()
	return j, y, err
}

// sameDocument checks that the YAML rendering reads back as the JSON one.
func sameDocument(j, y []byte) error {
	var fromJSON, fromYAML any
	if err := json.Unmarshal(j, &fromJSON); err != nil {
		return fmt.Errorf("the JSON does not read back: %w", err)
	}
	if err := yaml.Unmarshal(y, &fromYAML); err != nil {
		return fmt.Errorf("the YAML does not read back: %w", err)
	}
	// Through JSON again, so that numbers have one type.
	b, err := json.Marshal(fromYAML)
	if err != nil {
		return err
	}
	var normal any
	if err := json.Unmarshal(b, &normal); err != nil {
		return err
	}
	if !reflect.DeepEqual(fromJSON, normal) {
		return errors.New("the YAML is another document than the JSON")
	}
	return nil
}

// FuzzPipeline: any compose file gives a template or an error, never a
// panic, and the template's YAML is the same document as its JSON. The
// seeds are the golden cases and the examples.
func FuzzPipeline(f *testing.F) {
	seeds, _ := filepath.Glob("../cli/testdata/convert/*/*.yaml")
	examples, _ := filepath.Glob("../../examples/*/compose.yaml")
	for _, s := range append(seeds, examples...) {
		if strings.HasSuffix(s, "template.yaml") {
			continue
		}
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	dir := f.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	f.Fuzz(func(t *testing.T, compose []byte) {
		if err := os.WriteFile(file, compose, 0o644); err != nil {
			t.Fatal(err)
		}
		j, y, err := rendered(context.Background(), file)
		if err != nil {
			return
		}
		if err := sameDocument(j, y); err != nil {
			t.Fatalf("%v\n%s", err, y)
		}
	})
}

// project writes a compose file of n services that use most features:
// published ports, two networks, environment, a health check, resources.
func project(tb testing.TB, n int) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("name: bench\nservices:\n")
	for i := range n {
		fmt.Fprintf(&b, `  svc%d:
    image: registry.example.com/team/svc%d:1.0
    command: ["serve", "--port", "8080"]
    environment:
      LOG_LEVEL: info
      PEER: svc%d
      REGION: eu-west-1
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
      interval: 10s
      retries: 3
    deploy:
      replicas: 2
      resources:
        limits:
          cpus: "0.5"
          memory: 1G
    networks: [front, back]
`, i, i, (i+1)%n)
		if i%5 == 0 {
			fmt.Fprintf(&b, "    ports:\n      - target: 8080\n        published: \"%d\"\n        x-aws-protocol: http\n", 8000+i)
		}
	}
	b.WriteString("networks:\n  front:\n  back:\n")
	file := filepath.Join(tb.TempDir(), "compose.yaml")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return file
}

// sizes are the numbers of services of the benchmarked projects.
var sizes = []int{1, 10, 50, 200}

// BenchmarkPipeline measures what docker ecs convert does: Load, Validate,
// Convert and YAML rendering of a project of 1, 10, 50 and 200 services.
func BenchmarkPipeline(b *testing.B) {
	for _, n := range sizes {
		file := project(b, n)
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := pipeline(context.Background(), file); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConvert measures the Convert phase alone.
func BenchmarkConvert(b *testing.B) {
	for _, n := range sizes {
		p, err := load.Project(context.Background(), load.Options{Files: []string{project(b, n)}})
		if err != nil {
			b.Fatal(err)
		}
		model, _, err := validate.Project(p)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := convert.Template(model); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoad measures the Load phase alone (compose-go: parsing,
// interpolation, schema validation, normalisation) of 200 services.
func BenchmarkLoad(b *testing.B) {
	file := project(b, 200)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := load.Project(context.Background(), load.Options{Files: []string{file}}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchmarkProjectConverts(t *testing.T) {
	if err := pipeline(context.Background(), project(t, 200)); err != nil {
		t.Fatal(err)
	}
}
