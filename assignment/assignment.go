// Package assignment proposes a whole cohort's pairs at once: the optimal
// assignment (matching.Assign) of a program's open requests to mentors,
// computed inside the request for ordinary cohorts and by a background job,
// with its progress, for large ones. It reads the cohort from tandem/ (from
// above, as report/ does) and stores only the jobs' results.
package assignment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/suggest"
)

// DefaultInlinePairs is how many candidate pairs (requests × mentors) an
// assignment may have to be computed inside the request (500 × 500 take
// ~0.1 s); larger cohorts are computed by a background job (Run) while the
// page shows its progress.
const DefaultInlinePairs = 250_000

// Statuses: a computed result, or a job on its way.
const (
	Done    = "done"
	Queued  = "queued"
	Running = "running"
	Failed  = "failed"
)

// Pair is one pair of a proposed cohort assignment, with the next best
// mentors for the same request.
type Pair struct {
	RequestID    string            `json:"menteeRequestId"`
	MenteeName   string            `json:"menteeName"`
	Mentor       suggest.Candidate `json:"mentor"`
	Score        float64           `json:"score"`
	Factors      []matching.Factor `json:"factors"`
	Alternatives []Alternative     `json:"alternatives"`
}

// Alternative is another allowed mentor for a pair's request, for a curator
// who would rather not take the proposed one: its fit, and whether the
// assignment already gives all of the mentor's free capacity to other
// requests (Free false: taking them moves someone else).
type Alternative struct {
	Mentor suggest.Candidate `json:"mentor"`
	Score  float64           `json:"score"`
	Free   bool              `json:"free"`
}

// MaxAlternatives is how many alternatives a pair lists.
const MaxAlternatives = 2

// Unassigned is a request the assignment found no mentor for, and why, as a
// rule key with arguments (pages translate it):
//   - ReasonNoCandidates: no mentor in the directory shares a topic or a
//     language with the request;
//   - ReasonRefused {rule, count}: a hard rule refuses every candidate; rule
//     is the one that refuses most of them, count the candidates;
//   - ReasonTaken {count}: count candidates are allowed, but each is given to
//     a request that fits them better (their capacity is used up).
type Unassigned struct {
	RequestID  string   `json:"menteeRequestId"`
	MenteeName string   `json:"menteeName"`
	Reason     string   `json:"reason"`
	Args       otm.Args `json:"args,omitempty"`
}

// Reasons of Unassigned.
const (
	ReasonNoCandidates = "assign_no_candidates"
	ReasonRefused      = "assign_refused"
	ReasonTaken        = "assign_taken"
)

// Assignment is a proposed assignment of all open requests of a program.
// For a large cohort it may still be computing: Status queued or running,
// Progress 0–1, no pairs yet (see Service.Assign).
type Assignment struct {
	ProgramID  string   `json:"programId"`
	Status     string   `json:"status"`   // done | queued | running | failed
	Progress   float64  `json:"progress"` // 0–1
	Requests   int      `json:"requests"`
	Candidates int      `json:"candidates"`
	Pairs      []Pair   `json:"pairs"`
	Unassigned []string `json:"unassigned"` // request ids, as UnassignedReasons
	// UnassignedReasons says, per request without a mentor, why.
	UnassignedReasons []Unassigned `json:"unassignedReasons"`
	TotalScore        float64      `json:"totalScore"`
}

// Cohorts is what an assignment reads of requests and mentors.
type Cohorts interface {
	Cohort(ctx context.Context, pr *program.Program) (*suggest.Cohort, error)
}

// Programs is what an assignment needs of programs.
type Programs interface {
	Curated(ctx context.Context, p *otm.Principal, id string) (*program.Program, error)
	Lookup(ctx context.Context, id string) (*program.Program, error)
}

// Service computes cohort assignments.
type Service struct {
	store    *mongoStore
	cohorts  Cohorts
	programs Programs
	now      func() time.Time
	inline   atomic.Int64  // SetInlinePairs; 0: the default
	wake     chan struct{} // a job was queued here
}

// New returns the service over db; now may be nil (time.Now).
func New(db *mongo.Database, cohorts Cohorts, programs Programs, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: newMongoStore(db), cohorts: cohorts, programs: programs, now: now, wake: make(chan struct{}, 1)}
}

// EnsureIndexes creates the index of the jobs' query.
func (s *Service) EnsureIndexes(ctx context.Context) error { return s.store.ensureIndexes(ctx) }

// Assign proposes, for every submitted request of a program ("" is the open
// program) that has no tandem yet, a mentor so that the total fit is maximal
// under the hard rules and capacities. Nothing is proposed: the curator
// reviews it and proposes the tandems they keep. Deterministic for the same
// data, with the program's weights and capacity. A cohort with more
// candidate pairs than SetInlinePairs allows is computed by a background job
// (Run): until it is done the answer has Status queued or running and its
// Progress, and no pairs. Errors: EUNAUTHORIZED, EFORBIDDEN (not a curator of
// the program), ENOTFOUND, ECONFLICT (phase), EUNAVAILABLE.
func (s *Service) Assign(ctx context.Context, p *otm.Principal, programID string) (*Assignment, error) {
	pr, err := s.programs.Curated(ctx, p, programID)
	if err != nil {
		return nil, err
	}
	c, err := s.cohort(ctx, pr)
	if err != nil {
		return nil, err
	}
	if limit := s.inlinePairs(); limit >= 0 && len(c.Mentees)*len(c.Mentors) <= limit {
		return compute(c, nil), nil
	}
	return s.job(ctx, c)
}

// cohort gathers pr's cohort if its phase allows proposals.
func (s *Service) cohort(ctx context.Context, pr *program.Program) (*suggest.Cohort, error) {
	if err := pr.Require(program.CanPropose); err != nil {
		return nil, err
	}
	return s.cohorts.Cohort(ctx, pr)
}

// SetInlinePairs sets how many candidate pairs an assignment computed inside
// the request may have (0: DefaultInlinePairs; -1: every assignment is a
// job).
func (s *Service) SetInlinePairs(n int) { s.inline.Store(int64(n)) }

func (s *Service) inlinePairs() int {
	if n := s.inline.Load(); n != 0 {
		return int(n)
	}
	return DefaultInlinePairs
}

// compute assigns c, reporting progress (may be nil), and explains it: the
// alternatives of each pair and why a request is left without a mentor.
func compute(c *suggest.Cohort, progress func(done, total int)) *Assignment {
	pairs, unassigned := matching.AssignProgress(c.World, c.Weights, c.Mentees, c.Mentors, progress)
	out := &Assignment{ProgramID: c.ProgramID, Status: Done, Progress: 1, Requests: len(c.Mentees), Candidates: len(c.Mentors),
		Pairs: []Pair{}, Unassigned: unassigned, UnassignedReasons: []Unassigned{}}
	if out.Unassigned == nil {
		out.Unassigned = []string{}
	}
	used := map[string]int{} // mentor profile id → pairs given to them
	for _, p := range pairs {
		used[p.ProfileID]++
	}
	free := map[string]bool{} // mentor profile id → capacity left after the assignment
	for _, m := range c.Mentors {
		free[m.ProfileID] = max(m.Capacity, 1)-m.Active > used[m.ProfileID]
	}
	mentees := make(map[string]matching.Mentee, len(c.Mentees))
	for _, e := range c.Mentees {
		mentees[e.RequestID] = e
	}
	for _, p := range pairs {
		pair := Pair{RequestID: p.RequestID, MenteeName: c.Names[p.RequestID],
			Mentor: c.Cards[p.ProfileID], Score: p.Score.Total, Factors: p.Score.Factors, Alternatives: []Alternative{}}
		sugg, _ := matching.Suggest(c.World, c.Weights, mentees[p.RequestID], c.Mentors, MaxAlternatives+1)
		for _, s := range sugg {
			if s.Mentor.ProfileID != p.ProfileID && len(pair.Alternatives) < MaxAlternatives {
				pair.Alternatives = append(pair.Alternatives, Alternative{Mentor: c.Cards[s.Mentor.ProfileID], Score: s.Score.Total, Free: free[s.Mentor.ProfileID]})
			}
		}
		out.Pairs = append(out.Pairs, pair)
		out.TotalScore += p.Score.Total
	}
	for _, id := range out.Unassigned {
		out.UnassignedReasons = append(out.UnassignedReasons, whyUnassigned(c, mentees[id]))
	}
	return out
}

// whyUnassigned explains why the assignment gave e no mentor.
func whyUnassigned(c *suggest.Cohort, e matching.Mentee) Unassigned {
	u := Unassigned{RequestID: e.RequestID, MenteeName: c.Names[e.RequestID]}
	sugg, excl := matching.Suggest(c.World, c.Weights, e, c.Mentors, 0)
	switch {
	case len(sugg) > 0:
		u.Reason, u.Args = ReasonTaken, otm.Args{"count": len(sugg)}
	case len(excl) > 0:
		byRule := map[string]int{}
		top := ""
		for _, x := range excl {
			byRule[x.Rule]++
			if top == "" || byRule[x.Rule] > byRule[top] || byRule[x.Rule] == byRule[top] && x.Rule < top {
				top = x.Rule
			}
		}
		u.Reason, u.Args = ReasonRefused, otm.Args{"rule": top, "count": len(excl)}
	default:
		u.Reason = ReasonNoCandidates
	}
	return u
}

// jobID identifies a job: the program and the state of its inputs, and of
// what its result shows (names, mentor cards).
func jobID(c *suggest.Cohort) string {
	raw, err := json.Marshal(c)
	if err != nil { // plain data: cannot happen
		panic(fmt.Sprintf("assignment: encode the cohort: %v", err))
	}
	sum := sha256.Sum256(raw)
	return c.ProgramID + ":" + hex.EncodeToString(sum[:12])
}
