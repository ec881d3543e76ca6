package mongostore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/mongostore"
)

type mirrored struct {
	ID      string `bson:"_id"`
	Program string `bson:"program"`
	N       int    `bson:"n"`
}

// TestMirrorFollowsEveryWrite: after every kind of write the mirror holds
// what the collection holds — reading back by _id what was written by _id,
// and the whole collection after a write it cannot place.
func TestMirrorFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	c := db.Collection("mirrored")
	m := mongostore.NewMirror(c, "test", "Docs", bson.D{{Key: "program", Value: 1}, {Key: "n", Value: 1}}, func(d *mirrored) string { return d.ID })
	if m == nil {
		t.Skip("a mirror serves the embedded database only")
	}
	for i := range 5 {
		if _, err := c.InsertOne(ctx, mirrored{ID: fmt.Sprintf("d%d", i), Program: "p", N: i}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(t *testing.T, step string, wantReloads int) {
		t.Helper()
		got, err := m.All(ctx, func(d *mirrored) bool { return d.Program == "p" })
		if err != nil {
			t.Fatal(err)
		}
		var want []mirrored
		cur, err := c.Find(ctx, bson.D{{Key: "program", Value: "p"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := cur.All(ctx, &want); err != nil {
			t.Fatal(err)
		}
		byID := func(a, b mirrored) int { return strings.Compare(a.ID, b.ID) }
		slices.SortFunc(got, byID)
		slices.SortFunc(want, byID)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", step, got, want)
		}
		if r := m.Reloads(); r != wantReloads {
			t.Errorf("%s: got %d whole reads, want %d", step, r, wantReloads)
		}
	}
	check(t, "first read", 1)
	check(t, "nothing written", 1)

	writes := []struct {
		name   string
		write  func() error
		reload bool
	}{
		{"insert", func() error { _, err := c.InsertOne(ctx, mirrored{ID: "d9", Program: "p", N: 9}); return err }, false},
		{"update by _id and version", func() error {
			_, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "d1"}, {Key: "n", Value: 1}}, bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: 11}}}})
			return err
		}, false},
		{"replace by _id", func() error {
			_, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "d2"}}, mirrored{ID: "d2", Program: "q", N: 2})
			return err
		}, false},
		{"delete by _id in", func() error {
			_, err := c.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"d3", "d4"}}}}})
			return err
		}, false},
		{"find and modify", func() error {
			return c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "d0"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 100}}}}).Err()
		}, false},
		{"update many by another field", func() error {
			_, err := c.UpdateMany(ctx, bson.D{{Key: "program", Value: "q"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "program", Value: "p"}}}})
			return err
		}, true},
		{"delete by another field", func() error {
			_, err := c.DeleteMany(ctx, bson.D{{Key: "n", Value: 9}})
			return err
		}, true},
		{"drop", func() error { return c.Drop(ctx) }, true},
	}
	reloads := 1
	for _, w := range writes {
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if w.reload {
			reloads++
		}
		check(t, w.name, reloads)
	}
}
