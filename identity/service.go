package identity

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"golang.org/x/oauth2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/organization"
)

// Config configures the identity service.
type Config struct {
	// SingleProcess: this process is the (embedded) database's only user;
	// set by platform.New.
	SingleProcess   bool
	BaseURL         string // public origin; redirect URIs are {BaseURL}/auth/{id}/callback
	Providers       []ProviderConfig
	AdminEmails     []string
	CuratorEmails   []string
	SessionIdle     time.Duration // default 2h
	SessionAbsolute time.Duration // default 12h
	HTTPClient      *http.Client  // for discovery, token, JWKS and userinfo calls
	Now             func() time.Time
	Logger          *slog.Logger
	Audit           *audit.Log // role changes are recorded here; may be nil in tests
	// Inbox is told when someone is given a role; may be nil.
	Inbox notify.Deliverer
	// VerifiedOrganizationsOnly admits only people whose verified e-mail
	// belongs to a verified organization (or whose issuer vouches for one),
	// and those the configuration or a role grant names.
	VerifiedOrganizationsOnly bool
}

// Service signs people in and keeps their sessions.
type Service struct {
	cfg       Config
	store     *mongoStore
	orgs      *organization.Store
	providers map[string]*provider
	order     []string
	now       func() time.Time
	log       *slog.Logger
	erasing   func(ctx context.Context, userID string) (bool, error) // RefuseSignInWhile

	bindingKey *mongostore.Key // signs sign-in bindings
}

// RefuseSignInWhile makes sign-in refuse a person while erasing reports their
// account's erasure unfinished (account.Service.Pending): the new account would
// share the old one's id. Call it before serving.
func (s *Service) RefuseSignInWhile(erasing func(ctx context.Context, userID string) (bool, error)) {
	s.erasing = erasing
}

// Durations of the sign-in flow.
const (
	loginAttemptTTL = 10 * time.Minute
	maxIDTokenAge   = 10 * time.Minute
	clockSkew       = 2 * time.Minute
	touchInterval   = time.Minute
)

// NewService returns the identity service over db.
func NewService(db *mongo.Database, cfg Config) (*Service, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("identity: BaseURL is required")
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 2 * time.Hour
	}
	if cfg.SessionAbsolute == 0 {
		cfg.SessionAbsolute = 12 * time.Hour
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	st := newMongoStore(db)
	st.single = cfg.SingleProcess
	s := &Service{cfg: cfg, store: st, orgs: organization.NewStore(db), providers: map[string]*provider{}, now: cfg.Now, log: cfg.Logger,
		bindingKey: mongostore.NewKey(db, "signin-binding-key")}
	for _, pc := range cfg.Providers {
		if len(pc.Scopes) == 0 {
			pc.Scopes = []string{oidc.ScopeOpenID, "email", "profile"}
		}
		if _, dup := s.providers[pc.ID]; dup {
			return nil, fmt.Errorf("identity: duplicate provider id %q", pc.ID)
		}
		s.providers[pc.ID] = &provider{
			cfg:         pc,
			redirectURL: strings.TrimRight(cfg.BaseURL, "/") + "/auth/" + pc.ID + "/callback",
			httpClient:  cfg.HTTPClient,
		}
		s.order = append(s.order, pc.ID)
	}
	return s, nil
}

// DB returns the database the service keeps its collections in.
func (s *Service) DB() *mongo.Database { return s.store.db }

// EnsureIndexes creates the collections' indexes; it is idempotent.
func (s *Service) EnsureIndexes(ctx context.Context) error {
	if err := s.orgs.EnsureIndexes(ctx); err != nil {
		return err
	}
	return s.store.ensureIndexes(ctx)
}

// ProviderInfo is what the sign-in page shows of a provider.
type ProviderInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Providers lists the configured providers in file order.
func (s *Service) Providers() []ProviderInfo {
	out := make([]ProviderInfo, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, ProviderInfo{ID: id, Name: s.providers[id].cfg.Name})
	}
	return out
}

// provider returns the configured provider id. Errors: ENOTFOUND.
func (s *Service) provider(id string) (*provider, error) {
	p, ok := s.providers[id]
	if !ok {
		return nil, otm.Errorf(otm.ENOTFOUND, "Unknown identity provider %q.", id)
	}
	return p, nil
}

// BeginLogin starts an authorization code flow at provider id. binding is the
// browser's binding secret (from its cookie; a new one is made when empty). It
// returns the provider's authorization URL and the binding to keep in the
// browser. Errors: ENOTFOUND for an unknown provider, EUNAVAILABLE when the
// provider cannot be reached.
func (s *Service) BeginLogin(ctx context.Context, id, returnTo, binding string) (authURL, kept string, err error) {
	p, err := s.provider(id)
	if err != nil {
		return "", "", err
	}
	d, err := p.discover(ctx)
	if err != nil {
		s.log.Warn("identity provider discovery failed", "provider", id, "err", err)
		return "", "", otm.Refuse(otm.EUNAVAILABLE, otm.RuleProviderDown, otm.Args{"provider": p.cfg.Name}, "The identity provider %s cannot be reached right now. Please try again in a moment.", p.cfg.Name)
	}
	// Only a binding this platform issued is kept (several tabs signing in
	// share it); any other value, one a client or a cookie-tossing
	// neighbour chose, is replaced.
	if !s.issuedBinding(ctx, binding) {
		t := randomToken(32)
		mac, err := s.bindingMAC(ctx, t)
		if err != nil {
			return "", "", err
		}
		binding = t + "." + mac
	}
	state, nonce := randomToken(32), randomToken(32)
	now := s.now()
	la := loginAttempt{
		ID:          hashToken(state),
		ProviderID:  id,
		Nonce:       nonce,
		ReturnTo:    check.ReturnTo(returnTo),
		BindingHash: hashToken(binding),
		CreatedAt:   now,
		ExpiresAt:   now.Add(loginAttemptTTL),
	}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(nonce)}
	if p.cfg.UsesPKCE() {
		la.Verifier = oauth2.GenerateVerifier()
		opts = append(opts, oauth2.S256ChallengeOption(la.Verifier))
	}
	if err := s.store.insertLoginAttempt(ctx, &la); err != nil {
		return "", "", err
	}
	return d.oauth2.AuthCodeURL(state, opts...), binding, nil
}

// CallbackParams are the query parameters of an authorization response.
type CallbackParams struct {
	State, Code, Iss, Error, ErrorDescription string
}

// LoginResult is a completed sign-in.
type LoginResult struct {
	Token    string // the new session's opaque token, for the cookie
	Session  *Session
	User     *User
	ReturnTo string
	// FirstSignIn: the person signed in for the first time (a new user).
	FirstSignIn bool
}

// failLogin is the error every refused callback returns: the user learns that
// sign-in failed, the log learns why.
func (s *Service) failLogin(providerID, reason string, err error) error {
	s.log.Warn("sign-in refused", "provider", providerID, "reason", reason, "err", err)
	return otm.Errorf(otm.EUNAUTHORIZED, "Sign-in failed (%s). Please start again.", reason)
}

// CompleteLogin finishes the flow at provider id's callback: it checks state
// (single-use, bound to this browser and to this provider), the RFC 9207 iss
// parameter, exchanges the code with the PKCE verifier, verifies the ID token
// (signature, iss, aud, exp via go-oidc; nonce, azp, iat here), creates or
// updates the user and starts a new session. Errors: EUNAUTHORIZED for every
// refusal, EUNAVAILABLE when the provider cannot be reached.
func (s *Service) CompleteLogin(ctx context.Context, id string, cp CallbackParams, binding string) (*LoginResult, error) {
	p, err := s.provider(id)
	if err != nil {
		return nil, err
	}
	if cp.State == "" {
		return nil, s.failLogin(id, "missing state", nil)
	}
	// Single use: the attempt is deleted as it is read, whatever happens next.
	la, err := s.store.takeLoginAttempt(ctx, hashToken(cp.State))
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, s.failLogin(id, "unknown or already used state", nil)
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	switch {
	case now.After(la.ExpiresAt):
		return nil, s.failLogin(id, "sign-in took too long", nil)
	case la.ProviderID != id:
		return nil, s.failLogin(id, "response from a different identity provider", fmt.Errorf("state issued for %q", la.ProviderID))
	case binding == "" || !equalSecret(la.BindingHash, hashToken(binding)) || !s.issuedBinding(ctx, binding):
		return nil, s.failLogin(id, "started in another browser", nil)
	}
	if cp.Error != "" {
		return nil, s.failLogin(id, "the identity provider said "+check.Truncate(cp.Error, 64), errors.New(check.Truncate(cp.ErrorDescription, 200)))
	}
	d, err := p.discover(ctx)
	if err != nil {
		return nil, otm.Refuse(otm.EUNAVAILABLE, otm.RuleProviderDown, otm.Args{"provider": p.cfg.Name}, "The identity provider %s cannot be reached right now.", p.cfg.Name)
	}
	// RFC 9207: where the provider sends iss, it must be this provider's.
	if cp.Iss != "" {
		if !p.issParamAccepted(d, cp.Iss) {
			return nil, s.failLogin(id, "response from a different identity provider", fmt.Errorf("iss parameter %q", cp.Iss))
		}
	} else if d.issParamSupport {
		return nil, s.failLogin(id, "issuer missing from the response", nil)
	}
	if cp.Code == "" {
		return nil, s.failLogin(id, "missing authorization code", nil)
	}
	octx := oidc.ClientContext(ctx, s.cfg.HTTPClient)
	var opts []oauth2.AuthCodeOption
	if la.Verifier != "" {
		opts = append(opts, oauth2.VerifierOption(la.Verifier))
	}
	tok, err := d.oauth2.Exchange(octx, cp.Code, opts...)
	if err != nil {
		return nil, s.failLogin(id, "the code was refused", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return nil, s.failLogin(id, "no ID token", nil)
	}
	claims, err := s.verifyIDToken(octx, p, d, rawID, la.Nonce)
	if err != nil {
		return nil, s.failLogin(id, "invalid ID token", err)
	}
	if claims.Email == "" || claims.Name == "" {
		if err := s.fillFromUserinfo(octx, d, tok, claims); err != nil {
			return nil, s.failLogin(id, "userinfo failed", err)
		}
	}
	if claims.Email == "" {
		return nil, s.failLogin(id, "the identity provider did not share an e-mail address", nil)
	}
	if s.erasing != nil {
		if busy, err := s.erasing(ctx, UserID(claims.Issuer, claims.Subject)); err != nil {
			return nil, err
		} else if busy {
			return nil, otm.Refuse(otm.ECONFLICT, otm.RuleAccountErasing, nil,
				"Your account is still being deleted. Please sign in again in a few minutes.")
		}
	}
	user, err := s.upsertUser(ctx, p, claims)
	if err != nil {
		return nil, err
	}
	// The raw ID token is not kept: logout at the provider names this client
	// (client_id) instead of sending it back as id_token_hint.
	token, sess, err := s.createSession(ctx, user, id)
	if err != nil {
		return nil, err
	}
	s.log.Info("signed in", "provider", id, "user", user.ID, "session", sess.ID[:8])
	return &LoginResult{Token: token, Session: sess, User: user, ReturnTo: la.ReturnTo,
		FirstSignIn: user.CreatedAt.Equal(user.LastLoginAt)}, nil
}

func (p *provider) issParamAccepted(d *discovered, iss string) bool {
	if p.issuerAccepted(d, iss, "") {
		return true
	}
	for _, tid := range p.cfg.AllowedTenants {
		if p.issuerAccepted(d, iss, tid) {
			return true
		}
	}
	return false
}

// idClaims are the claims we read from an ID token or userinfo.
type idClaims struct {
	Issuer        string          `json:"iss"`
	Subject       string          `json:"sub"`
	Audience      audience        `json:"aud"`
	AZP           string          `json:"azp"`
	Nonce         string          `json:"nonce"`
	IssuedAt      float64         `json:"iat"`
	TenantID      string          `json:"tid"`
	Email         string          `json:"email"`
	EmailVerified json.RawMessage `json:"email_verified"`
	Name          string          `json:"name"`
	GivenName     string          `json:"given_name"`
	FamilyName    string          `json:"family_name"`
	Picture       string          `json:"picture"`
}

type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

// emailVerified accepts true and "true" (some providers send a string).
func (c *idClaims) emailVerified() bool {
	s := strings.Trim(string(c.EmailVerified), `"`)
	return s == "true"
}

func (s *Service) verifyIDToken(ctx context.Context, p *provider, d *discovered, raw, nonce string) (*idClaims, error) {
	v := d.oidc.VerifierContext(ctx, &oidc.Config{
		ClientID:        p.cfg.ClientID,
		SkipIssuerCheck: len(p.cfg.AcceptedIssuers) > 0, // checked below against the allow-list
		Now:             s.now,
	})
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	if !p.issuerAccepted(d, c.Issuer, c.TenantID) {
		return nil, fmt.Errorf("issuer %q (tenant %q) not accepted", c.Issuer, c.TenantID)
	}
	if c.Subject == "" {
		return nil, errors.New("no sub")
	}
	if nonce == "" || !equalSecret(c.Nonce, nonce) {
		return nil, errors.New("nonce mismatch")
	}
	if (len(c.Audience) > 1 || c.AZP != "") && c.AZP != p.cfg.ClientID {
		return nil, fmt.Errorf("azp %q is not our client id", c.AZP)
	}
	iat := time.Unix(int64(c.IssuedAt), 0)
	now := s.now()
	if c.IssuedAt == 0 || iat.After(now.Add(clockSkew)) || iat.Before(now.Add(-maxIDTokenAge)) {
		return nil, fmt.Errorf("iat %s is not recent", iat.UTC().Format(time.RFC3339))
	}
	if c.Name == "" {
		c.Name = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	return &c, nil
}

// fillFromUserinfo takes e-mail and name from the userinfo endpoint where the ID
// token lacks them. The userinfo subject must be the ID token's.
func (s *Service) fillFromUserinfo(ctx context.Context, d *discovered, tok *oauth2.Token, c *idClaims) error {
	ui, err := d.oidc.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return err
	}
	if ui.Subject != c.Subject {
		return fmt.Errorf("userinfo sub %q differs from the ID token's", ui.Subject)
	}
	var uc idClaims
	if err := ui.Claims(&uc); err != nil {
		return err
	}
	if c.Email == "" {
		c.Email, c.EmailVerified = uc.Email, uc.EmailVerified
	}
	if c.Name == "" {
		c.Name = uc.Name
		if c.Name == "" {
			c.Name = strings.TrimSpace(uc.GivenName + " " + uc.FamilyName)
		}
	}
	if c.Picture == "" {
		c.Picture = uc.Picture
	}
	return nil
}

// upsertUser creates the user on first sign-in and refreshes the attributes the
// provider vouches for on every later one.
func (s *Service) upsertUser(ctx context.Context, p *provider, c *idClaims) (*User, error) {
	now := s.now()
	email := strings.ToLower(strings.TrimSpace(c.Email))
	name := strings.TrimSpace(c.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	verified := c.emailVerified()
	if s.cfg.VerifiedOrganizationsOnly {
		if ok, err := s.admitted(ctx, p, email, verified); err != nil {
			return nil, err
		} else if !ok {
			s.log.Info("sign-in refused by the policy: no verified organization", "provider", p.cfg.ID)
			return nil, otm.Refuse(otm.EFORBIDDEN, otm.RuleSignInPolicy, nil,
				"Only people of the organizations on this platform can sign in. Ask your organization's HR or program team to have it added.")
		}
	}
	id := UserID(c.Issuer, c.Subject)
	existing, err := s.store.getUser(ctx, id)
	if err != nil && otm.ErrorCode(err) != otm.ENOTFOUND {
		return nil, err
	}
	u := &User{ID: id, Issuer: c.Issuer, Subject: c.Subject, CreatedAt: now, Roles: []string{}}
	if existing != nil {
		u = existing
	}
	org, orgVerified, err := s.resolveOrganization(ctx, p, email, verified, u)
	if err != nil {
		return nil, err
	}
	before := slices.Clone(u.Roles)
	u.ProviderID, u.Email, u.EmailVerified, u.Name = p.cfg.ID, email, verified, check.Truncate(name, 100)
	u.Picture = c.Picture
	u.UpdatedAt, u.LastLoginAt = now, now
	if org != nil {
		u.OrganizationID, u.OrgVerified = org.ID, orgVerified
	} else {
		// What the provider says no longer names an organization (another
		// domain, a public mail provider, an unverified address).
		u.OrganizationID, u.OrgVerified = "", false
	}
	trusted := verified && p.vouchesFor(email)
	u.Roles = s.grantedRoles(u.Roles, email, trusted)
	if trusted {
		grant, err := s.store.getRoleGrant(ctx, email)
		if err != nil && otm.ErrorCode(err) != otm.ENOTFOUND {
			return nil, err
		}
		for _, r := range grant {
			if !slices.Contains(u.Roles, r) {
				u.Roles = append(u.Roles, r)
			}
		}
	}
	if err := s.store.putUser(ctx, u); err != nil {
		return nil, err
	}
	s.auditRoles(ctx, u, before, email)
	return u, nil
}

// auditRoles records every role a sign-in granted or revoked.
func (s *Service) auditRoles(ctx context.Context, u *User, before []string, email string) {
	if s.cfg.Audit == nil {
		return
	}
	why := func(action, role string) string {
		switch {
		case action == audit.ActionRoleRevoke:
			return audit.WhyEnvRemoved
		case role == otm.RoleAdmin && slices.Contains(s.cfg.AdminEmails, email):
			return audit.WhyEnvAdmin
		case role == otm.RoleCurator && slices.Contains(s.cfg.CuratorEmails, email):
			return audit.WhyEnvCurator
		}
		return audit.WhyStoredGrant
	}
	record := func(action, role string) {
		err := s.cfg.Audit.Record(ctx, audit.Entry{ActorID: "system", ActorName: "sign-in", Action: action,
			SubjectType: "user", SubjectID: u.ID, SubjectUserID: u.ID, Reason: why(action, role), Details: role})
		if err != nil {
			s.log.Error("audit record failed", "action", action, "user", u.ID, "err", err)
		}
	}
	for _, r := range u.Roles {
		if !slices.Contains(before, r) {
			record(audit.ActionRoleGrant, r)
		}
	}
	for _, r := range before {
		if !slices.Contains(u.Roles, r) {
			record(audit.ActionRoleRevoke, r)
		}
	}
}

// vouchesFor reports whether the provider may be believed about email: it is
// trusted for every domain, for this domain, or is the issuer of this
// organization's own accounts and the domain is one of the organization's.
func (p *provider) vouchesFor(email string) bool {
	if p.cfg.TrustEmails {
		return true
	}
	_, domain, ok := strings.Cut(email, "@")
	if !ok {
		return false
	}
	_, mapped := p.cfg.EmailDomains[domain]
	return mapped
}

// grantedRoles applies OTM_ADMIN_EMAILS and OTM_CURATOR_EMAILS: a verified
// e-mail on a list gets the role; one no longer listed loses it.
func (s *Service) grantedRoles(roles []string, email string, verified bool) []string {
	out := slices.DeleteFunc(slices.Clone(roles), func(r string) bool { return r == otm.RoleAdmin || r == otm.RoleCurator })
	if verified && slices.Contains(s.cfg.CuratorEmails, email) {
		out = append(out, otm.RoleCurator)
	}
	if verified && slices.Contains(s.cfg.AdminEmails, email) {
		out = append(out, otm.RoleAdmin)
	}
	return out
}

// MaxOrgsCreated bounds the organizations one person's sign-ins create from
// e-mail domains seen for the first time: beyond it, a new domain gets no
// organization (the person signs in without one until an admin adds it), so
// that nobody fills the admins' list by cycling through domains.
const MaxOrgsCreated = 3

// resolveOrganization derives a person's organization from what the provider
// vouches for: the issuer's organization, a verified e-mail domain mapped by the
// provider's configuration or by an admin, and otherwise a verified company
// domain seen for the first time (created, unverified until an admin confirms,
// and counted on u: MaxOrgsCreated).
func (s *Service) resolveOrganization(ctx context.Context, p *provider, email string, verified bool, u *User) (*organization.Organization, bool, error) {
	if p.cfg.Organization != "" {
		o, _, err := s.ensureOrganization(ctx, p.cfg.Organization, "", "issuer", true)
		return o, true, err
	}
	_, domain, ok := strings.Cut(email, "@")
	if !ok || !verified || organization.PublicMail(domain) {
		return nil, false, nil
	}
	if name, ok := p.cfg.EmailDomains[domain]; ok {
		o, _, err := s.ensureOrganization(ctx, name, domain, "domain", true)
		return o, true, err
	}
	o, err := s.orgs.ByDomain(ctx, domain)
	if err == nil {
		// A verified organization's member only when the provider may be
		// believed about the domain: any provider's email_verified is not
		// enough to wear a verified organization's badge.
		return o, o.Verified && p.vouchesFor(email), nil
	} else if otm.ErrorCode(err) != otm.ENOTFOUND {
		return nil, false, err
	}
	if u.OrgsCreated >= MaxOrgsCreated {
		s.log.Warn("sign-in from a new e-mail domain: no organization created, the person created the most already", "user", u.ID, "max", MaxOrgsCreated)
		return nil, false, nil
	}
	o, created, err := s.ensureOrganization(ctx, domain, domain, "domain", false)
	if created {
		u.OrgsCreated++
	}
	return o, false, err
}

// admitted reports whether the sign-in policy lets this person in: their
// issuer vouches for an organization, or their verified e-mail's domain
// belongs to a verified one, or the configuration or a role grant names them.
// Nothing is created for people it refuses.
func (s *Service) admitted(ctx context.Context, p *provider, email string, verified bool) (bool, error) {
	if p.cfg.Organization != "" {
		return true, nil
	}
	if !verified {
		return false, nil
	}
	if p.vouchesFor(email) {
		if len(s.configuredRoles(email)) > 0 {
			return true, nil
		}
		if grant, err := s.store.getRoleGrant(ctx, email); err == nil && len(grant) > 0 {
			return true, nil
		} else if err != nil && otm.ErrorCode(err) != otm.ENOTFOUND {
			return false, err
		}
	}
	_, domain, ok := strings.Cut(email, "@")
	if !ok || organization.PublicMail(domain) || !p.vouchesFor(email) {
		return false, nil // another provider's word on a domain it does not vouch for does not count
	}
	if _, ok := p.cfg.EmailDomains[domain]; ok {
		return true, nil
	}
	o, err := s.orgs.ByDomain(ctx, domain)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return o.Verified, nil
}

func (s *Service) ensureOrganization(ctx context.Context, name, domain, source string, verified bool) (*organization.Organization, bool, error) {
	now := s.now()
	o := &organization.Organization{ID: OrgID(name), Name: name, Source: source, Verified: verified, CreatedAt: now, UpdatedAt: now,
		Domains: []string{}, Competitors: []string{}}
	if domain != "" {
		o.Domains = []string{domain}
	}
	return s.orgs.Ensure(ctx, o)
}

// GrantRolesByEmail records roles that the person with this verified e-mail
// gets at their next sign-in (an invitation). Errors: EINVALID for unknown roles.
func (s *Service) GrantRolesByEmail(ctx context.Context, email string, roles []string) error {
	for _, r := range roles {
		switch r {
		case otm.RoleMentor, otm.RoleMentee, otm.RoleCurator, otm.RoleAdmin:
		default:
			return otm.Invalid("Unknown role.", otm.Field("roles", otm.RuleOneOf, otm.Args{"allowed": []string{otm.RoleMentor, otm.RoleMentee, otm.RoleCurator, otm.RoleAdmin}, "value": r}, "%q is not a role", r))
		}
	}
	return s.store.putRoleGrant(ctx, strings.ToLower(strings.TrimSpace(email)), roles, s.now())
}

// PutOrganization creates or replaces an organization.
func (s *Service) PutOrganization(ctx context.Context, o *organization.Organization) error {
	now := s.now()
	if o.CreatedAt.IsZero() {
		o.CreatedAt = now
	}
	o.UpdatedAt = now
	return s.orgs.Put(ctx, o)
}

// Organization returns one organization. Errors: ENOTFOUND.
//
// It reads through a cache: a change made on another replica shows within a
// second (orgCheckEvery), one made here at once.
func (s *Service) Organization(ctx context.Context, id string) (*organization.Organization, error) {
	return s.orgs.Cached(ctx, id)
}

// User returns one user. Errors: ENOTFOUND.
func (s *Service) User(ctx context.Context, id string) (*User, error) {
	return s.store.getUser(ctx, id)
}

// createSession starts a new session with a fresh token (rotated at sign-in).
func (s *Service) createSession(ctx context.Context, u *User, providerID string) (string, *Session, error) {
	now := s.now()
	token := randomToken(32)
	sess := &Session{
		ID: hashToken(token), UserID: u.ID, Email: u.Email, Name: u.Name, OrgID: u.OrganizationID,
		OrgVerified: u.OrgVerified, Roles: u.Roles, CSRFToken: randomToken(32), ProviderID: providerID,
		EmailTrust: u.EmailVerified && s.providers[providerID] != nil && s.providers[providerID].vouchesFor(u.Email),
		CreatedAt:  now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.SessionAbsolute),
	}
	if u.OrganizationID != "" {
		if o, err := s.orgs.Get(ctx, u.OrganizationID); err == nil {
			sess.OrgName = o.Name
		}
	}
	if err := s.store.insertSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// Authenticate returns the principal of the session token, or EUNAUTHORIZED when
// it is unknown, idle for too long or past its absolute lifetime.
func (s *Service) Authenticate(ctx context.Context, token string) (*otm.Principal, error) {
	if len(token) < 20 || len(token) > 100 {
		return nil, otm.Errorf(otm.EUNAUTHORIZED, "Not signed in.")
	}
	sess, err := s.store.getSession(ctx, hashToken(token))
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, otm.Errorf(otm.EUNAUTHORIZED, "Not signed in.")
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	if now.After(sess.ExpiresAt) || now.After(sess.LastSeenAt.Add(s.cfg.SessionIdle)) {
		_ = s.store.deleteSession(ctx, sess.ID)
		return nil, otm.Errorf(otm.EUNAUTHORIZED, "Your session has expired. Please sign in again.")
	}
	if now.Sub(sess.LastSeenAt) > touchInterval {
		if err := s.store.touchSession(ctx, sess.ID, now); err != nil {
			return nil, err
		}
	}
	return &otm.Principal{
		UserID: sess.UserID, SessionID: sess.ID, Email: sess.Email, Name: sess.Name,
		Organization: sess.OrgID, OrgName: sess.OrgName, OrgVerified: sess.OrgVerified,
		Roles: sess.Roles, CSRFToken: sess.CSRFToken, ProviderID: sess.ProviderID, EmailTrusted: sess.EmailTrust,
		SignedInAt: sess.CreatedAt,
	}, nil
}

// CheckCSRF reports whether token is the session's CSRF token.
func CheckCSRF(p *otm.Principal, token string) bool {
	return p != nil && token != "" && equalSecret(p.CSRFToken, token)
}

// Logout ends the session (or, with everywhere, all of the user's sessions) and
// returns the provider's RP-initiated logout URL where it offers one, else "".
func (s *Service) Logout(ctx context.Context, p *otm.Principal, everywhere bool, postLogoutRedirect string) (string, error) {
	sess, err := s.store.getSession(ctx, p.SessionID)
	if err != nil && otm.ErrorCode(err) != otm.ENOTFOUND {
		return "", err
	}
	if everywhere {
		err = s.store.deleteUserSessions(ctx, p.UserID)
	} else {
		err = s.store.deleteSession(ctx, p.SessionID)
	}
	if err != nil {
		return "", err
	}
	if sess == nil {
		return "", nil
	}
	prov, ok := s.providers[sess.ProviderID]
	if !ok {
		return "", nil
	}
	d, err := prov.discover(ctx)
	if err != nil || d.endSession == "" {
		return "", nil
	}
	u, err := url.Parse(d.endSession)
	if err != nil {
		return "", nil
	}
	q := u.Query()
	q.Set("client_id", prov.cfg.ClientID)
	if postLogoutRedirect != "" {
		q.Set("post_logout_redirect_uri", postLogoutRedirect)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ForgetIDTokens removes the raw ID tokens that sessions of earlier versions
// kept (for logout's id_token_hint): a migration, idempotent.
func (s *Service) ForgetIDTokens(ctx context.Context) error {
	return s.store.unsetIDTokens(ctx)
}

// EndAllSessions ends every session of a user (used at account deletion).
func (s *Service) EndAllSessions(ctx context.Context, userID string) error {
	return s.store.deleteUserSessions(ctx, userID)
}

// Sweep deletes expired login attempts and sessions. Run it periodically.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.now()
	return errors.Join(
		s.store.deleteExpiredLoginAttempts(ctx, now),
		s.store.deleteExpiredSessions(ctx, now, now.Add(-s.cfg.SessionIdle)),
	)
}

// SessionInfo is what a person may see of their sessions (never the token).
type SessionInfo struct {
	ProviderID string    `json:"providerId"`
	CreatedAt  time.Time `json:"createdAt"`
	LastSeenAt time.Time `json:"lastSeenAt"`
	ExpiresAt  time.Time `json:"expiresAt"`
	Current    bool      `json:"current"`
}

// Sessions lists a user's sessions; current marks the one with id currentID.
func (s *Service) Sessions(ctx context.Context, userID, currentID string) ([]SessionInfo, error) {
	ss, err := s.store.userSessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]SessionInfo, 0, len(ss))
	for _, x := range ss {
		out = append(out, SessionInfo{ProviderID: x.ProviderID, CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt, ExpiresAt: x.ExpiresAt, Current: x.ID == currentID})
	}
	return out, nil
}

// RoleGrant returns the roles granted to a verified e-mail ahead of sign-in.
func (s *Service) RoleGrant(ctx context.Context, email string) ([]string, error) {
	g, err := s.store.getRoleGrant(ctx, strings.ToLower(email))
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, nil
	}
	return g, err
}

// DeleteUser erases a user: every session, their role grant and the user
// record. Organizations stay (they are not personal data).
func (s *Service) DeleteUser(ctx context.Context, userID string) error {
	// Sessions first: whatever else fails, nobody stays signed in as them.
	if err := s.store.deleteUserSessions(ctx, userID); err != nil {
		return err
	}
	u, err := s.store.getUser(ctx, userID)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if err := s.store.deleteRoleGrant(ctx, u.Email); err != nil {
		return err
	}
	return s.store.deleteUser(ctx, userID)
}

// ReconcileSessionRoles re-applies OTM_ADMIN_EMAILS, OTM_CURATOR_EMAILS and
// role grants to every live session, so that a role removed from the
// configuration ends with the restart that removes it, not at the session's
// expiry. It returns how many sessions changed.
func (s *Service) ReconcileSessionRoles(ctx context.Context) (int, error) {
	sessions, err := s.store.allSessions(ctx)
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, sess := range sessions {
		// Trust as at sign-in: verified by a provider trusted for the domain
		// (and that provider is still configured so).
		trusted := false
		if p, ok := s.providers[sess.ProviderID]; ok {
			trusted = sess.EmailTrust && p.vouchesFor(sess.Email)
		}
		// mentor/mentee are kept as they are; curator/admin are recomputed.
		roles := s.grantedRoles(sess.Roles, sess.Email, trusted)
		if trusted {
			grant, err := s.store.getRoleGrant(ctx, sess.Email)
			if err != nil && otm.ErrorCode(err) != otm.ENOTFOUND {
				return changed, err
			}
			for _, r := range grant {
				if !slices.Contains(roles, r) {
					roles = append(roles, r)
				}
			}
		}
		if slices.Equal(sortedCopy(roles), sortedCopy(sess.Roles)) {
			continue
		}
		if err := s.store.setSessionRoles(ctx, sess.ID, roles); err != nil {
			return changed, err
		}
		changed++
	}
	return changed, nil
}

func sortedCopy(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}

// bindingMAC is the MAC of a sign-in binding's token.
func (s *Service) bindingMAC(ctx context.Context, token string) (string, error) {
	m, err := s.bindingKey.MAC(ctx, "signin-binding:"+token)
	if err != nil {
		return "", mapErr(err, "The sign-in key")
	}
	return base64.RawURLEncoding.EncodeToString(m[:16]), nil
}

// issuedBinding reports whether binding is one this platform issued: a
// token and its MAC.
func (s *Service) issuedBinding(ctx context.Context, binding string) bool {
	t, mac, ok := strings.Cut(binding, ".")
	if !ok || len(t) < 43 || len(binding) > 128 {
		return false
	}
	want, err := s.bindingMAC(ctx, t)
	return err == nil && hmac.Equal([]byte(mac), []byte(want))
}
