package frontend

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/profile"
)

// cadenceValues is a cadence form; kv overrides fields.
func cadenceValues(csrf string, kv ...string) url.Values {
	return with(url.Values{"csrf_token": {csrf}, "every": {"biweekly"}, "weekday": {"2"}, "time": {"18:30"},
		"durationMinutes": {"60"}, "timezone": {"Europe/Berlin"}, "startDate": {"2027-03-01"}}, kv...)
}

func meetingValues(csrf, date, notes string) url.Values {
	return url.Values{"csrf_token": {csrf}, "date": {date}, "notes": {notes}}
}

func TestTandemPageAccess(t *testing.T) {
	e := newPagesEnv(t)
	id := e.runningTandem(t)
	target := "/tandems/" + id
	assertRedirect(t, do(t, e.app(t, nil), target, nil), "/signin?return_to=%2Ftandems%2F"+id)
	for _, post := range []string{"/cadence", "/meetings"} {
		assertRedirect(t, send(t, e.app(t, nil), http.MethodPost, target+post, url.Values{}, nil), "/signin?return_to=%2Ftandems%2F"+id)
	}
	for _, tt := range []struct {
		name         string
		who          *otm.Principal
		target, lang string
		status       int
		want, not    []string
	}{
		{"mentor en", maxB, target, "en", http.StatusOK,
			[]string{"<title>Tandem with Eva Vorstand", "<h1>Tandem with Eva Vorstand</h1>", "Your mentee", "Eva Vorstand <span class=\"muted\">· Acme AG</span>",
				`<a href="/programs/open">Open program</a>`, "Half a year", `id="tandem-status">Running</span>`, `id="cadence-form"`, `id="meeting-form"`,
				`action="/tandems/` + id + `/cadence"`, `action="/tandems/` + id + `/meetings"`, `name="csrf_token" value="csrf-maxB"`,
				`<option value="biweekly" selected>Every other week</option>`, `value="Europe/Berlin"`, `<datalist id="cad-timezones">`,
				`<option value="America/New_York"></option>`, `id="meet-date" name="date" type="date" class="input-short" value="` + time.Now().UTC().Format(time.DateOnly) + `"`,
				"No meetings logged yet.", "visible to the two of you only", `aria-current="page">My tandems</a>`},
			[]string{`id="calendar-link"`, `id="cadence-text"`, `id="tandem-note"`}},
		{"mentee en", eva, target, "en", http.StatusOK, []string{"Tandem with Max Becker", "Your mentor", "Beta GmbH", `name="csrf_token" value="csrf-eva"`}, nil},
		{"mentee de", eva, target, "de", http.StatusOK,
			[]string{`<html lang="de"`, "Tandem mit Max Becker", "Ihre Mentor:in", "Treffrhythmus", "Rhythmus vereinbaren", "Alle zwei Wochen", "Wochentag",
				"<option value=\"2\"", ">Dienstag</option>", "Zeitzone", "Treffen-Protokoll", "Treffen eintragen", "Noch keine Treffen eingetragen.", "sehen nur Sie beide"},
			[]string{"Meeting log", "Save cadence"}},
		{"stranger", lena, target, "en", http.StatusNotFound, []string{"Page not found"}, []string{"Eva Vorstand", "Max Becker", `id="meeting-form"`}},
		{"curator", cora, target, "en", http.StatusNotFound, nil, []string{"Eva Vorstand", `id="meeting-form"`}},
		{"unknown tandem", maxB, "/tandems/t_nope", "en", http.StatusNotFound, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, e.app(t, tt.who), tt.target, langHeader(tt.lang))
			if r.status != tt.status {
				t.Fatalf("GET %s: got %d, want %d; body: %.600s", tt.target, r.status, tt.status, r.body)
			}
			assertBody(t, r.body, tt.want, tt.not)
			assertNoInlineCode(t, r.body)
			if tt.status == http.StatusOK {
				if got := r.header.Get("Cache-Control"); got != "no-store" {
					t.Errorf("Cache-Control: got %q, want no-store", got)
				}
			}
		})
	}
	// Strangers cannot change it either.
	for _, post := range []struct {
		path string
		form url.Values
	}{{"/cadence", cadenceValues(lena.CSRFToken)}, {"/meetings", meetingValues(lena.CSRFToken, time.Now().UTC().Format(time.DateOnly), "x")}} {
		if r := send(t, e.app(t, lena), http.MethodPost, target+post.path, post.form, nil); r.status != http.StatusNotFound {
			t.Errorf("stranger POST %s: got %d, want 404", post.path, r.status)
		}
	}
	// /tandems links a running tandem to its page.
	assertBody(t, do(t, e.app(t, eva), "/tandems", langHeader("en")).body,
		[]string{`<a class="btn btn-secondary" href="/tandems/` + id + `" id="open-tandem-` + id + `">Meetings &amp; calendar</a>`}, nil)
	assertBody(t, do(t, e.app(t, eva), "/tandems", langHeader("de")).body, []string{">Treffen &amp; Kalender</a>"}, nil)
}

func TestTandemProposedHasNoLog(t *testing.T) {
	e := newPagesEnv(t)
	reqID := e.matchSetup(t)
	tn, err := e.Tandems.ProposeTandem(context.Background(), cora, reqID, profile.ProfileIDFor(maxB.UserID))
	if err != nil {
		t.Fatalf("ProposeTandem: %v", err)
	}
	r := do(t, e.app(t, maxB), "/tandems/"+tn.ID, langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("GET: got %d, want 200", r.status)
	}
	assertBody(t, r.body, []string{"Tandem with Eva Vorstand", "Proposed", "available once both of you have accepted"},
		[]string{`id="cadence-form"`, `id="meeting-form"`, "Meeting log"})
	assertBody(t, do(t, e.app(t, maxB), "/tandems", langHeader("en")).body, nil, []string{`href="/tandems/` + tn.ID + `"`})
	r = send(t, e.app(t, maxB), http.MethodPost, "/tandems/"+tn.ID+"/cadence", cadenceValues(maxB.CSRFToken), langHeader("en"))
	if r.status != http.StatusConflict {
		t.Fatalf("cadence of a proposed tandem: got %d, want 409", r.status)
	}
	assertBody(t, r.body, []string{"only while the tandem is running"}, nil)
}

func TestTandemCadence(t *testing.T) {
	e := newPagesEnv(t)
	id := e.runningTandem(t)
	target := "/tandems/" + id

	// Invalid: 422, a message per field, the entered values kept.
	for _, tt := range []struct {
		name      string
		lang      string
		form      url.Values
		want, not []string
	}{
		{"unknown zone", "en", cadenceValues(maxB.CSRFToken, "timezone", "Mars/Olympus"),
			[]string{"The cadence was not saved.", `<a href="#cad-timezone">Time zone: Unknown time zone.`, `id="err-cad-timezone"><span class="visually-hidden">`,
				`value="Mars/Olympus" required maxlength="64"`, `aria-describedby="hint-cad-timezone err-cad-timezone" aria-invalid="true"`,
				`<option value="biweekly" selected>`, `<option value="2" selected>Tuesday</option>`, `value="18:30"`, `value="2027-03-01"`, "data-error-summary"},
			[]string{`id="cadence-text"`}},
		{"several fields", "en", cadenceValues(maxB.CSRFToken, "every", "daily", "weekday", "9", "time", "7pm", "durationMinutes", "5", "startDate", "1.3.2027"),
			[]string{"Time: Enter a time as HH:MM", "Duration in minutes: Enter a duration from 15 to 240 minutes.", "How often: Choose how often you meet.",
				"Weekday: Choose a weekday.", "First meeting on or after: Enter a start date.", `value="7pm"`, `value="5" required`, `value="1.3.2027"`}, nil},
		{"empty zone", "en", cadenceValues(maxB.CSRFToken, "timezone", ""), []string{"Enter a time zone such as Europe/Berlin."}, nil},
		{"german", "de", cadenceValues(maxB.CSRFToken, "timezone", "Mars/Olympus", "durationMinutes", "300"),
			[]string{"Der Rhythmus wurde nicht gespeichert.", "Unbekannte Zeitzone.", "Geben Sie eine Dauer von 15 bis 240 Minuten ein.", `value="300"`},
			[]string{"Unknown time zone"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, e.app(t, maxB), http.MethodPost, target+"/cadence", tt.form, langHeader(tt.lang))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("got %d, want 422; body: %.600s", r.status, r.body)
			}
			assertBody(t, r.body, tt.want, tt.not)
			assertNoInlineCode(t, r.body)
		})
	}

	// Valid: saved, shown in words with the calendar link, to both sides.
	for _, tt := range []struct {
		name     string
		form     url.Values
		en, de   string
		formWant string
	}{
		{"biweekly", cadenceValues(maxB.CSRFToken, "startDate", "2027-03-02"),
			"Every other Tuesday at 18:30 (Europe/Berlin), 60 minutes, from 2 March 2027",
			"Jeden zweiten Dienstag um 18:30 Uhr (Europe/Berlin), 60 Minuten, ab 2. März 2027", `<option value="biweekly" selected>`},
		{"weekly", cadenceValues(maxB.CSRFToken, "every", "weekly", "weekday", "4", "time", "08:00", "durationMinutes", "45", "timezone", "America/New_York"),
			"Every Thursday at 08:00 (America/New_York), 45 minutes, from 4 March 2027",
			"Jeden Donnerstag um 08:00 Uhr (America/New_York), 45 Minuten, ab 4. März 2027", `<option value="4" selected>Thursday</option>`},
		{"monthly first", cadenceValues(maxB.CSRFToken, "every", "monthly"),
			"Every first Tuesday of the month at 18:30 (Europe/Berlin), 60 minutes, from 2 March 2027",
			"Jeden ersten Dienstag im Monat um 18:30 Uhr (Europe/Berlin), 60 Minuten, ab 2. März 2027", `<option value="monthly" selected>`},
		{"monthly last", cadenceValues(maxB.CSRFToken, "every", "monthly", "startDate", "2027-03-29"),
			"Every last Tuesday of the month at 18:30 (Europe/Berlin), 60 minutes, from 30 March 2027",
			"Jeden letzten Dienstag im Monat um 18:30 Uhr (Europe/Berlin), 60 Minuten, ab 30. März 2027", `value="2027-03-29"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, e.app(t, maxB), http.MethodPost, target+"/cadence", tt.form, nil)
			assertRedirect(t, r, target+"?done=cadence")
			r = do(t, e.app(t, maxB), target+"?done=cadence", langHeader("en"))
			assertBody(t, r.body, []string{"The cadence is saved.", `<p class="cadence-text" id="cadence-text">` + tt.en + `</p>`,
				`id="calendar-link" href="/api/v1/me/tandems/` + id + `/calendar.ics" download>Download calendar (.ics)</a>`, "Change the cadence", tt.formWant},
				[]string{`id="cadence-none"`})
			assertNoInlineCode(t, r.body)
			r = do(t, e.app(t, eva), target, langHeader("de"))
			assertBody(t, r.body, []string{tt.de, "Kalender herunterladen (.ics)", "Rhythmus ändern"}, nil)
		})
	}
}

func TestTandemMeetings(t *testing.T) {
	e := newPagesEnv(t)
	ctx := context.Background()
	id := e.runningTandem(t)
	target := "/tandems/" + id
	today := time.Now().UTC().Format(time.DateOnly)
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)

	// Invalid dates and notes: 422, the message, what was typed kept.
	for _, tt := range []struct {
		name, lang, date, notes string
		want                    []string
	}{
		{"not a date", "en", "next week", "Talked about TikTok", []string{"The meeting was not logged.", "Date of the meeting: Enter the date of the meeting.",
			`value="next week"`, ">Talked about TikTok</textarea>", `id="err-meet-date"><span class="visually-hidden">`, `aria-describedby="err-meet-date" aria-invalid="true"`}},
		{"before the tandem", "en", "2020-01-01", "", []string{"The date must not be before "}},
		{"future", "en", "2099-01-01", "", []string{"The date must not be in the future."}},
		{"long notes", "en", today, strings.Repeat("x", 2001), []string{"Notes (optional): Write at most 2000 characters"}},
		{"german", "de", "2020-01-01", "", []string{"Das Treffen wurde nicht eingetragen.", "liegen (Beginn des Tandems)."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, e.app(t, maxB), http.MethodPost, target+"/meetings", meetingValues(maxB.CSRFToken, tt.date, tt.notes), langHeader(tt.lang))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("got %d, want 422; body: %.600s", r.status, r.body)
			}
			assertBody(t, r.body, tt.want, []string{`id="meeting-log"`})
			assertNoInlineCode(t, r.body)
		})
	}

	// Two meetings: listed newest first, with who logged them and the notes.
	assertRedirect(t, send(t, e.app(t, maxB), http.MethodPost, target+"/meetings", meetingValues(maxB.CSRFToken, yesterday, "Kick-off: goals & <b>rules</b>"), nil), target+"?done=meeting")
	assertRedirect(t, send(t, e.app(t, eva), http.MethodPost, target+"/meetings", meetingValues(eva.CSRFToken, today, "Tried Notion AI together\nNext: Reels"), nil), target+"?done=meeting")
	r := do(t, e.app(t, maxB), target+"?done=meeting", langHeader("en"))
	assertBody(t, r.body, []string{"The meeting is logged.", `id="meeting-log"`, "logged by you", "logged by Eva", "Kick-off: goals &amp; &lt;b&gt;rules&lt;/b&gt;",
		"Tried Notion AI together\nNext: Reels", `<time datetime="` + today + `">`}, []string{"No meetings logged yet.", "<b>rules</b>"})
	if strings.Index(r.body, "Tried Notion AI") > strings.Index(r.body, "Kick-off: goals") {
		t.Errorf("meeting log: got the older meeting first, want newest first")
	}
	assertNoInlineCode(t, r.body)
	// The partner sees the notes; nobody else does.
	assertBody(t, do(t, e.app(t, eva), target, langHeader("en")).body, []string{"Kick-off: goals", "logged by Max", "logged by you"}, nil)
	assertBody(t, do(t, e.app(t, eva), target, langHeader("de")).body, []string{"eingetragen von Max", "eingetragen von Ihnen"}, nil)
	assertBody(t, do(t, e.app(t, lena), target, nil).body, nil, []string{"Kick-off: goals"})

	// Set a cadence, then end the tandem: the log and the calendar remain,
	// the forms are gone, changes are refused.
	assertRedirect(t, send(t, e.app(t, eva), http.MethodPost, target+"/cadence", cadenceValues(eva.CSRFToken), nil), target+"?done=cadence")
	if _, err := e.Tandems.EndTandem(ctx, eva, id, false, ""); err != nil {
		t.Fatalf("EndTandem: %v", err)
	}
	for _, tt := range []struct {
		who       *otm.Principal
		lang      string
		want, not []string
	}{
		{maxB, "en", []string{`id="tandem-status">Ended</span>`, "This tandem has ended. Its meeting log stays readable", "Kick-off: goals", "Tried Notion AI together",
			`id="cadence-text">Every other Tuesday at 18:30`, `id="calendar-link"`}, []string{`id="cadence-form"`, `id="meeting-form"`, `/meetings"`, "Change the cadence"}},
		{eva, "de", []string{"Beendet", "Dieses Tandem ist beendet.", "Kick-off: goals", "Treffen-Protokoll"}, []string{`id="meeting-form"`, `id="cadence-form"`}},
	} {
		r := do(t, e.app(t, tt.who), target, langHeader(tt.lang))
		if r.status != http.StatusOK {
			t.Fatalf("ended, %s: got %d, want 200", tt.who.Name, r.status)
		}
		assertBody(t, r.body, tt.want, tt.not)
	}
	assertBody(t, do(t, e.app(t, maxB), "/tandems", langHeader("en")).body, []string{`href="/tandems/` + id + `" id="open-tandem-` + id + `"`}, nil)
	for _, post := range []struct {
		path string
		form url.Values
	}{{"/meetings", meetingValues(maxB.CSRFToken, today, "Late note")}, {"/cadence", cadenceValues(maxB.CSRFToken)}} {
		r := send(t, e.app(t, maxB), http.MethodPost, target+post.path, post.form, langHeader("en"))
		if r.status != http.StatusConflict {
			t.Fatalf("POST %s after the end: got %d, want 409", post.path, r.status)
		}
		assertBody(t, r.body, []string{"This tandem has ended; its meeting log is read-only.", "Kick-off: goals"}, []string{`id="meeting-form"`})
	}
	if ms, err := e.Tandems.Meetings(ctx, maxB, id); err != nil || len(ms) != 2 {
		t.Errorf("meetings after the end: got %d, %v, want 2", len(ms), err)
	}
}

// TestTandemShareContact: accepting offers to share my address (unticked);
// the partner sees it on the list and the tandem's page once shared, and
// only then.
func TestTandemShareContact(t *testing.T) {
	e := newPagesEnv(t)
	reqID := e.matchSetup(t)
	tn, err := e.Tandems.ProposeTandem(context.Background(), cora, reqID, profile.ProfileIDFor(maxB.UserID))
	if err != nil {
		t.Fatalf("ProposeTandem: %v", err)
	}
	r := do(t, e.app(t, maxB), "/tandems", langHeader("de"))
	assertBody(t, r.body, []string{`<input type="checkbox" id="share-` + tn.ID + `" name="share_contact" value="yes">`,
		"Meine E-Mail-Adresse (" + maxB.Email + ") mit Eva Vorstand teilen"}, nil)
	form := url.Values{"csrf_token": {maxB.CSRFToken}, "share_contact": {"yes"}}
	assertRedirect(t, send(t, e.app(t, maxB), http.MethodPost, "/tandems/"+tn.ID+"/accept", form, nil), "/tandems?done=accepted")
	assertRedirect(t, send(t, e.app(t, eva), http.MethodPost, "/tandems/"+tn.ID+"/accept", url.Values{"csrf_token": {eva.CSRFToken}}, nil), "/tandems?done=accepted")

	assertBody(t, do(t, e.app(t, eva), "/tandems/"+tn.ID, langHeader("en")).body, []string{`<a href="mailto:` + maxB.Email + `" id="partner-contact">`}, nil)
	assertBody(t, do(t, e.app(t, eva), "/tandems", langHeader("en")).body, []string{`href="mailto:` + maxB.Email + `"`}, nil)
	assertBody(t, do(t, e.app(t, maxB), "/tandems/"+tn.ID, langHeader("en")).body, nil, []string{`id="partner-contact"`, eva.Email})
	items, _, _ := e.Notify.Inbox(context.Background(), eva)
	if len(items) == 0 || items[0].Type != "tandem.running" || items[0].Args["contact"] != maxB.Email {
		t.Errorf("Eva's introduction: got %+v, want Max's address", items)
	}
}
