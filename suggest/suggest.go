// Package suggest finds mentors for mentee requests: ranked, explained
// suggestions for one request (for its curators), and the cohort a program's
// assignment is computed from (package assignment). Candidates come from the
// search engine, with the request's topics and languages as filters, so the
// work grows with the matches, not the directory; the hard rules and scores
// are package matching's; requests and slots are package tandem's.
package suggest

import (
	"context"
	"slices"
	"strings"
	"sync"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/linemanager"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/tandem"
)

// Tandems is what suggestions read of requests and slots.
type Tandems interface {
	Request(ctx context.Context, p *otm.Principal, id string) (*tandem.MenteeRequest, error)
	SubmittedRequests(ctx context.Context) ([]tandem.MenteeRequest, error)
	SlotsTaken(ctx context.Context) (tandem.Slots, error)
	AddOrg(ctx context.Context, w *matching.World, id string)
}

// Programs is what suggestions need of programs.
type Programs interface {
	RequireCuratorOfAny(ctx context.Context, p *otm.Principal) error
	Lookup(ctx context.Context, id string) (*program.Program, error)
}

// Config wires the service.
type Config struct {
	Tandems  Tandems
	Programs Programs
	Index    search.Index // candidates; may be nil (suggestions unavailable)
	// LineManagers may be nil: no line-management rule.
	LineManagers interface {
		All(ctx context.Context) (linemanager.Chains, error)
	}
	Emails func(ctx context.Context, profileIDs []string) (map[string]string, error) // mentors' addresses, for the line-management rule
}

// Service computes suggestions and cohorts.
type Service struct{ cfg Config }

// New returns the service.
func New(cfg Config) *Service { return &Service{cfg: cfg} }

// applyLineManagement resolves every declaration (loaded once) for these
// mentees (menteeEmails: user id → address) and mentors, in place.
func (s *Service) applyLineManagement(ctx context.Context, mentees []matching.Mentee, menteeEmails map[string]string, mentors []matching.Mentor) error {
	if s.cfg.LineManagers == nil {
		return nil
	}
	lc, err := s.cfg.LineManagers.All(ctx)
	if err != nil {
		return err
	}
	return lc.Resolve(ctx, mentees, menteeEmails, mentors, s.cfg.Emails)
}

// Candidate is a mentor as suggestions show them: the public card.
type Candidate struct {
	ProfileID    string   `json:"id"`
	Name         string   `json:"name"`
	Organization string   `json:"organization"`
	Headline     string   `json:"headline"`
	Topics       []string `json:"topics"`
	Languages    []string `json:"languages"`
	Country      string   `json:"country"`
}

// candidateOf is the card of a directory entry.
func candidateOf(d search.Document) Candidate {
	return Candidate{ProfileID: d.ID, Name: d.Name, Organization: d.Organization, Headline: d.Headline,
		Topics: d.Topics, Languages: d.Languages, Country: d.Country}
}

// SuggestedMentor is one ranked suggestion with its explained score.
type SuggestedMentor struct {
	Mentor    Candidate         `json:"mentor"`
	Score     float64           `json:"score"`
	Factors   []matching.Factor `json:"factors"`
	Preferred int               `json:"preferredRank,omitempty"` // the executive's rank, 1–5
}

// ExcludedMentor is a candidate a hard rule excludes, with the rule.
type ExcludedMentor struct {
	Mentor Candidate      `json:"mentor"`
	Rule   string         `json:"rule"`
	Args   map[string]any `json:"args,omitempty"`
	Reason string         `json:"reason"` // English; pages translate Rule and Args
}

// Suggestions is the answer for one request.
type Suggestions struct {
	RequestID   string            `json:"requestId"`
	Candidates  int               `json:"candidates"`
	Suggestions []SuggestedMentor `json:"suggestions"`
	Excluded    []ExcludedMentor  `json:"excluded"`
}

// Suggest ranks mentors for a mentee request by an explainable score and lists
// the ones a hard rule excludes. Candidates come from the search engine (the
// request's topics and languages as filters), so it scales with the directory;
// the executive's preferred mentors are always considered. Errors:
// EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EUNAVAILABLE (search).
func (s *Service) Suggest(ctx context.Context, p *otm.Principal, requestID string, limit int) (*Suggestions, error) {
	if err := s.cfg.Programs.RequireCuratorOfAny(ctx, p); err != nil {
		return nil, err
	}
	if s.cfg.Index == nil {
		return nil, otm.Refuse(otm.EUNAVAILABLE, otm.RuleSearchUnavailable, nil, "Search is not available.")
	}
	r, err := s.cfg.Tandems.Request(ctx, p, requestID)
	if err != nil {
		return nil, err
	}
	pr, err := s.cfg.Programs.Lookup(ctx, r.ProgramID)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	cs := newCandidateSet()
	if err := s.gatherCandidates(ctx, r, cs.add); err != nil {
		return nil, err
	}
	world := &matching.World{Orgs: map[string]matching.Org{}}
	s.cfg.Tandems.AddOrg(ctx, world, r.OrgID)
	candidates := make([]matching.Mentor, 0, len(cs.order))
	taken, err := s.cfg.Tandems.SlotsTaken(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range cs.order {
		d := cs.docs[id]
		s.cfg.Tandems.AddOrg(ctx, world, d.OrgID)
		candidates = append(candidates, mentorOf(d, pr.Capacity, taken.Mentor(d.ID, r.ProgramID)))
	}
	mentee := menteeOf(r)
	one := []matching.Mentee{mentee}
	if err := s.applyLineManagement(ctx, one, map[string]string{r.OwnerID: r.Email}, candidates); err != nil {
		return nil, err
	}
	mentee = one[0]
	prefRank := map[string]int{}
	for i, pref := range r.Content.Preferences {
		prefRank[pref.MentorProfileID] = i + 1
	}
	sug, exc := matching.Suggest(world, pr.Weights.Matching(), mentee, candidates, limit)
	card := func(id string) Candidate { return candidateOf(cs.docs[id]) }
	out := &Suggestions{RequestID: r.ID, Candidates: len(candidates), Suggestions: []SuggestedMentor{}, Excluded: []ExcludedMentor{}}
	for _, sg := range sug {
		out.Suggestions = append(out.Suggestions, SuggestedMentor{Mentor: card(sg.Mentor.ProfileID), Score: sg.Score.Total,
			Factors: sg.Score.Factors, Preferred: prefRank[sg.Mentor.ProfileID]})
	}
	for _, ex := range exc {
		out.Excluded = append(out.Excluded, ExcludedMentor{Mentor: card(ex.Mentor.ProfileID), Rule: ex.Rule, Args: ex.Why.Args, Reason: ex.Why.Text})
	}
	return out, nil
}

// candidateSet is directory entries by id, with the ids in the order first
// added; add keeps the first entry of an id.
type candidateSet struct {
	docs  map[string]search.Document
	order []string
}

func newCandidateSet() *candidateSet { return &candidateSet{docs: map[string]search.Document{}} }

func (cs *candidateSet) add(d search.Document) {
	if _, ok := cs.docs[d.ID]; !ok {
		cs.docs[d.ID] = d
		cs.order = append(cs.order, d.ID)
	}
}

// gatherCandidates adds the request's preferred mentors and up to
// search.MaxCandidates mentors the search engine finds for its topics and languages.
func (s *Service) gatherCandidates(ctx context.Context, r *tandem.MenteeRequest, add func(search.Document)) error {
	for _, pref := range r.Content.Preferences {
		if d, err := s.cfg.Index.Get(ctx, pref.MentorProfileID); err == nil {
			add(*d)
		}
	}
	docs, err := s.searchCandidates(ctx, r.Content.Topics, r.Content.Languages)
	for _, d := range docs {
		add(d)
	}
	return err
}

// searchCandidates returns up to search.MaxCandidates mentors teaching any
// of the topics in any of the languages, in one search without facet counts.
func (s *Service) searchCandidates(ctx context.Context, topics, languages []string) ([]search.Document, error) {
	res, err := s.cfg.Index.Search(ctx, search.Query{Topics: topics, Languages: languages, Limit: search.MaxCandidates, Candidates: true})
	if err != nil {
		return nil, err
	}
	out := make([]search.Document, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.Document)
	}
	return out, nil
}

// gatherCohort adds the candidates of many requests: each distinct pair of
// topics and languages is searched once, a few searches at a time.
func (s *Service) gatherCohort(ctx context.Context, reqs []*tandem.MenteeRequest, add func(search.Document)) error {
	type key struct{ topics, languages string }
	keyOf := func(r *tandem.MenteeRequest) key {
		t, l := slices.Sorted(slices.Values(r.Content.Topics)), slices.Sorted(slices.Values(r.Content.Languages))
		return key{strings.Join(t, ","), strings.Join(l, ",")}
	}
	var keys []key
	queries := map[key]*tandem.MenteeRequest{}
	for _, r := range reqs {
		for _, pref := range r.Content.Preferences {
			if d, err := s.cfg.Index.Get(ctx, pref.MentorProfileID); err == nil {
				add(*d)
			}
		}
		if k := keyOf(r); queries[k] == nil {
			queries[k] = r
			keys = append(keys, k)
		}
	}
	results := make([][]search.Document, len(keys))
	errs := make([]error, len(keys))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := queries[k]
			results[i], errs[i] = s.searchCandidates(ctx, r.Content.Topics, r.Content.Languages)
		}()
	}
	wg.Wait()
	for i := range keys {
		if errs[i] != nil {
			return errs[i]
		}
		for _, d := range results[i] {
			add(d)
		}
	}
	return nil
}

// mentorOf is a public directory entry as matching sees it; active is how
// many tandems the mentor already has in the program.
func mentorOf(d search.Document, capacity, active int) matching.Mentor {
	return matching.Mentor{
		Person: matching.Person{UserID: "u_" + strings.TrimPrefix(d.ID, "mp_"), OrgID: d.OrgID,
			Languages: d.Languages, Country: d.Country, Interests: d.Interests},
		ProfileID: d.ID, Topics: d.Topics, HoursPerMonth: d.HoursPerMonth, Capacity: capacity, Active: active,
	}
}

func menteeOf(r *tandem.MenteeRequest) matching.Mentee {
	m := matching.Mentee{
		Person:    matching.Person{UserID: r.OwnerID, OrgID: r.OrgID, Languages: r.Content.Languages, Interests: r.Content.Interests},
		RequestID: r.ID, Topics: r.Content.Topics, Term: r.Content.Term,
	}
	for _, pref := range r.Content.Preferences {
		m.Preferred = append(m.Preferred, pref.MentorProfileID)
	}
	return m
}

// Cohort is what a program's cohort assignment is computed from: the open
// requests (submitted, without a proposed or running tandem) as mentees,
// their candidates with their free capacity, the rules' world, and what the
// result shows (the executives' names, the mentors' public cards).
type Cohort struct {
	ProgramID string
	Weights   matching.Weights
	World     *matching.World
	Mentees   []matching.Mentee
	Mentors   []matching.Mentor
	Names     map[string]string    // request id → the executive's name
	Cards     map[string]Candidate // mentor profile id → the public card
}

// Cohort gathers the cohort of pr (package assignment computes it; the
// caller checks access and phase). Errors: EUNAVAILABLE (search), the
// database's.
func (s *Service) Cohort(ctx context.Context, pr *program.Program) (*Cohort, error) {
	if s.cfg.Index == nil {
		return nil, otm.Refuse(otm.EUNAVAILABLE, otm.RuleSearchUnavailable, nil, "Search is not available.")
	}
	reqs, err := s.cfg.Tandems.SubmittedRequests(ctx)
	if err != nil {
		return nil, err
	}
	taken, err := s.cfg.Tandems.SlotsTaken(ctx)
	if err != nil {
		return nil, err
	}
	c := &Cohort{ProgramID: pr.ID, Weights: pr.Weights.Matching(), World: &matching.World{Orgs: map[string]matching.Org{}},
		Names: map[string]string{}, Cards: map[string]Candidate{}}
	cs := newCandidateSet()
	emails := map[string]string{} // mentee user id → address, for the line-management rule
	var open []*tandem.MenteeRequest
	for i := range reqs {
		r := &reqs[i]
		if r.ProgramID != pr.ID || taken.Request(r.ID) > 0 {
			continue // already has a proposed or running tandem
		}
		open = append(open, r)
	}
	if err := s.gatherCohort(ctx, open, cs.add); err != nil {
		return nil, err
	}
	for _, r := range open {
		s.cfg.Tandems.AddOrg(ctx, c.World, r.OrgID)
		c.Mentees = append(c.Mentees, menteeOf(r))
		c.Names[r.ID] = r.Name
		emails[r.OwnerID] = r.Email
	}
	slices.Sort(cs.order) // the same candidates in the same order: a deterministic result
	c.Mentors = make([]matching.Mentor, 0, len(cs.order))
	for _, id := range cs.order {
		d := cs.docs[id]
		s.cfg.Tandems.AddOrg(ctx, c.World, d.OrgID)
		c.Mentors = append(c.Mentors, mentorOf(d, pr.Capacity, taken.Mentor(d.ID, pr.ID)))
		c.Cards[id] = candidateOf(d)
	}
	if err := s.applyLineManagement(ctx, c.Mentees, emails, c.Mentors); err != nil {
		return nil, err
	}
	return c, nil
}

// NoRoomIn returns the directory ids of the mentors without room left in the
// program (their proposed and running tandems there reach its capacity), for
// the directory's filter. Only executives, curators and admins may ask (who
// is in a tandem is not for visitors or peers to work out). Errors:
// EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND for an unknown program, the
// database's.
func (s *Service) NoRoomIn(ctx context.Context, p *otm.Principal, programID string) ([]string, error) {
	if err := otm.RequireRole(p, roomMessage, RoomRoles...); err != nil {
		return nil, err
	}
	pr, err := s.cfg.Programs.Lookup(ctx, programID)
	if err != nil {
		return nil, err
	}
	full, err := s.NoRoom(ctx, p, []program.Program{*pr})
	return full[pr.ID], err
}

// NoRoom is NoRoomIn for each of the programs, by program id, from one read
// of the reservations.
func (s *Service) NoRoom(ctx context.Context, p *otm.Principal, prs []program.Program) (map[string][]string, error) {
	if err := otm.RequireRole(p, roomMessage, RoomRoles...); err != nil {
		return nil, err
	}
	taken, err := s.cfg.Tandems.SlotsTaken(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(prs))
	for _, pr := range prs {
		out[pr.ID] = taken.Full(pr.ID, pr.Capacity)
	}
	return out, nil
}

const roomMessage = "Only executives and curators may filter by room in a program."

// RoomRoles may filter the directory by room in a program (NoRoomIn).
var RoomRoles = []string{otm.RoleMentee, otm.RoleCurator, otm.RoleAdmin}
