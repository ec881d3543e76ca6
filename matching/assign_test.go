package matching

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestSuggest(t *testing.T) {
	w := testWorld()
	e := mentee("e", "acme")
	e.Topics = []string{"ai"}
	e.Preferred = []string{"p-pref"}

	good := mentor("p-good", "bolt")
	good.Topics = []string{"ai"}
	tieA, tieB := mentor("p-tie-a", "bolt"), mentor("p-tie-b", "cogs") // identical fit
	pref := mentor("p-pref", "bolt")
	pref.Topics = []string{"ai"}
	sameOrg := mentor("p-same", "acme")
	sameOrg.Topics = []string{"ai"}
	competitor := mentor("p-comp", "echo")
	full := mentor("p-full", "bolt")
	full.Active = 1

	cands := []Mentor{tieB, sameOrg, good, full, tieA, competitor, pref}
	sugg, excl := Suggest(w, DefaultWeights(), e, cands, 0)

	var gotIDs []string
	for _, s := range sugg {
		gotIDs = append(gotIDs, s.Mentor.ProfileID)
	}
	if want := []string{"p-pref", "p-good", "p-tie-a", "p-tie-b"}; !slices.Equal(gotIDs, want) {
		t.Errorf("ranking = %v, want %v", gotIDs, want)
	}
	for i := 1; i < len(sugg); i++ {
		if sugg[i].Score.Total > sugg[i-1].Score.Total {
			t.Errorf("not sorted at %d", i)
		}
	}
	var gotExcl []string
	for _, x := range excl {
		if x.Why.Text == "" || x.Why.Key != x.Rule {
			t.Errorf("%s excluded without reason", x.Mentor.ProfileID)
		}
		gotExcl = append(gotExcl, x.Mentor.ProfileID+":"+x.Rule)
	}
	if want := []string{"p-same:same_organization", "p-full:capacity_reached", "p-comp:competitors"}; !slices.Equal(gotExcl, want) {
		t.Errorf("exclusions = %v, want %v", gotExcl, want)
	}

	// Deterministic whatever the input order; limit cuts the ranking.
	rev := slices.Clone(cands)
	slices.Reverse(rev)
	sugg2, _ := Suggest(w, DefaultWeights(), e, rev, 2)
	if len(sugg2) != 2 || !reflect.DeepEqual(sugg2, sugg[:2]) {
		t.Errorf("limited reversed ranking = %v, want first two of %v", sugg2, gotIDs)
	}
}

// prefWeights scores by preference only, which makes fits easy to construct.
var prefWeights = Weights{Preference: 1}

func TestAssignGreedyTrap(t *testing.T) {
	// A likes X (1.0) and Y (0.9); B likes only X (1.0), Y scores 0.
	// Greedy takes A–X first and ends at 1.0; the optimum is A–Y + B–X = 1.9.
	x, y := mentor("X", "bolt"), mentor("Y", "cogs")
	a, b := mentee("A", "acme"), mentee("B", "acme")
	a.Preferred = []string{"X", "Y"}
	b.Preferred = []string{"X"}
	pairs, unassigned := Assign(testWorld(), prefWeights, []Mentee{a, b}, []Mentor{x, y})
	got := pairIDs(pairs)
	if want := []string{"A-Y", "B-X"}; !slices.Equal(got, want) || len(unassigned) != 0 {
		t.Errorf("pairs = %v, unassigned = %v; want %v", got, unassigned, want)
	}
	if tot := sumTotal(pairs); !near(tot, 1.9) {
		t.Errorf("total = %v, want 1.9", tot)
	}

	// Same trap where B–Y is forbidden: greedy would leave B alone.
	b.Managers = []string{"u-Y"}
	pairs, unassigned = Assign(testWorld(), prefWeights, []Mentee{a, b}, []Mentor{x, y})
	if got, want := pairIDs(pairs), []string{"A-Y", "B-X"}; !slices.Equal(got, want) || len(unassigned) != 0 {
		t.Errorf("pairs = %v, unassigned = %v; want %v", got, unassigned, want)
	}
}

func TestAssignUnassignedAndCapacity(t *testing.T) {
	w := testWorld()
	x := mentor("X", "bolt")
	x.Capacity = 2
	full := mentor("F", "bolt")
	full.Active = 1
	a, b, c := mentee("A", "acme"), mentee("B", "acme"), mentee("C", "bolt") // C: same org as every mentor
	pairs, unassigned := Assign(w, DefaultWeights(), []Mentee{a, b, c}, []Mentor{full, x})
	if got, want := pairIDs(pairs), []string{"A-X", "B-X"}; !slices.Equal(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
	if want := []string{"C"}; !slices.Equal(unassigned, want) {
		t.Errorf("unassigned = %v, want %v", unassigned, want)
	}
	if p, u := Assign(w, DefaultWeights(), nil, []Mentor{x}); p != nil || u != nil {
		t.Errorf("empty cohort: %v, %v", p, u)
	}
	if p, u := Assign(w, DefaultWeights(), []Mentee{a}, nil); len(p) != 0 || !slices.Equal(u, []string{"A"}) {
		t.Errorf("no mentors: %v, %v", p, u)
	}
}

func pairIDs(pairs []Pair) []string {
	var out []string
	for _, p := range pairs {
		out = append(out, p.RequestID+"-"+p.ProfileID)
	}
	return out
}

func sumTotal(pairs []Pair) float64 {
	t := 0.0
	for _, p := range pairs {
		t += p.Score.Total
	}
	return t
}

// randomInstance builds a small cohort with random profiles, capacities 1–2,
// some active tandems and random forbidden pairs (orgs, groups, competitors,
// manager chains, languages).
func randomInstance(r *rand.Rand, nMentees, nMentors int) (*World, []Mentee, []Mentor) {
	pick := func(pool []string, k int) []string {
		var out []string
		for range k {
			out = append(out, pool[r.IntN(len(pool))])
		}
		return out
	}
	topics := []string{"ai", "social media", "new platforms", "new work", "leadership", "employer branding"}
	langs := []string{"de", "en", "en", "fr"}
	countries := []string{"DE", "AT", "FR", "US", "JP"}
	interests := []string{"jazz", "climbing", "chess", "cooking", "football", "film"}
	terms := []string{"quarter", "half-year", "year", ""}

	w := &World{Orgs: map[string]Org{}}
	nOrgs := 8
	for i := range nOrgs {
		o := Org{ID: fmt.Sprintf("o%d", i)}
		if r.IntN(3) == 0 {
			o.Group = fmt.Sprintf("g%d", r.IntN(2))
		}
		if r.IntN(3) == 0 {
			o.Competitors = []string{fmt.Sprintf("o%d", r.IntN(nOrgs))}
		}
		w.Orgs[o.ID] = o
	}
	person := func(id string) Person {
		return Person{
			UserID: id, OrgID: fmt.Sprintf("o%d", r.IntN(nOrgs)),
			Languages: pick(langs, 1+r.IntN(2)), Country: countries[r.IntN(len(countries))],
			Interests: pick(interests, r.IntN(4)),
		}
	}
	mentors := make([]Mentor, nMentors)
	for j := range mentors {
		mentors[j] = Mentor{Person: person(fmt.Sprintf("um%d", j)), ProfileID: fmt.Sprintf("p%d", j),
			Topics: pick(topics, 1+r.IntN(3)), HoursPerMonth: r.IntN(6), Capacity: 1 + r.IntN(2)}
		if r.IntN(5) == 0 {
			mentors[j].Active = 1
		}
	}
	mentees := make([]Mentee, nMentees)
	for i := range mentees {
		e := Mentee{Person: person(fmt.Sprintf("ue%d", i)), RequestID: fmt.Sprintf("r%d", i),
			Topics: pick(topics, 1+r.IntN(3)), Term: terms[r.IntN(len(terms))]}
		for range r.IntN(4) * min(nMentors, 1) {
			e.Preferred = append(e.Preferred, fmt.Sprintf("p%d", r.IntN(nMentors)))
		}
		if r.IntN(4) == 0 && nMentors > 0 { // mentee manages a random mentor
			j := r.IntN(nMentors)
			mentors[j].Managers = append(mentors[j].Managers, e.UserID)
		}
		if r.IntN(4) == 0 && nMentors > 0 { // a random mentor manages the mentee
			e.Managers = []string{fmt.Sprintf("um%d", r.IntN(nMentors))}
		}
		mentees[i] = e
	}
	return w, mentees, mentors
}

// bruteForce returns the best Σ scoreUnits over all assignments respecting the
// rules and the remaining capacities (dynamic programming over mentees and the
// remaining-capacity vector).
func bruteForce(w *World, wt Weights, mentees []Mentee, mentors []Mentor) int64 {
	units := make([][]int64, len(mentees))
	for i, e := range mentees {
		units[i] = make([]int64, len(mentors))
		for j, m := range mentors {
			if ok, _, _ := Allowed(w, m, e); ok {
				units[i][j] = scoreUnits(Fit(wt, m, e).Total)
			} else {
				units[i][j] = -1
			}
		}
	}
	capLeft := make([]int, len(mentors))
	for j, m := range mentors {
		capLeft[j] = remaining(m)
	}
	memo := map[string]int64{}
	var best func(i int) int64
	best = func(i int) int64 {
		if i == len(mentees) {
			return 0
		}
		key := fmt.Sprint(i, capLeft)
		if v, ok := memo[key]; ok {
			return v
		}
		b := best(i + 1) // unassigned
		for j := range mentors {
			if units[i][j] >= 0 && capLeft[j] > 0 {
				capLeft[j]--
				b = max(b, units[i][j]+best(i+1))
				capLeft[j]++
			}
		}
		memo[key] = b
		return b
	}
	return best(0)
}

func TestAssignOptimalAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for it := range 300 {
		nE, nM := 1+r.IntN(7), r.IntN(8)
		w, mentees, mentors := randomInstance(r, nE, nM)
		wt := DefaultWeights()
		if it%3 == 0 { // also try uneven weights
			wt = Weights{Topic: r.Float64(), Language: r.Float64(), Availability: r.Float64(), Interests: r.Float64(), TimeZone: r.Float64(), Preference: r.Float64()}
		}
		name := fmt.Sprintf("#%d_%dx%d", it, nE, nM)
		pairs, unassigned := Assign(w, wt, mentees, mentors)
		checkAssignment(t, name, w, mentees, mentors, pairs, unassigned)

		var got int64
		for _, p := range pairs {
			got += scoreUnits(p.Score.Total)
		}
		if want := bruteForce(w, wt, mentees, mentors); got != want {
			t.Errorf("%s: Σ score = %d, brute-force optimum %d (pairs %v)", name, got, want, pairIDs(pairs))
		}

		pairs2, unassigned2 := Assign(w, wt, mentees, mentors)
		if !reflect.DeepEqual(pairs, pairs2) || !slices.Equal(unassigned, unassigned2) {
			t.Errorf("%s: not deterministic: %v vs %v", name, pairIDs(pairs), pairIDs(pairs2))
		}
	}
}

// checkAssignment verifies the structural guarantees of Assign.
func checkAssignment(t *testing.T, name string, w *World, mentees []Mentee, mentors []Mentor, pairs []Pair, unassigned []string) {
	t.Helper()
	byReq := map[string]Mentee{}
	for _, e := range mentees {
		byReq[e.RequestID] = e
	}
	byProf := map[string]Mentor{}
	for _, m := range mentors {
		byProf[m.ProfileID] = m
	}
	seen := map[string]bool{}
	load := map[string]int{}
	for _, p := range pairs {
		e, m := byReq[p.RequestID], byProf[p.ProfileID]
		if seen[p.RequestID] {
			t.Errorf("%s: mentee %s assigned twice", name, p.RequestID)
		}
		seen[p.RequestID] = true
		if ok, rule, _ := Allowed(w, m, e); !ok {
			t.Errorf("%s: forbidden pair %s-%s assigned (%s)", name, p.RequestID, p.ProfileID, rule)
		}
		if want := Fit(DefaultWeights(), m, e); len(p.Score.Factors) != len(want.Factors) {
			t.Errorf("%s: pair without explained score", name)
		}
		load[p.ProfileID]++
	}
	for id, n := range load {
		if n > remaining(byProf[id]) {
			t.Errorf("%s: mentor %s gets %d tandems, remaining capacity %d", name, id, n, remaining(byProf[id]))
		}
	}
	for _, id := range unassigned {
		if seen[id] {
			t.Errorf("%s: %s both assigned and unassigned", name, id)
		}
		seen[id] = true
	}
	if len(seen) != len(mentees) {
		t.Errorf("%s: %d mentees accounted for, want %d", name, len(seen), len(mentees))
	}
}

// benchCohort builds n mentees and n mentors (capacity 1) with deterministic
// random profiles spread over 50 organizations.
func benchCohort(n int) (*World, []Mentee, []Mentor) {
	r := rand.New(rand.NewPCG(42, uint64(n)))
	topics := []string{"ai", "social media", "new platforms", "new work", "leadership", "employer branding", "data", "sustainability"}
	langs := []string{"de", "en", "fr", "es", "it"}
	countries := []string{"DE", "AT", "CH", "FR", "ES", "IT", "GB", "US", "CA", "BR", "JP", "IN"}
	interests := []string{"jazz", "climbing", "chess", "cooking", "football", "film", "running", "gaming", "travel", "art"}
	terms := []string{"quarter", "half-year", "year"}
	pick := func(pool []string, k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = pool[r.IntN(len(pool))]
		}
		return out
	}
	w := &World{Orgs: map[string]Org{}}
	for i := range 50 {
		o := Org{ID: fmt.Sprintf("o%d", i), Group: fmt.Sprintf("g%d", i%40)}
		if i%7 == 0 {
			o.Competitors = []string{fmt.Sprintf("o%d", (i+1)%50)}
		}
		w.Orgs[o.ID] = o
	}
	person := func(id string) Person {
		return Person{UserID: id, OrgID: fmt.Sprintf("o%d", r.IntN(50)), Languages: append([]string{"en"}, pick(langs, r.IntN(2))...),
			Country: countries[r.IntN(len(countries))], Interests: pick(interests, 1+r.IntN(4))}
	}
	mentors := make([]Mentor, n)
	for j := range mentors {
		mentors[j] = Mentor{Person: person(fmt.Sprintf("um%d", j)), ProfileID: fmt.Sprintf("p%d", j), Topics: pick(topics, 1+r.IntN(3)), HoursPerMonth: 1 + r.IntN(6)}
	}
	mentees := make([]Mentee, n)
	for i := range mentees {
		mentees[i] = Mentee{Person: person(fmt.Sprintf("ue%d", i)), RequestID: fmt.Sprintf("r%d", i), Topics: pick(topics, 1+r.IntN(2)),
			Term: terms[r.IntN(len(terms))], Preferred: []string{fmt.Sprintf("p%d", r.IntN(n)), fmt.Sprintf("p%d", r.IntN(n))}}
	}
	return w, mentees, mentors
}

func benchmarkAssign(b *testing.B, n int) {
	w, mentees, mentors := benchCohort(n)
	wt := DefaultWeights()
	for b.Loop() {
		pairs, _ := Assign(w, wt, mentees, mentors)
		if len(pairs) == 0 {
			b.Fatal("no pairs")
		}
	}
}

func BenchmarkAssign100(b *testing.B)  { benchmarkAssign(b, 100) }
func BenchmarkAssign1000(b *testing.B) { benchmarkAssign(b, 1000) }
func BenchmarkAssign2000(b *testing.B) { benchmarkAssign(b, 2000) }

// TestAllowedFastAgreesWithAllowed: the assignment's shortcut gives the
// rules' verdict for every pair of a cohort with groups, competitors, line
// managers, full mentors and languages in odd spelling.
func TestAllowedFastAgreesWithAllowed(t *testing.T) {
	w, mentees, mentors := benchCohort(200)
	for i := range mentees {
		if i%5 == 0 {
			mentees[i].Managers = []string{mentors[(i*7)%len(mentors)].UserID}
		}
		if i%9 == 0 {
			mentees[i].Languages = []string{" DE ", "Fr"}
		}
	}
	for j := range mentors {
		if j%6 == 0 {
			mentors[j].Managers = []string{mentees[(j*3)%len(mentees)].UserID}
		}
		if j%11 == 0 {
			mentors[j].Active, mentors[j].Capacity = 2, 2
		}
		if j%13 == 0 {
			mentors[j].Languages = []string{"it"}
		}
	}
	refused := 0
	for _, e := range mentees {
		pe, ve := prepare(e.Person, e.Topics), w.view(e.Person)
		for _, m := range mentors {
			want, rule, _ := Allowed(w, m, e)
			vm, pm := w.view(m.Person), prepare(m.Person, m.Topics)
			if got := allowedFast(&vm, &ve, &pm, &pe, &m, &e); got != want {
				t.Fatalf("mentor %s, mentee %s: allowedFast %v, Allowed %v (%s)", m.ProfileID, e.RequestID, got, want, rule)
			}
			if !want {
				refused++
			}
		}
	}
	if refused == 0 {
		t.Fatal("no pair was refused: the cohort tests nothing")
	}
}

// TestAssignProgress: the steps reported grow and end at the total, and the
// result is Assign's.
func TestAssignProgress(t *testing.T) {
	w, mentees, mentors := benchCohort(300)
	var steps [][2]int
	pairs, unassigned := AssignProgress(w, DefaultWeights(), mentees, mentors, func(done, total int) { steps = append(steps, [2]int{done, total}) })
	if len(steps) < 2 {
		t.Fatalf("progress reported %d times, want several", len(steps))
	}
	for i, s := range steps {
		if s[1] != 2*len(mentees) || s[0] > s[1] || i > 0 && s[0] < steps[i-1][0] {
			t.Fatalf("step %d: got %v after %v, want growing done of %d", i, s, steps[max(i-1, 0)], 2*len(mentees))
		}
	}
	if last := steps[len(steps)-1]; last[0] != last[1] {
		t.Errorf("last step: got %v, want done = total", last)
	}
	wantPairs, wantUnassigned := Assign(w, DefaultWeights(), mentees, mentors)
	if len(pairs) != len(wantPairs) || len(unassigned) != len(wantUnassigned) {
		t.Errorf("got %d pairs and %d unassigned, Assign gives %d and %d", len(pairs), len(unassigned), len(wantPairs), len(wantUnassigned))
	}
}
