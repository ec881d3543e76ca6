package frontend

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAccountLineManagersSection(t *testing.T) {
	e := newPagesEnv(t)
	app := e.app(t, lena)
	tests := []struct {
		lang string
		want []string
	}{
		{"en", []string{`<h2 id="line-managers-title">Line managers</h2>`, "We will never pair you with any of them",
			"We do not store these e-mail addresses: only a fingerprint", "You have not named any line managers.",
			`action="/account/line-managers"`, `name="emails"`, `<label for="f-line-managers">`, "at most 10", "Save line managers"}},
		{"de", []string{`<h2 id="line-managers-title">Vorgesetzte</h2>`, "Wir bringen Sie nie mit einer dieser Personen zusammen",
			"Wir speichern diese E-Mail-Adressen nicht", "Sie haben keine Vorgesetzten angegeben.", "höchstens 10", "Vorgesetzte speichern"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			r := do(t, app, "/account", langHeader(tt.lang))
			if r.status != http.StatusOK {
				t.Fatalf("status: got %d, want 200", r.status)
			}
			form := r.body[strings.Index(r.body, `action="/account/line-managers"`):]
			assertBody(t, form, []string{`name="csrf_token" value="csrf-lena"`}, nil)
			assertBody(t, r.body, tt.want, []string{`aria-invalid="true"`})
			assertNoInlineCode(t, r.body)
		})
	}
}

func TestAccountLineManagersSave(t *testing.T) {
	e := newPagesEnv(t)
	ctx := context.Background()
	app := e.app(t, lena)
	eleven := ""
	for i := range 11 {
		eleven += fmt.Sprintf("boss%d@acme.example\n", i)
	}
	invalid := []struct {
		name, lang, text string
		want             []string
	}{
		{"not an address", "en", "klara.boss@acme.example\n\nnobody",
			[]string{"Your line managers were not saved.", "Line 3: “nobody” is not an e-mail address.", ">\nklara.boss@acme.example\n\nnobody</textarea>"}},
		{"own address", "de", "LENA@acme.example",
			[]string{"Ihre Vorgesetzten wurden nicht gespeichert.", "Zeile 1: „LENA@acme.example“ ist Ihre eigene Adresse"}},
		{"two bad on one line", "en", "ceo@acme.example\nx, <b>y</b>",
			[]string{"Line 2: “x” is not an e-mail address.", "Line 2: “&lt;b&gt;y&lt;/b&gt;” is not an e-mail address."}},
		{"too many", "en", eleven, []string{"Name at most 10 managers."}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, app, http.MethodPost, "/account/line-managers", url.Values{"csrf_token": {lena.CSRFToken}, "emails": {tt.text}}, langHeader(tt.lang))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status: got %d, want 422; body %.300s", r.status, r.body)
			}
			assertBody(t, r.body, append(tt.want, `aria-invalid="true"`, `aria-describedby="hint-line-managers err-line-managers"`), []string{"<b>y</b>"})
			if lm, err := e.LineManagers.Mine(ctx, lena); err != nil || len(lm.Managers) != 0 {
				t.Errorf("after a refused save: got %+v, %v; want nothing stored", lm, err)
			}
		})
	}

	r := send(t, app, http.MethodPost, "/account/line-managers",
		url.Values{"csrf_token": {lena.CSRFToken}, "emails": {" Klara.Boss@acme.example\r\nceo@acme.example, klara.boss@ACME.example\n"}}, nil)
	assertRedirect(t, r, "/account?done=line-managers#line-managers")
	for lang, want := range map[string][]string{
		"en": {"Your line managers were saved.", "Your declared managers", `<li class="chip">k…@acme.example</li>`, `<li class="chip">c…@acme.example</li>`, "Last changed"},
		"de": {"Ihre Vorgesetzten wurden gespeichert.", "Ihre angegebenen Vorgesetzten", `<li class="chip">k…@acme.example</li>`},
	} {
		body := do(t, app, "/account?done=line-managers", langHeader(lang)).body
		assertBody(t, body, want, []string{"klara", "ceo@", "You have not named"})
	}
	if body := do(t, app, "/account", nil).body; strings.Contains(body, "were saved") {
		t.Errorf("the notice shows without ?done=")
	}
	// An empty field removes the list.
	r = send(t, app, http.MethodPost, "/account/line-managers", url.Values{"csrf_token": {lena.CSRFToken}, "emails": {"\n  \n"}}, nil)
	assertRedirect(t, r, "/account?done=line-managers#line-managers")
	if lm, _ := e.LineManagers.Mine(ctx, lena); len(lm.Managers) != 0 {
		t.Errorf("after saving an empty field: got %+v, want no managers", lm)
	}
	// Visitors are sent to sign in.
	r = send(t, e.app(t, nil), http.MethodPost, "/account/line-managers", url.Values{"emails": {"k@acme.example"}}, nil)
	assertRedirect(t, r, "/signin?return_to=%2Faccount")
}
