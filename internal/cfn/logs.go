package cfn

// LogGroup is AWS::Logs::LogGroup.
type LogGroup struct {
	LogGroupName    any   `json:"LogGroupName,omitempty"`
	RetentionInDays int   `json:"RetentionInDays,omitempty"`
	Tags            []Tag `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (LogGroup) ResourceType() string { return "AWS::Logs::LogGroup" }
