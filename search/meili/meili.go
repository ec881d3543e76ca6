// Package meili implements search.Index (and search.IDLister) with a Meilisearch
// server, the production engine. It needs Meilisearch v1.15 or later (meilisearch-go
// v0.36.3 always sends typoTolerance.disableOnNumbers, which older servers refuse).
//
// Open creates the index if it is missing (primary key "id") and applies the settings
// from code (see Settings; stop words are reset to none) every time, so a deployment
// never depends on settings made by hand. Every write waits for its task: when Upsert
// or Delete return nil the change is searchable, and a task that fails is an error.
// The library's retries are off (the indexer has its own backoff): a 502, 503 or 504
// is an EUNAVAILABLE error at once. Fresh reports an index that Open created, or
// whose documents are of an older shape (see shapeField): the platform rebuilds it.
//
// Documents: a search.Document is stored as its JSON, except that publishedAt holds
// the Unix time in seconds (a number with microseconds as the fraction, the sort key)
// and publishedAtRFC3339 the exact time as written by encoding/json; Get and Search
// put the time back together, so they return the Document that was upserted, as the
// Bleve engine does. nameSound holds the phonetic codes of the name's words, for
// finding names by how they sound (filterable only: never searched or returned).
//
// Search follows the contract of search.Index:
//   - matchingStrategy "all": every word of Q must match (Meilisearch's default
//     "last" would drop words from the end of the query until something matches).
//   - Ranking rules: Meilisearch's v1 default (words, typo, proximity, attribute,
//     sort, exactness) followed by the custom rules publishedAt:desc and id:asc, the
//     tie-breakers of the contract; a Q without words is sorted by publishedAt:desc,
//     id:asc explicitly.
//   - Exact totals: the request uses page mode (hitsPerPage and page), whose
//     totalHits is exhaustive (estimatedTotalHits in limit/offset mode is an estimate
//     and can be far off). Offset need not be a multiple of Limit: the adapter asks
//     for the smallest page size of at least Limit whose page holds the whole window
//     and cuts the window out of it (fewer than 2×Limit+25 hits are read).
//   - Filters: OR within a facet and AND across, as a filter expression whose values
//     are quoted with backslash escapes, so no value can end its string.
//   - Highlights: Meilisearch does not escape its _formatted text, so it is asked to
//     mark matches with random per-index markers; the adapter HTML-escapes the text,
//     turns the markers into <mark>…</mark> and widens each mark to the whole word
//     (Meilisearch marks only the typed prefix of a word, "<mark>Hoff</mark>mann").
//     The bio is cropped by Meilisearch to 40 words around the first match.
//   - Names spelled another way: a Q of 1 to 4 words of 3 letters or more also
//     finds the documents whose name has, for every word, a word that sounds alike
//     ("Sara Maier" finds Sarah Mayer), after the text matches (sound.go); their
//     highlights mark those name words.
//
// Known differences from the Bleve engine, all Meilisearch's own behaviour:
//   - The last word matches as a prefix with typos too: "Hofman" (6 letters, one typo
//     allowed) finds "Hoffmann" because "Hoffman" is a prefix of it within one typo;
//     Bleve requires the prefix to be typed exactly. Typos are Damerau distances (a
//     swap of two letters is one typo); Bleve counts Levenshtein (two).
//   - Ranking is Meilisearch's bucket sort (words, typo, proximity, attribute,
//     exactness), not Bleve's TF-IDF with field boosts: equally good hits may come in
//     another order.
//   - Total is capped at pagination.maxTotalHits (10,000), as are the pages.
//   - Filters compare strings case-insensitively, and facet values come back as
//     written in the documents (Bleve returns them in canonical case); the platform
//     stores canonical values, so this shows only with hand-made documents.
//   - Language detection per field (charabia) may segment words differently, for
//     example German compounds; the bio is cropped to 40 words rather than Bleve's
//     240-letter fragment.
//   - IDs pages through the documents by offset: documents deleted while it runs may
//     make it skip others (search.Rebuild runs it while no sync writes).
//   - Names by how they sound (the adapter's own way, sound.go): a document is a
//     sound-alike only if every query word sounds like a word of its name (Bleve
//     lets each word match as text or by sound), only for queries of at most 4
//     words, and at most search.MaxCandidates of them (newest first) are added.
//     Sound-alikes rank after every text match, newest first; Bleve weighs them
//     into its score.
//
// Rebuilds without downtime (search.Swapper): BeginSwap creates a temporary index
// <uid>_rebuild_<random> with the same primary key and settings, which the rebuild
// fills while the live index keeps serving; Commit exchanges the two (POST
// /swap-indexes) and deletes the temporary one, which then holds the old documents.
// Upsert and Delete on the Index meanwhile are journaled and replayed onto the
// temporary index before the swap. Swapping needs Meilisearch v1.18 or later:
// meilisearch-go v0.36.3 always sends the "rename" field of the swap request, which
// older servers refuse as unknown (400 bad_request, an EINVALID error: the rebuild
// fails and the live index stays as it was).
//
// The API key is sent only in the Authorization header; it never appears in an error
// (error texts are also scrubbed of it) and the package does not log.
package meili

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meilisearch/meilisearch-go"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/phonetic"
)

// Defaults of a Config.
const (
	DefaultIndexUID    = "mentors"
	DefaultTaskTimeout = 30 * time.Second
)

// Config configures Open.
type Config struct {
	URL         string        // base URL of the server, http or https (a path prefix is kept)
	APIKey      string        // sent as a bearer token; may be empty for a server without a master key
	IndexUID    string        // DefaultIndexUID when empty
	HTTPClient  *http.Client  // optional; otherwise the library's client (requests end with their ctx)
	TaskTimeout time.Duration // how long to wait for an enqueued task; DefaultTaskTimeout when 0
}

// Document field names of the stored JSON that differ from search.Document.
const (
	fieldID            = "id"
	fieldPublishedAt   = "publishedAt"        // number: Unix seconds, the sort key
	fieldPublishedText = "publishedAtRFC3339" // string: the exact time
)

const (
	primaryKey = fieldID
	idsPage    = 1000 // documents per request of IDs
	maxPoll    = 250 * time.Millisecond
	firstPoll  = 10 * time.Millisecond
)

// Index is a search.Index backed by one Meilisearch index. It is safe for concurrent
// use.
type Index struct {
	ms          meilisearch.ServiceManager
	uid         string
	apiKey      string // only to scrub error texts
	ownClient   bool
	taskTimeout time.Duration
	preTag      string // highlight markers, random per index
	postTag     string
	closed      atomic.Bool
	setUpDone   atomic.Bool // the index exists with its settings (setUp ran)
	fresh       atomic.Bool // setUp created the index or found documents of an older shape
	setUpMu     sync.Mutex

	// swapMu is held for reading by every live write (for its whole duration) and
	// for writing while the open rebuild changes: BeginSwap, and Commit from the
	// replay of the journal until the swap task ended.
	swapMu    sync.RWMutex
	staged    *staged  // the open rebuild, or nil; guarded by swapMu
	leftovers []string // temporary indexes not deleted yet; guarded by swapMu
}

var (
	_ search.Index    = (*Index)(nil)
	_ search.IDLister = (*Index)(nil)
	_ search.Swapper  = (*Index)(nil)
)

// Open connects to Meilisearch, creates the index if it is missing (primary key "id"),
// applies Settings and waits for those tasks. It returns EINVALID for a bad Config or
// an index with another primary key, and EUNAVAILABLE when the server refuses the API
// key. A server that cannot be reached is no error: the set-up then happens at the
// first operation that reaches it (each answers EUNAVAILABLE until then).
func Open(ctx context.Context, cfg Config) (*Index, error) {
	host, err := checkURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	uid := cfg.IndexUID
	if uid == "" {
		uid = DefaultIndexUID
	}
	if !validUID(uid) {
		return nil, otm.Invalid("Invalid Meilisearch index uid.",
			otm.Field("IndexUID", otm.RuleSlug, nil, "1 to 400 letters a-z, A-Z, digits, - and _"))
	}
	timeout := cfg.TaskTimeout
	if timeout <= 0 {
		timeout = DefaultTaskTimeout
	}
	opts := []meilisearch.Option{meilisearch.DisableRetries()} // the indexer retries with backoff
	if cfg.APIKey != "" {
		opts = append(opts, meilisearch.WithAPIKey(cfg.APIKey))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, meilisearch.WithCustomClient(cfg.HTTPClient))
	}
	pre, post, err := newMarkers()
	if err != nil {
		return nil, err
	}
	ms := meilisearch.New(host, opts...)
	x := &Index{
		ms:          ms,
		uid:         uid,
		apiKey:      cfg.APIKey,
		ownClient:   cfg.HTTPClient == nil,
		taskTimeout: timeout,
		preTag:      pre,
		postTag:     post,
	}
	switch err := x.setUp(ctx); {
	case err == nil:
		x.setUpDone.Store(true)
	case refusedKey(err) || otm.ErrorCode(err) != otm.EUNAVAILABLE:
		_ = x.Close()
		return nil, err
	default:
		// Unreachable for now: the platform starts all the same (writes
		// queue in the outbox, searches answer EUNAVAILABLE) and the index
		// is set up by the first operation once the server answers.
	}
	return x, nil
}

// refusedKey reports whether err is Meilisearch refusing the API key: a
// configuration error, not an outage.
func refusedKey(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden)
}

// checkURL returns the base URL without a trailing slash, or EINVALID. The URL is not
// echoed: it may carry credentials.
func checkURL(raw string) (string, error) {
	bad := func(msg string) error {
		return otm.Invalid("Invalid Meilisearch URL.", otm.Field("URL", otm.RuleHTTPS, nil, "%s", msg))
	}
	if raw == "" {
		return "", bad("must not be empty")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", bad("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", bad("scheme must be http or https")
	case u.Host == "":
		return "", bad("host missing")
	case u.RawQuery != "" || u.Fragment != "":
		return "", bad("must not have a query or fragment")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// validUID reports whether uid is a valid Meilisearch index uid.
func validUID(uid string) bool {
	if uid == "" || len(uid) > 400 {
		return false
	}
	for _, c := range []byte(uid) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// newMarkers returns random highlight markers: printable ASCII without characters
// that HTML escaping changes, and unguessable, so no document text contains them.
func newMarkers() (pre, post string, err error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("meili: random highlight markers: %w", err)
	}
	tok := hex.EncodeToString(b)
	return "{{otm-hl-" + tok + "}}", "{{/otm-hl-" + tok + "}}", nil
}

// shapeField is the field that the current shape of the stored documents
// introduced (nameSound, with the name sounds): an index some of whose documents
// lack it was filled by an older version and is reported as Fresh, so that the
// platform rebuilds it. The next change of the stored documents names its own new
// field here (a field whose values change meaning must be renamed for that).
const shapeField = fieldHoursBucket

// setUp creates the index if needed, applies the settings and notes whether the
// index needs a rebuild (Fresh).
func (x *Index) setUp(ctx context.Context) error {
	info, err := x.ms.GetIndex(ctx, x.uid)
	created := false
	switch {
	case meiliCode(err) == "index_not_found":
		task, err := x.ms.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: x.uid, PrimaryKey: primaryKey})
		if err != nil {
			return x.wrap(ctx, "create index", err)
		}
		// Another process may have created it meanwhile.
		switch err := x.wait(ctx, "create index", task); {
		case err == nil:
			created = true
		case meiliCode(err) != "index_already_exists":
			return err
		}
	case err != nil:
		return x.wrap(ctx, "get index", err)
	case info.PrimaryKey == "":
		task, err := x.index().UpdateIndex(ctx, &meilisearch.UpdateIndexRequestParams{PrimaryKey: primaryKey})
		if err != nil {
			return x.wrap(ctx, "set primary key", err)
		}
		if err := x.wait(ctx, "set primary key", task); err != nil {
			return err
		}
	case info.PrimaryKey != primaryKey:
		return otm.Invalid(fmt.Sprintf("The Meilisearch index %s has the primary key %q, not %q.", x.uid, info.PrimaryKey, primaryKey),
			otm.Field("IndexUID", otm.RuleTaken, nil, "index has another primary key"))
	}

	if err := x.applySettings(ctx, x.uid); err != nil {
		return err
	}
	if created {
		x.fresh.Store(true)
		return nil
	}
	st, err := x.index().GetStats(ctx, nil)
	if err != nil {
		return x.wrap(ctx, "index stats", err)
	}
	if st.NumberOfDocuments > 0 && st.FieldDistribution[shapeField] < st.NumberOfDocuments {
		x.fresh.Store(true)
	}
	return nil
}

// Fresh reports whether the index needs to be filled from the database: Open
// created it, or some of its documents predate the current document shape (they
// lack nameSound, so their names are not found by how they sound). The platform
// then rebuilds it at start (search.Indexer.Rebuild, through a temporary index
// and a swap: the old documents keep serving meanwhile). It is known once the
// index was set up: false while Meilisearch has not answered since Open.
func (x *Index) Fresh() bool { return x.fresh.Load() }

// applySettings applies Settings to the index uid, resets its stop words and waits
// for those tasks.
func (x *Index) applySettings(ctx context.Context, uid string) error {
	settings, err := x.ms.Index(uid).UpdateSettings(ctx, newSettings())
	if err != nil {
		return x.wrap(ctx, "update settings", err)
	}
	// Settings omits empty lists, so stop words added by hand are reset separately.
	stopWords, err := x.ms.Index(uid).ResetStopWords(ctx)
	if err != nil {
		return x.wrap(ctx, "reset stop words", err)
	}
	if err := x.wait(ctx, "update settings", settings); err != nil {
		return err
	}
	return x.wait(ctx, "reset stop words", stopWords)
}

// Settings returns the index settings that Open applies.
func (x *Index) Settings() *meilisearch.Settings { return newSettings() }

// Searchable fields, most important first (the attribute ranking rule).
var searchableAttributes = []string{"name", "headline", "topics", "skills", "bio", "organization", "interests"}

// Facets: the Meilisearch attribute of each search facet.
var facetAttributes = []struct{ attr, facet string }{
	{"topics", search.FacetTopic},
	{"languages", search.FacetLanguage},
	{"country", search.FacetCountry},
	{"industry", search.FacetIndustry},
	{fieldHoursBucket, search.FacetHours},
}

// fieldHoursBucket holds a document's search.HoursBucket as a list (empty when
// its hours are not public), the hours facet; it is not returned.
const fieldHoursBucket = "hoursBucket"

// newSettings returns the index settings from code.
func newSettings() *meilisearch.Settings {
	return &meilisearch.Settings{
		RankingRules:         []string{"words", "typo", "proximity", "attribute", "sort", "exactness", fieldPublishedAt + ":desc", fieldID + ":asc"},
		SearchableAttributes: append([]string(nil), searchableAttributes...),
		DisplayedAttributes:  displayedAttributes(),
		// id for "id IN [...]" and nameSound for the sound-alikes (sound.go);
		// nameSound is neither searchable nor displayed.
		FilterableAttributes: []string{"topics", "languages", "country", "hoursPerMonth", "industry", fieldHoursBucket, fieldID, fieldNameSound},
		SortableAttributes:   []string{fieldPublishedAt, fieldID},
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
		},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: 300,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeAlpha},
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: search.MaxOffset},
	}
}

// displayedAttributes returns every field of search.Document (all of them are
// public) and the stored time.
func displayedAttributes() []string {
	t := reflect.TypeFor[search.Document]()
	out := make([]string, 0, t.NumField()+1)
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" && f.IsExported() {
			out = append(out, name)
		}
	}
	return append(out, fieldPublishedText)
}

// encodeDoc returns the stored JSON of d: its JSON with publishedAt as the sort key
// (see sortKey), publishedAtRFC3339 and nameSound (see nameSounds).
func encodeDoc(d search.Document) (json.RawMessage, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("meili: encode document %s: %w", d.ID, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("meili: encode document %s: %w", d.ID, err)
	}
	m[fieldPublishedText] = m[fieldPublishedAt]
	m[fieldPublishedAt] = json.RawMessage(sortKey(d.PublishedAt))
	if m[fieldNameSound], err = json.Marshal(phonetic.NameCodes(d.Name)); err != nil {
		return nil, fmt.Errorf("meili: encode document %s: %w", d.ID, err)
	}
	buckets := []string{}
	if b := search.HoursBucket(d.HoursPerMonth); b != "" {
		buckets = append(buckets, b)
	}
	if m[fieldHoursBucket], err = json.Marshal(buckets); err != nil {
		return nil, fmt.Errorf("meili: encode document %s: %w", d.ID, err)
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("meili: encode document %s: %w", d.ID, err)
	}
	return out, nil
}

// sortKey returns t as Unix seconds with the microseconds as fraction (exact in a
// float64 and ordered as the times; times before 1970 count as 0, as in Bleve).
func sortKey(t time.Time) string {
	us := max(t.UnixMicro(), 0)
	return strconv.FormatFloat(float64(us)/1e6, 'f', -1, 64)
}

// decodeDoc returns the search.Document of a stored document or hit; other fields
// (_formatted and the like) are ignored.
func decodeDoc(m map[string]json.RawMessage) (search.Document, error) {
	var d search.Document
	c := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		if !strings.HasPrefix(k, "_") && k != fieldPublishedText && k != fieldNameSound && k != fieldHoursBucket {
			c[k] = v
		}
	}
	if s, ok := m[fieldPublishedText]; ok {
		c[fieldPublishedAt] = s
	} else if n, ok := m[fieldPublishedAt]; ok { // written by another tool: seconds only
		var secs float64
		if json.Unmarshal(n, &secs) == nil && !math.IsNaN(secs) {
			t := time.UnixMicro(int64(math.Round(secs * 1e6))).UTC()
			c[fieldPublishedAt], _ = json.Marshal(t)
		} else {
			delete(c, fieldPublishedAt)
		}
	}
	b, err := json.Marshal(c)
	if err == nil {
		err = json.Unmarshal(b, &d)
	}
	if err != nil {
		return d, fmt.Errorf("meili: decode document: %w", err)
	}
	return d, nil
}

// index returns a handle of the index for one call: the library's handle records the
// primary key of some calls in itself, so a shared one would be written concurrently.
func (x *Index) index() meilisearch.IndexManager { return x.ms.Index(x.uid) }

// open fails once the index is closed.
func (x *Index) open(ctx context.Context) error {
	if x.closed.Load() {
		return otm.Errorf(otm.EUNAVAILABLE, "The search index is closed.")
	}
	if x.setUpDone.Load() {
		return nil
	}
	// Meilisearch was unreachable at Open: set the index up now (one
	// caller at a time; EUNAVAILABLE until it answers).
	x.setUpMu.Lock()
	defer x.setUpMu.Unlock()
	if x.setUpDone.Load() {
		return nil
	}
	if err := x.setUp(ctx); err != nil {
		return err
	}
	x.setUpDone.Store(true)
	return nil
}

// Upsert adds or replaces docs by ID (Meilisearch's "add or replace": a field missing
// from the new version is removed) and waits until they are searchable. It returns
// EINVALID for a document that fails Document.Validate; of documents with the same
// ID the last one wins. While a rebuild is staged (BeginSwap) the write is journaled.
func (x *Index) Upsert(ctx context.Context, docs ...search.Document) error {
	if err := x.open(ctx); err != nil {
		return err
	}
	if len(docs) == 0 {
		return nil
	}
	ids, body, err := encodeDocs(docs)
	if err != nil {
		return err
	}
	return x.liveWrite(ctx, "add documents", ids, body, func() (*meilisearch.TaskInfo, error) {
		return x.addDocuments(ctx, x.uid, body)
	})
}

// encodeDocs validates docs and returns the IDs and the stored JSON of the last
// document per ID, in the order of their last occurrence.
func encodeDocs(docs []search.Document) ([]string, []json.RawMessage, error) {
	for i := range docs {
		if err := docs[i].Validate(); err != nil {
			return nil, nil, err
		}
	}
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		last[d.ID] = i
	}
	ids := make([]string, 0, len(last))
	body := make([]json.RawMessage, 0, len(last))
	for i, d := range docs {
		if last[d.ID] != i {
			continue
		}
		b, err := encodeDoc(d)
		if err != nil {
			return nil, nil, err
		}
		ids = append(ids, d.ID)
		body = append(body, b)
	}
	return ids, body, nil
}

// addDocuments enqueues the addition of the stored documents body to the index uid.
func (x *Index) addDocuments(ctx context.Context, uid string, body []json.RawMessage) (*meilisearch.TaskInfo, error) {
	pk := primaryKey
	task, err := x.ms.Index(uid).AddDocuments(ctx, body, &meilisearch.DocumentOptions{PrimaryKey: &pk})
	if err != nil {
		return nil, x.wrap(ctx, "add documents", err)
	}
	return task, nil
}

// Delete removes ids and waits until they are gone. Missing ids are ignored, and so are
// ids that cannot be in the index (they fail search.ValidateID). While a rebuild is
// staged (BeginSwap) the write is journaled.
func (x *Index) Delete(ctx context.Context, ids ...string) error {
	if err := x.open(ctx); err != nil {
		return err
	}
	del := deletable(ids)
	if len(del) == 0 {
		return nil
	}
	return x.liveWrite(ctx, "delete documents", del, nil, func() (*meilisearch.TaskInfo, error) {
		return x.deleteDocuments(ctx, x.uid, del)
	})
}

// deletable returns the ids that may be in an index (they pass search.ValidateID),
// each once.
func deletable(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	var del []string
	for _, id := range ids {
		if search.ValidateID(id) == nil && !seen[id] {
			seen[id] = true
			del = append(del, id)
		}
	}
	return del
}

// deleteDocuments enqueues the deletion of ids from the index uid.
func (x *Index) deleteDocuments(ctx context.Context, uid string, ids []string) (*meilisearch.TaskInfo, error) {
	task, err := x.ms.Index(uid).DeleteDocuments(ctx, ids, nil)
	if err != nil {
		return nil, x.wrap(ctx, "delete documents", err)
	}
	return task, nil
}

// Get returns the document with id, or an ENOTFOUND error.
func (x *Index) Get(ctx context.Context, id string) (*search.Document, error) {
	if err := x.open(ctx); err != nil {
		return nil, err
	}
	if search.ValidateID(id) != nil { // also keeps the id from changing the URL path
		return nil, otm.Errorf(otm.ENOTFOUND, "Mentor profile not found.")
	}
	var m map[string]json.RawMessage
	if err := x.index().GetDocument(ctx, id, nil, &m); err != nil {
		return nil, x.wrap(ctx, "get document", err)
	}
	d, err := decodeDoc(m)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Count returns the number of documents (index stats).
func (x *Index) Count(ctx context.Context) (int, error) {
	if err := x.open(ctx); err != nil {
		return 0, err
	}
	st, err := x.index().GetStats(ctx, nil)
	if err != nil {
		return 0, x.wrap(ctx, "index stats", err)
	}
	return int(st.NumberOfDocuments), nil
}

// Ping returns an EUNAVAILABLE error unless the server reports itself available.
func (x *Index) Ping(ctx context.Context) error {
	if err := x.open(ctx); err != nil {
		return err
	}
	h, err := x.ms.Health(ctx)
	if err != nil {
		return x.wrap(ctx, "health", err)
	}
	if h.Status != "available" {
		return fmt.Errorf("meili: health: status %q: %w", h.Status,
			otm.Errorf(otm.EUNAVAILABLE, "The search engine is unavailable."))
	}
	return nil
}

// IDs calls fn for every document ID, fetching only the id field, idsPage at a time.
func (x *Index) IDs(ctx context.Context, fn func(id string) error) error {
	if err := x.open(ctx); err != nil {
		return err
	}
	for offset := int64(0); ; offset += idsPage {
		var res meilisearch.DocumentsResult
		q := &meilisearch.DocumentsQuery{Offset: offset, Limit: idsPage, Fields: []string{fieldID}}
		if err := x.index().GetDocuments(ctx, q, &res); err != nil {
			return x.wrap(ctx, "list documents", err)
		}
		for _, h := range res.Results {
			var id string
			if err := json.Unmarshal(h[fieldID], &id); err != nil {
				return fmt.Errorf("meili: list documents: id: %w", err)
			}
			if err := fn(id); err != nil {
				return err
			}
		}
		if len(res.Results) < idsPage || offset+idsPage >= res.Total {
			return nil
		}
	}
}

// Close releases idle connections of the library's HTTP client; later calls return
// EUNAVAILABLE. The index on the server is left as it is.
func (x *Index) Close() error {
	if x.closed.Swap(true) {
		return nil
	}
	if x.ownClient {
		x.ms.Close()
	}
	return nil
}

// wait polls the task until it ends or TaskTimeout passes. A failed or canceled task
// is an error.
func (x *Index) wait(ctx context.Context, op string, info *meilisearch.TaskInfo) error {
	if info == nil {
		return fmt.Errorf("meili: %s: no task in the response", op)
	}
	tctx, cancel := context.WithTimeout(ctx, x.taskTimeout)
	defer cancel()
	delay := firstPoll
	for {
		task, err := x.ms.GetTask(tctx, info.TaskUID)
		if err != nil {
			if ctx.Err() == nil && tctx.Err() != nil {
				return x.taskTimeoutError(op, info.TaskUID)
			}
			return x.wrap(ctx, op+": get task", err)
		}
		switch task.Status {
		case meilisearch.TaskStatusSucceeded:
			return nil
		case meilisearch.TaskStatusFailed, meilisearch.TaskStatusCanceled:
			return x.failedTask(op, task)
		}
		t := time.NewTimer(delay)
		select {
		case <-tctx.Done():
			t.Stop()
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("meili: %s: %w", op, err)
			}
			return x.taskTimeoutError(op, info.TaskUID)
		case <-t.C:
		}
		delay = min(2*delay, maxPoll)
	}
}

func (x *Index) taskTimeoutError(op string, uid int64) error {
	return fmt.Errorf("meili: %s: task %d did not finish within %v: %w", op, uid, x.taskTimeout,
		otm.Errorf(otm.EUNAVAILABLE, "The search engine did not finish in time."))
}
