package audit

import (
	"context"
	"strings"
	"testing"

	"github.com/opentomentor/opentomentor/internal/testenv"
)

// TestPseudonymize: every mention of the person — as actor (with the name
// dropped), as subject and as their objects' id — becomes the pseudonym;
// other people's entries stay as they were.
func TestPseudonymize(t *testing.T) {
	ctx := context.Background()
	l := New(testenv.DB(t))
	entries := []Entry{
		{ActorID: "u_ada", ActorName: "Ada", Action: "tandem.propose", SubjectType: "tandem", SubjectID: "t_1", SubjectUserID: "u_bob"},
		{ActorID: "u_cura", ActorName: "Cura", Action: ActionApplicationApprove, SubjectType: "mentor_profile", SubjectID: "mp_ada", SubjectUserID: "u_ada"},
		{ActorID: "system", Action: ActionRoleGrant, SubjectType: "user", SubjectID: "u_ada", SubjectUserID: "u_ada"},
		{ActorID: "u_cura", ActorName: "Cura", Action: ActionApplicationApprove, SubjectType: "mentor_profile", SubjectID: "mp_bob", SubjectUserID: "u_bob"},
	}
	for _, e := range entries {
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	pseudo, acted, err := l.Pseudonymize(ctx, "u_ada", "mp_ada")
	if err != nil || !strings.HasPrefix(pseudo, "erased-") {
		t.Fatalf("Pseudonymize: %q, %v", pseudo, err)
	}
	// What Ada did, as it was: the tandem she proposed.
	if len(acted) != 1 || acted[0].SubjectType != "tandem" || acted[0].SubjectID != "t_1" {
		t.Errorf("acted: got %+v, want the one entry by Ada (tandem t_1)", acted)
	}
	tests := []struct {
		name string
		find func() ([]Entry, error)
		want int
	}{
		{"entries by Ada", func() ([]Entry, error) { return l.ByActor(ctx, "u_ada") }, 0},
		{"entries about Ada", func() ([]Entry, error) { return l.ByUser(ctx, "u_ada") }, 0},
		{"Ada's application", func() ([]Entry, error) { return l.BySubject(ctx, "mp_ada") }, 0},
		{"by the pseudonym", func() ([]Entry, error) { return l.ByActor(ctx, pseudo) }, 1},
		{"about the pseudonym", func() ([]Entry, error) { return l.ByUser(ctx, pseudo) }, 2},
		{"the pseudonym as subject", func() ([]Entry, error) { return l.BySubject(ctx, pseudo) }, 2},
		{"about Bob", func() ([]Entry, error) { return l.ByUser(ctx, "u_bob") }, 2},
		{"Bob's application", func() ([]Entry, error) { return l.BySubject(ctx, "mp_bob") }, 1},
	}
	for _, tt := range tests {
		got, err := tt.find()
		if err != nil || len(got) != tt.want {
			t.Errorf("%s: got %d entries (%v), want %d", tt.name, len(got), err, tt.want)
		}
		for _, e := range got {
			if e.ActorID == pseudo && e.ActorName != "" {
				t.Errorf("%s: the pseudonymized actor keeps the name %q", tt.name, e.ActorName)
			}
			if e.ActorID == "u_cura" && e.ActorName != "Cura" {
				t.Errorf("%s: another actor's name changed to %q", tt.name, e.ActorName)
			}
		}
	}
}
