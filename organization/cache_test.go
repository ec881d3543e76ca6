package organization

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opentomentor/opentomentor/internal/testenv"
)

// TestCacheFollowsWritesOnEveryReplica: two stores on one database stand
// for two replicas. A change shows at once on the replica that made it and on
// the other once it checks the version again (after checkEvery); a read
// in between may still give the old value, never a mix.
func TestCacheFollowsWritesOnEveryReplica(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	clk := testenv.NewClock(time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC))
	a, b := NewStore(db), NewStore(db)
	a.cache.now, b.cache.now = clk.Now, clk.Now
	if err := a.Insert(ctx, &Organization{ID: "o1", Name: "Hanse", Domains: []string{"hanse.example"}, Competitors: []string{}}); err != nil {
		t.Fatal(err)
	}
	competitors := func(t *testing.T, m *Store) []string {
		t.Helper()
		o, err := m.Cached(ctx, "o1")
		if err != nil {
			t.Fatal(err)
		}
		return o.Competitors
	}
	tests := []struct {
		step  string
		do    func() error
		wantA []string
		wantB []string
	}{
		{"both read", func() error { return nil }, []string{}, []string{}},
		{"B adds a competitor", func() error { return b.SetCompetitor(ctx, "o1", "o2", true) }, []string{}, []string{"o2"}},
		{"a second later A sees it", func() error { clk.Add(checkEvery); return nil }, []string{"o2"}, []string{"o2"}},
		{"A removes it", func() error { return a.SetCompetitor(ctx, "o1", "o2", false) }, []string{}, []string{"o2"}},
		{"a second later B sees it", func() error { clk.Add(checkEvery); return nil }, []string{}, []string{}},
	}
	for _, tt := range tests {
		if err := tt.do(); err != nil {
			t.Fatalf("%s: %v", tt.step, err)
		}
		if got := competitors(t, a); !slices.Equal(got, tt.wantA) {
			t.Errorf("%s: replica A got competitors %v, want %v", tt.step, got, tt.wantA)
		}
		if got := competitors(t, b); !slices.Equal(got, tt.wantB) {
			t.Errorf("%s: replica B got competitors %v, want %v", tt.step, got, tt.wantB)
		}
	}
	// A change whose version bump was lost (a crash between the writes)
	// reaches the other replica once its cache is cacheMax old.
	if _, err := db.Collection("organizations").UpdateOne(ctx, bson.D{{Key: "_id", Value: "o1"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "competitors", Value: bson.A{"o3"}}}}}); err != nil {
		t.Fatal(err)
	}
	if got := competitors(t, b); len(got) != 0 {
		t.Fatalf("before cacheMax: got %v, want the cached []", got)
	}
	clk.Add(cacheMax)
	if got := competitors(t, b); !slices.Equal(got, []string{"o3"}) {
		t.Errorf("after cacheMax without a version bump: got %v, want [o3]", got)
	}
	// A caller changing its copy does not change the cache.
	o, err := a.Cached(ctx, "o1")
	if err != nil {
		t.Fatal(err)
	}
	o.Domains[0] = "changed.example"
	if got, _ := a.Cached(ctx, "o1"); got.Domains[0] != "hanse.example" {
		t.Errorf("cached domains after a caller's change: got %v, want [hanse.example]", got.Domains)
	}
	if err := a.Delete(ctx, "o1"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Cached(ctx, "o1"); err == nil {
		t.Error("a deleted organization: got it from the cache, want ENOTFOUND")
	}
}
