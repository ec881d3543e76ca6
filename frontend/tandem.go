package frontend

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/cadence"
	"github.com/opentomentor/opentomentor/internal/httperr"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

// meetingNotesMax is the longest meeting note the service accepts.
const meetingNotesMax = 2000

// Defaults of a new cadence.
const (
	defaultTimezone = "Europe/Berlin"
	defaultTime     = "18:00"
	defaultDuration = "60"
)

// commonZones are offered in the time zone field's list; any IANA name is
// accepted.
var commonZones = []string{
	"Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/Amsterdam", "Europe/Brussels", "Europe/Luxembourg",
	"Europe/Paris", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Madrid", "Europe/Rome",
	"Europe/Copenhagen", "Europe/Oslo", "Europe/Stockholm", "Europe/Helsinki", "Europe/Warsaw", "Europe/Prague",
	"Europe/Budapest", "Europe/Bucharest", "Europe/Athens", "Europe/Istanbul", "Europe/Kyiv",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
	"America/Mexico_City", "America/Sao_Paulo", "Africa/Lagos", "Africa/Johannesburg", "Asia/Dubai",
	"Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "UTC",
}

// tandemView is one tandem's page for one side of the pair: the partner,
// the agreed cadence, the calendar, the meeting log and the forms.
type tandemView struct {
	ID                                         string
	OtherName, OtherFirst, OtherOrg, OtherRole string
	OtherContact                               string // the partner's address, when they shared it
	ProgramName, ProgramURL                    string
	Topics                                     []string
	Term, Status, StatusLabel, StateNote       string
	CSRF                                       string

	// Cadence is the agreed cadence in words ("" while none is set);
	// CalendarURL the ICS file of the API, set with it.
	Cadence, CalendarURL string

	// HasLog tells that the tandem ran, so that it has a meeting log.
	HasLog   bool
	Meetings []meetingItem
	// CanMeet shows the forms; else Note says why the page is read-only.
	CanMeet bool
	Note    string
	// Error is a refused change that concerns no field (409).
	Error string

	CadenceAction, MeetingAction string
	CadenceForm                  cadenceForm
	MeetingForm                  meetingForm
	Everys, Weekdays             []option
	Zones                        []string
	NotesMax                     int
}

// meetingItem is one entry of the meeting log.
type meetingItem struct {
	ID     string
	Date   dateVal
	Author string // "you" or the partner's first name, localized
	Mine   bool
	Notes  string
}

// cadenceForm is the cadence form's values (saved, default or entered) and
// their error messages.
type cadenceForm struct {
	Key                                                 string // "cadence": ids of the error summary
	Every, Weekday, Time, Duration, Timezone, StartDate string
	Errors                                              map[string]string
	Message                                             string
	Summary                                             []fieldErr
}

// meetingForm is the meeting form's values and their error messages.
type meetingForm struct {
	Key                  string // "meeting": ids of the error summary
	Date, Notes, MaxDate string
	Errors               map[string]string
	Message              string
	Summary              []fieldErr
}

// tandemPageState is a failed change to show again.
type tandemPageState struct {
	cadence *cadenceForm
	meeting *meetingForm
	msg     string // a refusal that concerns no field
}

// myTandemNotices are the flash messages after a change (?done=).
var myTandemNotices = map[string]string{"cadence": "mytandem.done.cadence", "meeting": "mytandem.done.meeting"}

// tandemURL is the page of a tandem.
func tandemURL(id string) string { return "/tandems/" + pathID(id) }

// tandemPage answers GET /tandems/:id: the pair only (anyone else gets the
// not-found page, visitors are sent to sign in).
func (f *Frontend) tandemPage(c *fiber.Ctx) error {
	d := f.newPage(c, "tandems")
	if d.Principal == nil {
		return toSignIn(c, d.Here)
	}
	if key, ok := myTandemNotices[c.Query("done")]; ok {
		d.Notice = f.translate(d.Lang, key)
	}
	return f.renderTandem(c, http.StatusOK, d, c.Params("id"), tandemPageState{})
}

// myTandem returns the tandem id of the caller; ENOTFOUND when they are not
// part of it.
func (f *Frontend) myTandem(c *fiber.Ctx, p *otm.Principal, id string) (*tandem.Tandem, error) {
	ts, err := f.cfg.Tandems.MyTandems(c.UserContext(), p)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].ID == id {
			return &ts[i], nil
		}
	}
	return nil, otm.Errorf(otm.ENOTFOUND, "Tandem not found.")
}

func (f *Frontend) renderTandem(c *fiber.Ctx, status int, d *pageData, id string, st tandemPageState) error {
	lang := d.Lang
	ctx := c.UserContext()
	here := tandemURL(id)
	t, err := f.myTandem(c, d.Principal, id)
	if err != nil {
		return f.fail(c, err, here, "")
	}
	side := t.Side(d.Principal.UserID)
	v := &tandemView{ID: t.ID, Topics: f.topicLabels(t.Topics, lang), Term: f.termLabel(lang, t.Term), Status: t.Status,
		StatusLabel: f.translate(lang, "tandems.status."+t.Status), StateNote: f.stateNote(lang, t, side), CSRF: d.Principal.CSRFToken,
		CadenceAction: here + "/cadence", MeetingAction: here + "/meetings", Zones: commonZones, NotesMax: meetingNotesMax}
	switch t.Status {
	case tandem.TandemProposed, tandem.TandemActive, tandem.TandemDeclined, tandem.TandemEnded:
	default:
		v.StatusLabel = t.Status
	}
	if side == tandem.SideMentor {
		v.OtherName, v.OtherOrg, v.OtherRole = t.MenteeName, t.MenteeOrg, f.translate(lang, "tandems.role.mentee")
	} else {
		v.OtherName, v.OtherOrg, v.OtherRole = t.MentorName, t.MentorOrg, f.translate(lang, "tandems.role.mentor")
	}
	v.OtherFirst, v.OtherContact = firstName(v.OtherName), t.PartnerContact
	pr, err := f.cfg.Programs.Program(ctx, d.Principal, t.ProgramID)
	if err != nil {
		pr = nil // shown without the program; the forms need its phase
	}
	if pr != nil {
		v.ProgramName, v.ProgramURL = f.programName(lang, pr), programURL(pr.ID)
	}
	v.HasLog = t.Status == tandem.TandemActive || (t.Status == tandem.TandemEnded && t.ActivatedAt != nil)
	v.CanMeet = t.Status == tandem.TandemActive && pr != nil && pr.Allows(program.CanMeet)
	switch {
	case v.CanMeet:
	case t.Status == tandem.TandemProposed:
		v.Note = f.translate(lang, "mytandem.note.proposed")
	case !v.HasLog:
		v.Note = f.translate(lang, "mytandem.note.neverRan")
	case t.Status == tandem.TandemEnded:
		v.Note = f.translate(lang, "mytandem.note.ended")
	case pr != nil:
		v.Note = f.translate(lang, "mytandem.note.phase", f.phaseLabel(lang, pr.Phase))
	default:
		v.Note = f.translate(lang, "mytandem.note.locked")
	}
	if v.HasLog {
		ms, err := f.cfg.Tandems.Meetings(ctx, d.Principal, t.ID)
		if err != nil {
			return f.fail(c, err, here, "")
		}
		for _, m := range ms {
			it := meetingItem{ID: m.ID, Date: longDate(f, lang, m.Date), Mine: m.AuthorSide == side, Notes: m.Notes}
			if it.Mine {
				it.Author = f.translate(lang, "mytandem.log.byYou")
			} else {
				it.Author = f.translate(lang, "mytandem.log.by", v.OtherFirst)
			}
			v.Meetings = append(v.Meetings, it)
		}
		if t.Cadence != nil {
			v.Cadence = f.cadenceText(lang, t.Cadence)
			v.CalendarURL = "/api/v1/me/tandems/" + pathID(t.ID) + "/calendar.ics"
		}
	}

	today := time.Now().UTC()
	switch {
	case st.cadence != nil:
		v.CadenceForm = *st.cadence
	case t.Cadence != nil:
		cd := t.Cadence
		v.CadenceForm = cadenceForm{Every: cd.Every, Weekday: strconv.Itoa(cd.Weekday), Time: cd.Time,
			Duration: strconv.Itoa(cd.DurationMinutes), Timezone: cd.Timezone, StartDate: cd.StartDate}
	default:
		start := today.Format(time.DateOnly)
		if pr != nil && pr.KickOff > start {
			start = pr.KickOff
		}
		v.CadenceForm = cadenceForm{Every: cadence.Biweekly, Weekday: strconv.Itoa(isoWeekday(today)), Time: defaultTime,
			Duration: defaultDuration, Timezone: defaultTimezone, StartDate: start}
	}
	if st.meeting != nil {
		v.MeetingForm = *st.meeting
	} else {
		v.MeetingForm = meetingForm{Date: today.Format(time.DateOnly)}
	}
	v.CadenceForm.Key, v.MeetingForm.Key = "cadence", "meeting"
	v.MeetingForm.MaxDate = today.AddDate(0, 0, 1).Format(time.DateOnly)
	for _, e := range []string{cadence.Weekly, cadence.Biweekly, cadence.Monthly} {
		v.Everys = append(v.Everys, option{Value: e, Label: f.translate(lang, "mytandem.every."+e), Checked: v.CadenceForm.Every == e})
	}
	for i, name := range f.weekdayNames(lang) {
		n := strconv.Itoa(i + 1)
		v.Weekdays = append(v.Weekdays, option{Value: n, Label: name, Checked: v.CadenceForm.Weekday == n})
	}
	v.Error = st.msg
	d.Title = f.translate(lang, "mytandem.title", v.OtherName)
	d.Tandem = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "tandem", d)
}

// firstName is the first word of a display name.
func firstName(name string) string {
	if fs := strings.Fields(name); len(fs) > 0 {
		return fs[0]
	}
	return name
}

// isoWeekday is t's ISO weekday: 1 = Monday … 7 = Sunday.
func isoWeekday(t time.Time) int { return (int(t.Weekday())+6)%7 + 1 }

// listMessage splits the comma-separated message key into its items.
func (f *Frontend) listMessage(lang, key string) []string {
	return strings.Split(f.translate(lang, key), ",")
}

// weekdayNames are Monday … Sunday in lang.
func (f *Frontend) weekdayNames(lang string) []string {
	return f.listMessage(lang, "mytandem.weekdays")
}

// longDate formats a YYYY-MM-DD date with the month's name: "2 March 2027",
// "2. März 2027".
func longDate(f *Frontend, lang, s string) dateVal {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return dateVal{ISO: s, Text: s}
	}
	months := f.listMessage(lang, "mytandem.months")
	month := t.Month().String()
	if len(months) == 12 {
		month = months[t.Month()-1]
	}
	return dateVal{ISO: s, Text: f.translate(lang, "mytandem.date", t.Day(), month, t.Year())}
}

// cadenceText says a cadence in words: "Every other Tuesday at 18:30
// (Europe/Berlin), 60 minutes, from 2 March 2027".
func (f *Frontend) cadenceText(lang string, cd *cadence.Cadence) string {
	days := f.weekdayNames(lang)
	day := strconv.Itoa(cd.Weekday)
	if cd.Weekday >= 1 && cd.Weekday <= len(days) {
		day = days[cd.Weekday-1]
	}
	// The first meeting: the first of the weekday on or after the start
	// date ("from" names it, not the start date: every Wednesday from 4
	// December meets first on 9 December).
	from := cd.StartDate
	first, err := time.Parse(time.DateOnly, cd.StartDate)
	if err == nil {
		for i := 0; i < 7 && isoWeekday(first) != cd.Weekday; i++ {
			first = first.AddDate(0, 0, 1)
		}
		from = first.Format(time.DateOnly)
	}
	var every string
	switch cd.Every {
	case cadence.Monthly:
		// The same rule as the calendar: the n-th weekday of the month of the
		// first meeting, the last one from the 29th on.
		n := 0
		if err == nil {
			n = (first.Day()-1)/7 + 1
		}
		ords := f.listMessage(lang, "mytandem.ordinals") // first … fourth, last
		ord := ""
		switch {
		case len(ords) != 5 || n < 1:
		case n >= 5:
			ord = ords[4]
		default:
			ord = ords[n-1]
		}
		every = f.translate(lang, "mytandem.cad.monthly", ord, day)
	case cadence.Biweekly:
		every = f.translate(lang, "mytandem.cad.biweekly", day)
	default:
		every = f.translate(lang, "mytandem.cad.weekly", day)
	}
	return f.translate(lang, "mytandem.cad.text", every, cd.Time, cd.Timezone, cd.DurationMinutes, longDate(f, lang, from).Text)
}

// cadenceFields are the cadence form's fields: service field, control id
// and label key, in form order.
var cadenceFields = []struct{ field, id, label string }{
	{"every", "cad-every", "mytandem.f.every"},
	{"weekday", "cad-weekday", "mytandem.f.weekday"},
	{"time", "cad-time", "mytandem.f.time"},
	{"durationMinutes", "cad-duration", "mytandem.f.duration"},
	{"timezone", "cad-timezone", "mytandem.f.timezone"},
	{"startDate", "cad-start", "mytandem.f.startDate"},
}

// tandemCadence answers POST /tandems/:id/cadence (every, weekday 1–7, time
// HH:MM, durationMinutes, timezone, startDate YYYY-MM-DD).
func (f *Frontend) tandemCadence(c *fiber.Ctx) error {
	d := f.newPage(c, "tandems")
	id := c.Params("id")
	if d.Principal == nil {
		return toSignIn(c, tandemURL(id))
	}
	fm := readForm(c)
	cf := cadenceForm{Every: strings.TrimSpace(fm.get("every")), Weekday: strings.TrimSpace(fm.get("weekday")), Time: strings.TrimSpace(fm.get("time")),
		Duration: strings.TrimSpace(fm.get("durationMinutes")), Timezone: strings.TrimSpace(fm.get("timezone")), StartDate: strings.TrimSpace(fm.get("startDate"))}
	atoi := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0 // refused by the service, naming the field
		}
		return n
	}
	in := cadence.Cadence{Every: cf.Every, Weekday: atoi(cf.Weekday), Time: cf.Time, DurationMinutes: atoi(cf.Duration),
		Timezone: cf.Timezone, StartDate: cf.StartDate}
	if _, err := f.cfg.Tandems.SetCadence(c.UserContext(), d.Principal, id, in); err != nil {
		st := tandemPageState{cadence: &cf}
		status := httperr.FormStatus(err)
		switch otm.ErrorCode(err) {
		case otm.EINVALID:
			cf.Errors = map[string]string{}
			for _, fe := range otm.ErrorFields(err) {
				cf.Errors[fe.Field] = f.cadenceMessage(d.Lang, fe)
			}
			for _, x := range cadenceFields {
				if msg := cf.Errors[x.field]; msg != "" {
					cf.Summary = append(cf.Summary, fieldErr{Key: x.field, Anchor: x.id, Label: f.translate(d.Lang, x.label), Message: msg})
				}
			}
			cf.Message = f.translate(d.Lang, "mytandem.err.cadence")
		case otm.ECONFLICT:
			st.msg = f.conflictMessage(d.Lang, err)
		default:
			return f.fail(c, err, tandemURL(id), "")
		}
		return f.renderTandem(c, status, d, id, st)
	}
	return c.Redirect(tandemURL(id)+"?"+url.Values{"done": {"cadence"}}.Encode(), http.StatusSeeOther)
}

// cadenceMessage localizes a cadence field's error.
func (f *Frontend) cadenceMessage(lang string, fe otm.FieldError) string {
	switch fe.Field {
	case "every":
		return f.translate(lang, "mytandem.err.every")
	case "weekday":
		return f.translate(lang, "mytandem.err.weekday")
	case "time":
		return f.translate(lang, "mytandem.err.time")
	case "durationMinutes":
		return f.translate(lang, "mytandem.err.duration")
	case "timezone":
		if str(fe.Args["value"]) != "" { // a name, but not a known zone
			return f.translate(lang, "mytandem.err.timezoneUnknown")
		}
		return f.translate(lang, "mytandem.err.timezone")
	case "startDate":
		return f.translate(lang, "mytandem.err.startDate")
	}
	return f.translate(lang, "mytandem.err.cadence")
}

// conflictMessage localizes a refused change that concerns no field: the
// program's phase, an ended tandem, a full log.
func (f *Frontend) conflictMessage(lang string, err error) string {
	switch rule, args := otm.ErrorRule(err); rule {
	case otm.RuleWrongPhase:
		return f.translate(lang, "mytandem.err.phase")
	case otm.RuleMaxMeetings:
		return f.translate(lang, "mytandem.err.full", args["max"])
	case otm.RuleTandemEnded:
		return f.translate(lang, "mytandem.err.ended")
	}
	return f.translate(lang, "mytandem.err.notRunning")
}

// tandemMeeting answers POST /tandems/:id/meetings (date YYYY-MM-DD, notes):
// logs a meeting of the pair.
func (f *Frontend) tandemMeeting(c *fiber.Ctx) error {
	d := f.newPage(c, "tandems")
	id := c.Params("id")
	if d.Principal == nil {
		return toSignIn(c, tandemURL(id))
	}
	fm := readForm(c)
	mf := meetingForm{Date: strings.TrimSpace(fm.get("date")), Notes: fm.get("notes")}
	if _, err := f.cfg.Tandems.AddMeeting(c.UserContext(), d.Principal, id, mf.Date, mf.Notes); err != nil {
		st := tandemPageState{meeting: &mf}
		status := httperr.FormStatus(err)
		switch otm.ErrorCode(err) {
		case otm.EINVALID:
			mf.Errors = map[string]string{}
			for _, fe := range otm.ErrorFields(err) {
				switch fe.Field {
				case "date":
					mf.Errors["date"] = f.meetingDateMessage(d.Lang, fe)
				case "notes":
					mf.Errors["notes"] = f.translate(d.Lang, "mytandem.err.notes", meetingNotesMax)
				}
			}
			for _, x := range []struct{ field, id, label string }{{"date", "meet-date", "mytandem.f.date"}, {"notes", "meet-notes", "mytandem.f.notes"}} {
				if msg := mf.Errors[x.field]; msg != "" {
					mf.Summary = append(mf.Summary, fieldErr{Key: x.field, Anchor: x.id, Label: f.translate(d.Lang, x.label), Message: msg})
				}
			}
			mf.Message = f.translate(d.Lang, "mytandem.err.meeting")
		case otm.ECONFLICT:
			st.msg = f.conflictMessage(d.Lang, err)
		default:
			return f.fail(c, err, tandemURL(id), "")
		}
		return f.renderTandem(c, status, d, id, st)
	}
	return c.Redirect(tandemURL(id)+"?"+url.Values{"done": {"meeting"}}.Encode(), http.StatusSeeOther)
}

// meetingDateMessage localizes the service's refusal of a meeting's date.
func (f *Frontend) meetingDateMessage(lang string, fe otm.FieldError) string {
	switch fe.Rule {
	case otm.RuleInFuture:
		return f.translate(lang, "mytandem.err.dateFuture")
	case otm.RuleBeforeStart:
		return f.translate(lang, "mytandem.err.dateEarly", longDate(f, lang, str(fe.Args["date"])).Text)
	}
	return f.translate(lang, "mytandem.err.date")
}
