package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/audit"
)

// TestIntegrationRetention: once an evaluated cohort's retention period is
// over, the sweep deletes its requests, tandems, meeting logs and feedback;
// the curators keep the report's figures (archived), the people see nothing
// of it any more, and a second run does nothing.
func TestIntegrationRetention(t *testing.T) {
	h, op := newProgramHarness(t)
	ctx := context.Background()
	admin := h.signInAs(t, op, "amira", "amira@program.example", "Amira Admin")
	cura2 := h.signInAs(t, op, "cura2", "cura2@program.example", "Carl Curator")
	ada, adaID := h.approvedMentor(t, op, admin, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de", "en"})
	h.sync(t)
	kat := h.signInAs(t, op, "kat", "katharina@hanse.example", "Katharina Weber")
	phase := func(to string) {
		t.Helper()
		cura2.must("POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": to}, http.StatusOK)
	}
	admin.must("POST", "/api/v1/admin/programs", springProgram(), http.StatusCreated)
	phase("registration")
	const q = "?program=spring-2027"
	kat.must("PUT", "/api/v1/me/mentee-request"+q, validRequest(), http.StatusOK)
	req := kat.must("POST", "/api/v1/me/mentee-request/submit"+q, nil, http.StatusOK)
	phase("matching")
	tk := cura2.must("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": req["id"], "mentorProfileId": adaID}, http.StatusCreated)
	id := str(tk["id"])
	ada.must("POST", "/api/v1/me/tandems/"+id+"/accept", nil, http.StatusOK)
	kat.must("POST", "/api/v1/me/tandems/"+id+"/accept", nil, http.StatusOK)
	phase("running")
	ada.must("POST", "/api/v1/me/tandems/"+id+"/meetings", map[string]any{"date": time.Now().UTC().Format("2006-01-02"), "notes": "Erstes Treffen"}, http.StatusCreated)
	phase("wrap-up")
	kat.must("PUT", "/api/v1/me/tandems/"+id+"/feedback", map[string]any{"overall": 5, "fit": 4, "learned": 5, "recommend": true, "text": "Sehr hilfreich."}, http.StatusOK)
	phase("evaluated")
	const report = "/api/v1/moderation/programs/spring-2027/report"
	before := cura2.must("GET", report, nil, http.StatusOK)

	if n, err := h.ForgetEvaluated(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("within the retention period: got %d, %v; want nothing deleted", n, err)
	}
	if out := kat.must("GET", "/api/v1/me/tandems", nil, http.StatusOK); len(out["items"].([]any)) != 1 {
		t.Fatalf("within the retention period: kat's tandems %v, want hers", out)
	}
	if n, err := h.ForgetEvaluated(ctx, 0); err != nil || n != 1 {
		t.Fatalf("after the retention period: got %d, %v; want the program", n, err)
	}

	// The people see nothing of the cohort any more.
	for _, who := range []*person{ada, kat} {
		if out := who.must("GET", "/api/v1/me/tandems", nil, http.StatusOK); len(out["items"].([]any)) != 0 {
			t.Errorf("%s's tandems after retention: got %v, want none", who.me.Name, out["items"])
		}
		// The audit log keeps its entries (an account's erasure pseudonymizes them).
		ex := who.must("GET", "/api/v1/me/export", nil, http.StatusOK)
		delete(ex, "auditAboutMe")
		delete(ex, "auditByMe")
		if s := toJSON(t, ex); strings.Contains(s, "spring-2027") || strings.Contains(s, "Spring cohort") || strings.Contains(s, "Sehr hilfreich") || strings.Contains(s, id) {
			t.Errorf("%s's export after retention still holds the cohort: %s", who.me.Name, s)
		}
	}
	kat.must("GET", "/api/v1/me/mentee-request"+q, nil, http.StatusNotFound)
	cura2.must("GET", "/api/v1/moderation/tandems/"+id, nil, http.StatusNotFound)
	// The curators keep the figures, archived.
	after := cura2.must("GET", report, nil, http.StatusOK)
	if after["archivedAt"] == nil || toJSON(t, after["tandems"]) != toJSON(t, before["tandems"]) ||
		toJSON(t, after["satisfaction"]) != toJSON(t, before["satisfaction"]) || toJSON(t, after["meetings"]) != toJSON(t, before["meetings"]) {
		t.Errorf("report after retention:\n got %v\nwant the figures of before, archived: %v", after, before)
	}
	if n, err := h.ForgetEvaluated(ctx, 0); err != nil || n != 0 {
		t.Errorf("second run: got %d, %v; want nothing left to do", n, err)
	}
	entries, _, err := h.Log.Find(ctx, audit.Filter{Action: "program.retention"}, 10, 0)
	if err != nil || len(entries) != 1 || entries[0].Details != "deleted=2" {
		t.Errorf("audit: got %+v, %v; want one entry for the request and the tandem", entries, err)
	}
}
