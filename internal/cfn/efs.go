package cfn

// FileSystem is AWS::EFS::FileSystem.
type FileSystem struct {
	Encrypted                    bool              `json:"Encrypted"`
	PerformanceMode              string            `json:"PerformanceMode,omitempty"`
	ThroughputMode               string            `json:"ThroughputMode,omitempty"`
	ProvisionedThroughputInMibps int               `json:"ProvisionedThroughputInMibps,omitempty"`
	LifecyclePolicies            []LifecyclePolicy `json:"LifecyclePolicies,omitempty"`
	BackupPolicy                 *BackupPolicy     `json:"BackupPolicy,omitempty"`
	FileSystemTags               []Tag             `json:"FileSystemTags,omitempty"`
}

// ResourceType implements Properties.
func (FileSystem) ResourceType() string { return "AWS::EFS::FileSystem" }

// LifecyclePolicy moves files to Infrequent Access after a time.
type LifecyclePolicy struct {
	TransitionToIA string `json:"TransitionToIA"`
}

// BackupPolicy turns AWS Backup's daily backups on or off.
type BackupPolicy struct {
	Status string `json:"Status"`
}

// MountTarget is AWS::EFS::MountTarget.
type MountTarget struct {
	FileSystemId   any   `json:"FileSystemId"`
	SubnetId       any   `json:"SubnetId"`
	SecurityGroups []any `json:"SecurityGroups"`
}

// ResourceType implements Properties.
func (MountTarget) ResourceType() string { return "AWS::EFS::MountTarget" }

// AccessPoint is AWS::EFS::AccessPoint.
type AccessPoint struct {
	FileSystemId    any            `json:"FileSystemId"`
	PosixUser       *PosixUser     `json:"PosixUser,omitempty"`
	RootDirectory   *RootDirectory `json:"RootDirectory,omitempty"`
	AccessPointTags []Tag          `json:"AccessPointTags,omitempty"`
}

// ResourceType implements Properties.
func (AccessPoint) ResourceType() string { return "AWS::EFS::AccessPoint" }

// PosixUser is who every access through an access point acts as.
type PosixUser struct {
	Uid string `json:"Uid"`
	Gid string `json:"Gid"`
}

// RootDirectory is the directory an access point exposes, made with
// CreationInfo when it does not exist.
type RootDirectory struct {
	Path         string        `json:"Path"`
	CreationInfo *CreationInfo `json:"CreationInfo,omitempty"`
}

// CreationInfo is the owner and permissions of a new root directory.
type CreationInfo struct {
	OwnerUid    string `json:"OwnerUid"`
	OwnerGid    string `json:"OwnerGid"`
	Permissions string `json:"Permissions"`
}
