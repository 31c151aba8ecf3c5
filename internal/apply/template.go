package apply

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/cfn"
)

// template gives CloudFormation the template: in the request when it is
// small enough, else through a temporary S3 bucket, which cleanup removes
// once CloudFormation has read it (CloudFormation reads the template when
// it takes the request).
func (d *Deployer) template(ctx context.Context, body []byte) (inline, url *string, cleanup func(), err error) {
	if len(body) <= cfn.MaxInlineBody {
		return aws.String(string(body)), nil, func() {}, nil
	}
	bucket := "docker-ecs-" + randomHex()
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if d.AWS.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(d.AWS.Region)}
	}
	if _, err := d.AWS.S3.CreateBucket(ctx, in); err != nil {
		return nil, nil, nil, fmt.Errorf("making a bucket for the template, which is too large to send inline: %w", awsapi.Explain(err))
	}
	const key = "template.json"
	cleanup = func() {
		// Whatever happened, and even after Ctrl-C: nothing is left.
		ctx := context.WithoutCancel(ctx)
		_, _ = d.AWS.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		_, _ = d.AWS.S3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	}
	if _, err := d.AWS.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		cleanup()
		return nil, nil, nil, fmt.Errorf("uploading the template: %w", awsapi.Explain(err))
	}
	return nil, aws.String(fmt.Sprintf("https://%s.s3.%s.amazonaws.com/%s", bucket, d.AWS.Region, key)), cleanup, nil
}
