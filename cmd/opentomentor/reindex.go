package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/search"
)

// reindex rebuilds the search index from the database: every public profile
// is written, everything else removed. With check it only reports drift
// between the database and the index (and fails when there is any).
func reindex(ctx context.Context, cfg Config, logger *slog.Logger, check bool) error {
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
	profiles := profile.NewService(store.DB, profile.Config{Logger: logger, CacheProfiles: store.Embedded})
	if err := profiles.Init(ctx); err != nil {
		return err
	}
	x := search.NewIndexer(profiles.IndexSource(), idx, logger)
	if check {
		d, err := x.Check(ctx)
		if err != nil {
			return fmt.Errorf("check: %w", err)
		}
		logger.Info("search index checked", "checked", d.Checked, "missing", len(d.Missing), "stale", len(d.Stale), "orphans", len(d.Orphans), "inSync", d.InSync())
		if !d.InSync() {
			return fmt.Errorf("the search index drifted from the database (missing %d, stale %d, orphans %d); run \"opentomentor reindex\"", len(d.Missing), len(d.Stale), len(d.Orphans))
		}
		return nil
	}
	if !store.Embedded {
		// The replicas' indexer lease: while a replica syncs the index, a
		// rebuild from outside could lose their writes or bring erased
		// profiles back; while this one holds it, replicas stand by and
		// their changes wait in the outbox (in the database) until it ends.
		host, _ := os.Hostname()
		lease := mongostore.NewLease(store.DB, "search-indexer", "reindex-"+host+"-"+randomSecret()[:8], 5*time.Minute)
		defer func() { _ = lease.Release(context.WithoutCancel(ctx)) }()
		x.Lease = lease
	}
	// A new generation is built beside the live one and swapped in atomically.
	n, err := x.Rebuild(ctx)
	if errors.Is(err, search.ErrNotLeaseHolder) {
		return errors.New("reindex: a running replica holds the search indexer's lease, so a rebuild from here could undo its writes; " +
			"the replicas refill an empty index themselves within a minute, or stop them and run reindex again")
	}
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	logger.Info("search index rebuilt", "public", n, "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}
