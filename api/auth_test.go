package api_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/identity/devidp"
	"github.com/opentomentor/opentomentor/internal/oidctest"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/mongostore"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// devProvider starts an independent development OpenID Provider on its own
// server and returns the relying party's configuration for it.
func devProvider(t testing.TB, id, baseURL string) identity.ProviderConfig {
	t.Helper()
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	p, err := devidp.New(devidp.Config{
		Issuer: srv.URL + "/devidp",
		Clients: []devidp.Client{{ID: "rp-" + id, Secret: "secret-" + id,
			RedirectURIs: []string{baseURL + "/auth/" + id + "/callback"}, PostLogoutRedirectURIs: []string{baseURL + "/"}}},
	})
	if err != nil {
		t.Fatalf("devidp.New: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	h = p.Handler()
	return identity.ProviderConfig{ID: id, Name: "Provider " + id, Issuer: p.Issuer(), ClientID: "rp-" + id, ClientSecret: "secret-" + id}
}

func testProvider(id string, op *oidctest.Provider) identity.ProviderConfig {
	return identity.ProviderConfig{ID: id, Name: "Test " + id, Issuer: op.Issuer(), ClientID: op.ClientID, ClientSecret: op.ClientSecret, TrustEmails: true}
}

func TestIntegrationSignInMultiIssuer(t *testing.T) {
	h := newHarness(t, func(base string) []identity.ProviderConfig {
		return []identity.ProviderConfig{devProvider(t, "alpha", base), devProvider(t, "beta", base)}
	})
	tests := []struct {
		provider, email, name string
	}{
		{"alpha", "lena@nordlicht.example", "Lena Hoffmann"},
		{"beta", "lena@nordlicht.example", "Lena H. (beta)"},
		{"beta", "katharina@hanse.example", "Katharina Weber"},
	}
	ids := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.provider+"/"+tt.email, func(t *testing.T) {
			b := newBrowser(t)
			if got := h.signIn(b, tt.provider, "/account?tab=profile", tt.email, tt.name); got != "/account?tab=profile" {
				t.Errorf("redirect after sign-in: got %q, want %q", got, "/account?tab=profile")
			}
			m, status := h.me(b)
			if m == nil {
				t.Fatalf("GET /api/v1/me: status %d, want 200", status)
			}
			if m.Email != tt.email || m.Name != tt.name {
				t.Errorf("me: got %q <%s>, want %q <%s>", m.Name, m.Email, tt.name, tt.email)
			}
			if m.CSRFToken == "" {
				t.Error("me: empty csrfToken")
			}
			if m.Organization == nil || m.Organization.Verified {
				t.Errorf("organization: got %+v, want an unverified organization from the e-mail domain", m.Organization)
			}
			ids[tt.provider+"/"+tt.email] = m.ID
		})
	}
	// Users are keyed by issuer + subject: the same e-mail at two issuers is two users.
	if a, b := ids["alpha/lena@nordlicht.example"], ids["beta/lena@nordlicht.example"]; a == "" || a == b {
		t.Errorf("user ids at two issuers: got %q and %q, want two different ids", a, b)
	}
}

func TestIntegrationSignInUserinfoFallback(t *testing.T) {
	op := oidctest.New(t)
	op.OmitIDTokenClaims = true
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} })
	b := newBrowser(t)
	h.signIn(b, "op", "/", "", "")
	m, status := h.me(b)
	if m == nil {
		t.Fatalf("me: status %d", status)
	}
	if m.Email != op.User.Email || m.Name != op.User.Name {
		t.Errorf("me: got %q <%s>, want %q <%s> from userinfo", m.Name, m.Email, op.User.Name, op.User.Email)
	}
}

// assertRefused checks that a callback was refused and left no session.
func assertRefused(t *testing.T, h *harness, b *browser, resp *http.Response, body, wantReason string) {
	t.Helper()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("callback: got status %d, want 401; body %.200s", resp.StatusCode, body)
	}
	if !strings.Contains(body, "Sign-in failed ("+wantReason+")") {
		t.Errorf("callback: got body %.300s, want the reason %q", body, wantReason)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "otm_session" && c.MaxAge >= 0 && c.Value != "" {
			t.Errorf("callback set a session cookie on refusal")
		}
	}
	if _, status := h.me(b); status != http.StatusUnauthorized {
		t.Errorf("me after refusal: got status %d, want 401", status)
	}
}

func TestIntegrationCallbackRefusals(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		setup  func(op *oidctest.Provider)
	}{
		{"bad signature", "invalid ID token", func(op *oidctest.Provider) { op.RogueKey = true }},
		{"wrong audience", "invalid ID token", func(op *oidctest.Provider) {
			op.Mutate = func(c map[string]any) { c["aud"] = "someone-else" }
		}},
		{"wrong issuer", "invalid ID token", func(op *oidctest.Provider) {
			op.Mutate = func(c map[string]any) { c["iss"] = "https://evil.example" }
		}},
		{"expired", "invalid ID token", func(op *oidctest.Provider) {
			op.Mutate = func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }
		}},
		{"issued long ago", "invalid ID token", func(op *oidctest.Provider) {
			op.Mutate = func(c map[string]any) { c["iat"] = time.Now().Add(-time.Hour).Unix() }
		}},
		{"issued in the future", "invalid ID token", func(op *oidctest.Provider) {
			op.Mutate = func(c map[string]any) { c["iat"] = time.Now().Add(time.Hour).Unix() }
		}},
		{"wrong nonce", "invalid ID token", func(op *oidctest.Provider) {
			op.Mutate = func(c map[string]any) { c["nonce"] = "not-the-nonce" }
		}},
		{"missing nonce", "invalid ID token", func(op *oidctest.Provider) {
			op.Mutate = func(c map[string]any) { delete(c, "nonce") }
		}},
		{"azp of another client", "invalid ID token", func(op *oidctest.Provider) {
			op.Mutate = func(c map[string]any) { c["aud"] = []string{op.ClientID, "other"}; c["azp"] = "other" }
		}},
		{"wrong iss parameter (RFC 9207)", "response from a different identity provider", func(op *oidctest.Provider) {
			op.IssParam, op.IssParamValue = true, "https://evil.example"
		}},
		{"missing iss parameter although advertised", "issuer missing from the response", func(op *oidctest.Provider) {
			op.IssParam, op.IssParamValue = true, "-"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := oidctest.New(t)
			tt.setup(op)
			h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} })
			b := newBrowser(t)
			cb := h.toCallback(b, "op", "/", "", "")
			if op.IssParamValue == "-" {
				cb = dropParam(t, cb, "iss")
			}
			resp, body := b.get(cb)
			assertRefused(t, h, b, resp, body, tt.reason)
		})
	}
}

func dropParam(t *testing.T, raw, name string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Del(name)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestIntegrationStateRefusals(t *testing.T) {
	opA, opB := oidctest.New(t), oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig {
		return []identity.ProviderConfig{testProvider("a", opA), testProvider("b", opB)}
	})

	t.Run("forged state", func(t *testing.T) {
		b := newBrowser(t)
		cb := h.toCallback(b, "a", "/", "", "")
		u, _ := url.Parse(cb)
		q := u.Query()
		q.Set("state", "forged-"+q.Get("state"))
		u.RawQuery = q.Encode()
		resp, body := b.get(u.String())
		assertRefused(t, h, b, resp, body, "unknown or already used state")
	})
	t.Run("missing state", func(t *testing.T) {
		b := newBrowser(t)
		resp, body := b.get(dropParam(t, h.toCallback(b, "a", "/", "", ""), "state"))
		assertRefused(t, h, b, resp, body, "missing state")
	})
	t.Run("reused state", func(t *testing.T) {
		b := newBrowser(t)
		cb := h.toCallback(b, "a", "/", "", "")
		if resp, _ := b.get(cb); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first callback: status %d, want 303", resp.StatusCode)
		}
		b2 := newBrowser(t) // a fresh browser, as an attacker replaying a leaked URL
		resp, body := b2.get(cb)
		assertRefused(t, h, b2, resp, body, "unknown or already used state")
		resp, _ = b.get(cb) // and the same browser again
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("same browser replay: got %d, want 401", resp.StatusCode)
		}
	})
	t.Run("code replayed with a fresh state", func(t *testing.T) {
		b := newBrowser(t)
		first := h.toCallback(b, "a", "/", "", "")
		if resp, _ := b.get(first); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first callback: status %d, want 303", resp.StatusCode)
		}
		oldCode := mustQuery(t, first, "code")
		b2 := newBrowser(t)
		second := h.toCallback(b2, "a", "/", "", "")
		u, _ := url.Parse(second)
		q := u.Query()
		q.Set("code", oldCode)
		u.RawQuery = q.Encode()
		resp, body := b2.get(u.String())
		assertRefused(t, h, b2, resp, body, "the code was refused")
	})
	t.Run("callback in another browser", func(t *testing.T) {
		b := newBrowser(t)
		cb := h.toCallback(b, "a", "/", "", "")
		other := newBrowser(t)
		resp, body := other.get(cb)
		assertRefused(t, h, other, resp, body, "started in another browser")
	})
	t.Run("a binding the client chose", func(t *testing.T) {
		// Login CSRF by cookie tossing: the attacker plants a binding of
		// their choosing in the victim's browser and in their own, starts a
		// sign-in with their own account and sends the victim the callback.
		chosen := strings.Repeat("A", 43) + ".chosen-by-the-attacker"
		u, _ := url.Parse(h.URL)
		attacker, victim := newBrowser(t), newBrowser(t)
		for _, b := range []*browser{attacker, victim} {
			b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "otm_login", Value: chosen, Path: "/"}})
		}
		cb := h.toCallback(attacker, "a", "/", "", "")
		for _, c := range attacker.c.Jar.Cookies(u) {
			if c.Name == "otm_login" && c.Value == chosen {
				t.Errorf("the attacker's browser kept the chosen binding: the platform accepted it")
			}
		}
		resp, body := victim.get(cb)
		assertRefused(t, h, victim, resp, body, "started in another browser")
	})
	t.Run("mix-up: provider B's response at provider A's callback", func(t *testing.T) {
		b := newBrowser(t)
		cbB := h.toCallback(b, "b", "/", "", "")
		mixed := strings.Replace(cbB, "/auth/b/callback", "/auth/a/callback", 1)
		resp, body := b.get(mixed)
		assertRefused(t, h, b, resp, body, "response from a different identity provider")
	})
	t.Run("provider error", func(t *testing.T) {
		b := newBrowser(t)
		cb := h.toCallback(b, "a", "/", "", "")
		u, _ := url.Parse(cb)
		q := u.Query()
		q.Del("code")
		q.Set("error", "access_denied")
		u.RawQuery = q.Encode()
		resp, body := b.get(u.String())
		assertRefused(t, h, b, resp, body, "the identity provider said access_denied")
	})
	t.Run("unknown provider", func(t *testing.T) {
		b := newBrowser(t)
		resp, _ := b.get(h.URL + "/auth/nope/login")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /auth/nope/login: got %d, want 404", resp.StatusCode)
		}
	})
}

func mustQuery(t *testing.T, raw, name string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	v := u.Query().Get(name)
	if v == "" {
		t.Fatalf("%s has no %s", raw, name)
	}
	return v
}

func TestIntegrationEntraTenantAllowList(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig {
		pc := testProvider("entra", op)
		pc.AcceptedIssuers = []string{op.Issuer() + "/{tenantid}/v2.0"}
		pc.AllowedTenants = []string{"tenant-good"}
		return []identity.ProviderConfig{pc}
	})
	tests := []struct {
		tenant string
		ok     bool
	}{
		{"tenant-good", true},
		{"tenant-evil", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run("tid="+tt.tenant, func(t *testing.T) {
			op.Set(func(p *oidctest.Provider) {
				p.Mutate = func(c map[string]any) {
					c["iss"] = op.Issuer() + "/" + tt.tenant + "/v2.0"
					c["tid"] = tt.tenant
				}
			})
			b := newBrowser(t)
			resp, body := b.get(h.toCallback(b, "entra", "/", "", ""))
			if !tt.ok {
				assertRefused(t, h, b, resp, body, "invalid ID token")
				return
			}
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("allowed tenant: got status %d, want 303; body %.200s", resp.StatusCode, body)
			}
		})
	}
}

func TestIntegrationReturnTo(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} })
	tests := []struct{ returnTo, want string }{
		{"/account", "/account"},
		{"/mentors?q=ai&topic=digital-skills", "/mentors?q=ai&topic=digital-skills"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/auth/op/login", "/"},
		{"evil", "/"},
		{"", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.returnTo, func(t *testing.T) {
			b := newBrowser(t)
			if got := h.signIn(b, "op", tt.returnTo, "", ""); got != tt.want {
				t.Errorf("return_to %q: redirected to %q, want %q", tt.returnTo, got, tt.want)
			}
		})
	}
}

func TestIntegrationLogoutAndCSRF(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} })
	b := newBrowser(t)
	h.signIn(b, "op", "/", "", "")
	m, _ := h.me(b)
	if m == nil {
		t.Fatal("not signed in")
	}
	// Keep the session cookie to replay it after logout.
	u, _ := url.Parse(h.URL)
	var sessionCookie *http.Cookie
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "otm_session" {
			sessionCookie = c
		}
	}
	if sessionCookie == nil {
		t.Fatal("no session cookie")
	}

	tests := []struct {
		name   string
		header map[string]string
		form   url.Values
		want   int
	}{
		{"no token", nil, nil, http.StatusForbidden},
		{"wrong header token", map[string]string{"X-CSRF-Token": "nope"}, nil, http.StatusForbidden},
		{"wrong form token", nil, url.Values{"csrf_token": {"nope"}}, http.StatusForbidden},
		{"cross-site origin with the right token", map[string]string{"X-CSRF-Token": m.CSRFToken, "Origin": "https://evil.example"}, nil, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := b.postForm(h.URL+"/auth/logout", tt.form, tt.header)
			if resp.StatusCode != tt.want {
				t.Errorf("POST /auth/logout: got %d, want %d; body %.200s", resp.StatusCode, tt.want, body)
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") && tt.header != nil {
				t.Errorf("content type: got %q, want application/problem+json", resp.Header.Get("Content-Type"))
			}
			if _, status := h.me(b); status != http.StatusOK {
				t.Errorf("session ended by a refused request: me status %d", status)
			}
		})
	}

	// No raw ID token is kept with the session.
	if n, err := h.DB.Collection("sessions").CountDocuments(context.Background(), bson.D{{Key: "idToken", Value: bson.D{{Key: "$exists", Value: true}}}}); err != nil || n != 0 {
		t.Errorf("sessions keeping an ID token: got %d (%v), want 0", n, err)
	}
	resp, _ := b.postForm(h.URL+"/auth/logout", url.Values{"csrf_token": {m.CSRFToken}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: got %d, want 303", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); strings.Contains(loc, "id_token_hint") {
		t.Errorf("logout redirect: got %q, want no id_token_hint (the client_id names us)", loc)
	}
	if _, status := h.me(b); status != http.StatusUnauthorized {
		t.Errorf("me after logout: got %d, want 401", status)
	}
	// The old cookie, replayed, is dead.
	replay := newBrowser(t)
	replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: "otm_session", Value: sessionCookie.Value, Path: "/"}})
	if _, status := h.me(replay); status != http.StatusUnauthorized {
		t.Errorf("me with the session cookie after logout: got %d, want 401", status)
	}
}

func TestIntegrationLogoutEverywhere(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} })
	laptop, phone := newBrowser(t), newBrowser(t)
	h.signIn(laptop, "op", "/", "", "")
	h.signIn(phone, "op", "/", "", "")
	m, _ := h.me(laptop)
	if m == nil {
		t.Fatal("not signed in")
	}
	resp, _ := laptop.postForm(h.URL+"/auth/logout?everywhere=1", nil, map[string]string{"X-CSRF-Token": m.CSRFToken})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("logout everywhere: got %d, want 204", resp.StatusCode)
	}
	for name, b := range map[string]*browser{"laptop": laptop, "phone": phone} {
		if _, status := h.me(b); status != http.StatusUnauthorized {
			t.Errorf("%s after logout everywhere: got %d, want 401", name, status)
		}
	}
}

func TestIntegrationSessionRotatedAtSignIn(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} })
	b := newBrowser(t)
	u, _ := url.Parse(h.URL)
	cookie := func() string {
		for _, c := range b.c.Jar.Cookies(u) {
			if c.Name == "otm_session" {
				return c.Value
			}
		}
		return ""
	}
	h.signIn(b, "op", "/", "", "")
	first := cookie()
	h.signIn(b, "op", "/", "", "")
	if second := cookie(); first == "" || second == first {
		t.Errorf("session token after second sign-in: got %q, want a new token (first %q)", second, first)
	}
}

// A provider that is down at start does not stop the platform: sign-in
// answers 503 until the provider is reachable, then works.
func TestIntegrationProviderDownAtStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there yet
	h := newHarness(t, func(string) []identity.ProviderConfig {
		return []identity.ProviderConfig{{ID: "late", Name: "Late", Issuer: "http://" + addr, ClientID: "rp-client", ClientSecret: "rp-secret"}}
	})
	b := newBrowser(t)
	resp, body := b.get(h.URL + "/auth/late/login")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("login while the provider is down: got %d, want 503; body %.200s", resp.StatusCode, body)
	}
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	oidctest.NewOn(t, ln2)
	// Discovery is retried with backoff (1 s after the first failure).
	var cb string
	for i := 0; i < 40; i++ {
		resp, _ = b.get(h.URL + "/auth/late/login")
		if resp.StatusCode == http.StatusFound {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login after the provider came up: got %d, want 302", resp.StatusCode)
	}
	cb = h.toCallback(b, "late", "/", "", "")
	if resp, _ := b.get(cb); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("callback: got %d, want 303", resp.StatusCode)
	}
}

// noLoginLimit turns the sign-in rate limit off (benchmarks sign in hundreds of times).
func noLoginLimit(_ *identity.Config, ac *apiConfig) { ac.LoginsPerMinute = -1 }

func TestIntegrationLoginRateLimit(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(_ *identity.Config, ac *apiConfig) { ac.LoginsPerMinute = 3 })
	b := newBrowser(t)
	for i := range 3 {
		if resp, _ := b.get(h.URL + "/auth/op/login"); resp.StatusCode != http.StatusFound {
			t.Fatalf("login %d: got %d, want 302", i+1, resp.StatusCode)
		}
	}
	resp, body := b.get(h.URL + "/auth/op/login")
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many sign-in attempts") {
		t.Errorf("4th login in a minute: got %d %.200s, want 429 with a message", resp.StatusCode, body)
	}
}

// TestIntegrationLoginRateLimitAcrossReplicas: two replicas sharing the
// database's counters (as against MongoDB) enforce one limit together.
func TestIntegrationLoginRateLimitAcrossReplicas(t *testing.T) {
	op := oidctest.New(t)
	kv, err := mongostore.NewKV(context.Background(), testenv.DB(t), "rate_limits")
	if err != nil {
		t.Fatal(err)
	}
	replica := func() *harness {
		return newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
			func(_ *identity.Config, ac *apiConfig) { ac.LoginsPerMinute, ac.RateLimitStorage = 3, kv })
	}
	a, b := replica(), replica()
	br := newBrowser(t)
	for i, h := range []*harness{a, b, a} {
		if resp, _ := br.get(h.URL + "/auth/op/login"); resp.StatusCode != http.StatusFound {
			t.Fatalf("login %d: got %d, want 302", i+1, resp.StatusCode)
		}
	}
	if resp, _ := br.get(b.URL + "/auth/op/login"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("4th login in a minute, on the other replica: got %d, want 429", resp.StatusCode)
	}
}
