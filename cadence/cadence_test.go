package cadence

import (
	"strings"
	"testing"
	"time"
)

func goodCadence() Cadence {
	return Cadence{Every: "weekly", Weekday: 2, Time: "18:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2025-03-03"}
}

func TestCadenceValidation(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Cadence)
		want string // the field named, "" when valid
	}{
		{"valid", func(*Cadence) {}, ""},
		{"every", func(c *Cadence) { c.Every = "daily" }, "every"},
		{"weekday 0", func(c *Cadence) { c.Weekday = 0 }, "weekday"},
		{"weekday 8", func(c *Cadence) { c.Weekday = 8 }, "weekday"},
		{"time", func(c *Cadence) { c.Time = "25:00" }, "time"},
		{"time short", func(c *Cadence) { c.Time = "9:00" }, "time"},
		{"duration low", func(c *Cadence) { c.DurationMinutes = 10 }, "durationMinutes"},
		{"duration high", func(c *Cadence) { c.DurationMinutes = 241 }, "durationMinutes"},
		{"timezone", func(c *Cadence) { c.Timezone = "Mars/Olympus" }, "timezone"},
		{"timezone empty", func(c *Cadence) { c.Timezone = "" }, "timezone"},
		{"startDate", func(c *Cadence) { c.StartDate = "03.03.2025" }, "startDate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := goodCadence()
			tt.edit(&c)
			_, fe := c.Validate()
			var got string
			if len(fe) > 0 {
				got = fe[0].Field
			}
			if got != tt.want || len(fe) > 1 {
				t.Errorf("got %v, want field %q", fe, tt.want)
			}
		})
	}
}

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
		{"before the start: the first", &Cadence{Every: Weekly, Weekday: 3, Time: "17:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-02-01 00:00", "2027-03-03 17:30", true},
		{"weekly, later the same day", &Cadence{Every: Weekly, Weekday: 3, Time: "17:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-03-17 09:00", "2027-03-17 17:30", true},
		{"weekly, just after one", &Cadence{Every: Weekly, Weekday: 3, Time: "17:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-03-17 17:31", "2027-03-24 17:30", true},
		{"weekly across the clock change", &Cadence{Every: Weekly, Weekday: 3, Time: "17:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-03-29 00:00", "2027-03-31 17:30", true},
		{"biweekly skips a week", &Cadence{Every: Biweekly, Weekday: 1, Time: "08:00", DurationMinutes: 30, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-03-02 00:00", "2027-03-15 08:00", true},
		{"monthly, second Tuesday", &Cadence{Every: Monthly, Weekday: 2, Time: "12:00", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-08"}, "2027-03-10 00:00", "2027-04-13 12:00", true},
		{"monthly, the last Friday", &Cadence{Every: Monthly, Weekday: 5, Time: "12:00", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-01-29"}, "2027-02-01 00:00", "2027-02-26 12:00", true},
		{"monthly over the new year", &Cadence{Every: Monthly, Weekday: 1, Time: "09:00", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-11-01"}, "2027-12-07 00:00", "2028-01-03 09:00", true},
		{"not valid", &Cadence{Every: "daily", Weekday: 1, Time: "09:00", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}, "2027-03-01 00:00", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.c.Next(at(tt.from))
			if ok != tt.found {
				t.Fatalf("got %v %v, want found=%v", got, ok, tt.found)
			}
			if ok && !got.Equal(at(tt.want)) {
				t.Errorf("got %v, want %s", got, tt.want)
			}
		})
	}
}

// TestCalendarSpan: the time zone covers the series through the year after
// its end, and a series that ends before its first meeting has no event.
func TestCalendarSpan(t *testing.T) {
	c := Cadence{Every: Weekly, Weekday: 2, Time: "18:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2025-03-03"}
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		last     string
		want     []string
		wantNone []string
	}{
		{"ends in eight years", "2033-06-30", []string{"RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20330630T215959Z", "DTSTART:20340326T020000"},
			[]string{"DTSTART:20350325T020000"}},
		{"ends before it starts", "2025-03-01", []string{"BEGIN:VTIMEZONE"}, []string{"RRULE:", "BEGIN:VEVENT"}},
		{"no end", "", []string{"RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU\r\n", "DTSTART:20350325T020000"}, []string{"UNTIL="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := c.Calendar(Series{UID: "t_1@opentomentor", Summary: "Tandem", LastDate: tt.last}, nil, now)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.ReplaceAll(string(raw), "\r\n ", "")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(got, w) {
					t.Errorf("got %q, want none, in\n%s", w, got)
				}
			}
		})
	}
}
