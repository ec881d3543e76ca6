package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/opentomentor/opentomentor/frontend"
	"github.com/opentomentor/opentomentor/internal/smtptest"
	"github.com/opentomentor/opentomentor/notify"
)

// withMail turns e-mail on for h, sending to a real SMTP server in the test
// with the pages' texts; drain sends what is due.
func withMail(t *testing.T, h *harness) (server *smtptest.Server, drain func()) {
	t.Helper()
	ctx := context.Background()
	if err := h.Notify.EnableMail(ctx); err != nil {
		t.Fatal(err)
	}
	pages, err := frontend.New(frontend.Config{Services: *h.Services, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	server = smtptest.Start(t)
	sc, err := notify.ParseSMTPURL("smtp://" + server.Addr)
	if err != nil {
		t.Fatal(err)
	}
	m := h.Notify.NewMailer(notify.MailerConfig{Transport: notify.NewSMTP(*sc), Renderer: pages, Contacts: h.Identity,
		From: "OpenToMentor <noreply@otm.example>", BaseURL: h.URL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return server, func() {
		t.Helper()
		if _, err := m.Drain(ctx); err != nil {
			t.Fatalf("mailer: %v", err)
		}
	}
}

// TestIntegrationMailForEveryEvent: each event of the cohort gives each
// recipient exactly one e-mail, in their language, linking to the page it
// is about — and no e-mail carries a private goal, a reason meant for
// others or somebody else's address.
func TestIntegrationMailForEveryEvent(t *testing.T) {
	h, op := newAppHarness(t)
	server, drain := withMail(t, h)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	kat := h.signInAs(t, op, "kat", "kat@hanse.example", "Katharina Weber")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	// Katharina last used the pages in German (the language switch and the
	// sign-in keep it; see the frontend's test).
	if err := h.Identity.SetLanguage(context.Background(), kat.me.ID, "de"); err != nil {
		t.Fatal(err)
	}

	id := proposeAdaToKat(t, h, ada, kat, cura, "Strictly private: I struggle with our TikTok strategy and want to learn it quietly.")
	drain()
	// Ada shares her address for the introduction, Katharina does not.
	ada.call("POST", "/api/v1/me/tandems/"+id+"/accept", map[string]any{"shareContact": true})
	kat.call("POST", "/api/v1/me/tandems/"+id+"/accept", nil)
	ada.call("POST", "/api/v1/me/tandems/"+id+"/end", map[string]any{"reason": "Secret: I change jobs next month."})
	drain()
	drain() // nothing twice

	got := map[string][]string{}
	for _, m := range server.Messages() {
		if len(m.To) != 1 {
			t.Fatalf("an e-mail to %v: want one recipient each", m.To)
		}
		to := m.To[0]
		got[to] = append(got[to], m.Subject)
		for _, leak := range []string{"TikTok", "Secret", "change jobs"} {
			if strings.Contains(m.Text, leak) || strings.Contains(m.HTML, leak) {
				t.Errorf("the e-mail to %s (%q) carries %q", to, m.Subject, leak)
			}
		}
		introduction := strings.Contains(m.Subject, "läuft")
		for _, other := range []string{"ada@nordlicht.example", "kat@hanse.example", "cura@program.example"} {
			shared := introduction && to == "kat@hanse.example" && other == "ada@nordlicht.example"
			if other != to && (strings.Contains(m.Text, other) || strings.Contains(m.HTML, other)) != shared {
				t.Errorf("the e-mail to %s (%q): shows %s = %v, want %v", to, m.Subject, other, !shared, shared)
			}
		}
		if !strings.Contains(m.Text, h.URL+"/") || !strings.Contains(m.Text, h.URL+"/account/notifications") {
			t.Errorf("the e-mail to %s links nowhere on the platform: %s", to, m.Text)
		}
		if strings.Contains(m.Subject, "{") || strings.Contains(m.Text, "notify.") {
			t.Errorf("an untranslated text to %s: %q / %s", to, m.Subject, m.Text)
		}
	}
	want := map[string][]string{
		"ada@nordlicht.example": {"Your application is published", "You are now Mentor", "A tandem with Katharina Weber is proposed",
			"Katharina Weber accepted the tandem", "Your tandem with Katharina Weber is running"},
		"kat@hanse.example": {"Sie sind jetzt Mentee", "Ein Tandem mit Ada Lovelace ist vorgeschlagen", "Ada Lovelace hat das Tandem angenommen",
			"Ihr Tandem mit Ada Lovelace läuft", "Ada Lovelace hat Ihr Tandem beendet"},
	}
	for to, subjects := range want {
		g := slices.Clone(got[to])
		slices.Sort(g)
		w := slices.Clone(subjects)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			t.Errorf("e-mails to %s:\n got  %q\n want %q", to, g, w)
		}
	}
	// The curator hears of Ada's application in tomorrow's digest, not now.
	if len(got["cura@program.example"]) != 0 {
		t.Errorf("the curator got %q; want nothing before the digest hour", got["cura@program.example"])
	}
	if _, out := cura.call("GET", "/api/v1/me/notifications", nil); !strings.Contains(fmt.Sprint(out), "application.submitted") {
		t.Errorf("the curator's inbox: got %v, want the new application", out)
	}

	// The one-click unsubscribe link of an e-mail works without a session
	// (RFC 8058), and only for what it names.
	var link string
	for _, m := range server.Messages() {
		if m.To[0] == "ada@nordlicht.example" && strings.Contains(m.Subject, "proposed") {
			link = strings.Trim(strings.SplitN(m.Header.Get("List-Unsubscribe"), ",", 2)[0], "<> ")
		}
	}
	if !strings.HasPrefix(link, h.URL+"/unsubscribe/") {
		t.Fatalf("List-Unsubscribe: got %q", link)
	}
	resp, err := http.Post(link, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		t.Fatalf("one-click unsubscribe: got %d", resp.StatusCode)
	}
	status, prefs := ada.call("GET", "/api/v1/me/notification-preferences", nil)
	modes, _ := prefs["modes"].(map[string]any)
	if status != http.StatusOK || modes["tandem.proposed"] != "off" || modes["tandem.answered"] != "immediate" {
		t.Errorf("after one-click: got %d %v, want tandem.proposed off and the rest as it was", status, prefs)
	}
	resp, err = http.Post(link+"x", "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a forged link: got %d, want 400", resp.StatusCode)
	}
}

// TestIntegrationMailPreferencesAPI: GET/PUT /api/v1/me/notification-preferences
// with the refusals.
func TestIntegrationMailPreferencesAPI(t *testing.T) {
	h, op := newAppHarness(t)
	withMail(t, h)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	tests := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"nothing", map[string]any{}, http.StatusBadRequest, "modes"},
		{"unknown type", map[string]any{"modes": map[string]string{"spam": "off"}}, http.StatusBadRequest, "modes.spam"},
		{"unknown mode", map[string]any{"modes": map[string]string{"tandem.proposed": "weekly"}}, http.StatusBadRequest, "modes.tandem.proposed"},
		{"required off", map[string]any{"modes": map[string]string{"tandem.running": "off"}}, http.StatusBadRequest, "modes.tandem.running"},
		{"wrong type", map[string]any{"modes": []string{"x"}}, http.StatusBadRequest, "modes"},
		{"fine", map[string]any{"modes": map[string]string{"tandem.proposed": "daily", "role.granted": "off"}}, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := ada.call("PUT", "/api/v1/me/notification-preferences", tt.body)
			if status != tt.status {
				t.Fatalf("got %d %v, want %d", status, out, tt.status)
			}
			if tt.field != "" && ruleOf(out, tt.field) == "" {
				t.Errorf("got %v, want a rule for %s", out, tt.field)
			}
		})
	}
	status, out := ada.call("GET", "/api/v1/me/notification-preferences", nil)
	modes, _ := out["modes"].(map[string]any)
	if status != http.StatusOK || modes["tandem.proposed"] != "daily" || modes["role.granted"] != "off" || modes["tandem.running"] != "immediate" || out["enabled"] != true {
		t.Errorf("read back: got %d %v", status, out)
	}
	anon := &person{b: newBrowser(t), h: h}
	if status, _ := anon.call("GET", "/api/v1/me/notification-preferences", nil); status != http.StatusUnauthorized {
		t.Errorf("anonymous: got %d, want 401", status)
	}
	if status, _ := anon.call("PUT", "/api/v1/me/notification-preferences", map[string]any{"modes": map[string]string{"role.granted": "off"}}); status != http.StatusUnauthorized {
		t.Errorf("anonymous PUT: got %d, want 401", status)
	}
}

// TestIntegrationIntroductionConsent: an address reaches the partner only
// when its owner shared it at accepting; curators never see it; erasing the
// account takes it out of the partner's inbox again.
func TestIntegrationIntroductionConsent(t *testing.T) {
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	kat := h.signInAs(t, op, "kat", "kat@hanse.example", "Katharina Weber")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	id := proposeAdaToKat(t, h, ada, kat, cura, "")
	if status, out := ada.call("POST", "/api/v1/me/tandems/"+id+"/accept", map[string]any{"shareContact": "yes"}); status != http.StatusBadRequest || ruleOf(out, "shareContact") == "" {
		t.Errorf("shareContact not a boolean: got %d %v, want 400 naming it", status, out)
	}
	if status, out := ada.call("POST", "/api/v1/me/tandems/"+id+"/accept", map[string]any{"shareContact": true}); status != http.StatusOK || out["contactShared"] != true {
		t.Fatalf("Ada accepts, sharing: got %d %v", status, out)
	}
	kat.call("POST", "/api/v1/me/tandems/"+id+"/accept", nil)

	mine := func(p *person) map[string]any {
		t.Helper()
		_, out := p.call("GET", "/api/v1/me/tandems", nil)
		items, _ := out["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("tandems: got %v", out)
		}
		return items[0].(map[string]any)
	}
	if k := mine(kat); k["partnerContact"] != "ada@nordlicht.example" || k["contactShared"] != false {
		t.Errorf("Katharina's view: got contact %v, shared %v; want Ada's address and false", k["partnerContact"], k["contactShared"])
	}
	if a := mine(ada); a["partnerContact"] != nil || a["contactShared"] != true {
		t.Errorf("Ada's view: got contact %v, shared %v; want none and true", a["partnerContact"], a["contactShared"])
	}
	_, ct := cura.call("GET", "/api/v1/moderation/tandems/"+id, nil)
	if raw := fmt.Sprint(ct); strings.Contains(raw, "@") {
		t.Errorf("the curator's view shows an address: %s", raw)
	}
	inboxHas := func(p *person, s string) bool {
		t.Helper()
		_, out := p.call("GET", "/api/v1/me/notifications", nil)
		return strings.Contains(fmt.Sprint(out), s)
	}
	if !inboxHas(kat, "ada@nordlicht.example") || inboxHas(ada, "kat@hanse.example") {
		t.Errorf("introductions: Katharina's has Ada's address = %v (want true); Ada's has Katharina's = %v (want false)",
			inboxHas(kat, "ada@nordlicht.example"), inboxHas(ada, "kat@hanse.example"))
	}
	if status, out := ada.call("DELETE", "/api/v1/me", nil); status != http.StatusNoContent {
		t.Fatalf("Ada deletes her account: got %d %v", status, out)
	}
	if inboxHas(kat, "ada@nordlicht.example") {
		t.Error("after Ada's erasure, Katharina's inbox still has her address")
	}
}
