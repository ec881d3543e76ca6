package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/profile"
)

// Erasure runs in two parts. The request (Delete) records an erasure job, signs
// the person out everywhere and removes their user record and role grant: from
// then on nobody acts as them. The job then erases the rest — application (and
// the search index), requests, tandems, declarations, follows, inbox and e-mails
// — and pseudonymizes the audit log, right after the response (notify's courier)
// and again from the sweep until it succeeds. Every step is idempotent, so a job
// that failed half-way or whose process stopped simply runs again; the job's
// document keeps what a second run could no longer find out (the pseudonym, the
// ids the audit log names the person's objects by). While it exists, signing in
// as the person is refused (Pending), so a new account under the same identity
// never meets the old one's remains.
//
// The split keeps the request fast on the embedded database, where the job's
// thirty-odd commands share its one connection, and makes erasure whole even
// when the process stops in the middle of it.

// erasuresCollection holds one document per erasure not yet finished.
const erasuresCollection = "erasures"

// RetryAfter is how old a job must be before the sweep runs it: younger ones are
// still being run right after their request.
const RetryAfter = time.Minute

// erasure is a job: one person to erase.
type erasure struct {
	UserID      string    `bson:"_id"`
	Email       string    `bson:"email"` // to take them off programs' curators; gone with the job
	Pseudonym   string    `bson:"pseudonym"`
	AuditID     string    `bson:"auditId"`  // the id of the account.delete entry
	Subjects    []string  `bson:"subjects"` // what the audit log names their objects by: requests, application
	RequestedAt time.Time `bson:"requestedAt"`
	Attempts    int       `bson:"attempts"`
	LastError   string    `bson:"lastError,omitempty"`
}

// begin records the erasure job for userID, or returns the one already recorded
// (a repeated request keeps the first pseudonym).
func (s *Service) begin(ctx context.Context, userID, email string) (*erasure, error) {
	reqs, err := s.tandems.RequestIDsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	job := erasure{UserID: userID, Email: email, Pseudonym: audit.NewPseudonym(), AuditID: s.audit.NewID(),
		Subjects: append(reqs, profile.ProfileIDFor(userID)), RequestedAt: s.now().UTC()}
	var got erasure
	err = s.erasures.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: userID}},
		bson.D{{Key: "$setOnInsert", Value: job}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&got)
	if err != nil {
		return nil, mongostore.MapErr(err, "account", "Erasure")
	}
	return &got, nil
}

// finish erases what the job's person left and removes the job; on failure it
// keeps the job, counting the attempt, for the sweep.
func (s *Service) finish(ctx context.Context, job *erasure) error {
	err := s.eraseRest(ctx, job)
	if err == nil {
		_, err = s.erasures.DeleteOne(ctx, bson.D{{Key: "_id", Value: job.UserID}})
		return mongostore.MapErr(err, "account", "Erasure")
	}
	_, uerr := s.erasures.UpdateOne(ctx, bson.D{{Key: "_id", Value: job.UserID}}, bson.D{
		{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}},
		{Key: "$set", Value: bson.D{{Key: "lastError", Value: err.Error()}}},
	})
	return errors.Join(fmt.Errorf("erasure of %s: %w", job.UserID, err), uerr)
}

// eraseRest runs the job's steps, each idempotent.
func (s *Service) eraseRest(ctx context.Context, job *erasure) error {
	userID := job.UserID
	steps := []func() error{
		func() error { return s.profiles.EraseUser(ctx, userID) },
		func() error { return s.tandems.EraseRequests(ctx, userID) },
		func() error { return s.tandems.EraseTandems(ctx, userID) },
		// Computed cohort assignments name executives and mentors: recomputed at will.
		func() error { return s.assign.Erase(ctx) },
		// Shortlists: the executive's (under their requests' ids), the
		// person as a candidate on others', their comments as a curator.
		func() error {
			return s.lists.Forget(ctx, job.Subjects, profile.ProfileIDFor(userID), userID, job.Pseudonym)
		},
		func() error { return s.lines.Erase(ctx, userID) },
		func() error { return s.programs.EraseFollower(ctx, userID) },
		func() error { return s.programs.EraseCurator(ctx, job.Email) },
		func() error { return s.inbox.Erase(ctx, userID) },
		func() error {
			acted, err := s.audit.Pseudonymize(ctx, userID, job.Pseudonym, job.Subjects...)
			if err != nil {
				return err
			}
			// Where they acted as a curator: their traces in others' applications.
			var touched []string
			for _, e := range acted {
				if e.SubjectType == "mentor_profile" && !slices.Contains(touched, e.SubjectID) {
					touched = append(touched, e.SubjectID)
				}
			}
			return s.profiles.ForgetActor(ctx, userID, job.Pseudonym, touched)
		},
		func() error {
			return s.audit.RecordOnce(ctx, job.AuditID, audit.Entry{ActorID: job.Pseudonym, Action: audit.ActionAccountDelete,
				SubjectType: "user", SubjectID: job.Pseudonym, SubjectUserID: job.Pseudonym})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// Pending reports whether the erasure of userID has not finished yet.
func (s *Service) Pending(ctx context.Context, userID string) (bool, error) {
	job, err := mongostore.FindByID[erasure](ctx, s.erasures, userID)
	if err != nil {
		return false, mongostore.MapErr(err, "account", "Erasure")
	}
	return job != nil, nil
}

// FinishErasures runs the erasure jobs requested more than olderThan ago
// (RetryAfter) that have not finished (the process stopped, a step failed),
// oldest first; each that fails is kept for the next run and the others go on.
// Run it from the sweep, under its lease. It returns how many finished.
func (s *Service) FinishErasures(ctx context.Context, olderThan time.Duration) (int, error) {
	jobs, err := mongostore.FindAll[erasure](ctx, s.erasures, "account", "Erasures", bson.D{},
		options.Find().SetSort(bson.D{{Key: "requestedAt", Value: 1}}))
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for i := range jobs {
		if s.now().Sub(jobs[i].RequestedAt) < olderThan {
			continue
		}
		if err := s.finish(ctx, &jobs[i]); err != nil {
			errs = append(errs, err)
			continue
		}
		done++
	}
	return done, errors.Join(errs...)
}

// erasuresOf returns the collection of erasure jobs in db.
func erasuresOf(db *mongo.Database) *mongo.Collection { return db.Collection(erasuresCollection) }
