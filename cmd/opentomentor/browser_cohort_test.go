package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/opentomentor/opentomentor/tandem"
)

// signInFree signs b in through the development provider's free form.
func (b *tab) signInFree(email, name string) {
	b.t.Helper()
	b.navigate("/")
	follow(b, "click Sign in in the nav", chromedp.CSS(navSignIn))
	follow(b, "click the development provider", chromedp.CSS(devProvider))
	b.do("fill the free form",
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]#email`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]#name`), name))
	follow(b, "submit the free form", chromedp.CSS(`form:has(#email) button[type="submit"]`))
	if got := b.text(navUserName); got != name {
		b.t.Fatalf("nav user after signing in as %s: got %q", name, got)
	}
}

// TestBrowserCohortWithoutDemo runs the cohort through the pages on
// a fresh data directory with only OTM_ADMIN_EMAILS: the admin names a
// program curator (in German) who holds no global role; a newcomer applies
// and, approved, holds mentor; another asks in the program and holds
// mentee; the program curator proposes; both accept.
func TestBrowserCohortWithoutDemo(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	p := startProgramEnv(t, nil, map[string]string{"OTM_ADMIN_EMAILS": "amira@platform.example"})
	browser := startBrowserFor(t, chromium, 3*browserTimeout)
	const programID, programName = "cohort-fresh", "Fresh cohort"
	tabs := map[string]*tab{}
	for _, who := range []struct{ key, email, name string }{
		{"amira", "amira@platform.example", "Amira Admin"},
		{"pia", "pia@program.example", "Pia Programm"},
		{"lena", "lena@nordlicht.example", "Lena Hoffmann"},
		{"kat", "kat@hanse.example", "Katharina Weber"},
	} {
		b := newTab(t, browser, p.BaseURL)
		b.name = who.key
		b.signInFree(who.email, who.name)
		b.assertLocation("/welcome")
		tabs[who.key] = b
	}
	amira, pia, lena, kat := tabs["amira"], tabs["pia"], tabs["lena"], tabs["kat"]
	for _, b := range []*tab{pia, lena, kat} {
		if n := eval[int](b, `document.querySelectorAll('.site-nav a[href="/match"], .site-nav a[href="/curate"], .site-nav a[href="/tandems"]').length`); n != 0 {
			t.Errorf("%s at first sign-in: got %d staff or tandem links, want none", b.name, n)
		}
	}

	// The admin creates the cohort in German, naming Pia its curator.
	amira.navigate("/lang/de?return_to=%2Fprograms%2Fnew")
	amira.typeInto("#pf-name", programName)
	amira.typeInto("#pf-id", programID)
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format("2006-01-02") }
	for field, date := range map[string]string{"registrationOpens": day(-1), "registrationCloses": day(20), "kickOff": day(30), "wrapUp": day(200)} {
		amira.setValue("#pf-"+field, date)
	}
	amira.typeInto("#pf-curators", "pia@program.example")
	follow(amira, "create the program", chromedp.CSS(programFormSave))
	amira.assertPageShows(programName, "Programm verwalten")
	follow(amira, "open registration", chromedp.CSS(programPhaseMove))

	// Lena applies; the admin approves: she holds mentor, her menu shows it.
	lena.navigate("/apply")
	lena.typeInto("#f-headline", "Data analyst who shows leaders AI tools")
	lena.typeInto("#f-bio", "I analyse logistics data by day and show executives how my generation uses AI tools, chats and video at work, honestly and without buzzwords.")
	lena.do("tick topics and languages",
		chromedp.Click(chromedp.CSS(`label[for="topic-digital-skills"]`)),
		chromedp.Click(chromedp.CSS(`label[for="lang-de"]`)),
		chromedp.Click(chromedp.CSS(`label[for="lang-en"]`)))
	lena.chooseOption("#f-country", "Germany")
	lena.typeInto("#f-hours", "4")
	follow(lena, "submit the application", chromedp.CSS(applySubmit))
	amira.navigate("/curate")
	follow(amira, "open Lena's application", queueLink("Lena Hoffmann"))
	amira.do("choose approve", chromedp.Click(chromedp.CSS(`label[for="decision-approve"]`)))
	follow(amira, "record the decision", chromedp.CSS(`form[action$="/decision"] button[type="submit"]`))
	if _, err := p.Indexer.SyncOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	lena.navigate("/")
	if n := eval[int](lena, `document.querySelectorAll('.site-nav a[href="/tandems"]').length`); n != 1 {
		t.Errorf("Lena after approval: got %d My tandems links, want 1 (mentor)", n)
	}

	// Katharina asks in the cohort from its page: she holds mentee.
	kat.navigate("/programs/" + programID)
	follow(kat, "click the call to action", chromedp.CSS(programCTA))
	kat.typeInto("#f-goals", "I want to understand how younger colleagues use AI tools every day and what they expect from leaders.")
	kat.do("tick topics, language and term",
		chromedp.Click(chromedp.CSS(`label[for="topic-digital-skills"]`)),
		chromedp.Click(chromedp.CSS(`label[for="lang-de"]`)),
		chromedp.Click(chromedp.CSS(`label[for="term-half-year"]`)))
	follow(kat, "submit the request", chromedp.CSS(requestSubmitBtn))
	kat.navigate("/")
	if n := eval[int](kat, `document.querySelectorAll('.site-nav a[href="/tandems"]').length`); n != 1 {
		t.Errorf("Katharina after submitting: got %d My tandems links, want 1 (mentee)", n)
	}

	// Pia, with no global role, runs matching in German.
	pia.navigate("/lang/de?return_to=%2Fprograms%2F" + programID)
	// Registration closes in 20 days: the page asks her to confirm.
	movePhase(pia, "move to matching", "Jetzt zu „Matching“ wechseln?", "Ein Wechsel jetzt ist verfrüht")
	pia.navigate("/match?program=" + programID)
	pia.assertPageShows("Matching-Arbeitsbereich", "Katharina Weber")
	follow(pia, "open Katharina's request", chromedp.Search(`//main//table//a[normalize-space()=`+xq("Katharina Weber")+`]`))
	pia.assertPageShows("Lena Hoffmann", "vermittelt")
	follow(pia, "propose Lena", chromedp.CSS(`main form[action$="/propose"] button[type="submit"]`))
	pia.navigate("/match?program=open")
	pia.assertPageShows("Zugriff verweigert")
	pia.takeProblems() // the 403 just asked for

	// Katharina's inbox link counts the proposal (and her new role); the
	// inbox lists it; marking all read clears the count.
	kat.navigate("/")
	if got := kat.textOrEmpty(".site-nav .nav-inbox .badge"); got != "2" {
		t.Errorf("Katharina's unread count after the proposal: got %q, want 2", got)
	}
	follow(kat, "open the inbox", chromedp.CSS(".site-nav a.nav-inbox"))
	kat.assertPageShows("A tandem with Lena Hoffmann is proposed", "You are now Mentee")
	follow(kat, "mark all read", chromedp.CSS(`form[action="/notifications/read"] button[type="submit"]`))
	if n := eval[int](kat, `document.querySelectorAll('.site-nav .nav-inbox .badge').length`); n != 0 {
		t.Errorf("Katharina's unread count after reading: got %d badges, want none", n)
	}
	// The same messages reached her by e-mail: in development, the
	// development mailbox keeps them (/dev/mail).
	waitForDevMail(t, p, "kat@hanse.example", "A tandem with Lena Hoffmann is proposed")
	amira.navigate("/dev/mail?to=kat%40hanse.example")
	amira.assertPageShows("Entwicklungs-Postfach", "A tandem with Lena Hoffmann is proposed", "You are now Mentee")

	// Both accept: the tandem runs.
	for _, b := range []*tab{lena, kat} {
		b.navigate("/tandems")
		follow(b, "accept the proposal", chromedp.CSS(`main form[action$="/accept"] button[type="submit"]`))
	}
	ts := p.programTandems(t, programID)
	if len(ts) != 1 || ts[0].Status != tandem.TandemActive {
		t.Fatalf("tandems: got %+v, want one active", ts)
	}
	if !strings.Contains(ts[0].MentorName, "Lena") {
		t.Errorf("tandem: got mentor %q, want Lena", ts[0].MentorName)
	}
	for _, b := range []*tab{amira, lena, kat} {
		b.assertNoConsoleErrors()
	}
}

// waitForDevMail waits until the development mailbox holds an e-mail to
// with subject (the mailer sends in the background).
func waitForDevMail(t *testing.T, p *Program, to, subject string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := p.DevMail.List(t.Context(), to, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list {
			if m.Subject == subject {
				return
			}
		}
		if time.Now().After(deadline) {
			var got []string
			for _, m := range list {
				got = append(got, m.Subject)
			}
			t.Fatalf("e-mails to %s: got %q, want %q", to, got, subject)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
