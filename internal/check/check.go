// Package check holds the input checks that several features share: text
// lengths, tag lists, language and country codes. Each check records what it
// finds in an otm.Problems with a rule key and its arguments.
package check

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	otm "github.com/opentomentor/opentomentor"
)

// MaxLanguages is how many languages a profile or request may name.
const MaxLanguages = 8

// Text trims *v and checks it: valid UTF-8, no control characters (line
// breaks and tabs allowed when multiline), at most max characters and at
// least min when required or not empty.
func Text(p *otm.Problems, field string, v *string, min, max int, multiline, required bool) {
	*v = strings.TrimSpace(*v)
	if !utf8.ValidString(*v) {
		p.Add(field, otm.RuleInvalidUTF8, nil, "is not valid UTF-8")
		return
	}
	if HasControl(*v, multiline) {
		p.Add(field, otm.RuleControlChars, nil, "contains control characters")
		return
	}
	n := utf8.RuneCountInString(*v)
	switch {
	case n > max:
		p.Add(field, otm.RuleMaxLength, otm.Args{"max": max, "length": n}, "must be at most %d characters (is %d)", max, n)
	case n < min && (required || n > 0):
		p.Add(field, otm.RuleMinLength, otm.Args{"min": min}, "must be at least %d characters", min)
	}
}

// Between checks that *v, trimmed, has min–max characters and no control
// characters (line breaks allowed when multiline).
func Between(p *otm.Problems, field string, v *string, min, max int, multiline bool) {
	*v = strings.TrimSpace(*v)
	if n := utf8.RuneCountInString(*v); n < min || n > max || HasControl(*v, multiline) || !utf8.ValidString(*v) {
		p.Add(field, otm.RuleLength, otm.Args{"min": min, "max": max}, "must be %d–%d characters", min, max)
	}
}

// Tags normalises a list of short free-text entries and checks it: at most
// max entries, each at most maxLen characters without control characters.
func Tags(p *otm.Problems, field string, v *[]string, max, maxLen int) {
	*v = NormList(*v, strings.TrimSpace)
	if len(*v) > max {
		p.Add(field, otm.RuleMaxItems, otm.Args{"max": max}, "at most %d entries", max)
	}
	for i, x := range *v {
		if n := utf8.RuneCountInString(x); n > maxLen || HasControl(x, false) {
			p.Add(fmt.Sprintf("%s[%d]", field, i), otm.RuleItemLength, otm.Args{"max": maxLen, "value": Truncate(x, 80)},
				"must be 1–%d characters without control characters", maxLen)
		}
	}
}

// Languages normalises ISO 639-1 codes and checks them; required asks for at
// least one.
func Languages(p *otm.Problems, langs []string, required bool) []string {
	langs = NormList(langs, strings.ToLower)
	switch {
	case len(langs) > MaxLanguages:
		p.Add("languages", otm.RuleMaxItems, otm.Args{"max": MaxLanguages}, "at most %d languages", MaxLanguages)
	case required && len(langs) == 0:
		p.Add("languages", otm.RuleRequired, nil, "name at least one language")
	}
	for i, l := range langs {
		if !ValidLanguage(l) {
			p.Add(fmt.Sprintf("languages[%d]", i), otm.RuleLanguageCode, otm.Args{"value": Truncate(l, 10)},
				"%q is not an ISO 639-1 language code", Truncate(l, 10))
		}
	}
	return langs
}

// OneOf checks that v is one of allowed.
func OneOf(p *otm.Problems, field, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		p.Add(field, otm.RuleOneOf, otm.Args{"allowed": allowed}, "must be one of %s", strings.Join(allowed, ", "))
	}
}

// NormList trims entries, applies norm, drops empty ones and duplicates, and
// keeps the order.
func NormList(in []string, norm func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		v = norm(strings.TrimSpace(v))
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// HasControl reports whether s holds control characters (line breaks and
// tabs allowed when multiline).
func HasControl(s string, multiline bool) bool {
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return true
		}
	}
	return false
}

// Truncate shortens s to n characters and an ellipsis.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// ValidLanguage reports whether code is an ISO 639-1 code.
func ValidLanguage(code string) bool {
	if len(code) != 2 || code != strings.ToLower(code) || deprecatedLanguages[code] {
		return false
	}
	b, err := language.ParseBase(code)
	return err == nil && b.String() == code && display.English.Languages().Name(b) != ""
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 country code.
func ValidCountry(code string) bool {
	return countrySet[code]
}

// LanguageName returns a language's name in lang (en or de).
func LanguageName(code, lang string) string {
	b, err := language.ParseBase(code)
	if err != nil {
		return code
	}
	n := display.English.Languages()
	if lang == "de" {
		n = display.German.Languages()
	}
	if s := n.Name(b); s != "" {
		return s
	}
	return code
}

// CountryName returns a country's name in lang (en or de).
func CountryName(code, lang string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	n := display.English.Regions()
	if lang == "de" {
		n = display.German.Regions()
	}
	if s := n.Name(r); s != "" {
		return s
	}
	return code
}

// SpreadsheetCell neutralises a CSV cell that a spreadsheet would run as a
// formula with a leading ': one whose first visible character is = + - @ (or
// their full-width forms), or that starts with a tab or carriage return.
// Spaces and invisible characters (zero-width spaces, byte order marks,
// direction marks) before it do not hide it.
func SpreadsheetCell(s string) string {
	for _, r := range s {
		switch {
		case r == '\t' || r == '\r':
			return "'" + s
		case unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r):
			continue
		case strings.ContainsRune("=+-@＝＋－＠", r):
			return "'" + s
		}
		return s
	}
	return s
}

// Paging checks a list's limit (0 means def) and offset: limit 1–max,
// offset 0–100000.
func Paging(p *otm.Problems, limit *int, offset, def, max int) {
	if *limit == 0 {
		*limit = def
	}
	if *limit < 1 || *limit > max {
		p.Add("limit", otm.RuleRange, otm.Args{"min": 1, "max": max}, "must be between 1 and %d", max)
	}
	if offset < 0 || offset > 100000 {
		p.Add("offset", otm.RuleRange, otm.Args{"min": 0, "max": 100000}, "must be between 0 and 100000")
	}
}
