package search_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
)

// fakeSource is an in-memory Source: each profile has a version, the version last
// marked indexed and, when public, a document.
type fakeSource struct {
	mu       sync.Mutex
	profiles map[string]*fakeProfile
	pending  []int // limits passed to Pending
	failNext error // returned by the next Pending
	// onMark, if set, is called before MarkIndexed records a version.
	onMark func(id string, version int64, doc *search.Document) error
}

type fakeProfile struct {
	version int64
	indexed int64
	doc     *search.Document
}

func newFakeSource() *fakeSource {
	return &fakeSource{profiles: map[string]*fakeProfile{}}
}

// set publishes (doc non-nil) or unpublishes (doc nil) a profile, as a write by the
// moderation package does: the version grows.
func (s *fakeSource) set(id string, doc *search.Document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.profiles[id]
	if p == nil {
		p = &fakeProfile{}
		s.profiles[id] = p
	}
	p.version++
	if doc != nil {
		d := *doc
		d.ID = id
		doc = &d
	}
	p.doc = doc
}

func (s *fakeSource) Pending(ctx context.Context, limit int) ([]search.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = append(s.pending, limit)
	if err := s.failNext; err != nil {
		s.failNext = nil
		return nil, err
	}
	var out []search.Change
	for _, id := range slices.Sorted(maps.Keys(s.profiles)) {
		p := s.profiles[id]
		if p.indexed < p.version && len(out) < limit {
			out = append(out, search.Change{ID: id, Version: p.version, Doc: p.doc})
		}
	}
	return out, nil
}

func (s *fakeSource) MarkIndexed(ctx context.Context, id string, version int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.profiles[id]
	if p == nil {
		return nil
	}
	if s.onMark != nil {
		if err := s.onMark(id, version, p.doc); err != nil {
			return err
		}
	}
	if p.version == version { // a no-op if the profile moved on
		p.indexed = version
	}
	return nil
}

func (s *fakeSource) All(ctx context.Context, fn func(search.Change) error) error {
	s.mu.Lock()
	var all []search.Change
	for _, id := range slices.Sorted(maps.Keys(s.profiles)) {
		p := s.profiles[id]
		all = append(all, search.Change{ID: id, Version: p.version, Doc: p.doc})
	}
	s.mu.Unlock()
	for _, ch := range all {
		if err := fn(ch); err != nil {
			return err
		}
	}
	return nil
}

// pendingCalls returns how many times Pending was called.
func (s *fakeSource) pendingCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// lagging returns the ids whose indexed version lags behind.
func (s *fakeSource) lagging() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, p := range s.profiles {
		if p.indexed < p.version {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// public returns the documents that should be in the index.
func (s *fakeSource) public() map[string]search.Document {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]search.Document{}
	for id, p := range s.profiles {
		if p.doc != nil {
			out[id] = *p.doc
		}
	}
	return out
}

var errDown = errors.New("engine down")

// fakeIndex is an in-memory Index that fails on demand.
type fakeIndex struct {
	mu       sync.Mutex
	docs     map[string]search.Document
	failing  atomic.Bool
	writes   atomic.Int64 // attempted Upsert/Delete calls
	onUpsert func()       // called after a successful Upsert, without the lock
}

func newFakeIndex() *fakeIndex { return &fakeIndex{docs: map[string]search.Document{}} }

func (x *fakeIndex) Upsert(ctx context.Context, docs ...search.Document) error {
	x.writes.Add(1)
	if x.failing.Load() {
		return errDown
	}
	x.mu.Lock()
	for _, d := range docs {
		x.docs[d.ID] = d
	}
	hook := x.onUpsert
	x.mu.Unlock()
	if hook != nil {
		hook()
	}
	return nil
}

func (x *fakeIndex) Delete(ctx context.Context, ids ...string) error {
	x.writes.Add(1)
	if x.failing.Load() {
		return errDown
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		delete(x.docs, id)
	}
	return nil
}

func (x *fakeIndex) Get(ctx context.Context, id string) (*search.Document, error) {
	if x.failing.Load() {
		return nil, errDown
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	d, ok := x.docs[id]
	if !ok {
		return nil, otm.Errorf(otm.ENOTFOUND, "not found")
	}
	return &d, nil
}

func (x *fakeIndex) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	return nil, otm.Errorf(otm.ENOTIMPLEMENTED, "fake")
}

func (x *fakeIndex) Count(ctx context.Context) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.docs), nil
}

func (x *fakeIndex) Ping(ctx context.Context) error {
	if x.failing.Load() {
		return errDown
	}
	return nil
}

func (x *fakeIndex) Close() error { return nil }

func (x *fakeIndex) IDs(ctx context.Context, fn func(string) error) error {
	x.mu.Lock()
	ids := slices.Sorted(maps.Keys(x.docs))
	x.mu.Unlock()
	for _, id := range ids {
		if err := fn(id); err != nil {
			return err
		}
	}
	return nil
}

// snapshot returns the documents in the index.
func (x *fakeIndex) snapshot() map[string]search.Document {
	x.mu.Lock()
	defer x.mu.Unlock()
	return maps.Clone(x.docs)
}

// headlines maps ids to headlines, to compare index contents briefly.
func headlines(docs map[string]search.Document) map[string]string {
	out := map[string]string{}
	for id, d := range docs {
		out[id] = d.Headline
	}
	return out
}

func doc(headline string) *search.Document {
	return &search.Document{Name: "Mentor", Headline: headline}
}

// checkInSync fails unless the index holds exactly the public documents and nothing
// is pending.
func checkInSync(tb testing.TB, src *fakeSource, idx *fakeIndex) {
	tb.Helper()
	if got, want := headlines(idx.snapshot()), headlines(src.public()); !maps.Equal(got, want) {
		tb.Errorf("index: got %v, want %v", got, want)
	}
	if got := src.lagging(); len(got) > 0 {
		tb.Errorf("got pending %v, want none", got)
	}
}

// markChecker makes MarkIndexed fail the test unless the index already holds exactly
// the profile's current state.
func markChecker(tb testing.TB, idx *fakeIndex) func(string, int64, *search.Document) error {
	return func(id string, version int64, doc *search.Document) error {
		got, ok := idx.snapshot()[id]
		switch {
		case doc == nil && ok:
			tb.Errorf("MarkIndexed(%s, %d): the index still holds the unpublished profile", id, version)
		case doc != nil && !ok:
			tb.Errorf("MarkIndexed(%s, %d): the index does not hold the profile", id, version)
		case doc != nil && got.Headline != doc.Headline:
			tb.Errorf("MarkIndexed(%s, %d): the index holds %q, want %q", id, version, got.Headline, doc.Headline)
		}
		return nil
	}
}

func mustSync(tb testing.TB, x *search.Indexer, want int) {
	tb.Helper()
	n, err := x.SyncOnce(context.Background())
	if err != nil {
		tb.Fatalf("SyncOnce: %v", err)
	}
	if n != want {
		tb.Errorf("SyncOnce: got %d applied, want %d", n, want)
	}
}

func TestSyncOnce(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	src.onMark = markChecker(t, idx)
	x := search.NewIndexer(src, idx, nil)

	src.set("a", doc("A1"))
	src.set("b", doc("B1"))
	src.set("c", doc("C1"))
	mustSync(t, x, 3)
	checkInSync(t, src, idx)

	mustSync(t, x, 0) // nothing pending

	src.set("a", doc("A2")) // edit
	src.set("b", nil)       // withdrawn
	src.set("d", doc("D1")) // new
	src.set("e", nil)       // never public
	mustSync(t, x, 4)
	checkInSync(t, src, idx)
	if _, ok := idx.snapshot()["b"]; ok {
		t.Error("got b in the index after it was withdrawn, want it deleted")
	}
}

func TestSyncOnceWhileEngineDown(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	src.onMark = markChecker(t, idx)
	x := search.NewIndexer(src, idx, nil)
	src.set("a", doc("A1"))
	src.set("b", doc("B1"))
	mustSync(t, x, 2)

	idx.failing.Store(true)
	steps := []func(){
		func() { src.set("a", doc("A2")) },
		func() { src.set("b", nil) },
		func() { src.set("c", doc("C1")) },
		func() { src.set("c", doc("C2")) },
	}
	for i, step := range steps {
		step()
		n, err := x.SyncOnce(context.Background())
		if !errors.Is(err, errDown) {
			t.Fatalf("step %d: got error %v, want %v", i, err, errDown)
		}
		if n != 0 {
			t.Errorf("step %d: got %d applied, want 0", i, n)
		}
	}
	if got, want := src.lagging(), []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("while down: got pending %v, want %v", got, want)
	}
	if got, want := headlines(idx.snapshot()), map[string]string{"a": "A1", "b": "B1"}; !maps.Equal(got, want) {
		t.Errorf("while down: got index %v, want %v", got, want)
	}

	idx.failing.Store(false)
	mustSync(t, x, 3)
	checkInSync(t, src, idx)
}

// A document the index would refuse does not block the queue: it is kept out of the
// index and its change is marked done.
func TestSyncOnceInvalidDocument(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	x := search.NewIndexer(src, idx, nil)
	src.set("a", doc("A1"))
	src.set("bad id", doc("BAD"))
	src.set("c", doc("C1"))
	idx.docs["bad id"] = search.Document{ID: "bad id", Headline: "old"}
	mustSync(t, x, 3)
	if got, want := headlines(idx.snapshot()), map[string]string{"a": "A1", "c": "C1"}; !maps.Equal(got, want) {
		t.Errorf("got index %v, want %v", got, want)
	}
	if got := src.lagging(); len(got) > 0 {
		t.Errorf("got pending %v, want none", got)
	}
	n, err := search.Rebuild(context.Background(), src, idx)
	if err != nil || n != 2 {
		t.Errorf("Rebuild: got %d, %v, want 2 upserted", n, err)
	}
}

func TestSyncOnceSourceFails(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	x := search.NewIndexer(src, idx, nil)
	src.set("a", doc("A1"))
	src.failNext = errors.New("database down")
	if _, err := x.SyncOnce(context.Background()); err == nil {
		t.Fatal("got nil error, want the source's error")
	}
	mustSync(t, x, 1)
	checkInSync(t, src, idx)
}

func TestSyncOnceBatches(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	x := search.NewIndexer(src, idx, nil)
	const n = 1234
	for i := range n {
		src.set(fmt.Sprintf("p%04d", i), doc(fmt.Sprint(i)))
	}
	mustSync(t, x, n)
	checkInSync(t, src, idx)
	if got, want := src.pending, []int{500, 500, 500}; !slices.Equal(got, want) {
		t.Errorf("got Pending limits %v, want %v", got, want)
	}
	if got := idx.writes.Load(); got != 3 {
		t.Errorf("got %d index writes, want 3 (one per batch)", got)
	}
}

// A profile that changes between Pending and MarkIndexed is not marked at the old
// version, so the next sync picks the new one up.
func TestSyncOnceChangeDuringSync(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	x := search.NewIndexer(src, idx, nil)
	src.set("a", doc("A1"))
	var once sync.Once
	idx.onUpsert = func() { once.Do(func() { src.set("a", doc("A2")) }) }
	mustSync(t, x, 1)
	if got := src.lagging(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("got pending %v, want [a]", got)
	}
	mustSync(t, x, 1)
	checkInSync(t, src, idx)
	if got := idx.snapshot()["a"].Headline; got != "A2" {
		t.Errorf("got headline %q, want A2", got)
	}
}

func TestSyncOnceDuplicateChanges(t *testing.T) {
	idx := newFakeIndex()
	src := &dupSource{changes: []search.Change{
		{ID: "a", Version: 2, Doc: doc("A2")},
		{ID: "a", Version: 1, Doc: doc("A1")},
		{ID: "b", Version: 1, Doc: doc("B1")},
		{ID: "b", Version: 2},
	}}
	x := search.NewIndexer(src, idx, nil)
	mustSync(t, x, 2)
	if got, want := headlines(idx.snapshot()), map[string]string{"a": "A2"}; !maps.Equal(got, want) {
		t.Errorf("got index %v, want %v", got, want)
	}
	if got, want := src.marked, []string{"a@2", "b@2"}; !slices.Equal(got, want) {
		t.Errorf("got marks %v, want %v", got, want)
	}
}

// dupSource returns its changes once.
type dupSource struct {
	changes []search.Change
	marked  []string
}

func (s *dupSource) Pending(ctx context.Context, limit int) ([]search.Change, error) {
	out := s.changes
	s.changes = nil
	return out, nil
}

func (s *dupSource) MarkIndexed(ctx context.Context, id string, version int64) error {
	s.marked = append(s.marked, fmt.Sprintf("%s@%d", id, version))
	return nil
}

func (s *dupSource) All(ctx context.Context, fn func(search.Change) error) error { return nil }

func TestRebuild(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	src.onMark = markChecker(t, idx)
	for i := range 1100 {
		src.set(fmt.Sprintf("p%04d", i), doc(fmt.Sprint(i)))
	}
	src.set("p0001", nil) // withdrawn
	src.set("p0002", nil)
	// The index is stale: an old version, a withdrawn profile, an orphan.
	idx.docs["p0000"] = search.Document{ID: "p0000", Headline: "stale"}
	idx.docs["p0001"] = search.Document{ID: "p0001", Headline: "withdrawn"}
	idx.docs["gone"] = search.Document{ID: "gone", Headline: "erased account"}

	n, err := search.Rebuild(context.Background(), src, idx)
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if n != 1098 {
		t.Errorf("got %d upserted, want 1098", n)
	}
	checkInSync(t, src, idx)
}

func TestRebuildEngineDown(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	src.set("a", doc("A1"))
	idx.failing.Store(true)
	x := search.NewIndexer(src, idx, nil)
	if _, err := x.Rebuild(context.Background()); !errors.Is(err, errDown) {
		t.Fatalf("got error %v, want %v", err, errDown)
	}
	if got := src.lagging(); !slices.Equal(got, []string{"a"}) {
		t.Errorf("got pending %v, want [a]", got)
	}
	idx.failing.Store(false)
	if _, err := x.Rebuild(context.Background()); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	checkInSync(t, src, idx)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRun(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	src.onMark = markChecker(t, idx)
	x := search.NewIndexer(src, idx, nil)
	x.Interval = time.Hour // only Notify and the start trigger syncs here
	x.MinBackoff = 50 * time.Millisecond
	x.MaxBackoff = 100 * time.Millisecond

	src.set("a", doc("A1"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		x.Run(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	t.Run("syncs at start", func(t *testing.T) {
		waitFor(t, "the first sync", func() bool { return len(src.lagging()) == 0 })
		checkInSync(t, src, idx)
	})
	t.Run("syncs on notify", func(t *testing.T) {
		src.set("b", doc("B1"))
		x.Notify()
		waitFor(t, "b to be indexed", func() bool { return len(src.lagging()) == 0 })
		checkInSync(t, src, idx)
	})
	t.Run("backs off while down and catches up", func(t *testing.T) {
		idx.failing.Store(true)
		before := idx.writes.Load()
		src.set("a", nil)
		src.set("c", doc("C1"))
		start := time.Now()
		for time.Since(start) < 400*time.Millisecond {
			x.Notify() // ignored while backing off
			time.Sleep(time.Millisecond)
		}
		// One attempt on the first notify, then retries after 50, 100, 100, 100 ms.
		if got := idx.writes.Load() - before; got < 2 || got > 8 {
			t.Errorf("got %d write attempts in 400 ms, want 2..8 (backoff, notifications ignored)", got)
		}
		if got := src.lagging(); !slices.Equal(got, []string{"a", "c"}) {
			t.Errorf("while down: got pending %v, want [a c]", got)
		}
		idx.failing.Store(false)
		waitFor(t, "recovery", func() bool { return len(src.lagging()) == 0 })
		checkInSync(t, src, idx)
	})
	t.Run("stops with the context", func(t *testing.T) {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	})
}

func TestRunPeriodic(t *testing.T) {
	src, idx := newFakeSource(), newFakeIndex()
	x := search.NewIndexer(src, idx, nil)
	x.Interval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		x.Run(ctx)
		close(done)
	}()
	defer func() {
		cancel()
		<-done
	}()
	waitFor(t, "the first sync", func() bool { return src.pendingCalls() > 0 })
	src.set("a", doc("A1")) // no Notify: the interval picks it up
	waitFor(t, "a periodic sync", func() bool { return len(src.lagging()) == 0 })
	checkInSync(t, src, idx)
}

func TestNotifyNeverBlocks(t *testing.T) {
	x := search.NewIndexer(newFakeSource(), newFakeIndex(), nil)
	done := make(chan struct{})
	go func() {
		for range 1000 {
			x.Notify()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Notify blocked without a running indexer")
	}
}

func TestRefillIfEmpty(t *testing.T) {
	tests := []struct {
		name     string
		public   int
		drafts   int
		inIndex  int
		want     int
		wantDocs int
	}{
		{"a wiped index is refilled", 3, 1, 0, 3, 3},
		{"an index with documents is left alone", 3, 0, 1, 0, 1},
		{"nothing public: nothing to do", 0, 2, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, idx := newFakeSource(), newFakeIndex()
			for i := range tt.public {
				src.set(fmt.Sprintf("p%d", i), doc(fmt.Sprint(i)))
			}
			for i := range tt.drafts {
				src.set(fmt.Sprintf("d%d", i), nil)
			}
			for i := range tt.inIndex {
				idx.docs[fmt.Sprintf("x%d", i)] = search.Document{ID: fmt.Sprintf("x%d", i), Headline: "kept"}
			}
			x := search.NewIndexer(src, idx, slog.New(slog.DiscardHandler))
			n, err := x.RefillIfEmpty(context.Background())
			if err != nil || n != tt.want {
				t.Fatalf("RefillIfEmpty = %d, %v; want %d", n, err, tt.want)
			}
			if got := len(idx.docs); got != tt.wantDocs {
				t.Errorf("documents in the index: got %d, want %d", got, tt.wantDocs)
			}
		})
	}
}
