package moderation

import (
	"context"

	otm "github.com/opentomentor/opentomentor"
)

// ProgramTandems lists a program's tandems, oldest first, for its curators
// (with the decline and end reasons). Errors: EUNAUTHORIZED, EFORBIDDEN,
// ENOTFOUND.
func (s *Service) ProgramTandems(ctx context.Context, p *otm.Principal, programID string) ([]Tandem, error) {
	pr, err := s.curatedProgram(ctx, p, programID)
	if err != nil {
		return nil, err
	}
	return s.store.tandemsOfProgram(ctx, pr.ID)
}
