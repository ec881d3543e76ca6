package meili

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/meilisearch/meilisearch-go"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/internal/stage"
)

// tempInfix separates the live index's uid from the random part in the uid of a
// temporary index.
const tempInfix = "_rebuild_"

// staged is a temporary index that a rebuild fills (see Index.BeginSwap).
type staged struct {
	x   *Index
	uid string // the temporary index

	mu   sync.RWMutex // guards done; Commit and Abort wait for running writes to the temporary index
	done bool

	// journal holds the writes to the live index since BeginSwap, in the order of
	// their tasks: a live write holds jmu while it enqueues its task.
	jmu     sync.Mutex
	journal []*journalEntry
}

// journalEntry is one write to the live index while a rebuild is open.
type journalEntry struct {
	ids     []string
	docs    []json.RawMessage // docs[i] is the stored document of ids[i]; nil for a deletion
	applied bool              // its task succeeded; guarded by staged.jmu
}

var _ search.Staged = (*staged)(nil)

// BeginSwap creates a temporary index, <uid>_rebuild_<random>, with the primary key
// and Settings of the live index and waits for those tasks (see search.Swapper).
// From then on until Commit or Abort, Upsert and Delete on x are journaled. It
// returns ECONFLICT while another rebuild of x is open, EUNAVAILABLE after Close;
// if the temporary index cannot be set up it is deleted again.
//
// Temporary indexes that an earlier Commit or Abort of x failed to delete are
// deleted first.
func (x *Index) BeginSwap(ctx context.Context) (search.Staged, error) {
	if err := x.open(ctx); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tmp, err := tempUID(x.uid)
	if err != nil {
		return nil, err
	}
	st := &staged{x: x, uid: tmp}
	x.swapMu.Lock() // waits for running live writes: later ones are journaled
	if x.staged != nil {
		x.swapMu.Unlock()
		return nil, otm.Errorf(otm.ECONFLICT, "The search index is already being rebuilt.")
	}
	x.staged = st
	leftovers := slices.Clone(x.leftovers)
	x.swapMu.Unlock()

	x.dropLeftovers(ctx, leftovers)
	if err := x.createTemp(ctx, tmp); err != nil {
		x.endSwap(st)
		if meiliCode(err) == "index_already_exists" {
			return nil, err // not ours
		}
		return nil, x.discardTemp(ctx, tmp, err)
	}
	return st, nil
}

// tempUID returns a new uid for a temporary index of the index uid.
func tempUID(uid string) (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("meili: random temporary index uid: %w", err)
	}
	tmp := uid + tempInfix + hex.EncodeToString(b)
	if !validUID(tmp) {
		return "", otm.Errorf(otm.EINVALID, "The Meilisearch index uid is too long for a rebuild.")
	}
	return tmp, nil
}

// createTemp creates the index uid with the primary key and Settings.
func (x *Index) createTemp(ctx context.Context, uid string) error {
	task, err := x.ms.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: primaryKey})
	if err != nil {
		return x.wrap(ctx, "create temporary index", err)
	}
	if err := x.wait(ctx, "create temporary index", task); err != nil {
		return err
	}
	return x.applySettings(ctx, uid)
}

// endSwap ends the open rebuild st, if it still is: live writes are no longer
// journaled.
func (x *Index) endSwap(st *staged) {
	x.swapMu.Lock()
	if x.staged == st {
		x.staged = nil
	}
	x.swapMu.Unlock()
}

// dropTemp deletes the temporary index uid and waits for the task; an index that is
// already gone counts as deleted. If it fails, uid is kept for the next BeginSwap.
// x.swapMu must not be held.
func (x *Index) dropTemp(ctx context.Context, uid string) error {
	task, err := x.ms.DeleteIndex(ctx, uid)
	if err != nil {
		err = x.wrap(ctx, "delete temporary index", err)
	} else {
		err = x.wait(ctx, "delete temporary index", task)
	}
	x.swapMu.Lock()
	defer x.swapMu.Unlock()
	if err != nil && meiliCode(err) != "index_not_found" {
		if !slices.Contains(x.leftovers, uid) {
			x.leftovers = append(x.leftovers, uid)
		}
		return err
	}
	x.leftovers = slices.DeleteFunc(x.leftovers, func(s string) bool { return s == uid })
	return nil
}

// dropLeftovers tries once more to delete the temporary indexes uids.
func (x *Index) dropLeftovers(ctx context.Context, uids []string) {
	for _, uid := range uids {
		_ = x.dropTemp(ctx, uid) // kept for the next attempt on failure
	}
}

// discardTemp deletes the temporary index uid after err, also when ctx has ended,
// and returns err, noting a failed deletion.
func (x *Index) discardTemp(ctx context.Context, uid string, err error) error {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*x.taskTimeout)
	defer cancel()
	if derr := x.dropTemp(dctx, uid); derr != nil {
		return fmt.Errorf("%w (the temporary index %s was not deleted: %v)", err, uid, derr)
	}
	return err
}

// liveWrite runs a write to the live index: enqueue enqueues its task, which is then
// waited for. While a rebuild is open the write is journaled (ids, and docs for an
// upsert, nil for a deletion) in the order of the tasks, and marked applied once its
// task succeeded.
func (x *Index) liveWrite(ctx context.Context, op string, ids []string, docs []json.RawMessage, enqueue func() (*meilisearch.TaskInfo, error)) error {
	x.swapMu.RLock()
	defer x.swapMu.RUnlock()
	st := x.staged
	var e *journalEntry
	task, err := func() (*meilisearch.TaskInfo, error) {
		if st == nil {
			return enqueue()
		}
		st.jmu.Lock()
		defer st.jmu.Unlock()
		// Journaled even if enqueuing fails: the task may have been enqueued.
		e = &journalEntry{ids: ids, docs: docs}
		st.journal = append(st.journal, e)
		return enqueue()
	}()
	if err != nil {
		return err
	}
	if err := x.wait(ctx, op, task); err != nil {
		return err
	}
	if e != nil {
		st.jmu.Lock()
		e.applied = true
		st.jmu.Unlock()
	}
	return nil
}

// begin takes the read lock for a write to the temporary index; release with
// st.mu.RUnlock.
func (st *staged) begin(ctx context.Context) error {
	if err := st.x.open(ctx); err != nil {
		return err
	}
	return stage.BeginWrite(ctx, &st.mu, &st.done)
}

// Upsert adds or replaces docs in the temporary index only and waits for the task,
// as Index.Upsert does.
func (st *staged) Upsert(ctx context.Context, docs ...search.Document) error {
	if len(docs) == 0 {
		return nil
	}
	_, body, err := encodeDocs(docs)
	if err != nil {
		return err
	}
	if err := st.begin(ctx); err != nil {
		return err
	}
	defer st.mu.RUnlock()
	task, err := st.x.addDocuments(ctx, st.uid, body)
	if err != nil {
		return err
	}
	return st.x.wait(ctx, "add documents", task)
}

// Delete removes ids from the temporary index only and waits for the task, as
// Index.Delete does.
func (st *staged) Delete(ctx context.Context, ids ...string) error {
	del := deletable(ids)
	if len(del) == 0 {
		return nil
	}
	if err := st.begin(ctx); err != nil {
		return err
	}
	defer st.mu.RUnlock()
	task, err := st.x.deleteDocuments(ctx, st.uid, del)
	if err != nil {
		return err
	}
	return st.x.wait(ctx, "delete documents", task)
}

// Commit replays the journal onto the temporary index (the last successful live
// write per id), exchanges the two indexes with POST /swap-indexes and then deletes
// the temporary index, which holds the old documents by then. Live writes wait from
// the replay until the swap task ended. It returns the ids of every journaled live
// write, also of those that failed (their callers leave them pending).
//
// On an error before the swap the temporary index is deleted and the live one is
// unchanged, with one exception: when the answer to the swap request or its task is
// lost (a timeout), the swap may still happen later; the temporary index is deleted
// after it either way (tasks run in order). A failure to delete the temporary index
// after the swap is not an error: the index is deleted at the next BeginSwap.
func (st *staged) Commit(ctx context.Context) ([]string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		return nil, otm.Errorf(otm.ECONFLICT, "The search index rebuild has ended.")
	}
	st.done = true
	x := st.x
	err := x.open(ctx)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		x.endSwap(st)
		return nil, x.discardTemp(ctx, st.uid, err)
	}
	x.swapMu.Lock() // waits for running live writes, holds up new ones
	touched, err := st.swap(ctx)
	if x.staged == st {
		x.staged = nil
	}
	x.swapMu.Unlock()
	if err != nil {
		return nil, x.discardTemp(ctx, st.uid, err)
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*x.taskTimeout)
	defer cancel()
	_ = x.dropTemp(dctx, st.uid) // on failure kept for the next BeginSwap
	return touched, nil
}

// swap replays the journal onto the temporary index and swaps it with the live
// one; x.swapMu is held.
func (st *staged) swap(ctx context.Context) ([]string, error) {
	x := st.x
	st.jmu.Lock()
	journal := st.journal
	st.journal = nil
	st.jmu.Unlock()
	touched, docs, dels := replay(journal)
	if len(docs) > 0 {
		task, err := x.addDocuments(ctx, st.uid, docs)
		if err != nil {
			return nil, err
		}
		if err := x.wait(ctx, "replay: add documents", task); err != nil {
			return nil, err
		}
	}
	if len(dels) > 0 {
		task, err := x.deleteDocuments(ctx, st.uid, dels)
		if err != nil {
			return nil, err
		}
		if err := x.wait(ctx, "replay: delete documents", task); err != nil {
			return nil, err
		}
	}
	task, err := x.ms.SwapIndexes(ctx, []*meilisearch.SwapIndexesParams{{Indexes: []string{x.uid, st.uid}}})
	if err != nil {
		return nil, x.wrap(ctx, "swap indexes", err)
	}
	if err := x.wait(ctx, "swap indexes", task); err != nil {
		return nil, err
	}
	return touched, nil
}

// replay returns the ids of journal, sorted, and the last applied write per id: the
// stored documents to add and the ids to delete.
func replay(journal []*journalEntry) (touched []string, docs []json.RawMessage, dels []string) {
	seen := make(map[string]bool)
	last := make(map[string]json.RawMessage) // nil: deleted
	for _, e := range journal {
		for i, id := range e.ids {
			seen[id] = true
			switch {
			case !e.applied:
			case e.docs == nil:
				last[id] = nil
			default:
				last[id] = e.docs[i]
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(last)) {
		if d := last[id]; d == nil {
			dels = append(dels, id)
		} else {
			docs = append(docs, d)
		}
	}
	return slices.Sorted(maps.Keys(seen)), docs, dels
}

// Abort deletes the temporary index; the live one is unchanged. It is a no-op after
// Commit or a previous Abort. If the deletion fails, it is tried again at the next
// BeginSwap.
func (st *staged) Abort(ctx context.Context) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		return nil
	}
	st.done = true
	st.x.endSwap(st)
	return st.x.dropTemp(ctx, st.uid)
}
