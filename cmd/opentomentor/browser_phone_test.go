package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDirectoryOnAPhone: at 390 px, after a search the first result
// starts within the first screen (the filters fold into one line), and the
// filters open on demand.
func TestBrowserDirectoryOnAPhone(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	p := startProgramWith(t, &DemoOptions{Mentors: 25})
	browser := startBrowser(t, chromium)
	if _, err := p.Indexer.SyncOnce(t.Context()); err != nil { // the demo's mentors in the index
		t.Fatal(err)
	}
	b := newTab(t, browser, p.BaseURL)
	b.watchInput()
	b.do("a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile))
	b.navigate("/mentors")
	b.typeInto(searchBox, "digital")
	b.waitHTMXSettled()
	b.waitFor("the results of the search", `location.search === '?q=digital' && document.querySelector('#directory-results .mentor-card') !== null`)
	top := eval[float64](b, `document.querySelector('#directory-results .mentor-card').getBoundingClientRect().top + window.scrollY`)
	if top >= 844 {
		t.Errorf("first result at %.0f px from the top of the page, want it within the first screen (844 px)", top)
	}
	if eval[bool](b, `document.querySelector('#dir-facets').open`) {
		t.Errorf("filters on a phone: open, want them folded")
	}
	b.do("open the filters", chromedp.Click(chromedp.CSS(`#dir-facets > summary`)))
	if !eval[bool](b, `document.querySelector('#dir-facets').open && document.querySelector('#dir-facets fieldset').getBoundingClientRect().height > 0`) {
		t.Errorf("filters after tapping them: still folded")
	}
	b.assertNoConsoleErrors()
}

// TestBrowserHeaderOneRow: on a laptop (1366 px), in German, the header is
// one row for the people with the most links and the longest names: the
// executive Dr. Katharina Weber, the curator and the admin.
func TestBrowserHeaderOneRow(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	p := startProgram(t, true, nil)
	browser := startBrowser(t, chromium)
	for _, name := range []string{"Dr. Katharina Weber", "Jonas Becker", "Amira Nassar"} {
		t.Run(name, func(t *testing.T) {
			b := newTab(t, browser, p.BaseURL)
			b.do("a laptop's screen", chromedp.EmulateViewport(1366, 768))
			b.signIn(name)
			b.navigate("/lang/de")
			b.navigate("/mentors")
			rows := eval[float64](b, `(() => {
				const h = document.querySelector('.header-inner').getBoundingClientRect().height;
				const link = document.querySelector('.site-nav .nav-link').getBoundingClientRect().height;
				return h / link;
			})()`)
			if rows >= 2 {
				t.Errorf("header of %s at 1366 px in German: %.1f link heights tall, want one row", name, rows)
			}
			if got := eval[string](b, `document.querySelector('.nav-user').textContent`); !strings.Contains(got, name) {
				t.Errorf("account link: got %q, want it to name %s (for screen readers)", got, name)
			}
		})
	}
}

// TestBrowserPhoneMenu: on a phone the admin's nine links fold behind a menu
// button, so the header is one row; the button opens them (and says so to
// screen readers), and they lead on.
func TestBrowserPhoneMenu(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	p := startProgramWith(t, &DemoOptions{Mentors: 5})
	browser := startBrowser(t, chromium)
	b := newTab(t, browser, p.BaseURL)
	b.signIn("Amira Nassar") // on a laptop: signIn clicks the nav's links
	b.do("a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile))
	b.navigate("/lang/de")
	b.navigate("/mentors")
	if h := eval[float64](b, `document.querySelector('.header-inner').getBoundingClientRect().height`); h > 72 {
		t.Errorf("header on a phone, menu folded: %.0f px tall, want one row (at most 72 px)", h)
	}
	if eval[bool](b, `document.querySelector('#site-nav-list').getBoundingClientRect().height > 0`) {
		t.Error("nav links on a phone before opening the menu: shown, want folded")
	}
	if got := b.text(".nav-toggle"); got != "Menü" {
		t.Errorf("menu button: got %q, want Menü", got)
	}
	b.do("open the menu", chromedp.Click(chromedp.CSS(`.nav-toggle`)))
	if got := eval[string](b, `document.querySelector('.nav-toggle').getAttribute('aria-expanded')`); got != "true" {
		t.Errorf("menu button after opening: aria-expanded %q, want true", got)
	}
	b.checkA11y()
	follow(b, "the people link", chromedp.CSS(`#site-nav-list a[href="/admin/people"]`))
	b.assertLocation("/admin/people")
	b.assertNoConsoleErrors()
}
