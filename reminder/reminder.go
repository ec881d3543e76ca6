// Package reminder keeps tandems from stalling unseen: a sweep (one replica
// at a time, under a database lease) that reminds the pair of an unanswered
// proposal after 3 and 7 days and the curator who proposed it after 10, of
// the next meeting the day before (in the pair's time zone), of a tandem
// with no meeting logged for 6 weeks, and of feedback not given 5 days into
// wrap-up; and every curator, once a day, of what waits for them. Each reminder is a message with a fixed id, so sweeping again —
// on this replica or another, before or after a restart — sends nothing
// twice; a marker per reminder spares the inboxes the repeated look-ups.
package reminder

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

// When reminders are due.
const (
	ProposalFirst  = 3 * 24 * time.Hour
	ProposalSecond = 7 * 24 * time.Hour
	ProposalStall  = 10 * 24 * time.Hour // the proposing curator hears of it
	Quiet          = 6 * 7 * 24 * time.Hour
	FeedbackAfter  = 5 * 24 * time.Hour // into wrap-up
)

// Tandems is what the sweep reads of tandems.
type Tandems interface {
	OpenTandems(ctx context.Context) ([]tandem.Tandem, error)
	LastMeetings(ctx context.Context) (map[string]string, error)
	ProgramData(ctx context.Context, programID string) (*tandem.ProgramData, error)
}

// Programs is what the sweep reads of programs.
type Programs interface {
	All(ctx context.Context) ([]program.Program, error)
}

// Staff finds the curators (for their daily digest).
type Staff interface {
	RoleHolders(ctx context.Context, role string) ([]string, error)
}

// Applications counts what waits for review (for the curators' digest).
type Applications interface {
	PendingSubmissions(ctx context.Context) ([]profile.QueueEntry, error)
}

// Inbox is where reminders go.
type Inbox interface {
	Send(ctx context.Context, userID string, m notify.Message) error
}

// Config wires the sweep.
type Config struct {
	Tandems  Tandems
	Programs Programs
	Inbox    Inbox
	// Staff and Applications give curators their daily digest (after
	// notify.DigestHour UTC); nil: no digest.
	Staff        Staff
	Applications Applications
	Lease        *mongostore.Lease // nil: the caller runs one sweep at a time
	Interval     time.Duration     // between sweeps; default 15 min
	Now          func() time.Time
	Logger       *slog.Logger
}

// Service runs the sweep.
type Service struct {
	cfg     Config
	markers *mongo.Collection
}

// New returns the sweep over db (its markers live in reminders_sent).
func New(db *mongo.Database, cfg Config) *Service {
	if cfg.Interval <= 0 {
		cfg.Interval = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Service{cfg: cfg, markers: db.Collection("reminders_sent")}
}

// Run sweeps every Interval until ctx ends, holding the lease.
func (s *Service) Run(ctx context.Context) {
	mongostore.RunLeased(ctx, s.cfg.Lease, s.cfg.Interval, nil, s.cfg.Logger, "reminders", func(ctx context.Context) error {
		_, err := s.Sweep(ctx)
		return err
	})
}

// reminder is one message to one person.
type reminder struct {
	to string
	m  notify.Message
}

// Sweep sends every reminder due now that was not sent before and returns
// how many it sent. Errors: the database's (what was sent stays sent).
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.cfg.Now().UTC()
	due, after, err := s.due(ctx, now)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range due {
		key := r.to + "/" + r.m.ID
		if done, err := mongostore.Has(ctx, s.markers, key); err != nil || done {
			if err != nil {
				return sent, mapErr(err)
			}
			continue
		}
		// The message first: a crash before the marker only repeats an
		// idempotent send.
		if err := s.cfg.Inbox.Send(ctx, r.to, r.m); err != nil {
			return sent, err
		}
		if err := s.mark(ctx, key, now); err != nil {
			return sent, err
		}
		sent++
	}
	// Markers of whole rounds (a day's curator digests), once all went out.
	for _, key := range after {
		if err := s.mark(ctx, key, now); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (s *Service) mark(ctx context.Context, key string, now time.Time) error {
	if _, err := s.markers.InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "at", Value: now}}); err != nil && !mongostore.IsDuplicateKey(err) {
		return mapErr(err)
	}
	return nil
}

func mapErr(err error) error { return mongostore.MapErr(err, "reminder", "Reminder") }

// due lists the reminders due at now (sent or not), and the markers to
// write once they went out.
func (s *Service) due(ctx context.Context, now time.Time) ([]reminder, []string, error) {
	open, err := s.cfg.Tandems.OpenTandems(ctx)
	if err != nil {
		return nil, nil, err
	}
	last, err := s.cfg.Tandems.LastMeetings(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []reminder
	for i := range open {
		t := &open[i]
		switch t.Status {
		case tandem.TandemProposed:
			out = append(out, proposalReminders(t, now)...)
		case tandem.TandemActive:
			out = append(out, meetingReminders(t, last[t.ID], now)...)
		}
	}
	fb, err := s.feedbackReminders(ctx, now)
	if err != nil {
		return nil, nil, err
	}
	out = append(out, fb...)
	digests, dayMarker, err := s.curatorDigests(ctx, open, now)
	if err != nil || dayMarker == "" {
		return append(out, digests...), nil, err
	}
	return append(out, digests...), []string{dayMarker}, nil
}

// curatorDigests: once a day, after notify.DigestHour (UTC), every curator
// hears in one message what waits for them: the applications to review
// and the proposals they made that wait for an answer. Nothing when
// nothing waits.
func (s *Service) curatorDigests(ctx context.Context, open []tandem.Tandem, now time.Time) ([]reminder, string, error) {
	if s.cfg.Staff == nil || s.cfg.Applications == nil || now.Hour() < notify.DigestHour {
		return nil, "", nil
	}
	dayMarker := "curator-digest/" + now.Format(program.DateLayout)
	if done, err := mongostore.Has(ctx, s.markers, dayMarker); err != nil || done {
		return nil, "", mapErr(err)
	}
	curators, err := s.cfg.Staff.RoleHolders(ctx, otm.RoleCurator)
	if err != nil {
		return nil, "", err
	}
	pending, err := s.cfg.Applications.PendingSubmissions(ctx)
	if err != nil {
		return nil, "", err
	}
	waiting := map[string]int{} // proposer → proposals waiting for an answer
	for i := range open {
		if t := &open[i]; t.Status == tandem.TandemProposed && t.ProposedBy != "" {
			waiting[t.ProposedBy]++
		}
	}
	var out []reminder
	for _, c := range curators {
		if len(pending) == 0 && waiting[c] == 0 {
			continue
		}
		out = append(out, reminder{c, notify.Message{ID: "reminder.curator:" + now.Format(program.DateLayout), Type: notify.TypeReminderCurator,
			Args: map[string]any{"applications": len(pending), "proposals": waiting[c]}, Link: "/curate"}})
	}
	// The day's marker goes in after the sweep sent them (Sweep): a crash
	// before only repeats idempotent sends.
	return out, dayMarker, nil
}

// proposalReminders: the side that has not answered after 3 and 7 days; the
// proposer after 10.
func proposalReminders(t *tandem.Tandem, now time.Time) []reminder {
	age := now.Sub(t.CreatedAt)
	var out []reminder
	for _, sd := range t.Parties() {
		answered := (sd.Side == tandem.SideMentor && t.MentorAccepted) || (sd.Side == tandem.SideMentee && t.MenteeAccepted)
		if answered || sd.UserID == "" {
			continue
		}
		for _, after := range []time.Duration{ProposalFirst, ProposalSecond} {
			if age >= after && (after == ProposalSecond || age < ProposalSecond) {
				days := int(after.Hours() / 24)
				out = append(out, reminder{sd.UserID, notify.Message{ID: fmt.Sprintf("reminder.proposal:%s:%s:%d", t.ID, sd.Side, days),
					Type: notify.TypeReminderProposal, Args: map[string]any{"partner": sd.Partner, "days": days}, Link: "/tandems"}})
			}
		}
	}
	if age >= ProposalStall && t.ProposedBy != "" && (!t.MentorAccepted || !t.MenteeAccepted) {
		out = append(out, reminder{t.ProposedBy, notify.Message{ID: "reminder.stalled:" + t.ID, Type: notify.TypeReminderStalled,
			Args: map[string]any{"mentor": t.MentorName, "mentee": t.MenteeName, "days": int(ProposalStall.Hours() / 24)},
			Link: "/match?program=" + t.ProgramID}})
	}
	return out
}

// meetingReminders: the next meeting, the day before in the pair's time
// zone; and no meeting logged for 6 weeks (since the last one, or since the
// tandem started), once per quiet stretch.
func meetingReminders(t *tandem.Tandem, lastMeeting string, now time.Time) []reminder {
	var out []reminder
	if next, ok := t.Cadence.Next(now); ok {
		local := now.In(next.Location())
		tomorrow := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, next.Location())
		if next.Year() == tomorrow.Year() && next.YearDay() == tomorrow.YearDay() {
			for _, sd := range t.Parties() {
				out = append(out, reminder{sd.UserID, notify.Message{ID: "reminder.meeting:" + t.ID + ":" + next.Format("2006-01-02"),
					Type: notify.TypeReminderMeeting, Args: map[string]any{"partner": sd.Partner, "time": next.Format("15:04"), "zone": t.Cadence.Timezone},
					Link: "/tandems/" + t.ID}})
			}
		}
	}
	since, mark := t.CreatedAt, "start"
	if t.ActivatedAt != nil {
		since = *t.ActivatedAt
	}
	if lastMeeting != "" {
		if d, err := time.Parse(program.DateLayout, lastMeeting); err == nil && d.After(since) {
			since, mark = d, lastMeeting
		}
	}
	if now.Sub(since) >= Quiet {
		for _, sd := range t.Parties() {
			out = append(out, reminder{sd.UserID, notify.Message{ID: "reminder.quiet:" + t.ID + ":" + mark, Type: notify.TypeReminderQuiet,
				Args: map[string]any{"partner": sd.Partner, "weeks": int(Quiet.Hours() / 24 / 7)}, Link: "/tandems/" + t.ID}})
		}
	}
	return out
}

// feedbackReminders: both sides of every tandem that ran in a program 5
// days into wrap-up, unless they gave feedback.
func (s *Service) feedbackReminders(ctx context.Context, now time.Time) ([]reminder, error) {
	progs, err := s.cfg.Programs.All(ctx)
	if err != nil {
		return nil, err
	}
	var out []reminder
	for _, pr := range progs {
		if pr.Phase != program.PhaseWrapUp || now.Sub(pr.PhaseChangedAt) < FeedbackAfter {
			continue
		}
		d, err := s.cfg.Tandems.ProgramData(ctx, pr.ID)
		if err != nil {
			return nil, err
		}
		given := map[string]bool{}
		for _, f := range d.Feedback {
			given[f.TandemID+":"+f.Side] = true
		}
		for i := range d.Tandems {
			t := &d.Tandems[i]
			if t.ActivatedAt == nil {
				continue // never ran
			}
			for _, sd := range t.Parties() {
				if given[t.ID+":"+sd.Side] || sd.UserID == "" {
					continue
				}
				out = append(out, reminder{sd.UserID, notify.Message{ID: "reminder.feedback:" + t.ID + ":" + sd.Side, Type: notify.TypeReminderFeedback,
					Args: map[string]any{"partner": sd.Partner, "program": pr.Name}, Link: "/tandems"}})
			}
		}
	}
	return out, nil
}
