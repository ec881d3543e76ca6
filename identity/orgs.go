package identity

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/organization"
)

// OrgPatch changes an organization; nil fields stay as they are.
type OrgPatch struct {
	Name        *string   `json:"name"`
	Domains     *[]string `json:"domains"`
	Industry    *string   `json:"industry"`
	Group       *string   `json:"group"`
	Competitors *[]string `json:"competitors"`
	Verified    *bool     `json:"verified"`
}

var domainRe = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

func requireAdmin(p *otm.Principal) error {
	return otm.RequireRole(p, "Only admins may manage organizations.", otm.RoleAdmin)
}

// Organizations lists every organization by name (admins only). Errors:
// EUNAUTHORIZED, EFORBIDDEN.
func (s *Service) Organizations(ctx context.Context, p *otm.Principal) ([]organization.Organization, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	os, err := s.orgs.All(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(os, func(a, b organization.Organization) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return os, nil
}

// UpdateOrganization applies an admin's patch. Competition is symmetric: listing
// B as A's competitor lists A as B's, and removing it removes both. A domain
// can belong to one organization only. Every change is audited. Errors:
// EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID naming fields, ECONFLICT
// naming a domain another organization has.
func (s *Service) UpdateOrganization(ctx context.Context, p *otm.Principal, id string, patch OrgPatch) (*organization.Organization, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	o, err := s.orgs.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.saveOrganization(ctx, p, o, patch, "organization.update")
}

// CreateOrganization adds a verified organization (admins): name required,
// its id derived from the name unless patch.ID says; domains, industry,
// group and competitors as in UpdateOrganization. Errors: EUNAUTHORIZED,
// EFORBIDDEN, EINVALID naming fields, ECONFLICT naming the id or a domain
// another organization has.
func (s *Service) CreateOrganization(ctx context.Context, p *otm.Principal, id string, patch OrgPatch) (*organization.Organization, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	if patch.Name == nil {
		return nil, otm.Invalid("The organization is not valid.", otm.Field("name", otm.RuleRequired, nil, "required"))
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(*patch.Name)); n < 2 || n > 100 {
		return nil, otm.Invalid("The organization is not valid.", otm.Field("name", otm.RuleLength, otm.Args{"min": 2, "max": 100}, "must be 2–100 characters"))
	}
	id = strings.TrimSpace(id)
	if id == "" {
		if id = otm.Slug(*patch.Name, 60); len(id) < 2 {
			return nil, otm.Invalid("The organization is not valid.", otm.Field("id", otm.RuleSlug, otm.Args{"min": 2, "max": 60},
				"the name gives no id; send one: 2–60 lowercase letters, digits or dashes"))
		}
	}
	if !orgIDRe.MatchString(id) {
		return nil, otm.Invalid("The organization is not valid.", otm.Field("id", otm.RuleSlug, otm.Args{"min": 2, "max": 60}, "must be 2–60 lowercase letters, digits or dashes"))
	}
	if _, err := s.orgs.Get(ctx, id); err == nil {
		return nil, &otm.Error{Code: otm.ECONFLICT, Rule: otm.RuleTaken, Args: otm.Args{"value": id}, Message: "An organization with this id exists already.",
			Fields: []otm.FieldError{otm.Field("id", otm.RuleTaken, otm.Args{"value": id}, "taken: %s", id)}}
	} else if otm.ErrorCode(err) != otm.ENOTFOUND {
		return nil, err
	}
	verified := true
	if patch.Verified == nil {
		patch.Verified = &verified
	}
	now := s.now()
	o := &organization.Organization{ID: id, Domains: []string{}, Competitors: []string{}, Source: "admin", CreatedAt: now}
	return s.saveOrganization(ctx, p, o, patch, "organization.create")
}

var orgIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$`)

// saveOrganization applies patch to o, checks it and stores it, keeping
// competition symmetric, and audits action.
func (s *Service) saveOrganization(ctx context.Context, p *otm.Principal, o *organization.Organization, patch OrgPatch, action string) (*organization.Organization, error) {
	id := o.ID
	var fe otm.Problems
	text := func(field string, v *string, min, max int) string {
		t := strings.TrimSpace(*v)
		if n := utf8.RuneCountInString(t); n < min || n > max || hasControl(t) {
			fe.Add(field, otm.RuleLength, otm.Args{"min": min, "max": max}, "must be %d–%d characters without control characters", min, max)
		}
		return t
	}
	upd := *o
	if patch.Name != nil {
		upd.Name = text("name", patch.Name, 2, 100)
	}
	if patch.Industry != nil {
		upd.Industry = text("industry", patch.Industry, 0, 60)
	}
	if patch.Group != nil {
		upd.Group = text("group", patch.Group, 0, 100)
	}
	if patch.Verified != nil {
		upd.Verified = *patch.Verified
	}
	taken := false
	if patch.Domains != nil {
		upd.Domains = []string{}
		if len(*patch.Domains) > 20 {
			fe.Add("domains", otm.RuleMaxItems, otm.Args{"max": 20}, "at most 20 domains")
		}
		for i, d := range *patch.Domains {
			d = strings.ToLower(strings.TrimSpace(d))
			if len(d) > 253 || !domainRe.MatchString(d) {
				fe.Add(fmt.Sprintf("domains[%d]", i), otm.RuleDomain, otm.Args{"value": check.Truncate(d, 60)}, "%q is not a domain name", check.Truncate(d, 60))
				continue
			}
			if organization.PublicMail(d) {
				fe.Add(fmt.Sprintf("domains[%d]", i), otm.RulePublicDomain, otm.Args{"value": d}, "%q is a public e-mail provider, not an organization's domain", d)
				continue
			}
			if other, err := s.orgs.ByDomain(ctx, d); err == nil && other.ID != id {
				fe.Add(fmt.Sprintf("domains[%d]", i), otm.RuleTaken, otm.Args{"value": d, "organization": other.ID}, "%q already belongs to %s", d, other.Name)
				taken = true
				continue
			}
			if !slices.Contains(upd.Domains, d) {
				upd.Domains = append(upd.Domains, d)
			}
		}
	}
	var added, removed []string
	if patch.Competitors != nil {
		next := []string{}
		for i, c := range *patch.Competitors {
			c = strings.TrimSpace(c)
			switch {
			case c == id:
				fe.Add(fmt.Sprintf("competitors[%d]", i), otm.RuleSelf, nil, "an organization does not compete with itself")
				continue
			case slices.Contains(next, c):
				continue
			}
			if _, err := s.orgs.Get(ctx, c); err != nil {
				fe.Add(fmt.Sprintf("competitors[%d]", i), otm.RuleUnknown, otm.Args{"value": check.Truncate(c, 60)}, "%q is not a known organization", check.Truncate(c, 60))
				continue
			}
			next = append(next, c)
		}
		for _, c := range next {
			if !slices.Contains(o.Competitors, c) {
				added = append(added, c)
			}
		}
		for _, c := range o.Competitors {
			if !slices.Contains(next, c) {
				removed = append(removed, c)
			}
		}
		upd.Competitors = next
	}
	if len(fe) > 0 {
		err := otm.Invalid("The organization is not valid.", fe...)
		if taken && len(fe) == 1 {
			err.Code = otm.ECONFLICT // the one problem: another organization has the domain
		}
		return nil, err
	}
	upd.UpdatedAt = s.now()
	if action == "organization.create" {
		// Inserted, never upserted: one created meanwhile is not replaced.
		if err := s.orgs.Insert(ctx, &upd); err != nil {
			if otm.ErrorCode(err) == otm.ECONFLICT {
				return nil, &otm.Error{Code: otm.ECONFLICT, Rule: otm.RuleTaken, Args: otm.Args{"value": id}, Message: "An organization with this id exists already.",
					Fields: []otm.FieldError{otm.Field("id", otm.RuleTaken, otm.Args{"value": id}, "taken: %s", id)}}
			}
			return nil, err
		}
	} else if err := s.orgs.Put(ctx, &upd); err != nil {
		return nil, err
	} else if err := s.followOrganization(ctx, &upd); err != nil {
		return nil, err
	}
	// Keep competition symmetric on the other side.
	for _, c := range added {
		if err := s.orgs.SetCompetitor(ctx, c, id, true); err != nil {
			return nil, err
		}
	}
	for _, c := range removed {
		if err := s.orgs.SetCompetitor(ctx, c, id, false); err != nil {
			return nil, err
		}
	}
	if s.cfg.Audit != nil {
		details := fmt.Sprintf("name=%q domains=%v industry=%q group=%q competitors=%v verified=%v", upd.Name, upd.Domains, upd.Industry, upd.Group, upd.Competitors, upd.Verified)
		if err := s.cfg.Audit.Record(ctx, audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: action,
			SubjectType: "organization", SubjectID: id, Details: details}); err != nil {
			s.log.Error("audit record failed", "organization", id, "err", err)
		}
	}
	return &upd, nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// followOrganization brings the organization's members and their live
// sessions in line with it: its name, and no verified membership once it is
// no longer verified (verification itself is given at the next sign-in,
// where the provider vouches for it). Repeatable: saving again finishes a
// failed run.
func (s *Service) followOrganization(ctx context.Context, o *organization.Organization) error {
	users, err := s.store.allUsers(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.OrganizationID != o.ID {
			continue
		}
		verified := u.OrgVerified && o.Verified
		if verified != u.OrgVerified {
			if err := s.store.setUserOrgVerified(ctx, u.ID, verified); err != nil {
				return err
			}
		}
		sessions, err := s.store.userSessions(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, sess := range sessions {
			if err := s.store.setSessionOrg(ctx, sess.ID, o.ID, o.Name, verified); err != nil {
				return err
			}
		}
	}
	return nil
}
