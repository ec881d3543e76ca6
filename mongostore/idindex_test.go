package mongostore_test

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/mongostore"
)

func TestIndexIDsMakesLookupsByIDUseAnIndex(t *testing.T) {
	store := testenv.Store(t)
	if !store.Embedded {
		t.Skip("the _id indexes are for the embedded database; MongoDB has its own")
	}
	ctx := context.Background()
	db := testenv.DB(t)
	c := db.Collection("things")
	for _, id := range []string{"a", "b", "c"} {
		if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "n", Value: 1}}); err != nil {
			t.Fatalf("InsertOne: %v", err)
		}
	}
	plan, err := mongostore.PlanOfIDLookup(ctx, store, db.Name(), "things")
	if err != nil {
		t.Fatalf("plan before: %v", err)
	}
	if !strings.Contains(plan, "SCAN") {
		t.Fatalf("plan before IndexIDs = %q, want a SCAN (FerretDB's own _id index does not serve its look-ups)", plan)
	}
	n, err := store.IndexIDs(ctx)
	if err != nil || n < 1 {
		t.Fatalf("IndexIDs = %d, %v; want at least 1 index made", n, err)
	}
	plan, err = mongostore.PlanOfIDLookup(ctx, store, db.Name(), "things")
	if err != nil {
		t.Fatalf("plan after: %v", err)
	}
	if !strings.Contains(plan, "USING INDEX") || !strings.Contains(plan, "_otm_id") {
		t.Errorf("plan after IndexIDs = %q, want the _otm_id index", plan)
	}
	if n, err := store.IndexIDs(ctx); err != nil || n != 0 {
		t.Errorf("IndexIDs again = %d, %v; want 0, nil (idempotent)", n, err)
	}
	var got struct {
		ID string `bson:"_id"`
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "c"}}).Decode(&got); err != nil || got.ID != "c" {
		t.Errorf("FindOne(c) = %q, %v; want c", got.ID, err)
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "zz"}}).Err(); err == nil {
		t.Error("FindOne(zz) found something, want no document")
	}
}
