package tandem

import (
	"context"
	"strings"

	otm "github.com/opentomentor/opentomentor"
)

// ProgramTandems lists a program's tandems, oldest first, for its curators
// (with the decline and end reasons). Errors: EUNAUTHORIZED, EFORBIDDEN,
// ENOTFOUND.
func (s *Service) ProgramTandems(ctx context.Context, p *otm.Principal, programID string) ([]Tandem, error) {
	pr, err := s.programs.Curated(ctx, p, programID)
	if err != nil {
		return nil, err
	}
	return s.store.tandemsOfProgram(ctx, pr.ID)
}

// PairedRequests returns the ids of the requests that have a proposed or
// running tandem (curators only), so a workspace can tell them from the ones
// still waiting.
func (s *Service) PairedRequests(ctx context.Context, p *otm.Principal) (map[string]bool, error) {
	if err := s.programs.RequireCuratorOfAny(ctx, p); err != nil {
		return nil, err
	}
	taken, err := s.store.slotsTaken(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for key, n := range taken {
		if id, ok := strings.CutPrefix(key, "request:"); ok && n > 0 {
			out[id] = true
		}
	}
	return out, nil
}
