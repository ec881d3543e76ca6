// Package phonetic codes words by how they sound, so that a name spelled
// another way is still found: Kölner Phonetik (Postel 1969) for German
// spellings (Meier, Maier, Mayer and Meyer share a code, as do Schmidt and
// Schmitt, or Hofman and Hoffmann), and American Soundex for others (Thomson
// and Thompson). Codes are for comparing words, never for showing.
package phonetic

import (
	"slices"
	"strings"
	"unicode"
)

// Codes returns the codes of one word: its Kölner Phonetik code with its
// first letter ("k67m" for Meyer: the code alone is coarse, so that Nora and
// Meyer would sound alike), and its Soundex code ("sM600", which keeps the
// first letter too) — none for a word without letters. Two words sound alike
// when they share a code.
func Codes(word string) []string {
	letters := fold(word)
	if letters == "" {
		return nil
	}
	var out []string
	if k := cologne(letters); k != "" {
		out = append(out, "k"+k+strings.ToLower(letters[:1]))
	}
	if s := soundex(letters); s != "" {
		out = append(out, "s"+s)
	}
	return out
}

// NameCodes returns the codes of every word of a name (runs of letters),
// sorted, each once; never nil. Both search engines index a name by them.
func NameCodes(name string) []string {
	out := []string{}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) {
		out = append(out, Codes(w)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// fold returns the word's letters in upper case, umlauts and ß written out
// (Ä → A, ß → S) and other accents dropped (é → E); anything else is left out.
func fold(word string) string {
	var b strings.Builder
	for _, r := range word {
		switch r {
		case 'ß':
			b.WriteString("S")
			continue
		case 'æ', 'Æ':
			b.WriteString("AE")
			continue
		case 'ø', 'Ø':
			b.WriteString("O")
			continue
		}
		r = unicode.ToUpper(base(r))
		if r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// base maps a Latin letter with a diacritic to its base letter.
func base(r rune) rune {
	const from, to = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿŁłŚśŠšŹźŻżŽžĆćČčĘęŃńŞşĞğİıŘřŤťŮůĎďŇň",
		"AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOoooooUUUUuuuuYyyLlSsSsZzZzZzCcCcEeNnSsGgIiRrTtUuDdNn"
	if i := strings.IndexRune(from, r); i >= 0 {
		return []rune(to)[len([]rune(from[:i]))]
	}
	return r
}

// cologne returns the Kölner Phonetik code of upper-case ASCII letters.
func cologne(s string) string {
	at := func(i int) byte {
		if i < 0 || i >= len(s) {
			return 0
		}
		return s[i]
	}
	in := func(c byte, set string) bool { return c != 0 && strings.IndexByte(set, c) >= 0 }
	var raw []byte
	for i := 0; i < len(s); i++ {
		c, prev, next := s[i], at(i-1), at(i+1)
		var code string
		switch {
		case in(c, "AEIJOUY"):
			code = "0"
		case c == 'H':
			code = ""
		case c == 'B':
			code = "1"
		case c == 'P':
			code = "1"
			if next == 'H' {
				code = "3"
			}
		case in(c, "DT"):
			code = "2"
			if in(next, "CSZ") {
				code = "8"
			}
		case in(c, "FVW"):
			code = "3"
		case in(c, "GKQ"):
			code = "4"
		case c == 'C':
			switch {
			case i == 0:
				code = "8"
				if in(next, "AHKLOQRUX") {
					code = "4"
				}
			case in(prev, "SZ"):
				code = "8"
			case in(next, "AHKOQUX"):
				code = "4"
			default:
				code = "8"
			}
		case c == 'X':
			code = "48"
			if in(prev, "CKQ") {
				code = "8"
			}
		case c == 'L':
			code = "5"
		case in(c, "MN"):
			code = "6"
		case c == 'R':
			code = "7"
		case in(c, "SZ"):
			code = "8"
		}
		raw = append(raw, code...)
	}
	// Collapse repeated digits, then drop every 0 but a leading one.
	var out []byte
	for i, d := range raw {
		if i > 0 && raw[i-1] == d {
			continue
		}
		if d == '0' && len(out) > 0 {
			continue
		}
		out = append(out, d)
	}
	return string(out)
}

// soundex returns the American Soundex code of upper-case ASCII letters: the
// first letter and three digits.
func soundex(s string) string {
	digit := func(c byte) byte {
		switch {
		case strings.IndexByte("BFPV", c) >= 0:
			return '1'
		case strings.IndexByte("CGJKQSXZ", c) >= 0:
			return '2'
		case strings.IndexByte("DT", c) >= 0:
			return '3'
		case c == 'L':
			return '4'
		case c == 'M' || c == 'N':
			return '5'
		case c == 'R':
			return '6'
		}
		return 0 // vowels, H, W, Y
	}
	out := []byte{s[0]}
	last := digit(s[0])
	for i := 1; i < len(s) && len(out) < 4; i++ {
		c := s[i]
		d := digit(c)
		switch {
		case d == 0:
			if c != 'H' && c != 'W' { // a vowel separates equal digits; H and W do not
				last = 0
			}
		case d != last:
			out = append(out, d)
			last = d
		}
	}
	for len(out) < 4 {
		out = append(out, '0')
	}
	return string(out)
}
