package api_test

import (
	"net/http"
	"slices"
	"testing"

	otm "github.com/opentomentor/opentomentor"
)

// TestIntegrationRolesFollowActivity: nobody is given mentor or mentee; an
// approved application makes a mentor and a withdrawal ends it, a submitted
// request makes an executive — on the person's very next request, in the
// same session.
func TestIntegrationRolesFollowActivity(t *testing.T) {
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	kat := h.signInAs(t, op, "kat", "kat@hanse.example", "Katharina Weber")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	roles := func(p *person) []string {
		t.Helper()
		m, status := h.me(p.b)
		if m == nil {
			t.Fatalf("GET /api/v1/me: %d", status)
		}
		return m.Roles
	}
	for _, p := range []*person{ada, kat} {
		if got := roles(p); len(got) != 0 {
			t.Fatalf("%s at first sign-in: got roles %v, want none", p.me.Email, got)
		}
	}
	if status, _ := ada.call("PUT", "/api/v1/me/mentor-profile", validProfile(t)); status != http.StatusOK {
		t.Fatalf("save application: %d", status)
	}
	if status, _ := ada.call("POST", "/api/v1/me/mentor-profile/submit", nil); status != http.StatusOK {
		t.Fatalf("submit application: %d", status)
	}
	if got := roles(ada); slices.Contains(got, otm.RoleMentor) {
		t.Errorf("submitted, not approved: got roles %v, want no mentor", got)
	}
	id := "mp_" + ada.me.ID[len("u_"):]
	if status, out := cura.call("POST", "/api/v1/moderation/applications/"+id+"/decision", map[string]any{"decision": "approve"}); status != http.StatusOK {
		t.Fatalf("approve: %d %v", status, out)
	}
	if got := roles(ada); !slices.Contains(got, otm.RoleMentor) {
		t.Errorf("approved: got roles %v, want mentor", got)
	}
	if status, _ := ada.call("POST", "/api/v1/me/mentor-profile/withdraw", nil); status != http.StatusOK {
		t.Fatalf("withdraw: %d", status)
	}
	if got := roles(ada); slices.Contains(got, otm.RoleMentor) {
		t.Errorf("withdrawn: got roles %v, want no mentor", got)
	}

	// Anyone signed in may ask; submitting makes an executive.
	if status, out := kat.call("PUT", "/api/v1/me/mentee-request", validRequest()); status != http.StatusOK {
		t.Fatalf("save request: %d %v", status, out)
	}
	if got := roles(kat); slices.Contains(got, otm.RoleMentee) {
		t.Errorf("draft request: got roles %v, want no mentee", got)
	}
	if status, out := kat.call("POST", "/api/v1/me/mentee-request/submit", nil); status != http.StatusOK {
		t.Fatalf("submit request: %d %v", status, out)
	}
	if got := roles(kat); !slices.Contains(got, otm.RoleMentee) {
		t.Errorf("submitted request: got roles %v, want mentee", got)
	}
}
