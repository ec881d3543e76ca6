package profile

import (
	"context"
	"fmt"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/search"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestIntegrationCommentCap: an application holds at most MaxComments
// comments; the next is refused with the rule and its limit, and nothing is
// stored.
func TestIntegrationCommentCap(t *testing.T) {
	ctx := context.Background()
	s, owner := mustImported(t, adaContent(), StatusSubmitted)
	id := ProfileIDFor(owner.UserID)
	cura := &otm.Principal{UserID: "u_cura", Name: "Cura", Roles: []string{otm.RoleCurator}}
	// All but the last straight into the application (a fixture: one write);
	// the last through the service.
	var earlier bson.A
	for i := range MaxComments - 1 {
		earlier = append(earlier, Comment{ID: fmt.Sprintf("c%03d", i), AuthorID: cura.UserID, AuthorName: cura.Name, Text: "Noch eine Anmerkung.", At: time.Now().UTC()})
	}
	if _, err := s.store.profiles.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "comments", Value: earlier}}}}); err != nil {
		t.Fatal(err)
	}
	s.store.forget(id)
	if _, err := s.AddComment(ctx, cura, id, "Die letzte."); err != nil {
		t.Fatalf("comment %d: %v", MaxComments, err)
	}
	_, err := s.AddComment(ctx, cura, id, "Eine zu viel.")
	if rule, args := otm.ErrorRule(err); otm.ErrorCode(err) != otm.ECONFLICT || rule != otm.RuleMaxComments || args["max"] != MaxComments {
		t.Fatalf("comment %d: got %v (rule %q, %v), want ECONFLICT with rule %s and max %d", MaxComments+1, err, rule, args, otm.RuleMaxComments, MaxComments)
	}
	pr, err := s.Application(ctx, cura, id)
	if err != nil || len(pr.Comments) != MaxComments {
		t.Errorf("after the refusal: got %d comments (%v), want %d", len(pr.Comments), err, MaxComments)
	}
}

// adaContent is a complete application.
func adaContent() Content {
	return Content{Headline: "Digital natives teach leaders", Bio: "I help leaders understand how my generation works, learns and decides, with examples from my own team.",
		Topics: []string{"digital-skills"}, Languages: []string{"de"}, Country: "DE", Availability: Availability{HoursPerMonth: 4}}
}

// mustImported returns a service over a fresh database whose only
// application is Ada's, with content c in status; and Ada.
func mustImported(t *testing.T, c Content, status string) (*Service, *otm.Principal) {
	t.Helper()
	ctx := context.Background()
	idx := &mapIndex{docs: map[string]search.Document{}}
	s := NewService(testenv.DB(t), Config{Index: idx})
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	owner := &otm.Principal{UserID: "u_ada", Name: "Ada"}
	if err := s.Import(ctx, idx, []Imported{{OwnerID: owner.UserID, Name: "Ada", Content: c, Status: status, At: time.Now()}}, 1); err != nil {
		t.Fatal(err)
	}
	return s, owner
}
