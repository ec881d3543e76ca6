package opentomentor

import (
	"strings"
	"testing"
)

// FuzzSlug checks what Slug's doc comment promises: lower-case ASCII letters,
// digits and single dashes only, at most max bytes, no dash at either end;
// and what follows from it: a slug is its own slug, and a shorter max cuts
// the same slug (then drops a dash it ends on).
func FuzzSlug(f *testing.F) {
	seeds := []struct {
		s   string
		max int
	}{
		{"Mentoring Programme", 40},
		{"Größe Übung ÄÖÜ ß", 40},
		{"", 40},
		{"   ", 0},
		{"--(Team Nord)!!", 5},
		{"ab ö cd", 5},
		{"ab ö cd", 4},
		{"\u200b=cmd", 40},
		{"//evil.example", 40},
		{"javascript:alert(1)", 10},
		{"<script>alert(1)</script>", 64},
		{"a\r\nb\x00c", 40},
		{"\xff\xfe\xc3", 40},
		{"\u212a\u0130\u017f", 40}, // Kelvin sign, dotted capital I, long s: lower-case to ASCII or beyond
		{strings.Repeat("ä", 600), 63},
		{strings.Repeat("x- ", 700), 1 << 20},
	}
	for _, s := range seeds {
		f.Add(s.s, s.max)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 {
			max = -(max + 1) // the callers pass a positive bound
		}
		max %= 4096
		got := Slug(s, max)
		if len(got) > max {
			t.Fatalf("Slug(%q, %d) = %q: %d bytes, want at most %d", s, max, got, len(got), max)
		}
		for i := 0; i < len(got); i++ {
			if c := got[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				t.Fatalf("Slug(%q, %d) = %q: byte %q at %d is not [a-z0-9-]", s, max, got, c, i)
			}
		}
		if strings.HasPrefix(got, "-") || strings.HasSuffix(got, "-") || strings.Contains(got, "--") {
			t.Fatalf("Slug(%q, %d) = %q: dash at an end or doubled", s, max, got)
		}
		if again := Slug(got, max); again != got {
			t.Fatalf("Slug not idempotent: Slug(%q, %d) = %q, Slug(%q, %d) = %q", s, max, got, got, max, again)
		}
		// A smaller max cuts the same slug.
		full := Slug(s, 1<<30)
		want := full
		if len(want) > max {
			want = strings.TrimRight(want[:max], "-")
		}
		if got != want {
			t.Fatalf("Slug(%q, %d) = %q, want the full slug %q cut to %q", s, max, got, full, want)
		}
		// Every ASCII letter and digit of the name is kept, in order (the
		// full slug also has the transliterations and folded letters).
		var ascii strings.Builder
		for _, r := range s {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				ascii.WriteRune(r)
			} else if r >= 'A' && r <= 'Z' {
				ascii.WriteRune(r + 'a' - 'A')
			}
		}
		if !isSubsequence(ascii.String(), full) {
			t.Fatalf("Slug(%q) = %q lost some of the letters and digits %q", s, full, ascii.String())
		}
	})
}

// isSubsequence reports whether the bytes of sub appear in s in order.
func isSubsequence(sub, s string) bool {
	i := 0
	for j := 0; i < len(sub) && j < len(s); j++ {
		if sub[i] == s[j] {
			i++
		}
	}
	return i == len(sub)
}
