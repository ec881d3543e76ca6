package frontend

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
)

// dirPageSize is the number of mentors per directory page.
const dirPageSize = 20

// maxQueryLen bounds ?q= (in bytes); the engine uses the first 200 runes.
const maxQueryLen = 500

// dirState is the directory's state, all of it in the URL.
type dirState struct {
	Q                            string
	Topics, Languages, Countries []string
	Page                         int
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
}

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
	st := dirState{Q: c.Query("q"), Topics: queryValues(c, "topic"), Languages: queryValues(c, "language"), Countries: queryValues(c, "country")}
	if len(st.Q) > maxQueryLen || !utf8.ValidString(st.Q) {
		return f.RenderError(c, http.StatusBadRequest, f.translate(lang, "dir.err.query"))
	}
	page, ok := queryPage(c, search.MaxOffset/dirPageSize+1)
	if !ok {
		return f.RenderError(c, http.StatusBadRequest, f.translate(lang, "error.badPage"))
	}
	st.Page = page
	q, err := search.Query{Q: st.Q, Topics: st.Topics, Languages: st.Languages, Countries: st.Countries,
		Limit: dirPageSize, Offset: (page - 1) * dirPageSize}.Normalize()
	if err != nil {
		return f.RenderError(c, http.StatusBadRequest, f.translate(lang, "error.badPage"))
	}
	// Links keep the normalized filters (but the query as typed).
	st.Topics, st.Languages, st.Countries = q.Topics, q.Languages, q.Countries
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
	}
	if st.Q != "" {
		v.Chips = append(v.Chips, filterChip{Label: f.translate(lang, "dir.chip.q", st.Q), RemoveURL: st.without("q", "").url()})
	}
	for _, g := range v.Facets {
		for _, o := range g.Options {
			if o.Checked {
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
		v.Paused, v.LinkedIn = card.Paused, card.LinkedInURL
		if err := f.fillPrefer(c, d, v, doc.ID); err != nil {
			return f.fail(c, err, d.Here, "")
		}
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	d.Title = doc.Name
	d.Mentor = v
	return f.render(c, http.StatusOK, "mentor", d)
}
