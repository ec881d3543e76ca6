// Package matching is the explainable core of pairing mentors (young
// professionals) with mentees (executives). It is pure: no database, no I/O.
//
// Hard rules (Rules, Allowed) decide whether a pair may be proposed at all; Fit
// scores an allowed pair factor by factor so that a curator can see why;
// Suggest ranks candidates for one mentee; Assign computes an optimal
// assignment for a whole cohort (Hungarian algorithm). Algorithms only
// suggest: a curator approves every pairing.
package matching

import (
	"strings"
)

// Person is a side of a potential tandem.
type Person struct {
	UserID    string
	OrgID     string   // organization id
	Group     string   // corporate group ("" = none; falls back to World.Orgs[OrgID].Group)
	Managers  []string // declared line-management chain: user ids above this person
	Languages []string // ISO 639-1
	Country   string   // ISO 3166-1 alpha-2 (time-zone proxy)
	Interests []string
}

// Mentor is a young professional's #OpenToMentor profile, as matching sees it.
type Mentor struct {
	Person
	ProfileID     string
	Topics        []string // topics the mentor teaches
	HoursPerMonth int
	Capacity      int // tandems per program; 0 means the default, 1
	Active        int // tandems already in this program
}

// Mentee is an executive's request, as matching sees it.
type Mentee struct {
	Person
	RequestID string
	Topics    []string // topics the mentee wants to learn
	Term      string   // quarter | half-year | year
	Preferred []string // mentor profile ids, ranked, at most 5 count
}

// Org is what the rules need to know about an organization.
type Org struct {
	ID          string
	Group       string
	Competitors []string // organization ids (or group names) this organization competes with
}

// World is what the rules need to know about organizations. A nil World or an
// unknown organization id simply yields no group and no competitors.
type World struct {
	Orgs map[string]Org
}

func (w *World) org(id string) Org {
	if w == nil || id == "" {
		return Org{}
	}
	return w.Orgs[id]
}

// group returns the person's corporate group: the declared one, else the one of
// the organization.
func (w *World) group(p Person) string {
	if p.Group != "" {
		return p.Group
	}
	return w.org(p.OrgID).Group
}

// Why explains a refusal or a factor: a stable Key with Args that pages
// translate (ids stay ids: pages resolve topic, organization, language and
// country ids to their localized names), and the same in English (Text), for
// API clients and logs.
type Why struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
	Text string         `json:"text"`
}

// Rule is a named hard rule. Check returns the zero Why when the pair is
// allowed, else why not (Key is the rule's name; for curators, never shown to
// the other side).
type Rule struct {
	Name  string
	Check func(w *World, m Mentor, e Mentee) Why
}

// Rule names: the platform's rule keys (package opentomentor), so that a
// refusal reads the same whether matching or a proposal finds it.
const (
	RuleSameOrganization = "same_organization"
	RuleSameGroup        = "same_group"
	RuleCompetitors      = "competitors"
	RuleLineManagement   = "line_management"
	RuleNoSharedLanguage = "no_shared_language"
	RuleCapacityReached  = "capacity_reached"
)

// Rules are the hard rules, in the order Allowed evaluates them.
var Rules = []Rule{
	{RuleSameOrganization, SameOrganization},
	{RuleSameGroup, SameGroup},
	{RuleCompetitors, Competitors},
	{RuleLineManagement, LineManagement},
	{RuleNoSharedLanguage, NoSharedLanguage},
	{RuleCapacityReached, CapacityReached},
}

// Allowed reports whether the pair is allowed; if not, it names the first rule
// that fires and why.
func Allowed(w *World, m Mentor, e Mentee) (ok bool, rule string, reason Why) {
	for _, r := range Rules {
		if y := r.Check(w, m, e); y.Text != "" {
			y.Key = r.Name
			return false, r.Name, y
		}
	}
	return true, "", Why{}
}

// SameOrganization refuses a mentor and a mentee of the same organization:
// reverse mentoring on this platform is cross-company.
func SameOrganization(_ *World, m Mentor, e Mentee) Why {
	if m.OrgID != "" && m.OrgID == e.OrgID {
		return explainf(RuleSameOrganization, map[string]any{"organization": m.OrgID}, "mentor and mentee work for the same organization %q", m.OrgID)
	}
	return Why{}
}

// SameGroup refuses a mentor and a mentee whose organizations belong to the
// same corporate group.
func SameGroup(w *World, m Mentor, e Mentee) Why {
	gm, ge := w.group(m.Person), w.group(e.Person)
	if gm != "" && gm == ge {
		return explainf(RuleSameGroup, map[string]any{"group": gm}, "mentor and mentee belong to the same corporate group %q", gm)
	}
	return Why{}
}

// Competitors refuses a pair whose organizations compete. It is symmetric:
// either organization listing the other (its id or its group) counts.
func Competitors(w *World, m Mentor, e Mentee) Why {
	if m.OrgID == "" || e.OrgID == "" {
		return Why{}
	}
	om, oe := w.org(m.OrgID), w.org(e.OrgID)
	gm, ge := w.group(m.Person), w.group(e.Person)
	if lists(om.Competitors, e.OrgID, ge) {
		return explainf(RuleCompetitors, map[string]any{"lister": m.OrgID, "listed": e.OrgID}, "the mentor's organization %q lists the mentee's organization %q as a competitor", m.OrgID, e.OrgID)
	}
	if lists(oe.Competitors, m.OrgID, gm) {
		return explainf(RuleCompetitors, map[string]any{"lister": e.OrgID, "listed": m.OrgID}, "the mentee's organization %q lists the mentor's organization %q as a competitor", e.OrgID, m.OrgID)
	}
	return Why{}
}

func lists(competitors []string, org, group string) bool {
	for _, c := range competitors {
		if c != "" && (c == org || c == group) {
			return true
		}
	}
	return false
}

// LineManagement refuses a pair where one is in the other's declared
// line-management chain: the mentee is the mentor's manager (or above in that
// line), or the mentor manages the mentee.
func LineManagement(_ *World, m Mentor, e Mentee) Why {
	if e.UserID != "" && contains(m.Managers, e.UserID) {
		return explainf(RuleLineManagement, map[string]any{"manager": "mentee"}, "the mentee is in the mentor's line-management chain")
	}
	if m.UserID != "" && contains(e.Managers, m.UserID) {
		return explainf(RuleLineManagement, map[string]any{"manager": "mentor"}, "the mentor is in the mentee's line-management chain")
	}
	return Why{}
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// NoSharedLanguage refuses a pair without a common language (case-insensitive).
func NoSharedLanguage(_ *World, m Mentor, e Mentee) Why {
	for _, a := range m.Languages {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		for _, b := range e.Languages {
			if strings.EqualFold(a, strings.TrimSpace(b)) {
				return Why{}
			}
		}
	}
	return explainf(RuleNoSharedLanguage, map[string]any{"mentor": m.Languages, "mentee": e.Languages},
		"no shared language (mentor: %s; mentee: %s)", listOrNone(m.Languages), listOrNone(e.Languages))
}

func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

// capacity is the mentor's capacity with the default applied.
func capacity(m Mentor) int {
	if m.Capacity <= 0 {
		return 1
	}
	return m.Capacity
}

// remaining is the number of tandems the mentor can still take.
func remaining(m Mentor) int {
	if r := capacity(m) - m.Active; r > 0 {
		return r
	}
	return 0
}

// CapacityReached refuses a mentor whose capacity (default 1) is used up.
func CapacityReached(_ *World, m Mentor, _ Mentee) Why {
	if m.Active >= capacity(m) {
		return explainf(RuleCapacityReached, map[string]any{"active": m.Active, "capacity": capacity(m)}, "the mentor's capacity is reached (%d of %d tandems)", m.Active, capacity(m))
	}
	return Why{}
}
