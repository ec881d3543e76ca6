package meili

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"github.com/opentomentor/opentomentor/search"
)

// Highlighted fields and the cropped one.
var (
	highlightAttributes = []string{"name", "headline", "bio"}
	cropAttributes      = []string{"bio:40"}
)

const cropMarker = "…"

// searchResponse is the part of Meilisearch's search response the adapter reads.
type searchResponse struct {
	Hits               []map[string]json.RawMessage `json:"hits"`
	TotalHits          *int                         `json:"totalHits"`          // page mode
	EstimatedTotalHits *int                         `json:"estimatedTotalHits"` // limit/offset mode
	FacetDistribution  map[string]map[string]int    `json:"facetDistribution"`
}

// Search runs q: see search.Index and the package documentation. It returns EINVALID
// naming the field for a bad limit or offset; any Q is accepted. A query that may
// name a person by how the name sounds is run by searchSounds (sound.go); any
// other is one request.
func (x *Index) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	if err := x.open(ctx); err != nil {
		return nil, err
	}
	req, skip := x.searchRequest(q)
	if sounds := querySounds(q); sounds != nil {
		return x.searchSounds(ctx, q, req, skip, sounds)
	}
	res, err := x.searchOne(ctx, "search", req)
	if err != nil {
		return nil, err
	}
	return x.result(q, res, skip)
}

// searchOne runs one search request on the index.
func (x *Index) searchOne(ctx context.Context, op string, req *meilisearch.SearchRequest) (*searchResponse, error) {
	raw, err := x.index().SearchRaw(ctx, req.Query, req)
	if err != nil {
		return nil, x.wrap(ctx, op, err)
	}
	var res searchResponse
	if raw == nil || json.Unmarshal(*raw, &res) != nil {
		return nil, fmt.Errorf("meili: %s: undecodable response", op)
	}
	return &res, nil
}

// multiSearch runs reqs on the index in one request (POST /multi-search, not
// federated) and returns their responses in the same order.
func (x *Index) multiSearch(ctx context.Context, op string, reqs ...*meilisearch.SearchRequest) ([]*searchResponse, error) {
	for _, r := range reqs {
		r.IndexUID = x.uid
	}
	resp, err := x.ms.MultiSearch(ctx, &meilisearch.MultiSearchRequest{Queries: reqs})
	if err != nil {
		return nil, x.wrap(ctx, op, err)
	}
	if resp == nil || len(resp.Results) != len(reqs) {
		return nil, fmt.Errorf("meili: %s: undecodable response", op)
	}
	out := make([]*searchResponse, len(reqs))
	for i, r := range resp.Results {
		o := &searchResponse{}
		out[i] = o
		o.Hits = make([]map[string]json.RawMessage, len(r.Hits))
		for j, h := range r.Hits {
			o.Hits[j] = h
		}
		if r.Page > 0 { // page mode
			n := int(r.TotalHits)
			o.TotalHits = &n
		} else {
			n := int(r.EstimatedTotalHits)
			o.EstimatedTotalHits = &n
		}
		if len(r.FacetDistribution) > 0 && json.Unmarshal(r.FacetDistribution, &o.FacetDistribution) != nil {
			return nil, fmt.Errorf("meili: %s: undecodable facet distribution", op)
		}
	}
	return out, nil
}

// result returns the Result of the normalized query q from the response res of
// its search request, whose page starts skip hits before q.Offset.
func (x *Index) result(q search.Query, res *searchResponse, skip int) (*search.Result, error) {
	out := &search.Result{
		Hits:   make([]search.Hit, 0, min(q.Limit, max(len(res.Hits)-skip, 0))),
		Facets: make(map[string]map[string]int, len(facetAttributes)),
	}
	switch {
	case res.TotalHits != nil:
		out.Total = *res.TotalHits
	case res.EstimatedTotalHits != nil:
		out.Total = *res.EstimatedTotalHits
	}
	for i := skip; i < len(res.Hits) && i < skip+q.Limit; i++ {
		h := res.Hits[i]
		d, err := decodeDoc(h)
		if err != nil {
			return nil, err
		}
		hit := search.Hit{Document: d}
		if q.Q != "" {
			hit.Highlights = x.highlights(h["_formatted"])
		}
		out.Hits = append(out.Hits, hit)
	}
	for _, f := range facetAttributes {
		counts := map[string]int{}
		for v, n := range res.FacetDistribution[f.attr] {
			counts[v] = n
		}
		out.Facets[f.facet] = counts
	}
	return out, nil
}

// searchRequest returns the request for the normalized query q and how many hits of
// the returned page come before q.Offset.
func (x *Index) searchRequest(q search.Query) (*meilisearch.SearchRequest, int) {
	size, page, skip := pageWindow(q.Offset, q.Limit)
	hitsPerPage := int64(size)
	req := &meilisearch.SearchRequest{
		Query:            q.Q,
		MatchingStrategy: meilisearch.All,
		Facets:           facetAttributeNames(),
		HitsPerPage:      &hitsPerPage,
		Page:             int64(page),
	}
	if q.Candidates {
		req.Facets = nil
	}
	if q.Q == "" {
		req.Sort = []string{fieldPublishedAt + ":desc", fieldID + ":asc"}
	} else {
		req.AttributesToHighlight = append([]string(nil), highlightAttributes...)
		req.HighlightPreTag = x.preTag
		req.HighlightPostTag = x.postTag
		req.AttributesToCrop = append([]string(nil), cropAttributes...)
		req.CropMarker = cropMarker
	}
	if f := filterExpression(q); f != "" {
		req.Filter = f
	}
	return req, skip
}

func facetAttributeNames() []string {
	names := make([]string, len(facetAttributes))
	for i, f := range facetAttributes {
		names[i] = f.attr
	}
	return names
}

// pageWindow returns the smallest page size of at least limit whose page (counted
// from 1) holds the hits offset to offset+limit-1, that page, and the number of its
// hits before offset. Page mode gives exhaustive totals but no offset; the page read
// has fewer than 2×limit+25 hits.
func pageWindow(offset, limit int) (size, page, skip int) {
	if limit < 1 {
		limit = 1
	}
	size = limit
	for offset/size != (offset+limit-1)/size { // ends at size = offset+limit
		size++
	}
	return size, offset/size + 1, offset % size
}

// filterExpression returns the filter of q: OR within a facet, AND across facets,
// "" for none. Values are quoted (see quote).
func filterExpression(q search.Query) string {
	var groups []string
	add := func(attr string, values []string) {
		if len(values) == 0 {
			return
		}
		conds := make([]string, len(values))
		for i, v := range values {
			conds[i] = attr + " = " + quote(v)
		}
		groups = append(groups, "("+strings.Join(conds, " OR ")+")")
	}
	add("topics", q.Topics)
	add("languages", q.Languages)
	add("country", q.Countries)
	add("industry", q.Industries)
	add(fieldHoursBucket, q.HoursBuckets())
	if len(q.ExcludeIDs) > 0 {
		groups = append(groups, inFilter(fieldID, "NOT IN", q.ExcludeIDs))
	}
	return strings.Join(groups, " AND ")
}

// filterEscaper escapes a value for a double-quoted string of a Meilisearch filter:
// since v1.4 a backslash escapes the next character.
var filterEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// quote returns v as a double-quoted filter string: no value can end the string
// early and add conditions.
func quote(v string) string { return `"` + filterEscaper.Replace(v) + `"` }
