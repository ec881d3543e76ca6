package matching

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

func factorOf(t *testing.T, s Score, name string) Factor {
	t.Helper()
	for _, f := range s.Factors {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no factor %q in %+v", name, s.Factors)
	return Factor{}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestDefaultWeightsSumToOne(t *testing.T) {
	w := DefaultWeights()
	if sum := w.Topic + w.Language + w.Availability + w.Interests + w.TimeZone + w.Preference; !near(sum, 1) {
		t.Errorf("sum = %v, want 1", sum)
	}
}

func TestFitContributionsSumToTotal(t *testing.T) {
	m := Mentor{Person: Person{Languages: []string{"de", "en"}, Country: "DE", Interests: []string{"jazz", "climbing", "ai"}}, ProfileID: "p1", Topics: []string{"AI", "social media"}, HoursPerMonth: 3}
	e := Mentee{Person: Person{Languages: []string{"en"}, Country: "FR", Interests: []string{"ai", "golf"}}, Topics: []string{"ai", "employer branding"}, Term: "quarter", Preferred: []string{"p0", "p1"}}
	w := DefaultWeights()
	s := Fit(w, m, e)
	if len(s.Factors) != 6 {
		t.Fatalf("len(Factors) = %d, want 6", len(s.Factors))
	}
	sum := 0.0
	for _, f := range s.Factors {
		if !near(f.Contribution, f.Score*f.Weight) {
			t.Errorf("%s: contribution %v != %v*%v", f.Name, f.Contribution, f.Score, f.Weight)
		}
		if f.Score < 0 || f.Score > 1 {
			t.Errorf("%s: score %v out of 0..1", f.Name, f.Score)
		}
		if f.Why == "" {
			t.Errorf("%s: no explanation", f.Name)
		}
		sum += f.Contribution
	}
	if !near(sum, s.Total) {
		t.Errorf("Σ contributions = %v, Total = %v", sum, s.Total)
	}
	want := map[string]float64{
		FactorTopic: 0.5, FactorLanguage: 0.8, FactorAvailability: 0.75,
		FactorInterests: 0.25, FactorTimeZone: 0.6, FactorPreference: 0.9,
	}
	for name, ws := range want {
		if got := factorOf(t, s, name).Score; !near(got, ws) {
			t.Errorf("%s = %v, want %v", name, got, ws)
		}
	}
}

func TestFitFactors(t *testing.T) {
	base := func() (Mentor, Mentee) {
		return Mentor{ProfileID: "p"}, Mentee{}
	}
	tests := []struct {
		name   string
		factor string
		setup  func(*Mentor, *Mentee)
		want   float64
	}{
		{"topic all", FactorTopic, func(m *Mentor, e *Mentee) { m.Topics = []string{"a", "b", "c"}; e.Topics = []string{"A", "b"} }, 1},
		{"topic none", FactorTopic, func(m *Mentor, e *Mentee) { m.Topics = []string{"x"}; e.Topics = []string{"a", "b"} }, 0},
		{"topic share", FactorTopic, func(m *Mentor, e *Mentee) { m.Topics = []string{"a"}; e.Topics = []string{"a", "b", "c", "d"} }, 0.25},
		{"topic mentee none", FactorTopic, func(m *Mentor, e *Mentee) { m.Topics = []string{"a"} }, 0},

		{"language none", FactorLanguage, func(m *Mentor, e *Mentee) { m.Languages = []string{"de"}; e.Languages = []string{"fr"} }, 0},
		{"language one", FactorLanguage, func(m *Mentor, e *Mentee) { m.Languages = []string{"de", "en"}; e.Languages = []string{"EN"} }, 0.8},
		{"language two", FactorLanguage, func(m *Mentor, e *Mentee) {
			m.Languages = []string{"de", "en"}
			e.Languages = []string{"en", "de", "fr"}
		}, 1},

		{"availability none", FactorAvailability, func(m *Mentor, e *Mentee) { e.Term = "year" }, 0},
		{"availability year full", FactorAvailability, func(m *Mentor, e *Mentee) { m.HoursPerMonth = 2; e.Term = "year" }, 1},
		{"availability quarter half", FactorAvailability, func(m *Mentor, e *Mentee) { m.HoursPerMonth = 2; e.Term = "quarter" }, 0.5},
		{"availability capped", FactorAvailability, func(m *Mentor, e *Mentee) { m.HoursPerMonth = 40; e.Term = "quarter" }, 1},
		{"availability unknown term as half-year", FactorAvailability, func(m *Mentor, e *Mentee) { m.HoursPerMonth = 1 }, 1.0 / 3},

		{"interests identical", FactorInterests, func(m *Mentor, e *Mentee) { m.Interests = []string{"a", "b"}; e.Interests = []string{"b", "a"} }, 1},
		{"interests disjoint", FactorInterests, func(m *Mentor, e *Mentee) { m.Interests = []string{"a"}; e.Interests = []string{"b"} }, 0},
		{"interests jaccard", FactorInterests, func(m *Mentor, e *Mentee) { m.Interests = []string{"a", "b", "c"}; e.Interests = []string{"c", "d"} }, 0.25},
		{"interests both empty", FactorInterests, func(m *Mentor, e *Mentee) {}, 0},

		{"timezone same country", FactorTimeZone, func(m *Mentor, e *Mentee) { m.Country = "de"; e.Country = "DE" }, 1},
		{"timezone same region", FactorTimeZone, func(m *Mentor, e *Mentee) { m.Country = "DE"; e.Country = "PT" }, 0.6},
		{"timezone far", FactorTimeZone, func(m *Mentor, e *Mentee) { m.Country = "DE"; e.Country = "JP" }, 0.2},
		{"timezone unknown", FactorTimeZone, func(m *Mentor, e *Mentee) {}, 0.2},
		{"timezone unknown countries differ", FactorTimeZone, func(m *Mentor, e *Mentee) { m.Country = "QQ"; e.Country = "ZZ" }, 0.2},

		{"preference rank 1", FactorPreference, func(m *Mentor, e *Mentee) { e.Preferred = []string{"p", "a", "b"} }, 1},
		{"preference rank 3", FactorPreference, func(m *Mentor, e *Mentee) { e.Preferred = []string{"a", "b", "p"} }, 0.8},
		{"preference rank 5", FactorPreference, func(m *Mentor, e *Mentee) { e.Preferred = []string{"a", "b", "c", "d", "p"} }, 0.6},
		{"preference rank 6 ignored", FactorPreference, func(m *Mentor, e *Mentee) { e.Preferred = []string{"a", "b", "c", "d", "e", "p"} }, 0},
		{"preference none", FactorPreference, func(m *Mentor, e *Mentee) { e.Preferred = []string{"a"} }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, e := base()
			tt.setup(&m, &e)
			s := Fit(DefaultWeights(), m, e)
			if got := factorOf(t, s, tt.factor).Score; !near(got, tt.want) {
				t.Errorf("%s = %v, want %v", tt.factor, got, tt.want)
			}
		})
	}
}

func TestFitExtremes(t *testing.T) {
	w := DefaultWeights()
	best := Fit(w,
		Mentor{Person: Person{Languages: []string{"de", "en"}, Country: "DE", Interests: []string{"x"}}, ProfileID: "p", Topics: []string{"ai"}, HoursPerMonth: 10},
		Mentee{Person: Person{Languages: []string{"de", "en"}, Country: "DE", Interests: []string{"x"}}, Topics: []string{"ai"}, Term: "quarter", Preferred: []string{"p"}})
	if !near(best.Total, 1) {
		t.Errorf("perfect pair Total = %v, want 1", best.Total)
	}
	worst := Fit(w, Mentor{ProfileID: "p"}, Mentee{Topics: []string{"ai"}})
	if want := w.TimeZone * 0.2; !near(worst.Total, want) {
		t.Errorf("empty pair Total = %v, want %v (time-zone floor only)", worst.Total, want)
	}
}

// TestFactorKeys: every factor explains itself with a key of ExplainKeys,
// whichever branch it takes.
func TestFactorKeys(t *testing.T) {
	known := map[string]bool{}
	for _, k := range ExplainKeys {
		known[k] = true
	}
	seen := map[string]bool{}
	mentors := []Mentor{
		{Person: Person{Languages: []string{"de"}, Country: "DE", Interests: []string{"chess"}}, ProfileID: "p1", Topics: []string{"ai"}, HoursPerMonth: 2},
		{Person: Person{Languages: []string{"en"}, Country: "AT"}, ProfileID: "p2", HoursPerMonth: 5},
		{Person: Person{Languages: []string{"en"}, Country: "US"}, ProfileID: "p3"},
	}
	mentees := []Mentee{
		{Person: Person{Languages: []string{"de", "en"}, Country: "DE", Interests: []string{"chess"}}, Topics: []string{"ai"}, Term: "quarter", Preferred: []string{"p1"}},
		{Person: Person{Languages: []string{"en"}}},
	}
	for _, m := range mentors {
		for _, e := range mentees {
			for _, f := range Fit(DefaultWeights(), m, e).Factors {
				if !known[f.Key] {
					t.Errorf("factor %s: got key %q, want one of ExplainKeys", f.Name, f.Key)
				}
				seen[f.Key] = true
			}
		}
	}
	for _, k := range ExplainKeys {
		if !seen[k] {
			t.Errorf("key %q never produced: drop it or cover it here", k)
		}
	}
}

// TestBitSetScoresAgreeWithLists: the assignment's bit-set scoring gives
// the same factor scores as the sorted lists, and a cohort with more than
// 64 distinct values of a kind keeps the lists.
func TestBitSetScoresAgreeWithLists(t *testing.T) {
	_, mentees, mentors := benchCohort(120)
	pe, pm := make([]prepared, len(mentees)), make([]prepared, len(mentors))
	for i, e := range mentees {
		pe[i] = prepare(e.Person, e.Topics)
	}
	for j, m := range mentors {
		pm[j] = prepare(m.Person, m.Topics)
	}
	fe, fm := slices.Clone(pe), slices.Clone(pm)
	internSets(fe, fm)
	if !fe[0].bits || !fm[0].bits {
		t.Fatal("a cohort of few topics, languages and interests: got no bit sets, want them")
	}
	for i := range mentees {
		for j := range mentors {
			got, _ := factors(&fm[j], &fe[i], &mentors[j], &mentees[i], false)
			want, _ := factors(&pm[j], &pe[i], &mentors[j], &mentees[i], false)
			if got != want {
				t.Fatalf("mentee %d, mentor %d: got %v with bit sets, want %v", i, j, got, want)
			}
		}
	}

	many := make([]prepared, 65)
	for i := range many {
		many[i] = prepare(Person{Interests: []string{fmt.Sprintf("interest %d", i)}}, nil)
	}
	internSets(many)
	if many[0].bits {
		t.Error("65 distinct interests: got bit sets, want the lists kept")
	}
}
