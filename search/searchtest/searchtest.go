// Package searchtest is the behaviour suite every search.Index implementation must
// pass, with its fixture of realistic mentor profiles. An engine's tests call Run:
//
//	func TestIndex(t *testing.T) {
//		searchtest.Run(t, func(t *testing.T) search.Index { return mustOpen(t) })
//	}
package searchtest

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"html"
	"maps"
	"slices"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
)

//go:embed testdata/profiles.json
var profilesJSON []byte

// Profiles returns the fixture: 30 public mentor profiles with German and English
// text, several topics, languages and countries. Two of them (m10, m11) share a
// PublishedAt, to check the order by ID.
func Profiles(tb testing.TB) []search.Document {
	tb.Helper()
	var docs []search.Document
	if err := json.Unmarshal(profilesJSON, &docs); err != nil {
		tb.Fatalf("decode fixture: %v", err)
	}
	return docs
}

// NameSounds is implemented by an engine that also finds a name spelled
// another way, by how it sounds (package phonetic): "Sara Maier" finds Sarah
// Mayer. The suite checks those cases only on such engines.
type NameSounds interface {
	MatchesNameSounds()
}

// Run runs the behaviour suite. newIndex must return a new, empty index each time it is
// called (and close it with t.Cleanup).
func Run(t *testing.T, newIndex func(t *testing.T) search.Index) {
	t.Run("Read", func(t *testing.T) {
		idx := loaded(t, newIndex)
		t.Run("Count", func(t *testing.T) { testCount(t, idx) })
		t.Run("Text", func(t *testing.T) { testText(t, idx) })
		t.Run("StopWords", func(t *testing.T) { testStopWords(t, idx) })
		t.Run("Filters", func(t *testing.T) { testFilters(t, idx) })
		t.Run("TextWithFilters", func(t *testing.T) { testTextWithFilters(t, idx) })
		t.Run("Paging", func(t *testing.T) { testPaging(t, idx) })
		t.Run("Validation", func(t *testing.T) { testValidation(t, idx) })
		t.Run("Get", func(t *testing.T) { testGet(t, idx) })
		t.Run("OddInput", func(t *testing.T) { testOddInput(t, idx) })
	})
	t.Run("Empty", func(t *testing.T) { testEmpty(t, newIndex(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, loaded(t, newIndex)) })
	t.Run("UpsertTwice", func(t *testing.T) { testUpsertTwice(t, loaded(t, newIndex)) })
	t.Run("Highlights", func(t *testing.T) { testHighlights(t, loaded(t, newIndex)) })
}

// loaded returns a new index holding the fixture.
func loaded(t *testing.T, newIndex func(t *testing.T) search.Index) search.Index {
	t.Helper()
	idx := newIndex(t)
	if err := idx.Upsert(context.Background(), Profiles(t)...); err != nil {
		t.Fatalf("upsert fixture: %v", err)
	}
	return idx
}

func mustSearch(tb testing.TB, idx search.Index, q search.Query) *search.Result {
	tb.Helper()
	res, err := idx.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("Search(%+v): %v", q, err)
	}
	if res.Hits == nil {
		tb.Errorf("Search(%+v): Hits is nil, want a (possibly empty) slice", q)
	}
	for _, k := range []string{search.FacetTopic, search.FacetLanguage, search.FacetCountry} {
		if res.Facets[k] == nil {
			tb.Errorf("Search(%+v): facet %q missing", q, k)
		}
	}
	return res
}

func mustCount(tb testing.TB, idx search.Index) int {
	tb.Helper()
	n, err := idx.Count(context.Background())
	if err != nil {
		tb.Fatalf("Count: %v", err)
	}
	return n
}

func hitIDs(res *search.Result) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

// wantError checks that err has code and, if field is set, names field.
func wantError(tb testing.TB, err error, code, field string) {
	tb.Helper()
	if got := otm.ErrorCode(err); got != code {
		tb.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
	if field == "" {
		return
	}
	for _, f := range otm.ErrorFields(err) {
		if f.Field == field {
			return
		}
	}
	tb.Errorf("got fields %v, want one named %q", otm.ErrorFields(err), field)
}

// byNewest sorts docs as a search without words does: PublishedAt desc, then ID.
func byNewest(docs []search.Document) {
	slices.SortFunc(docs, func(a, b search.Document) int {
		if c := b.PublishedAt.Compare(a.PublishedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// FacetsOf counts the facet values of docs as an engine's Result.Facets must
// (every facet name present).
func FacetsOf(docs []search.Document) map[string]map[string]int {
	f := map[string]map[string]int{}
	for _, name := range search.Facets {
		f[name] = map[string]int{}
	}
	for _, d := range docs {
		if d.Industry != "" {
			f[search.FacetIndustry][d.Industry]++
		}
		if h := search.HoursBucket(d.HoursPerMonth); h != "" {
			f[search.FacetHours][h]++
		}
		for _, t := range uniq(d.Topics) {
			f[search.FacetTopic][t]++
		}
		for _, l := range uniq(d.Languages) {
			f[search.FacetLanguage][l]++
		}
		if d.Country != "" {
			f[search.FacetCountry][d.Country]++
		}
	}
	return f
}

func uniq(vs []string) []string {
	vs = slices.Clone(vs)
	slices.Sort(vs)
	return slices.Compact(vs)
}

// matchesFilters reports whether d passes the filters of q (values already canonical).
func matchesFilters(d search.Document, q search.Query) bool {
	anyOf := func(have, want []string) bool {
		if len(want) == 0 {
			return true
		}
		for _, w := range want {
			if slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, w) }) {
				return true
			}
		}
		return false
	}
	return anyOf(d.Topics, q.Topics) && anyOf(d.Languages, q.Languages) && anyOf([]string{d.Country}, q.Countries) &&
		(len(q.Industries) == 0 || slices.Contains(q.Industries, d.Industry)) &&
		(q.MinHours == 0 || d.HoursPerMonth >= q.MinHours) && !slices.Contains(q.ExcludeIDs, d.ID)
}

func withTopic(docs []search.Document, topic string) []string {
	var ids []string
	for _, d := range docs {
		if slices.Contains(d.Topics, topic) {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

func testCount(t *testing.T, idx search.Index) {
	if got, want := mustCount(t, idx), len(Profiles(t)); got != want {
		t.Errorf("got Count %d, want %d", got, want)
	}
	if err := idx.Ping(context.Background()); err != nil {
		t.Errorf("got Ping error %v, want nil", err)
	}
}

func testText(t *testing.T, idx search.Index) {
	docs := Profiles(t)
	digital := withTopic(docs, "digital-skills")
	tests := []struct {
		name      string
		q         string
		wantFirst string   // the best hit, if set
		wantIn    []string // ids that must be found
		wantOut   []string // ids that must not be found
		wantNone  bool     // nothing may match
		sounds    bool     // needs an engine that matches names by sound (NameSounds)
	}{
		{name: "exact name", q: "Lena Hoffmann", wantFirst: "m01"},
		{name: "upper case", q: "LENA HOFFMANN", wantFirst: "m01"},
		{name: "surname", q: "hoffmann", wantFirst: "m01"},
		{name: "one typo (7 letters, deletion)", q: "Hofmann", wantIn: []string{"m01"}},
		{name: "one typo (8 letters, substitution)", q: "Hoffmenn", wantIn: []string{"m01"}},
		{name: "two typos refused below 9 letters", q: "Boaldexn", wantOut: []string{"m01"}},
		// Names spelled another way are found by how they sound
		// (Kölner Phonetik, Soundex): first, ahead of mere word matches.
		{name: "name sounds alike (Hoffmann)", q: "Lena Hofman", wantFirst: "m01", sounds: true},
		{name: "name sounds alike (Sarah Mayer)", q: "Sara Maier", wantFirst: "m26", wantOut: []string{"m22"}, sounds: true},
		{name: "surname sounds alike", q: "Meyer", wantFirst: "m26", sounds: true},
		{name: "surname sounds alike (Schröder)", q: "Schroeder", wantFirst: "m21", sounds: true},
		{name: "sound is no typo (first letter)", q: "Joffmann", wantOut: []string{"m01"}},
		{name: "two typos from 9 letters", q: "Papadopolus", wantIn: []string{"m02"}},
		{name: "three typos refused", q: "Kobirnetas", wantOut: []string{"m10"}},
		{name: "first-letter typo counts two (8 letters)", q: "Mouldern", wantOut: []string{"m01"}},
		{name: "first-letter typo alone (9 letters)", q: "Kufthansa", wantIn: []string{"m11"}},
		{name: "first-letter typo and one more (9 letters)", q: "Kufthanza", wantOut: []string{"m11"}},
		{name: "exact below 5 letters", q: "Lena", wantIn: []string{"m01"}},
		{name: "no typo below 5 letters", q: "Reals", wantIn: []string{"m01"}},
		{name: "no typo below 5 letters (4)", q: "Rels", wantOut: []string{"m01"}},
		{name: "prefix of last word", q: "Hoff", wantIn: []string{"m01"}},
		{name: "prefix after full word", q: "Lena Hoff", wantFirst: "m01"},
		{name: "prefix only on last word", q: "Hoff Lena", wantOut: []string{"m01"}},
		{name: "prefix finds topic words", q: "digi", wantIn: digital},
		{name: "topic id", q: "digital-skills", wantIn: digital},
		{name: "folded umlaut", q: "Muller", wantIn: []string{"m04"}},
		{name: "umlaut", q: "Müller", wantIn: []string{"m04"}},
		{name: "umlaut as ue (a typo)", q: "Mueller", wantIn: []string{"m04"}},
		{name: "folded a-umlaut", q: "Brandstatter", wantFirst: "m08"},
		{name: "skill", q: "Kubernetes", wantFirst: "m10"},
		{name: "bio word", q: "Rechenzentrum", wantFirst: "m10"},
		{name: "organization", q: "Lufthansa", wantFirst: "m11"},
		{name: "public interests", q: "Bouldern", wantFirst: "m01"},
		{name: "name outranks bio", q: "Weber", wantFirst: "m03", wantIn: []string{"m20"}},
		{name: "every word must match", q: "Lena Kubernetes", wantNone: true},
		{name: "nothing similar", q: "xyzzyqwertz", wantNone: true},
	}
	_, sounds := idx.(NameSounds)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.sounds && !sounds {
				t.Skip("this engine does not match names by sound (NameSounds)")
			}
			res := mustSearch(t, idx, search.Query{Q: tt.q, Limit: 100})
			got := hitIDs(res)
			if tt.wantNone && len(got) > 0 {
				t.Errorf("q %q: got %v, want no hits", tt.q, got)
			}
			if res.Total != len(got) {
				t.Errorf("q %q: got Total %d, want %d (all hits fit one page)", tt.q, res.Total, len(got))
			}
			if tt.wantFirst != "" && (len(got) == 0 || got[0] != tt.wantFirst) {
				t.Errorf("q %q: got %v, want %s first", tt.q, got, tt.wantFirst)
			}
			for _, id := range tt.wantIn {
				if !slices.Contains(got, id) {
					t.Errorf("q %q: got %v, want %s among them", tt.q, got, id)
				}
			}
			for _, id := range tt.wantOut {
				if slices.Contains(got, id) {
					t.Errorf("q %q: got %v, want %s not among them", tt.q, got, id)
				}
			}
		})
	}
}

func testStopWords(t *testing.T, idx search.Index) {
	with := hitIDs(mustSearch(t, idx, search.Query{Q: "mentor with AI", Limit: 100}))
	without := hitIDs(mustSearch(t, idx, search.Query{Q: "mentor AI", Limit: 100}))
	if !slices.Contains(with, "m03") {
		t.Errorf(`q "mentor with AI": got %v, want m03 among them`, with)
	}
	if !slices.Contains(without, "m03") {
		t.Errorf(`q "mentor AI": got %v, want m03 among them`, without)
	}
	for _, id := range with {
		if !slices.Contains(without, id) {
			t.Errorf(`%s found by "mentor with AI" but not by "mentor AI" (%v)`, id, without)
		}
	}
}

func testFilters(t *testing.T, idx search.Index) {
	docs := Profiles(t)
	tests := []struct {
		name string
		q    search.Query
	}{
		{"none", search.Query{}},
		{"one topic", search.Query{Topics: []string{"digital-skills"}}},
		{"topics OR", search.Query{Topics: []string{"employer-branding", "new-work-leadership"}}},
		{"one language", search.Query{Languages: []string{"fr"}}},
		{"languages OR", search.Query{Languages: []string{"it", "es"}}},
		{"countries OR", search.Query{Countries: []string{"DE", "AT"}}},
		{"country lower case", search.Query{Countries: []string{"ch"}}},
		{"AND across facets", search.Query{Topics: []string{"digital-skills"}, Languages: []string{"en"}, Countries: []string{"DE"}}},
		{"OR within, AND across", search.Query{Topics: []string{"sustainability", "diversity-inclusion"}, Countries: []string{"IT", "NL", "DE"}}},
		{"unknown value", search.Query{Topics: []string{"underwater-basket-weaving"}}},
		{"contradiction", search.Query{Languages: []string{"sv"}, Countries: []string{"DE"}}},
		{"one industry", search.Query{Industries: []string{"Finance"}}},
		{"industries OR", search.Query{Industries: []string{"Pharma", "Media", "Energy"}}},
		{"industry as stored (case)", search.Query{Industries: []string{"finance"}}},
		{"at least 4 hours", search.Query{MinHours: 4}},
		{"at least 8 hours", search.Query{MinHours: 8}},
		{"hours and topic", search.Query{MinHours: 2, Topics: []string{"digital-skills"}}},
		{"excluded ids", search.Query{ExcludeIDs: []string{"m01", "m02", "m26", "no-such-id"}}},
		{"excluded ids and a filter", search.Query{ExcludeIDs: []string{"m01"}, Industries: []string{"Finance", "E-Commerce"}, MinHours: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Limit = 100
			var want []search.Document
			for _, d := range docs {
				if matchesFilters(d, q) {
					want = append(want, d)
				}
			}
			byNewest(want)
			res := mustSearch(t, idx, q)
			wantIDs := make([]string, len(want))
			for i, d := range want {
				wantIDs[i] = d.ID
			}
			if got := hitIDs(res); !slices.Equal(got, wantIDs) {
				t.Errorf("got %v, want %v", got, wantIDs)
			}
			if res.Total != len(want) {
				t.Errorf("got Total %d, want %d", res.Total, len(want))
			}
			if wantF := FacetsOf(want); !equalFacets(res.Facets, wantF) {
				t.Errorf("got facets %v, want %v", res.Facets, wantF)
			}
			checkCountryFacetSum(t, res)
			// For matching: the same hits in the same order, up to
			// MaxCandidates at once, and no facet counts.
			cq := q
			cq.Candidates, cq.Limit = true, search.MaxCandidates
			cres := mustSearch(t, idx, cq)
			if got := hitIDs(cres); !slices.Equal(got, wantIDs) {
				t.Errorf("candidates: got %v, want %v", got, wantIDs)
			}
			for name, counts := range cres.Facets {
				if len(counts) > 0 {
					t.Errorf("candidates: facet %s has counts %v, want none", name, counts)
				}
			}
		})
	}
}

// equalFacets compares facet distributions, ignoring zero counts.
func equalFacets(got, want map[string]map[string]int) bool {
	nonZero := func(m map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range m {
			if v != 0 {
				out[k] = v
			}
		}
		return out
	}
	for _, k := range search.Facets {
		if !maps.Equal(nonZero(got[k]), nonZero(want[k])) {
			return false
		}
	}
	return true
}

// checkCountryFacetSum checks that the single-valued country facet adds up to Total
// (every fixture profile has a country).
func checkCountryFacetSum(tb testing.TB, res *search.Result) {
	tb.Helper()
	sum := 0
	for _, n := range res.Facets[search.FacetCountry] {
		sum += n
	}
	if sum != res.Total {
		tb.Errorf("got country facet sum %d, want Total %d", sum, res.Total)
	}
}

func testTextWithFilters(t *testing.T, idx search.Index) {
	docs := map[string]search.Document{}
	for _, d := range Profiles(t) {
		docs[d.ID] = d
	}
	tests := []struct {
		name string
		q    search.Query
	}{
		{"topic", search.Query{Q: "TikTok", Topics: []string{"employer-branding"}}},
		{"country", search.Query{Q: "digital", Countries: []string{"DE"}}},
		{"language and country", search.Query{Q: "leaders", Languages: []string{"en"}, Countries: []string{"IE", "NL", "IT"}}},
		{"prefix and topics", search.Query{Q: "team", Topics: []string{"new-work-leadership", "sustainability"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Limit = 100
			unfiltered := mustSearch(t, idx, search.Query{Q: q.Q, Limit: 100})
			var want []search.Document
			for _, id := range hitIDs(unfiltered) {
				if matchesFilters(docs[id], q) {
					want = append(want, docs[id])
				}
			}
			res := mustSearch(t, idx, q)
			got := hitIDs(res)
			wantIDs := make([]string, len(want))
			for i, d := range want {
				wantIDs[i] = d.ID
			}
			if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(wantIDs))) {
				t.Errorf("q %q: got %v, want the filtered unfiltered hits %v", q.Q, got, wantIDs)
			}
			if len(want) == 0 {
				t.Errorf("q %q: the fixture should give this case at least one hit", q.Q)
			}
			if res.Total != len(want) {
				t.Errorf("got Total %d, want %d", res.Total, len(want))
			}
			if wantF := FacetsOf(want); !equalFacets(res.Facets, wantF) {
				t.Errorf("got facets %v, want %v", res.Facets, wantF)
			}
			checkCountryFacetSum(t, res)
		})
	}
}

func testPaging(t *testing.T, idx search.Index) {
	tests := []struct {
		name  string
		q     search.Query
		limit int
	}{
		{"newest first", search.Query{}, 7},
		{"newest first, one per page", search.Query{Countries: []string{"DE"}}, 1},
		{"relevance", search.Query{Q: "digital"}, 4},
		{"relevance with prefix", search.Query{Q: "de"}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := tt.q
			all.Limit = 100
			full := mustSearch(t, idx, all)
			want := hitIDs(full)
			if len(want) <= tt.limit {
				t.Fatalf("got %d hits, want more than one page of %d", len(want), tt.limit)
			}
			var got []string
			for offset := 0; offset < len(want)+tt.limit; offset += tt.limit {
				q := tt.q
				q.Limit, q.Offset = tt.limit, offset
				page := mustSearch(t, idx, q)
				if page.Total != full.Total {
					t.Errorf("offset %d: got Total %d, want %d", offset, page.Total, full.Total)
				}
				if len(page.Hits) > tt.limit {
					t.Errorf("offset %d: got %d hits, want at most %d", offset, len(page.Hits), tt.limit)
				}
				got = append(got, hitIDs(page)...)
			}
			if !slices.Equal(got, want) {
				t.Errorf("pages joined: got %v, want %v", got, want)
			}
			if u := uniq(got); len(u) != len(got) {
				t.Errorf("got duplicates across pages: %v", got)
			}
		})
	}
	t.Run("equal dates by id", func(t *testing.T) {
		got := hitIDs(mustSearch(t, idx, search.Query{Limit: 100}))
		i, j := slices.Index(got, "m10"), slices.Index(got, "m11")
		if i < 0 || j != i+1 {
			t.Errorf("got %v, want m10 directly before m11 (same PublishedAt)", got)
		}
	})
}

func testValidation(t *testing.T, idx search.Index) {
	tests := []struct {
		name      string
		q         search.Query
		wantField string // "" means valid
		wantHits  int
	}{
		{name: "default limit", q: search.Query{}, wantHits: search.DefaultLimit},
		{name: "limit 1", q: search.Query{Limit: 1}, wantHits: 1},
		{name: "limit 100", q: search.Query{Limit: 100}, wantHits: 30},
		{name: "offset 10000", q: search.Query{Offset: 10000}, wantHits: 0},
		{name: "offset past the end", q: search.Query{Offset: 29}, wantHits: 1},
		{name: "limit 101", q: search.Query{Limit: 101}, wantField: "limit"},
		{name: "candidates: limit 300", q: search.Query{Limit: search.MaxCandidates, Candidates: true}, wantHits: 30},
		{name: "candidates: limit 301", q: search.Query{Limit: search.MaxCandidates + 1, Candidates: true}, wantField: "limit"},
		{name: "negative limit", q: search.Query{Limit: -1}, wantField: "limit"},
		{name: "negative offset", q: search.Query{Offset: -1}, wantField: "offset"},
		{name: "offset 10001", q: search.Query{Offset: 10001}, wantField: "offset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := idx.Search(context.Background(), tt.q)
			if tt.wantField != "" {
				wantError(t, err, otm.EINVALID, tt.wantField)
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if len(res.Hits) != tt.wantHits {
				t.Errorf("got %d hits, want %d", len(res.Hits), tt.wantHits)
			}
		})
	}
	t.Run("upsert without id", func(t *testing.T) {
		err := idx.Upsert(context.Background(), search.Document{Name: "No Id"})
		wantError(t, err, otm.EINVALID, "id")
	})
}

func testGet(t *testing.T, idx search.Index) {
	fixture := map[string]search.Document{}
	for _, d := range Profiles(t) {
		fixture[d.ID] = d
	}
	tests := []struct {
		id       string
		wantCode string
	}{
		{"m01", ""},
		{"m17", ""},
		{"m30", ""},
		{"nobody", otm.ENOTFOUND},
		{"", otm.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, err := idx.Get(context.Background(), tt.id)
			if tt.wantCode != "" {
				wantError(t, err, tt.wantCode, "")
				return
			}
			if err != nil {
				t.Fatalf("Get(%q): %v", tt.id, err)
			}
			if g, w := mustJSON(t, got), mustJSON(t, fixture[tt.id]); g != w {
				t.Errorf("Get(%q):\ngot  %s\nwant %s", tt.id, g, w)
			}
		})
	}
	t.Run("hits are whole documents", func(t *testing.T) {
		res := mustSearch(t, idx, search.Query{Q: "Lena Hoffmann", Limit: 1})
		if len(res.Hits) != 1 {
			t.Fatalf("got %d hits, want 1", len(res.Hits))
		}
		if g, w := mustJSON(t, res.Hits[0].Document), mustJSON(t, fixture["m01"]); g != w {
			t.Errorf("hit:\ngot  %s\nwant %s", g, w)
		}
	})
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func testOddInput(t *testing.T, idx search.Index) {
	tests := []struct {
		name string
		q    string
	}{
		{"empty", ""},
		{"spaces", "   \t\n "},
		{"punctuation", "!!! ??? ... ---"},
		{"regex specials", `.*+?^${}()|[]\/ ~ "quoted" 'single' a:b -not +must *wild* field:value`},
		{"query syntax", "name:Lena AND (topic:digital OR NOT x)^5 ~2"},
		{"html", "<script>alert(1)</script>"},
		{"very long", strings.Repeat("mentor digital leadership ", 200)},
		{"very long word", strings.Repeat("a", 5000)},
		{"many words", strings.Repeat("x ", 500)},
		{"unicode", "Ärztin Straße Œuvre naïve 日本語 한국어 עברית"},
		{"emoji", "🙂🚀 digital 👩‍💻"},
		{"invalid utf-8", "lena \xff\xfe\xfd hoff"},
		{"control characters", "lena\x00\x01\x7f"},
		{"one letter", "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, idx, search.Query{Q: tt.q, Limit: 5})
			if len(res.Hits) > 5 {
				t.Errorf("got %d hits, want at most 5", len(res.Hits))
			}
			if res.Total < len(res.Hits) {
				t.Errorf("got Total %d < %d hits", res.Total, len(res.Hits))
			}
		})
	}
	t.Run("blank is a placeholder search", func(t *testing.T) {
		res := mustSearch(t, idx, search.Query{Q: "   ", Limit: 100})
		if res.Total != 30 {
			t.Errorf("got Total %d, want all 30", res.Total)
		}
	})
}

func testEmpty(t *testing.T, idx search.Index) {
	if n := mustCount(t, idx); n != 0 {
		t.Errorf("got Count %d, want 0", n)
	}
	for _, q := range []search.Query{{}, {Q: "lena"}, {Topics: []string{"digital-skills"}}} {
		res := mustSearch(t, idx, q)
		if res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("Search(%+v): got Total %d and %d hits, want none", q, res.Total, len(res.Hits))
		}
	}
	if _, err := idx.Get(context.Background(), "m01"); err == nil {
		t.Error("Get on an empty index: got nil error, want ENOTFOUND")
	} else {
		wantError(t, err, otm.ENOTFOUND, "")
	}
	if err := idx.Delete(context.Background(), "m01"); err != nil {
		t.Errorf("Delete of a missing id: got %v, want nil", err)
	}
}

func testDelete(t *testing.T, idx search.Index) {
	ctx := context.Background()
	before := mustSearch(t, idx, search.Query{Countries: []string{"DE"}, Limit: 100})
	if err := idx.Delete(ctx, "m01", "m03", "does-not-exist"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := idx.Delete(ctx, "m01"); err != nil {
		t.Fatalf("Delete again: %v", err)
	}
	for _, id := range []string{"m01", "m03"} {
		_, err := idx.Get(ctx, id)
		wantError(t, err, otm.ENOTFOUND, "")
	}
	if n := mustCount(t, idx); n != 28 {
		t.Errorf("got Count %d, want 28", n)
	}
	for _, q := range []string{"Hoffmann", "Jonas Weber", "Hoff", ""} {
		got := hitIDs(mustSearch(t, idx, search.Query{Q: q, Limit: 100}))
		if slices.Contains(got, "m01") || slices.Contains(got, "m03") {
			t.Errorf("q %q after delete: got %v, want neither m01 nor m03", q, got)
		}
	}
	after := mustSearch(t, idx, search.Query{Countries: []string{"DE"}, Limit: 100})
	if after.Total != before.Total-2 {
		t.Errorf("got Total %d for DE, want %d", after.Total, before.Total-2)
	}
	if got, want := after.Facets[search.FacetCountry]["DE"], before.Facets[search.FacetCountry]["DE"]-2; got != want {
		t.Errorf("got DE facet %d, want %d", got, want)
	}
}

func testUpsertTwice(t *testing.T, idx search.Index) {
	ctx := context.Background()
	var m01 search.Document
	for _, d := range Profiles(t) {
		if d.ID == "m01" {
			m01 = d
		}
	}
	changed := m01
	changed.Headline = "Podcast-Produzentin für Audio-Formate"
	changed.Topics = []string{"sustainability"}
	if err := idx.Upsert(ctx, m01, changed); err != nil { // the last one wins
		t.Fatalf("Upsert: %v", err)
	}
	if err := idx.Upsert(ctx, changed); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	if n := mustCount(t, idx); n != 30 {
		t.Errorf("got Count %d, want 30", n)
	}
	got, err := idx.Get(ctx, "m01")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Headline != changed.Headline {
		t.Errorf("got headline %q, want %q", got.Headline, changed.Headline)
	}
	tests := []struct {
		q       search.Query
		wantHit bool
	}{
		{search.Query{Q: "Podcast-Produzentin"}, true},
		{search.Query{Q: "Fachchinesisch"}, false},
		{search.Query{Topics: []string{"sustainability"}, Limit: 100}, true},
		{search.Query{Topics: []string{"digital-skills"}, Limit: 100}, false},
	}
	for _, tt := range tests {
		ids := hitIDs(mustSearch(t, idx, tt.q))
		if slices.Contains(ids, "m01") != tt.wantHit {
			t.Errorf("Search(%+v): got %v, want m01 found: %v", tt.q, ids, tt.wantHit)
		}
	}
	res := mustSearch(t, idx, search.Query{Limit: 100})
	if n := len(slices.DeleteFunc(hitIDs(res), func(id string) bool { return id != "m01" })); n != 1 {
		t.Errorf("got m01 %d times, want once", n)
	}
}

func testHighlights(t *testing.T, idx search.Index) {
	ctx := context.Background()
	evil := search.Document{
		ID:        "x1",
		Name:      "Ada <b>Lovelace</b>",
		Headline:  `Algorithms & "AI" for boards`,
		Bio:       "<script>alert('xss')</script> I teach AI & ethics to boards. " + strings.Repeat("Filler text about many other things. ", 20) + "The end.",
		Topics:    []string{"digital-skills"},
		Languages: []string{"en"},
		Country:   "GB",
	}
	if err := idx.Upsert(ctx, evil); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	hitFor := func(t *testing.T, q, id string) search.Hit {
		t.Helper()
		for _, h := range mustSearch(t, idx, search.Query{Q: q, Limit: 100}).Hits {
			if h.ID == id {
				return h
			}
		}
		t.Fatalf("q %q: %s not found", q, id)
		return search.Hit{}
	}

	t.Run("name", func(t *testing.T) {
		h := hitFor(t, "Lovelace", "x1")
		if got, want := h.Highlights["name"], "Ada &lt;b&gt;<mark>Lovelace</mark>&lt;/b&gt;"; got != want {
			t.Errorf("got name highlight %q, want %q", got, want)
		}
	})
	t.Run("bio escapes script", func(t *testing.T) {
		h := hitFor(t, "AI", "x1")
		bio := h.Highlights["bio"]
		if !strings.Contains(bio, "<mark>AI</mark>") {
			t.Errorf("got bio highlight %q, want <mark>AI</mark> in it", bio)
		}
		if !strings.Contains(bio, "&lt;script&gt;") || strings.Contains(bio, "<script") {
			t.Errorf("got bio highlight %q, want <script> escaped", bio)
		}
		checkHighlight(t, "bio", bio, evil.Bio)
		checkHighlight(t, "headline", h.Highlights["headline"], evil.Headline)
	})
	t.Run("typo and prefix", func(t *testing.T) {
		for _, q := range []string{"Lena Hofmann", "Lena Hoff"} {
			h := hitFor(t, q, "m01")
			if got, want := h.Highlights["name"], "<mark>Lena</mark> <mark>Hoffmann</mark>"; got != want {
				t.Errorf("q %q: got name highlight %q, want %q", q, got, want)
			}
		}
	})
	t.Run("every fixture hit", func(t *testing.T) {
		for _, q := range []string{"digital", "TikTok", "Führung", "team lead"} {
			for _, h := range mustSearch(t, idx, search.Query{Q: q, Limit: 100}).Hits {
				d := h.Document
				for field, text := range map[string]string{"name": d.Name, "headline": d.Headline, "bio": d.Bio} {
					checkHighlight(t, field, h.Highlights[field], text)
				}
			}
		}
	})
}

// checkHighlight checks that hl, with its marks removed and unescaped, is a part of
// text (between the "…" that mark cuts), and that marks are balanced.
func checkHighlight(tb testing.TB, field, hl, text string) {
	tb.Helper()
	if hl == "" {
		return
	}
	if o, c := strings.Count(hl, "<mark>"), strings.Count(hl, "</mark>"); o == 0 || o != c {
		tb.Errorf("%s highlight %q: got %d <mark> and %d </mark>, want a balanced, non-zero number", field, hl, o, c)
	}
	plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(hl)
	if strings.ContainsAny(plain, "<>") {
		tb.Errorf("%s highlight %q: unescaped markup outside <mark>", field, hl)
	}
	for _, part := range strings.Split(html.UnescapeString(plain), "…") {
		if !strings.Contains(text, part) {
			tb.Errorf("%s highlight %q: %q is not part of the text %q", field, hl, part, text)
		}
	}
}
