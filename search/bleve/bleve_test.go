package bleve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/searchtest"
)

func mustOpenMem(tb testing.TB) *Index {
	tb.Helper()
	x, err := OpenMem()
	if err != nil {
		tb.Fatalf("OpenMem: %v", err)
	}
	tb.Cleanup(func() { _ = x.Close() })
	return x
}

func mustOpen(tb testing.TB, dir string) *Index {
	tb.Helper()
	x, err := Open(dir)
	if err != nil {
		tb.Fatalf("Open(%s): %v", dir, err)
	}
	tb.Cleanup(func() { _ = x.Close() })
	return x
}

func TestIndexMem(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index { return mustOpenMem(t) })
}

func TestIndexDisk(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index {
		return mustOpen(t, filepath.Join(t.TempDir(), "search", "mentors"))
	})
}

func TestOpenReopen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "search", "mentors")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !x.Fresh() {
		t.Error("first Open: got Fresh false, want true")
	}
	if err := x.Upsert(ctx, searchtest.Profiles(t)...); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	y := mustOpen(t, dir)
	if y.Fresh() {
		t.Error("second Open: got Fresh true, want false")
	}
	if n, err := y.Count(ctx); err != nil || n != 30 {
		t.Errorf("after reopening: got Count %d, %v, want 30", n, err)
	}
	res, err := y.Search(ctx, search.Query{Q: "mueller"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].ID != "m04" {
		t.Errorf("after reopening: got %+v, %v, want m04 first (the analyzer survives a reopen)", res, err)
	}
}

func TestOpenOutdatedLayout(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "mentors")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Upsert(ctx, searchtest.Profiles(t)...); err != nil {
		t.Fatal(err)
	}
	if err := x.bi.SetInternal(mappingVersionKey, []byte("otm-mentors-1")); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	y := mustOpen(t, dir)
	if !y.Fresh() {
		t.Error("got Fresh false, want true for an index of another layout")
	}
	if n, err := y.Count(ctx); err != nil || n != 0 {
		t.Errorf("got Count %d, %v, want an empty index", n, err)
	}
}

func TestOpenRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if x, err := Open(dir); err == nil {
		_ = x.Close()
		t.Fatal("got nil error, want Open to refuse a non-empty directory without an index")
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("the foreign file is gone: %v", err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.Mkdir(empty, 0o750); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, empty)
}

func TestClosed(t *testing.T) {
	ctx := context.Background()
	x, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Errorf("second Close: got %v, want nil", err)
	}
	calls := map[string]error{
		"Ping":   x.Ping(ctx),
		"Upsert": x.Upsert(ctx, search.Document{ID: "a"}),
		"Delete": x.Delete(ctx, "a"),
	}
	_, calls["Get"] = x.Get(ctx, "a")
	_, calls["Search"] = x.Search(ctx, search.Query{})
	_, calls["Count"] = x.Count(ctx)
	for name, err := range calls {
		if got := otm.ErrorCode(err); got != otm.EUNAVAILABLE {
			t.Errorf("%s after Close: got %v, want EUNAVAILABLE", name, err)
		}
	}
}

func TestCanceledContext(t *testing.T) {
	x := mustOpenMem(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := x.Search(ctx, search.Query{Q: "lena"}); err == nil {
		t.Error("Search: got nil error, want the context's error")
	}
	if err := x.Upsert(ctx, search.Document{ID: "a"}); err == nil {
		t.Error("Upsert: got nil error, want the context's error")
	}
}

func TestWords(t *testing.T) {
	x := mustOpenMem(t)
	tests := []struct {
		q    string
		want string // term/typos, "*" marks the prefix word
	}{
		{"", ""},
		{"  !!! ", ""},
		{"AI", "ai/0*"},
		{"mentor with AI", "mentor/1 with/0 ai/0*"},
		{"Lena Hoff", "lena/0 hoff/0*"},
		{"Digitalisierung", "digitalisierung/2*"},
		{"Müller Straße", "muller/1 strasse/1*"},
		{"digital-skills", "digital/1 skills/1*"},
		{"a b c d e f g h i j k l", "a/0 b/0 c/0 d/0 e/0 f/0 g/0 h/0 i/0 j/0*"},
		{"name:lena^5 (x OR y)", "name:lena/2 5/0 x/0 or/0 y/0*"}, // UAX #29 keeps "a:b" together,
		{"abcde abcdefgh abcdefghi", "abcde/1 abcdefgh/1 abcdefghi/2*"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			var parts []string
			for _, w := range x.words(tt.q) {
				s := fmt.Sprintf("%s/%d", w.term, w.typos)
				if w.prefix {
					s += "*"
				}
				parts = append(parts, s)
			}
			if got := strings.Join(parts, " "); got != tt.want {
				t.Errorf("words(%q): got %q, want %q", tt.q, got, tt.want)
			}
		})
	}
}

func TestTypoMatch(t *testing.T) {
	tests := []struct {
		t, term string
		typos   int
		want    bool
	}{
		{"hoffmann", "hofmann", 1, true},
		{"hoffmann", "joffmann", 1, false}, // a first-letter typo counts two
		{"lufthansa", "kufthansa", 2, true},
		{"lufthansa", "kufthanza", 2, false},
		{"lufthansa", "luftanza", 2, true},
		{"muller", "mueller", 1, true},
		{"über", "uber", 1, false},
	}
	for _, tt := range tests {
		if got := typoMatch(tt.t, tt.term, tt.typos); got != tt.want {
			t.Errorf("typoMatch(%q, %q, %d): got %v, want %v", tt.t, tt.term, tt.typos, got, tt.want)
		}
	}
}

func TestWithinDistance(t *testing.T) {
	tests := []struct {
		a, b string
		k    int
		want bool
	}{
		{"hoffmann", "hofmann", 1, true},
		{"hoffmann", "hofman", 1, false},
		{"hoffmann", "hofman", 2, true},
		{"papadopoulos", "papadopolus", 2, true},
		{"papadopoulos", "papodopolus", 2, false},
		{"weber", "webre", 1, false}, // a swap costs 2 (Levenshtein)
		{"muller", "mueller", 1, true},
		{"", "ab", 2, true},
		{"straße", "strase", 1, true},
	}
	for _, tt := range tests {
		if got := withinDistance(tt.a, tt.b, tt.k); got != tt.want {
			t.Errorf("withinDistance(%q, %q, %d): got %v, want %v", tt.a, tt.b, tt.k, got, tt.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	x := mustOpenMem(t)
	long := strings.Repeat("Lorem ipsum dolor sit amet. ", 20)
	tests := []struct {
		name     string
		text     string
		q        string
		fragment bool
		want     string // "" means no match
	}{
		{"plain", "Lena Hoffmann", "lena", false, "<mark>Lena</mark> Hoffmann"},
		{"typo", "Lena Hoffmann", "hofmann", false, "Lena <mark>Hoffmann</mark>"},
		{"prefix of the last word only", "Hoffmann Lena", "hoff lena", false, "Hoffmann <mark>Lena</mark>"},
		{"prefix", "Hoffmann Lena", "lena hoff", false, "<mark>Hoffmann</mark> <mark>Lena</mark>"},
		{"folded", "Sophie Müller", "muller", false, "Sophie <mark>Müller</mark>"},
		{"escapes around marks", `<b>"AI"</b> & <i>more</i>`, "ai", false, "&lt;b&gt;&#34;<mark>AI</mark>&#34;&lt;/b&gt; &amp; &lt;i&gt;more&lt;/i&gt;"},
		{"escapes inside marks", "Tom's AI", "tom", false, "<mark>Tom&#39;s</mark> AI"},
		{"script", "<script>alert(1)</script> AI", "ai", false, "&lt;script&gt;alert(1)&lt;/script&gt; <mark>AI</mark>"},
		{"no match", "Lena Hoffmann", "kubernetes", false, ""},
		{"short text is not cut", "Kurz und gut: KI.", "ki", true, "Kurz und gut: <mark>KI</mark>."},
		{"fragment at the start", "AI first. " + long, "ai", true, "<mark>AI</mark> first. " + cut(long, 230) + "…"},
		{"fragment in the middle", long + "Here is AI. " + long, "ai", true, ""}, // checked below
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := highlight(tt.text, x.words(tt.q), tt.fragment)
			if tt.name == "fragment in the middle" {
				if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || !strings.Contains(got, "Here is <mark>AI</mark>.") {
					t.Errorf("got %q, want a fragment with ellipses around the match", got)
				}
				if n := utf8.RuneCountInString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got)); n > fragmentRunes+2 {
					t.Errorf("got a fragment of %d runes, want at most %d", n, fragmentRunes+2)
				}
				return
			}
			if tt.want == "" {
				if ok {
					t.Errorf("got %q, want no match", got)
				}
				return
			}
			if !ok || got != tt.want {
				t.Errorf("got %q (%v), want %q", got, ok, tt.want)
			}
		})
	}
}

// cut returns the longest prefix of s of whole words within n runes.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	p := string(r[:n])
	if i := strings.LastIndex(p, " "); i >= 0 {
		p = p[:i]
	}
	return strings.TrimRight(p, ".")
}

// TestConcurrent runs writers and readers at once (run with -race).
func TestConcurrent(t *testing.T) {
	ctx := context.Background()
	x := mustOpenMem(t)
	docs := searchtest.Profiles(t)
	if err := x.Upsert(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 25 {
				d := docs[(w*25+i)%len(docs)]
				d.Headline = fmt.Sprintf("edit %d/%d", w, i)
				if err := x.Upsert(ctx, d); err != nil {
					t.Error(err)
					return
				}
			}
		})
		wg.Go(func() {
			for _, q := range []string{"lena", "digi", "mentor with AI", "Papadopolus", ""} {
				if _, err := x.Search(ctx, search.Query{Q: q, Countries: []string{"DE"}}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n, err := x.Count(ctx); err != nil || n != len(docs) {
		t.Errorf("got Count %d, %v, want %d", n, err, len(docs))
	}
}

func TestIDs(t *testing.T) {
	ctx := context.Background()
	x := mustOpenMem(t)
	var docs []search.Document
	for i := range 2500 {
		docs = append(docs, search.Document{ID: fmt.Sprintf("d%05d", i), Name: "x"})
	}
	if err := x.Upsert(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := x.IDs(ctx, func(id string) error { got = append(got, id); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(docs) {
		t.Fatalf("got %d ids, want %d", len(got), len(docs))
	}
	for i, id := range got {
		if id != docs[i].ID {
			t.Fatalf("id %d: got %s, want %s", i, id, docs[i].ID)
		}
	}
}

// TestTyposOnFirstWordsOnly: only the first maxTypoWords words of a query
// allow typos, so a long query stays within a few times a short one's cost.
func TestTyposOnFirstWordsOnly(t *testing.T) {
	x := mustOpenMem(t)
	ws := x.words("leadership sustainable digitalisation communication collaboration transformation")
	if len(ws) != 6 {
		t.Fatalf("got %d words, want 6", len(ws))
	}
	for i, w := range ws {
		want := typoBudget(w.term)
		if i >= maxTypoWords {
			want = 0
		}
		if w.typos != want {
			t.Errorf("word %d %q: got %d typos, want %d", i+1, w.term, w.typos, want)
		}
	}
	if !ws[5].prefix {
		t.Errorf("the last word: got no prefix match, want one")
	}
}
