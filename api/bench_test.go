package api_test

import (
	"net/http"
	"testing"

	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/oidctest"
)

// BenchmarkSignInRoundTrip measures one complete sign-in against the
// development OpenID Provider (login redirect, provider's sign-in form, code
// exchange, ID-token verification, user upsert, new session) plus GET /me,
// over loopback HTTP with the embedded database.
func BenchmarkSignInRoundTrip(b *testing.B) {
	benchSignIn(b, func(tb testing.TB, base string) []identity.ProviderConfig {
		return []identity.ProviderConfig{devProvider(tb, "dev", base)}
	}, "dev")
}

// BenchmarkSignInRoundTripMinimalOP is the same against the minimal test
// provider, to separate the platform's share from the provider's.
func BenchmarkSignInRoundTripMinimalOP(b *testing.B) {
	benchSignIn(b, func(tb testing.TB, base string) []identity.ProviderConfig {
		return []identity.ProviderConfig{testProvider("op", oidctest.New(tb))}
	}, "op")
}

// BenchmarkAuthenticatedRequest measures GET /api/v1/me with a session: one
// session read per request.
func BenchmarkAuthenticatedRequest(b *testing.B) {
	h := newHarness(b, func(base string) []identity.ProviderConfig {
		return []identity.ProviderConfig{testProvider("op", oidctest.New(b))}
	})
	br := newBrowser(b)
	h.signIn(br, "op", "/", "", "")
	for b.Loop() {
		if _, status := h.me(br); status != http.StatusOK {
			b.Fatalf("me: %d", status)
		}
	}
}

func benchSignIn(b *testing.B, providers func(tb testing.TB, base string) []identity.ProviderConfig, id string) {
	h := newHarness(b, func(base string) []identity.ProviderConfig { return providers(b, base) }, noLoginLimit)
	for b.Loop() {
		br := newBrowser(b)
		h.signIn(br, id, "/", "bench@example.org", "Bench Mark")
		if _, status := h.me(br); status != http.StatusOK {
			b.Fatalf("me: %d", status)
		}
	}
}
