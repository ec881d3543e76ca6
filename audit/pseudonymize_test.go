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
	pseudo := NewPseudonym()
	if !strings.HasPrefix(pseudo, "erased-") || pseudo == NewPseudonym() {
		t.Fatalf("NewPseudonym: got %q, want erased-… and a new one each time", pseudo)
	}
	// Twice: an erasure that failed after this step runs it again.
	for run := 1; run <= 2; run++ {
		acted, err := l.Pseudonymize(ctx, "u_ada", pseudo, "mp_ada")
		if err != nil {
			t.Fatalf("Pseudonymize, run %d: %v", run, err)
		}
		// What Ada did: the tandem she proposed.
		if len(acted) != 1 || acted[0].SubjectType != "tandem" || acted[0].SubjectID != "t_1" {
			t.Errorf("acted, run %d: got %+v, want the one entry by Ada (tandem t_1)", run, acted)
		}
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

// TestRecordOnce: a second write under the same id keeps one entry.
func TestRecordOnce(t *testing.T) {
	ctx := context.Background()
	l := New(testenv.DB(t))
	id := l.NewID()
	for range 2 {
		if err := l.RecordOnce(ctx, id, Entry{ActorID: "erased-1", Action: ActionAccountDelete, SubjectType: "user", SubjectID: "erased-1", SubjectUserID: "erased-1"}); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := l.ByActor(ctx, "erased-1"); err != nil || len(got) != 1 || got[0].ID != id {
		t.Errorf("got %+v, %v, want one entry with id %s", got, err, id)
	}
}
