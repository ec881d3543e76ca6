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
