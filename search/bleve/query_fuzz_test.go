package bleve

import (
	"html"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/opentomentor/opentomentor/search"
)

var (
	fuzzIndexOnce sync.Once
	fuzzIndex     *Index
	fuzzIndexErr  error
)

// fuzzIndexOf returns one in-memory index for all inputs of a fuzz run (only
// its analyzer is used).
func fuzzIndexOf(tb testing.TB) *Index {
	fuzzIndexOnce.Do(func() { fuzzIndex, fuzzIndexErr = OpenMem() })
	if fuzzIndexErr != nil {
		tb.Fatalf("OpenMem: %v", fuzzIndexErr)
	}
	return fuzzIndex
}

var querySeeds = []string{
	"",
	"Python",
	"Führungskräfte KI",
	"datenanalyse machine learning",
	"a b c d e f g h i j k l m n o p",
	"  \t\r\n  ",
	"\u200b=cmd",
	"//evil.example javascript:alert(1)",
	"<script>alert(1)</script>",
	"\x00\xff\xfe",
	"ÆØÅ straße ﬁsh İstanbul",
	"東京 データ 分析",
	strings.Repeat("wort ", 300),
	strings.Repeat("x", 250),
	"a\r\nb",
}

// FuzzWords checks the query analysis: never a panic, at most
// search.MaxQueryWords non-empty words of valid UTF-8 without spaces, the
// typo budget only on the first maxTypoWords, only the last one a prefix,
// and the words of the words are the words.
func FuzzWords(f *testing.F) {
	for _, q := range querySeeds {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		x := fuzzIndexOf(t)
		ws := x.words(q)
		if len(ws) > search.MaxQueryWords {
			t.Fatalf("words(%q): %d words, want at most %d", q, len(ws), search.MaxQueryWords)
		}
		terms := make([]string, len(ws))
		for i, w := range ws {
			terms[i] = w.term
			if w.term == "" || !utf8.ValidString(w.term) {
				t.Fatalf("words(%q): word %d %q is empty or not UTF-8", q, i, w.term)
			}
			if strings.IndexFunc(w.term, unicode.IsSpace) >= 0 {
				t.Fatalf("words(%q): word %d %q has a space", q, i, w.term)
			}
			if w.prefix != (i == len(ws)-1) {
				t.Fatalf("words(%q): word %d %q prefix %v, want only the last", q, i, w.term, w.prefix)
			}
			want := 0
			if i < maxTypoWords {
				want = typoBudget(w.term)
			}
			if w.typos != want || w.typos < 0 || w.typos > 2 {
				t.Fatalf("words(%q): word %d %q allows %d typos, want %d", q, i, w.term, w.typos, want)
			}
		}
		if utf8.ValidString(q) && strings.TrimSpace(q) == "" && len(ws) > 0 {
			t.Fatalf("words(%q) = %v from white space", q, terms)
		}
		// Analysing the words again gives them back.
		again := x.words(strings.Join(terms, " "))
		if len(again) != len(ws) {
			t.Fatalf("words(%q) = %q, but the words of those are %d", q, terms, len(again))
		}
		for i, w := range again {
			if w != ws[i] {
				t.Fatalf("words(%q) = %q: word %d analysed again is %+v, want %+v", q, terms, i, w, ws[i])
			}
		}
	})
}

// FuzzHighlight checks highlight for any text and query: never a panic; no
// markup but balanced, unnested <mark></mark> around the matching words;
// otherwise the text HTML-escaped, all of it without fragment, a piece of it
// (marked by an ellipsis where cut) with.
func FuzzHighlight(f *testing.F) {
	texts := []string{
		"Data analyst who explains AI to executives",
		"<script>alert('x')</script> & \"quotes\" python",
		"Python " + strings.Repeat("filler words here ", 40) + "python again",
		"\u200b=cmd Python",
		"\x00\xffpython\xfe",
		"Führungskräfte verstehen KI; fuehrungskraefte auch",
		"javascript:alert(1) //evil.example",
		"a\r\nb python\r\nc",
		"<mark>python</mark>",
		"",
	}
	for i, q := range querySeeds {
		f.Add(texts[i%len(texts)], q, i%2 == 0)
	}
	f.Add("pyhton pythn PYTHON python3", "python", false)
	f.Add(strings.Repeat("lorem ipsum ", 50)+"<b>kubernetes</b>"+strings.Repeat(" dolor", 50), "kube", true)
	f.Fuzz(func(t *testing.T, text, q string, fragment bool) {
		ws := fuzzIndexOf(t).words(q)
		got, ok := highlight(text, ws, fragment)
		if !ok {
			if got != "" {
				t.Fatalf("highlight(%q, %q) = %q with no match", text, q, got)
			}
			return
		}
		// Take the marks out, checking that they pair up and wrap matching words.
		var plain strings.Builder
		rest, marks := got, 0
		for {
			i := strings.Index(rest, markOpen)
			if i < 0 {
				plain.WriteString(rest)
				break
			}
			plain.WriteString(rest[:i])
			rest = rest[i+len(markOpen):]
			j := strings.Index(rest, markClose)
			if j < 0 {
				t.Fatalf("highlight(%q, %q) = %q: <mark> not closed", text, q, got)
			}
			inner := rest[:j]
			if strings.Contains(inner, markOpen) || inner == "" {
				t.Fatalf("highlight(%q, %q) = %q: nested or empty <mark>", text, q, got)
			}
			word := html.UnescapeString(inner)
			if !matchesAny(normalizeTerm([]byte(word)), ws) {
				t.Fatalf("highlight(%q, %q) = %q: marked %q matches no query word", text, q, got, word)
			}
			plain.WriteString(inner)
			rest = rest[j+len(markClose):]
			marks++
		}
		if marks == 0 {
			t.Fatalf("highlight(%q, %q) = %q, true without a <mark>", text, q, got)
		}
		p := plain.String()
		if strings.ContainsAny(p, "<>\"'") {
			t.Fatalf("highlight(%q, %q) = %q: markup or quotes outside <mark>", text, q, got)
		}
		u := html.UnescapeString(p)
		if !fragment {
			if u != text {
				t.Fatalf("highlight(%q, %q) = %q: unescaped %q, want the text", text, q, got, u)
			}
			return
		}
		found := false
		for _, cut := range []string{u, strings.TrimPrefix(u, ellipsis), strings.TrimSuffix(u, ellipsis),
			strings.TrimSuffix(strings.TrimPrefix(u, ellipsis), ellipsis)} {
			if strings.Contains(text, cut) {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("highlight(%q, %q) = %q: unescaped %q is not a piece of the text", text, q, got, u)
		}
		if utf8.RuneCountInString(text) <= fragmentRunes && u != text {
			t.Fatalf("highlight(%q, %q) = %q: a short text was cut", text, q, got)
		}
	})
}
