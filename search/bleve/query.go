package bleve

import (
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/phonetic"
)

// prefixBoost weighs a prefix match of the last word against a whole-word match.
const prefixBoost = 0.5

// word is one analysed query word.
type word struct {
	term   string // folded, lower-cased
	typos  int    // Levenshtein distance allowed
	prefix bool   // also matches as a prefix (the last word)
}

// typoBudget returns Meilisearch's default number of typos for a word: none below 5
// letters, 1 from 5, 2 from 9.
func typoBudget(term string) int {
	switch n := utf8.RuneCountInString(term); {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// maxTypoWords is how many words of a query are matched with typos: beyond
// them, each word adds fuzzy expansions over seven fields for little gain, so
// the later words must match exactly (or, the last, as a prefix). It bounds
// what a long query costs (about four times a one-word query at 100,000
// profiles instead of eight).
const maxTypoWords = 4

// words analyses q with the index's text analyzer and returns at most
// search.MaxQueryWords words; the last one matches as a prefix too, and only
// the first maxTypoWords allow typos.
func (x *Index) words(q string) []word {
	if q == "" {
		return nil
	}
	var ws []word
	for _, t := range x.analyzer.Analyze([]byte(q)) {
		if len(t.Term) == 0 || !utf8.Valid(t.Term) {
			continue
		}
		term := string(t.Term)
		w := word{term: term}
		if len(ws) < maxTypoWords {
			w.typos = typoBudget(term)
		}
		ws = append(ws, w)
		if len(ws) == search.MaxQueryWords {
			break
		}
	}
	if len(ws) > 0 {
		ws[len(ws)-1].prefix = true
	}
	return ws
}

// textQuery requires every word to match some searchable field.
func textQuery(ws []word) query.Query {
	conj := make([]query.Query, 0, len(ws))
	for _, w := range ws {
		dis := make([]query.Query, 0, 3*len(searchFields))
		for _, f := range searchFields {
			// As in Meilisearch, a typo on the first letter counts as two: with one
			// typo allowed the first letter must match; with two, either the first
			// letter matches and two more typos are allowed, or it is the only typo.
			fq := query.NewFuzzyQuery(w.term)
			fq.SetFuzziness(w.typos) // 0: a plain term query
			fq.SetPrefix(1)
			fq.SetField(f.name)
			fq.SetBoost(f.boost)
			dis = append(dis, fq)
			if w.typos == 2 {
				fq := query.NewFuzzyQuery(w.term)
				fq.SetFuzziness(1)
				fq.SetField(f.name)
				fq.SetBoost(f.boost / 3) // as a two-typo match
				dis = append(dis, fq)
			}
			if w.prefix {
				pq := query.NewPrefixQuery(w.term)
				pq.SetField(f.name)
				pq.SetBoost(f.boost * prefixBoost)
				dis = append(dis, pq)
			}
		}
		// A name spelled another way (Maier for Mayer, Sara for Sarah): the
		// word sounds like a word of the name.
		if utf8.RuneCountInString(w.term) >= minSoundLen {
			for _, code := range phonetic.Codes(w.term) {
				tq := query.NewTermQuery(code)
				tq.SetField(fieldNameSound)
				tq.SetBoost(soundBoost)
				dis = append(dis, tq)
			}
		}
		conj = append(conj, query.NewDisjunctionQuery(dis))
	}
	return query.NewConjunctionQuery(conj)
}

// MatchesNameSounds says that the index finds names by how they sound too
// (searchtest.NameSounds).
func (x *Index) MatchesNameSounds() {}

// minSoundLen is the shortest query word matched by its sound: shorter ones
// sound like too many names.
const minSoundLen = 3

// soundBoost weighs a word that sounds like a word of the name: below the
// name itself (10) and its typo matches, so that a name as written ranks
// first and one that only sounds alike after it.
const soundBoost = 4

// filterQuery returns the filters of q (OR within a facet, AND across facets), or nil.
func filterQuery(q search.Query) query.Query {
	var conj []query.Query
	add := func(facet string, values []string) {
		if len(values) == 0 {
			return
		}
		dis := make([]query.Query, len(values))
		for i, v := range values {
			tq := query.NewTermQuery(facetValue(facet, v))
			tq.SetField(fieldFacet)
			dis[i] = tq
		}
		conj = append(conj, query.NewDisjunctionQuery(dis))
	}
	add(search.FacetTopic, q.Topics)
	add(search.FacetLanguage, q.Languages)
	add(search.FacetCountry, q.Countries)
	add(search.FacetIndustry, q.Industries)
	add(search.FacetHours, q.HoursBuckets())
	if len(q.ExcludeIDs) > 0 {
		b := query.NewBooleanQuery(nil, nil, nil)
		b.AddMustNot(query.NewDocIDQuery(q.ExcludeIDs))
		conj = append(conj, b)
	}
	if len(conj) == 0 {
		return nil
	}
	return query.NewConjunctionQuery(conj)
}

// Search runs q: see search.Index and the package documentation. It returns EINVALID
// naming the field for a bad limit or offset; any Q is accepted.
func (x *Index) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	key := cacheKey(q)
	cached, writes := x.cache.get(key)
	if cached != nil {
		return cached, nil
	}
	ws := x.words(q.Q)
	filter := filterQuery(q)

	var bq query.Query
	switch {
	case len(ws) > 0 && filter != nil:
		b := query.NewBooleanQuery(nil, nil, nil)
		b.AddMust(textQuery(ws))
		b.AddFilter(filter) // filters do not score
		bq = b
	case len(ws) > 0:
		bq = textQuery(ws)
	case filter != nil:
		bq = filter
	default:
		bq = query.NewMatchAllQuery()
	}

	req := blevelib.NewSearchRequestOptions(bq, q.Limit, q.Offset, false)
	req.Fields = []string{fieldSource}
	if len(ws) > 0 {
		req.SortBy([]string{"-_score", fieldOrder})
	} else {
		req.SortBy([]string{fieldOrder})
		req.Score = blevelib.ScoreNone
	}
	var facets *facetCounter
	if !q.Candidates {
		facets = &facetCounter{}
		ctx = facets.attach(ctx)
	}

	res, gen, err := x.search(ctx, req)
	if err != nil {
		return nil, err
	}

	out := &search.Result{
		Hits:   make([]search.Hit, 0, len(res.Hits)),
		Total:  int(res.Total),
		Facets: make(map[string]map[string]int, len(search.Facets)),
	}
	for _, h := range res.Hits {
		src, _ := h.Fields[fieldSource].(string)
		var hit search.Hit
		if err := json.Unmarshal([]byte(src), &hit.Document); err != nil {
			return nil, fmt.Errorf("bleve: decode document %s: %w", h.ID, err)
		}
		if len(ws) > 0 {
			hit.Highlights = highlights(&hit.Document, ws)
		}
		out.Hits = append(out.Hits, hit)
	}
	for _, name := range search.Facets {
		out.Facets[name] = map[string]int{}
	}
	if facets != nil {
		facets.addTo(out.Facets, gen.codes.list())
	}
	x.cache.put(key, writes, out)
	return out, nil
}
