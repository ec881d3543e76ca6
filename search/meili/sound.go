package meili

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/meilisearch/meilisearch-go"

	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/phonetic"
)

// Names spelled another way ("Sara Maier" for Sarah Mayer) are found by how
// they sound, as in the Bleve engine: every stored document carries the
// phonetic codes of the words of its name (nameSound, package phonetic), an
// attribute that is filterable but neither searchable nor displayed.
// Meilisearch has no OR per query word in q, so the sound-alikes are found by
// a filter: a document sounds like the query when, for every query word, its
// nameSound holds one of the word's codes.
//
// A search whose Q has 1 to maxSoundWords words, each of at least minSoundLen
// letters and with phonetic codes (and which is not a Candidates search),
// returns N ++ R: N is the text search as without sounds (ranked by
// Meilisearch), R the sound-alikes that N lacks, newest first. Exact and typo
// matches thus keep ranking first (in Bleve, too, a sound match weighs less
// than the name as written). The requests, at most three round trips:
//
//  1. one multi-search: N (the page, total and facets, as without sounds) and
//     P, the ids of the sound-alikes matching the filters of the query
//     (q empty, sorted newest first, at most search.MaxCandidates). No P: the
//     result is N, exactly as without sounds.
//  2. P∩N: the ids of P that match Q as text (q = Q, filter id IN P). P∩N = P:
//     the result is N.
//  3. R = P \ P∩N: its facet counts (filter id IN R, no hits), in one
//     multi-search with the documents of R on the requested page, if any
//     (filter id IN those).
//
// Total is N's total plus len(R), the facets N's plus R's, and the page takes
// its hits from N first, then from R.
const (
	fieldNameSound = "nameSound" // the phonetic codes of the name's words
	minSoundLen    = 3           // shortest query word matched by its sound (as Bleve): shorter ones sound like too many names
	maxSoundWords  = 4           // longest query matched by sound
)

// MatchesNameSounds says that the index finds names by how they sound too
// (searchtest.NameSounds).
func (x *Index) MatchesNameSounds() {}

// querySounds returns the phonetic codes of each word of the normalized query q,
// or nil if q is not matched by sound: a Candidates query, or a Q without words,
// with more than maxSoundWords words, or with a word of fewer than minSoundLen
// letters or without codes. Words are runs of letters, digits and marks (as
// Meilisearch splits the query), so a number is a word without codes.
func querySounds(q search.Query) [][]string {
	if q.Candidates || q.Q == "" {
		return nil
	}
	words := strings.FieldsFunc(q.Q, func(r rune) bool { return !isWordRune(r) })
	if len(words) == 0 || len(words) > maxSoundWords {
		return nil
	}
	out := make([][]string, 0, len(words))
	for _, w := range words {
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		codes := phonetic.Codes(w)
		if letters < minSoundLen || len(codes) == 0 {
			return nil
		}
		out = append(out, codes)
	}
	return out
}

// inFilter returns the filter condition "attr IN [values]" (op "IN") or
// "attr NOT IN [values]" (op "NOT IN"), the values quoted.
func inFilter(attr, op string, values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = quote(v)
	}
	return attr + " " + op + " [" + strings.Join(quoted, ", ") + "]"
}

// soundFilter returns the filter of the sound-alikes of q: the filters of q and,
// for every word, one of its codes in nameSound.
func soundFilter(q search.Query, sounds [][]string) string {
	var conds []string
	if f := filterExpression(q); f != "" {
		conds = append(conds, f)
	}
	for _, codes := range sounds {
		conds = append(conds, inFilter(fieldNameSound, "IN", codes))
	}
	return strings.Join(conds, " AND ")
}

// idsRequest returns a search for the ids of the documents ids that match the
// query text qtext ("" matches all of them).
func idsRequest(qtext string, ids []string) *meilisearch.SearchRequest {
	return &meilisearch.SearchRequest{
		Query:                qtext,
		MatchingStrategy:     meilisearch.All,
		Filter:               inFilter(fieldID, "IN", ids),
		AttributesToRetrieve: []string{fieldID},
		Limit:                search.MaxCandidates,
	}
}

// searchSounds runs the normalized query q, whose words have the codes sounds,
// as N ++ R (see the comment at the top of this file); req is the text search N,
// whose page starts skip hits before q.Offset.
func (x *Index) searchSounds(ctx context.Context, q search.Query, req *meilisearch.SearchRequest, skip int, sounds [][]string) (*search.Result, error) {
	// Round trip 1: N and P.
	soundReq := &meilisearch.SearchRequest{
		Filter:               soundFilter(q, sounds),
		AttributesToRetrieve: []string{fieldID},
		Limit:                search.MaxCandidates,
		Sort:                 []string{fieldPublishedAt + ":desc", fieldID + ":asc"},
	}
	res, err := x.multiSearch(ctx, "search", req, soundReq)
	if err != nil {
		return nil, err
	}
	out, err := x.result(q, res[0], skip)
	if err != nil {
		return nil, err
	}
	p, err := hitIDs(res[1].Hits)
	if err != nil || len(p) == 0 {
		return out, err
	}

	// Round trip 2: P∩N.
	inN, err := x.searchOne(ctx, "search: sound-alikes matching the text", idsRequest(q.Q, p))
	if err != nil {
		return nil, err
	}
	both, err := hitIDs(inN.Hits)
	if err != nil {
		return nil, err
	}
	r := slices.DeleteFunc(p, func(id string) bool { return slices.Contains(both, id) })
	if len(r) == 0 {
		return out, nil
	}

	// Round trip 3: R's facets and R's part of the page.
	nTotal := out.Total
	facetReq := &meilisearch.SearchRequest{
		Filter:      inFilter(fieldID, "IN", r),
		Facets:      facetAttributeNames(),
		HitsPerPage: new(int64), // 0: counts only (a limit of 0 is not sent: omitempty)
	}
	reqs := []*meilisearch.SearchRequest{facetReq}
	from, to := max(q.Offset-nTotal, 0), min(q.Offset+q.Limit-nTotal, len(r))
	var page []string
	if from < to {
		page = r[from:to]
		reqs = append(reqs, &meilisearch.SearchRequest{Filter: inFilter(fieldID, "IN", page), Limit: int64(len(page))})
	}
	if len(reqs) == 1 {
		one, err := x.searchOne(ctx, "search: sound-alikes", facetReq)
		if err != nil {
			return nil, err
		}
		res = []*searchResponse{one}
	} else if res, err = x.multiSearch(ctx, "search: sound-alikes", reqs...); err != nil {
		return nil, err
	}

	out.Total = nTotal + len(r)
	for _, f := range facetAttributes {
		for v, n := range res[0].FacetDistribution[f.attr] {
			out.Facets[f.facet][v] += n
		}
	}
	if len(page) == 0 {
		return out, nil
	}
	byID := make(map[string]map[string]json.RawMessage, len(page))
	for _, h := range res[1].Hits {
		var id string
		if json.Unmarshal(h[fieldID], &id) == nil {
			byID[id] = h
		}
	}
	for _, id := range page {
		h, ok := byID[id]
		if !ok {
			continue // deleted meanwhile
		}
		d, err := decodeDoc(h)
		if err != nil {
			return nil, err
		}
		hit := search.Hit{Document: d}
		if s, ok := soundHighlight(d.Name, sounds); ok {
			hit.Highlights = map[string]string{"name": s}
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

// hitIDs returns the ids of hits, in order.
func hitIDs(hits []map[string]json.RawMessage) ([]string, error) {
	ids := make([]string, 0, len(hits))
	for _, h := range hits {
		var id string
		if err := json.Unmarshal(h[fieldID], &id); err != nil {
			return nil, fmt.Errorf("meili: search: hit without an id: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// soundHighlight returns name HTML-escaped with its words that sound like a
// word of the query (sharing a code with sounds) wrapped in <mark>…</mark>, and
// whether any does. Meilisearch marks nothing in a sound-alike: it does not
// match the query text.
func soundHighlight(name string, sounds [][]string) (string, bool) {
	var b strings.Builder
	marked := false
	for name != "" {
		// A run of letters (a word, as nameSounds splits the name), then a run
		// of anything else.
		n := 0
		for n < len(name) {
			r, size := utf8.DecodeRuneInString(name[n:])
			if !unicode.IsLetter(r) {
				break
			}
			n += size
		}
		if word := name[:n]; word != "" {
			alike := slices.ContainsFunc(phonetic.Codes(word), func(c string) bool {
				return slices.ContainsFunc(sounds, func(codes []string) bool { return slices.Contains(codes, c) })
			})
			if alike {
				marked = true
				b.WriteString(markOpen + html.EscapeString(word) + markClose)
			} else {
				b.WriteString(html.EscapeString(word))
			}
		}
		name = name[n:]
		m := 0
		for m < len(name) {
			r, size := utf8.DecodeRuneInString(name[m:])
			if unicode.IsLetter(r) {
				break
			}
			m += size
		}
		b.WriteString(html.EscapeString(name[:m]))
		name = name[m:]
	}
	if !marked {
		return "", false
	}
	return b.String(), true
}
