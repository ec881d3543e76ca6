package moderation

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	otm "github.com/opentomentor/opentomentor"
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
		return "", otm.Errorf(otm.ECONFLICT, "An application that is %s cannot be %s.", statusWords[p.Status], actionWords[action])
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

// Limits of the application's fields.
const (
	HeadlineMin, HeadlineMax  = 10, 140
	BioMin, BioMax            = 80, 2000
	MaxTopics                 = 5
	MaxSkills, SkillMax       = 15, 40
	MaxLanguages              = 8
	MaxInterests, InterestMax = 10, 40
	HoursMin, HoursMax        = 1, 40
	URLMax                    = 200
)

// clean trims, normalises and validates c for saving. Saving a draft accepts
// empty fields; complete (for submission) requires everything an application
// needs. It returns EINVALID naming every offending field.
func (s *Service) clean(c *Content, complete bool) error {
	var fe []otm.FieldError
	bad := func(field, format string, args ...any) {
		fe = append(fe, otm.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	text := func(field string, v *string, min, max int, multiline bool) {
		*v = strings.TrimSpace(*v)
		if !utf8.ValidString(*v) {
			bad(field, "is not valid UTF-8")
			return
		}
		if hasControl(*v, multiline) {
			bad(field, "contains control characters")
			return
		}
		n := utf8.RuneCountInString(*v)
		switch {
		case n > max:
			bad(field, "must be at most %d characters (is %d)", max, n)
		case n < min && (complete || n > 0):
			bad(field, "must be at least %d characters", min)
		}
	}
	text("headline", &c.Headline, HeadlineMin, HeadlineMax, false)
	text("bio", &c.Bio, BioMin, BioMax, true)

	c.Topics = s.checkTopics(c.Topics, complete, bad)
	tags := func(field string, v *[]string, max, maxLen int) {
		*v = normList(*v, strings.TrimSpace)
		if len(*v) > max {
			bad(field, "at most %d entries", max)
		}
		for i, x := range *v {
			if n := utf8.RuneCountInString(x); n > maxLen || hasControl(x, false) {
				bad(fmt.Sprintf("%s[%d]", field, i), "must be 1–%d characters without control characters", maxLen)
			}
		}
	}
	tags("skills", &c.Skills, MaxSkills, SkillMax)
	tags("interests", &c.Interests, MaxInterests, InterestMax)

	c.Languages = checkLanguages(c.Languages, complete, "name at least one language you mentor in", bad)
	c.Country = strings.ToUpper(strings.TrimSpace(c.Country))
	if c.Country != "" && !ValidCountry(c.Country) {
		bad("country", "%q is not an ISO 3166-1 alpha-2 country code", truncate(c.Country, 10))
	} else if complete && c.Country == "" {
		bad("country", "required")
	}
	h := c.Availability.HoursPerMonth
	if (h != 0 || complete) && (h < HoursMin || h > HoursMax) {
		bad("availability.hoursPerMonth", "must be between %d and %d hours a month", HoursMin, HoursMax)
	}
	c.LinkedInURL = strings.TrimSpace(c.LinkedInURL)
	if c.LinkedInURL != "" {
		if msg := checkProfileURL(c.LinkedInURL); msg != "" {
			bad("linkedinUrl", "%s", msg)
		}
	}
	vis := func(field string, v *string, allowed ...string) {
		if *v == "" {
			*v = allowed[0]
		}
		if !slices.Contains(allowed, *v) {
			bad(field, "must be one of %s", strings.Join(allowed, ", "))
		}
	}
	vis("visibility.interests", &c.Visibility.Interests, VisExecutives, VisPublic, VisCurators)
	vis("visibility.availability", &c.Visibility.Availability, VisPublic, VisExecutives, VisCurators)
	vis("visibility.linkedinUrl", &c.Visibility.LinkedInURL, VisExecutives, VisCurators)
	if len(fe) > 0 {
		msg := "Some fields need attention."
		if complete {
			msg = "The application is not complete yet."
		}
		return otm.Invalid(msg, fe...)
	}
	return nil
}

// checkTopics normalises topic ids and checks them against the vocabulary.
func (s *Service) checkTopics(topics []string, complete bool, bad func(field, format string, args ...any)) []string {
	topics = normList(topics, strings.ToLower)
	switch {
	case len(topics) > MaxTopics:
		bad("topics", "choose at most %d topics", MaxTopics)
	case complete && len(topics) == 0:
		bad("topics", "choose at least one topic")
	}
	for i, t := range topics {
		if !s.topics.has(t) {
			bad(fmt.Sprintf("topics[%d]", i), "%q is not a known topic", truncate(t, 40))
		}
	}
	return topics
}

// checkLanguages normalises ISO 639-1 codes and checks them; missing says
// what to ask for when none is given but one is required.
func checkLanguages(langs []string, complete bool, missing string, bad func(field, format string, args ...any)) []string {
	langs = normList(langs, strings.ToLower)
	switch {
	case len(langs) > MaxLanguages:
		bad("languages", "at most %d languages", MaxLanguages)
	case complete && len(langs) == 0:
		bad("languages", "%s", missing)
	}
	for i, l := range langs {
		if !ValidLanguage(l) {
			bad(fmt.Sprintf("languages[%d]", i), "%q is not an ISO 639-1 language code", truncate(l, 10))
		}
	}
	return langs
}

// checkProfileURL accepts https LinkedIn profile links only.
func checkProfileURL(raw string) string {
	if len(raw) > URLMax {
		return fmt.Sprintf("must be at most %d characters", URLMax)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return "must be an https:// link"
	}
	host := strings.ToLower(u.Hostname())
	if host != "linkedin.com" && !strings.HasSuffix(host, ".linkedin.com") {
		return "must be a link to a LinkedIn profile (https://www.linkedin.com/in/…)"
	}
	if u.Port() != "" {
		return "must not name a port"
	}
	return ""
}

// ValidLanguage reports whether code is an ISO 639-1 code.
func ValidLanguage(code string) bool {
	if len(code) != 2 || code != strings.ToLower(code) || deprecatedLanguages[code] {
		return false
	}
	b, err := language.ParseBase(code)
	return err == nil && b.String() == code && display.English.Languages().Name(b) != ""
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 country code.
func ValidCountry(code string) bool {
	return countrySet[code]
}

// LanguageName returns a language's name in lang (en or de).
func LanguageName(code, lang string) string {
	b, err := language.ParseBase(code)
	if err != nil {
		return code
	}
	n := display.English.Languages()
	if lang == "de" {
		n = display.German.Languages()
	}
	if s := n.Name(b); s != "" {
		return s
	}
	return code
}

// CountryName returns a country's name in lang (en or de).
func CountryName(code, lang string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	n := display.English.Regions()
	if lang == "de" {
		n = display.German.Regions()
	}
	if s := n.Name(r); s != "" {
		return s
	}
	return code
}

// normList trims entries, applies norm, drops empty ones and duplicates, and
// keeps the order.
func normList(in []string, norm func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		v = norm(strings.TrimSpace(v))
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Validate cleans c as saving (complete=false) or submitting (complete=true)
// would, without storing anything: for live validation in forms. Errors:
// EINVALID naming every offending field.
func (s *Service) Validate(c Content, complete bool) (Content, error) {
	err := s.clean(&c, complete)
	return c, err
}
