package identity

import (
	"context"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/check"
)

// StaffRoles are the roles admins give; mentor and mentee follow from what
// people do.
var StaffRoles = []string{otm.RoleCurator, otm.RoleAdmin}

// Person is a signed-up person as admins see them.
type Person struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	Organization string    `json:"organization,omitempty"` // its name
	Roles        []string  `json:"roles"`
	LastSignIn   time.Time `json:"lastSignIn"`
	// Configured lists the roles that OTM_ADMIN_EMAILS or OTM_CURATOR_EMAILS
	// give this person: only the configuration changes them.
	Configured []string `json:"configuredRoles,omitempty"`
	// EmailTrusted: their provider verified the e-mail and vouches for its
	// domain, so roles by e-mail (staff roles, program curation) hold.
	EmailTrusted bool `json:"emailTrusted"`
}

// People lists the people who signed in, by name, those whose name or
// e-mail contains q (case-insensitive) when q is set (admins only). Errors:
// EUNAUTHORIZED, EFORBIDDEN, EINVALID (limit, offset, q).
func (s *Service) People(ctx context.Context, p *otm.Principal, q string, limit, offset int) ([]Person, int, error) {
	if err := requireAdmin(p); err != nil {
		return nil, 0, err
	}
	var fe otm.Problems
	q = strings.ToLower(strings.TrimSpace(q))
	if n := len([]rune(q)); n > 100 {
		fe.Add("q", otm.RuleMaxLength, otm.Args{"max": 100, "length": n}, "at most 100 characters")
	}
	check.Paging(&fe, &limit, offset, 50, 200)
	if err := fe.Err("The query is not valid."); err != nil {
		return nil, 0, err
	}
	users, err := s.store.allUsers(ctx)
	if err != nil {
		return nil, 0, err
	}
	users = slices.DeleteFunc(users, func(u User) bool {
		return q != "" && !strings.Contains(strings.ToLower(u.Name), q) && !strings.Contains(strings.ToLower(u.Email), q)
	})
	slices.SortFunc(users, func(a, b User) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	total := len(users)
	users = users[min(offset, total):min(offset+limit, total)]
	orgs := map[string]string{}
	out := make([]Person, 0, len(users))
	for i := range users {
		out = append(out, s.personOf(ctx, &users[i], orgs))
	}
	return out, total, nil
}

func (s *Service) personOf(ctx context.Context, u *User, orgs map[string]string) Person {
	pe := Person{ID: u.ID, Name: u.Name, Email: u.Email, Roles: slices.Clone(u.Roles), LastSignIn: u.LastLoginAt,
		Configured: s.configuredRoles(u.Email), EmailTrusted: s.emailTrusted(u)}
	if pe.Roles == nil {
		pe.Roles = []string{}
	}
	if id := u.OrganizationID; id != "" {
		name, ok := orgs[id]
		if !ok {
			if o, err := s.orgs.Get(ctx, id); err == nil {
				name = o.Name
			}
			orgs[id] = name
		}
		pe.Organization = name
	}
	return pe
}

// emailTrusted reports whether u's provider verified the e-mail and vouches
// for its domain (as at sign-in).
func (s *Service) emailTrusted(u *User) bool {
	p, ok := s.providers[u.ProviderID]
	return ok && u.EmailVerified && p.vouchesFor(u.Email)
}

// grantWith returns email's grant with its staff roles replaced by staff
// (other roles in it stay).
func (s *Service) grantWith(ctx context.Context, email string, staff []string) ([]string, error) {
	grant, err := s.store.getRoleGrant(ctx, email)
	if err != nil && otm.ErrorCode(err) != otm.ENOTFOUND {
		return nil, err
	}
	out := slices.DeleteFunc(slices.Clone(grant), func(r string) bool { return slices.Contains(StaffRoles, r) })
	return append(out, staff...), nil
}

// configuredRoles are the roles the configuration gives email.
func (s *Service) configuredRoles(email string) []string {
	var out []string
	if slices.Contains(s.cfg.AdminEmails, email) {
		out = append(out, otm.RoleAdmin)
	}
	if slices.Contains(s.cfg.CuratorEmails, email) {
		out = append(out, otm.RoleCurator)
	}
	return out
}

// cleanStaffRoles checks that roles holds staff roles only and returns them
// sorted and without duplicates.
func cleanStaffRoles(roles []string) ([]string, error) {
	var fe otm.Problems
	out := []string{}
	for i, r := range roles {
		r = strings.TrimSpace(r)
		if !slices.Contains(StaffRoles, r) {
			fe.Add("roles["+strconv.Itoa(i)+"]", otm.RuleOneOf, otm.Args{"allowed": StaffRoles, "value": check.Truncate(r, 20)},
				"must be curator or admin (mentor and mentee follow from what people do)")
			continue
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out, fe.Err("The roles are not valid.")
}

// SetStaffRoles gives a person exactly the staff roles (curator, admin) in
// roles (admins only): recorded as a grant for their e-mail, so that it
// holds at every later sign-in, and applied to the account and its live
// sessions at once. Roles from the configuration stay; an admin cannot take
// their own admin role when nobody else holds it. Every change is audited.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID naming roles[i],
// ECONFLICT (rules last_admin, configured).
func (s *Service) SetStaffRoles(ctx context.Context, p *otm.Principal, userID string, roles []string) (*Person, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	staff, err := cleanStaffRoles(roles)
	if err != nil {
		return nil, err
	}
	u, err := s.store.getUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !s.emailTrusted(u) {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleUntrustedEmail, otm.Args{"email": u.Email},
			"The identity provider of this account does not vouch for its e-mail address, so roles given by e-mail would not hold.")
	}
	for _, r := range s.configuredRoles(u.Email) {
		if !slices.Contains(staff, r) {
			return nil, otm.Refuse(otm.ECONFLICT, otm.RuleConfigured, otm.Args{"role": r},
				"The %s role of this person comes from the configuration (OTM_ADMIN_EMAILS, OTM_CURATOR_EMAILS); change it there.", r)
		}
	}
	lastAdmin := func() error {
		return otm.Refuse(otm.ECONFLICT, otm.RuleLastAdmin, nil, "You are the last admin; make someone else an admin first.")
	}
	dropsOwnAdmin := u.ID == p.UserID && slices.Contains(u.Roles, otm.RoleAdmin) && !slices.Contains(staff, otm.RoleAdmin)
	if dropsOwnAdmin {
		if others, err := s.otherAdmins(ctx, u.ID); err != nil {
			return nil, err
		} else if others == 0 {
			return nil, lastAdmin()
		}
	}
	grant, err := s.grantWith(ctx, strings.ToLower(u.Email), staff)
	if err != nil {
		return nil, err
	}
	if dropsOwnAdmin {
		// Take the role first, then count again: of admins leaving at the
		// same moment, the last to count sees the others gone and keeps its
		// role, so there is always one admin (on any replica).
		if _, err := s.store.setUserRole(ctx, u.ID, otm.RoleAdmin, false); err != nil {
			return nil, err
		}
		others, err := s.otherAdmins(ctx, u.ID)
		if err != nil || others == 0 {
			if _, rerr := s.store.setUserRole(ctx, u.ID, otm.RoleAdmin, true); rerr != nil {
				s.log.Error("admin role not restored", "user", u.ID, "err", rerr)
			}
			if err != nil {
				return nil, err
			}
			return nil, lastAdmin()
		}
	}
	if err := s.store.putRoleGrant(ctx, strings.ToLower(u.Email), grant, s.now()); err != nil {
		return nil, err
	}
	// One atomic update a role, on the account and then its sessions: a
	// sign-in or another change at the same time keeps its own work.
	before := slices.Clone(u.Roles)
	for _, r := range StaffRoles {
		var err error
		if slices.Contains(staff, r) {
			_, err = s.store.grantUserRole(ctx, u.ID, r, s.roleNote(u.ID, r))
		} else {
			_, err = s.store.setUserRole(ctx, u.ID, r, false)
		}
		if err != nil {
			return nil, err
		}
	}
	if u, err = s.store.getUser(ctx, u.ID); err != nil {
		return nil, err
	}
	s.auditStaff(ctx, p, u.ID, u.Email, before, u.Roles)
	sessions, err := s.store.userSessions(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, sess := range sessions {
		for _, r := range StaffRoles {
			if err := s.store.setSessionRole(ctx, sess.ID, r, slices.Contains(staff, r)); err != nil {
				return nil, err
			}
		}
	}
	s.deliverNotes(ctx, u.ID)
	pe := s.personOf(ctx, u, map[string]string{})
	return &pe, nil
}

// GrantStaffRoles records the staff roles a person with this e-mail gets at
// their next sign-in (admins only; for people who have not signed in yet).
// Their identity provider must vouch for the e-mail for it to apply.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (email, roles[i]).
func (s *Service) GrantStaffRoles(ctx context.Context, p *otm.Principal, email string, roles []string) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return otm.Invalid("The e-mail address is not valid.", otm.Field("email", otm.RuleEmail, otm.Args{"value": check.Truncate(email, 60)}, "must be an e-mail address"))
	}
	staff, err := cleanStaffRoles(roles)
	if err != nil {
		return err
	}
	users, err := s.store.allUsers(ctx)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(users, func(u User) bool { return strings.EqualFold(u.Email, email) }) {
		return otm.Refuse(otm.ECONFLICT, otm.RuleTaken, otm.Args{"value": email},
			"Someone with this e-mail address has signed in already: change their roles on the people page.")
	}
	grant, err := s.grantWith(ctx, email, staff)
	if err != nil {
		return err
	}
	if err := s.store.putRoleGrant(ctx, email, grant, s.now()); err != nil {
		return err
	}
	if s.cfg.Audit != nil {
		if err := s.cfg.Audit.Record(ctx, audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: audit.ActionRoleGrant,
			SubjectType: "email", SubjectID: email, Reason: audit.WhyGrantedAhead, Details: strings.Join(staff, ",")}); err != nil {
			s.log.Error("audit record failed", "action", "role.grant", "err", err)
		}
	}
	return nil
}

// otherAdmins counts the accounts other than id that hold admin.
func (s *Service) otherAdmins(ctx context.Context, id string) (int, error) {
	users, err := s.store.allUsers(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range users {
		if u.ID != id && slices.Contains(u.Roles, otm.RoleAdmin) {
			n++
		}
	}
	return n, nil
}

// auditStaff records each staff role an admin gave or took.
func (s *Service) auditStaff(ctx context.Context, p *otm.Principal, userID, email string, before, after []string) {
	if s.cfg.Audit == nil {
		return
	}
	record := func(action, role string) {
		if err := s.cfg.Audit.Record(ctx, audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: action,
			SubjectType: "user", SubjectID: userID, SubjectUserID: userID, Reason: audit.WhySetByAdmin, Details: role}); err != nil {
			s.log.Error("audit record failed", "action", action, "user", userID, "err", err)
		}
	}
	for _, r := range StaffRoles {
		switch had, has := slices.Contains(before, r), slices.Contains(after, r); {
		case has && !had:
			record(audit.ActionRoleGrant, r)
		case had && !has:
			record(audit.ActionRoleRevoke, r)
		}
	}
}
