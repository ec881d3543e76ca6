package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

func day(d, h int) time.Time { return time.Date(2027, 1, d, h, 0, 0, 0, time.UTC) }

func f64(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// reportScenario builds a small cohort "spring" (curated by cura) in
// wrap-up: applications, requests, six tandems, meetings and feedback.
func reportScenario(t *testing.T) (*evalEnv, *otm.Principal) {
	t.Helper()
	e := newEvalEnv(t)
	ctx := context.Background()
	cura := &otm.Principal{UserID: "u_cura", Name: "Cura", Email: "cura@program.example", EmailTrusted: true, Roles: []string{otm.RoleCurator}}
	e.program(t, "spring", program.PhaseRunning, "cura@program.example")
	e.program(t, "autumn", program.PhaseRunning)

	// Applications: four decided in the window (24 h, 12 h, 48 h, 6 h), one
	// decided before it, one still under review.
	a := e.submittedApplication(t, "appa", day(12, 10))
	b := e.submittedApplication(t, "appb", day(12, 10))
	c := e.submittedApplication(t, "appc", day(15, 0))
	d := e.submittedApplication(t, "appd", day(20, 0))
	old := e.submittedApplication(t, "appold", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	e.submittedApplication(t, "apppending", time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC))
	e.decideAt(t, cura, old, profile.DecisionApprove, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	e.decideAt(t, cura, a, profile.DecisionApprove, day(13, 10))
	e.decideAt(t, cura, b, profile.DecisionReject, day(12, 22))
	e.decideAt(t, cura, c, profile.DecisionRequestChanges, day(17, 0))
	e.decideAt(t, cura, d, profile.DecisionApprove, day(20, 6))

	// Requests: three submitted (two got a tandem), one draft, one elsewhere.
	sub := day(20, 0)
	for _, r := range []struct {
		owner, program, status string
	}{{"kat", "spring", tandem.RequestSubmitted}, {"tob", "spring", tandem.RequestSubmitted}, {"ulla", "spring", tandem.RequestWithdrawn},
		{"vera", "spring", tandem.RequestDraft}, {"wim", "autumn", tandem.RequestSubmitted}} {
		rq := &tandem.MenteeRequest{ID: requestIDFor("u_"+r.owner, r.program), OwnerID: "u_" + r.owner, ProgramID: r.program,
			Status: r.status, Version: 1, CreatedAt: sub, UpdatedAt: sub}
		if r.status != tandem.RequestDraft {
			rq.SubmittedAt = &sub
		}
		e.insert(t, "mentee_requests", rq)
	}

	// Tandems (all of spring but the last).
	e.now = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	t1 := e.tandem(t, "t1", "spring", "ada", "kat", tandem.TandemActive, true, "")      // completed at wrap-up
	t2 := e.tandem(t, "t2", "spring", "bob", "tob", tandem.TandemEnded, true, "mentee") // ended early
	e.tandem(t, "t3", "spring", "cem", "x3", tandem.TandemDeclined, false, tandem.SideMentor)
	e.tandem(t, "t4", "spring", "dana", "x4", tandem.TandemDeclined, false, tandem.SideMentee)
	e.tandem(t, "t5", "spring", "finn", "x5", tandem.TandemProposed, false, "") // withdrawn at wrap-up
	e.tandem(t, "t6", "spring", "gus", "x6", tandem.TandemEnded, false, "curator")
	other := e.tandem(t, "t9", "autumn", "hal", "wim", tandem.TandemActive, true, "")
	for tid, n := range map[string]int{t1.ID: 4, t2.ID: 1, other.ID: 7} {
		e.meetings(t, tid, n)
	}

	// Wrap-up ends t1 (and withdraws t5); the pairs answer.
	e.now = time.Date(2027, 8, 31, 12, 0, 0, 0, time.UTC)
	if _, err := e.programs.AdvancePhase(ctx, cura, "spring", program.PhaseWrapUp); err != nil {
		t.Fatalf("AdvancePhase: %v", err)
	}
	for _, fb := range []struct {
		who       string
		tandem    string
		o, f, l   int
		recommend bool
		text      string
	}{
		{"ada", t1.ID, 5, 4, 5, true, "=HYPERLINK(\"http://evil.example\",\"click\")"},
		{"kat", t1.ID, 4, 4, 3, true, "Sehr bereichernd, danke!"},
		{"bob", t2.ID, 2, 1, 3, false, ""},
	} {
		rec := fb.recommend
		if _, err := e.tandems.GiveFeedback(ctx, user(fb.who), fb.tandem, tandem.FeedbackInput{Overall: fb.o, Fit: fb.f, Learned: fb.l, Recommend: &rec, Text: fb.text}); err != nil {
			t.Fatalf("feedback of %s: %v", fb.who, err)
		}
	}
	e.now = time.Date(2027, 9, 5, 8, 0, 0, 0, time.UTC)
	return e, cura
}

func TestIntegrationProgramReport(t *testing.T) {
	e, cura := reportScenario(t)
	ctx := context.Background()
	r, err := e.s.ProgramReport(ctx, cura, "spring")
	if err != nil {
		t.Fatalf("ProgramReport: %v", err)
	}
	a := r.Applications
	checks := []struct {
		name      string
		got, want any
	}{
		{"window from", r.Window.From, time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)},
		{"window to", r.Window.To, time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)},
		{"applications submitted", a.Submitted, 5},
		{"approved", a.Approved, 2},
		{"rejected", a.Rejected, 1},
		{"changes requested", a.ChangesRequested, 1},
		{"decided", a.Decided, 4},
		{"approval rate", f64(a.ApprovalRate), "0.5"},
		{"median hours", f64(a.MedianHours), "18"},
		{"p90 hours", f64(a.P90Hours), "48"},
		{"requests submitted", r.Requests.Submitted, 3},
		{"requests with tandem", r.Requests.WithTandem, 2},
		{"tandems", r.Tandems, TandemStats{Proposed: 6, Accepted: 2, DeclinedByMentor: 1, DeclinedByMentee: 1,
			EndedEarly: 2, EndedEarlyByMentee: 1, EndedEarlyByCurator: 1, Completed: 1}},
		{"meetings held", r.Meetings.Held, 5},
		{"meetings per tandem", f64(r.Meetings.PerTandem), "2.5"},
		{"meetings median", f64(r.Meetings.Median), "2.5"},
		{"meetings distribution", fmt.Sprint(r.Meetings.Distribution), "[{0 0} {1-2 1} {3-5 1} {6-10 0} {11+ 0}]"},
		{"eligible", r.Satisfaction.All.Eligible, 4},
		{"responses", r.Satisfaction.All.Responses, 3},
		{"response rate", f64(r.Satisfaction.All.ResponseRate), "0.75"},
		{"overall average", f64(r.Satisfaction.All.Overall), "3.67"},
		{"overall distribution", r.Satisfaction.All.Distribution, [5]int{0, 1, 0, 1, 1}},
		{"recommend", f64(r.Satisfaction.All.RecommendRate), "0.6667"},
		{"mentor side", fmt.Sprintf("%s %d/%d o=%s f=%s l=%s r=%s", r.Satisfaction.Sides[0].Side, r.Satisfaction.Sides[0].Responses, r.Satisfaction.Sides[0].Eligible,
			f64(r.Satisfaction.Sides[0].Overall), f64(r.Satisfaction.Sides[0].Fit), f64(r.Satisfaction.Sides[0].Learned), f64(r.Satisfaction.Sides[0].RecommendRate)),
			"mentor 2/2 o=3.5 f=2.5 l=4 r=0.5"},
		{"mentee side", fmt.Sprintf("%s %d/%d rate=%s o=%s", r.Satisfaction.Sides[1].Side, r.Satisfaction.Sides[1].Responses, r.Satisfaction.Sides[1].Eligible,
			f64(r.Satisfaction.Sides[1].ResponseRate), f64(r.Satisfaction.Sides[1].Overall)), "mentee 1/2 rate=0.5 o=4"},
		{"texts", r.Satisfaction.Texts, []FreeText{{tandem.SideMentee, "Sehr bereichernd, danke!"}, {tandem.SideMentor, "=HYPERLINK(\"http://evil.example\",\"click\")"}}},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}

	// The open program counts applications of all time and has no tandems here.
	open, err := e.s.ProgramReport(ctx, cura, program.OpenProgram)
	if err != nil {
		t.Fatalf("open program report: %v", err)
	}
	if open.Window != nil || open.Applications.Submitted != 6 || open.Applications.Decided != 5 || open.Tandems.Proposed != 0 {
		t.Errorf("open program: got window %v, %d submitted, %d decided, %d tandems; want all time, 6, 5, 0",
			open.Window, open.Applications.Submitted, open.Applications.Decided, open.Tandems.Proposed)
	}

	// Erasing an applicant removes their decisions from the numbers.
	if err := e.profiles.EraseUser(ctx, "u_appa"); err != nil {
		t.Fatal(err)
	}
	r, _ = e.s.ProgramReport(ctx, cura, "spring")
	if r.Applications.Approved != 1 || r.Applications.Decided != 3 || r.Applications.Submitted != 4 {
		t.Errorf("after erasing an applicant: got %+v, want 1 approved of 3 decided, 4 submitted", r.Applications)
	}
}

func TestIntegrationProgramReportAccess(t *testing.T) {
	e := newEvalEnv(t)
	ctx := context.Background()
	e.program(t, "spring", program.PhaseRunning, "cura@program.example")
	tests := []struct {
		name, program string
		who           *otm.Principal
		code          string
	}{
		{"visitor", "spring", nil, otm.EUNAUTHORIZED},
		{"executive", "spring", user("kat", otm.RoleMentee), otm.EFORBIDDEN},
		{"mentor", "spring", user("ada", otm.RoleMentor), otm.EFORBIDDEN},
		{"curator of another program", "spring", &otm.Principal{UserID: "u_c2", Email: "cura2@program.example", EmailTrusted: true, Roles: []string{otm.RoleCurator}}, otm.EFORBIDDEN},
		{"its curator", "spring", &otm.Principal{UserID: "u_c", Email: "Cura@Program.example", EmailTrusted: true, Roles: []string{otm.RoleCurator}}, ""},
		{"admin", "spring", user("amira", otm.RoleAdmin), ""},
		{"unknown program", "nope", user("amira", otm.RoleAdmin), otm.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.s.ProgramReport(ctx, tt.who, tt.program)
			if got := otm.ErrorCode(err); got != tt.code {
				t.Errorf("got %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

func TestReportCSV(t *testing.T) {
	half, eighteen := 0.5, 18.0
	r := &Report{ProgramID: "spring", ProgramName: "@Spring, \"2027\"", Phase: program.PhaseWrapUp, GeneratedAt: time.Date(2027, 9, 5, 8, 0, 0, 0, time.UTC),
		Applications: ApplicationStats{Submitted: 5, Approved: 2, Decided: 4, ApprovalRate: &half, MedianHours: &eighteen},
		Meetings:     meetingStats(nil, nil),
		Satisfaction: SatisfactionReport{All: SideStats{Side: "all"}, Sides: []SideStats{{Side: tandem.SideMentor}, {Side: tandem.SideMentee}},
			Texts: []FreeText{{tandem.SideMentee, "=1+1"}, {tandem.SideMentee, "+49 30 123"}, {tandem.SideMentor, "-minus"}, {tandem.SideMentor, "@SUM(A1)"},
				{tandem.SideMentor, "\tTab"}, {tandem.SideMentor, "\rCR"}, {tandem.SideMentor, "Plain, with \"quotes\"\nand a line"}}}}
	var buf bytes.Buffer
	if err := r.CSV(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "section,metric,value\r\n") {
		t.Errorf("got %q…, want the header row and CRLF", buf.String()[:30])
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	got := map[string]string{}
	var texts []string
	for _, row := range rows {
		if len(row) != 3 {
			t.Fatalf("row %v: got %d cells, want 3", row, len(row))
		}
		if row[0] == "free_text" {
			texts = append(texts, row[1]+": "+row[2])
			continue
		}
		got[row[0]+"."+row[1]] = row[2]
	}
	for key, want := range map[string]string{
		"program.name": "'@Spring, \"2027\"", "applications.submitted": "5", "applications.approval_rate_pct": "50",
		"applications.median_hours_to_decision": "18", "applications.p90_hours_to_decision": "",
		"tandems.proposed": "0", "meetings.tandems_with_11+": "0", "satisfaction.mentor_response_rate_pct": "",
		"satisfaction.all_overall_5": "0",
	} {
		if v, ok := got[key]; !ok || v != want {
			t.Errorf("%s: got %q (present %v), want %q", key, v, ok, want)
		}
	}
	// (With CRLF line ends, encoding/csv writes a lone CR as nothing.)
	wantTexts := []string{"mentee: '=1+1", "mentee: '+49 30 123", "mentor: '-minus", "mentor: '@SUM(A1)",
		"mentor: '\tTab", "mentor: 'CR", "mentor: Plain, with \"quotes\"\nand a line"}
	if fmt.Sprintf("%q", texts) != fmt.Sprintf("%q", wantTexts) {
		t.Errorf("free texts: got %q, want %q", texts, wantTexts)
	}
}

// TestSatisfactionWithheld: with fewer than MinGroup answers a side's ratings
// and texts are withheld, and then the figures of both sides together too
// (they would give it away by difference); counts stay.
func TestSatisfactionWithheld(t *testing.T) {
	ended := func(id string) tandem.Tandem {
		at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		return tandem.Tandem{ID: id, Status: tandem.TandemEnded, ActivatedAt: &at}
	}
	answer := func(id, side string, overall int, text string) tandem.Feedback {
		return tandem.Feedback{TandemID: id, Side: side, Overall: overall, Fit: overall, Learned: overall, Recommend: true, Text: text}
	}
	ts := []tandem.Tandem{ended("t1"), ended("t2"), ended("t3"), ended("t4")}
	tests := []struct {
		name                         string
		fbs                          []tandem.Feedback
		wantMentor, wantMentee, want bool // withheld
		wantTexts                    []string
	}{
		{"nobody answered", nil, false, false, false, nil},
		{"one mentor", []tandem.Feedback{answer("t1", tandem.SideMentor, 5, "mine")}, true, false, true, nil},
		{"three mentors, one executive", []tandem.Feedback{
			answer("t1", tandem.SideMentor, 5, "a"), answer("t2", tandem.SideMentor, 4, "b"), answer("t3", tandem.SideMentor, 3, ""),
			answer("t1", tandem.SideMentee, 1, "only me")}, false, true, true, []string{"a", "b"}},
		{"three on each side", []tandem.Feedback{
			answer("t1", tandem.SideMentor, 5, "a"), answer("t2", tandem.SideMentor, 4, ""), answer("t3", tandem.SideMentor, 3, ""),
			answer("t1", tandem.SideMentee, 2, "x"), answer("t2", tandem.SideMentee, 2, ""), answer("t4", tandem.SideMentee, 2, "")},
			false, false, false, []string{"x", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := satisfaction(ts, tt.fbs, MinGroup)
			for _, c := range []struct {
				st   SideStats
				want bool
			}{{got.Sides[0], tt.wantMentor}, {got.Sides[1], tt.wantMentee}, {got.All, tt.want}} {
				if c.st.Withheld != c.want {
					t.Errorf("%s withheld: got %v, want %v", c.st.Side, c.st.Withheld, c.want)
				}
				if c.st.Withheld && (c.st.Overall != nil || c.st.Fit != nil || c.st.Learned != nil || c.st.RecommendRate != nil || c.st.Distribution != [5]int{}) {
					t.Errorf("%s withheld but shows ratings: %+v", c.st.Side, c.st)
				}
				if !c.st.Withheld && c.st.Responses > 0 && c.st.Overall == nil {
					t.Errorf("%s shown without its average: %+v", c.st.Side, c.st)
				}
			}
			if got.Sides[0].Responses+got.Sides[1].Responses != len(tt.fbs) || got.All.Responses != len(tt.fbs) {
				t.Errorf("responses: got %d + %d (all %d), want %d", got.Sides[0].Responses, got.Sides[1].Responses, got.All.Responses, len(tt.fbs))
			}
			var texts []string
			for _, x := range got.Texts {
				texts = append(texts, x.Text)
			}
			if !slices.Equal(texts, tt.wantTexts) {
				t.Errorf("texts: got %q, want %q", texts, tt.wantTexts)
			}
			if got.MinGroup != MinGroup {
				t.Errorf("MinGroup: got %d, want %d", got.MinGroup, MinGroup)
			}
		})
	}
}

// requestIDFor names a request stored straight into the database (the
// service's ids are keyed; any unique id does here).
func requestIDFor(userID, programID string) string {
	return "mr_" + strings.TrimPrefix(userID, "u_") + "_" + programID
}
