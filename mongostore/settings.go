package mongostore

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// SettingKey returns the random 32-byte key kept in db's settings collection
// under id, creating it on the first call: every replica reads the same one
// (the first insert wins; the others read it).
func SettingKey(ctx context.Context, db *mongo.Database, id string) ([]byte, error) {
	settings := db.Collection("settings")
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if _, err := settings.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "key", Value: key}}); err != nil && !IsDuplicateKey(err) {
		return nil, err
	}
	var d struct {
		Key []byte `bson:"key"`
	}
	if err := settings.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return nil, fmt.Errorf("the key %s cannot be read: %w", id, err)
	}
	if len(d.Key) < 32 {
		return nil, errors.New("the key " + id + " is shorter than 32 bytes")
	}
	return d.Key, nil
}

// Key is a settings key (SettingKey) read on first use and kept: every
// replica signs and checks with the same one. Safe for concurrent use.
type Key struct {
	db  *mongo.Database
	id  string
	mu  sync.Mutex
	key []byte
}

// NewKey returns the settings key id of db.
func NewKey(db *mongo.Database, id string) *Key { return &Key{db: db, id: id} }

// MAC returns the HMAC-SHA-256 of msg under the key.
func (k *Key) MAC(ctx context.Context, msg string) ([]byte, error) {
	k.mu.Lock()
	if k.key == nil {
		key, err := SettingKey(ctx, k.db, k.id)
		if err != nil {
			k.mu.Unlock()
			return nil, err
		}
		k.key = key
	}
	key := k.key
	k.mu.Unlock()
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil), nil
}
