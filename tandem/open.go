package tandem

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// OpenTandems returns every proposed or running tandem (for reminders),
// oldest first.
func (s *Service) OpenTandems(ctx context.Context) ([]Tandem, error) {
	return findAll[Tandem](ctx, s.store.tandems(), "Tandems",
		bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{TandemProposed, TandemActive}}}}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
}

// LastMeetings returns the date (YYYY-MM-DD) of each tandem's latest logged
// meeting; tandems without meetings are left out. One read of the small
// count documents, not of every meeting.
func (s *Service) LastMeetings(ctx context.Context) (map[string]string, error) {
	return s.store.lastMeetings(ctx)
}

// BackfillLastMeetings keeps each tandem's latest meeting date beside its
// meeting count (the database's migration 0002; idempotent).
func (s *Service) BackfillLastMeetings(ctx context.Context) error {
	return s.store.backfillLastMeetings(ctx)
}
