// Package report evaluates a program for its curators: how applications,
// requests, tandems and meetings went and what the pairs said (JSON, CSV). It
// reads profile, program and tandem from above, so that program stays below
// tandem without an import circle.
package report

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/shortlist"
	"github.com/opentomentor/opentomentor/tandem"
)

// Report is a program's evaluation for its curators: how applications,
// requests, tandems and meetings went and what the pairs said. It names no
// one: free-text answers carry only their side.
type Report struct {
	ProgramID    string             `json:"programId"`
	ProgramName  string             `json:"programName"`
	Phase        string             `json:"phase"`
	GeneratedAt  time.Time          `json:"generatedAt"`
	Window       *ReportWindow      `json:"window"` // of the application numbers; null: all time (the open program)
	Applications ApplicationStats   `json:"applications"`
	Requests     RequestStats       `json:"requests"`
	Tandems      TandemStats        `json:"tandems"`
	Meetings     MeetingStats       `json:"meetings"`
	Satisfaction SatisfactionReport `json:"satisfaction"`
	// Shortlists is the funnel of the curators' shortlists: shortlisted →
	// sent → picked → accepted (requests).
	Shortlists shortlist.Funnel `json:"shortlists"`
	// ArchivedAt is set on the report kept when the retention period deleted
	// the cohort's data (Archive): its figures are as of that time.
	ArchivedAt *time.Time `json:"archivedAt,omitempty"`
}

// ReportWindow is the time span application numbers are counted in:
// [registration opens (or the program's creation), the end of its wrap-up day].
type ReportWindow struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// ApplicationStats counts mentor applications platform-wide within the
// window: submissions by their submission time, decisions by their decision
// time. Decided counts every decision (approve, reject, request changes).
type ApplicationStats struct {
	Submitted        int      `json:"submitted"`
	Approved         int      `json:"approved"`
	Rejected         int      `json:"rejected"`
	ChangesRequested int      `json:"changesRequested"`
	Decided          int      `json:"decided"`
	ApprovalRate     *float64 `json:"approvalRate"`          // approved / decided, 0–1; null without decisions
	MedianHours      *float64 `json:"medianHoursToDecision"` // from submission to decision
	P90Hours         *float64 `json:"p90HoursToDecision"`    // nearest rank
}

// RequestStats counts the executives' requests to the program.
type RequestStats struct {
	Submitted  int `json:"submitted"`  // ever submitted (also later withdrawn)
	WithTandem int `json:"withTandem"` // requests a tandem was proposed for
}

// TandemStats counts the program's tandems by what became of them.
type TandemStats struct {
	Proposed            int `json:"proposed"`         // formed: every tandem proposed
	Accepted            int `json:"accepted"`         // accepted by both (ever active)
	AwaitingAnswer      int `json:"awaitingAnswer"`   // still proposed
	DeclinedByMentor    int `json:"declinedByMentor"` // declined by the mentor
	DeclinedByMentee    int `json:"declinedByMentee"` // declined by the executive
	EndedEarly          int `json:"endedEarly"`       // ended before the program's end
	EndedEarlyByMentor  int `json:"endedEarlyByMentor"`
	EndedEarlyByMentee  int `json:"endedEarlyByMentee"`
	EndedEarlyByCurator int `json:"endedEarlyByCurator"`
	Completed           int `json:"completed"` // ran until the program's wrap-up
	Running             int `json:"running"`   // active now
}

// MeetingBuckets are the ranges of the meetings-per-tandem distribution.
var MeetingBuckets = []struct {
	Label    string
	Min, Max int
}{{"0", 0, 0}, {"1-2", 1, 2}, {"3-5", 3, 5}, {"6-10", 6, 10}, {"11+", 11, math.MaxInt}}

// MeetingStats sums the meetings the program's tandems logged; per-tandem
// figures are over the tandems that ran (accepted by both).
type MeetingStats struct {
	Held         int      `json:"held"`
	PerTandem    *float64 `json:"perTandem"`       // average; null when no tandem ran
	Median       *float64 `json:"medianPerTandem"` // null when no tandem ran
	Distribution []Bucket `json:"distribution"`    // tandems by meetings held
}

// Bucket is one bar of a distribution.
type Bucket struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// SideStats is the feedback of one side (or of both).
type SideStats struct {
	Side          string   `json:"side"` // mentor | mentee | all
	Eligible      int      `json:"eligible"`
	Responses     int      `json:"responses"`
	ResponseRate  *float64 `json:"responseRate"` // 0–1; null when nobody could answer
	Overall       *float64 `json:"overall"`      // averages 1–5; null without responses
	Fit           *float64 `json:"fit"`
	Learned       *float64 `json:"learned"`
	RecommendRate *float64 `json:"recommendRate"`       // 0–1
	Distribution  [5]int   `json:"overallDistribution"` // answers of overall = 1…5
	Withheld      bool     `json:"withheld"`            // too few answers to show ratings (SatisfactionReport.MinGroup): they stay null and zero
}

// MinGroup is the fewest answers a side's ratings and free texts are shown
// for by default (Service.SetMinGroup): with one or two, everyone in the
// program could tell whose they are, and the feedback form promises answers
// are only shown summed up. When one
// side is withheld, so are the figures of both sides together (they would
// give the withheld side away by difference).
const MinGroup = 3

// FreeText is one free-text answer, with its side only.
type FreeText struct {
	Side string `json:"side"`
	Text string `json:"text"`
}

// SatisfactionReport is what the pairs answered at wrap-up. Eligible are the
// sides of the tandems that ran and ended.
type SatisfactionReport struct {
	All   SideStats   `json:"all"`
	Sides []SideStats `json:"sides"` // mentor, mentee
	Texts []FreeText  `json:"texts"` // sorted by side and text: their order tells nothing
	// MinGroup is the fewest answers a side's ratings and texts are shown for.
	MinGroup int `json:"minGroup"`
}

// Profiles is what a report reads of applications.
type Profiles interface {
	Decisions(ctx context.Context) ([]profile.DecisionRecord, error)
	PendingSubmissions(ctx context.Context) ([]profile.QueueEntry, error)
}

// Programs is what a report needs of programs.
type Programs interface {
	Curated(ctx context.Context, p *otm.Principal, id string) (*program.Program, error)
}

// Tandems is what a report reads of a program's requests and tandems.
type Tandems interface {
	ProgramData(ctx context.Context, programID string) (*tandem.ProgramData, error)
}

// Service builds program reports.
type Service struct {
	profiles Profiles
	programs Programs
	tandems  Tandems
	now      func() time.Time
	minGroup int                // see MinGroup
	lists    *shortlist.Service // nil: no shortlist funnel

	archive *mongo.Collection // the reports of programs whose data was deleted (ArchiveIn)

	db    *mongo.Database // for the cache (CacheIn); nil: no cache
	mu    sync.Mutex
	cache map[string]cachedReport // program id → its last report
}

// cachedReport is a report as JSON (every caller decodes its own copy), for
// the write generation of what it was computed from.
type cachedReport struct {
	gen uint64
	at  time.Time
	raw []byte
}

// reportCollections are what a report reads.
var reportCollections = []string{"programs", "tandems", "mentee_requests", "tandem_meeting_counts", "tandem_feedback",
	"application_decisions", "review_queue", "shortlists"}

// cacheFor is how long a cached report may be served while nothing it read
// changed (some figures depend on the time).
const cacheFor = time.Minute

// CacheIn keeps each program's last report while nothing it was computed
// from has changed, on the embedded database (db; mongostore.WriteGeneration
// tells), where a report of 500 tandems reads ~5,000 documents in ~0.6 s;
// against MongoDB the indexed queries need no cache.
func (s *Service) CacheIn(db *mongo.Database) {
	s.db, s.cache = db, map[string]cachedReport{}
}

// Warm reads what reports read, once, so that the first report after a
// start does not wait for it: on the embedded database the stores keep it
// in memory from then on (mongostore.Mirror) — ~0.6 s for a program of 500
// tandems, in the background. For the embedded database only: against
// MongoDB the indexes serve reports, and this would read every decision.
func (s *Service) Warm(ctx context.Context) error {
	if _, err := s.tandems.ProgramData(ctx, ""); err != nil {
		return err
	}
	if _, err := s.profiles.Decisions(ctx); err != nil {
		return err
	}
	_, err := s.profiles.PendingSubmissions(ctx)
	return err
}

// NewService returns the report service; now may be nil (time.Now).
func NewService(profiles Profiles, programs Programs, tandems Tandems, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{profiles: profiles, programs: programs, tandems: tandems, now: now, minGroup: MinGroup}
}

// SetMinGroup sets the fewest answers a side's ratings and texts are shown
// for (at least 1; MinGroup by default). Call it before the first report.
func (s *Service) SetMinGroup(n int) { s.minGroup = max(n, 1) }

// ProgramReport evaluates a program for its curators. Errors: EUNAUTHORIZED,
// EFORBIDDEN (not a curator, or not one of this program), ENOTFOUND.
func (s *Service) ProgramReport(ctx context.Context, p *otm.Principal, programID string) (*Report, error) {
	pr, err := s.programs.Curated(ctx, p, programID)
	if err != nil {
		return nil, err
	}
	if pr.DataDeletedAt != nil && s.archive != nil {
		if r, err := s.archived(ctx, pr.ID); err != nil || r != nil {
			return r, err
		}
	}
	now := s.now().UTC()
	var gen uint64
	cacheable := false
	if s.db != nil {
		gen, cacheable = mongostore.WriteGeneration(s.db, reportCollections...)
	}
	if cacheable {
		s.mu.Lock()
		c, ok := s.cache[pr.ID]
		s.mu.Unlock()
		if ok && c.gen == gen && now.Sub(c.at) < cacheFor && !now.Before(c.at) {
			var r Report
			if err := json.Unmarshal(c.raw, &r); err == nil {
				return &r, nil
			}
		}
	}
	r, err := s.compute(ctx, pr, now)
	if err != nil || !cacheable {
		return r, err
	}
	if raw, err := json.Marshal(r); err == nil {
		s.mu.Lock()
		s.cache[pr.ID] = cachedReport{gen: gen, at: now, raw: raw}
		s.mu.Unlock()
	}
	return r, nil
}

// ArchiveIn keeps the reports of programs whose data the retention period
// deletes in db's program_reports collection (Archive).
func (s *Service) ArchiveIn(db *mongo.Database) { s.archive = db.Collection("program_reports") }

// archivedReport is a program_reports entry: the report as JSON.
type archivedReport struct {
	ID     string `bson:"_id"`
	Report []byte `bson:"report"`
}

// Archive keeps pr's report as it is now, before the retention period deletes
// the data it is computed from: figures only (small groups withheld as on the
// dashboard), no person. Only the first archive counts, so a deletion cut off
// and run again never replaces it with the report of what was left.
func (s *Service) Archive(ctx context.Context, pr *program.Program) error {
	if s.archive == nil {
		return nil
	}
	if r, err := s.archived(ctx, pr.ID); err != nil || r != nil {
		return err
	}
	now := s.now().UTC()
	r, err := s.compute(ctx, pr, now)
	if err != nil {
		return err
	}
	r.ArchivedAt = &now
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := s.archive.InsertOne(ctx, archivedReport{ID: pr.ID, Report: raw}); err != nil && !mongostore.IsDuplicateKey(err) {
		return mongostore.MapErr(err, "report", "Reports")
	}
	return nil
}

// archived returns the archived report of a program, nil when there is none.
func (s *Service) archived(ctx context.Context, programID string) (*Report, error) {
	a, err := mongostore.FindByID[archivedReport](ctx, s.archive, programID)
	if err != nil || a == nil {
		return nil, mongostore.MapErr(err, "report", "Reports")
	}
	var r Report
	if err := json.Unmarshal(a.Report, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// compute builds the report of pr as of now.
func (s *Service) compute(ctx context.Context, pr *program.Program, now time.Time) (*Report, error) {
	var err error
	r := &Report{ProgramID: pr.ID, ProgramName: pr.Name, Phase: pr.Phase, GeneratedAt: now}
	if pr.ID != program.OpenProgram {
		r.Window = programWindow(pr, now)
	}
	if r.Applications, err = s.applicationStats(ctx, r.Window); err != nil {
		return nil, err
	}
	d, err := s.tandems.ProgramData(ctx, pr.ID)
	if err != nil {
		return nil, err
	}
	ts := d.Tandems
	withTandem := map[string]bool{}
	for i := range ts {
		withTandem[ts[i].RequestID] = true
	}
	for _, rq := range d.Requests {
		if rq.SubmittedAt != nil {
			r.Requests.Submitted++
		}
		if withTandem[rq.ID] {
			r.Requests.WithTandem++
		}
	}
	r.Tandems = tandemStats(ts)
	ran := make([]string, 0, len(ts))
	for i := range ts {
		if ts[i].ActivatedAt != nil {
			ran = append(ran, ts[i].ID)
		}
	}
	r.Meetings = meetingStats(ran, d.MeetingCounts)
	r.Satisfaction = satisfaction(ts, d.Feedback, s.minGroup)
	if s.lists != nil {
		ranIDs := map[string]bool{}
		for _, id := range ran {
			ranIDs[id] = true
		}
		if r.Shortlists, err = s.lists.FunnelOf(ctx, pr.ID, func(id string) bool { return ranIDs[id] }); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// SetShortlists makes reports count the program's shortlists.
func (s *Service) SetShortlists(l *shortlist.Service) { s.lists = l }

// programWindow is [registration opens (else creation), end of the wrap-up
// day (else now)].
func programWindow(pr *program.Program, now time.Time) *ReportWindow {
	w := &ReportWindow{From: pr.CreatedAt.UTC(), To: now}
	if d, err := time.Parse(program.DateLayout, pr.RegistrationOpens); err == nil {
		w.From = d
	}
	if d, err := time.Parse(program.DateLayout, pr.WrapUp); err == nil {
		w.To = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return w
}

func (w *ReportWindow) has(t time.Time) bool {
	return w == nil || !t.Before(w.From) && !t.After(w.To)
}

func (s *Service) applicationStats(ctx context.Context, w *ReportWindow) (ApplicationStats, error) {
	var a ApplicationStats
	ds, err := s.profiles.Decisions(ctx)
	if err != nil {
		return a, err
	}
	pending, err := s.profiles.PendingSubmissions(ctx)
	if err != nil {
		return a, err
	}
	type submission struct {
		id string
		at int64
	}
	submitted := map[submission]bool{}
	var hours []float64
	for _, d := range ds {
		if w.has(d.SubmittedAt) {
			submitted[submission{d.ProfileID, d.SubmittedAt.UnixMilli()}] = true
		}
		if !w.has(d.DecidedAt) {
			continue
		}
		switch d.Decision {
		case profile.DecisionApprove:
			a.Approved++
		case profile.DecisionReject:
			a.Rejected++
		case profile.DecisionRequestChanges:
			a.ChangesRequested++
		default:
			continue
		}
		a.Decided++
		hours = append(hours, max(0, d.DecidedAt.Sub(d.SubmittedAt).Hours()))
	}
	for _, q := range pending {
		if w.has(q.SubmittedAt) {
			submitted[submission{q.ID, q.SubmittedAt.UnixMilli()}] = true
		}
	}
	a.Submitted = len(submitted)
	if a.Decided > 0 {
		a.ApprovalRate = ratio(a.Approved, a.Decided)
		slices.Sort(hours)
		a.MedianHours = round2(median(hours))
		a.P90Hours = round2(hours[nearestRank(len(hours), 0.9)])
	}
	return a, nil
}

func tandemStats(ts []tandem.Tandem) TandemStats {
	var st TandemStats
	for i := range ts {
		t := &ts[i]
		st.Proposed++
		if t.ActivatedAt != nil {
			st.Accepted++
		}
		switch t.Status {
		case tandem.TandemProposed:
			st.AwaitingAnswer++
		case tandem.TandemActive:
			st.Running++
		case tandem.TandemDeclined:
			switch t.DeclinedBy {
			case tandem.SideMentor:
				st.DeclinedByMentor++
			case tandem.SideMentee:
				st.DeclinedByMentee++
			}
		case tandem.TandemEnded:
			switch t.EndedBy {
			case "program":
				if t.ActivatedAt != nil {
					st.Completed++
				}
			case tandem.SideMentor:
				st.EndedEarly++
				st.EndedEarlyByMentor++
			case tandem.SideMentee:
				st.EndedEarly++
				st.EndedEarlyByMentee++
			default:
				st.EndedEarly++
				st.EndedEarlyByCurator++
			}
		}
	}
	return st
}

func meetingStats(ran []string, counts map[string]int) MeetingStats {
	m := MeetingStats{Distribution: make([]Bucket, len(MeetingBuckets))}
	for i, b := range MeetingBuckets {
		m.Distribution[i].Label = b.Label
	}
	per := make([]float64, 0, len(ran))
	for _, id := range ran {
		n := counts[id]
		m.Held += n
		per = append(per, float64(n))
		for i, b := range MeetingBuckets {
			if n >= b.Min && n <= b.Max {
				m.Distribution[i].Count++
			}
		}
	}
	if len(per) > 0 {
		slices.Sort(per)
		m.PerTandem = round2(float64(m.Held) / float64(len(per)))
		m.Median = round2(median(per))
	}
	return m
}

func satisfaction(ts []tandem.Tandem, fbs []tandem.Feedback, minGroup int) SatisfactionReport {
	eligible := map[string]bool{} // tandems whose pair may answer: ran and ended
	for i := range ts {
		if ts[i].ActivatedAt != nil && ts[i].Status == tandem.TandemEnded {
			eligible[ts[i].ID] = true
		}
	}
	type acc struct {
		n, recommend, eligible      int
		dist                        [5]int
		side                        string
		sumOverall, sumFit, sumLrnd float64
	}
	all, mentor, mentee := &acc{side: "all"}, &acc{side: tandem.SideMentor}, &acc{side: tandem.SideMentee}
	all.eligible, mentor.eligible, mentee.eligible = 2*len(eligible), len(eligible), len(eligible)
	var texts []FreeText
	for _, fb := range fbs {
		side := mentor
		if fb.Side == tandem.SideMentee {
			side = mentee
		}
		for _, a := range []*acc{all, side} {
			a.n++
			a.sumOverall += float64(fb.Overall)
			a.sumFit += float64(fb.Fit)
			a.sumLrnd += float64(fb.Learned)
			if fb.Recommend {
				a.recommend++
			}
			if fb.Overall >= 1 && fb.Overall <= 5 {
				a.dist[fb.Overall-1]++
			}
		}
		if fb.Text != "" {
			texts = append(texts, FreeText{Side: fb.Side, Text: fb.Text})
		}
	}
	stats := func(a *acc) SideStats {
		st := SideStats{Side: a.side, Eligible: a.eligible, Responses: a.n, Distribution: a.dist}
		if a.eligible > 0 {
			st.ResponseRate = ratio(min(a.n, a.eligible), a.eligible)
		}
		if a.n > 0 {
			st.Overall = round2(a.sumOverall / float64(a.n))
			st.Fit = round2(a.sumFit / float64(a.n))
			st.Learned = round2(a.sumLrnd / float64(a.n))
			st.RecommendRate = ratio(a.recommend, a.n)
		}
		return st
	}
	sides := []SideStats{stats(mentor), stats(mentee)}
	both := stats(all)
	withheld := map[string]bool{}
	for i := range sides {
		if sides[i].Responses > 0 && sides[i].Responses < minGroup {
			withhold(&sides[i])
			withheld[sides[i].Side] = true
		}
	}
	if len(withheld) > 0 || (both.Responses > 0 && both.Responses < minGroup) {
		withhold(&both)
	}
	texts = slices.DeleteFunc(texts, func(t FreeText) bool { return withheld[t.Side] })
	slices.SortFunc(texts, func(a, b FreeText) int {
		return cmp.Or(cmp.Compare(a.Side, b.Side), cmp.Compare(a.Text, b.Text))
	})
	if texts == nil {
		texts = []FreeText{}
	}
	return SatisfactionReport{All: both, Sides: sides, Texts: texts, MinGroup: minGroup}
}

// withhold drops the ratings of st (too few answers, see MinGroup); the
// counts of answers stay.
func withhold(st *SideStats) {
	st.Overall, st.Fit, st.Learned, st.RecommendRate = nil, nil, nil, nil
	st.Distribution = [5]int{}
	st.Withheld = true
}

// median of sorted xs (not empty).
func median(xs []float64) float64 {
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// nearestRank is the index of the q-quantile of n sorted values.
func nearestRank(n int, q float64) int {
	return max(0, int(math.Ceil(q*float64(n)))-1)
}

func round2(x float64) *float64 {
	v := math.Round(x*100) / 100
	return &v
}

func ratio(a, b int) *float64 {
	v := math.Round(float64(a)/float64(b)*10000) / 10000
	return &v
}

// CSV writes the report as section,metric,value rows (RFC 4180, CRLF),
// free-text answers in rows of their own. Rates are percentages (metrics
// ending in _pct); a value that does not apply is empty. Every cell that a
// spreadsheet would read as a formula is neutralised.
func (r *Report) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	row := func(section, metric, value string) {
		_ = cw.Write([]string{check.SpreadsheetCell(section), check.SpreadsheetCell(metric), check.SpreadsheetCell(value)})
	}
	num := func(section, metric string, n int) { row(section, metric, strconv.Itoa(n)) }
	dec := func(section, metric string, x *float64) {
		v := ""
		if x != nil {
			v = strconv.FormatFloat(*x, 'f', -1, 64)
		}
		row(section, metric, v)
	}
	pct := func(section, metric string, x *float64) {
		if x == nil {
			row(section, metric, "")
			return
		}
		v := math.Round(*x*1000) / 10
		dec(section, metric, &v)
	}
	row("section", "metric", "value")
	row("program", "id", r.ProgramID)
	row("program", "name", r.ProgramName)
	row("program", "phase", r.Phase)
	row("program", "generated_at", r.GeneratedAt.Format(time.RFC3339))
	if r.Window != nil {
		row("program", "window_from", r.Window.From.Format(time.RFC3339))
		row("program", "window_to", r.Window.To.Format(time.RFC3339))
	}
	a := r.Applications
	num("applications", "submitted", a.Submitted)
	num("applications", "approved", a.Approved)
	num("applications", "rejected", a.Rejected)
	num("applications", "changes_requested", a.ChangesRequested)
	num("applications", "decided", a.Decided)
	pct("applications", "approval_rate_pct", a.ApprovalRate)
	dec("applications", "median_hours_to_decision", a.MedianHours)
	dec("applications", "p90_hours_to_decision", a.P90Hours)
	num("requests", "submitted", r.Requests.Submitted)
	num("requests", "with_tandem", r.Requests.WithTandem)
	num("shortlists", "shortlisted", r.Shortlists.Shortlisted)
	num("shortlists", "sent", r.Shortlists.Sent)
	num("shortlists", "picked", r.Shortlists.Picked)
	num("shortlists", "accepted", r.Shortlists.Accepted)
	t := r.Tandems
	for _, m := range []struct {
		name string
		n    int
	}{{"proposed", t.Proposed}, {"accepted", t.Accepted}, {"awaiting_answer", t.AwaitingAnswer},
		{"declined_by_mentor", t.DeclinedByMentor}, {"declined_by_mentee", t.DeclinedByMentee},
		{"ended_early", t.EndedEarly}, {"ended_early_by_mentor", t.EndedEarlyByMentor},
		{"ended_early_by_mentee", t.EndedEarlyByMentee}, {"ended_early_by_curator", t.EndedEarlyByCurator},
		{"completed", t.Completed}, {"running", t.Running}} {
		num("tandems", m.name, m.n)
	}
	num("meetings", "held", r.Meetings.Held)
	dec("meetings", "per_tandem_avg", r.Meetings.PerTandem)
	dec("meetings", "per_tandem_median", r.Meetings.Median)
	for _, b := range r.Meetings.Distribution {
		num("meetings", "tandems_with_"+b.Label, b.Count)
	}
	for _, st := range append([]SideStats{r.Satisfaction.All}, r.Satisfaction.Sides...) {
		prefix := st.Side + "_"
		num("satisfaction", prefix+"eligible", st.Eligible)
		num("satisfaction", prefix+"responses", st.Responses)
		pct("satisfaction", prefix+"response_rate_pct", st.ResponseRate)
		dec("satisfaction", prefix+"overall_avg", st.Overall)
		dec("satisfaction", prefix+"fit_avg", st.Fit)
		dec("satisfaction", prefix+"learned_avg", st.Learned)
		pct("satisfaction", prefix+"recommend_pct", st.RecommendRate)
		for i, n := range st.Distribution {
			if st.Withheld {
				row("satisfaction", prefix+"overall_"+strconv.Itoa(i+1), "")
			} else {
				num("satisfaction", prefix+"overall_"+strconv.Itoa(i+1), n)
			}
		}
		row("satisfaction", prefix+"withheld", strconv.FormatBool(st.Withheld))
	}
	for _, ft := range r.Satisfaction.Texts {
		row("free_text", ft.Side, ft.Text)
	}
	cw.Flush()
	return cw.Error()
}
