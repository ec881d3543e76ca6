package main

import (
	"context"
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
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds everything a browser test does once the platform runs.
const browserTimeout = 60 * time.Second

// chromiumPath returns the Chromium to drive, or skips the test: in -short
// mode, and when no Chromium is installed unless OTM_REQUIRE_BROWSER=1 asks
// for the browser tests to fail instead.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
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
	root, cancelRoot := context.WithTimeout(context.Background(), browserTimeout)
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
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(b.t.Name(), "_")
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

// text returns the visible text of the first element that sel selects.
func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
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
		b.assertLocation("/")
		if got := b.text(navUserName); got != "Lena Hoffmann" {
			t.Errorf("nav user: got %q, want %q", got, "Lena Hoffmann")
		}

		b.navigate("/account")
		b.assertLocation("/account")
		b.assertPageShows("Lena Hoffmann", "lena.hoffmann@nordlicht-digital.example", "Nordlicht Digital GmbH")
		roles := eval[[]string](b, `Array.from(document.querySelectorAll('main .chips .chip'), e => e.textContent.trim())`)
		if !slices.Equal(roles, []string{"Mentor"}) {
			t.Errorf("roles on /account: got %q, want [Mentor]", roles)
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
