// Package ics writes iCalendar files (RFC 5545): content lines folded at 75
// octets, TEXT escaping, and VTIMEZONE components derived from Go's time zone
// data. What goes into a calendar is the caller's.
package ics

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is a VCALENDAR being written.
type Calendar struct{ b strings.Builder }

// New starts a published Gregorian calendar with the product id prodID.
func New(prodID string) *Calendar {
	c := &Calendar{}
	for _, l := range []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + prodID, "CALSCALE:GREGORIAN", "METHOD:PUBLISH"} {
		c.Line(l)
	}
	return c
}

// Line writes one content line (folded; the caller escapes TEXT values).
func (c *Calendar) Line(s string) { foldLine(&c.b, s) }

// TimeZone writes loc's VTIMEZONE from the year of first through the year
// after last (the last event; zero for a series without end: twenty years).
func (c *Calendar) TimeZone(loc *time.Location, first, last time.Time) {
	writeVTimezone(&c.b, loc, first, last)
}

// Bytes ends the calendar and returns it.
func (c *Calendar) Bytes() []byte {
	c.Line("END:VCALENDAR")
	return []byte(c.b.String())
}

// writeVTimezone describes loc's offsets from the year of first through the
// year after last (twenty years when last is zero), as RFC 5545 asks for
// every TZID used.
func writeVTimezone(b *strings.Builder, loc *time.Location, first, last time.Time) {
	foldLine(b, "BEGIN:VTIMEZONE")
	foldLine(b, "TZID:"+loc.String())
	from := time.Date(first.Year(), 1, 1, 0, 0, 0, 0, loc)
	to := from.AddDate(20, 0, 0)
	if !last.IsZero() {
		to = time.Date(max(last.Year(), first.Year())+2, 1, 1, 0, 0, 0, 0, loc)
	}
	n := 0
	for at := from; ; {
		_, end := at.ZoneBounds()
		// No further transition, past the span, or none that moves on (Go's
		// zone data can repeat its last bound far in the future).
		if end.IsZero() || end.After(to) || !end.After(at) {
			break
		}
		_, offFrom := end.Add(-time.Second).Zone()
		name, offTo := end.Zone()
		kind := "STANDARD"
		if end.IsDST() {
			kind = "DAYLIGHT"
		}
		writeTZComponent(b, kind, end.UTC().Add(time.Duration(offFrom)*time.Second).Format("20060102T150405"), offFrom, offTo, name)
		n++
		at = end
	}
	if n == 0 { // no transitions: one fixed offset
		name, off := first.Zone()
		writeTZComponent(b, "STANDARD", "19700101T000000", off, off, name)
	}
	foldLine(b, "END:VTIMEZONE")
}

func writeTZComponent(b *strings.Builder, kind, start string, from, to int, name string) {
	foldLine(b, "BEGIN:"+kind)
	foldLine(b, "DTSTART:"+start)
	foldLine(b, "TZOFFSETFROM:"+utcOffset(from))
	foldLine(b, "TZOFFSETTO:"+utcOffset(to))
	foldLine(b, "TZNAME:"+EscapeText(name))
	foldLine(b, "END:"+kind)
}

func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// EscapeText escapes an RFC 5545 TEXT value.
func EscapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// foldLine writes one content line, CRLF-terminated and folded so that no
// line exceeds 75 octets, never inside a UTF-8 sequence.
func foldLine(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if cut == 0 { // no character starts within the limit (invalid UTF-8): cut at it (found by FuzzCalendar)
			cut = limit
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
