package audit

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

type mongoStore struct{ c *mongo.Collection }

func newMongoStore(db *mongo.Database) *mongoStore {
	return &mongoStore{c: db.Collection("audit_log")}
}

func (m *mongoStore) ensureIndexes(ctx context.Context) error {
	for _, k := range []string{"subjectId", "subjectUserId", "actorId"} {
		if _, err := m.c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: k, Value: 1}}}); err != nil {
			return fmt.Errorf("audit: create index %s: %w", k, err)
		}
	}
	return nil
}

func (m *mongoStore) insert(ctx context.Context, e *Entry) error {
	if _, err := m.c.InsertOne(ctx, e); err != nil {
		return fmt.Errorf("audit: record: %w", err)
	}
	return nil
}

func (m *mongoStore) find(ctx context.Context, field, value string) ([]Entry, error) {
	cur, err := m.c.Find(ctx, bson.D{{Key: field, Value: value}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("audit: find: %w", err)
	}
	out := []Entry{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("audit: find: %w", err)
	}
	return out, nil
}

func (m *mongoStore) replaceUser(ctx context.Context, userID, pseudo string, subjectIDs []string) error {
	if _, err := m.c.UpdateMany(ctx, bson.D{{Key: "subjectId", Value: bson.D{{Key: "$in", Value: subjectIDs}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "subjectId", Value: pseudo}}}}); err != nil {
		return fmt.Errorf("audit: pseudonymize: %w", err)
	}
	if _, err := m.c.UpdateMany(ctx, bson.D{{Key: "subjectUserId", Value: userID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "subjectUserId", Value: pseudo}}}}); err != nil {
		return fmt.Errorf("audit: pseudonymize: %w", err)
	}
	if _, err := m.c.UpdateMany(ctx, bson.D{{Key: "actorId", Value: userID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "actorId", Value: pseudo}, {Key: "actorName", Value: ""}}}}); err != nil {
		return fmt.Errorf("audit: pseudonymize: %w", err)
	}
	return nil
}
