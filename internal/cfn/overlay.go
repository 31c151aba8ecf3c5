package cfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// SetOverlay merges a CloudFormation fragment over the template when it is
// rendered: mappings merge key by key, anything else replaces what the
// template has, and null removes it. A fragment may change the template's
// resources but not add any: a resource it names must be in the template.
// A fragment the template cannot take is an *OverlayError.
func (t *Template) SetOverlay(fragment map[string]any) error {
	resources, _ := fragment["Resources"].(map[string]any)
	for _, id := range sortedKeys(resources) {
		key := "Resources." + id
		r, ok := t.Resources[id]
		if !ok {
			return &OverlayError{Key: key, Msg: "the template has no such resource; it has " + strings.Join(sortedKeys(t.Resources), ", ")}
		}
		if err := resourceOverlay(key, r, resources[id]); err != nil {
			return err
		}
	}
	t.overlay = fragment
	return nil
}

// OverlayError is a key of an overlay fragment that the template cannot
// take (Resources.Queue.Type), and why.
type OverlayError struct {
	Key, Msg string
}

func (e *OverlayError) Error() string {
	return e.Key + ": " + e.Msg
}

// resourceOverlay checks the fragment of one resource, at key: it may
// change its attributes, not remove it or change its type, which the rest
// of the template depends on.
func resourceOverlay(key string, r Resource, fragment any) error {
	m, ok := fragment.(map[string]any)
	if !ok {
		if fragment == nil {
			return &OverlayError{Key: key, Msg: "null would remove the resource, and the template needs it; change its properties instead"}
		}
		return &OverlayError{Key: key, Msg: "must be a mapping of the resource's attributes (Properties, DeletionPolicy…)"}
	}
	for _, k := range sortedKeys(m) {
		switch v := m[k]; k {
		case "Type":
			if v != r.Type {
				return &OverlayError{Key: key + ".Type", Msg: "cannot change: the template depends on the resource being an " + r.Type}
			}
		case "Properties":
			if _, isMap := v.(map[string]any); !isMap {
				return &OverlayError{Key: key + ".Properties", Msg: "must be a mapping of the properties to change"}
			}
		case "Metadata", "CreationPolicy", "UpdatePolicy":
			if _, isMap := v.(map[string]any); !isMap && v != nil {
				return &OverlayError{Key: key + "." + k, Msg: "must be a mapping"}
			}
		}
	}
	return nil
}

// sortedKeys are the keys of a mapping, in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// parse reads a JSON document with its mapping keys in document order.
func parse(j []byte) (*value, error) {
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	return read(dec)
}

// merge merges a fragment, as YAML gives it, over a mapping.
func merge(dst *value, fragment map[string]any) error {
	for _, k := range sortedKeys(fragment) {
		v := fragment[k]
		i := slices.Index(dst.keys, k)
		if v == nil {
			if i >= 0 {
				dst.keys = slices.Delete(dst.keys, i, i+1)
				dst.items = slices.Delete(dst.items, i, i+1)
			}
			continue
		}
		if sub, ok := v.(map[string]any); ok && i >= 0 && dst.items[i].isMap {
			if err := merge(dst.items[i], sub); err != nil {
				return err
			}
			continue
		}
		j, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		item, err := parse(j)
		if err != nil {
			return err
		}
		if i >= 0 {
			dst.items[i] = item
		} else {
			dst.keys = append(dst.keys, k)
			dst.items = append(dst.items, item)
		}
	}
	return nil
}

// writeJSON writes v as JSON, indented by indent unless it is empty.
func writeJSON(buf *bytes.Buffer, v *value, indent, prefix string) {
	open, close := byte('['), byte(']')
	if v.isMap {
		open, close = '{', '}'
	}
	if !v.isMap && !v.isList {
		if !v.isString {
			buf.WriteString(v.text)
			return
		}
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v.text)      // a string always encodes
		buf.Truncate(buf.Len() - 1) // the encoder's newline
		return
	}
	buf.WriteByte(open)
	inner := prefix + indent
	for i, item := range v.items {
		if i > 0 {
			buf.WriteByte(',')
		}
		if indent != "" {
			buf.WriteByte('\n')
			buf.WriteString(inner)
		}
		if v.isMap {
			k, _ := json.Marshal(v.keys[i])
			buf.Write(k)
			buf.WriteByte(':')
			if indent != "" {
				buf.WriteByte(' ')
			}
		}
		writeJSON(buf, item, indent, inner)
	}
	if indent != "" && len(v.items) > 0 {
		buf.WriteByte('\n')
		buf.WriteString(prefix)
	}
	buf.WriteByte(close)
}
