package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// BenchmarkMetadata measures what every "docker --help" and "docker info"
// pays for the plugin: starting it to ask for its metadata.
func BenchmarkMetadata(b *testing.B) {
	for b.Loop() {
		if err := exec.Command(plugin, "docker-cli-plugin-metadata").Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConvertCommand measures docker-ecs convert as a process, with
// its peak resident memory, for projects of 1, 10, 50 and 200 services
// (the last one too big for one stack: convert prints it with a warning).
func BenchmarkConvertCommand(b *testing.B) {
	for _, n := range []int{1, 10, 50, 200} {
		file := benchProject(b, n)
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			var peak int64
			for b.Loop() {
				cmd := exec.Command(plugin, "convert", "-f", file)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					peak = max(peak, ru.Maxrss)
				}
			}
			b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
		})
	}
}

func benchProject(tb testing.TB, n int) string {
	tb.Helper()
	var s strings.Builder
	s.WriteString("name: bench\nservices:\n")
	for i := range n {
		fmt.Fprintf(&s, "  svc%d:\n    image: example/svc%d:1.0\n    environment:\n      PEER: svc%d\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n    deploy:\n      replicas: 2\n      resources:\n        limits:\n          cpus: \"0.5\"\n          memory: 1G\n    networks: [front, back]\n", i, i, (i+1)%n)
		if i%5 == 0 {
			fmt.Fprintf(&s, "    ports:\n      - target: 8080\n        published: \"%d\"\n        x-aws-protocol: http\n", 8000+i)
		}
	}
	s.WriteString("networks:\n  front:\n  back:\n")
	file := filepath.Join(tb.TempDir(), "compose.yaml")
	if err := os.WriteFile(file, []byte(s.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return file
}
