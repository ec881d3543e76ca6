package frontend

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/opentomentor/opentomentor/notify"
)

// BenchmarkPageSignedIn measures a page for a signed-in person, whose header
// reads the unread count (one inbox look-up by _id) and, without a staff
// role, whether they curate a program (the programs collection): the cost
// every page now pays. "visitor" is the same page without either.
//
//	go test -run '^$' -bench PageSignedIn -benchtime 200x ./frontend/
func BenchmarkPageSignedIn(b *testing.B) {
	e := newPagesEnv(b)
	ctx := context.Background()
	for i := range 50 {
		if err := e.Notify.Send(ctx, lena.UserID, notify.Message{ID: fmt.Sprintf("m%d", i), Type: notify.TypeTandemProposed,
			Args: map[string]any{"partner": "Katrin Weber", "program": "Open program"}, Link: "/tandems"}); err != nil {
			b.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name string
		app  func() *http.Request
		who  bool
	}{{"visitor", nil, false}, {"signed-in", nil, true}} {
		b.Run(tt.name, func(b *testing.B) {
			p := lena
			if !tt.who {
				p = nil
			}
			app := e.app(b, p)
			for b.Loop() {
				resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/programs", nil), -1)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("GET /programs: %v %v", resp, err)
				}
				resp.Body.Close()
			}
		})
	}
}
