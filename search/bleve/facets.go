package bleve

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	blevelib "github.com/blevesearch/bleve/v2"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
)

// Facet counting. Bleve reads the doc values of every matching document for sorting
// and for facets, which is most of what a search matching many documents costs. So a
// document has one doc value only, its order term (orderTerm): the sort key, a NUL,
// then a two-byte code for each of its facet values. Sorting reads that term anyway;
// facetCounter counts the codes from it while Bleve collects, an array increment per
// value, where Bleve's facet builder would read a second field and hash each value.
//
// The codes are kept per generation (genIndex): assigned in the order values first
// occur, never reused, and stored in the generation itself (facetCodesKey) by the
// same batch as the first document using them.

// facetCodesKey is the Bleve internal key of a generation's facet codes (a JSON list
// of facet values; value i has code i+1).
var facetCodesKey = []byte("otm:facet-codes")

// codeBase is the number of values of each byte of a code: bytes 1 to 127 keep the
// order term valid UTF-8 and free of NULs after the separator.
const codeBase = 127

// maxFacetCodes is the number of facet values a generation can code. Topics,
// languages and countries together are a few hundred; values beyond this are still
// filterable but not counted.
const maxFacetCodes = codeBase * codeBase

// genIndex is one generation of the index: Bleve's index and its facet codes.
type genIndex struct {
	blevelib.Index
	wmu   sync.Mutex // serializes batches, so each stores the codes it uses
	codes facetCodes
}

// facetCodes maps facet values ("topic:x", …) to codes and back.
type facetCodes struct {
	mu     sync.Mutex
	values []string // value i has code i+1; only appended to
	codes  map[string]int
}

// withCodes wraps bi, reading the facet codes it stores.
func withCodes(bi blevelib.Index) (*genIndex, error) {
	g := &genIndex{Index: bi, codes: facetCodes{codes: map[string]int{}}}
	raw, err := bi.GetInternal(facetCodesKey)
	if err != nil {
		return nil, fmt.Errorf("bleve: read facet codes: %w", err)
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &g.codes.values); err != nil {
			return nil, fmt.Errorf("bleve: decode facet codes: %w", err)
		}
	}
	for i, v := range g.codes.values {
		g.codes.codes[v] = i + 1
	}
	return g, nil
}

// encode appends the codes of values to b, assigning codes to new values, and
// reports whether it did; values beyond maxFacetCodes are left out.
func (c *facetCodes) encode(b []byte, values []string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	added := false
	for _, v := range values {
		code, ok := c.codes[v]
		if !ok {
			if len(c.values) == maxFacetCodes {
				continue
			}
			c.values = append(c.values, v)
			code = len(c.values)
			c.codes[v] = code
			added = true
		}
		b = append(b, byte(1+(code-1)/codeBase), byte(1+(code-1)%codeBase))
	}
	return b, added
}

// marshal returns the stored form of the codes.
func (c *facetCodes) marshal() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return json.Marshal(c.values)
}

// list returns the values by code (value i has code i+1).
func (c *facetCodes) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[:len(c.values):len(c.values)]
}

// facetCounter counts the facet values of every matching document from its order
// term while Bleve's top-N collector collects.
type facetCounter struct {
	counts []int // by code - 1
}

// attach returns ctx making the collector pass every match through the counter
// before its own handler.
func (c *facetCounter) attach(ctx context.Context) context.Context {
	return context.WithValue(ctx, blevesearch.MakeDocumentMatchHandlerKey,
		blevesearch.MakeDocumentMatchHandler(func(sctx *blevesearch.SearchContext) (blevesearch.DocumentMatchHandler, bool, error) {
			next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
			if err != nil {
				return nil, false, err
			}
			return func(d *blevesearch.DocumentMatch) error {
				if d != nil && len(d.Sort) > 0 {
					c.count(d.Sort[len(d.Sort)-1]) // the order term; next may recycle d
				}
				return next(d)
			}, loadID, nil
		}))
}

// count counts the codes of one order term.
func (c *facetCounter) count(term string) {
	i := strings.IndexByte(term, 0)
	if i < 0 {
		return
	}
	for j := i + 1; j+1 < len(term); j += 2 {
		k := int(term[j]-1)*codeBase + int(term[j+1]-1)
		if k >= len(c.counts) {
			c.counts = append(c.counts, make([]int, k+1-len(c.counts))...)
		}
		c.counts[k]++
	}
}

// addTo adds the counts to facets (facet name → value → documents), given the
// values by code; values of facets not in facets are ignored.
func (c *facetCounter) addTo(facets map[string]map[string]int, values []string) {
	for k, n := range c.counts {
		if n == 0 || k >= len(values) {
			continue
		}
		name, value, ok := strings.Cut(values[k], ":")
		if counts := facets[name]; ok && counts != nil {
			counts[value] += n
		}
	}
}
