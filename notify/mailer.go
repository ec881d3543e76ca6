package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opentomentor/opentomentor/mongostore"
)

// Contact is what an e-mail needs of its recipient.
type Contact struct {
	Email string
	Name  string
	Lang  string // "en" or "de"; "" for the default
}

// Contacts finds a recipient at sending time (not when the message was
// queued: an address changed meanwhile is the one used, an erased person
// gets nothing). A person who is gone is (nil, nil).
type Contacts interface {
	Contact(ctx context.Context, userID string) (*Contact, error)
}

// Links are the addresses an e-mail shows besides its messages' own links.
type Links struct {
	Base        string // the platform, without a trailing slash
	Preferences string // the e-mail settings page
	Unsubscribe string // one-click unsubscribe for this e-mail's types
}

// Rendered is an e-mail's subject and its two bodies.
type Rendered struct {
	Subject, Text, HTML string
}

// Renderer writes an e-mail for messages (one, or a day's digest) in the
// recipient's language.
type Renderer interface {
	RenderMail(ctx context.Context, lang string, to Contact, items []Message, links Links) (*Rendered, error)
}

// Envelope is one e-mail ready for a Transport.
type Envelope struct {
	UserID      string // the recipient (not sent; the development mailbox keeps it for erasure)
	MessageID   string // "<…@host>", the same for every attempt: receivers can drop a repeat
	From        string
	To          string
	ToName      string
	Subject     string
	Text, HTML  string
	Unsubscribe string // one-click URL (List-Unsubscribe with List-Unsubscribe-Post, RFC 8058)
	Preferences string // the settings page (a second List-Unsubscribe entry)
	Date        time.Time
}

// Transport delivers an envelope.
type Transport interface {
	Deliver(ctx context.Context, e *Envelope) error
}

// ErrUnconfirmed is a Transport's answer when the server took the whole
// message but did not confirm it in time: sending it again would most
// likely give the recipient two, so it is recorded as sent, unconfirmed.
var ErrUnconfirmed = errors.New("the server took the message but did not confirm it in time")

// PermanentError is a refusal that no retry will change (SMTP 5xx).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// MailerConfig wires a Mailer.
type MailerConfig struct {
	Transport Transport
	Renderer  Renderer
	Contacts  Contacts
	From      string // the sender address
	BaseURL   string
	// Lease lets one replica send at a time; nil when only one process runs
	// (the caller knows).
	Lease       *mongostore.Lease
	Interval    time.Duration // between looks at the outbox; default 5 s
	GiveUpAfter time.Duration // after this long undelivered an e-mail fails; default 24 h
	KeepFor     time.Duration // sent and failed e-mails are kept this long; default 30 days
	Batch       int           // e-mails per look; default 100
	Logger      *slog.Logger
}

// Mailer sends the outbox: due e-mails one by one (a day's digest as one),
// retrying with backoff while the server is down or refuses for now.
type Mailer struct {
	s    *Service
	cfg  MailerConfig
	wake chan struct{}
}

// NewMailer returns the Mailer of s's outbox. s must have mail enabled.
func (s *Service) NewMailer(cfg MailerConfig) *Mailer {
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.GiveUpAfter <= 0 {
		cfg.GiveUpAfter = 24 * time.Hour
	}
	if cfg.KeepFor <= 0 {
		cfg.KeepFor = 30 * 24 * time.Hour
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	if cfg.Logger == nil {
		cfg.Logger = s.log
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	m := &Mailer{s: s, cfg: cfg, wake: make(chan struct{}, 1)}
	s.wake = m.wake
	return m
}

// Run sends until ctx ends: at once after a message is queued in this
// process, else every Interval (messages queued by other replicas), holding
// the lease while it sends; and once an hour purges what was kept long
// enough.
func (m *Mailer) Run(ctx context.Context) {
	lastPurge := time.Time{}
	mongostore.RunLeased(ctx, m.cfg.Lease, m.cfg.Interval, m.wake, m.cfg.Logger, "mail: sending", func(ctx context.Context) error {
		_, err := m.Drain(ctx)
		if now := m.s.now(); now.Sub(lastPurge) > time.Hour {
			if perr := m.Purge(ctx); perr != nil {
				return errors.Join(err, perr)
			}
			lastPurge = now
		}
		return err
	})
}

// Drain sends every due e-mail (in batches) and returns how many e-mails
// went out. An e-mail that fails waits for its next attempt (a later
// nextAt), so it is not looked at again in this round. Errors: the
// database's.
func (m *Mailer) Drain(ctx context.Context) (int, error) {
	sent := 0
	for {
		now := m.s.now().UTC()
		// The outbox holds only what waits: finished e-mails move to
		// mail_sent, so this look stays small on the embedded database too.
		var docs []outboxDoc
		err := m.s.pacer.Do(ctx, func() (err error) {
			docs, err = mongostore.FindAll[outboxDoc](ctx, m.s.outbox, "notify", "E-mail",
				bson.D{{Key: "nextAt", Value: bson.D{{Key: "$lte", Value: now}}}},
				options.Find().SetSort(bson.D{{Key: "nextAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(m.cfg.Batch)))
			return err
		})
		if err != nil || len(docs) == 0 {
			return sent, err
		}
		for _, group := range groups(docs) {
			if m.cfg.Lease != nil && !mongostore.Hold(ctx, m.cfg.Lease, m.cfg.Logger, "mail: sending") {
				return sent, nil // another replica has it now
			}
			ok, err := m.send(ctx, group)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if len(docs) < m.cfg.Batch {
			return sent, nil
		}
	}
}

// groups turns due e-mails into what goes out together: each immediate one
// alone, a person's digest items as one.
func groups(docs []outboxDoc) [][]outboxDoc {
	var out [][]outboxDoc
	digest := map[string]int{}
	for _, d := range docs {
		if !d.Digest {
			out = append(out, []outboxDoc{d})
			continue
		}
		if i, ok := digest[d.UserID]; ok {
			out[i] = append(out[i], d)
			continue
		}
		digest[d.UserID] = len(out)
		out = append(out, []outboxDoc{d})
	}
	return out
}

// send delivers one e-mail for group and records the outcome on each of its
// documents. It reports whether the e-mail went out.
func (m *Mailer) send(ctx context.Context, group []outboxDoc) (sent bool, err error) {
	// Paced by its database time only: the SMTP server sets its own pace.
	start, delivering := time.Now(), time.Duration(0)
	defer func() {
		if err == nil {
			err = m.s.pacer.Rest(ctx, time.Since(start)-delivering)
		}
	}()
	userID := group[0].UserID
	to, err := m.cfg.Contacts.Contact(ctx, userID)
	if err != nil {
		return false, err
	}
	if to == nil || to.Email == "" {
		return false, m.finish(ctx, group, stateDropped, "no recipient address", false)
	}
	items := make([]Message, 0, len(group))
	types := []string{}
	keys := make([]string, 0, len(group))
	for _, d := range group {
		items = append(items, d.Msg)
		keys = append(keys, d.ID)
		if !slices.Contains(types, d.Msg.Type) {
			types = append(types, d.Msg.Type)
		}
	}
	sort.Strings(types)
	links := Links{Base: m.cfg.BaseURL, Preferences: m.cfg.BaseURL + "/account/notifications",
		Unsubscribe: m.cfg.BaseURL + "/unsubscribe/" + url.PathEscape(m.s.unsubscribeToken(userID, types))}
	r, err := m.cfg.Renderer.RenderMail(ctx, to.Lang, *to, items, links)
	if err != nil {
		return false, m.finish(ctx, group, stateFailed, "render: "+errorText(err), false)
	}
	env := &Envelope{UserID: userID, MessageID: messageID(keys, m.cfg.BaseURL), From: m.cfg.From, To: to.Email, ToName: to.Name,
		Subject: r.Subject, Text: r.Text, HTML: r.HTML, Unsubscribe: links.Unsubscribe, Preferences: links.Preferences, Date: m.s.now()}
	began := time.Now()
	err = m.cfg.Transport.Deliver(ctx, env)
	delivering = time.Since(began)
	var perm *PermanentError
	switch {
	case err == nil:
		return true, m.finish(ctx, group, stateSent, "", false)
	case errors.Is(err, ErrUnconfirmed):
		m.cfg.Logger.Warn("mail: delivery unconfirmed; not sent again", "id", env.MessageID, "err", err)
		return true, m.finish(ctx, group, stateSent, errorText(err), true)
	case errors.As(err, &perm):
		m.cfg.Logger.Warn("mail: refused", "id", env.MessageID, "err", err)
		return false, m.finish(ctx, group, stateFailed, errorText(err), false)
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	return false, m.retry(ctx, group, err)
}

// messageID is the e-mail's Message-ID: derived from its outbox keys, so
// every attempt carries the same one.
func messageID(keys []string, base string) string {
	sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
	host := "opentomentor.invalid"
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "<" + hex.EncodeToString(sum[:16]) + "@" + host + ">"
}

// finish records a final state on every document of group and moves it
// from the outbox to mail_sent (written first: a crash in between leaves a
// copy in both, and the next look finds it sent already). Every write goes
// by _id, the embedded database's one cheap filter.
func (m *Mailer) finish(ctx context.Context, group []outboxDoc, state, why string, unconfirmed bool) error {
	now := m.s.now().UTC()
	for _, d := range group {
		d.State, d.LastError, d.Unconfirmed, d.Attempts = state, why, unconfirmed, d.Attempts+1
		if state == stateSent {
			d.SentAt = &now
		}
		if _, err := m.s.done.InsertOne(ctx, d); err != nil && !mongostore.IsDuplicateKey(err) {
			return mapErr(err)
		}
		if _, err := m.s.outbox.DeleteOne(ctx, bson.D{{Key: "_id", Value: d.ID}}); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// retry schedules the next attempt with a growing pause (30 s, 1 min, 2 min
// … at most an hour), or gives up once the oldest item waited GiveUpAfter.
func (m *Mailer) retry(ctx context.Context, group []outboxDoc, cause error) error {
	now := m.s.now().UTC()
	oldest := group[0].CreatedAt
	attempts := 0
	for _, d := range group {
		if d.CreatedAt.Before(oldest) {
			oldest = d.CreatedAt
		}
		attempts = max(attempts, d.Attempts)
	}
	if now.Sub(oldest) >= m.cfg.GiveUpAfter {
		m.cfg.Logger.Warn("mail: given up", "user", group[0].UserID, "attempts", attempts+1, "err", cause)
		return m.finish(ctx, group, stateFailed, "given up: "+errorText(cause), false)
	}
	for _, d := range group {
		_, err := m.s.outbox.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "nextAt", Value: now.Add(Backoff(attempts + 1))}, {Key: "lastError", Value: errorText(cause)}}},
				{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}})
		if err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// Backoff is the pause before attempt n+1 after n failed ones.
func Backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Purge deletes sent, failed and dropped e-mails older than KeepFor.
func (m *Mailer) Purge(ctx context.Context) error {
	before := m.s.now().UTC().Add(-m.cfg.KeepFor)
	_, err := m.s.done.DeleteMany(ctx, bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: before}}}})
	return mapErr(err)
}
