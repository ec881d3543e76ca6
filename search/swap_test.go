package search_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
)

// swapIndex is a fakeIndex that implements search.Swapper the way the engines do:
// the staged index is a separate map, writes to the live index are journaled and
// replayed at Commit.
type swapIndex struct {
	*fakeIndex
	mu      sync.Mutex
	staged  *stagedIndex
	begun   atomic.Int64
	aborted atomic.Int64
}

type stagedIndex struct {
	x          *swapIndex
	docs       map[string]search.Document
	journal    map[string]*search.Document
	done       bool
	failUpsert error
	failCommit error
}

func newSwapIndex() *swapIndex { return &swapIndex{fakeIndex: newFakeIndex()} }

func (x *swapIndex) BeginSwap(ctx context.Context) (search.Staged, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.staged != nil {
		return nil, otm.Errorf(otm.ECONFLICT, "busy")
	}
	x.begun.Add(1)
	x.staged = &stagedIndex{x: x, docs: map[string]search.Document{}, journal: map[string]*search.Document{}}
	return x.staged, nil
}

// stagedNow returns the open staged index, or nil.
func (x *swapIndex) stagedNow() *stagedIndex {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.staged
}

func (x *swapIndex) Upsert(ctx context.Context, docs ...search.Document) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.fakeIndex.Upsert(ctx, docs...); err != nil {
		return err
	}
	if x.staged != nil {
		for _, d := range docs {
			x.staged.journal[d.ID] = &d
		}
	}
	return nil
}

func (x *swapIndex) Delete(ctx context.Context, ids ...string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.fakeIndex.Delete(ctx, ids...); err != nil {
		return err
	}
	if x.staged != nil {
		for _, id := range ids {
			x.staged.journal[id] = nil
		}
	}
	return nil
}

func (s *stagedIndex) Upsert(ctx context.Context, docs ...search.Document) error {
	s.x.mu.Lock()
	defer s.x.mu.Unlock()
	if s.done {
		return errors.New("staged index ended")
	}
	if s.failUpsert != nil {
		return s.failUpsert
	}
	for _, d := range docs {
		s.docs[d.ID] = d
	}
	return nil
}

func (s *stagedIndex) Delete(ctx context.Context, ids ...string) error {
	s.x.mu.Lock()
	defer s.x.mu.Unlock()
	if s.done {
		return errors.New("staged index ended")
	}
	for _, id := range ids {
		delete(s.docs, id)
	}
	return nil
}

func (s *stagedIndex) Commit(ctx context.Context) ([]string, error) {
	s.x.mu.Lock()
	defer s.x.mu.Unlock()
	if s.done {
		return nil, errors.New("staged index ended")
	}
	s.done = true
	s.x.staged = nil
	if s.failCommit != nil {
		return nil, s.failCommit
	}
	for id, d := range s.journal {
		if d == nil {
			delete(s.docs, id)
		} else {
			s.docs[id] = *d
		}
	}
	s.x.fakeIndex.mu.Lock()
	s.x.fakeIndex.docs = s.docs
	s.x.fakeIndex.mu.Unlock()
	return slices.Sorted(maps.Keys(s.journal)), nil
}

func (s *stagedIndex) Abort(ctx context.Context) error {
	s.x.mu.Lock()
	defer s.x.mu.Unlock()
	if s.done {
		return nil
	}
	s.done = true
	s.x.staged = nil
	s.x.aborted.Add(1)
	return nil
}

// hookSource is a fakeSource whose All calls hook after reporting each profile.
type hookSource struct {
	*fakeSource
	hook func(ch search.Change)
}

func (s *hookSource) All(ctx context.Context, fn func(search.Change) error) error {
	return s.fakeSource.All(ctx, func(ch search.Change) error {
		if err := fn(ch); err != nil {
			return err
		}
		if s.hook != nil {
			s.hook(ch)
		}
		return nil
	})
}

// checkSwapInSync is checkInSync for a swapIndex.
func checkSwapInSync(tb testing.TB, src *fakeSource, idx *swapIndex) {
	tb.Helper()
	checkInSync(tb, src, idx.fakeIndex)
}

func TestRebuildSwap(t *testing.T) {
	fsrc, idx := newFakeSource(), newSwapIndex()
	src := &hookSource{fakeSource: fsrc}
	x := search.NewIndexer(src, idx, nil)
	for _, id := range []string{"a", "b", "c", "d"} {
		fsrc.set(id, doc(id+"1"))
	}
	fsrc.set("d", nil) // withdrawn
	fsrc.set("e", doc("E1"))
	fsrc.set("bad id", doc("BAD")) // kept out of the index, but marked
	// The live index is stale: an old version, a withdrawn profile, an orphan.
	idx.docs["a"] = search.Document{ID: "a", Headline: "stale"}
	idx.docs["d"] = search.Document{ID: "d", Headline: "withdrawn"}
	idx.docs["gone"] = search.Document{ID: "gone", Headline: "erased account"}
	before := headlines(idx.snapshot())

	// While the rebuild runs, the live index serves its old contents and nothing
	// is marked indexed yet.
	var during []map[string]string
	src.hook = func(search.Change) {
		during = append(during, headlines(idx.snapshot()))
		if got := fsrc.lagging(); len(got) != 6 {
			t.Errorf("during the rebuild: got pending %v, want all 6 (marks come after the swap)", got)
		}
	}
	n, err := x.Rebuild(context.Background())
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if n != 4 {
		t.Errorf("got %d upserted, want 4 (a b c e)", n)
	}
	for i, got := range during {
		if !maps.Equal(got, before) {
			t.Errorf("during the rebuild (%d): got live index %v, want the old %v", i, got, before)
		}
	}
	if got := idx.begun.Load(); got != 1 {
		t.Errorf("got %d BeginSwap calls, want 1", got)
	}
	if got, want := headlines(idx.snapshot()), map[string]string{"a": "a1", "b": "b1", "c": "c1", "e": "E1"}; !maps.Equal(got, want) {
		t.Errorf("got index %v, want %v", got, want)
	}
	if got := fsrc.lagging(); len(got) > 0 {
		t.Errorf("got pending %v, want none", got)
	}
	if idx.fakeIndex.writes.Load() != 0 {
		t.Errorf("got %d writes to the live index, want 0 (all went to the staged one)", idx.fakeIndex.writes.Load())
	}
}

// A change written to the database while the rebuild reads it stays pending, and
// the next sync applies it. A sync requested meanwhile waits for the rebuild.
func TestRebuildSwapConcurrentChange(t *testing.T) {
	fsrc, idx := newFakeSource(), newSwapIndex()
	src := &hookSource{fakeSource: fsrc}
	fsrc.onMark = func(id string, version int64, d *search.Document) error {
		if st := idx.stagedNow(); st != nil {
			t.Errorf("MarkIndexed(%s, %d) before the swap", id, version)
		}
		return nil
	}
	x := search.NewIndexer(src, idx, nil)
	fsrc.set("a", doc("A1"))
	fsrc.set("b", doc("B1"))
	fsrc.set("c", doc("C1"))
	mustSync(t, x, 3)

	syncDone := make(chan struct{})
	var once sync.Once
	src.hook = func(ch search.Change) {
		if ch.ID != "a" {
			return
		}
		once.Do(func() {
			// The database changes after All read a and before it reads b.
			fsrc.set("a", doc("A2")) // edited after it was read
			fsrc.set("b", nil)       // withdrawn before it is read
			fsrc.set("z", doc("Z1")) // new, after All's snapshot
			calls := fsrc.pendingCalls()
			go func() {
				defer close(syncDone)
				if _, err := x.SyncOnce(context.Background()); err != nil {
					t.Errorf("SyncOnce: %v", err)
				}
			}()
			time.Sleep(20 * time.Millisecond) // give the sync a chance to interleave
			if fsrc.pendingCalls() != calls {
				t.Error("a sync ran while the rebuild held the indexer")
			}
		})
	}
	if _, err := x.Rebuild(context.Background()); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	<-syncDone // the waiting sync runs after the rebuild and catches up
	checkSwapInSync(t, fsrc, idx)
	if got := idx.snapshot()["a"].Headline; got != "A2" {
		t.Errorf("got a's headline %q, want A2", got)
	}
}

// Same, without the racing sync: after the rebuild the changes are pending.
func TestRebuildSwapLeavesChangesPending(t *testing.T) {
	fsrc, idx := newFakeSource(), newSwapIndex()
	src := &hookSource{fakeSource: fsrc}
	x := search.NewIndexer(src, idx, nil)
	fsrc.set("a", doc("A1"))
	fsrc.set("b", doc("B1"))
	var once sync.Once
	src.hook = func(ch search.Change) {
		once.Do(func() {
			fsrc.set("a", doc("A2"))
			fsrc.set("c", doc("C1"))
		})
	}
	if n, err := x.Rebuild(context.Background()); err != nil || n != 2 {
		t.Fatalf("Rebuild: got %d, %v, want 2 upserted", n, err)
	}
	if got, want := fsrc.lagging(), []string{"a", "c"}; !slices.Equal(got, want) {
		t.Errorf("after the rebuild: got pending %v, want %v", got, want)
	}
	if got := idx.snapshot()["a"].Headline; got != "A1" {
		t.Errorf("after the rebuild: got a's headline %q, want A1 (what All read)", got)
	}
	mustSync(t, x, 2)
	checkSwapInSync(t, fsrc, idx)
}

// A profile removed from the live index during the rebuild (a withdrawal or an
// erasure by the moderation service) stays removed after the swap, and the
// rebuild leaves its change to the next sync.
func TestRebuildSwapDirectWrites(t *testing.T) {
	fsrc, idx := newFakeSource(), newSwapIndex()
	src := &hookSource{fakeSource: fsrc}
	x := search.NewIndexer(src, idx, nil)
	fsrc.set("a", doc("A1"))
	fsrc.set("b", doc("B1"))
	fsrc.set("c", doc("C1"))
	mustSync(t, x, 3)
	var once sync.Once
	src.hook = func(search.Change) {
		once.Do(func() {
			// All has read a (public); now it is erased: gone from the database
			// (outbox included) and deleted from the live index directly.
			if err := idx.Delete(context.Background(), "a"); err != nil {
				t.Fatal(err)
			}
			fsrc.mu.Lock()
			delete(fsrc.profiles, "a")
			fsrc.mu.Unlock()
			// c is withdrawn: the database first, then the live index, then
			// marked indexed as moderation.afterChange does.
			fsrc.set("c", nil)
			if err := idx.Delete(context.Background(), "c"); err != nil {
				t.Fatal(err)
			}
			fsrc.mu.Lock()
			fsrc.profiles["c"].indexed = fsrc.profiles["c"].version
			fsrc.mu.Unlock()
		})
	}
	if _, err := x.Rebuild(context.Background()); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if got, want := headlines(idx.snapshot()), map[string]string{"b": "B1"}; !maps.Equal(got, want) {
		t.Errorf("after the rebuild: got index %v, want %v (erased and withdrawn profiles stay out)", got, want)
	}
	mustSync(t, x, 0)
	checkSwapInSync(t, fsrc, idx)
}

func TestRebuildSwapFails(t *testing.T) {
	for _, tt := range []struct {
		name       string
		failUpsert error
		failCommit error
		failAll    bool
	}{
		{name: "staged upsert", failUpsert: errDown},
		{name: "commit", failCommit: errDown},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsrc, idx := newFakeSource(), newSwapIndex()
			src := &hookSource{fakeSource: fsrc}
			x := search.NewIndexer(src, idx, nil)
			fsrc.set("a", doc("A1"))
			mustSync(t, x, 1)
			fsrc.set("a", doc("A2"))
			fsrc.set("b", doc("B1"))
			src.hook = func(search.Change) {
				if st := idx.stagedNow(); st != nil {
					st.failUpsert, st.failCommit = tt.failUpsert, tt.failCommit
				}
			}
			if _, err := x.Rebuild(context.Background()); !errors.Is(err, errDown) {
				t.Fatalf("Rebuild: got %v, want %v", err, errDown)
			}
			if got, want := headlines(idx.snapshot()), map[string]string{"a": "A1"}; !maps.Equal(got, want) {
				t.Errorf("got live index %v, want it unchanged %v", got, want)
			}
			if got, want := fsrc.lagging(), []string{"a", "b"}; !slices.Equal(got, want) {
				t.Errorf("got pending %v, want %v (nothing marked)", got, want)
			}
			if tt.failCommit == nil && idx.aborted.Load() != 1 {
				t.Errorf("got %d aborts, want 1", idx.aborted.Load())
			}
			if idx.stagedNow() != nil {
				t.Error("the staged index is still open")
			}
			src.hook = nil
			if _, err := x.Rebuild(context.Background()); err != nil {
				t.Fatalf("second Rebuild: %v", err)
			}
			checkSwapInSync(t, fsrc, idx)
		})
	}
}

// An Index without Swapper is rebuilt in place, as before.
func TestIndexerRebuildInPlace(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	src.set("a", doc("A1"))
	idx.docs["gone"] = search.Document{ID: "gone"}
	x := search.NewIndexer(src, idx, nil)
	if n, err := x.Rebuild(context.Background()); err != nil || n != 1 {
		t.Fatalf("Rebuild: got %d, %v, want 1", n, err)
	}
	checkInSync(t, src, idx)
}

// allSource reports a fixed list from All, duplicates included.
type allSource struct {
	dupSource
	all []search.Change
}

func (s *allSource) All(ctx context.Context, fn func(search.Change) error) error {
	for _, ch := range s.all {
		if err := fn(ch); err != nil {
			return err
		}
	}
	return nil
}

// A profile reported twice ends up in its newest state, in the same batch or not.
func TestRebuildSwapDuplicates(t *testing.T) {
	var all []search.Change
	all = append(all,
		search.Change{ID: "a", Version: 1, Doc: doc("A1")},
		search.Change{ID: "b", Version: 2, Doc: doc("B2")},
		search.Change{ID: "c", Version: 1, Doc: doc("C1")},
	)
	for i := range search.DefaultBatchSize {
		all = append(all, search.Change{ID: fmt.Sprintf("x%03d", i), Version: 1})
	}
	all = append(all,
		search.Change{ID: "a", Version: 2},                 // withdrawn, next batch
		search.Change{ID: "b", Version: 1, Doc: doc("B1")}, // older: ignored
		search.Change{ID: "c", Version: 2, Doc: doc("C2")}, // newer
		search.Change{ID: "d", Version: 1},                 // withdrawn
		search.Change{ID: "d", Version: 2, Doc: doc("D2")}, // then public
	)
	src := &allSource{all: all}
	idx := newSwapIndex()
	x := search.NewIndexer(src, idx, nil)
	n, err := x.Rebuild(context.Background())
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if got, want := headlines(idx.snapshot()), map[string]string{"b": "B2", "c": "C2", "d": "D2"}; !maps.Equal(got, want) {
		t.Errorf("got index %v, want %v", got, want)
	}
	if n != 3 {
		t.Errorf("got %d documents, want 3", n)
	}
	marks := map[string]bool{}
	for _, m := range src.marked {
		marks[m] = true
	}
	for _, m := range []string{"a@2", "b@2", "c@2", "d@2", "x000@1"} {
		if !marks[m] {
			t.Errorf("got marks without %s", m)
		}
	}
	if len(src.marked) != 4+search.DefaultBatchSize {
		t.Errorf("got %d marks, want %d", len(src.marked), 4+search.DefaultBatchSize)
	}
}
