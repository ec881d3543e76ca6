package profile

import (
	"context"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/search"
)

func TestIntegrationImport(t *testing.T) {
	ctx := context.Background()
	idx := &mapIndex{docs: map[string]search.Document{}}
	s := NewService(testenv.DB(t), Config{Index: idx})
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	good := Content{Headline: "Digital natives teach leaders", Bio: "I help leaders understand how my generation works, learns and decides, with examples from my own team.",
		Topics: []string{"digital-skills"}, Languages: []string{"de"}, Country: "DE", Availability: Availability{HoursPerMonth: 4}}
	bad := good
	bad.Bio = "Too short."
	tests := []struct {
		name  string
		in    Imported
		code  string
		field string
	}{
		{"approved", Imported{OwnerID: "u_ada", Name: "Ada", Content: good, Status: StatusApproved, At: at}, "", ""},
		{"submitted", Imported{OwnerID: "u_bob", Name: "Bob", Content: good, Status: StatusSubmitted, At: at}, "", ""},
		{"again", Imported{OwnerID: "u_ada", Name: "Ada", Content: good, Status: StatusApproved, At: at}, otm.ECONFLICT, ""},
		{"incomplete", Imported{OwnerID: "u_cem", Name: "Cem", Content: bad, Status: StatusApproved, At: at}, otm.EINVALID, "bio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Import(ctx, idx, []Imported{tt.in}, 10)
			if got := otm.ErrorCode(err); got != tt.code {
				t.Fatalf("got %q (%v), want %q", got, err, tt.code)
			}
			if rule, _ := otm.FieldRule(err, tt.field); tt.field != "" && rule == "" {
				t.Errorf("got fields %v, want %s named", otm.ErrorFields(err), tt.field)
			}
		})
	}
	if _, err := idx.Get(ctx, ProfileIDFor("u_ada")); err != nil {
		t.Errorf("approved import: got %v, want it in the index", err)
	}
	if _, err := idx.Get(ctx, ProfileIDFor("u_bob")); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("submitted import: got %v, want it out of the index", err)
	}
	queue, total, err := s.Queue(ctx, &otm.Principal{UserID: "u_cura", Roles: []string{otm.RoleCurator}}, StatusSubmitted, 10, 0)
	if err != nil || total != 1 || queue[0].ID != ProfileIDFor("u_bob") || !queue[0].SubmittedAt.Equal(at) {
		t.Errorf("queue: got %v %d (%v), want Bob submitted at %v", queue, total, err, at)
	}
	if _, err := s.Lookup(ctx, ProfileIDFor("u_cem")); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("an invalid import: got %v, want nothing stored", err)
	}
}
