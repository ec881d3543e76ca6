package audit

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opentomentor/opentomentor/mongostore"
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

func (m *mongoStore) replaceUser(ctx context.Context, userID, pseudo string, subjectIDs []string) ([]Entry, error) {
	if mongostore.IsEmbedded(m.c.Database()) {
		return m.replaceUserByID(ctx, userID, pseudo, subjectIDs)
	}
	cur, err := m.c.Find(ctx, bson.D{{Key: "actorId", Value: bson.D{{Key: "$in", Value: bson.A{userID, pseudo}}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("audit: find: %w", err)
	}
	acted := []Entry{}
	if err := cur.All(ctx, &acted); err != nil {
		return nil, fmt.Errorf("audit: find: %w", err)
	}
	if _, err := m.c.UpdateMany(ctx, bson.D{{Key: "subjectId", Value: bson.D{{Key: "$in", Value: subjectIDs}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "subjectId", Value: pseudo}}}}); err != nil {
		return nil, fmt.Errorf("audit: pseudonymize: %w", err)
	}
	if _, err := m.c.UpdateMany(ctx, bson.D{{Key: "subjectUserId", Value: userID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "subjectUserId", Value: pseudo}}}}); err != nil {
		return nil, fmt.Errorf("audit: pseudonymize: %w", err)
	}
	if _, err := m.c.UpdateMany(ctx, bson.D{{Key: "actorId", Value: userID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "actorId", Value: pseudo}, {Key: "actorName", Value: ""}}}}); err != nil {
		return nil, fmt.Errorf("audit: pseudonymize: %w", err)
	}
	return acted, nil
}

// replaceUserByID is replaceUser for the embedded database: there each
// UpdateMany read the whole log in one command, holding the only connection
// (three times per erasure); instead one pass in small batches finds the
// entries and each is written by _id.
func (m *mongoStore) replaceUserByID(ctx context.Context, userID, pseudo string, subjectIDs []string) ([]Entry, error) {
	entries, err := mongostore.FindAll[Entry](ctx, m.c, "audit", "Audit entries", bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "subjectId", Value: bson.D{{Key: "$in", Value: subjectIDs}}}},
		bson.D{{Key: "subjectUserId", Value: userID}},
		bson.D{{Key: "actorId", Value: bson.D{{Key: "$in", Value: bson.A{userID, pseudo}}}}},
	}}}, options.Find().SetProjection(bson.D{{Key: "subjectType", Value: 1}, {Key: "subjectId", Value: 1}, {Key: "subjectUserId", Value: 1}, {Key: "actorId", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var acted []Entry
	for _, e := range entries {
		if e.ActorID == userID || e.ActorID == pseudo {
			acted = append(acted, e)
		}
		set := bson.D{}
		if slices.Contains(subjectIDs, e.SubjectID) {
			set = append(set, bson.E{Key: "subjectId", Value: pseudo})
		}
		if e.SubjectUserID == userID {
			set = append(set, bson.E{Key: "subjectUserId", Value: pseudo})
		}
		if e.ActorID == userID {
			set = append(set, bson.E{Key: "actorId", Value: pseudo}, bson.E{Key: "actorName", Value: ""})
		}
		if len(set) == 0 { // pseudonymized by an earlier run
			continue
		}
		if _, err := m.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: e.ID}}, bson.D{{Key: "$set", Value: set}}); err != nil {
			return nil, fmt.Errorf("audit: pseudonymize: %w", err)
		}
	}
	return acted, nil
}

func (m *mongoStore) search(ctx context.Context, f Filter, limit, offset int) ([]Entry, int, error) {
	and := bson.A{}
	if f.Actor != "" {
		and = append(and, bson.D{{Key: "actorId", Value: f.Actor}})
	}
	if f.Subject != "" {
		and = append(and, bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "subjectId", Value: f.Subject}}, bson.D{{Key: "subjectUserId", Value: f.Subject}}}}})
	}
	switch {
	case strings.HasSuffix(f.Action, "."):
		and = append(and, bson.D{{Key: "action", Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(f.Action)}}}})
	case f.Action != "":
		and = append(and, bson.D{{Key: "action", Value: f.Action}})
	}
	if f.Programs != nil {
		and = append(and, bson.D{{Key: "programId", Value: bson.D{{Key: "$in", Value: f.Programs}}}})
	}
	if !f.From.IsZero() {
		and = append(and, bson.D{{Key: "at", Value: bson.D{{Key: "$gte", Value: f.From}}}})
	}
	if !f.To.IsZero() {
		and = append(and, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: f.To}}}})
	}
	filter := bson.D{}
	if len(and) > 0 {
		filter = bson.D{{Key: "$and", Value: and}}
	}
	total, err := m.c.CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	cur, err := m.c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetSkip(int64(offset)).SetLimit(int64(limit)))
	if err != nil {
		return nil, 0, fmt.Errorf("audit: search: %w", err)
	}
	out := []Entry{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, 0, fmt.Errorf("audit: search: %w", err)
	}
	return out, int(total), nil
}
