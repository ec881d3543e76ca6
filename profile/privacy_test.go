package profile

import (
	"context"
	"testing"

	otm "github.com/opentomentor/opentomentor"
)

// TestIntegrationPrivacyAtOnce: hiding takes effect in the published version
// (and so in the directory) at once; showing more waits for review.
func TestIntegrationPrivacyAtOnce(t *testing.T) {
	ctx := context.Background()
	c := adaContent()
	c.Interests, c.Visibility = []string{"climbing"}, Visibility{Interests: VisPublic, Availability: VisPublic, LinkedInURL: VisExecutives}
	s, owner := mustImported(t, c, StatusApproved)
	if d := Document(mustLookup(t, s, owner)); len(d.Interests) == 0 || d.HoursPerMonth == 0 {
		t.Fatalf("before: got %+v, want interests and hours public", d)
	}

	// Only hiding: no revision, hidden at once.
	hidden := c
	hidden.Visibility.Interests, hidden.Visibility.Availability = VisCurators, VisExecutives
	pr, err := s.SaveProfile(ctx, owner, hidden)
	if err != nil {
		t.Fatal(err)
	}
	if d := Document(pr); pr.Status != StatusApproved || len(d.Interests) != 0 || d.HoursPerMonth != 0 {
		t.Errorf("after hiding: got status %s and %+v, want approved without interests and hours", pr.Status, d)
	}

	// Showing more again (with a new headline): a revision; the published
	// version stays as narrow as it is until approved.
	wider := hidden
	wider.Headline = "Digital natives teach leaders, kindly"
	wider.Visibility.Interests = VisPublic
	pr, err = s.SaveProfile(ctx, owner, wider)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Status != StatusSubmitted || pr.Published.Visibility.Interests != VisCurators || len(Document(pr).Interests) != 0 {
		t.Errorf("after widening: got status %s, published interests %s, want a revision under review and still hidden", pr.Status, pr.Published.Visibility.Interests)
	}

	// Hiding during that review still takes effect at once.
	narrower := wider
	narrower.Visibility.LinkedInURL = VisCurators
	if pr, err = s.SaveProfile(ctx, owner, narrower); err != nil || pr.Published.Visibility.LinkedInURL != VisCurators || pr.Status != StatusSubmitted {
		t.Errorf("hiding during review: got %v (%v), want LinkedIn for curators only, still under review", pr.Published.Visibility, err)
	}
}

func mustLookup(t *testing.T, s *Service, p *otm.Principal) *Profile {
	t.Helper()
	pr, err := s.MyProfile(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return pr
}
