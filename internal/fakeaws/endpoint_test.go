package fakeaws_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// TestEndpointFromEnvironment configures the SDK the way the plugin's
// process is configured in end-to-end tests: only environment variables.
func TestEndpointFromEnvironment(t *testing.T) {
	srv := fakeaws.New(fakeaws.Options{Region: testRegion})
	defer srv.Close()
	empty := filepath.Join(t.TempDir(), "none")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": srv.URL(), "AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "AKIDFROMENV", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_CONFIG_FILE": empty, "AWS_SHARED_CREDENTIALS_FILE": empty, "AWS_PROFILE": "", "AWS_SESSION_TOKEN": "",
	} {
		t.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "123456789012" {
		t.Fatalf("identity %+v %v", id, err)
	}
	if _, err := cloudformation.NewFromConfig(cfg).DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{}); err != nil {
		t.Fatal(err)
	}
	// S3 with the checksums LoadDefaultConfig asks for.
	bucket := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := bucket.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("templates"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuCentral1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := bucket.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("templates"), Key: aws.String("t.json"), Body: strings.NewReader("{}")}); err != nil {
		t.Fatal(err)
	}
	got, err := bucket.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("templates"), Key: aws.String("t.json"), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil || aws.ToString(got.ChecksumCRC32) == "" {
		t.Fatalf("GetObject %+v %v", got, err)
	}
	if body, err := io.ReadAll(got.Body); err != nil || string(body) != "{}" {
		t.Fatalf("body %q %v", body, err)
	}
	for _, c := range srv.Calls() {
		if c.Region != "eu-central-1" || c.AccessKey != "AKIDFROMENV" {
			t.Fatalf("call %+v", c)
		}
	}
}
