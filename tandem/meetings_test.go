package tandem

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"

	"github.com/opentomentor/opentomentor/cadence"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/program"
)

func goodCadence() cadence.Cadence {
	return cadence.Cadence{Every: "weekly", Weekday: 2, Time: "18:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2025-03-03"}
}

func TestRenderICS(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		every, wantRule string
	}{
		{"weekly", "RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"},
		{"biweekly", "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"},
		{"monthly", "RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=1TU"},
	}
	for _, tt := range tests {
		t.Run(tt.every, func(t *testing.T) {
			c := goodCadence()
			c.Every = tt.every
			tn := &Tandem{ID: "t_1", MentorName: "Lovelace, Ada", MenteeName: "Weber; Katharina", Cadence: &c}
			raw, err := renderICS(tn, nil, now)
			if err != nil {
				t.Fatal(err)
			}
			ics := string(raw)
			if !strings.HasSuffix(ics, "\r\n") || strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
				t.Fatalf("lines are not CRLF-terminated:\n%q", ics)
			}
			unfolded := strings.ReplaceAll(ics, "\r\n ", "")
			lines := strings.Split(strings.TrimSuffix(unfolded, "\r\n"), "\r\n")
			for _, want := range []string{
				"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//OpenToMentor//Tandem calendar//EN",
				"BEGIN:VTIMEZONE", "TZID:Europe/Berlin", "TZOFFSETTO:+0200",
				"UID:t_1@opentomentor", "DTSTAMP:20250301T090000Z",
				"DTSTART;TZID=Europe/Berlin:20250304T183000", // first Tuesday on or after 2025-03-03
				"DURATION:PT60M", tt.wantRule,
				`SUMMARY:OpenToMentor tandem: Lovelace\, Ada & Weber\; Katharina`,
				"END:VEVENT", "END:VCALENDAR",
			} {
				found := false
				for _, l := range lines {
					found = found || l == want
				}
				if !found {
					t.Errorf("missing line %q in\n%s", want, ics)
				}
			}
		})
	}
}

func TestRenderICSEnds(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	ended := time.Date(2025, 5, 20, 10, 0, 0, 0, time.UTC)
	cohort := &program.Program{ID: "spring", Name: "Spring cohort", KickOff: "2025-03-03", WrapUp: "2025-06-30"}
	tests := []struct {
		name    string
		pr      *program.Program
		endedAt *time.Time
		want    []string
		notWant []string
	}{
		{"open program, running", &program.Program{ID: program.OpenProgram}, nil, []string{"RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"}, []string{"UNTIL=", "kick-off"}},
		{"cohort: until wrap-up, kick-off and wrap-up events", cohort, nil,
			[]string{"RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20250630T215959Z", "UID:spring-kick-off@opentomentor",
				"DTSTART;VALUE=DATE:20250303", "DTEND;VALUE=DATE:20250304", "SUMMARY:Spring cohort: kick-off", "SUMMARY:Spring cohort: wrap-up"}, nil},
		{"ended early: until the day it ended", cohort, &ended, []string{"RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20250520T215959Z"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := goodCadence()
			c.Every = "weekly"
			tn := &Tandem{ID: "t_1", MentorName: "A", MenteeName: "B", Cadence: &c, EndedAt: tt.endedAt}
			raw, err := renderICS(tn, tt.pr, now)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.ReplaceAll(string(raw), "\r\n ", ""), "\r\n")
			for _, want := range tt.want {
				if !slices.Contains(lines, want) {
					t.Errorf("missing line %q in\n%s", want, raw)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(string(raw), nw) {
					t.Errorf("got %q in\n%s, want none", nw, raw)
				}
			}
		})
	}
}

// TestIntegrationMeetingCap: concurrent meetings never exceed the cap, and a
// backfill counts meetings logged before the counters existed.
func TestIntegrationMeetingCap(t *testing.T) {
	st := newMongoStore(testenv.DB(t), true)
	ctx := context.Background()
	const max, writers = 5, 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	stored := 0
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := st.insertMeeting(ctx, &Meeting{ID: fmt.Sprintf("m_%d", i), TandemID: "t_cap", Date: "2027-03-02"}, max)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				stored++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	n, err := st.countMeetings(ctx, "t_cap")
	if err != nil || stored != max || n != max {
		t.Errorf("after %d concurrent meetings with a cap of %d: stored %d, counted %d (%v); want %d", writers, max, stored, n, err, max)
	}
	if ms, _ := st.meetingsOf(ctx, "t_cap"); len(ms) != max {
		t.Errorf("meeting log: got %d, want %d", len(ms), max)
	}
	// Meetings from before the counters: the backfill counts them once.
	if _, err := st.meetings().InsertOne(ctx, &Meeting{ID: "m_old", TandemID: "t_old", Date: "2027-01-02"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := st.backfillMeetingCounts(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := st.countMeetings(ctx, "t_old"); n != 1 {
		t.Errorf("backfilled count: got %d, want 1", n)
	}
	if err := st.deleteMeetings(ctx, "t_cap"); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.countMeetings(ctx, "t_cap"); n != 0 {
		t.Errorf("count after erasing the tandem's meetings: got %d, want 0", n)
	}
}

// TestIntegrationCadenceWithinProgram: a cadence may not start after the
// program's wrap-up; on or before it is stored.
func TestIntegrationCadenceWithinProgram(t *testing.T) {
	ctx := context.Background()
	e := newEvalEnv(t)
	e.program(t, "spring", "running") // wrap-up 2027-08-31
	e.tandem(t, "t_run", "spring", "ada", "kat", TandemActive, true, "")
	tests := []struct {
		start    string
		wantRule string
	}{
		{"2027-09-01", otm.RuleAfterWrapUp},
		{"2027-08-31", ""},
		{"2027-03-03", ""},
	}
	for _, tt := range tests {
		c := goodCadence()
		c.StartDate = tt.start
		_, err := e.s.SetCadence(ctx, user("ada"), "t_run", c)
		rule, args := otm.FieldRule(err, "startDate")
		if rule != tt.wantRule || (tt.wantRule != "" && args["date"] != "2027-08-31") {
			t.Errorf("start %s: got %v (rule %q, %v), want rule %q", tt.start, err, rule, args, tt.wantRule)
		}
	}
}
