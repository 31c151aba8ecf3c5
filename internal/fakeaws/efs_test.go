package fakeaws_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// volumeTemplate is what a compose volume becomes: an encrypted file
// system kept when the stack goes, a mount target per subnet, and an
// access point.
const volumeTemplate = `Parameters:
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  DataFS:
    Type: AWS::EFS::FileSystem
    DeletionPolicy: Retain
    Properties:
      Encrypted: true
      PerformanceMode: maxIO
      ThroughputMode: elastic
      LifecyclePolicies:
        - TransitionToIA: AFTER_30_DAYS
      BackupPolicy: {Status: ENABLED}
      FileSystemTags:
        - {Key: Name, Value: demo_data}
        - {Key: com.docker.compose.volume, Value: data}
  DataMountA:
    Type: AWS::EFS::MountTarget
    Properties:
      FileSystemId: !Ref DataFS
      SubnetId: !Select [0, !Ref Subnets]
  DataMountB:
    Type: AWS::EFS::MountTarget
    Properties:
      FileSystemId: !Ref DataFS
      SubnetId: !Select [1, !Ref Subnets]
  DataAccessPoint:
    Type: AWS::EFS::AccessPoint
    Properties:
      FileSystemId: !Ref DataFS
      PosixUser: {Uid: "1000", Gid: "1000"}
      RootDirectory:
        Path: /data
        CreationInfo: {OwnerUid: "1000", OwnerGid: "1000", Permissions: "0755"}
Outputs:
  Arn:
    Value: !GetAtt DataFS.Arn
  AccessPoint:
    Value: !GetAtt DataAccessPoint.Arn
  Ip:
    Value: !GetAtt DataMountA.IpAddress
`

func TestEFS(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	if status := deploy(t, srv, clk, c, "demo", volumeTemplate); status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("status %s", status)
	}
	snap, _ := srv.Stack("demo")
	fsRes, _ := snap.Resource("DataFS")
	fsID := fsRes.PhysicalID

	t.Run("mount_targets_take_90_seconds", func(t *testing.T) {
		var started, done time.Time
		for _, e := range snap.Events {
			if e.LogicalID == "DataMountA" && e.Status == "CREATE_IN_PROGRESS" && started.IsZero() {
				started = e.Time
			}
			if e.LogicalID == "DataMountA" && e.Status == "CREATE_COMPLETE" {
				done = e.Time
			}
		}
		if done.Sub(started) != 90*time.Second {
			t.Fatalf("mount target took %s", done.Sub(started))
		}
		if !strings.HasPrefix(fsID, "fs-") || !strings.HasPrefix(snap.Outputs["AccessPoint"], "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-") ||
			snap.Outputs["Arn"] != "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/"+fsID || !strings.HasPrefix(snap.Outputs["Ip"], "172.31.") {
			t.Fatalf("fs %s outputs %v", fsID, snap.Outputs)
		}
	})

	t.Run("the_api_describes_what_the_stack_made", func(t *testing.T) {
		out, err := c.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String(fsID)})
		if err != nil {
			t.Fatal(err)
		}
		fs := out.FileSystems[0]
		if aws.ToString(fs.Name) != "demo_data" || !aws.ToBool(fs.Encrypted) || fs.PerformanceMode != efstypes.PerformanceModeMaxIo || fs.ThroughputMode != efstypes.ThroughputModeElastic ||
			fs.LifeCycleState != efstypes.LifeCycleStateAvailable || fs.NumberOfMountTargets != 2 || len(fs.Tags) != 5 {
			t.Fatalf("file system %+v", fs)
		}
		byToken, _ := c.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{CreationToken: fs.CreationToken})
		if len(byToken.FileSystems) != 1 {
			t.Fatalf("by creation token: %d", len(byToken.FileSystems))
		}
		mts, err := c.efs.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{FileSystemId: aws.String(fsID)})
		if err != nil || len(mts.MountTargets) != 2 || mts.MountTargets[0].LifeCycleState != efstypes.LifeCycleStateAvailable || aws.ToString(mts.MountTargets[0].AvailabilityZoneName) != "eu-west-1a" {
			t.Fatalf("mount targets %+v %v", mts, err)
		}
		aps, err := c.efs.DescribeAccessPoints(ctx, &efs.DescribeAccessPointsInput{FileSystemId: aws.String(fsID)})
		if err != nil || len(aps.AccessPoints) != 1 || aws.ToInt64(aps.AccessPoints[0].PosixUser.Uid) != 1000 || aws.ToString(aps.AccessPoints[0].RootDirectory.Path) != "/data" ||
			aws.ToString(aps.AccessPoints[0].RootDirectory.CreationInfo.Permissions) != "0755" {
			t.Fatalf("access points %+v %v", aps, err)
		}
		lc, err := c.efs.DescribeLifecycleConfiguration(ctx, &efs.DescribeLifecycleConfigurationInput{FileSystemId: aws.String(fsID)})
		if err != nil || len(lc.LifecyclePolicies) != 1 || lc.LifecyclePolicies[0].TransitionToIA != efstypes.TransitionToIARulesAfter30Days {
			t.Fatalf("lifecycle %+v %v", lc, err)
		}
		bp, err := c.efs.DescribeBackupPolicy(ctx, &efs.DescribeBackupPolicyInput{FileSystemId: aws.String(fsID)})
		if err != nil || bp.BackupPolicy.Status != efstypes.StatusEnabled {
			t.Fatalf("backup %+v %v", bp, err)
		}
		_, err = c.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String("fs-0123456789abcdef0")})
		var nf *efstypes.FileSystemNotFound
		if !errors.As(err, &nf) || aws.ToString(nf.Message) != "File system 'fs-0123456789abcdef0' does not exist." {
			t.Fatalf("missing: %v", err)
		}
	})

	t.Run("retain_keeps_the_file_system", func(t *testing.T) {
		if status := deleteStack(t, srv, clk, c, "demo"); status != cfntypes.StackStatusDeleteComplete {
			t.Fatalf("status %s", status)
		}
		fss := srv.FileSystems()
		if len(fss) != 1 || fss[0].ID != fsID || len(fss[0].MountTargets) != 0 || len(fss[0].AccessPoints) != 0 || fss[0].Name != "demo_data" ||
			strings.Join(fss[0].LifecyclePolicies, ",") != "TransitionToIA=AFTER_30_DAYS" || fss[0].BackupStatus != "ENABLED" {
			t.Fatalf("file systems %+v", fss)
		}
	})
}

func TestEFSAPI(t *testing.T) {
	ctx := context.Background()
	srv, clk, c := newFake(t, fakeaws.Options{})
	existing := srv.AddFileSystem("shared", map[string]string{"team": "a"})
	_, subnets := srv.DefaultVPC()

	tags, err := c.efs.ListTagsForResource(ctx, &efs.ListTagsForResourceInput{ResourceId: aws.String(existing)})
	if err != nil || len(tags.Tags) != 2 {
		t.Fatalf("tags %+v %v", tags, err)
	}
	if _, err := c.efs.TagResource(ctx, &efs.TagResourceInput{ResourceId: aws.String(existing), Tags: []efstypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Fatal(err)
	}
	if fs := srv.FileSystems(); len(fs) != 1 || fs[0].Tags["env"] != "prod" || fs[0].State != "available" || !fs[0].Encrypted {
		t.Fatalf("file systems %+v", fs)
	}

	created, err := c.efs.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("tok"), Tags: []efstypes.Tag{{Key: aws.String("Name"), Value: aws.String("new")}}})
	if err != nil || created.LifeCycleState != efstypes.LifeCycleStateCreating {
		t.Fatalf("create %+v %v", created, err)
	}
	_, err = c.efs.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("tok")})
	var dup *efstypes.FileSystemAlreadyExists
	if !errors.As(err, &dup) {
		t.Fatalf("same token: %v", err)
	}
	_, err = c.efs.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: created.FileSystemId, SubnetId: aws.String(subnets[0])})
	var state *efstypes.IncorrectFileSystemLifeCycleState
	if !errors.As(err, &state) {
		t.Fatalf("mount target on a creating file system: %v", err)
	}

	mt, err := c.efs.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: aws.String(existing), SubnetId: aws.String(subnets[0])})
	if err != nil || mt.LifeCycleState != efstypes.LifeCycleStateCreating {
		t.Fatalf("mount target %+v %v", mt, err)
	}
	_, err = c.efs.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: aws.String(existing), SubnetId: aws.String(subnets[0])})
	var conflict *efstypes.MountTargetConflict
	if !errors.As(err, &conflict) {
		t.Fatalf("second mount target in the zone: %v", err)
	}
	if _, err := c.efs.CreateAccessPoint(ctx, &efs.CreateAccessPointInput{FileSystemId: aws.String(existing), ClientToken: aws.String("ap"),
		PosixUser: &efstypes.PosixUser{Uid: aws.Int64(1), Gid: aws.Int64(1)}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.efs.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: aws.String(existing)})
	var inUse *efstypes.FileSystemInUse
	if !errors.As(err, &inUse) {
		t.Fatalf("deleting a file system with a mount target: %v", err)
	}
	if _, err := c.efs.DeleteMountTarget(ctx, &efs.DeleteMountTargetInput{MountTargetId: mt.MountTargetId}); err != nil {
		t.Fatal(err)
	}
	mts, _ := c.efs.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{MountTargetId: mt.MountTargetId})
	if len(mts.MountTargets) != 1 || mts.MountTargets[0].LifeCycleState != efstypes.LifeCycleStateDeleting {
		t.Fatalf("deleting mount target %+v", mts.MountTargets)
	}
	_, err = c.efs.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: aws.String(existing)})
	if !errors.As(err, &inUse) {
		t.Fatalf("a deleting mount target still holds the file system: %v", err)
	}
	clk.Advance(90 * time.Second)
	if _, err := c.efs.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: aws.String(existing)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.efs.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{})
	apiError(t, err, "BadRequest", "Must specify exactly one mutually exclusive parameter.")
	if fs := srv.FileSystems(); len(fs) != 1 || fs[0].ID != aws.ToString(created.FileSystemId) || fs[0].State != "available" {
		t.Fatalf("file systems %+v", fs)
	}
}

// TestEFSDeletionWaitsForMountTargets deletes a stack's file system that
// has a mount target made outside the stack: the delete fails, as in AWS.
func TestEFSDeletionWaitsForMountTargets(t *testing.T) {
	srv, clk, c := newFake(t, fakeaws.Options{})
	if status := deploy(t, srv, clk, c, "fs", `Parameters:
  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
Resources:
  FS:
    Type: AWS::EFS::FileSystem
`); status != cfntypes.StackStatusCreateComplete {
		t.Fatalf("fs %s", status)
	}
	snap, _ := srv.Stack("fs")
	fs, _ := snap.Resource("FS")
	_, subnets := srv.DefaultVPC()
	if _, err := c.efs.CreateMountTarget(context.Background(), &efs.CreateMountTargetInput{FileSystemId: aws.String(fs.PhysicalID), SubnetId: aws.String(subnets[0])}); err != nil {
		t.Fatal(err)
	}
	if status := deleteStack(t, srv, clk, c, "fs"); status != cfntypes.StackStatusDeleteFailed {
		t.Fatalf("status %s", status)
	}
	if reason := failure(srv, "fs", "FS"); !strings.Contains(reason, "has mount targets") || !strings.Contains(reason, "HandlerErrorCode: ResourceConflict") {
		t.Fatalf("reason %q", reason)
	}
}
