package check

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// skippable reports whether a spreadsheet may skip r before a formula, as
// SpreadsheetCell's doc comment says: spaces and invisible characters (zero
// width spaces, byte order marks, direction marks, other format and control
// characters).
func skippable(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r)
}

// formulaStart reports whether a spreadsheet would read s as a formula: its
// first character that is not skippable is = + - @ or a full-width form, or
// a tab or carriage return comes before it.
func formulaStart(s string) bool {
	for _, r := range s {
		switch {
		case r == '\t' || r == '\r':
			return true
		case r == '=' || r == '+' || r == '-' || r == '@' ||
			r == '\uFF1D' || r == '\uFF0B' || r == '\uFF0D' || r == '\uFF20':
			return true
		case skippable(r):
			continue
		}
		return false
	}
	return false
}

// FuzzSpreadsheetCell checks that no cell SpreadsheetCell returns starts, after
// skippable characters, with a formula character, a tab or a carriage return;
// that it changes only such cells, and only by a leading quote; and that a
// neutralised cell stays as it is.
func FuzzSpreadsheetCell(f *testing.F) {
	for _, s := range []string{
		"",
		"Mentoring Programme",
		"=HYPERLINK(\"http://evil.example\")",
		"+1",
		"-1",
		"@SUM(A1)",
		"\u200b=cmd|' /C calc'!A0",
		"\ufeff=1",
		"\u200e\u200f\u202e+1",
		" \u00a0\u3000＝1",
		"＋1", "－1", "＠1",
		"\t=1",
		"\r\n=1",
		"\n=1",
		"\x00=1",
		"a=1",
		"'=1",
		"\xff=1",
		"<script>alert(1)</script>",
		"javascript:alert(1)",
		strings.Repeat("\u200b", 1000) + "=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SpreadsheetCell(s)
		if formulaStart(got) {
			t.Fatalf("SpreadsheetCell(%q) = %q still starts a formula", s, got)
		}
		if formulaStart(s) {
			if got != "'"+s {
				t.Fatalf("SpreadsheetCell(%q) = %q, want it with a leading quote", s, got)
			}
		} else if got != s {
			t.Fatalf("SpreadsheetCell(%q) = %q changed a cell that is not a formula", s, got)
		}
		if again := SpreadsheetCell(got); again != got {
			t.Fatalf("SpreadsheetCell(%q) = %q, not its own result %q", got, again, got)
		}
		// Invalid UTF-8 is kept as it is: the quote is the only change.
		if utf8.ValidString(s) != utf8.ValidString(got) {
			t.Fatalf("SpreadsheetCell(%q) = %q changed the encoding", s, got)
		}
	})
}
