package report

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

// evalEnv is the report service over the real profile, program and tandem
// services on a fresh database, with a clock the test sets. Fixtures that no
// public method can create as they were (a tandem declined long ago) are
// written straight into the collections.
type evalEnv struct {
	s        *Service
	profiles *profile.Service
	programs *program.Service
	tandems  *tandem.Service
	db       *mongo.Database
	now      time.Time
}

func newEvalEnv(tb testing.TB) *evalEnv {
	tb.Helper()
	e := &evalEnv{now: time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC), db: testenv.DB(tb)}
	e.services(tb)
	return e
}

// services builds the services over e.db anew (as a new process would).
func (e *evalEnv) services(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	now := func() time.Time { return e.now }
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.profiles = profile.NewService(e.db, profile.Config{Now: now, Logger: quiet})
	e.programs = program.NewService(e.db, program.Config{Now: now, Logger: quiet})
	e.tandems = tandem.NewService(e.db, tandem.Config{Profiles: e.profiles, Programs: e.programs, Now: now, Logger: quiet})
	e.s = NewService(e.profiles, e.programs, e.tandems, now)
	e.s.SetMinGroup(1) // small fixtures: the figures are checked with every answer shown (TestSatisfactionWithheld checks the default)
	for _, init := range []func(context.Context) error{e.profiles.Init, e.programs.Init, e.tandems.BackfillMeetingCounts} {
		if err := init(ctx); err != nil {
			tb.Fatalf("Init: %v", err)
		}
	}
}

// insert writes docs into the named collection.
func (e *evalEnv) insert(tb testing.TB, collection string, docs ...any) {
	tb.Helper()
	if len(docs) == 0 {
		return
	}
	if _, err := e.db.Collection(collection).InsertMany(context.Background(), docs); err != nil {
		tb.Fatalf("insert into %s: %v", collection, err)
	}
}

// program stores a cohort in phase with the given curators.
func (e *evalEnv) program(tb testing.TB, id, phase string, curators ...string) *program.Program {
	tb.Helper()
	pr := &program.Program{ID: id, Name: "Cohort " + id, Phase: phase, RegistrationOpens: "2027-01-10", RegistrationCloses: "2027-02-15",
		KickOff: "2027-03-01", WrapUp: "2027-08-31", Curators: append([]string{}, curators...), Capacity: 1,
		Weights: program.DefaultProgramWeights(), CreatedAt: e.now, UpdatedAt: e.now, PhaseChangedAt: e.now, Version: 1}
	e.insert(tb, "programs", pr)
	return pr
}

// tandem stores a tandem of program between mentor and mentee in status;
// ran sets ActivatedAt, by ends or declines it.
func (e *evalEnv) tandem(tb testing.TB, id, program, mentor, mentee, status string, ran bool, by string) *tandem.Tandem {
	tb.Helper()
	t := &tandem.Tandem{ID: id, ProgramID: program, RequestID: "mr_" + mentee + "_" + program, MentorProfileID: "mp_" + mentor,
		MentorUserID: "u_" + mentor, MenteeUserID: "u_" + mentee, MentorName: mentor, MenteeName: mentee,
		Status: status, CreatedAt: e.now, UpdatedAt: e.now, Version: 1}
	if ran {
		at := e.now
		t.ActivatedAt, t.MentorAccepted, t.MenteeAccepted = &at, true, true
	}
	switch status {
	case tandem.TandemEnded:
		at := e.now
		t.EndedAt, t.EndedBy = &at, by
	case tandem.TandemDeclined:
		t.DeclinedBy = by
	}
	e.insert(tb, "tandems", t)
	return t
}

// meetings records that tandem logged n meetings (the counters reports read).
func (e *evalEnv) meetings(tb testing.TB, tandemID string, n int) {
	tb.Helper()
	e.insert(tb, "tandem_meeting_counts", bson.D{{Key: "_id", Value: tandemID}, {Key: "n", Value: n}})
}

// submittedApplication imports a complete application of owner under review
// since at.
func (e *evalEnv) submittedApplication(tb testing.TB, owner string, at time.Time) string {
	tb.Helper()
	c := profile.Content{Headline: "Digital natives teach leaders", Bio: "I help leaders understand how my generation works, learns and decides, with examples from my own team.",
		Topics: []string{"digital-skills"}, Languages: []string{"de", "en"}, Country: "DE", Availability: profile.Availability{HoursPerMonth: 4}}
	if err := e.profiles.Import(context.Background(), nil, []profile.Imported{{OwnerID: "u_" + owner, Name: owner, Content: c,
		Status: profile.StatusSubmitted, At: at}}, 1); err != nil {
		tb.Fatalf("import application: %v", err)
	}
	return profile.ProfileIDFor("u_" + owner)
}

// decideAt has cura decide on an application at a given time.
func (e *evalEnv) decideAt(tb testing.TB, cura *otm.Principal, id, decision string, at time.Time) {
	tb.Helper()
	e.now = at
	if _, err := e.profiles.Decide(context.Background(), cura, id, decision, "Please say more about your availability.", 0); err != nil {
		tb.Fatalf("Decide %s %s: %v", id, decision, err)
	}
}

func user(name string, roles ...string) *otm.Principal {
	return &otm.Principal{UserID: "u_" + name, Name: name, Email: name + "@example.com", EmailTrusted: true, Roles: roles}
}
