package fakeaws_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

func createBucket(t *testing.T, c clients, name string) {
	t.Helper()
	_, err := c.s3.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(testRegion)}})
	if err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
}

func putObject(t *testing.T, c clients, bucket, key, body string) {
	t.Helper()
	_, err := c.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
}

func TestS3(t *testing.T) {
	ctx := context.Background()
	srv, _, c := newFake(t, fakeaws.Options{})

	t.Run("buckets_follow_the_region_rules", func(t *testing.T) {
		_, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("no-region")})
		apiError(t, err, "IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
		_, err = c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("other-region"),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest2}})
		apiError(t, err, "IllegalLocationConstraintException", "The eu-west-2 location constraint is incompatible")
		_, err = c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
		apiError(t, err, "InvalidBucketName", "The specified bucket is not valid.")
		createBucket(t, c, "assets")
		_, err = c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("assets"),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(testRegion)}})
		var owned *s3types.BucketAlreadyOwnedByYou
		if !errors.As(err, &owned) {
			t.Fatalf("second CreateBucket: %v", err)
		}
		head, err := c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("assets")})
		if err != nil || aws.ToString(head.BucketRegion) != testRegion {
			t.Fatalf("HeadBucket %+v %v", head, err)
		}
		_, err = c.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("assets")})
		apiError(t, err, "NotImplemented", "The fake does not implement GET /assets?tagging=")
		_, err = c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("missing")})
		var nf *s3types.NotFound
		if !errors.As(err, &nf) {
			t.Fatalf("HeadBucket of a missing bucket: %v", err)
		}
	})

	t.Run("objects_round_trip_with_their_checksum", func(t *testing.T) {
		_, err := c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("assets"), Key: aws.String("compose/app.yaml"),
			Body: strings.NewReader("services: {}\n"), ContentType: aws.String("application/yaml")})
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("assets"), Key: aws.String("compose/app.yaml"), ChecksumMode: s3types.ChecksumModeEnabled})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(got.Body)
		if string(body) != "services: {}\n" || aws.ToString(got.ContentType) != "application/yaml" || aws.ToString(got.ChecksumCRC32) == "" || !strings.HasPrefix(aws.ToString(got.ETag), `"`) {
			t.Fatalf("GetObject %q %s crc %q etag %s", body, aws.ToString(got.ContentType), aws.ToString(got.ChecksumCRC32), aws.ToString(got.ETag))
		}
		head, err := c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("assets"), Key: aws.String("compose/app.yaml")})
		if err != nil || aws.ToInt64(head.ContentLength) != 13 || aws.ToString(head.ETag) != aws.ToString(got.ETag) {
			t.Fatalf("HeadObject %+v %v", head, err)
		}
		_, err = c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("assets"), Key: aws.String("bad"), Body: strings.NewReader("x"), ChecksumCRC32: aws.String("AAAAAA==")})
		apiError(t, err, "BadDigest", "The CRC32 you specified did not match the calculated checksum.")
		_, err = c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("assets"), Key: aws.String("nope")})
		var noKey *s3types.NoSuchKey
		if !errors.As(err, &noKey) {
			t.Fatalf("missing key: %v", err)
		}
		_, err = c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("assets"), Key: aws.String("nope")})
		var nf *s3types.NotFound
		if !errors.As(err, &nf) {
			t.Fatalf("HeadObject of a missing key: %v", err)
		}
		_, err = c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("missing"), Key: aws.String("k")})
		apiError(t, err, "NoSuchBucket", "The specified bucket does not exist")
	})

	t.Run("list_pages_and_groups_by_delimiter", func(t *testing.T) {
		for _, k := range []string{"compose/b.yaml", "compose/c.yaml", "compose/env/prod", "compose/env/dev", "other"} {
			putObject(t, c, "assets", k, k)
		}
		var keys []string
		p := s3.NewListObjectsV2Paginator(c.s3, &s3.ListObjectsV2Input{Bucket: aws.String("assets"), Prefix: aws.String("compose/"), MaxKeys: aws.Int32(2)})
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, o := range out.Contents {
				keys = append(keys, aws.ToString(o.Key))
			}
		}
		if strings.Join(keys, ",") != "compose/app.yaml,compose/b.yaml,compose/c.yaml,compose/env/dev,compose/env/prod" || pages != 3 {
			t.Fatalf("%d pages: %v", pages, keys)
		}
		out, err := c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("assets"), Prefix: aws.String("compose/"), Delimiter: aws.String("/")})
		if err != nil || len(out.Contents) != 3 || len(out.CommonPrefixes) != 1 || aws.ToString(out.CommonPrefixes[0].Prefix) != "compose/env/" || aws.ToInt32(out.KeyCount) != 4 {
			t.Fatalf("delimited %+v %v", out, err)
		}
	})

	t.Run("a_bucket_with_objects_cannot_be_deleted", func(t *testing.T) {
		_, err := c.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("assets")})
		apiError(t, err, "BucketNotEmpty", "The bucket you tried to delete is not empty")
		buckets := srv.Buckets()
		if len(buckets) != 1 || buckets[0].Name != "assets" || buckets[0].Region != testRegion || len(buckets[0].Objects) != 6 || string(buckets[0].Objects[0].Body) != "services: {}\n" {
			t.Fatalf("buckets %+v", buckets)
		}
		for _, o := range buckets[0].Objects {
			if _, err := c.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("assets"), Key: aws.String(o.Key)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("assets"), Key: aws.String("gone-already")}); err != nil {
			t.Fatalf("deleting a missing key succeeds in S3: %v", err)
		}
		if _, err := c.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("assets")}); err != nil {
			t.Fatal(err)
		}
		if len(srv.Buckets()) != 0 {
			t.Fatal("bucket still there")
		}
	})
}

func TestTemplateURL(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	createBucket(t, c, "cfn-templates")
	body := smallTemplate("7", "one", "nginx:1", "")
	putObject(t, c, "cfn-templates", "demo/template.json", body)

	t.Run("every_host_form_reads_the_fake_store", func(t *testing.T) {
		for i, u := range []string{
			"https://cfn-templates.s3.eu-west-1.amazonaws.com/demo/template.json",
			"https://s3.eu-west-1.amazonaws.com/cfn-templates/demo/template.json",
			"https://cfn-templates.s3.amazonaws.com/demo/template.json",
		} {
			name := fmt.Sprintf("url%d", i)
			if i > 0 {
				// the log group name of smallTemplate is fixed
				putObject(t, c, "cfn-templates", "demo/template.json", strings.Replace(body, "app-logs", name+"-logs", 1))
			}
			createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateURL: aws.String(u)})
			if status := advanceUntil(t, clk, c, name, time.Minute); status != cfntypes.StackStatusCreateComplete {
				t.Fatalf("%s: %s", u, status)
			}
			got, err := c.cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(name)})
			if err != nil || !strings.Contains(aws.ToString(got.TemplateBody), `"Logs"`) {
				t.Fatalf("GetTemplate %v", err)
			}
		}
	})

	t.Run("validate_update_and_change_sets_take_it_too", func(t *testing.T) {
		u := "https://cfn-templates.s3.eu-west-1.amazonaws.com/demo/v2.json"
		putObject(t, c, "cfn-templates", "demo/v2.json", smallTemplate("14", "one", "nginx:2", ""))
		if _, err := c.cfn.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateURL: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("url0"), ChangeSetName: aws.String("v2"), TemplateURL: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
		if cs := waitChangeSet(t, c, clk, "url0", "v2"); len(cs.Changes) != 2 {
			t.Fatalf("changes %+v", cs.Changes)
		}
		if _, err := c.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("url0"), TemplateURL: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
		if status := advanceUntil(t, clk, c, "url0", time.Minute); status != cfntypes.StackStatusUpdateComplete {
			t.Fatalf("status %s", status)
		}
		snap, _ := srv.Stack("url0")
		if !strings.Contains(snap.TemplateBody, "nginx:2") {
			t.Fatal("the stack does not have the new template")
		}
	})

	t.Run("a_missing_object_or_a_foreign_url_is_refused", func(t *testing.T) {
		for u, msg := range map[string]string{
			"https://cfn-templates.s3.eu-west-1.amazonaws.com/demo/nope.json": "TemplateURL must reference a valid S3 object to which you have access.",
			"https://nope.s3.amazonaws.com/demo/template.json":                "TemplateURL must reference a valid S3 object to which you have access.",
			"https://example.com/template.json":                               "TemplateURL must be an Amazon S3 URL.",
		} {
			_, err := c.cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("bad"), TemplateURL: aws.String(u)})
			apiError(t, err, "ValidationError", msg)
		}
	})

	t.Run("size_limits", func(t *testing.T) {
		padded := func(n int) string {
			return `{"Metadata": {"Pad": "` + strings.Repeat("x", n) + `"}, "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}`
		}
		big := padded(60000)
		_, err := c.cfn.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(big)})
		apiError(t, err, "ValidationError", "Member must have length less than or equal to 51200")
		putObject(t, c, "cfn-templates", "big.json", big)
		if _, err := c.cfn.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateURL: aws.String("https://cfn-templates.s3.amazonaws.com/big.json")}); err != nil {
			t.Fatalf("a 60 KB template from S3: %v", err)
		}
		putObject(t, c, "cfn-templates", "huge.json", padded(1<<20))
		_, err = c.cfn.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateURL: aws.String("https://cfn-templates.s3.amazonaws.com/huge.json")})
		apiError(t, err, "ValidationError", "Template may not exceed 1048576 bytes in size.")
	})

	t.Run("at_most_500_resources", func(t *testing.T) {
		many := func(n int) string {
			var b strings.Builder
			b.WriteString(`{"Resources": {`)
			for i := range n {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `"Q%03d": {"Type": "AWS::SQS::Queue"}`, i)
			}
			b.WriteString(`}}`)
			return b.String()
		}
		if _, err := c.cfn.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(many(500))}); err != nil {
			t.Fatal(err)
		}
		_, err := c.cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("many"), TemplateBody: aws.String(many(501))})
		apiError(t, err, "ValidationError", "Template format error: Number of resources, 501, is greater than maximum allowed, 500")
	})
}
