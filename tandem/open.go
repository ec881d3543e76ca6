package tandem

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// OpenTandems returns every proposed or running tandem (for reminders),
// oldest first.
func (s *Service) OpenTandems(ctx context.Context) ([]Tandem, error) {
	return findAll[Tandem](ctx, s.store.tandems(), "Tandems",
		bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{TandemProposed, TandemActive}}}}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
}

// LastMeetings returns the date (YYYY-MM-DD) of each tandem's latest logged
// meeting; tandems without meetings are left out. One read of the small
// count documents, not of every meeting.
func (s *Service) LastMeetings(ctx context.Context) (map[string]string, error) {
	return s.store.lastMeetings(ctx)
}

// BackfillLastMeetings keeps each tandem's latest meeting date beside its
// meeting count (the database's migration 0002; idempotent).
func (s *Service) BackfillLastMeetings(ctx context.Context) error {
	return s.store.backfillLastMeetings(ctx)
}

// NextMeeting returns the first meeting of c at or after from, in c's time
// zone (the same series as the calendar's RRULE); false when c is nil or not
// valid.
func NextMeeting(c *Cadence, from time.Time) (time.Time, bool) {
	if c == nil {
		return time.Time{}, false
	}
	loc, errs := c.validate()
	if len(errs) > 0 {
		return time.Time{}, false
	}
	first := firstMeeting(c, loc)
	if !first.Before(from) {
		return first, true
	}
	if c.Every == EveryMonthly {
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
	if c.Every == EveryBiweekly {
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
