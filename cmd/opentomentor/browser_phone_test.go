package main

import (
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
