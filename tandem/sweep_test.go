package tandem

import (
	"context"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/program"
)

// TestIntegrationSweepProgramsFinishesWrapUp: a program that reached wrap-up
// with tandems still running (an interrupted phase change) gets them ended;
// tandems of running programs are left alone.
func TestIntegrationSweepProgramsFinishesWrapUp(t *testing.T) {
	ctx := context.Background()
	e := newEvalEnv(t)
	s := e.s
	now := time.Now().UTC()
	e.program(t, "done", program.PhaseWrapUp)
	e.program(t, "live", program.PhaseRunning)
	for _, tn := range []*Tandem{
		{ID: "t_done", ProgramID: "done", RequestID: "r1", MentorProfileID: "mp_1", Status: TandemActive, ActivatedAt: &now, Version: 1},
		{ID: "t_live", ProgramID: "live", RequestID: "r2", MentorProfileID: "mp_2", Status: TandemActive, ActivatedAt: &now, Version: 1},
	} {
		if err := s.store.insertTandem(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SweepPrograms(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"t_done": TandemEnded, "t_live": TandemActive} {
		got, err := s.store.getTandem(ctx, id)
		if err != nil || got.Status != want {
			t.Errorf("%s: got %v (%v), want %s", id, got, err, want)
		}
		if want == TandemEnded && got.EndedBy != "program" {
			t.Errorf("%s: ended by %q, want program", id, got.EndedBy)
		}
	}
}
