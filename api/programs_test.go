package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/oidctest"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/organization"
)

// newProgramHarness has an admin (amira) and two curators (cura, cura2).
func newProgramHarness(t *testing.T) (*harness, *oidctest.Provider) {
	t.Helper()
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(ic *identity.Config, _ *apiConfig) {
			ic.AdminEmails = []string{"amira@program.example"}
			ic.CuratorEmails = []string{"cura@program.example", "cura2@program.example"}
		})
	h.putOrgs(t,
		organization.Organization{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Verified: true},
		organization.Organization{ID: "nordlicht", Name: "Nordlicht Digital GmbH", Domains: []string{"nordlicht.example"}, Verified: true},
		organization.Organization{ID: "alpenbank", Name: "Alpenbank AG", Domains: []string{"alpenbank.example"}, Verified: true},
	)
	return h, op
}

func springProgram() map[string]any {
	return map[string]any{
		"id": "spring-2027", "name": "Spring cohort 2027", "sponsor": "Dr. Petra Hoffmann", "term": "half-year",
		"description":       "Six months of reverse mentoring across companies.",
		"registrationOpens": "2027-01-10", "registrationCloses": "2027-02-15", "kickOff": "2027-03-01", "wrapUp": "2027-08-31",
		"curators": []string{"Cura2@Program.example"}, "capacity": 1,
		"weights": map[string]any{"topic": 0.5, "language": 0.1, "availability": 0.1, "interests": 0.1, "timezone": 0.1, "preference": 0.1},
	}
}

// problemRule returns the "field: message" pairs of a problem, joined.
func problemText(out map[string]any) string {
	var b strings.Builder
	b.WriteString(str(out["rule"]) + ": " + str(out["detail"]))
	errs, _ := out["errors"].([]any)
	for _, e := range errs {
		m, _ := e.(map[string]any)
		b.WriteString(" | " + str(m["field"]) + ": " + str(m["rule"]) + ": " + str(m["message"]))
	}
	return b.String()
}

func str(v any) string { s, _ := v.(string); return s }

func TestIntegrationProgramsAdmin(t *testing.T) {
	h, op := newProgramHarness(t)
	admin := h.signInAs(t, op, "amira", "amira@program.example", "Amira Admin")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	cura2 := h.signInAs(t, op, "cura2", "cura2@program.example", "Carl Curator")
	anon := &person{b: newBrowser(t), h: h}

	invalid := []struct {
		name  string
		patch map[string]any
		field string
	}{
		{"name too short", map[string]any{"name": "ab"}, "name"},
		{"bad id", map[string]any{"id": "Spring 2027!"}, "id"},
		{"reserved id", map[string]any{"id": "open"}, "id"},
		{"bad term", map[string]any{"term": "decade"}, "term"},
		{"wrap-up before kick-off", map[string]any{"wrapUp": "2027-02-01"}, "wrapUp"},
		{"not a date", map[string]any{"kickOff": "1 March"}, "kickOff"},
		{"curator not an e-mail", map[string]any{"curators": []string{"cura2"}}, "curators[0]"},
		{"capacity", map[string]any{"capacity": 9}, "capacity"},
		{"negative weight", map[string]any{"weights": map[string]any{"topic": -1}}, "weights.topic"},
		{"all weights zero", map[string]any{"weights": map[string]any{}}, "weights"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			body := springProgram()
			for k, v := range tt.patch {
				body[k] = v
			}
			status, out := admin.call("POST", "/api/v1/admin/programs", body)
			if status != http.StatusBadRequest || !contains(fieldsOf(out), tt.field) {
				t.Errorf("got %d %v, want 400 naming %s", status, out, tt.field)
			}
		})
	}
	if status, _ := cura.call("POST", "/api/v1/admin/programs", springProgram()); status != http.StatusForbidden {
		t.Errorf("a curator creating a program: got %d, want 403", status)
	}
	// Without an id, the name gives one; umlauts become two letters between dashes.
	umlaut := springProgram()
	delete(umlaut, "id")
	umlaut["name"] = "Kohorte Ö 2027"
	if status, out := admin.call("POST", "/api/v1/admin/programs", umlaut); status != http.StatusCreated || out["id"] != "kohorte-oe-2027" {
		t.Errorf("a program named %q: got %d %v, want id kohorte-oe-2027", umlaut["name"], status, out)
	}
	status, pr := admin.call("POST", "/api/v1/admin/programs", springProgram())
	if status != http.StatusCreated || pr["phase"] != "planning" || pr["id"] != "spring-2027" {
		t.Fatalf("create: got %d %v", status, pr)
	}
	if cs, _ := pr["curators"].([]any); len(cs) != 1 || cs[0] != "cura2@program.example" {
		t.Errorf("curators: got %v, want the lower-cased e-mail", pr["curators"])
	}
	if w, _ := pr["weights"].(map[string]any); w["topic"] != 0.5 {
		t.Errorf("weights: got %v, want topic 0.5 (already summing to 1)", w)
	}
	if status, out := admin.call("POST", "/api/v1/admin/programs", springProgram()); status != http.StatusConflict || !contains(fieldsOf(out), "id") {
		t.Errorf("duplicate id: got %d %v, want 409 naming id", status, out)
	}

	// Planning is invisible to visitors and to curators of other programs.
	for _, tt := range []struct {
		name string
		who  *person
		want int
	}{{"visitor", anon, http.StatusNotFound}, {"other curator", cura, http.StatusNotFound}, {"its curator", cura2, http.StatusOK}, {"admin", admin, http.StatusOK}} {
		if status, _ := tt.who.call("GET", "/api/v1/programs/spring-2027", nil); status != tt.want {
			t.Errorf("%s reading a program in planning: got %d, want %d", tt.name, status, tt.want)
		}
	}
	_, list := anon.call("GET", "/api/v1/programs", nil)
	if items, _ := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != "open" {
		t.Errorf("visitor's programs: got %v, want only the open program", list["items"])
	}

	// Only its curators and admins change it; only admins change curators.
	upd := springProgram()
	upd["sponsor"] = "Prof. Jana Richter"
	upd["version"] = pr["version"]
	if status, out := cura.call("PUT", "/api/v1/moderation/programs/spring-2027", upd); status != http.StatusNotFound || strings.Contains(toJSON(t, out), "Spring") {
		t.Errorf("a curator of another program editing one in planning: got %d %v, want 404 without its name", status, out)
	}
	upd2 := springProgram()
	upd2["curators"] = []string{"cura2@program.example", "cura@program.example"}
	if status, out := cura2.call("PUT", "/api/v1/moderation/programs/spring-2027", upd2); status != http.StatusForbidden || !contains(fieldsOf(out), "curators") {
		t.Errorf("a curator adding curators: got %d %v, want 403 naming curators", status, out)
	}
	status, out := cura2.call("PUT", "/api/v1/moderation/programs/spring-2027", upd)
	if status != http.StatusOK || out["sponsor"] != "Prof. Jana Richter" {
		t.Fatalf("its curator editing: got %d %v", status, out)
	}
	if status, out := cura2.call("PUT", "/api/v1/moderation/programs/spring-2027", upd); status != http.StatusConflict || !contains(fieldsOf(out), "version") {
		t.Errorf("stale version: got %d %v, want 409 naming version", status, out)
	}

	// Phases go one step at a time; registration needs every date.
	if status, out := cura2.call("POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": "matching"}); status != http.StatusBadRequest || !strings.Contains(problemText(out), "registration") {
		t.Errorf("skipping a phase: got %d %v, want 400 naming the next phase", status, out)
	}
	nodates := map[string]any{"id": "autumn-2027", "name": "Autumn cohort 2027"}
	if status, out := admin.call("POST", "/api/v1/admin/programs", nodates); status != http.StatusCreated {
		t.Fatalf("a program without dates (planning): got %d %v", status, out)
	}
	if status, out := admin.call("POST", "/api/v1/moderation/programs/autumn-2027/phase", map[string]any{"phase": "registration"}); status != http.StatusBadRequest || !contains(fieldsOf(out), "kickOff") || !contains(fieldsOf(out), "wrapUp") {
		t.Errorf("registration without dates: got %d %v, want 400 naming the dates", status, out)
	}
	if status, _ := admin.call("DELETE", "/api/v1/admin/programs/autumn-2027", nil); status != http.StatusNoContent {
		t.Errorf("deleting a program in planning: got %d, want 204", status)
	}
	if status, out := cura2.call("POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": "registration"}); status != http.StatusOK || out["phase"] != "registration" {
		t.Fatalf("open registration: got %d %v", status, out)
	}
	if status, out := admin.call("DELETE", "/api/v1/admin/programs/spring-2027", nil); status != http.StatusConflict || !strings.Contains(problemText(out), "wrong_phase") {
		t.Errorf("deleting a running program: got %d %v, want 409 wrong_phase", status, out)
	}
	// Visitors now see it, without curators or weights.
	status, pub := anon.call("GET", "/api/v1/programs/spring-2027", nil)
	if status != http.StatusOK || pub["curators"] != nil || pub["sponsor"] != "Prof. Jana Richter" {
		t.Errorf("public program: got %d %v, want no curators", status, pub)
	}
	if w, _ := pub["weights"].(map[string]any); w["topic"] != 0.0 {
		t.Errorf("public program weights: got %v, want none", w)
	}
	// The open program has neither dates nor phases.
	open := map[string]any{"name": "Open program", "kickOff": "2027-01-01"}
	if status, out := admin.call("PUT", "/api/v1/moderation/programs/open", open); status != http.StatusBadRequest || !contains(fieldsOf(out), "kickOff") {
		t.Errorf("dates on the open program: got %d %v", status, out)
	}
	if status, _ := admin.call("POST", "/api/v1/moderation/programs/open/phase", map[string]any{"phase": "registration"}); status != http.StatusBadRequest {
		t.Errorf("a phase for the open program: got %d, want 400", status)
	}
}

// TestIntegrationProgramLifecycle runs a cohort through every phase through
// the API and checks what each phase refuses, and that a curator acts only
// within their programs.
func TestIntegrationProgramLifecycle(t *testing.T) {
	h, op := newProgramHarness(t)
	admin := h.signInAs(t, op, "amira", "amira@program.example", "Amira Admin")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	cura2 := h.signInAs(t, op, "cura2", "cura2@program.example", "Carl Curator")
	if status, out := admin.call("POST", "/api/v1/admin/programs", springProgram()); status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, out)
	}
	phase := func(to string) {
		t.Helper()
		if status, out := cura2.call("POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": to}); status != http.StatusOK {
			t.Fatalf("phase %s: %d %v", to, status, out)
		}
	}
	wrongPhase := func(what string, status int, out map[string]any) {
		t.Helper()
		if status != http.StatusConflict || !contains(fieldsOf(out), "phase") || !strings.Contains(problemText(out), "wrong_phase") {
			t.Errorf("%s: got %d %v, want 409 wrong_phase", what, status, out)
		}
	}
	// An executive (with an open-program request) and a mentor.
	kat, _ := h.executive(t, op, "kat", "katharina@hanse.example", "Katharina Weber")
	ada, adaID := h.approvedMentor(t, op, cura, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de", "en"})
	const q = "?program=spring-2027"
	if status, out := kat.call("PUT", "/api/v1/me/mentee-request"+q, validRequest()); status != http.StatusBadRequest || !contains(fieldsOf(out), "program") {
		t.Errorf("a request to a program in planning: got %d %v, want 400 naming program", status, out)
	}
	phase("registration")
	if status, out := kat.call("PUT", "/api/v1/me/mentee-request"+q, validRequest()); status != http.StatusOK || out["programId"] != "spring-2027" {
		t.Fatalf("request in registration: got %d %v", status, out)
	}
	_, req := kat.call("POST", "/api/v1/me/mentee-request/submit"+q, nil)
	reqID, _ := req["id"].(string)
	if req["status"] != "submitted" || reqID == "" {
		t.Fatalf("submit: got %v", req)
	}
	if _, mine := kat.call("GET", "/api/v1/me/mentee-requests", nil); len(mine["items"].([]any)) != 2 {
		t.Errorf("my requests: got %v, want the open one and the cohort's", mine["items"])
	}
	propose := func(p *person) (int, map[string]any) {
		return p.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": reqID, "mentorProfileId": adaID})
	}
	status, out := propose(cura2)
	wrongPhase("proposing in registration", status, out)
	status, out = cura2.call("GET", "/api/v1/moderation/assignment"+q, nil)
	wrongPhase("cohort assignment in registration", status, out)

	// A curator outside the program: refused everywhere in it; its requests
	// are as unknown to them as missing ones (404, as for mr_nobody).
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/api/v1/moderation/mentee-requests" + q, http.StatusForbidden},
		{"GET", "/api/v1/moderation/mentee-requests/" + reqID, http.StatusNotFound},
		{"GET", "/api/v1/moderation/mentee-requests/mr_nobody_spring-2027", http.StatusNotFound},
		{"GET", "/api/v1/moderation/mentee-requests/" + reqID + "/suggestions", http.StatusNotFound},
		{"GET", "/api/v1/moderation/assignment" + q, http.StatusForbidden},
		{"POST", "/api/v1/moderation/programs/spring-2027/phase", http.StatusForbidden},
	} {
		var body any
		if tt.method == "POST" {
			body = map[string]any{"phase": "matching"}
		}
		if status, _ := cura.call(tt.method, tt.path, body); status != tt.want {
			t.Errorf("curator outside the program: %s %s: got %d, want %d", tt.method, tt.path, status, tt.want)
		}
	}
	// To a curator of another program the request is as unknown as one that
	// does not exist: neither its existence nor its status shows.
	status, outside := propose(cura)
	_, made := cura.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": "mr_doesnotexist", "mentorProfileId": adaID})
	if got := fieldsOf(outside); status != http.StatusBadRequest || len(got) != 1 || got[0] != "menteeRequestId" || outside["detail"] != made["detail"] {
		t.Errorf("curator outside the program proposing: got %d %v, want 400 on menteeRequestId as for an unknown request (%v)", status, outside, made)
	}
	_, all := cura.call("GET", "/api/v1/moderation/mentee-requests", nil)
	for _, it := range all["items"].([]any) {
		if it.(map[string]any)["programId"] != "open" {
			t.Errorf("curator outside the program lists %v", it)
		}
	}

	phase("matching")
	status, out = kat.call("PUT", "/api/v1/me/mentee-request"+q, validRequest())
	wrongPhase("changing a request once matching began", status, out)
	status, asg := cura2.call("GET", "/api/v1/moderation/assignment"+q, nil)
	if pairs, _ := asg["pairs"].([]any); status != http.StatusOK || len(pairs) != 1 || asg["programId"] != "spring-2027" {
		t.Errorf("cohort assignment: got %d %v, want Katharina → Ada", status, asg)
	}
	status, tk := propose(cura2)
	if status != http.StatusCreated || tk["programId"] != "spring-2027" {
		t.Fatalf("propose in matching: got %d %v", status, tk)
	}
	tkID := tk["id"].(string)
	for _, p := range []*person{kat, ada} {
		if status, out := p.call("POST", "/api/v1/me/tandems/"+tkID+"/accept", nil); status != http.StatusOK {
			t.Fatalf("accept: %d %v", status, out)
		}
	}
	phase("running")
	cadence := map[string]any{"every": "biweekly", "weekday": 2, "time": "18:30", "durationMinutes": 60, "timezone": "Europe/Berlin", "startDate": "2027-03-02"}
	if status, out := ada.call("PUT", "/api/v1/me/tandems/"+tkID+"/cadence", cadence); status != http.StatusOK {
		t.Fatalf("cadence: %d %v", status, out)
	}
	resp, ics := ada.b.get(h.URL + "/api/v1/me/tandems/" + tkID + "/calendar.ics")
	if resp.StatusCode != http.StatusOK || !strings.Contains(ics, ";UNTIL=20270831T") || !strings.Contains(ics, "SUMMARY:Spring cohort 2027: kick-off") {
		t.Errorf("calendar of a cohort tandem: got %d\n%s\nwant recurrence until the wrap-up and the kick-off", resp.StatusCode, ics)
	}

	phase("wrap-up")
	_, mine := kat.call("GET", "/api/v1/me/tandems", nil)
	var got map[string]any
	for _, it := range mine["items"].([]any) {
		if m := it.(map[string]any); m["id"] == tkID {
			got = m
		}
	}
	if got["status"] != "ended" || got["endedBy"] != "program" {
		t.Errorf("tandem at wrap-up: got %v, want ended by the program", got)
	}
	status, out = kat.call("POST", "/api/v1/me/tandems/"+tkID+"/meetings", map[string]any{"date": "2027-03-02"})
	if status != http.StatusConflict {
		t.Errorf("logging a meeting after the end: got %d %v, want 409", status, out)
	}
	if status, _ := kat.call("GET", "/api/v1/me/tandems/"+tkID+"/meetings", nil); status != http.StatusOK {
		t.Errorf("reading the meeting log after the end: got %d, want 200", status)
	}
	phase("evaluated")
	status, out = cura2.call("PUT", "/api/v1/moderation/programs/spring-2027", springProgram())
	wrongPhase("changing an evaluated program", status, out)
	if status, out := cura2.call("POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": "evaluated"}); status != http.StatusBadRequest {
		t.Errorf("past the last phase: got %d %v, want 400", status, out)
	}
}

// TestIntegrationTandemEndsEarly: either side or a curator ends a tandem; the
// reason is for curators only; the mentor's capacity is free again.
func TestIntegrationTandemEndsEarly(t *testing.T) {
	h, op := newProgramHarness(t)
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	kat, katReq := h.executive(t, op, "kat", "katharina@hanse.example", "Katharina Weber")
	_, tobReq := h.executive(t, op, "tob", "tobias@alpenbank.example", "Tobias Brandt")
	ada, adaID := h.approvedMentor(t, op, cura, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de", "en"})
	eve := h.signInAs(t, op, "eve", "eve@evil.example", "Eve")
	propose := func(req string) string {
		t.Helper()
		status, tk := cura.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": req, "mentorProfileId": adaID})
		if status != http.StatusCreated {
			t.Fatalf("propose: %d %v", status, tk)
		}
		return tk["id"].(string)
	}
	tk := propose(katReq)
	kat.call("POST", "/api/v1/me/tandems/"+tk+"/accept", nil)
	ada.call("POST", "/api/v1/me/tandems/"+tk+"/accept", nil)
	if status, _ := eve.call("POST", "/api/v1/me/tandems/"+tk+"/end", map[string]any{"reason": "x"}); status != http.StatusNotFound {
		t.Errorf("a stranger ending it: got %d, want 404", status)
	}
	if status, _ := eve.call("POST", "/api/v1/moderation/tandems/"+tk+"/end", nil); status != http.StatusForbidden {
		t.Errorf("a non-curator ending it as curator: got %d, want 403", status)
	}
	if status, out := kat.call("POST", "/api/v1/me/tandems/"+tk+"/end", map[string]any{"reason": strings.Repeat("x", 1001)}); status != http.StatusBadRequest || !contains(fieldsOf(out), "reason") {
		t.Errorf("a too long reason: got %d %v", status, out)
	}
	status, out := kat.call("POST", "/api/v1/me/tandems/"+tk+"/end", map[string]any{"reason": "we moved to another city"})
	if status != http.StatusOK || out["status"] != "ended" || out["endedBy"] != "mentee" || out["endReason"] != nil {
		t.Fatalf("the mentee ends it: got %d %v (the reason must not be in the pair's view)", status, out)
	}
	for _, path := range []string{"/api/v1/me/tandems", "/api/v1/me/audit", "/api/v1/me/export"} {
		if _, seen := ada.call("GET", path, nil); strings.Contains(strings.ToLower(toJSON(t, seen)), "another city") {
			t.Errorf("the mentor sees the reason in %s: %v", path, seen)
		}
	}
	if _, own := kat.call("GET", "/api/v1/me/audit", nil); !strings.Contains(toJSON(t, own), "another city") {
		t.Errorf("the mentee's own audit trail lacks her reason: %v", own)
	}
	// A draft is the executive's alone, even for curators.
	if err := h.IDs.GrantRolesByEmail(context.Background(), "ulla@alpenbank.example", []string{otm.RoleMentee}); err != nil {
		t.Fatal(err)
	}
	ulla := h.signInAs(t, op, "ulla", "ulla@alpenbank.example", "Ulla Berger")
	_, draft := ulla.call("PUT", "/api/v1/me/mentee-request", validRequest())
	if status, _ := cura.call("GET", "/api/v1/moderation/mentee-requests/"+str(draft["id"]), nil); status != http.StatusNotFound {
		t.Errorf("a curator reading a draft: got %d, want 404", status)
	}
	if _, cur := cura.call("GET", "/api/v1/moderation/tandems/"+tk, nil); cur["endReason"] != "we moved to another city" {
		t.Errorf("curator's view: got %v, want the reason", cur)
	}
	if status, _ := kat.call("POST", "/api/v1/me/tandems/"+tk+"/end", nil); status != http.StatusConflict {
		t.Errorf("ending twice: got %d, want 409", status)
	}
	// Ada's capacity is free again; a curator can end the next one.
	tk2 := propose(tobReq)
	if status, out := cura.call("POST", "/api/v1/moderation/tandems/"+tk2+"/end", map[string]any{"reason": "double booking"}); status != http.StatusOK || out["endedBy"] != "curator" {
		t.Errorf("a curator ends a proposal: got %d %v", status, out)
	}
}

// TestIntegrationFollowPrograms: people who follow the programs hear, once,
// when a cohort opens its registration; others do not; following is one's
// own business (signed in, a clear 400 for a body without the field).
func TestIntegrationFollowPrograms(t *testing.T) {
	h, op := newProgramHarness(t)
	admin := h.signInAs(t, op, "amira", "amira@program.example", "Amira Admin")
	cura2 := h.signInAs(t, op, "cura2", "cura2@program.example", "Carl Curator")
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	kat := h.signInAs(t, op, "kat", "kat@hanse.example", "Katharina Weber")
	anon := &person{b: newBrowser(t), h: h}

	refused := []struct {
		name   string
		who    *person
		method string
		body   any
		status int
		field  string
	}{
		{"visitor reads", anon, "GET", nil, http.StatusUnauthorized, ""},
		{"visitor follows", anon, "PUT", map[string]any{"following": true}, http.StatusUnauthorized, ""},
		{"no field", ada, "PUT", map[string]any{}, http.StatusBadRequest, "following"},
		{"not a boolean", ada, "PUT", map[string]any{"following": "yes"}, http.StatusBadRequest, "following"},
	}
	for _, tt := range refused {
		status, out := tt.who.call(tt.method, "/api/v1/me/program-follow", tt.body)
		if status != tt.status || (tt.field != "" && !contains(fieldsOf(out), tt.field)) {
			t.Errorf("%s: got %d %v, want %d naming %q", tt.name, status, out, tt.status, tt.field)
		}
	}
	if status, out := ada.call("GET", "/api/v1/me/program-follow", nil); status != http.StatusOK || out["following"] != false {
		t.Fatalf("before following: got %d %v, want following false", status, out)
	}
	for range 2 { // idempotent
		if status, out := ada.call("PUT", "/api/v1/me/program-follow", map[string]any{"following": true}); status != http.StatusOK || out["following"] != true {
			t.Fatalf("follow: got %d %v", status, out)
		}
	}
	if status, out := ada.call("GET", "/api/v1/me/program-follow", nil); status != http.StatusOK || out["following"] != true {
		t.Errorf("after following: got %d %v, want true", status, out)
	}
	// Kat followed and stopped again.
	for _, on := range []bool{true, false} {
		if status, out := kat.call("PUT", "/api/v1/me/program-follow", map[string]any{"following": on}); status != http.StatusOK {
			t.Fatalf("kat following %v: got %d %v", on, status, out)
		}
	}

	if status, out := admin.call("POST", "/api/v1/admin/programs", springProgram()); status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, out)
	}
	if status, out := cura2.call("POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": "registration"}); status != http.StatusOK {
		t.Fatalf("open registration: %d %v", status, out)
	}
	if _, err := h.Notify.NewFanOut(notify.FanOutConfig{}).Drain(context.Background()); err != nil {
		t.Fatalf("fan-out: %v", err)
	}
	registration := func(p *person) []map[string]any {
		t.Helper()
		status, out := p.call("GET", "/api/v1/me/notifications", nil)
		if status != http.StatusOK {
			t.Fatalf("inbox: %d %v", status, out)
		}
		var got []map[string]any
		for _, it := range out["items"].([]any) {
			if m := it.(map[string]any); m["type"] == notify.TypeProgramRegistration {
				got = append(got, m)
			}
		}
		return got
	}
	got := registration(ada)
	if len(got) != 1 || got[0]["link"] != "/programs/spring-2027" || !strings.Contains(fmt.Sprint(got[0]["args"]), "Spring") {
		t.Errorf("Ada (follows): got %v, want one message linking the program", got)
	}
	if got := registration(kat); len(got) != 0 {
		t.Errorf("Kat (stopped following): got %v, want none", got)
	}
	// Ada's export says she follows; after erasure the list forgets her.
	status, export := ada.call("GET", "/api/v1/me/export", nil)
	if status != http.StatusOK || export["followsPrograms"] != true {
		t.Errorf("export: got %d followsPrograms=%v, want true", status, export["followsPrograms"])
	}
	if ids, err := h.Programs.Followers(context.Background()); err != nil || len(ids) != 1 {
		t.Fatalf("followers: got %v %v, want Ada alone", ids, err)
	}
	if status, out := ada.call("DELETE", "/api/v1/me", nil); status != http.StatusNoContent {
		t.Fatalf("erase: %d %v", status, out)
	}
	if ids, err := h.Programs.Followers(context.Background()); err != nil || len(ids) != 0 {
		t.Errorf("followers after Ada's erasure: got %v %v, want none", ids, err)
	}
}
