package apply

import (
	"encoding/json"

	"github.com/docker-ecs/docker-ecs/internal/convert"
)

// owners maps the logical IDs of a template's resources to the compose
// service they belong to, read from the resources' service tag; a listener
// belongs to the service of the target group it forwards to. Resources the
// project shares belong to no service.
func owners(template []byte) map[string]string {
	var t struct {
		Resources map[string]json.RawMessage
	}
	out := map[string]string{}
	if json.Unmarshal(template, &t) != nil {
		return out
	}
	type resource struct {
		Properties struct {
			Tags           []struct{ Key, Value string }
			DefaultActions []struct{ TargetGroupArn map[string]any }
		}
	}
	parsed := map[string]resource{}
	for id, raw := range t.Resources {
		var r resource
		if json.Unmarshal(raw, &r) == nil { // other resource types have other shapes
			parsed[id] = r
		}
	}
	for id, r := range parsed {
		for _, tag := range r.Properties.Tags {
			if tag.Key == convert.ServiceTag {
				out[id] = tag.Value
			}
		}
	}
	for id, r := range parsed {
		for _, a := range r.Properties.DefaultActions {
			if ref, ok := a.TargetGroupArn["Ref"].(string); ok && out[ref] != "" {
				out[id] = out[ref]
			}
		}
	}
	return out
}
