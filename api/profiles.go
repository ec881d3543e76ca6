package api

import (
	"bytes"
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api/input"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/tandem"
)

// contentJSON is the part of a mentor profile its owner writes (PUT body).
type contentJSON struct {
	Headline     string               `json:"headline"`
	Bio          string               `json:"bio"`
	Topics       []string             `json:"topics"`
	Skills       []string             `json:"skills"`
	Languages    []string             `json:"languages"`
	Country      string               `json:"country"`
	Availability profile.Availability `json:"availability"`
	Interests    []string             `json:"interests"`
	LinkedInURL  string               `json:"linkedinUrl"`
	ShowPicture  bool                 `json:"showPicture"`
	Visibility   profile.Visibility   `json:"visibility"`
}

func contentOf(c profile.Content) contentJSON {
	nz := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	return contentJSON{Headline: c.Headline, Bio: c.Bio, Topics: nz(c.Topics), Skills: nz(c.Skills), Languages: nz(c.Languages),
		Country: c.Country, Availability: c.Availability, Interests: nz(c.Interests), LinkedInURL: c.LinkedInURL,
		ShowPicture: c.ShowPicture, Visibility: c.Visibility}
}

func (j contentJSON) content() profile.Content {
	return profile.Content{Headline: j.Headline, Bio: j.Bio, Topics: j.Topics, Skills: j.Skills, Languages: j.Languages,
		Country: j.Country, Availability: j.Availability, Interests: j.Interests, LinkedInURL: j.LinkedInURL,
		ShowPicture: j.ShowPicture, Visibility: j.Visibility}
}

type decisionJSON struct {
	Decision string    `json:"decision"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at"`
}

type publicOrgJSON struct {
	Name     string `json:"name"`
	Verified bool   `json:"verified"`
}

// profileJSON is the owner's (and curators') view of an application.
type profileJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	contentJSON
	Name            string         `json:"name"`
	Organization    *publicOrgJSON `json:"organization"`
	Public          bool           `json:"public"`
	PendingRevision bool           `json:"pendingRevision"`
	Published       *contentJSON   `json:"published"`
	Decision        *decisionJSON  `json:"decision"`
	Version         int64          `json:"version"`
	CreatedAt       time.Time      `json:"createdAt"`
	UpdatedAt       time.Time      `json:"updatedAt"`
	SubmittedAt     *time.Time     `json:"submittedAt,omitempty"`
	PublishedAt     *time.Time     `json:"publishedAt,omitempty"`
	Photo           string         `json:"photo,omitempty"` // the uploaded photo (large), for its owner
}

func profileOf(p *profile.Profile) profileJSON {
	out := profileJSON{ID: p.ID, Status: p.Status, contentJSON: contentOf(p.Draft), Name: p.Name,
		Public: p.Public(), PendingRevision: p.PendingRevision(), Version: p.Version,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, SubmittedAt: p.SubmittedAt, PublishedAt: p.PublishedAt}
	if p.OrgName != "" {
		out.Organization = &publicOrgJSON{Name: p.OrgName, Verified: p.OrgVerified}
	}
	if p.Photo != "" {
		out.Photo = profile.PhotoURL(p.ID, p.Photo, profile.PhotoLarge)
	}
	if p.Published != nil {
		pub := contentOf(*p.Published)
		out.Published = &pub
	}
	if p.Decision != nil {
		out.Decision = &decisionJSON{Decision: p.Decision.Decision, Reason: p.Decision.Reason, At: p.Decision.At}
	}
	return out
}

// curatorProfileJSON adds what only curators see.
type curatorProfileJSON struct {
	profileJSON
	OwnerID  string            `json:"ownerId"`
	Email    string            `json:"email"`
	Comments []profile.Comment `json:"comments"`
	Curator  string            `json:"decidedBy,omitempty"`
}

func (s *Server) getMyProfile(c *fiber.Ctx) error {
	p, err := s.cfg.Profiles.MyProfile(c.UserContext(), otm.PrincipalFromContext(c.UserContext()))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(profileOf(p))
}

func (s *Server) putMyProfile(c *fiber.Ctx) error {
	if _, err := requireUser(c); err != nil {
		return err
	}
	var body contentJSON
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	p, err := s.cfg.Profiles.SaveProfile(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), body.content())
	if err != nil {
		return err
	}
	return c.JSON(profileOf(p))
}

func (s *Server) submitMyProfile(c *fiber.Ctx) error {
	p, err := s.cfg.Profiles.SubmitProfile(c.UserContext(), otm.PrincipalFromContext(c.UserContext()))
	if err != nil {
		return err
	}
	return c.JSON(profileOf(p))
}

func (s *Server) withdrawMyProfile(c *fiber.Ctx) error {
	p, err := s.cfg.Profiles.WithdrawProfile(c.UserContext(), otm.PrincipalFromContext(c.UserContext()))
	if err != nil {
		return err
	}
	return c.JSON(profileOf(p))
}

type pauseBody struct {
	Paused bool `json:"paused"`
}

// pauseMyProfile answers PUT /api/v1/me/mentor-profile/pause {paused}.
func (s *Server) pauseMyProfile(c *fiber.Ctx) error {
	if _, err := requireUser(c); err != nil {
		return err
	}
	var body pauseBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	p, err := s.cfg.Profiles.SetPaused(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), body.Paused)
	if err != nil {
		return err
	}
	return c.JSON(profileOf(p))
}

// putMyPhoto answers PUT /api/v1/me/mentor-profile/photo: the body is the
// image itself (JPEG, PNG or WebP, at most photo.MaxBytes).
func (s *Server) putMyPhoto(c *fiber.Ctx) error {
	if _, err := requireUser(c); err != nil {
		return err
	}
	p, err := s.cfg.Profiles.SetPhoto(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), bytes.NewReader(c.Body()))
	if err != nil {
		return err
	}
	return c.JSON(profileOf(p))
}

// deleteMyPhoto answers DELETE /api/v1/me/mentor-profile/photo.
func (s *Server) deleteMyPhoto(c *fiber.Ctx) error {
	if _, err := requireUser(c); err != nil {
		return err
	}
	p, err := s.cfg.Profiles.DeletePhoto(c.UserContext(), otm.PrincipalFromContext(c.UserContext()))
	if err != nil {
		return err
	}
	return c.JSON(profileOf(p))
}

// getMentorPhoto answers GET /api/v1/mentors/{id}/photo?size=small|large: the
// JPEG, to whom its owner shows it (404 to everyone else). A public photo may
// be cached by anyone (its address changes with the photo), another only by
// the viewer's browser, briefly.
func (s *Server) getMentorPhoto(c *fiber.Ctx) error {
	size := c.Query("size", profile.PhotoSmall)
	img, public, err := s.cfg.Profiles.Photo(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"), size, c.Query("v"))
	if err != nil {
		return err
	}
	if public {
		// Briefly: consent withdrawn or narrowed must take effect soon
		// in shared caches too.
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	} else {
		c.Set(fiber.HeaderCacheControl, "private, max-age=300")
		c.Set(fiber.HeaderVary, fiber.HeaderCookie)
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(img)
}

// listApplications answers GET /api/v1/moderation/applications?status=&limit=&offset=.
func (s *Server) listApplications(c *fiber.Ctx) error {
	limit, offset, err := input.QueryPaging(c)
	if err != nil {
		return err
	}
	items, total, err := s.cfg.Profiles.Queue(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Query("status"), limit, offset)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": items, "total": total, "limit": limit, "offset": offset})
}

func curatorView(p *profile.Profile) curatorProfileJSON {
	out := curatorProfileJSON{profileJSON: profileOf(p), OwnerID: p.OwnerID, Email: p.Email, Comments: p.Comments}
	if out.Comments == nil {
		out.Comments = []profile.Comment{}
	}
	if p.Decision != nil {
		out.Curator = p.Decision.CuratorName
	}
	return out
}

func (s *Server) getApplication(c *fiber.Ctx) error {
	p, err := s.cfg.Profiles.Application(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(curatorView(p))
}

type decisionBody struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
	Version  int64  `json:"version"`
}

func (s *Server) decideApplication(c *fiber.Ctx) error {
	pr, err := requireUser(c)
	if err != nil {
		return err
	}
	var body decisionBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	p, err := s.cfg.Profiles.Decide(c.UserContext(), pr, c.Params("id"), body.Decision, body.Reason, body.Version)
	if err != nil {
		return err
	}
	return c.JSON(curatorView(p))
}

type commentBody struct {
	Text string `json:"text"`
}

func (s *Server) commentApplication(c *fiber.Ctx) error {
	pr, err := requireUser(c)
	if err != nil {
		return err
	}
	var body commentBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	p, err := s.cfg.Profiles.AddComment(c.UserContext(), pr, c.Params("id"), body.Text)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(curatorView(p))
}

// auditOf answers GET /api/v1/moderation/applications/{id}/audit.
func (s *Server) applicationAudit(c *fiber.Ctx) error {
	p, err := s.cfg.Profiles.Application(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	entries, err := s.cfg.Audit.BySubject(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": entries})
}

// mentorJSON is a public mentor card: the published version's public fields.
type mentorJSON struct {
	ID           string            `json:"id"`
	Status       string            `json:"status"`
	Name         string            `json:"name"`
	Organization publicOrgJSON     `json:"organization"`
	Industry     string            `json:"industry,omitempty"`
	Headline     string            `json:"headline"`
	Bio          string            `json:"bio"`
	Topics       []string          `json:"topics"`
	Skills       []string          `json:"skills"`
	Languages    []string          `json:"languages"`
	Country      string            `json:"country"`
	Availability *availabilityJSON `json:"availability,omitempty"`
	Interests    []string          `json:"interests,omitempty"`
	LinkedInURL  string            `json:"linkedinUrl,omitempty"`
	Picture      string            `json:"picture,omitempty"`
	PublishedAt  time.Time         `json:"publishedAt"`
	Highlights   map[string]string `json:"highlights,omitempty"`
}

type availabilityJSON struct {
	HoursPerMonth int  `json:"hoursPerMonth"`
	Paused        bool `json:"paused,omitempty"`
}

func mentorOf(d *search.Document) mentorJSON {
	m := mentorJSON{ID: d.ID, Status: profile.StatusApproved, Name: d.Name,
		Organization: publicOrgJSON{Name: d.Organization, Verified: d.OrgVerified}, Industry: d.Industry,
		Headline: d.Headline, Bio: d.Bio, Topics: d.Topics, Skills: d.Skills, Languages: d.Languages, Country: d.Country,
		Interests: d.Interests, Picture: d.Picture, PublishedAt: d.PublishedAt}
	if d.HoursPerMonth > 0 {
		m.Availability = &availabilityJSON{HoursPerMonth: d.HoursPerMonth}
	}
	return m
}

// listMentors answers GET /api/v1/mentors from the search index only.
func (s *Server) listMentors(c *fiber.Ctx) error {
	limit, err := input.QueryInt(c, "limit", 20)
	if err != nil {
		return err
	}
	offset, err := input.QueryInt(c, "offset", 0)
	if err != nil {
		return err
	}
	args := c.Context().QueryArgs()
	multi := func(name string) []string {
		var out []string
		for _, v := range args.PeekMulti(name) {
			if len(v) > 0 {
				out = append(out, string(v))
			}
		}
		return out
	}
	minHours, err := input.QueryInt(c, "minHours", 0)
	if err != nil {
		return err
	}
	q := search.Query{Q: c.Query("q"), Topics: multi("topic"), Languages: multi("language"), Countries: multi("country"),
		Industries: multi("industry"), MinHours: minHours, Limit: limit, Offset: offset}
	if len(q.Q) > 500 {
		return otm.Invalid("The query is too long.", otm.Field("q", otm.RuleMaxLength, otm.Args{"max": 500}, "at most 500 characters"))
	}
	if room := c.Query("roomIn"); room != "" {
		if q.ExcludeIDs, err = s.noRoomIn(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), room); err != nil {
			return err
		}
	}
	res, err := s.cfg.Search.Search(c.UserContext(), q)
	if err != nil {
		return err
	}
	hits := make([]mentorJSON, 0, len(res.Hits))
	for i := range res.Hits {
		m := mentorOf(&res.Hits[i].Document)
		m.Highlights = res.Hits[i].Highlights
		hits = append(hits, m)
	}
	facets := res.Facets
	if facets == nil {
		facets = map[string]map[string]int{}
	}
	return c.JSON(fiber.Map{"hits": hits, "total": res.Total, "facets": facets, "limit": q.Limit, "offset": q.Offset})
}

// noRoomIn returns the mentors without room left in the program a directory
// search asks for (roomIn); an unknown program is a bad parameter.
func (s *Server) noRoomIn(ctx context.Context, p *otm.Principal, programID string) ([]string, error) {
	if s.cfg.Suggestions == nil {
		return nil, otm.Refuse(otm.EUNAVAILABLE, otm.RuleSearchUnavailable, nil, "Programs are not available.")
	}
	ids, err := s.cfg.Suggestions.NoRoomIn(ctx, p, programID)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		v := check.Truncate(programID, 40)
		return nil, otm.Invalid("Unknown program.", otm.Field("roomIn", otm.RuleUnknown, otm.Args{"value": v}, "no program %q", v))
	}
	return ids, err
}

// getMentor answers GET /api/v1/mentors/{id}: the public card from the index;
// signed-in executives and curators also get what the owner showed them.
func (s *Server) getMentor(c *fiber.Ctx) error {
	d, err := s.cfg.Search.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		if otm.ErrorCode(err) == otm.ENOTFOUND {
			return otm.Errorf(otm.ENOTFOUND, "Mentor not found.")
		}
		return err
	}
	p := otm.PrincipalFromContext(c.UserContext())
	card, err := s.cfg.Profiles.CardFor(c.UserContext(), p, d)
	if err != nil {
		return err
	}
	m := mentorOf(&card.Document)
	if card.Paused {
		m.Availability = &availabilityJSON{HoursPerMonth: card.HoursPerMonth, Paused: true}
	}
	m.LinkedInURL = card.LinkedInURL
	if p != nil {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	return c.JSON(m)
}

func (s *Server) listTopics(c *fiber.Ctx) error {
	ts := s.cfg.Profiles.Topics()
	type topicJSON struct {
		ID     string            `json:"id"`
		Labels map[string]string `json:"labels"`
		Core   bool              `json:"core"`
	}
	out := make([]topicJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, topicJSON{ID: t.ID, Labels: map[string]string{"en": t.LabelEN, "de": t.LabelDE}, Core: t.Core})
	}
	return c.JSON(fiber.Map{"topics": out})
}

// requestJSON is a mentee request as its owner and curators see it.
type requestJSON struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	ProgramID string `json:"programId"`
	tandem.RequestContent
	Name         string         `json:"name"`
	Organization *publicOrgJSON `json:"organization"`
	Version      int64          `json:"version"`
	CreatedAt    time.Time      `json:"createdAt"`
	UpdatedAt    time.Time      `json:"updatedAt"`
	SubmittedAt  *time.Time     `json:"submittedAt,omitempty"`
}

func requestOf(r *tandem.MenteeRequest) requestJSON {
	out := requestJSON{ID: r.ID, Status: r.Status, ProgramID: r.ProgramID, RequestContent: r.Content, Name: r.Name,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt}
	for _, l := range []*[]string{&out.Topics, &out.Languages, &out.Interests} {
		if *l == nil {
			*l = []string{}
		}
	}
	if out.Preferences == nil {
		out.Preferences = []tandem.Preference{}
	}
	if r.OrgName != "" {
		out.Organization = &publicOrgJSON{Name: r.OrgName}
	}
	return out
}

func (s *Server) getMyRequest(c *fiber.Ctx) error {
	r, err := s.cfg.Tandems.MyRequest(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Query("program"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(requestOf(r))
}

func (s *Server) putMyRequest(c *fiber.Ctx) error {
	if _, err := requireUser(c); err != nil {
		return err
	}
	var body tandem.RequestContent
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	r, err := s.cfg.Tandems.SaveRequest(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Query("program"), body)
	if err != nil {
		return err
	}
	return c.JSON(requestOf(r))
}

func (s *Server) submitMyRequest(c *fiber.Ctx) error {
	r, err := s.cfg.Tandems.SubmitRequest(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Query("program"))
	if err != nil {
		return err
	}
	return c.JSON(requestOf(r))
}

// withdrawMyRequest answers POST /api/v1/me/mentee-request/withdraw
// (?program=, the open program by default).
func (s *Server) withdrawMyRequest(c *fiber.Ctx) error {
	r, err := s.cfg.Tandems.WithdrawRequest(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Query("program"))
	if err != nil {
		return err
	}
	return c.JSON(requestOf(r))
}

// myRequests answers GET /api/v1/me/mentee-requests: the caller's requests
// to every program.
func (s *Server) myRequests(c *fiber.Ctx) error {
	rs, err := s.cfg.Tandems.MyRequests(c.UserContext(), otm.PrincipalFromContext(c.UserContext()))
	if err != nil {
		return err
	}
	out := make([]requestJSON, 0, len(rs))
	for i := range rs {
		out = append(out, requestOf(&rs[i]))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": out})
}

// listRequests answers GET /api/v1/moderation/mentee-requests (curators).
func (s *Server) listRequests(c *fiber.Ctx) error {
	rs, err := s.cfg.Tandems.Requests(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Query("program"))
	if err != nil {
		return err
	}
	out := make([]requestJSON, 0, len(rs))
	for i := range rs {
		out = append(out, requestOf(&rs[i]))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": out, "total": len(out)})
}

// getRequest answers GET /api/v1/moderation/mentee-requests/{id} (curators).
func (s *Server) getRequest(c *fiber.Ctx) error {
	r, err := s.cfg.Tandems.Request(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(requestOf(r))
}

// suggestRequest answers GET /api/v1/moderation/mentee-requests/{id}/suggestions?limit=.
func (s *Server) suggestRequest(c *fiber.Ctx) error {
	limit, err := input.QueryInt(c, "limit", 20)
	if err != nil {
		return err
	}
	if limit < 1 || limit > 100 {
		return otm.Invalid("A query parameter is not valid.", otm.Field("limit", otm.RuleRange, otm.Args{"min": 1, "max": 100}, "must be between 1 and 100"))
	}
	out, err := s.cfg.Suggestions.Suggest(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"), limit)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
