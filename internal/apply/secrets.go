package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/convert"
)

// SecretInfo is what docker ecs secret ls and inspect show of a secret:
// never its value.
type SecretInfo struct {
	Name        string            `json:"name"`
	ARN         string            `json:"arn"`
	Description string            `json:"description,omitempty"`
	Project     string            `json:"project,omitempty"`
	Created     time.Time         `json:"created,omitzero"`
	Changed     time.Time         `json:"changed,omitzero"`
	Deleted     time.Time         `json:"deleted,omitzero"`
	Versions    map[string]string `json:"versions,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// CreateSecret makes a Secrets Manager secret, which a compose file can then
// name as an external secret.
func (d *Deployer) CreateSecret(ctx context.Context, name string, value []byte) (string, error) {
	out, err := d.AWS.SecretsManager.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name:         aws.String(name),
		SecretString: aws.String(string(value)),
		Description:  aws.String("Made by docker ecs secret create"),
	})
	if awsapi.IsCode(err, "ResourceExistsException") {
		return "", fmt.Errorf("the secret %s exists already: remove it first (docker ecs secret rm --force %s), or choose another name", name, name)
	}
	if awsapi.IsCode(err, "InvalidRequestException") && strings.Contains(err.Error(), "deletion") {
		return "", fmt.Errorf("the secret %s is scheduled for deletion: recover it (docker ecs secret rm --recover %s), or choose another name", name, name)
	}
	if err != nil {
		return "", awsapi.Explain(err)
	}
	return aws.ToString(out.ARN), nil
}

// ListSecrets lists the secrets of the account and region, by name.
func (d *Deployer) ListSecrets(ctx context.Context) ([]SecretInfo, error) {
	var out []SecretInfo
	p := secretsmanager.NewListSecretsPaginator(d.AWS.SecretsManager, &secretsmanager.ListSecretsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, awsapi.Explain(err)
		}
		for _, s := range page.SecretList {
			out = append(out, SecretInfo{
				Name:        aws.ToString(s.Name),
				ARN:         aws.ToString(s.ARN),
				Description: aws.ToString(s.Description),
				Project:     tag(s.Tags, convert.ProjectTag),
				Created:     aws.ToTime(s.CreatedDate),
				Changed:     aws.ToTime(s.LastChangedDate),
				Deleted:     aws.ToTime(s.DeletedDate),
			})
		}
	}
	slices.SortFunc(out, func(a, b SecretInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// InspectSecret describes a secret, without its value.
func (d *Deployer) InspectSecret(ctx context.Context, name string) (SecretInfo, error) {
	s, err := d.AWS.SecretsManager.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
	if err != nil {
		return SecretInfo{}, d.secretError(err, name)
	}
	info := SecretInfo{
		Name:        aws.ToString(s.Name),
		ARN:         aws.ToString(s.ARN),
		Description: aws.ToString(s.Description),
		Project:     tag(s.Tags, convert.ProjectTag),
		Created:     aws.ToTime(s.CreatedDate),
		Changed:     aws.ToTime(s.LastChangedDate),
		Deleted:     aws.ToTime(s.DeletedDate),
		Versions:    map[string]string{},
		Tags:        map[string]string{},
	}
	for id, stages := range s.VersionIdsToStages {
		info.Versions[id] = strings.Join(stages, ",")
	}
	for _, t := range s.Tags {
		info.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return info, nil
}

// RemoveSecret deletes a secret: restorable for 30 days, or at once when
// force.
func (d *Deployer) RemoveSecret(ctx context.Context, name string, force bool) error {
	in := &secretsmanager.DeleteSecretInput{SecretId: aws.String(name), RecoveryWindowInDays: aws.Int64(recoveryDays)}
	if force {
		in = &secretsmanager.DeleteSecretInput{SecretId: aws.String(name), ForceDeleteWithoutRecovery: aws.Bool(true)}
	}
	_, err := d.AWS.SecretsManager.DeleteSecret(ctx, in)
	return d.secretError(err, name)
}

// RecoverSecret cancels the deletion of a secret.
func (d *Deployer) RecoverSecret(ctx context.Context, name string) error {
	_, err := d.AWS.SecretsManager.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String(name)})
	return d.secretError(err, name)
}

// secretError explains an error of Secrets Manager about the secret name.
func (d *Deployer) secretError(err error, name string) error {
	if awsapi.IsCode(err, "ResourceNotFoundException") {
		return fmt.Errorf("the secret %s does not exist in %s", name, d.AWS.Region)
	}
	return awsapi.Explain(err)
}
