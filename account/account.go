// Package account carries out a person's data rights across the platform:
// export of everything about them, and complete erasure (database and search
// index; audit entries keep only a pseudonym).
package account

import (
	"context"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/assignment"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/linemanager"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/shortlist"
	"github.com/opentomentor/opentomentor/tandem"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Service runs export and erasure.
type Service struct {
	ids      *identity.Service
	profiles *profile.Service
	tandems  *tandem.Service
	assign   *assignment.Service
	lists    *shortlist.Service
	lines    *linemanager.Service
	programs *program.Service
	audit    *audit.Log
	inbox    *notify.Service
	erasures *mongo.Collection // the erasure jobs (erasure.go)
	now      func() time.Time
}

// New returns the account service, keeping its erasure jobs in db.
func New(db *mongo.Database, now func() time.Time, ids *identity.Service, profiles *profile.Service, programs *program.Service, tandems *tandem.Service,
	assign *assignment.Service, lists *shortlist.Service, lines *linemanager.Service, log *audit.Log, inbox *notify.Service) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{ids: ids, profiles: profiles, programs: programs, tandems: tandems, assign: assign, lists: lists, lines: lines, audit: log, inbox: inbox,
		erasures: erasuresOf(db), now: now}
}

// programTeam stands for the curators in what applicants see.
const programTeam = "program team"

// Export is everything the platform holds about one person.
type Export struct {
	ExportedAt      time.Time                   `json:"exportedAt"`
	User            *identity.User              `json:"user"`
	Organization    *Membership                 `json:"organization,omitempty"`
	Sessions        []identity.SessionInfo      `json:"sessions"`
	RoleGrant       []string                    `json:"roleGrant,omitempty"`
	MentorProfile   *profile.Profile            `json:"mentorProfile,omitempty"`
	MentorPhoto     []byte                      `json:"mentorPhoto,omitempty"` // the uploaded photo, JPEG (base64)
	MenteeRequests  []tandem.MenteeRequest      `json:"menteeRequests,omitempty"`
	LineManagers    *linemanager.LineManagers   `json:"lineManagers"` // masked hints: only fingerprints are stored
	Tandems         []tandem.Tandem             `json:"tandems"`
	Meetings        map[string][]tandem.Meeting `json:"meetings"`      // by tandem id
	Feedback        []tandem.Feedback           `json:"feedback"`      // what I answered at wrap-up
	Notifications   []notify.Message            `json:"notifications"` // my inbox
	Emails          []notify.Delivery           `json:"emails"`        // e-mails queued, sent or given up (kept 30 days)
	EmailSettings   *notify.Preferences         `json:"emailSettings"`
	FollowsPrograms bool                        `json:"followsPrograms"` // told when a cohort opens its registration
	AuditAboutMe    []audit.Entry               `json:"auditAboutMe"`
	AuditByMe       []audit.Entry               `json:"auditByMe"`
}

// Membership is the organization a person belongs to, as their export shows
// it: without what admins maintain about the organization (group,
// competitors), which is not about the person.
type Membership struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Domains  []string `json:"domains"`
	Industry string   `json:"industry,omitempty"`
	Verified bool     `json:"verified"`
}

// Export gathers everything about the signed-in person. Errors: EUNAUTHORIZED.
func (s *Service) Export(ctx context.Context, p *otm.Principal) (*Export, error) {
	if p == nil {
		return nil, otm.Errorf(otm.EUNAUTHORIZED, "Sign in first.")
	}
	u, err := s.ids.User(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	ex := &Export{ExportedAt: time.Now().UTC(), User: u}
	if u.OrganizationID != "" {
		if o, err := s.ids.Organization(ctx, u.OrganizationID); err == nil {
			// What the person's membership is; the admins' notes on the
			// organization (its group, its competitors) are not about them.
			ex.Organization = &Membership{ID: o.ID, Name: o.Name, Domains: o.Domains, Industry: o.Industry, Verified: o.Verified}
		}
	}
	if ex.Sessions, err = s.ids.Sessions(ctx, u.ID, p.SessionID); err != nil {
		return nil, err
	}
	if ex.RoleGrant, err = s.ids.RoleGrant(ctx, u.Email); err != nil {
		return nil, err
	}
	prof, err := s.profiles.MyProfile(ctx, p)
	switch otm.ErrorCode(err) {
	case "":
		// Curators' identities are their personal data, not the applicant's:
		// notes and decisions come from "the program team".
		for i := range prof.Comments {
			prof.Comments[i].AuthorID, prof.Comments[i].AuthorName = "", programTeam
		}
		if prof.Decision != nil {
			prof.Decision.CuratorID, prof.Decision.CuratorName = "", programTeam
		}
		ex.MentorProfile = prof
		if ex.MentorPhoto, err = s.profiles.MyPhoto(ctx, p); err != nil {
			return nil, err
		}
	case otm.ENOTFOUND:
	default:
		return nil, err
	}
	// Whatever the person's roles are today: a request kept from when they
	// were an executive is theirs too.
	if ex.MenteeRequests, err = s.tandems.RequestsOf(ctx, p.UserID); err != nil {
		return nil, err
	}
	if ex.LineManagers, err = s.lines.Mine(ctx, p); err != nil {
		return nil, err
	}
	if ex.Tandems, err = s.tandems.MyTandems(ctx, p); err != nil {
		return nil, err
	}
	if ex.Meetings, err = s.tandems.MyMeetings(ctx, p); err != nil {
		return nil, err
	}
	if ex.Feedback, err = s.tandems.MyFeedbacks(ctx, p); err != nil {
		return nil, err
	}
	if ex.Notifications, _, err = s.inbox.Inbox(ctx, p); err != nil {
		return nil, err
	}
	if ex.Emails, err = s.inbox.Deliveries(ctx, p.UserID); err != nil {
		return nil, err
	}
	if ex.FollowsPrograms, err = s.programs.FollowsPrograms(ctx, p.UserID); err != nil {
		return nil, err
	}
	if ex.EmailSettings, err = s.inbox.MyPreferences(ctx, p); err != nil {
		return nil, err
	}
	if ex.AuditAboutMe, err = s.audit.ByUser(ctx, u.ID); err != nil {
		return nil, err
	}
	for i := range ex.AuditAboutMe {
		if e := &ex.AuditAboutMe[i]; e.ActorID != u.ID && e.ActorID != "system" {
			e.ActorID, e.ActorName = "", programTeam
		}
	}
	if ex.AuditByMe, err = s.audit.ByActor(ctx, u.ID); err != nil {
		return nil, err
	}
	return ex, nil
}

// RecentSignIn is how long after signing in a person may delete their account.
const RecentSignIn = 15 * time.Minute

// Delete erases the signed-in person (see erasure.go): it records the erasure
// job, signs them out everywhere and deletes their user record and role grant,
// then has the rest — application and search index entry, requests, tandems,
// inbox, e-mails; audit entries about or by them keep only a pseudonym — erased
// right after the response, and by the sweep if that fails. Errors:
// EUNAUTHORIZED; EFORBIDDEN (recent_sign_in: the last sign-in was more than
// RecentSignIn ago); a database failure before the person was signed out.
func (s *Service) Delete(ctx context.Context, p *otm.Principal) error {
	if p == nil {
		return otm.Errorf(otm.EUNAUTHORIZED, "Sign in first.")
	}
	// Whoever finds a signed-in browser unattended must not erase its owner.
	if s.now().Sub(p.SignedInAt) > RecentSignIn {
		return otm.Refuse(otm.EFORBIDDEN, otm.RuleRecentSignIn, otm.Args{"minutes": int(RecentSignIn.Minutes())},
			"Sign in again to delete your account: the last sign-in was more than %d minutes ago.", int(RecentSignIn.Minutes()))
	}
	job, err := s.begin(ctx, p.UserID, p.Email)
	if err != nil {
		return err
	}
	if err := s.ids.DeleteUser(ctx, p.UserID); err != nil {
		return err
	}
	s.inbox.Soon(ctx, "erasure", func(ctx context.Context) error { return s.finish(ctx, job) })
	return nil
}
