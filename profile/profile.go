package profile

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/notify"
)

// Profile statuses.
const (
	StatusDraft            = "draft"
	StatusSubmitted        = "submitted"
	StatusChangesRequested = "changes_requested"
	StatusApproved         = "approved"
	StatusRejected         = "rejected"
	StatusWithdrawn        = "withdrawn"
)

// Field visibilities.
const (
	VisPublic     = "public"     // everyone, also in the search index
	VisExecutives = "executives" // signed-in executives (mentees) and curators
	VisCurators   = "curators"   // curators only
)

// Availability is how much time a mentor offers.
type Availability struct {
	HoursPerMonth int  `bson:"hoursPerMonth" json:"hoursPerMonth"`
	Paused        bool `bson:"paused" json:"paused"` // not taking new tandems for now
}

// Visibility says who may see the fields whose visibility the owner chooses.
// Name, organization, headline, bio, topics, skills, languages and country are
// always public once approved (they are what the application is); contact
// details are never public.
type Visibility struct {
	Interests    string `bson:"interests" json:"interests"`
	Availability string `bson:"availability" json:"availability"`
	LinkedInURL  string `bson:"linkedinUrl" json:"linkedinUrl"` // executives or curators; never public
	Photo        string `bson:"photo,omitempty" json:"photo"`   // the uploaded photo: public, executives (default) or curators
}

// Content is what the owner writes: one version of an application.
type Content struct {
	Headline     string       `bson:"headline" json:"headline"`
	Bio          string       `bson:"bio" json:"bio"`
	Topics       []string     `bson:"topics" json:"topics"`
	Skills       []string     `bson:"skills" json:"skills"`
	Languages    []string     `bson:"languages" json:"languages"`
	Country      string       `bson:"country" json:"country"`
	Availability Availability `bson:"availability" json:"availability"`
	Interests    []string     `bson:"interests" json:"interests"`
	LinkedInURL  string       `bson:"linkedinUrl" json:"linkedinUrl"`
	ShowPicture  bool         `bson:"showPicture" json:"showPicture"` // consent to show the provider's picture
	Visibility   Visibility   `bson:"visibility" json:"visibility"`
}

// Decision is a curator's decision on an application.
type Decision struct {
	Decision    string    `bson:"decision" json:"decision"` // approve | reject | request_changes
	Reason      string    `bson:"reason,omitempty" json:"reason,omitempty"`
	CuratorID   string    `bson:"curatorId" json:"-"`
	CuratorName string    `bson:"curatorName" json:"-"`
	At          time.Time `bson:"at" json:"at"`
}

// Comment is a curator's internal note on an application; never shown to the
// applicant.
type Comment struct {
	ID         string    `bson:"id" json:"id"`
	AuthorID   string    `bson:"authorId" json:"authorId"`
	AuthorName string    `bson:"authorName" json:"authorName"`
	Text       string    `bson:"text" json:"text"`
	At         time.Time `bson:"at" json:"at"`
}

// Profile is a mentor's #OpenToMentor application with its life cycle. Draft is
// the owner's working copy; Published is the approved version the directory
// shows, which stays public while a revision is under review.
type Profile struct {
	ID          string     `bson:"_id"`
	OwnerID     string     `bson:"ownerId"`
	Name        string     `bson:"name"`
	Email       string     `bson:"email"` // contact; curators only
	OrgID       string     `bson:"orgId,omitempty"`
	OrgName     string     `bson:"orgName,omitempty"`
	OrgVerified bool       `bson:"orgVerified"`
	Industry    string     `bson:"industry,omitempty"`
	Picture     string     `bson:"picture,omitempty"`
	Photo       string     `bson:"photoVersion,omitempty"` // the uploaded photo's version ("" for none; shown with ShowPicture, per Visibility.Photo)
	Status      string     `bson:"status"`
	Draft       Content    `bson:"draft"`
	Published   *Content   `bson:"published,omitempty"`
	Decision    *Decision  `bson:"decision,omitempty"`
	Comments    []Comment  `bson:"comments"`
	Version     int64      `bson:"version"`        // bumped by every change
	IndexedVer  int64      `bson:"indexedVersion"` // what the search index has
	CreatedAt   time.Time  `bson:"createdAt"`
	UpdatedAt   time.Time  `bson:"updatedAt"`
	SubmittedAt *time.Time `bson:"submittedAt,omitempty"`
	PublishedAt *time.Time `bson:"publishedAt,omitempty"`
	Demo        bool       `bson:"demo,omitempty"`
	// Notes are the messages the last events owe (written with the event,
	// cleared once delivered; never shown or exported: they name curators).
	Notes []notify.Note `bson:"notes,omitempty" json:"-"`
	// mark is the generation of the pending-notes mark the last write with
	// notes made (mongostore.Pending), for clearing it after delivery.
	mark int64
}

// Public reports whether the directory shows the profile.
func (p *Profile) Public() bool {
	return p.Published != nil && p.Status != StatusWithdrawn && p.Status != StatusRejected
}

// PendingRevision reports whether an edit of a published profile awaits review.
func (p *Profile) PendingRevision() bool {
	return p.Published != nil && (p.Status == StatusSubmitted || p.Status == StatusChangesRequested)
}

// ProfileIDFor derives the profile id from its owner's id: one profile per
// person, found by _id.
func ProfileIDFor(userID string) string {
	return "mp_" + strings.TrimPrefix(userID, "u_")
}

// Statuses lists every profile status.
var Statuses = []string{StatusDraft, StatusSubmitted, StatusChangesRequested, StatusApproved, StatusRejected, StatusWithdrawn}

// Actions on a profile.
const (
	ActEdit           = "edit"
	ActSubmit         = "submit"
	ActWithdraw       = "withdraw"
	ActApprove        = "approve"
	ActRequestChanges = "request_changes"
	ActReject         = "reject"
)

// transitions is the life cycle, in one place: status → action → new status.
// An edit of an approved profile is a revision and goes back to review at once.
var transitions = map[string]map[string]string{
	StatusDraft:            {ActEdit: StatusDraft, ActSubmit: StatusSubmitted},
	StatusSubmitted:        {ActEdit: StatusSubmitted, ActWithdraw: StatusWithdrawn, ActApprove: StatusApproved, ActRequestChanges: StatusChangesRequested, ActReject: StatusRejected},
	StatusChangesRequested: {ActEdit: StatusChangesRequested, ActSubmit: StatusSubmitted, ActWithdraw: StatusWithdrawn},
	StatusApproved:         {ActEdit: StatusSubmitted, ActWithdraw: StatusWithdrawn},
	StatusRejected:         {ActEdit: StatusDraft},
	StatusWithdrawn:        {ActEdit: StatusDraft, ActSubmit: StatusSubmitted},
}

// Next returns the status after action, or ECONFLICT when the life cycle does
// not allow it. A rejected revision of a published profile returns to approved:
// the published version stands.
func Next(p *Profile, action string) (string, error) {
	to, ok := transitions[p.Status][action]
	if !ok {
		return "", otm.Refuse(otm.ECONFLICT, otm.RuleStatus, otm.Args{"status": p.Status, "action": action},
			"An application that is %s cannot be %s.", statusWords[p.Status], actionWords[action])
	}
	if action == ActReject && p.Published != nil {
		return StatusApproved, nil
	}
	return to, nil
}

var statusWords = map[string]string{
	StatusDraft: "a draft", StatusSubmitted: "under review", StatusChangesRequested: "waiting for changes",
	StatusApproved: "published", StatusRejected: "rejected", StatusWithdrawn: "withdrawn",
}

var actionWords = map[string]string{
	ActEdit: "edited", ActSubmit: "submitted", ActWithdraw: "withdrawn", ActApprove: "approved",
	ActRequestChanges: "sent back for changes", ActReject: "rejected",
}

// Limits of the application's fields, and of curators' reasons and comments.
const (
	HeadlineMin, HeadlineMax  = 10, 140
	BioMin, BioMax            = 80, 2000
	MaxTopics                 = 5
	MaxSkills, SkillMax       = 15, 40
	MaxLanguages              = check.MaxLanguages
	MaxInterests, InterestMax = 10, 40
	HoursMin, HoursMax        = 1, 40
	URLMax                    = 200
	ReasonMin, ReasonMax      = 5, 2000
	CommentMax                = 2000
	MaxComments               = 200 // per application: curators discuss, they do not chat
)

// clean trims, normalises and validates c for saving. Saving a draft accepts
// empty fields; complete (for submission) requires everything an application
// needs. It returns EINVALID naming every offending field with its rule.
func (s *Service) clean(c *Content, complete bool) error {
	var fe otm.Problems
	check.Text(&fe, "headline", &c.Headline, HeadlineMin, HeadlineMax, false, complete)
	check.Text(&fe, "bio", &c.Bio, BioMin, BioMax, true, complete)
	c.Topics = s.CheckTopics(&fe, c.Topics, complete)
	check.Tags(&fe, "skills", &c.Skills, MaxSkills, SkillMax)
	check.Tags(&fe, "interests", &c.Interests, MaxInterests, InterestMax)
	c.Languages = check.Languages(&fe, c.Languages, complete)
	c.Country = strings.ToUpper(strings.TrimSpace(c.Country))
	if c.Country != "" && !check.ValidCountry(c.Country) {
		v := check.Truncate(c.Country, 10)
		fe.Add("country", otm.RuleCountryCode, otm.Args{"value": v}, "%q is not an ISO 3166-1 alpha-2 country code", v)
	} else if complete && c.Country == "" {
		fe.Add("country", otm.RuleRequired, nil, "required")
	}
	h := c.Availability.HoursPerMonth
	if (h != 0 || complete) && (h < HoursMin || h > HoursMax) {
		fe.Add("availability.hoursPerMonth", otm.RuleRange, otm.Args{"min": HoursMin, "max": HoursMax},
			"must be between %d and %d hours a month", HoursMin, HoursMax)
	}
	c.LinkedInURL = strings.TrimSpace(c.LinkedInURL)
	if c.LinkedInURL != "" {
		checkProfileURL(&fe, "linkedinUrl", c.LinkedInURL)
	}
	vis := func(field string, v *string, allowed ...string) {
		if *v == "" {
			*v = allowed[0]
		}
		check.OneOf(&fe, field, *v, allowed...)
	}
	vis("visibility.interests", &c.Visibility.Interests, VisExecutives, VisPublic, VisCurators)
	vis("visibility.availability", &c.Visibility.Availability, VisPublic, VisExecutives, VisCurators)
	vis("visibility.linkedinUrl", &c.Visibility.LinkedInURL, VisExecutives, VisCurators)
	vis("visibility.photo", &c.Visibility.Photo, VisExecutives, VisPublic, VisCurators)
	if complete {
		return fe.Err("The application is not complete yet.")
	}
	return fe.Err("Some fields need attention.")
}

// CheckTopics normalises topic ids and checks them against the vocabulary:
// at most MaxTopics, at least one when required.
func (s *Service) CheckTopics(fe *otm.Problems, topics []string, required bool) []string {
	topics = check.NormList(topics, strings.ToLower)
	switch {
	case len(topics) > MaxTopics:
		fe.Add("topics", otm.RuleMaxItems, otm.Args{"max": MaxTopics}, "choose at most %d topics", MaxTopics)
	case required && len(topics) == 0:
		fe.Add("topics", otm.RuleRequired, nil, "choose at least one topic")
	}
	for i, t := range topics {
		if !s.topics.has(t) {
			v := check.Truncate(t, 40)
			fe.Add(fmt.Sprintf("topics[%d]", i), otm.RuleUnknownTopic, otm.Args{"value": v}, "%q is not a known topic", v)
		}
	}
	return topics
}

// checkProfileURL accepts https LinkedIn profile links only.
func checkProfileURL(fe *otm.Problems, field, raw string) {
	if n := len(raw); n > URLMax {
		fe.Add(field, otm.RuleMaxLength, otm.Args{"max": URLMax, "length": n}, "must be at most %d characters", URLMax)
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		fe.Add(field, otm.RuleHTTPS, nil, "must be an https:// link")
		return
	}
	host := strings.ToLower(u.Hostname())
	if host != "linkedin.com" && !strings.HasSuffix(host, ".linkedin.com") {
		fe.Add(field, otm.RuleLinkedInURL, nil, "must be a link to a LinkedIn profile (https://www.linkedin.com/in/…)")
		return
	}
	if u.Port() != "" {
		fe.Add(field, otm.RuleNoPort, nil, "must not name a port")
	}
}

// Validate cleans c as saving (complete=false) or submitting (complete=true)
// would, without storing anything: for live validation in forms. Errors:
// EINVALID naming every offending field.
func (s *Service) Validate(c Content, complete bool) (Content, error) {
	err := s.clean(&c, complete)
	return c, err
}
