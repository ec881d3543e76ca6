// Package organization keeps the organizations people belong to: their
// records (domains, industry, corporate group, competitors — what the
// conflict rules use), the look-up by e-mail domain at sign-in, and a
// per-replica cache the rules read through. Who may change them, and what
// follows for people and sessions, is identity's business.
package organization

import (
	"slices"
	"time"
)

// Organization is a company or other body people belong to. Admins keep its
// domains, industry, group and competitors; conflict rules use them.
type Organization struct {
	ID          string    `bson:"_id" json:"id"`
	Name        string    `bson:"name" json:"name"`
	Domains     []string  `bson:"domains" json:"domains"`
	Industry    string    `bson:"industry" json:"industry"`
	Group       string    `bson:"group" json:"group"`
	Competitors []string  `bson:"competitors" json:"competitors"`
	Verified    bool      `bson:"verified" json:"verified"`
	Source      string    `bson:"source" json:"source"` // issuer | domain | admin | demo
	CreatedAt   time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt   time.Time `bson:"updatedAt" json:"updatedAt"`
}

func clone(o Organization) *Organization {
	o.Domains, o.Competitors = slices.Clone(o.Domains), slices.Clone(o.Competitors)
	return &o
}

// publicMail are the domains of public mail providers, which never
// identify an organization.
var publicMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"yahoo.com": true, "icloud.com": true, "me.com": true, "gmx.de": true, "gmx.net": true, "web.de": true,
	"t-online.de": true, "posteo.de": true, "proton.me": true, "protonmail.com": true, "mail.de": true,
	"freenet.de": true, "aol.com": true,
}

// PublicMail reports whether domain is a public mail provider's (gmail.com,
// gmx.de, …): an address there says nothing about the person's organization.
func PublicMail(domain string) bool { return publicMail[domain] }
