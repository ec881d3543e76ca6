// Package linemanager keeps people's declared line-management chains: who
// they report to, up to Max levels. Only SHA-256 fingerprints of
// the addresses and masked hints are stored, so the platform can recognise a
// declared manager but never name one. The matching rules get user ids only
// (Chains.Resolve).
package linemanager

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/mongostore"
)

// Service stores and reads the declarations.
type Service struct {
	c   *mongo.Collection
	now func() time.Time
}

// NewService returns the service on db's line_managers collection; now may be
// nil (time.Now).
func NewService(db *mongo.Database, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{c: db.Collection("line_managers"), now: now}
}

func mapErr(err error) error { return mongostore.MapErr(err, "linemanager", "Line managers") }

// Max bounds a declared line-management chain: the direct
// manager and everyone above.
const Max = 10

// LineManagers is a person's declared line-management chain as they see it.
// Only fingerprints of the addresses are stored, so all that can be shown is
// a masked hint per manager (e.g. "k…@acme.example").
type LineManagers struct {
	Managers  []ManagerHint `json:"managers"`
	UpdatedAt *time.Time    `json:"updatedAt"`
}

// ManagerHint is one declared manager, masked.
type ManagerHint struct {
	Hint string `json:"hint"`
}

// lineManagersDoc is a line_managers entry: _id is the declaring user's id.
type lineManagersDoc struct {
	ID        string    `bson:"_id"`
	Managers  []string  `bson:"managers"` // SHA-256 fingerprints (hex) of the addresses
	Hints     []string  `bson:"hints"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

func (d *lineManagersDoc) view() *LineManagers {
	out := &LineManagers{Managers: []ManagerHint{}}
	if d == nil {
		return out
	}
	for _, h := range d.Hints {
		out.Managers = append(out.Managers, ManagerHint{Hint: h})
	}
	at := d.UpdatedAt
	out.UpdatedAt = &at
	return out
}

// Fingerprint returns the SHA-256 fingerprint (hex) of an e-mail address,
// trimmed and lower-cased; "" for an empty address.
func Fingerprint(email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(email))
	return hex.EncodeToString(sum[:])
}

// maskEmail shows the first character of the local part and the domain.
func maskEmail(email string) string {
	at := strings.LastIndex(email, "@")
	if at <= 0 {
		return "…"
	}
	r, _ := utf8.DecodeRuneInString(email)
	return string(r) + "…" + email[at:]
}

// normEmail returns a plain e-mail address, trimmed and lower-cased, or false.
func normEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 254 || check.HasControl(s, false) {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", false
	}
	domain := s[strings.LastIndex(s, "@")+1:]
	if !strings.Contains(domain, ".") || strings.ContainsAny(domain, "[]") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", false
	}
	return s, true
}

// cleanLineManagers checks a declaration: every entry a plain e-mail address
// (not the person's own), at most Max distinct ones; duplicates
// collapse. It returns the normalized addresses in the given order.
func cleanLineManagers(own string, emails []string) ([]string, error) {
	var fe []otm.FieldError
	own = strings.ToLower(strings.TrimSpace(own))
	out := make([]string, 0, len(emails))
	for i, e := range emails {
		n, ok := normEmail(e)
		switch {
		case !ok:
			fe = append(fe, otm.Field(fmt.Sprintf("emails[%d]", i), otm.RuleEmail, otm.Args{"value": check.Truncate(e, 60)}, "not a valid e-mail address"))
		case own != "" && n == own:
			fe = append(fe, otm.Field(fmt.Sprintf("emails[%d]", i), otm.RuleSelf, nil, "this is your own address; name your managers"))
		case !slices.Contains(out, n):
			out = append(out, n)
		}
	}
	if len(out) > Max {
		fe = append(fe, otm.Field("emails", otm.RuleMaxItems, otm.Args{"max": Max}, "at most %d managers (got %d)", Max, len(out)))
	}
	if len(fe) > 0 {
		return nil, otm.Invalid("The line managers are not valid.", fe...)
	}
	return out, nil
}

// Mine returns the caller's declared line-management chain (hints
// only). Errors: EUNAUTHORIZED.
func (s *Service) Mine(ctx context.Context, p *otm.Principal) (*LineManagers, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	d, err := s.lineManagersOf(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	return d.view(), nil
}

// Set replaces the caller's declared line-management chain with
// the given e-mail addresses (an empty list removes it). Only the addresses'
// fingerprints and masked hints are stored: the platform can recognise a
// declared manager but not name one. Errors: EUNAUTHORIZED, EINVALID naming
// emails[i] or emails.
func (s *Service) Set(ctx context.Context, p *otm.Principal, emails []string) (*LineManagers, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	clean, err := cleanLineManagers(p.Email, emails)
	if err != nil {
		return nil, err
	}
	if len(clean) == 0 {
		if err := s.deleteLineManagers(ctx, p.UserID); err != nil {
			return nil, err
		}
		return (*lineManagersDoc)(nil).view(), nil
	}
	d := &lineManagersDoc{ID: p.UserID, Managers: make([]string, 0, len(clean)), Hints: make([]string, 0, len(clean)),
		UpdatedAt: s.now().UTC().Truncate(time.Millisecond)}
	for _, e := range clean {
		d.Managers = append(d.Managers, Fingerprint(e))
		d.Hints = append(d.Hints, maskEmail(e))
	}
	if err := s.putLineManagers(ctx, d); err != nil {
		return nil, err
	}
	return d.view(), nil
}

// Erase deletes a person's declaration (account deletion).
func (s *Service) Erase(ctx context.Context, userID string) error {
	return s.deleteLineManagers(ctx, userID)
}

// Chains is what the rules need of the declarations: the declaring user's
// id → the fingerprints of their chain.
type Chains map[string][]string

// All loads every declaration (a small collection: one entry per
// person who declared a chain).
func (s *Service) All(ctx context.Context) (Chains, error) {
	docs, err := s.allLineManagers(ctx)
	if err != nil {
		return nil, err
	}
	out := make(Chains, len(docs))
	for _, d := range docs {
		out[d.ID] = d.Managers
	}
	return out, nil
}

// Of loads the declarations of the given people only.
func (s *Service) Of(ctx context.Context, userIDs ...string) (Chains, error) {
	out := Chains{}
	for _, id := range userIDs {
		d, err := s.lineManagersOf(ctx, id)
		if err != nil {
			return nil, err
		}
		if d != nil {
			out[id] = d.Managers
		}
	}
	return out, nil
}

// Resolve turns the declarations into the Managers user ids the matching
// rules compare: a mentor whose chain holds a mentee's address gets the
// mentee's user id, and a mentee whose chain holds a mentor's address gets
// the mentor's. menteeEmails maps mentee user ids to their addresses.
// Mentors' addresses are only asked for (mentorEmails, by profile id) when a
// mentee declared a chain. The rules see user ids only, never addresses.
func (lc Chains) Resolve(ctx context.Context, mentees []matching.Mentee, menteeEmails map[string]string, mentors []matching.Mentor,
	mentorEmails func(ctx context.Context, profileIDs []string) (map[string]string, error)) error {
	if len(lc) == 0 {
		return nil
	}
	// A mentor's chain names a mentee: the mentee is above the mentor.
	byFingerprint := map[string][]string{}
	for _, e := range mentees {
		if fp := Fingerprint(menteeEmails[e.UserID]); fp != "" && e.UserID != "" {
			byFingerprint[fp] = append(byFingerprint[fp], e.UserID)
		}
	}
	for i := range mentors {
		for _, fp := range lc[mentors[i].UserID] {
			for _, uid := range byFingerprint[fp] {
				if !slices.Contains(mentors[i].Managers, uid) {
					mentors[i].Managers = append(mentors[i].Managers, uid)
				}
			}
		}
	}
	// A mentee's chain names a mentor: the mentor is above the mentee.
	declared := false
	for _, e := range mentees {
		if len(lc[e.UserID]) > 0 {
			declared = true
			break
		}
	}
	if !declared || len(mentors) == 0 {
		return nil
	}
	ids := make([]string, 0, len(mentors))
	for _, m := range mentors {
		ids = append(ids, m.ProfileID)
	}
	emails, err := mentorEmails(ctx, ids)
	if err != nil {
		return err
	}
	mentorFP := make([]string, len(mentors))
	for i, m := range mentors {
		mentorFP[i] = Fingerprint(emails[m.ProfileID])
	}
	for j := range mentees {
		chain := lc[mentees[j].UserID]
		if len(chain) == 0 {
			continue
		}
		for i, m := range mentors {
			if mentorFP[i] != "" && m.UserID != "" && slices.Contains(chain, mentorFP[i]) && !slices.Contains(mentees[j].Managers, m.UserID) {
				mentees[j].Managers = append(mentees[j].Managers, m.UserID)
			}
		}
	}
	return nil
}

// lineManagersOf returns a person's declaration, nil when there is none.
func (s *Service) lineManagersOf(ctx context.Context, userID string) (*lineManagersDoc, error) {
	d, err := mongostore.FindByID[lineManagersDoc](ctx, s.c, userID)
	return d, mapErr(err)
}

func (s *Service) putLineManagers(ctx context.Context, d *lineManagersDoc) error {
	_, err := s.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true))
	return mapErr(err)
}

func (s *Service) deleteLineManagers(ctx context.Context, userID string) error {
	_, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: userID}})
	return mapErr(err)
}

func (s *Service) allLineManagers(ctx context.Context) ([]lineManagersDoc, error) {
	return mongostore.FindAll[lineManagersDoc](ctx, s.c, "linemanager", "Line managers", bson.D{})
}
