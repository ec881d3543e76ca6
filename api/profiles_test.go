package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	otm "github.com/opentomentor/opentomentor"

	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/oidctest"
)

// jsonCall sends a JSON request with the CSRF token and decodes the answer
// into a generic map. body may be a string (sent as is) or a value (encoded).
func (b *browser) jsonCall(method, u, csrf string, body any) (int, map[string]any) {
	b.t.Helper()
	var rd *bytes.Reader
	switch v := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(v))
	case []byte:
		rd = bytes.NewReader(v)
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			b.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, raw := b.do(req)
	out := map[string]any{}
	if len(raw) > 0 && strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			b.t.Fatalf("%s %s: decode %q: %v", method, u, raw, err)
		}
	}
	if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		b.t.Errorf("%s %s: status %d with Content-Type %q, want application/problem+json", method, u, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Every offending field names its rule, so clients and pages never
	// read the English message.
	errs, _ := out["errors"].([]any)
	for _, e := range errs {
		if m, _ := e.(map[string]any); m["rule"] == nil || m["rule"] == "" {
			b.t.Errorf("%s %s: field error %v names no rule", method, u, m)
		}
	}
	return resp.StatusCode, out
}

// person is a signed-in test user.
type person struct {
	b    *browser
	me   *me
	h    *harness
	csrf string
}

func (p *person) call(method, path string, body any) (int, map[string]any) {
	p.b.t.Helper()
	return p.b.jsonCall(method, p.h.URL+path, p.csrf, body)
}

// must sends a request as p and fails the test unless the status is want;
// it returns the decoded body.
func (p *person) must(method, path string, body any, want int) map[string]any {
	p.b.t.Helper()
	status, out := p.call(method, path, body)
	if status != want {
		p.b.t.Fatalf("%s %s: got %d %v, want %d", method, path, status, out, want)
	}
	return out
}

// twoPrograms has admin create spring-2027 (curated by Pia) and
// autumn-2027 (by Otto), both open for registration, and signs their
// curators in.
func (h *harness) twoPrograms(t *testing.T, op *oidctest.Provider, admin *person) (pia, otto *person) {
	t.Helper()
	for id, curator := range map[string]string{"spring-2027": "pia@program.example", "autumn-2027": "otto@program.example"} {
		body := springProgram()
		body["id"], body["curators"] = id, []string{curator}
		admin.must("POST", "/api/v1/admin/programs", body, http.StatusCreated)
		admin.must("POST", "/api/v1/moderation/programs/"+id+"/phase", map[string]any{"phase": "registration"}, http.StatusOK)
	}
	return h.signInAs(t, op, "pia", "pia@program.example", "Pia Programm"), h.signInAs(t, op, "otto", "otto@program.example", "Otto Other")
}

// signInAs signs a new browser in at op as the given user.
func (h *harness) signInAs(t *testing.T, op *oidctest.Provider, sub, email, name string) *person {
	t.Helper()
	op.Set(func(p *oidctest.Provider) {
		p.User = oidctest.User{Subject: sub, Email: email, Name: name, EmailVerified: true}
	})
	b := newBrowser(t)
	h.signIn(b, "op", "/", "", "")
	m, status := h.me(b)
	if m == nil {
		t.Fatalf("sign in as %s: me status %d", email, status)
	}
	return &person{b: b, me: m, h: h, csrf: m.CSRFToken}
}

func curators(emails ...string) harnessOption {
	return func(ic *identity.Config, _ *apiConfig) { ic.CuratorEmails = emails }
}

func validProfile(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("testdata/profile_valid.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func with(m map[string]any, key string, v any) map[string]any {
	out := map[string]any{}
	for k, x := range m {
		out[k] = x
	}
	if v == nil {
		delete(out, key)
	} else {
		out[key] = v
	}
	return out
}

func fieldsOf(problem map[string]any) []string {
	var out []string
	errs, _ := problem["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m["field"].(string))
		}
	}
	return out
}

func (h *harness) sync(t *testing.T) {
	t.Helper()
	if _, err := h.Indexer.SyncOnce(context.Background()); err != nil {
		t.Fatalf("indexer: %v", err)
	}
}

func newAppHarness(t *testing.T) (*harness, *oidctest.Provider) {
	t.Helper()
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		curators("cura@program.example", "cura2@program.example", "selfcura@program.example"))
	return h, op
}

func TestIntegrationApplicationLifecycle(t *testing.T) {
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")

	status, p := ada.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	if status != http.StatusOK || p["status"] != "draft" {
		t.Fatalf("PUT profile: got %d %v, want 200 draft", status, p)
	}
	id := p["id"].(string)
	step := func(who *person, method, path string, body any, wantStatus int, wantProfileStatus string) map[string]any {
		t.Helper()
		status, out := who.call(method, path, body)
		if status != wantStatus {
			t.Fatalf("%s %s: got %d %v, want %d", method, path, status, out, wantStatus)
		}
		if wantProfileStatus != "" && out["status"] != wantProfileStatus {
			t.Fatalf("%s %s: got status %v, want %s", method, path, out["status"], wantProfileStatus)
		}
		return out
	}
	// A draft never sent is Ada's alone: the reviewers neither read nor list it.
	step(cura, "GET", "/api/v1/moderation/applications/"+id, nil, 404, "")
	if out := step(cura, "GET", "/api/v1/moderation/applications?status=draft", nil, 400, ""); !contains(fieldsOf(out), "status") {
		t.Errorf("a queue of drafts: got %v, want 400 naming status", out)
	}
	step(ada, "POST", "/api/v1/me/mentor-profile/submit", nil, 200, "submitted")
	step(cura, "GET", "/api/v1/moderation/applications/"+id, nil, 200, "submitted")

	queue := step(cura, "GET", "/api/v1/moderation/applications?status=submitted", nil, 200, "")
	if queue["total"].(float64) != 1 {
		t.Fatalf("queue: got %v, want 1 entry", queue)
	}
	out := step(cura, "POST", "/api/v1/moderation/applications/"+id+"/decision", map[string]any{"decision": "request_changes"}, 400, "")
	if got := fieldsOf(out); len(got) != 1 || got[0] != "reason" {
		t.Errorf("request_changes without reason: got fields %v, want [reason]", got)
	}
	step(cura, "POST", "/api/v1/moderation/applications/"+id+"/decision", map[string]any{"decision": "request_changes", "reason": "Bitte ergänze, welche Tools du zeigst."}, 200, "changes_requested")
	mine := step(ada, "GET", "/api/v1/me/mentor-profile", nil, 200, "changes_requested")
	if d, _ := mine["decision"].(map[string]any); d == nil || !strings.Contains(d["reason"].(string), "Tools") {
		t.Errorf("applicant sees decision %v, want the curator's reason", mine["decision"])
	}
	step(ada, "PUT", "/api/v1/me/mentor-profile", with(validProfile(t), "skills", []string{"Python", "Power BI", "ChatGPT"}), 200, "changes_requested")
	step(ada, "POST", "/api/v1/me/mentor-profile/submit", nil, 200, "submitted")
	approved := step(cura, "POST", "/api/v1/moderation/applications/"+id+"/decision", map[string]any{"decision": "approve"}, 200, "approved")
	if approved["public"] != true {
		t.Errorf("approved profile: public = %v, want true", approved["public"])
	}
	h.sync(t)

	// Anyone finds it in the directory.
	anon := newBrowser(t)
	status, res := anon.jsonCall("GET", h.URL+"/api/v1/mentors?q=Lovelace", "", nil)
	if status != 200 || res["total"].(float64) != 1 {
		t.Fatalf("directory search: got %d %v, want 1 hit", status, res)
	}
	hit := res["hits"].([]any)[0].(map[string]any)
	if hit["id"] != id || hit["name"] != "Ada Lovelace" {
		t.Errorf("hit: got %v", hit)
	}
	for _, private := range []string{"email", "linkedinUrl", "ownerId", "comments"} {
		if _, ok := hit[private]; ok {
			t.Errorf("public hit carries %q", private)
		}
	}
	status, card := anon.jsonCall("GET", h.URL+"/api/v1/mentors/"+id, "", nil)
	if status != 200 || card["status"] != "approved" || card["linkedinUrl"] != nil {
		t.Errorf("public card: got %d %v, want approved without linkedinUrl", status, card)
	}

	// An edit of the published profile is a revision: the old version stays public.
	step(ada, "PUT", "/api/v1/me/mentor-profile", with(validProfile(t), "headline", "Neue Überschrift: KI, Daten und gesunder Menschenverstand"), 200, "submitted")
	h.sync(t)
	_, card = anon.jsonCall("GET", h.URL+"/api/v1/mentors/"+id, "", nil)
	if !strings.HasPrefix(card["headline"].(string), "Data-Analystin") {
		t.Errorf("public headline during review: got %q, want the approved one", card["headline"])
	}
	step(cura, "POST", "/api/v1/moderation/applications/"+id+"/decision", map[string]any{"decision": "approve"}, 200, "approved")
	h.sync(t)
	_, card = anon.jsonCall("GET", h.URL+"/api/v1/mentors/"+id, "", nil)
	if !strings.HasPrefix(card["headline"].(string), "Neue Überschrift") {
		t.Errorf("public headline after approval: got %q, want the revision", card["headline"])
	}

	// Pausing needs no review and takes the mentor out of the directory; resuming brings them back.
	step(ada, "PUT", "/api/v1/me/mentor-profile/pause", map[string]any{"paused": true}, 200, "approved")
	if status, _ := anon.jsonCall("GET", h.URL+"/api/v1/mentors/"+id, "", nil); status != http.StatusNotFound {
		t.Errorf("paused mentor by id: got %d, want 404", status)
	}
	step(ada, "PUT", "/api/v1/me/mentor-profile/pause", map[string]any{"paused": false}, 200, "approved")
	h.sync(t)
	if status, _ := anon.jsonCall("GET", h.URL+"/api/v1/mentors/"+id, "", nil); status != http.StatusOK {
		t.Errorf("resumed mentor by id: got %d, want 200", status)
	}

	// Withdrawal takes it out of the directory at once (no indexer run).
	step(ada, "POST", "/api/v1/me/mentor-profile/withdraw", nil, 200, "withdrawn")
	if status, _ := anon.jsonCall("GET", h.URL+"/api/v1/mentors/"+id, "", nil); status != http.StatusNotFound {
		t.Errorf("withdrawn profile by id: got %d, want 404", status)
	}
	if _, res := anon.jsonCall("GET", h.URL+"/api/v1/mentors?q=Lovelace", "", nil); res["total"].(float64) != 0 {
		t.Errorf("withdrawn profile in search: got %v", res["total"])
	}

	// The audit log has every decision, with who and why.
	status, trail := cura.call("GET", "/api/v1/moderation/applications/"+id+"/audit", nil)
	items, _ := trail["items"].([]any)
	var actions []string
	for _, it := range items {
		actions = append(actions, it.(map[string]any)["action"].(string))
	}
	want := "application.submit,application.request_changes,application.submit,application.approve,application.submit,application.approve,application.withdraw"
	if status != 200 || strings.Join(actions, ",") != want {
		t.Errorf("audit trail: got %d %v, want %s", status, actions, want)
	}
	// The applicant sees the same decisions, and the mentor role that
	// followed them: granted at the approval, taken at the withdrawal.
	status, mineAudit := ada.call("GET", "/api/v1/me/audit", nil)
	var seen []string
	for _, it := range mineAudit["items"].([]any) {
		seen = append(seen, it.(map[string]any)["action"].(string))
	}
	wantSeen := "application.submit,application.request_changes,application.submit,application.approve,role.grant,application.submit,application.approve,application.withdraw,role.revoke"
	if status != 200 || strings.Join(seen, ",") != wantSeen {
		t.Errorf("applicant's decisions: got %d %v, want %s", status, seen, wantSeen)
	}
}

func TestIntegrationApplicationRejected(t *testing.T) {
	h, op := newAppHarness(t)
	bob := h.signInAs(t, op, "bob", "bob@hanse.example", "Bob Builder")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	_, p := bob.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	id := p["id"].(string)
	bob.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	status, out := cura.call("POST", "/api/v1/moderation/applications/"+id+"/decision", map[string]any{"decision": "reject", "reason": "Das Programm richtet sich an Berufseinsteiger."})
	if status != 200 || out["status"] != "rejected" {
		t.Fatalf("reject: got %d %v", status, out)
	}
	h.sync(t)
	_, mine := bob.call("GET", "/api/v1/me/mentor-profile", nil)
	if d := mine["decision"].(map[string]any); d["decision"] != "reject" || !strings.Contains(d["reason"].(string), "Berufseinsteiger") {
		t.Errorf("applicant sees %v, want the rejection with its reason", d)
	}
	anon := newBrowser(t)
	if status, _ := anon.jsonCall("GET", h.URL+"/api/v1/mentors/"+id, "", nil); status != http.StatusNotFound {
		t.Errorf("rejected profile by id: got %d, want 404", status)
	}
	// A rejected application can be edited (back to draft) and submitted again.
	if status, out := bob.call("POST", "/api/v1/me/mentor-profile/submit", nil); status != http.StatusConflict {
		t.Errorf("submit rejected without edit: got %d %v, want 409", status, out)
	}
	if _, out := bob.call("PUT", "/api/v1/me/mentor-profile", validProfile(t)); out["status"] != "draft" {
		t.Errorf("edit after rejection: got %v, want draft", out["status"])
	}
}

func TestIntegrationProfileBadInput(t *testing.T) {
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	valid := validProfile(t)
	big := `{"headline": "` + strings.Repeat("x", 200<<10) + `"}`
	tests := []struct {
		name       string
		body       any
		wantStatus int
		wantField  string
	}{
		{"empty body", "", 400, "body"},
		{"malformed JSON", `{"headline": `, 400, "body"},
		{"not an object", `[1,2]`, 400, "body"},
		{"trailing data", `{"headline":"Hallo Welt, ich bin da"} {}`, 400, "body"},
		{"wrong type", with(valid, "topics", "digital-skills"), 400, "topics"},
		{"wrong nested type", with(valid, "availability", map[string]any{"hoursPerMonth": "four"}), 400, "availability.hoursPerMonth"},
		{"unknown field", with(valid, "isAdmin", true), 400, "isAdmin"},
		{"200 KB body", big, 413, "body"},
		{"headline too long", with(valid, "headline", strings.Repeat("a", 141)), 400, "headline"},
		{"headline too short", with(valid, "headline", "Hi"), 400, "headline"},
		{"control characters", with(valid, "headline", "Hallo\x00Welt und mehr"), 400, "headline"},
		{"bio too long", with(valid, "bio", strings.Repeat("b", 2001)), 400, "bio"},
		{"unknown topic", with(valid, "topics", []string{"digital-skills", "astrology"}), 400, "topics[1]"},
		{"too many topics", with(valid, "topics", []string{"digital-skills", "new-work-leadership", "employer-branding", "ai-data", "social-media", "wellbeing"}), 400, "topics"},
		{"bad language", with(valid, "languages", []string{"de", "xx"}), 400, "languages[1]"},
		{"language not ISO 639-1", with(valid, "languages", []string{"deu"}), 400, "languages[0]"},
		{"bad country", with(valid, "country", "XX"), 400, "country"},
		{"country not alpha-2", with(valid, "country", "DEU"), 400, "country"},
		{"javascript link", with(valid, "linkedinUrl", "javascript:alert(1)"), 400, "linkedinUrl"},
		{"http link", with(valid, "linkedinUrl", "http://www.linkedin.com/in/ada"), 400, "linkedinUrl"},
		{"other site", with(valid, "linkedinUrl", "https://evil.example/in/ada"), 400, "linkedinUrl"},
		{"hours too many", with(valid, "availability", map[string]any{"hoursPerMonth": 100}), 400, "availability.hoursPerMonth"},
		{"negative hours", with(valid, "availability", map[string]any{"hoursPerMonth": -1}), 400, "availability.hoursPerMonth"},
		{"public LinkedIn", with(valid, "visibility", map[string]any{"linkedinUrl": "public"}), 400, "visibility.linkedinUrl"},
		{"bad visibility", with(valid, "visibility", map[string]any{"interests": "everyone"}), 400, "visibility.interests"},
		{"too many skills", with(valid, "skills", strings.Split("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", ",")), 400, "skills"},
		{"skill too long", with(valid, "skills", []string{strings.Repeat("s", 41)}), 400, "skills[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := ada.call("PUT", "/api/v1/me/mentor-profile", tt.body)
			if status != tt.wantStatus {
				t.Errorf("got status %d, want %d (%v)", status, tt.wantStatus, out)
			}
			if got := fieldsOf(out); !contains(got, tt.wantField) {
				t.Errorf("got fields %v, want %q among them", got, tt.wantField)
			}
			if d, _ := out["detail"].(string); d == "" {
				t.Errorf("problem without detail: %v", out)
			}
			// Nothing was stored.
			if status, _ := ada.call("GET", "/api/v1/me/mentor-profile", nil); status != http.StatusNotFound {
				t.Errorf("after refused PUT: GET got %d, want 404 (nothing stored)", status)
			}
		})
	}

	// An incomplete draft saves, but does not submit; the problem names what is missing.
	if status, _ := ada.call("PUT", "/api/v1/me/mentor-profile", map[string]any{"headline": "Werkstudentin mit Herz für TikTok"}); status != 200 {
		t.Fatalf("incomplete draft: got %d, want 200", status)
	}
	status, out := ada.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	if got := fieldsOf(out); status != 400 || !contains(got, "bio") || !contains(got, "topics") || !contains(got, "languages") || !contains(got, "country") {
		t.Errorf("submit incomplete: got %d fields %v, want 400 naming bio, topics, languages, country", status, got)
	}
	if _, mine := ada.call("GET", "/api/v1/me/mentor-profile", nil); mine["status"] != "draft" {
		t.Errorf("after refused submit: status %v, want draft", mine["status"])
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestIntegrationApplicationAccess(t *testing.T) {
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	eve := h.signInAs(t, op, "eve", "eve@evil.example", "Eve")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	self := h.signInAs(t, op, "selfcura", "selfcura@program.example", "Sam Selfcurator")
	_, p := ada.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	adaID := p["id"].(string)
	ada.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	_, sp := self.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	selfID := sp["id"].(string)
	self.call("POST", "/api/v1/me/mentor-profile/submit", nil)

	anon := &person{b: newBrowser(t), h: h}
	tests := []struct {
		name   string
		who    *person
		method string
		path   string
		body   any
		want   int
	}{
		{"anonymous GET profile", anon, "GET", "/api/v1/me/mentor-profile", nil, 401},
		{"anonymous PUT profile", anon, "PUT", "/api/v1/me/mentor-profile", validProfile(t), 401},
		{"anonymous submit", anon, "POST", "/api/v1/me/mentor-profile/submit", nil, 401},
		{"anonymous withdraw", anon, "POST", "/api/v1/me/mentor-profile/withdraw", nil, 401},
		{"anonymous export", anon, "GET", "/api/v1/me/export", nil, 401},
		{"anonymous delete", anon, "DELETE", "/api/v1/me", nil, 401},
		{"anonymous me/audit", anon, "GET", "/api/v1/me/audit", nil, 401},
		{"anonymous queue", anon, "GET", "/api/v1/moderation/applications", nil, 401},
		{"mentor reads queue", eve, "GET", "/api/v1/moderation/applications", nil, 403},
		{"mentor reads another's application", eve, "GET", "/api/v1/moderation/applications/" + adaID, nil, 403},
		{"mentor decides", eve, "POST", "/api/v1/moderation/applications/" + adaID + "/decision", map[string]any{"decision": "approve"}, 403},
		{"mentor comments", eve, "POST", "/api/v1/moderation/applications/" + adaID + "/comments", map[string]any{"text": "hi"}, 403},
		{"mentor reads audit", eve, "GET", "/api/v1/moderation/applications/" + adaID + "/audit", nil, 403},
		{"mentor changes topics", eve, "PUT", "/api/v1/admin/topics/x", map[string]any{"labelEn": "X", "labelDe": "X"}, 403},
		{"curator approves own application", self, "POST", "/api/v1/moderation/applications/" + selfID + "/decision", map[string]any{"decision": "approve"}, 403},
		{"curator decides on unknown id", cura, "POST", "/api/v1/moderation/applications/mp_nope/decision", map[string]any{"decision": "approve"}, 404},
		{"curator: bad decision", cura, "POST", "/api/v1/moderation/applications/" + adaID + "/decision", map[string]any{"decision": "maybe"}, 400},
		{"curator: bad status filter", cura, "GET", "/api/v1/moderation/applications?status=nonsense", nil, 400},
		{"curator: bad limit", cura, "GET", "/api/v1/moderation/applications?limit=abc", nil, 400},
		{"submitted profile not public", anon, "GET", "/api/v1/mentors/" + adaID, nil, 404},
		{"directory: bad limit", anon, "GET", "/api/v1/mentors?limit=1000", nil, 400},
		{"directory: bad offset", anon, "GET", "/api/v1/mentors?offset=-1", nil, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.who.call(tt.method, tt.path, tt.body)
			if status != tt.want {
				t.Errorf("%s %s: got %d %v, want %d", tt.method, tt.path, status, out, tt.want)
			}
		})
	}
	// Eve's PUT touches only her own profile; Ada's stays as it was.
	eve.call("PUT", "/api/v1/me/mentor-profile", with(validProfile(t), "headline", "Eve was here and changed things"))
	_, mine := ada.call("GET", "/api/v1/me/mentor-profile", nil)
	if strings.HasPrefix(mine["headline"].(string), "Eve") {
		t.Errorf("another user's PUT changed Ada's profile")
	}
	// A state-changing call without the CSRF token is refused.
	noCSRF := &person{b: ada.b, h: h}
	if status, _ := noCSRF.call("PUT", "/api/v1/me/mentor-profile", validProfile(t)); status != http.StatusForbidden {
		t.Errorf("PUT without CSRF token: got %d, want 403", status)
	}
}

func TestIntegrationConcurrentDecisions(t *testing.T) {
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	c1 := h.signInAs(t, op, "cura", "cura@program.example", "Clara")
	c2 := h.signInAs(t, op, "cura2", "cura2@program.example", "Chris")
	_, p := ada.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	id := p["id"].(string)
	_, sub := ada.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	version := sub["version"]
	// An internal comment does not invalidate a decision taken on what the curator saw.
	if status, _ := c2.call("POST", "/api/v1/moderation/applications/"+id+"/comments", map[string]any{"text": "Ich schaue es mir an."}); status != http.StatusCreated {
		t.Fatalf("comment: got %d, want 201", status)
	}

	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, c := range []*person{c1, c2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			decision := map[string]any{"decision": "approve", "version": version}
			if i == 1 {
				decision = map[string]any{"decision": "reject", "reason": "Passt leider nicht.", "version": version}
			}
			statuses[i], _ = c.call("POST", "/api/v1/moderation/applications/"+id+"/decision", decision)
		}()
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, s := range statuses {
		switch s {
		case 200:
			ok++
		case 409:
			conflict++
		}
	}
	if ok != 1 || conflict != 1 {
		t.Errorf("two curators deciding at once: got statuses %v, want one 200 and one 409", statuses)
	}
	entries, err := h.Log.BySubject(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	decisions := 0
	for _, e := range entries {
		if e.Action == "application.approve" || e.Action == "application.reject" {
			decisions++
		}
	}
	if decisions != 1 {
		t.Errorf("audit decisions: got %d, want 1", decisions)
	}
}

func TestIntegrationExportAndDelete(t *testing.T) {
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	_, p := ada.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	id := p["id"].(string)
	ada.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	cura.call("POST", "/api/v1/moderation/applications/"+id+"/comments", map[string]any{"text": "Starke Bewerbung."})
	cura.call("POST", "/api/v1/moderation/applications/"+id+"/decision", map[string]any{"decision": "approve"})
	h.sync(t)

	status, ex := ada.call("GET", "/api/v1/me/export", nil)
	if status != 200 {
		t.Fatalf("export: got %d %v", status, ex)
	}
	user, _ := ex["user"].(map[string]any)
	prof, _ := ex["mentorProfile"].(map[string]any)
	about, _ := ex["auditAboutMe"].([]any)
	if user["email"] != "ada@nordlicht.example" || prof == nil || len(about) < 3 || len(ex["sessions"].([]any)) != 1 {
		t.Errorf("export: got user %v, profile present %v, %d audit entries, sessions %v", user["email"], prof != nil, len(about), ex["sessions"])
	}
	raw, _ := json.Marshal(ex)
	for _, secret := range []string{ada.csrf, "idToken", "tokenHash", "Clara Curator", cura.me.ID} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("export leaks %q", secret)
		}
	}

	status, _ = ada.call("DELETE", "/api/v1/me", nil)
	if status != http.StatusNoContent {
		t.Fatalf("DELETE /me: got %d, want 204", status)
	}
	if _, status := h.me(ada.b); status != http.StatusUnauthorized {
		t.Errorf("session after deletion: got %d, want 401", status)
	}
	anon := newBrowser(t)
	if status, _ := anon.jsonCall("GET", h.URL+"/api/v1/mentors/"+id, "", nil); status != http.StatusNotFound {
		t.Errorf("deleted mentor by id: got %d, want 404", status)
	}
	if _, res := anon.jsonCall("GET", h.URL+"/api/v1/mentors?q=Lovelace", "", nil); res["total"].(float64) != 0 {
		t.Errorf("deleted mentor in search: got %v", res["total"])
	}
	h.sync(t) // the indexer must not bring it back
	if _, err := h.Idx.Get(context.Background(), id); err == nil {
		t.Errorf("deleted mentor back in the index after the indexer ran")
	}
	if _, err := h.IDs.User(context.Background(), ada.me.ID); err == nil {
		t.Errorf("user record survived deletion")
	}
	left, err := h.Log.ByUser(context.Background(), ada.me.ID)
	if err != nil || len(left) != 0 {
		t.Errorf("audit entries still name the user: %d (%v)", len(left), err)
	}
	if status, _ := cura.call("GET", "/api/v1/moderation/applications/"+id, nil); status != http.StatusNotFound {
		t.Errorf("curator sees the deleted application: got %d, want 404", status)
	}
	// A curator who deletes their account leaves no name or id on others' applications.
	bob := h.signInAs(t, op, "bob", "bob@hanse.example", "Bob Builder")
	_, bp := bob.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	bob.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	cura.call("POST", "/api/v1/moderation/applications/"+bp["id"].(string)+"/comments", map[string]any{"text": "Bitte prüfen."})
	cura.call("POST", "/api/v1/moderation/applications/"+bp["id"].(string)+"/decision", map[string]any{"decision": "request_changes", "reason": "Mehr Details bitte."})
	if status, _ := cura.call("DELETE", "/api/v1/me", nil); status != http.StatusNoContent {
		t.Fatalf("curator DELETE /me: got %d", status)
	}
	cura2 := h.signInAs(t, op, "cura2", "cura2@program.example", "Chris Curator")
	_, view := cura2.call("GET", "/api/v1/moderation/applications/"+bp["id"].(string), nil)
	rawView, _ := json.Marshal(view)
	if strings.Contains(string(rawView), "Clara Curator") || strings.Contains(string(rawView), cura.me.ID) {
		t.Errorf("deleted curator still named on an application: %s", rawView)
	}

	// Signing in again starts from nothing.
	again := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	if status, _ := again.call("GET", "/api/v1/me/mentor-profile", nil); status != http.StatusNotFound {
		t.Errorf("profile after deletion and new sign-in: got %d, want 404", status)
	}
}

// TestIntegrationRuleKeys: a field error carries its rule and arguments
// beside the English message (the example: a 20-character bio).
func TestIntegrationRuleKeys(t *testing.T) {
	h, op := newAppHarness(t)
	lena := h.signInAs(t, op, "lena", "lena@acme.example", "Lena")
	body := validProfile(t)
	body["bio"] = strings.Repeat("b", 20)
	status, out := lena.call("PUT", "/api/v1/me/mentor-profile", body)
	errs, _ := out["errors"].([]any)
	if status != http.StatusBadRequest || len(errs) == 0 {
		t.Fatalf("short bio: got %d %v, want 400 with errors", status, out)
	}
	e, _ := errs[0].(map[string]any)
	args, _ := e["args"].(map[string]any)
	if e["field"] != "bio" || e["rule"] != otm.RuleMinLength || args["min"] != float64(80) || e["message"] == "" {
		t.Errorf("errors[0]: got %v, want field bio, rule min_length, args {min: 80} and a message", e)
	}
	status, out = lena.call("POST", "/api/v1/moderation/applications/mp_x/decision", map[string]any{"decision": "approve"})
	if status != http.StatusForbidden || out["rule"] != otm.RuleRole {
		t.Errorf("a mentor deciding: got %d %v, want 403 with rule role", status, out)
	}
}
