package identity

import (
	"context"
	"slices"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/organization"
)

// MergeTargets returns the two organizations of a merge after checking it:
// an admin folds an unverified organization into a different, verified one.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID (into),
// ECONFLICT (rule status: from is verified or into is not).
func (s *Service) MergeTargets(ctx context.Context, p *otm.Principal, fromID, intoID string) (from, into *organization.Organization, err error) {
	if err := requireAdmin(p); err != nil {
		return nil, nil, err
	}
	if fromID == intoID || intoID == "" {
		return nil, nil, otm.Invalid("Name another organization to merge into.", otm.Field("into", otm.RuleSelf, nil, "must be another organization"))
	}
	if from, err = s.orgs.Get(ctx, fromID); err != nil {
		return nil, nil, err
	}
	into, err = s.orgs.Get(ctx, intoID)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, nil, otm.Invalid("Unknown organization.", otm.Field("into", otm.RuleUnknown, otm.Args{"value": intoID}, "no such organization"))
	} else if err != nil {
		return nil, nil, err
	}
	if from.Verified || !into.Verified {
		return nil, nil, otm.Refuse(otm.ECONFLICT, otm.RuleStatus, otm.Args{"status": "verified"},
			"Only an unverified organization is merged, and only into a verified one.")
	}
	return from, into, nil
}

// MergeOrganization folds the unverified organization fromID into the
// verified intoID (see MergeTargets): its domains and competitors go to
// intoID, organizations that listed it as a competitor list intoID, its
// people (their accounts and live sessions) belong to intoID; then reassign
// moves what other features keep of it (applications, requests), and only
// then is it deleted, so that a failure at any step can be repeated.
// Errors: those of MergeTargets and reassign.
func (s *Service) MergeOrganization(ctx context.Context, p *otm.Principal, fromID, intoID string, reassign func(ctx context.Context, into *organization.Organization) error) (*organization.Organization, error) {
	from, into, err := s.MergeTargets(ctx, p, fromID, intoID)
	if err != nil {
		return nil, err
	}
	for _, d := range from.Domains {
		if !slices.Contains(into.Domains, d) {
			into.Domains = append(into.Domains, d)
		}
	}
	for _, c := range from.Competitors {
		if c != into.ID && !slices.Contains(into.Competitors, c) {
			into.Competitors = append(into.Competitors, c)
		}
	}
	into.UpdatedAt = s.now()
	if err := s.orgs.Put(ctx, into); err != nil { // the target first: no domain is ever without an organization
		return nil, err
	}
	orgs, err := s.orgs.All(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if o.ID != from.ID && slices.Contains(o.Competitors, from.ID) {
			if err := s.orgs.SetCompetitor(ctx, o.ID, from.ID, false); err != nil {
				return nil, err
			}
			if o.ID != into.ID {
				if err := s.orgs.SetCompetitor(ctx, o.ID, into.ID, true); err != nil {
					return nil, err
				}
			}
		}
	}
	users, err := s.store.allUsers(ctx)
	if err != nil {
		return nil, err
	}
	moved := 0
	for i := range users {
		u := &users[i]
		if u.OrganizationID != from.ID {
			continue
		}
		u.OrganizationID, u.OrgVerified = into.ID, true
		if err := s.store.putUser(ctx, u); err != nil {
			return nil, err
		}
		sessions, err := s.store.userSessions(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		for _, sess := range sessions {
			if err := s.store.setSessionOrg(ctx, sess.ID, into.ID, into.Name, true); err != nil {
				return nil, err
			}
		}
		moved++
	}
	if reassign != nil {
		if err := reassign(ctx, into); err != nil {
			return nil, err
		}
	}
	if err := s.orgs.Delete(ctx, from.ID); err != nil {
		return nil, err
	}
	if s.cfg.Audit != nil {
		if err := s.cfg.Audit.Record(ctx, audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: "organization.merge",
			SubjectType: "organization", SubjectID: into.ID, Reason: "merged " + from.ID, Details: from.Name}); err != nil {
			s.log.Error("audit record failed", "organization", into.ID, "err", err)
		}
	}
	s.log.Info("organization merged", "from", from.ID, "into", into.ID, "people", moved)
	return into, nil
}
