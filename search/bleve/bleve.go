// Package bleve implements search.Index with an embedded Bleve index, used when no
// Meilisearch is configured.
//
// The engine follows Meilisearch's defaults where it can:
//   - Text is analysed without stop-word removal (unicode word segmentation, ASCII
//     folding, lower case), so "mentor with AI" still matches a text containing
//     "with", and "Müller" matches "muller".
//   - Each query word matches with Meilisearch's typo thresholds: exact below 5
//     letters, 1 typo from 5, 2 typos from 9 letters, a typo on the first letter
//     counting as two; the last word also matches as a prefix (search-as-you-type).
//     At most 10 words count.
//   - Searchable fields, most important first: name, headline, topics (ids and their
//     words), skills, bio, then organization and interests.
//
// Known differences from Meilisearch:
//   - Words combine with a plain AND: every word must match some searchable field.
//     Meilisearch's default matching strategy ("last") instead drops words from the
//     end of the query until documents match, so it may return documents that lack the
//     last words where this engine returns nothing.
//   - Typos are counted as Levenshtein distance: swapping two letters costs 2 here and
//     1 in Meilisearch (Damerau). The prefix of the last word must be typed without a
//     typo here; Meilisearch tolerates typos in prefixes too.
//   - Ranking is TF-IDF with field boosts and a penalty per typo, not Meilisearch's
//     bucket sort (words, typo, proximity, attribute, exactness); word proximity is
//     not considered.
//   - Highlights mark whole words that match a query word (exactly, within the typo
//     budget, or by prefix for the last word) and HTML-escape the rest; Meilisearch
//     marks only the matched prefix of a word and does not escape its _formatted text.
//   - A Q without any word (only spaces or punctuation) is a placeholder search here.
//   - Filter values are matched case-insensitively by canonicalising them (see
//     search.Query.Normalize) and facet values come back in that canonical form.
package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/phonetic"
)

// mappingVersion names the index layout. Open discards an on-disk index of another
// version (the index is a copy of the database and is rebuilt from it).
const mappingVersion = "otm-mentors-6" // 3: documents carry orgId; 4: facets ride on the sort key; 5: name sounds; 6: industry and hours facets

var mappingVersionKey = []byte("otm:mapping-version")

// analyzerName is the custom text analyzer: no stop words, folding, lower case.
const analyzerName = "otm_text"

// Index field names. Text fields are searchable; keyword fields filter and facet.
const (
	fieldName         = "name"
	fieldHeadline     = "headline"
	fieldTopicsText   = "topics"
	fieldSkills       = "skills"
	fieldBio          = "bio"
	fieldOrganization = "organization"
	fieldInterests    = "interests"
	fieldFacet        = "facet"     // keyword, filters only: "topic:<id>", "language:<code>", "country:<code>", "industry:<id>", "hours:<bucket>"
	fieldNameSound    = "nameSound" // keyword: the phonetic codes of the name's words (phonetic.Codes)
	fieldOrder        = "order"     // keyword, one term: sortKey (PublishedAt desc, then ID), then the facet values, each after a NUL
	fieldSource       = "doc"       // stored JSON of the search.Document, not indexed
)

// Bleve reads the doc values of every matching document for sorting and facets,
// once per field and term, which is most of the cost of a search matching many
// documents. So a document has a single doc value, its order term: sorting reads
// it anyway, and the facets are counted from the same value (facetCounter) instead
// of by Bleve's facet builder over a second field. The facet field is indexed for
// filtering only. Sorting on "_id" would even decompress stored fields.

// searchFields lists the searchable fields and their boosts, most important first.
var searchFields = []struct {
	name  string
	boost float64
}{
	{fieldName, 10},
	{fieldHeadline, 6},
	{fieldTopicsText, 4},
	{fieldSkills, 3},
	{fieldBio, 1.5},
	{fieldOrganization, 0.8},
	{fieldInterests, 0.8},
}

// Index is a search.Index backed by Bleve. It is safe for concurrent use.
//
// On disk, the directory given to Open holds generations of the index
// (gen-1, gen-2, …) and a file CURRENT naming the live one. BeginSwap builds the
// next generation while the live one serves, and its Commit switches CURRENT
// (atomically, by renaming a temporary file) and then removes the old generation.
type Index struct {
	mu       sync.RWMutex // guards closed, bi, gen, maxGen, staged; Close and swaps wait for running calls
	closed   bool
	bi       *genIndex
	analyzer analysis.Analyzer // the same for every generation: it comes from newMapping
	fresh    bool

	root   string  // the directory of the generations; "" in memory
	gen    int     // the live generation (0 in memory)
	maxGen int     // the highest generation number used so far
	staged *staged // the open rebuild, or nil

	wmu sync.Mutex // serializes writes to the live index, so the journal of a rebuild records their order

	cache resultCache // results of recent searches, dropped by every write
}

var (
	_ search.Index    = (*Index)(nil)
	_ search.IDLister = (*Index)(nil)
	_ search.Swapper  = (*Index)(nil)
)

// Open opens the index whose generations live in dir, or creates it (and its
// parent directories) if dir does not exist or is empty. A live generation of an
// older layout is replaced by a new, empty one, and so is an index of the former
// single-generation format (index files directly in dir), and leftovers of an
// interrupted rebuild are removed. Fresh reports whether the live generation was
// created, in which case the caller should fill it from the database
// (search.Indexer.Rebuild). Open fails fast if another process has the index open
// and refuses a non-empty dir that holds no index.
func Open(dir string) (*Index, error) {
	if err := dropLegacy(dir); err != nil {
		return nil, err
	}
	l, err := readLayout(dir)
	if err != nil {
		return nil, err
	}
	if l.current > 0 {
		bi, err := openGen(genDir(dir, l.current))
		switch {
		case err != nil:
			return nil, err
		case bi != nil:
			x, err := newIndex(bi, false)
			if err != nil {
				return nil, err
			}
			x.root, x.gen, x.maxGen = dir, l.current, l.maxGen
			x.removeStale()
			return x, nil
		}
		// An index of another layout or a missing generation: start afresh.
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("bleve: %w", err)
	}
	gen := l.maxGen + 1
	bi, err := createGen(genDir(dir, gen))
	if err != nil {
		return nil, err
	}
	if err := writeCurrent(dir, gen); err != nil {
		_ = bi.Close()
		_ = os.RemoveAll(genDir(dir, gen))
		return nil, err
	}
	x, err := newIndex(bi, true)
	if err != nil {
		return nil, err
	}
	x.root, x.gen, x.maxGen = dir, gen, gen
	x.removeStale()
	return x, nil
}

// OpenMem returns a new in-memory index, for tests and demos.
func OpenMem() (*Index, error) {
	bi, err := createMem()
	if err != nil {
		return nil, err
	}
	return newIndex(bi, true)
}

// createMem returns a new, empty in-memory Bleve index.
func createMem() (*genIndex, error) {
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	bi, err := blevelib.NewMemOnly(m)
	if err != nil {
		return nil, fmt.Errorf("bleve: %w", err)
	}
	return withCodes(bi)
}

func newIndex(bi *genIndex, fresh bool) (*Index, error) {
	a := bi.Mapping().AnalyzerNamed(analyzerName)
	if a == nil {
		_ = bi.Close()
		return nil, fmt.Errorf("bleve: analyzer %s missing from the index mapping", analyzerName)
	}
	return &Index{bi: bi, analyzer: a, fresh: fresh}, nil
}

// Fresh reports whether the index was created empty when it was opened (first start,
// or an index of an older layout was discarded).
func (x *Index) Fresh() bool { return x.fresh }

// newMapping returns the index mapping: a static mapping of the fields above.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := blevelib.NewIndexMapping()
	err := im.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":          custom.Name,
		"char_filters":  []string{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	})
	if err != nil {
		return nil, fmt.Errorf("bleve: analyzer: %w", err)
	}
	im.DefaultAnalyzer = analyzerName
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	text := func() *mapping.FieldMapping {
		f := blevelib.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func(docValues bool) *mapping.FieldMapping {
		f := blevelib.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		f.SkipFreqNorm = true
		return f
	}
	dm := blevelib.NewDocumentStaticMapping()
	for _, f := range searchFields {
		dm.AddFieldMappingsAt(f.name, text())
	}
	dm.AddFieldMappingsAt(fieldFacet, kw(false))
	dm.AddFieldMappingsAt(fieldNameSound, kw(false))
	dm.AddFieldMappingsAt(fieldOrder, kw(true)) // sorting and facets

	source := blevelib.NewTextFieldMapping()
	source.Analyzer = keyword.Name
	source.Index = false
	source.Store = true
	source.IncludeTermVectors = false
	source.IncludeInAll = false
	source.DocValues = false
	dm.AddFieldMappingsAt(fieldSource, source)

	im.DefaultMapping = dm
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("bleve: mapping: %w", err)
	}
	return im, nil
}

// indexDoc is what Bleve indexes for one search.Document, coding its facet values
// with codes; added reports whether it assigned new codes.
func indexDoc(d search.Document, codes *facetCodes) (m map[string]any, added bool, err error) {
	src, err := json.Marshal(d)
	if err != nil {
		return nil, false, fmt.Errorf("bleve: encode document %s: %w", d.ID, err)
	}
	var facets []string
	for _, t := range d.Topics {
		if t = lower(t); t != "" {
			facets = append(facets, facetValue(search.FacetTopic, t))
		}
	}
	for _, l := range d.Languages {
		if l = lower(l); l != "" {
			facets = append(facets, facetValue(search.FacetLanguage, l))
		}
	}
	if c := upper(d.Country); c != "" {
		facets = append(facets, facetValue(search.FacetCountry, c))
	}
	if i := strings.TrimSpace(d.Industry); i != "" {
		facets = append(facets, facetValue(search.FacetIndustry, i))
	}
	if h := search.HoursBucket(d.HoursPerMonth); h != "" {
		facets = append(facets, facetValue(search.FacetHours, h))
	}
	slices.Sort(facets)
	facets = slices.Compact(facets)
	order, added := codes.encode(orderKey(d), facets)
	return map[string]any{
		fieldName:         d.Name,
		fieldHeadline:     d.Headline,
		fieldTopicsText:   d.Topics,
		fieldSkills:       d.Skills,
		fieldBio:          d.Bio,
		fieldOrganization: d.Organization,
		fieldInterests:    d.Interests,
		fieldFacet:        facets,
		fieldNameSound:    phonetic.NameCodes(d.Name),
		fieldOrder:        string(order),
		fieldSource:       string(src),
	}, added, nil
}

// facetValue returns the fieldFacet term of a facet value.
func facetValue(facet, value string) string { return facet + ":" + value }

// orderKey returns the start of d's fieldOrder term: a key whose ascending order is
// PublishedAt descending, then ID ascending (MaxInt64 minus the microseconds since
// the epoch, 0 for earlier times, as 16 hex digits, then the ID), then a NUL, after
// which facetCodes.encode appends the codes of d's facet values. IDs hold no NUL, so
// the codes never change the order; a NUL sorts before any character, so an ID
// before a longer ID it prefixes.
func orderKey(d search.Document) []byte {
	us := max(d.PublishedAt.UnixMicro(), 0)
	return fmt.Appendf(nil, "%016x%s\x00", uint64(math.MaxInt64-us), d.ID)
}

// acquire takes the read lock and fails if the index is closed; release with
// x.mu.RUnlock.
func (x *Index) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.RLock()
	if x.closed {
		x.mu.RUnlock()
		return otm.Errorf(otm.EUNAVAILABLE, "The search index is closed.")
	}
	return nil
}

// Upsert adds or replaces docs in one batch. It returns EINVALID for a document
// without an ID.
func (x *Index) Upsert(ctx context.Context, docs ...search.Document) error {
	if len(docs) == 0 {
		return nil
	}
	for i := range docs {
		if err := docs[i].Validate(); err != nil {
			return err
		}
	}
	if err := x.acquire(ctx); err != nil {
		return err
	}
	defer x.mu.RUnlock()
	x.wmu.Lock()
	defer x.wmu.Unlock()
	err := upsert(x.bi, docs)
	x.cache.changed() // also after a failed batch: part of it may be visible
	if err != nil {
		return err
	}
	if x.staged != nil {
		x.staged.recordUpsert(docs)
	}
	return nil
}

// upsert writes docs to bi in one batch, with the facet codes if it adds any.
func upsert(bi *genIndex, docs []search.Document) error {
	bi.wmu.Lock()
	defer bi.wmu.Unlock()
	b := bi.NewBatch()
	newCodes := false
	for _, d := range docs {
		m, added, err := indexDoc(d, &bi.codes)
		if err != nil {
			return err
		}
		newCodes = newCodes || added
		if err := b.Index(d.ID, m); err != nil {
			return fmt.Errorf("bleve: index %s: %w", d.ID, err)
		}
	}
	if newCodes {
		// Batches are serialized, so no older list overwrites this one.
		codes, err := bi.codes.marshal()
		if err != nil {
			return fmt.Errorf("bleve: encode facet codes: %w", err)
		}
		b.SetInternal(facetCodesKey, codes)
	}
	if err := bi.Batch(b); err != nil {
		return fmt.Errorf("bleve: batch: %w", err)
	}
	return nil
}

// Delete removes ids in one batch; missing ids are ignored.
func (x *Index) Delete(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := x.acquire(ctx); err != nil {
		return err
	}
	defer x.mu.RUnlock()
	x.wmu.Lock()
	defer x.wmu.Unlock()
	err := remove(x.bi, ids)
	x.cache.changed()
	if err != nil {
		return err
	}
	if x.staged != nil {
		x.staged.recordDelete(ids)
	}
	return nil
}

// remove deletes ids from bi in one batch.
func remove(bi *genIndex, ids []string) error {
	b := bi.NewBatch()
	for _, id := range ids {
		if id != "" {
			b.Delete(id)
		}
	}
	if b.Size() == 0 {
		return nil
	}
	if err := bi.Batch(b); err != nil {
		return fmt.Errorf("bleve: batch: %w", err)
	}
	return nil
}

// Get returns the document with id, or an ENOTFOUND error.
func (x *Index) Get(ctx context.Context, id string) (*search.Document, error) {
	if err := x.acquire(ctx); err != nil {
		return nil, err
	}
	defer x.mu.RUnlock()
	if id == "" {
		return nil, otm.Errorf(otm.ENOTFOUND, "Mentor profile not found.")
	}
	bd, err := x.bi.Document(id)
	if err != nil {
		return nil, fmt.Errorf("bleve: document %s: %w", id, err)
	}
	if bd == nil {
		return nil, otm.Errorf(otm.ENOTFOUND, "Mentor profile not found.")
	}
	var src []byte
	bd.VisitFields(func(f bleveindex.Field) {
		if f.Name() == fieldSource {
			src = f.Value()
		}
	})
	if src == nil {
		return nil, fmt.Errorf("bleve: document %s has no stored source", id)
	}
	var d search.Document
	if err := json.Unmarshal(src, &d); err != nil {
		return nil, fmt.Errorf("bleve: decode document %s: %w", id, err)
	}
	return &d, nil
}

// Count returns the number of documents.
func (x *Index) Count(ctx context.Context) (int, error) {
	if err := x.acquire(ctx); err != nil {
		return 0, err
	}
	defer x.mu.RUnlock()
	n, err := x.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("bleve: count: %w", err)
	}
	return int(n), nil
}

// Ping returns an error if the index is closed or cannot be read.
func (x *Index) Ping(ctx context.Context) error {
	_, err := x.Count(ctx)
	return err
}

// IDs calls fn for every document ID, in ID order.
func (x *Index) IDs(ctx context.Context, fn func(id string) error) error {
	const page = 1000
	var after []string
	for {
		req := blevelib.NewSearchRequestOptions(query.NewMatchAllQuery(), page, 0, false)
		req.SortBy([]string{"_id"})
		req.Score = blevelib.ScoreNone
		req.SearchAfter = after
		res, _, err := x.search(ctx, req)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			if err := fn(h.ID); err != nil {
				return err
			}
		}
		if len(res.Hits) < page {
			return nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

// search runs req under the read lock.
func (x *Index) search(ctx context.Context, req *blevelib.SearchRequest) (*blevelib.SearchResult, *genIndex, error) {
	if err := x.acquire(ctx); err != nil {
		return nil, nil, err
	}
	defer x.mu.RUnlock()
	res, err := x.bi.SearchInContext(ctx, req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, ctxErr
		}
		return nil, nil, fmt.Errorf("bleve: search: %w", err)
	}
	return res, x.bi, nil
}

// Close closes the index, waiting for running calls. Later calls return EUNAVAILABLE.
// A rebuild still open (BeginSwap) can only be aborted afterwards.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	if err := x.bi.Close(); err != nil && !errors.Is(err, blevelib.ErrorIndexClosed) {
		return fmt.Errorf("bleve: close: %w", err)
	}
	return nil
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
func upper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
