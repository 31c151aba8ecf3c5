package fakeaws

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

type efsState struct {
	fileSystems  []*fileSystem
	mountTargets []*mountTarget
	accessPoints []*accessPoint
}

type fileSystem struct {
	id, arn, token, state                     string
	performanceMode, throughputMode, kmsKeyID string
	encrypted                                 bool
	lifecycle                                 []map[string]any // [{"TransitionToIA": "AFTER_30_DAYS"}, ...]
	backup                                    string           // ENABLED or DISABLED
	tags                                      []tag
	created                                   time.Time
}

type mountTarget struct {
	id, fsID, subnetID, vpcID, az, ip, eni, state string
	groups                                        []string
}

type accessPoint struct {
	id, arn, fsID, token, state string
	posixUser, rootDirectory    map[string]any
	tags                        []tag
}

func (e *efsState) fileSystem(id string) *fileSystem {
	for _, fs := range e.fileSystems {
		if fs.id == id {
			return fs
		}
	}
	return nil
}

func (e *efsState) mountTarget(id string) *mountTarget {
	for _, mt := range e.mountTargets {
		if mt.id == id {
			return mt
		}
	}
	return nil
}

func (e *efsState) mountTargetsOf(fsID string) []*mountTarget {
	var out []*mountTarget
	for _, mt := range e.mountTargets {
		if mt.fsID == fsID {
			out = append(out, mt)
		}
	}
	return out
}

// FileSystem is an EFS file system of the fake, for assertions.
type FileSystem struct {
	ID, ARN, Name, State                          string
	PerformanceMode, ThroughputMode, BackupStatus string
	Encrypted                                     bool
	LifecyclePolicies                             []string // e.g. "TransitionToIA=AFTER_30_DAYS"
	Tags                                          map[string]string
	MountTargets                                  []MountTarget
	AccessPoints                                  []string // IDs
}

// MountTarget is a mount target of a FileSystem.
type MountTarget struct {
	ID, SubnetID, IPAddress, State string
	SecurityGroups                 []string
}

// FileSystems returns every file system, in creation order.
func (s *Server) FileSystems() []FileSystem {
	s.lock()
	defer s.mu.Unlock()
	var out []FileSystem
	for _, fs := range s.efs.fileSystems {
		f := FileSystem{ID: fs.id, ARN: fs.arn, State: fs.state, PerformanceMode: fs.performanceMode, ThroughputMode: fs.throughputMode,
			BackupStatus: fs.backup, Encrypted: fs.encrypted, Tags: tagMap(fs.tags)}
		f.Name, _ = tagValue(fs.tags, "Name")
		for _, p := range fs.lifecycle {
			for k, v := range p {
				f.LifecyclePolicies = append(f.LifecyclePolicies, k+"="+scalarString(v))
			}
		}
		slices.Sort(f.LifecyclePolicies)
		for _, mt := range s.efs.mountTargetsOf(fs.id) {
			f.MountTargets = append(f.MountTargets, MountTarget{ID: mt.id, SubnetID: mt.subnetID, IPAddress: mt.ip, State: mt.state, SecurityGroups: slices.Clone(mt.groups)})
		}
		for _, ap := range s.efs.accessPoints {
			if ap.fsID == fs.id {
				f.AccessPoints = append(f.AccessPoints, ap.id)
			}
		}
		out = append(out, f)
	}
	return out
}

// AddFileSystem adds an available, encrypted file system that no stack
// owns (a user's existing one), tagged Name=name, and returns its ID.
func (s *Server) AddFileSystem(name string, tags map[string]string) string {
	now := s.lock()
	defer s.mu.Unlock()
	all := map[string]string{"Name": name}
	for k, v := range tags {
		all[k] = v
	}
	fs := s.newFileSystem(s.uuid(), true, "", "", "", tagList(all), now)
	fs.state = "available"
	return fs.id
}

func (s *Server) newFileSystem(token string, encrypted bool, kmsKeyID, performanceMode, throughputMode string, tags []tag, at time.Time) *fileSystem {
	id := "fs-" + s.randString(lowerHex, 17)
	if encrypted && kmsKeyID == "" {
		kmsKeyID = s.arn("kms", "key/"+s.uuid())
	}
	fs := &fileSystem{id: id, arn: s.arn("elasticfilesystem", "file-system/"+id), token: token, state: "creating", encrypted: encrypted, kmsKeyID: kmsKeyID,
		performanceMode: orDefault(performanceMode, "generalPurpose"), throughputMode: orDefault(throughputMode, "bursting"), backup: "DISABLED", tags: tags, created: at}
	s.efs.fileSystems = append(s.efs.fileSystems, fs)
	return fs
}

// fileSystemAvailable is why mount targets and access points cannot be
// added to file system fsID now, if they cannot: it does not exist, or is
// not available.
func (s *Server) fileSystemAvailable(fsID string) *apiError {
	fs := s.efs.fileSystem(fsID)
	if fs == nil {
		return errFileSystemNotFound(fsID)
	}
	if fs.state != "available" {
		return errorf(409, "IncorrectFileSystemLifeCycleState", "File system '%s' is in the '%s' state, not 'available'.", fsID, fs.state)
	}
	return nil
}

// newMountTarget checks and creates a mount target; it is creating until
// done is called.
func (s *Server) newMountTarget(fsID, subnetID, ip string, groups []string) (*mountTarget, *apiError) {
	if err := s.fileSystemAvailable(fsID); err != nil {
		return nil, err
	}
	sn := s.ec2.subnet(subnetID)
	if sn == nil {
		return nil, errorf(400, "SubnetNotFound", "The subnet ID '%s' does not exist", subnetID)
	}
	for _, mt := range s.efs.mountTargetsOf(fsID) {
		if mt.az == sn.az {
			return nil, errorf(409, "MountTargetConflict", "mount target already exists in this AZ")
		}
		if mt.vpcID != sn.vpcID {
			return nil, errorf(409, "MountTargetConflict", "requested subnet for new mount target is not in the same VPC as existing mount targets")
		}
	}
	if len(groups) > 5 {
		return nil, errorf(400, "SecurityGroupLimitExceeded", "Mount target may have up to 5 security groups.")
	}
	if len(groups) == 0 {
		if id := s.ec2.defaultGroup(sn.vpcID); id != "" {
			groups = []string{id}
		}
	}
	for _, id := range groups {
		g := s.ec2.group(id)
		if g == nil {
			return nil, errorf(400, "SecurityGroupNotFound", "The security group '%s' does not exist", id)
		}
		if g.vpcID != sn.vpcID {
			return nil, errorf(400, "SecurityGroupMismatch", "Security group '%s' is not in the VPC of subnet '%s'.", id, subnetID)
		}
	}
	if ip == "" {
		ip = s.randomIP(sn.cidr)
	}
	mt := &mountTarget{id: "fsmt-" + s.randString(lowerHex, 17), fsID: fsID, subnetID: subnetID, vpcID: sn.vpcID, az: sn.az, ip: ip,
		eni: "eni-" + s.randString(lowerHex, 17), state: "creating", groups: groups}
	s.efs.mountTargets = append(s.efs.mountTargets, mt)
	return mt, nil
}

func (s *Server) removeFileSystem(id string) {
	s.efs.fileSystems = slices.DeleteFunc(s.efs.fileSystems, func(fs *fileSystem) bool { return fs.id == id })
	s.efs.accessPoints = slices.DeleteFunc(s.efs.accessPoints, func(ap *accessPoint) bool { return ap.fsID == id })
}

func (s *Server) removeMountTarget(id string) {
	s.efs.mountTargets = slices.DeleteFunc(s.efs.mountTargets, func(mt *mountTarget) bool { return mt.id == id })
}

func errFileSystemNotFound(id string) *apiError {
	return errorf(404, "FileSystemNotFound", "File system '%s' does not exist.", id)
}

// fileSystemInUse is EFS's refusal to delete a file system that still
// has mount targets.
func (s *Server) fileSystemInUse(id string) *apiError {
	if len(s.efs.mountTargetsOf(id)) > 0 {
		return errorf(409, "FileSystemInUse", "File system '%s' has mount targets; delete them before deleting the file system.", id)
	}
	return nil
}

// --- API ---

func init() {
	restRoutes[svcEFS] = efsRoute
	register(svcEFS, map[string]handlerFunc{
		"CreateFileSystem":               (*Server).createFileSystem,
		"DescribeFileSystems":            (*Server).describeFileSystems,
		"DeleteFileSystem":               (*Server).deleteFileSystem,
		"DescribeLifecycleConfiguration": (*Server).describeLifecycleConfiguration,
		"DescribeBackupPolicy":           (*Server).describeBackupPolicy,
		"CreateMountTarget":              (*Server).createMountTarget,
		"DescribeMountTargets":           (*Server).describeMountTargets,
		"DeleteMountTarget":              (*Server).deleteMountTarget,
		"CreateAccessPoint":              (*Server).createAccessPoint,
		"DescribeAccessPoints":           (*Server).describeAccessPoints,
		"TagResource":                    (*Server).tagEFSResource,
		"ListTagsForResource":            (*Server).listEFSTags,
	})
}

// efsRoute reads /2015-02-01/COLLECTION[/ID[/SUBRESOURCE]].
func efsRoute(req *request) string {
	parts := strings.Split(strings.TrimPrefix(req.path, "/2015-02-01/"), "/")
	id, sub := "", ""
	if len(parts) > 1 {
		id = parts[1]
	}
	if len(parts) > 2 {
		sub = parts[2]
	}
	req.labels = map[string]string{"Id": id}
	key := req.method + " " + parts[0]
	if id != "" {
		key += "/{}"
	}
	if sub != "" {
		key += "/" + sub
	}
	return map[string]string{
		"POST file-systems":                           "CreateFileSystem",
		"GET file-systems":                            "DescribeFileSystems",
		"DELETE file-systems/{}":                      "DeleteFileSystem",
		"GET file-systems/{}/lifecycle-configuration": "DescribeLifecycleConfiguration",
		"GET file-systems/{}/backup-policy":           "DescribeBackupPolicy",
		"POST mount-targets":                          "CreateMountTarget",
		"GET mount-targets":                           "DescribeMountTargets",
		"DELETE mount-targets/{}":                     "DeleteMountTarget",
		"POST access-points":                          "CreateAccessPoint",
		"GET access-points":                           "DescribeAccessPoints",
		"POST resource-tags/{}":                       "TagResource",
		"GET resource-tags/{}":                        "ListTagsForResource",
	}[key]
}

func (s *Server) fileSystemJSON(fs *fileSystem) map[string]any {
	name, _ := tagValue(fs.tags, "Name")
	return prune(map[string]any{"OwnerId": s.opts.AccountID, "CreationToken": fs.token, "FileSystemId": fs.id, "FileSystemArn": fs.arn,
		"CreationTime": epoch(fs.created), "LifeCycleState": fs.state, "Name": name, "NumberOfMountTargets": len(s.efs.mountTargetsOf(fs.id)),
		"SizeInBytes": map[string]any{"Value": 6144, "ValueInStandard": 6144, "ValueInIA": 0, "ValueInArchive": 0}, "PerformanceMode": fs.performanceMode,
		"Encrypted": fs.encrypted, "KmsKeyId": fs.kmsKeyID, "ThroughputMode": fs.throughputMode, "Tags": tagsJSON(fs.tags),
		"FileSystemProtection": map[string]any{"ReplicationOverwriteProtection": "ENABLED"}})
}

func (s *Server) mountTargetJSON(mt *mountTarget) map[string]any {
	return map[string]any{"OwnerId": s.opts.AccountID, "MountTargetId": mt.id, "FileSystemId": mt.fsID, "SubnetId": mt.subnetID,
		"LifeCycleState": mt.state, "IpAddress": mt.ip, "NetworkInterfaceId": mt.eni, "AvailabilityZoneId": zoneID(mt.az),
		"AvailabilityZoneName": mt.az, "VpcId": mt.vpcID}
}

// efsNumbers writes the IDs of a POSIX user or of a root directory's
// creation info as numbers, whatever the template wrote.
func efsNumbers(m map[string]any, keys ...string) map[string]any {
	if m == nil {
		return nil
	}
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
		if !slices.Contains(keys, k) {
			continue
		}
		if l, ok := v.([]any); ok {
			var nums []any
			for _, e := range l {
				nums = append(nums, json.Number(strconv.Itoa(intProp(e, 0))))
			}
			out[k] = nums
			continue
		}
		out[k] = json.Number(strconv.Itoa(intProp(v, 0)))
	}
	return out
}

func (s *Server) accessPointJSON(ap *accessPoint) map[string]any {
	name, _ := tagValue(ap.tags, "Name")
	out := prune(map[string]any{"ClientToken": ap.token, "Name": name, "Tags": tagsJSON(ap.tags), "AccessPointId": ap.id, "AccessPointArn": ap.arn,
		"FileSystemId": ap.fsID, "OwnerId": s.opts.AccountID, "LifeCycleState": ap.state})
	if ap.posixUser != nil {
		out["PosixUser"] = efsNumbers(ap.posixUser, "Uid", "Gid", "SecondaryGids")
	}
	if ap.rootDirectory != nil {
		root := map[string]any{}
		for k, v := range ap.rootDirectory {
			root[k] = v
		}
		if ci, ok := root["CreationInfo"].(map[string]any); ok {
			root["CreationInfo"] = efsNumbers(ci, "OwnerUid", "OwnerGid")
		}
		out["RootDirectory"] = root
	}
	return out
}

func (s *Server) createFileSystem(req *request, now time.Time) (any, error) {
	token := req.jstr("CreationToken")
	for _, fs := range s.efs.fileSystems {
		if fs.token == token {
			return nil, errorf(409, "FileSystemAlreadyExists", "File system '%s' already exists with creation token '%s'", fs.id, token)
		}
	}
	fs := s.newFileSystem(token, req.jbool("Encrypted"), req.jstr("KmsKeyId"), req.jstr("PerformanceMode"), req.jstr("ThroughputMode"), mergeTags(keyValueTags(req.body["Tags"])), now)
	if req.jbool("Backup") {
		fs.backup = "ENABLED"
	}
	s.after(now, s.duration("AWS::EFS::FileSystem"), func(time.Time) {
		if fs.state == "creating" {
			fs.state = "available"
		}
	})
	return jsonAnswer(201, s.fileSystemJSON(fs)), nil
}

func (s *Server) describeFileSystems(req *request, _ time.Time) (any, error) {
	id, token := req.query.Get("FileSystemId"), req.query.Get("CreationToken")
	if id != "" && s.efs.fileSystem(id) == nil {
		return nil, errFileSystemNotFound(id)
	}
	out := []any{}
	for _, fs := range s.efs.fileSystems {
		if (id == "" || fs.id == id) && (token == "" || fs.token == token) {
			out = append(out, s.fileSystemJSON(fs))
		}
	}
	return jsonAnswer(200, map[string]any{"FileSystems": out}), nil
}

func (s *Server) deleteFileSystem(req *request, _ time.Time) (any, error) {
	id := req.labels["Id"]
	if s.efs.fileSystem(id) == nil {
		return nil, errFileSystemNotFound(id)
	}
	if err := s.fileSystemInUse(id); err != nil {
		return nil, err
	}
	s.removeFileSystem(id)
	return emptyAnswer(204, nil), nil
}

func (s *Server) describeLifecycleConfiguration(req *request, _ time.Time) (any, error) {
	fs := s.efs.fileSystem(req.labels["Id"])
	if fs == nil {
		return nil, errFileSystemNotFound(req.labels["Id"])
	}
	policies := []any{}
	for _, p := range fs.lifecycle {
		policies = append(policies, p)
	}
	return jsonAnswer(200, map[string]any{"LifecyclePolicies": policies}), nil
}

func (s *Server) describeBackupPolicy(req *request, _ time.Time) (any, error) {
	fs := s.efs.fileSystem(req.labels["Id"])
	if fs == nil {
		return nil, errFileSystemNotFound(req.labels["Id"])
	}
	return jsonAnswer(200, map[string]any{"BackupPolicy": map[string]any{"Status": fs.backup}}), nil
}

func (s *Server) createMountTarget(req *request, now time.Time) (any, error) {
	mt, err := s.newMountTarget(req.jstr("FileSystemId"), req.jstr("SubnetId"), req.jstr("IpAddress"), req.jstrs("SecurityGroups"))
	if err != nil {
		return nil, err
	}
	s.after(now, s.duration("AWS::EFS::MountTarget"), func(time.Time) {
		if mt.state == "creating" {
			mt.state = "available"
		}
	})
	return jsonAnswer(200, s.mountTargetJSON(mt)), nil
}

func (s *Server) describeMountTargets(req *request, _ time.Time) (any, error) {
	fsID, mtID, apID := req.query.Get("FileSystemId"), req.query.Get("MountTargetId"), req.query.Get("AccessPointId")
	given := 0
	for _, v := range []string{fsID, mtID, apID} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		return nil, errorf(400, "BadRequest", "Must specify exactly one mutually exclusive parameter.")
	}
	if apID != "" {
		ap := s.efs.accessPoint(apID)
		if ap == nil {
			return nil, errAccessPointNotFound(apID)
		}
		fsID = ap.fsID
	}
	if fsID != "" && s.efs.fileSystem(fsID) == nil {
		return nil, errFileSystemNotFound(fsID)
	}
	if mtID != "" && s.efs.mountTarget(mtID) == nil {
		return nil, errorf(404, "MountTargetNotFound", "Mount target '%s' does not exist.", mtID)
	}
	out := []any{}
	for _, mt := range s.efs.mountTargets {
		if mt.fsID == fsID || mt.id == mtID {
			out = append(out, s.mountTargetJSON(mt))
		}
	}
	return jsonAnswer(200, map[string]any{"MountTargets": out}), nil
}

// deleteMountTarget starts the deletion: the mount target is deleting,
// and keeps its file system in use, for as long as deleting one takes.
func (s *Server) deleteMountTarget(req *request, now time.Time) (any, error) {
	mt := s.efs.mountTarget(req.labels["Id"])
	if mt == nil {
		return nil, errorf(404, "MountTargetNotFound", "Mount target '%s' does not exist.", req.labels["Id"])
	}
	mt.state = "deleting"
	s.after(now, s.duration("AWS::EFS::MountTarget"), func(time.Time) { s.removeMountTarget(mt.id) })
	return emptyAnswer(204, nil), nil
}

func (e *efsState) accessPoint(id string) *accessPoint {
	for _, ap := range e.accessPoints {
		if ap.id == id {
			return ap
		}
	}
	return nil
}

func errAccessPointNotFound(id string) *apiError {
	return errorf(404, "AccessPointNotFound", "Access point '%s' does not exist.", id)
}

func (s *Server) newAccessPoint(fsID, token string, posixUser, rootDirectory map[string]any, tags []tag) (*accessPoint, *apiError) {
	if err := s.fileSystemAvailable(fsID); err != nil {
		return nil, err
	}
	id := "fsap-" + s.randString(lowerHex, 17)
	ap := &accessPoint{id: id, arn: s.arn("elasticfilesystem", "access-point/"+id), fsID: fsID, token: token, state: "available",
		posixUser: posixUser, rootDirectory: rootDirectory, tags: tags}
	s.efs.accessPoints = append(s.efs.accessPoints, ap)
	return ap, nil
}

func (s *Server) createAccessPoint(req *request, _ time.Time) (any, error) {
	posix, _ := req.body["PosixUser"].(map[string]any)
	root, _ := req.body["RootDirectory"].(map[string]any)
	ap, err := s.newAccessPoint(req.jstr("FileSystemId"), req.jstr("ClientToken"), posix, root, mergeTags(keyValueTags(req.body["Tags"])))
	if err != nil {
		return nil, err
	}
	return jsonAnswer(200, s.accessPointJSON(ap)), nil
}

func (s *Server) describeAccessPoints(req *request, _ time.Time) (any, error) {
	fsID, apID := req.query.Get("FileSystemId"), req.query.Get("AccessPointId")
	if apID != "" && s.efs.accessPoint(apID) == nil {
		return nil, errAccessPointNotFound(apID)
	}
	if fsID != "" && s.efs.fileSystem(fsID) == nil {
		return nil, errFileSystemNotFound(fsID)
	}
	out := []any{}
	for _, ap := range s.efs.accessPoints {
		if (fsID == "" || ap.fsID == fsID) && (apID == "" || ap.id == apID) {
			out = append(out, s.accessPointJSON(ap))
		}
	}
	return jsonAnswer(200, map[string]any{"AccessPoints": out}), nil
}

// efsTagged finds the tags of a file system or an access point.
func (s *Server) efsTagged(id string) (*[]tag, *apiError) {
	if fs := s.efs.fileSystem(id); fs != nil {
		return &fs.tags, nil
	}
	if ap := s.efs.accessPoint(id); ap != nil {
		return &ap.tags, nil
	}
	if strings.HasPrefix(id, "fsap-") {
		return nil, errAccessPointNotFound(id)
	}
	return nil, errFileSystemNotFound(id)
}

func (s *Server) tagEFSResource(req *request, _ time.Time) (any, error) {
	tags, err := s.efsTagged(req.labels["Id"])
	if err != nil {
		return nil, err
	}
	*tags = mergeTags(keyValueTags(req.body["Tags"]), *tags)
	return emptyAnswer(200, nil), nil
}

func (s *Server) listEFSTags(req *request, _ time.Time) (any, error) {
	tags, err := s.efsTagged(req.labels["Id"])
	if err != nil {
		return nil, err
	}
	return jsonAnswer(200, map[string]any{"Tags": tagsJSON(*tags)}), nil
}

// --- CloudFormation ---

func lifecyclePolicies(v any) []map[string]any {
	var out []map[string]any
	for _, p := range asList(v) {
		if m, ok := p.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// configureFileSystem applies the properties CloudFormation can change
// in place.
func configureFileSystem(st *stack, r *resource, fs *fileSystem) {
	fs.tags = cfnTags(st, r, keyValueTags(r.props["FileSystemTags"]))
	fs.throughputMode = orDefault(scalarString(r.props["ThroughputMode"]), "bursting")
	fs.lifecycle = lifecyclePolicies(r.props["LifecyclePolicies"])
	fs.backup = "DISABLED"
	if bp, ok := r.props["BackupPolicy"].(map[string]any); ok {
		fs.backup = orDefault(scalarString(bp["Status"]), "DISABLED")
	}
}

var efsFileSystemType = &resourceType{
	attrs: []string{"Arn", "FileSystemId"}, replace: []string{"AvailabilityZoneName", "Encrypted", "KmsKeyId", "PerformanceMode"},
	create: func(s *Server, st *stack, r *resource, at time.Time) error {
		fs := s.newFileSystem(st.name+"-"+r.id+"-"+s.randString(upperAlnum, 12), scalarString(r.props["Encrypted"]) == "true", scalarString(r.props["KmsKeyId"]),
			scalarString(r.props["PerformanceMode"]), "", nil, at)
		configureFileSystem(st, r, fs)
		r.physicalID, r.attrs = fs.id, map[string]any{"Arn": fs.arn, "FileSystemId": fs.id}
		return nil
	},
	update: func(s *Server, st *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		fs := s.efs.fileSystem(r.physicalID)
		if fs == nil {
			return notFound("File system '%s' does not exist.", r.physicalID)
		}
		configureFileSystem(st, r, fs)
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) { s.removeFileSystem(r.physicalID) },
	blocked: func(s *Server, r *resource) error {
		if err := s.fileSystemInUse(r.physicalID); err != nil {
			return &handlerError{err.message, "ResourceConflict"}
		}
		return nil
	},
	settle: func(s *Server, _ *stack, r *resource, at time.Time, dur time.Duration, ok func(time.Time), _ func(time.Time, string)) {
		s.after(at, dur, func(at time.Time) {
			if fs := s.efs.fileSystem(r.physicalID); fs != nil && fs.state == "creating" {
				fs.state = "available"
			}
			ok(at)
		})
	},
}

var efsMountTargetType = &resourceType{
	attrs: []string{"Id", "IpAddress"}, replace: []string{"FileSystemId", "IpAddress", "SubnetId"},
	create: func(s *Server, _ *stack, r *resource, _ time.Time) error {
		mt, err := s.newMountTarget(scalarString(r.props["FileSystemId"]), scalarString(r.props["SubnetId"]), scalarString(r.props["IpAddress"]), stringList(r.props["SecurityGroups"]))
		if err != nil {
			return invalid("%s", err.message)
		}
		r.physicalID, r.attrs = mt.id, map[string]any{"Id": mt.id, "IpAddress": mt.ip}
		return nil
	},
	update: func(s *Server, _ *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		if mt := s.efs.mountTarget(r.physicalID); mt != nil {
			mt.groups = stringList(r.props["SecurityGroups"])
		}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) { s.removeMountTarget(r.physicalID) },
	settle: func(s *Server, _ *stack, r *resource, at time.Time, dur time.Duration, ok func(time.Time), _ func(time.Time, string)) {
		s.after(at, dur, func(at time.Time) {
			if mt := s.efs.mountTarget(r.physicalID); mt != nil && mt.state == "creating" {
				mt.state = "available"
			}
			ok(at)
		})
	},
}

var efsAccessPointType = &resourceType{
	attrs: []string{"AccessPointId", "Arn"}, replace: []string{"ClientToken", "FileSystemId", "PosixUser", "RootDirectory"},
	create: func(s *Server, st *stack, r *resource, _ time.Time) error {
		posix, _ := r.props["PosixUser"].(map[string]any)
		root, _ := r.props["RootDirectory"].(map[string]any)
		ap, err := s.newAccessPoint(scalarString(r.props["FileSystemId"]), scalarString(r.props["ClientToken"]), posix, root,
			cfnTags(st, r, keyValueTags(r.props["AccessPointTags"])))
		if err != nil {
			return invalid("%s", err.message)
		}
		r.physicalID, r.attrs = ap.id, map[string]any{"AccessPointId": ap.id, "Arn": ap.arn}
		return nil
	},
	update: func(s *Server, st *stack, r *resource, _ map[string]any, _ time.Time, _ bool) error {
		if ap := s.efs.accessPoint(r.physicalID); ap != nil {
			ap.tags = cfnTags(st, r, keyValueTags(r.props["AccessPointTags"]))
		}
		return nil
	},
	remove: func(s *Server, _ *stack, r *resource, _ time.Time) {
		s.efs.accessPoints = slices.DeleteFunc(s.efs.accessPoints, func(ap *accessPoint) bool { return ap.id == r.physicalID })
	},
}
