package opentomentor

import (
	"context"
	"slices"
	"time"
)

// Roles a user can hold.
const (
	RoleMentor  = "mentor"
	RoleMentee  = "mentee"
	RoleCurator = "curator"
	RoleAdmin   = "admin"
)

// Principal is the signed-in user as the session carries it, so that an
// authenticated request costs one session read and no user read.
type Principal struct {
	UserID       string
	SessionID    string
	Email        string
	Name         string
	Organization string // organization id, may be empty
	OrgName      string
	OrgVerified  bool
	Roles        []string
	CSRFToken    string
	ProviderID   string
	// EmailTrusted: the identity provider verified Email and is trusted for
	// its domain, so a role named by e-mail (a program's curators) applies.
	EmailTrusted bool
	// SignedInAt is when the session began: the last time the person proved
	// who they are to their identity provider.
	SignedInAt time.Time
}

// HasRole reports whether the principal holds role.
func (p *Principal) HasRole(role string) bool {
	return p != nil && slices.Contains(p.Roles, role)
}

type principalKey struct{}

// NewContextWithPrincipal returns a copy of ctx that carries p.
func NewContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the signed-in principal, or nil when nobody is
// signed in.
func PrincipalFromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// RequireSignedIn returns EUNAUTHORIZED for visitors (p nil).
func RequireSignedIn(p *Principal) error {
	if p == nil {
		return Errorf(EUNAUTHORIZED, "Sign in first.")
	}
	return nil
}

// RequireRole returns EUNAUTHORIZED for visitors and EFORBIDDEN with message
// when p holds none of roles.
func RequireRole(p *Principal, message string, roles ...string) error {
	if err := RequireSignedIn(p); err != nil {
		return err
	}
	if slices.ContainsFunc(roles, p.HasRole) {
		return nil
	}
	return Refuse(EFORBIDDEN, RuleRole, Args{"roles": roles}, "%s", message)
}
