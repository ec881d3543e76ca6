package frontend

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/httperr"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/program"
)

// dateVal is a program date for the page: the ISO date for <time datetime>
// and its localized text; both empty when the date is not set.
type dateVal struct{ ISO, Text string }

// programDate is a labelled date or date range of a program.
type programDate struct {
	Label      string
	Start, End dateVal
}

// programItem is a program as lists and the program page show it.
type programItem struct {
	ID, URL, Name, Sponsor, Term string
	Phase, PhaseLabel            string
	IsOpen                       bool
	Dates                        []programDate
}

// phaseStep is one phase of the timeline on a program page.
type phaseStep struct {
	Phase, Label, Text string
	When               []dateVal // the dates the phase starts (and ends) on
	Current, Done      bool
}

// weightField is one matching weight of the program form.
type weightField struct {
	Key, Label, Hint, Value, Stored string
}

// dateField is one date input of the program form.
type dateField struct{ Key, Label, Value, Error string }

// programForm is the program form as typed, so that a re-rendered form
// shows exactly what was sent.
type programForm struct {
	ID, Name, Description, Sponsor, Term                   string
	RegistrationOpens, RegistrationCloses, KickOff, WrapUp string
	Curators                                               string // one e-mail per line
	Capacity                                               string
	Weights                                                map[string]string
	Version                                                string
}

// programManage is the management part of a program page (its curators and
// admins), and the whole of the new-program page.
type programManage struct {
	Action           string // the form's action
	CSRF             string
	CanEdit          bool // the phase allows changing the program
	Form             programForm
	IsOpen           bool // the open program: no dates
	Creating         bool
	CuratorsEditable bool
	CuratorList      []string
	Terms            []option
	Weights          []weightField
	Dates            []dateField
	MaxCapacity      int

	Errors  map[string]string
	Summary []fieldErr
	Message string

	// The phase stepper: the next phase, what it does, and why moving failed.
	Next, NextLabel, NextText string
	EndsTandems               bool
	PhaseError                string
	// NextWarnings say what moving on would do that may not be meant (end
	// the running tandems, come before the program's dates); Confirming
	// shows them with a second button after the first was pressed.
	NextWarnings []string
	Confirming   bool

	CanDelete              bool
	MatchURL, DashboardURL string
}

// programsView is GET /programs.
type programsView struct {
	Items     []programItem
	CanCreate bool
	// Following: the signed-in caller hears when a cohort opens its
	// registration.
	Following bool
}

// programView is a program page (Mode "show") or the new-program form
// ("new").
type programView struct {
	Mode string
	programItem
	Description string
	PhaseText   string
	Steps       []phaseStep
	// CTAURL is the link to the request page when the program takes
	// requests and the viewer is an executive or signed out.
	CTAURL    string
	CTASignIn bool
	Manage    *programManage
}

// programFieldKeys are the form's error slots in form order, with their
// label keys.
var programFieldKeys = []struct{ key, label string }{
	{"name", "programs.f.name"},
	{"id", "programs.f.id"},
	{"description", "programs.f.description"},
	{"sponsor", "programs.f.sponsor"},
	{"term", "programs.f.term"},
	{"registrationOpens", "programs.f.registrationOpens"},
	{"registrationCloses", "programs.f.registrationCloses"},
	{"kickOff", "programs.f.kickOff"},
	{"wrapUp", "programs.f.wrapUp"},
	{"curators", "programs.f.curators"},
	{"capacity", "programs.f.capacity"},
	{"weights", "programs.f.weights"},
}

// programURL is the page of a program.
func programURL(id string) string { return "/programs/" + pathID(id) }

// requestURLFor is the request page of a program (the open program's is
// plain /request).
func requestURLFor(programID string) string {
	if programID == "" || programID == program.OpenProgram {
		return "/request"
	}
	return "/request?program=" + url.QueryEscape(programID)
}

// fmtDate formats a YYYY-MM-DD date for lang.
func fmtDate(lang, s string) dateVal {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return dateVal{}
	}
	if lang == "de" {
		return dateVal{ISO: s, Text: t.Format("2.1.2006")}
	}
	return dateVal{ISO: s, Text: t.Format("2 Jan 2006")}
}

// phaseLabel is the readable name of a phase.
func (f *Frontend) phaseLabel(lang, phase string) string {
	if phase == program.PhaseOpen || slices.Contains(program.Phases, phase) {
		return f.translate(lang, "programs.phase."+phase)
	}
	return phase
}

// programItemOf is pr as lists show it.
func (f *Frontend) programItemOf(lang string, pr *program.Program) programItem {
	it := programItem{ID: pr.ID, URL: programURL(pr.ID), Name: f.programName(lang, pr), Sponsor: pr.Sponsor,
		Phase: pr.Phase, PhaseLabel: f.phaseLabel(lang, pr.Phase), IsOpen: pr.ID == program.OpenProgram}
	if pr.Term != "" {
		it.Term = f.termLabel(lang, pr.Term)
	}
	if pr.RegistrationOpens != "" || pr.RegistrationCloses != "" {
		it.Dates = append(it.Dates, programDate{Label: f.translate(lang, "programs.date.registration"),
			Start: fmtDate(lang, pr.RegistrationOpens), End: fmtDate(lang, pr.RegistrationCloses)})
	}
	if pr.KickOff != "" {
		it.Dates = append(it.Dates, programDate{Label: f.translate(lang, "programs.date.kickOff"), Start: fmtDate(lang, pr.KickOff)})
	}
	if pr.WrapUp != "" {
		it.Dates = append(it.Dates, programDate{Label: f.translate(lang, "programs.date.wrapUp"), Start: fmtDate(lang, pr.WrapUp)})
	}
	return it
}

// programSteps is the timeline of pr's phases with the current one marked.
func (f *Frontend) programSteps(lang string, pr *program.Program) []phaseStep {
	cur := slices.Index(program.Phases, pr.Phase)
	var out []phaseStep
	for i, ph := range program.Phases {
		s := phaseStep{Phase: ph, Label: f.phaseLabel(lang, ph), Text: f.translate(lang, "programs.does."+ph),
			Current: i == cur, Done: i < cur}
		var when []string
		switch ph {
		case program.PhaseRegistration:
			when = []string{pr.RegistrationOpens, pr.RegistrationCloses}
		case program.PhaseMatching:
			when = []string{pr.RegistrationCloses, pr.KickOff}
		case program.PhaseRunning:
			when = []string{pr.KickOff, pr.WrapUp}
		case program.PhaseWrapUp:
			when = []string{pr.WrapUp}
		}
		for _, w := range when {
			if d := fmtDate(lang, w); d.ISO != "" {
				s.When = append(s.When, d)
			}
		}
		out = append(out, s)
	}
	return out
}

// programsPage answers GET /programs: the programs the caller may see.
func (f *Frontend) programsPage(c *fiber.Ctx) error {
	d := f.newPage(c, "programs")
	ps, err := f.cfg.Programs.Programs(c.UserContext(), d.Principal)
	if err != nil {
		return f.fail(c, err, "/programs", "")
	}
	v := &programsView{CanCreate: d.Principal.HasRole(otm.RoleAdmin)}
	if d.Principal != nil {
		if v.Following, err = f.cfg.Programs.Following(c.UserContext(), d.Principal); err != nil {
			return f.fail(c, err, "/programs", "")
		}
	}
	for i := range ps {
		v.Items = append(v.Items, f.programItemOf(d.Lang, &ps[i]))
	}
	switch c.Query("done") {
	case "deleted":
		d.Notice = f.translate(d.Lang, "programs.done.deleted")
	case "followed":
		d.Notice = f.translate(d.Lang, "programs.done.followed")
	case "unfollowed":
		d.Notice = f.translate(d.Lang, "programs.done.unfollowed")
	}
	d.Title = f.translate(d.Lang, "programs.title")
	d.Programs = v
	return f.render(c, http.StatusOK, "programs", d)
}

// programsFollow answers POST /programs/follow (follow=on|off): the caller
// hears, or no longer hears, when a cohort opens its registration. Another
// value is refused (nothing changes).
func (f *Frontend) programsFollow(c *fiber.Ctx) error {
	d := f.newPage(c, "programs")
	if d.Principal == nil {
		return toSignIn(c, "/programs")
	}
	var on bool
	switch c.FormValue("follow") {
	case "on":
		on = true
	case "off":
	default:
		return f.fail(c, otm.Invalid("Say whether to follow the programs.",
			otm.Field("follow", otm.RuleOneOf, otm.Args{"allowed": []string{"on", "off"}}, "on or off")), "/programs", "")
	}
	if err := f.cfg.Programs.Follow(c.UserContext(), d.Principal, on); err != nil {
		return f.fail(c, err, "/programs", "")
	}
	done := "unfollowed"
	if on {
		done = "followed"
	}
	return c.Redirect("/programs?done="+done, http.StatusSeeOther)
}

// requireAdminPage sends visitors to sign in and shows others than admins
// the 403 page; ok tells that the caller may go on.
func (f *Frontend) requireAdminPage(c *fiber.Ctx, d *pageData, returnTo, refusalKey string) (ok bool, err error) {
	if d.Principal == nil {
		return false, toSignIn(c, returnTo)
	}
	if !d.Principal.HasRole(otm.RoleAdmin) {
		return false, f.RenderError(c, http.StatusForbidden, f.translate(d.Lang, refusalKey))
	}
	return true, nil
}

// programNew answers GET /programs/new (admins).
func (f *Frontend) programNew(c *fiber.Ctx) error {
	d := f.newPage(c, "programs")
	if ok, err := f.requireAdminPage(c, d, "/programs/new", "programs.err.adminOnly"); !ok {
		return err
	}
	w := program.DefaultProgramWeights()
	fm := programFormOf(&program.Program{Capacity: 1, Weights: w})
	fm.Capacity = "1"
	return f.renderProgramNew(c, http.StatusOK, d, fm, nil)
}

func (f *Frontend) renderProgramNew(c *fiber.Ctx, status int, d *pageData, fm programForm, err error) error {
	m := f.programManage(d.Lang, fm, nil, true)
	m.Action, m.Creating, m.CSRF = "/programs", true, d.Principal.CSRFToken
	f.programErrors(d.Lang, m, err)
	d.Title = f.translate(d.Lang, "programs.new.title")
	d.Program = &programView{Mode: "new", Manage: m}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "programs", d)
}

// programCreate answers POST /programs (admins).
func (f *Frontend) programCreate(c *fiber.Ctx) error {
	d := f.newPage(c, "programs")
	if ok, err := f.requireAdminPage(c, d, "/programs/new", "programs.err.adminOnly"); !ok {
		return err
	}
	fm := readProgramForm(readForm(c))
	in := fm.input(nil)
	in.ID = strings.TrimSpace(fm.ID)
	pr, err := f.cfg.Programs.CreateProgram(c.UserContext(), d.Principal, in)
	if err != nil {
		switch otm.ErrorCode(err) {
		case otm.EINVALID:
			return f.renderProgramNew(c, http.StatusUnprocessableEntity, d, fm, err)
		case otm.ECONFLICT:
			return f.renderProgramNew(c, http.StatusConflict, d, fm, err)
		}
		return f.fail(c, err, "/programs/new", "")
	}
	return c.Redirect(programURL(pr.ID)+"?done=created", http.StatusSeeOther)
}

// programNotices are the messages after a redirect to a program page.
var programNotices = map[string]string{
	"created": "programs.done.created",
	"saved":   "programs.done.saved",
	"phase":   "programs.done.phase",
}

// programPage answers GET /programs/:id.
func (f *Frontend) programPage(c *fiber.Ctx) error {
	d := f.newPage(c, "programs")
	pr, err := f.cfg.Programs.Program(c.UserContext(), d.Principal, c.Params("id"))
	if err != nil {
		return f.fail(c, err, d.Here, f.translate(d.Lang, "programs.err.notFound"))
	}
	if key, ok := programNotices[c.Query("done")]; ok {
		if key == programNotices["phase"] {
			d.Notice = f.translate(d.Lang, key, f.phaseLabel(d.Lang, pr.Phase))
		} else {
			d.Notice = f.translate(d.Lang, key)
		}
	}
	return f.renderProgram(c, http.StatusOK, d, pr, nil, nil)
}

// renderProgram renders a program page; fm (nil: the stored program) and err
// are a failed edit or phase change to show in the management section.
func (f *Frontend) renderProgram(c *fiber.Ctx, status int, d *pageData, pr *program.Program, fm *programForm, err error) error {
	return f.renderProgramPage(c, status, d, pr, fm, err, false)
}

// renderProgramPage renders a program page, asking to confirm the move to
// the next phase when confirm is set.
func (f *Frontend) renderProgramPage(c *fiber.Ctx, status int, d *pageData, pr *program.Program, fm *programForm, err error, confirm bool) error {
	lang := d.Lang
	v := &programView{Mode: "show", programItem: f.programItemOf(lang, pr), Description: pr.Description,
		PhaseText: f.translate(lang, "programs.does."+pr.Phase)}
	if pr.ID != program.OpenProgram {
		v.Steps = f.programSteps(lang, pr)
	}
	p := d.Principal
	if pr.Allows(program.CanRequest) {
		v.CTAURL, v.CTASignIn = requestURLFor(pr.ID), p == nil
	}
	if program.Curates(p, pr) {
		form := programFormOf(pr)
		if fm != nil {
			form = *fm
			form.Version = strconv.FormatInt(pr.Version, 10)
		}
		m := f.programManage(lang, form, pr, p.HasRole(otm.RoleAdmin))
		m.Action, m.CSRF = programURL(pr.ID), p.CSRFToken
		m.IsOpen = pr.ID == program.OpenProgram
		m.CuratorList = pr.Curators
		if next := program.Next(pr.Phase); next != "" && !m.IsOpen {
			m.Next, m.NextLabel, m.NextText = next, f.phaseLabel(lang, next), f.translate(lang, "programs.does."+next)
			m.EndsTandems = next == program.PhaseWrapUp
			m.NextWarnings = f.phaseWarnings(lang, pr, next, time.Now())
		}
		m.Confirming = confirm && len(m.NextWarnings) > 0
		m.CanDelete = p.HasRole(otm.RoleAdmin) && pr.Phase == program.PhasePlanning
		m.MatchURL = "/match?program=" + url.QueryEscape(pr.ID)
		m.DashboardURL = programURL(pr.ID) + "/dashboard"
		f.programErrors(lang, m, err)
		v.Manage = m
	}
	d.Title = f.programName(lang, pr)
	d.Program = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "programs", d)
}

// programManage builds the form part of the management section.
func (f *Frontend) programManage(lang string, fm programForm, pr *program.Program, admin bool) *programManage {
	t := func(key string, args ...any) string { return f.translate(lang, key, args...) }
	m := &programManage{Form: fm, CuratorsEditable: admin, MaxCapacity: program.MaxCapacity, CanEdit: pr == nil || pr.Allows(program.CanEdit)}
	for _, x := range program.Terms {
		m.Terms = append(m.Terms, option{Value: x, Label: t("request.term." + x), Checked: fm.Term == x})
	}
	for _, k := range []struct{ key, value string }{{"registrationOpens", fm.RegistrationOpens},
		{"registrationCloses", fm.RegistrationCloses}, {"kickOff", fm.KickOff}, {"wrapUp", fm.WrapUp}} {
		m.Dates = append(m.Dates, dateField{Key: k.key, Label: t("programs.f." + k.key), Value: k.value})
	}
	var stored map[string]float64
	if pr != nil {
		stored = weightMap(pr.Weights)
	}
	for _, k := range matchFactors {
		w := weightField{Key: k, Label: f.factorLabel(lang, k), Hint: t("programs.weight." + k), Value: fm.Weights[k]}
		if s, ok := stored[k]; ok && round05(s) != s {
			w.Stored = fmtScore(lang, s)
		}
		m.Weights = append(m.Weights, w)
	}
	return m
}

// weightMap returns w by factor name.
func weightMap(w program.ProgramWeights) map[string]float64 {
	return map[string]float64{matching.FactorTopic: w.Topic, matching.FactorLanguage: w.Language,
		matching.FactorAvailability: w.Availability, matching.FactorInterests: w.Interests,
		matching.FactorTimeZone: w.TimeZone, matching.FactorPreference: w.Preference}
}

// round05 rounds a weight to the form's step of 0.05.
func round05(v float64) float64 { return math.Round(v*20) / 20 }

// fmtWeight is a weight as the number input takes it.
func fmtWeight(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// programFormOf fills the form from a stored program. Weights are shown
// rounded to the form's step; input keeps the stored ones if they come back
// unchanged.
func programFormOf(pr *program.Program) programForm {
	fm := programForm{ID: pr.ID, Name: pr.Name, Description: pr.Description, Sponsor: pr.Sponsor, Term: pr.Term,
		RegistrationOpens: pr.RegistrationOpens, RegistrationCloses: pr.RegistrationCloses, KickOff: pr.KickOff, WrapUp: pr.WrapUp,
		Curators: strings.Join(pr.Curators, "\n"), Capacity: strconv.Itoa(pr.Capacity), Weights: map[string]string{},
		Version: strconv.FormatInt(pr.Version, 10)}
	for k, v := range weightMap(pr.Weights) {
		fm.Weights[k] = fmtWeight(round05(v))
	}
	return fm
}

// readProgramForm reads the posted program form.
func readProgramForm(fm form) programForm {
	out := programForm{ID: fm.get("id"), Name: fm.get("name"), Description: fm.get("description"), Sponsor: fm.get("sponsor"),
		Term: fm.get("term"), RegistrationOpens: fm.get("registrationOpens"), RegistrationCloses: fm.get("registrationCloses"),
		KickOff: fm.get("kickOff"), WrapUp: fm.get("wrapUp"), Curators: fm.get("curators"), Capacity: fm.get("capacity"),
		Weights: map[string]string{}, Version: fm.get("version")}
	for _, k := range matchFactors {
		out.Weights[k] = fm.get("weight_" + k)
	}
	return out
}

// number parses a form number; "" is 0 and anything unparsable bad (-1, so
// that the service names the field).
func number(s string) float64 {
	s = strings.TrimSpace(strings.Replace(s, ",", ".", 1))
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return -1
	}
	return v
}

// input is the form as the service's ProgramInput. cur is the stored program
// (nil on creation): its curators go back unchanged when the form has none
// to edit, and its exact weights when the rounded ones come back unchanged.
func (fm programForm) input(cur *program.Program) program.ProgramInput {
	in := program.ProgramInput{Name: fm.Name, Description: fm.Description, Sponsor: fm.Sponsor, Term: fm.Term,
		RegistrationOpens: fm.RegistrationOpens, RegistrationCloses: fm.RegistrationCloses, KickOff: fm.KickOff, WrapUp: fm.WrapUp,
		Curators: strings.FieldsFunc(fm.Curators, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' || r == ' ' || r == '\t' })}
	if c := strings.TrimSpace(fm.Capacity); c != "" {
		if n, err := strconv.Atoi(c); err == nil {
			in.Capacity = n
		} else {
			in.Capacity = -1
		}
	}
	w := program.ProgramWeights{Topic: number(fm.Weights[matching.FactorTopic]), Language: number(fm.Weights[matching.FactorLanguage]),
		Availability: number(fm.Weights[matching.FactorAvailability]), Interests: number(fm.Weights[matching.FactorInterests]),
		TimeZone: number(fm.Weights[matching.FactorTimeZone]), Preference: number(fm.Weights[matching.FactorPreference])}
	if cur != nil {
		same := true
		stored := weightMap(cur.Weights)
		for k, v := range weightMap(w) {
			if v != round05(stored[k]) {
				same = false
			}
		}
		if same {
			w = cur.Weights
		}
	}
	in.Weights = &w
	return in
}

// programErrors puts err (from saving, creating or moving the phase) into
// the management section as localized field messages and a summary.
func (f *Frontend) programErrors(lang string, m *programManage, err error) {
	if err == nil {
		return
	}
	t := func(key string, args ...any) string { return f.translate(lang, key, args...) }
	msgs := map[string][]string{}
	add := func(key, msg string) {
		if !slices.Contains(msgs[key], msg) {
			msgs[key] = append(msgs[key], msg)
		}
	}
	for _, fe := range otm.ErrorFields(err) {
		key, idx, _ := strings.Cut(fe.Field, "[")
		key, sub, _ := strings.Cut(key, ".")
		switch key {
		case "name":
			add(key, t("programs.err.name", program.ProgramNameMax))
		case "description":
			add(key, t("programs.err.tooLong", program.ProgramDescriptionMax))
		case "sponsor":
			add(key, t("programs.err.tooLong", program.ProgramNameMax))
		case "id":
			if fe.Rule == otm.RuleTaken {
				add(key, t("programs.err.idTaken"))
			} else {
				add(key, t("programs.err.id"))
			}
		case "term":
			add(key, t("programs.err.term"))
		case "registrationOpens", "registrationCloses", "kickOff", "wrapUp":
			switch fe.Rule {
			case otm.RuleRequiredOnce:
				add(key, t("programs.err.dateRequired"))
			case otm.RuleNoDates:
				add(key, t("programs.err.openNoDates"))
			case otm.RuleDateOrder:
				add(key, t("programs.err.dateOrder"))
			case otm.RuleAfterKickOff:
				add(key, t("programs.err.wrapUpAfter"))
			default:
				add(key, t("programs.err.date"))
			}
		case "curators":
			switch {
			case idx != "":
				add(key, t("programs.err.curator", str(fe.Args["value"])))
			case fe.Rule == otm.RuleAdminsOnly:
				add(key, t("programs.err.curatorsAdmin"))
			default:
				add(key, t("programs.err.curatorsMax", program.MaxProgramCurators))
			}
		case "capacity":
			if fe.Rule == otm.RuleMinValue {
				add(key, t("programs.err.capacityShrink", str(fe.Args["min"])))
			} else {
				add(key, t("programs.err.capacity", program.MaxCapacity))
			}
		case "weights":
			if sub != "" {
				add(key, t("programs.err.weight", f.factorLabel(lang, sub)))
			} else {
				add(key, t("programs.err.weightsZero"))
			}
		case "version":
			m.Message = t("programs.err.version")
		case "phase":
			switch fe.Rule {
			case otm.RuleWrongPhase:
				m.PhaseError = t("programs.err.wrongPhase")
			case ruleFieldsNeeded:
				m.PhaseError = t("programs.err.phaseFields")
			case otm.RuleNextPhase:
				if next := str(fe.Args["next"]); next != "" {
					m.PhaseError = t("programs.err.oneStep", f.phaseLabel(lang, next))
				} else {
					m.PhaseError = t("programs.err.lastPhase")
				}
			default:
				m.PhaseError = t("programs.err.openPhases")
			}
		default:
			m.Message = t("programs.err.general")
		}
	}
	if len(msgs) > 0 {
		m.Errors = map[string]string{}
		for _, k := range programFieldKeys {
			if ms := msgs[k.key]; len(ms) > 0 {
				m.Errors[k.key] = strings.Join(ms, " ")
				m.Summary = append(m.Summary, fieldErr{Key: k.key, Anchor: programAnchor(k.key), Label: t(k.label), Message: m.Errors[k.key]})
			}
		}
		for i := range m.Dates {
			m.Dates[i].Error = m.Errors[m.Dates[i].Key]
		}
		if m.Message == "" {
			m.Message = t("programs.err.summary")
		}
	}
	if m.Message == "" && m.PhaseError == "" {
		switch otm.ErrorCode(err) {
		case otm.ECONFLICT:
			m.Message = t("programs.err.version")
		default:
			m.Message = t("programs.err.general")
		}
	}
}

// programAnchor is the id of the control an error summary entry jumps to.
func programAnchor(key string) string {
	switch key {
	case "weights":
		return "pw-" + matching.FactorTopic
	}
	return "pf-" + key
}

// programFor loads the program of an edit or phase change: its curators and
// admins only (others get 403, or 404 when they may not see it).
func (f *Frontend) programFor(c *fiber.Ctx, d *pageData) (*program.Program, error) {
	id := c.Params("id")
	back := programURL(id)
	if d.Principal == nil {
		return nil, toSignIn(c, back)
	}
	pr, err := f.cfg.Programs.Program(c.UserContext(), d.Principal, id)
	if err != nil {
		return nil, f.fail(c, err, back, f.translate(d.Lang, "programs.err.notFound"))
	}
	if !program.Curates(d.Principal, pr) {
		return nil, f.RenderError(c, http.StatusForbidden, f.translate(d.Lang, "programs.err.notCurator", pr.Name))
	}
	return pr, nil
}

// programUpdate answers POST /programs/:id: save the edit form.
func (f *Frontend) programUpdate(c *fiber.Ctx) error {
	d := f.newPage(c, "programs")
	pr, err := f.programFor(c, d)
	if pr == nil {
		return err
	}
	fm := readProgramForm(readForm(c))
	in := fm.input(pr)
	if !d.Principal.HasRole(otm.RoleAdmin) {
		in.Curators = pr.Curators // shown read-only: only admins change them
		fm.Curators = strings.Join(pr.Curators, "\n")
	}
	version, _ := strconv.ParseInt(strings.TrimSpace(fm.Version), 10, 64)
	if version <= 0 {
		version = -1 // a form always names its version: a missing one is stale
	}
	if _, err := f.cfg.Programs.UpdateProgram(c.UserContext(), d.Principal, pr.ID, in, version); err != nil {
		status := httperr.FormStatus(err)
		switch otm.ErrorCode(err) {
		case otm.EINVALID:
		case otm.ECONFLICT:
		default:
			return f.fail(c, err, programURL(pr.ID), "")
		}
		return f.renderProgram(c, status, d, pr, &fm, err)
	}
	return c.Redirect(programURL(pr.ID)+"?done=saved", http.StatusSeeOther)
}

// programPhase answers POST /programs/:id/phase (phase=<next phase>).
func (f *Frontend) programPhase(c *fiber.Ctx) error {
	d := f.newPage(c, "programs")
	pr, err := f.programFor(c, d)
	if pr == nil {
		return err
	}
	form := readForm(c)
	to := strings.TrimSpace(form.get("phase"))
	// A move with consequences (ending tandems, coming before the dates)
	// takes a second, explicit step.
	if to == program.Next(pr.Phase) && form.get("confirm") != "yes" && len(f.phaseWarnings(d.Lang, pr, to, time.Now())) > 0 {
		return f.renderProgramConfirm(c, d, pr)
	}
	if _, err := f.cfg.Programs.AdvancePhase(c.UserContext(), d.Principal, pr.ID, to); err != nil {
		status := httperr.FormStatus(err)
		switch otm.ErrorCode(err) {
		case otm.EINVALID:
		case otm.ECONFLICT:
		default:
			return f.fail(c, err, programURL(pr.ID), "")
		}
		if otm.ErrorCode(err) == otm.EINVALID && !slices.ContainsFunc(otm.ErrorFields(err), func(fe otm.FieldError) bool { return fe.Field == "phase" }) {
			// Dates missing for registration: say so at the stepper too.
			err = withPhaseNote(err)
		}
		return f.renderProgram(c, status, d, pr, nil, err)
	}
	return c.Redirect(programURL(pr.ID)+"?done=phase", http.StatusSeeOther)
}

// phaseDate is the program date each phase is planned to start on.
var phaseDate = map[string]func(pr *program.Program) string{
	program.PhaseRegistration: func(pr *program.Program) string { return pr.RegistrationOpens },
	program.PhaseMatching:     func(pr *program.Program) string { return pr.RegistrationCloses },
	program.PhaseRunning:      func(pr *program.Program) string { return pr.KickOff },
	program.PhaseWrapUp:       func(pr *program.Program) string { return pr.WrapUp },
}

// phaseWarnings says what moving pr to next now would do that may not be
// meant: end its running tandems and withdraw open proposals (wrap-up), or
// start the phase before the date the program gives for it.
func (f *Frontend) phaseWarnings(lang string, pr *program.Program, next string, now time.Time) []string {
	var out []string
	if date, ok := phaseDate[next]; ok {
		if d, err := time.Parse(program.DateLayout, date(pr)); err == nil && now.UTC().Before(d) {
			out = append(out, f.translate(lang, "programs.warn.early", f.phaseLabel(lang, next), evalDate(lang, &d)))
		}
	}
	if next == program.PhaseWrapUp {
		out = append(out, f.translate(lang, "programs.warn.endsTandems"))
	}
	return out
}

// renderProgramConfirm shows the program page asking to confirm the move
// to the next phase.
func (f *Frontend) renderProgramConfirm(c *fiber.Ctx, d *pageData, pr *program.Program) error {
	return f.renderProgramPage(c, http.StatusOK, d, pr, nil, nil, true)
}

// ruleFieldsNeeded marks the note withPhaseNote adds (the pages' own rule:
// the service never sends it).
const ruleFieldsNeeded = "fields_needed"

// withPhaseNote adds a "phase" field to a field error of moving the phase
// (dates missing), so that the stepper says why it did not move.
func withPhaseNote(err error) error {
	return otm.WithField(err, otm.Field("phase", ruleFieldsNeeded, nil, "fields need attention"))
}

// programDelete answers POST /programs/:id/delete (admins, programs in
// planning).
func (f *Frontend) programDelete(c *fiber.Ctx) error {
	d := f.newPage(c, "programs")
	id := c.Params("id")
	if ok, err := f.requireAdminPage(c, d, programURL(id), "programs.err.adminOnly"); !ok {
		return err
	}
	if err := f.cfg.Programs.DeleteProgram(c.UserContext(), d.Principal, id); err != nil {
		msg := ""
		if otm.ErrorCode(err) == otm.ECONFLICT {
			msg = f.translate(d.Lang, "programs.err.deletePhase")
		}
		return f.fail(c, err, programURL(id), msg)
	}
	return c.Redirect("/programs?done=deleted", http.StatusSeeOther)
}

// programName is a program's name for lang: the standing open program's
// default name is translated (an admin's own name for it is kept as written).
func (f *Frontend) programName(lang string, pr *program.Program) string {
	return f.programNameOf(lang, pr.ID, pr.Name)
}

func (f *Frontend) programNameOf(lang, id, name string) string {
	if id == program.OpenProgram && name == program.OpenProgramName {
		return f.translate(lang, "programs.open.name")
	}
	return name
}

// programNames returns the names of programs by id, for lists that name each
// entry's program.
func (f *Frontend) programNames(lang string, ps []program.Program) map[string]string {
	out := make(map[string]string, len(ps))
	for i := range ps {
		out[ps[i].ID] = f.programName(lang, &ps[i])
	}
	return out
}

// isPhaseConflict tells whether err refuses an action in the program's
// current phase (the service names the field "phase" and the rule).
func isPhaseConflict(err error) bool {
	rule, _ := otm.ErrorRule(err)
	return otm.ErrorCode(err) == otm.ECONFLICT && rule == otm.RuleWrongPhase
}
