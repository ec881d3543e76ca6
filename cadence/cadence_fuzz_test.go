package cadence

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzCalendar renders calendars for arbitrary cadences, summaries and dates:
// never a panic, an error exactly when the cadence is not valid, and else
// CRLF-terminated lines of at most 75 octets, folded between UTF-8
// sequences, no bare CR or LF, BEGIN and END balanced, and one all-day event
// per day that parses. (Invalid UTF-8 in TEXT is fuzzed in package ics.)
func FuzzCalendar(f *testing.F) {
	f.Add("weekly", 1, "09:30", 60, "Europe/Berlin", "2025-03-03", "Tandem Ada & Grace", "2025-12-31", "2025-03-01", "Kick-off")
	f.Add("biweekly", 7, "23:59", 240, "America/St_Johns", "2000-01-01", "a\r\nEND:VCALENDAR\r\nBEGIN:VEVENT", "", "2100-12-31", "\u200b=cmd")
	f.Add("monthly", 5, "00:00", 15, "Asia/Kathmandu", "2025-01-31", strings.Repeat("ä", 100), "2024-01-01", "2025-13-01", "<script>")
	f.Add("monthly", 4, "12:00", 45, "UTC", "2100-12-31", "//evil.example", "2101-01-01", "0000-01-01", strings.Repeat("😀", 40))
	f.Add("weekly", 0, "9:30", 14, "Local", "2025-02-30", "", "x", "", "")
	f.Add("daily", 8, "24:00", 241, "../../etc/passwd", "1999-12-31", "javascript:alert(1)", "2025-01-01", "9999-12-31", "\x00")
	f.Add("weekly", 3, "02:30", 90, "Europe/London", "2025-03-26", "DST; change, \\ here", "2025-10-31", "2025-03-30", "a,b;c\\d")
	f.Add("weekly", 3, "10:00", 30, "Pacific/Apia", "2011-12-28", "skipped day", "2012-01-05", "2011-12-30", "never was")
	f.Fuzz(func(t *testing.T, every string, weekday int, clock string, minutes int, tz, start, summary, last, day, daySummary string) {
		summary, daySummary = strings.ToValidUTF8(summary, "?"), strings.ToValidUTF8(daySummary, "?")
		c := Cadence{Every: every, Weekday: weekday, Time: clock, DurationMinutes: minutes, Timezone: tz, StartDate: start}
		_, fe := c.Validate()
		days := []Day{{UID: "day@otm", Summary: daySummary, Date: day}, {UID: "fixed@otm", Summary: "Fixed", Date: "2025-06-01"}}
		now := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
		b, err := c.Calendar(Series{UID: "series@otm", Summary: summary, LastDate: last}, days, now)
		if (err != nil) != (len(fe) > 0) {
			t.Fatalf("Calendar error %v, but Validate reports %v", err, fe)
		}
		if err != nil {
			return
		}
		out := string(b)
		if !strings.HasSuffix(out, "\r\n") {
			t.Fatalf("calendar does not end with CRLF")
		}
		var logical []string
		for i, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if l == "" || strings.ContainsAny(l, "\r\n") || len(l) > 75 || !utf8.ValidString(l) {
				t.Fatalf("line %d %q: empty, bare CR/LF, over 75 octets or cut inside UTF-8", i, l)
			}
			if l[0] == ' ' {
				if len(logical) == 0 {
					t.Fatalf("calendar starts with a continuation line")
				}
				logical[len(logical)-1] += l[1:]
				continue
			}
			logical = append(logical, l)
		}
		var stack []string
		events, allDay := 0, 0
		for _, l := range logical {
			if name, ok := strings.CutPrefix(l, "BEGIN:"); ok {
				stack = append(stack, name)
				if name == "VEVENT" {
					events++
				}
			} else if name, ok := strings.CutPrefix(l, "END:"); ok {
				if len(stack) == 0 || stack[len(stack)-1] != name {
					t.Fatalf("%q does not close %v", l, stack)
				}
				stack = stack[:len(stack)-1]
			} else if strings.HasPrefix(l, "DTSTART;VALUE=DATE:") {
				allDay++
			} else if !strings.Contains(l, ":") {
				t.Fatalf("content line %q has no value", l)
			}
		}
		if len(stack) != 0 {
			t.Fatalf("components %v are not closed", stack)
		}
		if logical[0] != "BEGIN:VCALENDAR" || logical[len(logical)-1] != "END:VCALENDAR" {
			t.Fatalf("calendar is %q … %q", logical[0], logical[len(logical)-1])
		}
		wantDays := 1
		if _, err := time.Parse(DateLayout, day); err == nil {
			wantDays++
		}
		if allDay != wantDays || events < wantDays || events > wantDays+1 {
			t.Fatalf("got %d events, %d all-day, want %d all-day and at most one series", events, allDay, wantDays)
		}
	})
}
