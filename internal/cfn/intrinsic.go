package cfn

// Fn is an intrinsic function call: a one-key object such as {"Ref": "X"}.
type Fn map[string]any

// Ref refers to a resource's primary identifier, a parameter or a pseudo
// parameter.
func Ref(name string) Fn { return Fn{"Ref": name} }

// GetAtt reads an attribute of a resource.
func GetAtt(logicalID, attribute string) Fn {
	return Fn{"Fn::GetAtt": []string{logicalID, attribute}}
}

// Sub substitutes ${Name} references in a string.
func Sub(format string) Fn { return Fn{"Fn::Sub": format} }

// Join joins values with a separator.
func Join(sep string, values ...any) Fn { return Fn{"Fn::Join": []any{sep, values}} }

// Select picks the index-th item of a list.
func Select(index int, list any) Fn { return Fn{"Fn::Select": []any{index, list}} }

// Base64 encodes a string in base64, as EC2 user data is.
func Base64(s any) Fn { return Fn{"Fn::Base64": s} }

// If is a when condition holds, else b.
func If(condition string, a, b any) Fn { return Fn{"Fn::If": []any{condition, a, b}} }

// Equals is a condition: a equals b.
func Equals(a, b any) Fn { return Fn{"Fn::Equals": []any{a, b}} }

// Not is a condition: c does not hold.
func Not(c any) Fn { return Fn{"Fn::Not": []any{c}} }

// Split splits a string at each separator.
func Split(sep string, s any) Fn { return Fn{"Fn::Split": []any{sep, s}} }

// Pseudo parameters.
const (
	AccountID = "AWS::AccountId"
	Region    = "AWS::Region"
)

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}
