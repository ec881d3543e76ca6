package mongostore_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/mongostore"
)

func mustAcquire(tb testing.TB, l *mongostore.Lease, want bool, what string) {
	tb.Helper()
	got, err := l.Acquire(context.Background())
	if err != nil {
		tb.Fatalf("%s: Acquire: %v", what, err)
	}
	if got != want {
		tb.Fatalf("%s: Acquire: got %v, want %v", what, got, want)
	}
}

func mustHolder(tb testing.TB, l *mongostore.Lease, want string) {
	tb.Helper()
	got, _, err := l.Holder(context.Background())
	if err != nil {
		tb.Fatalf("Holder: %v", err)
	}
	if got != want {
		tb.Fatalf("got holder %q, want %q", got, want)
	}
}

func TestIntegrationLease(t *testing.T) {
	db := testenv.DB(t)
	ctx := context.Background()
	clk := testenv.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	const ttl = 30 * time.Second
	a := mongostore.NewLease(db, "indexer", "replica-a", ttl)
	b := mongostore.NewLease(db, "indexer", "replica-b", ttl)
	other := mongostore.NewLease(db, "other-job", "replica-b", ttl)
	a.Now, b.Now, other.Now = clk.Now, clk.Now, clk.Now

	mustHolder(t, a, "")
	mustAcquire(t, a, true, "a takes the free lease")
	mustAcquire(t, b, false, "b while a holds it")
	mustHolder(t, b, "replica-a")
	mustAcquire(t, other, true, "b takes a lease of another name")

	clk.Add(20 * time.Second)
	mustAcquire(t, a, true, "a renews before expiry")
	clk.Add(20 * time.Second) // 40 s after the first take, 20 s after the renewal
	mustAcquire(t, b, false, "b after the renewal kept it alive")
	mustHolder(t, a, "replica-a")

	clk.Add(11 * time.Second) // a stopped renewing: expired
	mustAcquire(t, b, true, "b takes the expired lease")
	mustHolder(t, a, "replica-b")
	mustAcquire(t, a, false, "a after b took over")
	mustAcquire(t, b, true, "b renews")

	if err := a.Release(ctx); err != nil {
		t.Fatalf("Release by a non-holder: %v", err)
	}
	mustHolder(t, a, "replica-b") // a cannot release b's lease
	if err := b.Release(ctx); err != nil {
		t.Fatalf("Release: %v", err)
	}
	mustHolder(t, a, "")
	mustAcquire(t, a, true, "a after b released it")
	mustAcquire(t, b, false, "b after a took it again")
	mustHolder(t, other, "replica-b") // untouched by the other name
}

// Many holders racing for a free or an expired lease: exactly one wins each round.
func TestIntegrationLeaseRace(t *testing.T) {
	db := testenv.DB(t)
	clk := testenv.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	const n = 8
	leases := make([]*mongostore.Lease, n)
	for i := range leases {
		leases[i] = mongostore.NewLease(db, "race", fmt.Sprintf("replica-%d", i), time.Minute)
		leases[i].Now = clk.Now
	}
	for round := range 3 {
		var won atomic.Int32
		var wg sync.WaitGroup
		for _, l := range leases {
			wg.Go(func() {
				ok, err := l.Acquire(context.Background())
				if err != nil {
					t.Errorf("round %d: Acquire: %v", round, err)
				}
				if ok {
					won.Add(1)
				}
			})
		}
		wg.Wait()
		if got := won.Load(); got != 1 {
			t.Fatalf("round %d: got %d holders, want 1", round, got)
		}
		clk.Add(2 * time.Minute) // let it expire for the next round
	}
}

// With the real clock, a short ttl expires by itself.
func TestIntegrationLeaseRealClock(t *testing.T) {
	db := testenv.DB(t)
	const ttl = 300 * time.Millisecond
	a := mongostore.NewLease(db, "short", "a", ttl)
	b := mongostore.NewLease(db, "short", "b", ttl)
	start := time.Now()
	mustAcquire(t, a, true, "a")
	ok, err := b.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ok && time.Since(start) < ttl {
		t.Fatal("b took the lease before it expired")
	}
	time.Sleep(time.Until(start.Add(ttl + 50*time.Millisecond)))
	mustAcquire(t, b, true, "b after the ttl")
}

// TestIntegrationRunLeasedOneAtATime: two replicas run the same background
// job (the sweep, say) under one lease: only one of them does the work;
// when it stops, it releases the lease and the other takes over.
func TestIntegrationRunLeasedOneAtATime(t *testing.T) {
	db := testenv.DB(t)
	log := slog.New(slog.DiscardHandler)
	var runs [2]atomic.Int64
	ctxs := make([]context.CancelFunc, 2)
	dones := make([]chan struct{}, 2)
	for i := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		ctxs[i], dones[i] = cancel, make(chan struct{})
		lease := mongostore.NewLease(db, "sweep", fmt.Sprintf("replica-%d", i), time.Minute)
		go func() {
			defer close(dones[i])
			mongostore.RunLeased(ctx, lease, 10*time.Millisecond, nil, log, "sweep", func(context.Context) error {
				runs[i].Add(1)
				return nil
			})
		}()
		if i == 0 {
			testenv.WaitFor(t, "replica 0 sweeps", func() bool { return runs[0].Load() > 0 })
		}
	}
	t.Cleanup(func() {
		for i := range 2 {
			ctxs[i]()
			<-dones[i]
		}
	})
	time.Sleep(100 * time.Millisecond) // several rounds of both
	if n := runs[1].Load(); n != 0 {
		t.Fatalf("replica 1 swept %d times while replica 0 held the lease, want 0", n)
	}
	ctxs[0]() // replica 0 stops: it releases the lease
	<-dones[0]
	testenv.WaitFor(t, "replica 1 takes over", func() bool { return runs[1].Load() > 0 })
}

// TestIntegrationMigrate: migrations run once each, in ID order; a second
// replica starting at the same time waits and applies nothing; a failing
// migration stops the run and is tried again at the next start.
func TestIntegrationMigrate(t *testing.T) {
	db := testenv.DB(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	var mu sync.Mutex
	var order []string
	step := func(id string) mongostore.Migration {
		return mongostore.Migration{ID: id, Run: func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, id)
			return nil
		}}
	}
	fail := true
	flaky := mongostore.Migration{ID: "0003-flaky", Run: func(context.Context) error {
		if fail {
			return errors.New("half-way")
		}
		return nil
	}}
	ms := []mongostore.Migration{step("0002-second"), step("0001-first")}
	var wg sync.WaitGroup
	results := make([][]string, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lease := mongostore.NewLease(db, "migrations", fmt.Sprintf("replica-%d", i), time.Minute)
			got, err := mongostore.Migrate(ctx, db, lease, ms, log)
			if err != nil {
				t.Errorf("replica %d: Migrate: %v", i, err)
			}
			results[i] = got
		}()
	}
	wg.Wait()
	if got := strings.Join(order, ","); got != "0001-first,0002-second" {
		t.Errorf("runs: got %q, want each once, in ID order", got)
	}
	if n := len(results[0]) + len(results[1]); n != 2 {
		t.Errorf("applied: got %v and %v, want two in all (one replica migrates)", results[0], results[1])
	}
	if _, err := mongostore.Migrate(ctx, db, nil, append(ms, flaky), log); err == nil {
		t.Fatal("a failing migration: got nil, want its error")
	}
	fail = false
	got, err := mongostore.Migrate(ctx, db, nil, append(ms, flaky), log)
	if err != nil || strings.Join(got, ",") != "0003-flaky" {
		t.Errorf("the next start: got %v, %v; want only 0003-flaky", got, err)
	}
}
