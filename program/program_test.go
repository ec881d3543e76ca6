package program

import (
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
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
			err := pr.Require(act)
			if exp != (err == nil) {
				t.Errorf("phase %s, action %s: require got %v", phase, act, err)
			}
			if err != nil {
				var e *otm.Error
				if !asError(err, &e) || e.Code != otm.ECONFLICT || len(e.Fields) != 1 || e.Fields[0].Field != "phase" || e.Rule != otm.RuleWrongPhase || e.Fields[0].Rule != otm.RuleWrongPhase || e.Args["phase"] != phase {
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
		{"Kohorte Ö 2027", "kohorte-oe-2027"},
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
		{"named on the cohort, no global role", &otm.Principal{Email: "cura@x.example", EmailTrusted: true}, cohort, true},
		{"named on the cohort, an executive", &otm.Principal{Email: "cura@x.example", EmailTrusted: true, Roles: []string{otm.RoleMentee}}, cohort, true},
		{"named, but the e-mail is not vouched for", &otm.Principal{Email: "cura@x.example", Roles: []string{otm.RoleCurator}}, cohort, false},
		{"named on the cohort, not in the open program", &otm.Principal{Email: "cura@x.example", EmailTrusted: true}, open, false},
		{"curator, open program", &otm.Principal{Email: "other@x.example", EmailTrusted: true, Roles: []string{otm.RoleCurator}}, open, true},
		{"curator not on the cohort", &otm.Principal{Email: "other@x.example", EmailTrusted: true, Roles: []string{otm.RoleCurator}}, cohort, false},
		{"curator on the cohort (case-insensitive)", &otm.Principal{Email: "Cura@X.example", EmailTrusted: true, Roles: []string{otm.RoleCurator}}, cohort, true},
		{"admin", &otm.Principal{Email: "a@x.example", Roles: []string{otm.RoleAdmin}}, cohort, true},
	}
	for _, tt := range tests {
		if got := Curates(tt.p, tt.pr); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNext(t *testing.T) {
	tests := []struct{ phase, want string }{
		{PhasePlanning, PhaseRegistration}, {PhaseRegistration, PhaseMatching}, {PhaseMatching, PhaseRunning},
		{PhaseRunning, PhaseWrapUp}, {PhaseWrapUp, PhaseEvaluated}, {PhaseEvaluated, ""}, {PhaseOpen, ""}, {"bogus", ""},
	}
	for _, tt := range tests {
		if got := Next(tt.phase); got != tt.want {
			t.Errorf("Next(%q): got %q, want %q", tt.phase, got, tt.want)
		}
	}
}
