// Package identity signs people in with OpenID Connect (any number of issuers),
// keeps their server-side sessions and CSRF tokens, and knows users,
// organizations and roles. It never imports the HTTP framework.
package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/notify"
)

// User is a person, keyed by issuer + subject; the e-mail is an attribute.
type User struct {
	ID             string    `bson:"_id" json:"id"`
	Issuer         string    `bson:"issuer" json:"-"`
	Subject        string    `bson:"subject" json:"-"`
	ProviderID     string    `bson:"providerId" json:"providerId"`
	Email          string    `bson:"email" json:"email"`
	EmailVerified  bool      `bson:"emailVerified" json:"emailVerified"`
	Name           string    `bson:"name" json:"name"`
	Picture        string    `bson:"picture,omitempty" json:"picture,omitempty"`
	OrganizationID string    `bson:"organizationId,omitempty" json:"organizationId,omitempty"`
	OrgVerified    bool      `bson:"orgVerified" json:"orgVerified"`
	Roles          []string  `bson:"roles" json:"roles"`
	Lang           string    `bson:"lang,omitempty" json:"lang,omitempty"` // last used language: e-mails are written in it
	CreatedAt      time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt      time.Time `bson:"updatedAt" json:"updatedAt"`
	LastLoginAt    time.Time `bson:"lastLoginAt" json:"lastLoginAt"`
	// OrgsCreated counts the organizations this person's sign-ins created
	// from new e-mail domains (MaxOrgsCreated).
	OrgsCreated int `bson:"orgsCreated,omitempty" json:"-"`
	// Notes are the messages a role grant owes (written with the grant,
	// taken off once delivered; never shown).
	Notes []notify.Note `bson:"notes,omitempty" json:"-"`
}

// Session is a server-side session. Its ID is the SHA-256 of the opaque token
// in the cookie, so a database leak does not leak usable tokens. It carries what
// each request needs, so that an authenticated request costs one read.
type Session struct {
	ID          string    `bson:"_id"`
	UserID      string    `bson:"userId"`
	Email       string    `bson:"email"`
	Name        string    `bson:"name"`
	OrgID       string    `bson:"orgId,omitempty"`
	OrgName     string    `bson:"orgName,omitempty"`
	OrgVerified bool      `bson:"orgVerified"`
	Roles       []string  `bson:"roles"`
	EmailTrust  bool      `bson:"emailTrusted"` // verified by a provider trusted for its domain
	CSRFToken   string    `bson:"csrfToken"`
	ProviderID  string    `bson:"providerId"`
	CreatedAt   time.Time `bson:"createdAt"`
	LastSeenAt  time.Time `bson:"lastSeenAt"`
	ExpiresAt   time.Time `bson:"expiresAt"` // absolute expiry
}

// loginAttempt is one authorization request in flight: single-use, bound to the
// browser that started it, expiring after 10 minutes.
type loginAttempt struct {
	ID          string    `bson:"_id"` // SHA-256 of state
	ProviderID  string    `bson:"providerId"`
	Nonce       string    `bson:"nonce"`
	Verifier    string    `bson:"verifier,omitempty"`
	ReturnTo    string    `bson:"returnTo"`
	BindingHash string    `bson:"bindingHash"`
	CreatedAt   time.Time `bson:"createdAt"`
	ExpiresAt   time.Time `bson:"expiresAt"`
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func equalSecret(a, b string) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// UserID derives a user's stable id from issuer and subject.
func UserID(issuer, subject string) string {
	h := sha256.Sum256([]byte(issuer + "\x00" + subject))
	return "u_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:15]))
}

// OrgID derives an organization id from its name: a readable slug.
func OrgID(name string) string {
	if s := otm.Slug(name, 60); s != "" {
		return s
	}
	return "org"
}
