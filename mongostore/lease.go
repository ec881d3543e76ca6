package mongostore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// LeaseCollection is the collection that holds one document per lease.
const LeaseCollection = "leases"

// Lease is a named, time-limited lock in the database that lets one of several
// processes (app replicas) do a job at a time, such as running the search indexer.
// The holder keeps it by renewing it (Acquire) well before ttl runs out; if the
// holder stops, another process takes it over once it expired.
//
// A lease is one document {_id: name, holder, expiresAt} changed by single-document
// upserts only, so it works on MongoDB and on the embedded FerretDB alike.
// Expiry is judged by the clocks of the processes, so ttl must be much larger than
// their clock skew and than the time between two renewals.
//
// A Lease is safe for concurrent use. Now may be replaced before first use (tests).
type Lease struct {
	Now func() time.Time // the clock; time.Now if nil

	c      *mongo.Collection
	name   string
	holder string
	ttl    time.Duration
}

// NewLease returns the lease name in db, held as holder (a name unique to this
// process, e.g. host name plus a random suffix) for ttl after each Acquire.
func NewLease(db *mongo.Database, name, holder string, ttl time.Duration) *Lease {
	return &Lease{c: db.Collection(LeaseCollection), name: name, holder: holder, ttl: ttl}
}

type leaseDoc struct {
	ID        string    `bson:"_id"`
	Holder    string    `bson:"holder"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

func (l *Lease) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Acquire takes the lease if it is free or expired, or renews it if this holder
// has it, for ttl from now. It reports false (and no error) if another holder
// has it; an error means the database could not be asked, and the caller should
// not assume it holds the lease.
func (l *Lease) Acquire(ctx context.Context) (bool, error) {
	now := l.now().UTC()
	// A conditional upsert: it updates the lease if it is ours or expired; if it is
	// another's and valid, the filter matches nothing and the insert of a second
	// document with the same _id fails with a duplicate key.
	filter := bson.D{
		{Key: "_id", Value: l.name},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "holder", Value: l.holder}},
			bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}},
		}},
	}
	update := bson.D{{Key: "$set", Value: bson.D{
		{Key: "holder", Value: l.holder},
		{Key: "expiresAt", Value: now.Add(l.ttl)},
	}}}
	_, err := l.c.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
	switch {
	case err == nil:
		return true, nil
	case IsDuplicateKey(err):
		return false, nil
	}
	return false, fmt.Errorf("mongostore: acquire lease %s: %w", l.name, err)
}

// Release gives the lease up if this holder has it, so another process can take
// it at once instead of waiting for it to expire. Releasing a lease held by
// another holder (or by nobody) does nothing.
func (l *Lease) Release(ctx context.Context) error {
	_, err := l.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: l.name}, {Key: "holder", Value: l.holder}})
	if err != nil {
		return fmt.Errorf("mongostore: release lease %s: %w", l.name, err)
	}
	return nil
}

// Name returns the lease's name.
func (l *Lease) Name() string { return l.name }

// HeldHere reports whether this holder has the lease now (what the
// database says; metrics show it).
func (l *Lease) HeldHere(ctx context.Context) (bool, error) {
	holder, until, err := l.Holder(ctx)
	return err == nil && holder == l.holder && until.After(l.now()), err
}

// Holder returns the current holder of the lease and when it expires, or "" if
// nobody ever took it or it was released. An expired lease is reported as is.
func (l *Lease) Holder(ctx context.Context) (string, time.Time, error) {
	var d leaseDoc
	err := l.c.FindOne(ctx, bson.D{{Key: "_id", Value: l.name}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return "", time.Time{}, nil
	case err != nil:
		return "", time.Time{}, fmt.Errorf("mongostore: read lease %s: %w", l.name, err)
	}
	return d.Holder, d.ExpiresAt, nil
}

// Hold takes or renews l and reports whether this process has it; a nil
// lease (one process alone) is always held. A database error is logged and
// counts as not held.
func Hold(ctx context.Context, l *Lease, log *slog.Logger, what string) bool {
	if l == nil {
		return true
	}
	ok, err := l.Acquire(ctx)
	if err != nil && ctx.Err() == nil {
		log.Warn(what+": lease not taken", "lease", l.name, "err", err)
	}
	return ok && err == nil
}

// RunLeased runs work at once and then every interval, or as soon as wake
// fires (nil: never), whenever this process holds l, until ctx ends; then
// it releases l, so that another replica takes over at once. A failure of
// work is logged; the next round tries again.
func RunLeased(ctx context.Context, l *Lease, interval time.Duration, wake <-chan struct{}, log *slog.Logger, what string, work func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if Hold(ctx, l, log, what) {
			if err := work(ctx); err != nil && ctx.Err() == nil {
				log.Warn(what+" failed; trying again later", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			if l != nil {
				_ = l.Release(context.WithoutCancel(ctx))
			}
			return
		case <-t.C:
		case <-wake:
		}
	}
}
