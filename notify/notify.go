// Package notify keeps each person's in-app inbox: what happened that
// concerns them (an application decided, a tandem proposed, answered,
// running or ended, a role granted), as a type with arguments that pages
// translate, and a link. A person's inbox is one document (found by _id), so
// that adding a message is atomic; its unread count is copied into a tiny
// document of its own, so that the count every page shows costs one small
// look-up (decoding a full inbox took ~4 ms at 50 messages on the embedded
// database). With mail on, every message is also queued as an e-mail in
// the outbox (outbox.go) that a Mailer sends under a database lease.
package notify

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/mongostore"
)

// Message types.
const (
	TypeApplicationDecided = "application.decided" // {decision, reason}
	TypeTandemProposed     = "tandem.proposed"     // {partner, program, side}
	TypeTandemAnswered     = "tandem.answered"     // {partner, answer: accepted|declined}
	TypeTandemRunning      = "tandem.running"      // {partner}
	TypeTandemEnded        = "tandem.ended"        // {partner, by: partner|curator|program}
	TypeFeedbackRequested  = "feedback.requested"  // {partner, program}
	TypeRoleGranted        = "role.granted"        // {role}
	// TypeProgramRegistration tells the people who follow programs that a
	// cohort opened its registration (SendMany).
	TypeProgramRegistration = "program.registration" // {program}
	// TypeApplicationSubmitted tells curators of an application to review
	// (in the daily digest unless they choose otherwise).
	TypeApplicationSubmitted = "application.submitted" // {name}
	// TypeShortlistSent tells an executive that curators chose mentors for
	// them to pick from (package shortlist).
	TypeShortlistSent = "shortlist.sent" // {program, count}

	// Reminders (package reminder).
	TypeReminderProposal = "reminder.proposal" // {partner, days}: a proposal waits for my answer
	TypeReminderStalled  = "reminder.stalled"  // {mentor, mentee, days}: a proposal I made waits
	TypeReminderMeeting  = "reminder.meeting"  // {partner, time, zone}: we meet tomorrow
	TypeReminderQuiet    = "reminder.quiet"    // {partner, weeks}: no meeting logged for weeks
	TypeReminderFeedback = "reminder.feedback" // {partner, program}: feedback still open
	TypeReminderCurator  = "reminder.curator"  // {applications, proposals}: a curator's day: what waits for them
)

// Types lists every message type (pages translate "notify.<type>.title"
// and ".body").
var Types = []string{TypeApplicationDecided, TypeTandemProposed, TypeTandemAnswered, TypeTandemRunning, TypeTandemEnded, TypeFeedbackRequested, TypeRoleGranted,
	TypeProgramRegistration, TypeApplicationSubmitted, TypeShortlistSent, TypeReminderProposal, TypeReminderStalled, TypeReminderMeeting, TypeReminderQuiet, TypeReminderFeedback, TypeReminderCurator}

// MaxKept is how many messages an inbox keeps; older ones drop off.
const MaxKept = 200

// Message is one notification.
type Message struct {
	ID        string         `bson:"id" json:"id"` // the idempotency key: the same event never gives two messages
	Type      string         `bson:"type" json:"type"`
	Args      map[string]any `bson:"args,omitempty" json:"args,omitempty"`
	Link      string         `bson:"link" json:"link"`
	CreatedAt time.Time      `bson:"createdAt" json:"createdAt"`
	ReadAt    *time.Time     `bson:"readAt,omitempty" json:"readAt"`
}

type inboxDoc struct {
	UserID  string    `bson:"_id"`
	Items   []Message `bson:"items"` // newest first
	Unread  int       `bson:"unread"`
	Version int64     `bson:"version"`
}

// Service keeps the inboxes.
type Service struct {
	c       *mongo.Collection
	counts  *mongo.Collection // {_id: user id, unread: n}, rewritten after every inbox write
	outbox  *mongo.Collection // e-mails still to send (nil: no e-mail); see outbox.go
	done    *mongo.Collection // e-mails sent, given up or dropped (kept KeepFor)
	prefs   *mongo.Collection // e-mail modes per person
	secret  []byte            // signs unsubscribe links (kept in the database: the same on every replica)
	wake    chan struct{}     // tells this process's Mailer that something was queued
	fanout  *mongo.Collection // messages to many people, expanded by a FanOut (fanout.go)
	expand  chan struct{}     // tells this process's FanOut that a job waits
	locks   *mongostore.Locks // in-process inbox locks (Config.SingleProcess); nil: version checks
	pacer   *mongostore.Pacer
	courier courierSlot // the queue of this process's courier (courier.go)
	now     func() time.Time
	log     *slog.Logger
}

// Config configures the inboxes. Every field may be left zero.
type Config struct {
	Now    func() time.Time // nil: time.Now
	Logger *slog.Logger
	// SingleProcess says that this process is the database's only writer
	// (the embedded database): inbox writes are then serialized per person
	// in the process and written by _id alone, since the embedded database
	// scans the whole collection for any other filter (~95 ms at 10,000
	// inboxes for the version check a write needs with several replicas).
	SingleProcess bool
	// Pacer keeps the fan-out and the mailer to a share of the database's
	// time (the embedded database serves one operation at a time).
	Pacer *mongostore.Pacer
}

// New returns the inboxes over db.
func New(db *mongo.Database, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Service{c: db.Collection("inboxes"), counts: db.Collection("inbox_counts"), fanout: db.Collection("notify_fanout"),
		expand: make(chan struct{}, 1), pacer: cfg.Pacer, now: cfg.Now, log: cfg.Logger}
	if cfg.SingleProcess {
		s.locks = &mongostore.Locks{}
	}
	return s
}

func mapErr(err error) error { return mongostore.MapErr(err, "notify", "Inbox") }

// Send puts m into userID's inbox unless a message with m.ID is there
// already (so a repeated event gives one message). Errors: the database's.
func (s *Service) Send(ctx context.Context, userID string, m Message) error {
	if userID == "" || m.ID == "" || m.Type == "" {
		return errors.New("notify: a message needs a recipient, an id and a type")
	}
	m.CreatedAt, m.ReadAt = s.now().UTC(), nil
	if s.MailEnabled() {
		// Queued first: both writes are idempotent by m.ID, so a failure
		// between them is repaired by the event's retry, never doubled.
		if err := s.queue(ctx, userID, m); err != nil {
			return err
		}
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	return s.update(ctx, userID, func(d *inboxDoc) bool {
		if slices.ContainsFunc(d.Items, func(x Message) bool { return x.ID == m.ID }) {
			return false
		}
		d.Items = append([]Message{m}, d.Items...)
		if len(d.Items) > MaxKept {
			d.Items = d.Items[:MaxKept]
		}
		d.Unread = unread(d.Items)
		return true
	})
}

// Retract removes the message msgID from userID's inbox and its e-mail
// from the queue (an e-mail already sent cannot be called back). Used when
// a message carries what its subject erased. Idempotent.
func (s *Service) Retract(ctx context.Context, userID, msgID string) error {
	// Its e-mail goes too, even when the inbox no longer holds the message.
	return s.retract(ctx, userID, func(id string) bool { return id == msgID }, msgID)
}

// RetractAbout takes back every message of a person about subject (a
// tandem id, say): those whose id names it between colons or at the end, as
// the senders build them ("tandem.proposed:<id>:mentor").
func (s *Service) RetractAbout(ctx context.Context, userID, subject string) error {
	return s.retract(ctx, userID, func(id string) bool {
		return strings.Contains(id, ":"+subject+":") || strings.HasSuffix(id, ":"+subject)
	})
}

// retract takes the messages of userID that match out of the inbox, and
// their e-mails (and those of the ids in also) out of the e-mail queue and
// the record of sent ones.
func (s *Service) retract(ctx context.Context, userID string, match func(id string) bool, also ...string) error {
	var gone []string
	if err := s.update(ctx, userID, func(d *inboxDoc) bool {
		gone = gone[:0]
		d.Items = slices.DeleteFunc(d.Items, func(x Message) bool {
			if match(x.ID) {
				gone = append(gone, x.ID)
				return true
			}
			return false
		})
		d.Unread = unread(d.Items)
		return len(gone) > 0
	}); err != nil {
		return err
	}
	if !s.MailEnabled() {
		return nil
	}
	for _, id := range also {
		if !slices.Contains(gone, id) {
			gone = append(gone, id)
		}
	}
	for _, id := range gone {
		for _, c := range []*mongo.Collection{s.outbox, s.done} {
			if _, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: outboxKey(userID, id)}}); err != nil {
				return mapErr(err)
			}
		}
	}
	return nil
}

// Inbox returns p's messages, newest first, and how many are unread.
// Errors: EUNAUTHORIZED.
func (s *Service) Inbox(ctx context.Context, p *otm.Principal) ([]Message, int, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, 0, err
	}
	d, err := s.get(ctx, p.UserID)
	if err != nil {
		return nil, 0, err
	}
	return d.Items, d.Unread, nil
}

// Unread returns how many of userID's messages are unread (one small
// look-up by _id: cheap enough for every page).
func (s *Service) Unread(ctx context.Context, userID string) (int, error) {
	var d struct {
		Unread int `bson:"unread"`
	}
	err := s.counts.FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return d.Unread, mapErr(err)
}

// putCount copies an inbox's unread count (idempotent: the next write of
// the inbox corrects a count a crash left behind).
func (s *Service) putCount(ctx context.Context, userID string, n int) error {
	return put(ctx, s.counts, userID, bson.D{{Key: "_id", Value: userID}, {Key: "unread", Value: n}}, false)
}

// put writes doc as the document id: inserted if fresh is true or nothing
// matched, replaced otherwise. Not an upsert: on the embedded database an
// upsert that matches nothing took ~5 ms at 1,000 documents, an insert
// ~0.7 ms.
func put(ctx context.Context, c *mongo.Collection, id string, doc any, fresh bool) error {
	for range 2 {
		if !fresh {
			res, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc)
			if err != nil || res.MatchedCount == 1 {
				return mapErr(err)
			}
		}
		_, err := c.InsertOne(ctx, doc)
		if !mongostore.IsDuplicateKey(err) {
			return mapErr(err)
		}
		fresh = false // written meanwhile: replace it
	}
	return otm.Refuse(otm.ECONFLICT, otm.RuleChanged, nil, "The inbox changed meanwhile. Please try again.")
}

// MarkRead marks p's messages ids (or all of them) read and returns how
// many stay unread. Unknown ids are ignored. Errors: EUNAUTHORIZED, EINVALID
// (neither ids nor all).
func (s *Service) MarkRead(ctx context.Context, p *otm.Principal, ids []string, all bool) (int, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return 0, err
	}
	if !all && len(ids) == 0 {
		return 0, otm.Invalid("Name the messages, or all.", otm.Field("ids", otm.RuleRequired, nil, "name the messages to mark read, or send all: true"))
	}
	if len(ids) > MaxKept {
		return 0, otm.Invalid("Too many messages.", otm.Field("ids", otm.RuleMaxItems, otm.Args{"max": MaxKept}, "at most %d", MaxKept))
	}
	now := s.now().UTC()
	left := 0
	err := s.update(ctx, p.UserID, func(d *inboxDoc) bool {
		changed := false
		for i := range d.Items {
			if d.Items[i].ReadAt == nil && (all || slices.Contains(ids, d.Items[i].ID)) {
				d.Items[i].ReadAt, changed = &now, true
			}
		}
		d.Unread = unread(d.Items)
		left = d.Unread
		return changed
	})
	return left, err
}

// Erase deletes userID's inbox, queued and sent e-mails and e-mail
// preferences, and takes them off messages still to fan out (account
// deletion).
func (s *Service) Erase(ctx context.Context, userID string) error {
	if err := s.eraseFromJobs(ctx, userID); err != nil {
		return err
	}
	if _, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: userID}}); err != nil {
		return mapErr(err)
	}
	if _, err := s.counts.DeleteOne(ctx, bson.D{{Key: "_id", Value: userID}}); err != nil {
		return mapErr(err)
	}
	return s.eraseMail(ctx, userID)
}

func unread(items []Message) int {
	n := 0
	for _, m := range items {
		if m.ReadAt == nil {
			n++
		}
	}
	return n
}

func (s *Service) get(ctx context.Context, userID string) (*inboxDoc, error) {
	var d inboxDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return &inboxDoc{UserID: userID, Items: []Message{}}, nil
	}
	if d.Items == nil {
		d.Items = []Message{}
	}
	return &d, mapErr(err)
}

// update applies change to userID's inbox and writes it if change reports a
// change: under the process's lock of userID (Config.SingleProcess), else
// conditional on the version it read (retried, with a short growing
// pause, while other writers come first: each round one of them wins).
func (s *Service) update(ctx context.Context, userID string, change func(*inboxDoc) bool) error {
	if s.locks != nil {
		defer s.locks.Lock(userID)()
		d, err := s.get(ctx, userID)
		if err != nil || !change(d) {
			return err
		}
		d.Version++
		if err := put(ctx, s.c, userID, d, d.Version == 1); err != nil {
			return err
		}
		return s.putCount(ctx, userID, d.Unread)
	}
	for attempt := 0; attempt < 32; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * time.Millisecond)
		}
		d, err := s.get(ctx, userID)
		if err != nil {
			return err
		}
		if !change(d) {
			return nil
		}
		expected := d.Version
		d.Version++
		var res *mongo.UpdateResult
		if expected == 0 {
			_, err = s.c.InsertOne(ctx, d)
			if mongostore.IsDuplicateKey(err) {
				continue // created meanwhile: read again
			}
			if err != nil {
				return mapErr(err)
			}
			return s.putCount(ctx, userID, d.Unread)
		}
		res, err = s.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: userID}, {Key: "version", Value: expected}}, d, options.Replace())
		if err != nil {
			return mapErr(err)
		}
		if res.MatchedCount == 1 {
			return s.putCount(ctx, userID, d.Unread)
		}
	}
	return otm.Refuse(otm.ECONFLICT, otm.RuleChanged, nil, "The inbox changed meanwhile. Please try again.")
}
