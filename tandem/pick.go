package tandem

import (
	"context"
	"fmt"

	otm "github.com/opentomentor/opentomentor"
)

// PickTandem is an executive choosing a mentor for their own submitted
// request from a shortlist the curators sent them (package shortlist checks
// that the mentor is on it): a proposed tandem they have accepted already,
// which the mentor accepts or declines as any proposal. The hard rules,
// capacity and one mentor per request hold as for ProposeTandem. Errors:
// EUNAUTHORIZED, ENOTFOUND-like EINVALID for a request that is not theirs,
// EINVALID, ECONFLICT naming the rule or the phase.
func (s *Service) PickTandem(ctx context.Context, p *otm.Principal, requestID, profileID string) (*Tandem, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	r, mp, pr, err := s.pairOf(ctx, p, requestID, profileID, false)
	if err != nil {
		return nil, err
	}
	t, err := s.propose(ctx, p, r, mp, pr, true)
	if err == nil {
		t.viewFor(p.UserID)
	}
	return t, err
}

// CheckPair checks a request of a program p curates against a mentor as a
// proposal would, the mentor's capacity and the request's one tandem
// included, without reserving anything (a shortlist's candidates). Errors:
// as ProposeTandem.
func (s *Service) CheckPair(ctx context.Context, p *otm.Principal, requestID, profileID string) error {
	if err := s.programs.RequireCuratorOfAny(ctx, p); err != nil {
		return err
	}
	r, mp, pr, err := s.pairOf(ctx, p, requestID, profileID, true)
	if err != nil {
		return err
	}
	mentor, _, err := s.pairRules(ctx, r, mp, pr.Capacity)
	if err != nil {
		return err
	}
	return s.roomFor(ctx, mp.ID, mp.Name, r.ID, pr.ID, mentor.Capacity)
}

// roomFor refuses a pair whose mentor has no capacity left in the program
// or whose request has a tandem already (as the slots stand now).
func (s *Service) roomFor(ctx context.Context, profileID, name, requestID, programID string, capacity int) error {
	taken, err := s.SlotsTaken(ctx)
	if err != nil {
		return err
	}
	if taken.Mentor(profileID, programID) >= max(capacity, 1) {
		return ruleConflict(otm.RuleCapacityReached, otm.Args{"mentor": name, "capacity": capacity}, fmt.Sprintf("%s has no capacity left in this program", name))
	}
	if taken.Request(requestID) > 0 {
		return ruleConflict(otm.RuleOneMentorPerMentee, nil, "this executive already has a proposed or running tandem in this program")
	}
	return nil
}
