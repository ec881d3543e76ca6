package devidp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

const (
	testClientID     = "platform"
	testClientSecret = "dev-secret-123"
	rpHost           = "rp.test" // never contacted: the browser stops there
	testRedirectURI  = "http://" + rpHost + "/auth/callback"
	testPostLogout   = "http://" + rpHost + "/signed-out"
)

var testPersonas = []Persona{
	{Email: "lena@nordlicht.example", Name: "Lena Nordlicht", Description: "Young professional (mentor) at Nordlicht Digital"},
	{Email: "tom@school.example", Name: "Tom <Mentee>", Description: "Pupil & mentee"},
}

func testConfig() Config {
	return Config{
		Clients: []Client{{
			ID:                     testClientID,
			Secret:                 testClientSecret,
			RedirectURIs:           []string{testRedirectURI},
			PostLogoutRedirectURIs: []string{testPostLogout},
		}},
		Personas: testPersonas,
	}
}

// testClock is a clock tests can move forward.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

type testIDP struct {
	p      *Provider
	issuer string
	clock  *testClock
}

// startIDP starts one provider whose issuer is the server URL + path.
func startIDP(t *testing.T, path string) *testIDP {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.Issuer = "http://" + l.Addr().String() + path
	p, err := New(cfg)
	if err != nil {
		l.Close()
		t.Fatalf("New: %v", err)
	}
	clock := new(testClock)
	p.store.now = clock.now // before the server starts: no race
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: p.Handler()}}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &testIDP{p: p, issuer: p.Issuer(), clock: clock}
}

// rp is a relying party built the way the platform builds one.
type rp struct {
	provider *oidc.Provider
	conf     oauth2.Config
	verifier *oidc.IDTokenVerifier
	browser  *http.Client
}

func newRP(t *testing.T, issuer string) *rp {
	t.Helper()
	provider, err := oidc.NewProvider(t.Context(), issuer)
	if err != nil {
		t.Fatalf("discovery of %s: %v", issuer, err)
	}
	return &rp{
		provider: provider,
		conf: oauth2.Config{
			ClientID:     testClientID,
			ClientSecret: testClientSecret,
			Endpoint:     provider.Endpoint(),
			RedirectURL:  testRedirectURI,
			Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
		},
		verifier: provider.Verifier(&oidc.Config{ClientID: testClientID}),
		browser:  newBrowser(),
	}
}

// newBrowser follows redirects like a browser but stops at the relying
// party, whose host does not exist.
func newBrowser() *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Host == rpHost {
				return http.ErrUseLastResponse
			}
			if len(via) > 10 {
				return errors.New("too many redirects")
			}
			return nil
		},
	}
}

func randomString(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

type authStart struct {
	state, nonce, verifier string
	url                    string
}

// begin builds an authorization URL with state, nonce and a PKCE S256 challenge.
func (r *rp) begin(t *testing.T) authStart {
	t.Helper()
	a := authStart{state: randomString(t), nonce: randomString(t), verifier: oauth2.GenerateVerifier()}
	a.url = r.conf.AuthCodeURL(a.state, oidc.Nonce(a.nonce), oauth2.S256ChallengeOption(a.verifier))
	return a
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// openLogin follows the authorization URL to the sign-in page and returns
// the page's URL and HTML.
func (r *rp) openLogin(t *testing.T, authURL string) (*url.URL, string) {
	t.Helper()
	resp, err := r.browser.Get(authURL)
	if err != nil {
		t.Fatalf("GET authorize: %v", err)
	}
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in page: got status %d, want 200; body %q", resp.StatusCode, body)
	}
	if !strings.HasSuffix(resp.Request.URL.Path, "/login") || resp.Request.URL.Query().Get("authRequestID") == "" {
		t.Fatalf("sign-in page URL: got %s, want …/login?authRequestID=…", resp.Request.URL)
	}
	return resp.Request.URL, body
}

// submit posts the sign-in form the way the page does.
func (r *rp) submit(t *testing.T, loginURL *url.URL, authRequestID, email, name string) *http.Response {
	t.Helper()
	action := *loginURL
	action.RawQuery = ""
	resp, err := r.browser.PostForm(action.String(), url.Values{
		"authRequestID": {authRequestID},
		"email":         {email},
		"name":          {name},
	})
	if err != nil {
		t.Fatalf("POST sign-in form: %v", err)
	}
	return resp
}

// callback checks that resp redirects to the relying party and returns the
// redirect's query parameters.
func callback(t *testing.T, resp *http.Response) url.Values {
	t.Helper()
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("got status %d, want a redirect to the relying party; body %q", resp.StatusCode, body)
	}
	loc, err := resp.Location()
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != testRedirectURI {
		t.Fatalf("redirect: got %s, want %s", got, testRedirectURI)
	}
	return loc.Query()
}

type signedIn struct {
	authStart
	code string
}

// signIn runs the browser part of the flow and returns the code.
func (r *rp) signIn(t *testing.T, email, name string) signedIn {
	t.Helper()
	a := r.begin(t)
	loginURL, _ := r.openLogin(t, a.url)
	q := callback(t, r.submit(t, loginURL, loginURL.Query().Get("authRequestID"), email, name))
	if got := q.Get("state"); got != a.state {
		t.Fatalf("state: got %q, want %q", got, a.state)
	}
	if q.Get("code") == "" {
		t.Fatalf("no code in callback %v", q)
	}
	return signedIn{authStart: a, code: q.Get("code")}
}

type idClaims struct {
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name"`
	Nonce         string `json:"nonce"`
	AZP           string `json:"azp"`
}

// exchange trades the code for tokens, verifies the ID token and checks the
// claims the platform relies on.
func (r *rp) exchange(t *testing.T, s signedIn, wantEmail, wantName string) (*oauth2.Token, *oidc.IDToken, string) {
	t.Helper()
	tok, err := r.conf.Exchange(t.Context(), s.code, oauth2.VerifierOption(s.verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		t.Fatal("token response without id_token")
	}
	idt, err := r.verifier.Verify(t.Context(), raw)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		t.Fatal(err)
	}
	want := idClaims{Email: wantEmail, EmailVerified: true, Name: wantName, Nonce: s.nonce, AZP: testClientID}
	if c != want {
		t.Errorf("ID token claims: got %+v, want %+v", c, want)
	}
	if got, want := idt.Subject, Subject(wantEmail); got != want {
		t.Errorf("sub: got %q, want %q", got, want)
	}
	return tok, idt, raw
}

func TestCodeFlow(t *testing.T) {
	t.Parallel()
	idp := startIDP(t, "/devidp")
	r := newRP(t, idp.issuer)

	var disc struct {
		Issuer             string   `json:"issuer"`
		Authorization      string   `json:"authorization_endpoint"`
		Token              string   `json:"token_endpoint"`
		JWKS               string   `json:"jwks_uri"`
		Userinfo           string   `json:"userinfo_endpoint"`
		EndSession         string   `json:"end_session_endpoint"`
		Revocation         string   `json:"revocation_endpoint"`
		Introspection      string   `json:"introspection_endpoint"`
		CodeChallenge      []string `json:"code_challenge_methods_supported"`
		TokenAuthMethods   []string `json:"token_endpoint_auth_methods_supported"`
		ResponseTypes      []string `json:"response_types_supported"`
		IDTokenSigningAlgs []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := r.provider.Claims(&disc); err != nil {
		t.Fatal(err)
	}
	if disc.Issuer != idp.issuer {
		t.Errorf("discovery issuer: got %q, want %q", disc.Issuer, idp.issuer)
	}
	for name, ep := range map[string]string{
		"authorization": disc.Authorization, "token": disc.Token, "jwks": disc.JWKS, "userinfo": disc.Userinfo,
		"end_session": disc.EndSession, "revocation": disc.Revocation, "introspection": disc.Introspection,
	} {
		if !strings.HasPrefix(ep, idp.issuer+"/") {
			t.Errorf("%s endpoint: got %q, want it below %q", name, ep, idp.issuer)
		}
	}
	for _, c := range []struct {
		field string
		got   []string
		want  string
	}{
		{"code_challenge_methods_supported", disc.CodeChallenge, "S256"},
		{"token_endpoint_auth_methods_supported", disc.TokenAuthMethods, "client_secret_basic"},
		{"token_endpoint_auth_methods_supported", disc.TokenAuthMethods, "client_secret_post"},
		{"response_types_supported", disc.ResponseTypes, "code"},
		{"id_token_signing_alg_values_supported", disc.IDTokenSigningAlgs, "RS256"},
	} {
		if !slices.Contains(c.got, c.want) {
			t.Errorf("%s: got %v, want it to contain %q", c.field, c.got, c.want)
		}
	}

	// The sign-in page.
	a := r.begin(t)
	loginURL, page := r.openLogin(t, a.url)
	for _, want := range []string{
		"Development sign-in — this provider vouches for any e-mail you type; never use it in production",
		"Entwicklungs-Anmeldung",
		`name="email"`, `name="name"`, `name="authRequestID"`,
		"Lena Nordlicht", "Young professional (mentor) at Nordlicht Digital",
		"Tom &lt;Mentee&gt;", "Pupil &amp; mentee",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("sign-in page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "Tom <Mentee>", "http://", "https://"} {
		if strings.Contains(page, bad) {
			t.Errorf("sign-in page contains %q (unescaped text or an external asset)", bad)
		}
	}

	// Sign in with the free form; the e-mail is normalised.
	id := loginURL.Query().Get("authRequestID")
	q := callback(t, r.submit(t, loginURL, id, "  Anna.Beispiel@Example.ORG ", "  Anna Beispiel "))
	if got := q.Get("state"); got != a.state {
		t.Fatalf("state: got %q, want %q", got, a.state)
	}
	s := signedIn{authStart: a, code: q.Get("code")}
	tok, _, rawID := r.exchange(t, s, "anna.beispiel@example.org", "Anna Beispiel")

	// Userinfo.
	ui, err := r.provider.UserInfo(t.Context(), oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("UserInfo: %v", err)
	}
	var uiClaims struct {
		Name string `json:"name"`
	}
	if err := ui.Claims(&uiClaims); err != nil {
		t.Fatal(err)
	}
	if ui.Subject != Subject("anna.beispiel@example.org") || ui.Email != "anna.beispiel@example.org" || !ui.EmailVerified || uiClaims.Name != "Anna Beispiel" {
		t.Errorf("userinfo: got sub=%q email=%q verified=%v name=%q", ui.Subject, ui.Email, ui.EmailVerified, uiClaims.Name)
	}

	// Introspection (client authenticated with Basic).
	introspect := func() map[string]any {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, disc.Introspection,
			strings.NewReader(url.Values{"token": {tok.AccessToken}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(testClientID, testClientSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(readBody(t, resp)), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := introspect(); m["active"] != true || m["email"] != "anna.beispiel@example.org" {
		t.Errorf("introspection: got %v, want active with email", m)
	}

	// RP-initiated logout: the post_logout_redirect_uri must be registered,
	// state is echoed, and the user's access tokens end.
	endSession := func(params url.Values) *http.Response {
		t.Helper()
		resp, err := r.browser.Get(disc.EndSession + "?" + params.Encode())
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := endSession(url.Values{"id_token_hint": {rawID}, "post_logout_redirect_uri": {"http://" + rpHost + "/elsewhere"}, "state": {"s1"}})
	if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("end_session with unregistered post_logout_redirect_uri: got %d, want 400; body %q", resp.StatusCode, body)
	}
	resp = endSession(url.Values{"id_token_hint": {rawID}, "post_logout_redirect_uri": {testPostLogout}, "state": {"s2"}})
	readBody(t, resp)
	if got, want := resp.Header.Get("Location"), testPostLogout+"?state=s2"; resp.StatusCode != http.StatusFound || got != want {
		t.Errorf("end_session: got %d Location %q, want 302 %q", resp.StatusCode, got, want)
	}
	if _, err := r.provider.UserInfo(t.Context(), oauth2.StaticTokenSource(tok)); err == nil {
		t.Error("userinfo after end_session: got success, want an error")
	}
	if m := introspect(); m["active"] != false {
		t.Errorf("introspection after end_session: got %v, want inactive", m)
	}
	resp = endSession(url.Values{"state": {"s3"}})
	page = readBody(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/devidp/logged-out" || !strings.Contains(page, "signed out") {
		t.Errorf("end_session without client: got %d at %s, want 200 at /devidp/logged-out", resp.StatusCode, resp.Request.URL.Path)
	}
}

func TestRevocation(t *testing.T) {
	t.Parallel()
	idp := startIDP(t, "/devidp")
	r := newRP(t, idp.issuer)
	tok, _, _ := r.exchange(t, r.signIn(t, "rev@example.org", "Rev"), "rev@example.org", "Rev")
	var disc struct {
		Revocation string `json:"revocation_endpoint"`
	}
	if err := r.provider.Claims(&disc); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, disc.Revocation,
		strings.NewReader(url.Values{"token": {tok.AccessToken}, "token_type_hint": {"access_token"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(testClientID, testClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp); resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: got %d, want 200; body %q", resp.StatusCode, body)
	}
	if _, err := r.provider.UserInfo(t.Context(), oauth2.StaticTokenSource(tok)); err == nil {
		t.Error("userinfo after revocation: got success, want an error")
	}
}

// wantOAuthError checks that err is a token endpoint error with the code.
func wantOAuthError(t *testing.T, err error, code string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("got error %v, want a token endpoint error %q", err, code)
	}
	if re.ErrorCode != code {
		t.Errorf("token endpoint error: got %q (%s), want %q", re.ErrorCode, re.ErrorDescription, code)
	}
}

func TestTokenEndpointRefusals(t *testing.T) {
	t.Parallel()
	idp := startIDP(t, "/devidp")
	r := newRP(t, idp.issuer)

	tests := []struct {
		name     string
		prepare  func(*oauth2.Config, *signedIn)
		wantCode string // "" means success
	}{
		{"client_secret_basic", func(c *oauth2.Config, _ *signedIn) { c.Endpoint.AuthStyle = oauth2.AuthStyleInHeader }, ""},
		{"client_secret_post", func(c *oauth2.Config, _ *signedIn) { c.Endpoint.AuthStyle = oauth2.AuthStyleInParams }, ""},
		{"wrong secret basic", func(c *oauth2.Config, _ *signedIn) {
			c.Endpoint.AuthStyle, c.ClientSecret = oauth2.AuthStyleInHeader, "wrong"
		}, "invalid_client"},
		{"wrong secret post", func(c *oauth2.Config, _ *signedIn) {
			c.Endpoint.AuthStyle, c.ClientSecret = oauth2.AuthStyleInParams, "wrong"
		}, "invalid_client"},
		{"empty secret", func(c *oauth2.Config, _ *signedIn) {
			c.Endpoint.AuthStyle, c.ClientSecret = oauth2.AuthStyleInParams, ""
		}, "invalid_client"},
		{"unknown client", func(c *oauth2.Config, _ *signedIn) {
			c.Endpoint.AuthStyle, c.ClientID = oauth2.AuthStyleInHeader, "stranger"
		}, "invalid_client"},
		{"wrong PKCE verifier", func(_ *oauth2.Config, s *signedIn) { s.verifier = oauth2.GenerateVerifier() }, "invalid_grant"},
		{"missing PKCE verifier", func(_ *oauth2.Config, s *signedIn) { s.verifier = "" }, "invalid_request"},
		{"redirect_uri differs", func(c *oauth2.Config, _ *signedIn) { c.RedirectURL = "http://" + rpHost + "/other" }, "invalid_grant"},
		{"unknown code", func(_ *oauth2.Config, s *signedIn) { s.code = "not-a-code" }, "invalid_grant"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := r.signIn(t, "refuse@example.org", "Refuse")
			conf := r.conf
			tc.prepare(&conf, &s)
			var opts []oauth2.AuthCodeOption
			if s.verifier != "" {
				opts = append(opts, oauth2.VerifierOption(s.verifier))
			}
			_, err := conf.Exchange(t.Context(), s.code, opts...)
			if tc.wantCode == "" {
				if err != nil {
					t.Fatalf("Exchange: got %v, want success", err)
				}
				return
			}
			wantOAuthError(t, err, tc.wantCode)
		})
	}

	t.Run("a failed attempt does not burn the code", func(t *testing.T) {
		// x/oauth2's auth-style auto-detection retries a failed exchange, so
		// the second attempt must see the real error, and a correct request
		// after a wrong one still works.
		s := r.signIn(t, "retry@example.org", "Retry")
		conf := r.conf
		conf.ClientSecret = "wrong"
		_, err := conf.Exchange(t.Context(), s.code, oauth2.VerifierOption(s.verifier))
		wantOAuthError(t, err, "invalid_client")
		r.exchange(t, s, "retry@example.org", "Retry")
	})

	t.Run("concurrent exchanges of one code", func(t *testing.T) {
		s := r.signIn(t, "race@example.org", "Race")
		const n = 8
		errs := make(chan error, n)
		for range n {
			go func() {
				_, err := r.conf.Exchange(context.Background(), s.code, oauth2.VerifierOption(s.verifier))
				errs <- err
			}()
		}
		var ok int
		for range n {
			if err := <-errs; err == nil {
				ok++
			} else {
				wantOAuthError(t, err, "invalid_grant")
			}
		}
		if ok != 1 {
			t.Errorf("successful exchanges: got %d, want exactly 1", ok)
		}
	})

	t.Run("code reused", func(t *testing.T) {
		s := r.signIn(t, "reuse@example.org", "Reuse")
		r.exchange(t, s, "reuse@example.org", "Reuse")
		_, err := r.conf.Exchange(t.Context(), s.code, oauth2.VerifierOption(s.verifier))
		wantOAuthError(t, err, "invalid_grant")
	})

	t.Run("code expired", func(t *testing.T) {
		s := r.signIn(t, "late@example.org", "Late")
		idp.clock.advance(codeLifetime + time.Second)
		_, err := r.conf.Exchange(t.Context(), s.code, oauth2.VerifierOption(s.verifier))
		wantOAuthError(t, err, "invalid_grant")
	})
}

func TestAuthorizeRefusals(t *testing.T) {
	t.Parallel()
	idp := startIDP(t, "/devidp")
	r := newRP(t, idp.issuer)

	// Requests the provider must refuse without redirecting to the client.
	authURL := func(modify func(*oauth2.Config)) string {
		conf := r.conf
		modify(&conf)
		return conf.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	}
	for _, tc := range []struct {
		name string
		url  string
	}{
		{"unregistered redirect_uri", authURL(func(c *oauth2.Config) { c.RedirectURL = "http://" + rpHost + "/evil" })},
		{"redirect_uri prefix only", authURL(func(c *oauth2.Config) { c.RedirectURL = testRedirectURI + "/more" })},
		{"unknown client", authURL(func(c *oauth2.Config) { c.ClientID = "stranger" })},
		{"implicit flow", strings.Replace(authURL(func(*oauth2.Config) {}), "response_type=code", "response_type=id_token", 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := r.browser.Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("got status %d (Location %q), want 400; body %q", resp.StatusCode, resp.Header.Get("Location"), body)
			}
		})
	}

	// Requests refused with an error sent back to the (valid) redirect_uri.
	for _, tc := range []struct {
		name    string
		opts    []oauth2.AuthCodeOption
		wantErr string
	}{
		{"plain PKCE", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("code_challenge", oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("code_challenge_method", "plain")}, "invalid_request"},
		{"PKCE without method", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("code_challenge", oauth2.GenerateVerifier())}, "invalid_request"},
		{"prompt none", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("prompt", "none")}, "login_required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := r.browser.Get(r.conf.AuthCodeURL("st", tc.opts...))
			if err != nil {
				t.Fatal(err)
			}
			q := callback(t, resp)
			if got := q.Get("error"); got != tc.wantErr || q.Get("state") != "st" || q.Get("code") != "" {
				t.Errorf("got error=%q state=%q code=%q, want error=%q state=st and no code", got, q.Get("state"), q.Get("code"), tc.wantErr)
			}
		})
	}

	t.Run("no PKCE at all", func(t *testing.T) {
		// Providers such as LinkedIn are configured without PKCE; the
		// platform may do the same against this provider.
		resp, err := r.browser.Get(r.conf.AuthCodeURL("st"))
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("got %d, want the sign-in page; body %q", resp.StatusCode, body)
		}
		q := callback(t, r.submit(t, resp.Request.URL, resp.Request.URL.Query().Get("authRequestID"), "nopkce@example.org", "No PKCE"))
		if _, err := r.conf.Exchange(t.Context(), q.Get("code")); err != nil {
			t.Fatalf("Exchange without PKCE: %v", err)
		}
	})

	t.Run("auth request expires", func(t *testing.T) {
		a := r.begin(t)
		loginURL, _ := r.openLogin(t, a.url)
		idp.clock.advance(authRequestLifetime + time.Second)
		resp := r.submit(t, loginURL, loginURL.Query().Get("authRequestID"), "slow@example.org", "Slow")
		if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "expired") {
			t.Errorf("got %d, want 400 with an 'expired' message; body %q", resp.StatusCode, body)
		}
	})
}

func TestSignInForm(t *testing.T) {
	t.Parallel()
	idp := startIDP(t, "/devidp")
	r := newRP(t, idp.issuer)

	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 187) + ".de" // 255 bytes
	tests := []struct {
		name, email, userName string
	}{
		{"no at", "not-an-email", "Anna"},
		{"no dot in domain", "anna@localhost", "Anna"},
		{"two ats", "anna@b@example.org", "Anna"},
		{"empty local part", "@example.org", "Anna"},
		{"empty label", "anna@example..org", "Anna"},
		{"space inside", "an na@example.org", "Anna"},
		{"empty", "", "Anna"},
		{"too long", long, "Anna"},
		{"empty name", "anna@example.org", "   "},
		{"name too long", "anna@example.org", strings.Repeat("x", MaxNameLength+1)},
		{"control character in name", "anna@example.org", "An\x00na"},
		{"markup is escaped", "<script>alert(1)</script>", "<b>bold</b>"},
	}
	a := r.begin(t)
	loginURL, _ := r.openLogin(t, a.url)
	id := loginURL.Query().Get("authRequestID")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := r.submit(t, loginURL, id, tc.email, tc.userName)
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("got status %d at %s, want 400 and no redirect", resp.StatusCode, resp.Request.URL)
			}
			if resp.Request.URL.Path != loginURL.Path {
				t.Errorf("got redirected to %s, want no redirect", resp.Request.URL)
			}
			if !strings.Contains(body, `class="error"`) || !strings.Contains(body, `name="email"`) {
				t.Errorf("want the form re-rendered with a message; body %q", body)
			}
			if strings.Contains(body, "<script>") || strings.Contains(body, "<b>") {
				t.Error("user input rendered unescaped")
			}
		})
	}
	if t.Failed() {
		return
	}
	// The request survived the bad attempts and can still be completed, once.
	callback(t, r.submit(t, loginURL, id, "anna@example.org", "Anna"))
	resp := r.submit(t, loginURL, id, "mallory@example.org", "Mallory")
	if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "already been completed") {
		t.Errorf("second POST for a completed request: got %d, want 400 'already been completed'", resp.StatusCode)
	}

	for _, tc := range []struct{ name, id string }{{"unknown authRequestID", "forged"}, {"empty authRequestID", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			resp := r.submit(t, loginURL, tc.id, "anna@example.org", "Anna")
			if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || strings.Contains(body, `name="email"`) {
				t.Errorf("got %d, want 400 without a form", resp.StatusCode)
			}
			get, err := r.browser.Get(loginURL.Scheme + "://" + loginURL.Host + loginURL.Path + "?authRequestID=" + url.QueryEscape(tc.id))
			if err != nil {
				t.Fatal(err)
			}
			if readBody(t, get); get.StatusCode != http.StatusBadRequest {
				t.Errorf("GET: got %d, want 400", get.StatusCode)
			}
		})
	}

	t.Run("login_hint pre-fills the e-mail", func(t *testing.T) {
		_, page := r.openLogin(t, r.conf.AuthCodeURL("st", oauth2.SetAuthURLParam("login_hint", "hint@example.org")))
		if !strings.Contains(page, `value="hint@example.org"`) {
			t.Error("sign-in page: want the login_hint in the e-mail field")
		}
	})

	t.Run("persona button", func(t *testing.T) {
		a := r.begin(t)
		loginURL, _ := r.openLogin(t, a.url)
		ps := testPersonas[1]
		q := callback(t, r.submit(t, loginURL, loginURL.Query().Get("authRequestID"), ps.Email, ps.Name))
		r.exchange(t, signedIn{authStart: a, code: q.Get("code")}, ps.Email, ps.Name)
	})
}

func TestSubjectStable(t *testing.T) {
	t.Parallel()
	a, b := startIDP(t, "/devidp"), startIDP(t, "/devidp")
	ra, rb := newRP(t, a.issuer), newRP(t, b.issuer)

	sub := func(r *rp, email string) string {
		t.Helper()
		s := r.signIn(t, email, "Someone")
		_, idt, _ := r.exchange(t, s, strings.ToLower(strings.TrimSpace(email)), "Someone")
		return idt.Subject
	}
	tests := []struct {
		name           string
		emailA, emailB string
		wantSame       bool
	}{
		{"same e-mail, two instances", "sam@example.org", "sam@example.org", true},
		{"case and spaces do not matter", "Sam@Example.org", " sam@EXAMPLE.ORG", true},
		{"different e-mails", "sam@example.org", "samantha@example.org", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sa, sb := sub(ra, tc.emailA), sub(rb, tc.emailB)
			if (sa == sb) != tc.wantSame {
				t.Errorf("sub(%q)=%q, sub(%q)=%q; want same=%v", tc.emailA, sa, tc.emailB, sb, tc.wantSame)
			}
		})
	}
	sum := sha256.Sum256([]byte("sam@example.org"))
	if got, want := Subject(" SAM@example.org"), base64.RawURLEncoding.EncodeToString(sum[:16]); got != want {
		t.Errorf("Subject: got %q, want %q", got, want)
	}
}

func TestSideBySide(t *testing.T) {
	t.Parallel()
	// Two providers with different issuers behind one server, mounted with
	// plain prefix routes.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	mux := http.NewServeMux()
	var providers []*Provider
	for _, path := range []string{"/idp-a", "/nested/idp-b"} {
		cfg := testConfig()
		cfg.Issuer = base + path + "/" // trailing slash is normalised away
		p, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		mux.Handle(path+"/", p.Handler())
		providers = append(providers, p)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		for _, p := range providers {
			p.Close()
		}
	})

	rps := make([]*rp, len(providers))
	rawIDs := make([]string, len(providers))
	t.Run("flows", func(t *testing.T) {
		for i, p := range providers {
			if got, want := p.Issuer(), base+[]string{"/idp-a", "/nested/idp-b"}[i]; got != want {
				t.Fatalf("Issuer: got %q, want %q", got, want)
			}
			rps[i] = newRP(t, p.Issuer())
			t.Run(p.Issuer(), func(t *testing.T) {
				t.Parallel() // both providers at the same time
				for n := range 3 {
					email := fmt.Sprintf("user%d@example.org", n)
					_, _, raw := rps[i].exchange(t, rps[i].signIn(t, email, "User"), email, "User")
					rawIDs[i] = raw
				}
			})
		}
	})
	if t.Failed() {
		return
	}
	// Each provider has its own key and issuer: B's verifier rejects A's token.
	ctx := context.Background()
	if _, err := rps[1].verifier.Verify(ctx, rawIDs[0]); err == nil {
		t.Error("provider B's verifier accepted provider A's ID token")
	}
	if _, err := rps[0].verifier.Verify(ctx, rawIDs[0]); err != nil {
		t.Errorf("provider A's verifier: %v", err)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*Config)
	}{
		{"no issuer", func(c *Config) { c.Issuer = "" }},
		{"issuer without scheme", func(c *Config) { c.Issuer = "127.0.0.1:8080/devidp" }},
		{"issuer with query", func(c *Config) { c.Issuer = "http://h/devidp?x=1" }},
		{"no clients", func(c *Config) { c.Clients = nil }},
		{"client without secret", func(c *Config) { c.Clients[0].Secret = "" }},
		{"client without redirect URIs", func(c *Config) { c.Clients[0].RedirectURIs = nil }},
		{"relative redirect URI", func(c *Config) { c.Clients[0].RedirectURIs = []string{"/cb"} }},
		{"duplicate client", func(c *Config) { c.Clients = append(c.Clients, c.Clients[0]) }},
		{"persona with bad e-mail", func(c *Config) { c.Personas = []Persona{{Email: "nope", Name: "N"}} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Issuer = "http://127.0.0.1:1/devidp"
			tc.modify(&cfg)
			if p, err := New(cfg); err == nil {
				p.Close()
				t.Errorf("New: got no error, want one")
			}
		})
	}
}
