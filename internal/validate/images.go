package validate

import (
	"regexp"
	"strings"
)

// ecrImage matches an image of a private Amazon ECR registry:
// ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/REPOSITORY[:TAG][@DIGEST].
var ecrImage = regexp.MustCompile(`^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/([^:@]+)`)

// ecrRepository returns the ARN of the private ECR repository image comes
// from, or "" when it comes from another registry (which needs no AWS
// permission to pull from).
func ecrRepository(image string) string {
	m := ecrImage.FindStringSubmatch(image)
	if m == nil {
		return ""
	}
	account, region, china, repo := m[1], m[2], m[3], m[4]
	partition := "aws"
	switch {
	case china != "":
		partition = "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		partition = "aws-us-gov"
	}
	return "arn:" + partition + ":ecr:" + region + ":" + account + ":repository/" + repo
}
