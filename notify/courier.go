package notify

import (
	"context"
	"sync/atomic"
	"time"
)

// CourierQueue is how many deliveries wait for the courier; when it is
// full, Soon delivers inside the caller (the writer waits rather than the
// notes waiting for the sweep).
const CourierQueue = 256

// courierDrain is how long a stopping courier goes on delivering what was
// queued (the sweep delivers what is left, from the events' notes).
const courierDrain = 10 * time.Second

type task struct {
	what string
	run  func(context.Context) error
}

// Soon runs an event's delivery (run: send its notes, then clear them from
// the event) after the event's write, off the request that wrote it — on
// this process's courier (RunCourier), or at once when none runs (tools,
// tests of a single service). The notes are on the event and marked pending
// before run is handed over, so a crash before run ends loses nothing: the
// sweep (DeliverPending) delivers them. A failure is logged for the same
// reason. what names the event in the log.
func (s *Service) Soon(ctx context.Context, what string, run func(context.Context) error) {
	if q := s.courier.Load(); q != nil {
		select {
		case *q <- task{what: what, run: run}:
			return
		default: // the courier is behind: deliver here
		}
	}
	s.runTask(ctx, task{what: what, run: run})
}

func (s *Service) runTask(ctx context.Context, t task) {
	if err := t.run(ctx); err != nil {
		s.log.Error("not done yet; the sweep retries", "task", t.what, "err", err)
	}
}

// RunCourier delivers what Soon hands over until ctx ends, then what is
// still queued (for up to courierDrain). One per process; deliveries are
// idempotent, so replicas need no lease for it.
func (s *Service) RunCourier(ctx context.Context) {
	q := make(chan task, CourierQueue)
	if !s.courier.CompareAndSwap(nil, &q) {
		panic("notify: RunCourier called twice")
	}
	for {
		select {
		case t := <-q:
			s.runTask(ctx, t)
		case <-ctx.Done():
			s.courier.Store(nil) // from now on Soon delivers inside the caller
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), courierDrain)
			defer cancel()
			for {
				select {
				case t := <-q:
					s.runTask(dctx, t)
				default:
					return
				}
			}
		}
	}
}

// courierSlot is the queue of the running courier (nil: none runs).
type courierSlot = atomic.Pointer[chan task]
