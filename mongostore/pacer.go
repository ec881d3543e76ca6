package mongostore

import (
	"context"
	"time"
)

// Pacer keeps background work (a large fan-out, the mailer) to a share of
// the database's time, so that people's requests stay fast while it runs.
// It matters on the embedded database, which serves one operation at a
// time: without it a job of 10,000 writes queues every page behind it. A
// nil Pacer does not pause (MongoDB serves many operations at once).
type Pacer struct {
	// Share is the part of the time the work may take, in (0, 1].
	Share float64
}

// Do runs step and then rests so that step's time is at most Share of the
// time from its start to the end of the rest. Errors: step's, or ctx's
// while resting.
func (p *Pacer) Do(ctx context.Context, step func() error) error {
	start := time.Now()
	if err := step(); err != nil {
		return err
	}
	return p.Rest(ctx, time.Since(start))
}

// Rest pauses after work that took worked. Errors: ctx's.
func (p *Pacer) Rest(ctx context.Context, worked time.Duration) error {
	if p == nil || p.Share <= 0 || p.Share >= 1 || worked <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(time.Duration(float64(worked) * (1 - p.Share) / p.Share))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
