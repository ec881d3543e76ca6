package mongostore

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// KV is a small key-value store in a collection, with expiry: the storage
// of counters several replicas must share (the sign-in rate limit). It has
// the method set of fiber.Storage. Entries are read and written by _id
// only; expired ones read as missing, and a TTL index (MongoDB) or the next
// Set removes them.
type KV struct {
	c   *mongo.Collection
	Now func() time.Time // the clock; time.Now if nil
}

// kvTimeout bounds each operation (fiber.Storage passes no context).
const kvTimeout = 5 * time.Second

type kvDoc struct {
	ID  string     `bson:"_id"`
	Val []byte     `bson:"v"`
	Exp *time.Time `bson:"exp,omitempty"`
}

// NewKV returns the store over collection name of db, with a TTL index on
// the expiry where the server has TTL indexes.
func NewKV(ctx context.Context, db *mongo.Database, name string) (*KV, error) {
	c := db.Collection(name)
	if err := EnsureIndexes(ctx, []Index{{C: c, Keys: bson.D{{Key: "exp", Value: 1}}, Expire: true}}); err != nil {
		return nil, err
	}
	return &KV{c: c}, nil
}

func (kv *KV) now() time.Time {
	if kv.Now != nil {
		return kv.Now()
	}
	return time.Now()
}

// Get returns the value of key, nil when missing or expired.
func (kv *KV) Get(key string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), kvTimeout)
	defer cancel()
	var d kvDoc
	err := kv.c.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && d.Exp != nil && !d.Exp.After(kv.now())) {
		return nil, nil
	}
	return d.Val, err
}

// Set stores val for key, expiring after exp (0: never). An empty key or
// value is ignored.
func (kv *KV) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), kvTimeout)
	defer cancel()
	d := kvDoc{ID: key, Val: val}
	if exp > 0 {
		t := kv.now().Add(exp).UTC()
		d.Exp = &t
	}
	res, err := kv.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: key}}, d)
	if err != nil || res.MatchedCount == 1 {
		return err
	}
	if _, err = kv.c.InsertOne(ctx, d); IsDuplicateKey(err) {
		_, err = kv.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: key}}, d) // written meanwhile
	}
	return err
}

// Delete removes key (no error when missing).
func (kv *KV) Delete(key string) error {
	ctx, cancel := context.WithTimeout(context.Background(), kvTimeout)
	defer cancel()
	_, err := kv.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	return err
}

// Reset removes every key.
func (kv *KV) Reset() error {
	ctx, cancel := context.WithTimeout(context.Background(), kvTimeout)
	defer cancel()
	_, err := kv.c.DeleteMany(ctx, bson.D{})
	return err
}

// Close does nothing: the database is closed by its owner.
func (kv *KV) Close() error { return nil }
