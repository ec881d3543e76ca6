package ics

import (
	"strings"
	"testing"
)

func TestFoldLineAndEscape(t *testing.T) {
	var b strings.Builder
	long := "SUMMARY:" + strings.Repeat("ä", 60) // 128 octets, two-byte runes
	foldLine(&b, long)
	got := b.String()
	for i, l := range strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets", i, len(l))
		}
		if i > 0 && !strings.HasPrefix(l, " ") {
			t.Errorf("continuation line %d does not start with a space", i)
		}
	}
	if unfolded := strings.ReplaceAll(strings.TrimSuffix(got, "\r\n"), "\r\n ", ""); unfolded != long {
		t.Errorf("unfolded: got %q, want %q", unfolded, long)
	}
	if got, want := EscapeText("a\\b;c,d\ne"), `a\\b\;c\,d\ne`; got != want {
		t.Errorf("EscapeText: got %q, want %q", got, want)
	}
}
