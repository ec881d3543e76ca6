package tandem

import (
	"context"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
)

// Mentee request statuses.
const (
	RequestDraft     = "draft"
	RequestSubmitted = "submitted"
	RequestWithdrawn = "withdrawn"
)

// Formats of meeting.
var Formats = []string{"remote", "in-person", "hybrid"}

// Preference is a mentor an executive would like, ranked, with an optional
// note. The mentor never learns of it unless a tandem is proposed.
type Preference struct {
	MentorProfileID string `bson:"mentorProfileId" json:"mentorProfileId"`
	Note            string `bson:"note,omitempty" json:"note,omitempty"`
}

// RequestContent is what an executive writes: what they want to learn.
type RequestContent struct {
	Goals       string       `bson:"goals" json:"goals"`
	Topics      []string     `bson:"topics" json:"topics"`
	Languages   []string     `bson:"languages" json:"languages"`
	Term        string       `bson:"term" json:"term"`
	Format      string       `bson:"format" json:"format"`
	Interests   []string     `bson:"interests" json:"interests"`
	Preferences []Preference `bson:"preferences" json:"preferences"`
}

// MenteeRequest is an executive's private request to a program. Only its owner
// and curators ever see it.
type MenteeRequest struct {
	ID          string         `bson:"_id"`
	OwnerID     string         `bson:"ownerId"`
	Name        string         `bson:"name"`
	Email       string         `bson:"email"`
	OrgID       string         `bson:"orgId,omitempty"`
	OrgName     string         `bson:"orgName,omitempty"`
	ProgramID   string         `bson:"programId"`
	Status      string         `bson:"status"`
	Content     RequestContent `bson:"content"`
	Version     int64          `bson:"version"`
	CreatedAt   time.Time      `bson:"createdAt"`
	UpdatedAt   time.Time      `bson:"updatedAt"`
	SubmittedAt *time.Time     `bson:"submittedAt,omitempty"`
}

// legacyRequestID is the id requests were stored under before ids were
// keyed: derivable from the person's user id, which public mentor ids carry.
// Such requests are still found (findMyRequest) and keep their id.
func legacyRequestID(userID, programID string) string {
	return "mr_" + strings.TrimPrefix(userID, "u_") + "_" + programID
}

// RequestID is the id of a person's request to a program: an HMAC of the
// user id and the program under a key kept in the database, so that nobody
// outside derives it from a public id, while the platform finds it by _id.
func (s *Service) RequestID(ctx context.Context, userID, programID string) (string, error) {
	m, err := s.idKey.MAC(ctx, userID+"\x00"+programID)
	if err != nil {
		return "", mapErr(err, "The request id key")
	}
	return "mr_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m[:15])) + "_" + programID, nil
}

// findMyRequest returns a person's request to a program, under its keyed id
// or, stored before ids were keyed, its legacy one. Errors: ENOTFOUND.
func (s *Service) findMyRequest(ctx context.Context, userID, programID string) (*MenteeRequest, error) {
	id, err := s.RequestID(ctx, userID, programID)
	if err != nil {
		return nil, err
	}
	r, err := s.store.getRequest(ctx, id)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return s.store.getRequest(ctx, legacyRequestID(userID, programID))
	}
	return r, err
}

// Limits of a mentee request.
const (
	GoalsMin, GoalsMax = 20, 2000
	MaxPreferences     = 5
	NoteMax            = 300
)

func (s *Service) cleanRequest(c *RequestContent, complete bool) error {
	var fe otm.Problems
	check.Text(&fe, "goals", &c.Goals, GoalsMin, GoalsMax, true, complete)
	c.Topics = s.profiles.CheckTopics(&fe, c.Topics, complete)
	c.Languages = check.Languages(&fe, c.Languages, complete)
	c.Term = strings.TrimSpace(c.Term)
	if c.Term != "" || complete {
		check.OneOf(&fe, "term", c.Term, program.Terms...)
	}
	c.Format = strings.TrimSpace(c.Format)
	if c.Format == "" {
		c.Format = "remote"
	}
	check.OneOf(&fe, "format", c.Format, Formats...)
	check.Tags(&fe, "interests", &c.Interests, profile.MaxInterests, profile.InterestMax)
	if len(c.Preferences) > MaxPreferences {
		fe.Add("preferences", otm.RuleMaxItems, otm.Args{"max": MaxPreferences}, "at most %d preferred mentors", MaxPreferences)
	}
	seen := map[string]bool{}
	prefs := make([]Preference, 0, len(c.Preferences))
	for i, p := range c.Preferences {
		p.MentorProfileID, p.Note = strings.TrimSpace(p.MentorProfileID), strings.TrimSpace(p.Note)
		if seen[p.MentorProfileID] {
			fe.Add(fmt.Sprintf("preferences[%d].mentorProfileId", i), otm.RuleDuplicate, nil, "this mentor is already listed")
			continue
		}
		seen[p.MentorProfileID] = true
		check.Text(&fe, fmt.Sprintf("preferences[%d].note", i), &p.Note, 0, NoteMax, true, false)
		prefs = append(prefs, p)
	}
	c.Preferences = prefs
	if complete {
		return fe.Err("The request is not complete yet.")
	}
	return fe.Err("Some fields need attention.")
}

// checkPreferences makes sure every preferred mentor is public (approved and
// not paused) and not the requester themselves.
func (s *Service) checkPreferences(ctx context.Context, p *otm.Principal, c *RequestContent) error {
	var fe otm.Problems
	for i, pref := range c.Preferences {
		field := fmt.Sprintf("preferences[%d].mentorProfileId", i)
		mp, err := s.profiles.Lookup(ctx, pref.MentorProfileID)
		if otm.ErrorCode(err) == otm.ENOTFOUND || (err == nil && profile.Document(mp) == nil) {
			fe.Add(field, otm.RuleNotMentor, nil, "not a mentor in the directory")
			continue
		} else if err != nil {
			return err
		}
		if mp.OwnerID == p.UserID {
			fe.Add(field, otm.RuleSelf, nil, "you cannot prefer yourself")
		}
	}
	return fe.Err("A preferred mentor is not available.")
}

// requestProgram loads the program a request goes to ("" is the open
// program). Unknown programs, and ones in planning, are EINVALID naming
// "program".
func (s *Service) requestProgram(ctx context.Context, programID string) (*program.Program, error) {
	pr, err := s.programs.Lookup(ctx, programID)
	if otm.ErrorCode(err) == otm.ENOTFOUND || (err == nil && pr.Phase == program.PhasePlanning) {
		return nil, otm.Invalid("Unknown program.", otm.Field("program", otm.RuleUnknown, nil, "no such program"))
	}
	return pr, err
}

// MyRequest returns the caller's request to a program ("" is the open
// program). Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (program), ENOTFOUND.
func (s *Service) MyRequest(ctx context.Context, p *otm.Principal, programID string) (*MenteeRequest, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	pr, err := s.requestProgram(ctx, programID)
	if err != nil {
		return nil, err
	}
	return s.findMyRequest(ctx, p.UserID, pr.ID)
}

// MyRequests lists the caller's requests to every program.
func (s *Service) MyRequests(ctx context.Context, p *otm.Principal) ([]MenteeRequest, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	return s.store.requestsOf(ctx, p.UserID)
}

// SaveRequest creates or edits the caller's request to a program (a
// submitted one stays submitted and must stay complete); the program must be
// open for registration. Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID naming
// fields, ECONFLICT (version, phase).
func (s *Service) SaveRequest(ctx context.Context, p *otm.Principal, programID string, c RequestContent) (*MenteeRequest, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	pr, err := s.requestProgram(ctx, programID)
	if err != nil {
		return nil, err
	}
	if err := pr.Require(program.CanRequest); err != nil {
		return nil, err
	}
	cur, err := s.findMyRequest(ctx, p.UserID, pr.ID)
	if err != nil && otm.ErrorCode(err) != otm.ENOTFOUND {
		return nil, err
	}
	id, err := s.RequestID(ctx, p.UserID, pr.ID)
	if err != nil {
		return nil, err
	}
	complete := cur != nil && cur.Status == RequestSubmitted
	if err := s.cleanRequest(&c, complete); err != nil {
		return nil, err
	}
	if err := s.checkPreferences(ctx, p, &c); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if cur == nil {
		r := &MenteeRequest{ID: id, OwnerID: p.UserID, Name: p.Name, Email: p.Email,
			OrgID: p.Organization, OrgName: p.OrgName, ProgramID: pr.ID, Status: RequestDraft, Content: c,
			Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := s.store.insertRequest(ctx, r); err != nil {
			return nil, err
		}
		return r, nil
	}
	upd := *cur
	if upd.Status == RequestWithdrawn {
		upd.Status = RequestDraft
	}
	upd.Content, upd.Name, upd.Email, upd.OrgID, upd.OrgName, upd.UpdatedAt = c, p.Name, p.Email, p.Organization, p.OrgName, now
	if err := s.store.replaceRequest(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	return &upd, nil
}

// SubmitRequest sends the caller's request to a program's curators. Errors:
// EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT (status, phase).
func (s *Service) SubmitRequest(ctx context.Context, p *otm.Principal, programID string) (*MenteeRequest, error) {
	cur, err := s.MyRequest(ctx, p, programID)
	if err != nil {
		return nil, err
	}
	if cur.Status == RequestSubmitted {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleStatus, otm.Args{"status": cur.Status}, "The request is already with the curators.")
	}
	if err := s.requirePhase(ctx, cur.ProgramID, program.CanRequest); err != nil {
		return nil, err
	}
	upd := *cur
	if err := s.cleanRequest(&upd.Content, true); err != nil {
		return nil, err
	}
	if err := s.checkPreferences(ctx, p, &upd.Content); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	upd.Status, upd.UpdatedAt, upd.SubmittedAt = RequestSubmitted, now, &now
	if err := s.store.replaceRequest(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.record(ctx, audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: "request.submit",
		SubjectType: "mentee_request", SubjectID: upd.ID, SubjectUserID: p.UserID, ProgramID: upd.ProgramID})
	if s.cfg.Roles != nil {
		if err := s.cfg.Roles.SetActivityRole(ctx, p.UserID, otm.RoleMentee, true, audit.WhyRequestSubmitted); err != nil {
			s.log.Error("mentee role not granted", "user", p.UserID, "err", err) // the request stands; the next submission grants it
		}
	}
	return &upd, nil
}

// SubmittedRequests returns every request with the curators, of every
// program, without checking who asks: for features that check access
// themselves (a program's cohort, package suggest).
func (s *Service) SubmittedRequests(ctx context.Context) ([]MenteeRequest, error) {
	return s.store.requestsByStatus(ctx, RequestSubmitted)
}

// WithdrawRequest takes the caller's submitted request back from the
// curators (saving it again makes it a draft). While a mentor is proposed for
// it or its tandem runs, it stays: the proposal is answered, the tandem ended,
// first. Errors: EUNAUTHORIZED, ENOTFOUND, ECONFLICT (status; request_paired).
func (s *Service) WithdrawRequest(ctx context.Context, p *otm.Principal, programID string) (*MenteeRequest, error) {
	cur, err := s.MyRequest(ctx, p, programID)
	if err != nil {
		return nil, err
	}
	if cur.Status != RequestSubmitted {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleStatus, otm.Args{"status": cur.Status}, "Only a request with the curators can be withdrawn.")
	}
	ts, err := s.store.tandemsOf(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].RequestID == cur.ID && (ts[i].Status == TandemProposed || ts[i].Status == TandemActive) {
			return nil, otm.Refuse(otm.ECONFLICT, otm.RuleRequestPaired, nil,
				"A mentor is proposed for this request or its tandem runs: answer the proposal or end the tandem first.")
		}
	}
	upd := *cur
	upd.Status, upd.UpdatedAt = RequestWithdrawn, s.now().UTC()
	if err := s.store.replaceRequest(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.record(ctx, audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: "request.withdraw",
		SubjectType: "mentee_request", SubjectID: upd.ID, SubjectUserID: p.UserID, ProgramID: upd.ProgramID})
	return &upd, nil
}

// Requests lists submitted mentee requests, oldest first, of one program
// (programID non-empty; its curators only) or of every program the caller
// curates. Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Service) Requests(ctx context.Context, p *otm.Principal, programID string) ([]MenteeRequest, error) {
	if err := s.programs.RequireCuratorOfAny(ctx, p); err != nil {
		return nil, err
	}
	if programID != "" {
		if _, err := s.programs.Curated(ctx, p, programID); err != nil {
			return nil, err
		}
	}
	all, err := s.store.requestsByStatus(ctx, RequestSubmitted)
	if err != nil {
		return nil, err
	}
	progs, err := s.programs.All(ctx)
	if err != nil {
		return nil, err
	}
	mine := map[string]bool{}
	for i := range progs {
		mine[progs[i].ID] = program.Curates(p, &progs[i])
	}
	out := all[:0]
	for _, r := range all {
		if mine[r.ProgramID] && (programID == "" || r.ProgramID == programID) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Request returns one mentee request for the curators of its program.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Service) Request(ctx context.Context, p *otm.Principal, id string) (*MenteeRequest, error) {
	if err := s.programs.RequireCuratorOfAny(ctx, p); err != nil {
		return nil, err
	}
	r, err := s.store.getRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	unknown := otm.Errorf(otm.ENOTFOUND, "Mentee request not found.")
	if _, err := s.curatedOrUnknown(ctx, p, r.ProgramID, unknown); err != nil {
		return nil, err
	}
	if r.Status != RequestSubmitted { // drafts and withdrawn requests are the executive's alone
		return nil, unknown
	}
	return r, nil
}

// RequestsOf lists every request of a person, whatever their roles today
// (for the data export).
func (s *Service) RequestsOf(ctx context.Context, userID string) ([]MenteeRequest, error) {
	return s.store.requestsOf(ctx, userID)
}

// RequestIDsOf lists the ids of every request of a person (for erasure).
func (s *Service) RequestIDsOf(ctx context.Context, userID string) ([]string, error) {
	rs, err := s.store.requestsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// EraseRequests deletes every request of a person (account deletion).
func (s *Service) EraseRequests(ctx context.Context, userID string) error {
	rs, err := s.store.requestsOf(ctx, userID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if err := s.store.deleteRequest(ctx, r.ID); err != nil {
			return err
		}
	}
	return nil
}

// ImportedRequest is one executive's submitted request brought in from
// elsewhere in bulk: a migration from another platform, or the demo's
// synthetic executives.
type ImportedRequest struct {
	OwnerID, Name, Email, OrgID, OrgName string
	ProgramID                            string // "" is the open program
	Content                              RequestContent
	At                                   time.Time // when it was submitted
}

// ImportRequests stores submitted requests in bulk, each validated like a
// submission (preferred mentors included) and bound to a program that
// exists and is past planning, whatever its phase now. It does not
// overwrite: a request that exists already is an ECONFLICT. Errors:
// EINVALID naming fields, ECONFLICT.
func (s *Service) ImportRequests(ctx context.Context, in []ImportedRequest) error {
	programs := map[string]*program.Program{}
	for _, ir := range in {
		pr, ok := programs[ir.ProgramID]
		if !ok {
			var err error
			if pr, err = s.requestProgram(ctx, ir.ProgramID); err != nil {
				return err
			}
			programs[ir.ProgramID] = pr
		}
		c := ir.Content
		if err := s.cleanRequest(&c, true); err != nil {
			return err
		}
		if err := s.checkPreferences(ctx, &otm.Principal{UserID: ir.OwnerID}, &c); err != nil {
			return err
		}
		at := ir.At.UTC()
		id, err := s.RequestID(ctx, ir.OwnerID, pr.ID)
		if err != nil {
			return err
		}
		r := &MenteeRequest{ID: id, OwnerID: ir.OwnerID, Name: ir.Name, Email: ir.Email,
			OrgID: ir.OrgID, OrgName: ir.OrgName, ProgramID: pr.ID, Status: RequestSubmitted, Content: c,
			Version: 1, CreatedAt: at, UpdatedAt: at, SubmittedAt: &at}
		if err := s.store.insertRequest(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// ReassignOrganization moves the requests of people of the organization
// fromID to the organization into (an admin merged them), for the conflict
// rules. Errors: the database's.
func (s *Service) ReassignOrganization(ctx context.Context, fromID, intoID, intoName string) (int, error) {
	rs, err := s.store.requestsOfOrg(ctx, fromID)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range rs {
		upd := rs[i]
		if upd.OrgID == intoID && upd.OrgName == intoName {
			continue // a rename that changed nothing here
		}
		upd.OrgID, upd.OrgName = intoID, intoName
		if err := s.store.replaceRequest(ctx, &upd, rs[i].Version); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
