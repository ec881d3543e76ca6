package frontend

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/notify"
)

// sampleArgs are arguments every message type may carry.
var sampleArgs = map[string]any{"partner": "Katrin Weber", "program": "Open program", "role": "mentor", "decision": "approve", "reason": "Bitte nenne Tools.",
	"answer": "accepted", "by": "partner", "side": "mentor"}

// untranslated finds a catalog key left in a text.
var untranslated = regexp.MustCompile(`\b(notify|mail|mailprefs)\.[a-zA-Z]`)

func TestRenderMailEveryTypeInBothLanguages(t *testing.T) {
	e := newPagesEnv(t)
	links := notify.Links{Base: "https://otm.example", Preferences: "https://otm.example/account/notifications", Unsubscribe: "https://otm.example/unsubscribe/tok"}
	for _, lang := range []string{"en", "de", "fr"} {
		for _, typ := range notify.Types {
			t.Run(lang+"/"+typ, func(t *testing.T) {
				m := notify.Message{ID: "m1", Type: typ, Args: sampleArgs, Link: "/tandems/t1"}
				r, err := e.f.RenderMail(context.Background(), lang, notify.Contact{Name: "Lena <b>Hoffmann</b>"}, []notify.Message{m}, links)
				if err != nil {
					t.Fatal(err)
				}
				for part, body := range map[string]string{"subject": r.Subject, "text": r.Text, "html": r.HTML} {
					if untranslated.MatchString(body) || strings.Contains(body, "{partner}") {
						t.Errorf("%s: an untranslated key: %s", part, body)
					}
				}
				for _, w := range []string{"https://otm.example/tandems/t1", links.Preferences, links.Unsubscribe} {
					if !strings.Contains(r.Text, w) || !strings.Contains(r.HTML, w) {
						t.Errorf("got no link %s in text and HTML", w)
					}
				}
				if strings.Contains(r.HTML, "<b>Hoffmann</b>") {
					t.Error("the HTML does not escape the name")
				}
				wantGreeting := map[string]string{"en": "Hello Lena", "de": "Hallo Lena", "fr": "Hello Lena"}[lang]
				if !strings.HasPrefix(r.Text, wantGreeting) {
					t.Errorf("text: got %.40q, want it to start %q", r.Text, wantGreeting)
				}
			})
		}
	}
	// A digest: one e-mail, each message with its link, a counting subject.
	items := []notify.Message{{ID: "a", Type: notify.TypeTandemProposed, Args: sampleArgs, Link: "/tandems"},
		{ID: "b", Type: notify.TypeRoleGranted, Args: sampleArgs, Link: "//evil.example/x"}}
	r, err := e.f.RenderMail(context.Background(), "de", notify.Contact{}, items, links)
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Ihr #OpenToMentor-Tag: 2 Nachrichten" || !strings.HasPrefix(r.Text, "Hallo,") {
		t.Errorf("digest: subject %q, text %.30q", r.Subject, r.Text)
	}
	if strings.Contains(r.Text, "evil.example") || !strings.Contains(r.Text, "https://otm.example/notifications") {
		t.Errorf("a link off the platform is not replaced by the inbox: %s", r.Text)
	}
}

// mailPagesEnv has mail on and a development mailbox on the pages.
func mailPagesEnv(t *testing.T) (*pagesEnv, *notify.Mailer, *notify.DevMailbox) {
	t.Helper()
	e := newPagesEnv(t)
	if err := e.Notify.EnableMail(context.Background()); err != nil {
		t.Fatal(err)
	}
	box := e.Notify.DevMailbox()
	e.f.SetDevMailbox(box)
	m := e.Notify.NewMailer(notify.MailerConfig{Transport: box, Renderer: e.f, Contacts: contactsOf{lena, cora}, From: "OTM <noreply@otm.example>", BaseURL: testBaseURL})
	return e, m, box
}

func TestMailSettingsPage(t *testing.T) {
	e, _, _ := mailPagesEnv(t)
	r := do(t, e.app(t, lena), "/account/notifications", langHeader("de"))
	assertBody(t, r.body, []string{"<h1>E-Mail-Einstellungen</h1>", `name="mode.tandem.proposed"`, `<option value="daily">Tägliche Zusammenfassung</option>`,
		"Mein Tandem beginnt <span class=\"muted\">(erforderlich)</span>"}, nil)
	// A required type offers no "off".
	if i := strings.Index(r.body, `name="mode.tandem.running"`); i < 0 || strings.Contains(r.body[i:i+strings.Index(r.body[i:], "</select>")], `value="off"`) {
		t.Error("the required type offers off")
	}
	assertNoInlineCode(t, r.body)

	form := url.Values{"csrf_token": {lena.CSRFToken}, "mode.tandem.proposed": {"daily"}, "mode.role.granted": {"off"}}
	assertRedirect(t, send(t, e.app(t, lena), http.MethodPost, "/account/notifications", form, nil), "/account/notifications?done=1")
	r = do(t, e.app(t, lena), "/account/notifications?done=1", langHeader("en"))
	assertBody(t, r.body, []string{"Your e-mail settings are saved.", `<option value="daily" selected>Daily digest</option>`, `<option value="off" selected>Not by e-mail</option>`}, nil)

	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"required off", url.Values{"mode.tandem.running": {"off"}}, "This message cannot be switched off"},
		{"unknown mode", url.Values{"mode.tandem.proposed": {"weekly"}}, "Choose one of the options."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf_token", lena.CSRFToken)
			r := send(t, e.app(t, lena), http.MethodPost, "/account/notifications", tt.form, langHeader("en"))
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `class="error-summary"`) {
				t.Fatalf("got %d, want 422 with the errors; body %.300s", r.status, r.body)
			}
			if !strings.Contains(strings.ToLower(r.body), strings.ToLower(tt.want)) {
				t.Errorf("got no %q in %.2000s", tt.want, r.body)
			}
		})
	}
	// Nothing of the refused saves was kept.
	p, _ := e.Notify.MyPreferences(context.Background(), lena)
	if p.Modes["tandem.running"] != notify.ModeImmediate || p.Modes["tandem.proposed"] != notify.ModeDaily {
		t.Errorf("after refused saves: got %v", p.Modes)
	}
	// Without a token: refused; visitors go to sign in.
	if r := send(t, e.app(t, lena), http.MethodPost, "/account/notifications", url.Values{"mode.role.granted": {"immediate"}}, nil); r.status != http.StatusForbidden {
		t.Errorf("without a CSRF token: got %d, want 403", r.status)
	}
	assertRedirect(t, do(t, e.app(t, nil), "/account/notifications", nil), "/signin?return_to=%2Faccount%2Fnotifications")
}

func TestUnsubscribeAndDevMailPages(t *testing.T) {
	e, m, box := mailPagesEnv(t)
	ctx := context.Background()
	if err := e.Notify.Send(ctx, lena.UserID, notify.Message{ID: "p1", Type: notify.TypeTandemProposed, Args: sampleArgs, Link: "/tandems"}); err != nil {
		t.Fatal(err)
	}
	if n, err := m.Drain(ctx); err != nil || n != 1 {
		t.Fatalf("drain: %d %v", n, err)
	}
	list, err := box.List(ctx, "", 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("dev mailbox: %v %v", list, err)
	}
	link := strings.TrimPrefix(list[0].Unsubscribe, testBaseURL)

	// The development mailbox shows it (development mode only).
	e.f.cfg.DevMode = true
	r := do(t, e.app(t, nil), "/dev/mail", langHeader("en"))
	assertBody(t, r.body, []string{"Development mailbox", "A tandem with Katrin Weber is proposed", "lena@acme.example"}, nil)
	h := do(t, e.app(t, nil), "/dev/mail/html?id="+url.QueryEscape(list[0].ID), nil)
	if h.status != http.StatusOK || !strings.Contains(h.header.Get("Content-Security-Policy"), "sandbox") || !strings.Contains(h.body, "Katrin Weber") {
		t.Errorf("HTML view: got %d, CSP %q", h.status, h.header.Get("Content-Security-Policy"))
	}
	e.f.cfg.DevMode = false
	if r := do(t, e.app(t, nil), "/dev/mail", nil); r.status != http.StatusNotFound {
		t.Errorf("/dev/mail outside development: got %d, want 404", r.status)
	}

	// GET asks (mail scanners follow links); POST switches off, no session needed.
	r = do(t, e.app(t, nil), link, langHeader("de"))
	assertBody(t, r.body, []string{"Keine E-Mails mehr zu: Mir wird ein Tandem vorgeschlagen?", `method="post"`}, nil)
	if p, _ := e.Notify.MyPreferences(ctx, lena); p.Modes["tandem.proposed"] != notify.ModeImmediate {
		t.Errorf("after GET: got %v, want nothing changed", p.Modes)
	}
	r = send(t, e.app(t, nil), http.MethodPost, link, url.Values{}, langHeader("en"))
	assertBody(t, r.body, []string{"Done: you no longer get e-mails about A tandem is proposed to me."}, nil)
	if p, _ := e.Notify.MyPreferences(ctx, lena); p.Modes["tandem.proposed"] != notify.ModeOff {
		t.Errorf("after POST: got %v, want tandem.proposed off", p.Modes)
	}
	for _, bad := range []string{link + "x", "/unsubscribe/nonsense"} {
		if r := do(t, e.app(t, nil), bad, langHeader("en")); r.status != http.StatusBadRequest || !strings.Contains(r.body, "This link is not valid") {
			t.Errorf("GET %s: got %d, want 400 with the reason", bad, r.status)
		}
		if r := send(t, e.app(t, cora), http.MethodPost, bad, url.Values{"csrf_token": {cora.CSRFToken}}, langHeader("en")); r.status != http.StatusBadRequest {
			t.Errorf("POST %s: got %d, want 400", bad, r.status)
		}
	}
}

// contactsOf finds the test principals' addresses.
type contactsOf []*otm.Principal

func (c contactsOf) Contact(_ context.Context, userID string) (*notify.Contact, error) {
	for _, p := range c {
		if p.UserID == userID {
			return &notify.Contact{Email: p.Email, Name: p.Name, Lang: "en"}, nil
		}
	}
	return nil, nil
}
