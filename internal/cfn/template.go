// Package cfn is a small typed model of the CloudFormation template that
// docker ecs emits: the template document, the intrinsic functions, and the
// resource types the converter uses. It marshals deterministically to JSON and
// YAML, so the same model always gives byte-identical output.
package cfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// FormatVersion is the only template format version CloudFormation knows.
const FormatVersion = "2010-09-09"

// Template is a CloudFormation template.
type Template struct {
	AWSTemplateFormatVersion string               `json:"AWSTemplateFormatVersion"`
	Description              string               `json:"Description,omitempty"`
	Parameters               map[string]Parameter `json:"Parameters,omitempty"`
	Conditions               map[string]any       `json:"Conditions,omitempty"`
	Resources                map[string]Resource  `json:"Resources"`
	Outputs                  map[string]Output    `json:"Outputs,omitempty"`
	// overlay is a fragment merged over the rendered template.
	overlay map[string]any
}

// Parameter is a template parameter.
type Parameter struct {
	Type        string `json:"Type"`
	Description string `json:"Description,omitempty"`
	Default     any    `json:"Default,omitempty"`
}

// Output is a template output.
type Output struct {
	Description string `json:"Description,omitempty"`
	Value       any    `json:"Value"`
}

// Properties is implemented by the property struct of every resource type
// the model knows.
type Properties interface {
	ResourceType() string
}

// Resource is one entry of the template's Resources section.
type Resource struct {
	Type      string   `json:"Type"`
	Condition string   `json:"Condition,omitempty"`
	DependsOn []string `json:"DependsOn,omitempty"`
	// DeletionPolicy and UpdateReplacePolicy are Retain for what must
	// outlive the stack: data.
	DeletionPolicy      string         `json:"DeletionPolicy,omitempty"`
	UpdateReplacePolicy string         `json:"UpdateReplacePolicy,omitempty"`
	Metadata            map[string]any `json:"Metadata,omitempty"`
	Properties          Properties     `json:"Properties,omitempty"`
}

// New returns an empty template.
func New(description string) *Template {
	return &Template{
		AWSTemplateFormatVersion: FormatVersion,
		Description:              description,
		Parameters:               map[string]Parameter{},
		Conditions:               map[string]any{},
		Resources:                map[string]Resource{},
		Outputs:                  map[string]Output{},
	}
}

// Add puts a resource into the template under a logical ID. Logical IDs are
// computed from compose names, so a collision is a converter bug or a
// collision Validate missed: it is reported, never silently overwritten.
func (t *Template) Add(logicalID string, p Properties, dependsOn ...string) error {
	deps := slices.Clone(dependsOn)
	slices.Sort(deps)
	return t.put(logicalID, Resource{Type: p.ResourceType(), DependsOn: slices.Compact(deps), Properties: p})
}

// put puts a resource into the template, unless another has its logical
// ID.
func (t *Template) put(logicalID string, r Resource) error {
	if _, dup := t.Resources[logicalID]; dup {
		return fmt.Errorf("two resources have the logical ID %q", logicalID)
	}
	t.Resources[logicalID] = r
	return nil
}

// Retain keeps a resource when its stack is deleted, or when an update
// replaces it, but not when the operation that created it fails: then it
// holds nothing worth keeping.
func (t *Template) Retain(logicalID string) {
	r := t.Resources[logicalID]
	r.DeletionPolicy, r.UpdateReplacePolicy = "RetainExceptOnCreate", "Retain"
	t.Resources[logicalID] = r
}

// Gate adds a resource that exists once the resources exist that refs
// refer to, even those a condition may leave out, which DependsOn cannot
// name: the refs are in its metadata. Depending on the gate is depending
// on them.
func (t *Template) Gate(logicalID string, refs map[string]any) error {
	return t.put(logicalID, Resource{Type: "AWS::CloudFormation::WaitConditionHandle", Metadata: refs})
}

// When makes a resource exist only when a condition of the template holds.
func (t *Template) When(logicalID, condition string) {
	r := t.Resources[logicalID]
	r.Condition = condition
	t.Resources[logicalID] = r
}

// JSON renders the template as indented JSON, for people. encoding/json
// sorts map keys, which makes the output deterministic.
func (t *Template) JSON() ([]byte, error) {
	return t.encode("  ")
}

// CompactJSON renders the template without indentation, the smallest form
// to send to CloudFormation, whose limits count bytes.
func (t *Template) CompactJSON() ([]byte, error) {
	return t.encode("")
}

func (t *Template) encode(indent string) ([]byte, error) {
	var buf bytes.Buffer
	if t.overlay == nil {
		if err := t.marshal(&buf, indent); err != nil {
			return nil, err
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
	}
	doc, err := t.document()
	if err != nil {
		return nil, err
	}
	writeJSON(&buf, doc, indent, "")
	return buf.Bytes(), nil
}

// marshal writes the template's own JSON, without the overlay, and a
// newline.
func (t *Template) marshal(buf *bytes.Buffer, indent string) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	return enc.Encode(t)
}

// document is the rendered template as a tree, its mapping keys in order:
// the template's JSON read back, with the overlay merged over it.
func (t *Template) document() (*value, error) {
	var buf bytes.Buffer
	if err := t.marshal(&buf, ""); err != nil {
		return nil, err
	}
	doc, err := parse(buf.Bytes())
	if err != nil {
		return nil, err
	}
	if t.overlay != nil {
		if err := merge(doc, t.overlay); err != nil {
			return nil, err
		}
	}
	return doc, nil
}
