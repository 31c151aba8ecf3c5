package apply

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/convert"
)

// volumeParameters fills the parameters of the project's file systems: a
// subnet per Availability Zone of the tasks for the mount targets, and the
// file system a previous stack kept for each volume, found by its tags, so
// that up after down finds its data again.
func (d *Deployer) volumeParameters(ctx context.Context, p *app.Project, resources func() ([]cfntypes.StackResourceSummary, error), tasks []subnet, params map[string]string) error {
	var own []*app.Volume
	for _, v := range p.Volumes {
		if v.External == "" {
			own = append(own, v)
		}
	}
	if len(own) == 0 {
		return nil
	}
	byZone := map[string]string{}
	for _, s := range tasks {
		if _, ok := byZone[s.zone]; !ok {
			byZone[s.zone] = s.id
		}
	}
	zones := slices.Sorted(maps.Keys(byZone))
	for i := 1; i <= 6; i++ {
		id := ""
		if i <= len(zones) {
			id = byZone[zones[i-1]]
		}
		params[convert.VolumeSubnetParameter(i)] = id
	}

	// The file systems the stack has, by logical ID.
	ours := map[string]string{}
	stackResources, err := resources()
	if err != nil {
		return err
	}
	for _, r := range stackResources {
		if aws.ToString(r.ResourceType) == "AWS::EFS::FileSystem" {
			ours[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
		}
	}
	var all []efstypes.FileSystemDescription
	fp := efs.NewDescribeFileSystemsPaginator(d.AWS.EFS, &efs.DescribeFileSystemsInput{})
	for fp.HasMorePages() {
		page, err := fp.NextPage(ctx)
		if err != nil {
			return awsapi.Explain(err)
		}
		all = append(all, page.FileSystems...)
	}
	for _, v := range own {
		params[convert.FileSystemParameter(v)] = ""
		if _, ok := ours[convert.FileSystemID(v)]; ok {
			continue // the stack has made it
		}
		var kept *efstypes.FileSystemDescription
		for i, fs := range all {
			if efsTag(fs.Tags, convert.ProjectTag) != p.Name || efsTag(fs.Tags, convert.VolumeTag) != v.Name || fs.LifeCycleState != efstypes.LifeCycleStateAvailable {
				continue
			}
			if kept == nil || aws.ToTime(fs.CreationTime).After(aws.ToTime(kept.CreationTime)) {
				kept = &all[i]
			}
		}
		if kept != nil {
			params[convert.FileSystemParameter(v)] = aws.ToString(kept.FileSystemId)
		}
	}
	return nil
}

func efsTag(tags []efstypes.Tag, key string) string {
	for _, t := range tags {
		if strings.EqualFold(aws.ToString(t.Key), key) {
			return aws.ToString(t.Value)
		}
	}
	return ""
}
