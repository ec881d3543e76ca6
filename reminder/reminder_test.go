package reminder

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/cadence"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

// world is the tandems and programs a sweep sees.
type world struct {
	curators []string
	pending  []profile.QueueEntry
	open     []tandem.Tandem
	meetings map[string]string
	programs []program.Program
	data     map[string]*tandem.ProgramData
}

func (w *world) RoleHolders(_ context.Context, role string) ([]string, error) {
	if role != otm.RoleCurator {
		return nil, nil
	}
	return w.curators, nil
}
func (w *world) PendingSubmissions(context.Context) ([]profile.QueueEntry, error) {
	return w.pending, nil
}
func (w *world) OpenTandems(context.Context) ([]tandem.Tandem, error)    { return w.open, nil }
func (w *world) LastMeetings(context.Context) (map[string]string, error) { return w.meetings, nil }
func (w *world) All(context.Context) ([]program.Program, error)          { return w.programs, nil }
func (w *world) ProgramData(_ context.Context, id string) (*tandem.ProgramData, error) {
	if d, ok := w.data[id]; ok {
		return d, nil
	}
	return &tandem.ProgramData{}, nil
}

var start = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC) // a Monday

func pair(id, status string, created time.Time) tandem.Tandem {
	return tandem.Tandem{ID: id, ProgramID: "open", Status: status, MentorUserID: "u_max", MenteeUserID: "u_eva", MentorName: "Max Becker",
		MenteeName: "Eva Vorstand", ProposedBy: "u_cora", CreatedAt: created}
}

func at(d time.Duration) *time.Time { t := start.Add(d); return &t }

// inboxIDs is every message id in the three people's inboxes.
func inboxIDs(t *testing.T, in *notify.Service) []string {
	t.Helper()
	var out []string
	for _, u := range []string{"u_max", "u_eva", "u_cora"} {
		items, _, err := in.Inbox(context.Background(), &otm.Principal{UserID: u})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range items {
			out = append(out, u+" "+m.ID)
		}
	}
	slices.Sort(out)
	return out
}

func TestSweep(t *testing.T) {
	weekly := &cadence.Cadence{Every: cadence.Weekly, Weekday: 3, Time: "17:30", DurationMinutes: 60, Timezone: "Europe/Berlin", StartDate: "2027-03-01"}
	answeredByMax := pair("t1", tandem.TandemProposed, start)
	answeredByMax.MentorAccepted = true
	running := pair("t2", tandem.TandemActive, start)
	running.ActivatedAt, running.Cadence = at(0), weekly
	ranInWrapUp := pair("t3", tandem.TandemEnded, start)
	ranInWrapUp.ProgramID, ranInWrapUp.ActivatedAt = "cohort", at(0)
	neverRan := pair("t4", tandem.TandemDeclined, start)
	neverRan.ProgramID = "cohort"
	tests := []struct {
		name  string
		w     world
		after time.Duration
		want  []string
	}{
		{"a fresh proposal: nothing", world{open: []tandem.Tandem{pair("t1", tandem.TandemProposed, start)}}, 2 * 24 * time.Hour, nil},
		{"3 days: both sides", world{open: []tandem.Tandem{pair("t1", tandem.TandemProposed, start)}}, 3 * 24 * time.Hour,
			[]string{"u_eva reminder.proposal:t1:mentee:3", "u_max reminder.proposal:t1:mentor:3"}},
		{"3 days: only who did not answer", world{open: []tandem.Tandem{answeredByMax}}, 3 * 24 * time.Hour,
			[]string{"u_eva reminder.proposal:t1:mentee:3"}},
		{"10 days: the second reminder and the curator", world{open: []tandem.Tandem{answeredByMax}}, 10 * 24 * time.Hour,
			[]string{"u_cora reminder.stalled:t1", "u_eva reminder.proposal:t1:mentee:7"}},
		// Tuesday 2 March, 10:00 Berlin: the meeting is on Wednesday 17:30.
		{"the day before the meeting", world{open: []tandem.Tandem{running}}, 25 * time.Hour,
			[]string{"u_eva reminder.meeting:t2:2027-03-03", "u_max reminder.meeting:t2:2027-03-03"}},
		{"two days before: nothing", world{open: []tandem.Tandem{running}}, 2 * time.Hour, nil},
		{"six quiet weeks", world{open: []tandem.Tandem{func() tandem.Tandem { x := running; x.Cadence = nil; return x }()}}, 43 * 24 * time.Hour,
			[]string{"u_eva reminder.quiet:t2:start", "u_max reminder.quiet:t2:start"}},
		{"a meeting logged: quiet again only 6 weeks after it", world{open: []tandem.Tandem{func() tandem.Tandem { x := running; x.Cadence = nil; return x }()},
			meetings: map[string]string{"t2": "2027-04-01"}}, 43 * 24 * time.Hour, nil},
		{"wrap-up, 5 days in: who gave no feedback", world{
			programs: []program.Program{{ID: "cohort", Name: "Cohort 2027", Phase: program.PhaseWrapUp, PhaseChangedAt: start}},
			data: map[string]*tandem.ProgramData{"cohort": {Tandems: []tandem.Tandem{ranInWrapUp, neverRan},
				Feedback: []tandem.Feedback{{TandemID: "t3", Side: tandem.SideMentor}}}}}, 5 * 24 * time.Hour,
			[]string{"u_eva reminder.feedback:t3:mentee"}},
		{"wrap-up, 4 days in: nothing yet", world{
			programs: []program.Program{{ID: "cohort", Name: "Cohort 2027", Phase: program.PhaseWrapUp, PhaseChangedAt: start}},
			data:     map[string]*tandem.ProgramData{"cohort": {Tandems: []tandem.Tandem{ranInWrapUp}}}}, 4 * 24 * time.Hour, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testenv.DB(t)
			now := start.Add(tt.after)
			inbox := notify.New(db, notify.Config{Now: func() time.Time { return now }})
			w := tt.w
			s := New(db, Config{Tandems: &w, Programs: &w, Inbox: inbox, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
			n, err := s.Sweep(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := inboxIDs(t, inbox)
			if !slices.Equal(got, tt.want) || n != len(tt.want) {
				t.Errorf("sent %d:\n got  %q\n want %q", n, got, tt.want)
			}
			// A second sweep (another replica, or after a restart) sends nothing.
			again := New(db, Config{Tandems: &w, Programs: &w, Inbox: inbox, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
			if n, err := again.Sweep(context.Background()); err != nil || n != 0 {
				t.Errorf("second sweep: sent %d (%v), want 0", n, err)
			}
			for _, id := range got {
				if strings.Contains(id, "@") {
					t.Errorf("a reminder id carries an address: %s", id)
				}
			}
		})
	}
}

func TestCuratorDigest(t *testing.T) {
	proposedByCora := pair("t1", tandem.TandemProposed, start) // proposed by u_cora
	tests := []struct {
		name string
		w    world
		at   time.Time
		want map[string]string // recipient → "applications/proposals"
	}{
		{"before the digest hour: nothing", world{curators: []string{"u_cora"}, pending: []profile.QueueEntry{{}}, open: []tandem.Tandem{proposedByCora}},
			time.Date(2027, 3, 1, notify.DigestHour-1, 30, 0, 0, time.UTC), map[string]string{}},
		{"each curator: the applications, and their own proposals", world{curators: []string{"u_cora", "u_otto"}, pending: []profile.QueueEntry{{}, {}},
			open: []tandem.Tandem{proposedByCora}}, time.Date(2027, 3, 1, notify.DigestHour, 5, 0, 0, time.UTC),
			map[string]string{"u_cora": "2/1", "u_otto": "2/0"}},
		{"nothing waits: no message", world{curators: []string{"u_cora"}}, time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC), map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testenv.DB(t)
			now := tt.at
			inbox := notify.New(db, notify.Config{Now: func() time.Time { return now }})
			w := tt.w
			cfg := Config{Tandems: &w, Programs: &w, Inbox: inbox, Staff: &w, Applications: &w, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)}
			digests := func() map[string]string {
				t.Helper()
				got := map[string]string{}
				for _, u := range []string{"u_cora", "u_otto"} {
					items, _, err := inbox.Inbox(context.Background(), &otm.Principal{UserID: u})
					if err != nil {
						t.Fatal(err)
					}
					for _, m := range items {
						if m.Type == notify.TypeReminderCurator {
							got[u] += fmt.Sprintf("%v/%v", m.Args["applications"], m.Args["proposals"])
						}
					}
				}
				return got
			}
			if _, err := New(db, cfg).Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := digests(); !maps.Equal(got, tt.want) {
				t.Errorf("digests: got %v, want %v", got, tt.want)
			}
			// Sweeping again the same day (another replica) adds nothing;
			// the next day brings the next digest.
			if _, err := New(db, cfg).Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := digests(); !maps.Equal(got, tt.want) {
				t.Errorf("after a second sweep: got %v, want %v", got, tt.want)
			}
			now = now.Add(24 * time.Hour)
			if _, err := New(db, cfg).Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			for u, d := range digests() {
				if want := tt.want[u] + tt.want[u]; d != want {
					t.Errorf("the next day, %s: got %q, want %q (a second digest)", u, d, want)
				}
			}
		})
	}
}
