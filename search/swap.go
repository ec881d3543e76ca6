package search

import "context"

// Swapper is implemented by an Index that can be rebuilt without downtime: a new,
// empty index is filled off to the side while the current one keeps serving, then
// swapped in at once. Indexer.Rebuild uses it when the Index implements it.
//
// The shape fits both engines: the embedded engine builds a new on-disk generation
// and switches a pointer file; Meilisearch fills a temporary index (created with the
// live index's settings) and exchanges the two with POST /swap-indexes, then deletes
// the temporary one, which then holds the old documents.
type Swapper interface {
	// BeginSwap creates an empty staged index. At most one may be open at a time;
	// a second BeginSwap returns ECONFLICT until the first is committed or aborted.
	BeginSwap(ctx context.Context) (Staged, error)
}

// Staged is a replacement index being filled (see Swapper). Searches, Get and
// writes to the live index go on as usual while it is open.
//
// Writes to the live index while a Staged is open (by writers other than the
// rebuild, such as the immediate removal of a withdrawn or erased profile) would
// be lost by the swap; an implementation therefore records the ids written
// through it and applies their last write to the staged index at Commit, before
// the swap, and Commit returns those ids so the caller leaves their changes
// pending for the next sync instead of marking them indexed. Such writes made by
// another process (another replica writing to a shared Meilisearch) cannot be
// seen this way; they are repaired by the next sync as long as the writer leaves
// its change pending in the outbox (package profile does: a withdrawal keeps its entry,
// an erasure leaves a tombstone), or found by Check.
type Staged interface {
	// Upsert adds or replaces documents in the staged index; EINVALID for a
	// document without a valid ID.
	Upsert(ctx context.Context, docs ...Document) error
	// Delete removes documents from the staged index.
	Delete(ctx context.Context, ids ...string) error
	// Commit makes the staged index the live one atomically: searches that start
	// afterwards see only the new index, searches already running finish on the
	// old one, which is then discarded. It returns the ids written to the live
	// index since BeginSwap (already applied to the new one). After an error the
	// live index is unchanged, as if Abort had been called.
	Commit(ctx context.Context) (touched []string, err error)
	// Abort discards the staged index; the live index is unchanged. It is a no-op
	// after Commit or a previous Abort.
	Abort(ctx context.Context) error
}
