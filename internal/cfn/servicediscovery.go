package cfn

// PrivateDNSNamespace is AWS::ServiceDiscovery::PrivateDnsNamespace.
type PrivateDNSNamespace struct {
	Name        string `json:"Name"`
	Vpc         any    `json:"Vpc"`
	Description string `json:"Description,omitempty"`
	Tags        []Tag  `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (PrivateDNSNamespace) ResourceType() string {
	return "AWS::ServiceDiscovery::PrivateDnsNamespace"
}

// DiscoveryService is AWS::ServiceDiscovery::Service.
type DiscoveryService struct {
	Name                    string                   `json:"Name"`
	NamespaceId             any                      `json:"NamespaceId"`
	DnsConfig               DNSConfig                `json:"DnsConfig"`
	HealthCheckCustomConfig *HealthCheckCustomConfig `json:"HealthCheckCustomConfig,omitempty"`
	Tags                    []Tag                    `json:"Tags,omitempty"`
}

// ResourceType implements Properties.
func (DiscoveryService) ResourceType() string { return "AWS::ServiceDiscovery::Service" }

// DNSConfig says which records Cloud Map keeps for each instance.
type DNSConfig struct {
	RoutingPolicy string      `json:"RoutingPolicy"`
	DnsRecords    []DNSRecord `json:"DnsRecords"`
}

// DNSRecord is one record type and its TTL.
type DNSRecord struct {
	Type string `json:"Type"`
	TTL  int    `json:"TTL"`
}

// HealthCheckCustomConfig lets ECS report instance health to Cloud Map.
type HealthCheckCustomConfig struct{}
