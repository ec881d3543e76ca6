package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
)

func hintsOf(t *testing.T, out map[string]any) []string {
	t.Helper()
	ms, ok := out["managers"].([]any)
	if !ok {
		t.Fatalf("no managers list in %v", out)
	}
	hints := []string{}
	for _, m := range ms {
		hints = append(hints, str(m.(map[string]any)["hint"]))
	}
	return hints
}

func TestIntegrationLineManagersAPI(t *testing.T) {
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	anon := &person{b: newBrowser(t), h: h}
	const path = "/api/v1/me/line-managers"

	if status, _ := anon.call("GET", path, nil); status != http.StatusUnauthorized {
		t.Errorf("visitor: got %d, want 401", status)
	}
	status, out := ada.call("GET", path, nil)
	if status != http.StatusOK || len(hintsOf(t, out)) != 0 || out["updatedAt"] != nil {
		t.Fatalf("nothing declared: got %d %v", status, out)
	}
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("boss%d@nordlicht.example", i)
	}
	bad := []struct {
		name  string
		body  any
		field string
	}{
		{"not an address", map[string]any{"emails": []string{"klara@acme.example", "klara"}}, "emails[1]"},
		{"display name", map[string]any{"emails": []string{"Klara <klara@acme.example>"}}, "emails[0]"},
		{"own address", map[string]any{"emails": []string{" ADA@Nordlicht.example"}}, "emails[0]"},
		{"more than ten", map[string]any{"emails": eleven}, "emails"},
		{"wrong type", map[string]any{"emails": "klara@acme.example"}, "emails"},
		{"unknown field", map[string]any{"managers": []string{"klara@acme.example"}}, "managers"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			status, out := ada.call("PUT", path, tt.body)
			if status != http.StatusBadRequest || !contains(fieldsOf(out), tt.field) {
				t.Errorf("got %d fields %v, want 400 naming %q", status, fieldsOf(out), tt.field)
			}
			if _, now := ada.call("GET", path, nil); len(hintsOf(t, now)) != 0 {
				t.Errorf("after a refused PUT: got %v, want nothing stored", now)
			}
		})
	}
	if status, _ := ada.b.jsonCall("PUT", h.URL+path, "", map[string]any{"emails": []string{"klara@acme.example"}}); status != http.StatusForbidden {
		t.Errorf("PUT without the CSRF token: got %d, want 403", status)
	}

	status, out = ada.call("PUT", path, map[string]any{"emails": []string{" Klara.Boss@Acme.example", "ceo@acme.example", "klara.boss@ACME.example"}})
	want := []string{"k…@acme.example", "c…@acme.example"}
	if status != http.StatusOK || !slices.Equal(hintsOf(t, out), want) || out["updatedAt"] == nil {
		t.Fatalf("save: got %d %v, want hints %v", status, out, want)
	}
	if _, out := ada.call("GET", path, nil); !slices.Equal(hintsOf(t, out), want) {
		t.Errorf("read back: got %v, want %v", out, want)
	}

	// The export has the declaration as hints; no address is stored to export.
	status, ex := ada.call("GET", "/api/v1/me/export", nil)
	if status != http.StatusOK {
		t.Fatalf("export: got %d %v", status, ex)
	}
	lm, _ := ex["lineManagers"].(map[string]any)
	if lm == nil || !slices.Equal(hintsOf(t, lm), want) {
		t.Errorf("export lineManagers: got %v, want hints %v", ex["lineManagers"], want)
	}
	raw, _ := json.Marshal(ex)
	for _, leak := range []string{"klara", "ceo@"} {
		if strings.Contains(strings.ToLower(string(raw)), leak) {
			t.Errorf("export holds %q", leak)
		}
	}

	// An empty list removes the declaration; deleting the account does too.
	if status, out := ada.call("PUT", path, map[string]any{"emails": []string{}}); status != http.StatusOK || len(hintsOf(t, out)) != 0 {
		t.Errorf("clear: got %d %v", status, out)
	}
	ada.call("PUT", path, map[string]any{"emails": []string{"klara@acme.example"}})
	if status, _ := ada.call("DELETE", "/api/v1/me", nil); status != http.StatusNoContent {
		t.Fatalf("DELETE /me: got %d", status)
	}
	left, err := h.LineManagers.Mine(context.Background(), &otm.Principal{UserID: ada.me.ID})
	if err != nil || len(left.Managers) != 0 {
		t.Errorf("after account deletion: got %+v, %v; want no declaration", left, err)
	}
}
