package bleve

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/search"
)

// TestFacetCodesRoundTrip codes values across the byte boundaries and beyond the
// limit, and counts them back from an order term.
func TestFacetCodesRoundTrip(t *testing.T) {
	c := facetCodes{codes: map[string]int{}}
	for i := range maxFacetCodes {
		c.encode(nil, []string{fmt.Sprintf("topic:t%d", i)})
	}
	if _, added := c.encode(nil, []string{"topic:one-too-many"}); added {
		t.Errorf("got a code beyond maxFacetCodes (%d)", maxFacetCodes)
	}
	tests := []struct {
		name   string
		values []string
	}{
		{"first", []string{"topic:t0"}},
		{"last of the first byte", []string{"topic:t126"}},
		{"first of the second byte", []string{"topic:t127"}},
		{"several", []string{"topic:t1", "topic:t128", "topic:t5000"}},
		{"the last code", []string{fmt.Sprintf("topic:t%d", maxFacetCodes-1)}},
		{"beyond the last code: not counted", []string{"topic:one-too-many"}},
		{"none", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term, added := c.encode([]byte("key\x00"), tt.values)
			if added {
				t.Errorf("got new codes for known values")
			}
			for _, b := range term[4:] {
				if b == 0 || b > 127 {
					t.Fatalf("got code byte %#x in %q, want 1 to 127", b, term)
				}
			}
			var fc facetCounter
			fc.count(string(term))
			got := map[string]map[string]int{"topic": {}}
			fc.addTo(got, c.list())
			want := map[string]int{}
			for _, v := range tt.values {
				if v != "topic:one-too-many" {
					want[v[len("topic:"):]]++
				}
			}
			if !maps.Equal(got["topic"], want) {
				t.Errorf("got counts %v, want %v", got["topic"], want)
			}
		})
	}
}

// TestFacetCodesSurviveReopen writes documents, reopens the index and writes
// documents with known and new facet values: the counts of both must be right,
// so the codes a generation uses must be stored with it.
func TestFacetCodesSurviveReopen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "mentors")
	doc := func(id, topic, lang, country string) search.Document {
		return search.Document{ID: id, Name: "Name " + id, Topics: []string{topic}, Languages: []string{lang},
			Country: country, PublishedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Upsert(ctx, doc("a", "digital-skills", "de", "DE"), doc("b", "sustainability", "en", "AT")); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	y := mustOpen(t, dir)
	if err := y.Upsert(ctx, doc("c", "mental-health", "de", "AT"), doc("d", "digital-skills", "fr", "FR")); err != nil {
		t.Fatal(err)
	}
	res, err := y.Search(ctx, search.Query{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int{
		search.FacetTopic:    {"digital-skills": 2, "sustainability": 1, "mental-health": 1},
		search.FacetLanguage: {"de": 2, "en": 1, "fr": 1},
		search.FacetCountry:  {"DE": 1, "AT": 2, "FR": 1},
	}
	for name, w := range want {
		if got := res.Facets[name]; !maps.Equal(got, w) {
			t.Errorf("facet %s: got %v, want %v", name, got, w)
		}
	}
}
