package bleve

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/internal/stage"
)

// staged is the next generation of an Index while a rebuild fills it.
type staged struct {
	x   *Index
	gen int    // 0 in memory
	dir string // "" in memory

	mu   sync.RWMutex // guards done; Commit and Abort wait for running writes
	done bool
	bi   *genIndex

	// journal holds the last write to the live index per id since BeginSwap (nil:
	// deleted), replayed onto the new generation at Commit. Guarded by x.wmu.
	journal map[string]*search.Document
}

var _ search.Staged = (*staged)(nil)

// BeginSwap creates the next generation of the index, empty, for a rebuild (see
// search.Swapper); the live generation serves all calls on x meanwhile. It returns
// ECONFLICT while another rebuild is open and EUNAVAILABLE after Close.
func (x *Index) BeginSwap(ctx context.Context) (search.Staged, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.mu.Lock()
	switch {
	case x.closed:
		x.mu.Unlock()
		return nil, otm.Errorf(otm.EUNAVAILABLE, "The search index is closed.")
	case x.staged != nil:
		x.mu.Unlock()
		return nil, otm.Errorf(otm.ECONFLICT, "The search index is already being rebuilt.")
	}
	st := &staged{x: x, journal: map[string]*search.Document{}}
	if x.root != "" {
		x.maxGen++
		st.gen = x.maxGen
		st.dir = genDir(x.root, st.gen)
	}
	// From here on writes to the live generation are journaled; the new one is
	// created without holding up searches.
	x.staged = st
	x.mu.Unlock()

	var err error
	if st.dir == "" {
		st.bi, err = createMem()
	} else {
		st.bi, err = createGen(st.dir)
	}
	if err != nil {
		x.mu.Lock()
		x.staged = nil
		x.mu.Unlock()
		return nil, err
	}
	return st, nil
}

// recordUpsert journals docs written to the live generation; x.wmu is held.
func (st *staged) recordUpsert(docs []search.Document) {
	for _, d := range docs {
		d.Topics = slices.Clone(d.Topics)
		d.Skills = slices.Clone(d.Skills)
		d.Languages = slices.Clone(d.Languages)
		d.Interests = slices.Clone(d.Interests)
		st.journal[d.ID] = &d
	}
}

// recordDelete journals ids deleted from the live generation; x.wmu is held.
func (st *staged) recordDelete(ids []string) {
	for _, id := range ids {
		if id != "" {
			st.journal[id] = nil
		}
	}
}

// Upsert adds or replaces docs in the new generation only.
func (st *staged) Upsert(ctx context.Context, docs ...search.Document) error {
	if len(docs) == 0 {
		return nil
	}
	for i := range docs {
		if err := docs[i].Validate(); err != nil {
			return err
		}
	}
	if err := stage.BeginWrite(ctx, &st.mu, &st.done); err != nil {
		return err
	}
	defer st.mu.RUnlock()
	return upsert(st.bi, docs)
}

// Delete removes ids from the new generation only.
func (st *staged) Delete(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := stage.BeginWrite(ctx, &st.mu, &st.done); err != nil {
		return err
	}
	defer st.mu.RUnlock()
	return remove(st.bi, ids)
}

// Commit replays the journal onto the new generation and makes it the live one:
// under the Index's write lock, which waits for the calls running on the old
// generation, it points CURRENT at the new one and switches; then it closes and
// removes the old generation. It returns the journaled ids. On error the new
// generation is discarded and the old one stays live.
func (st *staged) Commit(ctx context.Context) ([]string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		return nil, otm.Errorf(otm.ECONFLICT, "The search index rebuild has ended.")
	}
	if err := ctx.Err(); err != nil {
		st.discard()
		return nil, err
	}
	x := st.x
	x.mu.Lock()
	err := st.swap()
	if err != nil {
		x.mu.Unlock()
		st.discard()
		return nil, err
	}
	old, oldGen := x.bi, x.gen
	touched := slices.Sorted(maps.Keys(st.journal))
	x.bi, x.gen, x.staged = st.bi, st.gen, nil
	st.done, st.journal = true, nil
	x.cache.changed() // results of the old generation
	x.mu.Unlock()

	// Nothing uses the old generation any more: calls read x.bi under x.mu.
	// Failures to clean up are left to the next Open.
	_ = old.Close()
	if x.root != "" && oldGen > 0 {
		_ = os.RemoveAll(genDir(x.root, oldGen))
	}
	return touched, nil
}

// swap prepares the switch under x.mu: it replays the journal onto the new
// generation and points CURRENT at it.
func (st *staged) swap() error {
	x := st.x
	if x.closed {
		return otm.Errorf(otm.EUNAVAILABLE, "The search index is closed.")
	}
	if x.staged != st {
		return fmt.Errorf("bleve: the rebuild was replaced")
	}
	var docs []search.Document
	var dels []string
	for id, d := range st.journal {
		if d == nil {
			dels = append(dels, id)
		} else {
			docs = append(docs, *d)
		}
	}
	if len(docs) > 0 {
		if err := upsert(st.bi, docs); err != nil {
			return err
		}
	}
	if err := remove(st.bi, dels); err != nil {
		return err
	}
	if x.root != "" {
		return writeCurrent(x.root, st.gen)
	}
	return nil
}

// Abort discards the new generation; the live one is unchanged.
func (st *staged) Abort(ctx context.Context) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		return nil
	}
	st.discard()
	return nil
}

// discard closes and removes the new generation and ends the rebuild; st.mu is
// held, x.mu is not.
func (st *staged) discard() {
	x := st.x
	x.mu.Lock()
	if x.staged == st {
		x.staged = nil
	}
	x.mu.Unlock()
	st.done, st.journal = true, nil
	_ = st.bi.Close()
	if st.dir != "" {
		_ = os.RemoveAll(st.dir)
	}
}
