package bleve

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"github.com/opentomentor/opentomentor/search"
)

// Highlighting is done here over the stored text rather than with Bleve's highlighter:
// the analyzer folds characters before tokenizing, so Bleve's term offsets do not
// point into the original text, and the escaping must be exact.

const (
	markOpen  = "<mark>"
	markClose = "</mark>"
	ellipsis  = "…"

	fragmentRunes = 240 // longest bio fragment
	fragmentLead  = 60  // context kept before the first match
)

var (
	hlTokenizer = unicode.NewUnicodeTokenizer()
	hlFolder    = asciifolding.New()
)

// highlights returns the highlighted name, headline and bio of d, for the fields in
// which some word matched, or nil.
func highlights(d *search.Document, ws []word) map[string]string {
	var m map[string]string
	add := func(field, text string, fragment bool) {
		if s, ok := highlight(text, ws, fragment); ok {
			if m == nil {
				m = make(map[string]string, 3)
			}
			m[field] = s
		}
	}
	add("name", d.Name, false)
	add("headline", d.Headline, false)
	add("bio", d.Bio, true)
	return m
}

// highlight returns text HTML-escaped with the words that match ws wrapped in
// <mark>…</mark>, and whether any did. With fragment, a text longer than
// fragmentRunes is cut to a window around the first match.
func highlight(text string, ws []word, fragment bool) (string, bool) {
	if text == "" || len(ws) == 0 {
		return "", false
	}
	toks := hlTokenizer.Tokenize([]byte(text))
	matched := make([]bool, len(toks))
	first := -1
	for i, t := range toks {
		if matchesAny(normalizeTerm(t.Term), ws) {
			matched[i] = true
			if first < 0 {
				first = i
			}
		}
	}
	if first < 0 {
		return "", false
	}

	start, end := 0, len(text)
	if fragment && utf8.RuneCountInString(text) > fragmentRunes {
		// Rune positions of token boundaries, computed in one pass.
		runeStart := make([]int, len(toks))
		runeEnd := make([]int, len(toks))
		pos, at := 0, 0
		for i, t := range toks {
			pos += utf8.RuneCountInString(text[at:t.Start])
			runeStart[i] = pos
			pos += utf8.RuneCountInString(text[t.Start:t.End])
			runeEnd[i] = pos
			at = t.End
		}
		total := pos + utf8.RuneCountInString(text[at:])

		startRune := runeStart[first]
		if startRune <= fragmentLead {
			start, startRune = 0, 0
		} else {
			start = toks[first].Start
			for i := first - 1; i >= 0 && runeStart[first]-runeStart[i] <= fragmentLead; i-- {
				start, startRune = toks[i].Start, runeStart[i]
			}
		}
		if total-startRune > fragmentRunes {
			end = toks[first].End
			for i := first + 1; i < len(toks) && runeEnd[i]-startRune <= fragmentRunes; i++ {
				end = toks[i].End
			}
		}
	}

	var b strings.Builder
	b.Grow(end - start + 32)
	if start > 0 {
		b.WriteString(ellipsis)
	}
	cur := start
	for i, t := range toks {
		if !matched[i] || t.Start < start || t.End > end {
			continue
		}
		b.WriteString(html.EscapeString(text[cur:t.Start]))
		b.WriteString(markOpen)
		b.WriteString(html.EscapeString(text[t.Start:t.End]))
		b.WriteString(markClose)
		cur = t.End
	}
	b.WriteString(html.EscapeString(text[cur:end]))
	if end < len(text) {
		b.WriteString(ellipsis)
	}
	return b.String(), true
}

// normalizeTerm folds and lower-cases a token as the index analyzer does.
func normalizeTerm(term []byte) string {
	return strings.ToLower(string(hlFolder.Filter(term)))
}

// matchesAny reports whether the normalized token t matches one of ws: exactly,
// within the word's typo budget, or (for the prefix word) by prefix.
func matchesAny(t string, ws []word) bool {
	for _, w := range ws {
		if t == w.term ||
			(w.prefix && strings.HasPrefix(t, w.term)) ||
			(w.typos > 0 && typoMatch(t, w.term, w.typos)) {
			return true
		}
	}
	return false
}

// typoMatch reports whether t is within typos of term, a typo on the first letter
// counting as two (as in the query).
func typoMatch(t, term string, typos int) bool {
	a, _ := utf8.DecodeRuneInString(t)
	b, _ := utf8.DecodeRuneInString(term)
	if a != b {
		typos--
	}
	return typos > 0 && withinDistance(t, term, typos)
}

// withinDistance reports whether the Levenshtein distance of a and b is at most k.
func withinDistance(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= k
}
