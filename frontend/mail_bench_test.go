package frontend

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/internal/smtptest"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/notify"
)

// BenchmarkPagesWhileQueuing10k gives 10,000 people a message (a
// registration opening for its followers: SendMany, expanded by a FanOut)
// while a signed-in person loads pages and the mailer sends to a real SMTP
// server in the process, and compares the pages' latency with the same pages
// before and after (same run). Metrics: page-ms-idle and page-ms-queuing (median),
// slowdown-% (of the median), queued/s (into inboxes and the outbox), and
// sent/s (one SMTP connection per e-mail).
//
//	go test -run '^$' -bench PagesWhileQueuing10k -benchtime 1x ./frontend/
func BenchmarkPagesWhileQueuing10k(b *testing.B) {
	audience := 10000
	if n, err := strconv.Atoi(os.Getenv("OTM_BENCH_AUDIENCE")); err == nil && n > 0 {
		audience = n // a smaller run while tuning
	}
	for b.Loop() {
		e := newPagesEnv(b)
		ctx := context.Background()
		if err := e.Notify.EnableMail(ctx); err != nil {
			b.Fatal(err)
		}
		server := smtptest.Start(b)
		sc, err := notify.ParseSMTPURL("smtp://" + server.Addr)
		if err != nil {
			b.Fatal(err)
		}
		people := contactsFunc(func(id string) *notify.Contact {
			return &notify.Contact{Email: id + "@bench.example", Name: "Bench " + id, Lang: "de"}
		})
		mailer := e.Notify.NewMailer(notify.MailerConfig{Transport: notify.NewSMTP(*sc), Renderer: e.f, Contacts: people,
			From: "OTM <noreply@otm.example>", BaseURL: testBaseURL, Interval: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		// A platform that has run a while: its collections exist, and the
		// embedded database's _id indexes with them (as after a start).
		if err := e.Notify.Send(ctx, lena.UserID, notify.Message{ID: "warm", Type: notify.TypeRoleGranted, Args: map[string]any{"role": "curator"}, Link: "/"}); err != nil {
			b.Fatal(err)
		}
		if _, err := testenv.Store(b).IndexIDs(ctx); err != nil {
			b.Fatal(err)
		}
		app := e.app(b, lena)
		page := func() time.Duration {
			start := time.Now()
			resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/programs", nil), -1)
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("GET /programs: %v %v", resp, err)
			}
			_ = resp.Body.Close()
			return time.Since(start)
		}
		for range 20 { // warm up
			page()
		}
		var idle []time.Duration
		for range 300 {
			idle = append(idle, page())
		}

		mctx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		fan := e.Notify.NewFanOut(notify.FanOutConfig{Interval: 50 * time.Millisecond})
		for _, run := range []func(context.Context){mailer.Run, fan.Run} {
			wg.Add(1)
			go func() { defer wg.Done(); run(mctx) }()
		}
		audienceIDs := make([]string, audience)
		for i := range audienceIDs {
			audienceIDs[i] = fmt.Sprintf("u_bench%05d", i)
		}
		queueStart := time.Now()
		m := notify.Message{ID: "program.registration:bench", Type: notify.TypeProgramRegistration, Args: map[string]any{"program": "Cohort"}, Link: "/programs"}
		if err := e.Notify.SendMany(ctx, audienceIDs, m); err != nil {
			b.Fatal(err)
		}
		var queued atomic.Bool
		var queueTook time.Duration
		wg.Add(1)
		go func() { // the last recipient got it: the fan-out is through
			defer wg.Done()
			for mctx.Err() == nil {
				if n, err := e.Notify.Unread(ctx, audienceIDs[audience-1]); err == nil && n == 1 {
					queueTook = time.Since(queueStart)
					queued.Store(true)
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
		var busy []time.Duration
		for !queued.Load() || len(busy) < 300 {
			busy = append(busy, page())
		}
		want := audience + 1 // and the warm-up message
		for len(server.Messages()) < want && time.Since(queueStart) < 10*time.Minute {
			time.Sleep(100 * time.Millisecond)
		}
		sendTook := time.Since(queueStart)
		stop()
		wg.Wait()
		// Idle again: the same pages before and after, so that a noisy
		// moment on one side does not decide the comparison.
		for range 300 {
			idle = append(idle, page())
		}
		if n := len(server.Messages()); n != want {
			b.Fatalf("sent %d of %d", n, want)
		}
		mi, mb := median(idle), median(busy)
		b.ReportMetric(float64(mi.Microseconds())/1000, "page-ms-idle")
		b.ReportMetric(float64(mb.Microseconds())/1000, "page-ms-queuing")
		b.ReportMetric(100*(float64(mb)/float64(mi)-1), "slowdown-%")
		b.ReportMetric(float64(audience)/queueTook.Seconds(), "queued/s")
		b.ReportMetric(float64(audience)/sendTook.Seconds(), "sent/s")
		b.ReportMetric(float64(len(busy)), "pages-during")
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// contactsFunc makes every id a recipient.
type contactsFunc func(id string) *notify.Contact

func (f contactsFunc) Contact(_ context.Context, id string) (*notify.Contact, error) {
	return f(id), nil
}
