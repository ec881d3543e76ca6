package profile

import (
	"context"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// IndexSource is the database side of the search indexer (search.Source).
type IndexSource struct{ s *Service }

// IndexSource returns the service as the indexer's source.
func (s *Service) IndexSource() *IndexSource { return &IndexSource{s: s} }

// Pending returns up to limit profiles whose change the index has not seen.
func (x *IndexSource) Pending(ctx context.Context, limit int) ([]search.Change, error) {
	docs, err := x.s.store.pendingOutbox(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]search.Change, 0, len(docs))
	for _, d := range docs {
		p, err := x.s.store.get(ctx, d.ID)
		switch otm.ErrorCode(err) {
		case "":
			out = append(out, search.Change{ID: p.ID, Version: p.Version, Doc: Document(p)})
		case otm.ENOTFOUND: // erased: make sure the index forgets it
			out = append(out, search.Change{ID: d.ID, Version: d.Version})
		default:
			return nil, err
		}
	}
	return out, nil
}

// MarkIndexed records that the index holds id at version.
func (x *IndexSource) MarkIndexed(ctx context.Context, id string, version int64) error {
	return x.s.store.markIndexed(ctx, id, version)
}

// All calls fn with every profile's current state.
func (x *IndexSource) All(ctx context.Context, fn func(search.Change) error) error {
	return x.s.store.all(ctx, func(p *Profile) error {
		return fn(search.Change{ID: p.ID, Version: p.Version, Doc: Document(p)})
	})
}

// IndexQueue reports how many changes the search index has not seen yet,
// and how long the oldest has waited (metrics).
func (s *Service) IndexQueue(ctx context.Context) (int64, time.Duration, error) {
	n, err := s.store.outbox.CountDocuments(ctx, bson.D{})
	if err != nil || n == 0 {
		return n, 0, mapErr(err, "Outbox")
	}
	oldest, err := s.store.pendingOutbox(ctx, 1)
	if err != nil || len(oldest) == 0 {
		return n, 0, err
	}
	return n, time.Since(oldest[0].At), nil
}
