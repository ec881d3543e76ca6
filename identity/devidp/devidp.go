// Package devidp is the built-in development OpenID Provider.
//
// The platform runs it when no real identity provider is configured. It is a
// real OpenID Provider built on github.com/zitadel/oidc/v3/pkg/op: discovery,
// authorization code flow (PKCE S256 enforced whenever a code_challenge is
// sent), token endpoint (client_secret_basic and client_secret_post), JWKS,
// userinfo, RP-initiated logout, revocation and introspection. The platform
// talks to it only over HTTP, through the same go-oidc + x/oauth2 client it
// uses for every other issuer.
//
// Its sign-in page vouches for whatever e-mail address the user types
// (email_verified is always true). That is its purpose, and the reason it must
// never run in production.
//
// Everything lives in memory, per Provider: a fresh RSA signing key, the
// token encryption key, auth requests, codes and access tokens. Nothing is
// kept in package globals, so several Providers with different issuers can run
// side by side in one process. The only thing that survives a restart is the
// mapping e-mail → sub (see Subject), which is a pure function.
package devidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Persona is a ready-made identity offered as a one-click button on the
// sign-in page.
type Persona struct {
	Email       string
	Name        string
	Description string // e.g. "Young professional (mentor) at Nordlicht Digital"
}

// Client is a relying party registered with the provider. It is a
// confidential web client: it authenticates at the token endpoint with
// client_secret_basic or client_secret_post.
type Client struct {
	ID                     string
	Secret                 string   // confidential client, client_secret_basic AND client_secret_post accepted
	RedirectURIs           []string // exact match required
	PostLogoutRedirectURIs []string // exact match required
}

// Config configures a Provider.
type Config struct {
	// Issuer is the provider's issuer URL, e.g. "http://127.0.0.1:8080/devidp".
	// It may contain a path; a trailing slash is removed. Plain http is
	// allowed (zitadel's op refuses http issuers unless told otherwise, and
	// New tells it otherwise: this provider is for development only).
	Issuer   string
	Clients  []Client
	Personas []Persona    // offered as one-click buttons on the sign-in page
	Logger   *slog.Logger // may be nil
}

// Limits the sign-in form enforces.
const (
	MaxEmailLength = 254
	MaxNameLength  = 100 // in characters, after trimming
)

// Provider is a running development OpenID Provider. Create it with New.
type Provider struct {
	issuer   string // normalised, without trailing slash
	prefix   string // the issuer's URL path ("" or e.g. "/devidp")
	store    *storage
	op       *op.Provider
	personas []Persona
	log      *slog.Logger
	page     *template.Template
	handler  http.Handler
	close    sync.Once
}

// New builds a provider: it validates cfg, generates a fresh RSA signing key
// and a token encryption key in memory, and sets up in-memory storage in
// which auth requests expire after 10 minutes, codes after 60 seconds (and
// are single-use) and access tokens after an hour.
//
// The issuer may use plain http: New passes op.WithAllowInsecure to zitadel's
// op, which otherwise insists on https. This provider is for development only.
func New(cfg Config) (*Provider, error) {
	issuer, prefix, err := normaliseIssuer(cfg.Issuer)
	if err != nil {
		return nil, err
	}
	clients, err := buildClients(cfg.Clients, issuer)
	if err != nil {
		return nil, err
	}
	personas := make([]Persona, 0, len(cfg.Personas))
	for i, ps := range cfg.Personas {
		email, name, msg := validateIdentity(ps.Email, ps.Name)
		if msg != "" {
			return nil, fmt.Errorf("devidp: persona %d (%q): %s", i, ps.Email, msg)
		}
		personas = append(personas, Persona{Email: email, Name: name, Description: strings.TrimSpace(ps.Description)})
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "devidp", "issuer", issuer)

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("devidp: generate signing key: %w", err)
	}
	var cryptoKey [32]byte
	if _, err := rand.Read(cryptoKey[:]); err != nil {
		return nil, fmt.Errorf("devidp: generate crypto key: %w", err)
	}

	store := newStorage(clients, newSigningKey(rsaKey))
	page, err := parsePage()
	if err != nil {
		return nil, fmt.Errorf("devidp: parse sign-in page: %w", err)
	}
	p := &Provider{
		issuer:   issuer,
		prefix:   prefix,
		store:    store,
		personas: personas,
		log:      log,
		page:     page,
	}

	opConfig := &op.Config{
		CryptoKey:   cryptoKey,
		CryptoKeyId: "devidp",
		// Used by end_session when no (valid) post_logout_redirect_uri is given.
		DefaultLogoutRedirectURI: issuer + loggedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		SupportedUILocales:       []language.Tag{language.English, language.German},
	}
	p.op, err = op.NewProvider(opConfig, store, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		return nil, fmt.Errorf("devidp: %w", err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc(prefix+loginPath, p.serveLogin)
	mux.HandleFunc(prefix+loggedOutPath, p.serveLoggedOut)
	if prefix == "" {
		mux.Handle("/", p.op)
	} else {
		mux.Handle(prefix+"/", http.StripPrefix(prefix, p.op))
	}
	p.handler = mux
	return p, nil
}

// Paths below the issuer that the Provider serves itself; the OpenID endpoints
// (/.well-known/openid-configuration, /authorize, /authorize/callback,
// /oauth/token, /keys, /userinfo, /end_session, /revoke, /oauth/introspect,
// /healthz, /ready) are zitadel's defaults.
const (
	loginPath     = "/login"
	loggedOutPath = "/logged-out"
	callbackPath  = "/authorize/callback"
)

// Handler serves every endpoint at its full path, including the issuer's
// path prefix: with Issuer "http://h/devidp" it answers
// "/devidp/.well-known/openid-configuration", "/devidp/authorize",
// "/devidp/login", … so it can be mounted with a plain prefix route.
func (p *Provider) Handler() http.Handler { return p.handler }

// Issuer returns the normalised issuer URL (without trailing slash), exactly
// as it appears in discovery and in the tokens' iss claim.
func (p *Provider) Issuer() string { return p.issuer }

// Close drops all in-memory auth requests, codes and tokens. The provider
// runs no background goroutines (expired entries are swept as new ones are
// written), so Close never blocks. It is safe to call more than once.
func (p *Provider) Close() error {
	p.close.Do(p.store.clear)
	return nil
}

// Subject returns the sub this provider assigns to an e-mail address: the
// unpadded base64url encoding of the first 16 bytes of SHA-256 over the
// trimmed, lower-cased address. It is stable across instances and restarts.
func Subject(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

func normaliseIssuer(raw string) (issuer, prefix string, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", "", fmt.Errorf("devidp: issuer %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", "", fmt.Errorf("devidp: issuer %q: scheme must be http or https", raw)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", "", fmt.Errorf("devidp: issuer %q: want scheme://host[:port][/path] without user info, query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	if u.Path != "" && u.EscapedPath() != u.Path {
		return "", "", fmt.Errorf("devidp: issuer %q: path must not need escaping", raw)
	}
	return u.String(), u.Path, nil
}

func buildClients(in []Client, issuer string) (map[string]*client, error) {
	if len(in) == 0 {
		return nil, errors.New("devidp: at least one client is required")
	}
	out := make(map[string]*client, len(in))
	for _, c := range in {
		if c.ID == "" {
			return nil, errors.New("devidp: client with empty ID")
		}
		if _, dup := out[c.ID]; dup {
			return nil, fmt.Errorf("devidp: duplicate client %q", c.ID)
		}
		if c.Secret == "" {
			return nil, fmt.Errorf("devidp: client %q: empty secret", c.ID)
		}
		if len(c.RedirectURIs) == 0 {
			return nil, fmt.Errorf("devidp: client %q: no redirect URIs", c.ID)
		}
		for _, list := range [][]string{c.RedirectURIs, c.PostLogoutRedirectURIs} {
			for _, ru := range list {
				u, err := url.Parse(ru)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
					return nil, fmt.Errorf("devidp: client %q: redirect URI %q must be an absolute http(s) URL without fragment", c.ID, ru)
				}
			}
		}
		out[c.ID] = &client{
			id:                     c.ID,
			secretHash:             sha256.Sum256([]byte(c.Secret)),
			redirectURIs:           append([]string(nil), c.RedirectURIs...),
			postLogoutRedirectURIs: append([]string(nil), c.PostLogoutRedirectURIs...),
			loginURL:               issuer + loginPath + "?authRequestID=",
		}
	}
	return out, nil
}

// validateIdentity checks what the sign-in form (or a persona) supplies.
// It returns the normalised e-mail (trimmed, lower-cased) and name (trimmed),
// or a message for the user.
func validateIdentity(rawEmail, rawName string) (email, name, msg string) {
	email = strings.ToLower(strings.TrimSpace(rawEmail))
	name = strings.TrimSpace(rawName)
	if !validEmail(email) {
		return "", "", "Please enter a valid e-mail address (like anna@example.org)."
	}
	if !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", "", "The name contains characters that are not allowed."
	}
	if n := utf8.RuneCountInString(name); n < 1 || n > MaxNameLength {
		return "", "", fmt.Sprintf("Please enter a name of 1 to %d characters.", MaxNameLength)
	}
	return email, name, ""
}

// validEmail is deliberately simple: one @, a non-empty local part, a domain
// containing a dot with no empty labels, no spaces or control characters and
// at most MaxEmailLength bytes.
func validEmail(s string) bool {
	if s == "" || len(s) > MaxEmailLength || !utf8.ValidString(s) {
		return false
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`<>()[]\,;:"`, r)
	}) >= 0 {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || strings.Contains(domain, "@") || local == "" || len(local) > 64 {
		return false
	}
	if !strings.Contains(domain, ".") {
		return false
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" {
			return false
		}
	}
	return true
}
