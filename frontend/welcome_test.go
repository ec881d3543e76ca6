package frontend

import "testing"

func TestWelcomePage(t *testing.T) {
	e := newPagesEnv(t)
	assertRedirect(t, do(t, e.app(t, nil), "/welcome", nil), "/signin?return_to=%2Fwelcome")
	tests := []struct {
		lang string
		want []string
	}{
		{"en", []string{"Welcome, Lena Hoffmann!", `href="/apply"`, "Write my application", `href="/request"`, "Ask for a reverse mentor", `href="/mentors"`}},
		{"de", []string{"Willkommen, Lena Hoffmann!", "Bewerbung schreiben", "Nach einem Reverse Mentor fragen", "Erst einmal umsehen"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			r := do(t, e.app(t, lena), "/welcome", langHeader(tt.lang))
			if r.status != 200 {
				t.Fatalf("status: got %d", r.status)
			}
			assertBody(t, r.body, tt.want, nil)
			assertNoInlineCode(t, r.body)
		})
	}
	// Signed in, the landing page no longer asks to sign in.
	assertBody(t, do(t, e.app(t, lena), "/", langHeader("en")).body, []string{"You are signed in.", `href="/welcome"`},
		[]string{"Sign in with the account you already have"})
}
