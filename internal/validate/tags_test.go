package validate

import (
	"regexp"
	"testing"
	"unicode/utf8"
)

func TestTagText(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"", true},
		{"team", true},
		{"a b", true},
		{"a\u00a0b", true},   // no-break space, a separator
		{"x\u00b2", true},    // superscript two, a number (No), not a digit
		{"\u2167", true},     // Roman numeral eight, a number (Nl)
		{"é_.:/=+-@9", true}, // every punctuation AWS takes
		{"a\tb", false},
		{"a\nb", false},
		{"a\rb", false},
		{"a\u0085b", false}, // next line: a space to Go, not a separator
		{"a,b", false},
		{"a*b", false},
		{"traefik.http.routers.web.rule=Host(`x`)", false},
		{"\xff", false},
	} {
		if got := tagText(tt.s); got != tt.want {
			t.Errorf("tagText(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestTagTextPattern checks tagText against AWS's own pattern, rune by rune.
func TestTagTextPattern(t *testing.T) {
	aws := regexp.MustCompile(`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
	for c := rune(0); c <= utf8.MaxRune; c++ {
		s := string(c)
		if got, want := tagText(s), aws.MatchString(s); got != want {
			t.Errorf("tagText(%q) (U+%04X) = %v, AWS's pattern says %v", s, c, got, want)
		}
	}
}
