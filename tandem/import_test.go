package tandem

import (
	"context"
	"strings"
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
	r, err := e.s.findMyRequest(ctx, "u_tob", "spring")
	if err != nil || r.Status != RequestSubmitted || r.SubmittedAt == nil || !r.SubmittedAt.Equal(e.now) || r.ProgramID != "spring" {
		t.Errorf("imported request: got %+v (%v), want submitted to spring at %v", r, err, e.now)
	}
	if _, err := e.s.findMyRequest(ctx, "u_vera", program.OpenProgram); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("an invalid request: got %v, want nothing stored", err)
	}
}

// TestIntegrationRequestIDsKeyed: a request's id does not carry its owner's
// user id (which public mentor ids carry too), so nobody derives it; a request
// stored under the legacy id is still found, and edited in place.
func TestIntegrationRequestIDsKeyed(t *testing.T) {
	e := newEvalEnv(t)
	ctx := context.Background()
	e.program(t, "spring", program.PhaseRegistration)
	kat := user("kat")
	kat.UserID = "u_sloqqbx3zbmcq7lt42noaciw"
	id, err := e.s.RequestID(ctx, kat.UserID, "spring")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(id, "sloqqbx3zbmcq7lt42noaciw") || id == legacyRequestID(kat.UserID, "spring") {
		t.Errorf("request id %q carries the user id", id)
	}
	if again, _ := e.s.RequestID(ctx, kat.UserID, "spring"); again != id {
		t.Errorf("request id: got %q then %q, want the same", id, again)
	}
	good := RequestContent{Goals: "Understand how young colleagues use AI at work.", Topics: []string{"digital-skills"}, Languages: []string{"de"}, Term: "quarter"}
	if r, err := e.s.SaveRequest(ctx, kat, "spring", good); err != nil || r.ID != id {
		t.Fatalf("save: got %v, %v; want the request under %s", r, err, id)
	}

	// Stored before ids were keyed.
	ulla := user("ulla")
	legacy := legacyRequestID(ulla.UserID, "spring")
	if err := e.s.store.insertRequest(ctx, &MenteeRequest{ID: legacy, OwnerID: ulla.UserID, ProgramID: "spring", Status: RequestDraft, Content: good, Version: 1}); err != nil {
		t.Fatal(err)
	}
	if r, err := e.s.MyRequest(ctx, ulla, "spring"); err != nil || r.ID != legacy {
		t.Fatalf("legacy request: got %v, %v; want it found", r, err)
	}
	edited := good
	edited.Goals = "Learn how my young colleagues organise their work with new tools."
	if r, err := e.s.SaveRequest(ctx, ulla, "spring", edited); err != nil || r.ID != legacy || r.Content.Goals != edited.Goals {
		t.Fatalf("editing the legacy request: got %v, %v; want it edited in place", r, err)
	}
	if rs, _ := e.s.RequestsOf(ctx, ulla.UserID); len(rs) != 1 {
		t.Errorf("ulla's requests: got %d, want 1 (no second one under the keyed id)", len(rs))
	}
}
