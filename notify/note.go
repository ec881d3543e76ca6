package notify

import (
	"context"
	"errors"
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
	Deliver(ctx context.Context, notes []Note) error
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

// DeliverEach is the sweep of events whose notes a crash or a failure left:
// DeliverThenClear for each of docs, stopping at the first error. It
// reports how many it finished.
func DeliverEach[T any](ctx context.Context, d Deliverer, docs []T, notes func(*T) []Note, clear func(context.Context, *T) error) (int, error) {
	for i := range docs {
		doc := &docs[i]
		if err := DeliverThenClear(ctx, d, notes(doc), func(ctx context.Context) error { return clear(ctx, doc) }); err != nil {
			return i, err
		}
	}
	return len(docs), nil
}
