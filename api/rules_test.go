package api_test

import (
	"net/http"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"

	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/organization"
)

// tandemCount is how many tandems p takes part in.
func tandemCount(t *testing.T, p *person) int {
	t.Helper()
	status, out := p.call("GET", "/api/v1/me/tandems", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/me/tandems: got %d %v", status, out)
	}
	items, _ := out["items"].([]any)
	return len(items)
}

// excludedBy returns the rule and reason by which suggestions exclude a
// mentor profile ("" when they do not).
func excludedBy(sug map[string]any, profileID string) (rule, reason string) {
	excl, _ := sug["excluded"].([]any)
	for _, e := range excl {
		m, _ := e.(map[string]any)
		if mentor, _ := m["mentor"].(map[string]any); mentor["id"] == profileID {
			return str(m["rule"]), str(m["reason"])
		}
	}
	return "", ""
}

func suggested(sug map[string]any, profileID string) bool {
	list, _ := sug["suggestions"].([]any)
	for _, s := range list {
		if mentor, _ := s.(map[string]any)["mentor"].(map[string]any); mentor["id"] == profileID {
			return true
		}
	}
	return false
}

// TestIntegrationEveryHardRuleRefused proposes, through the API, one tandem
// per hard rule that breaks it (both directions where a rule has two) and
// checks a 409 problem naming the rule, and that nothing was stored.
func TestIntegrationEveryHardRuleRefused(t *testing.T) {
	h, op := newAppHarness(t)
	org := func(id string, domain string, group string, competitors ...string) organization.Organization {
		return organization.Organization{ID: id, Name: id, Domains: []string{domain}, Group: group, Competitors: competitors, Verified: true}
	}
	h.putOrgs(t,
		org("hanse", "hanse.example", ""),
		org("nordlicht", "nordlicht.example", ""),
		org("alpha-bank", "alpha-bank.example", "Alpha Gruppe"),
		org("alpha-insure", "alpha-insure.example", "Alpha Gruppe"),
		org("rivalco", "rivalco.example", "", "targetco"), // declared on one side only
		org("targetco", "targetco.example", ""),
		org("bigco", "bigco.example", ""),
		org("bigco-digital", "bigco-digital.example", ""),
	)
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	executive := func(sub, email, name string) (*person, string) { return h.executive(t, op, sub, email, name) }
	mentor := func(sub, email, name string, languages ...string) (*person, string) {
		return h.approvedMentor(t, op, cura, sub, email, name, languages)
	}
	kat, katReq := executive("kat", "katharina@hanse.example", "Katharina Weber")
	uwe, uweReq := executive("uwe", "uwe@hanse.example", "Uwe Ullrich")
	ana, anaReq := executive("ana", "ana@alpha-bank.example", "Ana Alves")
	rick, rickReq := executive("rick", "rick@rivalco.example", "Rick Rival")
	tess, tessReq := executive("tess", "tess@targetco.example", "Tess Target")
	ceo, ceoReq := executive("ceo", "ceo@bigco.example", "Carla Chief")
	eva, evaReq := executive("eva", "eva@bigco.example", "Eva Exec")
	ada, adaID := mentor("ada", "ada@nordlicht.example", "Ada Lovelace", "de", "en")
	finn, finnID := mentor("finn", "finn@nordlicht.example", "Finn Jensen", "de")
	bob, bobID := mentor("bob", "bob@hanse.example", "Bob Builder", "de")
	mia, miaID := mentor("mia", "mia@alpha-insure.example", "Mia Meyer", "de")
	tina, tinaID := mentor("tina", "tina@targetco.example", "Tina Tanaka", "de")
	ron, ronID := mentor("ron", "ron@rivalco.example", "Ron Rivers", "de")
	jun, junID := mentor("jun", "jun@bigco-digital.example", "Jun Park", "de")
	sam, samID := mentor("sam", "sam@bigco-digital.example", "Sam Sorensen", "de")
	dana, danaID := mentor("dana", "dana@freelance.example", "Dana Dupont", "fr")

	// Line management, declared through the API: Jun reports (through a team
	// lead) to the CEO; Eva reports to Sam.
	for _, d := range []struct {
		who    *person
		emails []string
	}{
		{jun, []string{"team-lead@bigco-digital.example", " CEO@BigCo.example"}},
		{eva, []string{"sam@bigco-digital.example"}},
	} {
		if status, out := d.who.call("PUT", "/api/v1/me/line-managers", map[string]any{"emails": d.emails}); status != http.StatusOK {
			t.Fatalf("declare line managers of %s: got %d %v", d.who.me.Name, status, out)
		}
	}

	// Suggestions list the line-managed mentor under excluded, naming the
	// rule and no address; the cohort assignment never pairs them.
	h.sync(t)
	for _, tt := range []struct {
		name, req, excluded, allowed string
	}{
		{"the mentee is above the mentor", ceoReq, junID, samID},
		{"the mentor is above the mentee", evaReq, samID, junID},
	} {
		status, sug := cura.call("GET", "/api/v1/moderation/mentee-requests/"+tt.req+"/suggestions", nil)
		if status != http.StatusOK {
			t.Fatalf("suggestions (%s): got %d %v", tt.name, status, sug)
		}
		rule, reason := excludedBy(sug, tt.excluded)
		if rule != matching.RuleLineManagement || strings.Contains(reason, "@") || reason == "" {
			t.Errorf("suggestions (%s): %s excluded by %q (%q), want LineManagement with a reason naming no address", tt.name, tt.excluded, rule, reason)
		}
		if suggested(sug, tt.excluded) {
			t.Errorf("suggestions (%s): %s is suggested too", tt.name, tt.excluded)
		}
		if !suggested(sug, tt.allowed) {
			t.Errorf("suggestions (%s): %s (not in the line) is not suggested: %v", tt.name, tt.allowed, sug)
		}
	}
	status, asg := cura.call("GET", "/api/v1/moderation/assignment", nil)
	if status != http.StatusOK {
		t.Fatalf("assignment: got %d %v", status, asg)
	}
	pairs, _ := asg["pairs"].([]any)
	for _, p := range pairs {
		pm := p.(map[string]any)
		req, prof := pm["menteeRequestId"], pm["mentor"].(map[string]any)["id"]
		if req == ceoReq && prof == junID || req == evaReq && prof == samID {
			t.Errorf("the assignment pairs a declared line: %s → %s", req, prof)
		}
	}

	propose := func(req, prof string) (int, map[string]any) {
		return cura.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": req, "mentorProfileId": prof})
	}
	refusals := []struct {
		name           string
		rule           string
		mentee, mentor *person
		req, prof      string
		setup          func(t *testing.T)
	}{
		{name: "same organization", rule: matching.RuleSameOrganization, mentee: kat, mentor: bob, req: katReq, prof: bobID},
		{name: "same corporate group", rule: matching.RuleSameGroup, mentee: ana, mentor: mia, req: anaReq, prof: miaID},
		{name: "competitors: the mentee's organization lists the mentor's", rule: matching.RuleCompetitors, mentee: rick, mentor: tina, req: rickReq, prof: tinaID},
		{name: "competitors: the mentor's organization lists the mentee's", rule: matching.RuleCompetitors, mentee: tess, mentor: ron, req: tessReq, prof: ronID},
		{name: "line management: the mentee is above the mentor", rule: matching.RuleLineManagement, mentee: ceo, mentor: jun, req: ceoReq, prof: junID},
		{name: "line management: the mentor is above the mentee", rule: matching.RuleLineManagement, mentee: eva, mentor: sam, req: evaReq, prof: samID},
		{name: "no shared language", rule: matching.RuleNoSharedLanguage, mentee: kat, mentor: dana, req: katReq, prof: danaID},
		{name: "capacity reached (capacity 1, second proposal for the mentor)", rule: matching.RuleCapacityReached, mentee: uwe, mentor: ada, req: uweReq, prof: adaID,
			setup: func(t *testing.T) {
				if status, out := propose(katReq, adaID); status != http.StatusCreated {
					t.Fatalf("Ada → Katharina: got %d %v, want 201", status, out)
				}
			}},
		{name: "one mentor per mentee", rule: otm.RuleOneMentorPerMentee, mentee: kat, mentor: finn, req: katReq, prof: finnID},
	}
	covered := map[string]bool{}
	for _, tt := range refusals {
		covered[tt.rule] = true
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(t)
			}
			before := [2]int{tandemCount(t, tt.mentee), tandemCount(t, tt.mentor)}
			status, out := propose(tt.req, tt.prof)
			errs, _ := out["errors"].([]any)
			var field, rule string
			if len(errs) == 1 {
				e, _ := errs[0].(map[string]any)
				field, rule = str(e["field"]), str(e["rule"])
			}
			if status != http.StatusConflict || field != "mentorProfileId" || rule != tt.rule || str(out["rule"]) != tt.rule ||
				!strings.Contains(str(out["detail"]), "hard rule") {
				t.Errorf("got %d %v, want 409 naming %s on mentorProfileId", status, out, tt.rule)
			}
			if tt.rule == matching.RuleLineManagement && strings.Contains(problemText(out), "@") {
				t.Errorf("the refusal reveals an address: %s", problemText(out))
			}
			if after := [2]int{tandemCount(t, tt.mentee), tandemCount(t, tt.mentor)}; after != before {
				t.Errorf("tandems of mentee and mentor: got %v, want %v (nothing stored)", after, before)
			}
		})
	}
	for _, r := range append(matching.Rules, matching.Rule{Name: otm.RuleOneMentorPerMentee}) {
		if !covered[r.Name] {
			t.Errorf("hard rule %s has no refusal test", r.Name)
		}
	}
	// The declarations block only the declared lines.
	for _, tt := range []struct{ req, prof string }{{ceoReq, samID}, {evaReq, junID}} {
		if status, out := propose(tt.req, tt.prof); status != http.StatusCreated {
			t.Errorf("%s → %s (not in a declared line): got %d %v, want 201", tt.req, tt.prof, status, out)
		}
	}
}
