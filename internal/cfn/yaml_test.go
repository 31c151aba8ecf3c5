package cfn

import (
	"encoding/json"
	"reflect"
	"strings"
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
	"00E0_", "1e_3", "1_e3", "0_x1F", "0x_1F", "_1", "1_", "2010-1-2", "2010-1-2 3:4:5", "2010-12-14t21:59:43.10Z",
	"<<", "...", "... 0000", "---", "\ufffe", "\uffff", "a\u0085b", "\U0001F600", "\ue000",
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

// checkQuote: quote(s) reads back as s, both as a value and as a mapping
// key, for the template writes both with it.
func checkQuote(t *testing.T, s string) {
	want, _ := json.Marshal(s) // invalid UTF-8 reads back as U+FFFD
	var ws string
	_ = json.Unmarshal(want, &ws)
	var value map[string]any
	if err := yaml.Unmarshal([]byte("k: "+quote(s)+"\n"), &value); err != nil {
		t.Fatalf("quote(%q) = %s: %v", s, quote(s), err)
	}
	if v := value["k"]; v != ws {
		t.Errorf("quote(%q) = %s reads back as %#v", s, quote(s), v)
	}
	var key map[string]any
	if err := yaml.Unmarshal([]byte(quote(s)+": v\n"), &key); err != nil {
		t.Fatalf("quote(%q) = %s as a key: %v", s, quote(s), err)
	}
	if _, ok := key[ws]; !ok || len(key) != 1 {
		t.Errorf("quote(%q) = %s as a key reads back as %#v", s, quote(s), key)
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

// TestOverlay: a fragment merges key by key, replaces lists and scalars,
// removes with null, keeps the template's order, and may not add a
// resource.
func TestOverlay(t *testing.T) {
	tpl := New("d")
	if err := tpl.Add("Group", &SecurityGroup{GroupDescription: "g", Tags: []Tag{{Key: "a", Value: "b"}}}); err != nil {
		t.Fatal(err)
	}
	tpl.Outputs["O"] = Output{Value: "v"}
	if err := tpl.SetOverlay(map[string]any{"Resources": map[string]any{"Nope": map[string]any{}}}); err == nil || !strings.Contains(err.Error(), "Resources.Nope: the template has no such resource; it has Group") {
		t.Fatalf("got %v", err)
	}
	for _, tt := range []struct {
		fragment any
		want     string
	}{
		{nil, "Resources.Group: null would remove the resource"},
		{"x", "Resources.Group: must be a mapping"},
		{map[string]any{"Type": "AWS::EC2::VPC"}, "Resources.Group.Type: cannot change: the template depends on the resource being an AWS::EC2::SecurityGroup"},
		{map[string]any{"Properties": 5}, "Resources.Group.Properties: must be a mapping"},
		{map[string]any{"Properties": nil}, "Resources.Group.Properties: must be a mapping"},
		{map[string]any{"UpdatePolicy": []any{}}, "Resources.Group.UpdatePolicy: must be a mapping"},
	} {
		if err := tpl.SetOverlay(map[string]any{"Resources": map[string]any{"Group": tt.fragment}}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want %q", tt.fragment, err, tt.want)
		}
	}
	err := tpl.SetOverlay(map[string]any{
		"Resources": map[string]any{"Group": map[string]any{
			"Type":           "AWS::EC2::SecurityGroup",
			"DeletionPolicy": "Retain",
			"Properties": map[string]any{
				"GroupDescription": "changed <&>",
				"Tags":             []any{map[string]any{"Key": "x", "Value": "y"}},
				"VpcId":            "vpc-1",
			},
		}},
		"Outputs": map[string]any{"O": nil, "New": map[string]any{"Value": 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	j, err := tpl.CompactJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"AWSTemplateFormatVersion":"2010-09-09","Description":"d","Resources":{"Group":{"Type":"AWS::EC2::SecurityGroup","Properties":{"GroupDescription":"changed <&>","Tags":[{"Key":"x","Value":"y"}],"VpcId":"vpc-1"},"DeletionPolicy":"Retain"}},"Outputs":{"New":{"Value":1}}}`
	if string(j) != want {
		t.Errorf("got  %s\nwant %s", j, want)
	}
	indented, _ := tpl.JSON()
	var a, b any
	if json.Unmarshal(indented, &a) != nil || json.Unmarshal(j, &b) != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("the indented JSON is another document:\n%s", indented)
	}
	if y, err := tpl.YAML(); err != nil || !strings.Contains(string(y), "DeletionPolicy: Retain") {
		t.Errorf("YAML: %v\n%s", err, y)
	}
}

func TestYAMLNestedLists(t *testing.T) {
	tpl := New("d")
	tpl.Outputs["O"] = Output{Value: Join("/", "service", Ref("Cluster"), []any{}, []any{"a", []any{"b"}})}
	y, err := tpl.YAML()
	if err != nil {
		t.Fatal(err)
	}
	want := `    Value:
      Fn::Join:
        - /
        - - service
          - Ref: Cluster
          - []
          - - a
            - - b
`
	if !strings.Contains(string(y), want) {
		t.Errorf("got:\n%s", y)
	}
	var doc any
	if err := yaml.Unmarshal(y, &doc); err != nil {
		t.Fatal(err)
	}
}
