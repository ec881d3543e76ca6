package report

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

// BenchmarkProgramReport measures the report of a cohort of 500 tandems
// (400 ran, each with 1–12 meetings; both sides answered on 300 of them),
// 500 requests and 1,000 application decisions, next to another program of
// the same size.
//
//	go test -run '^$' -bench ProgramReport -benchtime 20x ./report/
func BenchmarkProgramReport(b *testing.B) {
	e := newEvalEnv(b)
	ctx := context.Background()
	cura := &otm.Principal{UserID: "u_cura", Email: "cura@program.example", EmailTrusted: true, Roles: []string{otm.RoleCurator}}
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	var tandems, meetings, feedback, requests, decisions []any
	for _, prog := range []string{"spring", "autumn"} {
		e.program(b, prog, program.PhaseWrapUp, "cura@program.example")
		for i := range 500 {
			mentee := fmt.Sprintf("x%d%s", i, prog)
			sub := at
			requests = append(requests, &tandem.MenteeRequest{ID: requestIDFor("u_"+mentee, prog), OwnerID: "u_" + mentee, ProgramID: prog,
				Status: tandem.RequestSubmitted, Version: 1, CreatedAt: at, UpdatedAt: at, SubmittedAt: &sub})
			t := &tandem.Tandem{ID: fmt.Sprintf("t_%s_%d", prog, i), ProgramID: prog, RequestID: requestIDFor("u_"+mentee, prog),
				MentorUserID: fmt.Sprintf("u_m%d", i), MenteeUserID: "u_" + mentee, Status: tandem.TandemDeclined, DeclinedBy: tandem.SideMentor,
				CreatedAt: at, UpdatedAt: at, Version: 1}
			if i < 400 {
				act, end := at, at.AddDate(0, 5, 0)
				t.ActivatedAt, t.Status, t.EndedAt, t.EndedBy = &act, tandem.TandemEnded, &end, "program"
				for j := range 1 + i%12 {
					meetings = append(meetings, &tandem.Meeting{ID: fmt.Sprintf("m_%s_%d", t.ID, j), TandemID: t.ID, Date: "2027-03-02", AuthorSide: tandem.SideMentor, CreatedAt: at})
				}
			}
			if i < 300 {
				for _, side := range []string{tandem.SideMentor, tandem.SideMentee} {
					feedback = append(feedback, &tandem.Feedback{ID: tandem.FeedbackID(t.ID, side), TandemID: t.ID, ProgramID: prog, Side: side,
						Overall: 1 + i%5, Fit: 1 + (i+1)%5, Learned: 1 + (i+2)%5, Recommend: i%3 > 0, Text: fmt.Sprintf("Answer %d of the %s.", i, side),
						CreatedAt: at, UpdatedAt: at})
				}
			}
			tandems = append(tandems, t)
		}
	}
	for i := range 1000 {
		submitted := time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		decisions = append(decisions, profile.DecisionRecord{ID: fmt.Sprintf("ad_%d", i), ProfileID: fmt.Sprintf("mp_%d", i),
			Decision: []string{profile.DecisionApprove, profile.DecisionReject, profile.DecisionRequestChanges}[i%3], SubmittedAt: submitted,
			DecidedAt: submitted.Add(time.Duration(1+i%72) * time.Hour)})
	}
	var counts []any
	for _, m := range meetings {
		counts = append(counts, m.(*tandem.Meeting).TandemID)
	}
	n := map[string]int{}
	for _, id := range counts {
		n[id.(string)]++
	}
	var countDocs []any
	for id, c := range n {
		countDocs = append(countDocs, bson.D{{Key: "_id", Value: id}, {Key: "n", Value: c}})
	}
	e.insert(b, "tandems", tandems...)
	e.insert(b, "tandem_meetings", meetings...)
	e.insert(b, "tandem_meeting_counts", countDocs...)
	e.insert(b, "tandem_feedback", feedback...)
	e.insert(b, "mentee_requests", requests...)
	e.insert(b, "application_decisions", decisions...)
	e.now = time.Date(2027, 9, 5, 8, 0, 0, 0, time.UTC)
	// cold: the first report after a start (on the embedded database the
	// collections are read into memory then: mongostore.Mirror); computed:
	// after a write to each collection the report reads (a tandem, a
	// request, a feedback, a meeting count, a decision — the writes are
	// not timed); cached: the embedded database's report cache while
	// nothing the report read changes (Service.CacheIn).
	report := func(b *testing.B) {
		r, err := e.s.ProgramReport(ctx, cura, "spring")
		if err != nil {
			b.Fatal(err)
		}
		if r.Tandems.Proposed != 500 || r.Satisfaction.All.Responses != 600 || r.Meetings.Held == 0 {
			b.Fatalf("got %d tandems, %d responses, %d meetings", r.Tandems.Proposed, r.Satisfaction.All.Responses, r.Meetings.Held)
		}
	}
	b.Run("cold", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			e.services(b) // a new process: nothing in memory
			b.StartTimer()
			report(b)
		}
	})
	b.Run("computed", func(b *testing.B) {
		report(b)
		for i := range b.N {
			b.StopTimer()
			touch(b, e.db, i)
			b.StartTimer()
			report(b)
		}
	})
	b.Run("cached", func(b *testing.B) {
		e.s.CacheIn(e.db)
		report(b)
		for range b.N {
			report(b)
		}
	})
}

// touch writes one document of each collection a program report reads, as
// the product does (by _id).
func touch(b *testing.B, db *mongo.Database, i int) {
	b.Helper()
	ctx := context.Background()
	at := time.Date(2027, 3, 1, 9, 0, 0, i, time.UTC)
	for _, w := range []struct{ coll, id string }{
		{"tandems", fmt.Sprintf("t_spring_%d", i%500)},
		{"mentee_requests", requestIDFor(fmt.Sprintf("u_x%dspring", i%500), "spring")},
		{"tandem_feedback", tandem.FeedbackID(fmt.Sprintf("t_spring_%d", i%300), tandem.SideMentor)},
		{"application_decisions", fmt.Sprintf("ad_%d", i%1000)},
	} {
		if _, err := db.Collection(w.coll).UpdateOne(ctx, bson.D{{Key: "_id", Value: w.id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "updatedAt", Value: at}}}}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Collection("tandem_meeting_counts").UpdateOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("t_spring_%d", i%400)}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}); err != nil {
		b.Fatal(err)
	}
}
