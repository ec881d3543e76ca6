// Package oidctest is a small OpenID Provider for tests of the relying party:
// it runs the real protocol (discovery, authorization code with PKCE, token
// endpoint with client authentication, JWKS, userinfo) and can be told to
// misbehave (a foreign signing key, wrong audience or issuer, stale tokens, a
// different nonce) so that every refusal of the relying party can be tested.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// User is who the provider signs in.
type User struct {
	Subject, Email, Name string
	EmailVerified        bool
}

// Provider is a running test OpenID Provider.
type Provider struct {
	Server       *httptest.Server
	ClientID     string
	ClientSecret string
	RedirectURI  string // set before the first authorization request

	mu sync.Mutex
	// User is signed in at every authorization request.
	User User
	// Mutate, when set, changes the ID token's claims before signing.
	Mutate func(claims map[string]any)
	// RogueKey signs ID tokens with a key that the JWKS does not publish.
	RogueKey bool
	// IssParam adds the RFC 9207 iss parameter to authorization responses and
	// advertises it in discovery; IssParamValue overrides the value sent.
	IssParam      bool
	IssParamValue string
	// OmitIDTokenClaims leaves email and name out of the ID token (userinfo has them).
	OmitIDTokenClaims bool
	// Now is the provider's clock.
	Now func() time.Time

	key, rogue *rsa.PrivateKey
	requests   map[string]authRequest // by code
	tokens     map[string]User        // access tokens
}

type authRequest struct {
	nonce, challenge, redirectURI string
	user                          User
	used                          bool
}

// New starts a provider; it stops when the test ends.
func New(tb testing.TB) *Provider {
	tb.Helper()
	return NewOn(tb, nil)
}

// NewOn starts a provider on ln (nil: a new loopback listener), so a test can
// reserve an address before the provider is up.
func NewOn(tb testing.TB, ln net.Listener) *Provider {
	tb.Helper()
	p := &Provider{
		ClientID: "rp-client", ClientSecret: "rp-secret",
		User:     User{Subject: "user-1", Email: "ada@example.org", Name: "Ada Lovelace", EmailVerified: true},
		Now:      time.Now,
		requests: map[string]authRequest{},
		tokens:   map[string]User{},
	}
	var err error
	if p.key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		tb.Fatal(err)
	}
	if p.rogue, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /userinfo", p.userinfo)
	p.Server = httptest.NewUnstartedServer(mux)
	if ln != nil {
		_ = p.Server.Listener.Close()
		p.Server.Listener = ln
	}
	p.Server.Start()
	tb.Cleanup(p.Server.Close)
	return p
}

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.Server.URL }

// Set changes the provider's behaviour under its lock.
func (p *Provider) Set(f func(p *Provider)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	iss := p.Issuer()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                         iss,
		"authorization_endpoint":                         iss + "/authorize",
		"token_endpoint":                                 iss + "/token",
		"jwks_uri":                                       iss + "/jwks",
		"userinfo_endpoint":                              iss + "/userinfo",
		"response_types_supported":                       []string{"code"},
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          []string{"RS256"},
		"code_challenge_methods_supported":               []string{"S256"},
		"authorization_response_iss_parameter_supported": p.IssParam,
	})
}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	q := r.URL.Query()
	if q.Get("client_id") != p.ClientID || q.Get("response_type") != "code" {
		http.Error(w, "bad client or response type", http.StatusBadRequest)
		return
	}
	if p.RedirectURI != "" && q.Get("redirect_uri") != p.RedirectURI {
		http.Error(w, "redirect_uri not registered", http.StatusBadRequest)
		return
	}
	if q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256" {
		http.Error(w, "only S256", http.StatusBadRequest)
		return
	}
	code := random()
	p.requests[code] = authRequest{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirectURI: q.Get("redirect_uri"), user: p.User}
	u, _ := url.Parse(q.Get("redirect_uri"))
	v := url.Values{"code": {code}, "state": {q.Get("state")}}
	if p.IssParam {
		v.Set("iss", p.Issuer())
		if p.IssParamValue != "" {
			v.Set("iss", p.IssParamValue)
		}
	}
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || secret != p.ClientSecret {
		w.WriteHeader(http.StatusUnauthorized)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	code := r.PostForm.Get("code")
	req, ok := p.requests[code]
	if !ok || req.used || r.PostForm.Get("redirect_uri") != req.redirectURI {
		oauthError(w, "invalid_grant")
		return
	}
	req.used = true
	p.requests[code] = req
	if req.challenge != "" {
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != req.challenge {
			oauthError(w, "invalid_grant")
			return
		}
	}
	now := p.Now()
	claims := map[string]any{
		"iss": p.Issuer(), "sub": req.user.Subject, "aud": p.ClientID,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "nonce": req.nonce,
	}
	if !p.OmitIDTokenClaims {
		claims["email"], claims["email_verified"], claims["name"] = req.user.Email, req.user.EmailVerified, req.user.Name
	}
	if p.Mutate != nil {
		p.Mutate(claims)
	}
	key := p.key
	if p.RogueKey {
		key = p.rogue
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		oauthError(w, "server_error")
		return
	}
	raw, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		oauthError(w, "server_error")
		return
	}
	at := random()
	p.tokens[at] = req.user
	writeJSON(w, http.StatusOK, map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 300, "id_token": raw})
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	const prefix = "Bearer "
	h := r.Header.Get("Authorization")
	if len(h) <= len(prefix) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	u, ok := p.tokens[h[len(prefix):]]
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sub": u.Subject, "email": u.Email, "email_verified": u.EmailVerified, "name": u.Name})
}

func oauthError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
