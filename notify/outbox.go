package notify

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/mongostore"
)

// E-mail modes a person chooses per message type.
const (
	ModeImmediate = "immediate" // one e-mail per message, at once
	ModeDaily     = "daily"     // gathered into one e-mail a day (DigestHour UTC)
	ModeOff       = "off"       // in the inbox only
)

// Modes lists the e-mail modes.
var Modes = []string{ModeImmediate, ModeDaily, ModeOff}

// Required lists the types that cannot be switched off (a daily digest is
// allowed): without them a person misses what they must act on or know.
var Required = []string{TypeApplicationDecided, TypeTandemRunning, TypeTandemEnded}

// defaultModes are the e-mail modes of people who chose none; other types
// are ModeImmediate.
var defaultModes = map[string]string{TypeApplicationSubmitted: ModeDaily}

// DigestHour is the hour (UTC) daily digests go out.
const DigestHour = 7

// Outbox states.
const (
	statePending = "pending" // waiting for its next attempt (nextAt)
	stateSent    = "sent"
	stateFailed  = "failed"  // given up; lastError says why
	stateDropped = "dropped" // the recipient is gone or has no address
)

// outboxDoc is one e-mail to send: the message as it went into the inbox,
// and the delivery's state. _id is the idempotency key: recipient and message
// id, so that a repeated event queues nothing new.
type outboxDoc struct {
	ID        string     `bson:"_id"`
	UserID    string     `bson:"userId"`
	Msg       Message    `bson:"msg"`
	Digest    bool       `bson:"digest"`
	State     string     `bson:"state"`
	Attempts  int        `bson:"attempts"`
	NextAt    time.Time  `bson:"nextAt"`
	CreatedAt time.Time  `bson:"createdAt"`
	SentAt    *time.Time `bson:"sentAt,omitempty"`
	LastError string     `bson:"lastError,omitempty"`
	// Unconfirmed: the server took the whole message but its answer did
	// not come in time; it is not sent again (it most likely arrived).
	Unconfirmed bool `bson:"unconfirmed,omitempty"`
}

// Delivery is what a person's export shows of an e-mail.
type Delivery struct {
	MessageID string     `json:"messageId"`
	Type      string     `json:"type"`
	State     string     `json:"state"`
	Attempts  int        `json:"attempts"`
	CreatedAt time.Time  `json:"createdAt"`
	SentAt    *time.Time `json:"sentAt,omitempty"`
	LastError string     `json:"lastError,omitempty"`
}

// Preferences is a person's e-mail mode per message type.
type Preferences struct {
	Modes map[string]string `json:"modes"`
}

// prefsDoc keeps the modes as a list: the types' dots cannot be field names.
type prefsDoc struct {
	ID    string     `bson:"_id"`
	Modes []typeMode `bson:"modes"`
}

type typeMode struct {
	Type string `bson:"type"`
	Mode string `bson:"mode"`
}

func outboxKey(userID, msgID string) string { return userID + "/" + msgID }

// EnableMail makes Send queue an e-mail for every message (unless the
// recipient switched its type off); a Mailer sends them. It loads the key
// that signs unsubscribe links, creating it on the first start (every
// replica reads the same one). Errors: the database's.
func (s *Service) EnableMail(ctx context.Context) error {
	db := s.c.Database()
	key, err := mongostore.SettingKey(ctx, db, "mail-unsubscribe-key")
	if err != nil {
		return errors.Join(errors.New("notify: the unsubscribe key cannot be read"), mapErr(err))
	}
	s.secret = key
	s.outbox, s.done, s.prefs = db.Collection("mail_outbox"), db.Collection("mail_sent"), db.Collection("mail_prefs")
	return s.ensureIndexes(ctx)
}

// MailEnabled reports whether messages are also sent by e-mail.
func (s *Service) MailEnabled() bool { return s.outbox != nil }

// ensureIndexes creates the outbox's indexes (idempotent).
func (s *Service) ensureIndexes(ctx context.Context) error {
	key := func(k string) bson.D { return bson.D{{Key: k, Value: 1}} }
	return mapErr(mongostore.EnsureIndexes(ctx, []mongostore.Index{
		{C: s.outbox, Keys: key("nextAt")}, {C: s.outbox, Keys: key("userId")}, {C: s.outbox, Keys: key("createdAt")},
		{C: s.done, Keys: key("userId")}, {C: s.done, Keys: key("createdAt")}, {C: s.fanout, Keys: key("createdAt")},
	}))
}

// queue puts m for userID into the outbox in the mode userID chose; a
// message already queued is left as it is.
func (s *Service) queue(ctx context.Context, userID string, m Message) error {
	mode, err := s.modeOf(ctx, userID, m.Type)
	if err != nil || mode == ModeOff {
		return err
	}
	// Sent already (a repeated event): nothing new.
	if sent, err := mongostore.Has(ctx, s.done, outboxKey(userID, m.ID)); err != nil || sent {
		return mapErr(err)
	}
	now := m.CreatedAt
	d := outboxDoc{ID: outboxKey(userID, m.ID), UserID: userID, Msg: m, State: statePending, NextAt: now, CreatedAt: now}
	if mode == ModeDaily {
		d.Digest, d.NextAt = true, nextDigest(now)
	}
	_, err = s.outbox.InsertOne(ctx, d)
	if mongostore.IsDuplicateKey(err) {
		return nil
	}
	return mapErr(err)
}

// nextDigest is the first DigestHour (UTC) after t.
func nextDigest(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), DigestHour, 0, 0, 0, time.UTC)
	if !d.After(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func (s *Service) modeOf(ctx context.Context, userID, typ string) (string, error) {
	p, err := s.preferences(ctx, userID)
	if err != nil {
		return "", err
	}
	return p.Modes[typ], nil
}

func (s *Service) preferences(ctx context.Context, userID string) (*Preferences, error) {
	out := &Preferences{Modes: map[string]string{}}
	for _, t := range Types {
		out.Modes[t] = ModeImmediate
		if m, ok := defaultModes[t]; ok {
			out.Modes[t] = m
		}
	}
	if !s.MailEnabled() {
		return out, nil
	}
	var d prefsDoc
	err := s.prefs.FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return out, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	for _, tm := range d.Modes {
		if _, known := out.Modes[tm.Type]; known && slices.Contains(Modes, tm.Mode) {
			out.Modes[tm.Type] = tm.Mode
		}
	}
	return out, nil
}

// MyPreferences returns p's e-mail mode per type. Errors: EUNAUTHORIZED.
func (s *Service) MyPreferences(ctx context.Context, p *otm.Principal) (*Preferences, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	return s.preferences(ctx, p.UserID)
}

// SetPreferences changes p's modes for the types named (others stay).
// Errors: EUNAUTHORIZED; EINVALID naming modes.<type> for an unknown type or
// mode, or off for a required type.
func (s *Service) SetPreferences(ctx context.Context, p *otm.Principal, modes map[string]string) (*Preferences, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, err
	}
	return s.setModes(ctx, p.UserID, modes)
}

func (s *Service) setModes(ctx context.Context, userID string, modes map[string]string) (*Preferences, error) {
	var fe otm.Problems
	for t, m := range modes {
		field := "modes." + t
		switch {
		case !slices.Contains(Types, t):
			fe.Add(field, otm.RuleUnknown, otm.Args{"value": t}, "no such message type")
		case !slices.Contains(Modes, m):
			fe.Add(field, otm.RuleOneOf, otm.Args{"allowed": Modes, "value": m}, "must be one of %v", Modes)
		case m == ModeOff && slices.Contains(Required, t):
			fe.Add(field, otm.RuleRequiredMail, nil, "this message cannot be switched off; a daily digest is possible")
		}
	}
	if err := fe.Err("The e-mail preferences are not valid."); err != nil {
		return nil, err
	}
	cur, err := s.preferences(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !s.MailEnabled() {
		return nil, otm.Refuse(otm.ECONFLICT, otm.RuleMailOff, nil, "E-mail is switched off on this platform.")
	}
	for t, m := range modes {
		cur.Modes[t] = m
	}
	d := prefsDoc{ID: userID}
	for _, t := range Types {
		d.Modes = append(d.Modes, typeMode{Type: t, Mode: cur.Modes[t]})
	}
	if _, err := s.prefs.ReplaceOne(ctx, bson.D{{Key: "_id", Value: userID}}, d, options.Replace().SetUpsert(true)); err != nil {
		return nil, mapErr(err)
	}
	return cur, nil
}

// Deliveries returns userID's e-mails (export), oldest first.
func (s *Service) Deliveries(ctx context.Context, userID string) ([]Delivery, error) {
	out := []Delivery{}
	if !s.MailEnabled() {
		return out, nil
	}
	var docs []outboxDoc
	for _, c := range []*mongo.Collection{s.done, s.outbox} {
		part, err := mongostore.FindAll[outboxDoc](ctx, c, "notify", "E-mail", bson.D{{Key: "userId", Value: userID}})
		if err != nil {
			return nil, err
		}
		docs = append(docs, part...)
	}
	slices.SortStableFunc(docs, func(a, b outboxDoc) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for _, d := range docs {
		out = append(out, Delivery{MessageID: d.Msg.ID, Type: d.Msg.Type, State: d.State, Attempts: d.Attempts,
			CreatedAt: d.CreatedAt, SentAt: d.SentAt, LastError: d.LastError})
	}
	return out, nil
}

// eraseMail deletes userID's queued and sent e-mails and preferences.
func (s *Service) eraseMail(ctx context.Context, userID string) error {
	if !s.MailEnabled() {
		return nil
	}
	for _, c := range []*mongo.Collection{s.outbox, s.done} {
		if _, err := c.DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}}); err != nil {
			return mapErr(err)
		}
	}
	if _, err := s.prefs.DeleteOne(ctx, bson.D{{Key: "_id", Value: userID}}); err != nil {
		return mapErr(err)
	}
	_, err := s.c.Database().Collection(devMailCollection).DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}})
	return mapErr(err)
}

func errorText(err error) string {
	msg := err.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return msg
}

// Queue is what waits to go out: e-mails in the outbox and the age of the
// oldest, and messages to many people still to fan out (jobs).
type Queue struct {
	Mail       int64
	OldestMail time.Duration
	FanOutJobs int64
}

// Queued reports the queues' depth (metrics). Without mail, Mail is 0.
func (s *Service) Queued(ctx context.Context) (Queue, error) {
	var q Queue
	var err error
	if q.FanOutJobs, err = s.fanout.CountDocuments(ctx, bson.D{}); err != nil {
		return q, mapErr(err)
	}
	if !s.MailEnabled() {
		return q, nil
	}
	if q.Mail, err = s.outbox.CountDocuments(ctx, bson.D{}); err != nil || q.Mail == 0 {
		return q, mapErr(err)
	}
	var oldest outboxDoc
	if err := s.outbox.FindOne(ctx, bson.D{}, options.FindOne().SetSort(bson.D{{Key: "createdAt", Value: 1}})).Decode(&oldest); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return q, nil
		}
		return q, mapErr(err)
	}
	q.OldestMail = s.now().Sub(oldest.CreatedAt)
	return q, nil
}
