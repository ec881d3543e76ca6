// Package search defines the mentor directory's search index: the public part of an
// approved mentor profile (Document), the query and result shapes, the Index interface
// implemented by the embedded engine (search/bleve) and by Meilisearch (search/meili),
// and the Indexer that keeps the index in step with the database.
//
// The public directory is served only from the index, and the index holds public
// fields only (GDPR data minimisation): nothing that is not public may be put into a
// Document.
package search

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	otm "github.com/opentomentor/opentomentor"
)

// Limits of a Query. MaxQueryRunes and MaxQueryWords follow Meilisearch, which
// ignores query words after the tenth.
const (
	DefaultLimit  = 20
	MaxLimit      = 100
	MaxCandidates = 300 // Limit with Query.Candidates
	MaxOffset     = 10000
	MaxQueryRunes = 200
	MaxQueryWords = 10
)

// Facet names, the keys of Result.Facets.
const (
	FacetTopic    = "topic"
	FacetLanguage = "language"
	FacetCountry  = "country"
	FacetIndustry = "industry" // the organization's industry
	FacetHours    = "hours"    // the hours a month, by HoursBucket (public availability only)
)

// Facets are the facet names, in the order pages show them.
var Facets = []string{FacetTopic, FacetLanguage, FacetCountry, FacetIndustry, FacetHours}

// HoursSteps are the lower bounds of the hours buckets: a mentor offering h
// hours a month is in the bucket of the largest step <= h ("1": 1, "2": 2–3,
// "4": 4–7, "8": 8 and more). Query.MinHours takes one of them.
var HoursSteps = []int{1, 2, 4, 8}

// HoursBucket returns the FacetHours value of h hours a month ("" for 0: the
// availability is not public).
func HoursBucket(h int) string {
	b := ""
	for _, step := range HoursSteps {
		if h >= step {
			b = strconv.Itoa(step)
		}
	}
	return b
}

// HoursBuckets returns the FacetHours values that MinHours keeps (nil for
// no MinHours): every bucket from that step on.
func (q Query) HoursBuckets() []string {
	var out []string
	for _, step := range HoursSteps {
		if q.MinHours > 0 && step >= q.MinHours {
			out = append(out, strconv.Itoa(step))
		}
	}
	return out
}

// MaxExcludeIDs bounds Query.ExcludeIDs.
const MaxExcludeIDs = 10000

// Document is the public part of an approved mentor profile.
type Document struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Organization  string    `json:"organization"`    // organization display name
	OrgID         string    `json:"orgId,omitempty"` // organization id, for conflict rules in matching
	OrgVerified   bool      `json:"orgVerified"`
	Industry      string    `json:"industry,omitempty"`
	Headline      string    `json:"headline"`
	Bio           string    `json:"bio"`
	Topics        []string  `json:"topics"` // topic ids, e.g. "digital-skills"
	Skills        []string  `json:"skills"`
	Languages     []string  `json:"languages"` // ISO 639-1
	Country       string    `json:"country"`   // ISO 3166-1 alpha-2
	HoursPerMonth int       `json:"hoursPerMonth"`
	Interests     []string  `json:"interests,omitempty"` // only when the owner made them public
	Picture       string    `json:"picture,omitempty"`   // only with consent
	PublishedAt   time.Time `json:"publishedAt"`
}

// Validate returns an EINVALID error if the document cannot be indexed: the ID must
// be 1 to 511 ASCII letters, digits, hyphens and underscores (Meilisearch's rule for
// document ids, enforced by every engine alike).
func (d *Document) Validate() error {
	return ValidateID(d.ID)
}

// ValidateID returns an EINVALID error naming the field "id" unless id is a valid
// document ID (see Document.Validate).
func ValidateID(id string) error {
	switch {
	case id == "":
		return otm.Invalid("A search document needs an id.", otm.Field("id", otm.RuleRequired, nil, "must not be empty"))
	case len(id) > 511:
		return otm.Invalid("A search document id is too long.", otm.Field("id", otm.RuleMaxLength, otm.Args{"max": 511}, "at most 511 bytes"))
	}
	for _, c := range []byte(id) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return otm.Invalid("A search document id has an invalid character.",
				otm.Field("id", otm.RuleSlug, nil, "only letters a-z, A-Z, digits, - and _"))
		}
	}
	return nil
}

// Query is a directory search. Filters combine with OR within a facet and with AND
// across facets; Q narrows the result further.
type Query struct {
	Q          string
	Topics     []string // OR within a facet
	Languages  []string
	Countries  []string // AND across facets
	Industries []string
	// MinHours keeps mentors offering at least this many hours a month (one
	// of HoursSteps; 0: any). Their availability must be public.
	MinHours int
	// ExcludeIDs leaves these documents out (at most MaxExcludeIDs), such as
	// the mentors without room left in a program.
	ExcludeIDs []string
	Limit      int // 1..100 (1..MaxCandidates with Candidates); 0 means 20
	Offset     int // >= 0, at most 10000
	// Candidates asks for mentors to score (matching), never set from a
	// request: up to MaxCandidates hits in one page and no facet counts
	// (Result.Facets has the facet names with no values), which spares
	// counting over every match.
	Candidates bool
}

// Normalize returns q checked and in canonical form: Limit defaulted, Q trimmed and cut
// to MaxQueryRunes runes, filter values trimmed and deduplicated, topics and languages
// lower-cased, countries upper-cased. It returns an EINVALID error naming the field
// ("limit" or "offset") for an out-of-range Limit or Offset. Every Index implementation
// calls it first, so all engines accept and refuse the same queries.
func (q Query) Normalize() (Query, error) {
	var fields []otm.FieldError
	maxLimit := MaxLimit
	if q.Candidates {
		maxLimit = MaxCandidates
	}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultLimit
	case q.Limit < 0 || q.Limit > maxLimit:
		fields = append(fields, otm.Field("limit", otm.RuleRange, otm.Args{"min": 1, "max": maxLimit}, "must be between 1 and %d", maxLimit))
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		fields = append(fields, otm.Field("offset", otm.RuleRange, otm.Args{"min": 0, "max": 10000}, "must be between 0 and 10000"))
	}
	if q.MinHours != 0 && !slices.Contains(HoursSteps, q.MinHours) {
		fields = append(fields, otm.Field("minHours", otm.RuleOneOf, otm.Args{"allowed": HoursSteps}, "must be one of %v", HoursSteps))
	}
	if len(q.ExcludeIDs) > MaxExcludeIDs {
		fields = append(fields, otm.Field("excludeIds", otm.RuleMaxItems, otm.Args{"max": MaxExcludeIDs}, "at most %d", MaxExcludeIDs))
	}
	if len(fields) > 0 {
		return q, otm.Invalid("Invalid search parameters.", fields...)
	}
	q.Q = strings.TrimSpace(strings.ToValidUTF8(q.Q, ""))
	if utf8.RuneCountInString(q.Q) > MaxQueryRunes {
		q.Q = string([]rune(q.Q)[:MaxQueryRunes])
	}
	q.Topics = normalizeValues(q.Topics, strings.ToLower)
	q.Languages = normalizeValues(q.Languages, strings.ToLower)
	q.Countries = normalizeValues(q.Countries, strings.ToUpper)
	q.Industries = normalizeValues(q.Industries, func(s string) string { return s }) // shown as stored
	q.ExcludeIDs = normalizeValues(q.ExcludeIDs, func(s string) string { return s })
	slices.Sort(q.ExcludeIDs)
	return q, nil
}

// normalizeValues trims, maps and deduplicates filter values, dropping empty ones.
func normalizeValues(vs []string, f func(string) string) []string {
	var out []string
	for _, v := range vs {
		v = f(strings.TrimSpace(v))
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Hit is one document of a Result.
type Hit struct {
	Document
	// Highlights maps a field ("name", "headline", "bio") that matched Q to its text
	// with the matched words wrapped in <mark>…</mark> and everything else HTML-escaped,
	// so it can be inserted as HTML as is. Long bios are cut to a fragment around the
	// first match ("…" marks the cuts). Fields without a match are absent.
	Highlights map[string]string `json:"highlights,omitempty"`
}

// Result is one page of a search.
type Result struct {
	Hits  []Hit `json:"hits"`
	Total int   `json:"total"` // number of matching documents, over all pages
	// Facets counts the values of the matching documents (all filters and Q applied,
	// as Meilisearch's facetDistribution): a key for each of Facets, mapping a value
	// to its number of documents (FacetHours: each HoursBucket). Every key is always
	// present.
	Facets map[string]map[string]int `json:"facets"`
}

// Index is a full-text index of the public mentor directory. Implementations are safe
// for concurrent use. Upsert and Delete return once the change is visible to Get and
// Search, so a caller may record a change as indexed when they return nil.
//
// Search ranks by relevance, then PublishedAt (newest first), then ID; with an empty Q
// (or one without any word) by PublishedAt, newest first, then ID. Each word of Q must
// match (AND); words match with typos (none below 5 letters, 1 from 5, 2 from 9) and the
// last word also as a prefix.
type Index interface {
	// Upsert adds or replaces documents by ID. It returns EINVALID for a document
	// without an ID.
	Upsert(ctx context.Context, docs ...Document) error
	// Delete removes documents by ID; deleting a missing id is not an error.
	Delete(ctx context.Context, ids ...string) error
	// Get returns the document with id, or an ENOTFOUND error.
	Get(ctx context.Context, id string) (*Document, error)
	// Search runs q. It returns EINVALID naming the field for a bad limit or offset.
	Search(ctx context.Context, q Query) (*Result, error)
	// Count returns the number of documents in the index.
	Count(ctx context.Context) (int, error)
	// Ping returns an error if the engine cannot serve requests.
	Ping(ctx context.Context) error
	// Close releases the index; it must not be used afterwards.
	Close() error
}

// IDLister is implemented by an Index that can list every document ID it holds.
// Rebuild uses it to remove documents the database no longer knows.
type IDLister interface {
	// IDs calls fn for every document ID in the index, in no particular order.
	IDs(ctx context.Context, fn func(id string) error) error
}
