package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// a11yVisit is one page of the accessibility walk: a path, or (with from) the
// first link on the page at from that css selects.
type a11yVisit struct {
	path string
	from string
	css  string
}

// a11yWalks are the pages each persona sees, from the visitor to the admin.
var a11yWalks = []struct {
	persona string // empty: a visitor who is not signed in
	visits  []a11yVisit
}{
	{"", []a11yVisit{
		{path: "/"}, {path: "/signin"}, {path: "/mentors"}, {path: "/mentors?q=daten"},
		{from: "/mentors", css: `#directory-results a[href^="/mentors/"]`},
	}},
	{"Lena Hoffmann", []a11yVisit{
		{path: "/welcome"}, {path: "/apply"}, {path: "/tandems"}, {path: "/notifications"},
		{path: "/account"}, {path: "/account/notifications"},
	}},
	{"Dr. Katharina Weber", []a11yVisit{
		{path: "/request"}, {path: "/tandems"}, {path: "/mentors"},
	}},
	{"Jonas Becker", []a11yVisit{
		{path: "/curate"}, {from: "/curate", css: `main a[href^="/curate/"]`},
		{path: "/match"}, {from: "/match", css: `main a[href^="/match/mr_"]`}, {path: "/match/assignment"},
		{path: "/programs"}, {path: "/programs/" + demoCohortMatching}, {path: "/programs/" + demoCohortMatching + "/dashboard"},
		{path: "/match/assignment?program=" + demoCohortMatching},
	}},
	{"Amira Nassar", []a11yVisit{
		{path: "/admin/people"}, {path: "/admin/organizations"},
		{from: "/admin/organizations", css: `main a[href^="/admin/organizations/"]`},
		{path: "/admin/audit"}, {path: "/programs/new"}, {path: "/dev/mail"},
	}},
}

// TestBrowserAccessibility walks every persona's pages in English and German,
// on a laptop (1366 px) and a phone (390 px), and runs axe-core on each (the
// journeys check the pages they pass through as well).
func TestBrowserAccessibility(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	p := startProgramWith(t, &DemoOptions{Mentors: 25, Mentees: 6})
	browser := startBrowserFor(t, chromium, 4*browserTimeout)
	if _, err := p.Indexer.SyncOnce(t.Context()); err != nil { // the demo's mentors in the index
		t.Fatal(err)
	}
	screens := []struct {
		name string
		set  chromedp.Action[chromedp.Void]
	}{
		{"laptop", chromedp.EmulateViewport(1366, 768)},
		{"phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile)},
	}
	for _, walk := range a11yWalks {
		name := walk.persona
		if name == "" {
			name = "visitor"
		}
		t.Run(name, func(t *testing.T) {
			b := newTab(t, browser, p.BaseURL)
			if walk.persona != "" {
				b.signIn(walk.persona)
			}
			for _, lang := range []string{"en", "de"} {
				b.do("switch to "+lang, chromedp.Navigate(b.base+"/lang/"+lang))
				for _, screen := range screens {
					b.name = lang + "-" + screen.name
					b.do("a "+screen.name+"'s screen", screen.set)
					for _, v := range walk.visits {
						path := v.path
						if v.from != "" {
							b.do("open "+v.from, chromedp.Navigate(b.base+v.from))
							path = eval[string](b, `(document.querySelector(`+js(v.css)+`) || {}).getAttribute?.('href') || ''`)
							if path == "" {
								t.Fatalf("%s on %s: no link %s", walk.persona, v.from, v.css)
							}
						}
						b.navigate(path) // checks the page with axe-core
					}
				}
			}
			b.assertNoConsoleErrors()
		})
	}
}
