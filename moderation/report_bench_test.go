package moderation

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	otm "github.com/opentomentor/opentomentor"
)

// BenchmarkProgramReport measures the report of a cohort of 500 tandems
// (400 ran, each with 1–12 meetings; both sides answered on 300 of them),
// 500 requests and 1,000 application decisions, next to another program of
// the same size. With -v it logs each store query's time once.
//
//	go test -run '^$' -bench ProgramReport -benchtime 20x ./moderation/
func BenchmarkProgramReport(b *testing.B) {
	e := newEvalEnv(b)
	ctx := context.Background()
	cura := &otm.Principal{UserID: "u_cura", Email: "cura@program.example", Roles: []string{otm.RoleCurator}}
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	var tandems, meetings, feedback, requests, decisions []any
	for _, program := range []string{"spring", "autumn"} {
		e.program(b, program, PhaseWrapUp, "cura@program.example")
		for i := range 500 {
			mentee := fmt.Sprintf("x%d%s", i, program)
			sub := at
			requests = append(requests, &MenteeRequest{ID: RequestIDFor("u_"+mentee, program), OwnerID: "u_" + mentee, ProgramID: program,
				Status: RequestSubmitted, Version: 1, CreatedAt: at, UpdatedAt: at, SubmittedAt: &sub})
			t := &Tandem{ID: fmt.Sprintf("t_%s_%d", program, i), ProgramID: program, RequestID: RequestIDFor("u_"+mentee, program),
				MentorUserID: fmt.Sprintf("u_m%d", i), MenteeUserID: "u_" + mentee, Status: TandemDeclined, DeclinedBy: SideMentor,
				CreatedAt: at, UpdatedAt: at, Version: 1}
			if i < 400 {
				act, end := at, at.AddDate(0, 5, 0)
				t.ActivatedAt, t.Status, t.EndedAt, t.EndedBy = &act, TandemEnded, &end, "program"
				for j := range 1 + i%12 {
					meetings = append(meetings, &Meeting{ID: fmt.Sprintf("m_%s_%d", t.ID, j), TandemID: t.ID, Date: "2027-03-02", AuthorSide: SideMentor, CreatedAt: at})
				}
			}
			if i < 300 {
				for _, side := range []string{SideMentor, SideMentee} {
					feedback = append(feedback, &Feedback{ID: FeedbackID(t.ID, side), TandemID: t.ID, ProgramID: program, Side: side,
						Overall: 1 + i%5, Fit: 1 + (i+1)%5, Learned: 1 + (i+2)%5, Recommend: i%3 > 0, Text: fmt.Sprintf("Answer %d of the %s.", i, side),
						CreatedAt: at, UpdatedAt: at})
				}
			}
			tandems = append(tandems, t)
		}
	}
	for i := range 1000 {
		submitted := time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		decisions = append(decisions, decisionDoc{ID: fmt.Sprintf("ad_%d", i), ProfileID: fmt.Sprintf("mp_%d", i),
			Decision: []string{DecisionApprove, DecisionReject, DecisionRequestChanges}[i%3], SubmittedAt: submitted,
			DecidedAt: submitted.Add(time.Duration(1+i%72) * time.Hour)})
	}
	st := e.s.store
	mustInsert := func(name string, insert func() error) {
		if err := insert(); err != nil {
			b.Fatalf("insert %s: %v", name, err)
		}
	}
	mustInsert("tandems", func() error { _, err := st.tandems().InsertMany(ctx, tandems); return err })
	mustInsert("meetings", func() error { _, err := st.meetings().InsertMany(ctx, meetings); return err })
	mustInsert("meeting counts", func() error { // as for meetings logged before the counters existed
		if _, err := st.meta().DeleteOne(ctx, bson.D{{Key: "_id", Value: "meetingCounts"}}); err != nil {
			return err
		}
		return st.backfillMeetingCounts(ctx)
	})
	mustInsert("feedback", func() error { _, err := st.feedbackC().InsertMany(ctx, feedback); return err })
	mustInsert("requests", func() error { _, err := st.requests().InsertMany(ctx, requests); return err })
	mustInsert("decisions", func() error { _, err := st.decisionsC().InsertMany(ctx, decisions); return err })
	e.now = time.Date(2027, 9, 5, 8, 0, 0, 0, time.UTC)
	if testing.Verbose() {
		for name, fn := range map[string]func() error{
			"tandemsOfProgram":   func() error { _, err := st.tandemsOfProgram(ctx, "spring"); return err },
			"requestsOfProgram":  func() error { _, err := st.requestsOfProgram(ctx, "spring"); return err },
			"feedbackOfProgram":  func() error { _, err := st.feedbackOfProgram(ctx, "spring"); return err },
			"decisions":          func() error { _, err := st.decisions(ctx); return err },
			"pendingSubmissions": func() error { _, err := st.pendingSubmissions(ctx); return err },
			"meetingCounts": func() error {
				ids := []string{}
				for i := range 400 {
					ids = append(ids, fmt.Sprintf("t_spring_%d", i))
				}
				_, err := st.meetingCounts(ctx, ids)
				return err
			},
		} {
			start := time.Now()
			if err := fn(); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %v", name, time.Since(start))
		}
	}
	for b.Loop() {
		r, err := e.s.ProgramReport(ctx, cura, "spring")
		if err != nil {
			b.Fatal(err)
		}
		if r.Tandems.Proposed != 500 || r.Satisfaction.All.Responses != 600 || r.Meetings.Held == 0 {
			b.Fatalf("got %d tandems, %d responses, %d meetings", r.Tandems.Proposed, r.Satisfaction.All.Responses, r.Meetings.Held)
		}
	}
}
