package apply

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/progress"
)

// DownOptions are the options of Down.
type DownOptions struct {
	Progress progress.Printer
	// Out receives the result.
	Out io.Writer
}

// Down deletes the project's stack and waits until it is gone.
func (d *Deployer) Down(ctx context.Context, project string, o DownOptions) (err error) {
	defer func() {
		// Interrupted, wherever it was: nothing was cancelled in AWS.
		if err != nil && ctx.Err() != nil {
			err = ErrDetached
		}
	}()
	if _, err := d.AWS.Identity(ctx); err != nil {
		return err
	}
	stack, err := d.stack(ctx, project)
	if err != nil {
		return err
	}
	if stack == nil {
		// A deploy that failed before its stack existed may have left its
		// secrets and configs.
		deleted, err := d.unpublish(ctx, project)
		if len(deleted) == 0 && err == nil {
			fmt.Fprintf(o.Out, "%s is not deployed in %s: nothing to remove.\n", project, d.AWS.Region)
			return nil
		}
		printDeleted(o.Out, deleted)
		return err
	}
	var retained []string
	err = d.remove(ctx, stack, o.Progress, &retained)
	o.Progress.Close()
	if err != nil {
		return err
	}
	// The tasks that read them are gone.
	deleted, err := d.unpublish(ctx, project)
	fmt.Fprintf(o.Out, "%s is removed.\n", project)
	printDeleted(o.Out, deleted)
	if len(retained) > 0 {
		fmt.Fprintf(o.Out, "Kept by design (delete them yourself when you no longer need them): %s\n", strings.Join(retained, ", "))
	}
	return err
}

func printDeleted(w io.Writer, deleted []string) {
	for _, d := range deleted {
		fmt.Fprintf(w, "Deleted %s.\n", d)
	}
}

// remove deletes a stack and follows the deletion until it ends; the
// resources CloudFormation keeps (DeletionPolicy: Retain) are added to
// retained when it is not nil.
func (d *Deployer) remove(ctx context.Context, stack *types.Stack, printer progress.Printer, retained *[]string) error {
	id := aws.ToString(stack.StackId)
	name := aws.ToString(stack.StackName)
	w := &watch{d: d, stackID: id, printer: printer}
	if t, err := d.AWS.CloudFormation.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(id)}); err == nil {
		w.owners = owners([]byte(aws.ToString(t.TemplateBody)))
	}
	if stack.StackStatus == types.StackStatusDeleteInProgress {
		// Someone else is removing it: follow from now on.
		printer.Note("%s is already being removed; following.", name)
		if _, err := w.poll(ctx); err != nil {
			return err
		}
	} else {
		w.token = token("delete")
		_, err := d.AWS.CloudFormation.DeleteStack(ctx, &cloudformation.DeleteStackInput{
			StackName:          aws.String(id),
			ClientRequestToken: aws.String(w.token),
		})
		if awsapi.IsCode(err, "ValidationError") && strings.Contains(err.Error(), "IN_PROGRESS") {
			return busyError(name, stack.StackStatus)
		}
		if err != nil {
			return awsapi.Explain(err)
		}
	}
	status, err := w.run(ctx)
	if err != nil {
		return err
	}
	if status != types.StackStatusDeleteComplete {
		var left []string
		for _, e := range w.failed {
			left = append(left, fmt.Sprintf("%s (%s): %s", aws.ToString(e.LogicalResourceId), strings.TrimPrefix(aws.ToString(e.ResourceType), "AWS::"), aws.ToString(e.ResourceStatusReason)))
		}
		return fmt.Errorf("the removal of %s failed (%s): fix the cause, then run docker ecs down again; what is left:\n  %s", name, status, strings.Join(left, "\n  "))
	}
	if retained != nil {
		*retained = append(*retained, w.skipped...)
	}
	return nil
}
