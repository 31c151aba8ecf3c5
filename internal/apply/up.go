package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/cfn"
	"github.com/docker-ecs/docker-ecs/internal/convert"
	"github.com/docker-ecs/docker-ecs/internal/progress"
)

// UpOptions are the options of Up.
type UpOptions struct {
	// Detach returns as soon as AWS has accepted the operation.
	Detach bool
	// DryRun shows what a deploy would change, and changes nothing.
	DryRun bool
	// KeepFailed keeps what a failed first deploy created, for inspection,
	// instead of rolling it back.
	KeepFailed bool
	// Progress shows the operation.
	Progress progress.Printer
	// Out receives the result: the changes of a dry run, the endpoints.
	Out io.Writer
}

// Up creates the project's stack, or updates it through a change set, and
// waits until the services are stable.
func (d *Deployer) Up(ctx context.Context, p *app.Project, tpl *cfn.Template, o UpOptions) (err error) {
	defer func() {
		// Interrupted, wherever it was: nothing was cancelled in AWS.
		if err != nil && ctx.Err() != nil {
			err = ErrDetached
		}
	}()
	body, err := tpl.CompactJSON()
	if err != nil {
		return err
	}
	if err := tpl.Fits(p.Name, body); err != nil {
		return p.Located(err)
	}
	account, err := d.AWS.Identity(ctx)
	if err != nil {
		return err
	}
	stack, err := d.stack(ctx, p.Name)
	if err != nil {
		return err
	}
	params, err := d.parameters(ctx, p, stack)
	if err != nil {
		return err
	}
	op := &operation{d: d, project: p.Name, body: body, params: params, o: o}
	// CloudFormation cannot update a stack that was never created: up
	// removes what a failed first deploy left, then deploys anew.
	unfinished := stack != nil && (stack.StackStatus == types.StackStatusRollbackComplete ||
		stack.StackStatus == types.StackStatusCreateFailed ||
		stack.StackStatus == types.StackStatusRollbackFailed ||
		stack.StackStatus == types.StackStatusReviewInProgress)
	switch {
	case stack == nil, unfinished:
	case busy(stack.StackStatus):
		return busyError(p.Name, stack.StackStatus)
	case stack.StackStatus == types.StackStatusUpdateRollbackFailed:
		return fmt.Errorf("the stack of %s is stuck in UPDATE_ROLLBACK_FAILED: a resource could not be restored (%s); fix it, then continue the rollback (aws cloudformation continue-update-rollback --stack-name %s)", p.Name, aws.ToString(stack.StackStatusReason), p.Name)
	}
	// The secrets and configs exist before the tasks that read them.
	files, err := d.publish(ctx, p, account, o.DryRun, o.Progress)
	if err != nil {
		return err
	}
	op.params = append(op.params, files...)
	if unfinished {
		if o.DryRun {
			o.Progress.Note("The first deploy of %s did not complete (%s): up would remove what is left of it, then deploy from scratch.", p.Name, stack.StackStatus)
			printChanges(o.Out, p.Name, allAdded(tpl), owners(body), nil)
			return nil
		}
		o.Progress.Note("The first deploy of %s did not complete (%s): removing what is left of it first.", p.Name, stack.StackStatus)
		if err := d.remove(ctx, stack, o.Progress, nil); err != nil {
			return err
		}
		stack = nil
	}
	if stack == nil {
		if o.DryRun {
			return op.createChangeSet(ctx, true)
		}
		return op.create(ctx)
	}
	return op.createChangeSet(ctx, false)
}

// operation is one deploy of a project.
type operation struct {
	d       *Deployer
	project string
	body    []byte
	params  []types.Parameter
	o       UpOptions
}

func (op *operation) create(ctx context.Context) error {
	tok := token("create")
	onFailure := types.OnFailureRollback
	if op.o.KeepFailed {
		onFailure = types.OnFailureDoNothing
	}
	body, url, cleanup, err := op.d.template(ctx, op.body)
	if err != nil {
		return err
	}
	out, err := op.d.AWS.CloudFormation.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName:          aws.String(op.project),
		TemplateBody:       body,
		TemplateURL:        url,
		Parameters:         op.params,
		Capabilities:       []types.Capability{types.CapabilityCapabilityIam},
		Tags:               projectTags(op.project),
		OnFailure:          onFailure,
		ClientRequestToken: aws.String(tok),
	})
	cleanup()
	if awsapi.IsCode(err, "AlreadyExistsException") {
		return fmt.Errorf("the stack of %s was created by someone else meanwhile: run docker ecs up again", op.project)
	}
	if err != nil {
		return awsapi.Explain(err)
	}
	return op.follow(ctx, aws.ToString(out.StackId), tok, "creation")
}

// createChangeSet asks CloudFormation what the deploy would change. For a
// dry run it shows the changes and deletes the change set (and the empty
// stack a first change set makes); otherwise it executes it.
func (op *operation) createChangeSet(ctx context.Context, creating bool) error {
	kind := types.ChangeSetTypeUpdate
	if creating {
		kind = types.ChangeSetTypeCreate
	}
	name := token("changes")
	body, url, cleanup, err := op.d.template(ctx, op.body)
	if err != nil {
		return err
	}
	cs, err := op.d.AWS.CloudFormation.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{
		StackName:     aws.String(op.project),
		ChangeSetName: aws.String(name),
		ChangeSetType: kind,
		TemplateBody:  body,
		TemplateURL:   url,
		Parameters:    op.params,
		Capabilities:  []types.Capability{types.CapabilityCapabilityIam},
		Tags:          projectTags(op.project),
	})
	cleanup()
	if err != nil {
		return awsapi.Explain(err)
	}
	csID, stackID := aws.ToString(cs.Id), aws.ToString(cs.StackId)
	described, err := op.waitChangeSet(ctx, csID)
	if err != nil {
		return err
	}
	if described == nil { // nothing to change
		_, _ = op.d.AWS.CloudFormation.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: aws.String(csID)})
		fmt.Fprintf(op.o.Out, "No changes: %s is up to date.\n", op.project)
		return nil
	}
	if op.o.DryRun {
		old := []byte{}
		if !creating {
			if t, err := op.d.AWS.CloudFormation.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(stackID)}); err == nil {
				old = []byte(aws.ToString(t.TemplateBody))
			}
		}
		printChanges(op.o.Out, op.project, described, owners(op.body), owners(old))
		_, err := op.d.AWS.CloudFormation.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: aws.String(csID)})
		if err == nil && creating {
			// A first change set leaves an empty stack in REVIEW_IN_PROGRESS.
			_, err = op.d.AWS.CloudFormation.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(stackID)})
		}
		return awsapi.Explain(err)
	}
	tok := token("update")
	if _, err := op.d.AWS.CloudFormation.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{
		ChangeSetName:      aws.String(csID),
		ClientRequestToken: aws.String(tok),
	}); err != nil {
		return awsapi.Explain(err)
	}
	return op.follow(ctx, stackID, tok, "update")
}

// noChanges are the reasons CloudFormation gives for a change set that
// would change nothing.
var noChanges = []string{"didn't contain changes", "No updates are to be performed"}

// waitChangeSet waits until CloudFormation has computed the change set; nil
// means the deploy would change nothing.
func (op *operation) waitChangeSet(ctx context.Context, id string) (*cloudformation.DescribeChangeSetOutput, error) {
	interval := minPoll
	for {
		var all *cloudformation.DescribeChangeSetOutput
		p := cloudformation.NewDescribeChangeSetPaginator(op.d.AWS.CloudFormation, &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String(id)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ErrDetached
				}
				return nil, awsapi.Explain(err)
			}
			if all == nil {
				all = page
			} else {
				all.Changes = append(all.Changes, page.Changes...)
			}
			if page.Status != types.ChangeSetStatusCreateComplete {
				break // the changes are complete only once the status is
			}
		}
		switch all.Status {
		case types.ChangeSetStatusCreateComplete:
			return all, nil
		case types.ChangeSetStatusFailed:
			reason := aws.ToString(all.StatusReason)
			for _, n := range noChanges {
				if strings.Contains(reason, n) {
					return nil, nil
				}
			}
			return nil, fmt.Errorf("CloudFormation cannot deploy %s: %s", op.project, reason)
		}
		if err := op.d.Clock.Sleep(ctx, interval); err != nil {
			return nil, ErrDetached
		}
		interval = min(interval*3/2, maxPoll)
	}
}

// follow shows the operation until it ends, and turns a failure into an
// error that says what failed and why.
func (op *operation) follow(ctx context.Context, stackID, tok, what string) error {
	if op.o.Detach {
		fmt.Fprintf(op.o.Out, "The %s of %s goes on in AWS: docker ecs ps shows where it is.\n", what, op.project)
		return nil
	}
	w := &watch{d: op.d, stackID: stackID, token: tok, owners: owners(op.body), printer: op.o.Progress}
	var diagnosis []string
	w.onFailure = func(ctx context.Context, e types.StackEvent) {
		if aws.ToString(e.ResourceType) != "AWS::ECS::Service" {
			return
		}
		diagnosis = op.d.diagnose(ctx, op.project, w.owners[aws.ToString(e.LogicalResourceId)], e)
		for _, l := range diagnosis {
			op.o.Progress.Note("%s", l)
		}
	}
	status, err := w.run(ctx)
	if errors.Is(err, ErrDetached) {
		op.o.Progress.Close()
		return ErrDetached
	}
	if err != nil {
		op.o.Progress.Close()
		return fmt.Errorf("lost sight of the %s of %s, which goes on in AWS (docker ecs ps shows where it is): %w", what, op.project, err)
	}
	switch status {
	case types.StackStatusCreateComplete, types.StackStatusUpdateComplete:
		op.o.Progress.Close()
		return op.endpoints(ctx, stackID)
	case types.StackStatusRollbackComplete:
		// Nothing of the first deploy is left but the stack's record, and
		// the secrets and configs up stored for it: remove them too, so
		// that the next up starts clean. The events stay readable in the
		// console, under deleted stacks.
		if err := op.d.cleanFailedCreate(ctx, stackID, op.project, op.o.Progress); err != nil {
			op.o.Progress.Note("Cleaning up after the failed deploy: %v", err)
		}
	}
	op.o.Progress.Close()
	return failure(op.project, what, status, w.failed, w.owners, diagnosis)
}

// failure is the error of a failed deploy: its outcome, the first real
// cause, and what the failed service's tasks said.
func failure(project, what string, status types.StackStatus, failed []types.StackEvent, owners map[string]string, diagnosis []string) error {
	var b strings.Builder
	switch status {
	case types.StackStatusRollbackComplete:
		fmt.Fprintf(&b, "the %s of %s failed and was rolled back: nothing of it is left", what, project)
	case types.StackStatusUpdateRollbackComplete:
		fmt.Fprintf(&b, "the %s of %s failed and was rolled back: the previous version runs", what, project)
	case types.StackStatusCreateFailed:
		fmt.Fprintf(&b, "the %s of %s failed; what it created is kept for inspection (docker ecs down removes it)", what, project)
	default:
		fmt.Fprintf(&b, "the %s of %s failed, and the stack is %s", what, project, status)
	}
	if len(failed) > 0 {
		e := failed[0]
		id := aws.ToString(e.LogicalResourceId)
		if s := owners[id]; s != "" {
			id = s + "/" + id
		}
		fmt.Fprintf(&b, "\n%s (%s): %s", id, strings.TrimPrefix(aws.ToString(e.ResourceType), "AWS::"), aws.ToString(e.ResourceStatusReason))
	}
	for _, l := range diagnosis {
		b.WriteString("\n" + l)
	}
	return errors.New(b.String())
}

// endpoints prints where the published ports answer.
func (op *operation) endpoints(ctx context.Context, stackID string) error {
	out, err := op.d.AWS.CloudFormation.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stackID)})
	if err != nil || len(out.Stacks) == 0 {
		return awsapi.Explain(err)
	}
	var lines []string
	for _, o := range out.Stacks[0].Outputs {
		if ep, ok := convert.ParseEndpoint(aws.ToString(o.Description)); ok {
			lines = append(lines, fmt.Sprintf("%s: %s", ep.Service, aws.ToString(o.OutputValue)))
		}
	}
	slices.Sort(lines)
	fmt.Fprintf(op.o.Out, "%s is running.\n", op.project)
	for _, l := range lines {
		fmt.Fprintln(op.o.Out, l)
	}
	return nil
}

// allAdded is the change set of creating every resource of a template.
func allAdded(tpl *cfn.Template) *cloudformation.DescribeChangeSetOutput {
	out := &cloudformation.DescribeChangeSetOutput{}
	for id, r := range tpl.Resources {
		out.Changes = append(out.Changes, types.Change{ResourceChange: &types.ResourceChange{
			Action:            types.ChangeActionAdd,
			LogicalResourceId: aws.String(id),
			ResourceType:      aws.String(r.Type),
		}})
	}
	return out
}

// cleanFailedCreate removes what a first deploy that was rolled back
// leaves: the stack's record and the secrets and configs stored for it.
func (d *Deployer) cleanFailedCreate(ctx context.Context, stackID, project string, printer progress.Printer) error {
	if ctx.Err() != nil {
		return nil
	}
	w := &watch{d: d, stackID: stackID, printer: printer, token: token("delete")}
	if _, err := d.AWS.CloudFormation.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(stackID), ClientRequestToken: aws.String(w.token)}); err != nil {
		return awsapi.Explain(err)
	}
	if _, err := w.run(ctx); err != nil {
		return err
	}
	_, err := d.unpublish(ctx, project)
	return err
}
