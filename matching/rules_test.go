package matching

import (
	otm "github.com/opentomentor/opentomentor"

	"strings"
	"testing"
)

// world: acme and acme-sub share a group; bolt lists cogs as a competitor (one
// side only); delta has no entry at all.
func testWorld() *World {
	return &World{Orgs: map[string]Org{
		"acme":     {ID: "acme", Group: "acme-group"},
		"acme-sub": {ID: "acme-sub", Group: "acme-group"},
		"bolt":     {ID: "bolt", Competitors: []string{"cogs"}},
		"cogs":     {ID: "cogs"},
		"echo":     {ID: "echo", Competitors: []string{"acme-group"}},
	}}
}

func mentor(id, org string) Mentor {
	return Mentor{Person: Person{UserID: "u-" + id, OrgID: org, Languages: []string{"de", "en"}, Country: "DE"}, ProfileID: id, HoursPerMonth: 4}
}

func mentee(id, org string) Mentee {
	return Mentee{Person: Person{UserID: "u-" + id, OrgID: org, Languages: []string{"en"}, Country: "DE"}, RequestID: id, Term: "half-year"}
}

func TestRules(t *testing.T) {
	w := testWorld()
	with := func(m Mentor, f func(*Mentor)) Mentor { f(&m); return m }
	withE := func(e Mentee, f func(*Mentee)) Mentee { f(&e); return e }
	tests := []struct {
		name     string
		rule     func(*World, Mentor, Mentee) Why
		m        Mentor
		e        Mentee
		refused  bool
		contains string
	}{
		{"same org refused", SameOrganization, mentor("m", "acme"), mentee("e", "acme"), true, "same organization"},
		{"different org allowed", SameOrganization, mentor("m", "acme"), mentee("e", "bolt"), false, ""},
		{"both without org allowed", SameOrganization, mentor("m", ""), mentee("e", ""), false, ""},

		{"same group via orgs refused", SameGroup, mentor("m", "acme"), mentee("e", "acme-sub"), true, "acme-group"},
		{"same declared group refused", SameGroup, with(mentor("m", "x"), func(m *Mentor) { m.Group = "g" }), withE(mentee("e", "y"), func(e *Mentee) { e.Group = "g" }), true, `"g"`},
		{"different groups allowed", SameGroup, mentor("m", "acme"), mentee("e", "bolt"), false, ""},
		{"no groups allowed", SameGroup, mentor("m", "bolt"), mentee("e", "cogs"), false, ""},
		{"nil world allowed", func(_ *World, m Mentor, e Mentee) Why { return SameGroup(nil, m, e) }, mentor("m", "acme"), mentee("e", "acme-sub"), false, ""},

		{"mentor's org lists mentee's", Competitors, mentor("m", "bolt"), mentee("e", "cogs"), true, "mentor's organization"},
		{"mentee's org lists mentor's (symmetric)", Competitors, mentor("m", "cogs"), mentee("e", "bolt"), true, "mentee's organization"},
		{"competitor by group", Competitors, mentor("m", "echo"), mentee("e", "acme-sub"), true, "competitor"},
		{"competitor by group, other side", Competitors, mentor("m", "acme"), mentee("e", "echo"), true, "competitor"},
		{"not competitors", Competitors, mentor("m", "bolt"), mentee("e", "acme"), false, ""},
		{"unknown orgs", Competitors, mentor("m", "delta"), mentee("e", "zulu"), false, ""},

		{"mentee manages mentor", LineManagement, with(mentor("m", "a"), func(m *Mentor) { m.Managers = []string{"u-boss", "u-e"} }), mentee("e", "b"), true, "mentor's line-management"},
		{"mentor manages mentee", LineManagement, mentor("m", "a"), withE(mentee("e", "b"), func(e *Mentee) { e.Managers = []string{"u-m"} }), true, "mentee's line-management"},
		{"unrelated managers", LineManagement, with(mentor("m", "a"), func(m *Mentor) { m.Managers = []string{"u-x"} }), withE(mentee("e", "b"), func(e *Mentee) { e.Managers = []string{"u-y"} }), false, ""},
		{"empty user ids do not match", LineManagement, with(mentor("m", "a"), func(m *Mentor) { m.Managers = []string{""} }), withE(mentee("e", "b"), func(e *Mentee) { e.UserID = "" }), false, ""},

		{"shared language allowed (case-insensitive)", NoSharedLanguage, mentor("m", "a"), withE(mentee("e", "b"), func(e *Mentee) { e.Languages = []string{"fr", " EN"} }), false, ""},
		{"no shared language", NoSharedLanguage, mentor("m", "a"), withE(mentee("e", "b"), func(e *Mentee) { e.Languages = []string{"fr"} }), true, "no shared language"},
		{"mentee without languages", NoSharedLanguage, mentor("m", "a"), withE(mentee("e", "b"), func(e *Mentee) { e.Languages = nil }), true, "mentee: none"},

		{"default capacity free", CapacityReached, mentor("m", "a"), mentee("e", "b"), false, ""},
		{"default capacity used", CapacityReached, with(mentor("m", "a"), func(m *Mentor) { m.Active = 1 }), mentee("e", "b"), true, "1 of 1"},
		{"capacity 2, one active", CapacityReached, with(mentor("m", "a"), func(m *Mentor) { m.Capacity, m.Active = 2, 1 }), mentee("e", "b"), false, ""},
		{"capacity 2, two active", CapacityReached, with(mentor("m", "a"), func(m *Mentor) { m.Capacity, m.Active = 2, 2 }), mentee("e", "b"), true, "2 of 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := tt.rule(w, tt.m, tt.e)
			got := y.Text
			if (got != "") != tt.refused {
				t.Fatalf("refused = %v (%q), want %v", got != "", got, tt.refused)
			}
			if !strings.Contains(got, tt.contains) {
				t.Errorf("reason %q does not contain %q", got, tt.contains)
			}
			if tt.refused && y.Key == "" {
				t.Errorf("got no key for %q, want the rule's key", got)
			}
		})
	}
}

func TestRulesOrder(t *testing.T) {
	want := []string{"same_organization", "same_group", "competitors", "line_management", "no_shared_language", "capacity_reached"}
	if len(Rules) != len(want) {
		t.Fatalf("len(Rules) = %d, want %d", len(Rules), len(want))
	}
	for i, r := range Rules {
		if r.Name != want[i] {
			t.Errorf("Rules[%d] = %s, want %s", i, r.Name, want[i])
		}
	}
}

func TestAllowedFirstRule(t *testing.T) {
	w := testWorld()
	// Everything wrong at once: same org (hence group), no language, full.
	m := mentor("m", "acme")
	m.Active = 1
	m.Managers = []string{"u-e"}
	e := mentee("e", "acme")
	e.Languages = []string{"fr"}

	tests := []struct {
		name     string
		mentorOr string // mentor's org
		langs    []string
		managers []string
		active   int
		want     string
	}{
		{"all fire", "acme", []string{"fr"}, []string{"u-e"}, 1, RuleSameOrganization},
		{"group next", "acme-sub", []string{"fr"}, []string{"u-e"}, 1, RuleSameGroup},
		{"competitors next", "echo", []string{"fr"}, []string{"u-e"}, 1, RuleCompetitors},
		{"line management next", "bolt", []string{"fr"}, []string{"u-e"}, 1, RuleLineManagement},
		{"language next", "bolt", []string{"fr"}, nil, 1, RuleNoSharedLanguage},
		{"capacity last", "bolt", []string{"en"}, nil, 1, RuleCapacityReached},
		{"allowed", "bolt", []string{"en"}, nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m.OrgID, m.Managers, m.Active = tt.mentorOr, tt.managers, tt.active
			e.Languages = tt.langs
			ok, rule, reason := Allowed(w, m, e)
			if rule != tt.want || ok != (tt.want == "") || (reason.Text == "") != ok || (!ok && reason.Key != tt.want) {
				t.Errorf("Allowed = %v, %q, %q; want rule %q", ok, rule, reason, tt.want)
			}
		})
	}
}

// TestRuleKeysArePlatformKeys: the rule names are the platform's rule keys,
// so a refusal translates the same wherever it comes from.
func TestRuleKeysArePlatformKeys(t *testing.T) {
	want := map[string]string{
		RuleSameOrganization: otm.RuleSameOrganization, RuleSameGroup: otm.RuleSameGroup, RuleCompetitors: otm.RuleCompetitors,
		RuleLineManagement: otm.RuleLineManagement, RuleNoSharedLanguage: otm.RuleNoSharedLanguage, RuleCapacityReached: otm.RuleCapacityReached,
	}
	for got, w := range want {
		if got != w {
			t.Errorf("got rule %q, want the platform key %q", got, w)
		}
	}
}
