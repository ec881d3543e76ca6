package frontend

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/httperr"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/tandem"
)

// requestForm is the executive's request form as they typed it, so that a
// form re-rendered after an error shows exactly what they sent.
type requestForm struct {
	Goals          string
	Topics         []string // ticked topic ids
	Languages      []string // ticked common languages
	OtherLanguages string   // further ISO 639-1 codes, comma-separated
	Term, Format   string
	Interests      string // comma-separated
	Prefs          []tandem.Preference
}

// requestFormFrom fills the form from a stored request.
func requestFormFrom(c tandem.RequestContent) requestForm {
	r := requestForm{Goals: c.Goals, Topics: slices.Clone(c.Topics), Term: c.Term, Format: c.Format,
		Interests: strings.Join(c.Interests, ", "), Prefs: slices.Clone(c.Preferences)}
	var other []string
	for _, l := range c.Languages {
		if slices.Contains(commonLanguages, l) {
			r.Languages = append(r.Languages, l)
		} else {
			other = append(other, l)
		}
	}
	r.OtherLanguages = strings.Join(other, ", ")
	if r.Format == "" {
		r.Format = tandem.Formats[0]
	}
	return r
}

// readRequestForm reads the posted form. The preferences come as parallel
// pref_id and pref_note fields, in rank order.
func readRequestForm(fm form) requestForm {
	r := requestForm{Goals: fm.get("goals"), Topics: fm.all("topics"), Languages: fm.all("languages"),
		OtherLanguages: fm.get("languages_other"), Term: fm.get("term"), Format: fm.get("format"), Interests: fm.get("interests")}
	notes := fm.all("pref_note")
	for i, id := range fm.all("pref_id") {
		if i >= 2*tandem.MaxPreferences {
			break
		}
		p := tandem.Preference{MentorProfileID: id}
		if i < len(notes) {
			p.Note = notes[i]
		}
		r.Prefs = append(r.Prefs, p)
	}
	return r
}

// content returns the form as the service's RequestContent.
func (r requestForm) content() tandem.RequestContent {
	return tandem.RequestContent{
		Goals: r.Goals, Topics: r.Topics, Languages: r.languages(), Term: r.Term, Format: r.Format,
		Interests: splitList(r.Interests), Preferences: slices.Clone(r.Prefs),
	}
}

// languages returns the ticked and typed language codes.
func (r requestForm) languages() []string {
	return append(slices.Clone(r.Languages), splitList(r.OtherLanguages)...)
}

// applyAction carries out a preference button ("remove:2", "up:1") on the
// form's list; ok is false for anything else.
func (r *requestForm) applyAction(action string) (done string, ok bool) {
	verb, n, found := strings.Cut(action, ":")
	i, err := strconv.Atoi(n)
	if !found || err != nil || i < 0 || i >= len(r.Prefs) {
		return "", false
	}
	switch verb {
	case "remove":
		r.Prefs = slices.Delete(r.Prefs, i, i+1)
		return "removed", true
	case "up":
		if i > 0 {
			r.Prefs[i-1], r.Prefs[i] = r.Prefs[i], r.Prefs[i-1]
		}
		return "moved", true
	}
	return "", false
}

// requestLimits are the field limits the form explains.
type requestLimits struct {
	GoalsMin, GoalsMax, MaxTopics, MaxLanguages, MaxInterests, InterestMax, MaxPreferences, NoteMax int
}

var reqLimits = requestLimits{
	GoalsMin: tandem.GoalsMin, GoalsMax: tandem.GoalsMax, MaxTopics: profile.MaxTopics,
	MaxLanguages: profile.MaxLanguages, MaxInterests: profile.MaxInterests, InterestMax: profile.InterestMax,
	MaxPreferences: tandem.MaxPreferences, NoteMax: tandem.NoteMax,
}

// prefView is one preferred mentor on the request page.
type prefView struct {
	Index, Rank         int
	ID, Note            string
	Name, Headline, URL string
	Gone                bool // no longer in the directory
	First               bool
	Error               string
}

// requestLink is one of the executive's requests, or a program open for
// requests, in the lists of the request page.
type requestLink struct {
	URL, Name, StatusLabel, PhaseLabel string
	Current                            bool
}

// requestView is the request page.
type requestView struct {
	Status      string // "" before the first save
	StatusLabel string
	StatusText  string

	// The program the request goes to; IsOpenProgram for the standing one.
	ProgramID, ProgramName, ProgramURL, Phase, PhaseLabel string
	IsOpenProgram                                         bool
	// ReadOnly tells that the program's phase takes no requests: the
	// request is shown, not the form; ClosedText says why.
	ReadOnly   bool
	ClosedText string
	// SaveURL, SubmitURL and WithdrawURL are the form's actions, carrying the program.
	SaveURL, SubmitURL, WithdrawURL string
	// Mine are the executive's requests, one per program; Open the programs
	// taking requests that they have none in yet.
	Mine, Open []requestLink
	// The request as read-only text.
	TopicLabels, LanguageNames []string
	TermLabel, FormatLabel     string

	Form     requestForm
	GoalsLen int
	Limits   requestLimits
	Topics   []option
	Langs    []option
	Terms    []option
	Formats  []option
	Prefs    []prefView
	Full     bool

	Errors  map[string]string // form key → message
	Summary []fieldErr
	Message string

	CanSubmit bool
}

// requestErrorKeys are the request form's per-field error slots, in form
// order, with the label message key of each.
var requestErrorKeys = []struct{ key, label string }{
	{"goals", "request.f.goals"},
	{"topics", "request.f.topics"},
	{"languages", "request.f.languages"},
	{"term", "request.f.term"},
	{"format", "request.f.format"},
	{"interests", "request.f.interests"},
	{"preferences", "request.f.preferences"},
}

// requestField matches the service's field names: "goals", "topics[2]",
// "preferences[1].note".
var requestField = regexp.MustCompile(`^([A-Za-z]+)(?:\[(\d+)\])?(?:\.([A-Za-z]+))?$`)

// requestErrors turns the service's EINVALID error into localized messages
// per form key; preference errors go to their entry (prefErrs by index).
func (f *Frontend) requestErrors(ctx context.Context, lang string, err error, r requestForm) (errs map[string]string, summary []fieldErr, prefErrs map[int]string) {
	t := func(key string, args ...any) string { return f.translate(lang, key, args...) }
	msgs := map[string][]string{}
	prefErrs = map[int]string{}
	var general []string
	add := func(key, msg string) {
		if !slices.Contains(msgs[key], msg) {
			msgs[key] = append(msgs[key], msg)
		}
	}
	for _, fe := range otm.ErrorFields(err) {
		m := requestField.FindStringSubmatch(fe.Field)
		if m == nil {
			general = append(general, f.fieldText(ctx, lang, fe))
			continue
		}
		base, idx := m[1], -1
		if m[2] != "" {
			idx, _ = strconv.Atoi(m[2])
		}
		switch base {
		case "goals", "topics", "languages", "term", "format", "interests":
			add(base, f.fieldText(ctx, lang, fe))
		case "preferences":
			var msg string
			switch {
			case idx < 0:
				add(base, f.fieldText(ctx, lang, fe))
				continue
			case fe.Rule == otm.RuleSelf:
				msg = t("request.err.prefSelf")
			case fe.Rule == otm.RuleDuplicate:
				msg = t("request.err.prefDup")
			case fe.Rule == otm.RuleNotMentor:
				msg = t("request.err.prefGone")
			default:
				msg = f.fieldText(ctx, lang, fe)
			}
			if prev := prefErrs[idx]; prev != "" && prev != msg {
				msg = prev + " " + msg
			}
			prefErrs[idx] = msg
		default:
			general = append(general, f.fieldText(ctx, lang, fe))
		}
	}
	if len(msgs) == 0 && len(prefErrs) == 0 && len(general) == 0 {
		return nil, nil, nil
	}
	errs = map[string]string{}
	for _, k := range requestErrorKeys {
		if m := msgs[k.key]; len(m) > 0 {
			errs[k.key] = strings.Join(m, " ")
			summary = append(summary, fieldErr{Key: k.key, Anchor: f.requestAnchor(k.key), Label: t(k.label), Message: errs[k.key]})
		}
		if k.key == "preferences" {
			for i := range r.Prefs {
				if msg := prefErrs[i]; msg != "" {
					summary = append(summary, fieldErr{Key: "pref-" + strconv.Itoa(i), Anchor: "pref-" + strconv.Itoa(i),
						Label: t("request.pref.rank", i+1), Message: msg})
				}
			}
		}
	}
	for _, g := range general {
		summary = append(summary, fieldErr{Message: g})
	}
	return errs, summary, prefErrs
}

// requestAnchor returns the id of the control a summary entry jumps to.
func (f *Frontend) requestAnchor(key string) string {
	switch key {
	case "topics", "languages":
		return f.anchorOf(key)
	case "term":
		return "term-" + program.Terms[0]
	case "format":
		return "format-" + tandem.Formats[0]
	case "preferences":
		return "prefs"
	}
	return "f-" + key
}

// requestView builds the page's view for the form r and the stored request
// (nil before the first save) to program pr.
func (f *Frontend) requestView(c *fiber.Ctx, lang string, pr *program.Program, req *tandem.MenteeRequest, r requestForm, prefErrs map[int]string) (*requestView, error) {
	t := func(key string, args ...any) string { return f.translate(lang, key, args...) }
	v := &requestView{Form: r, Limits: reqLimits, GoalsLen: utf8.RuneCountInString(strings.TrimSpace(r.Goals))}
	key := "new"
	if req != nil {
		v.Status, key = req.Status, req.Status
	}
	v.StatusLabel, v.StatusText = t("request.label."+key), t("request.status."+key)
	v.CanSubmit = v.Status != tandem.RequestSubmitted
	v.ProgramID, v.ProgramName, v.ProgramURL = pr.ID, f.programName(lang, pr), programURL(pr.ID)
	v.Phase, v.PhaseLabel, v.IsOpenProgram = pr.Phase, f.phaseLabel(lang, pr.Phase), pr.ID == program.OpenProgram
	v.SaveURL, v.SubmitURL, v.WithdrawURL = requestURLFor(pr.ID), "/request/submit", "/request/withdraw"
	if !v.IsOpenProgram {
		v.SubmitURL += "?program=" + url.QueryEscape(pr.ID)
		v.WithdrawURL += "?program=" + url.QueryEscape(pr.ID)
	}
	if !pr.Allows(program.CanRequest) {
		v.ReadOnly, v.CanSubmit = true, false
		v.ClosedText = t("request.closed", pr.Name, v.PhaseLabel)
		if req == nil {
			v.ClosedText = t("request.closedNone", pr.Name, v.PhaseLabel)
		}
		v.TopicLabels, v.LanguageNames = f.topicLabels(r.Topics, lang), languageNames(r.languages(), lang)
		if r.Term != "" {
			v.TermLabel = f.termLabel(lang, r.Term)
		}
		if slices.Contains(tandem.Formats, r.Format) && req != nil {
			v.FormatLabel = t("request.format." + r.Format)
		}
	}
	for _, tp := range f.cfg.Profiles.Topics() {
		v.Topics = append(v.Topics, option{ID: "topic-" + tp.ID, Value: tp.ID, Label: tp.Label(lang), Checked: slices.Contains(r.Topics, tp.ID)})
	}
	for _, l := range f.names.languages[lang] {
		v.Langs = append(v.Langs, option{ID: "lang-" + l.Code, Value: l.Code, Label: l.Name, Checked: slices.Contains(r.Languages, l.Code)})
	}
	for _, x := range program.Terms {
		v.Terms = append(v.Terms, option{ID: "term-" + x, Value: x, Label: t("request.term." + x), Checked: r.Term == x})
	}
	for _, x := range tandem.Formats {
		v.Formats = append(v.Formats, option{ID: "format-" + x, Value: x, Label: t("request.format." + x), Checked: r.Format == x})
	}
	for i, p := range r.Prefs {
		pv := prefView{Index: i, Rank: i + 1, ID: p.MentorProfileID, Note: p.Note, First: i == 0, Error: prefErrs[i]}
		doc, err := f.mentorDoc(c, p.MentorProfileID)
		if err != nil {
			return nil, err
		}
		if doc == nil {
			pv.Gone = true
		} else {
			pv.Name, pv.Headline, pv.URL = doc.Name, doc.Headline, "/mentors/"+pathID(doc.ID)
		}
		v.Prefs = append(v.Prefs, pv)
	}
	v.Full = len(r.Prefs) >= tandem.MaxPreferences
	return v, nil
}

// mentorDoc returns a mentor of the directory, nil when it is not (or no
// longer) there.
func (f *Frontend) mentorDoc(c *fiber.Ctx, id string) (*search.Document, error) {
	if search.ValidateID(id) != nil {
		return nil, nil
	}
	doc, err := f.cfg.Search.Get(c.UserContext(), id)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, nil
	}
	return doc, err
}

// myRequest returns the caller's request to a program, nil when they have
// none yet.
func (f *Frontend) myRequest(c *fiber.Ctx, p *otm.Principal, programID string) (*tandem.MenteeRequest, error) {
	r, err := f.cfg.Tandems.MyRequest(c.UserContext(), p, programID)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, nil
	}
	return r, err
}

// requestProgramID is the program of a request page or form: ?program=,
// else the posted program field, else the open program.
func requestProgramID(c *fiber.Ctx, fm form) string {
	id := strings.TrimSpace(c.Query("program"))
	if id == "" && fm != nil {
		id = strings.TrimSpace(fm.get("program"))
	}
	if id == "" {
		id = program.OpenProgram
	}
	return id
}

// requestProgram loads the program a request page is about as the caller
// sees it; a program they may not see is the 404 page (pr nil, err the
// rendered page).
func (f *Frontend) requestProgram(c *fiber.Ctx, d *pageData, id, back string) (*program.Program, error) {
	pr, err := f.cfg.Programs.Program(c.UserContext(), d.Principal, id)
	if err != nil {
		return nil, f.fail(c, err, back, f.translate(d.Lang, "programs.err.notFound"))
	}
	return pr, nil
}

// requestRedirect is the request page of program id after done.
func requestRedirect(id, done string) string {
	to := requestURLFor(id)
	if strings.Contains(to, "?") {
		return to + "&done=" + done
	}
	return to + "?done=" + done
}

// fillRequestLists sets the page's lists: the caller's requests, one per
// program, and the programs that take requests where they have none.
func (f *Frontend) fillRequestLists(c *fiber.Ctx, d *pageData, v *requestView) error {
	ctx := c.UserContext()
	ps, err := f.cfg.Programs.Programs(ctx, d.Principal)
	if err != nil {
		return err
	}
	mine, err := f.cfg.Tandems.MyRequests(ctx, d.Principal)
	if err != nil {
		return err
	}
	names := f.programNames(d.Lang, ps)
	has := map[string]bool{}
	for _, r := range mine {
		pid := r.ProgramID
		if pid == "" {
			pid = program.OpenProgram
		}
		name, ok := names[pid]
		if !ok {
			continue // a program that is gone or in planning again
		}
		has[pid] = true
		v.Mine = append(v.Mine, requestLink{URL: requestURLFor(pid), Name: name,
			StatusLabel: f.translate(d.Lang, "request.label."+r.Status), Current: pid == v.ProgramID})
	}
	for i := range ps {
		pr := &ps[i]
		if pr.Allows(program.CanRequest) && !has[pr.ID] {
			v.Open = append(v.Open, requestLink{URL: requestURLFor(pr.ID), Name: f.programName(d.Lang, pr),
				PhaseLabel: f.phaseLabel(d.Lang, pr.Phase), Current: pr.ID == v.ProgramID})
		}
	}
	return nil
}

// requestNotices are the messages after a redirect (?done=).
var requestNotices = map[string]string{
	"saved":     "request.done.saved",
	"submitted": "request.done.submitted",
	"removed":   "request.done.removed",
	"moved":     "request.done.moved",
	"withdrawn": "request.done.withdrawn",
}

// requestGate sends visitors to sign in; anyone signed in may ask for a
// reverse mentor. ok tells that the caller may go on.
func (f *Frontend) requestGate(c *fiber.Ctx, d *pageData, returnTo string) (ok bool, err error) {
	if d.Principal == nil {
		return false, toSignIn(c, returnTo)
	}
	return true, nil
}

// requestPage answers GET /request (?program=, the open program by default).
func (f *Frontend) requestPage(c *fiber.Ctx) error {
	d := f.newPage(c, "request")
	if ok, err := f.requestGate(c, d, d.Here); !ok {
		return err
	}
	pr, err := f.requestProgram(c, d, requestProgramID(c, nil), d.Here)
	if pr == nil {
		return err
	}
	req, err := f.myRequest(c, d.Principal, pr.ID)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	r := requestFormFrom(tandem.RequestContent{})
	if req != nil {
		r = requestFormFrom(req.Content)
	}
	if key, ok := requestNotices[c.Query("done")]; ok {
		d.Notice = f.translate(d.Lang, key)
	}
	return f.renderRequest(c, http.StatusOK, d, pr, req, r, nil, nil, nil, "")
}

// renderRequest renders the request page of program pr.
func (f *Frontend) renderRequest(c *fiber.Ctx, status int, d *pageData, pr *program.Program, req *tandem.MenteeRequest, r requestForm,
	errs map[string]string, summary []fieldErr, prefErrs map[int]string, message string) error {
	v, err := f.requestView(c, d.Lang, pr, req, r, prefErrs)
	if err == nil {
		err = f.fillRequestLists(c, d, v)
	}
	if err != nil {
		return f.fail(c, err, "/request", "")
	}
	v.Errors, v.Summary, v.Message = errs, summary, message
	d.Title = f.translate(d.Lang, "request.title")
	if !v.IsOpenProgram {
		d.Title = f.translate(d.Lang, "request.titleIn", pr.Name)
	}
	d.Request = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "request", d)
}

// requestFailed re-renders the form after err from saving or submitting;
// saved tells that the request was stored before submitting failed.
func (f *Frontend) requestFailed(c *fiber.Ctx, d *pageData, pr *program.Program, r requestForm, err error, saved bool) error {
	status := httperr.FormStatus(err)
	var errs map[string]string
	var summary []fieldErr
	var prefErrs map[int]string
	var message string
	switch otm.ErrorCode(err) {
	case otm.EINVALID:
		errs, summary, prefErrs = f.requestErrors(c.UserContext(), d.Lang, err, r)
		message = f.translate(d.Lang, "apply.err.summary")
		if saved {
			message = f.translate(d.Lang, "request.err.incomplete")
		}
	case otm.ECONFLICT:
		message = f.translate(d.Lang, "request.err.conflict")
		if isPhaseConflict(err) {
			// The phase moved on (or never took requests): show the request
			// as stored, read-only, and why.
			message = f.translate(d.Lang, "request.err.phase", pr.Name, f.phaseLabel(d.Lang, pr.Phase))
			if cur, lerr := f.cfg.Programs.Program(c.UserContext(), d.Principal, pr.ID); lerr == nil {
				pr = cur
			}
			req, rerr := f.myRequest(c, d.Principal, pr.ID)
			if rerr != nil {
				return f.fail(c, rerr, "/request", "")
			}
			r = requestFormFrom(tandem.RequestContent{})
			if req != nil {
				r = requestFormFrom(req.Content)
			}
			return f.renderRequest(c, status, d, pr, req, r, nil, nil, nil, message)
		}
	default:
		return f.fail(c, err, "/request", "")
	}
	req, rerr := f.myRequest(c, d.Principal, pr.ID)
	if rerr != nil {
		return f.fail(c, rerr, "/request", "")
	}
	return f.renderRequest(c, status, d, pr, req, r, errs, summary, prefErrs, message)
}

// requestSave answers POST /request: save, or with action=remove:N or
// action=up:N first change the list of preferred mentors.
func (f *Frontend) requestSave(c *fiber.Ctx) error { return f.requestPost(c, false) }

// requestSubmit answers POST /request/submit: save, then send to the curators.
func (f *Frontend) requestSubmit(c *fiber.Ctx) error { return f.requestPost(c, true) }

// requestWithdraw answers POST /request/withdraw: take the caller's submitted
// request back from the curators.
func (f *Frontend) requestWithdraw(c *fiber.Ctx) error {
	d := f.newPage(c, "request")
	if ok, err := f.requestGate(c, d, "/request"); !ok {
		return err
	}
	fm := readForm(c)
	pr, err := f.requestProgram(c, d, requestProgramID(c, fm), "/request")
	if pr == nil {
		return err
	}
	if _, err := f.cfg.Tandems.WithdrawRequest(c.UserContext(), d.Principal, pr.ID); err != nil {
		return f.fail(c, err, requestURLFor(pr.ID), "")
	}
	return c.Redirect(requestRedirect(pr.ID, "withdrawn"), http.StatusSeeOther)
}

func (f *Frontend) requestPost(c *fiber.Ctx, submit bool) error {
	d := f.newPage(c, "request")
	if ok, err := f.requestGate(c, d, "/request"); !ok {
		return err
	}
	p := d.Principal
	fm := readForm(c)
	pr, err := f.requestProgram(c, d, requestProgramID(c, fm), "/request")
	if pr == nil {
		return err
	}
	r := readRequestForm(fm)
	done := "saved"
	if a := fm.get("action"); a != "" && !submit {
		var ok bool
		if done, ok = r.applyAction(a); !ok {
			return f.RenderError(c, http.StatusBadRequest, "")
		}
	}
	req, err := f.cfg.Tandems.SaveRequest(c.UserContext(), p, pr.ID, r.content())
	if err != nil {
		return f.requestFailed(c, d, pr, r, err, false)
	}
	if submit {
		if req.Status != tandem.RequestSubmitted {
			if _, err := f.cfg.Tandems.SubmitRequest(c.UserContext(), p, pr.ID); err != nil {
				return f.requestFailed(c, d, pr, r, err, true)
			}
		}
		done = "submitted"
	}
	to := requestRedirect(pr.ID, done)
	if done == "removed" || done == "moved" {
		to += "#prefs"
	}
	return c.Redirect(to, http.StatusSeeOther)
}

// requestPrefer answers POST /request/prefer (mentor=<profile id>,
// program=<program id>, the open program by default) from a mentor's
// profile page: add them to the caller's request to that program, creating
// a draft if there is none, and go back to the profile.
func (f *Frontend) requestPrefer(c *fiber.Ctx) error {
	d := f.newPage(c, "mentors")
	fm := readForm(c)
	id := strings.TrimSpace(fm.get("mentor"))
	valid := search.ValidateID(id) == nil
	back := "/mentors"
	if valid {
		back = "/mentors/" + pathID(id)
	}
	if ok, err := f.requestGate(c, d, back); !ok { // who asks before what
		return err
	}
	if !valid {
		return f.RenderError(c, http.StatusBadRequest, f.translate(d.Lang, "mentor.notFound"))
	}
	pr, err := f.requestProgram(c, d, requestProgramID(c, fm), back)
	if pr == nil {
		return err
	}
	doc, err := f.mentorDoc(c, id)
	if err != nil {
		return f.fail(c, err, back, "")
	}
	if doc == nil {
		return f.RenderError(c, http.StatusNotFound, f.translate(d.Lang, "mentor.notFound"))
	}
	req, err := f.myRequest(c, d.Principal, pr.ID)
	if err != nil {
		return f.fail(c, err, back, "")
	}
	var content tandem.RequestContent
	if req != nil {
		content = req.Content
	}
	done := "added"
	switch {
	case slices.ContainsFunc(content.Preferences, func(p tandem.Preference) bool { return p.MentorProfileID == doc.ID }):
		done = "already"
	case !pr.Allows(program.CanRequest):
		done = "closed"
	case len(content.Preferences) >= tandem.MaxPreferences:
		done = "full"
	default:
		content.Preferences = append(slices.Clone(content.Preferences), tandem.Preference{MentorProfileID: doc.ID})
		if _, err := f.cfg.Tandems.SaveRequest(c.UserContext(), d.Principal, pr.ID, content); err != nil {
			switch otm.ErrorCode(err) {
			case otm.EINVALID:
				done = "notAdded"
			case otm.ECONFLICT:
				done = "conflict"
				if isPhaseConflict(err) {
					done = "closed"
				}
			default:
				return f.fail(c, err, back, "")
			}
		}
	}
	q := url.Values{"done": {done}}
	if pr.ID != program.OpenProgram {
		q.Set("program", pr.ID)
	}
	return c.Redirect(back+"?"+q.Encode(), http.StatusSeeOther)
}

// preferProgram is one of the executive's programs that take requests, in
// the "Add to my request" box: whether the mentor is in that request.
type preferProgram struct {
	ID, Name, URL string
	InRequest     bool
	Rank, Count   int
	Full          bool
	Selected      bool
}

// preferState is the "Add to my request" box of a mentor's profile page, for
// executives: one entry per program that takes requests (the open program
// first); Choices are the ones the mentor can still be added to.
type preferState struct {
	MentorID string
	Programs []preferProgram
	Choices  []preferProgram
	// Several tells that more than one program takes requests, so that the
	// box names them.
	Several bool
	Max     int
}

// preferNotices are the messages on a profile page after adding (?done=);
// warn tells the ones that are warnings.
var preferNotices = map[string]struct {
	key  string
	warn bool
}{
	"added":    {"mentor.prefer.added", false},
	"already":  {"mentor.prefer.already", false},
	"full":     {"mentor.prefer.full", true},
	"notAdded": {"mentor.prefer.notAdded", true},
	"conflict": {"request.err.conflict", true},
	"closed":   {"mentor.prefer.closed", true},
}

// fillPrefer sets the profile page's "Add to my request" box and flash for
// a signed-in executive. It reads the programs (a small collection) and the
// caller's request to each program that takes requests (by id).
func (f *Frontend) fillPrefer(c *fiber.Ctx, d *pageData, v *mentorView, mentorID string) error {
	if f.cfg.Profiles == nil || d.Principal == nil {
		return nil
	}
	ps, err := f.cfg.Programs.Programs(c.UserContext(), d.Principal)
	if err != nil {
		return err
	}
	selected := requestProgramID(c, nil)
	st := &preferState{MentorID: mentorID, Max: tandem.MaxPreferences}
	var current *preferProgram
	for i := range ps {
		pr := &ps[i]
		if !pr.Allows(program.CanRequest) {
			continue
		}
		req, err := f.myRequest(c, d.Principal, pr.ID)
		if err != nil {
			return err
		}
		pp := preferProgram{ID: pr.ID, Name: pr.Name, URL: requestURLFor(pr.ID) + "#prefs", Selected: pr.ID == selected}
		if req != nil {
			pp.Count = len(req.Content.Preferences)
			for i, p := range req.Content.Preferences {
				if p.MentorProfileID == mentorID {
					pp.InRequest, pp.Rank = true, i+1
				}
			}
		}
		pp.Full = pp.Count >= tandem.MaxPreferences
		st.Programs = append(st.Programs, pp)
		if !pp.InRequest && !pp.Full {
			st.Choices = append(st.Choices, pp)
		}
		if pp.Selected {
			current = &st.Programs[len(st.Programs)-1]
		}
	}
	st.Several = len(st.Programs) > 1
	if len(st.Programs) == 0 {
		return nil
	}
	v.Prefer = st
	if n, ok := preferNotices[c.Query("done")]; ok {
		count := 0
		if current != nil {
			count = current.Count
		}
		switch n.key {
		case "mentor.prefer.added":
			d.Notice = f.translate(d.Lang, n.key, count, st.Max)
		case "mentor.prefer.full":
			d.Notice = f.translate(d.Lang, n.key, st.Max)
		default:
			d.Notice = f.translate(d.Lang, n.key)
		}
		d.NoticeWarn = n.warn
	}
	return nil
}
