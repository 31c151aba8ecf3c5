package cfn

// ScalableTarget is AWS::ApplicationAutoScaling::ScalableTarget. It has no
// Tags: the linter's schemas predate them.
type ScalableTarget struct {
	MinCapacity       int    `json:"MinCapacity"`
	MaxCapacity       int    `json:"MaxCapacity"`
	ResourceId        any    `json:"ResourceId"`
	ScalableDimension string `json:"ScalableDimension"`
	ServiceNamespace  string `json:"ServiceNamespace"`
}

// ResourceType implements Properties.
func (ScalableTarget) ResourceType() string { return "AWS::ApplicationAutoScaling::ScalableTarget" }

// ScalingPolicy is AWS::ApplicationAutoScaling::ScalingPolicy.
type ScalingPolicy struct {
	PolicyName                               string          `json:"PolicyName"`
	PolicyType                               string          `json:"PolicyType"`
	ScalingTargetId                          any             `json:"ScalingTargetId"`
	TargetTrackingScalingPolicyConfiguration *TargetTracking `json:"TargetTrackingScalingPolicyConfiguration"`
}

// ResourceType implements Properties.
func (ScalingPolicy) ResourceType() string { return "AWS::ApplicationAutoScaling::ScalingPolicy" }

// TargetTracking keeps a metric at a target value.
type TargetTracking struct {
	PredefinedMetricSpecification PredefinedMetric `json:"PredefinedMetricSpecification"`
	TargetValue                   int              `json:"TargetValue"`
	ScaleInCooldown               int              `json:"ScaleInCooldown"`
	ScaleOutCooldown              int              `json:"ScaleOutCooldown"`
}

// PredefinedMetric is a metric Application Auto Scaling knows.
type PredefinedMetric struct {
	PredefinedMetricType string `json:"PredefinedMetricType"`
	ResourceLabel        any    `json:"ResourceLabel,omitempty"`
}
