package tandem

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/search/bleve"
)

// staleCurated answers Curated with the program as it was before a phase
// change (the read a proposal made just before a curator moved the program
// on); everything else reads the program as it is.
type staleCurated struct {
	*program.Service
	phase string
}

func (s staleCurated) Curated(ctx context.Context, p *otm.Principal, id string) (*program.Program, error) {
	pr, err := s.Service.Curated(ctx, p, id)
	if err == nil {
		pr.Phase = s.phase
	}
	return pr, err
}

// TestIntegrationProposalRacingWrapUp: a proposal whose phase check passed
// while the program was being moved to wrap-up (whose hook ends its
// proposals, and may have looked before the proposal was stored) is taken
// back and refused with the phase, instead of waiting for the sweep; its
// slots are free again.
func TestIntegrationProposalRacingWrapUp(t *testing.T) {
	ctx := context.Background()
	e := newEvalEnv(t)
	e.program(t, "spring", program.PhaseMatching, "cora@example.com")
	if err := e.s.ImportRequests(ctx, []ImportedRequest{{OwnerID: "u_kat", Name: "kat", Email: "kat@hanse.example", ProgramID: "spring", At: e.now,
		Content: RequestContent{Goals: "Understand how young colleagues use AI at work.", Topics: []string{"digital-skills"}, Languages: []string{"de"}, Term: "quarter"}}}); err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	profiles := profile.NewService(e.db, profile.Config{Now: func() time.Time { return e.now }, Logger: quiet})
	if err := profiles.Init(ctx); err != nil { // the topics
		t.Fatal(err)
	}
	c := profile.Content{Headline: "Digital natives teach leaders", Bio: "I help leaders understand how my generation works, learns and decides, with examples from my own team.",
		Topics: []string{"digital-skills"}, Languages: []string{"de", "en"}, Country: "DE", Availability: profile.Availability{HoursPerMonth: 4}}
	if err := profiles.Import(ctx, idx, []profile.Imported{{OwnerID: "u_ada", Name: "ada", Email: "ada@nordlicht.example", OrgID: "nordlicht",
		OrgName: "Nordlicht", Content: c, Status: profile.StatusApproved, At: e.now}}, 1); err != nil {
		t.Fatal(err)
	}
	mentorID := profile.ProfileIDFor("u_ada")
	requestID, err := e.s.RequestID(ctx, "u_kat", "spring")
	if err != nil {
		t.Fatal(err)
	}
	cora := user("cora")
	cora.Email = "cora@example.com"

	// The curator moves the program to wrap-up (its hook finds no proposal)
	// while the proposal's read of the program still says matching.
	e.setPhase(t, "spring", program.PhaseWrapUp)
	e.s.programs = staleCurated{Service: e.programs, phase: program.PhaseMatching}
	_, err = e.s.ProposeTandem(ctx, cora, requestID, mentorID)
	if rule, _ := otm.ErrorRule(err); otm.ErrorCode(err) != otm.ECONFLICT || rule != otm.RuleWrongPhase {
		t.Fatalf("propose as the program moves to wrap-up: got %v, want ECONFLICT wrong_phase", err)
	}
	ts, err := e.s.store.tandemsOfProgram(ctx, "spring")
	if err != nil || len(ts) != 0 {
		t.Errorf("tandems of the program: got %v, %v; want none (the proposal taken back)", ts, err)
	}
	taken, err := e.s.slots.Taken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for key, n := range taken {
		if n != 0 {
			t.Errorf("slot %s: %d taken, want 0", key, n)
		}
	}

	// In a phase that allows it, the same proposal is made and kept.
	e.setPhase(t, "spring", program.PhaseMatching)
	e.s.programs = e.programs
	if tn, err := e.s.ProposeTandem(ctx, cora, requestID, mentorID); err != nil || tn.Status != TandemProposed {
		t.Fatalf("propose in matching: got %v, %v", tn, err)
	}
}
