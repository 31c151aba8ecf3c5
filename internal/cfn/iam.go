package cfn

// Role is AWS::IAM::Role.
type Role struct {
	AssumeRolePolicyDocument PolicyDocument `json:"AssumeRolePolicyDocument"`
	ManagedPolicyArns        []any          `json:"ManagedPolicyArns,omitempty"`
	Policies                 []Policy       `json:"Policies,omitempty"`
	Tags                     []Tag          `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (Role) ResourceType() string { return "AWS::IAM::Role" }

// Policy is an inline policy of a role.
type Policy struct {
	PolicyName string `json:"PolicyName"`
	// PolicyDocument is a PolicyDocument, or a user's document as written.
	PolicyDocument any `json:"PolicyDocument"`
}

// PolicyDocument is an IAM policy.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// PolicyVersion is the current IAM policy language version.
const PolicyVersion = "2012-10-17"

// Statement is one statement of a policy.
type Statement struct {
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    []string       `json:"Action"`
	Resource  []any          `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}
