package mongostore_test

import (
	"context"
	"fmt"
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
