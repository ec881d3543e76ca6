package frontend

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api"
)

var testProviders = []Provider{
	{ID: "acme", Name: "Acme AG"},
	{ID: "google", Name: "Google"},
}

func testPrincipal() *otm.Principal {
	return &otm.Principal{
		UserID:       "u1",
		SessionID:    "s1",
		Email:        "lea@acme.example",
		Name:         "Lea Brandt",
		Organization: "org-acme",
		OrgName:      "Acme AG",
		OrgVerified:  true,
		Roles:        []string{otm.RoleMentor, otm.RoleCurator},
		CSRFToken:    "csrf-123",
		ProviderID:   "acme",
	}
}

// mustFrontend returns a Frontend with cfg, failing the test on error.
func mustFrontend(tb testing.TB, cfg Config) *Frontend {
	tb.Helper()
	if cfg.Providers == nil {
		cfg.Providers = func() []Provider { return testProviders }
	}
	f, err := New(cfg)
	if err != nil {
		tb.Fatalf("New: got error %v, want nil", err)
	}
	return f
}

// newTestApp returns an app with the frontend registered behind the
// server's own error handler and CSRF check, and p as the signed-in principal
// (nil: visitor; sessions and sign-in are the API and browser tests' part).
func newTestApp(tb testing.TB, f *Frontend, p *otm.Principal) *fiber.App {
	tb.Helper()
	app := fiber.New(fiber.Config{ErrorHandler: api.ErrorHandler(f, f.log)})
	app.Use(func(c *fiber.Ctx) error {
		if p != nil {
			c.SetUserContext(otm.NewContextWithPrincipal(c.UserContext(), p))
		}
		return c.Next()
	})
	app.Use(api.CSRF(testBaseURL))
	f.Register(app)
	return app
}

// testBaseURL is the origin the page tests' requests come from.
const testBaseURL = "http://127.0.0.1:8080"

type response struct {
	status int
	header http.Header
	body   string
}

// do sends a GET for target with the given headers and returns the response.
func do(tb testing.TB, app *fiber.App, target string, header map[string]string) response {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		tb.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("GET %s: read body: %v", target, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func langHeader(lang string) map[string]string {
	return map[string]string{"Cookie": langCookie + "=" + lang}
}

func TestNew(t *testing.T) {
	f, err := New(Config{})
	if err != nil {
		t.Fatalf("New: got error %v, want nil", err)
	}
	for _, lang := range languages {
		for _, name := range pageNames {
			if f.pages[lang][name] == nil {
				t.Errorf("page %s/%s: got nil template, want parsed", lang, name)
			}
		}
	}
}

func TestPages(t *testing.T) {
	f := mustFrontend(t, Config{})
	tests := []struct {
		name      string
		path      string
		signedIn  bool
		lang      string
		want      []string
		wantNot   []string
		wantTitle string
	}{
		{name: "landing visitor en", path: "/", lang: "en",
			want:    []string{"Young professionals mentor executives.", "How it works", "Who it&#39;s for", `href="/signin?return_to=%2F"`, "Browse mentors", "Contact details are never public. You can export or delete your data at any time.", `aria-current="page"`},
			wantNot: []string{"/auth/logout", "csrf-123"}},
		{name: "landing visitor de", path: "/", lang: "de",
			want: []string{"Anmelden", "So funktioniert’s", "Führungskräfte", "Kontaktdaten sind nie öffentlich. Sie können Ihre Daten jederzeit exportieren oder löschen."}},
		{name: "landing signed in en", path: "/", signedIn: true, lang: "en",
			want:    []string{"Lea Brandt", `href="/account"`, `action="/auth/logout"`, `name="csrf_token" value="csrf-123"`, "Sign out", "Go to my account"},
			wantNot: []string{">Sign in<"}},
		{name: "landing signed in de", path: "/", signedIn: true, lang: "de",
			want: []string{"Abmelden", "Zu meinem Konto", "Lea Brandt"}},
		{name: "signin visitor en", path: "/signin", lang: "en",
			want: []string{"Sign in to OpenToMentor", "Continue with Acme AG", `href="/auth/acme/login"`, `href="/auth/google/login"`}},
		{name: "signin visitor de", path: "/signin", lang: "de",
			want: []string{"Bei OpenToMentor anmelden", "Weiter mit Acme AG", "Anmelden"}},
		{name: "signin signed in en", path: "/signin", signedIn: true, lang: "en",
			want: []string{"You are signed in as Lea Brandt."}},
		{name: "signin signed in de", path: "/signin", signedIn: true, lang: "de",
			want: []string{"Sie sind als Lea Brandt angemeldet."}},
		{name: "account en", path: "/account", signedIn: true, lang: "en",
			want: []string{"My account", "Lea Brandt", "lea@acme.example", "Acme AG", "verified", "Mentor", "Curator", "Signed in with",
				`name="everywhere" value="1"`, "Sign out on all devices", `href="/account" aria-current="page"`},
			wantNot: []string{"self-declared"}},
		{name: "account de", path: "/account", signedIn: true, lang: "de",
			want: []string{"Mein Konto", "bestätigt", "Kurator:in", "Auf allen Geräten abmelden"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p *otm.Principal
			if tt.signedIn {
				p = testPrincipal()
			}
			resp := do(t, newTestApp(t, f, p), tt.path, langHeader(tt.lang))
			if resp.status != http.StatusOK {
				t.Fatalf("GET %s: got status %d, want 200", tt.path, resp.status)
			}
			if got, want := resp.header.Get("Content-Type"), "text/html; charset=utf-8"; got != want {
				t.Errorf("Content-Type: got %q, want %q", got, want)
			}
			if want := `<html lang="` + tt.lang + `">`; !strings.Contains(resp.body, want) {
				t.Errorf("body: got no %q", want)
			}
			for _, w := range tt.want {
				if !strings.Contains(resp.body, w) {
					t.Errorf("body: got no %q", w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(resp.body, w) {
					t.Errorf("body: got %q, want it absent", w)
				}
			}
			assertNoInlineCode(t, resp.body)
		})
	}
}

// assertNoInlineCode fails when html has inline scripts, event handlers or styles,
// which the Content-Security-Policy forbids.
func assertNoInlineCode(tb testing.TB, html string) {
	tb.Helper()
	for _, tag := range regexp.MustCompile(`(?i)<script[^>]*>`).FindAllString(html, -1) {
		if !strings.Contains(tag, " src=") {
			tb.Errorf("html: got inline script %q", tag)
		}
	}
	checks := []struct {
		name string
		re   *regexp.Regexp
	}{
		{"event handler attribute", regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)},
		{"style attribute", regexp.MustCompile(`(?i)<[^>]*\sstyle\s*=`)},
		{"style element", regexp.MustCompile(`(?i)<style[\s>]`)},
		{"javascript URL", regexp.MustCompile(`(?i)javascript:`)},
	}
	for _, c := range checks {
		if m := c.re.FindString(html); m != "" {
			tb.Errorf("html: got %s %q", c.name, m)
		}
	}
}

func TestLayout(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		p       *otm.Principal
		path    string
		lang    string
		want    []string
		wantNot []string
	}{
		{name: "dev banner en", cfg: Config{DevMode: true}, path: "/", lang: "en",
			want: []string{"Development sign-in is on: anyone can sign in as anyone."}},
		{name: "dev banner de", cfg: Config{DevMode: true}, path: "/signin", lang: "de",
			want: []string{"Die Entwicklungsanmeldung ist aktiv: Jede Person kann sich als beliebige andere Person anmelden."}},
		{name: "no dev banner", cfg: Config{}, path: "/", lang: "en",
			wantNot: []string{"dev-banner", "Development sign-in"}},
		{name: "landmarks and skip link", path: "/", lang: "en",
			want: []string{`<a class="skip-link" href="#main">Skip to content</a>`, "<header", "<nav", `<main id="main"`, "<footer"}},
		{name: "assets versioned, htmx deferred", path: "/", lang: "en",
			want: []string{`href="/static/app.css?v=`, `<script src="/static/htmx.min.js?v=`, `" defer></script>`}},
		{name: "language switcher", path: "/mentors-not-here", lang: "de",
			want: []string{`href="/lang/en?return_to=%2Fmentors-not-here"`, `href="/lang/de?return_to=%2Fmentors-not-here"`, `hreflang="de" aria-current="true"`}},
		{name: "sign-in link returns here", path: "/signin?return_to=%2Faccount", lang: "en",
			want: []string{`href="/signin?return_to=%2Faccount" aria-current="page"`}},
		{name: "name is escaped", p: &otm.Principal{Name: `<script>x</script>`, CSRFToken: `"><b>`}, path: "/", lang: "en",
			want: []string{"&lt;script&gt;x&lt;/script&gt;", `value="&#34;&gt;&lt;b&gt;"`}, wantNot: []string{"<script>x"}},
		{name: "email when no name", p: &otm.Principal{Email: "kw@example.org"}, path: "/", lang: "en",
			want: []string{"kw@example.org"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustFrontend(t, tt.cfg)
			resp := do(t, newTestApp(t, f, tt.p), tt.path, langHeader(tt.lang))
			for _, w := range tt.want {
				if !strings.Contains(resp.body, w) {
					t.Errorf("body: got no %q", w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(resp.body, w) {
					t.Errorf("body: got %q, want it absent", w)
				}
			}
		})
	}
}

func TestAccountOrganization(t *testing.T) {
	f := mustFrontend(t, Config{})
	tests := []struct {
		name    string
		p       *otm.Principal
		want    []string
		wantNot []string
	}{
		{name: "self-declared", p: &otm.Principal{Name: "A", OrgName: "Foo GmbH", CSRFToken: "x"},
			want: []string{"Foo GmbH", "self-declared"}, wantNot: []string{"badge-verified"}},
		{name: "none", p: &otm.Principal{Name: "A", CSRFToken: "x"},
			want: []string{"No organization", "No role yet"}, wantNot: []string{"badge-"}},
		{name: "unknown role shown as is", p: &otm.Principal{Name: "A", Roles: []string{"observer"}},
			want: []string{">observer<"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, newTestApp(t, f, tt.p), "/account", langHeader("en"))
			if resp.status != http.StatusOK {
				t.Fatalf("got status %d, want 200", resp.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(resp.body, w) {
					t.Errorf("body: got no %q", w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(resp.body, w) {
					t.Errorf("body: got %q, want it absent", w)
				}
			}
		})
	}
}

func TestAccountRedirectsVisitor(t *testing.T) {
	f := mustFrontend(t, Config{})
	resp := do(t, newTestApp(t, f, nil), "/account", nil)
	if got, want := resp.status, http.StatusSeeOther; got != want {
		t.Fatalf("status: got %d, want %d", got, want)
	}
	if got, want := resp.header.Get("Location"), "/signin?return_to=%2Faccount"; got != want {
		t.Errorf("Location: got %q, want %q", got, want)
	}
}

func TestSignInReturnTo(t *testing.T) {
	f := mustFrontend(t, Config{Providers: func() []Provider {
		return []Provider{{ID: "acme", Name: "Acme AG"}, {ID: "a b/c", Name: "Odd"}}
	}})
	app := newTestApp(t, f, nil)
	tests := []struct {
		name     string
		returnTo string
		want     []string // provider links, as HTML-escaped in href
	}{
		{name: "none", returnTo: "", want: []string{`href="/auth/acme/login"`, `href="/auth/a%20b%2Fc/login"`}},
		{name: "safe path", returnTo: "/mentors?q=x&topic=ai",
			want: []string{`href="/auth/acme/login?return_to=%2Fmentors%3Fq%3Dx%26topic%3Dai"`, `href="/auth/a%20b%2Fc/login?return_to=%2Fmentors%3Fq%3Dx%26topic%3Dai"`}},
		{name: "root", returnTo: "/", want: []string{`href="/auth/acme/login?return_to=%2F"`}},
		{name: "protocol-relative", returnTo: "//evil.example", want: []string{`href="/auth/acme/login"`}},
		{name: "absolute", returnTo: "https://evil.example", want: []string{`href="/auth/acme/login"`}},
		{name: "backslash", returnTo: `/\evil`, want: []string{`href="/auth/acme/login"`}},
		{name: "javascript", returnTo: "javascript:alert(1)", want: []string{`href="/auth/acme/login"`}},
		{name: "tab trick", returnTo: "/\t/evil.example", want: []string{`href="/auth/acme/login"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/signin"
			if tt.returnTo != "" {
				target += "?return_to=" + url.QueryEscape(tt.returnTo)
			}
			resp := do(t, app, target, langHeader("en"))
			if resp.status != http.StatusOK {
				t.Fatalf("got status %d, want 200", resp.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(resp.body, w) {
					t.Errorf("body: got no %q; links: %q", w, providerHrefs(resp.body))
				}
			}
			if strings.Contains(resp.body, "evil") {
				t.Errorf("body: got %q, want unsafe return_to dropped", "evil")
			}
		})
	}
}

func providerHrefs(body string) []string {
	return regexp.MustCompile(`href="/auth/[^"]*"`).FindAllString(body, -1)
}

func TestSignInNoProviders(t *testing.T) {
	f, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	resp := do(t, newTestApp(t, f, nil), "/signin", langHeader("en"))
	if got, want := resp.status, http.StatusOK; got != want {
		t.Fatalf("status: got %d, want %d", got, want)
	}
	if want := "No sign-in method is configured yet."; !strings.Contains(resp.body, want) {
		t.Errorf("body: got no %q", want)
	}
}

func TestSafeReturnTo(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"/", "/"},
		{"/account", "/account"},
		{"/mentors?q=a%20b#top", "/mentors?q=a%20b#top"},
		{"//evil.example", ""},
		{"///evil.example", ""},
		{"https://evil.example", ""},
		{"http:/evil", ""},
		{`/\evil`, ""},
		{`/a\b`, ""},
		{"javascript:alert(1)", ""},
		{"evil.example", ""},
		{"/\t/evil", ""},
		{"/\n/evil", ""},
		{"/%zz", ""},
		{"/" + strings.Repeat("a", 3000), ""},
	}
	for _, tt := range tests {
		if got := safeReturnTo(tt.in); got != tt.want {
			t.Errorf("safeReturnTo(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSetLang(t *testing.T) {
	f := mustFrontend(t, Config{})
	app := newTestApp(t, f, nil)
	tests := []struct {
		name         string
		target       string
		wantStatus   int
		wantLocation string
		wantCookie   string // value; "" means no cookie
	}{
		{name: "de with return_to", target: "/lang/de?return_to=" + url.QueryEscape("/account?x=1"), wantStatus: 303, wantLocation: "/account?x=1", wantCookie: "de"},
		{name: "en without return_to", target: "/lang/en", wantStatus: 303, wantLocation: "/", wantCookie: "en"},
		{name: "upper case", target: "/lang/DE", wantStatus: 303, wantLocation: "/", wantCookie: "de"},
		{name: "unsafe return_to", target: "/lang/de?return_to=" + url.QueryEscape("//evil.example"), wantStatus: 303, wantLocation: "/", wantCookie: "de"},
		{name: "absolute return_to", target: "/lang/de?return_to=" + url.QueryEscape("https://evil.example/"), wantStatus: 303, wantLocation: "/", wantCookie: "de"},
		{name: "backslash return_to", target: "/lang/en?return_to=" + url.QueryEscape(`/\evil.example`), wantStatus: 303, wantLocation: "/", wantCookie: "en"},
		{name: "unknown language", target: "/lang/fr", wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status: got %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := resp.Header.Get("Location"); got != tt.wantLocation {
				t.Errorf("Location: got %q, want %q", got, tt.wantLocation)
			}
			var cookie *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == langCookie {
					cookie = c
				}
			}
			if tt.wantCookie == "" {
				if cookie != nil {
					t.Errorf("cookie: got %v, want none", cookie)
				}
				body, _ := io.ReadAll(resp.Body)
				if !strings.Contains(string(body), "This language is not available.") {
					t.Errorf("body: got no error message")
				}
				return
			}
			if cookie == nil {
				t.Fatalf("cookie %s: got none, want %q", langCookie, tt.wantCookie)
			}
			if cookie.Value != tt.wantCookie {
				t.Errorf("cookie value: got %q, want %q", cookie.Value, tt.wantCookie)
			}
			if got, want := cookie.MaxAge, 365*24*3600; got != want {
				t.Errorf("cookie Max-Age: got %d, want %d", got, want)
			}
			if !cookie.HttpOnly {
				t.Errorf("cookie HttpOnly: got false, want true")
			}
			if got, want := cookie.SameSite, http.SameSiteLaxMode; got != want {
				t.Errorf("cookie SameSite: got %v, want %v", got, want)
			}
			if got, want := cookie.Path, "/"; got != want {
				t.Errorf("cookie Path: got %q, want %q", got, want)
			}
		})
	}
}

func TestLang(t *testing.T) {
	f := mustFrontend(t, Config{})
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString(f.Lang(c)) })
	tests := []struct {
		name           string
		cookie, accept string
		want           string
	}{
		{name: "default", want: "en"},
		{name: "german browser", accept: "de-DE,de;q=0.9", want: "de"},
		{name: "german first, english second", accept: "de,en;q=0.8", want: "de"},
		{name: "english preferred", accept: "en-US,en;q=0.9,de;q=0.8", want: "en"},
		{name: "q decides over order", accept: "en;q=0.5,de-AT;q=0.9", want: "de"},
		{name: "unsupported then german", accept: "fr-FR,fr;q=0.9,de;q=0.5", want: "de"},
		{name: "unsupported only", accept: "fr-FR,fr;q=0.9", want: "en"},
		{name: "german refused", accept: "de;q=0", want: "en"},
		{name: "wildcard", accept: "*", want: "en"},
		{name: "malformed", accept: ";;,q=,de;q=abc", want: "en"},
		{name: "cookie wins", cookie: "en", accept: "de-DE,de;q=0.9", want: "en"},
		{name: "cookie de", cookie: "de", want: "de"},
		{name: "invalid cookie ignored", cookie: "xx", accept: "de", want: "de"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{}
			if tt.cookie != "" {
				h["Cookie"] = langCookie + "=" + tt.cookie
			}
			if tt.accept != "" {
				h["Accept-Language"] = tt.accept
			}
			if got := do(t, app, "/", h).body; got != tt.want {
				t.Errorf("Lang: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAcceptLanguagePicksGermanPage(t *testing.T) {
	f := mustFrontend(t, Config{})
	resp := do(t, newTestApp(t, f, nil), "/", map[string]string{"Accept-Language": "de-DE,de;q=0.9"})
	if !strings.Contains(resp.body, `<html lang="de">`) {
		t.Errorf("body: got no %q", `<html lang="de">`)
	}
	if got, want := resp.header.Get("Content-Language"), "de"; got != want {
		t.Errorf("Content-Language: got %q, want %q", got, want)
	}
}

func TestRenderError(t *testing.T) {
	f := mustFrontend(t, Config{})
	tests := []struct {
		name    string
		status  int
		err     error
		lang    string
		want    []string
		wantNot []string
	}{
		{name: "404 en", status: 404, err: fiber.NewError(404, "Cannot GET /nope"), lang: "en",
			want: []string{"Error 404", "Page not found", `href="/"`, "Back to the home page"}, wantNot: []string{"Cannot GET"}},
		{name: "404 de", status: 404, err: fiber.ErrNotFound, lang: "de",
			want: []string{"Fehler 404", "Seite nicht gefunden", "Zur Startseite"}, wantNot: []string{"Not Found"}},
		{name: "400 translates the rule", status: 400, err: otm.Invalid("The profile is missing a headline.",
			otm.Field("headline", otm.RuleMinLength, otm.Args{"min": 10}, "must be at least 10 characters")), lang: "de",
			want: []string{"Schreiben Sie mindestens 10 Zeichen."}, wantNot: []string{"missing a headline", "must be at least"}},
		{name: "409 translates a refusal", status: 409, err: otm.Refuse(otm.ECONFLICT, otm.RuleWrongPhase,
			otm.Args{"program": "Spring", "phase": "matching", "allowed": []string{"registration"}}, "The program is in its matching phase"), lang: "en",
			want: []string{"Spring is in its phase “Matching”; this is possible in the phase “Registration open”."}, wantNot: []string{"matching phase"}},
		{name: "500 hides message", status: 500, err: errors.New("db: connection refused"), lang: "en",
			want: []string{"Something went wrong"}, wantNot: []string{"connection refused"}},
		{name: "401 offers sign-in", status: 401, err: otm.Errorf(otm.EUNAUTHORIZED, "Sign in first."), lang: "de",
			want: []string{"Bitte melden Sie sich an", `href="/signin?return_to=%2Fboom"`}, wantNot: []string{"Sign in first"}},
		{name: "odd status", status: 418, err: fiber.NewError(418, "I'm a teapot"), lang: "en", want: []string{"Error 418", "Request failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newTestApp(t, f, nil)
			app.Get("/boom", func(c *fiber.Ctx) error { return f.RenderFailure(c, tt.status, tt.err) })
			resp := do(t, app, "/boom", langHeader(tt.lang))
			if resp.status != tt.status {
				t.Errorf("status: got %d, want %d", resp.status, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(resp.body, w) {
					t.Errorf("body: got no %q", w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(resp.body, w) {
					t.Errorf("body: got %q, want it absent", w)
				}
			}
			assertNoInlineCode(t, resp.body)
		})
	}
}

func TestUnknownRouteUsesErrorPage(t *testing.T) {
	f := mustFrontend(t, Config{})
	resp := do(t, newTestApp(t, f, nil), "/no-such-page", langHeader("de"))
	if got, want := resp.status, http.StatusNotFound; got != want {
		t.Fatalf("status: got %d, want %d", got, want)
	}
	if want := "Seite nicht gefunden"; !strings.Contains(resp.body, want) {
		t.Errorf("body: got no %q", want)
	}
}

func TestCatalogs(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatalf("loadCatalogs: got error %v, want nil", err)
	}
	for _, a := range languages {
		for _, b := range languages {
			for key := range cats[a] {
				if _, ok := cats[b][key]; !ok {
					t.Errorf("key %q: in %s, missing in %s", key, a, b)
				}
			}
		}
	}
	// Arguments must match across languages.
	verb := regexp.MustCompile(`%[a-z]`)
	for key, en := range cats["en"] {
		for _, lang := range languages[1:] {
			if got, want := verb.FindAllString(cats[lang][key], -1), verb.FindAllString(en, -1); strings.Join(got, "") != strings.Join(want, "") {
				t.Errorf("key %q in %s: got verbs %v, want %v as in en", key, lang, got, want)
			}
		}
	}
	// German is written with real umlauts, not transliterated.
	var de strings.Builder
	for _, v := range cats["de"] {
		de.WriteString(v)
		de.WriteString("\n")
	}
	for _, r := range []string{"ä", "ö", "ü", "ß"} {
		if !strings.Contains(de.String(), r) {
			t.Errorf("de catalog: got no %q", r)
		}
	}
	for _, translit := range []string{"Fuehrung", "fuer ", "koennen", "moechten", "Groesse"} {
		if strings.Contains(de.String(), translit) {
			t.Errorf("de catalog: got transliteration %q", translit)
		}
	}
}

func TestCatalogsDiffer(t *testing.T) {
	err := compareCatalogs(map[string]catalog{"en": {"a": "A", "b": "B"}, "de": {"a": "A", "c": "C"}})
	if err == nil {
		t.Fatal("compareCatalogs: got nil, want error")
	}
	for _, want := range []string{"b (in en, not in de)", "c (in de, not in en)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error: got %q, want it to name %q", err, want)
		}
	}
}

func TestTemplateKeysExist(t *testing.T) {
	f := mustFrontend(t, Config{})
	keys := map[string]bool{}
	for _, name := range pageNames {
		used := templateKeys(f.pages["en"][name])
		if len(used) == 0 {
			t.Errorf("template %s: got no t keys, want some", name)
		}
		for _, k := range used {
			keys[k] = true
		}
	}
	// Keys the Go code builds.
	for _, k := range statusKeys {
		keys[k+".title"], keys[k+".text"] = true, true
	}
	for _, k := range []string{"error.client", "error.server"} {
		keys[k+".title"], keys[k+".text"] = true, true
	}
	for _, role := range []string{otm.RoleMentor, otm.RoleMentee, otm.RoleCurator, otm.RoleAdmin} {
		keys["role."+role] = true
	}
	keys["error.unknownLanguage"], keys["lang.name"] = true, true
	for k := range keys {
		for _, lang := range languages {
			if _, ok := f.catalogs[lang][k]; !ok {
				t.Errorf("key %q: missing in %s catalog", k, lang)
			}
		}
	}
	// The regexp view of the sources agrees with the parse-tree walk.
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\{\{-?\s*t\s+"([^"]+)"`)
	for _, e := range entries {
		b, err := templateFS.ReadFile("templates/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !keys[m[1]] {
				t.Errorf("%s: key %q not found by templateKeys", e.Name(), m[1])
			}
		}
	}
}

func TestStatic(t *testing.T) {
	f := mustFrontend(t, Config{})
	app := newTestApp(t, f, nil)
	cssURL, err := f.assetURL("app.css")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, target  string
		header        map[string]string
		wantStatus    int
		wantType      string
		wantCache     string
		wantBodyStart string
	}{
		{name: "css versioned", target: cssURL, wantStatus: 200, wantType: "text/css; charset=utf-8", wantCache: cacheImmutable, wantBodyStart: "/*"},
		{name: "css unversioned", target: "/static/app.css", wantStatus: 200, wantType: "text/css; charset=utf-8", wantCache: cacheShort},
		{name: "htmx", target: "/static/htmx.min.js", wantStatus: 200, wantType: "text/javascript; charset=utf-8", wantBodyStart: "/*! htmx 2."},
		{name: "favicon", target: "/static/favicon.svg", wantStatus: 200, wantType: "image/svg+xml"},
		{name: "license", target: "/static/htmx.LICENSE.txt", wantStatus: 200, wantType: "text/plain; charset=utf-8"},
		{name: "missing", target: "/static/nope.css", wantStatus: 404},
		{name: "traversal", target: "/static/../frontend.go", wantStatus: 404},
		{name: "etag", target: "/static/app.css", header: map[string]string{"If-None-Match": `"` + f.assets["app.css"].hash + `"`}, wantStatus: 304},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, app, tt.target, tt.header)
			if resp.status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d", resp.status, tt.wantStatus)
			}
			if tt.wantType != "" {
				if got := resp.header.Get("Content-Type"); got != tt.wantType {
					t.Errorf("Content-Type: got %q, want %q", got, tt.wantType)
				}
			}
			if tt.wantCache != "" {
				if got := resp.header.Get("Cache-Control"); got != tt.wantCache {
					t.Errorf("Cache-Control: got %q, want %q", got, tt.wantCache)
				}
			}
			if !strings.HasPrefix(resp.body, tt.wantBodyStart) {
				t.Errorf("body: got %.40q…, want prefix %q", resp.body, tt.wantBodyStart)
			}
		})
	}
}

func TestStaticAssetsHaveNoExternalReferences(t *testing.T) {
	f := mustFrontend(t, Config{})
	css := string(f.assets["app.css"].body)
	for _, bad := range []string{"@import", "http://", "https://", "url("} {
		if strings.Contains(css, bad) {
			t.Errorf("app.css: got %q, want no external references", bad)
		}
	}
}
