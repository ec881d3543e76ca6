package tandem

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/search"
)

// DefaultAssignInlinePairs is how many candidate pairs (requests × mentors)
// a cohort assignment may have to be computed inside the request (500 × 500
// take ~0.1 s); larger cohorts are computed by a background job
// (RunAssignments) while the page shows its progress.
const DefaultAssignInlinePairs = 250_000

// Assignment statuses: a computed result, or a job on its way.
const (
	AssignmentDone    = "done"
	AssignmentQueued  = "queued"
	AssignmentRunning = "running"
	AssignmentFailed  = "failed"
)

// assignmentJob is a cohort assignment computed in the background, one
// document per program and state of its inputs (requests, candidates,
// capacities, weights, organizations): a result is served only for the
// inputs it was computed from. Results are working data for curators,
// recomputed at will: an erasure drops them all.
type assignmentJob struct {
	ID        string    `bson:"_id"` // program id + ":" + input key
	ProgramID string    `bson:"programId"`
	Status    string    `bson:"status"`
	Done      int       `bson:"done"`
	Total     int       `bson:"total"`
	Rule      string    `bson:"rule,omitempty"`   // why it failed (a rule key)
	Result    []byte    `bson:"result,omitempty"` // the Assignment as JSON
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

func (m *mongoStore) assignmentJobs() *mongo.Collection { return m.db.Collection("assignment_jobs") }

// inputKey identifies the inputs of an assignment, and what its result
// shows (names, mentor cards).
func (in *cohortInput) inputKey() string {
	raw, err := json.Marshal(struct {
		W       *matching.World
		Weights matching.Weights
		E       []matching.Mentee
		M       []matching.Mentor
		Names   map[string]string
		Cards   map[string]search.Document
	}{in.world, in.weights, in.mentees, in.mentors, in.names, in.docs})
	if err != nil { // plain data: cannot happen
		panic(fmt.Sprintf("tandem: encode assignment input: %v", err))
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:12])
}

// inlinePairs is the threshold above which assignments become jobs.
func (s *Service) inlinePairs() int {
	if n := s.assignInline.Load(); n != 0 {
		return int(n)
	}
	return DefaultAssignInlinePairs
}

// SetAssignInlinePairs sets how many candidate pairs an assignment computed
// inside the request may have (0: DefaultAssignInlinePairs; -1: every
// assignment is a job).
func (s *Service) SetAssignInlinePairs(n int) { s.assignInline.Store(int64(n)) }

// assignmentJob returns the result for in when a job computed it, else the
// job's progress, queueing the job if there is none.
func (s *Service) assignmentJob(ctx context.Context, in *cohortInput) (*Assignment, error) {
	id := in.pr.ID + ":" + in.inputKey()
	c := s.store.assignmentJobs()
	var j assignmentJob
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&j)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments), err == nil && j.Status == AssignmentFailed:
		now := s.now()
		j = assignmentJob{ID: id, ProgramID: in.pr.ID, Status: AssignmentQueued, Total: len(in.mentees), CreatedAt: now, UpdatedAt: now}
		if _, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, &j, options.Replace().SetUpsert(true)); err != nil {
			return nil, mapErr(err, "Assignment")
		}
		s.wakeAssignments()
	case err != nil:
		return nil, mapErr(err, "Assignment")
	case j.Status == AssignmentDone && len(j.Result) > 0:
		var a Assignment
		if err := json.Unmarshal(j.Result, &a); err != nil {
			return nil, fmt.Errorf("tandem: stored assignment: %w", err)
		}
		return &a, nil
	}
	return &Assignment{ProgramID: in.pr.ID, Status: j.Status, Progress: progressOf(j.Done, j.Total),
		Requests: len(in.mentees), Candidates: len(in.mentors), Pairs: []AssignedPair{}, Unassigned: []string{}}, nil
}

func progressOf(done, total int) float64 {
	if total <= 0 {
		return 0
	}
	return min(1, float64(done)/float64(total))
}

func (s *Service) wakeAssignments() {
	select {
	case s.assignWake <- struct{}{}:
	default:
	}
}

// RunAssignments computes queued cohort assignments while it holds lease
// (one replica at a time), at once when one is queued here and every 2 s
// for those queued elsewhere, until ctx ends. A job that was running when
// its replica stopped is computed again (the result is deterministic).
func (s *Service) RunAssignments(ctx context.Context, lease *mongostore.Lease, log *slog.Logger) {
	mongostore.RunLeased(ctx, lease, 2*time.Second, s.assignWake, log, "assignments", func(ctx context.Context) error {
		_, err := s.RunAssignmentJobs(ctx)
		return err
	})
}

// RunAssignmentJobs computes every queued (or interrupted) assignment job
// once and reports how many it finished.
func (s *Service) RunAssignmentJobs(ctx context.Context) (int, error) {
	c := s.store.assignmentJobs()
	jobs, err := findAll[assignmentJob](ctx, c, "Assignments",
		bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{AssignmentQueued, AssignmentRunning}}}}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, j := range jobs {
		if err := s.runAssignmentJob(ctx, &j); err != nil {
			errs = append(errs, err) // the next pass tries it again; the others go on
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

func (s *Service) runAssignmentJob(ctx context.Context, j *assignmentJob) error {
	c := s.store.assignmentJobs()
	set := func(fields bson.D) error {
		fields = append(fields, bson.E{Key: "updatedAt", Value: s.now()})
		_, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: j.ID}}, bson.D{{Key: "$set", Value: fields}})
		return mapErr(err, "Assignment")
	}
	fail := func(err error) error {
		if otm.ErrorCode(err) == "" {
			return err // the database's: try again later
		}
		// The platform's refusal (the program is gone, its phase allows no
		// proposals, search is down): the job ends; a curator's next look
		// queues it again if it still applies.
		rule, _ := otm.ErrorRule(err)
		return set(bson.D{{Key: "status", Value: AssignmentFailed}, {Key: "rule", Value: cmp.Or(rule, otm.ErrorCode(err))}})
	}
	if err := set(bson.D{{Key: "status", Value: AssignmentRunning}, {Key: "done", Value: 0}}); err != nil {
		return err
	}
	pr, err := s.programs.Lookup(ctx, j.ProgramID)
	if err != nil {
		return fail(err)
	}
	if err := pr.Require(programCanPropose); err != nil {
		return fail(err)
	}
	in, err := s.cohortInput(ctx, pr)
	if err != nil {
		return fail(err)
	}
	if pr.ID+":"+in.inputKey() != j.ID {
		// The inputs changed since it was queued: a result for them must
		// not answer for the old ones. The next look queues the new ones.
		return set(bson.D{{Key: "status", Value: AssignmentFailed}, {Key: "rule", Value: "inputs_changed"}})
	}
	last := time.Now()
	res := in.assign(func(done, total int) {
		if time.Since(last) < 500*time.Millisecond {
			return
		}
		last = time.Now()
		_ = set(bson.D{{Key: "done", Value: done}, {Key: "total", Value: total}})
	})
	raw, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("tandem: encode assignment: %w", err)
	}
	now := s.now()
	// Only the job's own document, if it is still there: an erasure drops
	// them all, and must not see a result come back.
	if err := set(bson.D{{Key: "status", Value: AssignmentDone}, {Key: "result", Value: raw}, {Key: "done", Value: 1}, {Key: "total", Value: 1}}); err != nil {
		return err
	}
	// Older results of the program are of no use any more.
	_, err = c.DeleteMany(ctx, bson.D{{Key: "programId", Value: pr.ID}, {Key: "status", Value: AssignmentDone},
		{Key: "updatedAt", Value: bson.D{{Key: "$lt", Value: now.Add(-time.Hour)}}}})
	return mapErr(err, "Assignment")
}

// dropAssignmentJobs removes every computed assignment (an erasure: results
// name people).
func (m *mongoStore) dropAssignmentJobs(ctx context.Context) error {
	_, err := m.assignmentJobs().DeleteMany(ctx, bson.D{})
	return mapErr(err, "Assignment")
}
