// Package profile owns #OpenToMentor applications (mentor profiles) and their
// review: the profile and its life cycle with revisions, the topic
// vocabulary, curator decisions and comments, who may see which field, and
// the outbox that keeps the search index in step (IndexSource).
package profile

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/organization"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/search"
)

// Directory is what the service needs to know of people and organizations.
type Directory interface {
	User(ctx context.Context, id string) (*identity.User, error)
	Organization(ctx context.Context, id string) (*organization.Organization, error)
}

// Notifier is told when a profile changed, so the index catches up at once.
type Notifier interface{ Notify() }

// Inbox is where the applicant is told of decisions and curators of
// applications.
type Inbox interface{ notify.Deliverer }

// Staff finds the people who hold a role (the curators to tell of a new
// application).
type Staff interface {
	RoleHolders(ctx context.Context, role string) ([]string, error)
}

// Roles is told when a person starts or stops being a mentor: holding an
// approved, public application is what makes one.
type Roles interface {
	SetActivityRole(ctx context.Context, userID, role string, held bool, why string) error
}

// Config wires the service.
type Config struct {
	Directory Directory
	Audit     *audit.Log
	Index     search.Index // for removing withdrawn profiles at once; may be nil
	Notifier  Notifier     // may be nil
	Roles     Roles        // may be nil: nobody's roles follow their application
	Inbox     Inbox        // may be nil: applicants are not told
	Staff     Staff        // may be nil: curators are not told of new applications
	Logger    *slog.Logger
	Now       func() time.Time
	// CacheProfiles keeps profiles in memory, written through on every change.
	// Only coherent with one process: the embedded mode.
	CacheProfiles bool
}

// Service runs applications and their review.
type Service struct {
	store  *mongoStore
	topics topicCache
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
}

// NewService returns the service over db. Call Init before use.
func NewService(db *mongo.Database, cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	st := newMongoStore(db)
	st.cacheOn = cfg.CacheProfiles
	st.ver = mongostore.NewVersioned(cfg.CacheProfiles)
	return &Service{store: st, cfg: cfg, log: cfg.Logger, now: cfg.Now}
}

// Init creates indexes, seeds the topic vocabulary and loads it.
func (s *Service) Init(ctx context.Context) error {
	if err := s.store.ensureIndexes(ctx); err != nil {
		return err
	}
	if err := s.store.seedTopics(ctx, DefaultTopics); err != nil {
		return err
	}
	return s.loadTopics(ctx)
}

// SetNotifier sets who is told about changes (the indexer, created later).
func (s *Service) SetNotifier(n Notifier) { s.cfg.Notifier = n }

func (s *Service) notify() {
	if s.cfg.Notifier != nil {
		s.cfg.Notifier.Notify()
	}
}

// requireSignedIn returns EUNAUTHORIZED for visitors.
func requireSignedIn(p *otm.Principal) error {
	if p == nil {
		return otm.Errorf(otm.EUNAUTHORIZED, "Sign in first.")
	}
	return nil
}

func requireCurator(p *otm.Principal) error {
	if err := requireSignedIn(p); err != nil {
		return err
	}
	return otm.RequireRole(p, "Only curators may review applications.", otm.RoleCurator, otm.RoleAdmin)
}

// MyProfile returns the caller's own application. Errors: EUNAUTHORIZED,
// ENOTFOUND when they have none yet.
func (s *Service) MyProfile(ctx context.Context, p *otm.Principal) (*Profile, error) {
	if err := requireSignedIn(p); err != nil {
		return nil, err
	}
	return s.store.get(ctx, ProfileIDFor(p.UserID))
}

// SaveProfile creates or edits the caller's application. A first save makes a
// draft; an edit of a published profile is a revision that goes to review at
// once (the published version stays public until it is approved), so it must
// be complete. Errors: EUNAUTHORIZED, EINVALID naming fields, ECONFLICT when
// the profile changed meanwhile.
func (s *Service) SaveProfile(ctx context.Context, p *otm.Principal, c Content) (*Profile, error) {
	if err := requireSignedIn(p); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	cur, err := s.store.get(ctx, ProfileIDFor(p.UserID))
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		if err := s.clean(&c, false); err != nil {
			return nil, err
		}
		np := &Profile{ID: ProfileIDFor(p.UserID), OwnerID: p.UserID, Status: StatusDraft, Draft: c,
			Comments: []Comment{}, Version: 1, CreatedAt: now, UpdatedAt: now}
		s.fillOwner(ctx, np, p)
		if err := s.store.insert(ctx, np); err != nil {
			return nil, err
		}
		return np, nil
	} else if err != nil {
		return nil, err
	}
	next, err := Next(cur, ActEdit)
	if err != nil {
		return nil, err
	}
	if err := s.clean(&c, next == StatusSubmitted); err != nil {
		return nil, err
	}
	upd := *cur
	// Privacy first: what the owner hides from the published version is
	// hidden at once; only what they show more of waits for review. An edit
	// that only hides is no revision at all.
	if cur.Published != nil {
		if pub, narrowed := narrow(*cur.Published, c); narrowed {
			upd.Published = &pub
			if cur.Status == StatusApproved && sameContent(c, pub) {
				next = StatusApproved
			}
		}
	}
	upd.Draft, upd.Status, upd.UpdatedAt = c, next, now
	s.fillOwner(ctx, &upd, p)
	if next == StatusSubmitted && cur.Status != StatusSubmitted {
		upd.SubmittedAt = &now
	}
	if err := s.store.replace(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	if next == StatusSubmitted && cur.Status != StatusSubmitted {
		s.record(ctx, p, audit.ActionApplicationSubmit, &upd, "", "revision of a published profile")
	}
	s.afterChange(ctx, &upd)
	return &upd, nil
}

// visibilityRank orders visibilities from the widest audience down.
var visibilityRank = map[string]int{VisPublic: 3, VisExecutives: 2, VisCurators: 1}

// narrow returns pub with what next shows to fewer people than pub does
// (field visibilities, the picture), and whether that changed anything.
func narrow(pub, next Content) (Content, bool) {
	out, changed := copyContent(pub), false
	for _, f := range []struct {
		cur  *string
		want string
	}{
		{&out.Visibility.Interests, next.Visibility.Interests},
		{&out.Visibility.Availability, next.Visibility.Availability},
		{&out.Visibility.LinkedInURL, next.Visibility.LinkedInURL},
		{&out.Visibility.Photo, next.Visibility.Photo},
	} {
		if visibilityRank[f.want] < visibilityRank[*f.cur] {
			*f.cur, changed = f.want, true
		}
	}
	if out.ShowPicture && !next.ShowPicture {
		out.ShowPicture, changed = false, true
	}
	return out, changed
}

// sameContent reports whether a and b say the same.
func sameContent(a, b Content) bool {
	return a.Headline == b.Headline && a.Bio == b.Bio && slices.Equal(a.Topics, b.Topics) && slices.Equal(a.Skills, b.Skills) &&
		slices.Equal(a.Languages, b.Languages) && a.Country == b.Country && a.Availability == b.Availability &&
		slices.Equal(a.Interests, b.Interests) && a.LinkedInURL == b.LinkedInURL && a.ShowPicture == b.ShowPicture && a.Visibility == b.Visibility
}

// fillOwner copies the owner's public identity onto the profile: name and
// organization as the identity provider vouches for them.
func (s *Service) fillOwner(ctx context.Context, pr *Profile, p *otm.Principal) {
	pr.Name, pr.Email = p.Name, p.Email
	pr.OrgID, pr.OrgName, pr.OrgVerified, pr.Industry = p.Organization, p.OrgName, p.OrgVerified, ""
	if s.cfg.Directory == nil {
		return
	}
	if p.Organization != "" {
		if o, err := s.cfg.Directory.Organization(ctx, p.Organization); err == nil {
			pr.OrgName, pr.Industry = o.Name, o.Industry
		}
	}
	if u, err := s.cfg.Directory.User(ctx, p.UserID); err == nil {
		pr.Picture = u.Picture
	}
}

// SubmitProfile sends the caller's application to review. Errors:
// EUNAUTHORIZED, ENOTFOUND, EINVALID (incomplete, naming fields), ECONFLICT.
func (s *Service) SubmitProfile(ctx context.Context, p *otm.Principal) (*Profile, error) {
	cur, err := s.MyProfile(ctx, p)
	if err != nil {
		return nil, err
	}
	next, err := Next(cur, ActSubmit)
	if err != nil {
		return nil, err
	}
	upd := *cur
	if err := s.clean(&upd.Draft, true); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	upd.Status, upd.UpdatedAt, upd.SubmittedAt = next, now, &now
	upd.Notes = slices.Clone(cur.Notes)
	s.noteCurators(ctx, &upd, cur.Version+1)
	if err := s.store.replace(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.record(ctx, p, audit.ActionApplicationSubmit, &upd, "", "")
	s.deliver(ctx, &upd)
	s.afterChange(ctx, &upd)
	return &upd, nil
}

// WithdrawProfile takes the caller's application out of review and the
// directory at once. Errors: EUNAUTHORIZED, ENOTFOUND, ECONFLICT.
func (s *Service) WithdrawProfile(ctx context.Context, p *otm.Principal) (*Profile, error) {
	cur, err := s.MyProfile(ctx, p)
	if err != nil {
		return nil, err
	}
	next, err := Next(cur, ActWithdraw)
	if err != nil {
		return nil, err
	}
	upd := *cur
	upd.Status, upd.Published, upd.PublishedAt, upd.UpdatedAt = next, nil, nil, s.now().UTC()
	if err := s.store.replace(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.record(ctx, p, audit.ActionApplicationWithdraw, &upd, "", "")
	s.followRole(ctx, cur, &upd, audit.WhyApplicationWithdrawn)
	s.afterChange(ctx, &upd)
	return &upd, nil
}

// SetPaused pauses or resumes the caller's availability for new tandems. It
// needs no review: a paused mentor leaves the directory until they resume.
// Errors: EUNAUTHORIZED, ENOTFOUND, ECONFLICT.
func (s *Service) SetPaused(ctx context.Context, p *otm.Principal, paused bool) (*Profile, error) {
	cur, err := s.MyProfile(ctx, p)
	if err != nil {
		return nil, err
	}
	upd := *cur
	upd.Draft.Availability.Paused = paused
	if cur.Published != nil {
		pub := copyContent(*cur.Published)
		pub.Availability.Paused = paused
		upd.Published = &pub
	}
	upd.UpdatedAt = s.now().UTC()
	if err := s.store.replace(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.afterChange(ctx, &upd)
	return &upd, nil
}

// followRole gives the owner the mentor role when their application became
// public, and takes it when it stopped being public. A failure is logged: the
// change of the application stands, and the next change follows again.
func (s *Service) followRole(ctx context.Context, before, after *Profile, why string) {
	if s.cfg.Roles == nil || before.Public() == after.Public() {
		return
	}
	if err := s.cfg.Roles.SetActivityRole(ctx, after.OwnerID, otm.RoleMentor, after.Public(), why); err != nil {
		s.log.Error("mentor role not updated", "user", after.OwnerID, "public", after.Public(), "err", err)
	}
}

// afterChange brings the search index up to date: a profile that is no longer
// public is removed at once; everything else is left to the indexer, which
// also retries the removal if it failed here.
func (s *Service) afterChange(ctx context.Context, pr *Profile) {
	if Document(pr) == nil && s.cfg.Index != nil {
		// The outbox entry stays: the indexer applies the same state again, so a
		// sync that read the older public version cannot leave it behind.
		if err := s.cfg.Index.Delete(ctx, pr.ID); err != nil {
			s.log.Warn("search index delete failed; the indexer will retry", "profile", pr.ID, "err", err)
		}
	}
	s.notify()
}

// Decisions a curator can take.
const (
	DecisionApprove        = "approve"
	DecisionReject         = "reject"
	DecisionRequestChanges = "request_changes"
)

// Decide records a curator's decision on an application under review. A reason
// is required to reject or request changes and is shown to the applicant. Two
// curators deciding at once cannot both win: the update is conditional on the
// version the curator saw (version 0: the current one). Errors: EUNAUTHORIZED,
// EFORBIDDEN (not a curator, or their own application), ENOTFOUND, EINVALID,
// ECONFLICT.
func (s *Service) Decide(ctx context.Context, p *otm.Principal, id, decision, reason string, version int64) (*Profile, error) {
	if err := requireCurator(p); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	action := map[string]string{DecisionApprove: ActApprove, DecisionReject: ActReject, DecisionRequestChanges: ActRequestChanges}[decision]
	var fe otm.Problems
	if action == "" {
		check.OneOf(&fe, "decision", decision, DecisionApprove, DecisionReject, DecisionRequestChanges)
	}
	if n := utf8.RuneCountInString(reason); n > ReasonMax {
		fe.Add("reason", otm.RuleMaxLength, otm.Args{"max": ReasonMax, "length": n}, "at most %d characters", ReasonMax)
	} else if n < ReasonMin && (decision == DecisionReject || decision == DecisionRequestChanges) {
		fe.Add("reason", otm.RuleMinLength, otm.Args{"min": ReasonMin}, "say why (at least %d characters): the applicant sees it", ReasonMin)
	}
	if err := fe.Err("The decision is not valid."); err != nil {
		return nil, err
	}
	cur, err := s.store.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if cur.OwnerID == p.UserID {
		return nil, otm.Refuse(otm.EFORBIDDEN, otm.RuleOwnApplication, nil, "You cannot decide on your own application.")
	}
	if version != 0 && version != cur.Version {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleChanged, otm.Args{"version": cur.Version}, "The application changed while you were looking at it. Reload it and decide again.")
	}
	next, err := Next(cur, action)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	upd := *cur
	upd.Status, upd.UpdatedAt = next, now
	upd.Decision = &Decision{Decision: decision, Reason: reason, CuratorID: p.UserID, CuratorName: p.Name, At: now}
	if action == ActApprove {
		pub := upd.Draft
		pub.Topics, pub.Skills, pub.Languages, pub.Interests = cloneS(pub.Topics), cloneS(pub.Skills), cloneS(pub.Languages), cloneS(pub.Interests)
		upd.Published = &pub
		if upd.PublishedAt == nil {
			upd.PublishedAt = &now
		}
	}
	upd.Notes = append(slices.Clone(cur.Notes), notify.Note{To: upd.OwnerID, Msg: notify.Message{
		ID: fmt.Sprintf("application.decided:%s:%d", upd.ID, cur.Version+1), Type: notify.TypeApplicationDecided,
		Args: map[string]any{"decision": decision, "reason": reason}, Link: "/apply"}})
	if err := s.store.replace(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.recordDecision(ctx, &upd, cur) // application_decisions, for the program reports
	s.record(ctx, p, "application."+decision, &upd, reason, "")
	s.followRole(ctx, cur, &upd, audit.WhyApplicationDecidedPfx+decision)
	s.deliver(ctx, &upd)
	s.afterChange(ctx, &upd)
	return &upd, nil
}

// noteCurators notes for every curator (but the applicant) that pr, at
// version, waits for review.
func (s *Service) noteCurators(ctx context.Context, pr *Profile, version int64) {
	if s.cfg.Inbox == nil || s.cfg.Staff == nil {
		return
	}
	ids, err := s.cfg.Staff.RoleHolders(ctx, otm.RoleCurator)
	if err != nil {
		s.log.Error("curators not told of an application", "profile", pr.ID, "err", err)
		return
	}
	for _, id := range ids {
		if id == pr.OwnerID {
			continue
		}
		pr.Notes = append(pr.Notes, notify.Note{To: id, Msg: notify.Message{ID: fmt.Sprintf("application.submitted:%s:%d", pr.ID, version),
			Type: notify.TypeApplicationSubmitted, Args: map[string]any{"name": pr.Name}, Link: "/curate/" + pr.ID}})
	}
}

// deliver hands pr's notes, after pr was written, to the inbox's courier,
// which sends them and clears them (notify.Service.Soon); a failure leaves
// them for DeliverNotes.
func (s *Service) deliver(ctx context.Context, pr *Profile) {
	if s.cfg.Inbox == nil || len(pr.Notes) == 0 {
		return
	}
	notes, id, version, mark := pr.Notes, pr.ID, pr.Version, pr.mark
	pr.Notes = nil
	s.cfg.Inbox.Soon(ctx, "application "+id, func(ctx context.Context) error {
		return notify.DeliverThenClear(ctx, s.cfg.Inbox, notes, func(ctx context.Context) error { return s.store.clearNotes(ctx, id, version, mark) })
	})
}

// DeliverNotes sends the notes that a crash (or a failing inbox) left on
// applications after their write, and reports how many had some.
// Idempotent: a message id gives one message.
func (s *Service) DeliverNotes(ctx context.Context) (int, error) {
	if s.cfg.Inbox == nil {
		return 0, nil
	}
	return notify.DeliverPending(ctx, s.cfg.Inbox, s.store.pending, func(ctx context.Context, id string) (*Profile, error) {
		s.store.forget(id) // the stored notes, not a cached copy
		return s.store.get(ctx, id)
	}, func(p *Profile) []notify.Note { return p.Notes },
		func(ctx context.Context, p *Profile) error { return s.store.clearNotes(ctx, p.ID, p.Version, 0) })
}

func cloneS(s []string) []string { return append([]string{}, s...) }

// AddComment adds a curator's internal note. Errors: EUNAUTHORIZED,
// EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) AddComment(ctx context.Context, p *otm.Principal, id, text string) (*Profile, error) {
	if err := requireCurator(p); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	var fe otm.Problems
	check.Between(&fe, "text", &text, 1, CommentMax, true)
	if err := fe.Err("The comment is not valid."); err != nil {
		return nil, err
	}
	cur, err := s.store.get(ctx, id)
	if err != nil {
		return nil, err
	}
	// Checked before the push, not in it (a filter beyond _id would read every
	// application on the embedded database): two curators commenting at the
	// same moment may pass the cap by one.
	if len(cur.Comments) >= MaxComments {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleMaxComments, otm.Args{"max": MaxComments},
			"This application has the most comments it can hold (%d).", MaxComments)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	cm := Comment{ID: hex.EncodeToString(b), AuthorID: p.UserID, AuthorName: p.Name, Text: text, At: s.now().UTC()}
	// A comment changes neither the application nor what the index shows, so it
	// does not bump the version: a curator's open decision stays valid.
	upd, err := s.store.addComment(ctx, cur.ID, cm)
	if err != nil {
		return nil, err
	}
	s.record(ctx, p, audit.ActionApplicationComment, upd, "", "")
	return upd, nil
}

// Application returns an application for the reviewers (curators and
// admins): any that was sent to them at least once. A draft never submitted
// is its author's alone and as unknown to them as a missing one. Errors:
// EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Service) Application(ctx context.Context, p *otm.Principal, id string) (*Profile, error) {
	if err := requireCurator(p); err != nil {
		return nil, err
	}
	pr, err := s.store.get(ctx, id)
	if err == nil && pr.SubmittedAt == nil {
		return nil, otm.Errorf(otm.ENOTFOUND, "Application not found.")
	}
	return pr, err
}

// QueueEntry is one application in the curators' queue.
type QueueEntry struct {
	ID          string    `bson:"_id" json:"id"`
	Status      string    `bson:"status" json:"status"`
	Name        string    `bson:"name" json:"name"`
	OrgName     string    `bson:"orgName" json:"organization"`
	Headline    string    `bson:"headline" json:"headline"`
	Revision    bool      `bson:"revision" json:"revision"` // an edit of a published profile
	SubmittedAt time.Time `bson:"submittedAt" json:"submittedAt"`
	Version     int64     `bson:"version" json:"version"`
}

// Queue lists applications with the given status (default submitted), oldest
// first. Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID.
func (s *Service) Queue(ctx context.Context, p *otm.Principal, status string, limit, offset int) ([]QueueEntry, int, error) {
	if err := requireCurator(p); err != nil {
		return nil, 0, err
	}
	if status == "" {
		status = StatusSubmitted
	}
	var fe otm.Problems
	// Drafts are their authors' alone (see Application): no queue of them.
	check.OneOf(&fe, "status", status, slices.DeleteFunc(slices.Clone(Statuses), func(st string) bool { return st == StatusDraft })...)
	check.Paging(&fe, &limit, offset, 50, 200)
	if err := fe.Err("The query is not valid."); err != nil {
		return nil, 0, err
	}
	return s.store.queue(ctx, status, limit, offset)
}

// Document returns what the search index may hold of a profile: its published
// version's public fields, or nil when it is not public.
func Document(pr *Profile) *search.Document {
	if !pr.Public() || pr.Published.Availability.Paused {
		return nil // paused mentors take no new tandems: the directory leaves them out
	}
	c := pr.Published
	d := &search.Document{
		ID: pr.ID, Name: pr.Name, Organization: pr.OrgName, OrgID: pr.OrgID, OrgVerified: pr.OrgVerified, Industry: pr.Industry,
		Headline: c.Headline, Bio: c.Bio, Topics: cloneS(c.Topics), Skills: cloneS(c.Skills),
		Languages: cloneS(c.Languages), Country: c.Country,
	}
	if c.Visibility.Availability == VisPublic {
		d.HoursPerMonth = c.Availability.HoursPerMonth
	}
	if c.Visibility.Interests == VisPublic {
		d.Interests = cloneS(c.Interests)
	}
	// A picture shows with the owner's consent, to whom they chose: the
	// uploaded photo, else the one from their identity provider.
	switch {
	case !c.ShowPicture || c.Visibility.Photo != VisPublic:
	case pr.Photo != "":
		d.Picture = PhotoURL(pr.ID, pr.Photo, PhotoSmall)
	case strings.HasPrefix(pr.Picture, "https://"):
		d.Picture = pr.Picture
	}
	if pr.PublishedAt != nil {
		d.PublishedAt = *pr.PublishedAt
	}
	return d
}

// Restricted is what signed-in executives (and curators) see beyond the public
// card, as the owner allowed it.
type Restricted struct {
	Interests     []string `json:"interests,omitempty"`
	HoursPerMonth int      `json:"hoursPerMonth,omitempty"`
	Paused        bool     `json:"paused"`
	LinkedInURL   string   `json:"linkedinUrl,omitempty"`
	Photo         string   `json:"photo,omitempty"` // the uploaded photo's address (small), when the owner shows it to this viewer
}

// RestrictedView returns the executive-only fields of a public profile for an
// executive or curator; nil for anyone else. Errors: ENOTFOUND when the
// profile is not public.
func (s *Service) RestrictedView(ctx context.Context, p *otm.Principal, id string) (*Restricted, error) {
	if p == nil || !(p.HasRole(otm.RoleMentee) || p.HasRole(otm.RoleCurator) || p.HasRole(otm.RoleAdmin)) {
		return nil, nil
	}
	pr, err := s.store.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !pr.Public() {
		return nil, otm.Errorf(otm.ENOTFOUND, "Mentor not found.")
	}
	c := pr.Published
	curator := p.HasRole(otm.RoleCurator) || p.HasRole(otm.RoleAdmin)
	r := &Restricted{Paused: c.Availability.Paused}
	if c.Visibility.Interests == VisExecutives || c.Visibility.Interests == VisPublic || curator {
		r.Interests = c.Interests
	}
	if c.Visibility.Availability != VisCurators || curator {
		r.HoursPerMonth = c.Availability.HoursPerMonth
	}
	if c.Visibility.LinkedInURL == VisExecutives || curator {
		r.LinkedInURL = c.LinkedInURL
	}
	if pr.Photo != "" && (shownTo(pr, VisExecutives) || curator && c.ShowPicture) {
		r.Photo = PhotoURL(pr.ID, pr.Photo, PhotoSmall)
	}
	return r, nil
}

// Card is a public mentor profile as one viewer sees it: the index's public
// fields, with what the owner showed this viewer (signed-in executives,
// curators) laid over them.
type Card struct {
	search.Document
	Restricted  bool   // the viewer sees more than the public fields
	Paused      bool   // the mentor takes no new tandems for now
	LinkedInURL string // contact the owner showed this viewer; never public
}

// CardFor returns the card of d as p sees it; the one place that says which
// restricted fields a viewer sees (API and pages both show it). Errors: none
// for visitors; ENOTFOUND is not one (a profile that left the directory
// meanwhile shows its public card).
func (s *Service) CardFor(ctx context.Context, p *otm.Principal, d *search.Document) (*Card, error) {
	card := &Card{Document: *d}
	if p == nil {
		return card, nil
	}
	r, err := s.RestrictedView(ctx, p, d.ID)
	if err != nil && otm.ErrorCode(err) != otm.ENOTFOUND {
		return nil, err
	}
	if r == nil {
		return card, nil
	}
	card.Restricted = true
	if r.Interests != nil {
		card.Interests = r.Interests
	}
	if r.HoursPerMonth > 0 {
		card.HoursPerMonth = r.HoursPerMonth
	}
	card.Paused, card.LinkedInURL = r.Paused, r.LinkedInURL
	if r.Photo != "" {
		card.Picture = r.Photo
	}
	return card, nil
}

// record writes an audit entry; a failure is logged, never lost silently.
func (s *Service) record(ctx context.Context, p *otm.Principal, action string, pr *Profile, reason, details string) {
	if s.cfg.Audit == nil {
		return
	}
	e := audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: action, SubjectType: "mentor_profile",
		SubjectID: pr.ID, SubjectUserID: pr.OwnerID, Reason: reason, Details: details}
	if err := s.cfg.Audit.Record(ctx, e); err != nil {
		s.log.Error("audit record failed", "action", action, "profile", pr.ID, "err", err)
	}
}

// EraseUser deletes a person's application everywhere: database, review queue,
// the decisions kept for reports, index outbox and the search index. Errors:
// the first failure; nothing is reported erased unless the index deletion
// succeeded.
func (s *Service) EraseUser(ctx context.Context, userID string) error {
	id := ProfileIDFor(userID)
	if s.cfg.Index != nil {
		if err := s.cfg.Index.Delete(ctx, id); err != nil {
			return otm.Refuse(otm.EUNAVAILABLE, otm.RuleSearchUnavailable, nil, "The search index is unavailable; nothing was deleted. Please try again.")
		}
	}
	if err := s.store.erase(ctx, id); err != nil {
		return err
	}
	if err := s.store.deletePhoto(ctx, id); err != nil {
		return err
	}
	if err := s.store.deleteDecisions(ctx, id); err != nil {
		return err
	}
	s.notify()
	return nil
}

// ForgetActor replaces a deleted curator's id and name by a pseudonym in the
// comments and decisions they left on the given applications.
func (s *Service) ForgetActor(ctx context.Context, userID, pseudonym string, profileIDs []string) error {
	for _, id := range profileIDs {
		if err := s.store.forgetActor(ctx, id, userID, pseudonym); err != nil && otm.ErrorCode(err) != otm.ENOTFOUND {
			return err
		}
	}
	return nil
}

// Lookup returns any application by id, for the other features' own checks
// (a tandem's mentor, an executive's preferred mentors); it checks no access,
// so callers must. Errors: ENOTFOUND.
func (s *Service) Lookup(ctx context.Context, id string) (*Profile, error) {
	return s.store.get(ctx, id)
}

// Emails returns the contact addresses of profiles by id, for the
// line-management rule (fingerprints only; nothing is shown). Unknown ids are
// left out.
func (s *Service) Emails(ctx context.Context, ids []string) (map[string]string, error) {
	return s.store.emailsOf(ctx, ids)
}

// FollowOrganization brings the organization snapshot of every application
// of the organization id in line with an admin's edit: name and industry,
// and no verified badge once the organization is no longer verified. Only
// changed applications are written (and re-indexed). Errors: the database's.
func (s *Service) FollowOrganization(ctx context.Context, id, name, industry string, verified bool) (int, error) {
	return s.rewriteOrganization(ctx, id, func(p *Profile) {
		p.OrgName, p.Industry, p.OrgVerified = name, industry, p.OrgVerified && verified
	})
}

// ReassignOrganization moves every application whose owner belonged to the
// organization fromID to the organization into (an admin merged them): the
// snapshot of id, name, verification and industry, for the directory and the
// conflict rules. The index follows through the outbox. It reads every
// application once (a rare admin action). Errors: the database's.
func (s *Service) ReassignOrganization(ctx context.Context, fromID, intoID, intoName, industry string) (int, error) {
	return s.rewriteOrganization(ctx, fromID, func(p *Profile) {
		p.OrgID, p.OrgName, p.OrgVerified, p.Industry = intoID, intoName, true, industry
	})
}

// rewriteOrganization applies change to every application of the
// organization orgID and writes those it changed.
func (s *Service) rewriteOrganization(ctx context.Context, orgID string, change func(*Profile)) (int, error) {
	var matches []*Profile
	if err := s.store.all(ctx, func(p *Profile) error {
		if p.OrgID == orgID {
			matches = append(matches, p)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, cur := range matches {
		upd := *cur
		change(&upd)
		if upd.OrgID == cur.OrgID && upd.OrgName == cur.OrgName && upd.OrgVerified == cur.OrgVerified && upd.Industry == cur.Industry {
			continue
		}
		if err := s.store.replace(ctx, &upd, cur.Version); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		s.notify()
	}
	return n, nil
}
