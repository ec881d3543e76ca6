package mongostore

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// PendingCollection holds the marks of every Pending.
const PendingCollection = "pending_notes"

// Pending remembers which documents of a large collection carry notes
// (messages an event owes) that were not delivered yet, in a small
// collection of its own. A sweep then reads the few marks and each marked
// document by _id, instead of asking the large collection for "documents
// with notes" — a filter the embedded database answers by reading every
// document (36 s at 100,000 profiles, holding its only connection).
//
// The protocol: Mark before the write that carries notes (a crash after the
// mark and before the write leaves a mark on a document without notes,
// which the sweep removes once it is older than PendingGrace: a younger one
// may belong to a write still on its way); after delivering and clearing
// the notes, Done with the generation Mark returned. Done removes the mark
// only if no later write marked it again, so a write racing the delivery is
// never forgotten.
type Pending struct {
	c    *mongo.Collection
	kind string
	// Now is the clock of the grace period (nil: time.Now).
	Now func() time.Time
}

// PendingGrace is how long a mark on a document without notes is kept: the
// write that marked it may not have landed yet.
const PendingGrace = time.Minute

func (p *Pending) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// NewPending returns the marks of kind (e.g. the collection's name) in db.
func NewPending(db *mongo.Database, kind string) *Pending {
	return &Pending{c: db.Collection(PendingCollection), kind: kind}
}

type pendingDoc struct {
	ID   string    `bson:"_id"`
	Kind string    `bson:"kind"`
	N    int64     `bson:"n"`
	At   time.Time `bson:"at"` // the last Mark
}

func (p *Pending) key(id string) string { return p.kind + ":" + id }

// Mark records that the document id is about to be written with notes and
// returns the mark's generation, for Done.
func (p *Pending) Mark(ctx context.Context, id string) (int64, error) {
	var d pendingDoc
	err := p.c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: p.key(id)}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}, {Key: "$set", Value: bson.D{{Key: "kind", Value: p.kind}, {Key: "at", Value: p.now()}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		return 0, MapErr(err, "mongostore", "Pending notes")
	}
	return d.N, nil
}

// MarkIf is Mark when the write carries notes (a generation of 0 otherwise,
// which Done ignores).
func (p *Pending) MarkIf(ctx context.Context, id string, notes int) (int64, error) {
	if notes == 0 {
		return 0, nil
	}
	return p.Mark(ctx, id)
}

// Done removes the mark of id if it is still of generation n.
func (p *Pending) Done(ctx context.Context, id string, n int64) error {
	if n == 0 {
		return nil
	}
	_, err := p.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: p.key(id)}, {Key: "n", Value: n}})
	return MapErr(err, "mongostore", "Pending notes")
}

// Drop removes the mark of id whatever its generation (the document is gone).
func (p *Pending) Drop(ctx context.Context, id string) error {
	_, err := p.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: p.key(id)}})
	return MapErr(err, "mongostore", "Pending notes")
}

// Sweep calls deliver for every marked document id; deliver sends what the
// document still owes, clears it and reports whether it owed anything
// (nothing to do for a document without notes or one that is gone). After
// a deliver without error the mark is Done — when the document owed
// nothing, only once the mark is older than PendingGrace. It goes on past a
// failing document and reports how many documents owed notes, with the
// errors joined.
func (p *Pending) Sweep(ctx context.Context, deliver func(ctx context.Context, id string) (bool, error)) (int, error) {
	docs, err := FindAll[pendingDoc](ctx, p.c, "mongostore", "Pending notes", bson.D{{Key: "kind", Value: p.kind}})
	if err != nil {
		return 0, err
	}
	var errs []error
	n := 0
	for _, d := range docs {
		id := strings.TrimPrefix(d.ID, p.kind+":")
		owed, err := deliver(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !owed && p.now().Sub(d.At) < PendingGrace {
			continue // its write may still be on its way
		}
		if err := p.Done(ctx, id, d.N); err != nil {
			errs = append(errs, err)
			continue
		}
		if owed {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// Index is the index the sweep's query uses on MongoDB (for EnsureIndexes).
func (p *Pending) Index() Index { return Index{C: p.c, Keys: bson.D{{Key: "kind", Value: 1}}} }
