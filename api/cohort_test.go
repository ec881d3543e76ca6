package api_test

import (
	"net/http"
	"slices"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/oidctest"
)

// TestIntegrationCohortWithoutDemo runs a whole cohort on a fresh database
// with one admin from OTM_ADMIN_EMAILS and no seeding: the admin names a
// program curator (no global role); fresh people become a mentor and an
// executive by what they do; the program curator pairs them; both accept.
func TestIntegrationCohortWithoutDemo(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(ic *identity.Config, _ *apiConfig) { ic.AdminEmails = []string{"amira@platform.example"} })
	admin := h.signInAs(t, op, "amira", "amira@platform.example", "Amira Admin")
	pc := h.signInAs(t, op, "pia", "pia@program.example", "Pia Programm")
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	kat := h.signInAs(t, op, "kat", "kat@hanse.example", "Katharina Weber")
	anon := &person{b: newBrowser(t), h: h}
	must := func(who *person, method, path string, body any, want int) map[string]any {
		t.Helper()
		status, out := who.call(method, path, body)
		if status != want {
			t.Fatalf("%s %s as %s: got %d %v, want %d", method, path, who.me.Email, status, out, want)
		}
		return out
	}
	hasRole := func(who *person, role string) bool {
		t.Helper()
		m, _ := h.me(who.b)
		return m != nil && slices.Contains(m.Roles, role)
	}

	// The admin sets up a cohort and names Pia its curator.
	body := springProgram()
	body["curators"] = []string{"pia@program.example"}
	must(admin, "POST", "/api/v1/admin/programs", body, http.StatusCreated)
	must(admin, "POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": "registration"}, http.StatusOK)

	// Ada applies and is approved: a mentor.
	must(ada, "PUT", "/api/v1/me/mentor-profile", validProfile(t), http.StatusOK)
	must(ada, "POST", "/api/v1/me/mentor-profile/submit", nil, http.StatusOK)
	must(admin, "POST", "/api/v1/moderation/applications/"+"mp_"+ada.me.ID[len("u_"):]+"/decision", map[string]any{"decision": "approve"}, http.StatusOK)
	h.sync(t)
	if !hasRole(ada, otm.RoleMentor) {
		t.Error("Ada after approval: no mentor role")
	}

	// Katharina, of another company, asks in the cohort: an executive.
	must(kat, "PUT", "/api/v1/me/mentee-request?program=spring-2027", validRequest(), http.StatusOK)
	req := must(kat, "POST", "/api/v1/me/mentee-request/submit?program=spring-2027", nil, http.StatusOK)
	if !hasRole(kat, otm.RoleMentee) {
		t.Error("Katharina after submitting: no mentee role")
	}
	reqID, _ := req["id"].(string)

	// Pia, with no global role, curates the cohort — and only the cohort.
	if m, _ := h.me(pc.b); len(m.Roles) != 0 {
		t.Fatalf("Pia: got roles %v, want none", m.Roles)
	}
	list := must(pc, "GET", "/api/v1/moderation/mentee-requests?program=spring-2027", nil, http.StatusOK)
	if items, _ := list["items"].([]any); len(items) != 1 {
		t.Fatalf("Pia's requests: got %v, want Katharina's", list)
	}
	must(pc, "POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": "matching"}, http.StatusOK)
	sg := must(pc, "GET", "/api/v1/moderation/mentee-requests/"+reqID+"/suggestions", nil, http.StatusOK)
	if s, _ := sg["suggestions"].([]any); len(s) != 1 {
		t.Fatalf("suggestions: got %v, want Ada", sg)
	}
	tk := must(pc, "POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": reqID, "mentorProfileId": "mp_" + ada.me.ID[len("u_"):]}, http.StatusCreated)
	id, _ := tk["id"].(string)
	must(ada, "POST", "/api/v1/me/tandems/"+id+"/accept", nil, http.StatusOK)
	if out := must(kat, "POST", "/api/v1/me/tandems/"+id+"/accept", nil, http.StatusOK); out["status"] != "active" {
		t.Errorf("after both accepted: got %v, want active", out["status"])
	}
	must(pc, "GET", "/api/v1/moderation/programs/spring-2027/report", nil, http.StatusOK)

	// Refusals.
	refusals := []struct {
		name   string
		who    *person
		method string
		path   string
		want   int
	}{
		{"the program curator, in the open program", pc, "GET", "/api/v1/moderation/mentee-requests?program=open", http.StatusForbidden},
		{"the program curator, reviewing applications", pc, "GET", "/api/v1/moderation/applications", http.StatusForbidden},
		{"the program curator, an admin route", pc, "GET", "/api/v1/admin/organizations", http.StatusForbidden},
		{"a mentor, an admin route", ada, "GET", "/api/v1/admin/organizations", http.StatusForbidden},
		{"an executive, an admin route", kat, "POST", "/api/v1/admin/programs", http.StatusForbidden},
		{"an executive, the cohort's requests", kat, "GET", "/api/v1/moderation/mentee-requests?program=spring-2027", http.StatusForbidden},
		{"anonymous, an admin route", anon, "GET", "/api/v1/admin/organizations", http.StatusUnauthorized},
		{"anonymous, the cohort's requests", anon, "GET", "/api/v1/moderation/mentee-requests?program=spring-2027", http.StatusUnauthorized},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.method == "POST" {
				body = springProgram()
			}
			if status, out := tt.who.call(tt.method, tt.path, body); status != tt.want {
				t.Errorf("%s %s: got %d %v, want %d", tt.method, tt.path, status, out, tt.want)
			}
		})
	}
}
