package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/oidctest"
)

func TestIntegrationPeopleAdmin(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(ic *identity.Config, _ *apiConfig) { ic.AdminEmails = []string{"amira@platform.example"} })
	admin := h.signInAs(t, op, "amira", "amira@platform.example", "Amira Admin")
	ben := h.signInAs(t, op, "ben", "ben@platform.example", "Ben Berger")
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	anon := &person{b: newBrowser(t), h: h}

	status, out := admin.call("GET", "/api/v1/admin/people?q=ADA", nil)
	items, _ := out["items"].([]any)
	if status != http.StatusOK || out["total"] != float64(1) || len(items) != 1 || items[0].(map[string]any)["email"] != "ada@nordlicht.example" {
		t.Fatalf("search people: got %d %v, want Ada alone", status, out)
	}
	if status, out := admin.call("GET", "/api/v1/admin/people", nil); status != http.StatusOK || out["total"] != float64(3) {
		t.Errorf("all people: got %d %v, want 3", status, out)
	}

	// Ben becomes a curator: his live session has the role at once.
	status, out = admin.call("PUT", "/api/v1/admin/people/"+ben.me.ID+"/roles", map[string]any{"roles": []string{"curator"}})
	if status != http.StatusOK {
		t.Fatalf("make Ben a curator: got %d %v", status, out)
	}
	if m, _ := h.me(ben.b); !slices.Contains(m.Roles, otm.RoleCurator) {
		t.Errorf("Ben's session: got roles %v, want curator", m.Roles)
	}
	if status, _ := ben.call("GET", "/api/v1/moderation/applications", nil); status != http.StatusOK {
		t.Errorf("Ben reviewing: got %d, want 200", status)
	}
	// …and keeps it at his next sign-in.
	again := h.signInAs(t, op, "ben", "ben@platform.example", "Ben Berger")
	if !slices.Contains(again.me.Roles, otm.RoleCurator) {
		t.Errorf("Ben signed in again: got roles %v, want curator", again.me.Roles)
	}
	// Taking it ends it at once.
	admin.call("PUT", "/api/v1/admin/people/"+ben.me.ID+"/roles", map[string]any{"roles": []string{}})
	if status, _ := ben.call("GET", "/api/v1/moderation/applications", nil); status != http.StatusForbidden {
		t.Errorf("Ben after losing curator: got %d, want 403", status)
	}

	// A grant ahead of the first sign-in.
	if status, out := admin.call("PUT", "/api/v1/admin/grants/cora@program.example", map[string]any{"roles": []string{"curator"}}); status != http.StatusNoContent {
		t.Fatalf("grant for Cora: got %d %v", status, out)
	}
	cora := h.signInAs(t, op, "cora", "cora@program.example", "Cora Kurz")
	if !slices.Contains(cora.me.Roles, otm.RoleCurator) {
		t.Errorf("Cora at first sign-in: got roles %v, want curator", cora.me.Roles)
	}

	refusals := []struct {
		name   string
		who    *person
		method string
		path   string
		body   any
		want   int
		field  string
		rule   string
	}{
		{"mentor or mentee are not given", admin, "PUT", "/api/v1/admin/people/" + ada.me.ID + "/roles", map[string]any{"roles": []string{"mentor"}}, 400, "roles[0]", otm.RuleOneOf},
		{"unknown person", admin, "PUT", "/api/v1/admin/people/u_nobody/roles", map[string]any{"roles": []string{}}, 404, "", ""},
		{"the configured admin keeps the role", admin, "PUT", "/api/v1/admin/people/" + admin.me.ID + "/roles", map[string]any{"roles": []string{}}, 409, "", otm.RuleConfigured},
		{"a bad e-mail", admin, "PUT", "/api/v1/admin/grants/not-an-address", map[string]any{"roles": []string{"curator"}}, 400, "email", otm.RuleEmail},
		{"a grant for someone who signed in already", admin, "PUT", "/api/v1/admin/grants/ada@nordlicht.example", map[string]any{"roles": []string{}}, 409, "", otm.RuleTaken},
		{"a query too long", admin, "GET", "/api/v1/admin/people?q=" + strings.Repeat("y", 120), nil, 400, "q", otm.RuleMaxLength},
		{"a mentor lists people", ada, "GET", "/api/v1/admin/people", nil, 403, "", otm.RuleRole},
		{"a mentor gives roles", ada, "PUT", "/api/v1/admin/people/" + ada.me.ID + "/roles", map[string]any{"roles": []string{"admin"}}, 403, "", otm.RuleRole},
		{"anonymous", anon, "GET", "/api/v1/admin/people", nil, 401, "", ""},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.who.call(tt.method, tt.path, tt.body)
			if status != tt.want {
				t.Fatalf("got %d %v, want %d", status, out, tt.want)
			}
			if tt.field != "" && !contains(fieldsOf(out), tt.field) {
				t.Errorf("got fields %v, want %s", fieldsOf(out), tt.field)
			}
			if rule := ruleOf(out, tt.field); tt.rule != "" && rule != tt.rule {
				t.Errorf("got rule %q (%v), want %q", rule, out, tt.rule)
			}
		})
	}
	if m, _ := h.me(ada.b); slices.Contains(m.Roles, otm.RoleAdmin) {
		t.Error("a mentor made themselves admin")
	}
}

// TestIntegrationAdminGivesUpRole: an admin who is not configured may give
// up the role while another admin remains, and loses the admin routes at
// once (the last-admin refusal is tested in package identity).
func TestIntegrationAdminGivesUpRole(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(ic *identity.Config, _ *apiConfig) { ic.AdminEmails = []string{"amira@platform.example"} })
	amira := h.signInAs(t, op, "amira", "amira@platform.example", "Amira Admin")
	ben := h.signInAs(t, op, "ben", "ben@platform.example", "Ben Berger")
	if status, out := amira.call("PUT", "/api/v1/admin/people/"+ben.me.ID+"/roles", map[string]any{"roles": []string{"admin"}}); status != http.StatusOK {
		t.Fatalf("make Ben an admin: %d %v", status, out)
	}
	if status, out := ben.call("PUT", "/api/v1/admin/people/"+ben.me.ID+"/roles", map[string]any{"roles": []string{}}); status != http.StatusOK {
		t.Fatalf("Ben gives up admin while Amira is one: got %d %v", status, out)
	}
	if status, _ := ben.call("GET", "/api/v1/admin/people", nil); status != http.StatusForbidden {
		t.Errorf("Ben after giving up admin: got %d, want 403", status)
	}
}

// ruleOf returns the rule of field in a problem (the problem's own rule for "").
func ruleOf(out map[string]any, field string) string {
	if field == "" {
		r, _ := out["rule"].(string)
		return r
	}
	errs, _ := out["errors"].([]any)
	for _, e := range errs {
		if m, _ := e.(map[string]any); m["field"] == field {
			r, _ := m["rule"].(string)
			return r
		}
	}
	return ""
}
