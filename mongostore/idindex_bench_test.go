package mongostore_test

import (
	"context"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opentomentor/opentomentor/internal/testenv"
)

// BenchmarkFindByID looks up the last of 2,000 documents by _id, and one
// that is not there, before and after IndexIDs (the embedded database;
// against MongoDB both are the server's _id index).
//
//	go test -run '^$' -bench FindByID ./mongostore/
func BenchmarkFindByID(b *testing.B) {
	ctx := context.Background()
	store := testenv.Store(b)
	db := testenv.DB(b)
	c := db.Collection("lookups")
	docs := make([]any, 2000)
	for i := range docs {
		docs[i] = bson.D{{Key: "_id", Value: fmt.Sprintf("d%05d", i)}, {Key: "n", Value: i}}
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, id string, found bool) {
		for b.Loop() {
			err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err()
			if (err == nil) != found {
				b.Fatalf("FindOne(%s): %v", id, err)
			}
		}
	}
	for _, stage := range []string{"ferretdb-index", "otm-index"} {
		if stage == "otm-index" {
			if _, err := store.IndexIDs(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(stage+"/last", func(b *testing.B) { run(b, "d01999", true) })
		b.Run(stage+"/missing", func(b *testing.B) { run(b, "zz", false) })
	}
}
