package tandem

import (
	"context"

	"github.com/opentomentor/opentomentor/linemanager"
	"github.com/opentomentor/opentomentor/matching"
)

// LineChains is what the rules need of people's declared line-management
// chains (package linemanager).
type LineChains interface {
	All(ctx context.Context) (linemanager.Chains, error)
	Of(ctx context.Context, userIDs ...string) (linemanager.Chains, error)
}

// lineChainsOf loads the chains of the given people; none without
// Config.LineManagers.
func (s *Service) lineChainsOf(ctx context.Context, userIDs ...string) (linemanager.Chains, error) {
	if s.cfg.LineManagers == nil {
		return nil, nil
	}
	return s.cfg.LineManagers.Of(ctx, userIDs...)
}

// applyLineManagement resolves every declaration (loaded once) for these
// mentees (menteeEmails: user id → address) and mentors, in place.
func (s *Service) applyLineManagement(ctx context.Context, mentees []matching.Mentee, menteeEmails map[string]string, mentors []matching.Mentor) error {
	if s.cfg.LineManagers == nil {
		return nil
	}
	lc, err := s.cfg.LineManagers.All(ctx)
	if err != nil {
		return err
	}
	return lc.Resolve(ctx, mentees, menteeEmails, mentors, s.profiles.Emails)
}
