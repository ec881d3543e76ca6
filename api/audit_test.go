package api_test

import (
	"net/http"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/oidctest"
)

func TestIntegrationAdminAudit(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(ic *identity.Config, _ *apiConfig) {
			ic.AdminEmails, ic.CuratorEmails = []string{"amira@platform.example"}, []string{"cura@program.example"}
		})
	admin := h.signInAs(t, op, "amira", "amira@platform.example", "Amira Admin")
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")

	ada.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	ada.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	id := "mp_" + ada.me.ID[len("u_"):]
	cura.call("POST", "/api/v1/moderation/applications/"+id+"/decision", map[string]any{"decision": "reject", "reason": "=HYPERLINK(\"http://evil.example\")"})

	status, out := admin.call("GET", "/api/v1/admin/audit?subject="+ada.me.ID, nil)
	items, _ := out["items"].([]any)
	if status != http.StatusOK || len(items) != 2 || items[0].(map[string]any)["action"] != "application.reject" {
		t.Fatalf("Ada's entries: got %d %v, want submit and reject, newest first", status, out)
	}
	if status, out := admin.call("GET", "/api/v1/admin/audit?action=application.&actor="+cura.me.ID, nil); status != http.StatusOK || out["total"] != float64(1) {
		t.Errorf("the curator's application decisions: got %d %v, want 1", status, out)
	}
	if status, out := admin.call("GET", "/api/v1/admin/audit?from=2000-01-01&to=2000-12-31", nil); status != http.StatusOK || out["total"] != float64(0) {
		t.Errorf("a year long ago: got %d %v, want nothing", status, out)
	}

	resp, body := admin.b.get(h.URL + "/api/v1/admin/audit.csv?subject=" + ada.me.ID)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: got %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `"'=HYPERLINK(""http://evil.example"")"`) || strings.Count(body, "\n") != 3 {
		t.Errorf("CSV: got %q, want a header, two rows and the formula neutralised", body)
	}

	// A curator reads the entries of the programs they curate (here the
	// open program: Ada's application decisions belong to no program).
	if status, out := cura.call("GET", "/api/v1/admin/audit", nil); status != http.StatusOK || out["total"] != float64(0) {
		t.Errorf("the curator's view: got %d %v, want only program entries (none yet)", status, out)
	}
	ada.call("PUT", "/api/v1/me/mentee-request", validRequest())
	ada.call("POST", "/api/v1/me/mentee-request/submit", nil)
	if status, out := cura.call("GET", "/api/v1/admin/audit?program=open", nil); status != http.StatusOK || out["total"] != float64(1) {
		t.Errorf("the curator's view of the open program: got %d %v, want the request's submission", status, out)
	}
	for _, tt := range []struct {
		name string
		who  *person
		path string
		want int
		rule string
	}{
		{"a bad date", admin, "/api/v1/admin/audit?from=yesterday", 400, otm.RuleDate},
		{"to before from", admin, "/api/v1/admin/audit?from=2027-02-01&to=2027-01-01", 400, otm.RuleDateOrder},
		{"a curator, a program they do not curate", cura, "/api/v1/admin/audit?program=elsewhere", 403, ""},
		{"a mentor's CSV", ada, "/api/v1/admin/audit.csv", 403, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.who.call("GET", tt.path, nil)
			errs, _ := out["errors"].([]any)
			if status != tt.want || (tt.rule != "" && (len(errs) == 0 || errs[0].(map[string]any)["rule"] != tt.rule)) {
				t.Errorf("got %d %v, want %d %s", status, out, tt.want, tt.rule)
			}
		})
	}
}
