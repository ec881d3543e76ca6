package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/oidctest"
	"github.com/opentomentor/opentomentor/organization"
)

// TestIntegrationSignInPolicy: with OTM_SIGNIN_POLICY=verified-organizations
// only people of verified organizations get in — and those the
// configuration or a grant names; others get a clear refusal and nothing of
// them is stored.
func TestIntegrationSignInPolicy(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(ic *identity.Config, _ *apiConfig) {
			ic.AdminEmails, ic.VerifiedOrganizationsOnly = []string{"amira@platform.example"}, true
		})
	ctx := context.Background()
	h.putOrgs(t, organization.Organization{ID: "nordlicht", Name: "Nordlicht Digital GmbH", Domains: []string{"nordlicht.example"}, Verified: true},
		organization.Organization{ID: "selfmade", Name: "selfmade.example", Domains: []string{"selfmade.example"}, Verified: false})
	if err := h.IDs.GrantRolesByEmail(ctx, "cora@elsewhere.example", []string{otm.RoleCurator}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ sub, email string }{
		{"amira", "amira@platform.example"}, // configured admin
		{"ada", "ada@nordlicht.example"},    // a verified organization's domain
		{"cora", "cora@elsewhere.example"},  // a role grant
	} {
		if p := h.signInAs(t, op, tt.sub, tt.email, tt.sub); p.me == nil {
			t.Errorf("%s: not admitted", tt.email)
		}
	}
	for _, tt := range []struct{ sub, email string }{
		{"eve", "eve@unknown.example"},  // no organization
		{"sam", "sam@selfmade.example"}, // an organization nobody verified
		{"gus", "gus@gmail.com"},        // a public mail provider
	} {
		t.Run(tt.email, func(t *testing.T) {
			b := newBrowser(t)
			op.Set(func(p *oidctest.Provider) {
				p.User = oidctest.User{Subject: tt.sub, Email: tt.email, Name: tt.sub, EmailVerified: true}
			})
			resp, body := b.get(h.toCallback(b, "op", "/", "", ""))
			var out map[string]any
			_ = json.Unmarshal([]byte(body), &out)
			if resp.StatusCode != http.StatusForbidden || out["rule"] != otm.RuleSignInPolicy {
				t.Errorf("got %d %v, want 403 with rule signin_policy", resp.StatusCode, out)
			}
			if m, status := h.me(b); m != nil || status != http.StatusUnauthorized {
				t.Errorf("after the refusal: got %v %d, want no session", m, status)
			}
		})
	}
	people, _, err := h.IDs.People(ctx, &otm.Principal{Roles: []string{otm.RoleAdmin}}, "", 50, 0)
	if err != nil || len(people) != 3 {
		t.Errorf("people stored: got %d (%v), want the 3 admitted", len(people), err)
	}
	if _, err := h.IDs.Organization(ctx, "unknown-example"); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("an organization for the refused: got %v, want none created", err)
	}
}
