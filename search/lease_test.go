package search_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/search"
)

// fakeLease is held while held is true; after holdFor successful Acquires (if
// set) it is lost.
type fakeLease struct {
	held     atomic.Bool
	holdFor  atomic.Int64
	calls    atomic.Int64
	released atomic.Int64
}

func (l *fakeLease) Acquire(ctx context.Context) (bool, error) {
	n := l.calls.Add(1)
	if h := l.holdFor.Load(); h > 0 && n > h {
		l.held.Store(false)
	}
	return l.held.Load(), nil
}

func (l *fakeLease) Release(ctx context.Context) error {
	l.released.Add(1)
	l.held.Store(false)
	return nil
}

func TestSyncOnceLease(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	lease := &fakeLease{}
	x := search.NewIndexer(src, idx, nil)
	x.Lease = lease
	src.set("a", doc("A1"))

	n, err := x.SyncOnce(context.Background())
	if !errors.Is(err, search.ErrNotLeaseHolder) || n != 0 {
		t.Fatalf("another holder: got %d, %v, want 0, ErrNotLeaseHolder", n, err)
	}
	if src.pendingCalls() != 0 || idx.writes.Load() != 0 {
		t.Error("the indexer read or wrote without holding the lease")
	}

	lease.held.Store(true)
	mustSync(t, x, 1)
	checkInSync(t, src, idx)
}

// A lease lost in the middle of a sync stops it before the next batch.
func TestSyncOnceLeaseLost(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	lease := &fakeLease{}
	lease.held.Store(true)
	lease.holdFor.Store(2)
	x := search.NewIndexer(src, idx, nil)
	x.Lease = lease
	for i := range 1234 {
		src.set(fmt.Sprintf("p%04d", i), doc(fmt.Sprint(i)))
	}
	n, err := x.SyncOnce(context.Background())
	if !errors.Is(err, search.ErrNotLeaseHolder) {
		t.Fatalf("got error %v, want ErrNotLeaseHolder", err)
	}
	if n != 1000 {
		t.Errorf("got %d applied, want 1000 (two batches)", n)
	}
	if got := len(src.lagging()); got != 234 {
		t.Errorf("got %d pending, want 234", got)
	}
}

func TestRunLease(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	src.onMark = markChecker(t, idx)
	lease := &fakeLease{}
	x := search.NewIndexer(src, idx, nil)
	x.Lease = lease
	x.Interval = 30 * time.Millisecond
	src.set("a", doc("A1"))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		x.Run(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	t.Run("stands by while another process holds the lease", func(t *testing.T) {
		start := time.Now()
		for time.Since(start) < 200*time.Millisecond {
			x.Notify() // ignored while standing by
			time.Sleep(time.Millisecond)
		}
		if got := src.pendingCalls(); got != 0 {
			t.Errorf("got %d Pending calls, want none without the lease", got)
		}
		// One try at the start, then one per Interval: about 7 in 200 ms.
		if got := lease.calls.Load(); got < 2 || got > 12 {
			t.Errorf("got %d Acquire calls in 200 ms, want 2..12 (once per interval, not per notification)", got)
		}
	})
	t.Run("takes over at the next tick", func(t *testing.T) {
		lease.held.Store(true)
		waitFor(t, "the takeover", func() bool { return len(src.lagging()) == 0 })
		checkInSync(t, src, idx)
		src.set("b", doc("B1"))
		x.Notify()
		waitFor(t, "b to be indexed", func() bool { return len(src.lagging()) == 0 })
	})
	t.Run("releases the lease when it stops", func(t *testing.T) {
		cancel()
		<-done
		if got := lease.released.Load(); got != 1 {
			t.Errorf("got %d Release calls, want 1", got)
		}
	})
}

// A replica that never held the lease does not release it.
func TestRunLeaseNeverHeld(t *testing.T) {
	lease := &fakeLease{}
	x := search.NewIndexer(newFakeSource(), newFakeIndex(), nil)
	x.Lease = lease
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		x.Run(ctx)
		close(done)
	}()
	waitFor(t, "an Acquire", func() bool { return lease.calls.Load() > 0 })
	cancel()
	<-done
	if got := lease.released.Load(); got != 0 {
		t.Errorf("got %d Release calls, want 0", got)
	}
}

func TestRebuildLease(t *testing.T) {
	for _, swap := range []bool{false, true} {
		t.Run(fmt.Sprintf("swap=%v", swap), func(t *testing.T) {
			src := newFakeSource()
			src.set("a", doc("A1"))
			var idx search.Index = newFakeIndex()
			if swap {
				idx = newSwapIndex()
			}
			lease := &fakeLease{}
			x := search.NewIndexer(src, idx, nil)
			x.Lease = lease
			if _, err := x.Rebuild(context.Background()); !errors.Is(err, search.ErrNotLeaseHolder) {
				t.Fatalf("got error %v, want ErrNotLeaseHolder", err)
			}
			if n, _ := idx.Count(context.Background()); n != 0 {
				t.Errorf("got %d documents, want none written without the lease", n)
			}
			// Lost during the rebuild: nothing is swapped in or marked.
			for i := range 700 {
				src.set(fmt.Sprintf("p%04d", i), doc(fmt.Sprint(i)))
			}
			lease.held.Store(true)
			lease.holdFor.Store(lease.calls.Load() + 2)
			if _, err := x.Rebuild(context.Background()); !errors.Is(err, search.ErrNotLeaseHolder) {
				t.Fatalf("lost lease: got error %v, want ErrNotLeaseHolder", err)
			}
			if swap {
				if n, _ := idx.Count(context.Background()); n != 0 {
					t.Errorf("lost lease: got %d live documents, want none swapped in", n)
				}
				if got := len(src.lagging()); got != 701 {
					t.Errorf("lost lease: got %d pending, want all 701", got)
				}
			}
			lease.holdFor.Store(0)
			lease.held.Store(true)
			if _, err := x.Rebuild(context.Background()); err != nil {
				t.Fatalf("Rebuild: %v", err)
			}
			if got := src.lagging(); !slices.Equal(got, nil) {
				t.Errorf("got pending %v, want none", got)
			}
		})
	}
}
