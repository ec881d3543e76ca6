package opentomentor

import "strings"

// Slug derives a readable identifier from a name: lower-case ASCII letters
// and digits, German umlauts and ß transliterated, every other run of
// characters one dash, at most max bytes, no dash at either end.
func Slug(name string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == 'ä':
			b.WriteString("ae")
			dash = false
		case r == 'ö':
			b.WriteString("oe")
			dash = false
		case r == 'ü':
			b.WriteString("ue")
			dash = false
		case r == 'ß':
			b.WriteString("ss")
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		if b.Len() > max {
			break
		}
	}
	s := b.String()
	if len(s) > max {
		s = s[:max]
	}
	return strings.Trim(s, "-")
}
