package frontend

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/opentomentor/opentomentor/notify"
)

func TestInboxPage(t *testing.T) {
	e := newPagesEnv(t)
	ctx := context.Background()
	for _, m := range []notify.Message{
		{ID: "a", Type: notify.TypeApplicationDecided, Args: map[string]any{"decision": "request_changes", "reason": "Bitte nenne Tools."}, Link: "/apply"},
		{ID: "b", Type: notify.TypeTandemProposed, Args: map[string]any{"partner": "Katrin Weber", "program": "Open program"}, Link: "/tandems"},
	} {
		if err := e.Notify.Send(ctx, lena.UserID, m); err != nil {
			t.Fatal(err)
		}
	}
	r := do(t, e.app(t, lena), "/", langHeader("de"))
	assertBody(t, r.body, []string{`href="/notifications"`, `<span class="badge" aria-hidden="true">2</span>`, "(2 ungelesen)"}, nil)
	r = do(t, e.app(t, lena), "/notifications", langHeader("de"))
	assertBody(t, r.body, []string{"<h1>Nachrichten</h1>", "Ein Tandem mit Katrin Weber ist vorgeschlagen", "Bitte überarbeiten Sie Ihre Bewerbung",
		"Das Programmteam (Offenes Programm) schlägt ein Tandem mit Katrin Weber vor.",
		"Das Programmteam bittet: Bitte nenne Tools.", `href="/notifications/open?id=b"`}, nil)
	assertNoInlineCode(t, r.body)

	// Opening one marks it read and goes to its link; the bell fragment counts one.
	assertRedirect(t, do(t, e.app(t, lena), "/notifications/open?id=b", nil), "/tandems")
	assertBody(t, do(t, e.app(t, lena), "/notifications/bell", langHeader("en")).body, []string{`hx-get="/notifications/bell"`, "(1 unread)"}, nil)
	assertRedirect(t, send(t, e.app(t, lena), http.MethodPost, "/notifications/read", url.Values{"csrf_token": {lena.CSRFToken}}, nil), "/notifications")
	assertBody(t, do(t, e.app(t, lena), "/", langHeader("en")).body, []string{`href="/notifications"`}, []string{`class="badge"`})

	// Someone else's messages are not Cora's; visitors go to sign in.
	if r := do(t, e.app(t, cora), "/notifications/open?id=b", langHeader("en")); r.status != http.StatusNotFound {
		t.Errorf("Cora opening Lena's message: got %d, want 404", r.status)
	}
	assertRedirect(t, do(t, e.app(t, nil), "/notifications", nil), "/signin?return_to=%2Fnotifications")
}
