package meili

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/searchtest"
)

const testKey = "test-api-key-0123456789abcdef"

// openFake opens an Index on f with the test key; mod may change the Config.
func openFake(t *testing.T, f *fakeMeili, mod ...func(*Config)) *Index {
	t.Helper()
	cfg := Config{URL: f.srv.URL, APIKey: testKey}
	for _, m := range mod {
		m(&cfg)
	}
	x, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return x
}

// wantCode checks err's otm code and that it does not reveal the API key.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := otm.ErrorCode(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
	if err != nil && strings.Contains(err.Error(), testKey) {
		t.Errorf("error %q contains the API key", err)
	}
}

func mustUpsert(t *testing.T, x *Index, docs ...search.Document) {
	t.Helper()
	if err := x.Upsert(context.Background(), docs...); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decodeBody(t *testing.T, r fakeRequest) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s %s: body %q: %v", r.Method, r.Path, r.Body, err)
	}
	return m
}

func TestOpenCreatesIndexAndAppliesSettings(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)

	creates := f.requests("POST", "/indexes")
	if len(creates) != 1 {
		t.Fatalf("got %d POST /indexes, want 1", len(creates))
	}
	if got, want := string(creates[0].Body), `{"uid":"mentors","primaryKey":"id"}`; got != want {
		t.Errorf("create index body: got %s, want %s", got, want)
	}
	patches := f.requests("PATCH", "/indexes/mentors/settings")
	if len(patches) != 1 {
		t.Fatalf("got %d settings updates, want 1", len(patches))
	}
	if n := len(f.requests("DELETE", "/indexes/mentors/settings/stop-words")); n != 1 {
		t.Errorf("got %d stop-word resets, want 1", n)
	}
	body := decodeBody(t, patches[0])
	docFields := displayedAttributes()
	tests := []struct {
		key  string
		want string // JSON
	}{
		{"searchableAttributes", `["name","headline","topics","skills","bio","organization","interests"]`},
		{"filterableAttributes", `["topics","languages","country","hoursPerMonth","industry","hoursBucket","id","nameSound"]`},
		{"sortableAttributes", `["publishedAt","id"]`},
		{"rankingRules", `["words","typo","proximity","attribute","sort","exactness","publishedAt:desc","id:asc"]`},
		{"typoTolerance", `{"disableOnAttributes":[],"disableOnNumbers":false,"disableOnWords":[],"enabled":true,"minWordSizeForTypos":{"oneTypo":5,"twoTypos":9}}`},
		{"faceting", `{"maxValuesPerFacet":300,"sortFacetValuesBy":{"*":"alpha"}}`},
		{"pagination", `{"maxTotalHits":10000}`},
		{"displayedAttributes", mustJSON(t, docFields)},
		{"stopWords", `null`},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := mustJSON(t, body[tt.key]); got != tt.want {
				t.Errorf("settings.%s: got %s, want %s", tt.key, got, tt.want)
			}
		})
	}
	t.Run("displayed attributes are the Document's fields", func(t *testing.T) {
		want := []string{"id", "name", "organization", "orgId", "orgVerified", "industry", "headline", "bio", "topics", "skills",
			"languages", "country", "hoursPerMonth", "interests", "picture", "publishedAt", "publishedAtRFC3339"}
		if !slices.Equal(docFields, want) {
			t.Errorf("got %v, want %v", docFields, want)
		}
	})
	t.Run("Settings returns what Open applies", func(t *testing.T) {
		if got, want := mustJSON(t, x.Settings()), string(patches[0].Body); got != want {
			t.Errorf("Settings():\ngot  %s\nsent %s", got, want)
		}
	})
	t.Run("every request carries the key", func(t *testing.T) {
		for _, r := range f.allRequests() {
			if r.Auth != "Bearer "+testKey {
				t.Errorf("%s %s: got Authorization %q, want the bearer key", r.Method, r.Path, r.Auth)
			}
		}
	})
	t.Run("tasks were polled", func(t *testing.T) {
		if n := len(f.requests("GET", "/tasks/0")); n < 2 {
			t.Errorf("got %d polls of the first task, want at least 2 (it answers processing first)", n)
		}
	})
	t.Run("reopen keeps the index", func(t *testing.T) {
		openFake(t, f)
		if n := len(f.requests("POST", "/indexes")); n != 1 {
			t.Errorf("got %d index creations after reopening, want still 1", n)
		}
		if n := len(f.requests("PATCH", "/indexes/mentors/settings")); n != 2 {
			t.Errorf("got %d settings updates after reopening, want 2 (settings are applied at every Open)", n)
		}
	})
}

func TestOpenExistingIndex(t *testing.T) {
	tests := []struct {
		name     string
		pk       string
		wantCode string
		wantPK   string
	}{
		{"primary key id", "id", "", "id"},
		{"no primary key yet", "", "", "id"},
		{"another primary key", "uuid", otm.EINVALID, "uuid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, testKey)
			f.set(func(f *fakeMeili) { f.newIndex("mentors", tt.pk) })
			x, err := Open(context.Background(), Config{URL: f.srv.URL, APIKey: testKey})
			if tt.wantCode != "" {
				wantCode(t, err, tt.wantCode)
			} else if err != nil {
				t.Fatalf("Open: %v", err)
			} else {
				_ = x.Close()
			}
			if n := len(f.requests("POST", "/indexes")); n != 0 {
				t.Errorf("got %d index creations, want none", n)
			}
			if got := f.indexes["mentors"].PrimaryKey; got != tt.wantPK {
				t.Errorf("got primary key %q, want %q", got, tt.wantPK)
			}
		})
	}
}

func TestOpenConfig(t *testing.T) {
	f := newFake(t, testKey)
	tests := []struct {
		name      string
		cfg       Config
		wantCode  string
		wantField string
	}{
		{"no URL", Config{}, otm.EINVALID, "URL"},
		{"not http", Config{URL: "ftp://example.org"}, otm.EINVALID, "URL"},
		{"no host", Config{URL: "http://"}, otm.EINVALID, "URL"},
		{"query", Config{URL: f.srv.URL + "?x=1"}, otm.EINVALID, "URL"},
		{"bad uid", Config{URL: f.srv.URL, IndexUID: "men tors"}, otm.EINVALID, "IndexUID"},
		{"uid with a slash", Config{URL: f.srv.URL, IndexUID: "../keys"}, otm.EINVALID, "IndexUID"},
		{"wrong key", Config{URL: f.srv.URL, APIKey: "wrong-" + testKey}, otm.EUNAVAILABLE, ""},
		{"no key", Config{URL: f.srv.URL}, otm.EUNAVAILABLE, ""},
		{"trailing slash", Config{URL: f.srv.URL + "/", APIKey: testKey}, "", ""},
		{"other uid", Config{URL: f.srv.URL, APIKey: testKey, IndexUID: "mentors_v2"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := Open(context.Background(), tt.cfg)
			if x != nil {
				defer x.Close()
			}
			wantCode(t, err, tt.wantCode)
			if strings.Contains(fmt.Sprint(err), "wrong-") {
				t.Errorf("error %q contains the API key", err)
			}
			if tt.wantField != "" && !slices.ContainsFunc(otm.ErrorFields(err), func(fe otm.FieldError) bool { return fe.Field == tt.wantField }) {
				t.Errorf("got fields %v, want %q", otm.ErrorFields(err), tt.wantField)
			}
		})
	}
}

// searchBody runs q against the fake and returns the body of its text search: the
// search request, or the first query of the multi-search that a query matched by
// sound too sends first (see sound.go).
func searchBody(t *testing.T, f *fakeMeili, x *Index, q search.Query) (map[string]any, *search.Result) {
	t.Helper()
	before := len(f.allRequests())
	res, err := x.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	reqs := f.allRequests()[before:]
	if len(reqs) == 0 {
		t.Fatalf("Search(%+v) sent no request", q)
	}
	switch first := reqs[0]; {
	case first.Method == "POST" && first.Path == "/indexes/mentors/search":
		return decodeBody(t, first), res
	case first.Method == "POST" && first.Path == "/multi-search":
		queries, _ := decodeBody(t, first)["queries"].([]any)
		if len(queries) != 2 {
			t.Fatalf("got %d queries in the first multi-search, want 2 (text and sounds)", len(queries))
		}
		body, _ := queries[0].(map[string]any)
		if got := body["indexUid"]; got != "mentors" {
			t.Errorf("text query: got indexUid %v, want mentors", got)
		}
		delete(body, "indexUid")
		return body, res
	default:
		t.Fatalf("got %s %s first, want a search", first.Method, first.Path)
		return nil, nil
	}
}

func TestSearchRequest(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)
	mustUpsert(t, x, searchtest.Profiles(t)...)
	hostile := `DE" OR country = "FR`
	tests := []struct {
		name        string
		q           search.Query
		wantFilter  any // string or nil
		wantSort    any
		wantPerPage float64
		wantPage    float64
	}{
		{name: "placeholder", q: search.Query{},
			wantSort: []any{"publishedAt:desc", "id:asc"}, wantPerPage: 20, wantPage: 1},
		{name: "text", q: search.Query{Q: "  lena  "}, wantPerPage: 20, wantPage: 1},
		{name: "one topic", q: search.Query{Topics: []string{"digital-skills"}},
			wantFilter: `(topics = "digital-skills")`, wantSort: []any{"publishedAt:desc", "id:asc"}, wantPerPage: 20, wantPage: 1},
		{name: "OR within a facet", q: search.Query{Q: "x", Topics: []string{"a", "b"}},
			wantFilter: `(topics = "a" OR topics = "b")`, wantPerPage: 20, wantPage: 1},
		{name: "AND across facets", q: search.Query{Q: "x", Topics: []string{"a", "b"}, Countries: []string{"de"}},
			wantFilter: `(topics = "a" OR topics = "b") AND (country = "DE")`, wantPerPage: 20, wantPage: 1},
		{name: "all facets", q: search.Query{Q: "x", Topics: []string{"a"}, Languages: []string{"EN", "de"}, Countries: []string{"at"}},
			wantFilter: `(topics = "a") AND (languages = "en" OR languages = "de") AND (country = "AT")`, wantPerPage: 20, wantPage: 1},
		{name: "hostile value", q: search.Query{Q: "x", Countries: []string{hostile}},
			wantFilter: `(country = "DE\" OR COUNTRY = \"FR")`, wantPerPage: 20, wantPage: 1},
		{name: "backslash and quote", q: search.Query{Q: "x", Topics: []string{`a\" OR topics = "b\`}},
			wantFilter: `(topics = "a\\\" or topics = \"b\\")`, wantPerPage: 20, wantPage: 1},
		{name: "industry, hours and excluded ids", q: search.Query{Q: "x", Industries: []string{"Pharma", "E-Commerce"}, MinHours: 4, ExcludeIDs: []string{"m02", `m"01`}},
			wantFilter: `(industry = "Pharma" OR industry = "E-Commerce") AND (hoursBucket = "4" OR hoursBucket = "8") AND id NOT IN ["m\"01", "m02"]`, wantPerPage: 20, wantPage: 1},
		{name: "offset a multiple of limit", q: search.Query{Q: "x", Limit: 7, Offset: 14}, wantPerPage: 7, wantPage: 3},
		{name: "offset not a multiple", q: search.Query{Q: "x", Limit: 20, Offset: 29}, wantPerPage: 25, wantPage: 2},
		{name: "last offset", q: search.Query{Q: "x", Limit: 100, Offset: 10000}, wantPerPage: 100, wantPage: 101},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := searchBody(t, f, x, tt.q)
			nq, _ := tt.q.Normalize()
			if got := body["q"]; got != nq.Q {
				t.Errorf("q: got %#v, want %q", got, nq.Q)
			}
			if got := body["filter"]; !reflect.DeepEqual(got, tt.wantFilter) {
				t.Errorf("filter: got %#v, want %#v", got, tt.wantFilter)
			}
			if got := body["sort"]; !reflect.DeepEqual(got, tt.wantSort) {
				t.Errorf("sort: got %#v, want %#v", got, tt.wantSort)
			}
			if got, want := body["hitsPerPage"], tt.wantPerPage; got != want {
				t.Errorf("hitsPerPage: got %v, want %v", got, want)
			}
			if got, want := body["page"], tt.wantPage; got != want {
				t.Errorf("page: got %v, want %v", got, want)
			}
			if _, ok := body["limit"]; ok {
				t.Errorf("limit sent with page mode: %v", body["limit"])
			}
			if got, want := mustJSON(t, body["facets"]), `["topics","languages","country","industry","hoursBucket"]`; got != want {
				t.Errorf("facets: got %s, want %s", got, want)
			}
			if got := body["matchingStrategy"]; got != "all" {
				t.Errorf("matchingStrategy: got %v, want all", got)
			}
			if nq.Q == "" {
				for _, k := range []string{"attributesToHighlight", "highlightPreTag", "attributesToCrop"} {
					if _, ok := body[k]; ok {
						t.Errorf("%s sent for a placeholder search", k)
					}
				}
				return
			}
			if got, want := mustJSON(t, body["attributesToHighlight"]), `["name","headline","bio"]`; got != want {
				t.Errorf("attributesToHighlight: got %s, want %s", got, want)
			}
			if got, want := mustJSON(t, body["attributesToCrop"]), `["bio:40"]`; got != want {
				t.Errorf("attributesToCrop: got %s, want %s", got, want)
			}
			if got := body["cropMarker"]; got != "…" {
				t.Errorf("cropMarker: got %v, want …", got)
			}
			pre, _ := body["highlightPreTag"].(string)
			post, _ := body["highlightPostTag"].(string)
			if pre != x.preTag || post != x.postTag || pre == post || len(pre) < 24 || strings.ContainsAny(pre+post, `<>&'"`) {
				t.Errorf("highlight tags %q, %q: want the index's random markers without HTML characters", pre, post)
			}
		})
	}
	t.Run("hostile value is one value", func(t *testing.T) {
		groups, err := parseFilter(filterExpression(search.Query{Countries: []string{hostile, "FR"}}))
		if err != nil {
			t.Fatal(err)
		}
		want := [][]fakeCond{{{attr: "country", value: hostile}, {attr: "country", value: "FR"}}}
		if !reflect.DeepEqual(groups, want) {
			t.Errorf("got %+v, want %+v", groups, want)
		}
	})
}

func TestFilterExpression(t *testing.T) {
	tests := []struct {
		name string
		q    search.Query
		want string
	}{
		{"none", search.Query{}, ""},
		{"one", search.Query{Countries: []string{"DE"}}, `(country = "DE")`},
		{"quotes", search.Query{Topics: []string{`x" OR "y`}}, `(topics = "x\" OR \"y")`},
		{"backslash at the end", search.Query{Topics: []string{`x\`}}, `(topics = "x\\")`},
		{"parentheses and keywords", search.Query{Topics: []string{`a) OR (topics EXISTS`}}, `(topics = "a) OR (topics EXISTS")`},
		{"newline", search.Query{Languages: []string{"de\nAND"}}, "(languages = \"de\nAND\")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := filterExpression(tt.q); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if tt.want == "" {
				return
			}
			groups, err := parseFilter(tt.want)
			if err != nil {
				t.Fatalf("parse %s: %v", tt.want, err)
			}
			var values []string
			for _, g := range groups {
				for _, c := range g {
					values = append(values, c.value)
				}
			}
			want := slices.Concat(tt.q.Topics, tt.q.Languages, tt.q.Countries)
			if !slices.Equal(values, want) {
				t.Errorf("parsed values %q, want %q", values, want)
			}
		})
	}
}

func TestPageWindow(t *testing.T) {
	tests := []struct {
		offset, limit                int
		wantSize, wantPage, wantSkip int
	}{
		{0, 20, 20, 1, 0},
		{40, 20, 20, 3, 0},
		{29, 20, 25, 2, 4},
		{1, 20, 21, 1, 1},
		{99, 100, 199, 1, 99},
		{10000, 100, 100, 101, 0},
	}
	for _, tt := range tests {
		size, page, skip := pageWindow(tt.offset, tt.limit)
		if size != tt.wantSize || page != tt.wantPage || skip != tt.wantSkip {
			t.Errorf("pageWindow(%d, %d): got %d, %d, %d, want %d, %d, %d", tt.offset, tt.limit, size, page, skip, tt.wantSize, tt.wantPage, tt.wantSkip)
		}
	}
	for limit := 1; limit <= search.MaxLimit; limit++ {
		for offset := 0; offset <= search.MaxOffset; offset++ {
			size, page, skip := pageWindow(offset, limit)
			if (page-1)*size+skip != offset || skip+limit > size {
				t.Fatalf("pageWindow(%d, %d) = %d, %d, %d: the page does not hold the window", offset, limit, size, page, skip)
			}
			if size >= 2*limit+25 {
				t.Fatalf("pageWindow(%d, %d) = %d: reads too many hits", offset, limit, size)
			}
		}
	}
}

func TestSearchResult(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)
	docs := searchtest.Profiles(t)
	mustUpsert(t, x, docs...)
	ctx := context.Background()

	newest := slices.Clone(docs)
	slices.SortFunc(newest, func(a, b search.Document) int {
		if c := b.PublishedAt.Compare(a.PublishedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	var wantIDs []string
	for _, d := range newest {
		wantIDs = append(wantIDs, d.ID)
	}

	t.Run("whole documents, newest first", func(t *testing.T) {
		res, err := x.Search(ctx, search.Query{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != len(docs) {
			t.Errorf("got Total %d, want %d", res.Total, len(docs))
		}
		var got []string
		for i, h := range res.Hits {
			got = append(got, h.ID)
			if g, w := mustJSON(t, h.Document), mustJSON(t, newest[i]); g != w {
				t.Errorf("hit %d:\ngot  %s\nwant %s", i, g, w)
			}
			if h.Highlights != nil {
				t.Errorf("hit %s: got highlights %v for a placeholder search", h.ID, h.Highlights)
			}
		}
		if !slices.Equal(got, wantIDs) {
			t.Errorf("got %v, want %v", got, wantIDs)
		}
	})
	t.Run("facets under the search keys", func(t *testing.T) {
		res, err := x.Search(ctx, search.Query{Countries: []string{"de"}})
		if err != nil {
			t.Fatal(err)
		}
		var de []search.Document
		for _, d := range docs {
			if d.Country == "DE" {
				de = append(de, d)
			}
		}
		want, n := searchtest.FacetsOf(de), len(de)
		if !reflect.DeepEqual(res.Facets, want) {
			t.Errorf("got facets %v, want %v", res.Facets, want)
		}
		if res.Total != n {
			t.Errorf("got Total %d, want %d", res.Total, n)
		}
	})
	t.Run("no hits", func(t *testing.T) {
		res, err := x.Search(ctx, search.Query{Countries: []string{`DE" OR country = "FR`}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 0 || len(res.Hits) != 0 || res.Hits == nil {
			t.Errorf("got Total %d, hits %v, want none (and a non-nil slice)", res.Total, res.Hits)
		}
		for _, k := range []string{search.FacetTopic, search.FacetLanguage, search.FacetCountry} {
			if res.Facets[k] == nil {
				t.Errorf("facet %s missing", k)
			}
		}
	})
	t.Run("pages join up for any limit and offset", func(t *testing.T) {
		for _, limit := range []int{1, 3, 7, 20, 29} {
			var got []string
			for offset := 0; offset < len(docs)+limit; offset += limit {
				res, err := x.Search(ctx, search.Query{Limit: limit, Offset: offset})
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != len(docs) || len(res.Hits) > limit {
					t.Fatalf("limit %d offset %d: got Total %d and %d hits", limit, offset, res.Total, len(res.Hits))
				}
				for _, h := range res.Hits {
					got = append(got, h.ID)
				}
			}
			if !slices.Equal(got, wantIDs) {
				t.Errorf("limit %d: pages joined %v, want %v", limit, got, wantIDs)
			}
		}
		for offset := range len(docs) + 2 {
			res, err := x.Search(ctx, search.Query{Limit: 4, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			want := wantIDs[min(offset, len(wantIDs)):min(offset+4, len(wantIDs))]
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("offset %d: got %v, want %v", offset, got, want)
			}
		}
	})
	t.Run("bad limit and offset", func(t *testing.T) {
		before := len(f.requests("POST", "/indexes/mentors/search"))
		for _, q := range []search.Query{{Limit: 101}, {Limit: -1}, {Offset: -1}, {Offset: 10001}} {
			_, err := x.Search(ctx, q)
			wantCode(t, err, otm.EINVALID)
		}
		if n := len(f.requests("POST", "/indexes/mentors/search")) - before; n != 0 {
			t.Errorf("got %d requests for invalid queries, want none", n)
		}
	})
	t.Run("Get", func(t *testing.T) {
		for _, d := range docs[:5] {
			got, err := x.Get(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := mustJSON(t, got), mustJSON(t, d); g != w {
				t.Errorf("Get(%s):\ngot  %s\nwant %s", d.ID, g, w)
			}
		}
		before := len(f.allRequests())
		for _, id := range []string{"", "../stats", "a/b", "m01?x", strings.Repeat("a", 512)} {
			_, err := x.Get(ctx, id)
			wantCode(t, err, otm.ENOTFOUND)
		}
		if n := len(f.allRequests()) - before; n != 0 {
			t.Errorf("got %d requests for ids that cannot exist, want none", n)
		}
		_, err := x.Get(ctx, "nobody")
		wantCode(t, err, otm.ENOTFOUND)
		if n := len(f.requests("GET", "/indexes/mentors/documents/nobody")); n != 1 {
			t.Errorf("got %d requests for a missing document, want 1", n)
		}
	})
	t.Run("Count and Ping", func(t *testing.T) {
		n, err := x.Count(ctx)
		if err != nil || n != len(docs) {
			t.Errorf("got Count %d, %v, want %d", n, err, len(docs))
		}
		if err := x.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
		if n := len(f.requests("GET", "/health")); n != 1 {
			t.Errorf("got %d health checks, want 1", n)
		}
	})
}

func TestIDs(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)
	var docs []search.Document
	var want []string
	for i := range 2*idsPage + 7 {
		id := fmt.Sprintf("p%05d", i)
		docs = append(docs, search.Document{ID: id, Name: "N", PublishedAt: time.Unix(int64(i), 0).UTC()})
		want = append(want, id)
	}
	mustUpsert(t, x, docs...)
	var got []string
	if err := x.IDs(context.Background(), func(id string) error { got = append(got, id); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("got %d ids, want %d", len(got), len(want))
	}
	fetches := f.requests("POST", "/indexes/mentors/documents/fetch")
	if len(fetches) != 3 {
		t.Fatalf("got %d fetches, want 3", len(fetches))
	}
	for i, r := range fetches {
		body := decodeBody(t, r)
		if got, want := mustJSON(t, body["fields"]), `["id"]`; got != want {
			t.Errorf("fetch %d: fields %s, want %s", i, got, want)
		}
		if body["limit"] != float64(idsPage) || float64(i*idsPage) != (func() float64 { o, _ := body["offset"].(float64); return o })() {
			t.Errorf("fetch %d: got limit %v offset %v", i, body["limit"], body["offset"])
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := x.IDs(context.Background(), func(string) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("got %v after %d calls, want fn's error after 1", err, n)
	}
}

func TestUpsertReplacesWholeDocuments(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)
	ctx := context.Background()
	d := search.Document{ID: "m1", Name: "Ada", Interests: []string{"Chess"}, Picture: "https://example.org/a.png",
		PublishedAt: time.Date(2025, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CEST", 2*3600))}
	mustUpsert(t, x, d)
	d.Interests, d.Picture = nil, "" // made private again: must leave the index
	mustUpsert(t, x, d)
	got, err := x.Get(ctx, "m1")
	if err != nil {
		t.Fatal(err)
	}
	if g, w := mustJSON(t, got), mustJSON(t, d); g != w {
		t.Errorf("got %s, want %s", g, w)
	}
	if n := len(f.requests("PUT", "/indexes/mentors/documents")); n != 0 {
		t.Errorf("got %d PUT (add or update: keeps fields) requests, want POST (add or replace) only", n)
	}
	posts := f.requests("POST", "/indexes/mentors/documents")
	if len(posts) != 2 || posts[0].RawQuery != "primaryKey=id" {
		t.Fatalf("got %d document posts (query %q), want 2 with primaryKey=id", len(posts), posts[0].RawQuery)
	}
	var sent []map[string]any
	if err := json.Unmarshal(posts[0].Body, &sent); err != nil {
		t.Fatal(err)
	}
	if got, want := sent[0]["publishedAt"], 1746508089.123456; got != want {
		t.Errorf("publishedAt: got %v, want Unix seconds %v", got, want)
	}
	if got, want := sent[0]["publishedAtRFC3339"], "2025-05-06T07:08:09.123456789+02:00"; got != want {
		t.Errorf("publishedAtRFC3339: got %v, want %v", got, want)
	}
}

func TestUpsertInput(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)
	ctx := context.Background()
	before := len(f.allRequests())
	for _, d := range []search.Document{{Name: "no id"}, {ID: "a/b"}, {ID: strings.Repeat("x", 512)}} {
		err := x.Upsert(ctx, search.Document{ID: "ok"}, d)
		wantCode(t, err, otm.EINVALID)
		if !slices.ContainsFunc(otm.ErrorFields(err), func(fe otm.FieldError) bool { return fe.Field == "id" }) {
			t.Errorf("got fields %v, want id", otm.ErrorFields(err))
		}
	}
	if err := x.Upsert(ctx); err != nil {
		t.Errorf("Upsert(): %v", err)
	}
	if n := len(f.allRequests()) - before; n != 0 {
		t.Errorf("got %d requests for invalid or no documents, want none", n)
	}
	mustUpsert(t, x, search.Document{ID: "a", Name: "first"}, search.Document{ID: "b"}, search.Document{ID: "a", Name: "last"})
	posts := f.requests("POST", "/indexes/mentors/documents")
	var sent []map[string]any
	if err := json.Unmarshal(posts[len(posts)-1].Body, &sent); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(sent, func(a, b map[string]any) int { return strings.Compare(a["id"].(string), b["id"].(string)) })
	if len(sent) != 2 || sent[0]["name"] != "last" || sent[1]["id"] != "b" {
		t.Errorf("got %v, want a (the last version) and b", sent)
	}
}

func TestDelete(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)
	ctx := context.Background()
	mustUpsert(t, x, search.Document{ID: "m01"}, search.Document{ID: "m02"})
	tests := []struct {
		ids      []string
		wantBody string // "" means no request
	}{
		{nil, ""},
		{[]string{"", "a/b", "x y"}, ""},
		{[]string{"m01", "m01", "bad/id", "missing"}, `["m01","missing"]`},
	}
	for _, tt := range tests {
		before := len(f.requests("POST", "/indexes/mentors/documents/delete-batch"))
		if err := x.Delete(ctx, tt.ids...); err != nil {
			t.Fatalf("Delete(%q): %v", tt.ids, err)
		}
		reqs := f.requests("POST", "/indexes/mentors/documents/delete-batch")[before:]
		switch {
		case tt.wantBody == "" && len(reqs) != 0:
			t.Errorf("Delete(%q): got %d requests, want none", tt.ids, len(reqs))
		case tt.wantBody != "" && (len(reqs) != 1 || string(reqs[0].Body) != tt.wantBody):
			t.Errorf("Delete(%q): got %v, want one request with %s", tt.ids, reqs, tt.wantBody)
		}
	}
	if _, err := x.Get(ctx, "m01"); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("Get after Delete: got %v, want ENOTFOUND", err)
	}
	if n, _ := x.Count(ctx); n != 1 {
		t.Errorf("got Count %d, want 1", n)
	}
}

func TestTaskFailures(t *testing.T) {
	tests := []struct {
		name     string
		taskType string
		err      *fakeErr
		run      func(x *Index) error
		wantCode string
	}{
		{"invalid document", "documentAdditionOrUpdate",
			errBody("invalid_document_id", "invalid_request", "Document identifier `x` is invalid."),
			func(x *Index) error { return x.Upsert(context.Background(), search.Document{ID: "x"}) }, otm.EINVALID},
		{"disk full", "documentAdditionOrUpdate",
			errBody("no_space_left_on_device", "system", "There is no more space left on the device."),
			func(x *Index) error { return x.Upsert(context.Background(), search.Document{ID: "x"}) }, otm.EUNAVAILABLE},
		{"internal error on delete", "documentDeletion",
			errBody("internal", "internal", "An internal error has occurred: %s.", testKey),
			func(x *Index) error { return x.Delete(context.Background(), "x") }, otm.EUNAVAILABLE},
		{"index gone on delete", "documentDeletion",
			errBody("index_not_found", "invalid_request", "Index `mentors` not found."),
			func(x *Index) error { return x.Delete(context.Background(), "x") }, otm.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, testKey)
			x := openFake(t, f)
			f.set(func(f *fakeMeili) { f.failTask[tt.taskType] = tt.err })
			err := tt.run(x)
			wantCode(t, err, tt.wantCode)
			if !strings.Contains(err.Error(), tt.err.Code) {
				t.Errorf("error %q does not name Meilisearch's code %s", err, tt.err.Code)
			}
		})
	}
	t.Run("settings task fails at Open", func(t *testing.T) {
		f := newFake(t, testKey)
		f.set(func(f *fakeMeili) {
			f.failTask["settingsUpdate"] = errBody("invalid_settings_ranking_rules", "invalid_request", "bad ranking rules")
		})
		_, err := Open(context.Background(), Config{URL: f.srv.URL, APIKey: testKey})
		wantCode(t, err, otm.EINVALID)
	})
	t.Run("index created meanwhile", func(t *testing.T) {
		f := newFake(t, testKey)
		f.set(func(f *fakeMeili) {
			f.override = func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method == "GET" && r.URL.Path == "/indexes/mentors" && f.indexes["mentors"] == nil {
					f.newIndex("mentors", "id") // another process wins the race after this answer
					writeJSON(w, http.StatusNotFound, errBody("index_not_found", "invalid_request", "Index `mentors` not found."))
					return true
				}
				return false
			}
		})
		openFake(t, f)
	})
}

func TestTaskTimeoutAndCancel(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f, func(c *Config) { c.TaskTimeout = 100 * time.Millisecond })
	f.set(func(f *fakeMeili) { f.stuck = true })
	start := time.Now()
	err := x.Upsert(context.Background(), search.Document{ID: "a"})
	wantCode(t, err, otm.EUNAVAILABLE)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Upsert took %v with a 100ms task timeout", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	x.taskTimeout = time.Minute
	err = x.Delete(ctx, "a")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want the context's error", err)
	}
}

// failWith returns an override answering requests matching method and path with
// status and body (raw; "" for no body).
func failWith(method, path string, status int, body string) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != method || !strings.HasPrefix(r.URL.Path, path) {
			return false
		}
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	search1 := func(x *Index) error { _, err := x.Search(ctx, search.Query{Q: "x"}); return err }
	get := func(x *Index) error { _, err := x.Get(ctx, "m01"); return err }
	apiBody := func(code, typ string) string {
		return mustJSON(t, errBody(code, typ, "Message about %s and the key %s.", code, testKey))
	}
	tests := []struct {
		name     string
		method   string
		path     string
		status   int
		body     string
		run      func(x *Index) error
		wantCode string
	}{
		{"503 on search", "POST", "/indexes/mentors/search", 503, apiBody("internal", "internal"), search1, otm.EUNAVAILABLE},
		{"500 on get", "GET", "/indexes/mentors/documents/", 500, apiBody("internal", "internal"), get, otm.EUNAVAILABLE},
		{"502 from a proxy, no body", "POST", "/indexes/mentors/search", 502, "", search1, otm.EUNAVAILABLE},
		{"502 from a proxy, HTML", "GET", "/indexes/mentors/stats", 502, "<html>Bad Gateway</html>",
			func(x *Index) error { _, err := x.Count(ctx); return err }, otm.EUNAVAILABLE},
		{"429", "POST", "/indexes/mentors/search", 429, apiBody("too_many_search_requests", "system"), search1, otm.EUNAVAILABLE},
		{"bad filter", "POST", "/indexes/mentors/search", 400, apiBody("invalid_search_filter", "invalid_request"), search1, otm.EINVALID},
		{"index deleted", "POST", "/indexes/mentors/search", 404, apiBody("index_not_found", "invalid_request"), search1, otm.ENOTFOUND},
		{"key revoked", "POST", "/indexes/mentors/search", 403, apiBody("invalid_api_key", "auth"), search1, otm.EUNAVAILABLE},
		{"payload too large", "POST", "/indexes/mentors/documents", 413, apiBody("payload_too_large", "invalid_request"),
			func(x *Index) error { return x.Upsert(ctx, search.Document{ID: "a"}) }, otm.ETOOLARGE},
		{"health down", "GET", "/health", 503, `{"status":"unavailable"}`, func(x *Index) error { return x.Ping(ctx) }, otm.EUNAVAILABLE},
		{"garbled task", "GET", "/tasks/", 200, `{"uid":`,
			func(x *Index) error { return x.Delete(ctx, "a") }, otm.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, testKey)
			x := openFake(t, f)
			f.set(func(f *fakeMeili) { f.override = failWith(tt.method, tt.path, tt.status, tt.body) })
			err := tt.run(x)
			wantCode(t, err, tt.wantCode)
		})
	}
	t.Run("document not found", func(t *testing.T) {
		f := newFake(t, testKey)
		x := openFake(t, f)
		_, err := x.Get(ctx, "m01")
		wantCode(t, err, otm.ENOTFOUND)
		if got, want := otm.ErrorMessage(err), "Mentor profile not found."; got != want {
			t.Errorf("got message %q, want %q", got, want)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		f := newFake(t, testKey)
		x := openFake(t, f)
		f.srv.Close()
		for name, run := range map[string]func(x *Index) error{
			"Search": search1, "Get": get,
			"Upsert": func(x *Index) error { return x.Upsert(ctx, search.Document{ID: "a"}) },
			"Delete": func(x *Index) error { return x.Delete(ctx, "a") },
			"Count":  func(x *Index) error { _, err := x.Count(ctx); return err },
			"Ping":   func(x *Index) error { return x.Ping(ctx) },
			"IDs":    func(x *Index) error { return x.IDs(ctx, func(string) error { return nil }) },
		} {
			t.Run(name, func(t *testing.T) { wantCode(t, run(x), otm.EUNAVAILABLE) })
		}
		// Unreachable at Open: no error (the platform starts), and each
		// operation answers EUNAVAILABLE until the server answers.
		y, err := Open(ctx, Config{URL: f.srv.URL, APIKey: testKey})
		if err != nil {
			t.Fatalf("Open with the server unreachable: %v, want an index set up later", err)
		}
		t.Cleanup(func() { _ = y.Close() })
		_, err = y.Count(ctx)
		wantCode(t, err, otm.EUNAVAILABLE)
	})
	t.Run("closed", func(t *testing.T) {
		f := newFake(t, testKey)
		x := openFake(t, f)
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
		if err := x.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		before := len(f.allRequests())
		wantCode(t, search1(x), otm.EUNAVAILABLE)
		wantCode(t, x.Ping(ctx), otm.EUNAVAILABLE)
		if n := len(f.allRequests()) - before; n != 0 {
			t.Errorf("got %d requests after Close, want none", n)
		}
	})
}

func TestHighlights(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)
	evil := search.Document{
		ID:       "x1",
		Name:     "Ada <b>Lovelace</b>",
		Headline: `Algorithms & "AI" for boards`,
		Bio:      "<script>alert('xss')</script> I teach AI & ethics to boards. " + strings.Repeat("Filler text about many other things. ", 20) + "The end.",
	}
	mustUpsert(t, x, evil)
	tests := []struct {
		q    string
		want map[string]string
	}{
		{"Lovelace", map[string]string{"name": "Ada &lt;b&gt;<mark>Lovelace</mark>&lt;/b&gt;"}},
		{"Lovel", map[string]string{"name": "Ada &lt;b&gt;<mark>Lovelace</mark>&lt;/b&gt;"}},
		{"AI", map[string]string{
			"headline": `Algorithms &amp; &#34;<mark>AI</mark>&#34; for boards`,
			"bio":      "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt; I teach <mark>AI</mark> &amp; ethics to boards. " + strings.TrimSuffix(strings.Repeat("Filler text about many other things. ", 5), ". ") + "…",
		}},
		{"script", map[string]string{"bio": "&lt;<mark>script</mark>&gt;alert(&#39;xss&#39;)&lt;/<mark>script</mark>&gt; I teach AI &amp; ethics to boards. " + strings.TrimSuffix(strings.Repeat("Filler text about many other things. ", 5), ". ") + "…"}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			_, res := searchBody(t, f, x, search.Query{Q: tt.q})
			if len(res.Hits) != 1 {
				t.Fatalf("got %d hits, want 1", len(res.Hits))
			}
			if got := res.Hits[0].Highlights; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if g, w := mustJSON(t, res.Hits[0].Document), mustJSON(t, evil); g != w {
				t.Errorf("hit document changed by highlighting:\ngot  %s\nwant %s", g, w)
			}
			f.mu.Lock()
			raw := string(bytes.Join(f.responses, nil))
			f.mu.Unlock()
			if !strings.Contains(raw, "alert('xss')</") || !strings.Contains(raw, x.preTag) {
				t.Errorf("the fake's _formatted should hold raw <script> and the markers: %s", raw)
			}
		})
	}
}

func TestRenderHighlight(t *testing.T) {
	const pre, post = "{{o}}", "{{/o}}"
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"no match here", "", false},
		{"", "", false},
		{"Ada <b>{{o}}Lovelace{{/o}}</b>", "Ada &lt;b&gt;<mark>Lovelace</mark>&lt;/b&gt;", true},
		{"{{o}}Hoff{{/o}}mann", "<mark>Hoffmann</mark>", true},
		{"{{o}}Lena{{/o}} {{o}}Hoff{{/o}}mann", "<mark>Lena</mark> <mark>Hoffmann</mark>", true},
		{"{{o}}digi{{/o}}tal-skills", "<mark>digital</mark>-skills", true},
		{"{{o}}Mü{{/o}}ller & Co", "<mark>Müller</mark> &amp; Co", true},
		{"Hoff{{o}}mann{{/o}}", "<mark>Hoffmann</mark>", true},
		{"…teach {{o}}AI{{/o}} & ethics…", "…teach <mark>AI</mark> &amp; ethics…", true},
		{`{{o}}"AI"{{/o}}x`, `<mark>&#34;AI&#34;</mark>x`, true},
		{"<mark>x</mark> {{o}}y{{/o}}", "&lt;mark&gt;x&lt;/mark&gt; <mark>y</mark>", true},
		{"<script>{{o}}alert{{/o}}(1)</script>", "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;", true},
		{"unclosed {{o}}mark", "unclosed <mark>mark</mark>", true},
		{"stray {{/o}}close", "", false},
		{"{{o}}{{/o}}empty", "", false},
		{"{{o}}a{{/o}}{{o}}b{{/o}}", "<mark>ab</mark>", true},
	}
	for _, tt := range tests {
		got, ok := renderHighlight(tt.in, pre, post)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("renderHighlight(%q): got %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		d    search.Document
		key  string
	}{
		{"UTC seconds", search.Document{ID: "a", PublishedAt: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}, "1741597200"},
		{"nanoseconds and a zone", search.Document{ID: "b", PublishedAt: time.Date(2025, 3, 10, 9, 0, 0, 999999999, time.FixedZone("", -5*3600))}, "1741615200.999999"},
		{"zero time", search.Document{ID: "c", Topics: []string{}, Skills: nil}, "0"},
		{"before 1970", search.Document{ID: "d", PublishedAt: time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC)}, "0"},
		{"all fields", searchtest.Profiles(t)[0], "1741597200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := encodeDoc(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if got := string(m["publishedAt"]); got != tt.key {
				t.Errorf("publishedAt: got %s, want %s", got, tt.key)
			}
			m["_formatted"] = json.RawMessage(`{"name":"x"}`)
			got, err := decodeDoc(m)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := mustJSON(t, got), mustJSON(t, tt.d); g != w {
				t.Errorf("round trip:\ngot  %s\nwant %s", g, w)
			}
		})
	}
	t.Run("seconds only", func(t *testing.T) {
		got, err := decodeDoc(map[string]json.RawMessage{"id": json.RawMessage(`"a"`), "publishedAt": json.RawMessage(`1741597200.5`)})
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2025, 3, 10, 9, 0, 0, 5e8, time.UTC); !got.PublishedAt.Equal(want) {
			t.Errorf("got %v, want %v", got.PublishedAt, want)
		}
	})
	t.Run("sort keys keep the order of microseconds", func(t *testing.T) {
		base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		prev := -1.0
		for us := range 2000 {
			var k float64
			if err := json.Unmarshal([]byte(sortKey(base.Add(time.Duration(us)*time.Microsecond))), &k); err != nil {
				t.Fatal(err)
			}
			if k <= prev {
				t.Fatalf("sort key of +%dµs is %v, not above %v", us, k, prev)
			}
			prev = k
		}
	})
}

func TestErrorTextsNeverHoldTheKey(t *testing.T) {
	// Every failure path above checks this through wantCode; here the key also sits in
	// the URL's user info, which net/http's errors must not echo.
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	x, err := Open(context.Background(), Config{URL: strings.Replace(srv.URL, "http://", "http://user:"+testKey+"@", 1), APIKey: testKey})
	if err != nil {
		t.Fatalf("Open with the server unreachable: %v, want an index set up later", err)
	}
	defer func() { _ = x.Close() }()
	_, err = x.Count(context.Background())
	wantCode(t, err, otm.EUNAVAILABLE)
}

// TestSetUpWhenTheServerComesBack: Meilisearch is down when the platform
// starts; once it answers, the first write creates the index with its
// settings and goes through.
func TestSetUpWhenTheServerComesBack(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, testKey)
	addr := f.srv.Listener.Addr().String()
	url := f.srv.URL
	f.srv.Close()
	x, err := Open(ctx, Config{URL: url, APIKey: testKey})
	if err != nil {
		t.Fatalf("Open while down: %v", err)
	}
	t.Cleanup(func() { _ = x.Close() })
	if err := x.Upsert(ctx, searchtest.Profiles(t)[0]); otm.ErrorCode(err) != otm.EUNAVAILABLE {
		t.Fatalf("Upsert while down: got %v, want EUNAVAILABLE", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("the port %s was taken meanwhile: %v", addr, err)
	}
	back := &httptest.Server{Listener: ln, Config: &http.Server{Handler: f}}
	back.Start()
	t.Cleanup(back.Close)
	doc := searchtest.Profiles(t)[0]
	if err := x.Upsert(ctx, doc); err != nil {
		t.Fatalf("Upsert once the server is back: %v", err)
	}
	if n, err := x.Count(ctx); err != nil || n != 1 {
		t.Errorf("Count: got %d, %v; want 1", n, err)
	}
	if f.indexes[DefaultIndexUID] == nil {
		t.Errorf("the index %q was not created on the server", DefaultIndexUID)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)
	ctx := context.Background()
	docs := searchtest.Profiles(t)
	errs := make(chan error, 3*len(docs))
	for _, d := range docs {
		go func() { errs <- x.Upsert(ctx, d) }()
		go func() {
			_, err := x.Search(ctx, search.Query{Q: "lena", Topics: []string{"digital-skills"}})
			errs <- err
		}()
		go func() { errs <- x.Delete(ctx, "gone") }()
	}
	for range 3 * len(docs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n, err := x.Count(ctx); err != nil || n != len(docs) {
		t.Errorf("got Count %d, %v, want %d", n, err, len(docs))
	}
}

// TestNewFiltersThroughTheFake: the industry, hours and excluded-ids filters
// keep what they should (the fake evaluates the filter the adapter writes).
func TestNewFiltersThroughTheFake(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)
	docs := searchtest.Profiles(t)
	mustUpsert(t, x, docs...)
	tests := []struct {
		name string
		q    search.Query
		keep func(d search.Document) bool
	}{
		{"industry", search.Query{Industries: []string{"Finance"}}, func(d search.Document) bool { return d.Industry == "Finance" }},
		{"at least 4 hours", search.Query{MinHours: 4}, func(d search.Document) bool { return d.HoursPerMonth >= 4 }},
		{"excluded", search.Query{ExcludeIDs: []string{"m01", "m03"}}, func(d search.Document) bool { return d.ID != "m01" && d.ID != "m03" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Limit = 100
			res, err := x.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, d := range docs {
				if tt.keep(d) {
					want = append(want, d.ID)
				}
			}
			got := ids(res)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) || res.Total != len(want) {
				t.Errorf("got %v (Total %d), want %v", got, res.Total, want)
			}
		})
	}
}
