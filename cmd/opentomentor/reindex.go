package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/opentomentor/opentomentor/moderation"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/search"
)

// reindex rebuilds the search index from the database: every public profile
// is written, everything else removed.
func reindex(ctx context.Context, cfg Config, logger *slog.Logger) error {
	start := time.Now()
	store, err := mongostore.Open(ctx, mongostore.Config{URI: cfg.MongoURI, DataDir: cfg.DataDir, Logger: logger})
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer store.Close(context.Background())
	idx, err := openIndex(ctx, cfg)
	if err != nil {
		return fmt.Errorf("%w (is the platform still running?)", err)
	}
	defer idx.Close()
	mod := moderation.NewService(store.DB, moderation.Config{Logger: logger, CacheProfiles: store.Embedded})
	if err := mod.Init(ctx); err != nil {
		return err
	}
	n, err := search.Rebuild(ctx, mod.IndexSource(), idx)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	logger.Info("search index rebuilt", "public", n, "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}
