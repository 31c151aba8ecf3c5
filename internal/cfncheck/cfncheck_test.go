package cfncheck

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	const service = `"Cluster": {"Type": "AWS::ECS::Cluster"},
		"Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [
			{"Name": "web", "PortMappings": [{"ContainerPort": 80}]}]}},
		"Group": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup"}`
	tests := []struct {
		name, template, want string
	}{
		{"valid", `{"Parameters": {"Vpc": {}}, "Resources": {` + service + `,
			"Listener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {"DefaultActions": [{"TargetGroupArn": {"Ref": "Group"}}]}},
			"Service": {"Type": "AWS::ECS::Service", "DependsOn": "Listener", "Properties": {
				"Cluster": {"Ref": "Cluster"}, "TaskDefinition": {"Ref": "Task"},
				"Name": {"Fn::Sub": "${AWS::StackName}-${Vpc}-${!Literal}-${Local}"}, "X": {"Fn::Sub": ["${Local}", {"Local": "a"}]},
				"LoadBalancers": [{"ContainerName": "web", "ContainerPort": 80, "TargetGroupArn": {"Ref": "Group"}}]}}},
			"Outputs": {"Arn": {"Value": {"Fn::GetAtt": "Cluster.Arn"}}}}`, "refers to \"Local\""},
		{"missing Ref", `{"Resources": {"A": {"Type": "T", "Properties": {"X": {"Ref": "B"}}}}}`, `Resources.A refers to "B"`},
		{"missing GetAtt", `{"Resources": {"A": {"Type": "T", "Properties": {"X": [{"Fn::GetAtt": ["B", "Arn"]}]}}}}`, `Resources.A refers to "B"`},
		{"missing Sub", `{"Resources": {"A": {"Type": "T", "Properties": {"X": {"Fn::Sub": "${B.Arn}"}}}}}`, `Resources.A refers to "B"`},
		{"missing DependsOn", `{"Resources": {"A": {"Type": "T", "DependsOn": ["B"]}}}`, `Resources.A refers to "B"`},
		{"missing in output", `{"Resources": {}, "Outputs": {"O": {"Value": {"Ref": "B"}}}}`, `Outputs.O refers to "B"`},
		{"cycle", `{"Resources": {"A": {"Type": "T", "DependsOn": "B"}, "B": {"Type": "T", "Properties": {"X": {"Ref": "C"}}}, "C": {"Type": "T", "Properties": {"X": {"Fn::GetAtt": ["A", "Id"]}}}}}`, "dependency cycle: A → B → C → A"},
		{"redundant DependsOn", `{"Resources": {"A": {"Type": "AWS::ECS::Service", "DependsOn": "B", "Properties": {"X": {"Ref": "B"}}}, "B": {"Type": "AWS::ECS::Service"}}}`, "DependsOn B is redundant"},
		{"needless DependsOn", `{"Resources": {"A": {"Type": "AWS::ECS::Service", "DependsOn": "B"}, "B": {"Type": "AWS::Logs::LogGroup"}}}`, "DependsOn B (AWS::Logs::LogGroup) is not one"},
		{"DependsOn of another type", `{"Resources": {"A": {"Type": "AWS::Logs::LogGroup", "DependsOn": "B"}, "B": {"Type": "AWS::ECS::Service"}}}`, "DependsOn B (AWS::ECS::Service) is not one"},
		{"another service's listener", `{"Resources": {` + service + `, "Other": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup"},
			"Listener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {"DefaultActions": [{"TargetGroupArn": {"Ref": "Other"}}]}},
			"Service": {"Type": "AWS::ECS::Service", "DependsOn": "Listener", "Properties": {"TaskDefinition": {"Ref": "Task"},
			"LoadBalancers": [{"ContainerName": "web", "ContainerPort": 80, "TargetGroupArn": {"Ref": "Group"}}]}}}}`, "a listener that does not forward to its target groups"},
		{"unknown container", `{"Resources": {` + service + `, "Service": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Ref": "Task"},
			"LoadBalancers": [{"ContainerName": "api", "ContainerPort": 80, "TargetGroupArn": {"Ref": "Group"}}]}}}}`, `has no container "api"`},
		{"unmapped port", `{"Resources": {` + service + `, "Service": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Ref": "Task"},
			"LoadBalancers": [{"ContainerName": "web", "ContainerPort": 8080, "TargetGroupArn": {"Ref": "Group"}}]}}}}`, "does not map port 8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := Check([]byte(tt.template))
			var all []string
			for _, err := range errs {
				all = append(all, err.Error())
			}
			got := strings.Join(all, "\n")
			if tt.name == "valid" {
				// Only the deliberate unknown ${Local} of the first Sub.
				if len(errs) != 1 || !strings.Contains(got, tt.want) {
					t.Fatalf("got %q, want only %q", got, tt.want)
				}
				return
			}
			if !strings.Contains(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCriticalPath(t *testing.T) {
	body := `{"Resources": {
		"A": {"Type": "Slow"},
		"B": {"Type": "Fast", "Properties": {"X": {"Ref": "A"}}},
		"C": {"Type": "Fast"},
		"D": {"Type": "Fast", "DependsOn": ["B", "C"]},
		"Gate": {"Type": "Gate", "Metadata": {"m": {"Fn::If": ["c", {"Ref": "C"}, ""]}}}}}`
	path, err := CriticalPath([]byte(body), map[string]time.Duration{"Slow": 10 * time.Second, "Fast": time.Second, "": 0})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range path {
		got = append(got, fmt.Sprintf("%s@%s", s.Resource, s.Done))
	}
	if strings.Join(got, " ") != "A@10s B@11s D@12s" {
		t.Errorf("got %v", got)
	}
}
