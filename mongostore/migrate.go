package mongostore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// MigrationCollection records the migrations applied, one document each.
const MigrationCollection = "migrations"

// Migration is one step of the database's history, applied once per
// database, in the order of the IDs ("0001-meeting-counts", …). Run must be
// idempotent: a replica that dies half-way leaves it to the next start.
type Migration struct {
	ID  string
	Run func(ctx context.Context) error
}

// Migrate applies the migrations not recorded yet, in ID order, while this
// process holds lease (nil: the only process): one replica migrates, the
// others wait until it has finished (or take over if it died), so that no
// replica serves before the database is migrated. It returns the IDs it
// applied. Errors: a migration's (the ones before it stay recorded), the
// database's, ctx's while waiting.
func Migrate(ctx context.Context, db *mongo.Database, lease *Lease, ms []Migration, log *slog.Logger) ([]string, error) {
	ms = slices.Clone(ms)
	slices.SortFunc(ms, func(a, b Migration) int { return strings.Compare(a.ID, b.ID) })
	c := db.Collection(MigrationCollection)
	var applied []string
	for {
		pending, err := pendingMigrations(ctx, c, ms)
		if err != nil || len(pending) == 0 {
			return applied, err
		}
		if lease != nil {
			ok, err := lease.Acquire(ctx)
			if err != nil {
				return applied, err
			}
			if !ok { // another replica migrates: wait for it
				log.Info("database: another replica is migrating; waiting", "pending", len(pending))
				select {
				case <-ctx.Done():
					return applied, ctx.Err()
				case <-time.After(time.Second):
				}
				continue
			}
		}
		for _, m := range pending {
			if lease != nil {
				if ok, err := lease.Acquire(ctx); err != nil || !ok {
					return applied, fmt.Errorf("database: migration lease lost before %s: %v", m.ID, err)
				}
			}
			start := time.Now()
			if err := m.Run(ctx); err != nil {
				return applied, fmt.Errorf("database: migration %s: %w", m.ID, err)
			}
			if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: m.ID}, {Key: "at", Value: time.Now().UTC()},
				{Key: "tookMs", Value: time.Since(start).Milliseconds()}}); err != nil && !IsDuplicateKey(err) {
				return applied, fmt.Errorf("database: record migration %s: %w", m.ID, err)
			}
			log.Info("database: migration applied", "id", m.ID, "took", time.Since(start).Round(time.Millisecond).String())
			applied = append(applied, m.ID)
		}
		if lease != nil {
			_ = lease.Release(ctx)
		}
	}
}

func pendingMigrations(ctx context.Context, c *mongo.Collection, ms []Migration) ([]Migration, error) {
	var pending []Migration
	for _, m := range ms {
		err := c.FindOne(ctx, bson.D{{Key: "_id", Value: m.ID}}).Err()
		switch {
		case err == nil:
		case errors.Is(err, mongo.ErrNoDocuments):
			pending = append(pending, m)
		default:
			return nil, fmt.Errorf("database: read migrations: %w", err)
		}
	}
	return pending, nil
}
