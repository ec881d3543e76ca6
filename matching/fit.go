package matching

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
)

// Weights weigh the fit factors. With weights summing to 1, Total is in 0..1.
type Weights struct {
	Topic, Language, Availability, Interests, TimeZone, Preference float64
}

// DefaultWeights favours what the mentee wants to learn, then the mentee's own
// preference, availability and "chemistry" (shared interests). They sum to 1.
func DefaultWeights() Weights {
	return Weights{Topic: 0.35, Language: 0.10, Availability: 0.15, Interests: 0.15, TimeZone: 0.10, Preference: 0.15}
}

// Factor is one explained component of a Score: Contribution = Score * Weight.
type Factor struct {
	Name         string  `json:"name"`
	Score        float64 `json:"score"` // 0..1
	Weight       float64 `json:"weight"`
	Contribution float64 `json:"contribution"`
	Why          string  `json:"why"` // English
	// Key and Args explain the factor for translation (see Why).
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}

// Score is the fit of a pair: Total is the sum of the factors' contributions.
type Score struct {
	Total   float64
	Factors []Factor
}

// Factor names, in the order of Score.Factors.
const (
	FactorTopic        = "topic"
	FactorLanguage     = "language"
	FactorAvailability = "availability"
	FactorInterests    = "interests"
	FactorTimeZone     = "timezone"
	FactorPreference   = "preference"
)

var factorNames = [nFactors]string{FactorTopic, FactorLanguage, FactorAvailability, FactorInterests, FactorTimeZone, FactorPreference}

const nFactors = 6

func (w Weights) array() [nFactors]float64 {
	return [nFactors]float64{w.Topic, w.Language, w.Availability, w.Interests, w.TimeZone, w.Preference}
}

// Hours per month a term needs for a full availability score: a shorter term
// needs a denser cadence to get anywhere.
var termHours = map[string]float64{"quarter": 4, "half-year": 3, "year": 2}

const defaultTermHours = 3 // unknown or empty term: as a half-year

// Language factor: one shared language scores 0.8, two or more 1 (a fallback
// language helps when a topic gets technical).
const oneLanguageScore = 0.8

// prepared is a side's data normalised once: lower-cased, trimmed, sorted,
// deduplicated sets, so that Assign scores n² pairs without allocating.
type prepared struct {
	topics, langs, interests []string
	country, region          string
	// With bits (set by internSets for a whole cohort): the three sets as
	// bit sets over the cohort's distinct values, for scoring without
	// explanations.
	bits                              bool
	topicBits, langBits, interestBits uint64
	need                              float64 // a mentee's termNeed, once per cohort (0: not yet)
}

// termNeed is the hours a month a term needs (quarter 4 h, half-year and
// unknown terms 3 h, year 2 h).
func termNeed(term string) float64 {
	if need, ok := termHours[strings.ToLower(strings.TrimSpace(term))]; ok {
		return need
	}
	return defaultTermHours
}

// internSets gives every prepared side of a cohort its bit sets when no
// kind of set has more than 64 distinct values in the cohort.
func internSets(sides ...[]prepared) {
	kinds := []struct {
		set  func(*prepared) []string
		bits func(*prepared) *uint64
	}{
		{func(p *prepared) []string { return p.topics }, func(p *prepared) *uint64 { return &p.topicBits }},
		{func(p *prepared) []string { return p.langs }, func(p *prepared) *uint64 { return &p.langBits }},
		{func(p *prepared) []string { return p.interests }, func(p *prepared) *uint64 { return &p.interestBits }},
	}
	for _, k := range kinds {
		ids := map[string]uint{}
		for _, side := range sides {
			for i := range side {
				for _, x := range k.set(&side[i]) {
					if _, ok := ids[x]; !ok {
						ids[x] = uint(len(ids))
					}
				}
			}
		}
		if len(ids) > 64 {
			return
		}
		for _, side := range sides {
			for i := range side {
				b := k.bits(&side[i])
				for _, x := range k.set(&side[i]) {
					*b |= 1 << ids[x]
				}
			}
		}
	}
	for _, side := range sides {
		for i := range side {
			side[i].bits = true
		}
	}
}

// common counts the shared values of two sets: by their bit sets when both
// have them and nothing is to be collected, else as sorted lists.
func common(a, b []string, abits, bbits uint64, fast bool, out *[]string) int {
	if fast && out == nil {
		return bits.OnesCount64(abits & bbits)
	}
	return intersect(a, b, out)
}

func prepare(p Person, topics []string) prepared {
	c := strings.ToUpper(strings.TrimSpace(p.Country))
	return prepared{topics: normSet(topics), langs: normSet(p.Languages), interests: normSet(p.Interests), country: c, region: regionOf[c]}
}

func normSet(xs []string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if x = strings.ToLower(strings.TrimSpace(x)); x != "" {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// intersect counts (and, if out != nil, collects) the common elements of two
// sorted sets.
func intersect(a, b []string, out *[]string) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			if out != nil {
				*out = append(*out, a[i])
			}
			n++
			i++
			j++
		}
	}
	return n
}

// preferenceRank is the 1-based rank of the mentor among the mentee's first five
// preferences, 0 if not preferred.
func preferenceRank(preferred []string, profileID string) int {
	for i, id := range preferred {
		if i >= 5 {
			break
		}
		if id != "" && id == profileID {
			return i + 1
		}
	}
	return 0
}

// factors computes the factor scores; with explain it also says why.
func factors(pm, pe *prepared, m *Mentor, e *Mentee, explain bool) (s [nFactors]float64, why [nFactors]Why) {
	var shared []string
	var out *[]string
	if explain {
		out = &shared
	}
	fast := pm.bits && pe.bits

	// Topic: share of the mentee's topics the mentor teaches.
	if len(pe.topics) > 0 {
		n := common(pe.topics, pm.topics, pe.topicBits, pm.topicBits, fast, out)
		s[0] = float64(n) / float64(len(pe.topics))
		if explain {
			why[0] = explainf("topic.shared", map[string]any{"n": n, "of": len(pe.topics), "topics": slices.Clone(shared)}, "teaches %d of %d requested topics (%s)", n, len(pe.topics), listOrNone(shared))
		}
	} else if explain {
		why[0] = explainf("topic.none", nil, "the mentee named no topics")
	}

	// Language: 0 none, 0.8 one, 1 two or more shared.
	shared = shared[:0]
	switch n := common(pm.langs, pe.langs, pm.langBits, pe.langBits, fast, out); {
	case n >= 2:
		s[1] = 1
	case n == 1:
		s[1] = oneLanguageScore
	}
	if explain {
		why[1] = explainf("language.shared", map[string]any{"languages": slices.Clone(shared)}, "shared languages: %s", listOrNone(shared))
	}

	// Availability: hours offered per month against what the term needs
	// (quarter 4 h, half-year 3 h, year 2 h), capped at 1.
	need := pe.need
	if need == 0 {
		need = termNeed(e.Term)
	}
	if m.HoursPerMonth > 0 {
		s[2] = math.Min(1, float64(m.HoursPerMonth)/need)
	}
	if explain {
		term := e.Term
		if term == "" {
			term = "unspecified term"
		}
		why[2] = explainf("availability.hours", map[string]any{"hours": m.HoursPerMonth, "term": e.Term, "need": need}, "%d h/month offered, %s needs %g h/month", m.HoursPerMonth, term, need)
	}

	// Interests: Jaccard index of the interest sets.
	shared = shared[:0]
	inter := common(pm.interests, pe.interests, pm.interestBits, pe.interestBits, fast, out)
	if union := len(pm.interests) + len(pe.interests) - inter; union > 0 {
		s[3] = float64(inter) / float64(union)
	}
	if explain {
		why[3] = explainf("interests.shared", map[string]any{"n": inter, "of": len(pm.interests) + len(pe.interests) - inter, "interests": slices.Clone(shared)}, "%d shared of %d interests (%s)", inter, len(pm.interests)+len(pe.interests)-inter, listOrNone(shared))
	}

	// Time zone: same country 1, same region 0.6, else 0.2.
	switch {
	case pm.country != "" && pm.country == pe.country:
		s[4] = 1
		if explain {
			why[4] = explainf("timezone.country", map[string]any{"country": pm.country}, "same country %s", pm.country)
		}
	case pm.region != "" && pm.region == pe.region:
		s[4] = 0.6
		if explain {
			why[4] = explainf("timezone.region", map[string]any{"region": pm.region, "mentor": pm.country, "mentee": pe.country}, "same region %s (%s, %s)", pm.region, pm.country, pe.country)
		}
	default:
		s[4] = 0.2
		if explain {
			why[4] = explainf("timezone.different", map[string]any{"mentor": pm.country, "mentee": pe.country}, "different or unknown regions (%s, %s)", orUnknown(pm.country), orUnknown(pe.country))
		}
	}

	// Preference: rank 1 → 1.0, 2 → 0.9, … 5 → 0.6; not preferred → 0.
	if r := preferenceRank(e.Preferred, m.ProfileID); r > 0 {
		s[5] = 1 - 0.1*float64(r-1)
		if explain {
			why[5] = explainf("preference.rank", map[string]any{"rank": r}, "the mentee's preference #%d", r)
		}
	} else if explain {
		why[5] = explainf("preference.none", nil, "not among the mentee's preferences")
	}
	return s, why
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// total sums weighted factor scores in factor order; Fit and Assign share it so
// that both get bit-identical totals.
func total(wa [nFactors]float64, s [nFactors]float64) float64 {
	t := 0.0
	for i := range s {
		t += wa[i] * s[i]
	}
	return t
}

func fitPrepared(w Weights, pm, pe *prepared, m *Mentor, e *Mentee) Score {
	wa := w.array()
	s, why := factors(pm, pe, m, e, true)
	sc := Score{Total: total(wa, s), Factors: make([]Factor, nFactors)}
	for i := range s {
		sc.Factors[i] = Factor{Name: factorNames[i], Score: s[i], Weight: wa[i], Contribution: wa[i] * s[i], Why: why[i].Text, Key: why[i].Key, Args: why[i].Args}
	}
	return sc
}

// Fit scores a pair and explains each factor:
//   - topic: share of the mentee's topics the mentor teaches;
//   - language: 0 without a shared language, 0.8 with one, 1 with two or more;
//   - availability: min(1, HoursPerMonth / need), need = 4 h for a quarter,
//     3 h for a half-year (and unknown terms), 2 h for a year;
//   - interests: Jaccard index of the interest sets (0 when both are empty);
//   - timezone: same country 1, same region 0.6, else 0.2;
//   - preference: the mentee's rank r (1..5) of this mentor → 1 - 0.1(r-1), else 0.
//
// Strings compare case-insensitively. Fit does not check the hard rules.
func Fit(w Weights, m Mentor, e Mentee) Score {
	pm, pe := prepare(m.Person, m.Topics), prepare(e.Person, e.Topics)
	return fitPrepared(w, &pm, &pe, &m, &e)
}

// regionOf maps ISO 3166-1 alpha-2 codes to a coarse time-zone region.
var regionOf = func() map[string]string {
	regions := map[string]string{
		"europe":        "AD AL AT BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GI GR HR HU IE IS IT LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS SE SI SK SM UA UK VA XK",
		"north-america": "US CA",
		"latin-america": "MX GT BZ SV HN NI CR PA CU DO HT JM PR TT BR AR CL CO PE UY PY BO EC VE",
		"mena":          "AE BH DZ EG IL IQ IR JO KW LB LY MA OM PS QA SA SY TN TR YE",
		"africa":        "AO BW CI CM ET GH KE MG MU MZ NA NG RW SN TZ UG ZA ZM ZW",
		"asia-pacific":  "AU BD CN HK ID IN JP KH KR LK MY MN NP NZ PH PK SG TH TW VN",
	}
	m := map[string]string{}
	for r, cs := range regions {
		for _, c := range strings.Fields(cs) {
			m[c] = r
		}
	}
	return m
}()

// ExplainKeys are the keys of the factors' explanations (Factor.Key), for
// pages to translate.
var ExplainKeys = []string{
	"topic.shared", "topic.none", "language.shared", "availability.hours", "interests.shared",
	"timezone.country", "timezone.region", "timezone.different", "preference.rank", "preference.none",
}

// explainf returns a Why; a factor's key is "<factor>.<case>", a rule's its name.
func explainf(key string, args map[string]any, format string, a ...any) Why {
	return Why{Key: key, Args: args, Text: fmt.Sprintf(format, a...)}
}
