package identity

import (
	"context"
	"slices"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/notify"
)

// SetActivityRole gives a person the mentor or mentee role, or takes it,
// because of what they did (an application approved or withdrawn, a request
// submitted): on their user record and on every live session at once, so that
// the person's very next request carries it. why says what happened (for the
// audit log). A person without a user record (imported data) is left alone.
// Errors: EINVALID for other roles.
func (s *Service) SetActivityRole(ctx context.Context, userID, role string, held bool, why string) error {
	if role != otm.RoleMentor && role != otm.RoleMentee {
		return otm.Invalid("Only mentor and mentee follow from what people do.",
			otm.Field("role", otm.RuleOneOf, otm.Args{"allowed": []string{otm.RoleMentor, otm.RoleMentee}, "value": role}, "must be mentor or mentee"))
	}
	u, err := s.store.getUser(ctx, userID)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	roles, changed := withRole(u.Roles, role, held)
	if changed {
		u.Roles = roles
		if err := s.store.putUser(ctx, u); err != nil {
			return err
		}
	}
	// Sessions follow even when the user record already did (a write that
	// failed half-way before is finished here).
	sessions, err := s.store.userSessions(ctx, userID)
	if err != nil {
		return err
	}
	for _, sess := range sessions {
		if roles, changed := withRole(sess.Roles, role, held); changed {
			if err := s.store.setSessionRoles(ctx, sess.ID, roles); err != nil {
				return err
			}
		}
	}
	if changed && held {
		s.tellRole(ctx, userID, role)
	}
	if changed && s.cfg.Audit != nil {
		action := audit.ActionRoleGrant
		if !held {
			action = audit.ActionRoleRevoke
		}
		if err := s.cfg.Audit.Record(ctx, audit.Entry{ActorID: "system", ActorName: "OpenToMentor", Action: action,
			SubjectType: "user", SubjectID: userID, SubjectUserID: userID, Reason: why, Details: role}); err != nil {
			s.log.Error("audit record failed", "action", action, "user", userID, "err", err)
		}
	}
	return nil
}

// tellRole tells a person they were given role.
func (s *Service) tellRole(ctx context.Context, userID, role string) {
	if s.cfg.Inbox == nil {
		return
	}
	m := notify.Message{ID: "role.granted:" + role + ":" + s.now().UTC().Format("20060102T150405.000"), Type: notify.TypeRoleGranted,
		Args: map[string]any{"role": role}, Link: "/account"}
	if err := s.cfg.Inbox.Send(ctx, userID, m); err != nil {
		s.log.Error("notification not stored", "type", m.Type, "user", userID, "err", err)
	}
}

// withRole returns roles with role added (held) or removed, and whether that
// changed anything.
func withRole(roles []string, role string, held bool) ([]string, bool) {
	if slices.Contains(roles, role) == held {
		return roles, false
	}
	if held {
		return append(slices.Clone(roles), role), true
	}
	return slices.DeleteFunc(slices.Clone(roles), func(r string) bool { return r == role }), true
}
