package api_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

// TestIntegrationEvaluation runs feedback and the program report through
// the API: an open-program tandem ended early and a cohort tandem ended
// early and answered at wrap-up; the report's numbers, its CSV and who may
// read it.
func TestIntegrationEvaluation(t *testing.T) {
	h, op := newProgramHarness(t)
	admin := h.signInAs(t, op, "amira", "amira@program.example", "Amira Admin")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	cura2 := h.signInAs(t, op, "cura2", "cura2@program.example", "Carl Curator")
	kat, katOpen := h.executive(t, op, "kat", "katharina@hanse.example", "Katharina Weber")
	ada, adaID := h.approvedMentor(t, op, cura, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de", "en"})
	eve := h.signInAs(t, op, "eve", "eve@evil.example", "Eve")
	anon := &person{b: newBrowser(t), h: h}
	feedback := func(overall int, text string) map[string]any {
		return map[string]any{"overall": overall, "fit": 4, "learned": 3, "recommend": true, "text": text}
	}
	propose := func(p *person, req string) string {
		t.Helper()
		status, tk := p.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": req, "mentorProfileId": adaID})
		if status != http.StatusCreated {
			t.Fatalf("propose: %d %v", status, tk)
		}
		id := tk["id"].(string)
		for _, who := range []*person{kat, ada} {
			if status, out := who.call("POST", "/api/v1/me/tandems/"+id+"/accept", nil); status != http.StatusOK {
				t.Fatalf("accept: %d %v", status, out)
			}
		}
		return id
	}

	// The open program: feedback once the tandem has ended.
	open := propose(cura, katOpen)
	fbURL := "/api/v1/me/tandems/" + open + "/feedback"
	if status, out := ada.call("PUT", fbURL, feedback(4, "")); status != http.StatusConflict {
		t.Errorf("feedback on a running tandem: got %d %v, want 409", status, out)
	}
	if status, out := kat.call("POST", "/api/v1/me/tandems/"+open+"/end", map[string]any{"reason": "new job"}); status != http.StatusOK {
		t.Fatalf("end: %d %v", status, out)
	}
	for _, tt := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"overall 0", feedback(0, ""), "overall"},
		{"fit 6", map[string]any{"overall": 3, "fit": 6, "learned": 3, "recommend": false}, "fit"},
		{"recommend missing", map[string]any{"overall": 3, "fit": 3, "learned": 3}, "recommend"},
		{"text too long", feedback(3, strings.Repeat("x", 2001)), "text"},
	} {
		if status, out := ada.call("PUT", fbURL, tt.body); status != http.StatusBadRequest || !contains(fieldsOf(out), tt.field) {
			t.Errorf("%s: got %d %v, want 400 naming %s", tt.name, status, out, tt.field)
		}
	}
	if status, _ := eve.call("PUT", fbURL, feedback(1, "")); status != http.StatusNotFound {
		t.Errorf("a stranger's feedback: got %d, want 404", status)
	}
	if status, out := ada.call("PUT", fbURL, feedback(4, "Good talks.")); status != http.StatusOK || out["side"] != "mentor" || out["overall"] != 4.0 {
		t.Fatalf("ada's feedback: got %d %v", status, out)
	}
	if status, out := ada.call("PUT", fbURL, feedback(5, "Great talks.")); status != http.StatusOK || out["overall"] != 5.0 {
		t.Errorf("ada edits her feedback: got %d %v", status, out)
	}
	if status, out := ada.call("GET", fbURL, nil); status != http.StatusOK || out["text"] != "Great talks." {
		t.Errorf("ada reads her feedback: got %d %v", status, out)
	}
	for _, tt := range []struct {
		name string
		who  *person
		want int
	}{{"the other side", kat, http.StatusNotFound}, {"a stranger", eve, http.StatusNotFound}, {"a visitor", anon, http.StatusUnauthorized}} {
		if status, out := tt.who.call("GET", fbURL, nil); status != tt.want || strings.Contains(toJSON(t, out), "Great talks") {
			t.Errorf("%s reading ada's feedback: got %d %v, want %d", tt.name, status, out, tt.want)
		}
	}

	// A cohort: ended early while running (no feedback yet), answered at wrap-up.
	if status, out := admin.call("POST", "/api/v1/admin/programs", springProgram()); status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, out)
	}
	phase := func(to string) {
		t.Helper()
		if status, out := cura2.call("POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": to}); status != http.StatusOK {
			t.Fatalf("phase %s: %d %v", to, status, out)
		}
	}
	phase("registration")
	const q = "?program=spring-2027"
	kat.call("PUT", "/api/v1/me/mentee-request"+q, validRequest())
	_, req := kat.call("POST", "/api/v1/me/mentee-request/submit"+q, nil)
	phase("matching")
	spring := propose(cura2, str(req["id"]))
	phase("running")
	if status, out := ada.call("POST", "/api/v1/me/tandems/"+spring+"/end", map[string]any{"reason": "Zeitmangel"}); status != http.StatusOK {
		t.Fatalf("end the cohort tandem: %d %v", status, out)
	}
	springFB := "/api/v1/me/tandems/" + spring + "/feedback"
	if status, out := kat.call("PUT", springFB, feedback(3, "")); status != http.StatusConflict || !contains(fieldsOf(out), "phase") || !strings.Contains(problemText(out), "wrong_phase") {
		t.Errorf("feedback while the cohort runs: got %d %v, want 409 wrong_phase naming phase", status, out)
	}
	phase("wrap-up")
	const evil = `=HYPERLINK("http://evil.example","Klick")`
	if status, out := kat.call("PUT", springFB, feedback(2, evil)); status != http.StatusOK || out["side"] != "mentee" {
		t.Fatalf("kat's feedback at wrap-up: got %d %v", status, out)
	}
	if status, out := ada.call("PUT", springFB, feedback(4, "Schade, dass es endete.")); status != http.StatusOK {
		t.Fatalf("ada's feedback at wrap-up: got %d %v", status, out)
	}

	// The export holds one's own answers only.
	_, ex := kat.call("GET", "/api/v1/me/export", nil)
	if fbs, _ := ex["feedback"].([]any); len(fbs) != 1 || fbs[0].(map[string]any)["text"] != evil || strings.Contains(toJSON(t, ex["feedback"]), "Schade") {
		t.Errorf("kat's export: got feedback %v, want her one answer", ex["feedback"])
	}

	// The report: numbers, no names.
	const report = "/api/v1/moderation/programs/spring-2027/report"
	status, r := cura2.call("GET", report, nil)
	if status != http.StatusOK {
		t.Fatalf("report: %d %v", status, r)
	}
	tandems, _ := r["tandems"].(map[string]any)
	sat, _ := r["satisfaction"].(map[string]any)
	all, _ := sat["all"].(map[string]any)
	reqs, _ := r["requests"].(map[string]any)
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"proposed", tandems["proposed"], 1.0}, {"accepted", tandems["accepted"], 1.0},
		{"ended early by the mentor", tandems["endedEarlyByMentor"], 1.0}, {"completed", tandems["completed"], 0.0},
		{"requests", reqs["submitted"], 1.0}, {"responses", all["responses"], 2.0}, {"response rate", all["responseRate"], 1.0},
		{"overall", all["overall"], 3.0}, {"texts", toJSON(t, sat["texts"]), `[{"side":"mentee","text":"=HYPERLINK(\"http://evil.example\",\"Klick\")"},{"side":"mentor","text":"Schade, dass es endete."}]`},
	} {
		if c.got != c.want {
			t.Errorf("report %s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	for _, name := range []string{"Katharina", "Ada", "Lovelace", "Zeitmangel", "u_"} {
		if strings.Contains(toJSON(t, r), name) {
			t.Errorf("the report contains %q: %v", name, r)
		}
	}
	if _, o := cura.call("GET", "/api/v1/moderation/programs/open/report", nil); toJSON(t, o["applications"]) == "" ||
		o["applications"].(map[string]any)["approved"] != 1.0 || o["applications"].(map[string]any)["approvalRate"] != 1.0 || o["window"] != nil {
		t.Errorf("open program report: got %v, want ada's approval, all time", o["applications"])
	}

	// Who may read it.
	for _, tt := range []struct {
		name string
		who  *person
		path string
		want int
	}{
		{"visitor", anon, report, http.StatusUnauthorized},
		{"executive", kat, report, http.StatusForbidden},
		{"mentor", ada, report, http.StatusForbidden},
		{"curator of another program", cura, report, http.StatusForbidden},
		{"curator of another program, CSV", cura, report + ".csv", http.StatusForbidden},
		{"executive, CSV", kat, report + ".csv", http.StatusForbidden},
		{"admin", admin, report, http.StatusOK},
		{"unknown program", admin, "/api/v1/moderation/programs/nope/report", http.StatusNotFound},
	} {
		if status, _ := tt.who.call("GET", tt.path, nil); status != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, status, tt.want)
		}
	}

	// The CSV: a download, one row per metric, formulas neutralised.
	resp, body := cura2.b.get(h.URL + report + ".csv")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="opentomentor-spring-2027-report.csv"` {
		t.Fatalf("CSV: got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	if !strings.HasPrefix(body, "\ufeffsection,metric,value\r\n") {
		t.Errorf("CSV: got it starting %q, want a UTF-8 byte order mark and the header row", body[:min(len(body), 30)])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v\n%s", err, body)
	}
	got := map[string]string{}
	for _, row := range rows {
		got[strings.Join(row[:2], ",")] = row[2]
	}
	for key, want := range map[string]string{
		"section,metric": "value", "program,name": "Spring cohort 2027", "tandems,proposed": "1", "tandems,ended_early_by_mentor": "1",
		"satisfaction,all_response_rate_pct": "100", "satisfaction,mentee_overall_2": "1", "applications,approval_rate_pct": "",
		"free_text,mentee": "'" + evil, "free_text,mentor": "Schade, dass es endete.",
	} {
		if got[key] != want {
			t.Errorf("CSV %s: got %q, want %q", key, got[key], want)
		}
	}
	if strings.Contains(body, "\n=") || strings.Contains(body, ",=") {
		t.Errorf("CSV has a cell starting with '=':\n%s", body)
	}

	// Deleting ada's account deletes her tandems with both sides' answers.
	if status, _ := ada.call("DELETE", "/api/v1/me", nil); status != http.StatusNoContent {
		t.Fatalf("delete ada: %d", status)
	}
	_, r = cura2.call("GET", report, nil)
	if all := r["satisfaction"].(map[string]any)["all"].(map[string]any); all["responses"] != 0.0 || strings.Contains(toJSON(t, r), "Schade") {
		t.Errorf("report after ada's deletion: got %v, want no answers left", r["satisfaction"])
	}
}
