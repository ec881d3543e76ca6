package search

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Change is one profile to bring into the index: Doc nil means remove it.
type Change struct {
	ID      string
	Version int64
	Doc     *Document
}

// Source is the database side of the indexer, implemented by the moderation package.
// Each profile carries a version that grows with every change relevant to the index
// and the version last written to the index; a profile whose indexed version lags
// behind is pending.
type Source interface {
	// Pending returns up to limit changes whose indexed version lags behind.
	Pending(ctx context.Context, limit int) ([]Change, error)
	// MarkIndexed records that id is in the index at version (a no-op if the profile
	// moved on).
	MarkIndexed(ctx context.Context, id string, version int64) error
	// All calls fn for every profile's current state (for a full rebuild).
	All(ctx context.Context, fn func(Change) error) error
}

// Defaults of an Indexer.
const (
	DefaultSyncInterval = 30 * time.Second
	DefaultMinBackoff   = time.Second
	DefaultMaxBackoff   = time.Minute
	DefaultBatchSize    = 500
)

// Indexer brings database changes into the index. A change is recorded as indexed
// (Source.MarkIndexed) only after the index accepted it, so nothing is lost while the
// engine is down: pending changes stay pending and are applied once it is back.
//
// The exported fields may be changed before Run is called.
type Indexer struct {
	Interval   time.Duration // sync at least this often (DefaultSyncInterval)
	MinBackoff time.Duration // first retry delay after a failed sync (DefaultMinBackoff)
	MaxBackoff time.Duration // longest retry delay (DefaultMaxBackoff)
	BatchSize  int           // changes per round trip (DefaultBatchSize)

	src    Source
	idx    Index
	logger *slog.Logger
	notify chan struct{}
	mu     sync.Mutex // serializes syncs and rebuilds
}

// NewIndexer returns an Indexer from src to idx. A nil logger discards log output.
func NewIndexer(src Source, idx Index, logger *slog.Logger) *Indexer {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Indexer{
		Interval:   DefaultSyncInterval,
		MinBackoff: DefaultMinBackoff,
		MaxBackoff: DefaultMaxBackoff,
		BatchSize:  DefaultBatchSize,
		src:        src,
		idx:        idx,
		logger:     logger,
		notify:     make(chan struct{}, 1),
	}
}

// Notify tells the indexer that a change was written. It never blocks; notifications
// arriving while a sync is due are merged into one.
func (x *Indexer) Notify() {
	select {
	case x.notify <- struct{}{}:
	default:
	}
}

// Run syncs until ctx ends: once at the start, then on Notify and every Interval.
// While syncs fail it retries with exponential backoff from MinBackoff to MaxBackoff
// and ignores notifications until the next retry.
func (x *Indexer) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var backoff time.Duration
	for {
		notify := x.notify
		if backoff > 0 {
			notify = nil // the engine is failing: wait for the retry
		}
		select {
		case <-ctx.Done():
			return
		case <-notify:
		case <-timer.C:
		}
		n, err := x.SyncOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		next := x.Interval
		if err != nil {
			backoff = min(max(2*backoff, x.MinBackoff), x.MaxBackoff)
			next = backoff
			x.logger.Warn("search: sync failed", "applied", n, "retry_in", backoff, "error", err)
		} else {
			if backoff > 0 {
				x.logger.Info("search: sync recovered", "applied", n)
			} else if n > 0 {
				x.logger.Debug("search: synced", "applied", n)
			}
			backoff = 0
		}
		resetTimer(timer, next)
	}
}

// resetTimer stops t, drains it and starts it again with d.
func resetTimer(t *time.Timer, d time.Duration) {
	if !t.Stop() {
		select {
		case <-t.C:
		default:
		}
	}
	t.Reset(d)
}

// SyncOnce drains Source.Pending in batches of BatchSize: it upserts and deletes each
// batch, then marks every change of it indexed. It returns how many changes were
// written to the index, and the first error of the source or of the index; changes
// not yet marked stay pending.
func (x *Indexer) SyncOnce(ctx context.Context) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	size := x.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		changes, err := x.src.Pending(ctx, size)
		if err != nil {
			return total, fmt.Errorf("search: pending changes: %w", err)
		}
		if len(changes) == 0 {
			return total, nil
		}
		n, invalid, err := apply(ctx, x.src, x.idx, changes)
		total += n
		for _, id := range invalid {
			x.logger.Error("search: profile cannot be indexed; kept out of the index", "id", id)
		}
		if err != nil {
			return total, err
		}
		if len(changes) < size {
			return total, nil
		}
	}
}

// Rebuild runs the package function Rebuild while no sync runs.
func (x *Indexer) Rebuild(ctx context.Context) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return Rebuild(ctx, x.src, x.idx)
}

// apply writes one batch of changes to idx and then marks them indexed in src. It
// returns how many changes the index accepted. A document that fails
// Document.Validate would fail its whole batch again and again, so it is deleted
// from the index instead (and its id returned in invalid), which keeps the queue
// moving.
func apply(ctx context.Context, src Source, idx Index, changes []Change) (n int, invalid []string, err error) {
	// Keep the newest change per id: a batch may name a profile twice.
	latest := make(map[string]Change, len(changes))
	var order []string
	for _, ch := range changes {
		if ch.ID == "" {
			continue
		}
		prev, ok := latest[ch.ID]
		if !ok {
			order = append(order, ch.ID)
		}
		if !ok || ch.Version >= prev.Version {
			latest[ch.ID] = ch
		}
	}
	var docs []Document
	var dels []string
	for _, id := range order {
		ch := latest[id]
		if ch.Doc == nil {
			dels = append(dels, id)
			continue
		}
		doc := *ch.Doc
		doc.ID = id
		if doc.Validate() != nil {
			invalid = append(invalid, id)
			dels = append(dels, id)
			continue
		}
		docs = append(docs, doc)
	}
	if len(docs) > 0 {
		if err := idx.Upsert(ctx, docs...); err != nil {
			return 0, invalid, fmt.Errorf("search: upsert %d documents: %w", len(docs), err)
		}
	}
	if len(dels) > 0 {
		if err := idx.Delete(ctx, dels...); err != nil {
			// The upserts are in; marking them is safe and saves work on the retry.
			if n, merr := mark(ctx, src, latest, docIDs(docs)); merr != nil {
				return n, invalid, merr
			}
			return len(docs), invalid, fmt.Errorf("search: delete %d documents: %w", len(dels), err)
		}
	}
	n, err = mark(ctx, src, latest, order)
	return n, invalid, err
}

// mark records the changes of ids as indexed and returns how many it recorded.
func mark(ctx context.Context, src Source, latest map[string]Change, ids []string) (int, error) {
	for i, id := range ids {
		if err := src.MarkIndexed(ctx, id, latest[id].Version); err != nil {
			return i, fmt.Errorf("search: mark %s indexed: %w", id, err)
		}
	}
	return len(ids), nil
}

func docIDs(docs []Document) []string {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids
}

// Rebuild brings idx fully in line with src: it upserts every public document that
// Source.All reports, deletes every profile reported without one, marks them all
// indexed and, if idx implements IDLister, deletes the documents src no longer knows.
// It returns the number of documents upserted. It must not run concurrently with
// another writer of idx (use Indexer.Rebuild while an Indexer runs).
func Rebuild(ctx context.Context, src Source, idx Index) (int, error) {
	known := make(map[string]struct{})
	var batch []Change
	upserted := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		docs := 0
		for _, ch := range batch {
			if ch.Doc != nil {
				docs++
			}
		}
		_, invalid, err := apply(ctx, src, idx, batch)
		if err != nil {
			return err
		}
		upserted += docs - len(invalid)
		batch = batch[:0]
		return nil
	}
	err := src.All(ctx, func(ch Change) error {
		if ch.ID == "" {
			return nil
		}
		known[ch.ID] = struct{}{}
		batch = append(batch, ch)
		if len(batch) >= DefaultBatchSize {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return upserted, fmt.Errorf("search: rebuild: %w", err)
	}

	lister, ok := idx.(IDLister)
	if !ok {
		return upserted, nil
	}
	var orphans []string
	if err := lister.IDs(ctx, func(id string) error {
		if _, ok := known[id]; !ok {
			orphans = append(orphans, id)
		}
		return nil
	}); err != nil {
		return upserted, fmt.Errorf("search: rebuild: list ids: %w", err)
	}
	for len(orphans) > 0 {
		n := min(len(orphans), DefaultBatchSize)
		if err := idx.Delete(ctx, orphans[:n]...); err != nil {
			return upserted, fmt.Errorf("search: rebuild: delete orphans: %w", err)
		}
		orphans = orphans[n:]
	}
	return upserted, nil
}
