package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/smtptest"
	"github.com/opentomentor/opentomentor/internal/testenv"
)

// testRenderer writes the message ids and the language into the e-mail:
// the real texts are the frontend's (tested there); here it is delivery.
type testRenderer struct{}

func (testRenderer) RenderMail(_ context.Context, lang string, to Contact, items []Message, links Links) (*Rendered, error) {
	var ids []string
	for _, m := range items {
		ids = append(ids, m.ID)
	}
	body := fmt.Sprintf("[%s] %s: %s\n%s\n%s", lang, to.Name, strings.Join(ids, ","), links.Preferences, links.Unsubscribe)
	return &Rendered{Subject: "[" + lang + "] " + strings.Join(ids, ","), Text: body, HTML: "<p>" + body + "</p>"}, nil
}

// contacts is an address book; a missing user is gone.
type contacts map[string]Contact

func (c contacts) Contact(_ context.Context, userID string) (*Contact, error) {
	if x, ok := c[userID]; ok {
		return &x, nil
	}
	return nil, nil
}

var people = contacts{
	"u_ada":  {Email: "ada@acme.example", Name: "Ada", Lang: "en"},
	"u_bert": {Email: "bert@bigco.example", Name: "Bert", Lang: "de"},
}

type mailEnv struct {
	db   *mongo.Database
	s    *Service
	m    *Mailer
	smtp *smtptest.Server
	clk  *testenv.Clock
}

// newMailEnv starts an SMTP server and a notify service with mail on,
// sending to it with a short timeout.
func newMailEnv(t *testing.T) *mailEnv {
	t.Helper()
	e := &mailEnv{db: testenv.DB(t), smtp: smtptest.Start(t), clk: testenv.NewClock(time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))}
	e.s, e.m = e.process(t)
	return e
}

// process is one running instance over the environment's database (a
// restart is a new one).
func (e *mailEnv) process(t *testing.T) (*Service, *Mailer) {
	t.Helper()
	s := New(e.db, Config{Now: e.clk.Now})
	if err := s.EnableMail(context.Background()); err != nil {
		t.Fatal(err)
	}
	sc, err := ParseSMTPURL("smtp://" + e.smtp.Addr)
	if err != nil {
		t.Fatal(err)
	}
	sc.Timeout = 300 * time.Millisecond
	m := s.NewMailer(MailerConfig{Transport: NewSMTP(*sc), Renderer: testRenderer{}, Contacts: people,
		From: "OpenToMentor <noreply@otm.example>", BaseURL: "https://otm.example", Logger: slog.New(slog.DiscardHandler)})
	return s, m
}

func (e *mailEnv) drain(t *testing.T) int {
	t.Helper()
	n, err := e.m.Drain(context.Background())
	if err != nil {
		t.Fatalf("drain: %v", err)
	}
	return n
}

func (e *mailEnv) state(t *testing.T, userID, msgID string) outboxDoc {
	t.Helper()
	var d outboxDoc
	for _, c := range []*mongo.Collection{e.s.outbox, e.s.done} {
		if err := c.FindOne(context.Background(), bson.D{{Key: "_id", Value: outboxKey(userID, msgID)}}).Decode(&d); err == nil {
			return d
		}
	}
	t.Fatalf("outbox %s/%s: in neither collection", userID, msgID)
	return d
}

func TestIntegrationMailDelivers(t *testing.T) {
	e := newMailEnv(t)
	ctx := context.Background()
	for _, to := range []string{"u_ada", "u_bert"} {
		if err := e.s.Send(ctx, to, Message{ID: "tandem.proposed:t1:" + to, Type: TypeTandemProposed, Link: "/tandems/t1"}); err != nil {
			t.Fatal(err)
		}
	}
	// The same event again queues nothing new.
	if err := e.s.Send(ctx, "u_ada", Message{ID: "tandem.proposed:t1:u_ada", Type: TypeTandemProposed, Link: "/tandems/t1"}); err != nil {
		t.Fatal(err)
	}
	if got := e.drain(t); got != 2 {
		t.Fatalf("sent: got %d, want 2", got)
	}
	if got := e.drain(t); got != 0 {
		t.Errorf("a second look: got %d sent, want 0", got)
	}
	msgs := e.smtp.Messages()
	if len(msgs) != 2 {
		t.Fatalf("received: got %d, want 2", len(msgs))
	}
	want := map[string]string{"ada@acme.example": "[en]", "bert@bigco.example": "[de]"}
	for _, m := range msgs {
		to := m.To[0]
		if !strings.HasPrefix(m.Subject, want[to]) {
			t.Errorf("to %s: subject %q, want the %s language", to, m.Subject, want[to])
		}
		if !strings.Contains(m.Text, "/account/notifications") || !strings.Contains(m.HTML, "<p>") {
			t.Errorf("to %s: text %q, html %q; want both parts", to, m.Text, m.HTML)
		}
		unsub := m.Header.Get("List-Unsubscribe")
		if !strings.HasPrefix(unsub, "<https://otm.example/unsubscribe/") || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("to %s: List-Unsubscribe %q / -Post %q", to, unsub, m.Header.Get("List-Unsubscribe-Post"))
		}
		if id := m.Header.Get("Message-Id"); !strings.HasSuffix(id, "@otm.example>") {
			t.Errorf("to %s: Message-ID %q", to, id)
		}
	}
	if d := e.state(t, "u_ada", "tandem.proposed:t1:u_ada"); d.State != stateSent || d.Attempts != 1 || d.SentAt == nil {
		t.Errorf("outbox after sending: got %+v", d)
	}
}

func TestIntegrationMailRetriesUntilDelivered(t *testing.T) {
	tests := []struct {
		name    string
		trouble func(e *mailEnv)
		mend    func(t *testing.T, e *mailEnv)
	}{
		{"server down", func(e *mailEnv) { e.smtp.Stop() }, func(t *testing.T, e *mailEnv) { e.smtp.Restart() }},
		{"refused for now (451)", func(e *mailEnv) { e.smtp.Refuse(451) }, func(t *testing.T, e *mailEnv) { e.smtp.Refuse(0) }},
		{"restart in between", func(e *mailEnv) { e.smtp.Stop() }, func(t *testing.T, e *mailEnv) {
			e.smtp.Restart()
			e.s, e.m = e.process(t) // a new process finds the outbox as it was
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMailEnv(t)
			ctx := context.Background()
			tt.trouble(e)
			if err := e.s.Send(ctx, "u_ada", Message{ID: "m1", Type: TypeApplicationDecided, Link: "/apply"}); err != nil {
				t.Fatal(err)
			}
			if got := e.drain(t); got != 0 {
				t.Fatalf("while in trouble: got %d sent", got)
			}
			d := e.state(t, "u_ada", "m1")
			if d.State != statePending || d.Attempts != 1 || d.LastError == "" || !d.NextAt.Equal(e.clk.Now().Add(Backoff(1))) {
				t.Fatalf("after a failed attempt: got %+v, want pending, 1 attempt, the error, next in %v", d, Backoff(1))
			}
			tt.mend(t, e)
			if got := e.drain(t); got != 0 {
				t.Errorf("before the pause is over: got %d sent", got)
			}
			e.clk.Add(Backoff(1))
			if got := e.drain(t); got != 1 {
				t.Fatalf("after the pause: got %d sent, want 1", got)
			}
			if n := len(e.smtp.Messages()); n != 1 {
				t.Errorf("received: got %d, want 1", n)
			}
		})
	}
}

func TestIntegrationMailTimeoutAfterDataSendsOnce(t *testing.T) {
	e := newMailEnv(t)
	ctx := context.Background()
	e.smtp.AnswerLate(time.Second) // the client gives up after 300 ms
	if err := e.s.Send(ctx, "u_ada", Message{ID: "m1", Type: TypeTandemRunning, Link: "/tandems/t1"}); err != nil {
		t.Fatal(err)
	}
	if got := e.drain(t); got != 1 {
		t.Errorf("sent: got %d, want 1 (unconfirmed)", got)
	}
	e.smtp.AnswerLate(0)
	e.clk.Add(time.Hour)
	if got := e.drain(t); got != 0 {
		t.Errorf("later: got %d sent again", got)
	}
	if d := e.state(t, "u_ada", "m1"); d.State != stateSent || !d.Unconfirmed {
		t.Errorf("outbox: got %+v, want sent, unconfirmed", d)
	}
	time.Sleep(time.Second) // let the server finish its late answer
	if n := len(e.smtp.Messages()); n != 1 {
		t.Errorf("received: got %d, want exactly 1", n)
	}
}

func TestIntegrationMailGivesUp(t *testing.T) {
	tests := []struct {
		name     string
		code     int
		wait     time.Duration
		attempts int
	}{
		{"refused for good (550)", 550, 0, 1},
		{"refused for now, for a day", 451, 25 * time.Hour, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMailEnv(t)
			ctx := context.Background()
			e.smtp.Refuse(tt.code)
			if err := e.s.Send(ctx, "u_ada", Message{ID: "m1", Type: TypeRoleGranted, Link: "/account"}); err != nil {
				t.Fatal(err)
			}
			e.drain(t)
			if tt.wait > 0 {
				e.clk.Add(tt.wait)
				e.drain(t)
			}
			d := e.state(t, "u_ada", "m1")
			if d.State != stateFailed || d.Attempts != tt.attempts || !strings.Contains(d.LastError, fmt.Sprint(tt.code)) {
				t.Errorf("outbox: got %+v, want failed after %d attempts with the server's answer kept", d, tt.attempts)
			}
			e.smtp.Refuse(0)
			e.clk.Add(48 * time.Hour)
			if got := e.drain(t); got != 0 {
				t.Errorf("after giving up: got %d sent", got)
			}
			ex, err := e.s.Deliveries(ctx, "u_ada")
			if err != nil || len(ex) != 1 || ex[0].State != stateFailed || ex[0].LastError == "" {
				t.Errorf("export: got %+v, %v", ex, err)
			}
		})
	}
}

func TestIntegrationMailPreferences(t *testing.T) {
	e := newMailEnv(t)
	ctx := context.Background()
	ada := &otm.Principal{UserID: "u_ada"}
	if _, err := e.s.MyPreferences(ctx, nil); otm.ErrorCode(err) != otm.EUNAUTHORIZED {
		t.Errorf("visitor: got %v", err)
	}
	bad := []struct {
		name  string
		modes map[string]string
		field string
	}{
		{"unknown type", map[string]string{"nope": ModeOff}, "modes.nope"},
		{"unknown mode", map[string]string{TypeTandemProposed: "weekly"}, "modes." + TypeTandemProposed},
		{"required off", map[string]string{TypeTandemRunning: ModeOff}, "modes." + TypeTandemRunning},
	}
	for _, tt := range bad {
		_, err := e.s.SetPreferences(ctx, ada, tt.modes)
		if f := otm.ErrorFields(err); otm.ErrorCode(err) != otm.EINVALID || len(f) != 1 || f[0].Field != tt.field {
			t.Errorf("%s: got %v (%v), want EINVALID naming %s", tt.name, err, f, tt.field)
		}
	}
	p, err := e.s.SetPreferences(ctx, ada, map[string]string{TypeTandemProposed: ModeOff, TypeTandemAnswered: ModeDaily, TypeTandemRunning: ModeDaily})
	if err != nil || p.Modes[TypeTandemProposed] != ModeOff || p.Modes[TypeRoleGranted] != ModeImmediate {
		t.Fatalf("set: got %+v, %v", p, err)
	}
	// Off: in the inbox only. Daily: one e-mail at DigestHour with both.
	for _, m := range []Message{{ID: "p1", Type: TypeTandemProposed}, {ID: "a1", Type: TypeTandemAnswered}, {ID: "r1", Type: TypeTandemRunning}} {
		if err := e.s.Send(ctx, "u_ada", m); err != nil {
			t.Fatal(err)
		}
	}
	if items, _, _ := e.s.Inbox(ctx, ada); len(items) != 3 {
		t.Errorf("inbox: got %d messages, want all 3", len(items))
	}
	if got := e.drain(t); got != 0 {
		t.Errorf("before the digest hour: got %d sent", got)
	}
	e.clk.Add(22 * time.Hour) // 09:00 → 07:00 the next day
	if got := e.drain(t); got != 1 {
		t.Fatalf("at the digest hour: got %d e-mails, want 1", got)
	}
	msgs := e.smtp.Messages()
	if subj := msgs[0].Subject; subj != "[en] a1,r1" {
		t.Errorf("digest: subject %q, want both daily messages", subj)
	}
}

func TestIntegrationMailUnsubscribe(t *testing.T) {
	e := newMailEnv(t)
	ctx := context.Background()
	token := e.s.unsubscribeToken("u_ada", []string{TypeTandemProposed, TypeTandemRunning})
	for _, bad := range []string{"", "x", token + "x", strings.Replace(token, ".", "A.", 1), e.s.unsubscribeToken("u_ada", nil)[:5]} {
		if _, _, err := e.s.Unsubscribe(ctx, bad); otm.ErrorCode(err) != otm.EINVALID {
			t.Errorf("token %q: got %v, want EINVALID", bad, err)
		}
	}
	// Another platform's key does not fit.
	other := New(testenv.DB(t), Config{})
	if err := other.EnableMail(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.Unsubscribe(ctx, other.unsubscribeToken("u_ada", []string{TypeTandemProposed})); otm.ErrorCode(err) != otm.EINVALID {
		t.Errorf("foreign token: got %v, want EINVALID", err)
	}
	for range 2 { // repeating changes nothing
		u, p, err := e.s.Unsubscribe(ctx, token)
		if err != nil || u.UserID != "u_ada" {
			t.Fatalf("unsubscribe: got %+v, %v", u, err)
		}
		if p.Modes[TypeTandemProposed] != ModeOff || p.Modes[TypeTandemRunning] != ModeDaily || p.Modes[TypeRoleGranted] != ModeImmediate {
			t.Errorf("after unsubscribing: got %v; want proposed off, running (required) daily, the rest as it was", p.Modes)
		}
	}
}

func TestIntegrationMailErase(t *testing.T) {
	e := newMailEnv(t)
	ctx := context.Background()
	box := e.s.DevMailbox()
	e.m.cfg.Transport = box
	if _, err := e.s.SetPreferences(ctx, &otm.Principal{UserID: "u_ada"}, map[string]string{TypeTandemAnswered: ModeDaily}); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"u_ada", "u_bert"} {
		if err := e.s.Send(ctx, to, Message{ID: "m1", Type: TypeRoleGranted}); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.drain(t); got != 2 {
		t.Fatalf("sent: got %d", got)
	}
	if err := e.s.Send(ctx, "u_ada", Message{ID: "m2", Type: TypeRoleGranted}); err != nil { // queued, not sent yet
		t.Fatal(err)
	}
	if err := e.s.Erase(ctx, "u_ada"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		coll   string
		filter bson.D
	}{
		{"mail_outbox", bson.D{{Key: "userId", Value: "u_ada"}}},
		{"mail_sent", bson.D{{Key: "userId", Value: "u_ada"}}},
		{"mail_prefs", bson.D{{Key: "_id", Value: "u_ada"}}},
		{devMailCollection, bson.D{{Key: "userId", Value: "u_ada"}}},
	} {
		if n, err := e.db.Collection(c.coll).CountDocuments(ctx, c.filter); err != nil || n != 0 {
			t.Errorf("%s after erasure: %d documents (%v), want 0", c.coll, n, err)
		}
	}
	if n, _ := e.db.Collection(devMailCollection).CountDocuments(ctx, bson.D{{Key: "userId", Value: "u_bert"}}); n != 1 {
		t.Errorf("someone else's e-mail: %d, want 1 kept", n)
	}
	if got := e.drain(t); got != 0 {
		t.Errorf("after erasure: %d sent", got)
	}
}

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		raw      string
		wantErr  bool
		host     string
		port     int
		tls      bool
		user     string
		pass     string
		loopback bool
	}{
		{raw: "smtp://user:p%40ss@mail.example:2525", host: "mail.example", port: 2525, user: "user", pass: "p@ss"},
		{raw: "smtp://mail.example", host: "mail.example", port: 587},
		{raw: "smtps://u:p@mail.example", host: "mail.example", port: 465, tls: true, user: "u", pass: "p"},
		{raw: "smtp://127.0.0.1:1025", host: "127.0.0.1", port: 1025, loopback: true},
		{raw: "smtp://localhost:25", host: "localhost", port: 25, loopback: true},
		{raw: "http://mail.example", wantErr: true},
		{raw: "smtp://", wantErr: true},
		{raw: "smtp://mail.example:99999", wantErr: true},
		{raw: "smtp://mail.example/path", wantErr: true},
		{raw: "::", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := ParseSMTPURL(tt.raw)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				if strings.Contains(err.Error(), "p@ss") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Host != tt.host || got.Port != tt.port || got.ImplicitTLS != tt.tls || got.Username != tt.user || got.Password != tt.pass || got.Loopback() != tt.loopback {
				t.Errorf("got %+v (loopback %v), want %s:%d tls=%v user=%q loopback=%v", got, got.Loopback(), tt.host, tt.port, tt.tls, tt.user, tt.loopback)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d): got %v, want %v", i+1, got, w)
		}
	}
	if got := Backoff(30); got != time.Hour {
		t.Errorf("Backoff(30): got %v, want at most an hour", got)
	}
	var perm *PermanentError
	if errors.As(fmt.Errorf("x: %w", &PermanentError{Err: errors.New("550")}), &perm) == false {
		t.Error("a wrapped PermanentError is not found")
	}
}
