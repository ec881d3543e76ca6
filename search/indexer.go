package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	otm "github.com/opentomentor/opentomentor"
)

// Change is one profile to bring into the index: Doc nil means remove it.
type Change struct {
	ID      string
	Version int64
	Doc     *Document
}

// Source is the database side of the indexer, implemented by package profile (IndexSource).
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

// Lease is a lock shared by the processes that may run an Indexer on the same
// database and index (app replicas with a shared Meilisearch), so that only one
// of them writes to the index at a time: two syncing at once could write an older
// state of a profile over a newer one that the other already marked indexed.
// mongostore.Lease implements it.
type Lease interface {
	// Acquire takes the lease or renews it if this process holds it. It reports
	// false if another process holds it.
	Acquire(ctx context.Context) (bool, error)
}

// ErrNotLeaseHolder is returned (wrapped) by SyncOnce and Rebuild when the Indexer
// has a Lease that another process holds.
var ErrNotLeaseHolder = otm.Errorf(otm.ECONFLICT, "Another process holds the search indexer lease.")

// Indexer brings database changes into the index. A change is recorded as indexed
// (Source.MarkIndexed) only after the index accepted it, so nothing is lost while the
// engine is down: pending changes stay pending and are applied once it is back.
//
// The exported fields may be changed before Run is called.
type Indexer struct {
	Interval time.Duration // sync at least this often (DefaultSyncInterval)
	// RefillEvery is how often the lease holder checks for an empty index
	// to refill (RefillIfEmpty); 0: never.
	RefillEvery time.Duration
	MinBackoff  time.Duration // first retry delay after a failed sync (DefaultMinBackoff)
	MaxBackoff  time.Duration // longest retry delay (DefaultMaxBackoff)
	BatchSize   int           // changes per round trip (DefaultBatchSize)

	// Lease, if set, makes the Indexer write to the index only while it holds the
	// lease: SyncOnce and Rebuild acquire (or renew) it before they start and
	// before every further batch, and stop with ErrNotLeaseHolder when another
	// process holds it. Run tries again at every Interval and releases the lease
	// when it returns if Lease also has a Release(context.Context) error method.
	// The lease's ttl must be well above Interval and the time one batch takes.
	Lease Lease

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
// and ignores notifications until the next retry. With a Lease, it syncs only while
// it holds the lease; while another process holds it, Run ignores notifications and
// tries to take the lease over at every Interval.
func (x *Indexer) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var backoff time.Duration
	var lastRefillCheck time.Time
	standby := false // another process holds the lease
	held := false    // this process may hold the lease
	defer func() {
		if held {
			x.releaseLease(ctx)
		}
	}()
	for {
		notify := x.notify
		if backoff > 0 || standby {
			notify = nil // the engine is failing or another process syncs: wait
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
		switch {
		case errors.Is(err, ErrNotLeaseHolder):
			if !standby {
				x.logger.Info("search: another process holds the indexer lease; standing by", "applied", n)
			}
			standby, held, backoff = true, false, 0
		case err != nil:
			held = x.Lease != nil // it may still hold the lease
			backoff = min(max(2*backoff, x.MinBackoff), x.MaxBackoff)
			next = backoff
			x.logger.Warn("search: sync failed", "applied", n, "retry_in", backoff, "error", err)
		default:
			if standby {
				x.logger.Info("search: took the indexer lease over", "applied", n)
			} else if backoff > 0 {
				x.logger.Info("search: sync recovered", "applied", n)
			} else if n > 0 {
				x.logger.Debug("search: synced", "applied", n)
			}
			standby, held, backoff = false, x.Lease != nil, 0
			if x.RefillEvery > 0 && time.Since(lastRefillCheck) >= x.RefillEvery {
				lastRefillCheck = time.Now()
				if n, err := x.RefillIfEmpty(ctx); err != nil && ctx.Err() == nil {
					x.logger.Warn("search: refill of an empty index failed; trying again later", "error", err)
				} else if n > 0 {
					x.logger.Warn("search: the index was empty (wiped or new): refilled from the database", "public", n)
				}
			}
		}
		resetTimer(timer, next)
	}
}

// RefillIfEmpty rebuilds the index from the database when the index holds
// no document while the database has public profiles (a wiped or replaced
// search engine), and reports how many it wrote. Only the lease holder
// does. Errors: the index's and the database's, ErrNotLeaseHolder.
func (x *Indexer) RefillIfEmpty(ctx context.Context) (int, error) {
	n, err := x.idx.Count(ctx)
	if err != nil || n > 0 {
		return 0, err
	}
	public := false
	errFound := errors.New("found")
	err = x.src.All(ctx, func(c Change) error {
		if c.Doc != nil {
			public = true
			return errFound
		}
		return nil
	})
	if err != nil && !errors.Is(err, errFound) {
		return 0, err
	}
	if !public {
		return 0, nil
	}
	return x.Rebuild(ctx)
}

// releaseLease gives the lease up if it can be released, so that another process
// takes over at once.
func (x *Indexer) releaseLease(ctx context.Context) {
	r, ok := x.Lease.(interface{ Release(context.Context) error })
	if !ok {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := r.Release(rctx); err != nil {
		x.logger.Warn("search: release the indexer lease", "error", err)
	}
}

// holdLease acquires or renews the lease; it returns nil without a Lease.
func (x *Indexer) holdLease(ctx context.Context) error {
	if x.Lease == nil {
		return nil
	}
	ok, err := x.Lease.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("search: indexer lease: %w", err)
	}
	if !ok {
		return ErrNotLeaseHolder
	}
	return nil
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
// not yet marked stay pending. With a Lease it first acquires the lease and renews
// it before every further batch, and returns ErrNotLeaseHolder (wrapped) if another
// process holds it.
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
		if err := x.holdLease(ctx); err != nil {
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

// Rebuild brings the index fully in line with the database while no sync runs, and
// returns the number of documents it put into the index.
//
// If the Index implements Swapper, Rebuild fills a new, empty index from
// Source.All while searches keep being served by the current one, swaps it in,
// and only then marks the changes it wrote indexed: a change written to the
// database during the rebuild stays pending (MarkIndexed is a no-op for an older
// version) and the next sync applies it, and so do profiles written to the live
// index meanwhile (Staged.Commit's touched ids, left unmarked). If anything fails
// before the swap, the current index stays as it was.
//
// Otherwise Rebuild runs the package function Rebuild on the live index.
//
// With a Lease, it holds the lease throughout (renewing it before every batch) and
// returns ErrNotLeaseHolder (wrapped) if another process holds it.
func (x *Indexer) Rebuild(ctx context.Context) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.holdLease(ctx); err != nil {
		return 0, err
	}
	if sw, ok := x.idx.(Swapper); ok {
		return x.rebuildSwap(ctx, sw)
	}
	return rebuild(ctx, x.src, x.idx, func() error { return x.holdLease(ctx) })
}

// rebuildSwap is Rebuild for an Index that implements Swapper; x.mu is held.
func (x *Indexer) rebuildSwap(ctx context.Context, sw Swapper) (int, error) {
	st, err := sw.BeginSwap(ctx)
	if err != nil {
		return 0, fmt.Errorf("search: rebuild: %w", err)
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := st.Abort(actx); err != nil {
			x.logger.Warn("search: rebuild: discard the staged index", "error", err)
		}
	}()

	// versions holds the newest version seen per profile: what is marked indexed
	// once the new index is live.
	versions := make(map[string]int64)
	staged := make(map[string]bool) // ids upserted into the staged index
	var batch []Change
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := x.holdLease(ctx); err != nil {
			return err
		}
		docs, dels, invalid := split(batch)
		batch = batch[:0]
		for _, id := range invalid {
			x.logger.Error("search: profile cannot be indexed; kept out of the index", "id", id)
		}
		if err := st.Upsert(ctx, docs...); err != nil {
			return fmt.Errorf("upsert %d documents: %w", len(docs), err)
		}
		for _, d := range docs {
			staged[d.ID] = true
		}
		// The staged index starts empty: a deletion matters only for a profile
		// reported twice, public first.
		dels = slices.DeleteFunc(dels, func(id string) bool { return !staged[id] })
		if err := st.Delete(ctx, dels...); err != nil {
			return fmt.Errorf("delete %d documents: %w", len(dels), err)
		}
		for _, id := range dels {
			delete(staged, id)
		}
		return nil
	}
	err = x.src.All(ctx, func(ch Change) error {
		if ch.ID == "" {
			return nil
		}
		if v, ok := versions[ch.ID]; ok && ch.Version < v {
			return nil // an older state than one already written
		}
		versions[ch.ID] = ch.Version
		batch = append(batch, ch)
		if len(batch) >= DefaultBatchSize {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = x.holdLease(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("search: rebuild: %w", err)
	}
	touched, err := st.Commit(ctx)
	if err != nil {
		return 0, fmt.Errorf("search: rebuild: swap: %w", err)
	}
	committed = true
	for _, id := range touched {
		delete(versions, id) // written to the live index meanwhile: leave it to the next sync
	}
	for id, v := range versions {
		if err := x.src.MarkIndexed(ctx, id, v); err != nil {
			// The new index is live; what is not marked is applied again by a sync.
			return len(staged), fmt.Errorf("search: rebuild: mark %s indexed: %w", id, err)
		}
	}
	return len(staged), nil
}

// Check compares the index with the database while no sync runs (see the package
// function Check).
func (x *Indexer) Check(ctx context.Context) (Drift, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return Check(ctx, x.src, x.idx)
}

// apply writes one batch of changes to idx and then marks them indexed in src. It
// returns how many changes the index accepted. A document that fails
// Document.Validate would fail its whole batch again and again, so it is deleted
// from the index instead (and its id returned in invalid), which keeps the queue
// moving.
func apply(ctx context.Context, src Source, idx Index, changes []Change) (n int, invalid []string, err error) {
	latest, order := newest(changes)
	docs, dels, invalid := split(changes)
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

// newest returns the newest change per id (a batch may name a profile twice) and
// the ids in the order of their first appearance; changes without an id are skipped.
func newest(changes []Change) (map[string]Change, []string) {
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
	return latest, order
}

// split turns the newest change per id into documents to upsert and ids to delete.
// A document that fails Document.Validate is to be deleted and its id is also
// returned in invalid.
func split(changes []Change) (docs []Document, dels, invalid []string) {
	latest, order := newest(changes)
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
	return docs, dels, invalid
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
	return rebuild(ctx, src, idx, nil)
}

// rebuild is Rebuild; before every batch it calls renew, if not nil, and stops
// with its error.
func rebuild(ctx context.Context, src Source, idx Index, renew func() error) (int, error) {
	known := make(map[string]struct{})
	var batch []Change
	upserted := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if renew != nil {
			if err := renew(); err != nil {
				return err
			}
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
