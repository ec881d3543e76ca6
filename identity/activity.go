package identity

import (
	"context"

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
	var changed bool
	var err error
	if held {
		changed, err = s.store.grantUserRole(ctx, userID, role, s.roleNote(userID, role))
	} else {
		changed, err = s.store.setUserRole(ctx, userID, role, held)
	}
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	// Told and audited as soon as the account has it; the sessions follow
	// (a failure there is finished by the next change or sign-in).
	if changed {
		if held {
			s.deliverNotes(ctx, userID)
		}
		if s.cfg.Audit != nil {
			action := audit.ActionRoleGrant
			if !held {
				action = audit.ActionRoleRevoke
			}
			if err := s.cfg.Audit.Record(ctx, audit.Entry{ActorID: "system", ActorName: "OpenToMentor", Action: action,
				SubjectType: "user", SubjectID: userID, SubjectUserID: userID, Reason: why, Details: role}); err != nil {
				s.log.Error("audit record failed", "action", action, "user", userID, "err", err)
			}
		}
	}
	sessions, err := s.store.userSessions(ctx, userID)
	if err != nil {
		return err
	}
	for _, sess := range sessions {
		if err := s.store.setSessionRole(ctx, sess.ID, role, held); err != nil {
			return err
		}
	}
	return nil
}

// roleNote is the message that tells userID they were given role.
func (s *Service) roleNote(userID, role string) notify.Note {
	return notify.Note{To: userID, Msg: notify.Message{ID: "role.granted:" + role + ":" + s.now().UTC().Format("20060102T150405.000"),
		Type: notify.TypeRoleGranted, Args: map[string]any{"role": role}, Link: "/account"}}
}

// deliverNotes has the notes on userID's record sent and taken off, after
// the write, by the inbox's courier (notify.Service.Soon); a failure is
// left to DeliverNotes.
func (s *Service) deliverNotes(ctx context.Context, userID string) {
	run := func(ctx context.Context) error {
		_, err := s.deliverUserNotes(ctx, userID)
		return err
	}
	if s.cfg.Inbox != nil {
		s.cfg.Inbox.Soon(ctx, "user "+userID, run)
	} else if err := run(ctx); err != nil { // no inbox: the notes are only taken off
		s.log.Error("notes not taken off yet; the sweep retries", "user", userID, "err", err)
	}
}

// deliverUserNotes delivers and takes off the notes on userID's record and
// reports whether there were any (none for a person who is gone).
func (s *Service) deliverUserNotes(ctx context.Context, userID string) (bool, error) {
	notes, raw, err := s.store.userNotes(ctx, userID)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return false, nil
	}
	if err != nil || len(notes) == 0 {
		return false, err
	}
	if s.cfg.Inbox != nil {
		if err := s.cfg.Inbox.Deliver(ctx, notes); err != nil {
			return true, err
		}
	}
	return true, s.store.dropUserNotes(ctx, userID, raw)
}

// DeliverNotes sends the notes that a crash (or a failing inbox) left on
// people's records after a role was granted, and reports for how many
// people. Idempotent: a message id gives one message.
func (s *Service) DeliverNotes(ctx context.Context) (int, error) {
	return s.store.pending.Sweep(ctx, s.deliverUserNotes)
}

// SetLanguage records the language a person last used (pages switch it,
// sign-in takes the browser's): their e-mails are written in it. A person
// without a user record is left alone.
func (s *Service) SetLanguage(ctx context.Context, userID, lang string) error {
	if lang != "en" && lang != "de" {
		return otm.Invalid("Unknown language.", otm.Field("lang", otm.RuleOneOf, otm.Args{"allowed": []string{"en", "de"}, "value": lang}, "must be en or de"))
	}
	return s.store.setUserLang(ctx, userID, lang)
}

// RoleHolders returns the ids of the people who hold role (e.g. the
// curators to tell of a new application).
func (s *Service) RoleHolders(ctx context.Context, role string) ([]string, error) {
	return s.store.usersWithRole(ctx, role)
}

// Contact returns what an e-mail needs of a person: address, name and
// language; nil when the person is gone.
func (s *Service) Contact(ctx context.Context, userID string) (*notify.Contact, error) {
	u, err := s.store.getUser(ctx, userID)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &notify.Contact{Email: u.Email, Name: u.Name, Lang: u.Lang}, nil
}
