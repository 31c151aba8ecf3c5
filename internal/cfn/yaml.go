package cfn

import (
	"bytes"

	"go.yaml.in/yaml/v4"
)

// YAML renders the template as YAML with the same key order as JSON. The
// JSON document is read back as a YAML node tree (JSON is YAML) so that
// the order is kept, then its scalars lose their JSON quotes: the encoder
// quotes again exactly the strings that would otherwise read as another
// type (numbers, booleans, YAML 1.1's yes/no).
func (t *Template) YAML() ([]byte, error) {
	j, err := t.JSON()
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(j, &doc); err != nil {
		return nil, err
	}
	plain(&doc)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func plain(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plain(c)
	}
}
