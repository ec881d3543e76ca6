package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, vendored from npm (see NOTICE) so the tests need no
// network; the DevTools protocol injects it, so the pages' CSP does not apply.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
	return string(b), err
})

// axeChecked counts the page states axe-core checked in this test process,
// for the log.
var axeChecked struct {
	sync.Mutex
	seen map[string]bool
}

// axeViolation is what a test reports of one failed axe-core rule.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// checkA11y runs axe-core's WCAG 2.1 A/AA and best-practice rules on the page
// the tab shows and fails the test for every violation. A page state (its
// address, language and viewport width) is checked once per test process, so
// journeys can call it after every step at little cost.
func (b *tab) checkA11y() {
	b.t.Helper()
	key := eval[string](b, `location.pathname + location.search + ' ' + document.documentElement.lang + ' ' + window.innerWidth + ' ' + document.querySelectorAll('form, details[open], dialog[open], [role=alert]').length`)
	axeChecked.Lock()
	if axeChecked.seen == nil {
		axeChecked.seen = map[string]bool{}
	}
	done := axeChecked.seen[key]
	axeChecked.seen[key] = true
	axeChecked.Unlock()
	if done {
		return
	}
	for _, v := range b.axeViolations() {
		b.t.Errorf("axe-core on %s: %s (%s, %s) at %s", key, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "; "))
	}
}

// axeViolations runs axe-core on the page the tab shows and returns the
// rules it violates.
func (b *tab) axeViolations() []axeViolation {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatalf("read axe-core: %v", err)
	}
	if !eval[bool](b, `typeof window.axe === 'object'`) {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			b.t.Fatalf("inject axe-core: %v", err)
		}
	}
	return eval[[]axeViolation](b, `axe.run(document, {
		runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
		resultTypes: ['violations'],
	}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help,
		targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
	})))`)
}

// axeCount returns how many page states axe-core checked so far.
func axeCount() int {
	axeChecked.Lock()
	defer axeChecked.Unlock()
	return len(axeChecked.seen)
}

// TestMain runs the tests and then says how many page states axe-core checked.
func TestMain(m *testing.M) {
	code := m.Run()
	if n := axeCount(); n > 0 {
		os.Stdout.WriteString("axe-core: " + itoa(n) + " page states checked, each with 0 violations or a failed test\n")
	}
	os.Exit(code)
}

// TestBrowserAxeFindsViolations: the check finds what it should, so its
// silence on the platform's pages means something: an image without a text
// alternative and a field without a label, put into the home page.
func TestBrowserAxeFindsViolations(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	p := startProgram(t, false, nil)
	browser := startBrowser(t, chromium)
	b := newTab(t, browser, p.BaseURL)
	b.navigate("/")
	if got := b.axeViolations(); len(got) != 0 {
		t.Fatalf("home page: got violations %+v, want none", got)
	}
	eval[bool](b, `(() => {
		const img = document.createElement('img'); img.src = '/static/none.png';
		const input = document.createElement('input'); input.type = 'text';
		document.querySelector('main').append(img, input); return true })()`)
	var ids []string
	for _, v := range b.axeViolations() {
		ids = append(ids, v.ID)
	}
	for _, want := range []string{"image-alt", "label"} {
		if !slices.Contains(ids, want) {
			t.Errorf("violations of a page with an unlabelled image and field: got %v, want %s among them", ids, want)
		}
	}
}
