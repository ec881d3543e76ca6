package platform_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/platform"
	"github.com/opentomentor/opentomentor/search/bleve"
)

// TestIntegrationQueriesUseIndexes asks MongoDB's planner for the app's
// query patterns (the filters and sorts the stores send) and fails on a
// collection scan. It needs a real MongoDB (OTM_TEST_MONGODB_URI): the
// embedded database has no planner to ask (it looks up by _id only).
func TestIntegrationQueriesUseIndexes(t *testing.T) {
	if testenv.Store(t).Embedded {
		t.Skip("needs a real MongoDB: set OTM_TEST_MONGODB_URI (the embedded database has no query planner)")
	}
	ctx := context.Background()
	db := testenv.DB(t)
	idx, err := bleve.OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	svc, err := platform.New(ctx, db, platform.Config{Identity: identity.Config{BaseURL: "http://127.0.0.1:8080"}, Search: idx})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Notify.EnableMail(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tests := []struct {
		coll   string
		filter bson.D
		sort   bson.D
	}{
		{"tandems", bson.D{{Key: "mentorUserId", Value: "u"}}, bson.D{{Key: "createdAt", Value: -1}}},
		{"tandems", bson.D{{Key: "menteeUserId", Value: "u"}}, bson.D{{Key: "createdAt", Value: -1}}},
		{"tandems", bson.D{{Key: "programId", Value: "p"}}, bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}},
		{"tandems", bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{"proposed", "active"}}}}}, bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}},
		{"mentee_requests", bson.D{{Key: "ownerId", Value: "u"}}, bson.D{{Key: "createdAt", Value: 1}}},
		{"mentee_requests", bson.D{{Key: "programId", Value: "p"}}, nil},
		{"mentee_requests", bson.D{{Key: "orgId", Value: "o"}}, nil},
		{"mentee_requests", bson.D{{Key: "status", Value: "submitted"}}, bson.D{{Key: "submittedAt", Value: 1}, {Key: "_id", Value: 1}}},
		{"tandem_meetings", bson.D{{Key: "tandemId", Value: "t"}}, bson.D{{Key: "date", Value: -1}}},
		{"tandem_feedback", bson.D{{Key: "programId", Value: "p"}}, nil},
		{"sessions", bson.D{{Key: "userId", Value: "u"}}, nil},
		{"sessions", bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}}, nil},
		{"sessions", bson.D{{Key: "lastSeenAt", Value: bson.D{{Key: "$lt", Value: now}}}}, nil},
		{"login_attempts", bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}}, nil},
		{"users", bson.D{{Key: "email", Value: "a@b.example"}}, nil},
		{"users", bson.D{{Key: "roles", Value: "curator"}}, nil},
		{"organizations", bson.D{{Key: "domains", Value: "b.example"}}, nil},
		{"pending_notes", bson.D{{Key: "kind", Value: "tandems"}}, nil},
		{"review_queue", bson.D{{Key: "status", Value: "submitted"}}, bson.D{{Key: "submittedAt", Value: 1}}},
		{"application_decisions", bson.D{{Key: "profileId", Value: "p"}}, nil},
		{"search_outbox", bson.D{}, bson.D{{Key: "at", Value: 1}}},
		{"mail_outbox", bson.D{{Key: "nextAt", Value: bson.D{{Key: "$lte", Value: now}}}}, bson.D{{Key: "nextAt", Value: 1}, {Key: "_id", Value: 1}}},
		{"mail_outbox", bson.D{{Key: "userId", Value: "u"}}, nil},
		{"mail_sent", bson.D{{Key: "userId", Value: "u"}}, nil},
		{"mail_sent", bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: now}}}}, nil},
		{"audit_log", bson.D{{Key: "subjectUserId", Value: "u"}}, bson.D{{Key: "_id", Value: 1}}},
		{"audit_log", bson.D{{Key: "actorId", Value: "u"}}, bson.D{{Key: "_id", Value: 1}}},
	}
	for _, tt := range tests {
		find := bson.D{{Key: "find", Value: tt.coll}, {Key: "filter", Value: tt.filter}}
		if tt.sort != nil {
			find = append(find, bson.E{Key: "sort", Value: tt.sort})
		}
		var plan bson.M
		if err := db.RunCommand(ctx, bson.D{{Key: "explain", Value: find}, {Key: "verbosity", Value: "queryPlanner"}}).Decode(&plan); err != nil {
			t.Errorf("explain %s %v: %v", tt.coll, tt.filter, err)
			continue
		}
		winning := bson.Raw{}
		if qp, ok := plan["queryPlanner"].(bson.M); ok {
			raw, _ := bson.Marshal(bson.M{"w": qp["winningPlan"]})
			winning = raw
		}
		if s := winning.String(); strings.Contains(s, "COLLSCAN") || s == "{}" {
			t.Errorf("%s %v sort %v: the plan scans the collection: %s", tt.coll, tt.filter, tt.sort, s)
		}
	}
}
