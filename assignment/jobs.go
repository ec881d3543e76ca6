package assignment

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/suggest"
)

// job returns the result for c when a job computed it, else the job's
// progress, queueing the job if there is none (or it failed).
func (s *Service) job(ctx context.Context, c *suggest.Cohort) (*Assignment, error) {
	id := jobID(c)
	j, err := s.store.get(ctx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case j == nil || j.Status == Failed:
		now := s.now()
		j = &job{ID: id, ProgramID: c.ProgramID, Status: Queued, Total: len(c.Mentees), CreatedAt: now, UpdatedAt: now}
		if err := s.store.put(ctx, j); err != nil {
			return nil, err
		}
		select {
		case s.wake <- struct{}{}:
		default:
		}
	case j.Status == Done && len(j.Result) > 0:
		var a Assignment
		if err := json.Unmarshal(j.Result, &a); err != nil {
			return nil, fmt.Errorf("assignment: stored result: %w", err)
		}
		return &a, nil
	}
	return &Assignment{ProgramID: c.ProgramID, Status: j.Status, Progress: progressOf(j.Done, j.Total),
		Requests: len(c.Mentees), Candidates: len(c.Mentors), Pairs: []Pair{}, Unassigned: []string{}}, nil
}

func progressOf(done, total int) float64 {
	if total <= 0 {
		return 0
	}
	return min(1, float64(done)/float64(total))
}

// Run computes queued assignments while it holds lease (one replica at a
// time), at once when one is queued here and every 2 s for those queued
// elsewhere, until ctx ends. A job that was running when its replica
// stopped is computed again (the result is deterministic).
func (s *Service) Run(ctx context.Context, lease *mongostore.Lease, log *slog.Logger) {
	mongostore.RunLeased(ctx, lease, 2*time.Second, s.wake, log, "assignments", func(ctx context.Context) error {
		_, err := s.RunJobs(ctx)
		return err
	})
}

// RunJobs computes every queued (or interrupted) job once and reports how
// many it finished.
func (s *Service) RunJobs(ctx context.Context) (int, error) {
	jobs, err := s.store.waiting(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, j := range jobs {
		if err := s.runJob(ctx, &j); err != nil {
			errs = append(errs, err) // the next pass tries it again; the others go on
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

func (s *Service) runJob(ctx context.Context, j *job) error {
	fail := func(err error) error {
		if otm.ErrorCode(err) == "" {
			return err // the database's: try again later
		}
		// The platform's refusal (the program is gone, its phase allows no
		// proposals, search is down): the job ends; a curator's next look
		// queues it again if it still applies.
		rule, _ := otm.ErrorRule(err)
		return s.store.setStatus(ctx, j.ID, s.now(), Failed, cmp.Or(rule, otm.ErrorCode(err)))
	}
	if err := s.store.setStatus(ctx, j.ID, s.now(), Running, ""); err != nil {
		return err
	}
	pr, err := s.programs.Lookup(ctx, j.ProgramID)
	if err != nil {
		return fail(err)
	}
	c, err := s.cohort(ctx, pr)
	if err != nil {
		return fail(err)
	}
	if jobID(c) != j.ID {
		// The inputs changed since it was queued: a result for them must
		// not answer for the old ones. The next look queues the new ones.
		return s.store.setStatus(ctx, j.ID, s.now(), Failed, "inputs_changed")
	}
	last := time.Now()
	res := compute(c, func(done, total int) {
		if time.Since(last) < 500*time.Millisecond {
			return
		}
		last = time.Now()
		_ = s.store.setProgress(ctx, j.ID, s.now(), done, total)
	})
	raw, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("assignment: encode the result: %w", err)
	}
	now := s.now()
	if err := s.store.setResult(ctx, j.ID, now, raw); err != nil {
		return err
	}
	// Older results of the program are of no use any more.
	return s.store.dropDoneBefore(ctx, pr.ID, now.Add(-time.Hour))
}

// Erase removes every computed assignment (an account's erasure: results
// name people).
func (s *Service) Erase(ctx context.Context) error { return s.store.drop(ctx) }

// ForgetProgram removes a program's assignments (its retention period is over).
func (s *Service) ForgetProgram(ctx context.Context, programID string) error {
	return s.store.dropProgram(ctx, programID)
}
