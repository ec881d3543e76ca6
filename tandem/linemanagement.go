package tandem

import (
	"context"

	"github.com/opentomentor/opentomentor/linemanager"
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
		return linemanager.Chains{}, nil
	}
	return s.cfg.LineManagers.Of(ctx, userIDs...)
}
