package meili

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// fakeMeili is an in-memory stand-in for the parts of the Meilisearch v1 HTTP API the
// adapter uses, with the real paths, status codes and bodies: writes answer 202 with a
// summarized task and take effect when the task is processed (in order, when a task
// is polled), errors are {message, code, type, link}, unknown request fields are
// refused as Meilisearch's strict deserializer does. Its search is simple (prefix
// matching of every word, newest first) but honours filters (=, IN, AND, OR),
// facets, paging, attributesToRetrieve and the highlight and crop parameters, on
// POST /indexes/{uid}/search and in a non-federated POST /multi-search. It records
// every request.
type fakeMeili struct {
	t   *testing.T
	key string // master key; "" accepts any request
	srv *httptest.Server

	mu        sync.Mutex
	indexes   map[string]*fakeIndex
	tasks     []*fakeTask // tasks[i].UID == i
	reqs      []fakeRequest
	failTask  map[string]*fakeErr                               // task type → the error it fails with
	stuck     bool                                              // tasks stay "processing"
	busyPolls int                                               // polls a task answers "processing" before it runs
	override  func(w http.ResponseWriter, r *http.Request) bool // answers instead of the API when it returns true
	responses [][]byte                                          // the search responses (of a multi-search: the whole response), in order
}

type fakeRequest struct {
	Method, Path, RawQuery, Auth string
	Body                         []byte
}

type fakeIndex struct {
	UID        string
	PrimaryKey string
	CreatedAt  time.Time
	docs       map[string]map[string]json.RawMessage
	settings   map[string]json.RawMessage
}

type fakeErr struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Type    string `json:"type"`
	Link    string `json:"link"`
}

type fakeTask struct {
	UID        int
	IndexUID   string
	Type       string
	Status     string
	EnqueuedAt time.Time
	Error      *fakeErr
	polls      int
	apply      func() *fakeErr
}

func newFake(t *testing.T, key string) *fakeMeili {
	t.Helper()
	f := &fakeMeili{t: t, key: key, indexes: map[string]*fakeIndex{}, failTask: map[string]*fakeErr{}, busyPolls: 1}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func errBody(code, typ, format string, args ...any) *fakeErr {
	return &fakeErr{Message: fmt.Sprintf(format, args...), Code: code, Type: typ, Link: "https://docs.meilisearch.com/errors#" + code}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeMeili) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, fakeRequest{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), Body: body})
	f.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))

	if r.URL.Path != "/health" && f.key != "" {
		auth := r.Header.Get("Authorization")
		switch {
		case auth == "":
			writeJSON(w, http.StatusUnauthorized, errBody("missing_authorization_header", "auth",
				"The Authorization header is missing. It must use the bearer authorization method."))
			return
		case auth != "Bearer "+f.key:
			writeJSON(w, http.StatusForbidden, errBody("invalid_api_key", "auth", "The provided API key is invalid."))
			return
		}
	}
	f.mu.Lock()
	overridden := f.override != nil && f.override(w, r) // runs with f.mu held
	f.mu.Unlock()
	if overridden {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "available"})
	})
	mux.HandleFunc("GET /indexes/{uid}", f.getIndex)
	mux.HandleFunc("POST /indexes", f.createIndex)
	mux.HandleFunc("PATCH /indexes/{uid}", f.updateIndex)
	mux.HandleFunc("DELETE /indexes/{uid}", f.deleteIndex)
	mux.HandleFunc("POST /swap-indexes", f.swapIndexes)
	mux.HandleFunc("PATCH /indexes/{uid}/settings", f.updateSettings)
	mux.HandleFunc("DELETE /indexes/{uid}/settings/stop-words", f.resetStopWords)
	mux.HandleFunc("GET /tasks/{uid}", f.getTask)
	mux.HandleFunc("POST /indexes/{uid}/documents", f.addDocuments(true))
	mux.HandleFunc("PUT /indexes/{uid}/documents", f.addDocuments(false))
	mux.HandleFunc("POST /indexes/{uid}/documents/delete-batch", f.deleteBatch)
	mux.HandleFunc("GET /indexes/{uid}/documents/{id}", f.getDocument)
	mux.HandleFunc("POST /indexes/{uid}/documents/fetch", f.fetchDocuments)
	mux.HandleFunc("POST /indexes/{uid}/search", f.search)
	mux.HandleFunc("POST /multi-search", f.multiSearch)
	mux.HandleFunc("GET /indexes/{uid}/stats", f.stats)
	mux.ServeHTTP(w, r)
}

// decodeStrict decodes a request body, refusing unknown fields with 400 bad_request.
func decodeStrict(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, errBody("bad_request", "invalid_request", "Invalid request body: %v", err))
		return false
	}
	return true
}

func (x *fakeIndex) view() map[string]any {
	return map[string]any{"uid": x.UID, "createdAt": x.CreatedAt, "updatedAt": x.CreatedAt, "primaryKey": nullable(x.PrimaryKey)}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (f *fakeMeili) index(w http.ResponseWriter, uid string) *fakeIndex {
	x := f.indexes[uid]
	if x == nil {
		writeJSON(w, http.StatusNotFound, errBody("index_not_found", "invalid_request", "Index `%s` not found.", uid))
	}
	return x
}

func (f *fakeMeili) getIndex(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if x := f.index(w, r.PathValue("uid")); x != nil {
		writeJSON(w, http.StatusOK, x.view())
	}
}

// enqueue records a task and answers 202 with its summary; uid "" is null (a task of
// no single index). Call with f.mu held.
func (f *fakeMeili) enqueue(w http.ResponseWriter, uid, typ string, apply func() *fakeErr) {
	task := &fakeTask{UID: len(f.tasks), IndexUID: uid, Type: typ, Status: "enqueued", EnqueuedAt: time.Now().UTC(), apply: apply}
	f.tasks = append(f.tasks, task)
	writeJSON(w, http.StatusAccepted, map[string]any{
		"taskUid": task.UID, "indexUid": nullable(uid), "status": "enqueued", "type": typ, "enqueuedAt": task.EnqueuedAt,
	})
}

func (f *fakeMeili) newIndex(uid, pk string) *fakeIndex {
	x := &fakeIndex{UID: uid, PrimaryKey: pk, CreatedAt: time.Now().UTC(), docs: map[string]map[string]json.RawMessage{}, settings: map[string]json.RawMessage{}}
	f.indexes[uid] = x
	return x
}

func (f *fakeMeili) createIndex(w http.ResponseWriter, r *http.Request) {
	var req struct {
		UID        string `json:"uid"`
		PrimaryKey string `json:"primaryKey"`
	}
	if !decodeStrict(w, r, &req) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enqueue(w, req.UID, "indexCreation", func() *fakeErr {
		if f.indexes[req.UID] != nil {
			return errBody("index_already_exists", "invalid_request", "Index `%s` already exists.", req.UID)
		}
		f.newIndex(req.UID, req.PrimaryKey)
		return nil
	})
}

func (f *fakeMeili) updateIndex(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PrimaryKey string `json:"primaryKey"`
	}
	if !decodeStrict(w, r, &req) {
		return
	}
	uid := r.PathValue("uid")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enqueue(w, uid, "indexUpdate", func() *fakeErr {
		x := f.indexes[uid]
		if x == nil {
			return errBody("index_not_found", "invalid_request", "Index `%s` not found.", uid)
		}
		x.PrimaryKey = req.PrimaryKey
		return nil
	})
}

func (f *fakeMeili) deleteIndex(w http.ResponseWriter, r *http.Request) {
	uid := r.PathValue("uid")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enqueue(w, uid, "indexDeletion", func() *fakeErr {
		if f.indexes[uid] == nil {
			return errBody("index_not_found", "invalid_request", "Index `%s` not found.", uid)
		}
		delete(f.indexes, uid)
		return nil
	})
}

// swapIndexes is POST /swap-indexes (Meilisearch v1.18 and later, which know
// "rename"): pairs of existing indexes exchange their documents, settings and
// primary keys in one indexSwap task, which fails if an index is missing; with
// rename the first index takes the uid of the second, which must not exist.
func (f *fakeMeili) swapIndexes(w http.ResponseWriter, r *http.Request) {
	var req []struct {
		Indexes []string `json:"indexes"`
		Rename  bool     `json:"rename"`
	}
	if !decodeStrict(w, r, &req) {
		return
	}
	seen := map[string]bool{}
	for i, p := range req {
		if len(p.Indexes) != 2 {
			writeJSON(w, http.StatusBadRequest, errBody("invalid_swap_indexes", "invalid_request",
				"Invalid value at `[%d].indexes`: Two indexes must be given for each swap. The list `%v` contains %d indexes.", i, p.Indexes, len(p.Indexes)))
			return
		}
		for _, uid := range p.Indexes {
			if seen[uid] {
				writeJSON(w, http.StatusBadRequest, errBody("invalid_swap_duplicate_index_found", "invalid_request",
					"Indexes must be declared only once during a swap. `%s` was specified several times.", uid))
				return
			}
			seen[uid] = true
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enqueue(w, "", "indexSwap", func() *fakeErr {
		var missing []string
		for _, p := range req {
			for i, uid := range p.Indexes {
				if f.indexes[uid] == nil && (i == 0 || !p.Rename) {
					missing = append(missing, "`"+uid+"`")
				}
				if i == 1 && p.Rename && f.indexes[uid] != nil {
					return errBody("index_already_exists", "invalid_request", "Index `%s` already exists.", uid)
				}
			}
		}
		if len(missing) > 0 {
			return errBody("index_not_found", "invalid_request", "Indexes %s not found.", strings.Join(missing, ", "))
		}
		for _, p := range req { // atomic: every pair or none
			a, b := p.Indexes[0], p.Indexes[1]
			xa, xb := f.indexes[a], f.indexes[b]
			delete(f.indexes, a)
			delete(f.indexes, b)
			xa.UID, f.indexes[b] = b, xa
			if xb != nil {
				xb.UID, f.indexes[a] = a, xb
			}
		}
		return nil
	})
}

// knownSettings are the settings fields Meilisearch v1.x accepts (the ones used here
// and a few more).
var knownSettings = []string{"rankingRules", "searchableAttributes", "displayedAttributes", "filterableAttributes",
	"sortableAttributes", "typoTolerance", "faceting", "pagination", "stopWords", "synonyms", "distinctAttribute",
	"proximityPrecision", "separatorTokens", "nonSeparatorTokens", "dictionary", "searchCutoffMs", "localizedAttributes"}

func (f *fakeMeili) updateSettings(w http.ResponseWriter, r *http.Request) {
	var req map[string]json.RawMessage
	if !decodeStrict(w, r, &req) {
		return
	}
	for k := range req {
		if !slices.Contains(knownSettings, k) {
			writeJSON(w, http.StatusBadRequest, errBody("bad_request", "invalid_request", "Unknown field `%s`", k))
			return
		}
	}
	uid := r.PathValue("uid")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enqueue(w, uid, "settingsUpdate", func() *fakeErr {
		x := f.indexes[uid]
		if x == nil {
			x = f.newIndex(uid, "")
		}
		for k, v := range req {
			x.settings[k] = v
		}
		return nil
	})
}

func (f *fakeMeili) resetStopWords(w http.ResponseWriter, r *http.Request) {
	uid := r.PathValue("uid")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enqueue(w, uid, "settingsUpdate", func() *fakeErr {
		if x := f.indexes[uid]; x != nil {
			delete(x.settings, "stopWords")
		}
		return nil
	})
}

// process runs the pending tasks up to uid, in order. Call with f.mu held.
func (f *fakeMeili) process(uid int) {
	for _, task := range f.tasks[:uid+1] {
		if task.Status != "enqueued" && task.Status != "processing" {
			continue
		}
		if fe := f.failTask[task.Type]; fe != nil {
			task.Status, task.Error = "failed", fe
			continue
		}
		if fe := task.apply(); fe != nil {
			task.Status, task.Error = "failed", fe
			continue
		}
		task.Status = "succeeded"
	}
}

func (f *fakeMeili) getTask(w http.ResponseWriter, r *http.Request) {
	uid, err := strconv.Atoi(r.PathValue("uid"))
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil || uid < 0 || uid >= len(f.tasks) {
		writeJSON(w, http.StatusNotFound, errBody("task_not_found", "invalid_request", "Task `%s` not found.", r.PathValue("uid")))
		return
	}
	task := f.tasks[uid]
	if !f.stuck && (task.Status == "enqueued" || task.Status == "processing") {
		if task.polls < f.busyPolls {
			task.polls++
			task.Status = "processing"
		} else {
			f.process(uid)
		}
	}
	var taskErr any
	if task.Error != nil {
		taskErr = task.Error
	}
	var finished any
	if task.Status == "succeeded" || task.Status == "failed" {
		finished = time.Now().UTC()
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"uid": task.UID, "batchUid": task.UID, "indexUid": nullable(task.IndexUID), "status": task.Status, "type": task.Type,
		"canceledBy": nil, "details": map[string]any{}, "error": taskErr, "duration": nil,
		"enqueuedAt": task.EnqueuedAt, "startedAt": task.EnqueuedAt, "finishedAt": finished,
	})
}

func (f *fakeMeili) addDocuments(replace bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var docs []map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&docs); err != nil {
			writeJSON(w, http.StatusBadRequest, errBody("malformed_payload", "invalid_request", "The `json` payload provided is malformed: %v.", err))
			return
		}
		uid, pk := r.PathValue("uid"), r.URL.Query().Get("primaryKey")
		f.mu.Lock()
		defer f.mu.Unlock()
		f.enqueue(w, uid, "documentAdditionOrUpdate", func() *fakeErr {
			x := f.indexes[uid]
			if x == nil {
				x = f.newIndex(uid, pk)
			}
			if x.PrimaryKey == "" {
				x.PrimaryKey = pk
			}
			for _, d := range docs {
				var id string
				if json.Unmarshal(d[x.PrimaryKey], &id) != nil || id == "" {
					return errBody("missing_document_id", "invalid_request", "Document doesn't have a `%s` attribute.", x.PrimaryKey)
				}
				if old := x.docs[id]; old != nil && !replace { // add or update: merge
					for k, v := range d {
						old[k] = v
					}
					continue
				}
				x.docs[id] = d
			}
			return nil
		})
	}
}

func (f *fakeMeili) deleteBatch(w http.ResponseWriter, r *http.Request) {
	var ids []string
	if !decodeStrict(w, r, &ids) {
		return
	}
	uid := r.PathValue("uid")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enqueue(w, uid, "documentDeletion", func() *fakeErr {
		x := f.indexes[uid]
		if x == nil {
			return errBody("index_not_found", "invalid_request", "Index `%s` not found.", uid)
		}
		for _, id := range ids {
			delete(x.docs, id)
		}
		return nil
	})
}

// displayed returns the fields of d that the settings display, or only fields.
func (x *fakeIndex) displayed(d map[string]json.RawMessage, fields []string) map[string]json.RawMessage {
	var show []string
	if raw, ok := x.settings["displayedAttributes"]; ok {
		_ = json.Unmarshal(raw, &show)
	}
	out := map[string]json.RawMessage{}
	for k, v := range d {
		if (len(show) == 0 || slices.Contains(show, "*") || slices.Contains(show, k)) && (len(fields) == 0 || slices.Contains(fields, k)) {
			out[k] = v
		}
	}
	return out
}

func (f *fakeMeili) getDocument(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	x := f.index(w, r.PathValue("uid"))
	if x == nil {
		return
	}
	d := x.docs[r.PathValue("id")]
	if d == nil {
		writeJSON(w, http.StatusNotFound, errBody("document_not_found", "invalid_request", "Document `%s` not found.", r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, x.displayed(d, nil))
}

func (f *fakeMeili) fetchDocuments(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Offset int      `json:"offset"`
		Limit  *int     `json:"limit"`
		Fields []string `json:"fields"`
	}
	if !decodeStrict(w, r, &req) {
		return
	}
	limit := 20
	if req.Limit != nil {
		limit = *req.Limit
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	x := f.index(w, r.PathValue("uid"))
	if x == nil {
		return
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range x.docs {
			if !yield(id) {
				return
			}
		}
	})
	results := []map[string]json.RawMessage{}
	for i := req.Offset; i < len(ids) && i < req.Offset+limit; i++ {
		results = append(results, x.displayed(x.docs[ids[i]], req.Fields))
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results, "offset": req.Offset, "limit": limit, "total": len(ids)})
}

func (f *fakeMeili) stats(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	x := f.index(w, r.PathValue("uid"))
	if x == nil {
		return
	}
	dist := map[string]int{}
	for _, d := range x.docs {
		for k := range d {
			dist[k]++
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"numberOfDocuments": len(x.docs), "rawDocumentDbSize": 4096, "avgDocumentSize": 512, "isIndexing": false,
		"numberOfEmbeddings": 0, "numberOfEmbeddedDocuments": 0, "fieldDistribution": dist,
	})
}

// fakeSearchRequest is the search body: the fields Meilisearch v1 knows that the
// library may send; anything else is refused.
type fakeSearchRequest struct {
	Q                     string          `json:"q"`
	Offset                *int            `json:"offset"`
	Limit                 *int            `json:"limit"`
	HitsPerPage           *int            `json:"hitsPerPage"`
	Page                  *int            `json:"page"`
	Filter                json.RawMessage `json:"filter"`
	Facets                []string        `json:"facets"`
	Sort                  []string        `json:"sort"`
	AttributesToRetrieve  []string        `json:"attributesToRetrieve"`
	AttributesToHighlight []string        `json:"attributesToHighlight"`
	HighlightPreTag       *string         `json:"highlightPreTag"`
	HighlightPostTag      *string         `json:"highlightPostTag"`
	AttributesToCrop      []string        `json:"attributesToCrop"`
	CropLength            *int            `json:"cropLength"`
	CropMarker            *string         `json:"cropMarker"`
	MatchingStrategy      string          `json:"matchingStrategy"`
	Hybrid                json.RawMessage `json:"hybrid"`
}

func (x *fakeIndex) setting(name string, v any) {
	if raw, ok := x.settings[name]; ok {
		_ = json.Unmarshal(raw, v)
	}
}

func (f *fakeMeili) search(w http.ResponseWriter, r *http.Request) {
	var req fakeSearchRequest
	if !decodeStrict(w, r, &req) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	resp, status, fe := f.runSearch(r.PathValue("uid"), req)
	if fe != nil {
		writeJSON(w, status, fe)
		return
	}
	f.writeSearch(w, resp)
}

// writeSearch answers 200 with resp, HTML not escaped (as Meilisearch), and records
// it in responses. Call with f.mu held.
func (f *fakeMeili) writeSearch(w http.ResponseWriter, resp any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as Meilisearch
	_ = enc.Encode(resp)
	f.responses = append(f.responses, buf.Bytes())
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(buf.Bytes())
}

// fakeMultiQuery is one query of a multi-search: a search body with the index.
type fakeMultiQuery struct {
	IndexUID          string          `json:"indexUid"`
	FederationOptions json.RawMessage `json:"federationOptions"`
	fakeSearchRequest
}

// multiSearch is POST /multi-search without federation: {"queries": [...]} with an
// indexUid in each, answered with {"results": [...]}, each result a search response
// with its indexUid, in the order of the queries. A query that fails fails the
// request with its error, the message prefixed with the query's position.
func (f *fakeMeili) multiSearch(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Queries    []json.RawMessage `json:"queries"`
		Federation json.RawMessage   `json:"federation"`
	}
	if !decodeStrict(w, r, &req) {
		return
	}
	if len(req.Federation) > 0 && string(req.Federation) != "null" {
		writeJSON(w, http.StatusBadRequest, errBody("bad_request", "invalid_request", "the fake answers non-federated multi-searches only"))
		return
	}
	queries := make([]fakeMultiQuery, len(req.Queries))
	for i, raw := range req.Queries {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&queries[i]); err != nil {
			writeJSON(w, http.StatusBadRequest, errBody("bad_request", "invalid_request", "Inside `.queries[%d]`: %v", i, err))
			return
		}
		if queries[i].IndexUID == "" {
			writeJSON(w, http.StatusBadRequest, errBody("missing_index_uid", "invalid_request", "Inside `.queries[%d]`: Missing field `indexUid`", i))
			return
		}
		if len(queries[i].FederationOptions) > 0 && string(queries[i].FederationOptions) != "null" {
			writeJSON(w, http.StatusBadRequest, errBody("invalid_multi_search_federation_options", "invalid_request",
				"Inside `.queries[%d]`: Using `federationOptions` is not allowed in a non-federated search.", i))
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	results := make([]map[string]any, len(queries))
	for i, q := range queries {
		resp, status, fe := f.runSearch(q.IndexUID, q.fakeSearchRequest)
		if fe != nil {
			fe.Message = fmt.Sprintf("Inside `.queries[%d]`: %s", i, fe.Message)
			writeJSON(w, status, fe)
			return
		}
		resp["indexUid"] = q.IndexUID
		results[i] = resp
	}
	f.writeSearch(w, map[string]any{"results": results})
}

// runSearch runs one search on the index uid and returns the response body, or the
// status and error. Call with f.mu held.
func (f *fakeMeili) runSearch(uid string, req fakeSearchRequest) (map[string]any, int, *fakeErr) {
	x := f.indexes[uid]
	if x == nil {
		return nil, http.StatusNotFound, errBody("index_not_found", "invalid_request", "Index `%s` not found.", uid)
	}
	var filterable, sortable, searchable []string
	x.setting("filterableAttributes", &filterable)
	x.setting("sortableAttributes", &sortable)
	x.setting("searchableAttributes", &searchable)
	pagination := struct {
		MaxTotalHits int `json:"maxTotalHits"`
	}{1000}
	x.setting("pagination", &pagination)

	var groups [][]fakeCond
	if len(req.Filter) > 0 && string(req.Filter) != "null" {
		var expr string
		if err := json.Unmarshal(req.Filter, &expr); err != nil {
			return nil, http.StatusBadRequest, errBody("invalid_search_filter", "invalid_request", "Invalid value type at `.filter`: expected a string or an array.")
		}
		var err error
		if groups, err = parseFilter(expr); err != nil {
			return nil, http.StatusBadRequest, errBody("invalid_search_filter", "invalid_request", "%v", err)
		}
		for _, g := range groups {
			for _, c := range g {
				if !slices.Contains(filterable, c.attr) {
					return nil, http.StatusBadRequest, errBody("invalid_search_filter", "invalid_request", "Attribute `%s` is not filterable.", c.attr)
				}
			}
		}
	}
	for _, s := range req.Sort {
		attr, dir, _ := strings.Cut(s, ":")
		if !slices.Contains(sortable, attr) || (dir != "asc" && dir != "desc") {
			return nil, http.StatusBadRequest, errBody("invalid_search_sort", "invalid_request", "Attribute `%s` is not sortable.", attr)
		}
	}
	for _, attr := range req.Facets {
		if !slices.Contains(filterable, attr) {
			return nil, http.StatusBadRequest, errBody("invalid_search_facets", "invalid_request", "Attribute `%s` is not filterable.", attr)
		}
	}

	words := fakeWords(req.Q)
	var hits []map[string]json.RawMessage
	for _, d := range x.docs {
		if matchesFilter(d, groups) && matchesWords(d, searchable, words) {
			hits = append(hits, d)
		}
	}
	slices.SortFunc(hits, func(a, b map[string]json.RawMessage) int {
		var ta, tb float64
		var ia, ib string
		_ = json.Unmarshal(a["publishedAt"], &ta)
		_ = json.Unmarshal(b["publishedAt"], &tb)
		_ = json.Unmarshal(a["id"], &ia)
		_ = json.Unmarshal(b["id"], &ib)
		if c := cmp.Compare(tb, ta); c != 0 {
			return c
		}
		return cmp.Compare(ia, ib)
	})
	facets := map[string]map[string]int{}
	for _, attr := range req.Facets {
		counts := map[string]int{}
		for _, d := range hits {
			for _, v := range fakeValues(d[attr]) {
				counts[v]++
			}
		}
		facets[attr] = counts
	}

	resp := map[string]any{"query": req.Q, "processingTimeMs": 1, "facetDistribution": facets}
	n := min(len(hits), pagination.MaxTotalHits)
	var from, to int
	if req.HitsPerPage != nil || req.Page != nil {
		hpp, page := 20, 1
		if req.HitsPerPage != nil {
			hpp = *req.HitsPerPage
		}
		if req.Page != nil {
			page = *req.Page
		}
		from, to = min((page-1)*hpp, n), min(page*hpp, n)
		pages := 0
		if hpp > 0 {
			pages = (n + hpp - 1) / hpp
		}
		resp["hitsPerPage"], resp["page"], resp["totalPages"], resp["totalHits"] = hpp, page, pages, n
	} else {
		limit, offset := 20, 0
		if req.Limit != nil {
			limit = *req.Limit
		}
		if req.Offset != nil {
			offset = *req.Offset
		}
		from, to = min(offset, n), min(offset+limit, n)
		resp["limit"], resp["offset"], resp["estimatedTotalHits"] = limit, offset, len(hits)
	}
	out := []map[string]any{}
	for _, d := range hits[from:to] {
		h := map[string]any{}
		for k, v := range x.displayed(d, req.AttributesToRetrieve) {
			h[k] = v
		}
		if len(req.AttributesToHighlight) > 0 || len(req.AttributesToCrop) > 0 {
			h["_formatted"] = fakeFormat(x.displayed(d, req.AttributesToRetrieve), words, req)
		}
		out = append(out, h)
	}
	resp["hits"] = out
	return resp, http.StatusOK, nil
}

// fakeWords returns the lower-cased words of s.
func fakeWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// fakeValues returns the string values of a field (a string or an array of strings).
func fakeValues(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	var ss []string
	_ = json.Unmarshal(raw, &ss)
	return ss
}

func matchesWords(d map[string]json.RawMessage, searchable []string, words []string) bool {
	var tokens []string
	for _, attr := range searchable {
		for _, v := range fakeValues(d[attr]) {
			tokens = append(tokens, fakeWords(v)...)
		}
	}
	for _, w := range words {
		if !slices.ContainsFunc(tokens, func(t string) bool { return strings.HasPrefix(t, w) }) {
			return false
		}
	}
	return true
}

// fakeFormat returns _formatted: the highlighted attributes with the matched prefix of
// each word wrapped in the tags (as Meilisearch does), the cropped ones cut around
// the first match with the crop marker. Text is not escaped, as in Meilisearch.
func fakeFormat(d map[string]json.RawMessage, words []string, req fakeSearchRequest) map[string]any {
	pre, post, marker := "<em>", "</em>", "…"
	if req.HighlightPreTag != nil {
		pre = *req.HighlightPreTag
	}
	if req.HighlightPostTag != nil {
		post = *req.HighlightPostTag
	}
	if req.CropMarker != nil {
		marker = *req.CropMarker
	}
	crop := map[string]int{}
	for _, c := range req.AttributesToCrop {
		attr, n, ok := strings.Cut(c, ":")
		length := 10
		if ok {
			length, _ = strconv.Atoi(n)
		}
		crop[attr] = length
	}
	out := map[string]any{}
	for k, raw := range d {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			out[k] = raw
			continue
		}
		spans := wordSpans(s)
		from, to := 0, len(s)
		if n, ok := crop[k]; ok && len(spans) > n {
			first := 0
			for i, sp := range spans {
				if matchLen(s[sp[0]:sp[1]], words) > 0 {
					first = i
					break
				}
			}
			start := max(0, min(first-10, len(spans)-n))
			if start > 0 {
				from = spans[start][0]
			}
			if start+n < len(spans) {
				to = spans[start+n-1][1]
			}
		}
		var b strings.Builder
		if from > 0 {
			b.WriteString(marker)
		}
		at := from
		if slices.Contains(req.AttributesToHighlight, k) {
			for _, sp := range spans {
				if sp[0] < from || sp[1] > to {
					continue
				}
				if n := matchLen(s[sp[0]:sp[1]], words); n > 0 {
					b.WriteString(s[at:sp[0]] + pre + s[sp[0]:sp[0]+n] + post)
					at = sp[0] + n
				}
			}
		}
		b.WriteString(s[at:to])
		if to < len(s) {
			b.WriteString(marker)
		}
		out[k] = b.String()
	}
	return out
}

// wordSpans returns the byte spans of the words of s.
func wordSpans(s string) [][2]int {
	var spans [][2]int
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			spans = append(spans, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int{start, len(s)})
	}
	return spans
}

// matchLen returns the length in bytes of the longest query word that word starts
// with (case-insensitively), or 0.
func matchLen(word string, words []string) int {
	best := 0
	lw := strings.ToLower(word)
	for _, w := range words {
		if strings.HasPrefix(lw, w) && len(w) > best && len(lw) == len(word) {
			best = len(w)
		}
	}
	return best
}

// fakeCond is one condition of a filter: attr = value (attr != value when not,
// from attr NOT IN [...]; a group of those matches when none does).
type fakeCond struct {
	attr, value string
	not         bool
}

// parseFilter parses the subset of Meilisearch's filter syntax the adapter writes:
// group (AND group)*, a group being a condition or "(" condition (OR condition)* ")",
// a condition attr = "value" or attr IN ["value", …] (one condition per value, any
// of which matches), values quoted with backslash escapes.
func parseFilter(s string) ([][]fakeCond, error) {
	p := &filterParser{s: s}
	var groups [][]fakeCond
	for {
		g, err := p.group()
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
		p.space()
		if p.eof() {
			return groups, nil
		}
		if !p.keyword("AND") {
			return nil, fmt.Errorf("filter: expected AND at %d in %q", p.i, s)
		}
	}
}

type filterParser struct {
	s string
	i int
}

func (p *filterParser) eof() bool { return p.i >= len(p.s) }

func (p *filterParser) space() {
	for !p.eof() && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *filterParser) keyword(k string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], k+" ") {
		p.i += len(k)
		return true
	}
	return false
}

func (p *filterParser) group() ([]fakeCond, error) {
	p.space()
	if p.eof() || p.s[p.i] != '(' {
		return p.cond()
	}
	p.i++
	var g []fakeCond
	for {
		c, err := p.cond()
		if err != nil {
			return nil, err
		}
		g = append(g, c...)
		p.space()
		if !p.eof() && p.s[p.i] == ')' {
			p.i++
			return g, nil
		}
		if !p.keyword("OR") {
			return nil, fmt.Errorf("filter: expected OR or ) at %d in %q", p.i, p.s)
		}
	}
}

// cond parses attr = "value" or attr IN ["value", …].
func (p *filterParser) cond() ([]fakeCond, error) {
	p.space()
	start := p.i
	for !p.eof() && (unicode.IsLetter(rune(p.s[p.i])) || p.s[p.i] == '_') {
		p.i++
	}
	attr := p.s[start:p.i]
	if attr == "" {
		return nil, fmt.Errorf("filter: expected an attribute at %d in %q", start, p.s)
	}
	p.space()
	not := p.keyword("NOT")
	if p.keyword("IN") {
		p.space()
		if p.eof() || p.s[p.i] != '[' {
			return nil, fmt.Errorf("filter: expected [ at %d in %q", p.i, p.s)
		}
		p.i++
		var g []fakeCond
		for {
			p.space()
			if !p.eof() && p.s[p.i] == ']' && len(g) == 0 {
				p.i++
				return g, nil
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			g = append(g, fakeCond{attr: attr, value: v, not: not})
			p.space()
			switch {
			case p.eof():
				return nil, errors.New("filter: unterminated IN list")
			case p.s[p.i] == ',':
				p.i++
			case p.s[p.i] == ']':
				p.i++
				return g, nil
			default:
				return nil, fmt.Errorf("filter: expected , or ] at %d in %q", p.i, p.s)
			}
		}
	}
	if not || p.eof() || p.s[p.i] != '=' {
		return nil, fmt.Errorf("filter: expected attribute =, IN or NOT IN at %d in %q", start, p.s)
	}
	p.i++
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	return []fakeCond{{attr: attr, value: v}}, nil
}

// value parses a double-quoted value with backslash escapes.
func (p *filterParser) value() (string, error) {
	p.space()
	if p.eof() || p.s[p.i] != '"' {
		return "", fmt.Errorf("filter: expected a quoted value at %d in %q", p.i, p.s)
	}
	p.i++
	var v strings.Builder
	for {
		if p.eof() {
			return "", errors.New("filter: unterminated string")
		}
		c := p.s[p.i]
		p.i++
		switch c {
		case '\\':
			if p.eof() {
				return "", errors.New("filter: dangling backslash")
			}
			v.WriteByte(p.s[p.i])
			p.i++
		case '"':
			return v.String(), nil
		default:
			v.WriteByte(c)
		}
	}
}

func matchesFilter(d map[string]json.RawMessage, groups [][]fakeCond) bool {
	for _, g := range groups {
		hit := slices.ContainsFunc(g, func(c fakeCond) bool {
			return slices.ContainsFunc(fakeValues(d[c.attr]), func(v string) bool { return strings.EqualFold(v, c.value) })
		})
		if not := len(g) > 0 && g[0].not; hit == not {
			return false
		}
	}
	return true
}

// requests returns the recorded requests with method and path.
func (f *fakeMeili) requests(method, path string) []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeRequest
	for _, r := range f.reqs {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// allRequests returns every recorded request.
func (f *fakeMeili) allRequests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

func (f *fakeMeili) set(fn func(f *fakeMeili)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}
