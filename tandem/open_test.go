package tandem

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/program"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestNextMeeting(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		t.Helper()
		d, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// 2027-03-01 is a Monday.
	tests := []struct {
		name  string
		c     *Cadence
		from  string
		want  string
		found bool
	}{
		{"none", nil, "2027-03-01 00:00", "", false},
		{"before the start: the first", &Cadence{Every: EveryWeekly, Weekday: 3, Time: "17:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-02-01 00:00", "2027-03-03 17:30", true},
		{"weekly, later the same day", &Cadence{Every: EveryWeekly, Weekday: 3, Time: "17:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-03-17 09:00", "2027-03-17 17:30", true},
		{"weekly, just after one", &Cadence{Every: EveryWeekly, Weekday: 3, Time: "17:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-03-17 17:31", "2027-03-24 17:30", true},
		{"weekly across the clock change", &Cadence{Every: EveryWeekly, Weekday: 3, Time: "17:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-03-29 00:00", "2027-03-31 17:30", true},
		{"biweekly skips a week", &Cadence{Every: EveryBiweekly, Weekday: 1, Time: "08:00", DurationMinutes: 30, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-03-02 00:00", "2027-03-15 08:00", true},
		{"monthly, second Tuesday", &Cadence{Every: EveryMonthly, Weekday: 2, Time: "12:00", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-08"}, "2027-03-10 00:00", "2027-04-13 12:00", true},
		{"monthly, the last Friday", &Cadence{Every: EveryMonthly, Weekday: 5, Time: "12:00", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-01-29"}, "2027-02-01 00:00", "2027-02-26 12:00", true},
		{"monthly over the new year", &Cadence{Every: EveryMonthly, Weekday: 1, Time: "09:00", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-11-01"}, "2027-12-07 00:00", "2028-01-03 09:00", true},
		{"not valid", &Cadence{Every: "daily", Weekday: 1, Time: "09:00", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-03-01 00:00", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NextMeeting(tt.c, at(tt.from))
			if ok != tt.found {
				t.Fatalf("got %v %v, want found=%v", got, ok, tt.found)
			}
			if ok && !got.Equal(at(tt.want)) {
				t.Errorf("got %v, want %s", got, tt.want)
			}
		})
	}
}

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
