package notify

import (
	"context"
	"errors"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/mongostore"
)

// Note is a message an event owes someone. The event's service writes its
// notes into the event's own document, in the same write as the event, so
// that a crash cannot keep the event and lose its messages; it delivers them
// right after the write and then clears them, and a sweep delivers what a
// crash in between left (Deliver is idempotent: a message id gives one
// message).
type Note struct {
	To  string  `bson:"to" json:"-"`
	Msg Message `bson:"msg" json:"-"`
}

// Deliver sends every note (each at most once, by its message id). It goes
// on past a failure and returns the errors: the notes stay on the event for
// the sweep.
func (s *Service) Deliver(ctx context.Context, notes []Note) error {
	var errs []error
	for _, n := range notes {
		if n.To == "" {
			continue
		}
		if err := s.Send(ctx, n.To, n.Msg); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Deliverer sends notes (the Service does).
type Deliverer interface {
	// Deliver sends the notes an event left (idempotent by message id).
	Deliver(ctx context.Context, notes []Note) error
	// Soon runs an event's delivery after its write, off the request
	// (Service.Soon).
	Soon(ctx context.Context, what string, run func(context.Context) error)
}

// DeliverThenClear delivers an event's notes and then clears them from the
// event (clear). Nothing to do without notes or without a Deliverer.
// Errors: Deliver's (the notes stay for the sweep), clear's.
func DeliverThenClear(ctx context.Context, d Deliverer, notes []Note, clear func(context.Context) error) error {
	if len(notes) == 0 || d == nil {
		return nil
	}
	if err := d.Deliver(ctx, notes); err != nil {
		return err
	}
	return clear(ctx)
}

// DeliverPending is the sweep of events whose notes a crash or a failure
// left: for every document marked in pending it reads the document (get;
// ENOTFOUND: gone, nothing owed), delivers its notes and clears them
// (clear, without a mark: the sweep's mark is removed by pending itself).
// It reports how many documents owed notes.
func DeliverPending[T any](ctx context.Context, d Deliverer, pending *mongostore.Pending, get func(context.Context, string) (*T, error),
	notes func(*T) []Note, clear func(context.Context, *T) error) (int, error) {
	if d == nil {
		return 0, nil
	}
	return pending.Sweep(ctx, func(ctx context.Context, id string) (bool, error) {
		doc, err := get(ctx, id)
		if otm.ErrorCode(err) == otm.ENOTFOUND {
			return false, nil
		} else if err != nil {
			return false, err
		}
		owed := notes(doc)
		return len(owed) > 0, DeliverThenClear(ctx, d, owed, func(ctx context.Context) error { return clear(ctx, doc) })
	})
}
