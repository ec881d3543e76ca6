package tandem

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // time zones work on images without /usr/share/zoneinfo
	"unicode/utf8"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/cadence"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/program"
)

// MaxMeetings bounds the meeting log of one tandem.
const MaxMeetings = 200

const maxMeetingNotes = 2000

// Meeting is one entry of a pair's meeting log. Its notes are for the pair
// only: curators see at most how many meetings took place.
type Meeting struct {
	ID         string    `bson:"_id" json:"id"`
	TandemID   string    `bson:"tandemId" json:"tandemId"`
	Date       string    `bson:"date" json:"date"` // YYYY-MM-DD
	Notes      string    `bson:"notes" json:"notes"`
	AuthorSide string    `bson:"authorSide" json:"authorSide"` // "mentor" | "mentee"
	CreatedAt  time.Time `bson:"createdAt" json:"createdAt"`
}

// pairTandem returns a tandem the caller is part of that runs or ran, and their side.
// Anyone but the pair gets ENOTFOUND, revealing nothing.
func (s *Service) pairTandem(ctx context.Context, p *otm.Principal, id string) (*Tandem, string, error) {
	t, side, err := s.partOf(ctx, p, id)
	if err != nil {
		return nil, "", err
	}
	if t.Status != TandemActive && (t.Status != TandemEnded || t.ActivatedAt == nil) {
		return nil, "", otm.Refuse(otm.ECONFLICT, otm.RuleStatus, otm.Args{"status": t.Status}, "This tandem is %s; meetings, cadence and calendar are available once both sides have accepted.", t.Status)
	}
	return t, side, nil
}

// activeTandem is pairTandem for changes: the tandem must be running and its
// program in a phase that allows meetings.
func (s *Service) activeTandem(ctx context.Context, p *otm.Principal, id string) (*Tandem, string, *program.Program, error) {
	t, side, err := s.pairTandem(ctx, p, id)
	if err != nil {
		return nil, "", nil, err
	}
	if t.Status != TandemActive {
		return nil, "", nil, otm.Refuse(otm.ECONFLICT, otm.RuleTandemEnded, nil, "This tandem has ended; its meeting log is read-only.")
	}
	pr, err := s.programs.Lookup(ctx, t.ProgramID)
	if err != nil {
		return nil, "", nil, err
	}
	if err := pr.Require(program.CanMeet); err != nil {
		return nil, "", nil, err
	}
	return t, side, pr, nil
}

// SetCadence stores the pair's meeting cadence (either side). Errors:
// EUNAUTHORIZED, ENOTFOUND, ECONFLICT, EINVALID naming the fields.
func (s *Service) SetCadence(ctx context.Context, p *otm.Principal, id string, c cadence.Cadence) (*Tandem, error) {
	_, _, pr, err := s.activeTandem(ctx, p, id)
	if err != nil {
		return nil, err
	}
	_, fe := c.Validate()
	// Meetings after the program's wrap-up would never be held.
	if len(fe) == 0 && pr.WrapUp != "" && c.StartDate > pr.WrapUp {
		fe = append(fe, otm.Field("startDate", otm.RuleAfterWrapUp, otm.Args{"date": pr.WrapUp}, "must be on or before the program's wrap-up (%s)", pr.WrapUp))
	}
	if len(fe) > 0 {
		return nil, otm.Invalid("The cadence is not valid.", fe...)
	}
	for attempt := 0; ; attempt++ {
		cur, _, _, err := s.activeTandem(ctx, p, id)
		if err != nil {
			return nil, err
		}
		upd := *cur
		cc := c
		upd.Cadence, upd.UpdatedAt = &cc, s.now().UTC()
		err = s.store.replaceTandem(ctx, &upd, cur.Version)
		if otm.ErrorCode(err) == otm.ECONFLICT && attempt < 3 {
			continue // a concurrent write: re-read and apply again
		}
		if err != nil {
			return nil, err
		}
		s.recordTandem(ctx, p, "tandem.cadence", &upd, "")
		return &upd, nil
	}
}

// AddMeeting logs a meeting of the pair (either side). The date may be at
// most one day ahead and at most one day before the tandem was created.
// Errors: EUNAUTHORIZED, ENOTFOUND, ECONFLICT, EINVALID.
func (s *Service) AddMeeting(ctx context.Context, p *otm.Principal, id, date, notes string) (*Meeting, error) {
	t, side, _, err := s.activeTandem(ctx, p, id)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var fe []otm.FieldError
	d, derr := time.Parse(program.DateLayout, date)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	created := t.CreatedAt.UTC()
	earliest := time.Date(created.Year(), created.Month(), created.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	switch {
	case derr != nil:
		fe = append(fe, otm.Field("date", otm.RuleDate, nil, "must be a date YYYY-MM-DD"))
	case d.After(today.AddDate(0, 0, 1)):
		fe = append(fe, otm.Field("date", otm.RuleInFuture, nil, "must not be in the future"))
	case d.Before(earliest):
		fe = append(fe, otm.Field("date", otm.RuleBeforeStart, otm.Args{"date": earliest.Format(program.DateLayout)}, "must not be before the tandem started (%s)", earliest.Format(program.DateLayout)))
	}
	notes = strings.TrimSpace(notes)
	if utf8.RuneCountInString(notes) > maxMeetingNotes || check.HasControl(notes, true) {
		fe = append(fe, otm.Field("notes", otm.RuleMaxLength, otm.Args{"max": maxMeetingNotes}, "at most %d characters of text", maxMeetingNotes))
	}
	if len(fe) > 0 {
		return nil, otm.Invalid("The meeting is not valid.", fe...)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	m := &Meeting{ID: "m_" + hex.EncodeToString(b), TandemID: t.ID, Date: d.Format(program.DateLayout), Notes: notes, AuthorSide: side, CreatedAt: now}
	ok, err := s.store.insertMeeting(ctx, m, MaxMeetings)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleMaxMeetings, otm.Args{"max": MaxMeetings}, "This tandem has logged the most meetings allowed (%d).", MaxMeetings)
	}
	return m, nil
}

// Meetings lists the pair's meeting log, newest first (the pair only).
// Errors: EUNAUTHORIZED, ENOTFOUND, ECONFLICT.
func (s *Service) Meetings(ctx context.Context, p *otm.Principal, id string) ([]Meeting, error) {
	t, _, err := s.pairTandem(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.store.meetingsOf(ctx, t.ID)
}

// MeetingCount returns how many meetings a tandem logged, without their
// notes (for curators' dashboards; the caller checks the role).
func (s *Service) MeetingCount(ctx context.Context, tandemID string) (int, error) {
	n, err := s.store.countMeetings(ctx, tandemID)
	return int(n), err
}

// Calendar returns the pair's cadence as an iCalendar file (RFC 5545).
// Errors: EUNAUTHORIZED, ENOTFOUND (also when no cadence is set), ECONFLICT.
func (s *Service) Calendar(ctx context.Context, p *otm.Principal, id string) ([]byte, error) {
	t, _, err := s.pairTandem(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if t.Cadence == nil {
		return nil, otm.Errorf(otm.ENOTFOUND, "No meeting cadence is set for this tandem yet.")
	}
	pr, err := s.programs.Lookup(ctx, t.ProgramID)
	if err != nil {
		return nil, err
	}
	return renderICS(t, pr, s.now())
}

// renderICS renders t's cadence as one recurring series, ending the day the
// tandem ended or at the program's wrap-up, with the program's kick-off and
// wrap-up as all-day events.
func renderICS(t *Tandem, pr *program.Program, now time.Time) ([]byte, error) {
	series := cadence.Series{UID: t.ID + "@opentomentor", Summary: "OpenToMentor tandem: " + t.MentorName + " & " + t.MenteeName, EndedAt: t.EndedAt}
	var days []cadence.Day
	if pr != nil {
		series.LastDate = pr.WrapUp
		if pr.ID != program.OpenProgram {
			for _, ev := range []struct{ kind, date string }{{"kick-off", pr.KickOff}, {"wrap-up", pr.WrapUp}} {
				days = append(days, cadence.Day{UID: pr.ID + "-" + ev.kind + "@opentomentor", Summary: pr.Name + ": " + ev.kind, Date: ev.date})
			}
		}
	}
	b, err := t.Cadence.Calendar(series, days, now)
	if err != nil {
		return nil, fmt.Errorf("tandem: stored cadence of %s: %w", t.ID, err)
	}
	return b, nil
}

// MyMeetings returns the meeting logs of every tandem the caller is part of,
// whatever the tandem's status (for the data export).
func (s *Service) MyMeetings(ctx context.Context, p *otm.Principal) (map[string][]Meeting, error) {
	ts, err := s.MyTandems(ctx, p)
	if err != nil {
		return nil, err
	}
	out := map[string][]Meeting{}
	for _, t := range ts {
		ms, err := s.store.meetingsOf(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		if len(ms) > 0 {
			out[t.ID] = ms
		}
	}
	return out, nil
}
