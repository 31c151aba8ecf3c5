package convert

import (
	"strings"
	"testing"
)

// TestLogicalIDsCannotCollide: per-service and per-network resources are
// named {ID}{suffix}. Two such names can only be equal for two different
// compose names if one suffix ends another, or if a project-wide name ends
// with a suffix; neither may happen.
func TestLogicalIDsCannotCollide(t *testing.T) {
	suffixes := []string{serviceSuffix, taskDefinitionSuffix, executionRoleSuffix, discoverySuffix, taskGroupSuffix, taskRoleSuffix, scalableTargetSuffix, scalingPolicySuffix, fileSystemSuffix, accessPointSuffix, volumeGroupSuffix, mountTargetsSuffix, networkSuffix, networkIngressSuffix}
	// Target groups end in {Tcp|Udp}{digits}TargetGroup: the protocol word
	// ends in "p" and no other suffix ends in "pNTargetGroup"; listeners
	// end in digits, which no other name does.
	suffixes = append(suffixes, "Tcp0"+targetGroupSuffix, "Udp0"+targetGroupSuffix, mountTargetSuffix+"1")
	fixed := []string{clusterID, logGroupID, namespaceID, loadBalancerID, lbGroupID, gpuRoleID, gpuProfileID, gpuGroupID, gpuLaunchTemplateID, gpuAutoScalingGroupID, gpuCapacityProviderID, capacityProvidersID}
	for _, a := range suffixes {
		for _, b := range suffixes {
			if a != b && strings.HasSuffix(a, b) {
				t.Errorf("suffix %q ends with suffix %q", a, b)
			}
		}
		for _, f := range fixed {
			if strings.HasSuffix(f, a) {
				t.Errorf("project-wide name %q ends with suffix %q", f, a)
			}
		}
	}
}
