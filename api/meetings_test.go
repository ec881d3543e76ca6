package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/organization"
)

func TestIntegrationTandemMeetings(t *testing.T) {
	h, op := newAppHarness(t)
	h.putOrgs(t,
		organization.Organization{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Verified: true},
		organization.Organization{ID: "nordlicht", Name: "Nordlicht Digital GmbH", Domains: []string{"nordlicht.example"}, Verified: true},
	)
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	executive := func(sub, email, name string) (*person, string) { return h.executive(t, op, sub, email, name) }
	mentor := func(sub, email, name string) (*person, string) {
		return h.approvedMentor(t, op, cura, sub, email, name, []string{"de", "en"})
	}
	kat, katReq := executive("kat", "katharina@hanse.example", "Katharina Weber")
	_, ullaReq := executive("ulla", "ulla@nordlicht-holding.example", "Ulla Berger")
	ada, adaID := mentor("ada", "ada@nordlicht.example", "Lovelace, Ada")
	finn, finnID := mentor("finn", "finn@nordlicht.example", "Finn Jensen")
	eve := h.signInAs(t, op, "eve", "eve@evil.example", "Eve")

	propose := func(req, prof string) string {
		t.Helper()
		status, out := cura.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": req, "mentorProfileId": prof})
		if status != http.StatusCreated {
			t.Fatalf("propose: %d %v", status, out)
		}
		return out["id"].(string)
	}
	active := propose(katReq, adaID)
	ada.call("POST", "/api/v1/me/tandems/"+active+"/accept", nil)
	if status, out := kat.call("POST", "/api/v1/me/tandems/"+active+"/accept", nil); out["status"] != "active" {
		t.Fatalf("accept: %d %v", status, out)
	}
	proposed := propose(ullaReq, finnID)
	base := "/api/v1/me/tandems/" + active

	ics := func(p *person, id string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", h.URL+"/api/v1/me/tandems/"+id+"/calendar.ics", nil)
		resp, body := p.b.do(req)
		return resp.StatusCode, resp.Header.Get("Content-Type"), body
	}
	if status, _, _ := ics(ada, active); status != http.StatusNotFound {
		t.Errorf("calendar before a cadence: got %d, want 404", status)
	}

	// Cadence validation: each bad field is named and nothing is stored.
	good := map[string]any{"every": "weekly", "weekday": 2, "time": "18:30", "durationMinutes": 60, "timezone": "Europe/Berlin", "startDate": "2025-03-03"}
	for _, tt := range []struct {
		name, field string
		value       any
	}{
		{"every", "every", "daily"},
		{"weekday", "weekday", 9},
		{"weekday type", "weekday", "Tuesday"},
		{"time", "time", "6pm"},
		{"duration", "durationMinutes", 5},
		{"timezone", "timezone", "Europe/Atlantis"},
		{"startDate", "startDate", "2025-02-30"},
		{"unknown field", "location", "Hamburg"},
	} {
		t.Run("cadence "+tt.name, func(t *testing.T) {
			status, out := ada.call("PUT", base+"/cadence", with(good, tt.field, tt.value))
			if status != http.StatusBadRequest || !contains(fieldsOf(out), tt.field) {
				t.Errorf("got %d %v, want 400 naming %s", status, out, tt.field)
			}
			if _, mine := kat.call("GET", "/api/v1/me/tandems", nil); strings.Contains(toJSON(t, mine), "cadence") {
				t.Errorf("an invalid cadence was stored: %v", mine)
			}
		})
	}
	if status, out := kat.call("PUT", base+"/cadence", good); status != 200 || out["cadence"].(map[string]any)["timezone"] != "Europe/Berlin" {
		t.Fatalf("set cadence: got %d %v", status, out)
	}

	// Meetings: both sides add and list.
	today := time.Now().UTC().Format("2006-01-02")
	for _, tt := range []struct {
		who          *person
		date, notes  string
		want         int
		field, label string
	}{
		{ada, today, "Kick-off: Erwartungen, Themen.", 201, "", "mentor adds"},
		{kat, today, "", 201, "", "mentee adds without notes"},
		{kat, time.Now().UTC().AddDate(0, 0, 3).Format("2006-01-02"), "", 400, "date", "future date"},
		{kat, "2001-01-01", "", 400, "date", "before the tandem"},
		{kat, "yesterday", "", 400, "date", "bad date"},
		{ada, today, strings.Repeat("x", 2001), 400, "notes", "notes too long"},
	} {
		status, out := tt.who.call("POST", base+"/meetings", map[string]any{"date": tt.date, "notes": tt.notes})
		if status != tt.want || (tt.field != "" && !contains(fieldsOf(out), tt.field)) {
			t.Errorf("%s: got %d %v, want %d %s", tt.label, status, out, tt.want, tt.field)
		}
	}
	for _, p := range []*person{ada, kat} {
		status, out := p.call("GET", base+"/meetings", nil)
		items, _ := out["items"].([]any)
		if status != 200 || len(items) != 2 || !strings.Contains(toJSON(t, out), "Kick-off") {
			t.Errorf("list: got %d %v, want both meetings with notes", status, out)
		}
	}

	// Curators and outsiders learn nothing; a proposed tandem is not ready.
	for _, tt := range []struct {
		name   string
		who    *person
		id     string
		method string
		path   string
		want   int
	}{
		{"curator lists meetings", cura, active, "GET", "/meetings", 404},
		{"outsider lists meetings", eve, active, "GET", "/meetings", 404},
		{"outsider adds a meeting", eve, active, "POST", "/meetings", 404},
		{"outsider sets the cadence", eve, active, "PUT", "/cadence", 404},
		{"unknown tandem", ada, "t_nope", "GET", "/meetings", 404},
		{"proposed tandem meetings", finn, proposed, "GET", "/meetings", 409},
		{"proposed tandem cadence", finn, proposed, "PUT", "/cadence", 409},
	} {
		var body any
		switch tt.path {
		case "/meetings":
			if tt.method == "POST" {
				body = map[string]any{"date": today}
			}
		case "/cadence":
			body = good
		}
		if status, out := tt.who.call(tt.method, "/api/v1/me/tandems/"+tt.id+tt.path, body); status != tt.want {
			t.Errorf("%s: got %d %v, want %d", tt.name, status, out, tt.want)
		}
	}
	for _, tt := range []struct {
		name string
		who  *person
		id   string
		want int
	}{
		{"curator calendar", cura, active, 404},
		{"outsider calendar", eve, active, 404},
		{"proposed calendar", finn, proposed, 409},
	} {
		if status, _, body := ics(tt.who, tt.id); status != tt.want || strings.Contains(body, "BEGIN:VCALENDAR") {
			t.Errorf("%s: got %d, want %d", tt.name, status, tt.want)
		}
	}
	anon := newBrowser(t)
	if resp, _ := anon.get(h.URL + base + "/meetings"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous meetings: got %d, want 401", resp.StatusCode)
	}

	// The calendar file.
	status, ct, body := ics(kat, active)
	if status != 200 || ct != "text/calendar; charset=utf-8" {
		t.Fatalf("calendar: got %d %q", status, ct)
	}
	if strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") || !strings.HasSuffix(body, "\r\n") {
		t.Errorf("calendar lines are not CRLF-terminated: %q", body)
	}
	for _, l := range strings.Split(body, "\r\n") {
		if len(l) > 75 {
			t.Errorf("unfolded line of %d octets: %q", len(l), l)
		}
	}
	unfolded := strings.ReplaceAll(body, "\r\n ", "")
	for _, want := range []string{
		"\r\nBEGIN:VCALENDAR\r\n", "\r\nPRODID:", "\r\nRRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU\r\n",
		"\r\nDTSTART;TZID=Europe/Berlin:20250304T183000\r\n", "\r\nDURATION:PT60M\r\n",
		"\r\nUID:" + active + "@opentomentor\r\n",
		"\r\nSUMMARY:OpenToMentor tandem: Lovelace\\, Ada & Katharina Weber\r\n",
	} {
		if !strings.Contains("\r\n"+unfolded, want) {
			t.Errorf("calendar lacks %q:\n%s", strings.TrimSpace(want), body)
		}
	}
	if strings.Contains(body, "Kick-off") {
		t.Error("meeting notes leak into the calendar")
	}
	// The pair's export carries the meeting log (notes included: it is theirs).
	_, ex := kat.call("GET", "/api/v1/me/export", nil)
	if ms, _ := ex["meetings"].(map[string]any); ms == nil || ms[active] == nil || !strings.Contains(toJSON(t, ms[active]), "Kick-off") {
		t.Errorf("export meetings: got %v, want the active tandem's log", ex["meetings"])
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
