// Package slot keeps reservation counts under keys, such as a mentor's
// tandems in a program: a reservation succeeds only while the count is below
// a capacity (one conditional write, safe across replicas), a release gives
// one back, and Reconcile brings the counts to what should hold them when a
// process stopped between reserving and writing (or a release failed). The
// counts live in one small collection; package tandem names the keys.
package slot

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opentomentor/opentomentor/mongostore"
)

// Grace is how long a count must stand unchanged above what holds it before
// Reconcile lowers it: far longer than a reservation takes to be followed by
// its holder's write, so that lowering never undoes a reservation in flight.
const Grace = 10 * time.Minute

// Counts are the reservation counts in one collection.
type Counts struct{ c *mongo.Collection }

// New returns the counts kept in c.
func New(c *mongo.Collection) *Counts { return &Counts{c: c} }

func mapErr(err error) error { return mongostore.MapErr(err, "slot", "Slot") }

// Reserve takes one of capacity slots under key (capacity 0 or less: 1),
// atomically: the conditional upsert fails with a duplicate key when every
// slot is taken (ok false, no error); any other failure is an error, not a
// full slot.
func (s *Counts) Reserve(ctx context.Context, key string, capacity int) (ok bool, err error) {
	if capacity <= 0 {
		capacity = 1
	}
	_, err = s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "taken", Value: bson.D{{Key: "$lt", Value: capacity}}}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "taken", Value: 1}}}}, options.UpdateOne().SetUpsert(true))
	switch {
	case err == nil:
		return true, nil
	case mongostore.IsDuplicateKey(err):
		return false, nil
	}
	return false, mapErr(err)
}

// Release gives back one slot under key.
func (s *Counts) Release(ctx context.Context, key string) error {
	_, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "taken", Value: bson.D{{Key: "$gt", Value: 0}}}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "taken", Value: -1}}}})
	return mapErr(err)
}

// Taken returns every count by key.
func (s *Counts) Taken(ctx context.Context) (map[string]int, error) {
	return mongostore.CountsByID(ctx, s.c, "taken", "slot", "Slots")
}

// Change is a count Reconcile brought to what holds it.
type Change struct {
	Key     string
	Was, Is int
}

// doc is an entry: the count, and when a reconciliation saw it above its
// holders (High, HighSince), the count it saw and since when.
type doc struct {
	ID        string     `bson:"_id"`
	Taken     int        `bson:"taken"`
	High      *int       `bson:"high,omitempty"`
	HighSince *time.Time `bson:"highSince,omitempty"`
}

// Reconcile brings every count to want (by key; absent: 0), as of now. A
// count below it (a failed release racing an erasure, say) would let more be
// reserved than the capacity: it is raised at once. A count above it (a
// process stopped between reserving and writing) would keep slots that are
// free: it is noted, and lowered once it has stood unchanged for Grace — any
// reservation or release meanwhile changes it and starts the wait again.
// Every write is conditional on the count read, so a concurrent reservation
// always wins. It returns the counts it changed. Idempotent.
func (s *Counts) Reconcile(ctx context.Context, want map[string]int, now time.Time) ([]Change, error) {
	docs, err := mongostore.FindAll[doc](ctx, s.c, "slot", "Slots", bson.D{})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, d := range docs {
		seen[d.ID] = true
	}
	for key := range want { // no count at all yet
		if !seen[key] {
			docs = append(docs, doc{ID: key})
		}
	}
	var changed []Change
	for _, d := range docs {
		n := want[d.ID]
		var ok bool
		switch {
		case d.Taken < n:
			ok, err = s.raise(ctx, d.ID, d.Taken, n)
		case d.Taken > n && d.High != nil && *d.High == d.Taken && d.HighSince != nil && !now.Before(d.HighSince.Add(Grace)):
			ok, err = s.lower(ctx, d.ID, d.Taken, n, now.Add(-Grace))
		case d.Taken > n:
			err = s.markHigh(ctx, d.ID, d.Taken, now)
		}
		if err != nil {
			return changed, err
		}
		if ok {
			changed = append(changed, Change{Key: d.ID, Was: d.Taken, Is: n})
		}
	}
	return changed, nil
}

// raise sets the count under key to n if it still is was (a reconciliation
// that lost no race); it reports whether it did.
func (s *Counts) raise(ctx context.Context, key string, was, n int) (bool, error) {
	filter := bson.D{{Key: "_id", Value: key}, {Key: "taken", Value: was}}
	opts := options.UpdateOne()
	if was == 0 {
		// No document yet, or one at 0.
		filter = bson.D{{Key: "_id", Value: key}, {Key: "taken", Value: bson.D{{Key: "$lte", Value: 0}}}}
		opts.SetUpsert(true)
	}
	res, err := s.c.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: "taken", Value: n}}}}, opts)
	if mongostore.IsDuplicateKey(err) {
		return false, nil // changed meanwhile
	}
	if err != nil {
		return false, mapErr(err)
	}
	return res.ModifiedCount+res.UpsertedCount > 0, nil
}

// markHigh notes that the count under key was seen at was, above its
// holders, at now, unless that very count is noted already (then the first
// sighting stays).
func (s *Counts) markHigh(ctx context.Context, key string, was int, now time.Time) error {
	_, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "taken", Value: was}, {Key: "high", Value: bson.D{{Key: "$ne", Value: was}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "high", Value: was}, {Key: "highSince", Value: now}}}})
	return mapErr(err)
}

// lower sets the count under key from was to n if it has stood at was, noted
// as high, since before: no reservation or release came in between. It
// reports whether it did.
func (s *Counts) lower(ctx context.Context, key string, was, n int, before time.Time) (bool, error) {
	res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "taken", Value: was}, {Key: "high", Value: was},
		{Key: "highSince", Value: bson.D{{Key: "$lte", Value: before}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "taken", Value: n}}}, {Key: "$unset", Value: bson.D{{Key: "high", Value: ""}, {Key: "highSince", Value: ""}}}})
	if err != nil {
		return false, mapErr(err)
	}
	return res.ModifiedCount > 0, nil
}
