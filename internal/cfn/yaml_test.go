package cfn

import (
	"encoding/json"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v4"
)

// tricky are strings that YAML would read as something else, or not read
// at all, if they were written plain.
var tricky = []string{
	"", " ", "a ", " a", "yes", "No", "ON", "off", "y", "n", "true", "False", "null", "~", "NULL",
	"1", "-1", "+1", "1.5", ".5", "1e3", "1_000", "0x1F", "0o17", "0b101", "017", "1:30", "2010-09-09", ".inf", "-.Inf", ".NaN",
	"a: b", "a:", "a #b", "#a", "- a", "-", "?", ":", "? a", "[a]", "{a}", "a,b", "*a", "&a", "!a", "|", ">", "%a", "@a", "`a",
	"'a'", `"a"`, "a\nb", "a\tb", "\x00", "é", "<b>&", `back\slash`, "=", "a=b", "${AWS::Region}", "http://${LoadBalancer.DNSName}:8080",
	"0.0.0.0/0", "arn:aws:iam::aws:policy/x", "docker ecs: the project", "CMD-SHELL", "curl -f http://localhost || exit 1",
}

func TestQuoteReadsBack(t *testing.T) {
	for _, s := range tricky {
		checkQuote(t, s)
	}
}

func FuzzQuote(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Fuzz(checkQuote)
}

func checkQuote(t *testing.T, s string) {
	var got any
	if err := yaml.Unmarshal([]byte("k: "+quote(s)+"\n"), &got); err != nil {
		t.Fatalf("quote(%q) = %s: %v", s, quote(s), err)
	}
	want, _ := json.Marshal(s) // invalid UTF-8 reads back as U+FFFD
	var ws string
	_ = json.Unmarshal(want, &ws)
	if v := got.(map[string]any)["k"]; v != ws {
		t.Errorf("quote(%q) = %s reads back as %#v", s, quote(s), v)
	}
}

// TestYAMLIsTheJSONDocument: the YAML rendering reads back as the same
// document as the JSON one, for every kind of value a template holds.
func TestYAMLIsTheJSONDocument(t *testing.T) {
	tpl := New("a: description with # and 'quotes'")
	tpl.Parameters["P"] = Parameter{Type: "String", Default: "yes"}
	port := 80
	if err := tpl.Add("Group", &SecurityGroup{
		GroupDescription: "2010-09-09",
		SecurityGroupIngress: []SecurityGroupRule{
			{IpProtocol: "-1", FromPort: &port, ToPort: &port, CidrIp: "0.0.0.0/0"},
			{IpProtocol: "tcp", SourceSecurityGroupId: GetAtt("Other", "GroupId")},
		},
		Tags: []Tag{{Key: "com.docker.compose.project", Value: "on"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := tpl.Add("Other", &DiscoveryService{Name: "x", HealthCheckCustomConfig: &HealthCheckCustomConfig{}, DnsConfig: DNSConfig{DnsRecords: []DNSRecord{}}}, "Group"); err != nil {
		t.Fatal(err)
	}
	tpl.Outputs["O"] = Output{Value: Sub("http://${Other.Name}:8080")}
	j, err := tpl.JSON()
	if err != nil {
		t.Fatal(err)
	}
	y, err := tpl.YAML()
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON, fromYAML any
	if err := json.Unmarshal(j, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(y, &fromYAML); err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	// Through JSON again, so that numbers have one type.
	b, _ := json.Marshal(fromYAML)
	var normal any
	_ = json.Unmarshal(b, &normal)
	if !reflect.DeepEqual(fromJSON, normal) {
		t.Errorf("the YAML is another document:\n%s\nJSON:\n%s", y, j)
	}
}
