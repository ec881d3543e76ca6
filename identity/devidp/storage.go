package devidp

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Lifetimes.
const (
	authRequestLifetime = 10 * time.Minute
	codeLifetime        = 60 * time.Second
	accessTokenLifetime = time.Hour
	idTokenLifetime     = time.Hour
	sweepInterval       = 30 * time.Second
	maxPending          = 10_000 // pending auth requests / live tokens, a guard against memory exhaustion
)

var (
	errNotFound     = errors.New("devidp: not found or expired")
	errAlreadyDone  = errors.New("devidp: sign-in already completed")
	errUnsupported  = errors.New("devidp: not supported")
	errBadSecret    = errors.New("devidp: invalid client credentials")
	errTooManyLive  = errors.New("devidp: too many pending requests")
	errWrongSubject = errors.New("devidp: token subject mismatch")
)

// storage implements op.Storage (plus op.CanSetUserinfoFromRequest) in
// memory. Clients and the signing key are fixed at construction; everything
// else is guarded by mu.
type storage struct {
	clients map[string]*client
	key     *signingKey
	now     func() time.Time // replaceable in tests

	mu           sync.Mutex
	authRequests map[string]*authRequest
	codes        map[string]codeGrant
	tokens       map[string]*accessToken
	lastSweep    time.Time
}

type codeGrant struct {
	authRequestID string
	expires       time.Time
}

type accessToken struct {
	id       string
	clientID string
	subject  string
	email    string
	name     string
	scopes   []string
	authTime time.Time
	issued   time.Time
	expires  time.Time
}

var (
	_ op.Storage                   = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest = (*storage)(nil)
)

func newStorage(clients map[string]*client, key *signingKey) *storage {
	return &storage{
		clients:      clients,
		key:          key,
		now:          time.Now,
		authRequests: make(map[string]*authRequest),
		codes:        make(map[string]codeGrant),
		tokens:       make(map[string]*accessToken),
	}
}

func (s *storage) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.authRequests)
	clear(s.codes)
	clear(s.tokens)
}

// sweepLocked drops expired entries, at most every sweepInterval unless forced.
func (s *storage) sweepLocked(now time.Time, force bool) {
	if !force && now.Sub(s.lastSweep) < sweepInterval {
		return
	}
	s.lastSweep = now
	for id, ar := range s.authRequests {
		if !now.Before(ar.expires) {
			delete(s.authRequests, id)
		}
	}
	for c, g := range s.codes {
		if !now.Before(g.expires) {
			delete(s.codes, c)
		}
	}
	for id, t := range s.tokens {
		if !now.Before(t.expires) {
			delete(s.tokens, id)
		}
	}
}

// liveAuthRequestLocked returns the stored (mutable) auth request if it exists
// and has not expired.
func (s *storage) liveAuthRequestLocked(id string, now time.Time) (*authRequest, bool) {
	ar, ok := s.authRequests[id]
	if !ok || !now.Before(ar.expires) {
		return nil, false
	}
	return ar, true
}

func randomID() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// --- auth requests and codes ---

func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if slices.Contains(req.Prompt, oidc.PromptNone) {
		// There are no sessions here, so a silent sign-in can never succeed.
		return nil, oidc.ErrLoginRequired()
	}
	if req.CodeChallenge != "" && req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
	}
	id, err := randomID()
	if err != nil {
		return nil, err
	}
	now := s.now()
	ar := &authRequest{
		id:           id,
		created:      now,
		expires:      now.Add(authRequestLifetime),
		clientID:     req.ClientID,
		redirectURI:  req.RedirectURI,
		state:        req.State,
		nonce:        req.Nonce,
		scopes:       slices.Clone(req.Scopes),
		responseType: req.ResponseType,
		responseMode: req.ResponseMode,
		loginHint:    req.LoginHint,
	}
	if req.CodeChallenge != "" {
		ar.codeChallenge = &oidc.CodeChallenge{Challenge: req.CodeChallenge, Method: req.CodeChallengeMethod}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(now, false)
	if len(s.authRequests) >= maxPending {
		s.sweepLocked(now, true)
		if len(s.authRequests) >= maxPending {
			return nil, errTooManyLive
		}
	}
	s.authRequests[id] = ar
	return ar.snapshot(), nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, ok := s.liveAuthRequestLocked(id, s.now())
	if !ok {
		return nil, errNotFound
	}
	return ar.snapshot(), nil
}

// pendingAuthRequest returns a copy of a live auth request that still waits
// for the user to sign in.
func (s *storage) pendingAuthRequest(id string) (*authRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, ok := s.liveAuthRequestLocked(id, s.now())
	if !ok {
		return nil, errNotFound
	}
	if ar.done {
		return nil, errAlreadyDone
	}
	return ar.snapshot(), nil
}

// completeSignIn records who signed in for a pending auth request.
func (s *storage) completeSignIn(id, email, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	ar, ok := s.liveAuthRequestLocked(id, now)
	if !ok {
		return errNotFound
	}
	if ar.done {
		return errAlreadyDone
	}
	ar.done = true
	ar.subject = Subject(email)
	ar.email = email
	ar.name = name
	ar.authTime = now
	return nil
}

// SaveAuthCode stores the single code an auth request may ever yield.
func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	ar, ok := s.liveAuthRequestLocked(id, now)
	if !ok {
		return errNotFound
	}
	if !ar.done {
		return oidc.ErrInteractionRequired()
	}
	if ar.code != "" {
		return oidc.ErrInvalidRequest().WithDescription("a code was already issued for this request")
	}
	ar.code = code
	ar.expires = now.Add(codeLifetime) // the request lives exactly as long as its code
	s.codes[code] = codeGrant{authRequestID: id, expires: ar.expires}
	return nil
}

// AuthRequestByCode looks the code up without consuming it: op calls it
// before it checks PKCE and the client's credentials, and x/oauth2's
// auth-style auto-detection retries a failed request once. Burning the code
// here would turn every such first failure into a misleading invalid_grant.
// The code is consumed, atomically, in CreateAccessToken.
func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	g, ok := s.codes[code]
	if !ok || !now.Before(g.expires) {
		return nil, errNotFound
	}
	ar, ok := s.liveAuthRequestLocked(g.authRequestID, now)
	if !ok || !ar.done || ar.code != code {
		return nil, errNotFound
	}
	return ar.snapshot(), nil
}

// consumeCodeLocked ends the auth request and its code; it fails if another
// exchange got there first.
func (s *storage) consumeCodeLocked(id string, now time.Time) error {
	ar, ok := s.liveAuthRequestLocked(id, now)
	if !ok || !ar.done || ar.code == "" {
		return oidc.ErrInvalidGrant().WithDescription("invalid code")
	}
	delete(s.codes, ar.code)
	delete(s.authRequests, id)
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ar, ok := s.authRequests[id]; ok {
		delete(s.codes, ar.code)
		delete(s.authRequests, id)
	}
	return nil
}

// --- tokens ---

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	ar, ok := req.(*authRequest)
	if !ok {
		return "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	id, err := randomID()
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.now()
	t := &accessToken{
		id:       id,
		clientID: ar.clientID,
		subject:  ar.subject,
		email:    ar.email,
		name:     ar.name,
		scopes:   slices.Clone(ar.scopes),
		authTime: ar.authTime,
		issued:   now,
		expires:  now.Add(accessTokenLifetime),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Single use: the first exchange to get here wins.
	if err := s.consumeCodeLocked(ar.id, now); err != nil {
		return "", time.Time{}, err
	}
	s.sweepLocked(now, false)
	if len(s.tokens) >= maxPending {
		s.sweepLocked(now, true)
		if len(s.tokens) >= maxPending {
			return "", time.Time{}, errTooManyLive
		}
	}
	s.tokens[id] = t
	return id, t.expires, nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, oidc.ErrUnsupportedGrantType().WithDescription("refresh tokens are not supported")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, oidc.ErrInvalidGrant().WithDescription("refresh tokens are not supported")
}

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) liveTokenLocked(id string) (*accessToken, bool) {
	t, ok := s.tokens[id]
	if !ok || !s.now().Before(t.expires) {
		return nil, false
	}
	return t, true
}

// TerminateSession revokes the user's access tokens for the client (there
// are no browser sessions to end).
func (s *storage) TerminateSession(_ context.Context, userID, clientID string) error {
	if userID == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.tokens {
		if t.subject == userID && (clientID == "" || t.clientID == clientID) {
			delete(s.tokens, id)
		}
	}
	return nil
}

func (s *storage) RevokeToken(_ context.Context, tokenOrID, _, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tokenOrID]
	if !ok {
		return nil // RFC 7009: unknown tokens are not an error
	}
	if t.clientID != clientID {
		return oidc.ErrInvalidClient().WithDescription("token was not issued to this client")
	}
	delete(s.tokens, tokenOrID)
	return nil
}

// --- keys ---

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return s.key, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{s.key.alg}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{&publicKey{s.key}}, nil
}

// --- clients ---

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	c, ok := s.clients[id]
	if !ok {
		return nil, oidc.ErrInvalidClient().WithDescription("unknown client")
	}
	return c, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	c, ok := s.clients[id]
	if !ok {
		return errBadSecret
	}
	got := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(got[:], c.secretHash[:]) != 1 {
		return errBadSecret
	}
	return nil
}

// --- user info ---

// SetUserinfoFromScopes is deprecated in op; SetUserinfoFromRequest does the work.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's user claims.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	ar, ok := req.(*authRequest)
	if !ok {
		return errUnsupported
	}
	setUserinfo(info, ar.subject, ar.email, ar.name, scopes)
	return nil
}

func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.liveTokenLocked(tokenID)
	if !ok {
		return errNotFound
	}
	if t.subject != subject {
		return errWrongSubject
	}
	setUserinfo(info, t.subject, t.email, t.name, t.scopes)
	return nil
}

func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.liveTokenLocked(tokenID)
	if !ok {
		return errNotFound
	}
	if t.subject != subject || t.clientID != clientID {
		return errWrongSubject
	}
	info := new(oidc.UserInfo)
	setUserinfo(info, t.subject, t.email, t.name, t.scopes)
	resp.SetUserInfo(info)
	resp.Scope = t.scopes
	resp.ClientID = t.clientID
	resp.TokenType = oidc.BearerToken
	resp.Expiration = oidc.FromTime(t.expires)
	resp.IssuedAt = oidc.FromTime(t.issued)
	resp.AuthTime = oidc.FromTime(t.authTime)
	resp.Audience = []string{t.clientID}
	return nil
}

func setUserinfo(info *oidc.UserInfo, subject, email, name string, scopes []string) {
	info.Subject = subject
	for _, sc := range scopes {
		switch sc {
		case oidc.ScopeEmail:
			info.Email = email
			info.EmailVerified = true // that is what this provider is for
		case oidc.ScopeProfile:
			info.Name = name
		}
	}
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

// GetKeyByIDAndClientID: no client authenticates with private_key_jwt, so the
// jwt-bearer grant, which op always advertises, always fails here.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errUnsupported
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errUnsupported
}

func (s *storage) Health(context.Context) error { return nil }

// --- signing key ---

type signingKey struct {
	id  string
	alg jose.SignatureAlgorithm
	key *rsa.PrivateKey
}

func newSigningKey(k *rsa.PrivateKey) *signingKey {
	// The key ID is the RFC 7638 thumbprint of the public key, so it differs
	// for every instance.
	id := "devidp"
	if tp, err := (&jose.JSONWebKey{Key: &k.PublicKey}).Thumbprint(crypto.SHA256); err == nil {
		id = base64.RawURLEncoding.EncodeToString(tp)
	}
	return &signingKey{id: id, alg: jose.RS256, key: k}
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return k.alg }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

type publicKey struct{ *signingKey }

func (k *publicKey) ID() string                         { return k.id }
func (k *publicKey) Algorithm() jose.SignatureAlgorithm { return k.alg }
func (k *publicKey) Use() string                        { return "sig" }
func (k *publicKey) Key() any                           { return &k.key.PublicKey }
