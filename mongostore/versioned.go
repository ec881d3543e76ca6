package mongostore

import (
	"context"
	"errors"
	"hash/fnv"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Versioned writes a document only if it still has the version the writer
// read (optimistic concurrency). Against MongoDB the condition is part of
// the filter ({_id, version}: the _id index finds the document). The
// embedded FerretDB uses its index only for a filter that is exactly
// {_id} — with the version in it every write read the whole collection
// (7.3 s at 20,000 profiles) — so in single-process mode the process checks
// the version itself, under a lock per document, and writes by _id alone.
// All versioned writes to a collection must then go through one Versioned.
// The zero value is the MongoDB mode.
type Versioned struct {
	single bool
	locks  Locks
}

// NewVersioned returns the writer; singleProcess for the embedded database.
func NewVersioned(singleProcess bool) *Versioned { return &Versioned{single: singleProcess} }

func (v *Versioned) lock(id string) func() { return v.locks.Lock(id) }

// Locks serializes, within the process, the writes to one document (by its
// id; striped: a few ids share a lock, which costs nothing here). The zero
// value is ready.
type Locks struct{ m [256]sync.Mutex }

// Lock takes the lock of id and returns its unlock.
func (l *Locks) Lock(id string) func() {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	mu := &l.m[h.Sum32()%uint32(len(l.m))]
	mu.Lock()
	return mu.Unlock
}

// UpdateOne applies update to the document id if its version is expected,
// and reports whether it was (false: changed meanwhile, or gone).
func (v *Versioned) UpdateOne(ctx context.Context, c *mongo.Collection, id string, expected int64, update any) (bool, error) {
	if v == nil || !v.single {
		res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expected}}, update)
		return err == nil && res.MatchedCount == 1, err
	}
	defer v.lock(id)()
	if ok, err := hasVersion(ctx, c, id, expected); !ok || err != nil {
		return false, err
	}
	res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	return err == nil && res.MatchedCount == 1, err
}

// ReplaceOne replaces the document id with doc if its version is expected.
func (v *Versioned) ReplaceOne(ctx context.Context, c *mongo.Collection, id string, expected int64, doc any) (bool, error) {
	if v == nil || !v.single {
		res, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expected}}, doc)
		return err == nil && res.MatchedCount == 1, err
	}
	defer v.lock(id)()
	if ok, err := hasVersion(ctx, c, id, expected); !ok || err != nil {
		return false, err
	}
	res, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc)
	return err == nil && res.MatchedCount == 1, err
}

// DeleteOne deletes the document id if its version is expected.
func (v *Versioned) DeleteOne(ctx context.Context, c *mongo.Collection, id string, expected int64) (bool, error) {
	if v == nil || !v.single {
		res, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expected}})
		return err == nil && res.DeletedCount == 1, err
	}
	defer v.lock(id)()
	if ok, err := hasVersion(ctx, c, id, expected); !ok || err != nil {
		return false, err
	}
	res, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return err == nil && res.DeletedCount == 1, err
}

func hasVersion(ctx context.Context, c *mongo.Collection, id string, expected int64) (bool, error) {
	var d struct {
		Version int64 `bson:"version"`
	}
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil && d.Version == expected, err
}
