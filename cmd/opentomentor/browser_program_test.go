package main

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/demo"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

// Selectors of the program, request, matching and tandem pages.
const (
	programNewLink   = `main a.btn[href="/programs/new"]`
	programFormSave  = `#program-form button[type="submit"]`
	programPhaseMove = `main form[action$="/phase"] button[type="submit"]`
	// programPhaseConfirm is the second step a move with consequences takes.
	programPhaseConfirm = `main .phase-confirm form[action$="/phase"] button[type="submit"]`
	programCTA          = `main .cta-card a.btn`
	requestSubmitBtn    = `#request-form button[type="submit"][formaction]`
)

// TestBrowserFullProgram runs a cohort through the pages, as the people
// involved would: the admin creates it and opens registration, two
// executives register their requests from the program page, the curator
// looks at suggestions, asks for a cohort assignment and proposes its pairs,
// both sides of both pairs accept, the pairs agree a cadence and log a
// meeting, the program is wrapped up, both sides give feedback, and the
// curator reads the dashboard and its CSV.
func TestBrowserFullProgram(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	p := startProgramWith(t, &DemoOptions{})
	// Six people take turns through some forty pages.
	browser := startBrowserFor(t, chromium, 4*browserTimeout)
	const (
		amiraName, jonasName = "Amira Nassar", "Jonas Becker"
		katName, thomasName  = "Dr. Katharina Weber", "Thomas Brandt"
		lenaName, yusufName  = "Lena Hoffmann", "Yusuf Demir"
		programID            = "cohort-browser"
		programName          = "Browser cohort"
	)
	tabs := map[string]*tab{}
	for _, n := range []string{amiraName, jonasName, katName, thomasName, lenaName, yusufName} {
		b := newTab(t, browser, p.BaseURL)
		b.name = strings.ToLower(strings.Fields(n)[len(strings.Fields(n))-1])
		b.signIn(n)
		tabs[n] = b
	}
	amira, jonas, kat, thomas, lena, yusuf := tabs[amiraName], tabs[jonasName], tabs[katName], tabs[thomasName], tabs[lenaName], tabs[yusufName]

	// Lena and Yusuf are approved mentors (their application journey is
	// TestBrowserApplicationJourney's); their profiles are seeded for them.
	seedMentor(t, p, lena, "nordlicht-digital", "Nordlicht Digital GmbH", 1)
	seedMentor(t, p, yusuf, "rheinwerk-energie", "Rheinwerk Energie AG", 2)

	// 1. Amira creates the cohort with Jonas as its curator and opens
	// registration.
	amira.navigate("/programs")
	follow(amira, "click New program", chromedp.CSS(programNewLink))
	amira.typeInto("#pf-name", programName)
	amira.typeInto("#pf-id", programID)
	amira.typeInto("#pf-sponsor", "Dr. Petra Hoffmann")
	amira.chooseOption("#pf-term", termLabel(amira))
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format("2006-01-02") }
	for field, date := range map[string]string{"registrationOpens": day(-1), "registrationCloses": day(20), "kickOff": day(30), "wrapUp": day(200)} {
		amira.setValue("#pf-"+field, date)
	}
	amira.typeInto("#pf-curators", "jonas.becker@opentomentor.example")
	follow(amira, "create the program", chromedp.CSS(programFormSave))
	if loc := amira.location(); !strings.HasPrefix(loc, "/programs/"+programID) {
		t.Fatalf("after creating: at %s, want the program's page", loc)
	}
	amira.assertPageShows(programName, "Dr. Petra Hoffmann")
	follow(amira, "open registration", chromedp.CSS(programPhaseMove))
	if got := p.programPhase(t, programID); got != program.PhaseRegistration {
		t.Fatalf("phase after opening registration: got %s", got)
	}

	// 2. Both executives register from the program page.
	for _, ex := range []*tab{kat, thomas} {
		ex.navigate("/programs/" + programID)
		follow(ex, "click the call to action", chromedp.CSS(programCTA))
		if loc := ex.location(); !strings.Contains(loc, "program="+programID) {
			t.Fatalf("request page: at %s, want it for the program", loc)
		}
		ex.typeInto("#f-goals", "Ich möchte verstehen, wie jüngere Kolleginnen KI-Werkzeuge im Alltag nutzen und was sie von Führung erwarten.")
		ex.do("tick topics and languages",
			chromedp.Click(chromedp.CSS(`label[for="topic-digital-skills"]`)),
			chromedp.Click(chromedp.CSS(`label[for="topic-new-work-leadership"]`)),
			chromedp.Click(chromedp.CSS(`label[for="lang-de"]`)),
			chromedp.Click(chromedp.CSS(`label[for="term-half-year"]`)))
		follow(ex, "submit the request", chromedp.CSS(requestSubmitBtn))
		ex.assertPageShows(programName)
	}
	for _, name := range []string{katName, thomasName} {
		if got := p.requestStatus(t, name, programID); got != tandem.RequestSubmitted {
			t.Fatalf("%s's request: got status %q, want submitted", name, got)
		}
	}

	// 3. Jonas closes registration, reads the suggestions for Katharina and
	// asks for the cohort assignment.
	jonas.navigate("/programs/" + programID)
	// Registration is planned to close in 20 days: the page says the move is
	// early and asks again.
	movePhase(jonas, "move to matching", "Move to Matching now?", "is planned to start on")
	jonas.navigate("/match?program=" + programID)
	jonas.assertPageShows(katName, thomasName)
	follow(jonas, "open Katharina's request", chromedp.Search(`//main//table//a[normalize-space()=`+xq(katName)+`]`))
	jonas.assertPageShows(lenaName, yusufName, "topic")
	jonas.navigate("/match/assignment?program=" + programID)
	jonas.assertPageShows(katName, thomasName, lenaName, yusufName)
	// Both pairs are selected; one click proposes them.
	if n := eval[int](jonas, `document.querySelectorAll('input[name="pair"][form="assign-bulk"]:checked').length`); n != 2 {
		t.Errorf("pairs selected on the assignment: got %d, want both", n)
	}
	follow(jonas, "propose the selected pairs", chromedp.CSS(`#assign-bulk button[type="submit"]`))
	jonas.assertPageShows("Tandems proposed: 2.")
	pairs := p.programTandems(t, programID)
	if len(pairs) != 2 {
		t.Fatalf("tandems after proposing the assignment: got %d, want 2", len(pairs))
	}

	// 4. Both sides of both pairs accept from their proposals inbox.
	for _, b := range []*tab{lena, yusuf, kat, thomas} {
		b.navigate("/tandems")
		follow(b, "accept the proposal", chromedp.CSS(`main form[action$="/accept"] button[type="submit"]`))
	}
	for _, tn := range p.programTandems(t, programID) {
		if tn.Status != tandem.TandemActive {
			t.Fatalf("tandem %s after both accepted: got %s, want active", tn.ID, tn.Status)
		}
	}
	jonas.navigate("/programs/" + programID)
	movePhase(jonas, "move to running", "Move to Running now?", "is planned to start on")

	// 5. Katharina's pair agrees a cadence on their tandem page and both log
	// a meeting; the calendar recurs until the wrap-up and has the kick-off.
	var katTandem string
	for _, tn := range p.programTandems(t, programID) {
		if tn.MenteeName == katName {
			katTandem = tn.ID
		}
	}
	kat.navigate("/tandems")
	follow(kat, "open the tandem page", chromedp.CSS(`#open-tandem-`+katTandem))
	kat.chooseOption("#cad-every", "Every other week")
	kat.setValue("#cad-time", "18:30")
	kat.setValue("#cad-start", day(30))
	follow(kat, "save the cadence", chromedp.CSS("#cadence-submit"))
	if got := kat.text("#cadence-text"); !strings.Contains(got, "18:30") || !strings.Contains(got, "Europe/Berlin") {
		t.Errorf("cadence in words: got %q", got)
	}
	ics := eval[string](kat, `fetch(document.querySelector('#calendar-link').href).then(r => r.text())`)
	wrapUp := strings.ReplaceAll(day(200), "-", "")
	if !strings.Contains(ics, "FREQ=WEEKLY;INTERVAL=2") || !strings.Contains(ics, ";UNTIL="+wrapUp) || !strings.Contains(ics, programName+": kick-off") {
		t.Errorf("calendar file: got\n%s\nwant a biweekly rule until %s and the kick-off", ics, wrapUp)
	}
	kat.typeInto("#meet-notes", "Erstes Treffen: ChatGPT im Vorstand ausprobiert.")
	follow(kat, "log a meeting", chromedp.CSS("#meeting-submit"))
	var katPartner *tab
	for b, name := range map[*tab]string{lena: lenaName, yusuf: yusufName} {
		for _, tn := range p.programTandems(t, programID) {
			if tn.ID == katTandem && tn.MentorName == name {
				katPartner = b
			}
		}
	}
	katPartner.navigate("/tandems/" + katTandem)
	katPartner.assertPageShows("Erstes Treffen: ChatGPT im Vorstand ausprobiert.")
	jonas.navigate("/tandems/" + katTandem) // notes are for the pair only
	if got := jonas.textOrEmpty("main"); strings.Contains(got, "ChatGPT im Vorstand") {
		t.Errorf("the curator sees the pair's notes: %q", got)
	}
	jonas.ignoreProblem("/tandems/"+katTandem, "404")

	// 6. Jonas wraps the program up: the tandems end.
	jonas.navigate("/programs/" + programID)
	// Never in one click: wrap-up ends every running tandem.
	movePhase(jonas, "move to wrap-up", "Move to Wrap-up now?", "Every running tandem of this program ends")
	for _, tn := range p.programTandems(t, programID) {
		if tn.Status != tandem.TandemEnded || tn.EndedBy != "program" {
			t.Fatalf("tandem %s at wrap-up: got %s by %q, want ended by the program", tn.ID, tn.Status, tn.EndedBy)
		}
	}

	// 7. Both sides of both pairs give feedback on /tandems.
	answers := map[*tab]struct {
		overall, fit, learned int
		recommend             string
		text                  string
	}{
		kat:    {5, 5, 5, "yes", "Endlich verstehe ich, wie mein Team KI nutzt."},
		thomas: {4, 4, 4, "yes", "Good pairing, too few meetings."},
		lena:   {5, 4, 3, "yes", "I learned how a board thinks."},
		yusuf:  {3, 3, 4, "no", "We struggled to find time."},
	}
	tid := map[*tab]string{}
	for _, tn := range p.programTandems(t, programID) {
		for b, name := range map[*tab]string{kat: katName, thomas: thomasName, lena: lenaName, yusuf: yusufName} {
			if tn.MenteeName == name || tn.MentorName == name {
				tid[b] = tn.ID
			}
		}
	}
	for b, a := range answers {
		id := tid[b]
		b.navigate("/tandems")
		b.do("rate", chromedp.Click(chromedp.CSS(`label[for="overall-`+id+`-`+itoa(a.overall)+`"]`)),
			chromedp.Click(chromedp.CSS(`label[for="fit-`+id+`-`+itoa(a.fit)+`"]`)),
			chromedp.Click(chromedp.CSS(`label[for="learned-`+id+`-`+itoa(a.learned)+`"]`)),
			chromedp.Click(chromedp.CSS(`label[for="recommend-`+id+`-`+a.recommend+`"]`)))
		b.typeInto("#fb-text-"+id, a.text)
		follow(b, "send the feedback", chromedp.CSS(`#tandem-`+id+` form[action$="/feedback"] button[type="submit"]`))
		if got := b.value("#fb-text-" + id); got != a.text {
			t.Errorf("feedback text after saving: got %q, want %q", got, a.text)
		}
		b.assertPageShows("Update feedback")
		if !eval[bool](b, `document.activeElement === document.querySelector('[data-flash]')`) {
			t.Errorf("focus after saving the feedback: got %q, want the confirmation", eval[string](b, `document.activeElement.outerHTML.slice(0, 80)`))
		}
	}

	// 8. Jonas reads the dashboard and downloads the CSV.
	jonas.navigate("/programs/" + programID)
	follow(jonas, "open the dashboard", chromedp.CSS(`main a[href="/programs/`+programID+`/dashboard"]`))
	figures := eval[map[string]string](jonas, `Object.fromEntries(Array.from(document.querySelectorAll('.dash-figure'), d => [d.querySelector('dt').innerText.trim(), d.querySelector('.dash-value').innerText.trim()]))`)
	for label, want := range map[string]string{"Executives' requests": "2", "Tandems proposed": "2", "Meetings held": "1", "Feedback response rate": "100 %"} {
		if figures[label] != want {
			t.Errorf("dashboard %q: got %q, want %q (all: %v)", label, figures[label], want, figures)
		}
	}
	// Two answers a side: too few to show whose they are (report.MinGroup).
	jonas.assertPageShows("Mentors: fewer than 3 answers, so their ratings and words are not shown.",
		"Executives: fewer than 3 answers, so their ratings and words are not shown.", "Fewer than 3 answers: not shown")
	if text := eval[string](jonas, `document.querySelector('main').innerText`); strings.Contains(text, "We struggled to find time.") || strings.Contains(text, "Endlich verstehe ich") {
		t.Errorf("dashboard shows free texts of a side with two answers")
	}
	if n := eval[int](jonas, `document.querySelectorAll('svg.chart').length`); n < 3 {
		t.Errorf("dashboard charts: got %d, want several", n)
	}
	href := eval[string](jonas, `document.querySelector('main a[download]').getAttribute('href')`)
	csv := eval[string](jonas, `fetch(`+js(href)+`).then(r => r.text())`)
	for _, want := range []string{"tandems,proposed,2", "tandems,accepted,2", "requests,submitted,2", "satisfaction,mentee_responses,2", "satisfaction,mentor_responses,2", "satisfaction,mentor_withheld,true"} {
		if !strings.Contains(csv, want) {
			t.Errorf("dashboard CSV: got\n%s\nwant a row %q", csv, want)
		}
	}

	for _, b := range tabs {
		b.assertNoConsoleErrors()
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// termLabel is the English label of the half-year term in the program form.
func termLabel(b *tab) string {
	b.t.Helper()
	return eval[string](b, `Array.from(document.querySelectorAll('#pf-term option')).find(o => o.value === 'half-year').textContent.trim()`)
}

// setValue sets a form control's value as a date picker would.
func (b *tab) setValue(sel, v string) {
	b.t.Helper()
	if !eval[bool](b, `(() => { const e = document.querySelector(`+js(sel)+`); if (!e) return false; e.value = `+js(v)+`; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); return true })()`) {
		b.t.Fatalf("set %s: no such element", sel)
	}
}

// xq quotes s for XPath.
func xq(s string) string { return `"` + s + `"` }

// seedMentor publishes an approved application for the person signed in on b.
func seedMentor(t *testing.T, p *Program, b *tab, orgID, orgName string, seed int64) {
	t.Helper()
	var me struct{ ID, Email, Name string }
	raw := eval[string](b, `fetch('/api/v1/me').then(r => r.text())`)
	if err := json.Unmarshal([]byte(raw), &me); err != nil {
		t.Fatalf("me: %v", err)
	}
	var topics []string
	for _, tp := range p.Profiles.Topics() {
		topics = append(topics, tp.ID)
	}
	m := demo.Mentors(1, seed, time.Now(), topics)[0]
	c := m.Content
	c.Topics, c.Languages, c.Country = []string{"digital-skills", "new-work-leadership"}, []string{"de", "en"}, "DE"
	err := p.Profiles.Import(context.Background(), p.Search, []profile.Imported{{OwnerID: me.ID, Name: me.Name, Email: me.Email,
		OrgID: orgID, OrgName: orgName, Content: c, Status: profile.StatusApproved, At: time.Now()}}, 10)
	if err != nil {
		t.Fatalf("seed %s: %v", me.Name, err)
	}
}

func (p *Program) programPhase(t *testing.T, id string) string {
	t.Helper()
	pr, err := p.Programs.Program(context.Background(), browserAdmin, id)
	if err != nil {
		t.Fatal(err)
	}
	return pr.Phase
}

func (p *Program) requestStatus(t *testing.T, name, programID string) string {
	t.Helper()
	rs, err := p.Tandems.Requests(context.Background(), browserAdmin, programID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Name == name {
			return r.Status
		}
	}
	return ""
}

func (p *Program) programTandems(t *testing.T, programID string) []tandem.Tandem {
	t.Helper()
	ts, err := p.Tandems.ProgramTandems(context.Background(), browserAdmin, programID)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// browserAdmin reads what the pages wrote, to check it.
var browserAdmin = &otm.Principal{UserID: "u_test_admin", Name: "Test Admin", Roles: []string{otm.RoleAdmin}}

// movePhase presses the program page's phase button; the page must then ask
// to confirm, saying wants (an early move, the end of the tandems), and the
// move is confirmed. The phase does not move on the first press.
func movePhase(b *tab, what string, wants ...string) {
	b.t.Helper()
	follow(b, what, chromedp.CSS(programPhaseMove))
	b.assertPageShows(wants...)
	follow(b, what+": confirm", chromedp.CSS(programPhaseConfirm))
}
