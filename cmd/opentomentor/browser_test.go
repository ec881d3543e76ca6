package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browserTimeout bounds everything a browser test does once the platform runs.
const browserTimeout = 60 * time.Second

// chromiumPath returns the Chromium to drive, or skips the test: in -short
// mode; under the race detector (make test runs the browser tests in a pass
// of their own without it: the server's code is raced by the API and page
// tests, and a raced server makes the walk through every page too slow)
// unless OTM_BROWSER_RACE=1; and when no Chromium is installed unless
// OTM_REQUIRE_BROWSER=1 asks for the browser tests to fail instead.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if raceEnabled && os.Getenv("OTM_BROWSER_RACE") != "1" {
		t.Skip("browser test skipped under the race detector: make test runs it without (OTM_BROWSER_RACE=1 runs it here)")
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("OTM_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium not installed (OTM_REQUIRE_BROWSER=1): apt-get install chromium")
	}
	t.Skip("chromium not installed: apt-get install chromium")
	return ""
}

// startBrowser starts the headless Chromium at path, which lives until the
// test ends or browserTimeout has passed, and returns its chromedp context.
// Tabs made with newTab from it have cookie jars of their own.
func startBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	return startBrowserFor(t, path, browserTimeout)
}

// startBrowserFor is startBrowser for a browser that lives until the test
// ends or timeout has passed, for journeys longer than browserTimeout allows.
func startBrowserFor(t *testing.T, path string, timeout time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// The pages pick their language from Accept-Language: English
		// unless a journey switches.
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	root, cancelRoot := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(root, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelRoot()
	})
	start := time.Now()
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	t.Logf("chromium started in %v", time.Since(start).Round(time.Millisecond))
	return browserCtx
}

// tab is one browser tab in a browser context of its own (a separate cookie
// jar) that records the console errors, uncaught exceptions and CSP
// violations of its pages.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	name string // tells the tabs of one test apart in screenshots; may be empty

	mu       sync.Mutex
	problems []string // errors: the test fails on them
	warnings []string // logged only
}

// newTab opens a tab on the platform at base. When the test fails, it saves a
// screenshot to os.TempDir()/otm-browser-<test>.png before closing the tab.
func newTab(t *testing.T, browserCtx context.Context, base string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	b := &tab{t: t, ctx: ctx, base: base}
	if err := chromedp.Listen(ctx, b.record); err != nil {
		cancel()
		t.Fatalf("open a tab: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b.screenshot()
		}
		cancel()
	})
	return b
}

// record runs in the loop that reads the tab's events: it must return fast and
// run no command.
func (b *tab) record(ev any) {
	var problem, warning string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		problem = fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, text)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				if a.Description != "" {
					args = append(args, a.Description)
				} else {
					args = append(args, string(a.Value))
				}
			}
			problem = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
		}
	case *log.EventEntryAdded:
		e := ev.Entry
		msg := fmt.Sprintf("%s %s: %s", e.Source, e.Level, e.Text)
		if e.URL != "" {
			msg += " (" + e.URL + ")"
		}
		switch e.Level {
		case log.EntryLevelError:
			problem = msg
		case log.EntryLevelWarning:
			warning = msg
		}
	}
	if problem == "" && warning == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if problem != "" {
		b.problems = append(b.problems, problem)
	}
	if warning != "" {
		b.warnings = append(b.warnings, warning)
	}
}

// takeProblems returns and forgets the errors recorded so far, and logs the
// warnings.
func (b *tab) takeProblems() []string {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, w := range b.warnings {
		b.t.Logf("browser console warning: %s", w)
	}
	p := b.problems
	b.problems, b.warnings = nil, nil
	return p
}

// assertNoConsoleErrors fails the test for every console error, uncaught
// exception and CSP violation that the pages reported.
func (b *tab) assertNoConsoleErrors() {
	b.t.Helper()
	for _, p := range b.takeProblems() {
		b.t.Errorf("browser console: got %q, want no errors or CSP violations", p)
	}
}

func (b *tab) screenshot() {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		b.t.Logf("screenshot: %v", err)
		return
	}
	file := b.t.Name()
	if b.name != "" {
		file += "-" + b.name
	}
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(file, "_")
	path := filepath.Join(os.TempDir(), "otm-browser-"+name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.t.Logf("screenshot: %v", err)
		return
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		b.t.Logf("page at failure: %s", loc)
	}
	b.t.Logf("screenshot of the page at failure: %s", path)
}

// do runs actions that return nothing.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// navigate opens a path of the platform and waits for the page to load.
func (b *tab) navigate(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
	b.checkA11y()
}

// follow clicks the element that sel selects and waits until the navigation
// it starts (with its redirects) has loaded a page that is not an error.
func follow[S chromedp.Selectable](b *tab, what string, sel S) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(sel))
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if resp != nil && resp.Status >= 400 {
		b.t.Fatalf("%s: got HTTP %d for %s, want a page", what, resp.Status, resp.URL)
	}
	b.checkA11y()
}

// followStatus clicks the element that sel selects, waits until the page that
// the navigation loads is there, and fails the test unless the server
// answered with status want (such as 422 for a form sent back with errors).
func followStatus[S chromedp.Selectable](b *tab, what string, sel S, want int64) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(sel))
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil || resp.Status != want {
		got := "no response"
		if resp != nil {
			got = fmt.Sprintf("HTTP %d for %s", resp.Status, resp.URL)
		}
		b.t.Fatalf("%s: got %s, want HTTP %d", what, got, want)
	}
	b.checkA11y()
}

// location returns the tab's URL relative to the platform.
func (b *tab) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// text returns the visible text of the first element that sel selects,
// waiting at most waitTimeout for there to be one.
func (b *tab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	for attempt := 0; err != nil && strings.Contains(err.Error(), "No node with given id") && attempt < 3; attempt++ {
		// The document was replaced between finding the node and reading
		// it (a navigation finishing): find it again.
		time.Sleep(100 * time.Millisecond)
		s, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	}
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// eval evaluates a JavaScript expression, awaiting a promise it returns.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// assertPageShows fails the test for each of wants that the page's visible
// text lacks.
func (b *tab) assertPageShows(wants ...string) {
	b.t.Helper()
	body := b.text("body")
	for _, want := range wants {
		if !strings.Contains(body, want) {
			b.t.Errorf("page %s: got text without %q, want it shown; text:\n%s", b.location(), want, body)
		}
	}
}

// assertLocation fails the test unless the tab is at want (relative to the
// platform).
func (b *tab) assertLocation(want string) {
	b.t.Helper()
	if got := b.location(); got != want {
		b.t.Errorf("location: got %q, want %q", got, want)
	}
}

// personaButton selects the development provider's one-click button for the
// persona with this display name.
func personaButton(name string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//form//button[contains(concat(" ", normalize-space(@class), " "), " persona ")][strong[normalize-space()=%q]]`, name))
}

// Selectors of the platform's pages.
const (
	navSignIn      = `.site-nav a[href^="/signin"]`
	navUserName    = `.site-nav a.nav-user[href="/account"] .nav-user-name`
	devProvider    = `a.provider[href^="/auth/` + devProviderID + `/login"]`
	accountSignOut = `main .session-action form[action="/auth/logout"]:not(:has(input[name="everywhere"])) button[type="submit"]`
)

// TestBrowserSignIn drives Chromium through the sign-in journeys of the
// platform with its development OpenID Provider (the real OIDC code flow).
func TestBrowserSignIn(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	start := time.Now()
	p := startProgram(t, true, nil)
	t.Logf("platform started in %v at %s", time.Since(start).Round(time.Millisecond), p.BaseURL)
	browser := startBrowser(t, chromium)

	t.Run("persona", func(t *testing.T) {
		b := newTab(t, browser, p.BaseURL)
		b.navigate("/")
		if got := b.text(navSignIn); got != "Sign in" {
			t.Errorf("nav sign-in link: got %q, want %q", got, "Sign in")
		}
		follow(b, "click Sign in in the nav", chromedp.CSS(navSignIn))
		b.assertLocation("/signin?return_to=%2F")
		follow(b, "click the development provider", chromedp.CSS(devProvider))
		if loc := b.location(); !strings.HasPrefix(loc, "/devidp/") {
			t.Fatalf("after the provider link: got %q, want the development provider's page under /devidp/", loc)
		}
		follow(b, "click the persona Lena Hoffmann", personaButton("Lena Hoffmann"))
		// A first sign-in that was not heading anywhere asks what she came for.
		b.assertLocation("/welcome")
		b.assertPageShows("Welcome, Lena Hoffmann!", "Write my application", "Ask for a reverse mentor")
		if got := b.text(navUserName); got != "Lena Hoffmann" {
			t.Errorf("nav user: got %q, want %q", got, "Lena Hoffmann")
		}

		b.navigate("/account")
		b.assertLocation("/account")
		b.assertPageShows("Lena Hoffmann", "lena.hoffmann@nordlicht-digital.example", "Nordlicht Digital GmbH")
		roles := eval[[]string](b, `Array.from(document.querySelectorAll('main .chips .chip'), e => e.textContent.trim())`)
		if len(roles) != 0 { // mentor follows an approved application, not the persona
			t.Errorf("roles on /account: got %q, want none before an application is approved", roles)
		}
		if got := b.text(`main .org`); got != "Nordlicht Digital GmbH" {
			t.Errorf("organization on /account: got %q, want %q", got, "Nordlicht Digital GmbH")
		}
		if !eval[bool](b, `document.querySelector('main .badge-verified') !== null`) {
			t.Errorf("organization on /account: got no verified badge, want one (the demo maps nordlicht-digital.example)")
		}
		icon := eval[int](b, `(async () => (await fetch(document.querySelector('link[rel="icon"]').href)).status)()`)
		if icon != 200 {
			t.Errorf("fetch the page's icon: got %d, want 200", icon)
		}
		me := eval[int](b, `(async () => (await fetch('/api/v1/me')).status)()`)
		if me != 200 {
			t.Errorf("fetch /api/v1/me signed in: got %d, want 200", me)
		}

		follow(b, "click Sign out on /account", chromedp.CSS(accountSignOut))
		b.assertLocation("/")
		if got := b.text(navSignIn); got != "Sign in" {
			t.Errorf("nav after sign-out: got %q, want a %q link", got, "Sign in")
		}
		if n := eval[int](b, `document.querySelectorAll('.site-nav .nav-user').length`); n != 0 {
			t.Errorf("nav after sign-out: got %d user links, want none", n)
		}
		me = eval[int](b, `(async () => (await fetch('/api/v1/me')).status)()`)
		if me != 401 {
			t.Errorf("fetch /api/v1/me after sign-out: got %d, want 401", me)
		}
		// The 401 of that fetch is what the test asked for; Chromium logs
		// every failed fetch as a network error, so forget that one.
		b.ignoreProblem("/api/v1/me", "401")
		b.assertNoConsoleErrors()
	})

	t.Run("free form German return_to", func(t *testing.T) {
		b := newTab(t, browser, p.BaseURL)
		b.navigate("/")
		if got := eval[string](b, `document.documentElement.lang`); got != "en" {
			t.Errorf("<html lang> before switching: got %q, want %q", got, "en")
		}
		follow(b, "click DE in the language switcher", chromedp.CSS(`.lang-switch a[hreflang="de"]`))
		b.assertLocation("/")
		if got := eval[string](b, `document.documentElement.lang`); got != "de" {
			t.Errorf("<html lang> after switching: got %q, want %q", got, "de")
		}
		if got := b.text(navSignIn); got != "Anmelden" {
			t.Errorf("nav sign-in link in German: got %q, want %q", got, "Anmelden")
		}

		b.navigate("/account")
		b.assertLocation("/signin?return_to=%2Faccount")
		href := eval[string](b, `document.querySelector('`+devProvider+`').getAttribute('href')`)
		if want := "/auth/" + devProviderID + "/login?return_to=" + url.QueryEscape("/account"); href != want {
			t.Errorf("provider link: got %q, want %q", href, want)
		}
		follow(b, "click the development provider", chromedp.CSS(devProvider))
		if loc := b.location(); !strings.HasPrefix(loc, "/devidp/") {
			t.Fatalf("after the provider link: got %q, want the development provider's page under /devidp/", loc)
		}
		b.do("fill the free form",
			chromedp.SendKeys(chromedp.CSS(`input[name="email"]#email`), "neu.person@beispiel-gmbh.example"),
			chromedp.SendKeys(chromedp.CSS(`input[name="name"]#name`), "Neue Person"),
		)
		follow(b, "submit the free form", chromedp.CSS(`form:has(#email) button[type="submit"]`))
		b.assertLocation("/account")
		if got := eval[string](b, `document.documentElement.lang`); got != "de" {
			t.Errorf("<html lang> on /account: got %q, want %q", got, "de")
		}
		if got := b.text(navUserName); got != "Neue Person" {
			t.Errorf("nav user: got %q, want %q", got, "Neue Person")
		}
		b.assertPageShows("Neue Person", "neu.person@beispiel-gmbh.example", "Abmelden", "Mein Konto")
		b.assertNoConsoleErrors()
	})

	// The journeys' "no CSP violations" means something only if this
	// Chromium reports them where the tab looks.
	t.Run("CSP violations are seen", func(t *testing.T) {
		b := newTab(t, browser, p.BaseURL)
		b.navigate("/")
		b.assertNoConsoleErrors()
		eval[bool](b, `(() => {
			const s = document.createElement('script');
			s.textContent = 'window.inlineRan = true';
			document.body.appendChild(s);
			return true;
		})()`)
		if ran := eval[bool](b, `window.inlineRan === true`); ran {
			t.Errorf("inline script: got it run, want the Content-Security-Policy to block it")
		}
		if n := b.ignoreProblem("Content Security Policy"); n == 0 {
			t.Errorf("console after an inline script: got no CSP violation reported, want one (the journeys' CSP check would see nothing)")
		}
		b.assertNoConsoleErrors()
	})
}

// ignoreProblem forgets the recorded errors that contain all of parts, and
// returns how many it forgot.
func (b *tab) ignoreProblem(parts ...string) int {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.problems[:0]
	n := 0
next:
	for _, p := range b.problems {
		for _, part := range parts {
			if !strings.Contains(p, part) {
				kept = append(kept, p)
				continue next
			}
		}
		b.t.Logf("browser console, expected: %s", p)
		n++
	}
	b.problems = kept
	return n
}

// signIn signs the tab in as the development provider's persona with this
// display name, from the nav of the home page, and waits until the nav names
// them.
func (b *tab) signIn(name string) {
	b.t.Helper()
	b.navigate("/")
	follow(b, "click Sign in in the nav", chromedp.CSS(navSignIn))
	follow(b, "click the development provider", chromedp.CSS(devProvider))
	follow(b, "click the persona "+name, personaButton(name))
	if got := b.text(navUserName); got != name {
		b.t.Fatalf("nav user after signing in as %s: got %q, want %q", name, got, name)
	}
}

// js returns v as a JavaScript literal.
func js(v any) string {
	buf, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(buf)
}

// waitFor waits until the JavaScript expression expr is truthy, for at most
// waitTimeout, and fails the test with what it waited for if it never is.
func (b *tab) waitFor(what, expr string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(waitTimeout)))
	if err != nil {
		b.t.Fatalf("wait for %s on %s: %v", what, b.location(), err)
	}
}

// waitTimeout bounds what waitFor waits for, such as an htmx update.
const waitTimeout = 10 * time.Second

// watchInput makes every page the tab loads from now on note when the user
// last changed a form control and when htmx last sent a request, for
// waitHTMXSettled. The note lives in the page's window as __otmTest; the
// DevTools protocol injects it, so the Content-Security-Policy does not apply.
func (b *tab) watchInput() {
	b.t.Helper()
	const source = `(() => {
		const s = window.__otmTest = {input: 0, sent: 0};
		document.addEventListener('input', () => { s.input = performance.now(); }, true);
		document.addEventListener('htmx:beforeRequest', () => { s.sent = performance.now(); });
	})();`
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: source}); err != nil {
		b.t.Fatalf("watch the input of the pages: %v", err)
	}
}

// waitHTMXSettled waits until htmx has sent a request since the last input
// (the forms' triggers wait 400 ms after typing stops) and no request is
// under way any more, so that what the test sees reflects everything typed and
// a click that navigates does not race a delayed request. The tab must watch
// its input (watchInput) and the page must send a request on input.
func (b *tab) waitHTMXSettled() {
	b.t.Helper()
	b.waitFor("htmx to answer the last input", `window.__otmTest !== undefined && __otmTest.sent >= __otmTest.input &&
		document.querySelectorAll('.htmx-request, .htmx-swapping, .htmx-settling').length === 0`)
}

// typeInto empties the text field that sel selects and types text into it
// key by key, as a person does (so the page sees input events).
func (b *tab) typeInto(sel, text string) {
	b.t.Helper()
	eval[bool](b, `(() => { const e = document.querySelector(`+js(sel)+`); e.value = ''; e.dispatchEvent(new Event('input', {bubbles: true})); return true })()`)
	b.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// appendTo types text at the end of the text field that sel selects.
func (b *tab) appendTo(sel, text string) {
	b.t.Helper()
	eval[bool](b, `(() => { const e = document.querySelector(`+js(sel)+`); e.focus(); e.setSelectionRange(e.value.length, e.value.length); return true })()`)
	b.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// chooseOption selects the option with this visible label in the <select>
// that sel selects, and tells the page as a change by the user would.
func (b *tab) chooseOption(sel, label string) {
	b.t.Helper()
	ok := eval[bool](b, `(() => {
		const s = document.querySelector(`+js(sel)+`);
		const o = s && Array.from(s.options).find(o => o.textContent.trim() === `+js(label)+`);
		if (!o) return false;
		s.value = o.value;
		s.dispatchEvent(new Event('input', {bubbles: true}));
		s.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`)
	if !ok {
		b.t.Fatalf("choose %q in %s: no such option", label, sel)
	}
}

// value returns the current value of the form control that sel selects.
func (b *tab) value(sel string) string {
	b.t.Helper()
	return eval[string](b, `document.querySelector(`+js(sel)+`).value`)
}

// checked returns the values of the ticked checkboxes or radio buttons named
// name.
func (b *tab) checked(name string) []string {
	b.t.Helper()
	return eval[[]string](b, `Array.from(document.querySelectorAll('input[name=`+js(name)+`]:checked'), e => e.value)`)
}

// textOrEmpty returns the visible text of the first element that sel
// selects, or "" if there is none; unlike text it does not wait for one.
func (b *tab) textOrEmpty(sel string) string {
	b.t.Helper()
	return eval[string](b, `(document.querySelector(`+js(sel)+`)?.innerText ?? '').trim()`)
}

// press sends the key to whatever element of the page has the focus.
func (b *tab) press(key string) {
	b.t.Helper()
	b.do("press "+key, chromedp.KeyEvent(key))
}

// Selectors of the application, review and directory pages.
const (
	navApply       = `.site-nav a.nav-link[href="/apply"]`
	navReview      = `.site-nav a.nav-link[href="/curate"]`
	flash          = `main [data-flash]`
	applyStatus    = `main .status-panel .status-badge`
	applyStatusMsg = `main .status-panel > p`
	applyReason    = `main .status-panel .reason blockquote`
	applySummary   = `main .error-summary[role="alert"]`
	applySaveDraft = `#apply-form .form-actions button[type="submit"]:not([formaction])`
	applySubmit    = `#apply-form .form-actions button[type="submit"][formaction="/apply/submit"]`
	previewName    = `#preview .mentor-card .mentor-name`
	previewHead    = `#preview .mentor-card .mentor-headline`
	reviewDecide   = `#decide form button[type="submit"]`
	reviewMessage  = `#decide [role="alert"]`
	searchBox      = `#dir-form input[type="search"]#q`
)

// queueLink selects the link to the application of the applicant with this
// name in the curators' queue.
func queueLink(name string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//table[contains(concat(" ", normalize-space(@class), " "), " queue-table ")]//a[@data-queue-link][normalize-space()=%q]`, name))
}

// mentorCardLink selects the name link on the directory card of this mentor.
func mentorCardLink(name string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//div[@id="directory-results"]//article[contains(concat(" ", normalize-space(@class), " "), " mentor-card ")]//h3//a[normalize-space()=%q]`, name))
}

// TestBrowserApplicationJourney drives the "done when" through the
// pages: a young professional applies (after one rejected attempt), a curator
// requests changes, the applicant revises, the curator approves with the
// keyboard, and a visitor finds the mentor in the directory.
func TestBrowserApplicationJourney(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	start := time.Now()
	p := startProgram(t, true, nil)
	t.Logf("platform started in %v at %s", time.Since(start).Round(time.Millisecond), p.BaseURL)
	// Three people take turns through a dozen pages: twice the budget of
	// the sign-in journeys.
	browser := startBrowserFor(t, chromium, 2*browserTimeout)

	const (
		lenaName  = "Lena Hoffmann"
		jonasName = "Jonas Becker"
		shortHead = "Kurz!"
		headline  = "Data-Analystin, die Führungskräften KI-Tools näherbringt"
		bio       = "Ich bin Data-Analystin bei Nordlicht Digital und zeige Führungskräften, wie sie KI-Werkzeuge im Alltag nutzen – praktisch, ehrlich und ohne Buzzwords."
		bioMore   = " Grüße aus Hamburg!"
		bioFix    = " Konkret: ChatGPT, Notion und Miro für Meetings, Präsentationen und Recherche."
		reason    = "Bitte nenne konkrete Tools."
	)
	lena := newTab(t, browser, p.BaseURL)
	lena.name = "lena"
	lena.watchInput()
	jonas := newTab(t, browser, p.BaseURL)
	jonas.name = "jonas"
	visitor := newTab(t, browser, p.BaseURL)
	visitor.name = "visitor"
	visitor.watchInput()

	// A 422 re-render is what the test asks for; Chromium logs the status
	// of every document it loads with an error status, so forget exactly
	// that one.
	expect422 := func(b *tab, path string) {
		t.Helper()
		if n := b.ignoreProblem(b.base+path, "422"); n > 1 {
			t.Errorf("console after the 422 of %s: got %d errors about it, want at most one", path, n)
		}
	}

	// 1. Lena opens her application from the nav and saves a first draft.
	lena.signIn(lenaName)
	follow(lena, "click My application in the nav", chromedp.CSS(navApply))
	lena.assertLocation("/apply")
	if got := lena.text(applyStatus); got != "Not started" {
		t.Errorf("status before applying: got %q, want %q", got, "Not started")
	}
	lena.typeInto("#f-bio", bio)
	lena.do("tick two topics, German and English",
		chromedp.Click(chromedp.CSS(`label[for="topic-digital-skills"]`)),
		chromedp.Click(chromedp.CSS(`label[for="topic-ai-data"]`)),
		chromedp.Click(chromedp.CSS(`label[for="lang-de"]`)),
		chromedp.Click(chromedp.CSS(`label[for="lang-en"]`)),
	)
	lena.chooseOption("#f-country", "Germany")
	lena.typeInto("#f-hours", "4")
	wantCounter := fmt.Sprintf("%d of 2000 characters", len([]rune(bio)))
	if got := lena.text("#count-bio"); got != wantCounter {
		t.Errorf("bio counter: got %q, want %q", got, wantCounter)
	}
	lena.waitHTMXSettled()
	if got := lena.textOrEmpty("#preview .mentor-card"); !strings.Contains(got, "Germany") || !strings.Contains(got, "4 hours a month") {
		t.Errorf("preview after filling in country and hours: got %q, want both shown", got)
	}
	follow(lena, "click Save draft", chromedp.CSS(applySaveDraft))
	lena.assertLocation("/apply?done=saved")
	if got := lena.text(flash); got != "Your draft was saved." {
		t.Errorf("flash after saving: got %q, want %q", got, "Your draft was saved.")
	}
	if got := lena.text(applyStatus); got != "Draft" {
		t.Errorf("status after saving: got %q, want %q", got, "Draft")
	}
	if got := lena.value("#f-bio"); got != bio {
		t.Errorf("bio after saving: got %q, want %q", got, bio)
	}

	// 2. A headline of five characters: the live check flags it, submitting
	// sends the form back with the error next to the field, and nothing
	// typed is lost.
	lena.typeInto("#f-headline", shortHead)
	lena.appendTo("#f-bio", bioMore)
	lena.waitHTMXSettled()
	lena.waitFor("the live check to flag the headline",
		`document.querySelector('#err-headline').textContent.includes('Write at least 10 characters.') && document.querySelector('#f-headline').getAttribute('aria-invalid') === 'true'`)
	followStatus(lena, "submit with a short headline", chromedp.CSS(applySubmit), 422)
	expect422(lena, "/apply/submit")
	// The form's own address again: a reload does not send it twice.
	lena.waitFor("the address to be /apply again", `location.pathname === '/apply'`)
	if got := lena.text("#err-headline"); !strings.Contains(got, "Write at least 10 characters.") {
		t.Errorf("error next to the headline: got %q, want %q", got, "Write at least 10 characters.")
	}
	if got := eval[string](lena, `document.querySelector('#err-headline').nextElementSibling.id`); got != "f-headline" {
		t.Errorf("headline error slot: got it before #%s, want it right before #f-headline", got)
	}
	if got := eval[string](lena, `document.querySelector('#f-headline').getAttribute('aria-invalid')`); got != "true" {
		t.Errorf("headline aria-invalid: got %q, want %q", got, "true")
	}
	summary := lena.text(applySummary)
	for _, want := range []string{"nothing was saved", "Headline: Write at least 10 characters."} {
		if !strings.Contains(summary, want) {
			t.Errorf("error summary: got %q, want it to contain %q", summary, want)
		}
	}
	if !eval[bool](lena, `document.activeElement === document.querySelector('[data-error-summary]')`) {
		t.Errorf("focus after the failed submission: got %q, want the error summary", eval[string](lena, `document.activeElement.outerHTML.slice(0, 80)`))
	}
	if got := lena.value("#f-headline"); got != shortHead {
		t.Errorf("headline after the failed submission: got %q, want what was typed, %q", got, shortHead)
	}
	if got := lena.value("#f-bio"); got != bio+bioMore {
		t.Errorf("bio after the failed submission: got %q, want what was typed, %q", got, bio+bioMore)
	}
	if got := lena.checked("topics"); !slices.Equal(got, []string{"digital-skills", "ai-data"}) {
		t.Errorf("topics after the failed submission: got %q, want [digital-skills ai-data]", got)
	}
	if got := lena.checked("languages"); !slices.Equal(got, []string{"de", "en"}) {
		t.Errorf("languages after the failed submission: got %q, want [de en]", got)
	}
	if got := lena.value("#f-country"); got != "DE" {
		t.Errorf("country after the failed submission: got %q, want DE", got)
	}
	if got := lena.value("#f-hours"); got != "4" {
		t.Errorf("hours after the failed submission: got %q, want 4", got)
	}
	if got := lena.text(applyStatus); got != "Draft" {
		t.Errorf("status after the failed submission: got %q, want %q", got, "Draft")
	}
	lena.assertNoConsoleErrors()

	// 1 (cont.). An invalid LinkedIn address does not freeze the live check
	// (the browser's own validation used to stop it silently): the field
	// gets its error, and a proper headline still clears the headline's.
	lena.typeInto("#f-linkedin", "linkedin.com/in/lena")
	lena.typeInto("#f-headline", headline)
	lena.waitHTMXSettled()
	lena.waitFor("the live check to flag the LinkedIn address",
		`document.querySelector('#err-linkedin').textContent.trim() !== '' && document.querySelector('#f-linkedin').getAttribute('aria-invalid') === 'true'`)
	lena.waitFor("the live check to clear the headline error beside it",
		`document.querySelector('#err-headline').textContent.trim() === ''`)
	// A proper headline shows in the live preview; submitting puts the
	// application under review.
	lena.typeInto("#f-linkedin", "")
	lena.waitHTMXSettled()
	lena.waitFor("the preview to show the headline", `document.querySelector(`+js(previewHead)+`)?.textContent.trim() === `+js(headline))
	lena.waitFor("the live check to clear the headline error",
		`document.querySelector('#err-headline').textContent.trim() === '' && !document.querySelector('#f-headline').hasAttribute('aria-invalid')`)
	if got := lena.text(previewName); got != lenaName {
		t.Errorf("preview name: got %q, want %q", got, lenaName)
	}
	if lena.textOrEmpty("#preview .preview-ready") == "" {
		t.Errorf("preview: got %q, want it to say the application is complete", lena.textOrEmpty("#preview"))
	}
	follow(lena, "click Submit for review", chromedp.CSS(applySubmit))
	lena.assertLocation("/apply?done=submitted")
	if got := lena.text(flash); got != "Thank you! Your application was submitted for review." {
		t.Errorf("flash after submitting: got %q", got)
	}
	if got := lena.text(applyStatus); got != "Under review" {
		t.Errorf("status after submitting: got %q, want %q", got, "Under review")
	}
	if got := lena.text(applyStatusMsg); !strings.Contains(got, "under review") {
		t.Errorf("status panel after submitting: got %q, want it to say the application is under review", got)
	}
	if got := lena.value("#f-bio"); got != bio+bioMore {
		t.Errorf("bio after submitting: got %q, want %q", got, bio+bioMore)
	}
	lena.assertNoConsoleErrors()

	// 3. Jonas requests changes: first without a reason, then with one.
	jonas.signIn(jonasName)
	follow(jonas, "click Review in the nav", chromedp.CSS(navReview))
	jonas.assertLocation("/curate")
	if got := jonas.text(`main [data-shortcuts-hint]`); !strings.Contains(got, "j next") {
		t.Errorf("queue shortcuts hint: got %q, want the keys explained", got)
	}
	rowHeadline := eval[string](jonas, `(() => {
		const a = Array.from(document.querySelectorAll('.queue-table a[data-queue-link]')).find(a => a.textContent.trim() === `+js(lenaName)+`);
		return a ? a.closest('tr').querySelector('td').textContent.trim() : '';
	})()`)
	if rowHeadline != headline {
		t.Errorf("Lena's row in the queue: got headline %q, want %q", rowHeadline, headline)
	}
	follow(jonas, "open Lena's application", queueLink(lenaName))
	reviewPath := jonas.location()
	if !strings.HasPrefix(reviewPath, "/curate/") {
		t.Fatalf("after opening Lena's application: got %q, want /curate/<id>", reviewPath)
	}
	if got := jonas.text("main h1"); got != lenaName {
		t.Errorf("review page heading: got %q, want %q", got, lenaName)
	}
	jonas.assertPageShows(headline, bio+bioMore, "Under review")
	if got := jonas.text(`main .review-nav [data-shortcuts-hint]`); !strings.Contains(got, "a approve, c request changes") {
		t.Errorf("review shortcuts hint: got %q, want the keys explained", got)
	}
	jonas.do("choose Request changes", chromedp.Click(chromedp.CSS(`label[for="decision-request-changes"]`)))
	followStatus(jonas, "record the decision without a reason", chromedp.CSS(reviewDecide), 422)
	jonas.assertLocation(reviewPath + "/decision")
	expect422(jonas, reviewPath+"/decision")
	if got := jonas.text(reviewMessage); got != "The decision was not recorded. Please check the form." {
		t.Errorf("decision message: got %q", got)
	}
	if got := jonas.text("#err-reason"); !strings.Contains(got, "Say why, in at least 5 characters") {
		t.Errorf("error next to the reason: got %q, want one asking for a reason", got)
	}
	if got := jonas.checked("decision"); !slices.Equal(got, []string{"request_changes"}) {
		t.Errorf("decision after the error: got %q, want [request_changes] kept", got)
	}
	// c (the documented shortcut) chooses "request changes" again and moves
	// to the reason on releasing the key, without typing the letter there.
	jonas.press("c")
	jonas.waitFor("c to move the focus to the reason", `document.activeElement?.id === 'f-reason'`)
	if got := jonas.value("#f-reason"); got != "" {
		t.Errorf("reason after pressing c: got %q, want it empty", got)
	}
	jonas.do("type the reason", chromedp.SendKeys(chromedp.CSS("#f-reason"), reason))
	follow(jonas, "record the decision with a reason", chromedp.CSS(reviewDecide))
	// On to the next application waiting (the demo has some), or the queue.
	if loc := jonas.location(); !strings.HasPrefix(loc, "/curate") || !strings.Contains(loc, "?done=request_changes&id=") {
		t.Errorf("after requesting changes: got %q, want the next application or the queue, with a confirmation", loc)
	}
	if got := jonas.text(flash); got != "Changes requested: "+lenaName {
		t.Errorf("confirmation: got %q, want %q", got, "Changes requested: "+lenaName)
	}
	if n := eval[int](jonas, `Array.from(document.querySelectorAll('.queue-table a[data-queue-link]')).filter(a => a.textContent.trim() === `+js(lenaName)+`).length`); n != 0 {
		t.Errorf("queue of applications under review after requesting changes: got Lena %d times, want her gone", n)
	}
	jonas.assertNoConsoleErrors()

	// 4. Lena reads the reason, revises her bio and submits again.
	follow(lena, "click My application in the nav", chromedp.CSS(navApply))
	lena.assertLocation("/apply")
	if got := lena.text(applyStatus); got != "Changes requested" {
		t.Errorf("status after the curator's request: got %q, want %q", got, "Changes requested")
	}
	if got := lena.text(applyReason); got != reason {
		t.Errorf("curator's reason on /apply: got %q, want %q", got, reason)
	}
	lena.appendTo("#f-bio", bioFix)
	lena.waitFor("the bio counter to follow", `document.querySelector('#count-bio').textContent.startsWith(`+js(fmt.Sprint(len([]rune(bio+bioMore+bioFix))))+` + ' of')`)
	lena.waitHTMXSettled()
	follow(lena, "click Submit for review again", chromedp.CSS(applySubmit))
	lena.assertLocation("/apply?done=submitted")
	if got := lena.text(applyStatus); got != "Under review" {
		t.Errorf("status after submitting again: got %q, want %q", got, "Under review")
	}
	if got := lena.textOrEmpty(applyReason); got != "" {
		t.Errorf("reason after submitting again: got %q, want none shown", got)
	}
	lena.assertNoConsoleErrors()

	// 5. Jonas approves with the keyboard shortcut a.
	follow(jonas, "click Review in the nav", chromedp.CSS(navReview))
	follow(jonas, "open Lena's application again", queueLink(lenaName))
	jonas.assertLocation(reviewPath)
	jonas.assertPageShows(bio+bioMore+bioFix, reason)
	jonas.press("a")
	if got := jonas.checked("decision"); !slices.Equal(got, []string{"approve"}) {
		t.Fatalf("decision after pressing a: got %q, want [approve]", got)
	}
	follow(jonas, "record the approval", chromedp.CSS(reviewDecide))
	if loc := jonas.location(); !strings.HasPrefix(loc, "/curate") || !strings.Contains(loc, "?done=approve&id=") {
		t.Errorf("after approving: got %q, want the next application or the queue, with a confirmation", loc)
	}
	if got := jonas.text(flash); got != "Approved: "+lenaName {
		t.Errorf("confirmation: got %q, want %q", got, "Approved: "+lenaName)
	}
	jonas.assertNoConsoleErrors()

	// 6. A visitor finds Lena in the directory by her surname; her profile
	// shows her headline and never her e-mail address.
	visitor.navigate("/mentors")
	if n := eval[int](visitor, `document.querySelectorAll('.site-nav .nav-user').length`); n != 0 {
		t.Fatalf("visitor's nav: got %d user links, want a visitor", n)
	}
	visitor.typeInto(searchBox, "Hoffmann")
	visitor.waitHTMXSettled()
	visitor.waitFor("the search to update the address and the results",
		`location.search === '?q=Hoffmann' && document.querySelector('#directory-results .active-filters') !== null`)
	visitor.waitFor("Lena's card", `Array.from(document.querySelectorAll('#directory-results .mentor-card .mentor-name a')).some(a => a.textContent.trim() === `+js(lenaName)+`)`)
	if got := visitor.text("#directory-results .results-title"); !strings.HasPrefix(got, "1 mentor found") {
		t.Errorf("results title: got %q, want 1 mentor found", got)
	}
	if got := eval[string](visitor, `document.querySelector('#directory-results .mentor-card .mentor-headline').textContent.trim()`); got != headline {
		t.Errorf("headline on Lena's card: got %q, want %q", got, headline)
	}
	// Keyboard: ArrowDown from the search box reaches the first result, ArrowUp returns.
	visitor.do("focus the search box", chromedp.Focus(searchBox))
	visitor.press(kb.ArrowDown)
	visitor.waitFor("ArrowDown to focus the first result", `document.activeElement === document.querySelector('#directory-results .mentor-name a')`)
	visitor.press(kb.ArrowUp)
	visitor.waitFor("ArrowUp to return to the search box", `document.activeElement === document.getElementById('q')`)
	follow(visitor, "open Lena's card", mentorCardLink(lenaName))
	profilePath := visitor.location()
	if !strings.HasPrefix(profilePath, "/mentors/") {
		t.Fatalf("after opening Lena's card: got %q, want /mentors/<id>", profilePath)
	}
	if got := visitor.text("main h1"); got != lenaName {
		t.Errorf("profile heading: got %q, want %q", got, lenaName)
	}
	if got := visitor.text("main .profile .lead"); got != headline {
		t.Errorf("profile headline: got %q, want %q", got, headline)
	}
	visitor.assertPageShows(bio+bioMore+bioFix, "Nordlicht Digital GmbH", "Germany", "German, English")
	// The publication time is shown in the reader's time zone, UTC as its tooltip.
	if got := eval[[]string](visitor, `(() => { const e = document.querySelector('main time[datetime]'); return e ? [e.textContent.trim(), e.title] : [] })()`); len(got) != 2 ||
		strings.HasSuffix(got[0], "UTC") || !strings.HasSuffix(got[1], "UTC") {
		t.Errorf("published time: got %q, want it in local time with the UTC time as its title", got)
	}
	for _, where := range []struct{ what, expr string }{
		{"the profile page's DOM", `document.documentElement.outerHTML`},
		{"the profile page as served", `(async () => (await fetch(location.href)).text())()`},
	} {
		if html := eval[string](visitor, where.expr); strings.Contains(html, "lena.hoffmann@") {
			t.Errorf("%s: got Lena's e-mail address in it, want none", where.what)
		}
	}
	visitor.assertNoConsoleErrors()

	// Lena's application now links to her public profile.
	lena.navigate("/apply")
	if got := lena.text(applyStatus); got != "Published" {
		t.Errorf("status after approval: got %q, want %q", got, "Published")
	}
	if got := eval[string](lena, `document.querySelector('main .status-panel a')?.getAttribute('href') ?? ''`); got != profilePath {
		t.Errorf("link to the public profile: got %q, want %q", got, profilePath)
	}
	lena.assertNoConsoleErrors()
}
