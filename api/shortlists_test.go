package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/opentomentor/opentomentor/organization"
)

// TestIntegrationShortlist: curators of a program shortlist three mentors
// for an executive (a competitor's mentor is refused with the rule, and
// nothing is stored), send it; the executive sees the public cards and the
// notes and picks the second; the mentor declines, the executive picks again
// without a new curator round, that mentor accepts and the tandem runs. A
// mentor who was shortlisted but not picked sees nothing of it; another
// executive, a curator of another program and a mentor are refused.
func TestIntegrationShortlist(t *testing.T) {
	h, op := newProgramHarness(t)
	h.putOrgs(t,
		organization.Organization{ID: "alpenbank", Name: "Alpenbank AG", Domains: []string{"alpenbank.example"}, Competitors: []string{"bergmann"}, Verified: true},
		organization.Organization{ID: "bergmann", Name: "Bergmann Versicherung AG", Domains: []string{"bergmann.example"}, Competitors: []string{"alpenbank"}, Verified: true},
		organization.Organization{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Verified: true},
		organization.Organization{ID: "nordlicht", Name: "Nordlicht Digital GmbH", Domains: []string{"nordlicht.example"}, Verified: true},
	)
	admin := h.signInAs(t, op, "amira", "amira@program.example", "Amira Admin")
	pia, otto := h.twoPrograms(t, op, admin)
	ada, adaID := h.approvedMentor(t, op, admin, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de", "en"})
	finn, finnID := h.approvedMentor(t, op, admin, "finn", "finn@nordlicht.example", "Finn Jensen", []string{"de"})
	gus, gusID := h.approvedMentor(t, op, admin, "gus", "gus@hanse.example", "Gus Hansen", []string{"de"})
	_, cemID := h.approvedMentor(t, op, admin, "cem", "cem@bergmann.example", "Cem Yıldız", []string{"de"})
	h.sync(t)
	tob := h.signInAs(t, op, "tob", "tobias@alpenbank.example", "Tobias Brandt")
	tob.must("PUT", "/api/v1/me/mentee-request?program=spring-2027", validRequest(), http.StatusOK)
	reqID := tob.must("POST", "/api/v1/me/mentee-request/submit?program=spring-2027", nil, http.StatusOK)["id"].(string)
	kat := h.signInAs(t, op, "kat", "kat@hanse.example", "Katharina Weber")
	kat.must("PUT", "/api/v1/me/mentee-request?program=spring-2027", validRequest(), http.StatusOK)
	kat.must("POST", "/api/v1/me/mentee-request/submit?program=spring-2027", nil, http.StatusOK)
	pia.must("POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": "matching"}, http.StatusOK)
	path := "/api/v1/moderation/mentee-requests/" + reqID + "/shortlist"
	cand := func(id, note string) map[string]any { return map[string]any{"mentorProfileId": id, "note": note} }

	// A competitor's mentor is refused with the rule, naming the candidate.
	status, out := pia.call("PUT", path, map[string]any{"candidates": []any{cand(adaID, "AI at work"), cand(cemID, "insurance"), cand(finnID, "")}})
	if status != http.StatusConflict || out["rule"] != "competitors" || mustField(t, out, "candidates[1].mentorProfileId") != "competitors" {
		t.Fatalf("a competitor's mentor: got %d %v, want 409 competitors on candidates[1]", status, out)
	}
	for _, tt := range []struct {
		name  string
		body  any
		field string
	}{
		{"six candidates", map[string]any{"candidates": []any{cand(adaID, ""), cand(finnID, ""), cand(gusID, ""), cand("a", ""), cand("b", ""), cand("c", "")}}, "candidates"},
		{"twice", map[string]any{"candidates": []any{cand(adaID, ""), cand(adaID, "")}}, "candidates[1].mentorProfileId"},
		{"note too long", map[string]any{"candidates": []any{cand(adaID, strings.Repeat("x", 501)), cand(finnID, "")}}, "candidates[0].note"},
		{"not a mentor", map[string]any{"candidates": []any{cand(adaID, ""), cand("mp_nobody", "")}}, "candidates[1].mentorProfileId"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, out := pia.call("PUT", path, tt.body)
			if status != http.StatusBadRequest || mustField(t, out, tt.field) == "" {
				t.Errorf("got %d %v, want 400 naming %s", status, out, tt.field)
			}
		})
	}
	if got := pia.must("GET", path, nil, http.StatusOK); len(got["candidates"].([]any)) != 0 {
		t.Fatalf("after refusals: got %v, want no candidates stored", got)
	}
	if status, out := pia.call("POST", path+"/send", nil); status != http.StatusConflict || out["rule"] != "status" {
		t.Errorf("sending an empty list: got %d %v, want 409", status, out)
	}
	// One candidate is a list in the making, not one to send.
	pia.must("PUT", path, map[string]any{"candidates": []any{cand(adaID, "")}}, http.StatusOK)
	if status, out := pia.call("POST", path+"/send", nil); status != http.StatusConflict {
		t.Errorf("sending one candidate: got %d %v, want 409", status, out)
	}
	pia.must("PUT", path, map[string]any{"candidates": []any{cand(adaID, "Explains AI without buzzwords"), cand(finnID, "Runs a data team"), cand(gusID, "Logistics and Gen Z")}}, http.StatusOK)
	// A co-curator's edit of a list changed meanwhile is refused, not lost.
	cur := pia.must("GET", path, nil, http.StatusOK)
	if status, out := pia.call("PUT", path, map[string]any{"candidates": []any{cand(adaID, "")}, "version": cur["version"].(float64) - 1}); status != http.StatusConflict || out["rule"] != "changed" {
		t.Errorf("a stale edit: got %d %v, want 409 changed", status, out)
	}
	if got := tob.must("GET", "/api/v1/me/shortlists", nil, http.StatusOK); len(got["items"].([]any)) != 0 {
		t.Fatalf("the executive before sending: got %v, want nothing", got)
	}

	// Who else may touch it.
	for _, tt := range []struct {
		name   string
		who    *person
		method string
		want   int
	}{
		{"curator of another program reads", otto, "GET", http.StatusNotFound},
		{"curator of another program sends", otto, "POST", http.StatusNotFound},
		{"a mentor reads", ada, "GET", http.StatusForbidden},
		{"the executive reads the curators' list", tob, "GET", http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := path
			if tt.method == "POST" {
				p += "/send"
			}
			if status, out := tt.who.call(tt.method, p, nil); status != tt.want {
				t.Errorf("got %d %v, want %d", status, out, tt.want)
			}
		})
	}

	// Co-curators comment among themselves; the executive never sees it.
	pia.must("POST", path+"/comments", map[string]any{"text": "Finn has the most time this term."}, http.StatusCreated)
	if status, _ := otto.call("POST", path+"/comments", map[string]any{"text": "hello"}); status != http.StatusNotFound {
		t.Errorf("a curator of another program comments: got %d, want 404", status)
	}
	if status, out := pia.call("POST", path+"/comments", map[string]any{"text": "  "}); status != http.StatusBadRequest || mustField(t, out, "text") == "" {
		t.Errorf("an empty comment: got %d %v, want 400 naming text", status, out)
	}
	pia.must("POST", path+"/send", nil, http.StatusOK)
	items := tob.must("GET", "/api/v1/me/shortlists", nil, http.StatusOK)["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("the executive's shortlists: got %v, want one", items)
	}
	offer := items[0].(map[string]any)
	cands := offer["candidates"].([]any)
	var names []string
	for _, c := range cands {
		m := c.(map[string]any)
		names = append(names, m["name"].(string))
		for _, private := range []string{"email", "linkedinUrl", "addedBy", "score"} {
			if _, ok := m[private]; ok {
				t.Errorf("candidate %v: has %s, want only the public card and the note", m["name"], private)
			}
		}
		if m["available"] != true {
			t.Errorf("candidate %v: not available, want available", m["name"])
		}
	}
	if strings.Contains(mustJSONText(t, offer), "most time") {
		t.Errorf("the executive's shortlist: got %v, want no curators' comments", offer)
	}
	if !slices.Equal(names, []string{"Ada Lovelace", "Finn Jensen", "Gus Hansen"}) || cands[1].(map[string]any)["note"] != "Runs a data team" {
		t.Errorf("candidates: got %v, want Ada, Finn, Gus in order with the notes", cands)
	}
	if got := kat.must("GET", "/api/v1/me/shortlists", nil, http.StatusOK)["items"].([]any); len(got) != 0 {
		t.Errorf("another executive's shortlists: got %v, want none", got)
	}
	if status, _ := kat.call("POST", "/api/v1/me/shortlists/"+reqID+"/pick", map[string]any{"mentorProfileId": adaID}); status != http.StatusNotFound {
		t.Errorf("another executive picks: got %d, want 404", status)
	}
	if status, out := tob.call("POST", "/api/v1/me/shortlists/"+reqID+"/pick", map[string]any{"mentorProfileId": cemID}); status != http.StatusBadRequest || mustField(t, out, "mentorProfileId") == "" {
		t.Errorf("picking someone not on the list: got %d %v, want 400", status, out)
	}

	// Asking for other mentors: the reason is for the curators only.
	if status, out := tob.call("POST", "/api/v1/me/shortlists/"+reqID+"/more", map[string]any{"reason": ""}); status != http.StatusBadRequest || mustField(t, out, "reason") == "" {
		t.Errorf("asking for more without a reason: got %d %v, want 400 naming reason", status, out)
	}
	if status, _ := kat.call("POST", "/api/v1/me/shortlists/"+reqID+"/more", map[string]any{"reason": "x"}); status != http.StatusNotFound {
		t.Errorf("another executive asks for more: got %d, want 404", status)
	}
	tob.must("POST", "/api/v1/me/shortlists/"+reqID+"/more", map[string]any{"reason": "I would like someone from retail."}, http.StatusNoContent)
	if got := pia.must("GET", path, nil, http.StatusOK)["moreWanted"]; got == nil || got.(map[string]any)["reason"] != "I would like someone from retail." {
		t.Errorf("the curators' shortlist after asking for more: moreWanted %v", got)
	}
	if strings.Contains(mustJSONText(t, tob.must("GET", "/api/v1/me/shortlists", nil, http.StatusOK)), "retail") {
		t.Errorf("the executive's view echoes the reason; want it for curators only")
	}

	// The executive picks the second; only Finn hears of it.
	tk := tob.must("POST", "/api/v1/me/shortlists/"+reqID+"/pick", map[string]any{"mentorProfileId": finnID}, http.StatusCreated)
	if tk["status"] != "proposed" || tk["menteeAccepted"] != true || tk["mentorAccepted"] != false {
		t.Fatalf("the pick: got %v, want a proposed tandem the executive accepted", tk)
	}
	for name, who := range map[string]*person{"Ada": ada, "Gus": gus} {
		if got := who.must("GET", "/api/v1/me/tandems", nil, http.StatusOK); strings.Contains(mustJSONText(t, got), reqID) || strings.Contains(mustJSONText(t, got), "Tobias") {
			t.Errorf("%s (shortlisted, not picked): tandems %v, want nothing of it", name, got)
		}
		if got := who.must("GET", "/api/v1/me/notifications", nil, http.StatusOK); strings.Contains(mustJSONText(t, got), "Tobias") || strings.Contains(mustJSONText(t, got), "shortlist") {
			t.Errorf("%s (shortlisted, not picked): notifications %v, want nothing of it", name, got)
		}
	}
	if status, out := tob.call("POST", "/api/v1/me/shortlists/"+reqID+"/pick", map[string]any{"mentorProfileId": adaID}); status != http.StatusConflict || out["rule"] != "one_mentor_per_mentee" {
		t.Errorf("a second pick while the first is open: got %d %v, want 409 one_mentor_per_mentee", status, out)
	}
	finn.must("POST", "/api/v1/me/tandems/"+tk["id"].(string)+"/decline", map[string]any{"reason": "no time this term"}, http.StatusOK)

	// After the decline: pick again, without the curators.
	if status, _ := tob.call("POST", "/api/v1/me/shortlists/"+reqID+"/pick", map[string]any{"mentorProfileId": finnID}); status != http.StatusBadRequest {
		t.Errorf("picking the one who declined again: got %d, want 400", status)
	}
	tk = tob.must("POST", "/api/v1/me/shortlists/"+reqID+"/pick", map[string]any{"mentorProfileId": adaID}, http.StatusCreated)
	run := ada.must("POST", "/api/v1/me/tandems/"+tk["id"].(string)+"/accept", nil, http.StatusOK)
	if run["status"] != "active" {
		t.Errorf("Ada accepts the pick: got %v, want the tandem running", run)
	}
	offer = tob.must("GET", "/api/v1/me/shortlists", nil, http.StatusOK)["items"].([]any)[0].(map[string]any)
	for _, c := range offer["candidates"].([]any) {
		if c.(map[string]any)["available"] != false {
			t.Errorf("with a running tandem: candidate %v available, want none", c.(map[string]any)["name"])
		}
	}
	// The program's dashboard counts the funnel (requests).
	rep := pia.must("GET", "/api/v1/moderation/programs/spring-2027/report", nil, http.StatusOK)
	if got, want := mustJSONText(t, rep["shortlists"]), `{"accepted":1,"picked":1,"sent":1,"shortlisted":1}`; got != want {
		t.Errorf("report's shortlist funnel: got %s, want %s", got, want)
	}

	// Erasure: a candidate's account leaves every list.
	if status, out := gus.call("DELETE", "/api/v1/me", nil); status >= 300 {
		t.Fatalf("Gus deletes his account: got %d %v", status, out)
	}
	if _, err := h.Accounts.FinishErasures(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	for _, c := range pia.must("GET", path, nil, http.StatusOK)["candidates"].([]any) {
		if c.(map[string]any)["mentorProfileId"] == gusID {
			t.Errorf("after Gus's erasure: still on the shortlist")
		}
	}
	audit := admin.must("GET", "/api/v1/admin/audit?subject="+reqID, nil, http.StatusOK)
	for _, action := range []string{"shortlist.update", "shortlist.send", "shortlist.pick"} {
		if !strings.Contains(mustJSONText(t, audit), action) {
			t.Errorf("audit of the request: no %s, want every change recorded", action)
		}
	}
}

// mustJSONText returns v as JSON text, for looking for names in it.
func mustJSONText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
