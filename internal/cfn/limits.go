package cfn

import "fmt"

// CloudFormation's limits on a template.
const (
	// MaxInlineBody is the largest template a request may carry; larger
	// ones go through S3.
	MaxInlineBody = 51200
	// MaxBody is the largest template CloudFormation reads from S3.
	MaxBody = 1 << 20
	// MaxResources is the most resources a stack may have.
	MaxResources = 500
)

// Fits says whether CloudFormation takes the template of the project,
// given its compact JSON body, and if not why and what to do.
func (t *Template) Fits(project string, compact []byte) error {
	if n := len(t.Resources); n > MaxResources {
		return fmt.Errorf("the template of %s has %d resources, and a CloudFormation stack holds at most %d: split the project into smaller ones (each service takes about five)", project, n, MaxResources)
	}
	if len(compact) > MaxBody {
		return fmt.Errorf("the template of %s is %d bytes, and CloudFormation reads at most %d: split the project into smaller ones", project, len(compact), MaxBody)
	}
	return nil
}
