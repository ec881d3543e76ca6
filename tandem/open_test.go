package tandem

import (
	"context"
	"slices"
	"testing"

	"github.com/opentomentor/opentomentor/program"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestIntegrationOpenTandemsAndLastMeetings(t *testing.T) {
	e := newEvalEnv(t)
	ctx := context.Background()
	e.program(t, "c1", program.PhaseRunning)
	e.tandem(t, "t_prop", "c1", "max", "eva", TandemProposed, false, "")
	e.tandem(t, "t_run", "c1", "lena", "kat", TandemActive, true, "")
	e.tandem(t, "t_end", "c1", "ada", "bert", TandemEnded, true, "mentor")
	e.tandem(t, "t_decl", "c1", "otto", "ina", TandemDeclined, false, "mentee")
	open, err := e.s.OpenTandems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range open {
		ids = append(ids, x.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"t_prop", "t_run"}) {
		t.Errorf("open tandems: got %v, want the proposed and the running one", ids)
	}
	for _, m := range []Meeting{{ID: "m1", TandemID: "t_run", Date: "2027-01-03"}, {ID: "m2", TandemID: "t_run", Date: "2027-01-09"}, {ID: "m3", TandemID: "t_end", Date: "2026-12-01"}} {
		if _, err := e.db.Collection("tandem_meetings").InsertOne(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	// Meetings logged before the dates were kept beside the counts: the
	// migrations bring them in.
	if last, _ := e.s.LastMeetings(ctx); len(last) != 0 {
		t.Fatalf("before the migrations: got %v, want none (the test proves nothing)", last)
	}
	// (A database from before the counts: the counts' own marker is not there.)
	if _, err := e.db.Collection("meta").DeleteOne(ctx, bson.D{{Key: "_id", Value: "meetingCounts"}}); err != nil {
		t.Fatal(err)
	}
	for _, migrate := range []func(context.Context) error{e.s.BackfillMeetingCounts, e.s.BackfillLastMeetings} {
		if err := migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	last, err := e.s.LastMeetings(ctx)
	if err != nil || last["t_run"] != "2027-01-09" || last["t_end"] != "2026-12-01" || len(last) != 2 {
		t.Errorf("last meetings: got %v (%v)", last, err)
	}
	// A meeting logged now moves the date on; an older one does not.
	for _, m := range []Meeting{{ID: "m4", TandemID: "t_run", Date: "2027-02-01"}, {ID: "m5", TandemID: "t_run", Date: "2027-01-20"}} {
		if ok, err := e.s.store.insertMeeting(ctx, &m, 100); !ok || err != nil {
			t.Fatalf("insertMeeting %s: %v %v", m.ID, ok, err)
		}
	}
	if last, err := e.s.LastMeetings(ctx); err != nil || last["t_run"] != "2027-02-01" {
		t.Errorf("after logging: got %v (%v), want t_run 2027-02-01", last, err)
	}
}
