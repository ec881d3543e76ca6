package tandem

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// evalEnv is the service, with the real profile and program services, over
// a fresh database with a clock the test sets.
type evalEnv struct {
	s        *Service
	programs *program.Service
	db       *mongo.Database
	now      time.Time
}

func newEvalEnv(tb testing.TB) *evalEnv {
	tb.Helper()
	ctx := context.Background()
	e := &evalEnv{now: time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC), db: testenv.DB(tb)}
	now := func() time.Time { return e.now }
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	profiles := profile.NewService(e.db, profile.Config{Now: now, Logger: quiet})
	e.programs = program.NewService(e.db, program.Config{Now: now, Logger: quiet})
	e.s = NewService(e.db, Config{Profiles: profiles, Programs: e.programs, Now: now, Logger: quiet})
	for _, init := range []func(context.Context) error{profiles.Init, e.programs.Init, e.s.BackfillMeetingCounts} {
		if err := init(ctx); err != nil {
			tb.Fatalf("Init: %v", err)
		}
	}
	return e
}

// program stores a cohort in phase with the given curators, straight into
// the programs collection (no phase-change side effects).
func (e *evalEnv) program(tb testing.TB, id, phase string, curators ...string) *program.Program {
	tb.Helper()
	pr := &program.Program{ID: id, Name: "Cohort " + id, Phase: phase, RegistrationOpens: "2027-01-10", RegistrationCloses: "2027-02-15",
		KickOff: "2027-03-01", WrapUp: "2027-08-31", Curators: append([]string{}, curators...), Capacity: 1,
		Weights: program.DefaultProgramWeights(), CreatedAt: e.now, UpdatedAt: e.now, PhaseChangedAt: e.now, Version: 1}
	if _, err := e.db.Collection("programs").InsertOne(context.Background(), pr); err != nil {
		tb.Fatalf("insert program: %v", err)
	}
	return pr
}

// setPhase moves a stored program to phase (no side effects).
func (e *evalEnv) setPhase(tb testing.TB, id, phase string) {
	tb.Helper()
	if _, err := e.db.Collection("programs").UpdateOne(context.Background(), bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "phase", Value: phase}}}}); err != nil {
		tb.Fatal(err)
	}
}

// tandem stores a tandem of program between mentor and mentee in status;
// ran sets ActivatedAt, endedBy ends it.
func (e *evalEnv) tandem(tb testing.TB, id, program, mentor, mentee, status string, ran bool, by string) *Tandem {
	tb.Helper()
	t := &Tandem{ID: id, ProgramID: program, RequestID: "mr_" + mentee + "_" + program, MentorProfileID: "mp_" + mentor,
		MentorUserID: "u_" + mentor, MenteeUserID: "u_" + mentee, MentorName: mentor, MenteeName: mentee,
		Status: status, CreatedAt: e.now, UpdatedAt: e.now, Version: 1}
	if ran {
		at := e.now
		t.ActivatedAt, t.MentorAccepted, t.MenteeAccepted = &at, true, true
	}
	switch status {
	case TandemEnded:
		at := e.now
		t.EndedAt, t.EndedBy = &at, by
	case TandemDeclined:
		t.DeclinedBy = by
	}
	if err := e.s.store.insertTandem(context.Background(), t); err != nil {
		tb.Fatalf("insertTandem: %v", err)
	}
	return t
}

func user(name string, roles ...string) *otm.Principal {
	return &otm.Principal{UserID: "u_" + name, Name: name, Email: name + "@example.com", EmailTrusted: true, Roles: roles}
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func goodFeedback() FeedbackInput {
	return FeedbackInput{Overall: 5, Fit: 4, Learned: 3, Recommend: yes(), Text: "  Eye-opening.  "}
}

// wantErr checks err's code and, when field is set, that it names field
// (with rule, when set).
func wantErr(t *testing.T, what string, err error, code, field, rule string) {
	t.Helper()
	if got := otm.ErrorCode(err); got != code {
		t.Errorf("%s: got code %q (%v), want %q", what, got, err, code)
		return
	}
	if field == "" {
		return
	}
	for _, fe := range otm.ErrorFields(err) {
		if fe.Field == field && (rule == "" || fe.Rule == rule) {
			return
		}
	}
	t.Errorf("%s: got fields %v, want %q (rule %q)", what, otm.ErrorFields(err), field, rule)
}

func TestIntegrationFeedbackRules(t *testing.T) {
	e := newEvalEnv(t)
	ctx := context.Background()
	ada, kat, eve := user("ada", otm.RoleMentor), user("kat", otm.RoleMentee), user("eve", otm.RoleMentor)
	// An open-program tandem that ran and is still running, and one that never ran.
	running := e.tandem(t, "t_run", program.OpenProgram, "ada", "kat", TandemActive, true, "")
	e.tandem(t, "t_never", program.OpenProgram, "ada", "kat", TandemEnded, false, "curator")

	tests := []struct {
		name   string
		who    *otm.Principal
		tandem string
		code   string
	}{
		{"visitor", nil, running.ID, otm.EUNAUTHORIZED},
		{"stranger", eve, running.ID, otm.ENOTFOUND},
		{"unknown tandem", ada, "t_nope", otm.ENOTFOUND},
		{"never active", ada, "t_never", otm.ECONFLICT},
		{"still running", kat, running.ID, otm.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.s.GiveFeedback(ctx, tt.who, tt.tandem, goodFeedback())
			wantErr(t, tt.name, err, tt.code, "", "")
		})
	}

	// The mentee ends it early (the open program allows feedback then).
	if _, err := e.s.EndTandem(ctx, kat, running.ID, false, "moved away"); err != nil {
		t.Fatalf("EndTandem: %v", err)
	}
	invalid := []struct {
		name, field string
		edit        func(*FeedbackInput)
	}{
		{"overall 0", "overall", func(in *FeedbackInput) { in.Overall = 0 }},
		{"fit 6", "fit", func(in *FeedbackInput) { in.Fit = 6 }},
		{"learned -1", "learned", func(in *FeedbackInput) { in.Learned = -1 }},
		{"recommend missing", "recommend", func(in *FeedbackInput) { in.Recommend = nil }},
		{"text too long", "text", func(in *FeedbackInput) { in.Text = strings.Repeat("x", FeedbackTextMax+1) }},
		{"text with control characters", "text", func(in *FeedbackInput) { in.Text = "a\x00b" }},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			in := goodFeedback()
			tt.edit(&in)
			_, err := e.s.GiveFeedback(ctx, ada, running.ID, in)
			wantErr(t, tt.name, err, otm.EINVALID, tt.field, "")
			if n := len(otm.ErrorFields(err)); n != 1 {
				t.Errorf("%s: got %d fields %v, want exactly %s", tt.name, n, otm.ErrorFields(err), tt.field)
			}
		})
	}

	first := e.now
	fb, err := e.s.GiveFeedback(ctx, ada, running.ID, goodFeedback())
	if err != nil {
		t.Fatalf("GiveFeedback: %v", err)
	}
	if fb.Side != SideMentor || fb.Text != "Eye-opening." || fb.Overall != 5 || !fb.Recommend || fb.ProgramID != program.OpenProgram {
		t.Errorf("stored: got %+v, want the mentor's trimmed answers", fb)
	}
	// Editable while allowed; the first creation time stays.
	e.now = e.now.Add(time.Hour)
	edit := goodFeedback()
	edit.Overall, edit.Recommend, edit.Text = 2, no(), "On second thought: too little time."
	if _, err := e.s.GiveFeedback(ctx, ada, running.ID, edit); err != nil {
		t.Fatalf("edit: %v", err)
	}
	got, err := e.s.MyFeedback(ctx, ada, running.ID)
	if err != nil {
		t.Fatalf("MyFeedback: %v", err)
	}
	if got.Overall != 2 || got.Recommend || got.Text != "On second thought: too little time." || !got.CreatedAt.Equal(first) || !got.UpdatedAt.Equal(e.now) {
		t.Errorf("after the edit: got %+v, want overall 2, no, createdAt %v, updatedAt %v", got, first, e.now)
	}
	// The other side never sees it; a stranger learns nothing.
	if _, err := e.s.MyFeedback(ctx, kat, running.ID); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("the other side reading before answering: got %v, want not found", err)
	}
	if _, err := e.s.GiveFeedback(ctx, kat, running.ID, goodFeedback()); err != nil {
		t.Fatalf("mentee's feedback: %v", err)
	}
	if mine, err := e.s.MyFeedback(ctx, kat, running.ID); err != nil || mine.Side != SideMentee || mine.Overall != 5 {
		t.Errorf("the mentee reads their own: got %+v, %v", mine, err)
	}
	if _, err := e.s.MyFeedback(ctx, eve, running.ID); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("a stranger reading: got %v, want not found", err)
	}
	if all, err := e.s.MyFeedbacks(ctx, ada); err != nil || len(all) != 1 || all[0].Side != SideMentor {
		t.Errorf("export of ada's feedback: got %+v, %v, want her one answer", all, err)
	}

	// Erasing the mentee deletes the tandem and both sides' feedback.
	if err := e.s.EraseTandems(ctx, kat.UserID); err != nil {
		t.Fatal(err)
	}
	for _, side := range []string{SideMentor, SideMentee} {
		if _, err := e.s.store.getFeedback(ctx, FeedbackID(running.ID, side)); otm.ErrorCode(err) != otm.ENOTFOUND {
			t.Errorf("the %s's feedback after the erasure: got %v, want gone", side, err)
		}
	}
}

func TestIntegrationFeedbackPhases(t *testing.T) {
	e := newEvalEnv(t)
	ctx := context.Background()
	ada := user("ada", otm.RoleMentor)
	e.program(t, "spring", program.PhaseRunning)
	early := e.tandem(t, "t_early", "spring", "ada", "kat", TandemEnded, true, SideMentee)
	_, err := e.s.GiveFeedback(ctx, ada, early.ID, goodFeedback())
	wantErr(t, "running phase", err, otm.ECONFLICT, "phase", otm.RuleWrongPhase)
	if err == nil || !strings.Contains(otm.ErrorMessage(err), "wrap-up") {
		t.Errorf("running phase: got %q, want the message to name wrap-up", otm.ErrorMessage(err))
	}
	e.setPhase(t, "spring", program.PhaseWrapUp)
	if _, err := e.s.GiveFeedback(ctx, ada, early.ID, goodFeedback()); err != nil {
		t.Errorf("wrap-up: got %v, want feedback accepted", err)
	}
	pr, _ := e.s.programs.Lookup(ctx, "spring")
	if !FeedbackAllowed(early, pr) {
		t.Errorf("FeedbackAllowed in wrap-up: got false, want true")
	}
	e.setPhase(t, "spring", program.PhaseEvaluated)
	if pr, _ := e.s.programs.Lookup(ctx, "spring"); FeedbackAllowed(early, pr) {
		t.Errorf("FeedbackAllowed once evaluated: got true, want false")
	}
	_, err = e.s.GiveFeedback(ctx, ada, early.ID, goodFeedback())
	wantErr(t, "evaluated phase", err, otm.ECONFLICT, "phase", otm.RuleWrongPhase)
	if fb, err := e.s.MyFeedback(ctx, ada, early.ID); err != nil || fb.Overall != 5 {
		t.Errorf("reading after evaluation: got %+v, %v, want the saved answers", fb, err)
	}
}
