package moderation

import (
	"context"
	"strings"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
)

// TestPhaseAllows spells out, for every phase, which actions it allows: the
// table is the product rule, so it is written out here rather than derived.
func TestPhaseAllows(t *testing.T) {
	all := []string{CanRequest, CanPropose, CanAnswer, CanMeet, CanEnd, CanFeedback, CanEdit}
	want := map[string][]string{
		PhaseOpen:         {CanRequest, CanPropose, CanAnswer, CanMeet, CanEnd, CanFeedback, CanEdit},
		PhasePlanning:     {CanEdit},
		PhaseRegistration: {CanRequest, CanEdit},
		PhaseMatching:     {CanPropose, CanAnswer, CanMeet, CanEnd, CanEdit},
		PhaseRunning:      {CanPropose, CanAnswer, CanMeet, CanEnd, CanEdit},
		PhaseWrapUp:       {CanFeedback, CanEdit},
		PhaseEvaluated:    {},
	}
	for phase, allowed := range want {
		pr := &Program{ID: "p", Name: "P", Phase: phase}
		for _, act := range all {
			got := pr.Allows(act)
			exp := strings.Contains(" "+strings.Join(allowed, " ")+" ", " "+act+" ")
			if got != exp {
				t.Errorf("phase %s, action %s: got allowed=%v, want %v", phase, act, got, exp)
			}
			err := pr.require(act)
			if exp != (err == nil) {
				t.Errorf("phase %s, action %s: require got %v", phase, act, err)
			}
			if err != nil {
				var e *otm.Error
				if !asError(err, &e) || e.Code != otm.ECONFLICT || len(e.Fields) != 1 || e.Fields[0].Field != "phase" || !strings.HasPrefix(e.Fields[0].Message, RuleWrongPhase) {
					t.Errorf("phase %s, action %s: got %#v, want a conflict naming the phase", phase, act, err)
				}
			}
		}
	}
	if len(want) != len(Phases)+1 {
		t.Errorf("the table covers %d phases, want every phase and the open one (%d)", len(want), len(Phases)+1)
	}
}

func asError(err error, target **otm.Error) bool {
	e, ok := err.(*otm.Error)
	*target = e
	return ok
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Spring cohort 2027", "spring-cohort-2027"},
		{"Frühjahrs-Kohorte / Süd", "fruehjahrs-kohorte-sued"},
		{"  --Weißbier  ", "weissbier"},
		{"ÄÖÜ", "aeoeue"},
		{strings.Repeat("a", 60), strings.Repeat("a", 40)},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCurates(t *testing.T) {
	cohort := &Program{ID: "spring", Curators: []string{"cura@x.example"}}
	open := &Program{ID: OpenProgram}
	tests := []struct {
		name string
		p    *otm.Principal
		pr   *Program
		want bool
	}{
		{"nobody", nil, open, false},
		{"executive", &otm.Principal{Email: "cura@x.example", Roles: []string{otm.RoleMentee}}, cohort, false},
		{"curator, open program", &otm.Principal{Email: "other@x.example", Roles: []string{otm.RoleCurator}}, open, true},
		{"curator not on the cohort", &otm.Principal{Email: "other@x.example", Roles: []string{otm.RoleCurator}}, cohort, false},
		{"curator on the cohort (case-insensitive)", &otm.Principal{Email: "Cura@X.example", Roles: []string{otm.RoleCurator}}, cohort, true},
		{"admin", &otm.Principal{Email: "a@x.example", Roles: []string{otm.RoleAdmin}}, cohort, true},
	}
	for _, tt := range tests {
		if got := Curates(tt.p, tt.pr); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestIntegrationSweepProgramsFinishesWrapUp: a program that reached wrap-up
// with tandems still running (an interrupted phase change) gets them ended;
// tandems of running programs are left alone.
func TestIntegrationSweepProgramsFinishesWrapUp(t *testing.T) {
	ctx := context.Background()
	s := NewService(testenv.DB(t), Config{})
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, pr := range []*Program{
		{ID: "done", Name: "Done", Phase: PhaseWrapUp, Capacity: 1, Version: 1},
		{ID: "live", Name: "Live", Phase: PhaseRunning, Capacity: 1, Version: 1},
	} {
		if err := s.store.insertProgram(ctx, pr); err != nil {
			t.Fatal(err)
		}
	}
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
