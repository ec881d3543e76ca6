package program

import (
	"context"
	"slices"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
)

// TestIntegrationEraseCurator: an erased person's e-mail leaves every
// program's curators, whatever its case; others stay; a second run is a
// no-op.
func TestIntegrationEraseCurator(t *testing.T) {
	ctx := context.Background()
	s := NewService(testenv.DB(t), Config{})
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	admin := &otm.Principal{UserID: "u_amira", Name: "Amira", Email: "amira@program.example", EmailTrusted: true, Roles: []string{otm.RoleAdmin}}
	for _, in := range []ProgramInput{
		{ID: "spring", Name: "Spring cohort", Curators: []string{"cora@program.example", "otto@program.example"}},
		{ID: "autumn", Name: "Autumn cohort", Curators: []string{"otto@program.example"}},
	} {
		if _, err := s.CreateProgram(ctx, admin, in); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := s.EraseCurator(ctx, " Cora@Program.example"); err != nil {
			t.Fatal(err)
		}
	}
	for id, want := range map[string][]string{"spring": {"otto@program.example"}, "autumn": {"otto@program.example"}} {
		pr, err := s.Lookup(ctx, id)
		if err != nil || !slices.Equal(pr.Curators, want) {
			t.Errorf("%s: got curators %v (%v), want %v", id, pr.Curators, err, want)
		}
	}
}
