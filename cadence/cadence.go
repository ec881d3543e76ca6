// Package cadence is how often a tandem's pair meets: the agreed rhythm,
// its validation, the next meeting it gives, and the iCalendar series that
// the pair imports into their calendars (RFC 5545). Pure computation: the
// tandem package keeps the cadence on the tandem and decides who may set it.
package cadence

import (
	"fmt"
	"time"
	_ "time/tzdata" // time zones work on images without /usr/share/zoneinfo

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/internal/ics"
)

// How often a pair meets.
const (
	Weekly   = "weekly"
	Biweekly = "biweekly"
	Monthly  = "monthly"
)

// DateLayout is how the start date is written (YYYY-MM-DD).
const DateLayout = "2006-01-02"

// Cadence is how often a pair meets, agreed at kick-off.
type Cadence struct {
	Every           string `bson:"every" json:"every"`                     // weekly | biweekly | monthly
	Weekday         int    `bson:"weekday" json:"weekday"`                 // ISO: 1 = Monday … 7 = Sunday
	Time            string `bson:"time" json:"time"`                       // HH:MM, local to Timezone
	DurationMinutes int    `bson:"durationMinutes" json:"durationMinutes"` // 15–240
	Timezone        string `bson:"timezone" json:"timezone"`               // IANA name
	StartDate       string `bson:"startDate" json:"startDate"`             // YYYY-MM-DD
}

// Validate checks c field by field (the errors name the fields) and returns
// its time zone.
func (c *Cadence) Validate() (*time.Location, []otm.FieldError) {
	var fe []otm.FieldError
	switch c.Every {
	case Weekly, Biweekly, Monthly:
	default:
		fe = append(fe, otm.Field("every", otm.RuleOneOf, otm.Args{"allowed": []string{Weekly, Biweekly, Monthly}}, "must be weekly, biweekly or monthly"))
	}
	if c.Weekday < 1 || c.Weekday > 7 {
		fe = append(fe, otm.Field("weekday", otm.RuleRange, otm.Args{"min": 1, "max": 7}, "must be 1 (Monday) to 7 (Sunday)"))
	}
	if _, err := time.Parse("15:04", c.Time); err != nil || len(c.Time) != 5 {
		fe = append(fe, otm.Field("time", otm.RuleClockTime, nil, "must be HH:MM (24-hour clock)"))
	}
	if c.DurationMinutes < 15 || c.DurationMinutes > 240 {
		fe = append(fe, otm.Field("durationMinutes", otm.RuleRange, otm.Args{"min": 15, "max": 240}, "must be 15 to 240"))
	}
	var loc *time.Location
	if c.Timezone == "" || c.Timezone == "Local" || len(c.Timezone) > 64 {
		fe = append(fe, otm.Field("timezone", otm.RuleTimeZone, nil, "must be an IANA time zone such as Europe/Berlin"))
	} else if l, err := time.LoadLocation(c.Timezone); err != nil {
		fe = append(fe, otm.Field("timezone", otm.RuleTimeZone, otm.Args{"value": check.Truncate(c.Timezone, 64)}, "unknown time zone; use an IANA name such as Europe/Berlin"))
	} else {
		loc = l
	}
	if d, err := time.Parse(DateLayout, c.StartDate); err != nil || d.Year() < 2000 || d.Year() > 2100 {
		fe = append(fe, otm.Field("startDate", otm.RuleDate, nil, "must be a date YYYY-MM-DD"))
	}
	return loc, fe
}

// first is the first meeting on or after the cadence's start date.
func (c *Cadence) first(loc *time.Location) time.Time {
	d, _ := time.Parse(DateLayout, c.StartDate)
	hm, _ := time.Parse("15:04", c.Time)
	for i := 0; i < 7; i++ {
		if iso := (int(d.Weekday())+6)%7 + 1; iso == c.Weekday {
			break
		}
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hm.Hour(), hm.Minute(), 0, 0, loc)
}

// Next returns the first meeting of c at or after from, in c's time zone
// (the same series as the calendar's RRULE); false when c is nil or not
// valid.
func (c *Cadence) Next(from time.Time) (time.Time, bool) {
	if c == nil {
		return time.Time{}, false
	}
	loc, errs := c.Validate()
	if len(errs) > 0 {
		return time.Time{}, false
	}
	first := c.first(loc)
	if !first.Before(from) {
		return first, true
	}
	if c.Every == Monthly {
		n := (first.Day()-1)/7 + 1 // the nth weekday of the month; 5 = the last
		for m := 1; m <= 12*50; m++ {
			d := nthWeekday(first, first.Month()+time.Month(m), n)
			if !d.Before(from) {
				return d, true
			}
		}
		return time.Time{}, false
	}
	step := 7
	if c.Every == Biweekly {
		step = 14
	}
	d := first.AddDate(0, 0, int(from.Sub(first).Hours()/24)/step*step)
	for d.Before(from) {
		d = d.AddDate(0, 0, step)
	}
	return d, true
}

// nthWeekday is first's weekday and clock time in the given month (of
// first's year, normalized): the nth one, or the last for n = 5.
func nthWeekday(first time.Time, month time.Month, n int) time.Time {
	start := time.Date(first.Year(), month, 1, first.Hour(), first.Minute(), 0, 0, first.Location())
	d := start.AddDate(0, 0, (int(first.Weekday())-int(start.Weekday())+7)%7)
	if n < 5 {
		return d.AddDate(0, 0, 7*(n-1))
	}
	for d.AddDate(0, 0, 7).Month() == start.Month() {
		d = d.AddDate(0, 0, 7)
	}
	return d
}

var icsDays = [...]string{"", "MO", "TU", "WE", "TH", "FR", "SA", "SU"}

func (c *Cadence) rrule(first time.Time) string {
	day := icsDays[c.Weekday]
	switch c.Every {
	case Biweekly:
		return "FREQ=WEEKLY;INTERVAL=2;BYDAY=" + day
	case Monthly:
		n := (first.Day()-1)/7 + 1
		if n == 5 {
			n = -1
		}
		return fmt.Sprintf("FREQ=MONTHLY;INTERVAL=1;BYDAY=%d%s", n, day)
	}
	return "FREQ=WEEKLY;INTERVAL=1;BYDAY=" + day
}

// Series is what a calendar says about the meetings besides the cadence.
type Series struct {
	UID     string
	Summary string
	// The last day meetings recur: the day EndedAt falls on in the
	// cadence's time zone, else LastDate (YYYY-MM-DD); neither: no end.
	EndedAt  *time.Time
	LastDate string
}

// until is the end of the series' last day, if it has one.
func (s Series) until(loc *time.Location) (time.Time, bool) {
	if s.EndedAt != nil {
		e := s.EndedAt.In(loc)
		return time.Date(e.Year(), e.Month(), e.Day(), 23, 59, 59, 0, loc), true
	}
	if d, err := time.Parse(DateLayout, s.LastDate); err == nil {
		return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, loc), true
	}
	return time.Time{}, false
}

// Day is an all-day event beside the series (a program's kick-off).
type Day struct {
	UID, Summary string
	Date         string // YYYY-MM-DD; a day that does not parse is left out
}

// Calendar renders the meetings as one recurring VEVENT with its
// VTIMEZONE, and days as all-day events. Errors: a cadence that is not
// valid.
func (c *Cadence) Calendar(s Series, days []Day, now time.Time) ([]byte, error) {
	loc, fe := c.Validate()
	if len(fe) > 0 {
		return nil, fmt.Errorf("cadence: not valid: %v", fe)
	}
	first := c.first(loc)
	const local = "20060102T150405"
	stamp := "DTSTAMP:" + now.UTC().Format("20060102T150405Z")
	cal := ics.New("-//OpenToMentor//Tandem calendar//EN")
	line := cal.Line
	until, ends := s.until(loc)
	var last time.Time
	if ends {
		last = until
	}
	cal.TimeZone(loc, first, last)
	// A series that ends before its first meeting has none: no event (an
	// UNTIL before DTSTART is read differently by every calendar).
	if !ends || !until.Before(first) {
		line("BEGIN:VEVENT")
		line("UID:" + s.UID)
		line(stamp)
		line("DTSTART;TZID=" + loc.String() + ":" + first.Format(local))
		line(fmt.Sprintf("DURATION:PT%dM", c.DurationMinutes))
		rule := c.rrule(first)
		if ends {
			rule += ";UNTIL=" + until.UTC().Format("20060102T150405Z")
		}
		line("RRULE:" + rule)
		line("SUMMARY:" + ics.EscapeText(s.Summary))
		line("END:VEVENT")
	}
	for _, ev := range days {
		d, err := time.Parse(DateLayout, ev.Date)
		if err != nil {
			continue
		}
		line("BEGIN:VEVENT")
		line("UID:" + ev.UID)
		line(stamp)
		line("DTSTART;VALUE=DATE:" + d.Format("20060102"))
		line("DTEND;VALUE=DATE:" + d.AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY:" + ics.EscapeText(ev.Summary))
		line("END:VEVENT")
	}
	return cal.Bytes(), nil
}
