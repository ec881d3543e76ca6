package search_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
)

func TestQueryNormalize(t *testing.T) {
	tests := []struct {
		name      string
		in        search.Query
		want      search.Query
		wantField []string // offending fields; nil means valid
	}{
		{name: "defaults", in: search.Query{}, want: search.Query{Limit: 20}},
		{name: "trims q", in: search.Query{Q: "  lena \n", Limit: 5, Offset: 3}, want: search.Query{Q: "lena", Limit: 5, Offset: 3}},
		{
			name: "canonical filters",
			in:   search.Query{Topics: []string{" Digital-Skills", "digital-skills", ""}, Languages: []string{"DE", "de", " en"}, Countries: []string{"de", "AT "}},
			want: search.Query{Topics: []string{"digital-skills"}, Languages: []string{"de", "en"}, Countries: []string{"DE", "AT"}, Limit: 20},
		},
		{name: "limit 100", in: search.Query{Limit: 100, Offset: 10000}, want: search.Query{Limit: 100, Offset: 10000}},
		{
			name: "industries as stored, ids sorted",
			in:   search.Query{Industries: []string{" E-Commerce", "E-Commerce", ""}, MinHours: 4, ExcludeIDs: []string{"m2", "m1", "m2"}},
			want: search.Query{Industries: []string{"E-Commerce"}, MinHours: 4, ExcludeIDs: []string{"m1", "m2"}, Limit: 20},
		},
		{name: "hours not a step", in: search.Query{MinHours: 3}, wantField: []string{"minHours"}},
		{name: "negative hours", in: search.Query{MinHours: -1}, wantField: []string{"minHours"}},
		{name: "too many excluded", in: search.Query{ExcludeIDs: make([]string, search.MaxExcludeIDs+1)}, wantField: []string{"excludeIds"}},
		{name: "limit 101", in: search.Query{Limit: 101}, wantField: []string{"limit"}},
		{name: "negative limit", in: search.Query{Limit: -1}, wantField: []string{"limit"}},
		{name: "negative offset", in: search.Query{Offset: -5}, wantField: []string{"offset"}},
		{name: "offset 10001", in: search.Query{Offset: 10001}, wantField: []string{"offset"}},
		{name: "both", in: search.Query{Limit: 1000, Offset: -1}, wantField: []string{"limit", "offset"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Normalize()
			if tt.wantField != nil {
				if code := otm.ErrorCode(err); code != otm.EINVALID {
					t.Fatalf("got error %v, want EINVALID", err)
				}
				var fields []string
				for _, f := range otm.ErrorFields(err) {
					fields = append(fields, f.Field)
				}
				if !slices.Equal(fields, tt.wantField) {
					t.Errorf("got fields %v, want %v", fields, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if got.Q != tt.want.Q || got.Limit != tt.want.Limit || got.Offset != tt.want.Offset ||
				!slices.Equal(got.Topics, tt.want.Topics) || !slices.Equal(got.Languages, tt.want.Languages) ||
				!slices.Equal(got.Countries, tt.want.Countries) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestQueryNormalizeCutsQ(t *testing.T) {
	tests := []struct {
		name      string
		q         string
		wantRunes int
	}{
		{"ascii", strings.Repeat("a", 1000), search.MaxQueryRunes},
		{"multi-byte", strings.Repeat("ü", 1000), search.MaxQueryRunes},
		{"short", "Müller", 6},
		{"invalid utf-8 dropped", "ab\xffcd", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := search.Query{Q: tt.q}.Normalize()
			if err != nil {
				t.Fatal(err)
			}
			if n := utf8.RuneCountInString(got.Q); n != tt.wantRunes || !utf8.ValidString(got.Q) {
				t.Errorf("got %d runes (valid %v), want %d valid runes", n, utf8.ValidString(got.Q), tt.wantRunes)
			}
		})
	}
}

func TestDocumentValidate(t *testing.T) {
	tests := []struct {
		id       string
		wantCode string
	}{
		{"m01", ""},
		{"mp_ab12-CD", ""},
		{strings.Repeat("x", 511), ""},
		{"", otm.EINVALID},
		{"   ", otm.EINVALID},
		{"a b", otm.EINVALID},
		{"a:b", otm.EINVALID},
		{"müller", otm.EINVALID},
		{strings.Repeat("x", 512), otm.EINVALID},
	}
	for _, tt := range tests {
		d := search.Document{ID: tt.id}
		if got := otm.ErrorCode(d.Validate()); got != tt.wantCode {
			t.Errorf("Validate(id %q): got code %q, want %q", tt.id, got, tt.wantCode)
		}
	}
}
