package frontend

import (
	"slices"

	"github.com/opentomentor/opentomentor/internal/check"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// countryCodes are the officially assigned ISO 3166-1 alpha-2 codes.
var countryCodes = check.CountryCodes

var firstCountries = []string{"DE", "AT", "CH"}

// commonLanguages are offered as checkboxes on the application form (ISO 639-1);
// any other code can be typed in.
var commonLanguages = []string{
	"de", "en", "fr", "es", "it", "nl", "pl", "pt", "tr", "ru", "uk", "ar", "fa",
	"zh", "ja", "ko", "hi", "sv", "da", "no", "fi", "cs", "el", "hu", "ro",
}

// firstLanguages are listed before the other common languages.
var firstLanguages = []string{"de", "en"}

// named is a code with its localized name.
type named struct{ Code, Name string }

// sortedNames returns codes with names in lang, the codes of first in that order,
// then the others by name in lang's collation order.
func sortedNames(lang string, codes, first []string, name func(code, lang string) string) []named {
	col := collate.New(language.Make(lang), collate.Loose)
	out := make([]named, 0, len(codes))
	for _, c := range first {
		out = append(out, named{c, name(c, lang)})
	}
	rest := make([]named, 0, len(codes))
	for _, c := range codes {
		if !slices.Contains(first, c) {
			rest = append(rest, named{c, name(c, lang)})
		}
	}
	slices.SortStableFunc(rest, func(a, b named) int { return col.CompareString(a.Name, b.Name) })
	return append(out, rest...)
}

// nameLists holds the country and language lists per language, built once.
type nameLists struct {
	countries map[string][]named
	languages map[string][]named
}

func buildNameLists() nameLists {
	l := nameLists{countries: map[string][]named{}, languages: map[string][]named{}}
	for _, lang := range languages {
		l.countries[lang] = sortedNames(lang, countryCodes, firstCountries, check.CountryName)
		l.languages[lang] = sortedNames(lang, commonLanguages, firstLanguages, check.LanguageName)
	}
	return l
}

// sortByName sorts items by their name in lang's collation order.
func sortByName[T any](lang string, items []T, name func(T) string) {
	col := collate.New(language.Make(lang), collate.Loose)
	slices.SortStableFunc(items, func(a, b T) int { return col.CompareString(name(a), name(b)) })
}
