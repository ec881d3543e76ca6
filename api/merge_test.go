package api_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/organization"
)

// TestIntegrationMergeOrganization: an organization created at a sign-in
// from an unknown domain is folded into the verified one it really is; its
// people, their sessions, their application and the conflict rules follow.
func TestIntegrationMergeOrganization(t *testing.T) {
	h, op := newAppHarness(t)
	ctx := context.Background()
	h.putOrgs(t, organization.Organization{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Verified: true, Competitors: []string{}})
	if err := h.IDs.GrantRolesByEmail(ctx, "amira@platform.example", []string{otm.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	admin := h.signInAs(t, op, "amira", "amira@platform.example", "Amira Admin")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	eve := h.signInAs(t, op, "eve", "eve@hanse-mail.example", "Eve Example")
	kat := h.signInAs(t, op, "kat", "kat@hanse.example", "Katharina Weber")
	if eve.me.Organization == nil || eve.me.Organization.Verified {
		t.Fatalf("Eve's organization: got %+v, want an unverified one from her domain", eve.me.Organization)
	}
	fromID := eve.me.Organization.ID

	// Eve is an approved mentor; Katharina asks: today they may be paired.
	eve.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	eve.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	eveProfile := "mp_" + eve.me.ID[len("u_"):]
	if status, out := cura.call("POST", "/api/v1/moderation/applications/"+eveProfile+"/decision", map[string]any{"decision": "approve"}); status != 200 {
		t.Fatalf("approve: %d %v", status, out)
	}
	kat.call("PUT", "/api/v1/me/mentee-request", validRequest())
	_, req := kat.call("POST", "/api/v1/me/mentee-request/submit", nil)
	reqID, _ := req["id"].(string)

	for _, tt := range []struct {
		name string
		who  *person
		from string
		body map[string]any
		want int
	}{
		{"a curator", cura, fromID, map[string]any{"into": "hanse"}, 403},
		{"into itself", admin, fromID, map[string]any{"into": fromID}, 400},
		{"into an unknown one", admin, fromID, map[string]any{"into": "nope"}, 400},
		{"a verified one", admin, "hanse", map[string]any{"into": fromID}, 409},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if status, out := tt.who.call("POST", "/api/v1/admin/organizations/"+tt.from+"/merge", tt.body); status != tt.want {
				t.Errorf("got %d %v, want %d", status, out, tt.want)
			}
		})
	}

	status, out := admin.call("POST", "/api/v1/admin/organizations/"+fromID+"/merge", map[string]any{"into": "hanse"})
	if status != http.StatusOK || !slices.Contains(anyStrings(out["domains"]), "hanse-mail.example") {
		t.Fatalf("merge: got %d %v, want Hanse with Eve's domain", status, out)
	}
	if _, err := h.IDs.Organization(ctx, fromID); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("the merged organization: got %v, want it gone", err)
	}
	if m, _ := h.me(eve.b); m.Organization == nil || m.Organization.ID != "hanse" || !m.Organization.Verified {
		t.Errorf("Eve's session: got %+v, want Hanse, verified", m.Organization)
	}
	h.sync(t)
	anon := &person{b: newBrowser(t), h: h}
	if status, card := anon.call("GET", "/api/v1/mentors/"+eveProfile, nil); status != 200 || card["organization"].(map[string]any)["name"] != "Hanse Logistik AG" {
		t.Errorf("Eve's card: got %d %v, want Hanse Logistik AG", status, card)
	}
	// Now they work for one organization: the hard rule refuses the pair.
	status, out = cura.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": reqID, "mentorProfileId": eveProfile})
	if status != http.StatusConflict || out["rule"] != otm.RuleSameOrganization {
		t.Errorf("propose after the merge: got %d %v, want 409 same_organization", status, out)
	}
}

func anyStrings(v any) []string {
	var out []string
	xs, _ := v.([]any)
	for _, x := range xs {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
