package matching

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"
)

// Suggestion is an allowed mentor with its explained fit.
type Suggestion struct {
	Mentor Mentor
	Score  Score
}

// Exclusion is a mentor a hard rule refuses, with the rule and why.
type Exclusion struct {
	Mentor Mentor
	Rule   string
	Why    Why
}

// Suggest ranks the allowed candidates for one mentee by Total, descending,
// ties by ProfileID; limit <= 0 means all. Every refused candidate comes back
// as an Exclusion, in input order, so that a curator sees why.
func Suggest(w *World, wt Weights, e Mentee, candidates []Mentor, limit int) ([]Suggestion, []Exclusion) {
	var sugg []Suggestion
	var excl []Exclusion
	pe := prepare(e.Person, e.Topics)
	for _, m := range candidates {
		if ok, rule, reason := Allowed(w, m, e); !ok {
			excl = append(excl, Exclusion{Mentor: m, Rule: rule, Why: reason})
			continue
		}
		pmj := prepare(m.Person, m.Topics)
		sugg = append(sugg, Suggestion{Mentor: m, Score: fitPrepared(wt, &pmj, &pe, &m, &e)})
	}
	slices.SortStableFunc(sugg, func(a, b Suggestion) int {
		if c := cmp.Compare(b.Score.Total, a.Score.Total); c != 0 {
			return c
		}
		return cmp.Compare(a.Mentor.ProfileID, b.Mentor.ProfileID)
	})
	if limit > 0 && len(sugg) > limit {
		sugg = sugg[:limit]
	}
	return sugg, excl
}

// Pair is one proposed tandem.
type Pair struct {
	RequestID, ProfileID string
	Score                Score
}

// scoreUnits turns a total into the integer the optimisation works on: fits
// are compared to 1e-6, which makes the optimum exact and deterministic.
func scoreUnits(total float64) int64 {
	return int64(math.Round(1e6 * total))
}

// Assign proposes tandems for a cohort: an assignment of mentees to mentors that
// maximises the total fit (in units of 1e-6, see scoreUnits) under the hard
// rules, one mentor per mentee and at most Capacity-Active mentees per mentor.
// A pair a rule forbids is never assigned; a mentee stays unassigned when no
// allowed mentor is left for them (or when assigning them would lower the
// total). Among optimal assignments it prefers those with more tandems.
//
// It scores every pair in parallel (one worker a processor) and runs the
// Hungarian algorithm (see hungarian), at most O(n²·k) for n mentees and
// k = n + total remaining capacity columns: every mentor column is replicated
// once per free slot and one dummy column per mentee stands for
// "unassigned". 2,000 × 2,000 take ~0.6 s on two cores (BenchmarkAssign2000).
// The result is deterministic for the same input order. Pairs come in mentee input order,
// unassigned request ids too.
func Assign(w *World, wt Weights, mentees []Mentee, mentors []Mentor) (pairs []Pair, unassigned []string) {
	return AssignProgress(w, wt, mentees, mentors, nil)
}

// AssignProgress is Assign reporting its progress to progress (nil: none):
// done of total steps (every mentee scored, then every mentee placed), from
// the calling goroutine, often; the caller throttles.
func AssignProgress(w *World, wt Weights, mentees []Mentee, mentors []Mentor, progress func(done, total int)) (pairs []Pair, unassigned []string) {
	n, nm := len(mentees), len(mentors)
	if n == 0 {
		return nil, nil
	}
	pe := make([]prepared, n)
	ve := make([]ruleView, n)
	for i, e := range mentees {
		pe[i], ve[i] = prepare(e.Person, e.Topics), w.view(e.Person)
		pe[i].need = termNeed(e.Term)
	}
	pm := make([]prepared, nm)
	vm := make([]ruleView, nm)
	var cols []int // column → mentor index
	for j, m := range mentors {
		pm[j], vm[j] = prepare(m.Person, m.Topics), w.view(m.Person)
		for range remaining(m) {
			cols = append(cols, j)
		}
	}
	internSets(pe, pm)

	// Integer fit of every allowed pair; forbidden pairs are marked. The
	// rows are scored in parallel, one worker a processor.
	const forbidden = math.MinInt64
	wa := wt.array()
	units := make([]int64, n*nm)
	rem := make([]int, nm)
	for j := range mentors {
		rem[j] = remaining(mentors[j])
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), n/64))
	spans := make([][2]int64, workers) // per worker: max and min units
	var wg sync.WaitGroup
	for wk := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hi, lo := int64(0), int64(0)
			for i := wk; i < n; i += workers {
				e := &mentees[i]
				row := units[i*nm : (i+1)*nm]
				for j := range mentors {
					m := &mentors[j]
					u := int64(forbidden)
					if rem[j] > 0 {
						if allowedFast(&vm[j], &ve[i], &pm[j], &pe[i], m, e) {
							s, _ := factors(&pm[j], &pe[i], m, e, false)
							u = scoreUnits(total(wa, s))
							hi, lo = max(hi, u), min(lo, u)
						}
					}
					row[j] = u
				}
			}
			spans[wk] = [2]int64{hi, lo}
		}()
	}
	wg.Wait()
	maxU, minU := int64(0), int64(0)
	for _, sp := range spans {
		maxU, minU = max(maxU, sp[0]), min(minU, sp[1])
	}

	// Costs. With K = n+1 and M = maxU+1: an allowed pair costs K(M-u)-1 > 0, the
	// dummy column costs KM, a forbidden pair more than any assignment using
	// dummies instead. The total cost is K(nM - Σu) - #pairs, so the minimum
	// maximises Σu first and the number of pairs second. A forbidden pair can
	// always be swapped for an unused dummy at a lower cost, so it never
	// appears in the optimum.
	k, mm := int64(n+1), maxU+1
	dummy := k * mm
	forbid := k*(mm-minU) + dummy + 1
	stride := nm + 1 // per row: one cost per mentor, then the dummy cost
	cost := make([]int64, n*stride)
	for i := range n {
		row := cost[i*stride : (i+1)*stride]
		for j := range nm {
			if u := units[i*nm+j]; u == forbidden {
				row[j] = forbid
			} else {
				row[j] = k*(mm-u) - 1
			}
		}
		row[nm] = dummy
	}
	for range n {
		cols = append(cols, nm)
	}

	report := func(int) {}
	if progress != nil {
		progress(n, 2*n)
		report = func(placed int) { progress(n+placed, 2*n) }
	}
	match := hungarian(n, cols, cost, stride, report)
	for i, e := range mentees {
		j := match[i]
		if j < 0 || j == nm || units[i*nm+j] == forbidden {
			unassigned = append(unassigned, e.RequestID)
			continue
		}
		m := mentors[j]
		pairs = append(pairs, Pair{RequestID: e.RequestID, ProfileID: m.ProfileID, Score: fitPrepared(wt, &pm[j], &pe[i], &m, &e)})
	}
	return pairs, unassigned
}

// ruleView is what the hard rules need of one side, resolved once per
// person instead of once per pair.
type ruleView struct {
	group       string
	competitors []string // of the person's organization
}

func (w *World) view(p Person) ruleView {
	return ruleView{group: w.group(p), competitors: w.org(p.OrgID).Competitors}
}

// allowedFast is Allowed's verdict without the why, from resolved views and
// prepared languages (TestAllowedFastAgreesWithAllowed keeps them equal).
func allowedFast(vm, ve *ruleView, pm, pe *prepared, m *Mentor, e *Mentee) bool {
	switch {
	case m.OrgID != "" && m.OrgID == e.OrgID,
		vm.group != "" && vm.group == ve.group,
		m.OrgID != "" && e.OrgID != "" && (lists(vm.competitors, e.OrgID, ve.group) || lists(ve.competitors, m.OrgID, vm.group)),
		e.UserID != "" && contains(m.Managers, e.UserID),
		m.UserID != "" && contains(e.Managers, m.UserID),
		intersect(pm.langs, pe.langs, nil) == 0:
		return false
	}
	return m.Active < capacity(*m)
}

// hungarian solves the rectangular assignment problem for n rows and
// len(cols) >= n columns, where column c of row i costs
// cost[i*stride+cols[c]]. It returns, for each row, the cols value of its
// column. This is the classic O(n²·m) shortest-augmenting-path version with
// potentials (rows are added one by one), with two savings that keep the
// optimum:
//   - a start by augmenting row reduction (Jonker–Volgenant), which matches
//     most rows cheaply with feasible duals; only the rows left over are
//     augmented;
//   - free columns of the same kind (the same cols value: a mentor's free
//     slots, the "unassigned" dummies) have equal costs and, never having
//     been part of a search tree, equal potentials, so a search looks at one
//     of them only.
//
// placed is told how many rows are matched, after the row reduction and
// after every search.
// scanSet is a search's columns still to settle, kept compact (a settled
// one is swapped out for the last): the column, its kind, its price (fixed
// during a search), its distance and where it was reached from —
// sequential arrays instead of look-ups by column, since this scan is most
// of the assignment's time.
type scanSet struct {
	j, kind, from []int
	price, dist   []int64
}

func (s *scanSet) reset() {
	s.j, s.kind, s.from, s.price, s.dist = s.j[:0], s.kind[:0], s.from[:0], s.price[:0], s.dist[:0]
}

func (s *scanSet) add(j, kind int, price int64) {
	s.j, s.kind, s.from = append(s.j, j), append(s.kind, kind), append(s.from, 0)
	s.price, s.dist = append(s.price, price), append(s.dist, math.MaxInt64/4)
}

// relax lowers each column's distance through column j0, whose row has
// costs row, at base (its distance less its row's potential), and returns
// the least distance and its position (-1: the set is empty).
func (s *scanSet) relax(row []int64, base int64, j0 int) (int64, int) {
	best, at := int64(math.MaxInt64), -1
	price, dist, from := s.price, s.dist[:len(s.kind)], s.from[:len(s.kind)]
	for x, k := range s.kind {
		if cur := base + row[k] - price[x]; cur < dist[x] {
			dist[x], from[x] = cur, j0
		}
		if dist[x] < best {
			best, at = dist[x], x
		}
	}
	return best, at
}

// take removes the column at position x and returns it, its distance and
// where it was reached from.
func (s *scanSet) take(x int) (j int, dist int64, from int) {
	j, dist, from = s.j[x], s.dist[x], s.from[x]
	last := len(s.j) - 1
	s.j[x], s.kind[x], s.from[x], s.price[x], s.dist[x] = s.j[last], s.kind[last], s.from[last], s.price[last], s.dist[last]
	s.j, s.kind, s.from, s.price, s.dist = s.j[:last], s.kind[:last], s.from[:last], s.price[:last], s.dist[:last]
	return j, dist, from
}

func hungarian(n int, cols []int, cost []int64, stride int, placed func(int)) []int {
	m := len(cols)
	const inf = math.MaxInt64 / 4
	u := make([]int64, n+1)
	v := make([]int64, m+1)
	p := make([]int, m+1) // p[j]: row (1-based) matched to column j, 0 = free
	way := make([]int, m+1)
	minv := make([]int64, m+1) // in a search: the distance of a column
	var settled []int

	// free[k]: the free columns (1-based) of kind k, the first one last.
	free := make([][]int, stride)
	for j := m; j >= 1; j-- {
		free[cols[j-1]] = append(free[cols[j-1]], j)
	}
	take := func(k int) { free[k] = free[k][:len(free[k])-1] }
	top := func(j int) bool { // column j is free and its kind's next free one
		f := free[cols[j-1]]
		return len(f) > 0 && f[len(f)-1] == j
	}
	// best2 returns row i's cheapest and second cheapest reduced cost
	// (c - v) over the matched columns and each kind's next free column, and
	// the columns.
	best2 := func(i int) (u1, u2 int64, j1, j2 int) {
		row := cost[(i-1)*stride : i*stride]
		u1, u2 = inf, inf
		for j := 1; j <= m; j++ {
			if p[j] == 0 && !top(j) {
				continue
			}
			h := row[cols[j-1]] - v[j]
			switch {
			case h < u1:
				u2, j2 = u1, j1
				u1, j1 = h, j
			case h < u2:
				u2, j2 = h, j
			}
		}
		return u1, u2, j1, j2
	}
	// Augmenting row reduction (Jonker–Volgenant), sixteen passes (two, as
	// in the paper, left 360 of 2,000 rows to search; eight ~10 % faster,
	// sixteen another ~10 % with the searches below): a free row
	// takes its cheapest column, whose price then rises to the row's second
	// best, evicting the row that had it. Every matched row keeps a cheapest
	// column of its own, so the duals stay feasible; most rows end matched
	// and only the rest need a search.
	x := make([]int, n+1) // x[i]: column of row i, 0 = none
	todo := make([]int, 0, n)
	for i := 1; i <= n; i++ {
		todo = append(todo, i)
	}
	for range 16 {
		var later []int
		for k := 0; k < len(todo); {
			i := todo[k]
			k++
			u1, u2, j1, j2 := best2(i)
			i0 := p[j1]
			if u1 < u2 {
				v[j1] -= u2 - u1
			} else if i0 != 0 && j2 != 0 {
				j1, i0 = j2, p[j2]
			}
			if p[j1] == 0 {
				take(cols[j1-1])
			}
			p[j1], x[i] = i, j1
			if i0 != 0 {
				x[i0] = 0
				if u1 < u2 {
					k--
					todo[k] = i0 // at once
				} else {
					later = append(later, i0)
				}
			}
		}
		todo = later
	}
	nMatched := 0
	for i := 1; i <= n; i++ {
		row := cost[(i-1)*stride : i*stride]
		if j := x[i]; j != 0 {
			nMatched++
			u[i] = row[cols[j-1]] - v[j]
		} else {
			u[i], _, _, _ = best2(i)
		}
	}

	placed(nMatched)
	// A search's columns, the matched ones and the free ones apart: see
	// scanSet. Among columns equally near, a free one ends the search at
	// once (scores come in few distinct values: ties are common).
	var matched, open scanSet
	for i := 1; i <= n; i++ {
		if x[i] != 0 {
			continue // matched by the row reduction
		}
		matched.reset()
		open.reset()
		for j := 1; j <= m; j++ {
			if p[j] != 0 {
				matched.add(j, cols[j-1], v[j])
			}
		}
		for k := range free {
			if f := free[k]; len(f) > 0 {
				open.add(f[len(f)-1], k, v[f[len(f)-1]])
			}
		}
		// Dijkstra over reduced costs from row i; a settled column leaves
		// the scan (its row joins the tree), the first free column ends it.
		settled = settled[:0]
		j0, d0 := 0, int64(0)
		p[0] = i
		for {
			i0 := p[j0]
			row := cost[(i0-1)*stride : i0*stride]
			base := d0 - u[i0]
			bf, af := open.relax(row, base, j0)
			bm, am := matched.relax(row, base, j0)
			set, at := &matched, am
			if af >= 0 && bf <= bm {
				set, at = &open, af
			}
			j, d, from := set.take(at)
			j0, d0, way[j] = j, d, from
			if set == &open {
				break
			}
			minv[j] = d
			settled = append(settled, j)
		}
		// Potentials: the root gains the path's length, every settled column
		// (and its row) what was left of it when it settled.
		u[i] += d0
		for _, j := range settled {
			delta := d0 - minv[j]
			u[p[j]] += delta
			v[j] -= delta
		}
		nMatched++
		placed(nMatched)
		take(cols[j0-1]) // the free column the path ends in
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	match := make([]int, n)
	for i := range match {
		match[i] = -1
	}
	for j := 1; j <= m; j++ {
		if p[j] != 0 {
			match[p[j]-1] = cols[j-1]
		}
	}
	return match
}
