package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/opentomentor/opentomentor/tandem"
)

// TestBrowserShortlist: Katharina asks for a mentor; Jonas adds three from
// the suggestions to her shortlist (one click each), writes why and sends
// it; Katharina picks the second from her page; Lena, the one picked,
// accepts and the tandem runs. Yusuf, shortlisted but not picked, sees
// nothing of it.
func TestBrowserShortlist(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	p := startProgramWith(t, &DemoOptions{Mentors: 3})
	browser := startBrowserFor(t, chromium, 2*browserTimeout)
	tabs := map[string]*tab{}
	for _, n := range []string{"Jonas Becker", "Dr. Katharina Weber", "Lena Hoffmann", "Yusuf Demir"} {
		b := newTab(t, browser, p.BaseURL)
		b.signIn(n)
		tabs[n] = b
	}
	jonas, kat, lena, yusuf := tabs["Jonas Becker"], tabs["Dr. Katharina Weber"], tabs["Lena Hoffmann"], tabs["Yusuf Demir"]
	seedMentor(t, p, yusuf, "rheinwerk-energie", "Rheinwerk Energie AG", 2)
	seedMentor(t, p, lena, "nordlicht-digital", "Nordlicht Digital GmbH", 1)
	if _, err := p.Indexer.SyncOnce(t.Context()); err != nil {
		t.Fatal(err)
	}

	kat.navigate("/request")
	kat.typeInto("#f-goals", "Ich möchte verstehen, wie jüngere Kolleginnen KI-Werkzeuge im Alltag nutzen und was sie von Führung erwarten.")
	kat.do("tick topics and languages",
		chromedp.Click(chromedp.CSS(`label[for="topic-digital-skills"]`)),
		chromedp.Click(chromedp.CSS(`label[for="lang-de"]`)),
		chromedp.Click(chromedp.CSS(`label[for="term-half-year"]`)))
	follow(kat, "submit the request", chromedp.CSS(requestSubmitBtn))

	jonas.navigate("/match")
	follow(jonas, "open Katharina's request", chromedp.Search(`//main//table//a[normalize-space()="Dr. Katharina Weber"]`))
	addButton := func(name string) chromedp.Search {
		return chromedp.Search(`//main//form[input[@name="op"][@value="add"]]//button[span[contains(., ` + xq(name) + `)]]`)
	}
	// Yusuf first, then Lena (the second), then the best other suggestion.
	for _, name := range []string{"Yusuf Demir", "Lena Hoffmann"} {
		follow(jonas, "add "+name+" to the shortlist", addButton(name))
		jonas.assertPageShows("The shortlist is saved.")
	}
	follow(jonas, "add a third", chromedp.CSS(`main form input[name="op"][value="add"] ~ button`))
	if n := eval[int](jonas, `document.querySelectorAll('#shortlist input[name="mentor"]').length`); n != 3 {
		t.Fatalf("shortlist: got %d mentors, want 3", n)
	}
	jonas.typeInto("#note-1", "Explains AI tools without buzzwords")
	follow(jonas, "send the shortlist", chromedp.CSS(`#shortlist button[value="send"]`))
	jonas.assertPageShows("The shortlist is sent to Dr. Katharina Weber.")

	kat.navigate("/shortlists")
	kat.assertPageShows("Yusuf Demir", "Lena Hoffmann", "Explains AI tools without buzzwords")
	follow(kat, "choose Lena", chromedp.Search(`//main//form//button[span[contains(., "Lena Hoffmann")]]`))
	kat.assertPageShows("Your choice is sent")

	lena.navigate("/tandems")
	lena.assertPageShows("Dr. Katharina Weber")
	follow(lena, "accept", chromedp.CSS(`main form[action$="/accept"] button[type="submit"]`))
	ts := p.programTandems(t, "open")
	if len(ts) != 1 || ts[0].Status != tandem.TandemActive {
		t.Fatalf("tandems after Lena accepted: got %+v, want one running", ts)
	}
	yusuf.navigate("/tandems")
	if got := yusuf.text("main"); strings.Contains(got, "Katharina") {
		t.Errorf("Yusuf (shortlisted, not picked) on his tandems: %q mentions Katharina", got)
	}
	for _, b := range []*tab{jonas, kat, lena, yusuf} {
		b.assertNoConsoleErrors()
	}
}
