package frontend

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/platform"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/bleve"
)

// Signed-in people of the page tests.
var (
	lena = &otm.Principal{UserID: "u_lena", SessionID: "s_lena", Email: "lena@acme.example", EmailTrusted: true, Name: "Lena Hoffmann",
		Organization: "org-acme", OrgName: "Acme AG", OrgVerified: true, Roles: []string{otm.RoleMentor}, CSRFToken: "csrf-lena"}
	cora = &otm.Principal{UserID: "u_cora", SessionID: "s_cora", Email: "cora@program.example", EmailTrusted: true, Name: "Cora Kurz",
		Roles: []string{otm.RoleCurator, otm.RoleMentor}, CSRFToken: "csrf-cora"}
	katrin = &otm.Principal{UserID: "u_katrin", SessionID: "s_katrin", Email: "kw@insure.example", EmailTrusted: true, Name: "Katrin Weber",
		Roles: []string{otm.RoleMentee}, CSRFToken: "csrf-katrin"}
)

// pagesEnv is a frontend over real services on a fresh test database and an
// in-memory search index.
type pagesEnv struct {
	*platform.Services
	f     *Frontend
	audit *audit.Log   // = Audit
	idx   search.Index // = Search
}

// tbHandler fails the test on unknown message keys and logs everything else.
type tbHandler struct{ tb testing.TB }

func (h tbHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h tbHandler) Handle(_ context.Context, r slog.Record) error {
	var attrs []string
	r.Attrs(func(a slog.Attr) bool { attrs = append(attrs, a.String()); return true })
	if strings.Contains(r.Message, "unknown message key") {
		h.tb.Errorf("log: %s %v", r.Message, attrs)
	} else if r.Level >= slog.LevelError {
		h.tb.Logf("log: %s %v", r.Message, attrs)
	}
	return nil
}
func (h tbHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h tbHandler) WithGroup(string) slog.Handler      { return h }

func newPagesEnv(tb testing.TB) *pagesEnv {
	tb.Helper()
	idx, err := bleve.OpenMem()
	if err != nil {
		tb.Fatalf("bleve.OpenMem: %v", err)
	}
	tb.Cleanup(func() { _ = idx.Close() })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := platform.New(context.Background(), testenv.DB(tb), platform.Config{
		Identity: identity.Config{BaseURL: "http://127.0.0.1:8080"}, Search: idx, SingleProcess: true, Logger: quiet})
	if err != nil {
		tb.Fatalf("platform.New: %v", err)
	}
	svc.Reports.SetMinGroup(1) // small fixtures; the withheld figures are tested apart
	f := mustFrontend(tb, Config{Services: *svc, Logger: slog.New(tbHandler{tb})})
	return &pagesEnv{Services: svc, f: f, audit: svc.Audit, idx: idx}
}

// app returns the pages as p sees them (nil: a visitor).
func (e *pagesEnv) app(tb testing.TB, p *otm.Principal) *fiber.App {
	tb.Helper()
	return newTestApp(tb, e.f, p)
}

// sync brings the search index up to date.
func (e *pagesEnv) sync(tb testing.TB) {
	tb.Helper()
	if _, err := e.Indexer.SyncOnce(context.Background()); err != nil {
		tb.Fatalf("SyncOnce: %v", err)
	}
}

// send makes a request; a non-nil form is sent URL-encoded.
func send(tb testing.TB, app *fiber.App, method, target string, form url.Values, header map[string]string) response {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", method, target, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// validForm is a complete application.
func validForm(csrf string) url.Values {
	return url.Values{
		"csrf_token":       {csrf},
		"headline":         {"Data analyst who loves AI tools and TikTok"},
		"bio":              {"I analyse logistics data by day and build small AI helpers by night. I would love to show an executive how my generation learns, works and chooses employers."},
		"topics":           {"digital-skills", "ai-data"},
		"skills":           {"Prompting, Notion, Instagram Reels"},
		"languages":        {"de", "en"},
		"languages_other":  {""},
		"country":          {"DE"},
		"hours":            {"4"},
		"interests":        {"Bouldering, Jazz"},
		"vis_interests":    {"public"},
		"vis_availability": {"public"},
		"linkedin":         {"https://www.linkedin.com/in/lena-hoffmann"},
		"vis_linkedin":     {"executives"},
	}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = []string{kv[i+1]}
	}
	return out
}

func assertBody(tb testing.TB, body string, want, wantNot []string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			tb.Errorf("body: got no %q", w)
		}
	}
	for _, w := range wantNot {
		if strings.Contains(body, w) {
			tb.Errorf("body: got %q, want it absent", w)
		}
	}
}

func assertRedirect(tb testing.TB, r response, want string) {
	tb.Helper()
	if r.status != http.StatusSeeOther {
		tb.Fatalf("status: got %d, want 303; body: %.400s", r.status, r.body)
	}
	if got := r.header.Get("Location"); got != want {
		tb.Errorf("Location: got %q, want %q", got, want)
	}
}

// submitApplication makes p's application and submits it.
func (e *pagesEnv) submitApplication(tb testing.TB, p *otm.Principal) {
	tb.Helper()
	r := send(tb, e.app(tb, p), http.MethodPost, "/apply/submit", validForm(p.CSRFToken), nil)
	assertRedirect(tb, r, "/apply?done=submitted")
}

func (e *pagesEnv) decide(tb testing.TB, id, decision, reason string) {
	tb.Helper()
	pr, err := e.Profiles.Application(context.Background(), cora, id)
	if err != nil {
		tb.Fatal(err)
	}
	form := url.Values{"csrf_token": {cora.CSRFToken}, "decision": {decision}, "reason": {reason}, "version": {fmt.Sprint(pr.Version)}}
	r := send(tb, e.app(tb, cora), http.MethodPost, "/curate/"+id+"/decision", form, nil)
	if r.status != http.StatusSeeOther {
		tb.Fatalf("decide %s: got %d, want 303; body: %.600s", decision, r.status, r.body)
	}
}

func TestApplyPage(t *testing.T) {
	e := newPagesEnv(t)
	tests := []struct {
		name    string
		p       *otm.Principal
		lang    string
		want    []string
		wantNot []string
	}{
		{name: "en", p: lena, lang: "en", want: []string{
			"My #OpenToMentor application", "Not started", `action="/apply"`, `formaction="/apply/submit"`,
			`name="csrf_token" value="csrf-lena"`, `<meta name="csrf-token" content="csrf-lena">`,
			`hx-post="/apply/preview"`, `hx-trigger="input delay:400ms"`, `aria-live="polite"`,
			`<label for="topic-digital-skills">Digital skills</label>`, `data-max-checked="5"`,
			`<option value="">Choose a country</option>
            <option value="DE">Germany</option>
            <option value="AT">Austria</option>
            <option value="CH">Switzerland</option>`,
			`<label for="lang-de">German</label>`, `name="languages_other"`, `name="hours" type="number"`,
			`name="paused"`, `name="show_picture"`, `name="vis_linkedin"`, "Contact details are never public",
			`<option value="executives" selected>Signed-in executives and curators</option>`,
			"Save draft", "Submit for review", `href="/apply" aria-current="page"`, "0 of 2000 characters",
			`src="/static/app.js?v=`},
			wantNot: []string{"Withdraw…", `href="/curate"`}},
		{name: "de", p: lena, lang: "de", want: []string{
			"Meine #OpenToMentor-Bewerbung", "Noch nicht begonnen", "Digitale Kompetenzen", "New Work &amp; Führung",
			`<option value="DE">Deutschland</option>`, `<option value="AT">Österreich</option>`, "Entwurf speichern",
			"Zur Prüfung einreichen", "Kontaktdaten sind nie öffentlich", "Wählen Sie bis zu 5.", "Meine Bewerbung",
			`<label for="lang-de">Deutsch</label>`, "Vorschau"}},
		{name: "curator sees review link", p: cora, lang: "en", want: []string{`href="/curate"`, ">Review<"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, e.app(t, tt.p), "/apply", langHeader(tt.lang))
			if r.status != http.StatusOK {
				t.Fatalf("status: got %d, want 200; body: %.500s", r.status, r.body)
			}
			assertBody(t, r.body, tt.want, tt.wantNot)
			assertNoInlineCode(t, r.body)
		})
	}
	t.Run("visitor goes to sign in", func(t *testing.T) {
		r := do(t, e.app(t, nil), "/apply", nil)
		assertRedirect(t, r, "/signin?return_to=%2Fapply")
	})
}

func TestApplySaveInvalid(t *testing.T) {
	e := newPagesEnv(t)
	tests := []struct {
		name    string
		form    url.Values
		lang    string
		want    []string
		wantNot []string
	}{
		{name: "short headline", form: with(validForm(lena.CSRFToken), "headline", "Too short"), lang: "en", want: []string{
			`<p class="field-error" id="err-headline"><span class="visually-hidden">Error: </span>Write at least 10 characters.</p>
          <input id="f-headline" name="headline" type="text" value="Too short"`,
			`aria-invalid="true"`, `<a href="#f-headline">Headline: Write at least 10 characters.</a>`,
			"Please check these fields; nothing was saved:", "data-error-summary"}},
		{name: "short headline de", form: with(validForm(lena.CSRFToken), "headline", "Zu kurz"), lang: "de", want: []string{
			"Schreiben Sie mindestens 10 Zeichen.", `value="Zu kurz"`, "Bitte prüfen Sie diese Felder"}},
		{name: "hours not a number", form: with(validForm(lena.CSRFToken), "hours", "four"), lang: "en", want: []string{
			`id="err-hours"><span class="visually-hidden">Error: </span>Enter a whole number of hours.</p>`, `value="four"`}},
		{name: "unknown language code", form: with(validForm(lena.CSRFToken), "languages_other", "sw, qq"), lang: "en", want: []string{
			"“qq” is not a two-letter ISO 639-1 language code.", `value="sw, qq"`}},
		{name: "bad LinkedIn link", form: with(validForm(lena.CSRFToken), "linkedin", "http://evil.example/x"), lang: "en", want: []string{
			`id="err-linkedin"><span class="visually-hidden">Error: </span>Enter a link to a LinkedIn profile`}},
		{name: "too many topics", form: with(validForm(lena.CSRFToken)), lang: "en", want: []string{"Choose at most 5 topics."}},
		{name: "skill too long", form: with(validForm(lena.CSRFToken), "skills", "Go, "+strings.Repeat("x", 41)), lang: "en", want: []string{
			"“" + strings.Repeat("x", 41) + "”: each entry may have at most 40 characters."}},
		{name: "short bio de", form: with(validForm(lena.CSRFToken), "bio", strings.Repeat("b", 20)), lang: "de", want: []string{
			`id="err-bio"><span class="visually-hidden">Fehler: </span>Schreiben Sie mindestens 80 Zeichen.</p>`}, wantNot: []string{"must be at least"}},
		{name: "bad visibility", form: with(validForm(lena.CSRFToken), "vis_linkedin", "public"), lang: "en", want: []string{
			`id="err-vis_linkedin"><span class="visually-hidden">Error: </span>Choose one of the options.</p>`}},
	}
	tests[5].form["topics"] = []string{"digital-skills", "ai-data", "wellbeing", "sustainability", "social-media", "employer-branding"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, e.app(t, lena), http.MethodPost, "/apply", tt.form, langHeader(tt.lang))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status: got %d, want 422; body: %.500s", r.status, r.body)
			}
			assertBody(t, r.body, tt.want, tt.wantNot)
			assertNoInlineCode(t, r.body)
			if _, err := e.Profiles.MyProfile(context.Background(), lena); otm.ErrorCode(err) != otm.ENOTFOUND {
				t.Errorf("MyProfile: got err %v, want ENOTFOUND (nothing saved)", err)
			}
		})
	}
}

func TestApplyFlow(t *testing.T) {
	e := newPagesEnv(t)
	app := e.app(t, lena)
	ctx := context.Background()

	// An incomplete application is saved as a draft but not submitted.
	incomplete := url.Values{"csrf_token": {lena.CSRFToken}, "headline": {"Data analyst who loves AI tools"}}
	r := send(t, app, http.MethodPost, "/apply/submit", incomplete, langHeader("en"))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("submit incomplete: got %d, want 422", r.status)
	}
	assertBody(t, r.body, []string{"Your draft was saved, but it is not complete enough to submit yet:",
		"Choose at least one topic.", "Choose your country.", "Draft", `value="Data analyst who loves AI tools"`}, nil)
	if pr, err := e.Profiles.MyProfile(ctx, lena); err != nil || pr.Status != profile.StatusDraft {
		t.Fatalf("after incomplete submit: got %v, %v; want a draft", pr, err)
	}

	// A draft save.
	r = send(t, app, http.MethodPost, "/apply", validForm(lena.CSRFToken), nil)
	assertRedirect(t, r, "/apply?done=saved")
	r = do(t, app, "/apply?done=saved", langHeader("en"))
	assertBody(t, r.body, []string{"Your draft was saved.", "Draft", `value="Data analyst who loves AI tools and TikTok"`,
		`<input type="checkbox" id="topic-ai-data" name="topics" value="ai-data" checked>`, `<option value="DE" selected>Germany</option>`,
		`value="4"`, "Complete: ready to submit."}, nil)

	// Submit: under review.
	r = send(t, app, http.MethodPost, "/apply/submit", validForm(lena.CSRFToken), nil)
	assertRedirect(t, r, "/apply?done=submitted")
	for _, lang := range []string{"en", "de"} {
		r = do(t, app, "/apply?done=submitted", langHeader(lang))
		want := map[string][]string{
			"en": {"Thank you! Your application was submitted for review.", "Under review", "Save changes", "Withdraw…", "Yes, withdraw it"},
			"de": {"Vielen Dank! Ihre Bewerbung wurde zur Prüfung eingereicht.", "In Prüfung", "Änderungen speichern", "Zurückziehen …"},
		}[lang]
		assertBody(t, r.body, want, []string{`formaction="/apply/submit"`})
	}
	pr, err := e.Profiles.MyProfile(ctx, lena)
	if err != nil || pr.Status != profile.StatusSubmitted {
		t.Fatalf("after submit: got %v, %v; want submitted", pr, err)
	}

	// Withdraw needs the confirmation button.
	r = send(t, app, http.MethodPost, "/apply/withdraw", url.Values{"csrf_token": {lena.CSRFToken}}, nil)
	assertRedirect(t, r, "/apply#withdraw")
	r = send(t, app, http.MethodPost, "/apply/withdraw", url.Values{"csrf_token": {lena.CSRFToken}, "confirm": {"yes"}}, nil)
	assertRedirect(t, r, "/apply?done=withdrawn")
	if pr, _ := e.Profiles.MyProfile(ctx, lena); pr.Status != profile.StatusWithdrawn {
		t.Errorf("after withdraw: got status %q, want withdrawn", pr.Status)
	}
	r = do(t, app, "/apply?done=withdrawn", langHeader("en"))
	assertBody(t, r.body, []string{"Withdrawn", "Your application was withdrawn", `formaction="/apply/submit"`}, nil)
}

func TestApplyPreview(t *testing.T) {
	e := newPagesEnv(t)
	tests := []struct {
		name    string
		form    url.Values
		lang    string
		want    []string
		wantNot []string
	}{
		{name: "escapes user text", lang: "en",
			form: with(validForm(lena.CSRFToken), "headline", `<script>alert(1)</script> & more <b>bold</b>`),
			want: []string{`&lt;script&gt;alert(1)&lt;/script&gt; &amp; more &lt;b&gt;bold&lt;/b&gt;`, "Lena Hoffmann", "Acme AG",
				`class="badge badge-verified"`, "Digital skills", "AI &amp; data", "German, English", "Germany", "4 hours a month",
				"Bouldering, Jazz", `<p class="field-error" id="err-headline" hx-swap-oob="innerHTML"></p>`,
				`<p id="form-status" hx-swap-oob="innerHTML">No problems found.</p>`},
			wantNot: []string{"<script>alert", "<b>bold", "<html", "linkedin.com"}},
		{name: "field errors out of band", lang: "en",
			form: with(validForm(lena.CSRFToken), "bio", "Too short.", "hours", "99"),
			want: []string{`<p class="field-error" id="err-bio" hx-swap-oob="innerHTML"><span class="visually-hidden">Error: </span>Write at least 80 characters.</p>`,
				`id="err-hours" hx-swap-oob="innerHTML"><span class="visually-hidden">Error: </span>Enter between 1 and 40 hours a month.</p>`,
				"2 fields need attention."}},
		{name: "restricted fields are not in the card", lang: "en",
			form:    with(validForm(lena.CSRFToken), "vis_interests", "executives", "vis_availability", "curators"),
			wantNot: []string{"Bouldering", "hours a month"}},
		{name: "missing before submission", lang: "de",
			form: url.Values{"csrf_token": {lena.CSRFToken}, "headline": {"Nur eine Überschrift bisher"}},
			want: []string{"Vor dem Einreichen fehlt noch:", "<li>Themen</li>", "<li>Land</li>", "Keine Probleme gefunden."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := langHeader(tt.lang)
			h["HX-Request"] = "true"
			r := send(t, e.app(t, lena), http.MethodPost, "/apply/preview", tt.form, h)
			if r.status != http.StatusOK {
				t.Fatalf("status: got %d, want 200; body: %.500s", r.status, r.body)
			}
			assertBody(t, r.body, tt.want, tt.wantNot)
			assertNoInlineCode(t, r.body)
		})
	}
}

func TestCurateQueue(t *testing.T) {
	e := newPagesEnv(t)
	e.submitApplication(t, lena)
	tests := []struct {
		name       string
		p          *otm.Principal
		target     string
		lang       string
		wantStatus int
		want       []string
		wantNot    []string
	}{
		{name: "mentor is refused", p: lena, target: "/curate", lang: "en", wantStatus: 403,
			want: []string{"Access denied", "Only curators may review applications."}, wantNot: []string{"mp_lena"}},
		{name: "executive is refused de", p: katrin, target: "/curate", lang: "de", wantStatus: 403,
			want: []string{"Nur Kurator:innen dürfen Bewerbungen prüfen."}},
		{name: "curator sees the submitted application", p: cora, target: "/curate", lang: "en", wantStatus: 200,
			want: []string{"Review applications", `href="/curate/mp_lena" data-queue-link>Lena Hoffmann</a>`, "Acme AG",
				"Data analyst who loves AI tools and TikTok", `<a href="/curate" aria-current="page">Under review <span class="count">1</span></a>`,
				`href="/curate?status=changes_requested"`, `href="/curate" aria-current="page">Review<`, "data-shortcuts-hint", `<a href="/admin/audit">Audit log</a>`}},
		{name: "curator de", p: cora, target: "/curate", lang: "de", wantStatus: 200,
			want: []string{"Bewerbungen prüfen", "In Prüfung", "Älteste zuerst."}},
		{name: "other tab is empty", p: cora, target: "/curate?status=withdrawn", lang: "en", wantStatus: 200,
			want: []string{"No applications with this status."}, wantNot: []string{"data-queue-link"}},
		{name: "no tab of drafts (their authors' alone)", p: cora, target: "/curate?status=draft", lang: "en", wantStatus: 400},
		{name: "unknown status", p: cora, target: "/curate?status=approved", lang: "en", wantStatus: 400},
		{name: "bad page", p: cora, target: "/curate?page=abc", lang: "en", wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, e.app(t, tt.p), tt.target, langHeader(tt.lang))
			if r.status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d; body: %.400s", r.status, tt.wantStatus, r.body)
			}
			assertBody(t, r.body, tt.want, tt.wantNot)
			assertNoInlineCode(t, r.body)
		})
	}
	t.Run("visitor goes to sign in", func(t *testing.T) {
		assertRedirect(t, do(t, e.app(t, nil), "/curate", nil), "/signin?return_to=%2Fcurate")
	})
}

func TestCurateDecision(t *testing.T) {
	e := newPagesEnv(t)
	ctx := context.Background()
	e.submitApplication(t, lena)
	app := e.app(t, cora)
	pr, err := e.Profiles.Application(ctx, cora, "mp_lena")
	if err != nil {
		t.Fatal(err)
	}
	version := fmt.Sprint(pr.Version)

	r := do(t, app, "/curate/mp_lena", langHeader("en"))
	assertBody(t, r.body, []string{"lena@acme.example", "(curators only)", `name="version" value="` + version + `"`,
		`id="decision-approve" name="decision" value="approve"`, `id="decision-request-changes"`, `id="decision-reject"`,
		`for="f-reason"`, "Internal comments", "History", "Submitted for review", "Content"}, []string{"This is your own application"})
	assertNoInlineCode(t, r.body)

	tests := []struct {
		name       string
		form       url.Values
		wantStatus int
		want       []string
	}{
		{name: "reject without reason", form: url.Values{"decision": {"reject"}, "reason": {""}, "version": {version}}, wantStatus: 422,
			want: []string{`id="err-reason"><span class="visually-hidden">Error: </span>Say why, in at least 5 characters: the applicant sees it.</p>`,
				"The decision was not recorded.", `value="reject" checked`}},
		{name: "request changes with a short reason", form: url.Values{"decision": {"request_changes"}, "reason": {"no"}, "version": {version}}, wantStatus: 422,
			want: []string{"Say why, in at least 5 characters", `>no</textarea>`}},
		{name: "no decision", form: url.Values{"reason": {"Looks fine"}, "version": {version}}, wantStatus: 422,
			want: []string{"Choose approve, request changes or reject."}},
		{name: "stale version", form: url.Values{"decision": {"approve"}, "version": {"1"}}, wantStatus: 409,
			want: []string{"The application changed while you were looking at it"}},
		{name: "version not a number", form: url.Values{"decision": {"approve"}, "version": {"x"}}, wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf_token", cora.CSRFToken)
			r := send(t, app, http.MethodPost, "/curate/mp_lena/decision", tt.form, langHeader("en"))
			if r.status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d; body: %.500s", r.status, tt.wantStatus, r.body)
			}
			assertBody(t, r.body, tt.want, nil)
			if pr, _ := e.Profiles.Application(ctx, cora, "mp_lena"); pr.Status != profile.StatusSubmitted {
				t.Errorf("status: got %q, want still submitted", pr.Status)
			}
		})
	}

	t.Run("mentor cannot decide", func(t *testing.T) {
		form := url.Values{"csrf_token": {lena.CSRFToken}, "decision": {"approve"}, "version": {version}}
		r := send(t, e.app(t, lena), http.MethodPost, "/curate/mp_lena/decision", form, nil)
		if r.status != http.StatusForbidden {
			t.Errorf("status: got %d, want 403", r.status)
		}
	})

	t.Run("approve", func(t *testing.T) {
		form := url.Values{"csrf_token": {cora.CSRFToken}, "decision": {"approve"}, "reason": {""}, "version": {version}}
		r := send(t, app, http.MethodPost, "/curate/mp_lena/decision", form, nil)
		assertRedirect(t, r, "/curate?done=approve&id=mp_lena")
		r = do(t, app, "/curate?done=approve&id=mp_lena", langHeader("en"))
		assertBody(t, r.body, []string{`role="status"`, "Approved: Lena Hoffmann", "No applications with this status."}, nil)
		r = do(t, app, "/curate?done=approve&id=mp_lena", langHeader("de"))
		assertBody(t, r.body, []string{"Freigegeben: Lena Hoffmann"}, nil)

		pr, err := e.Profiles.Application(ctx, cora, "mp_lena")
		if err != nil || pr.Status != profile.StatusApproved {
			t.Fatalf("after approve: got %v, %v; want approved", pr, err)
		}
		entries, err := e.audit.BySubject(ctx, "mp_lena")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, en := range entries {
			got = append(got, en.Action+" by "+en.ActorID)
		}
		if want := "application.approve by u_cora"; !strings.Contains(strings.Join(got, ","), want) {
			t.Errorf("audit: got %v, want %q", got, want)
		}
		r = do(t, app, "/curate/mp_lena", langHeader("en"))
		assertBody(t, r.body, []string{"<strong>Approved</strong> · Cora Kurz", "Decisions are possible while an application is under review.",
			`href="/mentors/mp_lena"`}, []string{`name="decision"`})

		// The applicant sees it published.
		r = do(t, e.app(t, lena), "/apply", langHeader("en"))
		assertBody(t, r.body, []string{"Published", `href="/mentors/mp_lena"`, "Save and send for review", "Withdraw…"},
			[]string{`formaction="/apply/submit"`})
	})
}

func TestCurateOwnApplication(t *testing.T) {
	e := newPagesEnv(t)
	e.submitApplication(t, cora)
	app := e.app(t, cora)
	r := do(t, app, "/curate/mp_cora", langHeader("en"))
	assertBody(t, r.body, []string{"This is your own application: another curator has to decide on it."}, []string{`name="decision"`})

	pr, _ := e.Profiles.Application(context.Background(), cora, "mp_cora")
	form := url.Values{"csrf_token": {cora.CSRFToken}, "decision": {"approve"}, "version": {fmt.Sprint(pr.Version)}}
	r = send(t, app, http.MethodPost, "/curate/mp_cora/decision", form, langHeader("en"))
	if r.status != http.StatusForbidden {
		t.Fatalf("status: got %d, want 403", r.status)
	}
	assertBody(t, r.body, []string{"You cannot decide on your own application.", "Cora Kurz"}, nil)
	if pr, _ := e.Profiles.Application(context.Background(), cora, "mp_cora"); pr.Status != profile.StatusSubmitted {
		t.Errorf("status: got %q, want submitted", pr.Status)
	}
}

func TestCurateRevisionDiffAndComments(t *testing.T) {
	e := newPagesEnv(t)
	e.submitApplication(t, lena)
	e.decide(t, "mp_lena", "approve", "")

	// Lena edits her published application: a revision goes to review at once.
	rev := with(validForm(lena.CSRFToken), "headline", "Data analyst who teaches AI tools to leaders")
	rev["topics"] = []string{"digital-skills", "employer-branding"}
	r := send(t, e.app(t, lena), http.MethodPost, "/apply", rev, nil)
	assertRedirect(t, r, "/apply?done=sent")
	r = do(t, e.app(t, lena), "/apply?done=sent", langHeader("en"))
	// One notice says it was sent, the status panel what it means; the
	// preview does not offer to submit what is under review.
	assertBody(t, r.body, []string{"Your changes were sent for review.",
		"Your published profile stays visible in the directory until the curators approve your changes."},
		[]string{"stays visible until they are approved", "ready to submit"})

	app := e.app(t, cora)
	r = do(t, app, "/curate/mp_lena", langHeader("en"))
	assertBody(t, r.body, []string{"Changes to the published version", `<tr class="changed">`,
		`<th scope="row">Headline <span class="badge badge-changed">changed</span></th>`,
		"Data analyst who loves AI tools and TikTok", "Data analyst who teaches AI tools to leaders",
		`<ins><span class="visually-hidden">added: </span>Employer branding</ins>`,
		`<del><span class="visually-hidden">removed: </span>AI &amp; data</del>`, "revision"}, nil)
	assertNoInlineCode(t, r.body)

	// Comments.
	r = send(t, app, http.MethodPost, "/curate/mp_lena/comments", url.Values{"csrf_token": {cora.CSRFToken}, "text": {"   "}}, langHeader("en"))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty comment: got %d, want 422", r.status)
	}
	assertBody(t, r.body, []string{"Write a comment of 1 to 2000 characters."}, nil)
	r = send(t, app, http.MethodPost, "/curate/mp_lena/comments", url.Values{"csrf_token": {cora.CSRFToken}, "text": {"Ask about <b>TikTok</b>"}}, nil)
	assertRedirect(t, r, "/curate/mp_lena#comments")
	r = do(t, app, "/curate/mp_lena", langHeader("en"))
	assertBody(t, r.body, []string{"Ask about &lt;b&gt;TikTok&lt;/b&gt;", "Comment added"}, []string{"<b>TikTok"})

	// The applicant never sees comments or the curator's name.
	e.decide(t, "mp_lena", "request_changes", "Please say more about employer branding.")
	r = do(t, e.app(t, lena), "/account", langHeader("en"))
	assertBody(t, r.body, []string{"Decisions about me", "Changes requested", "Please say more about employer branding.",
		"by the program team", "by you", "Submitted for review"}, []string{"TikTok", "Comment added", "Cora"})
	r = do(t, e.app(t, lena), "/apply", langHeader("de"))
	assertBody(t, r.body, []string{"Änderungen erbeten", "Please say more about employer branding.", "Rückmeldung der Kurator:innen"}, nil)
}

// upsertDocs puts n mentors into the index directly.
func upsertDocs(tb testing.TB, idx search.Index, docs ...search.Document) {
	tb.Helper()
	if err := idx.Upsert(context.Background(), docs...); err != nil {
		tb.Fatalf("Upsert: %v", err)
	}
}

func TestDirectory(t *testing.T) {
	e := newPagesEnv(t)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	upsertDocs(t, e.idx,
		search.Document{ID: "mp_a", Name: "Anna Schmidt", Organization: "Acme AG", OrgVerified: true, Headline: "Teaches prompting to leaders",
			Bio: "Anna shows executives how to use AI assistants.", Topics: []string{"digital-skills", "ai-data"}, Languages: []string{"de", "en"},
			Country: "DE", HoursPerMonth: 4, Industry: "logistics", PublishedAt: now},
		search.Document{ID: "mp_b", Name: "Ben Meier", Organization: "Beta GmbH", Industry: "Retail", Headline: "Gen Z and employer branding",
			Bio: "Ben explains what makes employers attractive.", Topics: []string{"employer-branding"}, Languages: []string{"de"},
			Country: "AT", PublishedAt: now.Add(time.Hour)},
		search.Document{ID: "mp_c", Name: "Chloé <b>Bold</b>", Organization: "Gamma SA", Headline: "Digital natives at work",
			Bio: "Chloé knows TikTok.", Topics: []string{"digital-skills"}, Languages: []string{"fr", "en"}, Country: "CH",
			Interests: []string{"Climbing"}, PublishedAt: now.Add(2 * time.Hour)},
	)
	app := e.app(t, nil)
	tests := []struct {
		name       string
		target     string
		lang       string
		header     map[string]string
		wantStatus int
		want       []string
		wantNot    []string
	}{
		{name: "all", target: "/mentors", lang: "en", wantStatus: 200, want: []string{
			"3 mentors found", "Anna Schmidt", "Ben Meier", `href="/mentors/mp_a"`, "Teaches prompting to leaders",
			`<label for="facet-topic-digital-skills">Digital skills <span class="count">(2)</span></label>`,
			`<label for="facet-language-en">English <span class="count">(2)</span></label>`,
			`<label for="facet-country-AT">Austria <span class="count">(1)</span></label>`,
			`class="badge badge-verified"`, "self-declared", "4 hours a month", "Climbing",
			`hx-get="/mentors"`, `hx-push-url="true"`, `hx-target="#directory-results"`, `href="/mentors" aria-current="page"`,
			"Chloé &lt;b&gt;Bold&lt;/b&gt;"},
			wantNot: []string{"<b>Bold", "Clear all"}},
		{name: "facet filter de", target: "/mentors?topic=digital-skills", lang: "de", wantStatus: 200, want: []string{
			"2 Mentor:innen gefunden", "Anna Schmidt", `value="digital-skills" checked`, "Filter entfernen",
			`href="/mentors">Alle entfernen`, "Digitale Kompetenzen"}, wantNot: []string{"Ben Meier"}},
		{name: "query highlights", target: "/mentors?q=prompting", lang: "en", wantStatus: 200, want: []string{
			"1 mentor found", "<mark>", `value="prompting"`, "“prompting”"}, wantNot: []string{"Ben Meier"}},
		{name: "empty result", target: "/mentors?q=zzzzqqq", lang: "en", wantStatus: 200, want: []string{
			"No mentors found", "No mentor matches your search.", `href="/mentors">browse all mentors.`}},
		{name: "htmx gets the results only", target: "/mentors?q=&topic=employer-branding", lang: "en",
			header: map[string]string{"HX-Request": "true", "HX-Target": "directory-results"}, wantStatus: 200,
			want:    []string{"Ben Meier", `<p id="dir-status" hx-swap-oob="innerHTML">1 mentor found</p>`},
			wantNot: []string{"<html", "Anna Schmidt"}},
		{name: "history restore gets the page", target: "/mentors", lang: "en",
			header: map[string]string{"HX-Request": "true", "HX-History-Restore-Request": "true"}, wantStatus: 200,
			want: []string{"<html", "Anna Schmidt"}},
		{name: "industry and hours facets", target: "/mentors", lang: "en", wantStatus: 200, want: []string{
			`<label for="facet-industry-logistics">Logistics <span class="count">(1)</span></label>`,
			`<label for="facet-industry-Retail">Retail <span class="count">(1)</span></label>`,
			`<input type="radio" id="facet-hours-any" name="hours" value="" checked><label for="facet-hours-any">Any</label>`,
			`<label for="facet-hours-4">At least 4 h <span class="count">(1)</span></label>`,
			`<label for="facet-hours-8">At least 8 h <span class="count">(0)</span></label>`},
			// Room in a program is for executives and curators.
			wantNot: []string{`name="room"`}},
		{name: "industry filter de", target: "/mentors?industry=logistics", lang: "de", wantStatus: 200, want: []string{
			"1 Mentor:in gefunden", "Anna Schmidt", `value="logistics" checked`, "Logistik"}, wantNot: []string{"Ben Meier"}},
		{name: "hours filter", target: "/mentors?hours=4", lang: "en", wantStatus: 200, want: []string{
			"1 mentor found", "Anna Schmidt", `id="facet-hours-4" name="hours" value="4" checked`,
			`href="/mentors"><span class="visually-hidden">Remove filter: </span>At least 4 h`}, wantNot: []string{"Ben Meier"}},
		{name: "hours not a step", target: "/mentors?hours=3", lang: "en", wantStatus: 400, want: []string{"Choose the hours a month from the list."}},
		{name: "room, a visitor", target: "/mentors?room=open", lang: "en", wantStatus: 400, want: []string{"Choose a program from the list."}},
		{name: "page not a number", target: "/mentors?page=abc", lang: "en", wantStatus: 400, want: []string{"Bad request", "The page number must be a whole number"}},
		{name: "page zero", target: "/mentors?page=0", lang: "en", wantStatus: 400},
		{name: "page too far", target: "/mentors?page=999999", lang: "en", wantStatus: 400},
		{name: "query too long", target: "/mentors?q=" + strings.Repeat("a", 600), lang: "en", wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := langHeader(tt.lang)
			for k, v := range tt.header {
				h[k] = v
			}
			r := do(t, app, tt.target, h)
			if r.status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d; body: %.400s", r.status, tt.wantStatus, r.body)
			}
			assertBody(t, r.body, tt.want, tt.wantNot)
			assertNoInlineCode(t, r.body)
		})
	}
}

func TestDirectoryPagingKeepsFilters(t *testing.T) {
	e := newPagesEnv(t)
	var docs []search.Document
	for i := range 25 {
		docs = append(docs, search.Document{ID: fmt.Sprintf("mp_%02d", i), Name: fmt.Sprintf("Mentor %02d", i), Headline: "Reverse mentor for leaders",
			Topics: []string{"digital-skills"}, Languages: []string{"de"}, Country: "DE", PublishedAt: time.Unix(int64(1e9+i), 0)})
	}
	upsertDocs(t, e.idx, docs...)
	app := e.app(t, nil)
	r := do(t, app, "/mentors?q=mentor&topic=digital-skills&language=de", langHeader("en"))
	assertBody(t, r.body, []string{"25 mentors found", "(1–20)", "Page 1 of 2",
		`href="/mentors?language=de&amp;page=2&amp;q=mentor&amp;topic=digital-skills" rel="next"`,
		`href="/mentors?language=de&amp;topic=digital-skills"><span class="visually-hidden">Remove filter: </span>“mentor”`,
		`href="/mentors?language=de&amp;q=mentor"><span class="visually-hidden">Remove filter: </span>Digital skills`}, nil)
	r = do(t, app, "/mentors?q=mentor&topic=digital-skills&language=de&page=2", langHeader("en"))
	assertBody(t, r.body, []string{"(21–25)", "Page 2 of 2", `href="/mentors?language=de&amp;q=mentor&amp;topic=digital-skills" rel="prev"`}, []string{`rel="next"`})
}

func TestMentorPage(t *testing.T) {
	e := newPagesEnv(t)
	e.submitApplication(t, lena)
	e.decide(t, "mp_lena", "approve", "")
	e.sync(t)
	tests := []struct {
		name       string
		p          *otm.Principal
		target     string
		lang       string
		wantStatus int
		want       []string
		wantNot    []string
	}{
		{name: "visitor", target: "/mentors/mp_lena", lang: "en", wantStatus: 200, want: []string{
			"<h1 id=\"mentor-name\">Lena Hoffmann</h1>", "I analyse logistics data", "Prompting", "German, English", "Germany",
			"4 hours a month", "Bouldering, Jazz", "Executives who sign in may see more"}, wantNot: []string{"linkedin.com", "lena@acme.example"}},
		{name: "executive sees LinkedIn", p: katrin, target: "/mentors/mp_lena", lang: "de", wantStatus: 200, want: []string{
			`<a href="https://www.linkedin.com/in/lena-hoffmann" target="_blank" rel="noopener noreferrer nofollow">LinkedIn-Profil`,
			"Deutsch, Englisch", "Deutschland", "4 Stunden im Monat"}, wantNot: []string{"lena@acme.example"}},
		{name: "mentor does not see LinkedIn", p: lena, target: "/mentors/mp_lena", lang: "en", wantStatus: 200, wantNot: []string{"linkedin.com"}},
		{name: "unknown", target: "/mentors/mp_nobody", lang: "en", wantStatus: 404, want: []string{"Page not found", "This mentor profile does not exist"}},
		{name: "unknown de", target: "/mentors/mp_nobody", lang: "de", wantStatus: 404, want: []string{"Seite nicht gefunden"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, e.app(t, tt.p), tt.target, langHeader(tt.lang))
			if r.status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d; body: %.400s", r.status, tt.wantStatus, r.body)
			}
			assertBody(t, r.body, tt.want, tt.wantNot)
			assertNoInlineCode(t, r.body)
		})
	}

	// The directory lists her; withdrawn, she is gone at once.
	assertBody(t, do(t, e.app(t, nil), "/mentors", langHeader("en")).body, []string{"Lena Hoffmann"}, nil)
	r := send(t, e.app(t, lena), http.MethodPost, "/apply/withdraw", url.Values{"csrf_token": {lena.CSRFToken}, "confirm": {"yes"}}, nil)
	assertRedirect(t, r, "/apply?done=withdrawn")
	if r := do(t, e.app(t, nil), "/mentors/mp_lena", nil); r.status != http.StatusNotFound {
		t.Errorf("withdrawn profile: got %d, want 404", r.status)
	}
}

func TestAccountDelete(t *testing.T) {
	e := newPagesEnv(t)
	ctx := context.Background()
	e.submitApplication(t, lena)
	// Signed in an hour ago: sign in again first, nothing is deleted.
	stale := *lena
	stale.SignedInAt = time.Now().Add(-time.Hour)
	r := send(t, e.app(t, &stale), http.MethodPost, "/account/delete",
		url.Values{"csrf_token": {lena.CSRFToken}, "confirm": {"1"}, "confirm_email": {"lena@acme.example"}}, langHeader("en"))
	if r.status != http.StatusForbidden {
		t.Errorf("delete an hour after signing in: got %d, want 403", r.status)
	}
	assertBody(t, r.body, []string{"For your safety, sign in again before you delete your account (your last sign-in was more than 15 minutes ago).",
		`href="/signin?return_to=%2Faccount%23delete">Sign in again</a>`}, nil)
	if _, err := e.Profiles.MyProfile(ctx, lena); err != nil {
		t.Errorf("MyProfile after the refusal: got %v, want the application still there", err)
	}
	fresh := *lena
	fresh.SignedInAt = time.Now()
	app := e.app(t, &fresh)

	r = do(t, app, "/account", langHeader("en"))
	assertBody(t, r.body, []string{"Delete my account", `action="/account/delete"`, "To confirm, type your e-mail address",
		`href="/api/v1/me/export"`, "Decisions about me", "Submitted for review"}, nil)

	tests := []struct {
		name string
		form url.Values
		lang string
		want []string
	}{
		{name: "wrong e-mail", form: url.Values{"confirm": {"1"}, "confirm_email": {"someone@else.example"}}, lang: "en",
			want: []string{"This is not the e-mail address of your account.", "Nothing was deleted.", `value="someone@else.example"`}},
		{name: "not confirmed", form: url.Values{"confirm_email": {"lena@acme.example"}}, lang: "de",
			want: []string{"Setzen Sie zur Bestätigung das Häkchen.", "Es wurde nichts gelöscht."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf_token", lena.CSRFToken)
			r := send(t, app, http.MethodPost, "/account/delete", tt.form, langHeader(tt.lang))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status: got %d, want 422", r.status)
			}
			assertBody(t, r.body, tt.want, nil)
			if _, err := e.Profiles.MyProfile(ctx, lena); err != nil {
				t.Errorf("MyProfile: got %v, want the application still there", err)
			}
		})
	}

	r = send(t, app, http.MethodPost, "/account/delete",
		url.Values{"csrf_token": {lena.CSRFToken}, "confirm": {"1"}, "confirm_email": {" LENA@acme.example "}}, nil)
	assertRedirect(t, r, "/?deleted=1")
	if _, err := e.Profiles.MyProfile(ctx, lena); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("MyProfile after delete: got %v, want ENOTFOUND", err)
	}
	entries, err := e.audit.ByUser(ctx, lena.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("audit entries still naming the user: got %d, want 0 (pseudonymized)", len(entries))
	}
	for lang, want := range map[string]string{"en": "Your account and all your data were deleted.", "de": "Ihr Konto und alle Ihre Daten wurden gelöscht."} {
		assertBody(t, do(t, e.app(t, nil), "/?deleted=1", langHeader(lang)).body, []string{want}, nil)
	}
}

func TestRoutesNeedServices(t *testing.T) {
	f := mustFrontend(t, Config{})
	app := newTestApp(t, f, lena)
	for _, target := range []string{"/apply", "/curate", "/mentors", "/mentors/x", "/request"} {
		if r := do(t, app, target, nil); r.status != http.StatusNotFound {
			t.Errorf("GET %s without services: got %d, want 404", target, r.status)
		}
	}
	if r := send(t, app, http.MethodPost, "/account/delete", url.Values{"csrf_token": {lena.CSRFToken}}, nil); r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /account/delete without services: got %d, want 404 or 405", r.status)
	}
	body := do(t, app, "/", nil).body
	assertBody(t, body, nil, []string{`href="/apply"`, `href="/curate"`})
	assertBody(t, do(t, newTestApp(t, f, katrin), "/", nil).body, nil, []string{`href="/request"`})
}

func TestSafeHighlight(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a <mark>b</mark> c", "a <mark>b</mark> c"},
		{"&lt;b&gt; <mark>x</mark>", "&lt;b&gt; <mark>x</mark>"},
		{"<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"},
		{"<mark>open", "<mark>open</mark>"},
		{"close</mark> <mark>a</mark>", "close <mark>a</mark>"},
		{`<mark onclick="x">a</mark>`, "&lt;mark onclick=&#34;x&#34;&gt;a"},
		{"Tom &amp; Jerry", "Tom &amp; Jerry"},
	}
	for _, tt := range tests {
		if got := string(safeHighlight(tt.in)); got != tt.want {
			t.Errorf("safeHighlight(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameLists(t *testing.T) {
	if got, want := len(countryCodes), 249; got != want {
		t.Errorf("countryCodes: got %d, want %d", got, want)
	}
	for _, c := range countryCodes {
		if !check.ValidCountry(c) {
			t.Errorf("country %s: check.ValidCountry false", c)
		}
	}
	for _, l := range commonLanguages {
		if !check.ValidLanguage(l) {
			t.Errorf("language %s: check.ValidLanguage false", l)
		}
	}
	lists := buildNameLists()
	for _, lang := range languages {
		cs := lists.countries[lang]
		if len(cs) != len(countryCodes) {
			t.Fatalf("%s countries: got %d, want %d", lang, len(cs), len(countryCodes))
		}
		var first []string
		for _, c := range cs[:3] {
			first = append(first, c.Code)
		}
		if got, want := strings.Join(first, ","), "DE,AT,CH"; got != want {
			t.Errorf("%s countries: got first %s, want %s", lang, got, want)
		}
	}
	// German order: Ägypten sorts with A, before Albanien.
	var de []string
	for _, c := range lists.countries["de"][3:] {
		de = append(de, c.Name)
	}
	joined := strings.Join(de, "|")
	if i, j := strings.Index(joined, "Ägypten"), strings.Index(joined, "Albanien"); i < 0 || j < 0 || i > j {
		t.Errorf("de countries: got Ägypten at %d, Albanien at %d; want Ägypten first", i, j)
	}
	if !regexp.MustCompile(`^Afghanistan\|`).MatchString(joined) {
		t.Errorf("de countries: got %.40s…, want Afghanistan first", joined)
	}
}

// TestPagesRefuseMissingCSRF: the page tests run behind the server's CSRF
// check, so a form without the session's token is refused before any page
// handler runs.
func TestPagesRefuseMissingCSRF(t *testing.T) {
	e := newPagesEnv(t)
	for _, form := range []url.Values{{}, {"csrf_token": {"wrong"}}} {
		r := send(t, e.app(t, lena), http.MethodPost, "/apply", form, langHeader("de"))
		if r.status != http.StatusForbidden {
			t.Errorf("POST /apply with %v: got %d, want 403", form, r.status)
		}
		assertBody(t, r.body, []string{"Fehler 403"}, []string{"CSRF token"})
	}
	if _, err := e.Profiles.MyProfile(context.Background(), lena); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("after refused posts: got %v, want no application", err)
	}
}

// TestCurateDecisionGoesToTheNext: after a decision the curator lands on the
// next application waiting for one (with the decision said), not on the
// queue; after the last, on the queue.
func TestCurateDecisionGoesToTheNext(t *testing.T) {
	e := newPagesEnv(t)
	e.submitApplication(t, lena)
	e.submitApplication(t, maxB)
	decideAt := func(id string) response {
		t.Helper()
		pr, err := e.Profiles.Application(context.Background(), cora, id)
		if err != nil {
			t.Fatal(err)
		}
		return send(t, e.app(t, cora), http.MethodPost, "/curate/"+id+"/decision",
			url.Values{"csrf_token": {cora.CSRFToken}, "decision": {"approve"}, "reason": {""}, "version": {fmt.Sprint(pr.Version)}}, nil)
	}
	assertRedirect(t, decideAt("mp_lena"), "/curate/mp_max?done=approve&id=mp_lena")
	r := do(t, e.app(t, cora), "/curate/mp_max?done=approve&id=mp_lena", langHeader("en"))
	assertBody(t, r.body, []string{"Approved: Lena Hoffmann", "Max Becker"}, nil)
	assertRedirect(t, decideAt("mp_max"), "/curate?done=approve&id=mp_max")
}
