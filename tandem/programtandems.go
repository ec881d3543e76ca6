package tandem

import (
	"context"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/program"
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
	taken, err := s.SlotsTaken(ctx)
	if err != nil {
		return nil, err
	}
	// Only the requests of the caller's programs.
	programs, err := s.programs.All(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for i := range programs {
		if !program.Curates(p, &programs[i]) {
			continue
		}
		reqs, err := s.store.requestsOfProgram(ctx, programs[i].ID)
		if err != nil {
			return nil, err
		}
		for i := range reqs {
			if taken.Request(reqs[i].ID) > 0 {
				out[reqs[i].ID] = true
			}
		}
	}
	return out, nil
}
