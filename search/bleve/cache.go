package bleve

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/opentomentor/opentomentor/search"
)

// resultCacheSize bounds the result cache: a few hundred distinct queries
// (the unfiltered first page and popular filters are most of the traffic).
// With at most cacheMaxHits hits an entry (~2 KB each) it holds at most
// ~25 MB.
const resultCacheSize = 256

// cacheMaxHits: larger pages (and matching's candidate lists of up to 300)
// are not kept.
const cacheMaxHits = 50

// resultCache keeps search results for the state of the index they were
// computed on. Every write to the live index bumps writes after Bleve has
// made it visible, and an entry counts only for the writes value read before
// its search began: so a result is never served once a later write (an
// update, a withdrawal, an erasure) is visible, and a search that raced a
// write stores its result under the older value, where no later lookup finds
// it.
type resultCache struct {
	writes atomic.Uint64
	mu     sync.Mutex
	m      map[string]cachedResult
}

type cachedResult struct {
	writes uint64
	res    *search.Result
}

// changed records a visible write: every cached result is stale.
func (c *resultCache) changed() {
	c.writes.Add(1)
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

// get returns a copy of the result of the normalized query key if it was
// computed at the current writes value, and that value for put.
func (c *resultCache) get(key string) (*search.Result, uint64) {
	w := c.writes.Load()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && e.writes == w {
		return cloneResult(e.res), w
	}
	return nil, w
}

// put keeps a copy of res, computed at writes value w (not when it has more
// than cacheMaxHits hits).
func (c *resultCache) put(key string, w uint64, res *search.Result) {
	if w != c.writes.Load() || len(res.Hits) > cacheMaxHits {
		return // a write landed meanwhile (res may already be stale), or too big
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]cachedResult, resultCacheSize)
	}
	if len(c.m) >= resultCacheSize {
		for k := range c.m { // drop an arbitrary entry
			delete(c.m, k)
			break
		}
	}
	c.m[key] = cachedResult{writes: w, res: cloneResult(res)}
}

// cacheKey is the key of a normalized query, unambiguous whatever the
// values hold (JSON); filter values are OR-ed, so their order does not
// matter.
func cacheKey(q search.Query) string {
	sorted := func(vs []string) []string { return slices.Sorted(slices.Values(vs)) }
	raw, _ := json.Marshal([]any{q.Q, sorted(q.Topics), sorted(q.Languages), sorted(q.Countries), sorted(q.Industries), q.MinHours, q.ExcludeIDs,
		q.Limit, q.Offset, q.Candidates})
	return string(raw)
}

// cloneResult copies r deeply enough that callers may change their copy.
func cloneResult(r *search.Result) *search.Result {
	out := &search.Result{Total: r.Total, Hits: make([]search.Hit, len(r.Hits)), Facets: make(map[string]map[string]int, len(r.Facets))}
	for i, h := range r.Hits {
		d := h.Document
		d.Topics, d.Skills, d.Languages, d.Interests = slices.Clone(d.Topics), slices.Clone(d.Skills), slices.Clone(d.Languages), slices.Clone(d.Interests)
		out.Hits[i] = search.Hit{Document: d, Highlights: maps.Clone(h.Highlights)}
	}
	for k, v := range r.Facets {
		out.Facets[k] = maps.Clone(v)
	}
	return out
}
