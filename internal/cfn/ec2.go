package cfn

// SecurityGroup is AWS::EC2::SecurityGroup.
type SecurityGroup struct {
	GroupDescription     string              `json:"GroupDescription"`
	VpcId                any                 `json:"VpcId,omitempty"`
	SecurityGroupIngress []SecurityGroupRule `json:"SecurityGroupIngress,omitempty"`
	Tags                 []Tag               `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (SecurityGroup) ResourceType() string { return "AWS::EC2::SecurityGroup" }

// SecurityGroupRule is an inline ingress rule of a security group.
type SecurityGroupRule struct {
	IpProtocol            string `json:"IpProtocol"`
	FromPort              *int   `json:"FromPort,omitempty"`
	ToPort                *int   `json:"ToPort,omitempty"`
	CidrIp                string `json:"CidrIp,omitempty"`
	SourceSecurityGroupId any    `json:"SourceSecurityGroupId,omitempty"`
	Description           string `json:"Description,omitempty"`
}

// SecurityGroupIngress is AWS::EC2::SecurityGroupIngress, a rule kept
// outside its group so that a group can refer to itself or to another
// group without a dependency cycle.
type SecurityGroupIngress struct {
	GroupId               any    `json:"GroupId"`
	IpProtocol            string `json:"IpProtocol"`
	FromPort              *int   `json:"FromPort,omitempty"`
	ToPort                *int   `json:"ToPort,omitempty"`
	SourceSecurityGroupId any    `json:"SourceSecurityGroupId,omitempty"`
	Description           string `json:"Description,omitempty"`
}

// ResourceType implements Properties.
func (SecurityGroupIngress) ResourceType() string { return "AWS::EC2::SecurityGroupIngress" }
