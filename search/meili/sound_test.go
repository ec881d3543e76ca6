package meili

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/searchtest"
)

// soundDocs are mentors whose names sound alike. With q "Mayer" the fake's text
// search (prefix words, newest first) finds s4 (bio), s9 (Mayerhofer) and s1; the
// names that sound like Mayer are s1, s2, s3 and s7.
func soundDocs() []search.Document {
	day := func(d int) time.Time { return time.Date(2025, 3, d, 9, 0, 0, 0, time.UTC) }
	return []search.Document{
		{ID: "s4", Name: "Tom Schulz", Bio: "Consultant at Mayer & Partner.", Country: "AT",
			Topics: []string{"employer-branding"}, Languages: []string{"en"}, PublishedAt: day(9)},
		{ID: "s9", Name: "Eva Mayerhofer", Country: "DE", Topics: []string{"employer-branding"}, Languages: []string{"de"}, PublishedAt: day(8)},
		{ID: "s1", Name: "Sarah Mayer", Headline: "Software im Auto", Country: "DE",
			Topics: []string{"digital-skills"}, Languages: []string{"de", "en"}, PublishedAt: day(7)},
		{ID: "s2", Name: "Anna Meyer", Country: "AT", Topics: []string{"sustainability"}, Languages: []string{"de"}, PublishedAt: day(6)},
		{ID: "s8", Name: "Sara Bianchi", Country: "IT", Topics: []string{"sustainability"}, Languages: []string{"it", "en"}, PublishedAt: day(5)},
		{ID: "s3", Name: "Jonas Maier", Country: "DE", Topics: []string{"digital-skills", "sustainability"}, Languages: []string{"de"}, PublishedAt: day(4)},
		{ID: "s5", Name: "Lena Hoffmann", Country: "DE", Topics: []string{"digital-skills"}, Languages: []string{"de", "en"}, PublishedAt: day(3)},
		{ID: "s6", Name: "Leon Hartmann", Country: "DE", Topics: []string{"employer-branding"}, Languages: []string{"de"}, PublishedAt: day(2)},
		{ID: "s7", Name: "Karl Meier", Country: "CH", Topics: []string{"sustainability"}, Languages: []string{"de", "fr"}, PublishedAt: day(1)},
	}
}

// openSounds opens an index on a new fake holding soundDocs.
func openSounds(t *testing.T) (*fakeMeili, *Index) {
	t.Helper()
	f := newFake(t, testKey)
	x := openFake(t, f)
	mustUpsert(t, x, soundDocs()...)
	return f, x
}

// countFacets counts the facet values of the documents ids of soundDocs.
func countFacets(t *testing.T, ids []string) map[string]map[string]int {
	t.Helper()
	var docs []search.Document
	for _, d := range soundDocs() {
		if slices.Contains(ids, d.ID) {
			docs = append(docs, d)
		}
	}
	return searchtest.FacetsOf(docs)
}

func ids(res *search.Result) []string {
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

// searchReqs runs q and returns its result and the requests it sent.
func searchReqs(t *testing.T, f *fakeMeili, x *Index, q search.Query) (*search.Result, []fakeRequest) {
	t.Helper()
	before := len(f.allRequests())
	res, err := x.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res, f.allRequests()[before:]
}

// queriesOf returns the search bodies of a request: its body, or each query of a
// multi-search.
func queriesOf(t *testing.T, r fakeRequest) []map[string]any {
	t.Helper()
	body := decodeBody(t, r)
	if r.Path != "/multi-search" {
		return []map[string]any{body}
	}
	var out []map[string]any
	for _, q := range body["queries"].([]any) {
		out = append(out, q.(map[string]any))
	}
	return out
}

func TestSoundSearch(t *testing.T) {
	f, x := openSounds(t)
	tests := []struct {
		name string
		q    search.Query
		want []string
	}{
		{"first name and surname spelled another way", search.Query{Q: "Sara Maier"}, []string{"s1"}},
		{"surname with one f", search.Query{Q: "Lena Hofman"}, []string{"s5"}},
		{"text matches first, then the sound-alikes newest first", search.Query{Q: "Mayer"}, []string{"s4", "s9", "s1", "s2", "s3", "s7"}},
		{"as written and sounding alike: once", search.Query{Q: "Sarah Mayer"}, []string{"s1"}},
		{"lower case", search.Query{Q: "sara maier"}, []string{"s1"}},
		{"country filter applies to sound-alikes", search.Query{Q: "Mayer", Countries: []string{"at"}}, []string{"s4", "s2"}},
		{"topic filter applies to sound-alikes", search.Query{Q: "Mayer", Topics: []string{"sustainability"}}, []string{"s2", "s3", "s7"}},
		{"filters across facets", search.Query{Q: "Mayer", Topics: []string{"digital-skills"}, Countries: []string{"DE"}}, []string{"s1", "s3"}},
		{"nothing alike", search.Query{Q: "Xyzzy"}, []string{}},
		{"a code is no text", search.Query{Q: "k67m"}, []string{}},
		{"every word must sound alike", search.Query{Q: "Sara Hofman"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Limit = 100
			res, err := x.Search(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(res); !slices.Equal(got, tt.want) {
				t.Errorf("q %q: got %v, want %v", tt.q.Q, got, tt.want)
			}
			if res.Total != len(tt.want) {
				t.Errorf("q %q: got Total %d, want %d", tt.q.Q, res.Total, len(tt.want))
			}
			if got, want := res.Facets, countFacets(t, tt.want); !reflect.DeepEqual(got, want) {
				t.Errorf("q %q: got facets %v, want %v (counted over the hits)", tt.q.Q, got, want)
			}
		})
	}
	t.Run("the sound query carries the filters", func(t *testing.T) {
		_, reqs := searchReqs(t, f, x, search.Query{Q: "Mayer", Topics: []string{"sustainability"}, Countries: []string{"AT", "CH"}})
		p := queriesOf(t, reqs[0])[1]
		want := `(topics = "sustainability") AND (country = "AT" OR country = "CH") AND nameSound IN ["k67m", "sM600"]`
		if got := p["filter"]; got != want {
			t.Errorf("sound filter:\ngot  %v\nwant %s", got, want)
		}
	})
}

func TestSoundHighlights(t *testing.T) {
	_, x := openSounds(t)
	tests := []struct {
		q    string
		want map[string]map[string]string // id → highlights
	}{
		{"Sara Maier", map[string]map[string]string{"s1": {"name": "<mark>Sarah</mark> <mark>Mayer</mark>"}}},
		{"Mayer", map[string]map[string]string{
			"s4": {"bio": "Consultant at <mark>Mayer</mark> &amp; Partner."},
			"s9": {"name": "Eva <mark>Mayerhofer</mark>"},
			"s1": {"name": "Sarah <mark>Mayer</mark>"},
			"s2": {"name": "Anna <mark>Meyer</mark>"},
			"s3": {"name": "Jonas <mark>Maier</mark>"},
			"s7": {"name": "Karl <mark>Meier</mark>"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := x.Search(context.Background(), search.Query{Q: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]map[string]string{}
			for _, h := range res.Hits {
				got[h.ID] = h.Highlights
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestSoundHighlight(t *testing.T) {
	mayer := [][]string{{"k67m", "sM600"}}
	tests := []struct {
		name   string
		sounds [][]string
		want   string
		wantOK bool
	}{
		{"Anna Meyer", mayer, "Anna <mark>Meyer</mark>", true},
		{"Anna Meyer-Maier", mayer, "Anna <mark>Meyer</mark>-<mark>Maier</mark>", true},
		{"<b>Meyer</b> & Co", mayer, "&lt;b&gt;<mark>Meyer</mark>&lt;/b&gt; &amp; Co", true},
		{"Dr. Meier", mayer, "Dr. <mark>Meier</mark>", true},
		{"Jürgen Müller", mayer, "", false},
		{"Sarah Mayer", [][]string{{"k87s", "sS600"}, {"k67m", "sM600"}}, "<mark>Sarah</mark> <mark>Mayer</mark>", true},
		{"", mayer, "", false},
	}
	for _, tt := range tests {
		got, ok := soundHighlight(tt.name, tt.sounds)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("soundHighlight(%q): got %q, %v, want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestSoundTotalsAndFacets(t *testing.T) {
	f, x := openSounds(t)
	union := []string{"s4", "s9", "s1", "s2", "s3", "s7"} // N = s4 s9 s1, R = s2 s3 s7
	res, reqs := searchReqs(t, f, x, search.Query{Q: "Mayer"})
	if res.Total != len(union) {
		t.Errorf("got Total %d, want %d", res.Total, len(union))
	}
	want := map[string]map[string]int{
		search.FacetTopic:    {"employer-branding": 2, "digital-skills": 2, "sustainability": 3},
		search.FacetLanguage: {"en": 2, "de": 5, "fr": 1},
		search.FacetCountry:  {"AT": 2, "DE": 3, "CH": 1},
		search.FacetIndustry: {},
		search.FacetHours:    {},
	}
	if !reflect.DeepEqual(res.Facets, want) {
		t.Errorf("got facets %v, want %v", res.Facets, want)
	}
	if counted := countFacets(t, union); !reflect.DeepEqual(counted, want) {
		t.Fatalf("the hand count %v disagrees with the fixture %v", want, counted)
	}
	sum := 0
	for _, n := range res.Facets[search.FacetCountry] {
		sum += n
	}
	if sum != res.Total {
		t.Errorf("got country facet sum %d, want Total %d", sum, res.Total)
	}

	t.Run("requests", func(t *testing.T) {
		if len(reqs) != 3 {
			t.Fatalf("got %d requests, want 3", len(reqs))
		}
		p := queriesOf(t, reqs[0])[1]
		checks := []struct {
			name string
			got  any
			want string
		}{
			{"P: q", p["q"], `""`},
			{"P: ids only", p["attributesToRetrieve"], `["id"]`},
			{"P: limit", p["limit"], `300`},
			{"P: newest first", p["sort"], `["publishedAt:desc","id:asc"]`},
			{"P: no facets", p["facets"], `null`},
			{"P: index", p["indexUid"], `"mentors"`},
		}
		both := queriesOf(t, reqs[1])[0]
		checks = append(checks, []struct {
			name string
			got  any
			want string
		}{
			{"P∩N: q", both["q"], `"Mayer"`},
			{"P∩N: filter", both["filter"], `"id IN [\"s1\", \"s2\", \"s3\", \"s7\"]"`},
			{"P∩N: ids only", both["attributesToRetrieve"], `["id"]`},
			{"P∩N: every word", both["matchingStrategy"], `"all"`},
		}...)
		third := queriesOf(t, reqs[2])
		if len(third) != 2 {
			t.Fatalf("got %d queries in the third request, want 2 (R's facets and documents)", len(third))
		}
		facets, docs := third[0], third[1]
		checks = append(checks, []struct {
			name string
			got  any
			want string
		}{
			{"R facets: filter", facets["filter"], `"id IN [\"s2\", \"s3\", \"s7\"]"`},
			{"R facets: no hits", facets["hitsPerPage"], `0`},
			{"R facets: facets", facets["facets"], `["topics","languages","country","industry","hoursBucket"]`},
			{"R documents: filter", docs["filter"], `"id IN [\"s2\", \"s3\", \"s7\"]"`},
			{"R documents: limit", docs["limit"], `3`},
		}...)
		for _, c := range checks {
			if got := mustJSON(t, c.got); got != c.want {
				t.Errorf("%s: got %s, want %s", c.name, got, c.want)
			}
		}
	})
}

func TestSoundPaging(t *testing.T) {
	_, x := openSounds(t)
	ctx := context.Background()
	want := []string{"s4", "s9", "s1", "s2", "s3", "s7"} // N (3) ++ R (3)
	wantFacets := countFacets(t, want)
	for limit := 1; limit <= len(want)+1; limit++ {
		var got []string
		for offset := 0; offset < len(want)+limit; offset += limit {
			res, err := x.Search(ctx, search.Query{Q: "Mayer", Limit: limit, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != len(want) || len(res.Hits) > limit {
				t.Fatalf("limit %d offset %d: got Total %d and %d hits, want %d and at most %d", limit, offset, res.Total, len(res.Hits), len(want), limit)
			}
			if !reflect.DeepEqual(res.Facets, wantFacets) {
				t.Errorf("limit %d offset %d: got facets %v, want %v", limit, offset, res.Facets, wantFacets)
			}
			got = append(got, ids(res)...)
		}
		if !slices.Equal(got, want) {
			t.Errorf("limit %d: pages joined %v, want %v (each once, in order)", limit, got, want)
		}
	}
	for offset := range len(want) + 2 {
		res, err := x.Search(ctx, search.Query{Q: "Mayer", Limit: 2, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		if got, w := ids(res), want[min(offset, len(want)):min(offset+2, len(want))]; !slices.Equal(got, w) {
			t.Errorf("offset %d: got %v, want %v", offset, got, w)
		}
	}
}

func TestSoundRequests(t *testing.T) {
	f, x := openSounds(t)
	const search1, multi = "/indexes/mentors/search", "/multi-search"
	tests := []struct {
		name string
		q    search.Query
		want []string // paths of the requests, in order
	}{
		{"placeholder", search.Query{}, []string{search1}},
		{"filters only", search.Query{Topics: []string{"sustainability"}}, []string{search1}},
		{"a word under 3 letters", search.Query{Q: "Al Meyer"}, []string{search1}},
		{"two-letter word alone", search.Query{Q: "Jo"}, []string{search1}},
		{"5 words", search.Query{Q: "Sarah Mayer Anna Meyer Karl"}, []string{search1}},
		{"a number", search.Query{Q: "Meyer 42"}, []string{search1}},
		{"a word without Latin letters", search.Query{Q: "Meyer 日本語"}, []string{search1}},
		{"candidates", search.Query{Q: "Mayer", Candidates: true, Limit: search.MaxCandidates}, []string{search1}},
		{"4 words", search.Query{Q: "Sarah Mayer Anna Meyer"}, []string{multi}},
		{"no sound-alike: one request", search.Query{Q: "Xyzzy"}, []string{multi}},
		{"every sound-alike matches the text", search.Query{Q: "Sarah Mayer"}, []string{multi, search1}},
		{"sound-alikes on the page", search.Query{Q: "Mayer"}, []string{multi, search1, multi}},
		{"sound-alikes after the page: facets only", search.Query{Q: "Mayer", Limit: 2}, []string{multi, search1, search1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, reqs := searchReqs(t, f, x, tt.q)
			var got []string
			for _, r := range reqs {
				got = append(got, r.Path)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("q %q: got requests %v, want %v", tt.q.Q, got, tt.want)
			}
			if len(tt.want) == 1 && tt.want[0] == search1 {
				if strings.Contains(string(reqs[0].Body), fieldNameSound) {
					t.Errorf("q %q: the search asks for sounds: %s", tt.q.Q, reqs[0].Body)
				}
			}
		})
	}
}

func TestQuerySounds(t *testing.T) {
	tests := []struct {
		q    search.Query
		want [][]string
	}{
		{search.Query{Q: "Sara Maier"}, [][]string{{"k87s", "sS600"}, {"k67m", "sM600"}}},
		{search.Query{Q: "Lena-Hofman"}, [][]string{{"k56l", "sL500"}, {"k0366h", "sH155"}}},
		{search.Query{Q: "Müller"}, [][]string{{"k657m", "sM460"}}},
		{search.Query{Q: "Eva"}, [][]string{{"k03e", "sE100"}}},
		{search.Query{Q: "Al"}, nil},
		{search.Query{Q: "Eva Al"}, nil},
		{search.Query{Q: "a b c d e"}, nil},
		{search.Query{Q: "Eva Eva Eva Eva Eva"}, nil},
		{search.Query{Q: "Meyer 2025"}, nil},
		{search.Query{Q: "Meyer Иван"}, nil},
		{search.Query{Q: "!!! ???"}, nil},
		{search.Query{}, nil},
		{search.Query{Q: "Meyer", Candidates: true}, nil},
	}
	for _, tt := range tests {
		if got := querySounds(tt.q); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("querySounds(%q, candidates %v): got %v, want %v", tt.q.Q, tt.q.Candidates, got, tt.want)
		}
	}
}

func TestSoundSettingsAndDocuments(t *testing.T) {
	f, x := openSounds(t)
	s := x.Settings()
	if !slices.Contains(s.FilterableAttributes, fieldNameSound) || !slices.Contains(s.FilterableAttributes, fieldID) {
		t.Errorf("filterable attributes %v: want nameSound and id among them", s.FilterableAttributes)
	}
	if slices.Contains(s.SearchableAttributes, fieldNameSound) {
		t.Errorf("searchable attributes %v: want nameSound not among them", s.SearchableAttributes)
	}
	if slices.Contains(s.DisplayedAttributes, fieldNameSound) || slices.Contains(s.DisplayedAttributes, "*") {
		t.Errorf("displayed attributes %v: want nameSound not among them", s.DisplayedAttributes)
	}

	t.Run("documents carry nameSound", func(t *testing.T) {
		tests := []struct {
			doc  search.Document
			want string
		}{
			{search.Document{ID: "a", Name: "Sarah Mayer"}, `["k67m","k87s","sM600","sS600"]`},
			{search.Document{ID: "b", Name: "Maier-Meyer, Sarah"}, `["k67m","k87s","sM600","sS600"]`},
			{search.Document{ID: "c", Name: "Иван 42"}, `[]`},
			{search.Document{ID: "d"}, `[]`},
		}
		for _, tt := range tests {
			before := len(f.requests("POST", "/indexes/mentors/documents"))
			mustUpsert(t, x, tt.doc)
			reqs := f.requests("POST", "/indexes/mentors/documents")[before:]
			if len(reqs) != 1 {
				t.Fatalf("got %d document additions, want 1", len(reqs))
			}
			var sent []map[string]json.RawMessage
			if err := json.Unmarshal(reqs[0].Body, &sent); err != nil || len(sent) != 1 {
				t.Fatalf("documents sent: %s (%v)", reqs[0].Body, err)
			}
			if got := string(sent[0][fieldNameSound]); got != tt.want {
				t.Errorf("%q: got nameSound %s, want %s", tt.doc.Name, got, tt.want)
			}
		}
	})

	t.Run("nameSound never comes back", func(t *testing.T) {
		f.set(func(f *fakeMeili) { f.responses = nil })
		for _, q := range []search.Query{{}, {Q: "Mayer"}, {Q: "Sara Maier"}, {Q: "Mayer", Limit: 1, Offset: 4}} {
			res, err := x.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Fatalf("q %q: no hits", q.Q)
			}
			if b := mustJSON(t, res); strings.Contains(b, fieldNameSound) || strings.Contains(b, "k67m") {
				t.Errorf("q %q: result holds the codes: %s", q.Q, b)
			}
		}
		d, err := x.Get(context.Background(), "s1")
		if err != nil {
			t.Fatal(err)
		}
		if b := mustJSON(t, d); strings.Contains(b, "k87s") {
			t.Errorf("Get: %s", b)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, raw := range f.responses {
			if strings.Contains(string(raw), fieldNameSound) {
				t.Errorf("Meilisearch returned nameSound: %s", raw)
			}
		}
	})
}

func TestFresh(t *testing.T) {
	t.Run("created by Open", func(t *testing.T) {
		f := newFake(t, testKey)
		if x := openFake(t, f); !x.Fresh() {
			t.Error("got Fresh false for a new index, want true")
		}
	})
	t.Run("documents of the current shape", func(t *testing.T) {
		f, _ := openSounds(t)
		if y := openFake(t, f); y.Fresh() {
			t.Error("got Fresh true, want false")
		}
	})
	t.Run("existing and empty", func(t *testing.T) {
		f := newFake(t, testKey)
		f.set(func(f *fakeMeili) { f.newIndex("mentors", "id") })
		if x := openFake(t, f); x.Fresh() {
			t.Error("got Fresh true, want false")
		}
	})
	t.Run("documents without nameSound", func(t *testing.T) {
		f, _ := openSounds(t)
		f.set(func(f *fakeMeili) {
			// written by a version before the name sounds and hours buckets
			delete(f.indexes["mentors"].docs["s3"], fieldNameSound)
			delete(f.indexes["mentors"].docs["s3"], fieldHoursBucket)
		})
		y := openFake(t, f)
		if !y.Fresh() {
			t.Error("got Fresh false, want true: a rebuild adds nameSound")
		}
		// Until then the others are still found by sound (s7 as text first),
		// Jonas Maier not at all.
		res, err := y.Search(context.Background(), search.Query{Q: "Meier"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(res), []string{"s7", "s1", "s2"}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

func TestSoundErrors(t *testing.T) {
	tests := []struct {
		name     string
		fail     func(f *fakeMeili) func(http.ResponseWriter, *http.Request) bool
		wantCode string
	}{
		{"multi-search unavailable", func(*fakeMeili) func(http.ResponseWriter, *http.Request) bool {
			return failWith("POST", "/multi-search", 503, mustJSON(t, errBody("internal", "internal", "down")))
		}, otm.EUNAVAILABLE},
		{"sound filter refused", func(*fakeMeili) func(http.ResponseWriter, *http.Request) bool {
			return failWith("POST", "/multi-search", 400, mustJSON(t, errBody("invalid_search_filter", "invalid_request", "Inside `.queries[1]`: bad filter")))
		}, otm.EINVALID},
		{"second round trip fails", func(*fakeMeili) func(http.ResponseWriter, *http.Request) bool {
			return failWith("POST", "/indexes/mentors/search", 503, mustJSON(t, errBody("internal", "internal", "down")))
		}, otm.EUNAVAILABLE},
		{"nameSound not filterable (settings not applied)", func(f *fakeMeili) func(http.ResponseWriter, *http.Request) bool {
			f.indexes["mentors"].settings["filterableAttributes"] = json.RawMessage(`["topics","languages","country"]`)
			return nil
		}, otm.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, x := openSounds(t)
			f.set(func(f *fakeMeili) { f.override = tt.fail(f) })
			_, err := x.Search(context.Background(), search.Query{Q: "Mayer"})
			wantCode(t, err, tt.wantCode)
		})
	}
}
