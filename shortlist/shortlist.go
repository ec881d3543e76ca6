// Package shortlist lets curators shortlist mentors for an executive's
// request and the executive choose: curators of the request's program put
// 2–5 approved mentors on it, each with a note on why (every hard rule is
// checked when the list is saved and again when it is sent); the executive
// sees each candidate's public card and the note and picks one, which makes
// a proposed tandem they have accepted already (package tandem, PickTandem);
// the mentor answers as to any proposal, and after a decline the executive
// may pick the next candidate. Capacity is reserved at the pick, not while
// shortlisted, and a mentor never learns they were shortlisted unless
// picked. It sits above tandem, as assignment does, and stores only the
// lists (collection shortlists, one per request, under the request's id).
package shortlist

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/tandem"
)

// Limits of a shortlist.
const (
	MinCandidates = 2
	MaxCandidates = 5
	NoteMax       = 500
)

// Candidate is a mentor on a shortlist with the curators' note on why.
type Candidate struct {
	MentorProfileID string `bson:"mentorProfileId" json:"mentorProfileId"`
	Note            string `bson:"note" json:"note"`
}

// Pick is an executive's choice from their shortlist: the tandem it made.
type Pick struct {
	MentorProfileID string    `bson:"mentorProfileId" json:"mentorProfileId"`
	TandemID        string    `bson:"tandemId" json:"tandemId"`
	At              time.Time `bson:"at" json:"at"`
}

// More is an executive's wish for other candidates.
type More struct {
	Reason string    `bson:"reason" json:"reason"`
	At     time.Time `bson:"at" json:"at"`
}

// Comment is a curator's remark on a shortlist, for co-curators only.
type Comment struct {
	AuthorID   string    `bson:"authorId" json:"-"`
	AuthorName string    `bson:"authorName" json:"authorName"`
	Text       string    `bson:"text" json:"text"`
	At         time.Time `bson:"at" json:"at"`
}

// Limits of comments.
const (
	CommentMax  = 1000
	MaxComments = 200
)

// Shortlist is the curators' list for one request (its id is the
// request's).
type Shortlist struct {
	ID           string      `bson:"_id" json:"id"`
	ProgramID    string      `bson:"programId" json:"program"`
	MenteeUserID string      `bson:"menteeUserId" json:"-"`
	Candidates   []Candidate `bson:"candidates" json:"candidates"`
	SentAt       *time.Time  `bson:"sentAt,omitempty" json:"sentAt,omitempty"`
	Picks        []Pick      `bson:"picks" json:"picks"`
	Comments     []Comment   `bson:"comments" json:"comments"` // the curators' among themselves
	// MoreWanted is the executive asking for other candidates, with why
	// (for the curators only); cleared when the list is sent again.
	MoreWanted *More     `bson:"moreWanted,omitempty" json:"moreWanted,omitempty"`
	Version    int64     `bson:"version" json:"version"`
	UpdatedAt  time.Time `bson:"updatedAt" json:"updatedAt"`
}

// Tandems is what shortlists need of requests and tandems.
type Tandems interface {
	Request(ctx context.Context, p *otm.Principal, id string) (*tandem.MenteeRequest, error)
	RequestIDsOf(ctx context.Context, userID string) ([]string, error)
	CheckPair(ctx context.Context, p *otm.Principal, requestID, profileID string) error
	PickTandem(ctx context.Context, p *otm.Principal, requestID, profileID string) (*tandem.Tandem, error)
	SlotsTaken(ctx context.Context) (tandem.Slots, error)
	MyTandems(ctx context.Context, p *otm.Principal) ([]tandem.Tandem, error)
}

// Service keeps the shortlists.
type Service struct {
	c        *mongo.Collection
	tandems  Tandems
	capacity func(ctx context.Context, programID string) (int, error)
	index    search.Index
	audit    *audit.Log
	inbox    *notify.Service
	now      func() time.Time
}

// New returns the service over db. capacity returns a program's tandems per
// mentor; index gives the candidates' public cards; audit and inbox may be
// nil.
func New(db *mongo.Database, tandems Tandems, capacity func(ctx context.Context, programID string) (int, error), index search.Index,
	log *audit.Log, inbox *notify.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{c: db.Collection("shortlists"), tandems: tandems, capacity: capacity, index: index, audit: log, inbox: inbox, now: now}
}

// Get returns the shortlist of a request for a curator of its program (an
// empty one before the first save). Errors: EUNAUTHORIZED, EFORBIDDEN,
// ENOTFOUND (also for a request of a program they do not curate).
func (s *Service) Get(ctx context.Context, p *otm.Principal, requestID string) (*Shortlist, error) {
	r, err := s.tandems.Request(ctx, p, requestID)
	if err != nil {
		return nil, err
	}
	sl, err := s.load(ctx, r.ID)
	if err != nil || sl != nil {
		return sl, err
	}
	return &Shortlist{ID: r.ID, ProgramID: r.ProgramID, MenteeUserID: r.OwnerID, Candidates: []Candidate{}, Picks: []Pick{}, Comments: []Comment{}}, nil
}

// Put replaces the candidates of a request's shortlist, in order (a curator
// reorders or removes by sending the list as it should be): at most 5
// mentors in the directory (at least 2 to send it), none twice, each with a note of at most 500 characters;
// every hard rule is checked for each (ECONFLICT naming the rule and the
// candidate, as a proposal would). Co-curators of the program share the
// list; version (when not 0) is the one the curator saw, and a list changed
// since is refused (ECONFLICT, rule changed), as is a write that loses a
// race. Every change is audited. Errors: as Get, EINVALID naming
// candidates[i].
func (s *Service) Put(ctx context.Context, p *otm.Principal, requestID string, cands []Candidate, version int64) (*Shortlist, error) {
	sl, err := s.Get(ctx, p, requestID)
	if err != nil {
		return nil, err
	}
	if version != 0 && version != sl.Version {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleChanged, otm.Args{"version": sl.Version}, "The shortlist was changed meanwhile; reload it.")
	}
	if cands, err = s.clean(ctx, p, sl.ID, cands); err != nil {
		return nil, err
	}
	sl.Candidates, sl.Version, sl.UpdatedAt = cands, sl.Version+1, s.now().UTC()
	if err := s.store(ctx, sl); err != nil {
		return nil, err
	}
	s.record(ctx, p, "shortlist.update", sl, "")
	return sl, nil
}

// clean checks a list of candidates and returns it trimmed.
func (s *Service) clean(ctx context.Context, p *otm.Principal, requestID string, cands []Candidate) ([]Candidate, error) {
	var fe otm.Problems
	if len(cands) > MaxCandidates {
		fe.Add("candidates", otm.RuleMaxItems, otm.Args{"max": MaxCandidates}, "at most %d mentors", MaxCandidates)
	}
	out := make([]Candidate, 0, len(cands))
	seen := map[string]bool{}
	for i, c := range cands {
		c.MentorProfileID, c.Note = strings.TrimSpace(c.MentorProfileID), strings.TrimSpace(c.Note)
		field := "candidates[" + strconv.Itoa(i) + "]"
		switch {
		case c.MentorProfileID == "":
			fe.Add(field+".mentorProfileId", otm.RuleRequired, nil, "required")
		case seen[c.MentorProfileID]:
			fe.Add(field+".mentorProfileId", otm.RuleDuplicate, nil, "listed twice")
		}
		if utf8.RuneCountInString(c.Note) > NoteMax || check.HasControl(c.Note, true) {
			fe.Add(field+".note", otm.RuleMaxLength, otm.Args{"max": NoteMax}, "at most %d characters", NoteMax)
		}
		seen[c.MentorProfileID] = true
		out = append(out, c)
	}
	if err := fe.Err("The shortlist is not valid."); err != nil {
		return nil, err
	}
	for i, c := range out {
		if err := s.tandems.CheckPair(ctx, p, requestID, c.MentorProfileID); err != nil {
			return nil, onCandidate(err, i)
		}
	}
	return out, nil
}

// onCandidate names candidate i as the field of a refusal about a mentor.
func onCandidate(err error, i int) error {
	var e *otm.Error
	if !errors.As(err, &e) || (e.Code != otm.ECONFLICT && e.Code != otm.EINVALID) {
		return err
	}
	out := *e
	out.Fields = nil
	for _, f := range e.Fields {
		if f.Field == "mentorProfileId" {
			f.Field = "candidates[" + strconv.Itoa(i) + "].mentorProfileId"
		}
		out.Fields = append(out.Fields, f)
	}
	return &out
}

// Comment adds a curator's remark to a request's shortlist, for the
// program's co-curators (the executive never sees comments). Errors: as Get;
// EINVALID naming text; ECONFLICT (rule max_comments) past MaxComments.
func (s *Service) Comment(ctx context.Context, p *otm.Principal, requestID, text string) (*Shortlist, error) {
	sl, err := s.Get(ctx, p, requestID)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return nil, otm.Invalid("Write a comment.", otm.Field("text", otm.RuleRequired, nil, "required"))
	case n > CommentMax || check.HasControl(text, true):
		return nil, otm.Invalid("The comment is not valid.", otm.Field("text", otm.RuleMaxLength, otm.Args{"max": CommentMax}, "at most %d characters", CommentMax))
	case len(sl.Comments) >= MaxComments:
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleMaxComments, otm.Args{"max": MaxComments}, "This shortlist has %d comments, the most it keeps.", MaxComments)
	}
	now := s.now().UTC()
	sl.Comments = append(sl.Comments, Comment{AuthorID: p.UserID, AuthorName: p.Name, Text: text, At: now})
	sl.Version, sl.UpdatedAt = sl.Version+1, now
	if err := s.store(ctx, sl); err != nil {
		return nil, err
	}
	s.record(ctx, p, "shortlist.comment", sl, "")
	return sl, nil
}

// Send shows the shortlist to the executive, after checking every candidate
// again (the rules may have changed since it was saved). Sending again after
// a change is allowed. Errors: as Put; ECONFLICT (rule status) for a list
// with fewer than two candidates.
func (s *Service) Send(ctx context.Context, p *otm.Principal, requestID string) (*Shortlist, error) {
	sl, err := s.Get(ctx, p, requestID)
	if err != nil {
		return nil, err
	}
	if len(sl.Candidates) < MinCandidates {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleStatus, otm.Args{"status": "incomplete"}, "Add at least %d mentors before sending the shortlist.", MinCandidates)
	}
	for i, c := range sl.Candidates {
		if err := s.tandems.CheckPair(ctx, p, sl.ID, c.MentorProfileID); err != nil {
			return nil, onCandidate(err, i)
		}
	}
	now := s.now().UTC()
	sl.SentAt, sl.Version, sl.UpdatedAt, sl.MoreWanted = &now, sl.Version+1, now, nil
	if err := s.store(ctx, sl); err != nil {
		return nil, err
	}
	s.record(ctx, p, "shortlist.send", sl, "")
	if s.inbox != nil {
		m := notify.Message{ID: "shortlist.sent:" + sl.ID + ":" + strconv.Itoa(int(sl.Version)), Type: notify.TypeShortlistSent,
			Args: map[string]any{"count": len(sl.Candidates)}, Link: "/shortlists"}
		if err := s.inbox.Send(ctx, sl.MenteeUserID, m); err != nil {
			return sl, err
		}
	}
	return sl, nil
}

// Offer is a sent shortlist as its executive sees it.
type Offer struct {
	ID         string       `json:"id"`
	RequestID  string       `json:"requestId"`
	Program    string       `json:"program"`
	Candidates []OfferEntry `json:"candidates"`
	// Open is the tandem picked from it that the mentor has not answered
	// yet or that runs ("" for none): while there is one, no other pick.
	Open string `json:"openTandemId,omitempty"`
	// AskedForMore: the executive asked for other candidates since it was
	// sent (their reason is the curators').
	AskedForMore bool `json:"askedForMore"`
}

// OfferEntry is a candidate's public card with the curators' note, and
// whether they can be picked now.
type OfferEntry struct {
	MentorProfileID string `json:"mentorProfileId"`
	Name            string `json:"name"`
	Headline        string `json:"headline"`
	Organization    string `json:"organization"`
	Picture         string `json:"picture,omitempty"`
	Note            string `json:"note"`
	Available       bool   `json:"available"`
	Picked          bool   `json:"picked"` // picked before (declined or ended)
}

// Mine returns the executive's sent shortlists, newest first: each
// candidate's public card (nothing else of anyone), the note, and whether
// they are available (still in the directory, with room left in the program
// and not picked before). Errors: EUNAUTHORIZED.
func (s *Service) Mine(ctx context.Context, p *otm.Principal) ([]Offer, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	ids, err := s.tandems.RequestIDsOf(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	taken, err := s.tandems.SlotsTaken(ctx)
	if err != nil {
		return nil, err
	}
	mine, err := s.tandems.MyTandems(ctx, p)
	if err != nil {
		return nil, err
	}
	out := []Offer{}
	for _, id := range ids {
		sl, err := s.load(ctx, id)
		if err != nil {
			return nil, err
		}
		if sl == nil || sl.SentAt == nil || sl.MenteeUserID != p.UserID {
			continue
		}
		o, err := s.offer(ctx, sl, taken, mine)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// offer is sl as its executive sees it.
func (s *Service) offer(ctx context.Context, sl *Shortlist, taken tandem.Slots, mine []tandem.Tandem) (Offer, error) {
	o := Offer{ID: sl.ID, RequestID: sl.ID, Program: sl.ProgramID, Candidates: []OfferEntry{}, AskedForMore: sl.MoreWanted != nil}
	for _, t := range mine {
		if t.RequestID == sl.ID && (t.Status == tandem.TandemProposed || t.Status == tandem.TandemActive) {
			o.Open = t.ID
		}
	}
	capacity, err := s.capacity(ctx, sl.ProgramID)
	if err != nil {
		return o, err
	}
	for _, c := range sl.Candidates {
		e := OfferEntry{MentorProfileID: c.MentorProfileID, Note: c.Note,
			Picked: slices.ContainsFunc(sl.Picks, func(pk Pick) bool { return pk.MentorProfileID == c.MentorProfileID })}
		d, err := s.index.Get(ctx, c.MentorProfileID)
		switch {
		case otm.ErrorCode(err) == otm.ENOTFOUND:
			// left the directory: shown without a card, not available
		case err != nil:
			return o, err
		default:
			e.Name, e.Headline, e.Organization, e.Picture = d.Name, d.Headline, d.Organization, d.Picture
			e.Available = !e.Picked && o.Open == "" && taken.Mentor(c.MentorProfileID, sl.ProgramID) < max(capacity, 1)
		}
		o.Candidates = append(o.Candidates, e)
	}
	return o, nil
}

// Pick is the executive choosing a candidate from their sent shortlist: a
// proposed tandem they have accepted, for the mentor to answer. After a
// decline they may pick again, while rules and capacity allow it. Errors:
// EUNAUTHORIZED, ENOTFOUND (no sent shortlist of theirs with this id),
// EINVALID naming mentorProfileId (not on it, or picked before), ECONFLICT
// naming the rule (capacity, one tandem per request, a hard rule, the phase).
func (s *Service) Pick(ctx context.Context, p *otm.Principal, id, profileID string) (*tandem.Tandem, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	sl, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if sl == nil || sl.SentAt == nil || sl.MenteeUserID != p.UserID {
		return nil, otm.Errorf(otm.ENOTFOUND, "Shortlist not found.")
	}
	if !slices.ContainsFunc(sl.Candidates, func(c Candidate) bool { return c.MentorProfileID == profileID }) {
		return nil, otm.Invalid("Pick a mentor from the shortlist.", otm.Field("mentorProfileId", otm.RuleUnknown, nil, "not on this shortlist"))
	}
	if slices.ContainsFunc(sl.Picks, func(pk Pick) bool { return pk.MentorProfileID == profileID }) {
		return nil, otm.Invalid("You picked this mentor before.", otm.Field("mentorProfileId", otm.RuleDuplicate, nil, "picked before"))
	}
	t, err := s.tandems.PickTandem(ctx, p, sl.ID, profileID)
	if err != nil {
		return nil, err
	}
	pick := Pick{MentorProfileID: profileID, TandemID: t.ID, At: s.now().UTC()}
	if _, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: sl.ID}},
		bson.D{{Key: "$push", Value: bson.D{{Key: "picks", Value: pick}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}); err != nil {
		return t, mongostore.MapErr(err, "shortlist", "Shortlist")
	}
	sl.Picks = append(sl.Picks, pick)
	s.record(ctx, p, "shortlist.pick", sl, profileID)
	return t, nil
}

// Forget deletes the shortlists of the requests (an erased executive's, a
// cohort past its retention), takes the person's mentor profile off every
// other list, and writes pseudonym for them where they commented as a
// curator (userID "" for none). Idempotent.
func (s *Service) Forget(ctx context.Context, requestIDs []string, mentorProfileID, userID, pseudonym string) error {
	for _, id := range requestIDs {
		if _, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
			return mongostore.MapErr(err, "shortlist", "Shortlist")
		}
	}
	if mentorProfileID == "" && userID == "" {
		return nil
	}
	// The lists are few (one per request): read them all and rewrite the
	// ones naming the person (the embedded database's $pull takes no
	// conditions).
	all, err := mongostore.FindAll[Shortlist](ctx, s.c, "shortlist", "Shortlists", bson.D{})
	if err != nil {
		return err
	}
	for i := range all {
		sl := &all[i]
		n := len(sl.Candidates)
		sl.Candidates = slices.DeleteFunc(sl.Candidates, func(c Candidate) bool { return c.MentorProfileID == mentorProfileID })
		changed := len(sl.Candidates) != n
		for j := range sl.Comments {
			if userID != "" && sl.Comments[j].AuthorID == userID {
				sl.Comments[j].AuthorID, sl.Comments[j].AuthorName, changed = pseudonym, pseudonym, true
			}
		}
		if !changed {
			continue
		}
		sl.Version++
		if err := s.store(ctx, sl); err != nil {
			return err
		}
	}
	return nil
}

// Funnel counts a program's shortlists for its dashboard: requests with a
// shortlist (at least one candidate), sent to the executive, with a pick,
// and with a picked tandem that ran (active reports whether a tandem did).
type Funnel struct {
	Shortlisted int `json:"shortlisted"`
	Sent        int `json:"sent"`
	Picked      int `json:"picked"`
	Accepted    int `json:"accepted"`
}

// FunnelOf counts the shortlists of a program (a scan of the few lists).
func (s *Service) FunnelOf(ctx context.Context, programID string, active func(tandemID string) bool) (Funnel, error) {
	var f Funnel
	lists, err := mongostore.FindAll[Shortlist](ctx, s.c, "shortlist", "Shortlists", bson.D{{Key: "programId", Value: programID}})
	if err != nil {
		return f, err
	}
	for _, sl := range lists {
		if len(sl.Candidates) > 0 || len(sl.Picks) > 0 {
			f.Shortlisted++
		}
		if sl.SentAt != nil {
			f.Sent++
		}
		if len(sl.Picks) > 0 {
			f.Picked++
		}
		if slices.ContainsFunc(sl.Picks, func(pk Pick) bool { return active(pk.TandemID) }) {
			f.Accepted++
		}
	}
	return f, nil
}

// AskForMore is the executive asking the curators for other candidates,
// with a reason only the curators read (1–1000 characters). Errors:
// EUNAUTHORIZED, ENOTFOUND (no sent shortlist of theirs), EINVALID naming
// reason.
func (s *Service) AskForMore(ctx context.Context, p *otm.Principal, id, reason string) error {
	if err := otm.RequireSignedIn(p); err != nil {
		return err
	}
	sl, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	if sl == nil || sl.SentAt == nil || sl.MenteeUserID != p.UserID {
		return otm.Errorf(otm.ENOTFOUND, "Shortlist not found.")
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n == 0 || n > CommentMax || check.HasControl(reason, true) {
		return otm.Invalid("Say why you would like other mentors.", otm.Field("reason", otm.RuleLength, otm.Args{"min": 1, "max": CommentMax}, "1 to %d characters", CommentMax))
	}
	now := s.now().UTC()
	sl.MoreWanted, sl.Version, sl.UpdatedAt = &More{Reason: reason, At: now}, sl.Version+1, now
	if err := s.store(ctx, sl); err != nil {
		return err
	}
	s.record(ctx, p, "shortlist.more", sl, "")
	return nil
}

// ForgetProgram deletes a program's shortlists (its retention is over).
func (s *Service) ForgetProgram(ctx context.Context, programID string) error {
	_, err := s.c.DeleteMany(ctx, bson.D{{Key: "programId", Value: programID}})
	return mongostore.MapErr(err, "shortlist", "Shortlist")
}

func (s *Service) load(ctx context.Context, id string) (*Shortlist, error) {
	sl, err := mongostore.FindByID[Shortlist](ctx, s.c, id)
	if sl != nil && sl.Comments == nil {
		sl.Comments = []Comment{}
	}
	return sl, mongostore.MapErr(err, "shortlist", "Shortlist")
}

// store writes sl (its Version already one past what was read) if nobody
// changed it meanwhile: ECONFLICT (rule changed) else, so that two curators
// editing at once lose nothing silently.
func (s *Service) store(ctx context.Context, sl *Shortlist) error {
	if sl.Picks == nil {
		sl.Picks = []Pick{}
	}
	if sl.Comments == nil {
		sl.Comments = []Comment{}
	}
	if sl.Version == 1 {
		_, err := s.c.InsertOne(ctx, sl)
		if mongostore.IsDuplicateKey(err) {
			return changed(sl)
		}
		return mongostore.MapErr(err, "shortlist", "Shortlist")
	}
	// The lists are few: the version in the filter costs little.
	res, err := s.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: sl.ID}, {Key: "version", Value: sl.Version - 1}}, sl)
	if err != nil {
		return mongostore.MapErr(err, "shortlist", "Shortlist")
	}
	if res.MatchedCount == 0 {
		return changed(sl)
	}
	return nil
}

// changed is the refusal of a write that lost to another.
func changed(sl *Shortlist) error {
	return otm.Refuse(otm.ECONFLICT, otm.RuleChanged, otm.Args{"version": sl.Version - 1}, "The shortlist was changed meanwhile; reload it.")
}

// record audits a change of a shortlist: who, which request, how many
// candidates (and whom an executive picked).
func (s *Service) record(ctx context.Context, p *otm.Principal, action string, sl *Shortlist, picked string) {
	if s.audit == nil {
		return
	}
	details := strconv.Itoa(len(sl.Candidates)) + " candidates"
	if picked != "" {
		details = "picked " + picked
	}
	_ = s.audit.Record(ctx, audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: action, SubjectType: "mentee_request",
		SubjectID: sl.ID, SubjectUserID: sl.MenteeUserID, ProgramID: sl.ProgramID, Details: details})
}
