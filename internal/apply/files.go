package apply

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/convert"
	"github.com/docker-ecs/docker-ecs/internal/progress"
)

// Tags of the secrets up makes: the project's, and the compose secret's.
const (
	SecretTag = "com.docker.compose.secret"
	// recoveryDays is how long a secret that down deletes can be restored.
	recoveryDays = 30
	// standardParameter is the largest value of a free SSM parameter.
	standardParameter = 4096
)

// published is what publish did to one secret or config.
type published struct {
	arn, version, what string
}

// publish stores the project's secrets and configs in AWS before a deploy
// (Secrets Manager secrets and SSM parameters), and returns the template
// parameters that name them and their versions. A dry run writes nothing.
// Values are never printed: only what happened to each name.
func (d *Deployer) publish(ctx context.Context, p *app.Project, account string, dryRun bool, printer progress.Printer) ([]cfntypes.Parameter, error) {
	var params []cfntypes.Parameter
	param := func(k, v string) {
		params = append(params, cfntypes.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(v)})
	}
	for _, f := range p.Files {
		var res published
		var err error
		if f.Kind == app.SecretFile {
			res, err = d.publishSecret(ctx, p, f, account, dryRun)
		} else {
			res, err = d.publishConfig(ctx, p, f, dryRun)
		}
		if err != nil {
			return nil, fmt.Errorf("%ss.%s: %w", f.Kind, f.Name, err)
		}
		if res.what != "" {
			printer.Note("%s %s: %s", f.Kind, f.Name, res.what)
		}
		if f.Kind == app.SecretFile {
			param(convert.SecretARNParameter(f), res.arn)
			param(convert.SecretVersionParameter(f), res.version)
		} else {
			param(convert.ConfigVersionParameter(f), res.version)
		}
	}
	return params, nil
}

// value reads what the compose file says a secret or config holds.
func value(p *app.Project, f *app.File) (string, error) {
	switch {
	case f.Path != "":
		b, err := os.ReadFile(f.Path)
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", f.Path, err)
		}
		return string(b), nil
	case f.EnvVar != "":
		v, ok := p.Env(f.EnvVar)
		if !ok {
			return "", fmt.Errorf("the variable %s is not set", f.EnvVar)
		}
		return v, nil
	}
	return f.Content, nil
}

func (d *Deployer) publishSecret(ctx context.Context, p *app.Project, f *app.File, account string, dryRun bool) (published, error) {
	sm := d.AWS.SecretsManager
	if f.External != "" {
		out, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(f.External)})
		if awsapi.IsCode(err, "ResourceNotFoundException") {
			return published{}, fmt.Errorf("the secret %s does not exist in the AWS region %s", f.External, d.AWS.Region)
		}
		if err != nil {
			return published{}, awsapi.Explain(err)
		}
		return published{arn: aws.ToString(out.ARN), version: currentVersion(out.VersionIdsToStages)}, nil
	}
	name := convert.SecretName(p.Name, f.Name)
	v, err := value(p, f)
	if err != nil {
		return published{}, err
	}
	described, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
	if awsapi.IsCode(err, "ResourceNotFoundException") {
		if dryRun {
			return published{arn: fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s", d.AWS.Region, account, name), version: "new", what: "would be created"}, nil
		}
		out, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
			Name:         aws.String(name),
			SecretString: aws.String(v),
			Description:  aws.String(fmt.Sprintf("The secret %s of the compose project %s, made by docker ecs", f.Name, p.Name)),
			Tags: []smtypes.Tag{
				{Key: aws.String(convert.ProjectTag), Value: aws.String(p.Name)},
				{Key: aws.String(SecretTag), Value: aws.String(f.Name)},
			},
		})
		if err != nil {
			return published{}, awsapi.Explain(err)
		}
		return published{arn: aws.ToString(out.ARN), version: aws.ToString(out.VersionId), what: "created"}, nil
	}
	if err != nil {
		return published{}, awsapi.Explain(err)
	}
	if tag(described.Tags, convert.ProjectTag) != p.Name {
		return published{}, fmt.Errorf("a secret named %s exists and docker ecs did not make it for %s: rename the compose secret, or declare it external", name, p.Name)
	}
	res := published{arn: aws.ToString(described.ARN), version: currentVersion(described.VersionIdsToStages)}
	restore := described.DeletedDate != nil
	if restore {
		if dryRun {
			return published{arn: res.arn, version: "restored", what: "would be restored and updated"}, nil
		}
		if _, err := sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: described.ARN}); err != nil {
			return published{}, awsapi.Explain(err)
		}
	}
	current, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: described.ARN})
	if err != nil {
		return published{}, awsapi.Explain(err)
	}
	if aws.ToString(current.SecretString) == v {
		res.version = aws.ToString(current.VersionId)
		if restore {
			res.what = "restored"
		}
		return res, nil
	}
	if dryRun {
		return published{arn: res.arn, version: "changed", what: "would be updated"}, nil
	}
	put, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: described.ARN, SecretString: aws.String(v)})
	if err != nil {
		return published{}, awsapi.Explain(err)
	}
	return published{arn: res.arn, version: aws.ToString(put.VersionId), what: "updated"}, nil
}

// currentVersion is the version of a secret that tasks read.
func currentVersion(stages map[string][]string) string {
	for id, s := range stages {
		for _, stage := range s {
			if stage == "AWSCURRENT" {
				return id
			}
		}
	}
	return ""
}

func tag(tags []smtypes.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

func (d *Deployer) publishConfig(ctx context.Context, p *app.Project, f *app.File, dryRun bool) (published, error) {
	name := convert.ConfigParameter(p.Name, f)
	current, err := d.AWS.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	missing := awsapi.IsCode(err, "ParameterNotFound")
	if err != nil && !missing {
		return published{}, awsapi.Explain(err)
	}
	if f.External != "" {
		if missing {
			return published{}, fmt.Errorf("the SSM parameter %s does not exist in the AWS region %s", name, d.AWS.Region)
		}
		return published{version: strconv.FormatInt(current.Parameter.Version, 10)}, nil
	}
	v, err := value(p, f)
	if err != nil {
		return published{}, err
	}
	if !missing && aws.ToString(current.Parameter.Value) == v {
		return published{version: strconv.FormatInt(current.Parameter.Version, 10)}, nil
	}
	if dryRun {
		if missing {
			return published{version: "new", what: "would be created"}, nil
		}
		return published{version: "changed", what: "would be updated"}, nil
	}
	tier := ssmtypes.ParameterTierStandard
	if len(v) > standardParameter {
		tier = ssmtypes.ParameterTierAdvanced
	}
	in := &ssm.PutParameterInput{
		Name:      aws.String(name),
		Value:     aws.String(v),
		Type:      ssmtypes.ParameterTypeString,
		Tier:      tier,
		Overwrite: aws.Bool(!missing),
	}
	what := "updated"
	if missing {
		// Tags go with a new parameter only.
		in.Tags = []ssmtypes.Tag{{Key: aws.String(convert.ProjectTag), Value: aws.String(p.Name)}}
		what = "created"
	}
	put, err := d.AWS.SSM.PutParameter(ctx, in)
	if err != nil {
		return published{}, awsapi.Explain(err)
	}
	return published{version: strconv.FormatInt(put.Version, 10), what: what}, nil
}

// unpublish deletes what publish made for a project: its secrets, with
// Secrets Manager's recovery window, and its SSM parameters. It returns
// what it deleted. A secret the project only names (external) is not its.
func (d *Deployer) unpublish(ctx context.Context, project string) ([]string, error) {
	var deleted []string
	var errs []error
	prefix := convert.SecretName(project, "")
	sp := secretsmanager.NewListSecretsPaginator(d.AWS.SecretsManager, &secretsmanager.ListSecretsInput{
		Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{prefix}}},
	})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			return deleted, awsapi.Explain(err)
		}
		for _, s := range page.SecretList {
			name := aws.ToString(s.Name)
			if !strings.HasPrefix(name, prefix) || tag(s.Tags, convert.ProjectTag) != project || tag(s.Tags, SecretTag) == "" || s.DeletedDate != nil {
				continue
			}
			_, err := d.AWS.SecretsManager.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: s.ARN, RecoveryWindowInDays: aws.Int64(recoveryDays)})
			if err != nil {
				errs = append(errs, fmt.Errorf("secret %s: %w", name, awsapi.Explain(err)))
				continue
			}
			deleted = append(deleted, fmt.Sprintf("secret %s (restorable for %d days: docker ecs secret rm --recover %s)", name, recoveryDays, name))
		}
	}
	path := convert.ConfigPrefix(project)
	pp := ssm.NewDescribeParametersPaginator(d.AWS.SSM, &ssm.DescribeParametersInput{
		ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: aws.String("Name"), Option: aws.String("BeginsWith"), Values: []string{path}}},
	})
	var names []string
	for pp.HasMorePages() {
		page, err := pp.NextPage(ctx)
		if err != nil {
			return deleted, awsapi.Explain(err)
		}
		for _, m := range page.Parameters {
			if n := aws.ToString(m.Name); strings.HasPrefix(n, path) {
				names = append(names, n)
			}
		}
	}
	for _, n := range names {
		if _, err := d.AWS.SSM.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(n)}); err != nil {
			errs = append(errs, fmt.Errorf("parameter %s: %w", n, awsapi.Explain(err)))
			continue
		}
		deleted = append(deleted, "config parameter "+n)
	}
	return deleted, errors.Join(errs...)
}
