package cfn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// YAML renders the template as block-style YAML with the same key order as
// its JSON. It writes the rendered document directly: a template holds only
// mappings, sequences, strings, integers and booleans, and a string is
// written plain only when it cannot read as anything else.
func (t *Template) YAML() ([]byte, error) {
	doc, err := t.document()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	writeBlock(&buf, doc, 0, false)
	return buf.Bytes(), nil
}

// value is a JSON value with its mapping keys in document order.
type value struct {
	// text is a scalar as JSON has it: a string's text, or the literal of
	// a number, boolean or null.
	text     string
	isString bool
	isMap    bool
	isList   bool
	keys     []string
	items    []*value
}

func read(dec *json.Decoder) (*value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		v := &value{isMap: tok == '{', isList: tok == '['}
		for dec.More() {
			if v.isMap {
				key, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v.keys = append(v.keys, key.(string))
			}
			item, err := read(dec)
			if err != nil {
				return nil, err
			}
			v.items = append(v.items, item)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return v, nil
	case string:
		return &value{text: tok, isString: true}, nil
	case json.Number:
		return &value{text: tok.String()}, nil
	case bool:
		if tok {
			return &value{text: "true"}, nil
		}
		return &value{text: "false"}, nil
	case nil:
		return &value{text: "null"}, nil
	}
	return nil, errors.New("unexpected JSON token")
}

// scalar is the YAML form of a scalar.
func (v *value) scalar() string {
	if v.isString {
		return quote(v.text)
	}
	return v.text
}

// writeValue writes v as the value of a mapping key or a sequence item that
// has just been written at the given indentation.
func writeValue(buf *bytes.Buffer, v *value, indent int) {
	switch {
	case v.isMap && len(v.keys) == 0:
		buf.WriteString(" {}\n")
	case v.isList && len(v.items) == 0:
		buf.WriteString(" []\n")
	case v.isMap || v.isList:
		buf.WriteByte('\n')
		writeBlock(buf, v, indent, false)
	default:
		buf.WriteByte(' ')
		buf.WriteString(v.scalar())
		buf.WriteByte('\n')
	}
}

// writeBlock writes a mapping or a sequence, each entry on its line at
// indent; inline means the first line follows a "- " already written.
func writeBlock(buf *bytes.Buffer, v *value, indent int, inline bool) {
	pad := strings.Repeat(" ", indent)
	for i, item := range v.items {
		if i > 0 || !inline {
			buf.WriteString(pad)
		}
		if v.isMap {
			buf.WriteString(quote(v.keys[i]))
			buf.WriteByte(':')
			writeValue(buf, item, indent+2)
			continue
		}
		buf.WriteString("- ")
		switch {
		case item.isMap && len(item.keys) > 0:
			writeBlock(buf, item, indent+2, true)
		case item.isList && len(item.items) > 0:
			writeBlock(buf, item, indent+2, true)
		case item.isMap:
			buf.WriteString("{}\n")
		case item.isList:
			buf.WriteString("[]\n")
		default:
			buf.WriteString(item.scalar())
			buf.WriteByte('\n')
		}
	}
}

// quote returns s as a YAML scalar: plain when YAML reads it back as the
// same string, else double-quoted.
func quote(s string) string {
	if plain(s) {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s { // an invalid byte reads as U+FFFD, as in JSON
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		// What YAML does not let a document hold (control characters,
		// U+FFFE, U+FFFF), and the characters it reads as line breaks or
		// drops: escaped.
		case r < 0x20 || !printable(r) || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// printable reports whether a YAML document may hold r as it is: YAML's
// c-printable set, which readers enforce.
func printable(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7e || r == 0x85 ||
		r >= 0xa0 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff
}

// plain reports whether s can be written without quotes: printable ASCII
// that starts with neither an indicator nor "...", holds no ": " or " #",
// does not end in a space or a colon, and does not read as another type.
func plain(s string) bool {
	if s == "" || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	// "..." at the start of a line, as a key can be, ends the document.
	if !plainFirst(s[0]) || strings.HasPrefix(s, "...") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !plainByte(c) {
			return false
		}
		if c == ':' && i+1 < len(s) && s[i+1] == ' ' || c == ' ' && i+1 < len(s) && s[i+1] == '#' {
			return false
		}
	}
	return !notString(s)
}

func plainFirst(c byte) bool {
	return isAlnum(c) || strings.IndexByte("_./$(<", c) >= 0
}

func plainByte(c byte) bool {
	return isAlnum(c) || strings.IndexByte("_./$(){}<>=+@,;*'|?!%&- :", c) >= 0
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// notString reports whether YAML 1.1 or 1.2 reads the plain scalar s as
// another type: a boolean, a null, a number (octal, hexadecimal, 1_000,
// 1e3, .5, 1:30 sexagesimal), an infinity, a date, or the merge key <<.
func notString(s string) bool {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ".inf", ".nan",
		"<<": // as a key, the merge key
		return true
	}
	// Every timestamp starts with a four-digit year and a dash; months and
	// days may have one digit.
	if len(s) > 4 && isDigits(s[:4]) && s[4] == '-' {
		return true
	}
	// A reader drops the underscores of a number before it reads it, even
	// in its base prefix and its exponent.
	s = strings.ReplaceAll(s, "_", "")
	if s == "" {
		return false
	}
	if len(s) > 1 && s[0] == '0' && strings.IndexByte("xXoObB", s[1]) >= 0 {
		return true
	}
	// [-+]?[0-9.:]+([eE][-+]?[0-9]+)?
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i++
	}
	start := i
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ':') {
		i++
	}
	if i == start {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if !isDigits(s[i:]) || i == len(s) {
			return false
		}
		return true
	}
	return i == len(s)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
