package fakeaws_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

const markedForDeletion = "You can't perform this operation on the secret because it was marked for deletion."

func TestSecretsManager(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	created, err := c.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("demo/db"), SecretString: aws.String(`{"user":"app","password":"s3cr3t"}`),
		Description: aws.String("database"), KmsKeyId: aws.String("alias/demo"), Tags: []smtypes.Tag{{Key: aws.String("com.docker.compose.project"), Value: aws.String("demo")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(created.ARN)

	t.Run("the_arn_has_six_random_characters", func(t *testing.T) {
		if !regexp.MustCompile(`^arn:aws:secretsmanager:eu-west-1:123456789012:secret:demo/db-[A-Za-z0-9]{6}$`).MatchString(arn) || aws.ToString(created.VersionId) == "" {
			t.Fatalf("created %s %s", arn, aws.ToString(created.VersionId))
		}
		_, err := c.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("demo/db"), SecretString: aws.String("x")})
		var exists *smtypes.ResourceExistsException
		if !errors.As(err, &exists) || aws.ToString(exists.Message) != "The operation failed because the secret demo/db already exists." {
			t.Fatalf("duplicate: %v", err)
		}
	})

	t.Run("values_by_name_arn_and_partial_arn", func(t *testing.T) {
		for _, id := range []string{"demo/db", arn, arn[:len(arn)-7]} {
			got, err := c.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
			if err != nil || aws.ToString(got.SecretString) != `{"user":"app","password":"s3cr3t"}` || aws.ToString(got.ARN) != arn || got.VersionStages[0] != "AWSCURRENT" {
				t.Fatalf("%s: %+v %v", id, got, err)
			}
		}
		_, err := c.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("nope")})
		var nf *smtypes.ResourceNotFoundException
		if !errors.As(err, &nf) || aws.ToString(nf.Message) != "Secrets Manager can't find the specified secret." {
			t.Fatalf("missing: %v", err)
		}
	})

	t.Run("new_values_move_the_stages", func(t *testing.T) {
		put, err := c.sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("demo/db"), SecretString: aws.String("v2")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.sm.UpdateSecret(ctx, &secretsmanager.UpdateSecretInput{SecretId: aws.String(arn), Description: aws.String("the database"), SecretString: aws.String("v3")}); err != nil {
			t.Fatal(err)
		}
		prev, err := c.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("demo/db"), VersionStage: aws.String("AWSPREVIOUS")})
		if err != nil || aws.ToString(prev.SecretString) != "v2" || aws.ToString(prev.VersionId) != aws.ToString(put.VersionId) {
			t.Fatalf("previous %+v %v", prev, err)
		}
		if v, ok := srv.SecretValue("demo/db"); !ok || v != "v3" {
			t.Fatalf("SecretValue %q %v", v, ok)
		}
		desc, err := c.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("demo/db")})
		if err != nil || aws.ToString(desc.Description) != "the database" || aws.ToString(desc.KmsKeyId) != "alias/demo" || len(desc.VersionIdsToStages) != 2 ||
			len(desc.Tags) != 1 || desc.DeletedDate != nil || desc.LastAccessedDate == nil {
			t.Fatalf("describe %+v %v", desc, err)
		}
	})

	t.Run("binary_secrets", func(t *testing.T) {
		if _, err := c.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("demo/cert"), SecretBinary: []byte{0, 1, 2}}); err != nil {
			t.Fatal(err)
		}
		got, err := c.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("demo/cert")})
		if err != nil || string(got.SecretBinary) != "\x00\x01\x02" || got.SecretString != nil {
			t.Fatalf("binary %+v %v", got, err)
		}
	})

	t.Run("list_filters_and_tags", func(t *testing.T) {
		list := func(filters ...smtypes.Filter) []string {
			out, err := c.sm.ListSecrets(ctx, &secretsmanager.ListSecretsInput{Filters: filters, SortOrder: smtypes.SortOrderTypeAsc})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range out.SecretList {
				names = append(names, aws.ToString(s.Name))
			}
			return names
		}
		filter := func(key smtypes.FilterNameStringType, values ...string) smtypes.Filter {
			return smtypes.Filter{Key: key, Values: values}
		}
		for name, tc := range map[string]struct {
			filters []smtypes.Filter
			want    string
		}{
			"all":              {nil, "demo/db,demo/cert"},
			"name_prefix":      {[]smtypes.Filter{filter(smtypes.FilterNameStringTypeName, "demo/c")}, "demo/cert"},
			"tag_key":          {[]smtypes.Filter{filter(smtypes.FilterNameStringTypeTagKey, "com.docker.compose.project")}, "demo/db"},
			"tag_value":        {[]smtypes.Filter{filter(smtypes.FilterNameStringTypeTagValue, "dem")}, "demo/db"},
			"negation":         {[]smtypes.Filter{filter(smtypes.FilterNameStringTypeName, "!demo/d")}, "demo/cert"},
			"description_fold": {[]smtypes.Filter{filter(smtypes.FilterNameStringTypeDescription, "THE")}, "demo/db"},
			"and":              {[]smtypes.Filter{filter(smtypes.FilterNameStringTypeName, "demo"), filter(smtypes.FilterNameStringTypeTagKey, "nope")}, ""},
		} {
			if got := strings.Join(list(tc.filters...), ","); got != tc.want {
				t.Errorf("%s: got %q, want %q", name, got, tc.want)
			}
		}
		if _, err := c.sm.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("demo/cert"), Tags: []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(list(filter(smtypes.FilterNameStringTypeTagKey, "team")), ","); got != "demo/cert" {
			t.Fatalf("after TagResource: %q", got)
		}
		if _, err := c.sm.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String("demo/cert"), TagKeys: []string{"team"}}); err != nil {
			t.Fatal(err)
		}
		if got := list(filter(smtypes.FilterNameStringTypeTagKey, "team")); len(got) != 0 {
			t.Fatalf("after UntagResource: %q", got)
		}
	})

	t.Run("deletion_is_scheduled_refused_and_restorable", func(t *testing.T) {
		_, err := c.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("demo/db"), RecoveryWindowInDays: aws.Int64(5)})
		apiError(t, err, "InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
		_, err = c.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("demo/db"), RecoveryWindowInDays: aws.Int64(7), ForceDeleteWithoutRecovery: aws.Bool(true)})
		apiError(t, err, "InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
		del, err := c.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("demo/db")})
		if err != nil || !del.DeletionDate.Equal(clk.Now().Add(30*24*time.Hour)) {
			t.Fatalf("delete %+v %v", del, err)
		}
		var invalid *smtypes.InvalidRequestException
		_, err = c.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("demo/db")})
		if !errors.As(err, &invalid) || aws.ToString(invalid.Message) != markedForDeletion {
			t.Fatalf("GetSecretValue: %v", err)
		}
		_, err = c.sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("demo/db"), SecretString: aws.String("v4")})
		apiError(t, err, "InvalidRequestException", markedForDeletion)
		_, err = c.sm.UpdateSecret(ctx, &secretsmanager.UpdateSecretInput{SecretId: aws.String("demo/db"), Description: aws.String("x")})
		apiError(t, err, "InvalidRequestException", markedForDeletion)
		_, err = c.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("demo/db"), SecretString: aws.String("x")})
		apiError(t, err, "InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
		desc, _ := c.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("demo/db")})
		if desc.DeletedDate == nil {
			t.Fatal("no DeletedDate")
		}
		live, _ := c.sm.ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
		all, _ := c.sm.ListSecrets(ctx, &secretsmanager.ListSecretsInput{IncludePlannedDeletion: aws.Bool(true)})
		if len(live.SecretList) != 1 || len(all.SecretList) != 2 {
			t.Fatalf("%d live, %d with planned deletions", len(live.SecretList), len(all.SecretList))
		}
		if secrets := srv.Secrets(); secrets[1].Name != "demo/db" || secrets[1].DeletionDate.IsZero() || !secrets[0].DeletionDate.IsZero() {
			t.Fatalf("Secrets %+v", secrets)
		}
		if _, err := c.sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String("demo/db")}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("demo/db")}); err != nil {
			t.Fatalf("after restore: %v", err)
		}
	})

	t.Run("the_recovery_window_ends", func(t *testing.T) {
		if _, err := c.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("demo/db"), RecoveryWindowInDays: aws.Int64(7)}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(7*24*time.Hour - time.Second)
		if _, err := c.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("demo/db")}); err != nil {
			t.Fatalf("before the end of the window: %v", err)
		}
		clk.Advance(time.Second)
		_, err := c.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("demo/db")})
		apiError(t, err, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
		if _, err := c.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("demo/cert"), ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		if len(srv.Secrets()) != 0 {
			t.Fatalf("secrets left %+v", srv.Secrets())
		}
		if _, err := c.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("demo/cert")}); err != nil {
			t.Fatalf("the name of a force-deleted secret is free: %v", err)
		}
	})
}

// secretsTemplate makes a generated secret and a literal one, and a task
// whose environment and secrets use them and an SSM parameter.
var secretsTemplate = serviceTemplate{
	service: "LaunchType: FARGATE",
	container: `Environment:
  - {Name: DB_USER, Value: "{{resolve:secretsmanager:demo/db:SecretString:username}}"}
  - {Name: CONFIG, Value: "{{resolve:ssm:/demo/config}}"}
Secrets:
  - {Name: DB_PASSWORD, ValueFrom: !Sub "${DbSecret}:password::"}
RepositoryCredentials:
  CredentialsParameter: !Ref RegistrySecret`,
	resources: `DbSecret:
  Type: AWS::SecretsManager::Secret
  Properties:
    Name: demo/db
    GenerateSecretString:
      SecretStringTemplate: '{"username": "app"}'
      GenerateStringKey: password
      PasswordLength: 20
      ExcludePunctuation: true
RegistrySecret:
  Type: AWS::SecretsManager::Secret
  Properties:
    Description: registry credentials
    SecretString: '{"username": "bot", "password": "hunter2"}'
`,
}

func TestSecretsInStacks(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	if _, err := c.ssm.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/demo/config"), Value: aws.String("debug=1"), Type: ssmtypes.ParameterTypeString}); err != nil {
		t.Fatal(err)
	}
	if status := deploy(t, srv, clk, c, "demo", secretsTemplate.String()); status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("status %s: %s", status, failure(srv, "demo", "Service"))
	}

	t.Run("secrets_are_created_in_the_store", func(t *testing.T) {
		secrets := srv.Secrets() // by name
		if len(secrets) != 2 || secrets[1].Name != "demo/db" || !strings.HasPrefix(secrets[0].Name, "demo-RegistrySecret-") || secrets[0].Description != "registry credentials" ||
			secrets[1].Tags["aws:cloudformation:logical-id"] != "DbSecret" {
			t.Fatalf("secrets %+v", secrets)
		}
		value, _ := srv.SecretValue("demo/db")
		var doc map[string]string
		if err := json.Unmarshal([]byte(value), &doc); err != nil || doc["username"] != "app" || !regexp.MustCompile(`^[A-Za-z0-9]{20}$`).MatchString(doc["password"]) {
			t.Fatalf("generated %q %v", value, err)
		}
		snap, _ := srv.Stack("demo")
		if r, _ := snap.Resource("DbSecret"); r.PhysicalID != secrets[1].ARN {
			t.Fatalf("Ref %s, ARN %s", r.PhysicalID, secrets[1].ARN)
		}
	})

	t.Run("dynamic_references_resolve_in_the_resource_not_in_the_stack", func(t *testing.T) {
		td, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("demo-web")})
		if err != nil {
			t.Fatal(err)
		}
		env := map[string]string{}
		for _, kv := range td.TaskDefinition.ContainerDefinitions[0].Environment {
			env[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
		}
		if env["DB_USER"] != "app" || env["CONFIG"] != "debug=1" {
			t.Fatalf("environment %v", env)
		}
		snap, _ := srv.Stack("demo")
		task, _ := snap.Resource("Task")
		b, _ := json.Marshal(task.Properties)
		if !strings.Contains(string(b), "{{resolve:secretsmanager:demo/db:SecretString:username}}") {
			t.Fatalf("the stack shows the resolved value: %s", b)
		}
		for _, e := range events(t, c, "demo") {
			if strings.Contains(aws.ToString(e.ResourceProperties), "debug=1") {
				t.Fatal("an event shows a resolved value")
			}
		}
	})

	t.Run("delete_removes_the_secrets_at_once", func(t *testing.T) {
		if status := deleteStack(t, srv, clk, c, "demo"); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("status %s", status)
		}
		if len(srv.Secrets()) != 0 {
			t.Fatalf("secrets left %+v", srv.Secrets())
		}
	})

	t.Run("a_missing_secret_fails_the_resource", func(t *testing.T) {
		tmpl := `Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: "{{resolve:secretsmanager:nope:SecretString:key}}"}
`
		createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("bad"), TemplateBody: aws.String(tmpl)})
		if status := advanceUntil(t, clk, c, "bad", time.Minute); status != cfntypes.StackStatusRollbackComplete {
			t.Fatalf("status %s", status)
		}
		if reason := failure(srv, "bad", "Queue"); !strings.HasPrefix(reason, "Secrets Manager can't find the specified secret. (Service: AWSSecretsManager; Status Code: 400; Error Code: ResourceNotFoundException;") {
			t.Fatalf("reason %q", reason)
		}
		if _, err := c.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("nope"), SecretString: aws.String(`{"other": 1}`)}); err != nil {
			t.Fatal(err)
		}
		createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("bad2"), TemplateBody: aws.String(tmpl)})
		advanceUntil(t, clk, c, "bad2", time.Minute)
		if reason := failure(srv, "bad2", "Queue"); reason != "Could not find a value associated with JSONKey in SecretString" {
			t.Fatalf("reason %q", reason)
		}
	})

	t.Run("tasks_fail_when_their_secrets_are_missing", func(t *testing.T) {
		tmpl := serviceTemplate{service: "LaunchType: FARGATE", container: `Secrets:
  - {Name: TOKEN, ValueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:missing-AbCdEf"}`}
		_, subnets := srv.DefaultVPC()
		createStack(t, c, &cloudformation.CreateStackInput{StackName: aws.String("nosecret"), TemplateBody: aws.String(tmpl.String()), OnFailure: cfntypes.OnFailureDoNothing,
			Parameters: []cfntypes.Parameter{param("Subnets", strings.Join(subnets, ","))}})
		if status := advanceUntil(t, clk, c, "nosecret", 30*time.Minute); status != cfntypes.StackStatusCreateFailed {
			t.Fatalf("status %s", status)
		}
		snap, _ := srv.Stack("nosecret")
		svc, _ := snap.Resource("Service")
		stopped, err := c.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String("nosecret"), ServiceName: aws.String(svc.PhysicalID), DesiredStatus: ecstypes.DesiredStatusStopped})
		if err != nil || len(stopped.TaskArns) != 3 {
			t.Fatalf("stopped tasks %+v %v", stopped, err)
		}
		out, _ := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("nosecret"), Tasks: stopped.TaskArns[:1]})
		reason := aws.ToString(out.Tasks[0].StoppedReason)
		if !strings.HasPrefix(reason, "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm") ||
			!strings.Contains(reason, "secret:missing-AbCdEf from secrets manager: ResourceNotFoundException") || out.Tasks[0].StopCode != ecstypes.TaskStopCodeTaskFailedToStart {
			t.Fatalf("stopped %q %s", reason, out.Tasks[0].StopCode)
		}
	})
}
