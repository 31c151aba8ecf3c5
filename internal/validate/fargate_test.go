package validate

import "testing"

func TestFargateTaskSize(t *testing.T) {
	tests := []struct {
		cpu, mem         int
		wantCPU, wantMem int
		wantOK           bool
	}{
		{256, 512, 256, 512, true},
		{1, 1, 256, 512, true},
		{256, 600, 256, 1024, true},
		{256, 2048, 256, 2048, true},
		{256, 2049, 512, 3072, true},
		{512, 512, 512, 1024, true},
		{600, 512, 1024, 2048, true},
		{1024, 8192, 1024, 8192, true},
		{1024, 8193, 2048, 9216, true},
		{4096, 30720, 4096, 30720, true},
		{4096, 30721, 8192, 32768, true},
		{8192, 16385, 8192, 20480, true},
		{16384, 122880, 16384, 122880, true},
		{16384, 40000, 16384, 40960, true},
		{16385, 512, 0, 0, false},
		{16384, 122881, 0, 0, false},
	}
	for _, tt := range tests {
		c, m, ok := fargateTaskSize(tt.cpu, tt.mem)
		if c != tt.wantCPU || m != tt.wantMem || ok != tt.wantOK {
			t.Errorf("fargateTaskSize(%d, %d) = %d, %d, %v; want %d, %d, %v", tt.cpu, tt.mem, c, m, ok, tt.wantCPU, tt.wantMem, tt.wantOK)
		}
	}
}

func TestECRRepository(t *testing.T) {
	tests := map[string]string{
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:1.2":            "arn:aws:ecr:eu-west-1:123456789012:repository/team/api",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:abc":          "arn:aws:ecr:eu-west-1:123456789012:repository/api",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com/api":                     "arn:aws:ecr:eu-west-1:123456789012:repository/api",
		"123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/api:1":              "arn:aws:ecr:us-east-1:123456789012:repository/api",
		"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/api:1":               "arn:aws-cn:ecr:cn-north-1:123456789012:repository/api",
		"123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/api:1":               "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/api",
		"public.ecr.aws/nginx/nginx:1.27":                                      "",
		"nginx":                                                                "",
		"ghcr.io/123456789012.dkr.ecr.eu-west-1.amazonaws.com/api":             "",
		"example.com/123456789012.dkr.ecr.eu-west-1.amazonaws.com/evil:latest": "",
	}
	for image, want := range tests {
		if got := ecrRepository(image); got != want {
			t.Errorf("ecrRepository(%q) = %q, want %q", image, got, want)
		}
	}
}

func TestLogicalID(t *testing.T) {
	tests := map[string]string{
		"web":         "Web",
		"web-api":     "WebApi",
		"web_api":     "WebApi",
		"web.api":     "WebApi",
		"1st_service": "1stService",
		"_":           "",
		"café":        "Caf",
	}
	for name, want := range tests {
		if got := logicalID(name); got != want {
			t.Errorf("logicalID(%q) = %q, want %q", name, got, want)
		}
	}
}
