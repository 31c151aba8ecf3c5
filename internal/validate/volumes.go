package validate

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/docker-ecs/docker-ecs/internal/app"
)

var (
	fileSystemID = regexp.MustCompile(`^fs-[0-9a-f]{8,17}$`)
	// lifecycles are the ages at which EFS moves files to Infrequent
	// Access.
	lifecycles  = []string{"AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS"}
	permissions = regexp.MustCompile(`^0?[0-7]{3}$`)
)

// volumes reads the named volumes the services mount: Amazon EFS file
// systems.
func volumes(p *types.Project, out *app.Project, r *report) {
	used := map[string]bool{}
	for _, svc := range out.Services {
		s := p.Services[svc.Name]
		for i, v := range s.Volumes {
			if v.Type != types.VolumeTypeVolume {
				continue
			}
			key := fmt.Sprintf("services.%s.volumes[%d]", svc.Name, i)
			if v.Source == "" {
				// An anonymous volume lives as long as its container: on
				// Fargate, the task's own storage.
				svc.VolumeMounts = append(svc.VolumeMounts, app.VolumeMount{Target: path.Clean(v.Target), ReadOnly: v.ReadOnly})
				continue
			}
			if _, ok := p.Volumes[v.Source]; !ok {
				r.errorf(key, "the volume %q is not declared in the top-level volumes section", v.Source)
				continue
			}
			if !path.IsAbs(v.Target) {
				r.errorf(key, "the target %q must be an absolute path", v.Target)
			}
			used[v.Source] = true
			svc.VolumeMounts = append(svc.VolumeMounts, app.VolumeMount{Volume: v.Source, Target: path.Clean(v.Target), ReadOnly: v.ReadOnly})
		}
		slices.SortFunc(svc.VolumeMounts, func(a, b app.VolumeMount) int { return strings.Compare(a.Target, b.Target) })
	}
	ids := logicalIDs{}
	for _, name := range slices.Sorted(maps.Keys(used)) {
		v := volume(name, p.Volumes[name], r)
		ids.take(v.ID, name, "volumes."+name, r)
		out.Volumes = append(out.Volumes, v)
	}
	for _, svc := range out.Services {
		// Mounting through an access point takes the task role's rights.
		if svc.TaskRole == nil && out.OwnsVolumes(svc) {
			svc.TaskRole = &app.TaskRole{}
		}
	}
}

// volume reads a top-level volume and its driver_opts.
func volume(name string, cfg types.VolumeConfig, r *report) *app.Volume {
	key := "volumes." + name
	v := &app.Volume{Name: name, ID: logicalID(name), PerformanceMode: "generalPurpose", ThroughputMode: "elastic", Backup: true, RootDirectory: "/" + name}
	if v.ID == "" {
		r.errorf(key, "the name must contain a letter or a digit")
	}
	if cfg.External {
		v.External = cfg.Name
		if !fileSystemID.MatchString(v.External) {
			r.errorf(key+".name", "an external volume is an EFS file system you have: name it by its ID (fs-0123456789abcdef0), not %q", v.External)
		}
		if len(cfg.DriverOpts) > 0 {
			r.warnf(key+".driver_opts", "ignored: the file system is yours, as it is")
		}
		return v
	}
	if cfg.Driver != "" && cfg.Driver != "local" {
		r.warnf(key+".driver", "ignored: a volume is an Amazon EFS file system on ECS")
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.DriverOpts)) {
		value := cfg.DriverOpts[k]
		okey := key + ".driver_opts." + k
		switch k {
		case "performance_mode":
			if value != "generalPurpose" && value != "maxIO" {
				r.errorf(okey, "must be generalPurpose or maxIO, not %q", value)
			}
			v.PerformanceMode = value
		case "throughput_mode":
			if value != "bursting" && value != "provisioned" && value != "elastic" {
				r.errorf(okey, "must be bursting, provisioned or elastic, not %q", value)
			}
			v.ThroughputMode = value
		case "provisioned_throughput":
			n, err := strconv.Atoi(strings.TrimSuffix(value, "MiB"))
			if err != nil || n < 1 || n > 3414 {
				r.errorf(okey, "must be a throughput from 1 to 3414 MiB/s, not %q", value)
			}
			v.ProvisionedThroughput = n
		case "lifecycle_policy":
			if value != "none" && !slices.Contains(lifecycles, value) {
				r.errorf(okey, "must be none or one of %s, not %q", strings.Join(lifecycles, ", "), value)
			}
			if value != "none" {
				v.Lifecycle = value
			}
		case "backup_policy":
			if value != "ENABLED" && value != "DISABLED" {
				r.errorf(okey, "must be ENABLED or DISABLED, not %q", value)
			}
			v.Backup = value == "ENABLED"
		case "uid", "gid":
			if _, err := strconv.ParseUint(value, 10, 32); err != nil {
				r.errorf(okey, "must be a number, not %q", value)
			}
			if k == "uid" {
				v.UID = value
			} else {
				v.GID = value
			}
		case "permissions":
			if !permissions.MatchString(value) {
				r.errorf(okey, "must be octal permissions such as 0755, not %q", value)
			}
			v.Permissions = value
		case "root_directory":
			if !path.IsAbs(value) {
				r.errorf(okey, "must be an absolute path, not %q", value)
			}
			v.RootDirectory = path.Clean(value)
		case "type", "device", "o":
			r.errorf(okey, "a volume backed by a device or a bind mount of your machine cannot exist on Fargate")
		default:
			r.errorf(okey, "unknown: EFS volumes take performance_mode, throughput_mode, provisioned_throughput, lifecycle_policy, backup_policy, uid, gid, permissions and root_directory")
		}
	}
	if (v.ThroughputMode == "provisioned") != (v.ProvisionedThroughput > 0) {
		r.errorf(key+".driver_opts", "provisioned_throughput goes with throughput_mode: provisioned, and only with it")
	}
	if (v.UID == "") != (v.GID == "") {
		r.errorf(key+".driver_opts", "uid and gid go together")
	}
	return v
}
