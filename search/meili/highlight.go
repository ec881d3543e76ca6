package meili

import (
	"encoding/json"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	markOpen  = "<mark>"
	markClose = "</mark>"
)

// highlights returns the highlighted name, headline and bio of a hit's _formatted
// object, for the fields in which Meilisearch marked a match, or nil.
func (x *Index) highlights(formatted json.RawMessage) map[string]string {
	if len(formatted) == 0 {
		return nil
	}
	var f map[string]json.RawMessage
	if json.Unmarshal(formatted, &f) != nil {
		return nil
	}
	var m map[string]string
	for _, field := range highlightAttributes {
		var text string
		if json.Unmarshal(f[field], &text) != nil {
			continue // absent or not a string
		}
		if s, ok := renderHighlight(text, x.preTag, x.postTag); ok {
			if m == nil {
				m = make(map[string]string, len(highlightAttributes))
			}
			m[field] = s
		}
	}
	return m
}

// segment is a run of text, marked as a match or not.
type segment struct {
	text string
	mark bool
}

// renderHighlight turns Meilisearch's formatted text, whose matches are wrapped in
// the markers pre and post, into safe HTML: the text HTML-escaped, each match widened
// to whole words and wrapped in <mark>…</mark>. It reports false if nothing is marked.
// Markers are random per index, so text of a document cannot fake one; a stray marker
// is dropped and an unclosed one ends at the end of the text.
func renderHighlight(s, pre, post string) (string, bool) {
	var segs []segment
	for s != "" {
		i := strings.Index(s, pre)
		if i < 0 {
			segs = append(segs, segment{text: s})
			break
		}
		segs = append(segs, segment{text: s[:i]})
		s = s[i+len(pre):]
		j := strings.Index(s, post)
		if j < 0 {
			j = len(s)
		}
		segs = append(segs, segment{text: s[:j], mark: true})
		s = s[min(j+len(post), len(s)):]
	}
	for i := range segs {
		segs[i].text = strings.ReplaceAll(strings.ReplaceAll(segs[i].text, pre, ""), post, "")
	}

	// Widen each mark to whole words: Meilisearch marks only the typed prefix.
	for i := range segs {
		if !segs[i].mark || segs[i].text == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(segs[i].text)
		last, _ := utf8.DecodeLastRuneInString(segs[i].text)
		if i+1 < len(segs) && !segs[i+1].mark && isWordRune(last) {
			n := leadingWord(segs[i+1].text)
			segs[i].text += segs[i+1].text[:n]
			segs[i+1].text = segs[i+1].text[n:]
		}
		if i > 0 && !segs[i-1].mark && isWordRune(first) {
			n := trailingWord(segs[i-1].text)
			cut := len(segs[i-1].text) - n
			segs[i].text = segs[i-1].text[cut:] + segs[i].text
			segs[i-1].text = segs[i-1].text[:cut]
		}
	}

	var b strings.Builder
	marked := false
	for i := 0; i < len(segs); i++ {
		sg := segs[i]
		if !sg.mark {
			b.WriteString(html.EscapeString(sg.text))
			continue
		}
		text := sg.text
		for i+1 < len(segs) && (segs[i+1].mark || segs[i+1].text == "") { // join touching marks
			i++
			text += segs[i].text
		}
		if text == "" {
			continue
		}
		marked = true
		b.WriteString(markOpen)
		b.WriteString(html.EscapeString(text))
		b.WriteString(markClose)
	}
	if !marked {
		return "", false
	}
	return b.String(), true
}

// isWordRune reports whether r belongs to a word (as the unicode tokenizer of the Bleve
// engine sees it: letters, digits and combining marks).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// leadingWord returns the length in bytes of the word characters s starts with.
func leadingWord(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !isWordRune(r) {
			break
		}
		n += size
	}
	return n
}

// trailingWord returns the length in bytes of the word characters s ends with.
func trailingWord(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeLastRuneInString(s[:len(s)-n])
		if !isWordRune(r) {
			break
		}
		n += size
	}
	return n
}
