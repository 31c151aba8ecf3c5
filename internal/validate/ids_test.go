package validate

import (
	"regexp"
	"strings"
	"testing"
)

// TestBoundedPatterns checks that the patterns whose lengths are checked
// apart accept exactly what the counted repetitions they replace did.
func TestBoundedPatterns(t *testing.T) {
	var (
		oldStackName   = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)
		oldDNSLabel    = regexp.MustCompile(`^[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?$`)
		oldClusterName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
		oldClusterARN  = regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster/[A-Za-z0-9_-]{1,255}$`)
		oldLBARN       = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/(app|net)/[A-Za-z0-9-]{1,32}/[0-9a-f]+$`)
		clusterPrefix  = "arn:aws:ecs:eu-west-1:123456789012:cluster/"
		lbPrefix       = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/"
		lbSuffix       = "/50dc6c495c0c9188"
	)
	// Names of every length around the limits, made of one character
	// repeated, with another at the start or the end.
	var names []string
	for n := 0; n <= 300; n++ {
		for _, fill := range []string{"a", "7", "-", "_", "é"} {
			body := strings.Repeat(fill, n)
			names = append(names, body)
			for _, end := range []string{"a", "-", "_", "0", "/", "é"} {
				names = append(names, end+body, body+end)
			}
		}
	}
	check := func(what string, old *regexp.Regexp, new func(string) bool, s string) {
		t.Helper()
		if want, got := old.MatchString(s), new(s); got != want {
			t.Errorf("%s(%q) (%d bytes) = %v, the counted pattern says %v", what, s, len(s), got, want)
		}
	}
	for _, name := range names {
		check("isStackName", oldStackName, isStackName, name)
		check("isDNSLabel", oldDNSLabel, isDNSLabel, name)
		check("isCluster", oldClusterName, func(s string) bool { return clusterName.MatchString(s) && isCluster(s) }, name)
		check("isCluster", oldClusterARN, isCluster, clusterPrefix+name)
		isLBARN := func(s string) bool { return isLoadBalancer(s) && !loadBalancerName.MatchString(s) }
		check("isLoadBalancer", oldLBARN, isLBARN, lbPrefix+name+lbSuffix)
	}
	// The old patterns as a whole, name or ARN.
	oldLBName := regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)
	for _, lb := range names {
		for _, s := range []string{lb, lbPrefix + lb + lbSuffix} {
			want := oldLBARN.MatchString(s) || oldLBName.MatchString(s)
			if got := isLoadBalancer(s); got != want {
				t.Errorf("isLoadBalancer(%q) = %v, want %v", s, got, want)
			}
		}
	}
	for _, c := range append(names, clusterPrefix, clusterPrefix+strings.Repeat("a", 255), clusterPrefix+strings.Repeat("a", 256)) {
		want := oldClusterName.MatchString(c) || oldClusterARN.MatchString(c)
		if got := isCluster(c); got != want {
			t.Errorf("isCluster(%q) = %v, want %v", c, got, want)
		}
	}
}
