package api_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/oidctest"
	"github.com/opentomentor/opentomentor/organization"
)

func TestIntegrationTandems(t *testing.T) {
	h, op := newAppHarness(t)
	h.putOrgs(t,
		organization.Organization{ID: "alpenbank", Name: "Alpenbank AG", Domains: []string{"alpenbank.example"}, Competitors: []string{"bergmann"}, Verified: true},
		organization.Organization{ID: "bergmann", Name: "Bergmann Versicherung AG", Domains: []string{"bergmann.example"}, Competitors: []string{"alpenbank"}, Verified: true},
		organization.Organization{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Verified: true},
		organization.Organization{ID: "nordlicht", Name: "Nordlicht Digital GmbH", Domains: []string{"nordlicht.example"}, Verified: true},
	)
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	executive := func(sub, email, name string) (*person, string) { return h.executive(t, op, sub, email, name) }
	mentor := func(sub, email, name string, languages []string) (*person, string) {
		return h.approvedMentor(t, op, cura, sub, email, name, languages)
	}
	kat, katReq := executive("kat", "katharina@hanse.example", "Katharina Weber")
	_, tobReq := executive("tob", "tobias@alpenbank.example", "Tobias Brandt")
	ulla, ullaReq := executive("ulla", "ulla@nordlicht-holding.example", "Ulla Berger")
	ada, adaID := mentor("ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de", "en"})
	_, bobID := mentor("bob", "bob@hanse.example", "Bob Builder", []string{"de"})
	_, cemID := mentor("cem", "cem@bergmann.example", "Cem Yıldız", []string{"de", "tr"})
	_, danaID := mentor("dana", "dana@freelance.example", "Dana Dupont", []string{"fr"})
	finn, finnID := mentor("finn", "finn@nordlicht.example", "Finn Jensen", []string{"de"})
	eve := h.signInAs(t, op, "eve", "eve@evil.example", "Eve")

	propose := func(req, prof string) (int, map[string]any) {
		return cura.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": req, "mentorProfileId": prof})
	}
	refusals := []struct {
		name, req, prof, rule string
	}{
		{"same organization", katReq, bobID, "same_organization"},
		{"competitors (symmetric)", tobReq, cemID, "competitors"},
		{"no shared language", katReq, danaID, "no_shared_language"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			status, out := propose(tt.req, tt.prof)
			errs, _ := out["errors"].([]any)
			if status != http.StatusConflict || len(errs) != 1 || errs[0].(map[string]any)["rule"] != tt.rule {
				t.Errorf("got %d %v, want 409 naming %s", status, out, tt.rule)
			}
		})
	}
	if status, _ := ada.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": katReq, "mentorProfileId": adaID}); status != http.StatusForbidden {
		t.Errorf("a mentor proposing: got %d, want 403", status)
	}
	if status, out := propose("", ""); status != 400 || !contains(fieldsOf(out), "menteeRequestId") || !contains(fieldsOf(out), "mentorProfileId") {
		t.Errorf("empty proposal: got %d %v", status, out)
	}
	status, tk := propose(katReq, adaID)
	if status != http.StatusCreated || tk["status"] != "proposed" {
		t.Fatalf("Ada → Katharina: got %d %v", status, tk)
	}
	tkID := tk["id"].(string)
	for _, tt := range []struct{ name, req, prof, rule string }{
		{"mentor capacity reached", tobReq, adaID, "capacity_reached"},
		{"one mentor per mentee", katReq, finnID, "one_mentor_per_mentee"},
	} {
		status, out := propose(tt.req, tt.prof)
		errs, _ := out["errors"].([]any)
		if status != http.StatusConflict || len(errs) != 1 || errs[0].(map[string]any)["rule"] != tt.rule {
			t.Errorf("%s: got %d %v, want 409 naming %s", tt.name, status, out, tt.rule)
		}
	}
	// Only the pair can answer; anyone else learns nothing.
	if status, _ := eve.call("POST", "/api/v1/me/tandems/"+tkID+"/accept", nil); status != http.StatusNotFound {
		t.Errorf("someone else accepting: got %d, want 404", status)
	}
	if status, out := ada.call("POST", "/api/v1/me/tandems/"+tkID+"/accept", nil); status != 200 || out["status"] != "proposed" || out["mentorAccepted"] != true {
		t.Errorf("mentor accepts: got %d %v", status, out)
	}
	if status, out := kat.call("POST", "/api/v1/me/tandems/"+tkID+"/accept", nil); status != 200 || out["status"] != "active" {
		t.Errorf("mentee accepts: got %d %v, want active", status, out)
	}
	if status, _ := kat.call("POST", "/api/v1/me/tandems/"+tkID+"/decline", nil); status != http.StatusConflict {
		t.Errorf("declining an active tandem: got %d, want 409", status)
	}

	// Two proposals for Finn at once: his capacity (1) holds.
	var wg sync.WaitGroup
	statuses := map[string]int{}
	var mu sync.Mutex
	for _, req := range []string{tobReq, ullaReq} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, _ := propose(req, finnID)
			mu.Lock()
			statuses[req] = s
			mu.Unlock()
		}()
	}
	wg.Wait()
	if !(statuses[tobReq] == 201 && statuses[ullaReq] == 409 || statuses[tobReq] == 409 && statuses[ullaReq] == 201) {
		t.Fatalf("concurrent proposals for one slot: got %v, want one 201 and one 409", statuses)
	}
	winner, loser := tobReq, ullaReq
	if statuses[ullaReq] == 201 {
		winner, loser = ullaReq, tobReq
	}
	_, mine := finn.call("GET", "/api/v1/me/tandems", nil)
	items := mine["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("Finn's tandems: got %v", mine)
	}
	finnT := items[0].(map[string]any)["id"].(string)
	if finnT == "" || items[0].(map[string]any)["menteeRequestId"] != winner {
		t.Fatalf("Finn's tandem: got %v, want the one for %s", items[0], winner)
	}
	// Finn declines with a reason: curators see it, the other side does not.
	if status, out := finn.call("POST", "/api/v1/me/tandems/"+finnT+"/decline", map[string]any{"reason": "Zeitlich passt es gerade nicht."}); status != 200 || out["status"] != "declined" {
		t.Fatalf("decline: got %d %v", status, out)
	}
	other := kat
	if winner == ullaReq {
		other = ulla
	} else {
		other = h.signInAs(t, op, "tob", "tobias@alpenbank.example", "Tobias Brandt")
	}
	_, theirs := other.call("GET", "/api/v1/me/tandems", nil)
	for _, it := range theirs["items"].([]any) {
		if _, leaked := it.(map[string]any)["declineReason"]; leaked {
			t.Errorf("the other side sees the decline reason: %v", it)
		}
	}
	if _, ct := cura.call("GET", "/api/v1/moderation/tandems/"+finnT, nil); ct["declineReason"] != "Zeitlich passt es gerade nicht." || ct["declinedBy"] != "mentor" {
		t.Errorf("curator's view: got %v, want the reason and who declined", ct)
	}
	// The decline freed Finn's slot: the other executive can now be proposed.
	if status, out := propose(loser, finnID); status != http.StatusCreated {
		t.Errorf("after the decline: got %d %v, want 201", status, out)
	}
}

// putOrgs stores organizations before anyone signs in, so sign-in maps the
// test users' e-mail domains to them.
func (h *harness) putOrgs(t *testing.T, orgs ...organization.Organization) {
	t.Helper()
	for _, o := range orgs {
		if o.Competitors == nil {
			o.Competitors = []string{}
		}
		if err := h.IDs.PutOrganization(context.Background(), &o); err != nil {
			t.Fatal(err)
		}
	}
}

// executive signs in an executive and submits a valid mentee request; it
// returns the person and the request id.
func (h *harness) executive(t *testing.T, op *oidctest.Provider, sub, email, name string) (*person, string) {
	t.Helper()
	if err := h.IDs.GrantRolesByEmail(context.Background(), email, []string{otm.RoleMentee}); err != nil {
		t.Fatal(err)
	}
	p := h.signInAs(t, op, sub, email, name)
	if status, out := p.call("PUT", "/api/v1/me/mentee-request", validRequest()); status != 200 {
		t.Fatalf("request of %s: %d %v", name, status, out)
	}
	_, out := p.call("POST", "/api/v1/me/mentee-request/submit", nil)
	return p, out["id"].(string)
}

// approvedMentor signs in a young professional whose application (in the
// given languages) the curator approves; it returns the person and profile id.
func (h *harness) approvedMentor(t *testing.T, op *oidctest.Provider, cura *person, sub, email, name string, languages []string) (*person, string) {
	t.Helper()
	p := h.signInAs(t, op, sub, email, name)
	_, out := p.call("PUT", "/api/v1/me/mentor-profile", with(validProfile(t), "languages", languages))
	id := out["id"].(string)
	p.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	if status, out := cura.call("POST", "/api/v1/moderation/applications/"+id+"/decision", map[string]any{"decision": "approve"}); status != 200 {
		t.Fatalf("approve %s: %d %v", name, status, out)
	}
	return p, id
}
