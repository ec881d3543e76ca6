package frontend

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/program"
)

// dashboardView is a program's evaluation dashboard for its curators.
type dashboardView struct {
	ProgramID, ProgramName, PhaseLabel string
	ProgramURL, CSVURL                 string
	Generated, Window                  string
	Archived                           string // the cohort's data was deleted (retention): these figures are kept
	Headlines                          []headline
	Charts                             []barChart
	Texts                              []dashText
	Withheld                           []string // why a side's ratings and texts are not shown
}

// headline is one key figure.
type headline struct{ Label, Value, Note string }

// dashText is one free-text answer with its side.
type dashText struct{ Side, Text string }

// barChart is a horizontal bar chart rendered as inline SVG: each row has
// its label above the bar and the value after it. Coordinates are computed
// here; the template only places them (presentation attributes, no styles).
type barChart struct {
	ID, Title, Desc string
	Width, Height   int
	BarHeight       int
	Rows            []barRow
}

// barRow is one bar: its label and value text and its geometry.
type barRow struct {
	Label, Value            string
	LabelY, BarY, W, ValueX int
	Class                   string
}

// Chart geometry (SVG user units; the chart scales to its container).
const (
	chartWidth  = 440
	chartBarMax = 370 // room for the value after the longest bar
	chartRowH   = 44
	chartBarH   = 16
)

// newBarChart lays out rows; max is the value of a full bar (0: the largest).
func newBarChart(id, title string, labels []string, values []float64, texts []string, max float64, classes []string) barChart {
	if max <= 0 {
		for _, v := range values {
			max = math.Max(max, v)
		}
	}
	ch := barChart{ID: id, Title: title, Width: chartWidth, Height: len(labels)*chartRowH + 4, BarHeight: chartBarH}
	var desc []string
	for i, label := range labels {
		w := 0
		if max > 0 {
			w = int(math.Round(values[i] / max * chartBarMax))
		}
		if values[i] > 0 && w < 2 {
			w = 2 // a visible sliver for small non-zero values
		}
		top := i * chartRowH
		r := barRow{Label: label, Value: texts[i], LabelY: top + 15, BarY: top + 21, W: w, ValueX: w + 8, Class: "chart-bar"}
		if classes != nil {
			r.Class = classes[i]
		}
		ch.Rows = append(ch.Rows, r)
		desc = append(desc, label+": "+texts[i])
	}
	ch.Desc = strings.Join(desc, "; ")
	return ch
}

// dashNum formats x with at most decimals decimals, with lang's separator.
func dashNum(lang string, x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if lang == "de" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// dashPct formats a 0–1 rate as a percentage, or a dash when it is nil.
func (f *Frontend) dashPct(lang string, x *float64) string {
	if x == nil {
		return "–"
	}
	return f.translate(lang, "dash.pct", dashNum(lang, *x*100, 1))
}

func dashOpt(lang string, x *float64, decimals int) string {
	if x == nil {
		return "–"
	}
	return dashNum(lang, *x, decimals)
}

// dashboard answers GET /programs/:id/dashboard: a program's evaluation for
// its curators (others get the 403 or 404 page).
func (f *Frontend) dashboard(c *fiber.Ctx) error {
	d := f.newPage(c, "programs")
	if d.Principal == nil {
		return toSignIn(c, d.Here)
	}
	lang := d.Lang
	r, err := f.cfg.Reports.ProgramReport(c.UserContext(), d.Principal, c.Params("id"))
	if err != nil {
		msg := ""
		if otm.ErrorCode(err) == otm.EFORBIDDEN {
			msg = f.translate(lang, "dash.forbidden")
		}
		return f.fail(c, err, d.Here, msg)
	}
	v := &dashboardView{ProgramID: r.ProgramID, ProgramName: f.programNameOf(lang, r.ProgramID, r.ProgramName), PhaseLabel: r.Phase,
		ProgramURL: "/programs/" + pathID(r.ProgramID),
		CSVURL:     "/api/v1/moderation/programs/" + pathID(r.ProgramID) + "/report.csv",
		Generated:  formatTime(lang, r.GeneratedAt)}
	if r.ArchivedAt != nil {
		v.Archived = f.translate(lang, "dash.archived", formatTime(lang, *r.ArchivedAt))
	}
	if r.Phase == program.PhaseOpen || slices.Contains(program.Phases, r.Phase) {
		v.PhaseLabel = f.translate(lang, "dash.phase."+r.Phase)
	}
	if r.Window != nil {
		v.Window = f.translate(lang, "dash.window", evalDate(lang, &r.Window.From), evalDate(lang, &r.Window.To))
	} else {
		v.Window = f.translate(lang, "dash.window.all")
	}
	a, tn, m, all := r.Applications, r.Tandems, r.Meetings, r.Satisfaction.All
	n := func(i int) string { return strconv.Itoa(i) }
	hours := dashOptHours(f, lang, a.MedianHours)
	overall, overallNote := "–", ""
	if all.Overall != nil {
		overall = f.translate(lang, "dash.outOf5", dashNum(lang, *all.Overall, 2))
	}
	if all.Withheld {
		overallNote = f.translate(lang, "dash.withheld", r.Satisfaction.MinGroup)
	}
	v.Headlines = []headline{
		{f.translate(lang, "dash.h.applications"), n(a.Submitted), f.translate(lang, "dash.h.applications.note")},
		{f.translate(lang, "dash.h.approvalRate"), f.dashPct(lang, a.ApprovalRate), f.translate(lang, "dash.h.approvalRate.note", a.Approved, a.Decided)},
		{f.translate(lang, "dash.h.timeToDecision"), hours, f.translate(lang, "dash.h.timeToDecision.note", dashOptHours(f, lang, a.P90Hours))},
		{f.translate(lang, "dash.h.requests"), n(r.Requests.Submitted), ""},
		{f.translate(lang, "dash.h.tandems"), n(tn.Proposed), f.translate(lang, "dash.h.tandems.note", tn.Accepted)},
		{f.translate(lang, "dash.h.meetings"), n(m.Held), f.translate(lang, "dash.h.meetings.note", dashOpt(lang, m.PerTandem, 1))},
		{f.translate(lang, "dash.h.responses"), f.dashPct(lang, all.ResponseRate), f.translate(lang, "dash.h.responses.note", all.Responses, all.Eligible)},
		{f.translate(lang, "dash.h.overall"), overall, overallNote},
		{f.translate(lang, "dash.h.recommend"), f.dashPct(lang, all.RecommendRate), ""},
	}

	tr := func(keys ...string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = f.translate(lang, k)
		}
		return out
	}
	ints := func(xs ...int) ([]float64, []string) {
		vs, ts := make([]float64, len(xs)), make([]string, len(xs))
		for i, x := range xs {
			vs[i], ts[i] = float64(x), strconv.Itoa(x)
		}
		return vs, ts
	}
	vals, texts := ints(a.Submitted, a.Approved, a.Rejected, a.ChangesRequested)
	v.Charts = append(v.Charts, newBarChart("applications", f.translate(lang, "dash.c.applications"),
		tr("dash.l.submitted", "dash.l.approved", "dash.l.rejected", "dash.l.changesRequested"), vals, texts, 0, nil))
	vals, texts = ints(tn.Proposed, tn.Accepted, tn.DeclinedByMentor, tn.DeclinedByMentee, tn.EndedEarly, tn.Completed, tn.Running, tn.AwaitingAnswer)
	v.Charts = append(v.Charts, newBarChart("tandems", f.translate(lang, "dash.c.tandems"),
		tr("dash.l.proposed", "dash.l.accepted", "dash.l.declinedByMentor", "dash.l.declinedByMentee", "dash.l.endedEarly",
			"dash.l.completed", "dash.l.running", "dash.l.awaiting"), vals, texts, 0, nil))
	sf := r.Shortlists
	vals, texts = ints(sf.Shortlisted, sf.Sent, sf.Picked, sf.Accepted)
	v.Charts = append(v.Charts, newBarChart("shortlists", f.translate(lang, "dash.c.shortlists"),
		tr("dash.l.shortlisted", "dash.l.sent", "dash.l.picked", "dash.l.pickAccepted"), vals, texts, 0, nil))
	var bl []string
	var bc []int
	for _, b := range m.Distribution {
		bl = append(bl, f.translate(lang, "dash.l.meetings", strings.Replace(b.Label, "-", "–", 1)))
		bc = append(bc, b.Count)
	}
	vals, texts = ints(bc...)
	v.Charts = append(v.Charts, newBarChart("meetings", f.translate(lang, "dash.c.meetings"), bl, vals, texts, 0, nil))
	vals, texts = ints(all.Distribution[:]...)
	var rl []string
	for i := 1; i <= 5; i++ {
		rl = append(rl, f.translate(lang, "dash.l.rating", i))
	}
	v.Charts = append(v.Charts, newBarChart("overall", f.translate(lang, "dash.c.overall"), rl, vals, texts, 0, nil))
	var al, at, cl []string
	var av []float64
	for _, st := range r.Satisfaction.Sides {
		for _, q := range []struct {
			key string
			x   *float64
		}{{"dash.l.overall", st.Overall}, {"dash.l.fit", st.Fit}, {"dash.l.learned", st.Learned}} {
			al = append(al, f.translate(lang, q.key, f.translate(lang, "dash.side."+st.Side)))
			at = append(at, dashOpt(lang, q.x, 2))
			x := 0.0
			if q.x != nil {
				x = *q.x
			}
			av = append(av, x)
			cl = append(cl, "chart-bar chart-bar-"+st.Side)
		}
	}
	v.Charts = append(v.Charts, newBarChart("sides", f.translate(lang, "dash.c.sides"), al, av, at, 5, cl))
	for _, ft := range r.Satisfaction.Texts {
		v.Texts = append(v.Texts, dashText{Side: f.translate(lang, "dash.side."+ft.Side), Text: ft.Text})
	}
	for _, st := range r.Satisfaction.Sides {
		if st.Withheld {
			v.Withheld = append(v.Withheld, f.translate(lang, "dash.texts.withheld", f.translate(lang, "dash.side."+st.Side), r.Satisfaction.MinGroup))
		}
	}
	d.Title = f.translate(lang, "dash.title", v.ProgramName)
	d.Dashboard = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, http.StatusOK, "dashboard", d)
}

// dashOptHours formats a duration in hours: minutes below an hour (a
// median of 0.04 h is "2 min", not "0 h"), a dash when it is nil.
func dashOptHours(f *Frontend, lang string, x *float64) string {
	switch {
	case x == nil:
		return "–"
	case *x < 1:
		return f.translate(lang, "dash.minutes", strconv.Itoa(max(1, int(math.Round(*x*60)))))
	}
	return f.translate(lang, "dash.hours", dashNum(lang, *x, 1))
}
