package frontend

import (
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/opentomentor/opentomentor/moderation"
)

// countryCodes are the officially assigned ISO 3166-1 alpha-2 codes.
var countryCodes = strings.Fields(`
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW`)

// firstCountries are listed before all others, in this order: the program's home.
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
		l.countries[lang] = sortedNames(lang, countryCodes, firstCountries, moderation.CountryName)
		l.languages[lang] = sortedNames(lang, commonLanguages, firstLanguages, moderation.LanguageName)
	}
	return l
}

// sortByName sorts items by their name in lang's collation order.
func sortByName[T any](lang string, items []T, name func(T) string) {
	col := collate.New(language.Make(lang), collate.Loose)
	slices.SortStableFunc(items, func(a, b T) int { return col.CompareString(name(a), name(b)) })
}
