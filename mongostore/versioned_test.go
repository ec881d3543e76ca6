package mongostore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/mongostore"
)

// TestIntegrationVersionedNoLostUpdate: concurrent read-modify-write
// rounds, each conditional on the version it read: every success counts,
// none is lost, in both modes (the version in the filter; the process's
// lock with writes by _id).
func TestIntegrationVersionedNoLostUpdate(t *testing.T) {
	for _, single := range []bool{false, true} {
		t.Run(fmt.Sprintf("single-process=%v", single), func(t *testing.T) {
			ctx := context.Background()
			c := testenv.DB(t).Collection("counters")
			if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}, {Key: "version", Value: int64(1)}, {Key: "n", Value: 0}}); err != nil {
				t.Fatal(err)
			}
			v := mongostore.NewVersioned(single)
			var wg sync.WaitGroup
			const writers, rounds = 4, 10
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for done := 0; done < rounds; {
						var d struct {
							Version int64 `bson:"version"`
							N       int   `bson:"n"`
						}
						if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "x"}}).Decode(&d); err != nil {
							t.Error(err)
							return
						}
						ok, err := v.UpdateOne(ctx, c, "x", d.Version, bson.D{{Key: "$set", Value: bson.D{{Key: "version", Value: d.Version + 1}, {Key: "n", Value: d.N + 1}}}})
						if err != nil {
							t.Error(err)
							return
						}
						if ok {
							done++
						}
					}
				}()
			}
			wg.Wait()
			var d struct {
				Version int64 `bson:"version"`
				N       int   `bson:"n"`
			}
			if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "x"}}).Decode(&d); err != nil {
				t.Fatal(err)
			}
			if d.N != writers*rounds || d.Version != writers*rounds+1 {
				t.Errorf("got n=%d version=%d, want n=%d version=%d (no update lost)", d.N, d.Version, writers*rounds, writers*rounds+1)
			}
			// A stale version is refused; a missing document too.
			if ok, err := v.UpdateOne(ctx, c, "x", 1, bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: -1}}}}); ok || err != nil {
				t.Errorf("stale version: got %v, %v; want false, nil", ok, err)
			}
			if ok, err := v.ReplaceOne(ctx, c, "gone", 1, bson.D{{Key: "_id", Value: "gone"}}); ok || err != nil {
				t.Errorf("missing document: got %v, %v; want false, nil", ok, err)
			}
			if ok, err := v.DeleteOne(ctx, c, "x", d.Version); !ok || err != nil {
				t.Errorf("delete at the current version: got %v, %v; want true", ok, err)
			}
		})
	}
}
