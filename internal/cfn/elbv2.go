package cfn

// LoadBalancer is AWS::ElasticLoadBalancingV2::LoadBalancer.
type LoadBalancer struct {
	Type                   string      `json:"Type"`
	Scheme                 string      `json:"Scheme"`
	Subnets                any         `json:"Subnets"`
	SecurityGroups         []any       `json:"SecurityGroups,omitempty"`
	LoadBalancerAttributes []Attribute `json:"LoadBalancerAttributes,omitempty"`
	Tags                   []Tag       `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (LoadBalancer) ResourceType() string { return "AWS::ElasticLoadBalancingV2::LoadBalancer" }

// Attribute is a load balancer or target group attribute.
type Attribute struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// TargetGroup is AWS::ElasticLoadBalancingV2::TargetGroup.
type TargetGroup struct {
	Port                       int         `json:"Port"`
	Protocol                   string      `json:"Protocol"`
	TargetType                 string      `json:"TargetType"`
	VpcId                      any         `json:"VpcId"`
	HealthCheckProtocol        string      `json:"HealthCheckProtocol,omitempty"`
	HealthCheckPath            string      `json:"HealthCheckPath,omitempty"`
	HealthCheckIntervalSeconds int         `json:"HealthCheckIntervalSeconds,omitempty"`
	HealthCheckTimeoutSeconds  int         `json:"HealthCheckTimeoutSeconds,omitempty"`
	HealthyThresholdCount      int         `json:"HealthyThresholdCount,omitempty"`
	UnhealthyThresholdCount    int         `json:"UnhealthyThresholdCount,omitempty"`
	Matcher                    *Matcher    `json:"Matcher,omitempty"`
	TargetGroupAttributes      []Attribute `json:"TargetGroupAttributes,omitempty"`
	Tags                       []Tag       `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (TargetGroup) ResourceType() string { return "AWS::ElasticLoadBalancingV2::TargetGroup" }

// Matcher lists the HTTP codes a healthy target answers.
type Matcher struct {
	HttpCode string `json:"HttpCode"`
}

// Listener is AWS::ElasticLoadBalancingV2::Listener. It has no Tags: the
// linter's schemas predate them.
type Listener struct {
	LoadBalancerArn any           `json:"LoadBalancerArn"`
	Port            int           `json:"Port"`
	Protocol        string        `json:"Protocol"`
	Certificates    []Certificate `json:"Certificates,omitempty"`
	SslPolicy       string        `json:"SslPolicy,omitempty"`
	DefaultActions  []Action      `json:"DefaultActions"`
}

// Certificate is the ACM certificate of an HTTPS listener.
type Certificate struct {
	CertificateArn string `json:"CertificateArn"`
}

// ResourceType implements Properties.
func (Listener) ResourceType() string { return "AWS::ElasticLoadBalancingV2::Listener" }

// Action is what a listener does with a request.
type Action struct {
	Type           string          `json:"Type"`
	TargetGroupArn any             `json:"TargetGroupArn,omitempty"`
	RedirectConfig *RedirectConfig `json:"RedirectConfig,omitempty"`
}

// RedirectConfig sends a client elsewhere.
type RedirectConfig struct {
	Protocol   string `json:"Protocol"`
	Port       string `json:"Port"`
	StatusCode string `json:"StatusCode"`
}
