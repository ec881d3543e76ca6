package frontend

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/moderation"
	"github.com/opentomentor/opentomentor/search"
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
	Prefs          []moderation.Preference
}

// requestFormFrom fills the form from a stored request.
func requestFormFrom(c moderation.RequestContent) requestForm {
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
		r.Format = moderation.Formats[0]
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
		if i >= 2*moderation.MaxPreferences {
			break
		}
		p := moderation.Preference{MentorProfileID: id}
		if i < len(notes) {
			p.Note = notes[i]
		}
		r.Prefs = append(r.Prefs, p)
	}
	return r
}

// content returns the form as the service's RequestContent.
func (r requestForm) content() moderation.RequestContent {
	return moderation.RequestContent{
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
	GoalsMin: moderation.GoalsMin, GoalsMax: moderation.GoalsMax, MaxTopics: moderation.MaxTopics,
	MaxLanguages: moderation.MaxLanguages, MaxInterests: moderation.MaxInterests, InterestMax: moderation.InterestMax,
	MaxPreferences: moderation.MaxPreferences, NoteMax: moderation.NoteMax,
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

// requestView is the request page.
type requestView struct {
	Status      string // "" before the first save
	StatusLabel string
	StatusText  string

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
func (f *Frontend) requestErrors(lang string, err error, r requestForm) (errs map[string]string, summary []fieldErr, prefErrs map[int]string) {
	t := func(key string, args ...any) string { return f.translate(lang, key, args...) }
	msgs := map[string][]string{}
	prefErrs = map[int]string{}
	var general []string
	add := func(key, msg string) {
		if !slices.Contains(msgs[key], msg) {
			msgs[key] = append(msgs[key], msg)
		}
	}
	langs := normCodes(r.languages(), strings.ToLower)
	interests := normCodes(splitList(r.Interests), strings.TrimSpace)
	entry := func(list []string, i int) string {
		if i >= 0 && i < len(list) {
			return list[i]
		}
		return ""
	}
	for _, fe := range otm.ErrorFields(err) {
		m := requestField.FindStringSubmatch(fe.Field)
		if m == nil {
			general = append(general, fe.Message)
			continue
		}
		base, sub, idx := m[1], m[3], -1
		if m[2] != "" {
			idx, _ = strconv.Atoi(m[2])
		}
		switch base {
		case "goals":
			switch n := utf8.RuneCountInString(strings.TrimSpace(r.Goals)); {
			case n > moderation.GoalsMax:
				add(base, t("apply.err.tooLong", moderation.GoalsMax, n))
			case n < moderation.GoalsMin:
				add(base, t("request.err.goalsShort", moderation.GoalsMin))
			default:
				add(base, t("apply.err.chars"))
			}
		case "topics":
			switch {
			case idx >= 0:
				add(base, t("apply.err.topicUnknown"))
			case len(r.Topics) > moderation.MaxTopics:
				add(base, t("apply.err.topicsMax", moderation.MaxTopics))
			default:
				add(base, t("apply.err.topicsMin"))
			}
		case "languages":
			switch {
			case idx >= 0:
				add(base, t("apply.err.language", entry(langs, idx)))
			case len(langs) > moderation.MaxLanguages:
				add(base, t("apply.err.languagesMax", moderation.MaxLanguages))
			default:
				add(base, t("request.err.languagesMin"))
			}
		case "term":
			add(base, t("request.err.term"))
		case "format":
			add(base, t("request.err.format"))
		case "interests":
			if idx >= 0 {
				add(base, t("apply.err.tag", entry(interests, idx), moderation.InterestMax))
			} else {
				add(base, t("apply.err.tagsMax", moderation.MaxInterests))
			}
		case "preferences":
			var msg string
			switch {
			case idx < 0:
				add(base, t("request.err.prefsMax", moderation.MaxPreferences))
				continue
			case sub == "note":
				msg = t("request.err.note", moderation.NoteMax)
			case strings.Contains(fe.Message, "yourself"):
				msg = t("request.err.prefSelf")
			case strings.Contains(fe.Message, "already"):
				msg = t("request.err.prefDup")
			default:
				msg = t("request.err.prefGone")
			}
			if prev := prefErrs[idx]; prev != "" && prev != msg {
				msg = prev + " " + msg
			}
			prefErrs[idx] = msg
		default:
			general = append(general, fe.Message)
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
		return "term-" + moderation.Terms[0]
	case "format":
		return "format-" + moderation.Formats[0]
	case "preferences":
		return "prefs"
	}
	return "f-" + key
}

// normCodes trims, normalizes and de-duplicates a list as the service does,
// so that list indexes in its field names point at the right entries.
func normCodes(in []string, norm func(string) string) []string {
	var out []string
	for _, v := range in {
		v = norm(strings.TrimSpace(v))
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// requestView builds the page's view for the form r and the stored request
// (nil before the first save).
func (f *Frontend) requestView(c *fiber.Ctx, lang string, req *moderation.MenteeRequest, r requestForm, prefErrs map[int]string) (*requestView, error) {
	t := func(key string, args ...any) string { return f.translate(lang, key, args...) }
	v := &requestView{Form: r, Limits: reqLimits, GoalsLen: utf8.RuneCountInString(strings.TrimSpace(r.Goals))}
	key := "new"
	if req != nil {
		v.Status, key = req.Status, req.Status
	}
	v.StatusLabel, v.StatusText = t("request.label."+key), t("request.status."+key)
	v.CanSubmit = v.Status != moderation.RequestSubmitted
	for _, tp := range f.cfg.Moderation.Topics() {
		v.Topics = append(v.Topics, option{ID: "topic-" + tp.ID, Value: tp.ID, Label: tp.Label(lang), Checked: slices.Contains(r.Topics, tp.ID)})
	}
	for _, l := range f.names.languages[lang] {
		v.Langs = append(v.Langs, option{ID: "lang-" + l.Code, Value: l.Code, Label: l.Name, Checked: slices.Contains(r.Languages, l.Code)})
	}
	for _, x := range moderation.Terms {
		v.Terms = append(v.Terms, option{ID: "term-" + x, Value: x, Label: t("request.term." + x), Checked: r.Term == x})
	}
	for _, x := range moderation.Formats {
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
	v.Full = len(r.Prefs) >= moderation.MaxPreferences
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

// myRequest returns the caller's request, nil when they have none yet.
func (f *Frontend) myRequest(c *fiber.Ctx, p *otm.Principal) (*moderation.MenteeRequest, error) {
	r, err := f.cfg.Moderation.MyRequest(c.UserContext(), p, c.Query("program"))
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, nil
	}
	return r, err
}

// requestNotices are the messages after a redirect (?done=).
var requestNotices = map[string]string{
	"saved":     "request.done.saved",
	"submitted": "request.done.submitted",
	"removed":   "request.done.removed",
	"moved":     "request.done.moved",
}

// requestGate sends visitors to sign in and shows others than executives the
// 403 page; ok tells that the caller may go on.
func (f *Frontend) requestGate(c *fiber.Ctx, d *pageData, returnTo string) (ok bool, err error) {
	if d.Principal == nil {
		return false, toSignIn(c, returnTo)
	}
	if !d.Principal.HasRole(otm.RoleMentee) {
		return false, f.RenderError(c, http.StatusForbidden, f.translate(d.Lang, "request.err.forbidden"))
	}
	return true, nil
}

// requestPage answers GET /request.
func (f *Frontend) requestPage(c *fiber.Ctx) error {
	d := f.newPage(c, "request")
	if ok, err := f.requestGate(c, d, "/request"); !ok {
		return err
	}
	req, err := f.myRequest(c, d.Principal)
	if err != nil {
		return f.fail(c, err, "/request", "")
	}
	r := requestFormFrom(moderation.RequestContent{})
	if req != nil {
		r = requestFormFrom(req.Content)
	}
	if key, ok := requestNotices[c.Query("done")]; ok {
		d.Notice = f.translate(d.Lang, key)
	}
	return f.renderRequest(c, http.StatusOK, d, req, r, nil, nil, nil, "")
}

// renderRequest renders the request page.
func (f *Frontend) renderRequest(c *fiber.Ctx, status int, d *pageData, req *moderation.MenteeRequest, r requestForm,
	errs map[string]string, summary []fieldErr, prefErrs map[int]string, message string) error {
	v, err := f.requestView(c, d.Lang, req, r, prefErrs)
	if err != nil {
		return f.fail(c, err, "/request", "")
	}
	v.Errors, v.Summary, v.Message = errs, summary, message
	d.Title = f.translate(d.Lang, "request.title")
	d.Request = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "request", d)
}

// requestFailed re-renders the form after err from saving or submitting;
// saved tells that the request was stored before submitting failed.
func (f *Frontend) requestFailed(c *fiber.Ctx, d *pageData, r requestForm, err error, saved bool) error {
	status := http.StatusUnprocessableEntity
	var errs map[string]string
	var summary []fieldErr
	var prefErrs map[int]string
	var message string
	switch otm.ErrorCode(err) {
	case otm.EINVALID:
		errs, summary, prefErrs = f.requestErrors(d.Lang, err, r)
		message = f.translate(d.Lang, "apply.err.summary")
		if saved {
			message = f.translate(d.Lang, "request.err.incomplete")
		}
	case otm.ECONFLICT:
		status = http.StatusConflict
		message = f.translate(d.Lang, "request.err.conflict")
	default:
		return f.fail(c, err, "/request", "")
	}
	req, rerr := f.myRequest(c, d.Principal)
	if rerr != nil {
		return f.fail(c, rerr, "/request", "")
	}
	return f.renderRequest(c, status, d, req, r, errs, summary, prefErrs, message)
}

// requestSave answers POST /request: save, or with action=remove:N or
// action=up:N first change the list of preferred mentors.
func (f *Frontend) requestSave(c *fiber.Ctx) error { return f.requestPost(c, false) }

// requestSubmit answers POST /request/submit: save, then send to the curators.
func (f *Frontend) requestSubmit(c *fiber.Ctx) error { return f.requestPost(c, true) }

func (f *Frontend) requestPost(c *fiber.Ctx, submit bool) error {
	d := f.newPage(c, "request")
	if ok, err := f.requestGate(c, d, "/request"); !ok {
		return err
	}
	p := d.Principal
	fm := readForm(c)
	r := readRequestForm(fm)
	done := "saved"
	if a := fm.get("action"); a != "" && !submit {
		var ok bool
		if done, ok = r.applyAction(a); !ok {
			return f.RenderError(c, http.StatusBadRequest, "")
		}
	}
	req, err := f.cfg.Moderation.SaveRequest(c.UserContext(), p, c.Query("program"), r.content())
	if err != nil {
		return f.requestFailed(c, d, r, err, false)
	}
	if submit {
		if req.Status != moderation.RequestSubmitted {
			if _, err := f.cfg.Moderation.SubmitRequest(c.UserContext(), p, c.Query("program")); err != nil {
				return f.requestFailed(c, d, r, err, true)
			}
		}
		done = "submitted"
	}
	to := "/request?done=" + done
	if done == "removed" || done == "moved" {
		to += "#prefs"
	}
	return c.Redirect(to, http.StatusSeeOther)
}

// requestPrefer answers POST /request/prefer (mentor=<profile id>) from a
// mentor's profile page: add them to the caller's request, creating a draft
// if there is none, and go back to the profile.
func (f *Frontend) requestPrefer(c *fiber.Ctx) error {
	d := f.newPage(c, "mentors")
	id := strings.TrimSpace(readForm(c).get("mentor"))
	if search.ValidateID(id) != nil {
		return f.RenderError(c, http.StatusBadRequest, f.translate(d.Lang, "mentor.notFound"))
	}
	back := "/mentors/" + pathID(id)
	if ok, err := f.requestGate(c, d, back); !ok {
		return err
	}
	doc, err := f.mentorDoc(c, id)
	if err != nil {
		return f.fail(c, err, back, "")
	}
	if doc == nil {
		return f.RenderError(c, http.StatusNotFound, f.translate(d.Lang, "mentor.notFound"))
	}
	req, err := f.myRequest(c, d.Principal)
	if err != nil {
		return f.fail(c, err, back, "")
	}
	var content moderation.RequestContent
	if req != nil {
		content = req.Content
	}
	done := "added"
	switch {
	case slices.ContainsFunc(content.Preferences, func(p moderation.Preference) bool { return p.MentorProfileID == doc.ID }):
		done = "already"
	case len(content.Preferences) >= moderation.MaxPreferences:
		done = "full"
	default:
		content.Preferences = append(slices.Clone(content.Preferences), moderation.Preference{MentorProfileID: doc.ID})
		if _, err := f.cfg.Moderation.SaveRequest(c.UserContext(), d.Principal, c.Query("program"), content); err != nil {
			switch otm.ErrorCode(err) {
			case otm.EINVALID:
				done = "notAdded"
			case otm.ECONFLICT:
				done = "conflict"
			default:
				return f.fail(c, err, back, "")
			}
		}
	}
	return c.Redirect(back+"?done="+done, http.StatusSeeOther)
}

// preferState is the "Add to my request" box of a mentor's profile page, for
// executives.
type preferState struct {
	MentorID  string
	InRequest bool
	Rank      int
	Count     int
	Max       int
	Full      bool
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
}

// fillPrefer sets the profile page's "Add to my request" box and flash for
// a signed-in executive.
func (f *Frontend) fillPrefer(c *fiber.Ctx, d *pageData, v *mentorView, mentorID string) error {
	if f.cfg.Moderation == nil || !d.Principal.HasRole(otm.RoleMentee) {
		return nil
	}
	req, err := f.myRequest(c, d.Principal)
	if err != nil {
		return err
	}
	ps := &preferState{MentorID: mentorID, Max: moderation.MaxPreferences}
	if req != nil {
		ps.Count = len(req.Content.Preferences)
		for i, p := range req.Content.Preferences {
			if p.MentorProfileID == mentorID {
				ps.InRequest, ps.Rank = true, i+1
			}
		}
	}
	ps.Full = ps.Count >= moderation.MaxPreferences
	v.Prefer = ps
	if n, ok := preferNotices[c.Query("done")]; ok {
		switch n.key {
		case "mentor.prefer.added":
			d.Notice = f.translate(d.Lang, n.key, ps.Count, ps.Max)
		case "mentor.prefer.full":
			d.Notice = f.translate(d.Lang, n.key, ps.Max)
		default:
			d.Notice = f.translate(d.Lang, n.key)
		}
		d.NoticeWarn = n.warn
	}
	return nil
}
