// Package platform wires the services together, in the one order the
// platform uses everywhere: the binary (cmd/opentomentor), the API tests, the
// page tests and the browser tests all build their services here. It knows
// nothing of HTTP; packages api and frontend take the Services it returns.
package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	otm "github.com/opentomentor/opentomentor"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/opentomentor/opentomentor/account"
	"github.com/opentomentor/opentomentor/assignment"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/linemanager"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/organization"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/report"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/shortlist"
	"github.com/opentomentor/opentomentor/suggest"
	"github.com/opentomentor/opentomentor/tandem"
)

// Config says how to build the services.
type Config struct {
	// Identity configures sign-in (providers, role e-mails, timeouts); its
	// Audit and Logger are set here.
	Identity identity.Config
	// Search is the mentor index (Meilisearch or Bleve), opened by the caller.
	Search search.Index
	// SingleProcess says that this process is the database's only user
	// (the embedded database): profiles are then kept in memory, written
	// through on every change, inbox writes are serialized in the process,
	// and background work (fan-out, mail) is paced to a share of the
	// database's time, since the embedded database serves one operation at
	// a time.
	SingleProcess bool
	Logger        *slog.Logger
	Now           func() time.Time // nil: time.Now
	// MigrationLease lets one replica migrate the database while the others
	// wait (nil: this process is the only one).
	MigrationLease *mongostore.Lease
	// Retention is how long after its evaluation a cohort keeps its requests,
	// tandems, meeting logs and feedback; the sweep then deletes them and
	// keeps the report's figures (ForgetEvaluated). 0: kept.
	Retention time.Duration
	// FingerprintKeys key the fingerprints of declared line managers, oldest
	// first (linemanager.Config.Keys); none: a key kept in the database.
	FingerprintKeys [][]byte
}

// Services are the platform's services, built over one database. A zero
// field means the feature is off (tests that need only part of it).
type Services struct {
	Identity     *identity.Service
	Audit        *audit.Log
	Search       search.Index
	Indexer      *search.Indexer
	Profiles     *profile.Service
	Programs     *program.Service
	Tandems      *tandem.Service
	Suggestions  *suggest.Service
	Assignments  *assignment.Service
	Shortlists   *shortlist.Service
	LineManagers *linemanager.Service
	Reports      *report.Service
	Accounts     *account.Service
	Notify       *notify.Service

	now       func() time.Time
	retention time.Duration
}

// New builds every service over db, creates their indexes and seeds what
// they need (topics, the open program). Errors: the first that fails.
func New(ctx context.Context, db *mongo.Database, cfg Config) (*Services, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Services{now: cfg.Now, retention: cfg.Retention, Search: cfg.Search, Audit: audit.New(db), Notify: notify.New(db, notify.Config{Now: cfg.Now,
		Logger: log.With("component", "notify"), SingleProcess: cfg.SingleProcess, Pacer: pacer(cfg.SingleProcess)})}
	if err := s.Audit.EnsureIndexes(ctx); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	icfg := cfg.Identity
	icfg.SingleProcess = cfg.SingleProcess
	icfg.Audit, icfg.Inbox = s.Audit, s.Notify
	if icfg.Logger == nil {
		icfg.Logger = log.With("component", "identity")
	}
	var err error
	if s.Identity, err = identity.NewService(db, icfg); err != nil {
		return nil, err
	}
	if err := s.Identity.EnsureIndexes(ctx); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	s.Profiles = profile.NewService(db, profile.Config{Directory: s.Identity, Audit: s.Audit, Index: cfg.Search,
		Roles: s.Identity, Inbox: s.Notify, Staff: s.Identity, Logger: log.With("component", "profile"), Now: cfg.Now, CacheProfiles: cfg.SingleProcess})
	s.Programs = program.NewService(db, program.Config{Audit: s.Audit, Logger: log.With("component", "program"), Now: cfg.Now})
	s.LineManagers = linemanager.NewService(db, linemanager.Config{Keys: cfg.FingerprintKeys, Audit: s.Audit, Logger: log.With("component", "linemanager"), Now: cfg.Now})
	s.Tandems = tandem.NewService(db, tandem.Config{SingleProcess: cfg.SingleProcess, Profiles: s.Profiles, Programs: s.Programs, Organizations: s.Identity, LineManagers: s.LineManagers,
		Roles: s.Identity, Inbox: s.Notify, Audit: s.Audit, Logger: log.With("component", "tandem"), Now: cfg.Now})
	s.Programs.OnPhase(s.announceRegistration)
	s.Suggestions = suggest.New(suggest.Config{Tandems: s.Tandems, Programs: s.Programs, Index: cfg.Search,
		LineManagers: s.LineManagers, Emails: s.Profiles.Emails})
	s.Assignments = assignment.New(db, s.Suggestions, s.Programs, cfg.Now)
	s.Shortlists = shortlist.New(db, s.Tandems, s.capacityOf, cfg.Search, s.Audit, s.Notify, cfg.Now)
	s.Reports = report.NewService(s.Profiles, s.Programs, s.Tandems, cfg.Now)
	s.Reports.CacheIn(db)
	s.Reports.SetShortlists(s.Shortlists)
	s.Reports.ArchiveIn(db)
	s.Accounts = account.New(db, cfg.Now, s.Identity, s.Profiles, s.Programs, s.Tandems, s.Assignments, s.Shortlists, s.LineManagers, s.Audit, s.Notify)
	s.Identity.RefuseSignInWhile(s.Accounts.Pending)
	for _, init := range []func(context.Context) error{s.Profiles.Init, s.Programs.Init, s.Tandems.EnsureIndexes, s.Assignments.EnsureIndexes, s.LineManagers.LoadKeys} {
		if err := init(ctx); err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
	}
	if _, err := mongostore.Migrate(ctx, db, cfg.MigrationLease, s.migrations(), log.With("component", "migrate")); err != nil {
		return nil, err
	}
	if cfg.Search != nil {
		s.Indexer = search.NewIndexer(s.Profiles.IndexSource(), cfg.Search, log.With("component", "indexer"))
		s.Profiles.SetNotifier(s.Indexer)
	}
	return s, nil
}

// migrations are the database's history, applied once each in ID order
// (mongostore.Migrate): append, never change or reorder.
func (s *Services) migrations() []mongostore.Migration {
	return []mongostore.Migration{
		{ID: "0001-meeting-counts", Run: s.Tandems.BackfillMeetingCounts},
		{ID: "0002-last-meeting-dates", Run: s.Tandems.BackfillLastMeetings},
		{ID: "0003-forget-id-tokens", Run: s.Identity.ForgetIDTokens},
		{ID: "0004-keyed-line-manager-fingerprints", Run: func(ctx context.Context) error { _, err := s.LineManagers.Rewrap(ctx); return err }},
	}
}

// announceRegistration tells the people who follow the programs that pr
// opened its registration (in the background: the audience may be large).
func (s *Services) announceRegistration(ctx context.Context, _ *otm.Principal, pr *program.Program) error {
	if pr.Phase != program.PhaseRegistration {
		return nil
	}
	return s.Notify.SendManyOnce(ctx, s.Programs.Followers, notify.Message{ID: "program.registration:" + pr.ID, Type: notify.TypeProgramRegistration,
		Args: map[string]any{"program": pr.Name}, Link: "/programs/" + pr.ID})
}

// AnnounceWithin is how long after a cohort opened its registration the
// sweep still announces it, should the phase change's own announcement
// have failed (a crash between the two).
const AnnounceWithin = 7 * 24 * time.Hour

// announceMissed announces the registrations that opened lately and were
// not announced (SendManyOnce does nothing for the others).
func (s *Services) announceMissed(ctx context.Context, now time.Time) error {
	progs, err := s.Programs.All(ctx)
	if err != nil {
		return err
	}
	for i := range progs {
		if pr := &progs[i]; pr.Phase == program.PhaseRegistration && now.Sub(pr.PhaseChangedAt) < AnnounceWithin {
			if err := s.announceRegistration(ctx, nil, pr); err != nil {
				return err
			}
		}
	}
	return nil
}

// BackgroundShare is the part of the embedded database's time that
// background work may take (mongostore.Pacer).
const BackgroundShare = 0.2

func pacer(singleProcess bool) *mongostore.Pacer {
	if !singleProcess {
		return nil
	}
	return &mongostore.Pacer{Share: BackgroundShare}
}

// Sweep removes expired sessions and sign-in attempts, finishes ending the
// tandems of programs past their wrap-up, re-wraps line-manager fingerprints
// under a newly added key, finishes account erasures that
// failed or were cut off (account.Service.FinishErasures) and delivers the
// notifications events left (DeliverNotes). Idempotent.
func (s *Services) Sweep(ctx context.Context) error {
	// Each step on its own: one that fails does not hold up the others.
	var errs []error
	for _, step := range []struct {
		name string
		run  func(context.Context) error
	}{
		{"sessions", s.Identity.Sweep},
		{"programs", s.Tandems.SweepPrograms},
		{"slots", func(ctx context.Context) error { _, err := s.Tandems.ReconcileSlots(ctx); return err }},
		// A key added since the last start: the declarations of replicas that
		// did not know it yet.
		{"fingerprints", func(ctx context.Context) error { _, err := s.LineManagers.Rewrap(ctx); return err }},
		{"erasures", func(ctx context.Context) error {
			_, err := s.Accounts.FinishErasures(ctx, account.RetryAfter)
			return err
		}},
		{"notes", s.DeliverNotes},
		{"retention", func(ctx context.Context) error {
			if s.retention <= 0 {
				return nil
			}
			_, err := s.ForgetEvaluated(ctx, s.retention)
			return err
		}},
	} {
		if err := step.run(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", step.name, err))
		}
	}
	return errors.Join(errs...)
}

// ForgetEvaluated deletes what cohorts evaluated longer than olderThan ago
// (the sweep: Config.Retention) kept of their people: requests, tandems, meeting logs, feedback
// and assignments. Their report is archived first (figures only), and the
// program records when (Program.DataDeletedAt); the audit log keeps its
// entries (an account's erasure pseudonymizes them). Idempotent: a run cut
// off is finished by the next. It returns the programs it finished.
func (s *Services) ForgetEvaluated(ctx context.Context, olderThan time.Duration) (int, error) {
	now := s.now().UTC()
	progs, err := s.Programs.All(ctx)
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for i := range progs {
		pr := &progs[i]
		if pr.Phase != program.PhaseEvaluated || pr.DataDeletedAt != nil || now.Sub(pr.PhaseChangedAt) < olderThan {
			continue
		}
		if err := s.forget(ctx, pr, now); err != nil {
			errs = append(errs, fmt.Errorf("program %s: %w", pr.ID, err))
			continue
		}
		done++
	}
	return done, errors.Join(errs...)
}

func (s *Services) forget(ctx context.Context, pr *program.Program, now time.Time) error {
	if err := s.Reports.Archive(ctx, pr); err != nil {
		return err
	}
	if err := s.Shortlists.ForgetProgram(ctx, pr.ID); err != nil {
		return err
	}
	n, err := s.Tandems.ForgetProgram(ctx, pr.ID)
	if err != nil {
		return err
	}
	if err := s.Assignments.ForgetProgram(ctx, pr.ID); err != nil {
		return err
	}
	if err := s.Programs.MarkDataDeleted(ctx, pr.ID, now); err != nil {
		return err
	}
	return s.Audit.Record(ctx, audit.Entry{ActorID: "system", Action: "program.retention", SubjectType: "program", SubjectID: pr.ID,
		ProgramID: pr.ID, Details: fmt.Sprintf("deleted=%d", n)})
}

// DeliverNotes sends what events owe and did not deliver after their write
// (a crash, a failing database): the notes on tandems, applications and
// people's records, and the announcements of registrations. Idempotent.
func (s *Services) DeliverNotes(ctx context.Context) error {
	// Each kind on its own: one that fails does not hold up the others.
	var errs []error
	if _, err := s.Tandems.DeliverNotes(ctx); err != nil {
		errs = append(errs, fmt.Errorf("tandem notifications: %w", err))
	}
	if _, err := s.Profiles.DeliverNotes(ctx); err != nil {
		errs = append(errs, fmt.Errorf("application notifications: %w", err))
	}
	if _, err := s.Identity.DeliverNotes(ctx); err != nil {
		errs = append(errs, fmt.Errorf("role notifications: %w", err))
	}
	if err := s.announceMissed(ctx, s.now()); err != nil {
		errs = append(errs, fmt.Errorf("announcements: %w", err))
	}
	return errors.Join(errs...)
}

// UpdateOrganization applies an admin's edit of an organization
// (identity.Service.UpdateOrganization) and brings what carries its name and
// verification along: members and their sessions, applications (and the
// index), requests. Saving again finishes a failed run.
func (s *Services) UpdateOrganization(ctx context.Context, p *otm.Principal, id string, patch identity.OrgPatch) (*organization.Organization, error) {
	o, err := s.Identity.UpdateOrganization(ctx, p, id, patch)
	if err != nil {
		return nil, err
	}
	if _, err := s.Profiles.FollowOrganization(ctx, o.ID, o.Name, o.Industry, o.Verified); err != nil {
		return nil, err
	}
	if _, err := s.Tandems.ReassignOrganization(ctx, o.ID, o.ID, o.Name); err != nil {
		return nil, err
	}
	return o, nil
}

// MergeOrganization folds an unverified organization into a verified one
// (admins): its people and their sessions first, then applications and
// requests, then it is deleted — each step repeatable after a failure.
// Errors: those of identity.Service.MergeTargets, and the database's.
func (s *Services) MergeOrganization(ctx context.Context, p *otm.Principal, fromID, intoID string) (*organization.Organization, error) {
	return s.Identity.MergeOrganization(ctx, p, fromID, intoID, func(ctx context.Context, into *organization.Organization) error {
		if _, err := s.Profiles.ReassignOrganization(ctx, fromID, into.ID, into.Name, into.Industry); err != nil {
			return err
		}
		_, err := s.Tandems.ReassignOrganization(ctx, fromID, into.ID, into.Name)
		return err
	})
}

// capacityOf returns a program's tandems per mentor (for shortlists).
func (s *Services) capacityOf(ctx context.Context, programID string) (int, error) {
	pr, err := s.Programs.Lookup(ctx, programID)
	if err != nil {
		return 0, err
	}
	return pr.Capacity, nil
}
