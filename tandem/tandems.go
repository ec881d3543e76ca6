package tandem

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/cadence"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
)

// Tandem statuses.
const (
	TandemProposed = "proposed"
	TandemActive   = "active"
	TandemDeclined = "declined"
	TandemEnded    = "ended"
)

// ReasonMax is how long a decline or end reason may be.
const ReasonMax = 1000

// Tandem is a proposed or running pair: one mentor, one mentee.
type Tandem struct {
	ID              string           `bson:"_id" json:"id"`
	ProgramID       string           `bson:"programId" json:"programId"`
	RequestID       string           `bson:"requestId" json:"menteeRequestId"`
	MentorProfileID string           `bson:"mentorProfileId" json:"mentorProfileId"`
	MentorUserID    string           `bson:"mentorUserId" json:"-"`
	MenteeUserID    string           `bson:"menteeUserId" json:"-"`
	MentorName      string           `bson:"mentorName" json:"mentorName"`
	MenteeName      string           `bson:"menteeName" json:"menteeName"`
	MentorOrg       string           `bson:"mentorOrg" json:"mentorOrganization"`
	MenteeOrg       string           `bson:"menteeOrg" json:"menteeOrganization"`
	Topics          []string         `bson:"topics" json:"topics"`
	Term            string           `bson:"term" json:"term"`
	Status          string           `bson:"status" json:"status"`
	MentorAccepted  bool             `bson:"mentorAccepted" json:"mentorAccepted"`
	MenteeAccepted  bool             `bson:"menteeAccepted" json:"menteeAccepted"`
	DeclinedBy      string           `bson:"declinedBy,omitempty" json:"declinedBy,omitempty"` // "mentor" | "mentee"
	DeclineReason   string           `bson:"declineReason,omitempty" json:"-"`                 // curators only
	ProposedBy      string           `bson:"proposedBy" json:"-"`
	Score           float64          `bson:"score" json:"score"`
	Cadence         *cadence.Cadence `bson:"cadence,omitempty" json:"cadence,omitempty"` // set by the pair once active
	ActivatedAt     *time.Time       `bson:"activatedAt,omitempty" json:"activatedAt,omitempty"`
	EndedAt         *time.Time       `bson:"endedAt,omitempty" json:"endedAt,omitempty"`
	EndedBy         string           `bson:"endedBy,omitempty" json:"endedBy,omitempty"` // mentor | mentee | curator | program
	EndReason       string           `bson:"endReason,omitempty" json:"-"`               // curators only
	// MentorContact and MenteeContact are the e-mail addresses each side
	// chose to share with the other when accepting (empty: not shared).
	// Only the partner sees one (PartnerContact); curators do not.
	MentorContact string `bson:"mentorContact,omitempty" json:"-"`
	MenteeContact string `bson:"menteeContact,omitempty" json:"-"`
	// PartnerContact and ContactShared are filled for one side's view
	// (MyTandems): the partner's shared address, and whether I shared mine.
	PartnerContact string    `bson:"-" json:"partnerContact,omitempty"`
	ContactShared  bool      `bson:"-" json:"contactShared"`
	CreatedAt      time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt      time.Time `bson:"updatedAt" json:"updatedAt"`
	Version        int64     `bson:"version" json:"version"`
	// Notes are the messages this tandem's last events owe, written with
	// the event and cleared once delivered (never shown).
	Notes []notify.Note `bson:"notes,omitempty" json:"-"`
	// mark is the generation of the pending-notes mark of the last write
	// with notes (mongostore.Pending), for clearing it after delivery.
	mark int64
}

// Party is one side of a tandem, with what it knows of the other.
type Party struct {
	UserID, Side                        string
	Partner, PartnerOrg, PartnerContact string // the other side's name, organization and shared address
}

// Parties returns the mentor's side, then the mentee's.
func (t *Tandem) Parties() []Party {
	return []Party{
		{UserID: t.MentorUserID, Side: SideMentor, Partner: t.MenteeName, PartnerOrg: t.MenteeOrg, PartnerContact: t.MenteeContact},
		{UserID: t.MenteeUserID, Side: SideMentee, Partner: t.MentorName, PartnerOrg: t.MentorOrg, PartnerContact: t.MentorContact},
	}
}

// Side returns "mentor" or "mentee" for a participant, "" for anyone else.
func (t *Tandem) Side(userID string) string {
	switch userID {
	case t.MentorUserID:
		return "mentor"
	case t.MenteeUserID:
		return "mentee"
	}
	return ""
}

// ruleConflict refuses a pairing that breaks a hard rule: ECONFLICT naming
// the rule (also on the field mentorProfileId) with its arguments.
func ruleConflict(rule string, args otm.Args, reason string) error {
	return &otm.Error{Code: otm.ECONFLICT, Rule: rule, Args: args, Message: "This pairing breaks a hard rule: " + reason,
		Fields: []otm.FieldError{otm.Field("mentorProfileId", rule, args, "%s", reason)}}
}

// ProposeTandem pairs a mentee request with a mentor (curators only). Every
// hard rule is checked; the mentor's capacity and the one-mentor-per-mentee
// rule hold under concurrent proposals (conditional slot reservations).
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT naming the rule.
func (s *Service) ProposeTandem(ctx context.Context, p *otm.Principal, requestID, profileID string) (*Tandem, error) {
	if err := s.programs.RequireCuratorOfAny(ctx, p); err != nil {
		return nil, err
	}
	r, mp, pr, err := s.pairOf(ctx, p, requestID, profileID, true)
	if err != nil {
		return nil, err
	}
	return s.propose(ctx, p, r, mp, pr, false)
}

// pairOf reads and checks the request and the mentor of a proposal (by a
// curator of the request's program) or of a pick (by the request's owner):
// the request submitted, the mentor in the directory, neither the caller's
// own tandem, the phase allowing proposals.
func (s *Service) pairOf(ctx context.Context, p *otm.Principal, requestID, profileID string, curator bool) (*MenteeRequest, *profile.Profile, *program.Program, error) {
	var fe []otm.FieldError
	if requestID == "" {
		fe = append(fe, otm.Field("menteeRequestId", otm.RuleRequired, nil, "required"))
	}
	if profileID == "" {
		fe = append(fe, otm.Field("mentorProfileId", otm.RuleRequired, nil, "required"))
	}
	if len(fe) > 0 {
		return nil, nil, nil, otm.Invalid("Name the request and the mentor.", fe...)
	}
	unknown := otm.Invalid("Unknown request.", otm.Field("menteeRequestId", otm.RuleUnknown, nil, "no such mentee request"))
	r, err := s.store.getRequest(ctx, requestID)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, nil, nil, unknown
	} else if err != nil {
		return nil, nil, nil, err
	}
	// Scope before anything about the request (neither its existence nor its
	// status shows to a curator of another program, or to anyone else).
	var pr *program.Program
	if curator {
		pr, err = s.curatedOrUnknown(ctx, p, r.ProgramID, unknown)
	} else if r.OwnerID != p.UserID {
		return nil, nil, nil, unknown
	} else {
		pr, err = s.programs.Lookup(ctx, r.ProgramID)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if r.Status != RequestSubmitted {
		return nil, nil, nil, otm.Invalid("The request is not with the curators.", otm.Field("menteeRequestId", otm.RuleStatus, otm.Args{"status": r.Status}, "is %s", r.Status))
	}
	mp, err := s.profiles.Lookup(ctx, profileID)
	if otm.ErrorCode(err) == otm.ENOTFOUND || (err == nil && profile.Document(mp) == nil) {
		return nil, nil, nil, otm.Invalid("Unknown mentor.", otm.Field("mentorProfileId", otm.RuleNotMentor, nil, "not a mentor in the directory"))
	} else if err != nil {
		return nil, nil, nil, err
	}
	if curator && p.UserID == r.OwnerID || p.UserID == mp.OwnerID {
		return nil, nil, nil, otm.Refuse(otm.EFORBIDDEN, otm.RuleOwnTandem, nil, "You cannot propose a tandem you are part of.")
	}
	if err := pr.Require(program.CanPropose); err != nil {
		return nil, nil, nil, err
	}
	return r, mp, pr, nil
}

// propose stores the tandem of r and mp in pr: the hard rules again, then
// the mentor's and the request's slots reserved. A pick (the executive
// chose mp from a shortlist) is accepted by the executive already, and only
// the mentor is told.
func (s *Service) propose(ctx context.Context, p *otm.Principal, r *MenteeRequest, mp *profile.Profile, pr *program.Program, picked bool) (*Tandem, error) {
	mentor, mentee, err := s.pairRules(ctx, r, mp, pr.Capacity)
	if err != nil {
		return nil, err
	}
	program := r.ProgramID
	if ok, err := s.slots.Reserve(ctx, mentorSlot(mp.ID, program), mentor.Capacity); err != nil {
		return nil, err
	} else if !ok {
		return nil, ruleConflict(otm.RuleCapacityReached, otm.Args{"mentor": mp.Name, "capacity": mentor.Capacity}, fmt.Sprintf("%s has no capacity left in this program", mp.Name))
	}
	if ok, err := s.slots.Reserve(ctx, requestSlot(r.ID), 1); !ok || err != nil {
		s.release(ctx, mentorSlot(mp.ID, program))
		if err != nil {
			return nil, err
		}
		return nil, ruleConflict(otm.RuleOneMentorPerMentee, nil, "this executive already has a proposed or running tandem in this program")
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	now := s.now().UTC()
	t := &Tandem{ID: "t_" + hex.EncodeToString(b), ProgramID: program, RequestID: r.ID, MentorProfileID: mp.ID,
		MentorUserID: mp.OwnerID, MenteeUserID: r.OwnerID, MentorName: mp.Name, MenteeName: r.Name,
		MentorOrg: mp.OrgName, MenteeOrg: r.OrgName, Topics: r.Content.Topics, Term: r.Content.Term,
		Status: TandemProposed, ProposedBy: p.UserID, MenteeAccepted: picked, Score: matching.Fit(pr.Weights.Matching(), mentor, mentee).Total,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	action := "tandem.propose"
	if picked {
		action = "tandem.pick"
		note(t, t.MentorUserID, notify.Message{ID: "tandem.proposed:" + t.ID + ":" + SideMentor, Type: notify.TypeTandemProposed,
			Args: map[string]any{"partner": t.MenteeName, "program": pr.Name}, Link: "/tandems"})
	} else {
		notePair(t, notify.TypeTandemProposed, "tandem.proposed:"+t.ID, "/tandems", map[string]any{"program": pr.Name})
	}
	if err := s.store.insertTandem(ctx, t); err != nil {
		s.releaseSlots(ctx, t)
		return nil, err
	}
	if err := s.stillProposable(ctx, t); err != nil {
		return nil, err
	}
	s.recordTandem(ctx, p, action, t, "")
	s.deliver(ctx, t)
	return t, nil
}

// stillProposable reads the program's phase again once the proposal t is
// stored: a curator moving the program on (to wrap-up) ends its proposals,
// and may have looked for them just before t was stored. Then t is taken back
// (as if never made) and the phase refusal returned; if t was stored first,
// the phase change finds it. A phase that cannot be read keeps t (the sweep
// ends it should the program have moved on).
func (s *Service) stillProposable(ctx context.Context, t *Tandem) error {
	pr, err := s.programs.Lookup(ctx, t.ProgramID)
	if err != nil {
		return nil
	}
	refusal := pr.Require(program.CanPropose)
	if refusal == nil {
		return nil
	}
	if err := s.deleteTandem(ctx, t, SideMentor, SideMentee); err != nil {
		s.log.Error("a proposal made as the phase changed was not taken back; the sweep ends it", "tandem", t.ID, "err", err)
	}
	return refusal
}

// MyTandems lists the tandems the caller is part of, each with the partner's
// shared contact.
func (s *Service) MyTandems(ctx context.Context, p *otm.Principal) ([]Tandem, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	ts, err := s.store.tandemsOf(ctx, p.UserID)
	for i := range ts {
		ts[i].viewFor(p.UserID)
	}
	return ts, err
}

// viewFor fills the fields one side sees.
func (t *Tandem) viewFor(userID string) {
	switch t.Side(userID) {
	case SideMentor:
		t.PartnerContact, t.ContactShared = t.MenteeContact, t.MentorContact != ""
	case SideMentee:
		t.PartnerContact, t.ContactShared = t.MentorContact, t.MenteeContact != ""
	}
}

// Answer is one side's answer to a proposal.
type Answer struct {
	Accept bool
	Reason string // a decline's reason, for curators only
	// ShareContact: on accepting, my e-mail address goes to my partner in
	// the introduction and on the tandem's page.
	ShareContact bool
}

// AddOrg puts an organization's group and competitors into the rules' world
// (nothing without Config.Organizations; an organization it cannot read
// stands for itself).
func (s *Service) AddOrg(ctx context.Context, w *matching.World, id string) {
	if id == "" || s.cfg.Organizations == nil {
		return
	}
	if _, ok := w.Orgs[id]; ok {
		return
	}
	o, err := s.cfg.Organizations.Organization(ctx, id)
	if err != nil {
		w.Orgs[id] = matching.Org{ID: id}
		return
	}
	w.Orgs[id] = matching.Org{ID: o.ID, Group: o.Group, Competitors: o.Competitors}
}

// Slots are the reservation counts: how many proposed or running tandems a
// mentor has in a program, and a request has.
type Slots map[string]int

// Mentor returns the mentor's count in the program.
func (sl Slots) Mentor(profileID, programID string) int { return sl[mentorSlot(profileID, programID)] }

// Request returns the request's count (0 or 1).
func (sl Slots) Request(id string) int { return sl[requestSlot(id)] }

// Full returns the mentors whose count in the program reaches capacity.
func (sl Slots) Full(programID string, capacity int) []string {
	var out []string
	for key, n := range sl {
		rest, mentor := strings.CutPrefix(key, "mentor:")
		if id, ok := strings.CutSuffix(rest, ":"+programID); mentor && ok && n >= max(capacity, 1) {
			out = append(out, id)
		}
	}
	return out
}

func mentorSlot(profileID, program string) string { return "mentor:" + profileID + ":" + program }

func requestSlot(id string) string { return "request:" + id }

// SlotsTaken returns every reservation count (for suggestions and cohorts).
func (s *Service) SlotsTaken(ctx context.Context) (Slots, error) { return s.slots.Taken(ctx) }

// pairRules checks the hard rules between a request and a mentor as they
// are now (organizations, competitors, line management, languages); capacity
// and one mentor per request are the slots' (reserve). It returns both as
// matching sees them.
func (s *Service) pairRules(ctx context.Context, r *MenteeRequest, mp *profile.Profile, capacity int) (matching.Mentor, matching.Mentee, error) {
	world := &matching.World{Orgs: map[string]matching.Org{}}
	s.AddOrg(ctx, world, r.OrgID)
	s.AddOrg(ctx, world, mp.OrgID)
	pub := mp.Published
	if pub == nil {
		pub = &mp.Draft
	}
	mentor := matching.Mentor{Person: matching.Person{UserID: mp.OwnerID, OrgID: mp.OrgID, Languages: pub.Languages, Country: pub.Country, Interests: pub.Interests},
		ProfileID: mp.ID, Topics: pub.Topics, HoursPerMonth: pub.Availability.HoursPerMonth, Capacity: capacity}
	mentee := matching.Mentee{Person: matching.Person{UserID: r.OwnerID, OrgID: r.OrgID, Languages: r.Content.Languages, Interests: r.Content.Interests},
		RequestID: r.ID, Topics: r.Content.Topics, Term: r.Content.Term}
	lc, err := s.lineChainsOf(ctx, mp.OwnerID, r.OwnerID)
	if err != nil {
		return mentor, mentee, err
	}
	pair, mentors := []matching.Mentee{mentee}, []matching.Mentor{mentor}
	mentorEmail := func(context.Context, []string) (map[string]string, error) {
		return map[string]string{mp.ID: mp.Email}, nil
	}
	if err := lc.Resolve(ctx, pair, map[string]string{r.OwnerID: r.Email}, mentors, mentorEmail); err != nil {
		return mentor, mentee, err
	}
	mentee, mentor = pair[0], mentors[0]
	if ok, rule, reason := matching.Allowed(world, mentor, mentee); !ok {
		return mentor, mentee, ruleConflict(rule, reason.Args, reason.Text)
	}
	return mentor, mentee, nil
}

// rulesStillHold checks a proposed tandem's pair against the hard rules again.
func (s *Service) rulesStillHold(ctx context.Context, t *Tandem) error {
	r, err := s.store.getRequest(ctx, t.RequestID)
	if err != nil {
		return err
	}
	mp, err := s.profiles.Lookup(ctx, t.MentorProfileID)
	if err != nil {
		return err
	}
	_, _, err = s.pairRules(ctx, r, mp, 1)
	return err
}

// AnswerTandem records the caller's accept or decline. Only the pair may
// answer (anyone else gets ENOTFOUND, revealing nothing); a decline's reason
// is for curators only; a tandem becomes active once both accept. Errors:
// EUNAUTHORIZED, ENOTFOUND, ECONFLICT, EINVALID.
func (s *Service) AnswerTandem(ctx context.Context, p *otm.Principal, id string, a Answer) (*Tandem, error) {
	accept, reason := a.Accept, a.Reason
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	cur, err := s.store.getTandem(ctx, id)
	if err != nil {
		return nil, err
	}
	side := cur.Side(p.UserID)
	if side == "" {
		return nil, otm.Errorf(otm.ENOTFOUND, "Tandem not found.")
	}
	if cur.Status != TandemProposed {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleStatus, otm.Args{"status": cur.Status}, "This tandem is %s; it can no longer be accepted or declined.", cur.Status)
	}
	if err := s.requirePhase(ctx, cur.ProgramID, program.CanAnswer); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > ReasonMax || check.HasControl(reason, true) {
		return nil, otm.Invalid("The reason is not valid.", otm.Field("reason", otm.RuleMaxLength, otm.Args{"max": ReasonMax}, "at most 1000 characters"))
	}
	if accept {
		reason = "" // only a decline carries a reason
		// What held at the proposal may not hold now (a line manager declared
		// since, organizations merged): the rules again, as they are.
		if err := s.rulesStillHold(ctx, cur); err != nil {
			return nil, err
		}
	}
	upd := *cur
	upd.Notes = slices.Clone(cur.Notes)
	upd.UpdatedAt = s.now().UTC()
	if accept {
		contact := ""
		if a.ShareContact {
			contact = p.Email
		}
		if side == "mentor" {
			upd.MentorAccepted, upd.MentorContact = true, contact
		} else {
			upd.MenteeAccepted, upd.MenteeContact = true, contact
		}
		if upd.MentorAccepted && upd.MenteeAccepted {
			upd.Status, upd.ActivatedAt = TandemActive, &upd.UpdatedAt
		}
	} else {
		upd.Status, upd.DeclinedBy, upd.DeclineReason = TandemDeclined, side, reason
	}
	// The other side learns the answer, never a decline's reason.
	other, name := upd.MenteeUserID, upd.MentorName
	if side == SideMentee {
		other, name = upd.MentorUserID, upd.MenteeName
	}
	answer := "declined"
	if accept {
		answer = "accepted"
	}
	note(&upd, other, notify.Message{ID: "tandem.answered:" + upd.ID + ":" + side, Type: notify.TypeTandemAnswered,
		Args: map[string]any{"partner": name, "answer": answer}, Link: "/tandems"})
	if upd.Status == TandemActive {
		introduce(&upd)
	}
	if err := s.store.replaceTandem(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	if !accept {
		s.releaseSlots(ctx, &upd)
	}
	action := "tandem.accept"
	if !accept {
		action = "tandem.decline"
	}
	s.recordTandem(ctx, p, action, &upd, reason)
	s.deliver(ctx, &upd)
	upd.viewFor(p.UserID)
	return &upd, nil
}

// Tandem returns a tandem for the curators of its program (with the decline
// and end reasons). Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Service) Tandem(ctx context.Context, p *otm.Principal, id string) (*Tandem, error) {
	if err := s.programs.RequireCuratorOfAny(ctx, p); err != nil {
		return nil, err
	}
	t, err := s.store.getTandem(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.curatedOrUnknown(ctx, p, t.ProgramID, otm.Errorf(otm.ENOTFOUND, "Tandem not found.")); err != nil {
		return nil, err
	}
	return t, nil
}

// EndTandem ends a proposed or active tandem early: either side of the pair
// (anyone else gets ENOTFOUND) or a curator of its program (curator true).
// The reason is for curators only. The mentor's slot is freed. Errors:
// EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT (status, phase), EINVALID.
func (s *Service) EndTandem(ctx context.Context, p *otm.Principal, id string, curator bool, reason string) (*Tandem, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	if curator {
		if err := s.programs.RequireCuratorOfAny(ctx, p); err != nil {
			return nil, err
		}
	}
	cur, err := s.store.getTandem(ctx, id)
	if err != nil {
		return nil, err
	}
	by := cur.Side(p.UserID)
	if curator {
		if _, err := s.curatedOrUnknown(ctx, p, cur.ProgramID, otm.Errorf(otm.ENOTFOUND, "Tandem not found.")); err != nil {
			return nil, err
		}
		by = "curator"
	} else if by == "" {
		return nil, otm.Errorf(otm.ENOTFOUND, "Tandem not found.")
	}
	if cur.Status != TandemActive && cur.Status != TandemProposed {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleStatus, otm.Args{"status": cur.Status}, "This tandem is %s already.", cur.Status)
	}
	if err := s.requirePhase(ctx, cur.ProgramID, program.CanEnd); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > ReasonMax || check.HasControl(reason, true) {
		return nil, otm.Invalid("The reason is not valid.", otm.Field("reason", otm.RuleMaxLength, otm.Args{"max": ReasonMax}, "at most 1000 characters"))
	}
	upd, err := s.end(ctx, cur, by, reason, func(upd *Tandem) {
		// Whoever did not end it learns that it ended (never why).
		for _, side := range []struct{ user, name, partner string }{{upd.MentorUserID, SideMentor, upd.MenteeName}, {upd.MenteeUserID, SideMentee, upd.MentorName}} {
			if side.name == by {
				continue
			}
			endedBy := "partner"
			if by == "curator" {
				endedBy = "curator"
			}
			note(upd, side.user, notify.Message{ID: "tandem.ended:" + upd.ID + ":" + side.name, Type: notify.TypeTandemEnded,
				Args: map[string]any{"partner": side.partner, "by": endedBy}, Link: "/tandems"})
		}
	})
	if err != nil {
		return nil, err
	}
	s.recordTandem(ctx, p, "tandem.end", upd, reason)
	s.deliver(ctx, upd)
	return upd, nil
}

// end marks t ended (with the notes notes adds) and frees its slots.
func (s *Service) end(ctx context.Context, cur *Tandem, by, reason string, notes func(*Tandem)) (*Tandem, error) {
	upd := *cur
	now := s.now().UTC()
	upd.Status, upd.EndedAt, upd.EndedBy, upd.EndReason, upd.UpdatedAt = TandemEnded, &now, by, reason, now
	upd.Notes = slices.Clone(cur.Notes)
	notes(&upd)
	if err := s.store.replaceTandem(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.releaseSlots(ctx, &upd)
	return &upd, nil
}

// endProgramTandems ends every proposed or active tandem of a program (at
// its wrap-up).
func (s *Service) endProgramTandems(ctx context.Context, p *otm.Principal, programID string) error {
	ts, err := s.store.tandemsOfProgram(ctx, programID)
	if err != nil {
		return err
	}
	programName := programID
	if pr, err := s.programs.Lookup(ctx, programID); err == nil {
		programName = pr.Name
	}
	for i := range ts {
		t := &ts[i]
		if t.Status != TandemActive && t.Status != TandemProposed {
			continue
		}
		for attempt := 0; ; attempt++ {
			upd, err := s.end(ctx, t, "program", "", func(upd *Tandem) {
				if upd.ActivatedAt != nil { // it ran: both sides are asked for feedback
					notePair(upd, notify.TypeFeedbackRequested, "feedback.requested:"+upd.ID, "/tandems", map[string]any{"program": programName})
				}
			})
			if otm.ErrorCode(err) == otm.ECONFLICT && attempt < 3 {
				if t, err = s.store.getTandem(ctx, t.ID); err != nil {
					return err
				}
				if t.Status != TandemActive && t.Status != TandemProposed {
					break
				}
				continue
			}
			if err != nil {
				return err
			}
			s.recordTandem(ctx, p, "tandem.end", upd, "the program ended")
			s.deliver(ctx, upd)
			break
		}
	}
	return nil
}

func (s *Service) recordTandem(ctx context.Context, p *otm.Principal, action string, t *Tandem, reason string) {
	if s.cfg.Audit == nil {
		return
	}
	for _, uid := range []string{t.MentorUserID, t.MenteeUserID} {
		// A decline or end reason is for curators (who read the tandem) and
		// its author: never in the other side's audit trail or export.
		why := ""
		if uid == p.UserID {
			why = reason
		}
		if err := s.cfg.Audit.Record(ctx, audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: action,
			SubjectType: "tandem", SubjectID: t.ID, SubjectUserID: uid, ProgramID: t.ProgramID, Reason: why}); err != nil {
			s.log.Error("audit record failed", "tandem", t.ID, "err", err)
		}
	}
}

// EraseTandems deletes the tandems a person took part in (account deletion),
// with their meeting logs and both sides' feedback, and frees the slots they
// held.
func (s *Service) EraseTandems(ctx context.Context, userID string) error {
	ts, err := s.store.tandemsOf(ctx, userID)
	if err != nil {
		return err
	}
	for i := range ts {
		// The partner's introduction may carry this person's address.
		partner := SideMentor
		if ts[i].Side(userID) == SideMentor {
			partner = SideMentee
		}
		if err := s.deleteTandem(ctx, &ts[i], partner); err != nil {
			return err
		}
	}
	return nil
}

// deleteTandem deletes t with its meeting log and both sides' feedback, frees
// the slots it held, and takes back what the given sides were told of it (the
// introduction may carry the partner's address; the others name the partner).
// Each step is idempotent, so a run cut off is finished by the next.
func (s *Service) deleteTandem(ctx context.Context, t *Tandem, retract ...string) error {
	if t.Status == TandemProposed || t.Status == TandemActive {
		s.releaseSlots(ctx, t)
	}
	if err := s.store.deleteMeetings(ctx, t.ID); err != nil {
		return err
	}
	if err := s.store.deleteFeedback(ctx, t.ID); err != nil {
		return err
	}
	if err := s.store.deleteTandem(ctx, t.ID); err != nil {
		return err
	}
	if s.cfg.Inbox == nil {
		return nil
	}
	for _, side := range retract {
		user := t.MentorUserID
		if side == SideMentee {
			user = t.MenteeUserID
		}
		if err := s.cfg.Inbox.RetractAbout(ctx, user, t.ID); err != nil {
			return err
		}
	}
	return nil
}

// introduce notes for both sides that t runs: the partner's name and
// organization, and the partner's address when they chose to share it.
func introduce(t *Tandem) {
	for _, side := range t.Parties() {
		args := map[string]any{"partner": side.Partner, "partnerOrg": side.PartnerOrg, "intro": "private"}
		if side.PartnerContact != "" {
			args["intro"], args["contact"] = "shared", side.PartnerContact
		}
		note(t, side.UserID, notify.Message{ID: introductionID(t.ID, side.Side), Type: notify.TypeTandemRunning, Args: args, Link: "/tandems/" + t.ID})
	}
}

// introductionID is the id of the introduction sent to side.
func introductionID(tandemID, side string) string { return "tandem.running:" + tandemID + ":" + side }

// release gives back a slot after the change that frees it is stored; a
// failure is logged, and the sweep's ReconcileSlots lowers the count to the
// tandems that hold it once it has stood for slot.Grace.
func (s *Service) release(ctx context.Context, key string) {
	if err := s.slots.Release(ctx, key); err != nil {
		s.log.Error("slot not released", "slot", key, "err", err)
	}
}

// releaseSlots gives back the two slots a tandem holds: its mentor's in the
// program and its request's.
func (s *Service) releaseSlots(ctx context.Context, t *Tandem) {
	s.release(ctx, mentorSlot(t.MentorProfileID, t.ProgramID))
	s.release(ctx, requestSlot(t.RequestID))
}

// ReconcileSlots brings every slot count to the proposed and running tandems
// that hold it (slot.Counts.Reconcile: raised at once, lowered after
// slot.Grace). It returns how many counts it changed. Idempotent; run it
// from the sweep.
func (s *Service) ReconcileSlots(ctx context.Context) (int, error) {
	ts, err := s.store.allTandems(ctx)
	if err != nil {
		return 0, err
	}
	want := map[string]int{}
	for i := range ts {
		if t := &ts[i]; t.Status == TandemProposed || t.Status == TandemActive {
			want[mentorSlot(t.MentorProfileID, t.ProgramID)]++
			want[requestSlot(t.RequestID)]++
		}
	}
	changed, err := s.slots.Reconcile(ctx, want, s.now().UTC())
	for _, c := range changed {
		s.log.Warn("slot count brought to its tandems", "slot", c.Key, "was", c.Was, "now", c.Is)
	}
	return len(changed), err
}
