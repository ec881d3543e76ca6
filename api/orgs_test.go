package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"

	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/oidctest"
	"github.com/opentomentor/opentomentor/organization"
)

func TestIntegrationAdminOrganizations(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(ic *identity.Config, _ *apiConfig) {
			ic.AdminEmails = []string{"amira@program.example"}
			ic.CuratorEmails = []string{"cura@program.example"}
		})
	ctx := context.Background()
	for _, o := range []organization.Organization{
		{ID: "alpenbank", Name: "Alpenbank AG", Domains: []string{"alpenbank.example"}, Competitors: []string{}},
		{ID: "bergmann", Name: "Bergmann Versicherung AG", Domains: []string{"bergmann.example"}, Competitors: []string{}},
		{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Competitors: []string{}},
	} {
		o := o
		if err := h.IDs.PutOrganization(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	admin := h.signInAs(t, op, "amira", "amira@program.example", "Amira Nassar")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	mentor := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	anon := &person{b: newBrowser(t), h: h}

	access := []struct {
		name string
		who  *person
		want int
	}{
		{"anonymous", anon, 401}, {"mentor", mentor, 403}, {"curator", cura, 403}, {"admin", admin, 200},
	}
	for _, tt := range access {
		t.Run("list as "+tt.name, func(t *testing.T) {
			if status, _ := tt.who.call("GET", "/api/v1/admin/organizations", nil); status != tt.want {
				t.Errorf("got %d, want %d", status, tt.want)
			}
		})
		if tt.want != 200 {
			t.Run("patch as "+tt.name, func(t *testing.T) {
				if status, _ := tt.who.call("PATCH", "/api/v1/admin/organizations/alpenbank", map[string]any{"industry": "x"}); status != tt.want {
					t.Errorf("got %d, want %d", status, tt.want)
				}
			})
		}
	}

	bad := []struct {
		name  string
		body  any
		field string
	}{
		{"short name", map[string]any{"name": "A"}, "name"},
		{"bad domain", map[string]any{"domains": []string{"not a domain"}}, "domains[0]"},
		{"freemail domain", map[string]any{"domains": []string{"gmail.com"}}, "domains[0]"},
		{"another org's domain", map[string]any{"domains": []string{"hanse.example"}}, "domains[0]"},
		{"unknown competitor", map[string]any{"competitors": []string{"nope"}}, "competitors[0]"},
		{"competes with itself", map[string]any{"competitors": []string{"alpenbank"}}, "competitors[0]"},
		{"wrong type", map[string]any{"competitors": "bergmann"}, "competitors"},
		{"unknown field", map[string]any{"ceo": "x"}, "ceo"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			status, out := admin.call("PATCH", "/api/v1/admin/organizations/alpenbank", tt.body)
			want := http.StatusBadRequest
			if tt.name == "another org's domain" {
				want = http.StatusConflict
			}
			if status != want || !contains(fieldsOf(out), tt.field) {
				t.Errorf("got %d fields %v, want %d naming %q", status, fieldsOf(out), want, tt.field)
			}
			o, _ := h.IDs.Organization(ctx, "alpenbank")
			if o.Name != "Alpenbank AG" || len(o.Competitors) != 0 || strings.Join(o.Domains, ",") != "alpenbank.example" {
				t.Errorf("refused patch changed the organization: %+v", o)
			}
		})
	}
	if status, _ := admin.call("PATCH", "/api/v1/admin/organizations/nope", map[string]any{"industry": "x"}); status != 404 {
		t.Errorf("unknown organization: got %d, want 404", status)
	}

	// Competition is symmetric, both when set and when removed.
	status, out := admin.call("PATCH", "/api/v1/admin/organizations/alpenbank", map[string]any{
		"industry": "banking", "group": "Alpen Holding", "competitors": []string{"bergmann"}, "domains": []string{"alpenbank.example", "alpenbank-group.example"}})
	if status != 200 || out["industry"] != "banking" {
		t.Fatalf("patch: got %d %v", status, out)
	}
	if b, _ := h.IDs.Organization(ctx, "bergmann"); strings.Join(b.Competitors, ",") != "alpenbank" {
		t.Errorf("the other side's competitors: got %v, want [alpenbank]", b.Competitors)
	}
	admin.call("PATCH", "/api/v1/admin/organizations/alpenbank", map[string]any{"competitors": []string{}})
	if b, _ := h.IDs.Organization(ctx, "bergmann"); len(b.Competitors) != 0 {
		t.Errorf("after removal, the other side's competitors: got %v, want none", b.Competitors)
	}
	entries, err := h.Log.BySubject(ctx, "alpenbank")
	if err != nil || len(entries) != 2 || entries[0].ActorName != "Amira Nassar" {
		t.Errorf("audit of organization changes: got %d entries (%v)", len(entries), err)
	}

	// A member's live session follows an edit at once: the new name, and no
	// verified membership once the organization is no longer verified.
	if status, _ := admin.call("PATCH", "/api/v1/admin/organizations/hanse", map[string]any{"verified": true}); status != 200 {
		t.Fatalf("verify hanse: got %d", status)
	}
	member := h.signInAs(t, op, "hm", "hm@hanse.example", "Hanna Meyer")
	orgOf := func() map[string]any {
		t.Helper()
		status, me := member.call("GET", "/api/v1/me", nil)
		if status != 200 {
			t.Fatalf("me: got %d", status)
		}
		o, _ := me["organization"].(map[string]any)
		return o
	}
	if o := orgOf(); o["id"] != "hanse" || o["verified"] != true {
		t.Fatalf("member before: got %v, want hanse verified", o)
	}
	// The member's export names their organization, not what admins keep about it.
	if status, out := admin.call("PATCH", "/api/v1/admin/organizations/hanse", map[string]any{"group": "Hanse Holding", "competitors": []string{"bergmann"}}); status != 200 {
		t.Fatalf("patch hanse: got %d %v", status, out)
	}
	if status, ex := member.call("GET", "/api/v1/me/export", nil); status != 200 {
		t.Errorf("export: got %d", status)
	} else if o, _ := ex["organization"].(map[string]any); o["id"] != "hanse" || o["group"] != nil || o["competitors"] != nil {
		t.Errorf("export's organization: got %v, want hanse without group and competitors", o)
	}
	if status, out := admin.call("PATCH", "/api/v1/admin/organizations/hanse", map[string]any{"name": "Hanse Logistik SE", "verified": false}); status != 200 {
		t.Fatalf("un-verify hanse: got %d %v", status, out)
	}
	if o := orgOf(); o["name"] != "Hanse Logistik SE" || o["verified"] != false {
		t.Errorf("member after: got %v, want the new name, not verified", o)
	}
}

func TestIntegrationCreateOrganization(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(ic *identity.Config, _ *apiConfig) { ic.AdminEmails = []string{"amira@program.example"} })
	ctx := context.Background()
	if err := h.IDs.PutOrganization(ctx, &organization.Organization{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Competitors: []string{}}); err != nil {
		t.Fatal(err)
	}
	admin := h.signInAs(t, op, "amira", "amira@program.example", "Amira Nassar")
	mentor := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")

	status, o := admin.call("POST", "/api/v1/admin/organizations", map[string]any{"name": "Südstern Mobility GmbH",
		"domains": []string{"Suedstern.example"}, "industry": "mobility", "group": "Südstern", "competitors": []string{"hanse"}})
	if status != http.StatusCreated || o["id"] != "suedstern-mobility-gmbh" || o["verified"] != true {
		t.Fatalf("create: got %d %v, want 201 suedstern-mobility-gmbh, verified", status, o)
	}
	if hanse, _ := h.IDs.Organization(ctx, "hanse"); !slices.Contains(hanse.Competitors, "suedstern-mobility-gmbh") {
		t.Errorf("competition is symmetric: Hanse lists %v", hanse.Competitors)
	}
	before, _ := h.IDs.Organizations(ctx, &otm.Principal{Roles: []string{otm.RoleAdmin}})
	bad := []struct {
		name  string
		who   *person
		body  map[string]any
		want  int
		field string
		rule  string
	}{
		{"no name", admin, map[string]any{"domains": []string{"x.example"}}, 400, "name", otm.RuleRequired},
		{"the id exists", admin, map[string]any{"id": "hanse", "name": "Hanse again"}, 409, "id", otm.RuleTaken},
		{"another organization's domain", admin, map[string]any{"name": "Hanse Kopie", "domains": []string{"hanse.example"}}, 409, "domains[0]", otm.RuleTaken},
		{"a public e-mail domain", admin, map[string]any{"name": "Freemail AG", "domains": []string{"gmail.com"}}, 400, "domains[0]", otm.RulePublicDomain},
		{"a mentor", mentor, map[string]any{"name": "Mine AG"}, 403, "", otm.RuleRole},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.who.call("POST", "/api/v1/admin/organizations", tt.body)
			if status != tt.want || ruleOf(out, tt.field) != tt.rule {
				t.Errorf("got %d %v, want %d with %s %s", status, out, tt.want, tt.field, tt.rule)
			}
		})
	}
	if after, _ := h.IDs.Organizations(ctx, &otm.Principal{Roles: []string{otm.RoleAdmin}}); len(after) != len(before) {
		t.Errorf("organizations after refusals: got %d, want %d (nothing half-written)", len(after), len(before))
	}
}

// TestIntegrationOrganizationsCreatedPerPerson: one person's sign-ins create
// at most identity.MaxOrgsCreated organizations from new e-mail domains; the
// next new domain signs them in without one, and creates nothing.
func TestIntegrationOrganizationsCreatedPerPerson(t *testing.T) {
	h, op := newAppHarness(t)
	ctx := context.Background()
	for i := range identity.MaxOrgsCreated + 1 {
		domain := "cycle" + string(rune('a'+i)) + ".example"
		p := h.signInAs(t, op, "mallory", "mallory@"+domain, "Mallory")
		_, err := h.IDs.Organization(ctx, identity.OrgID(domain))
		switch {
		case i < identity.MaxOrgsCreated && (err != nil || p.me.Organization == nil):
			t.Errorf("sign-in %d (%s): organization %v, %v; want one created", i+1, domain, p.me.Organization, err)
		case i >= identity.MaxOrgsCreated && (otm.ErrorCode(err) != otm.ENOTFOUND || p.me.Organization != nil):
			t.Errorf("sign-in %d (%s): organization %v, %v; want none created beyond %d", i+1, domain, p.me.Organization, err, identity.MaxOrgsCreated)
		}
	}
	// Someone else is not held up by Mallory's count.
	if p := h.signInAs(t, op, "nina", "nina@cycled.example", "Nina"); p.me.Organization == nil {
		t.Errorf("another person's new domain: got no organization, want one")
	}
}
