// Package linemanager keeps people's declared line-management chains: who
// they report to, up to Max levels. Only keyed fingerprints of the addresses
// and masked hints are stored, so the platform can recognise a declared
// manager but never name one, and a copy of the database alone does not tell
// whether a given address was declared (the keys are not in it when the
// deployment configures them). The matching rules get user ids only
// (Chains.Resolve).
package linemanager

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/mongostore"
)

// Config configures the service.
type Config struct {
	// Keys are the deployment's fingerprint keys, oldest first (at least 16
	// bytes each). A new key is added at the end, and none is ever removed:
	// a fingerprint is the SHA-256 of the address wrapped in an HMAC by every
	// key in turn, so adding a key re-wraps the stored fingerprints (Rewrap)
	// without knowing their addresses. Empty: one key, generated on the first
	// start and kept in the database (settings), which protects less.
	Keys   [][]byte
	Audit  *audit.Log // declarations are recorded here; nil in some tests
	Logger *slog.Logger
	Now    func() time.Time // nil: time.Now
}

// Service stores and reads the declarations.
type Service struct {
	c     *mongo.Collection
	cfg   Config
	chain []fpKey // the keys, oldest first (LoadKeys)
	now   func() time.Time
}

// fpKey is one fingerprint key with its id (a short digest, stored with each
// declaration to say which keys wrap its fingerprints).
type fpKey struct {
	id  string
	key []byte
}

// NewService returns the service on db's line_managers collection. Call
// LoadKeys before use.
func NewService(db *mongo.Database, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Service{c: db.Collection("line_managers"), cfg: cfg, now: cfg.Now}
}

// LoadKeys sets the keys up: the configured ones, or the database's own
// (created on the first start; every replica reads the same).
func (s *Service) LoadKeys(ctx context.Context) error {
	keys := s.cfg.Keys
	if len(keys) == 0 {
		k, err := mongostore.SettingKey(ctx, s.c.Database(), "linemanager-fingerprint-key")
		if err != nil {
			return fmt.Errorf("linemanager: the fingerprint key: %w", err)
		}
		keys = [][]byte{k}
	}
	chain := make([]fpKey, 0, len(keys))
	for i, k := range keys {
		if len(k) < 16 {
			return fmt.Errorf("linemanager: fingerprint key %d is shorter than 16 bytes", i+1)
		}
		sum := sha256.Sum256(append([]byte("otm-fingerprint-key:"), k...))
		chain = append(chain, fpKey{id: hex.EncodeToString(sum[:6]), key: k})
	}
	s.chain = chain
	return nil
}

func (s *Service) keyIDs() []string {
	ids := make([]string, len(s.chain))
	for i, k := range s.chain {
		ids[i] = k.id
	}
	return ids
}

// wrap applies the keys of chain to fingerprints (in place).
func wrap(chain []fpKey, fps []string) {
	for _, k := range chain {
		for i, fp := range fps {
			m := hmac.New(sha256.New, k.key)
			m.Write([]byte(fp))
			fps[i] = hex.EncodeToString(m.Sum(nil))
		}
	}
}

// fingerprint is the stored form of an address under every key.
func (s *Service) fingerprint(email string) string {
	fp := []string{Fingerprint(email)}
	if fp[0] == "" {
		return ""
	}
	wrap(s.chain, fp)
	return fp[0]
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
	Managers  []string  `bson:"managers"` // fingerprints (hex) of the addresses
	Keys      []string  `bson:"keys"`     // ids of the keys that wrap them, oldest first (none: plain SHA-256, before keys)
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

// Fingerprint returns the SHA-256 (hex) of an e-mail address, trimmed and
// lower-cased; "" for an empty address. What is stored wraps it in the
// deployment's keys (Service.fingerprint).
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
		s.record(ctx, p, 0)
		return (*lineManagersDoc)(nil).view(), nil
	}
	d := &lineManagersDoc{ID: p.UserID, Managers: make([]string, 0, len(clean)), Keys: s.keyIDs(), Hints: make([]string, 0, len(clean)),
		UpdatedAt: s.now().UTC().Truncate(time.Millisecond)}
	for _, e := range clean {
		d.Managers = append(d.Managers, s.fingerprint(e))
		d.Hints = append(d.Hints, maskEmail(e))
	}
	if err := s.putLineManagers(ctx, d); err != nil {
		return nil, err
	}
	s.record(ctx, p, len(clean))
	return d.view(), nil
}

// Erase deletes a person's declaration (account deletion).
func (s *Service) Erase(ctx context.Context, userID string) error {
	return s.deleteLineManagers(ctx, userID)
}

// Chains is what the rules need of the declarations: the declaring user's
// id → the fingerprints of their chain, and how an address is fingerprinted.
type Chains struct {
	byUser map[string][]string
	fp     func(email string) string
}

// All loads every declaration (a small collection: one entry per
// person who declared a chain).
func (s *Service) All(ctx context.Context) (Chains, error) {
	docs, err := s.allLineManagers(ctx)
	if err != nil {
		return Chains{}, err
	}
	out := s.chains()
	for i := range docs {
		s.add(out, &docs[i])
	}
	return out, nil
}

// Of loads the declarations of the given people only.
func (s *Service) Of(ctx context.Context, userIDs ...string) (Chains, error) {
	out := s.chains()
	for _, id := range userIDs {
		d, err := s.lineManagersOf(ctx, id)
		if err != nil {
			return Chains{}, err
		}
		if d != nil {
			s.add(out, d)
		}
	}
	return out, nil
}

func (s *Service) chains() Chains { return Chains{byUser: map[string][]string{}, fp: s.fingerprint} }

// add puts d's fingerprints into c under every key: one written before a key
// was added (by a replica that did not know it yet, or before Rewrap) is
// wrapped by the keys it lacks. One under keys this process does not know
// cannot be compared, and is left out with a warning.
func (s *Service) add(c Chains, d *lineManagersDoc) {
	rest, ok := s.missingKeys(d.Keys)
	if !ok {
		s.cfg.Logger.Warn("a line-manager declaration is under unknown fingerprint keys; it is left out until this process has them", "keys", d.Keys)
		return
	}
	fps := slices.Clone(d.Managers)
	wrap(rest, fps)
	c.byUser[d.ID] = fps
}

// missingKeys returns the keys to apply to fingerprints wrapped by the keys
// ids, or false when ids is not a beginning of this process's keys.
func (s *Service) missingKeys(ids []string) ([]fpKey, bool) {
	if len(ids) > len(s.chain) {
		return nil, false
	}
	for i, id := range ids {
		if s.chain[i].id != id {
			return nil, false
		}
	}
	return s.chain[len(ids):], true
}

// Rewrap brings every declaration under all the keys (after a key was added,
// and once for declarations stored before keys existed). It is idempotent and
// resumable: each declaration is replaced only if it is still as read, so a
// concurrent save wins. It returns how many it re-wrapped.
func (s *Service) Rewrap(ctx context.Context) (int, error) {
	docs, err := s.allLineManagers(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for i := range docs {
		d := &docs[i]
		rest, ok := s.missingKeys(d.Keys)
		if !ok || len(rest) == 0 {
			continue
		}
		old := slices.Clone(d.Managers)
		wrap(rest, d.Managers)
		res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "managers", Value: old}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "managers", Value: d.Managers}, {Key: "keys", Value: s.keyIDs()}}}})
		if err != nil {
			errs = append(errs, mapErr(err))
			continue
		}
		n += int(res.ModifiedCount)
	}
	return n, errors.Join(errs...)
}

// record audits a saved declaration: how many managers, never who.
func (s *Service) record(ctx context.Context, p *otm.Principal, managers int) {
	if s.cfg.Audit == nil {
		return
	}
	if err := s.cfg.Audit.Record(ctx, audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: "line_managers.set",
		SubjectType: "user", SubjectID: p.UserID, SubjectUserID: p.UserID, Details: fmt.Sprintf("managers=%d", managers)}); err != nil {
		s.cfg.Logger.Error("audit of a line-manager declaration failed", "err", err)
	}
}

// Resolve turns the declarations into the Managers user ids the matching
// rules compare: a mentor whose chain holds a mentee's address gets the
// mentee's user id, and a mentee whose chain holds a mentor's address gets
// the mentor's. menteeEmails maps mentee user ids to their addresses.
// Mentors' addresses are only asked for (mentorEmails, by profile id) when a
// mentee declared a chain. The rules see user ids only, never addresses.
func (lc Chains) Resolve(ctx context.Context, mentees []matching.Mentee, menteeEmails map[string]string, mentors []matching.Mentor,
	mentorEmails func(ctx context.Context, profileIDs []string) (map[string]string, error)) error {
	if len(lc.byUser) == 0 {
		return nil
	}
	// A mentor's chain names a mentee: the mentee is above the mentor.
	byFingerprint := map[string][]string{}
	for _, e := range mentees {
		if fp := lc.fp(menteeEmails[e.UserID]); fp != "" && e.UserID != "" {
			byFingerprint[fp] = append(byFingerprint[fp], e.UserID)
		}
	}
	for i := range mentors {
		for _, fp := range lc.byUser[mentors[i].UserID] {
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
		if len(lc.byUser[e.UserID]) > 0 {
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
		mentorFP[i] = lc.fp(emails[m.ProfileID])
	}
	for j := range mentees {
		chain := lc.byUser[mentees[j].UserID]
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
