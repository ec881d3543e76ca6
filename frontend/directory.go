package frontend

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/suggest"
)

// dirPageSize is the number of mentors per directory page.
const dirPageSize = 20

// maxQueryLen bounds ?q= (in bytes); the engine uses the first 200 runes.
const maxQueryLen = 500

// dirState is the directory's state, all of it in the URL.
type dirState struct {
	Q                                        string
	Topics, Languages, Countries, Industries []string
	MinHours                                 int    // 0: any
	Room                                     string // a program id: room left in it; "" for any
	Page                                     int
}

// url returns the directory URL of s.
func (s dirState) url() string {
	q := url.Values{}
	if s.Q != "" {
		q.Set("q", s.Q)
	}
	for _, v := range s.Topics {
		q.Add("topic", v)
	}
	for _, v := range s.Languages {
		q.Add("language", v)
	}
	for _, v := range s.Countries {
		q.Add("country", v)
	}
	for _, v := range s.Industries {
		q.Add("industry", v)
	}
	if s.MinHours > 0 {
		q.Set("hours", strconv.Itoa(s.MinHours))
	}
	if s.Room != "" {
		q.Set("room", s.Room)
	}
	if s.Page > 1 {
		q.Set("page", strconv.Itoa(s.Page))
	}
	if len(q) == 0 {
		return "/mentors"
	}
	return "/mentors?" + q.Encode()
}

// without returns s without one filter value (and on page 1).
func (s dirState) without(facet, value string) dirState {
	drop := func(vs []string) []string {
		return slices.DeleteFunc(slices.Clone(vs), func(v string) bool { return v == value })
	}
	n := s
	n.Page = 1
	switch facet {
	case search.FacetTopic:
		n.Topics = drop(s.Topics)
	case search.FacetLanguage:
		n.Languages = drop(s.Languages)
	case search.FacetCountry:
		n.Countries = drop(s.Countries)
	case search.FacetIndustry:
		n.Industries = drop(s.Industries)
	case search.FacetHours:
		n.MinHours = 0
	case facetRoom:
		n.Room = ""
	case "q":
		n.Q = ""
	}
	return n
}

type facetOption struct {
	ID, Name, Value, Label string
	Count                  int
	Checked                bool
}

type facetGroup struct {
	Name, Legend string
	Options      []facetOption
	Radio        bool // one choice (its first option: any)
}

// facetRoom is the directory's filter by room left in a program (not an
// engine facet: the mentors without room are left out by id).
const facetRoom = "room"

type filterChip struct {
	Label, RemoveURL string
}

// dirView is the directory page.
type dirView struct {
	Q                  string
	Facets             []facetGroup
	Chips              []filterChip
	ActiveCount        int // filters checked (shown on the folded filters)
	ClearURL           string
	Cards              []cardView
	Total, Page, Pages int
	PrevURL, NextURL   string
	From, To           int
	Summary            string
	Filtered           bool
}

// directory answers GET /mentors: the search form, facets and results; for htmx
// requests targeting the results only those.
func (f *Frontend) directory(c *fiber.Ctx) error {
	d := f.newPage(c, "mentors")
	lang := d.Lang
	st := dirState{Q: c.Query("q"), Topics: queryValues(c, "topic"), Languages: queryValues(c, "language"), Countries: queryValues(c, "country"),
		Industries: queryValues(c, "industry"), Room: c.Query("room")}
	if len(st.Q) > maxQueryLen || !utf8.ValidString(st.Q) {
		return f.RenderError(c, http.StatusBadRequest, f.translate(lang, "dir.err.query"))
	}
	if h := c.Query("hours"); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil || !slices.Contains(search.HoursSteps, n) {
			return f.RenderError(c, http.StatusBadRequest, f.translate(lang, "dir.err.hours"))
		}
		st.MinHours = n
	}
	rooms, err := f.roomPrograms(c.UserContext(), d.Principal)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	if st.Room != "" && !slices.ContainsFunc(rooms, func(pr program.Program) bool { return pr.ID == st.Room }) {
		return f.RenderError(c, http.StatusBadRequest, f.translate(lang, "dir.err.room"))
	}
	page, ok := queryPage(c, search.MaxOffset/dirPageSize+1)
	if !ok {
		return f.RenderError(c, http.StatusBadRequest, f.translate(lang, "error.badPage"))
	}
	st.Page = page
	q, err := search.Query{Q: st.Q, Topics: st.Topics, Languages: st.Languages, Countries: st.Countries, Industries: st.Industries,
		MinHours: st.MinHours, Limit: dirPageSize, Offset: (page - 1) * dirPageSize}.Normalize()
	if err != nil {
		return f.RenderError(c, http.StatusBadRequest, f.translate(lang, "error.badPage"))
	}
	// Links keep the normalized filters (but the query as typed).
	st.Topics, st.Languages, st.Countries, st.Industries = q.Topics, q.Languages, q.Countries, q.Industries
	full := map[string][]string{} // program id → mentors without room
	if len(rooms) > 0 {
		if full, err = f.cfg.Suggestions.NoRoom(c.UserContext(), d.Principal, rooms); err != nil {
			return f.fail(c, err, d.Here, "")
		}
	}
	q.ExcludeIDs = full[st.Room]
	res, err := f.cfg.Search.Search(c.UserContext(), q)
	if err != nil {
		if otm.ErrorCode(err) == otm.EINVALID {
			return f.RenderError(c, http.StatusBadRequest, f.translate(lang, "error.badPage"))
		}
		return f.fail(c, err, d.Here, "")
	}
	v := &dirView{Q: st.Q, Total: res.Total, Page: page}
	v.Pages = max(1, (res.Total+dirPageSize-1)/dirPageSize)
	for i := range res.Hits {
		v.Cards = append(v.Cards, f.card(&res.Hits[i].Document, res.Hits[i].Highlights, lang))
	}
	if len(v.Cards) > 0 {
		v.From, v.To = q.Offset+1, q.Offset+len(v.Cards)
	}
	if page > 1 {
		p := st
		p.Page = min(page-1, v.Pages)
		v.PrevURL = p.url()
	}
	if page < v.Pages {
		p := st
		p.Page = page + 1
		v.NextURL = p.url()
	}
	switch {
	case res.Total == 0:
		v.Summary = f.translate(lang, "dir.count.none")
	case res.Total == 1:
		v.Summary = f.translate(lang, "dir.count.one")
	default:
		v.Summary = f.translate(lang, "dir.count.many", res.Total)
	}
	v.Facets = []facetGroup{
		f.facetGroup(lang, search.FacetTopic, "topic", "dir.facet.topic", res.Facets[search.FacetTopic], st.Topics, func(x string) string { return f.topicLabel(x, lang) }),
		f.facetGroup(lang, search.FacetLanguage, "language", "dir.facet.language", res.Facets[search.FacetLanguage], st.Languages, func(x string) string { return languageNames([]string{x}, lang)[0] }),
		f.facetGroup(lang, search.FacetCountry, "country", "dir.facet.country", res.Facets[search.FacetCountry], st.Countries, func(x string) string { return countryName(x, lang) }),
		f.facetGroup(lang, search.FacetIndustry, "industry", "dir.facet.industry", res.Facets[search.FacetIndustry], st.Industries, func(x string) string { return f.industryLabel(lang, x) }),
		f.hoursGroup(lang, res.Facets[search.FacetHours], st.MinHours),
	}
	if len(rooms) > 0 {
		g, err := f.roomGroup(c, lang, q, res.Total, rooms, full, st.Room)
		if err != nil {
			return f.fail(c, err, d.Here, "")
		}
		v.Facets = append(v.Facets, g)
	}
	if st.Q != "" {
		v.Chips = append(v.Chips, filterChip{Label: f.translate(lang, "dir.chip.q", st.Q), RemoveURL: st.without("q", "").url()})
	}
	for _, g := range v.Facets {
		for _, o := range g.Options {
			if o.Checked && o.Value != "" {
				v.ActiveCount++
				v.Chips = append(v.Chips, filterChip{Label: o.Label, RemoveURL: st.without(g.Name, o.Value).url()})
			}
		}
	}
	v.Filtered = len(v.Chips) > 0
	v.ClearURL = "/mentors"
	d.Title = f.translate(lang, "dir.title")
	d.Dir = v
	if isHTMX(c, "directory-results") {
		return f.renderPartial(c, http.StatusOK, "mentors", "resultsResponse", d)
	}
	return f.render(c, http.StatusOK, "mentors", d)
}

// facetGroup returns the options of one facet: the values with their counts,
// most frequent first, and the selected values even when they have none.
func (f *Frontend) facetGroup(lang, facet, param, legend string, counts map[string]int, selected []string, label func(string) string) facetGroup {
	g := facetGroup{Name: facet, Legend: f.translate(lang, legend)}
	seen := map[string]bool{}
	for value, n := range counts {
		seen[value] = true
		g.Options = append(g.Options, facetOption{Value: value, Count: n, Checked: slices.Contains(selected, value)})
	}
	for _, value := range selected {
		if !seen[value] {
			g.Options = append(g.Options, facetOption{Value: value, Checked: true})
		}
	}
	for i := range g.Options {
		o := &g.Options[i]
		o.Name, o.ID, o.Label = param, "facet-"+param+"-"+o.Value, label(o.Value)
	}
	sortByName(lang, g.Options, func(o facetOption) string { return o.Label })
	slices.SortStableFunc(g.Options, func(a, b facetOption) int { return cmp.Compare(b.Count, a.Count) })
	return g
}

// industryLabel returns an industry as pages show it: the catalog's name for
// a known id ("industry.<id>"), else as the organization's record has it.
func (f *Frontend) industryLabel(lang, industry string) string {
	if f.hasKey("industry." + industry) {
		return f.translate(lang, "industry."+industry)
	}
	return industry
}

// hoursGroup is the filter by hours a month: any, or at least each step (its
// count adds up the buckets from that step on).
func (f *Frontend) hoursGroup(lang string, buckets map[string]int, selected int) facetGroup {
	g := facetGroup{Name: search.FacetHours, Legend: f.translate(lang, "dir.facet.hours"), Radio: true}
	g.Options = append(g.Options, facetOption{ID: "facet-hours-any", Name: "hours", Label: f.translate(lang, "dir.any"), Checked: selected == 0, Count: -1})
	for _, step := range search.HoursSteps[1:] {
		n := 0
		for _, from := range search.HoursSteps {
			if from >= step {
				n += buckets[strconv.Itoa(from)]
			}
		}
		v := strconv.Itoa(step)
		g.Options = append(g.Options, facetOption{ID: "facet-hours-" + v, Name: "hours", Value: v, Label: f.translate(lang, "dir.hours.atLeast", step),
			Count: n, Checked: selected == step})
	}
	return g
}

// roomPrograms are the programs a person may filter the directory by room
// in: those still forming or running tandems, for executives, curators and
// admins (none for others).
func (f *Frontend) roomPrograms(ctx context.Context, p *otm.Principal) ([]program.Program, error) {
	if f.cfg.Suggestions == nil || f.cfg.Programs == nil || p == nil || !slices.ContainsFunc(suggest.RoomRoles, p.HasRole) {
		return nil, nil
	}
	all, err := f.cfg.Programs.All(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(pr program.Program) bool {
		return !pr.Allows(program.CanRequest) && !pr.Allows(program.CanPropose)
	}), nil
}

// roomGroup is the filter by room left in a program: any, or one of rooms,
// each counted by a search of q without the program's full mentors.
func (f *Frontend) roomGroup(c *fiber.Ctx, lang string, q search.Query, total int, rooms []program.Program, full map[string][]string, selected string) (facetGroup, error) {
	g := facetGroup{Name: facetRoom, Legend: f.translate(lang, "dir.facet.room"), Radio: true}
	g.Options = append(g.Options, facetOption{ID: "facet-room-any", Name: "room", Label: f.translate(lang, "dir.any"), Checked: selected == "", Count: -1})
	for _, pr := range rooms {
		n := total
		if pr.ID != selected {
			cq := q
			cq.ExcludeIDs, cq.Offset, cq.Limit, cq.Candidates = full[pr.ID], 0, 1, true // counts only
			res, err := f.cfg.Search.Search(c.UserContext(), cq)
			if err != nil {
				return g, err
			}
			n = res.Total
		}
		g.Options = append(g.Options, facetOption{ID: "facet-room-" + pr.ID, Name: "room", Value: pr.ID, Label: f.programName(lang, &pr),
			Count: n, Checked: pr.ID == selected})
	}
	return g, nil
}

// mentorView is a public mentor profile page.
type mentorView struct {
	Card        cardView
	Bio         string
	Skills      []string
	Hours       int
	Paused      bool
	Interests   []string
	LinkedIn    string
	Restricted  bool // the viewer sees fields beyond the public ones
	PublishedAt time.Time
	// Prefer is the "Add to my request" box, for signed-in executives.
	Prefer *preferState
	// ShortlistFor are the requests a curator may add the mentor to.
	ShortlistFor []option
	ShortlistURL string
}

// mentorPage answers GET /mentors/:id from the search index; signed-in
// executives and curators also see what the mentor showed them.
func (f *Frontend) mentorPage(c *fiber.Ctx) error {
	d := f.newPage(c, "mentors")
	doc, err := f.cfg.Search.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		msg := ""
		if otm.ErrorCode(err) == otm.ENOTFOUND {
			msg = f.translate(d.Lang, "mentor.notFound")
		}
		return f.fail(c, err, d.Here, msg)
	}
	v := &mentorView{Card: f.card(doc, nil, d.Lang), Bio: doc.Bio, Skills: doc.Skills, Hours: doc.HoursPerMonth,
		Interests: doc.Interests, PublishedAt: doc.PublishedAt}
	v.Card.URL = ""
	if d.Principal != nil && f.cfg.Profiles != nil {
		card, err := f.cfg.Profiles.CardFor(c.UserContext(), d.Principal, doc)
		if err != nil {
			return f.fail(c, err, d.Here, "")
		}
		v.Restricted, v.Interests, v.Hours = card.Restricted, card.Interests, card.HoursPerMonth
		v.Paused, v.LinkedIn, v.Card.Picture = card.Paused, card.LinkedInURL, card.Picture
		if err := f.fillPrefer(c, d, v, doc.ID); err != nil {
			return f.fail(c, err, d.Here, "")
		}
		if v.ShortlistFor, err = f.shortlistTargets(c, d); err != nil {
			return f.fail(c, err, d.Here, "")
		}
		v.ShortlistURL = "/mentors/" + pathID(doc.ID) + "/shortlist"
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	v.Card.Picture = profile.PhotoSize(v.Card.Picture, profile.PhotoLarge) // shown larger than on a card
	d.Title = doc.Name
	d.Mentor = v
	return f.render(c, http.StatusOK, "mentor", d)
}
