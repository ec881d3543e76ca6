package bleve

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/searchtest"
)

func hitIDs(res *search.Result) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

// TestCacheNeverServesAChangedOrDeletedDocument: once Upsert or Delete has
// returned, no search (cached or not) shows the old state; repeated queries
// are answered from the cache; a caller changing its result changes nothing.
func TestCacheNeverServesAChangedOrDeletedDocument(t *testing.T) {
	ctx := context.Background()
	x := mustOpenMem(t)
	docs := searchtest.Profiles(t)
	if err := x.Upsert(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	all := search.Query{Limit: 100}
	search1 := func(t *testing.T, q search.Query) *search.Result {
		t.Helper()
		res, err := x.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := search1(t, all)
	victim := first.Hits[0].Document
	first.Hits[0].Name = "Changed By A Caller"
	first.Facets[search.FacetCountry]["XX"] = 99
	again := search1(t, all)
	if again.Hits[0].Name != victim.Name || again.Facets[search.FacetCountry]["XX"] != 0 {
		t.Fatalf("a caller's change reached the cache: got %q and XX=%d", again.Hits[0].Name, again.Facets[search.FacetCountry]["XX"])
	}
	x.cache.mu.Lock()
	cached := len(x.cache.m)
	x.cache.mu.Unlock()
	if cached != 1 {
		t.Fatalf("cache entries after two equal searches: got %d, want 1", cached)
	}
	// A result of more than cacheMaxHits hits is not kept.
	big := &search.Result{Hits: make([]search.Hit, cacheMaxHits+1), Facets: map[string]map[string]int{}}
	x.cache.put("big", x.cache.writes.Load(), big)
	if got, _ := x.cache.get("big"); got != nil {
		t.Fatalf("a result of %d hits was kept", len(big.Hits))
	}

	steps := []struct {
		name string
		do   func() error
		want func(t *testing.T, res *search.Result)
	}{
		{"changed headline", func() error {
			d := victim
			d.Headline = "Brand-new headline"
			return x.Upsert(ctx, d)
		}, func(t *testing.T, res *search.Result) {
			for _, h := range res.Hits {
				if h.ID == victim.ID && h.Headline != "Brand-new headline" {
					t.Errorf("got headline %q, want the new one", h.Headline)
				}
			}
		}},
		{"deleted", func() error { return x.Delete(ctx, victim.ID) }, func(t *testing.T, res *search.Result) {
			if slices.Contains(hitIDs(res), victim.ID) || res.Total != len(docs)-1 {
				t.Errorf("got %d hits with %v, want %d without %s", res.Total, hitIDs(res), len(docs)-1, victim.ID)
			}
		}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		for range 2 { // fresh, then from the cache
			st.want(t, search1(t, all))
		}
	}
}

// TestCacheUnderConcurrentWrites: readers search while a writer deletes
// documents one by one; after each Delete returns, no reader that starts
// later sees the document. Run with -race.
func TestCacheUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	x := mustOpenMem(t)
	docs := searchtest.Profiles(t)
	if err := x.Upsert(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	gone := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				before := make(map[string]bool, len(gone))
				for id := range gone {
					before[id] = true
				}
				mu.Unlock()
				res, err := x.Search(ctx, search.Query{Limit: 100})
				if err != nil {
					t.Error(err)
					return
				}
				for _, id := range hitIDs(res) {
					if before[id] {
						t.Errorf("search served %s after its deletion", id)
						return
					}
				}
			}
		}()
	}
	for _, d := range docs[:20] {
		if err := x.Delete(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		gone[d.ID] = true
		mu.Unlock()
	}
	close(stop)
	wg.Wait()
}

// TestCacheKeyIsUnambiguous: values holding the characters another encoding
// would use as separators never share a key with other queries.
func TestCacheKeyIsUnambiguous(t *testing.T) {
	tests := []struct{ a, b search.Query }{
		{search.Query{Topics: []string{"leadership\x01strategy"}}, search.Query{Topics: []string{"leadership", "strategy"}}},
		{search.Query{Topics: []string{"a\x00"}}, search.Query{Topics: []string{"a"}, Languages: []string{""}}},
		{search.Query{Q: "x", Limit: 1}, search.Query{Q: "x", Limit: 1, Candidates: true}},
		{search.Query{Topics: []string{"a"}}, search.Query{Languages: []string{"a"}}},
	}
	for _, tt := range tests {
		if cacheKey(tt.a) == cacheKey(tt.b) {
			t.Errorf("%+v and %+v share the key %q", tt.a, tt.b, cacheKey(tt.a))
		}
	}
	if a, b := cacheKey(search.Query{Topics: []string{"x", "y"}}), cacheKey(search.Query{Topics: []string{"y", "x"}}); a != b {
		t.Errorf("OR-ed values in another order: got %q and %q, want one key", a, b)
	}
}
