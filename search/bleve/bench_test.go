package bleve

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/search"
)

// Run with:
//
//	go test -run '^$' -bench 20k -benchtime 1x ./search/bleve/   (build once)
//	go test -run '^$' -bench Search20k ./search/bleve/

var (
	benchFirst = []string{"Lena", "Jonas", "Sophie", "Lukas", "Hannah", "Noah", "Emma", "Felix", "Clara", "Finn",
		"Mehmet", "Ayşe", "Amélie", "Chiara", "Paweł", "Lucía", "Aoife", "Daan", "Olivia", "Konstantinos",
		"Marie", "Tobias", "Julia", "Leon", "Nora", "Maximilian", "Isabel", "Ben", "Zoe", "Sara", "Elif", "Jan"}
	benchLast = []string{"Hoffmann", "Weber", "Müller", "Schneider", "Becker", "Wagner", "Neumann", "Schröder",
		"Krüger", "Hartmann", "Richter", "Vogt", "Keller", "Haas", "Brandstätter", "Yılmaz", "Dubois", "Rossi",
		"Kowalski", "Fernández", "Murphy", "de Vries", "Thompson", "Papadopoulos", "Lefèvre", "García", "Lambert",
		"Johansson", "Bianchi", "Schmidt", "Fischer", "Meyer", "Wolf", "Schäfer", "Zimmermann", "Schulz"}
	benchOrgs = []string{"Zalando SE", "Siemens AG", "Deutsche Telekom AG", "Allianz", "AXA", "Bosch", "Lufthansa Group",
		"Deutsche Bahn", "SAP SE", "BASF", "BMW Group", "Otto Group", "Henkel", "Merck KGaA", "Roche", "Swisscom",
		"Raiffeisen Bank International", "ING", "UniCredit", "Santander", "Unilever", "Accenture", "Spotify", "Allegro"}
	benchTopics    = []string{"digital-skills", "new-work-leadership", "employer-branding", "sustainability", "diversity-inclusion", "mental-health", "entrepreneurship"}
	benchLanguages = []string{"de", "en", "fr", "es", "it", "pl", "nl", "tr", "sv", "el", "pt", "da"}
	benchCountries = []string{"DE", "AT", "CH", "FR", "NL", "BE", "LU", "GB", "IE", "ES", "PT", "IT", "PL", "CZ",
		"SE", "DK", "NO", "FI", "GR", "TR", "US", "CA", "HU", "RO"}
	benchSkills = []string{"TikTok", "Instagram", "LinkedIn", "Python", "Power BI", "Azure", "Kubernetes", "ChatGPT",
		"Prompt Engineering", "Scrum", "OKR", "Storytelling", "Recruiting", "Community Management", "UX Research",
		"Low-Code", "Power Automate", "Video Editing", "Podcasts", "Datenschutz", "Green IT", "Moderation", "Feedback"}
	benchHeadlines = []string{
		"Social-Media-Strategin, erklärt %s ohne Fachchinesisch",
		"I mentor executives on %s and AI",
		"%s für Führungskräfte verständlich gemacht",
		"What Gen Z expects from leaders: %s",
		"Digitalisierung im Mittelstand mit %s",
		"Employer branding with %s",
		"Nachhaltigkeit und %s im Konzern",
		"Remote leadership and %s",
	}
	benchWordsDE = strings.Fields("ich zeige führungskräften wie junge menschen arbeiten digitalisierung nachhaltigkeit " +
		"teams feedback kultur hybride arbeit generation erwartungen plattformen kampagnen gemeinsam probieren " +
		"wir neue werkzeuge aus künstliche intelligenz datenschutz verantwortung karriere ausbildung mentoring " +
		"unternehmen kunden projekte erfahrung augenhöhe hierarchie wandel zukunft arbeitgeber marke werte")
	benchWordsEN = strings.Fields("i help leaders understand how young professionals work with digital tools " +
		"social media platforms artificial intelligence sustainability hybrid teams feedback culture generation " +
		"expectations employer brand values careers community data analytics cloud security remote collaboration " +
		"wellbeing inclusion diversity product design innovation learning coaching mentoring reverse with and the")
)

// benchDocs returns n synthetic, deterministic profiles.
func benchDocs(n int) []search.Document {
	r := rand.New(rand.NewPCG(2022, 1))
	pick := func(vs []string) string { return vs[r.IntN(len(vs))] }
	some := func(vs []string, lo, hi int) []string {
		k := lo + r.IntN(hi-lo+1)
		out := make([]string, 0, k)
		for len(out) < k {
			if v := pick(vs); !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return out
	}
	base := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	docs := make([]search.Document, n)
	for i := range docs {
		words := benchWordsEN
		if r.IntN(2) == 0 {
			words = benchWordsDE
		}
		bio := make([]string, 30+r.IntN(50))
		for j := range bio {
			bio[j] = pick(words)
		}
		langs := some(benchLanguages, 1, 3)
		if r.IntN(3) > 0 && !slices.Contains(langs, "en") {
			langs = append(langs, "en")
		}
		docs[i] = search.Document{
			ID:            fmt.Sprintf("p%06d", i),
			Name:          pick(benchFirst) + " " + pick(benchLast),
			Organization:  pick(benchOrgs),
			OrgVerified:   r.IntN(4) > 0,
			Headline:      fmt.Sprintf(pick(benchHeadlines), pick(benchSkills)),
			Bio:           strings.Join(bio, " ") + ".",
			Topics:        some(benchTopics, 1, 3),
			Skills:        some(benchSkills, 2, 5),
			Languages:     langs,
			Country:       pick(benchCountries),
			HoursPerMonth: 1 + r.IntN(8),
			Industry:      benchIndustries[i%len(benchIndustries)], // not drawn: the other fields stay as they were
			PublishedAt:   base.Add(time.Duration(r.IntN(4*365*24)) * time.Hour),
		}
		if r.IntN(3) == 0 {
			docs[i].Interests = some(strings.Fields("Bouldern Podcasts Handball Fotografie Kochen Gaming Yoga Laufen"), 1, 2)
		}
	}
	return docs
}

// buildIndex writes docs to a new on-disk index at dir in batches of 500, as the
// indexer does.
func buildIndex(tb testing.TB, dir string, docs []search.Document) *Index {
	tb.Helper()
	x, err := Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < len(docs); i += search.DefaultBatchSize {
		if err := x.Upsert(context.Background(), docs[i:min(i+search.DefaultBatchSize, len(docs))]...); err != nil {
			tb.Fatal(err)
		}
	}
	return x
}

func dirSize(tb testing.TB, dir string) int64 {
	tb.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && !d.IsDir() {
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// BenchmarkBuild20k measures building an on-disk index of 20,000 profiles (ns/op is
// one whole build).
func BenchmarkBuild20k(b *testing.B) {
	docs := benchDocs(20000)
	var size int64
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "mentors")
		x := buildIndex(b, dir, docs)
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
		size = dirSize(b, dir)
	}
	b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(size)/1e6, "disk-MB")
}

// BenchmarkSearch20k runs directory searches against an on-disk index of 20,000
// profiles (OTM_BENCH_DOCS=100000 for more): a mix of typo, prefix,
// multi-word, filtered and placeholder queries, each with the three facets and
// highlighting, and each kind on its own, all past the result cache; "cached"
// is the mix answered from it.
func BenchmarkSearch20k(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("OTM_BENCH_DOCS")); err == nil && v > 0 {
		n = v
	}
	docs := benchDocs(n)
	dir := filepath.Join(b.TempDir(), "mentors")
	start := time.Now()
	x := buildIndex(b, dir, docs)
	build := time.Since(start)
	b.Cleanup(func() { _ = x.Close() })
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.Logf("built %d on disk in %v, %.1f MB on disk, heap in use %.1f MB", n, build, float64(dirSize(b, dir))/1e6, float64(ms.HeapInuse)/1e6)

	kinds := []struct {
		name    string
		queries []search.Query
	}{
		{"exact", []search.Query{{Q: "Hoffmann"}, {Q: "Kubernetes"}, {Q: "Lufthansa"}}},
		{"typo", []search.Query{{Q: "Hofman"}, {Q: "Schnieder"}, {Q: "Digitalisirung"}, {Q: "Nachhaltigkait"}, {Q: "leadrship"}}},
		{"prefix", []search.Query{{Q: "dig"}, {Q: "nachh"}, {Q: "Lena Hof"}, {Q: "emplo"}}},
		{"words", []search.Query{{Q: "mentor with AI"}, {Q: "social media platforms"}, {Q: "Führung auf Augenhöhe"}}},
		{"filters", []search.Query{
			{Q: "digital", Topics: []string{"digital-skills"}, Languages: []string{"de"}},
			{Q: "Weber", Countries: []string{"DE", "AT", "CH"}},
			{Q: "teams", Topics: []string{"new-work-leadership", "employer-branding"}, Languages: []string{"en"}, Countries: []string{"GB", "IE"}},
		}},
		{"placeholder", []search.Query{{}, {Topics: []string{"sustainability"}}, {Languages: []string{"fr"}, Countries: []string{"FR", "BE"}, Offset: 40}}},
		// The directory's industry and hours filters, and room in a program
		// (200 mentors without room left out by id, as a busy cohort has).
		{"industry-hours-room", []search.Query{
			{Industries: []string{"logistics", "banking"}, MinHours: 4},
			{Q: "digital", MinHours: 2, ExcludeIDs: benchIDs(docs, 200)},
			{ExcludeIDs: benchIDs(docs, 200), Candidates: true, Limit: 1}, // a room count
		}},
	}
	var mixed []search.Query
	for _, k := range kinds {
		mixed = append(mixed, k.queries...)
	}
	kinds = append([]struct {
		name    string
		queries []search.Query
	}{{"mixed", mixed}, {"cached", mixed}}, kinds...)

	ctx := context.Background()
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			var times []time.Duration
			i := 0
			for b.Loop() {
				q := k.queries[i%len(k.queries)]
				i++
				if k.name != "cached" {
					x.cache.changed() // the engine's work, not the result cache's
				}
				t0 := time.Now()
				if _, err := x.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(build.Seconds(), "build-s")
		})
	}
}

// BenchmarkHostileQuery compares, in one run, a one-word query with a typo and
// a twelve-word query with typos in every word (what a hostile client would
// send to make the engine work): the caps (words, typos on the first four
// words only) keep the long one within a few times the short one. It reports
// both medians and their ratio (want ≤ 5).
//
//	go test -run '^$' -bench HostileQuery -benchtime 200x ./search/bleve/
func BenchmarkHostileQuery(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("OTM_BENCH_DOCS")); err == nil && v > 0 {
		n = v
	}
	x := buildIndex(b, filepath.Join(b.TempDir(), "mentors"), benchDocs(n))
	b.Cleanup(func() { _ = x.Close() })
	one := search.Query{Q: "Digitalisirung"}
	twelve := search.Query{Q: "Digitalisirung Nachhaltigkait leadrship Hofman Schnieder Kuberntes socal medai plattforms artifical inteligence feedbak"}
	ctx := context.Background()
	run := func(q search.Query) time.Duration {
		x.cache.changed() // the engine's work, not the result cache's
		t0 := time.Now()
		if _, err := x.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	var short, long []time.Duration
	for b.Loop() {
		short = append(short, run(one))
		long = append(long, run(twelve))
	}
	median := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2].Microseconds()) / 1000
	}
	s, l := median(short), median(long)
	b.ReportMetric(s, "one-word-p50-ms")
	b.ReportMetric(l, "twelve-words-p50-ms")
	b.ReportMetric(l/s, "ratio")
}

// benchIDs returns the ids of every len(docs)/n-th document, n of them.
func benchIDs(docs []search.Document, n int) []string {
	out := make([]string, 0, n)
	for i := 0; i < len(docs) && len(out) < n; i += max(1, len(docs)/n) {
		out = append(out, docs[i].ID)
	}
	return out
}

var benchIndustries = []string{"logistics", "banking", "insurance", "energy", "software", "retail", "mobility"}
