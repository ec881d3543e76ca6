package notify

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/opentomentor/opentomentor/internal/testenv"
)

func TestSoon(t *testing.T) {
	ctx := context.Background()
	s := &Service{log: slog.New(slog.DiscardHandler)}

	// No courier: the delivery runs inside the caller, and a failure is
	// only logged (the notes stay on the event for the sweep).
	ran := false
	s.Soon(ctx, "inline", func(context.Context) error { ran = true; return errors.New("inbox down") })
	if !ran {
		t.Fatal("without a courier: got the delivery not run, want it run at once")
	}

	// A courier: the caller does not wait for the delivery.
	cctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); s.RunCourier(cctx) }()
	testenv.WaitFor(t, "courier started", func() bool { return s.courier.Load() != nil })
	release := make(chan struct{})
	var mu sync.Mutex
	var order []int
	record := func(i int) func(context.Context) error {
		return func(context.Context) error {
			if i == 0 {
				<-release // the first delivery is slow
			}
			mu.Lock()
			defer mu.Unlock()
			order = append(order, i)
			return nil
		}
	}
	s.Soon(ctx, "slow", record(0))
	for i := 1; i <= 3; i++ {
		s.Soon(ctx, "queued", record(i)) // returns although the courier is busy
	}
	mu.Lock()
	if len(order) != 0 {
		t.Errorf("while the courier waits: got %v delivered, want none", order)
	}
	mu.Unlock()

	// Stopping: what was queued is still delivered, in order.
	close(release)
	stop()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if want := []int{0, 1, 2, 3}; !slices.Equal(order, want) {
		t.Errorf("after stop: got %v delivered, want %v", order, want)
	}
	if s.courier.Load() != nil {
		t.Error("after stop: got a courier queue, want none (Soon delivers inline again)")
	}
}

func TestSoonFullQueueDeliversInline(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	s := &Service{log: slog.New(slog.DiscardHandler)}
	done := make(chan struct{})
	go func() { defer close(done); s.RunCourier(ctx) }()
	t.Cleanup(func() { stop(); <-done })
	testenv.WaitFor(t, "courier started", func() bool { return s.courier.Load() != nil })
	block := make(chan struct{})
	defer close(block)
	s.Soon(ctx, "blocker", func(context.Context) error { <-block; return nil })
	testenv.WaitFor(t, "blocker taken", func() bool { return len(*s.courier.Load()) == 0 })
	for range CourierQueue {
		s.Soon(ctx, "filler", func(context.Context) error { return nil })
	}
	inline := false
	s.Soon(ctx, "overflow", func(context.Context) error { inline = true; return nil })
	if !inline {
		t.Error("with a full queue: got the delivery queued, want it run inside the caller")
	}
}
