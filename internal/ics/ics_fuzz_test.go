package ics

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// unescapeText reverses EscapeText for the checks: \\ \; \, \n.
func unescapeText(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ';' || c == ',' {
			return "", fmt.Errorf("unescaped %q at %d", c, i)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("lone backslash at the end")
		}
		i++
		switch s[i] {
		case '\\', ';', ',':
			b.WriteByte(s[i])
		case 'n':
			b.WriteByte('\n')
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return b.String(), nil
}

// render writes a calendar with one event.
func render(summary, location string) []byte {
	c := New("-//OpenToMentor//Fuzz//EN")
	c.Line("BEGIN:VEVENT")
	c.Line("UID:fuzz@opentomentor")
	c.Line("SUMMARY:" + EscapeText(summary))
	c.Line("LOCATION:" + EscapeText(location))
	c.Line("END:VEVENT")
	return c.Bytes()
}

// FuzzCalendar checks that a calendar with arbitrary TEXT values is well
// formed: CRLF-terminated lines of at most 75 octets, folded with a leading
// space and never inside a UTF-8 sequence, no bare CR or LF, BEGIN and END
// balanced, and the values come back unchanged (line breaks as \n) when the
// lines are unfolded and unescaped.
func FuzzCalendar(f *testing.F) {
	for _, s := range [][2]string{
		{"Tandem Ada & Grace", "Raum 4.01, Berlin"},
		{"", ""},
		{"a\r\nEND:VCALENDAR\r\nBEGIN:VEVENT", "x\rDTSTART:20250101"},
		{"\n\r\r\n\n", "\\;,\\n"},
		{strings.Repeat("ä", 100), strings.Repeat("€", 60) + strings.Repeat("😀", 30)},
		{strings.Repeat("a", 67), strings.Repeat(",", 80)},
		{"\x00\x01\x7f", "\u200b=cmd"},
		{"<script>alert(1)</script>", "javascript:alert(1)"},
		{"\xff\xfe\xc3", "\xe2\x82"},
		{"//evil.example", "Straße 1; 10115 Berlin"},
		{strings.Repeat("x", 5000), strings.Repeat("\\", 300)},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, summary, location string) {
		out := string(render(summary, location))
		if !strings.HasSuffix(out, "\r\n") {
			t.Fatalf("calendar does not end with CRLF: %q", out)
		}
		phys := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
		var logical []string
		for i, l := range phys {
			if strings.ContainsAny(l, "\r\n") {
				t.Fatalf("line %d %q has a bare CR or LF", i, l)
			}
			if len(l) > 75 {
				t.Fatalf("line %d %q has %d octets", i, l, len(l))
			}
			if l == "" {
				t.Fatalf("line %d is empty", i)
			}
			if l[0] == ' ' {
				if len(logical) == 0 {
					t.Fatalf("calendar starts with a continuation line %q", l)
				}
				// Folding puts a whole UTF-8 sequence on one line.
				if len(l) > 1 && !utf8.RuneStart(l[1]) && utf8.ValidString(summary) && utf8.ValidString(location) {
					t.Fatalf("line %d %q starts inside a UTF-8 sequence", i, l)
				}
				logical[len(logical)-1] += l[1:]
				continue
			}
			logical = append(logical, l)
		}
		if utf8.ValidString(summary) && utf8.ValidString(location) {
			for i, l := range phys {
				if !utf8.ValidString(l) {
					t.Fatalf("line %d %q was folded inside a UTF-8 sequence", i, l)
				}
			}
		}
		var stack []string
		for _, l := range logical {
			switch {
			case strings.HasPrefix(l, "BEGIN:"):
				stack = append(stack, l[len("BEGIN:"):])
			case strings.HasPrefix(l, "END:"):
				if len(stack) == 0 || stack[len(stack)-1] != l[len("END:"):] {
					t.Fatalf("%q does not close %v", l, stack)
				}
				stack = stack[:len(stack)-1]
			}
		}
		if len(stack) != 0 {
			t.Fatalf("components %v are not closed", stack)
		}
		want := []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//OpenToMentor//Fuzz//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
			"BEGIN:VEVENT", "UID:fuzz@opentomentor", "", "", "END:VEVENT", "END:VCALENDAR"}
		if len(logical) != len(want) {
			t.Fatalf("got %d content lines, want %d: %q", len(logical), len(want), logical)
		}
		for i, w := range want {
			if w != "" && logical[i] != w {
				t.Fatalf("content line %d: got %q, want %q", i, logical[i], w)
			}
		}
		nl := strings.NewReplacer("\r\n", "\n", "\r", "\n")
		for _, v := range []struct{ line, name, value string }{{logical[7], "SUMMARY:", summary}, {logical[8], "LOCATION:", location}} {
			got, ok := strings.CutPrefix(v.line, v.name)
			if !ok {
				t.Fatalf("content line %q, want %s", v.line, v.name)
			}
			u, err := unescapeText(got)
			if err != nil {
				t.Fatalf("%s%q is not escaped TEXT: %v", v.name, got, err)
			}
			if want := nl.Replace(v.value); u != want {
				t.Fatalf("%s unescapes to %q, want %q", v.name, u, want)
			}
		}
	})
}
