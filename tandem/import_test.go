package tandem

import (
	"context"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/program"
)

func TestIntegrationImportRequests(t *testing.T) {
	e := newEvalEnv(t)
	ctx := context.Background()
	e.program(t, "spring", program.PhaseMatching)
	e.program(t, "later", program.PhasePlanning)
	good := RequestContent{Goals: "Understand how young colleagues use AI at work.", Topics: []string{"digital-skills"},
		Languages: []string{"de"}, Term: "quarter"}
	req := func(owner, programID string, c RequestContent) ImportedRequest {
		return ImportedRequest{OwnerID: "u_" + owner, Name: owner, Email: owner + "@x.example", ProgramID: programID, Content: c, At: e.now}
	}
	short := good
	short.Goals = "AI"
	tests := []struct {
		name        string
		in          ImportedRequest
		code, field string
		rule        string
	}{
		{"open program", req("kat", "", good), "", "", ""},
		{"cohort in matching", req("tob", "spring", good), "", "", ""},
		{"again", req("kat", "", good), otm.ECONFLICT, "", ""},
		{"unknown program", req("ulla", "nope", good), otm.EINVALID, "program", otm.RuleUnknown},
		{"program in planning", req("ulla", "later", good), otm.EINVALID, "program", otm.RuleUnknown},
		{"goals too short", req("vera", "", short), otm.EINVALID, "goals", otm.RuleMinLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.s.ImportRequests(ctx, []ImportedRequest{tt.in})
			wantErr(t, tt.name, err, tt.code, tt.field, tt.rule)
		})
	}
	r, err := e.s.store.getRequest(ctx, RequestIDFor("u_tob", "spring"))
	if err != nil || r.Status != RequestSubmitted || r.SubmittedAt == nil || !r.SubmittedAt.Equal(e.now) || r.ProgramID != "spring" {
		t.Errorf("imported request: got %+v (%v), want submitted to spring at %v", r, err, e.now)
	}
	if _, err := e.s.store.getRequest(ctx, RequestIDFor("u_vera", program.OpenProgram)); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("an invalid request: got %v, want nothing stored", err)
	}
}
