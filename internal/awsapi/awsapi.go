// Package awsapi is the set of AWS clients the Apply phase uses, configured
// from the standard AWS chain (AWS_PROFILE, AWS_REGION, the shared config
// and credentials files, SSO, assume-role, AWS_ENDPOINT_URL), and the
// translation of AWS's errors into sentences.
package awsapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
)

// Target names the AWS account and region to use. The zero Target means
// the AWS environment: AWS_PROFILE, AWS_REGION and the shared files.
type Target struct {
	// Profile is a profile of the shared config files; empty for the
	// default chain.
	Profile string
	// Region overrides the region of the environment or the profile.
	Region string
}

// Clients are the AWS clients of one account and region.
type Clients struct {
	Region         string
	CloudFormation *cloudformation.Client
	EC2            *ec2.Client
	ECS            *ecs.Client
	Logs           *cloudwatchlogs.Client
	ELB            *elasticloadbalancingv2.Client
	EFS            *efs.Client
	S3             *s3.Client
	SecretsManager *secretsmanager.Client
	SSM            *ssm.Client
	STS            *sts.Client
}

// maxAttempts is how many times the SDK tries a call that was throttled or
// failed for a transient reason; the adaptive retryer also slows down every
// call of the client once AWS throttles.
const maxAttempts = 10

// requestTimeout bounds one request, so that a connection that hangs is
// retried instead of holding the command forever.
const requestTimeout = time.Minute

// ownBody gives the HTTP transport a body of its own to send. The SDK
// closes the body of a request as soon as the response arrives, while the
// transport may still be reading past its end to check its length: it
// then takes the io.EOF of the closed body for a failed write, drops the
// connection under the response being read, and the SDK sends the call
// again, which a fast answer (a local endpoint) makes likely.
type ownBody struct{ aws.HTTPClient }

func (c ownBody) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return c.HTTPClient.Do(r)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	own := r.WithContext(r.Context())
	own.Body = io.NopCloser(bytes.NewReader(body))
	return c.HTTPClient.Do(own)
}

// New configures the clients for t. It makes no call: credentials are
// resolved, and checked, by the first call. extra options come last, and
// win: tests use them to shorten retries and timeouts.
func New(ctx context.Context, t Target, extra ...func(*config.LoadOptions) error) (*Clients, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(requestTimeout)),
		// The SDK's own warnings (a connection closed by Ctrl-C) are not
		// for users; errors reach them through Explain.
		config.WithLogger(logging.Nop{}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
				o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
					so.MaxAttempts = maxAttempts
				})
			})
		}),
	}
	if t.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(t.Profile))
	}
	if t.Region != "" {
		opts = append(opts, config.WithRegion(t.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, append(opts, extra...)...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("the AWS profile %q does not exist in your AWS config or credentials file", missing.Profile)
		}
		return nil, fmt.Errorf("reading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: set AWS_REGION, or a region for your AWS profile (aws configure set region eu-west-1)")
	}
	cfg.HTTPClient = ownBody{cfg.HTTPClient}
	return &Clients{
		Region:         cfg.Region,
		CloudFormation: cloudformation.NewFromConfig(cfg),
		EC2:            ec2.NewFromConfig(cfg),
		ECS:            ecs.NewFromConfig(cfg),
		Logs:           cloudwatchlogs.NewFromConfig(cfg),
		ELB:            elasticloadbalancingv2.NewFromConfig(cfg),
		EFS:            efs.NewFromConfig(cfg),
		// A custom endpoint (AWS_ENDPOINT_URL) has no bucket subdomains.
		S3:             s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = cfg.BaseEndpoint != nil }),
		SecretsManager: secretsmanager.NewFromConfig(cfg),
		SSM:            ssm.NewFromConfig(cfg),
		STS:            sts.NewFromConfig(cfg),
	}, nil
}

// Identity checks the credentials with the one call that needs no
// permission, and returns the account they belong to.
func (c *Clients) Identity(ctx context.Context) (string, error) {
	out, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", Explain(err)
	}
	return aws.ToString(out.Account), nil
}

// Explain turns an AWS error into one sentence where the SDK's would be a
// chain of operation, retry and HTTP details. Other errors are returned as
// they are.
func Explain(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "failed to retrieve credentials") || strings.Contains(msg, "no EC2 IMDS role found") || strings.Contains(msg, "failed to refresh cached credentials"):
		return errors.New("no AWS credentials: set AWS_PROFILE (and run aws sso login for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
			return errors.New("your AWS credentials have expired: renew them (aws sso login, or new keys) and run the command again")
		case "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "AuthFailure":
			return errors.New("AWS does not accept your credentials: check AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
		}
		var op *smithy.OperationError
		if errors.As(err, &op) {
			return fmt.Errorf("%s %s: %s", op.ServiceID, op.OperationName, api.ErrorMessage())
		}
		return errors.New(api.ErrorMessage())
	}
	return err
}

// IsCode reports whether err is an AWS error with one of the codes.
func IsCode(err error, codes ...string) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	for _, c := range codes {
		if api.ErrorCode() == c {
			return true
		}
	}
	return false
}
