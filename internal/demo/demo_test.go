package demo

import (
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/profile"
)

var testNow = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

func topicIDs() []string {
	ids := make([]string, len(profile.DefaultTopics))
	for i, t := range profile.DefaultTopics {
		ids[i] = t.ID
	}
	return ids
}

// checkComplete re-checks what moderation's clean(&c, true) requires, and that
// cleaning would not change anything (trimmed, normalised, no duplicates).
func checkComplete(t *testing.T, m *Mentor, topics []string) {
	t.Helper()
	c := &m.Content
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s <%s>: "+format, append([]any{m.Name, m.Email}, args...)...)
	}
	text := func(field, v string, min, max int, multiline bool) {
		t.Helper()
		if v != strings.TrimSpace(v) {
			fail("%s not trimmed: %q", field, v)
		}
		if !utf8.ValidString(v) {
			fail("%s not valid UTF-8", field)
		}
		for _, r := range v {
			if unicode.IsControl(r) && !(multiline && r == '\n') {
				fail("%s contains control character %U", field, r)
			}
		}
		if n := utf8.RuneCountInString(v); n < min || n > max {
			fail("%s has %d characters, want %d–%d: %q", field, n, min, max, v)
		}
	}
	text("headline", c.Headline, profile.HeadlineMin, profile.HeadlineMax, false)
	text("bio", c.Bio, profile.BioMin, profile.BioMax, true)
	if strings.Contains(c.Headline, "  ") || strings.Contains(c.Bio, "  ") {
		fail("double space in %q / %q", c.Headline, c.Bio)
	}
	if n := sentences(c.Bio); n < 2 || n > 5 {
		fail("bio has %d sentences: %q", n, c.Bio)
	}

	if len(c.Topics) < 1 || len(c.Topics) > 4 || len(c.Topics) > profile.MaxTopics {
		fail("%d topics", len(c.Topics))
	}
	list := func(field string, v []string, lo, hi, maxLen int, norm func(string) string) {
		t.Helper()
		if len(v) < lo || len(v) > hi {
			fail("%s: %d entries, want %d–%d", field, len(v), lo, hi)
		}
		for i, x := range v {
			if x == "" || norm(strings.TrimSpace(x)) != x {
				fail("%s[%d] not normalised: %q", field, i, x)
			}
			if utf8.RuneCountInString(x) > maxLen {
				fail("%s[%d] too long: %q", field, i, x)
			}
			for _, r := range x {
				if unicode.IsControl(r) {
					fail("%s[%d] contains a control character", field, i)
				}
			}
			if slices.Index(v, x) != i {
				fail("%s: duplicate %q", field, x)
			}
		}
	}
	same := func(s string) string { return s }
	list("topics", c.Topics, 1, 4, 40, strings.ToLower)
	for _, tp := range c.Topics {
		if !slices.Contains(topics, tp) {
			fail("unknown topic %q", tp)
		}
	}
	list("skills", c.Skills, 2, 8, profile.SkillMax, same)
	list("interests", c.Interests, 0, 5, profile.InterestMax, same)
	list("languages", c.Languages, 1, profile.MaxLanguages, 2, strings.ToLower)
	for _, l := range c.Languages {
		if !check.ValidLanguage(l) {
			fail("invalid language %q", l)
		}
	}
	if !check.ValidCountry(c.Country) {
		fail("invalid country %q", c.Country)
	}
	if h := c.Availability.HoursPerMonth; h < profile.HoursMin || h > profile.HoursMax {
		fail("hours %d", h)
	}
	if u := c.LinkedInURL; u != "" {
		pu, err := url.Parse(u)
		if err != nil || len(u) > profile.URLMax || pu.Scheme != "https" || pu.Host != "www.linkedin.com" ||
			!strings.HasPrefix(pu.Path, "/in/") || pu.User != nil || pu.Port() != "" {
			fail("bad LinkedIn URL %q", u)
		}
		slug := strings.TrimPrefix(u, "https://www.linkedin.com/in/")
		if len(slug) < 7 || slug[len(slug)-5] != '-' || !isASCIISlug(slug) {
			fail("bad LinkedIn slug %q", slug)
		}
	}
	vis := func(field, v string, allowed ...string) {
		t.Helper()
		if !slices.Contains(allowed, v) {
			fail("visibility.%s = %q", field, v)
		}
	}
	vis("interests", c.Visibility.Interests, profile.VisPublic, profile.VisExecutives, profile.VisCurators)
	vis("availability", c.Visibility.Availability, profile.VisPublic, profile.VisExecutives, profile.VisCurators)
	vis("linkedinUrl", c.Visibility.LinkedInURL, profile.VisExecutives, profile.VisCurators)

	// Name, e-mail, organization, date.
	if strings.TrimSpace(m.Name) != m.Name || !strings.Contains(m.Name, " ") || !utf8.ValidString(m.Name) {
		fail("bad name")
	}
	local, domain, ok := strings.Cut(m.Email, "@")
	if !ok || domain != m.Org.Domain || local == "" || !isASCIIEmailLocal(local) {
		fail("bad e-mail (org domain %s)", m.Org.Domain)
	}
	if m.Org.ID == "" || !strings.HasSuffix(m.Org.Domain, ".example") {
		fail("bad org %+v", m.Org)
	}
	if !m.PublishedAt.Before(testNow) || m.PublishedAt.Before(testNow.AddDate(0, -18, 0).Add(-time.Second)) {
		fail("published at %v", m.PublishedAt)
	}

	// Headline and bio in one language, which the mentor speaks.
	de := isGerman(c.Bio)
	if de && !slices.Contains(c.Languages, "de") || !de && !slices.Contains(c.Languages, "en") {
		fail("bio language (german=%v) not among %v: %q", de, c.Languages, c.Bio)
	}
}

func isASCIIEmailLocal(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return s[0] != '.' && s[len(s)-1] != '.' && !strings.Contains(s, "..")
}

func isASCIISlug(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// sentences counts sentence ends: . ! ? followed by white space or the end.
func sentences(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c == '.' || c == '!' || c == '?') && (i == len(s)-1 || s[i+1] == ' ' || s[i+1] == '\n') {
			n++
		}
	}
	return n
}

// isGerman tells German from English bios by common words.
func isGerman(bio string) bool {
	w := " " + strings.NewReplacer(".", " ", ",", " ", ":", " ", "\n", " ").Replace(bio) + " "
	score := 0
	for _, x := range []string{" ich ", " Ich ", " und ", " mit ", " für ", " bei ", " die ", " der ", " im "} {
		score += strings.Count(w, x)
	}
	for _, x := range []string{" I ", " I'm ", " I've ", " I'd ", " and ", " with ", " the ", " at ", " my ", " to "} {
		score -= strings.Count(w, x)
	}
	return score > 0
}

func TestMentorsValid(t *testing.T) {
	topics := topicIDs()
	for seed := int64(1); seed <= 3; seed++ {
		ms := Mentors(500, seed, testNow, topics)
		if len(ms) != 500 {
			t.Fatalf("got %d mentors", len(ms))
		}
		for i := range ms {
			checkComplete(t, &ms[i], topics)
		}
	}
}

func TestMentorsFewTopics(t *testing.T) {
	for _, topics := range [][]string{{"digital-skills"}, {"sustainability", "wellbeing"}, {"custom-topic", "custom-topic"}} {
		for _, m := range Mentors(200, 7, testNow, topics) {
			checkComplete(t, &m, topics)
		}
	}
	for _, m := range Mentors(10, 7, testNow, nil) {
		if len(m.Content.Topics) != 0 {
			t.Errorf("topics without vocabulary: %v", m.Content.Topics)
		}
	}
	if Mentors(0, 1, testNow, topicIDs()) != nil || Mentors(-1, 1, testNow, topicIDs()) != nil {
		t.Error("n <= 0 should give nil")
	}
}

func TestMentorsDeterministic(t *testing.T) {
	topics := topicIDs()
	a := Mentors(300, 42, testNow, topics)
	b := Mentors(300, 42, testNow, topics)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different mentors")
	}
	c := Mentors(300, 43, testNow, topics)
	same := 0
	for i := range a {
		if a[i].Name == c[i].Name && a[i].Content.Headline == c[i].Content.Headline {
			same++
		}
	}
	if same > 5 {
		t.Errorf("seeds 42 and 43 share %d of 300 mentors", same)
	}
	// A prefix of a longer run is the shorter run.
	if d := Mentors(100, 42, testNow, topics); !reflect.DeepEqual(d, a[:100]) {
		t.Error("Mentors(100) is not a prefix of Mentors(300)")
	}
}

func TestMentorsRealism(t *testing.T) {
	const n = 2000
	ms := Mentors(n, 1, testNow, topicIDs())
	names, headlines, bios, emails := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	var german, de, linkedIn, core, withHeritage int
	orgs, industries, countries, langs := map[string]int{}, map[string]bool{}, map[string]int{}, map[string]bool{}
	oldest, newest := testNow, time.Time{}
	for _, m := range ms {
		names[m.Name] = true
		headlines[m.Content.Headline] = true
		bios[m.Content.Bio] = true
		if emails[m.Email] {
			t.Errorf("duplicate e-mail %s", m.Email)
		}
		emails[m.Email] = true
		if isGerman(m.Content.Bio) {
			german++
		}
		if m.Content.Country == "DE" {
			de++
		}
		countries[m.Content.Country]++
		if m.Content.LinkedInURL != "" {
			linkedIn++
		}
		for _, tp := range m.Content.Topics {
			if tp == "digital-skills" || tp == "new-work-leadership" || tp == "employer-branding" {
				core++
				break
			}
		}
		for _, l := range m.Content.Languages {
			langs[l] = true
		}
		if len(m.Content.Languages) > 2 {
			withHeritage++
		}
		orgs[m.Org.ID]++
		industries[m.Org.Industry] = true
		if m.PublishedAt.Before(oldest) {
			oldest = m.PublishedAt
		}
		if m.PublishedAt.After(newest) {
			newest = m.PublishedAt
		}
	}
	share := func(x int) float64 { return float64(x) / n }
	t.Logf("unique names %d, headlines %d, bios %d; German %.0f%%, DE %.0f%%, LinkedIn %.0f%%, core topic %.0f%%, >2 languages %.0f%%; %d orgs, %d industries, %d countries, %d languages",
		len(names), len(headlines), len(bios), 100*share(german), 100*share(de), 100*share(linkedIn), 100*share(core), 100*share(withHeritage),
		len(orgs), len(industries), len(countries), len(langs))
	if len(names) < n*9/10 {
		t.Errorf("only %d unique names in %d", len(names), n)
	}
	if len(headlines) < n*6/10 {
		t.Errorf("only %d unique headlines in %d", len(headlines), n)
	}
	if len(bios) < n*98/100 {
		t.Errorf("only %d unique bios in %d", len(bios), n)
	}
	if s := share(german); s < 0.35 || s > 0.65 {
		t.Errorf("German share %.2f", s)
	}
	if s := share(de); s < 0.6 || s > 0.8 {
		t.Errorf("share living in DE %.2f", s)
	}
	if s := share(linkedIn); s < 0.33 || s > 0.47 {
		t.Errorf("LinkedIn share %.2f", s)
	}
	if s := share(core); s < 0.7 {
		t.Errorf("only %.2f have a core topic", s)
	}
	if len(orgs) < 60 || len(industries) < 10 || len(countries) < 8 || len(langs) < 12 {
		t.Errorf("too little variety: %d orgs, %d industries, %d countries, %d languages", len(orgs), len(industries), len(countries), len(langs))
	}
	if newest.Sub(oldest) < 365*24*time.Hour {
		t.Errorf("published between %v and %v", oldest, newest)
	}
}

func TestOrgs(t *testing.T) {
	os := Orgs()
	if len(os) < 60 {
		t.Fatalf("%d orgs", len(os))
	}
	ids, domains, names, industries := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, o := range os {
		if ids[o.ID] || domains[o.Domain] || names[o.Name] {
			t.Errorf("duplicate %+v", o)
		}
		ids[o.ID], domains[o.Domain], names[o.Name], industries[o.Industry] = true, true, true, true
		if !isASCIISlug(o.ID) || strings.HasPrefix(o.ID, "-") || strings.HasSuffix(o.ID, "-") || strings.Contains(o.ID, "--") {
			t.Errorf("bad id %q", o.ID)
		}
		if host, ok := strings.CutSuffix(o.Domain, ".example"); !ok || !isASCIISlug(host) {
			t.Errorf("bad domain %q", o.Domain)
		}
		if o.Name == "" || o.Group == "" || o.Industry == "" || !utf8.ValidString(o.Name) {
			t.Errorf("incomplete %+v", o)
		}
	}
	if len(industries) < 10 {
		t.Errorf("%d industries", len(industries))
	}
	if !reflect.DeepEqual(os, Orgs()) {
		t.Error("Orgs not deterministic")
	}
	os[0].Name = "changed"
	if Orgs()[0].Name == "changed" {
		t.Error("Orgs returns shared memory")
	}
}

func TestASCII(t *testing.T) {
	for in, want := range map[string]string{
		"Müller": "mueller", "Weiß": "weiss", "Yılmaz": "yilmaz", "Şahin": "sahin", "İrem": "irem",
		"Łukasz": "lukasz", "Wiśniewska": "wisniewska", "Nguyễn": "nguyen", "Đặng": "dang",
		"Álvarez": "alvarez", "De Luca": "deluca", "El-Amin": "el-amin", "Lefèvre": "lefevre", "Kovačević": "kovacevic",
	} {
		if got := ascii(in); got != want {
			t.Errorf("ascii(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkMentors20k(b *testing.B) {
	topics := topicIDs()
	data() // pools are built once per process
	b.ReportAllocs()
	for b.Loop() {
		Mentors(20000, 1, testNow, topics)
	}
}

func TestExecutives(t *testing.T) {
	topics := []string{"digital-skills", "new-work-leadership", "employer-branding", "ai-data"}
	a := Executives(50, 1, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), topics)
	b := Executives(50, 1, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), topics)
	if len(a) != 50 || a[7].Name != b[7].Name || a[7].Goals != b[7].Goals {
		t.Fatalf("Executives: got %d, not deterministic", len(a))
	}
	emails := map[string]bool{}
	for _, e := range a {
		if len(e.Topics) == 0 || len(e.Languages) == 0 || len([]rune(e.Goals)) < 20 || e.Term == "" || emails[e.Email] {
			t.Errorf("executive %+v is incomplete or duplicated", e)
		}
		emails[e.Email] = true
	}
}
