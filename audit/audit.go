// Package audit keeps the append-only record of curator decisions and role
// changes: who did what to whom, when and why. Entries are never updated,
// except that erasing a person replaces their id with a pseudonym.
package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/opentomentor/opentomentor/mongostore"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Actions recorded in the log.
const (
	ActionApplicationSubmit         = "application.submit"
	ActionApplicationApprove        = "application.approve"
	ActionApplicationReject         = "application.reject"
	ActionApplicationRequestChanges = "application.request_changes"
	ActionApplicationWithdraw       = "application.withdraw"
	ActionApplicationComment        = "application.comment"
	ActionRoleGrant                 = "role.grant"
	ActionRoleRevoke                = "role.revoke"
	ActionAccountDelete             = "account.delete"
)

// Reasons the platform writes itself (a person's own words are stored as
// typed). They are keys: pages show them as "audit.<key>" in the reader's
// language, the CSV and the API keep the key.
const (
	WhyEnvAdmin              = "why.env_admin"   // listed in OTM_ADMIN_EMAILS
	WhyEnvCurator            = "why.env_curator" // listed in OTM_CURATOR_EMAILS
	WhyEnvRemoved            = "why.env_removed" // no longer listed in either
	WhyStoredGrant           = "why.stored_grant"
	WhyGrantedAhead          = "why.granted_ahead"
	WhySetByAdmin            = "why.set_by_admin"
	WhyApplicationWithdrawn  = "why.application_withdrawn"
	WhyApplicationDecidedPfx = "why.application_" // + approve, reject, request_changes
	WhyRequestSubmitted      = "why.request_submitted"
)

// Entry is one audit record.
type Entry struct {
	ID            string    `bson:"_id" json:"id"`
	At            time.Time `bson:"at" json:"at"`
	ActorID       string    `bson:"actorId" json:"actorId"` // user id, "system" or a pseudonym
	ActorName     string    `bson:"actorName,omitempty" json:"actorName,omitempty"`
	Action        string    `bson:"action" json:"action"`
	SubjectType   string    `bson:"subjectType" json:"subjectType"` // "mentor_profile", "user"
	SubjectID     string    `bson:"subjectId" json:"subjectId"`
	SubjectUserID string    `bson:"subjectUserId" json:"subjectUserId"`             // whom it is about
	ProgramID     string    `bson:"programId,omitempty" json:"programId,omitempty"` // the program it happened in, if any
	Reason        string    `bson:"reason,omitempty" json:"reason,omitempty"`
	Details       string    `bson:"details,omitempty" json:"details,omitempty"`
}

// Log is the audit log.
type Log struct {
	store *mongoStore
	now   func() time.Time
}

// New returns the audit log over db.
func New(db *mongo.Database) *Log {
	return &Log{store: newMongoStore(db), now: time.Now}
}

// EnsureIndexes creates the log's indexes.
func (l *Log) EnsureIndexes(ctx context.Context) error { return l.store.ensureIndexes(ctx) }

// Record appends an entry; ID and At are set here.
func (l *Log) Record(ctx context.Context, e Entry) error {
	e.At = l.now().UTC()
	e.ID = newID(e.At)
	return l.store.insert(ctx, &e)
}

// RecordOnce writes e under an id the caller chose in advance (NewID), so a job
// that records and then fails can run again without a second entry: an entry
// with that id already there counts as written.
func (l *Log) RecordOnce(ctx context.Context, id string, e Entry) error {
	e.At = l.now().UTC()
	e.ID = id
	if err := l.store.insert(ctx, &e); err != nil && !mongostore.IsDuplicateKey(err) {
		return err
	}
	return nil
}

// NewID returns a new entry id for RecordOnce.
func (l *Log) NewID() string { return newID(l.now()) }

// NewPseudonym returns a new random pseudonym for Pseudonymize.
func NewPseudonym() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "erased-" + hex.EncodeToString(b)
}

// BySubject returns the entries about one object, oldest first.
func (l *Log) BySubject(ctx context.Context, subjectID string) ([]Entry, error) {
	return l.store.find(ctx, "subjectId", subjectID)
}

// ByUser returns every entry about a person, oldest first.
func (l *Log) ByUser(ctx context.Context, userID string) ([]Entry, error) {
	return l.store.find(ctx, "subjectUserId", userID)
}

// ByActor returns every entry a person wrote, oldest first.
func (l *Log) ByActor(ctx context.Context, userID string) ([]Entry, error) {
	return l.store.find(ctx, "actorId", userID)
}

// Pseudonymize replaces a person's id — as subject, as actor, and as the
// subject id of their own objects (subjectIDs, e.g. their application) — by
// pseudo (NewPseudonym) and drops their name, so the log keeps its shape but
// no longer points at them. It returns the entries in which the person was the
// actor (their subjects: where a curator left traces in others' objects), read
// in the same pass; entries already carrying pseudo count too, so a run again
// after a failure returns the same.
func (l *Log) Pseudonymize(ctx context.Context, userID, pseudo string, subjectIDs ...string) ([]Entry, error) {
	return l.store.replaceUser(ctx, userID, pseudo, append([]string{userID}, subjectIDs...))
}

// newID makes ids that sort by time.
func newID(t time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("a_%016x%s", t.UnixNano(), hex.EncodeToString(b))
}

// SeenBySubject reports whether the person an entry is about sees it in the
// product (account page, GET /api/v1/me/audit): everything but curators'
// internal comments on their application. The data export holds those too.
func SeenBySubject(e Entry) bool { return e.Action != ActionApplicationComment }

// SeenBy returns the entries about userID that the person sees, oldest
// first (see SeenBySubject).
func (l *Log) SeenBy(ctx context.Context, userID string) ([]Entry, error) {
	all, err := l.ByUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if SeenBySubject(e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Filter selects audit entries; empty fields select everything.
type Filter struct {
	Actor   string    // actor id
	Subject string    // subject id or the id of the person it is about
	Action  string    // an action, or a prefix ending in "." (e.g. "tandem.")
	From    time.Time // inclusive
	To      time.Time // exclusive
	// Programs, when not nil, limits the entries to those of these programs
	// (a program curator's view; empty selects nothing).
	Programs []string
}

// Find returns the entries that f selects, newest first, and how many there
// are in all (admins' audit view; callers check who may read it).
func (l *Log) Find(ctx context.Context, f Filter, limit, offset int) ([]Entry, int, error) {
	return l.store.search(ctx, f, limit, offset)
}
