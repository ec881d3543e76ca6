package mongostore

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// EmbeddedBatch is how many documents a cursor on the embedded database
// fetches a round trip. That database serves one operation at a time and
// reads every document of a collection for most filters; the driver's
// default (101 documents, then all the rest in one getMore) let a scan of
// 5,000 documents hold the connection for ~32 ms while a look-up by _id
// waited, batches of 20 hold it for ~7 ms (BenchmarkLookupWhileScanning).
const EmbeddedBatch = 20

// Batch is the batch size for a cursor on c: EmbeddedBatch on the embedded
// database, else n.
func Batch(c *mongo.Collection, n int32) int32 {
	if IsEmbedded(c.Database()) {
		return EmbeddedBatch
	}
	return n
}

// IsEmbedded reports whether db is on the embedded database (a client Open
// started one for: it counts the writes, see WriteGeneration).
func IsEmbedded(db *mongo.Database) bool {
	_, ok := gens.Load(db.Client())
	return ok
}

// FindAll decodes every document of c that filter matches; pkg and what name
// them in errors (see MapErr). On the embedded database it reads in batches
// of EmbeddedBatch unless opts set a batch size.
func FindAll[T any](ctx context.Context, c *mongo.Collection, pkg, what string, filter any, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	if IsEmbedded(c.Database()) {
		opts = append([]options.Lister[options.FindOptions]{options.Find().SetBatchSize(EmbeddedBatch)}, opts...)
	}
	cur, err := c.Find(ctx, filter, opts...)
	if err != nil {
		return nil, MapErr(err, pkg, what)
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, MapErr(err, pkg, what)
	}
	return out, nil
}

// CountsByID reads a small collection of {_id, field: n} counters.
func CountsByID(ctx context.Context, c *mongo.Collection, field, pkg, what string) (map[string]int, error) {
	docs, err := FindAll[bson.M](ctx, c, pkg, what, bson.D{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(docs))
	for _, d := range docs {
		id, _ := d["_id"].(string)
		switch n := d[field].(type) {
		case int32:
			out[id] = int(n)
		case int64:
			out[id] = int(n)
		case float64:
			out[id] = int(n)
		}
	}
	return out, nil
}

// FindByID returns the document id of c decoded as T, nil when there is
// none. Errors: the database's, unmapped.
func FindByID[T any](ctx context.Context, c *mongo.Collection, id string, opts ...options.Lister[options.FindOneOptions]) (*T, error) {
	var d T
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, opts...).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Has reports whether c holds a document with _id id: a look-up by _id
// reading the _id alone (CountDocuments runs an aggregation, which scanned
// the embedded database's collection).
func Has(ctx context.Context, c *mongo.Collection, id string) (bool, error) {
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, err
}
