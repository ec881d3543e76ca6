package frontend

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/assignment"
	"github.com/opentomentor/opentomentor/internal/httperr"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

// matchRules are the hard rules of matching, for their localized names.
var matchRules = []string{
	matching.RuleSameOrganization, matching.RuleSameGroup, matching.RuleCompetitors, matching.RuleLineManagement,
	matching.RuleNoSharedLanguage, matching.RuleCapacityReached, otm.RuleOneMentorPerMentee,
}

// matchFactors are the fit factors, for their localized names.
var matchFactors = []string{
	matching.FactorTopic, matching.FactorLanguage, matching.FactorAvailability,
	matching.FactorInterests, matching.FactorTimeZone, matching.FactorPreference,
}

// suggestionLimit is how many ranked mentors a request page shows.
const suggestionLimit = 20

type matchItem struct {
	URL, Name, Organization, Term, Program string
	Topics                                 []string
	Prefs                                  int
	Paired                                 bool   // has a proposed or running tandem
	Reason                                 string // the cohort assignment's: why no mentor
}

// matchLink is a link of the matching workspace (the cohort assignment of a
// program).
type matchLink struct{ URL, Label string }

type matchFactor struct {
	Name, Contribution, Score, Weight, Why string
}

type matchSuggestion struct {
	ProfileID, Name, Organization, Headline, Score, ProfileURL string
	Preferred                                                  int
	Rank                                                       int // 1 for the best: its reasons show open
	Factors                                                    []matchFactor
	// ShortlistURL adds the mentor to the request's shortlist ("" when it is
	// full or has them).
	ShortlistURL string
}

type matchExcluded struct {
	Name, Organization, Rule, Reason string
}

type matchPref struct {
	Rank            int
	Name, URL, Note string
}

type matchPair struct {
	RequestID, RequestURL, MenteeName, MentorName, MentorOrg, ProfileID, ProfileURL, Score string
	Alternatives                                                                           []matchAlt
}

// matchAlt is another mentor for a pair's request; Taken when the assignment
// gives their capacity to other requests.
type matchAlt struct {
	Name, Organization, ProfileID, ProfileURL, Score string
	Taken                                            bool
}

// matchView is the curators' matching workspace: the list of requests
// (Mode "list"), one request with suggestions ("request") or the cohort
// assignment ("assignment").
type matchView struct {
	Mode  string
	Items []matchItem

	// The program: ProgramID is the selected one ("" on the list: all the
	// programs the curator curates), Programs the selector's options.
	ProgramID, ProgramName, ProgramURL string
	Programs                           []option
	AssignLinks                        []matchLink
	// CanPropose tells that the program's phase allows proposing tandems;
	// PhaseNote says why not.
	CanPropose bool
	PhaseNote  string

	RequestID, Name, Organization, Goals, Term, Format string
	Topics, Languages, Interests                       []string
	Prefs                                              []matchPref
	ProposeURL                                         string
	Candidates                                         int
	Suggestions                                        []matchSuggestion
	Shortlist                                          *shortlistView
	Excluded                                           []matchExcluded

	Pairs      []matchPair
	Unassigned []matchItem
	TotalScore string
	// Computing is the progress text while a large cohort's assignment is
	// computed in the background (the page reloads itself, or ReloadURL).
	Computing, ReloadURL string

	// ErrorRule and ErrorText say why a proposal failed.
	ErrorRule, ErrorText string
}

// matchState is the outcome of a failed proposal to show on the page; phase
// tells that the program's phase refused it.
type matchState struct {
	rule, text string
	phase      bool
	shortlist  string // why the shortlist was not saved or sent
}

// assignURL is the cohort assignment of a program (the open program's is
// plain /match/assignment).
func assignURL(programID string) string {
	if programID == "" || programID == program.OpenProgram {
		return "/match/assignment"
	}
	return "/match/assignment?program=" + url.QueryEscape(programID)
}

// withParam adds a query parameter to a relative URL.
func withParam(u, key, value string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + url.QueryEscape(key) + "=" + url.QueryEscape(value)
}

// phaseNote says that pr's phase does not allow proposing tandems.
func (f *Frontend) phaseNote(lang string, pr *program.Program) string {
	return f.translate(lang, "match.phase.note", f.programName(lang, pr), f.phaseLabel(lang, pr.Phase))
}

func fmtScore(lang string, v float64) string {
	s := fmt.Sprintf("%.2f", v)
	if lang == "de" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func (f *Frontend) ruleLabel(lang, rule string) string {
	for _, r := range matchRules {
		if r == rule {
			return f.translate(lang, "match.rule."+rule)
		}
	}
	return rule
}

func (f *Frontend) factorLabel(lang, name string) string {
	for _, n := range matchFactors {
		if n == name {
			return f.translate(lang, "match.factor."+name)
		}
	}
	return name
}

func (f *Frontend) termLabel(lang, term string) string {
	for _, x := range program.Terms {
		if x == term {
			return f.translate(lang, "request.term."+x)
		}
	}
	return term
}

// requireMatchPage gates the matching pages like requireCuratorPage.
func (f *Frontend) requireMatchPage(c *fiber.Ctx, d *pageData, returnTo string) (bool, error) {
	if d.Principal == nil {
		return true, toSignIn(c, returnTo)
	}
	if !f.curatesAny(c, d.Principal) {
		return true, f.RenderError(c, http.StatusForbidden, f.translate(d.Lang, "match.forbidden"))
	}
	return false, nil
}

// proposedNotice sets the flash after a proposal (?proposed=<tandem id>); the
// name comes from the tandem, not from the URL.
func (f *Frontend) proposedNotice(c *fiber.Ctx, d *pageData) {
	if n, err := strconv.Atoi(c.Query("proposedCount")); err == nil && n > 0 {
		d.Notice = f.translate(d.Lang, "match.bulk.done", n)
		return
	}
	id := c.Query("proposed")
	if id == "" {
		return
	}
	if t, err := f.cfg.Tandems.Tandem(c.UserContext(), d.Principal, id); err == nil {
		d.Notice = f.translate(d.Lang, "match.proposed", t.MentorName, t.MenteeName)
	}
}

// matchList answers GET /match (?program=: one program the caller curates;
// all of them by default).
func (f *Frontend) matchList(c *fiber.Ctx) error {
	d := f.newPage(c, "match")
	if done, err := f.requireMatchPage(c, d, d.Here); done {
		return err
	}
	ctx := c.UserContext()
	programID := strings.TrimSpace(c.Query("program"))
	reqs, err := f.cfg.Tandems.Requests(ctx, d.Principal, programID)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	ps, err := f.cfg.Programs.Programs(ctx, d.Principal)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	v := &matchView{Mode: "list", ProgramID: programID}
	v.Programs = append(v.Programs, option{Value: "", Label: f.translate(d.Lang, "match.program.all"), Checked: programID == ""})
	for i := range ps {
		pr := &ps[i]
		if !program.Curates(d.Principal, pr) {
			continue
		}
		v.Programs = append(v.Programs, option{Value: pr.ID, Label: f.programName(d.Lang, pr) + " · " + f.phaseLabel(d.Lang, pr.Phase), Checked: pr.ID == programID})
		switch {
		case programID != "" && pr.ID != programID:
		case pr.ID == programID:
			v.ProgramName, v.ProgramURL = f.programName(d.Lang, pr), programURL(pr.ID)
			v.CanPropose = pr.Allows(program.CanPropose)
			if v.CanPropose {
				v.AssignLinks = append(v.AssignLinks, matchLink{URL: assignURL(pr.ID), Label: f.translate(d.Lang, "match.assignment.link")})
			} else {
				v.PhaseNote = f.phaseNote(d.Lang, pr)
			}
		case pr.Allows(program.CanPropose):
			v.AssignLinks = append(v.AssignLinks, matchLink{URL: assignURL(pr.ID), Label: f.translate(d.Lang, "match.assignment.linkFor", f.programName(d.Lang, pr))})
		}
	}
	names := f.programNames(d.Lang, ps)
	paired, err := f.cfg.Tandems.PairedRequests(ctx, d.Principal)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	for _, r := range reqs {
		if r.Status != tandem.RequestSubmitted {
			continue
		}
		v.Items = append(v.Items, matchItem{URL: "/match/" + pathID(r.ID), Name: r.Name, Organization: r.OrgName,
			Topics: f.topicLabels(r.Content.Topics, d.Lang), Term: f.termLabel(d.Lang, r.Content.Term), Prefs: len(r.Content.Preferences),
			Program: names[r.ProgramID], Paired: paired[r.ID]})
	}
	d.Title = f.translate(d.Lang, "match.title")
	d.Match = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, http.StatusOK, "match", d)
}

// matchRequest answers GET /match/:id.
func (f *Frontend) matchRequest(c *fiber.Ctx) error {
	d := f.newPage(c, "match")
	if done, err := f.requireMatchPage(c, d, d.Here); done {
		return err
	}
	f.proposedNotice(c, d)
	return f.renderMatchRequest(c, http.StatusOK, d, c.Params("id"), matchState{})
}

func (f *Frontend) renderMatchRequest(c *fiber.Ctx, status int, d *pageData, id string, st matchState) error {
	ctx := c.UserContext()
	lang := d.Lang
	here := "/match/" + pathID(id)
	r, err := f.cfg.Tandems.Request(ctx, d.Principal, id)
	if err != nil {
		return f.fail(c, err, here, "")
	}
	sg, err := f.cfg.Suggestions.Suggest(ctx, d.Principal, id, suggestionLimit)
	if err != nil {
		return f.fail(c, err, here, "")
	}
	pr, err := f.cfg.Programs.Program(ctx, d.Principal, r.ProgramID)
	if err != nil {
		return f.fail(c, err, here, "")
	}
	v := &matchView{Mode: "request", RequestID: r.ID, Name: r.Name, Organization: r.OrgName, Goals: r.Content.Goals,
		Term: f.termLabel(lang, r.Content.Term), Topics: f.topicLabels(r.Content.Topics, lang),
		Languages: languageNames(r.Content.Languages, lang), Interests: r.Content.Interests,
		ProposeURL: here + "/propose", Candidates: sg.Candidates, ErrorRule: st.rule, ErrorText: st.text,
		ProgramID: pr.ID, ProgramName: pr.Name, ProgramURL: programURL(pr.ID), CanPropose: pr.Allows(program.CanPropose)}
	paired, err := f.cfg.Tandems.PairedRequests(ctx, d.Principal)
	if err != nil {
		return f.fail(c, err, here, "")
	}
	switch {
	case paired[r.ID]:
		v.CanPropose, v.PhaseNote = false, f.translate(lang, "match.paired.note")
	case v.CanPropose:
		v.AssignLinks = []matchLink{{URL: assignURL(pr.ID), Label: f.translate(lang, "match.assignment.link")}}
	default:
		v.PhaseNote = f.phaseNote(lang, pr)
	}
	if st.phase {
		v.ErrorRule, v.ErrorText = "", v.PhaseNote
	}
	if r.Content.Format != "" {
		v.Format = f.translate(lang, "request.format."+r.Content.Format)
	}
	for i, p := range r.Content.Preferences {
		mp := matchPref{Rank: i + 1, Name: p.MentorProfileID, Note: p.Note}
		if doc, err := f.mentorDoc(c, p.MentorProfileID); err == nil && doc != nil {
			mp.Name, mp.URL = doc.Name, "/mentors/"+pathID(doc.ID)
		}
		v.Prefs = append(v.Prefs, mp)
	}
	for i, s := range sg.Suggestions {
		ms := matchSuggestion{ProfileID: s.Mentor.ProfileID, Name: s.Mentor.Name, Organization: s.Mentor.Organization,
			Headline: s.Mentor.Headline, Score: fmtScore(lang, s.Score), Preferred: s.Preferred, Rank: i + 1,
			ProfileURL: "/mentors/" + pathID(s.Mentor.ProfileID)}
		for _, fc := range s.Factors {
			ms.Factors = append(ms.Factors, matchFactor{Name: f.factorLabel(lang, fc.Name), Contribution: fmtScore(lang, fc.Contribution),
				Score: fmtScore(lang, fc.Score), Weight: fmtScore(lang, fc.Weight), Why: f.explainText(c.UserContext(), lang, fc.Key, fc.Args)})
		}
		v.Suggestions = append(v.Suggestions, ms)
	}
	if f.cfg.Shortlists != nil {
		if v.Shortlist, err = f.shortlistOf(c, d, r.ID); err != nil {
			return f.fail(c, err, here, "")
		}
		v.Shortlist.Error = st.shortlist
		for i := range v.Suggestions {
			if v.CanPropose && v.Shortlist.CanAdd && !v.Shortlist.OnList[v.Suggestions[i].ProfileID] {
				v.Suggestions[i].ShortlistURL = v.Shortlist.URL
			}
		}
		switch c.Query("shortlist") {
		case "saved":
			d.Notice = f.translate(lang, "shortlist.done.saved")
		case "sent":
			d.Notice = f.translate(lang, "shortlist.done.sent", r.Name)
		case "commented":
			d.Notice = f.translate(lang, "shortlist.done.commented")
		}
	}
	for _, ex := range sg.Excluded {
		v.Excluded = append(v.Excluded, matchExcluded{Name: ex.Mentor.Name, Organization: ex.Mentor.Organization,
			Rule: f.ruleLabel(lang, ex.Rule), Reason: f.ruleText(c.UserContext(), lang, ex.Rule, ex.Args, "")})
	}
	d.Title = f.translate(lang, "match.request.title", r.Name)
	d.Match = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "match", d)
}

// matchAssignment answers GET /match/assignment (?program=, the open
// program by default).
func (f *Frontend) matchAssignment(c *fiber.Ctx) error {
	d := f.newPage(c, "match")
	if done, err := f.requireMatchPage(c, d, d.Here); done {
		return err
	}
	f.proposedNotice(c, d)
	return f.renderAssignment(c, http.StatusOK, d, strings.TrimSpace(c.Query("program")), matchState{})
}

// renderAssignment renders the cohort assignment of a program; when its
// phase allows no proposals, the page says so (409) instead.
func (f *Frontend) renderAssignment(c *fiber.Ctx, status int, d *pageData, programID string, st matchState) error {
	ctx := c.UserContext()
	lang := d.Lang
	if programID == "" {
		programID = program.OpenProgram
	}
	back := assignURL(programID)
	pr, err := f.cfg.Programs.Program(ctx, d.Principal, programID)
	if err != nil {
		return f.fail(c, err, back, f.translate(lang, "programs.err.notFound"))
	}
	v := &matchView{Mode: "assignment", ProgramID: pr.ID, ProgramName: pr.Name, ProgramURL: programURL(pr.ID),
		ErrorRule: st.rule, ErrorText: st.text, CanPropose: pr.Allows(program.CanPropose)}
	d.Title = f.translate(lang, "match.assignment.title")
	d.Match = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	a, err := f.cfg.Assignments.Assign(ctx, d.Principal, pr.ID)
	if isPhaseConflict(err) {
		v.CanPropose, v.PhaseNote = false, f.phaseNote(lang, pr)
		return f.render(c, http.StatusConflict, "match", d)
	}
	if err != nil {
		return f.fail(c, err, back, "")
	}
	if st.phase {
		v.ErrorRule, v.ErrorText = "", f.phaseNote(lang, pr)
	}
	if a.Status != assignment.Done {
		v.Computing = f.translate(lang, "match.assignment.computing", a.Requests, a.Candidates, int(100*a.Progress))
		v.ReloadURL = back
		d.Refresh = 3
		return f.render(c, http.StatusAccepted, "match", d)
	}
	v.TotalScore, v.Candidates = fmtScore(lang, a.TotalScore), a.Candidates
	for _, p := range a.Pairs {
		pair := matchPair{RequestID: p.RequestID, RequestURL: "/match/" + pathID(p.RequestID), MenteeName: p.MenteeName,
			MentorName: p.Mentor.Name, MentorOrg: p.Mentor.Organization, ProfileID: p.Mentor.ProfileID,
			ProfileURL: "/mentors/" + pathID(p.Mentor.ProfileID), Score: fmtScore(lang, p.Score)}
		for _, alt := range p.Alternatives {
			pair.Alternatives = append(pair.Alternatives, matchAlt{Name: alt.Mentor.Name, Organization: alt.Mentor.Organization,
				ProfileID: alt.Mentor.ProfileID, ProfileURL: "/mentors/" + pathID(alt.Mentor.ProfileID), Score: fmtScore(lang, alt.Score), Taken: !alt.Free})
		}
		v.Pairs = append(v.Pairs, pair)
	}
	for _, u := range a.UnassignedReasons {
		it := matchItem{URL: "/match/" + pathID(u.RequestID), Name: u.MenteeName, Reason: f.unassignedReason(lang, u)}
		if r, err := f.cfg.Tandems.Request(ctx, d.Principal, u.RequestID); err == nil {
			it.Name, it.Organization = r.Name, r.OrgName
		}
		v.Unassigned = append(v.Unassigned, it)
	}
	return f.render(c, status, "match", d)
}

// unassignedReason says in lang why the assignment found no mentor for a
// request, from its reason key and arguments.
func (f *Frontend) unassignedReason(lang string, u assignment.Unassigned) string {
	count, _ := u.Args["count"].(int)
	switch u.Reason {
	case assignment.ReasonRefused:
		rule, _ := u.Args["rule"].(string)
		return f.translate(lang, "match.unassigned.refused", count, f.translate(lang, "match.rule."+rule))
	case assignment.ReasonTaken:
		return f.translate(lang, "match.unassigned.taken", count)
	}
	return f.translate(lang, "match.unassigned.none")
}

// matchPropose answers POST /match/:id/propose (mentorProfileId=, from=assignment
// to come back to the cohort assignment).
func (f *Frontend) matchPropose(c *fiber.Ctx) error {
	d := f.newPage(c, "match")
	id := c.Params("id")
	fm := readForm(c)
	fromAssignment := fm.get("from") == "assignment"
	programID := strings.TrimSpace(fm.get("program"))
	back := "/match/" + pathID(id)
	if fromAssignment {
		back = assignURL(programID)
	}
	if done, err := f.requireMatchPage(c, d, back); done {
		return err
	}
	t, err := f.cfg.Tandems.ProposeTandem(c.UserContext(), d.Principal, id, strings.TrimSpace(fm.get("mentorProfileId")))
	if err != nil {
		st, ok := f.proposeRefusal(c, d, err)
		if !ok {
			return f.fail(c, err, back, "")
		}
		status := httperr.FormStatus(err)
		if fromAssignment {
			return f.renderAssignment(c, status, d, programID, st)
		}
		return f.renderMatchRequest(c, status, d, id, st)
	}
	return c.Redirect(withParam(back, "proposed", t.ID), http.StatusSeeOther)
}

// proposeRefusal says why a proposal was refused (a rule, bad input, one's
// own tandem); false for an error that is not a refusal.
func (f *Frontend) proposeRefusal(c *fiber.Ctx, d *pageData, err error) (matchState, bool) {
	switch otm.ErrorCode(err) {
	case otm.ECONFLICT:
		rule, args := otm.ErrorRule(err)
		return matchState{rule: f.ruleLabel(d.Lang, rule), text: f.ruleText(c.UserContext(), d.Lang, rule, args, ""), phase: isPhaseConflict(err)}, true
	case otm.EINVALID:
		return matchState{text: f.translate(d.Lang, "match.err.invalid")}, true
	case otm.EFORBIDDEN:
		return matchState{text: f.translate(d.Lang, "match.err.own")}, true
	}
	return matchState{}, false
}

// maxBulkPairs bounds the pairs one "propose selected" sends.
const maxBulkPairs = 500

// matchProposeSelected answers POST /match/assignment/propose: it proposes the
// pairs of the cohort assignment the curator selected (pair=<request id>
// <mentor profile id>, program=), one by one. If some are refused (the
// assignment changed meanwhile, a rule now holds), the others are still
// proposed, and the page lists why each was refused.
func (f *Frontend) matchProposeSelected(c *fiber.Ctx) error {
	d := f.newPage(c, "match")
	fm := readForm(c)
	programID := strings.TrimSpace(fm.get("program"))
	back := assignURL(programID)
	if done, err := f.requireMatchPage(c, d, back); done {
		return err
	}
	pairs := url.Values(fm)["pair"]
	if len(pairs) == 0 || len(pairs) > maxBulkPairs {
		return f.renderAssignment(c, http.StatusUnprocessableEntity, d, programID, matchState{text: f.translate(d.Lang, "match.bulk.none", maxBulkPairs)})
	}
	proposed := 0
	var refused []string
	for _, pair := range pairs {
		req, mentor, _ := strings.Cut(strings.TrimSpace(pair), " ")
		_, err := f.cfg.Tandems.ProposeTandem(c.UserContext(), d.Principal, req, mentor)
		if err == nil {
			proposed++
			continue
		}
		st, ok := f.proposeRefusal(c, d, err)
		if !ok {
			return f.fail(c, err, back, "")
		}
		if st.rule != "" {
			st.text = st.rule + ": " + st.text
		}
		refused = append(refused, st.text)
	}
	if len(refused) > 0 {
		text := f.translate(d.Lang, "match.bulk.partly", proposed, len(pairs)) + " " + strings.Join(refused, " · ")
		return f.renderAssignment(c, http.StatusConflict, d, programID, matchState{text: text})
	}
	return c.Redirect(withParam(back, "proposedCount", strconv.Itoa(proposed)), http.StatusSeeOther)
}
