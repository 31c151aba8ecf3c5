package convert

import (
	"fmt"

	"github.com/docker-ecs/docker-ecs/internal/app"
	"github.com/docker-ecs/docker-ecs/internal/cfn"
)

// maxVolumeZones is how many Availability Zones a file system has mount
// targets in: the most a region has.
const maxVolumeZones = 6

// Suffixes of the logical IDs of a volume's resources.
const (
	fileSystemSuffix  = "FileSystem"
	mountTargetSuffix = "MountTarget"
	// mountTargetsSuffix names the gate that exists once every mount
	// target of a volume does.
	mountTargetsSuffix  = "MountTargets"
	accessPointSuffix   = "AccessPoint"
	volumeGroupSuffix   = "VolumeSecurityGroup"
	fileSystemParameter = "FileSystemId"
)

// VolumeSubnetParameter is the i-th subnet (from 1) in which the project's
// file systems have a mount target: one per Availability Zone of the
// tasks' subnets, which up fills in.
func VolumeSubnetParameter(i int) string { return fmt.Sprintf("VolumeSubnet%d", i) }

// FileSystemParameter names the parameter up fills with the ID of the
// file system a previous stack of the project kept (its data outlives
// the stack), or leaves empty to make a new one.
func FileSystemParameter(v *app.Volume) string { return v.ID + fileSystemParameter }

// createCondition holds when the stack makes the volume's file system.
func createCondition(v *app.Volume) string { return "Create" + FileSystemID(v) }

// FileSystemID is the logical ID of the file system the stack makes for v.
func FileSystemID(v *app.Volume) string { return v.ID + fileSystemSuffix }

// hasSubnet holds when the i-th volume subnet is given.
func hasSubnet(i int) string { return fmt.Sprintf("HasVolumeSubnet%d", i) }

// volumes adds the file systems of the project's named volumes: encrypted,
// kept when the stack goes (DeletionPolicy Retain), with a mount target
// in each zone of the tasks, reachable on NFS from the services that mount
// them only, and an access point each.
func (c *converter) volumes() {
	own := false
	for _, v := range c.p.Volumes {
		own = own || v.External == ""
	}
	if !own {
		return
	}
	for i := 1; i <= maxVolumeZones; i++ {
		p := cfn.Parameter{Type: "String", Description: fmt.Sprintf("Subnet %d of the file systems' mount targets, one per Availability Zone of the tasks", i)}
		if i > 1 {
			p.Default = ""
			c.t.Conditions[hasSubnet(i)] = cfn.Not(cfn.Equals(cfn.Ref(VolumeSubnetParameter(i)), ""))
		}
		c.t.Parameters[VolumeSubnetParameter(i)] = p
	}
	for _, v := range c.p.Volumes {
		if v.External != "" {
			continue
		}
		c.t.Parameters[FileSystemParameter(v)] = cfn.Parameter{Type: "String", Default: "", Description: fmt.Sprintf("The file system that a previous stack kept for the volume %s; empty to make one", v.Name)}
		c.t.Conditions[createCondition(v)] = cfn.Equals(cfn.Ref(FileSystemParameter(v)), "")
		tags := []cfn.Tag{{Key: ProjectTag, Value: c.p.Name}, {Key: VolumeTag, Value: v.Name}}
		fs := &cfn.FileSystem{
			Encrypted:       true,
			PerformanceMode: v.PerformanceMode,
			ThroughputMode:  v.ThroughputMode,
			BackupPolicy:    &cfn.BackupPolicy{Status: "DISABLED"},
			FileSystemTags:  tags,
		}
		if v.Backup {
			fs.BackupPolicy.Status = "ENABLED"
		}
		if v.ThroughputMode == "provisioned" {
			fs.ProvisionedThroughputInMibps = v.ProvisionedThroughput
		}
		if v.Lifecycle != "" {
			fs.LifecyclePolicies = []cfn.LifecyclePolicy{{TransitionToIA: v.Lifecycle}}
		}
		c.add(FileSystemID(v), fs)
		c.t.Retain(FileSystemID(v))
		c.t.When(FileSystemID(v), createCondition(v))

		group := &cfn.SecurityGroup{
			GroupDescription: fmt.Sprintf("%s volume %s: NFS from the services that mount it", c.p.Name, v.Name),
			VpcId:            cfn.Ref(VPCParameter),
			Tags:             tags,
		}
		nfs := 2049
		for _, s := range c.p.Services {
			if mounts(s, v.Name) {
				group.SecurityGroupIngress = append(group.SecurityGroupIngress, cfn.SecurityGroupRule{
					IpProtocol:            "tcp",
					FromPort:              &nfs,
					ToPort:                &nfs,
					SourceSecurityGroupId: cfn.GetAtt(s.ID+taskGroupSuffix, "GroupId"),
					Description:           fmt.Sprintf("NFS from %s", s.Name),
				})
			}
		}
		c.add(v.ID+volumeGroupSuffix, group)
		gate := map[string]any{}
		for i := 1; i <= maxVolumeZones; i++ {
			id := fmt.Sprintf("%s%s%d", v.ID, mountTargetSuffix, i)
			c.add(id, &cfn.MountTarget{
				FileSystemId:   fileSystemID(v),
				SubnetId:       cfn.Ref(VolumeSubnetParameter(i)),
				SecurityGroups: []any{cfn.GetAtt(v.ID+volumeGroupSuffix, "GroupId")},
			})
			gate[id] = cfn.Ref(id)
			if i > 1 {
				c.t.When(id, hasSubnet(i))
				gate[id] = cfn.If(hasSubnet(i), cfn.Ref(id), "")
			}
		}
		if err := c.t.Gate(v.ID+mountTargetsSuffix, gate); err != nil {
			c.fail(err)
		}
		ap := &cfn.AccessPoint{
			FileSystemId:    fileSystemID(v),
			RootDirectory:   &cfn.RootDirectory{Path: v.RootDirectory},
			AccessPointTags: tags,
		}
		if v.UID != "" {
			ap.PosixUser = &cfn.PosixUser{Uid: v.UID, Gid: v.GID}
		}
		if v.RootDirectory != "/" {
			ap.RootDirectory.CreationInfo = &cfn.CreationInfo{OwnerUid: orZero(v.UID), OwnerGid: orZero(v.GID), Permissions: "0755"}
			if v.Permissions != "" {
				ap.RootDirectory.CreationInfo.Permissions = v.Permissions
			}
		}
		c.add(v.ID+accessPointSuffix, ap)
	}
}

// VolumeTag is put on the file systems of named volumes, where up finds
// the one a previous stack of the project kept.
const VolumeTag = "com.docker.compose.volume"

// fileSystemID is the ID of a volume's file system: the stack's, or the
// one a previous stack kept.
func fileSystemID(v *app.Volume) any {
	return cfn.If(createCondition(v), cfn.Ref(FileSystemID(v)), cfn.Ref(FileSystemParameter(v)))
}

// fileSystemARN is the ARN of a volume's file system.
func fileSystemARN(v *app.Volume) any {
	return cfn.If(createCondition(v),
		cfn.GetAtt(FileSystemID(v), "Arn"),
		cfn.Sub("arn:${AWS::Partition}:elasticfilesystem:${AWS::Region}:${AWS::AccountId}:file-system/${"+FileSystemParameter(v)+"}"))
}

func mounts(s *app.Service, volume string) bool {
	for _, m := range s.VolumeMounts {
		if m.Volume == volume {
			return true
		}
	}
	return false
}

// volumeMounts adds a service's named volumes to its task definition, and
// returns the mount targets the service must wait for: a task cannot
// mount a file system before they exist.
func (c *converter) volumeMounts(s *app.Service, td *cfn.TaskDefinition) []string {
	var wait []string
	for i, m := range s.VolumeMounts {
		if m.Volume == "" {
			name := fmt.Sprintf("scratch-%d", i)
			td.Volumes = append(td.Volumes, cfn.Volume{Name: name})
			td.ContainerDefinitions[0].MountPoints = append(td.ContainerDefinitions[0].MountPoints, cfn.MountPoint{SourceVolume: name, ContainerPath: m.Target, ReadOnly: m.ReadOnly})
			continue
		}
		v := c.p.Volume(m.Volume)
		if v == nil {
			c.fail(fmt.Errorf("service %s mounts the volume %q, which is not in the project", s.Name, m.Volume))
			continue
		}
		name := "volume-" + v.Name
		if !hasVolume(td.Volumes, name) {
			cfg := &cfn.EFSVolumeConfiguration{FilesystemId: v.External, TransitEncryption: "ENABLED"}
			if v.External == "" {
				cfg.FilesystemId = fileSystemID(v)
				cfg.AuthorizationConfig = &cfn.EFSAuthorization{AccessPointId: cfn.Ref(v.ID + accessPointSuffix), IAM: "ENABLED"}
				wait = append(wait, v.ID+mountTargetsSuffix)
			}
			td.Volumes = append(td.Volumes, cfn.Volume{Name: name, EFSVolumeConfiguration: cfg})
		}
		main := &td.ContainerDefinitions[0]
		main.MountPoints = append(main.MountPoints, cfn.MountPoint{SourceVolume: name, ContainerPath: m.Target, ReadOnly: m.ReadOnly})
	}
	return wait
}

func hasVolume(volumes []cfn.Volume, name string) bool {
	for _, v := range volumes {
		if v.Name == name {
			return true
		}
	}
	return false
}

// volumeAccess is what a service's task role may do with its file systems:
// mount them through their access points, write unless it mounts them
// read-only, and act as root, as the images that own their data directory
// need.
func (c *converter) volumeAccess(s *app.Service) []cfn.Statement {
	var out []cfn.Statement
	for _, m := range s.VolumeMounts {
		v := c.p.Volume(m.Volume)
		if v == nil || v.External != "" {
			continue
		}
		actions := []string{"elasticfilesystem:ClientMount"}
		if !m.ReadOnly {
			actions = append(actions, "elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite")
		}
		out = append(out, cfn.Statement{
			Effect:    "Allow",
			Action:    actions,
			Resource:  []any{fileSystemARN(v)},
			Condition: map[string]any{"StringEquals": map[string]any{"elasticfilesystem:AccessPointArn": cfn.GetAtt(v.ID+accessPointSuffix, "Arn")}},
		})
	}
	return out
}
