package profile

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// DecisionRecord is an application_decisions entry: which application was
// decided how and when, pseudonymous (the profile id), for program reports.
type DecisionRecord struct {
	ID          string    `bson:"_id"`
	ProfileID   string    `bson:"profileId"`
	Decision    string    `bson:"decision"`
	SubmittedAt time.Time `bson:"submittedAt"`
	DecidedAt   time.Time `bson:"decidedAt"`
}

// recordDecision keeps a decision for the reports; a failure is logged, the
// decision itself stands.
func (s *Service) recordDecision(ctx context.Context, decided *Profile, before *Profile) {
	submitted := before.CreatedAt
	if before.SubmittedAt != nil {
		submitted = *before.SubmittedAt
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	d := DecisionRecord{ID: "ad_" + hex.EncodeToString(b), ProfileID: decided.ID, Decision: decided.Decision.Decision,
		SubmittedAt: submitted.UTC(), DecidedAt: decided.Decision.At.UTC()}
	if _, err := s.store.decisionsC().InsertOne(ctx, d); err != nil {
		s.log.Error("recording a decision for the reports failed", "profile", decided.ID, "err", err)
	}
}

// Decisions returns every recorded decision, for program reports (which
// check who may read them). A small collection: one entry per decision.
func (s *Service) Decisions(ctx context.Context) ([]DecisionRecord, error) {
	if s.store.decisionsMirror != nil {
		return s.store.decisionsMirror.All(ctx, nil)
	}
	return findAll[DecisionRecord](ctx, s.store.decisionsC(), "Decisions", bson.D{})
}

// PendingSubmissions returns the review queue's entries awaiting a decision,
// for program reports (which check who may read them).
func (s *Service) PendingSubmissions(ctx context.Context) ([]QueueEntry, error) {
	if s.store.queueMirror != nil {
		return s.store.queueMirror.All(ctx, func(e *QueueEntry) bool { return e.Status == StatusSubmitted })
	}
	return findAll[QueueEntry](ctx, s.store.queueC, "Queue", bson.D{{Key: "status", Value: StatusSubmitted}})
}

func (m *mongoStore) decisionsC() *mongo.Collection {
	return m.profiles.Database().Collection("application_decisions")
}

// deleteDecisions removes the decisions recorded about one application.
func (m *mongoStore) deleteDecisions(ctx context.Context, profileID string) error {
	if m.decisionsMirror == nil {
		_, err := m.decisionsC().DeleteMany(ctx, bson.D{{Key: "profileId", Value: profileID}})
		return mapErr(err, "Decisions")
	}
	// On the embedded database by _id: a filter on profileId reads every
	// decision ever recorded.
	ds, err := m.decisionsMirror.All(ctx, func(d *DecisionRecord) bool { return d.ProfileID == profileID })
	if err != nil {
		return err
	}
	for _, d := range ds {
		if _, err := m.decisionsC().DeleteOne(ctx, bson.D{{Key: "_id", Value: d.ID}}); err != nil {
			return mapErr(err, "Decisions")
		}
	}
	return nil
}
