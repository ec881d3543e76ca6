// Package tandem owns what happens between an executive and a mentor:
// mentee requests (private to their owner and the program's curators),
// tandems with their slots (capacity, one mentor per mentee), meetings and
// cadence, and feedback. Package suggest finds the mentors for requests on
// top of it. It reads profiles, programs and
// line-management chains through small interfaces and never the other way
// round.
package tandem

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/organization"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem/slot"
)

// Profiles is what the service needs of mentor applications.
type Profiles interface {
	Lookup(ctx context.Context, id string) (*profile.Profile, error)
	Emails(ctx context.Context, ids []string) (map[string]string, error)
	CheckTopics(fe *otm.Problems, topics []string, required bool) []string
}

// Programs is what the service needs of programs.
type Programs interface {
	Lookup(ctx context.Context, id string) (*program.Program, error)
	Curated(ctx context.Context, p *otm.Principal, id string) (*program.Program, error)
	All(ctx context.Context) ([]program.Program, error)
	RequireCuratorOfAny(ctx context.Context, p *otm.Principal) error
	OnPhase(h program.PhaseHook)
}

// Roles is told when a person becomes an executive (mentee): submitting a
// request is what makes one.
type Roles interface {
	SetActivityRole(ctx context.Context, userID, role string, held bool, why string) error
}

// Inbox is where people are told what happened that concerns them.
type Inbox interface {
	notify.Deliverer
	// Retract takes a message back (from the inbox and the e-mail queue).
	Retract(ctx context.Context, userID, msgID string) error
	// RetractAbout takes back every message of a person about a subject.
	RetractAbout(ctx context.Context, userID, subject string) error
}

// Organizations is what the hard rules need of organizations.
type Organizations interface {
	Organization(ctx context.Context, id string) (*organization.Organization, error)
}

// Config wires the service.
type Config struct {
	// SingleProcess: this process is the database's only writer (the
	// embedded database): version checks run in the process.
	SingleProcess bool
	Profiles      Profiles
	Programs      Programs
	Organizations Organizations // may be nil: no organization rules beyond equal ids
	Roles         Roles         // may be nil: nobody's roles follow their requests
	LineManagers  LineChains    // may be nil: no line-management rule
	Inbox         Inbox         // may be nil: nobody is told
	Audit         *audit.Log    // may be nil
	Logger        *slog.Logger
	Now           func() time.Time
}

// Service runs requests, tandems, meetings and feedback.
type Service struct {
	store    *mongoStore
	slots    *slot.Counts // mentors' and requests' reservations (tandem_slots)
	profiles Profiles
	programs Programs
	cfg      Config
	log      *slog.Logger
	now      func() time.Time

	idKey *mongostore.Key // keys request ids (RequestID)
}

// NewService returns the service over db and registers it for phase changes
// of programs (entering wrap-up ends a program's tandems). Call Init before
// use.
func NewService(db *mongo.Database, cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{store: newMongoStore(db, cfg.SingleProcess), slots: slot.New(db.Collection("tandem_slots")), profiles: cfg.Profiles, programs: cfg.Programs, cfg: cfg, log: cfg.Logger, now: cfg.Now,
		idKey: mongostore.NewKey(db, "request-id-key")}
	cfg.Programs.OnPhase(s.phaseChanged)
	return s
}

// EnsureIndexes creates the indexes of the tandems' query patterns: a
// person's tandems and requests, a program's, the open ones, a tandem's
// meetings and feedback, the notes left to deliver.
func (s *Service) EnsureIndexes(ctx context.Context) error {
	m := s.store
	asc := func(keys ...string) bson.D {
		d := bson.D{}
		for _, k := range keys {
			d = append(d, bson.E{Key: k, Value: 1})
		}
		return d
	}
	return mongostore.EnsureIndexes(ctx, []mongostore.Index{
		m.pending.Index(),
		{C: m.tandems(), Keys: asc("mentorUserId", "createdAt")},
		{C: m.tandems(), Keys: asc("menteeUserId", "createdAt")},
		{C: m.tandems(), Keys: asc("programId", "createdAt")},
		{C: m.tandems(), Keys: asc("status", "createdAt")},
		{C: m.requests(), Keys: asc("ownerId", "createdAt")},
		{C: m.requests(), Keys: asc("programId")},
		{C: m.requests(), Keys: asc("orgId")},
		{C: m.requests(), Keys: asc("status", "submittedAt")},
		{C: m.meetings(), Keys: asc("tandemId", "date")},
		{C: m.feedbackC(), Keys: asc("programId")},
		{C: m.feedbackC(), Keys: asc("tandemId")},
	})
}

// BackfillMeetingCounts counts the meetings of every tandem into the
// meeting-count documents (the database's migration 0001; idempotent).
func (s *Service) BackfillMeetingCounts(ctx context.Context) error {
	return s.store.backfillMeetingCounts(ctx)
}

// phaseChanged ends a program's proposed and running tandems once it enters
// wrap-up (or evaluated).
func (s *Service) phaseChanged(ctx context.Context, p *otm.Principal, pr *program.Program) error {
	if pr.Phase != program.PhaseWrapUp && pr.Phase != program.PhaseEvaluated {
		return nil
	}
	return s.endProgramTandems(ctx, p, pr.ID)
}

// SweepPrograms ends tandems left running in programs past their wrap-up
// (after an interrupted phase change). Idempotent; safe to run at any time.
func (s *Service) SweepPrograms(ctx context.Context) error {
	ps, err := s.programs.All(ctx)
	if err != nil {
		return err
	}
	system := &otm.Principal{UserID: "system", Name: "OpenToMentor"}
	// One program that fails does not hold up the others.
	var errs []error
	for i := range ps {
		if err := s.phaseChanged(ctx, system, &ps[i]); err != nil {
			errs = append(errs, fmt.Errorf("program %s: %w", ps[i].ID, err))
		}
	}
	return errors.Join(errs...)
}

// requirePhase refuses action when the program's phase does not allow it.
func (s *Service) requirePhase(ctx context.Context, programID, action string) error {
	pr, err := s.programs.Lookup(ctx, programID)
	if err != nil {
		return err
	}
	return pr.Require(action)
}

// note adds m for userID to t's notes: they are written with t, in the same
// write as the event, and delivered after it (deliver).
func note(t *Tandem, userID string, m notify.Message) {
	if userID != "" {
		t.Notes = append(t.Notes, notify.Note{To: userID, Msg: m})
	}
}

// notePair notes for each side of t a message about the other (partner is
// the other side's name), with the id key+":"+side.
func notePair(t *Tandem, typ, key, link string, args map[string]any) {
	for _, side := range t.Parties() {
		a := map[string]any{"partner": side.Partner}
		for k, v := range args {
			a[k] = v
		}
		note(t, side.UserID, notify.Message{ID: key + ":" + side.Side, Type: typ, Args: a, Link: link})
	}
}

// deliver hands t's notes, after t was written, to the inbox's courier,
// which sends them and clears them (notify.Service.Soon); a failure leaves
// them on the tandem for DeliverNotes.
func (s *Service) deliver(ctx context.Context, t *Tandem) {
	if s.cfg.Inbox == nil || len(t.Notes) == 0 {
		return
	}
	notes, id, version, mark := t.Notes, t.ID, t.Version, t.mark
	t.Notes = nil
	s.cfg.Inbox.Soon(ctx, "tandem "+id, func(ctx context.Context) error {
		return notify.DeliverThenClear(ctx, s.cfg.Inbox, notes, func(ctx context.Context) error { return s.store.clearNotes(ctx, id, version, mark) })
	})
}

// DeliverNotes sends the notes that a crash (or a failing inbox) left on
// tandems after their write, and reports how many tandems had some.
// Idempotent: a message id gives one message.
func (s *Service) DeliverNotes(ctx context.Context) (int, error) {
	if s.cfg.Inbox == nil {
		return 0, nil
	}
	return notify.DeliverPending(ctx, s.cfg.Inbox, s.store.pending, s.store.getTandem, func(t *Tandem) []notify.Note { return t.Notes },
		func(ctx context.Context, t *Tandem) error { return s.store.clearNotes(ctx, t.ID, t.Version, 0) })
}

// record writes an audit entry; a failure is logged, never lost silently.
func (s *Service) record(ctx context.Context, e audit.Entry) {
	if s.cfg.Audit == nil {
		return
	}
	if err := s.cfg.Audit.Record(ctx, e); err != nil {
		s.log.Error("audit record failed", "action", e.Action, "subject", e.SubjectID, "err", err)
	}
}

// ProgramData is what an evaluation reads of one program: its requests (every
// status), its tandems, how many meetings each logged, and the pair feedback.
type ProgramData struct {
	Requests      []MenteeRequest
	Tandems       []Tandem
	MeetingCounts map[string]int // tandem id → meetings logged
	Feedback      []Feedback
}

// ProgramData reads a program's requests, tandems, meeting counts and
// feedback for its evaluation (package report, which checks that the caller
// curates the program; this method checks no access).
func (s *Service) ProgramData(ctx context.Context, programID string) (*ProgramData, error) {
	d := &ProgramData{}
	var err error
	if d.Tandems, err = s.store.tandemsOfProgram(ctx, programID); err != nil {
		return nil, err
	}
	if d.Requests, err = s.store.requestsOfProgram(ctx, programID); err != nil {
		return nil, err
	}
	if d.MeetingCounts, err = s.store.allMeetingCounts(ctx); err != nil {
		return nil, err
	}
	if d.Feedback, err = s.store.feedbackOfProgram(ctx, programID); err != nil {
		return nil, err
	}
	return d, nil
}

// curatedOrUnknown checks that p curates programID, for an object of that
// program: to a curator of another program the object is as unknown as one
// that does not exist (the answer is unknown, never "forbidden", so that
// neither its existence nor its status shows).
func (s *Service) curatedOrUnknown(ctx context.Context, p *otm.Principal, programID string, unknown error) (*program.Program, error) {
	pr, err := s.programs.Curated(ctx, p, programID)
	if c := otm.ErrorCode(err); c == otm.EFORBIDDEN || c == otm.ENOTFOUND {
		return nil, unknown
	}
	return pr, err
}
