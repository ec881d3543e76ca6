package bleve

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	blevelib "github.com/blevesearch/bleve/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/searchtest"
)

// dirNames returns the names in dir, sorted.
func dirNames(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func readCurrent(tb testing.TB, dir string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func mustCount(tb testing.TB, x *Index, want int) {
	tb.Helper()
	n, err := x.Count(context.Background())
	if err != nil || n != want {
		tb.Fatalf("got Count %d, %v, want %d", n, err, want)
	}
}

func TestOpenLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "search", "mentors")
	x := mustOpen(t, dir)
	if !x.Fresh() {
		t.Error("got Fresh false, want true")
	}
	if got, want := dirNames(t, dir), []string{"CURRENT", "gen-1"}; !slices.Equal(got, want) {
		t.Errorf("got %v in the index directory, want %v", got, want)
	}
	if got := readCurrent(t, dir); got != "gen-1\n" {
		t.Errorf("got CURRENT %q, want %q", got, "gen-1\n")
	}
	if _, err := os.Stat(filepath.Join(dir, "gen-1", metaFile)); err != nil {
		t.Errorf("no index in gen-1: %v", err)
	}
}

// An index of the former format (index files directly in dir) is replaced by an
// empty one in a generation.
func TestOpenMigratesFormerFormat(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "mentors")
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	bi, err := blevelib.New(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := bi.SetInternal(mappingVersionKey, []byte(mappingVersion)); err != nil {
		t.Fatal(err)
	}
	g, err := withCodes(bi)
	if err != nil {
		t.Fatal(err)
	}
	old := &Index{bi: g, analyzer: bi.Mapping().AnalyzerNamed(analyzerName)}
	if err := old.Upsert(ctx, searchtest.Profiles(t)...); err != nil {
		t.Fatal(err)
	}

	if _, err := Open(dir); err == nil {
		t.Fatal("got nil error, want Open to refuse a former index another process holds")
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	x := mustOpen(t, dir)
	if !x.Fresh() {
		t.Error("got Fresh false, want true: the former index is rebuilt from the database")
	}
	mustCount(t, x, 0)
	if got, want := dirNames(t, dir), []string{"CURRENT", "gen-1"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v (the former index files removed)", got, want)
	}
}

func TestOpenCleansLeftovers(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "mentors")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Upsert(ctx, searchtest.Profiles(t)...); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	// An interrupted rebuild leaves a generation and a temporary pointer file.
	if err := os.MkdirAll(filepath.Join(dir, "gen-7", "store"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, tmpPrefix+"123"), []byte("gen-7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	y := mustOpen(t, dir)
	if y.Fresh() {
		t.Error("got Fresh true, want false")
	}
	mustCount(t, y, 30)
	if got, want := dirNames(t, dir), []string{"CURRENT", "gen-1"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// The next generation is numbered past the leftover.
	st, err := y.BeginSwap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort(ctx)
	if y.staged.gen != 8 {
		t.Errorf("got next generation %d, want 8", y.staged.gen)
	}
}

func TestOpenBrokenPointer(t *testing.T) {
	t.Run("generation missing", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, currentFile), []byte("gen-3\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		x := mustOpen(t, dir)
		if !x.Fresh() {
			t.Error("got Fresh false, want true")
		}
		if got := readCurrent(t, dir); got != "gen-4\n" {
			t.Errorf("got CURRENT %q, want gen-4", got)
		}
	})
	t.Run("garbage", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, currentFile), []byte("hello"), 0o600); err != nil {
			t.Fatal(err)
		}
		if x, err := Open(dir); err == nil {
			_ = x.Close()
			t.Fatal("got nil error, want Open to refuse a CURRENT it did not write")
		}
	})
	t.Run("leftovers of a first start", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "gen-1"), 0o750); err != nil {
			t.Fatal(err)
		}
		x := mustOpen(t, dir)
		if got := readCurrent(t, dir); got != "gen-2\n" {
			t.Errorf("got CURRENT %q, want gen-2", got)
		}
		if got, want := dirNames(t, dir), []string{"CURRENT", "gen-2"}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		mustCount(t, x, 0)
	})
}

// A second process opening the index fails fast instead of waiting.
func TestOpenInUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mentors")
	mustOpen(t, dir)
	start := time.Now()
	if y, err := Open(dir); err == nil {
		_ = y.Close()
		t.Fatal("got nil error, want Open to fail while the index is open")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Open took %v, want it to fail fast", d)
	}
}

func headlinesOf(tb testing.TB, x *Index) map[string]string {
	tb.Helper()
	out := map[string]string{}
	err := x.IDs(context.Background(), func(id string) error {
		d, err := x.Get(context.Background(), id)
		if err != nil {
			return err
		}
		out[id] = d.Headline
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func docs(headlines map[string]string) []search.Document {
	var out []search.Document
	for _, id := range slices.Sorted(maps.Keys(headlines)) {
		out = append(out, search.Document{ID: id, Name: "Mentor " + id, Headline: headlines[id]})
	}
	return out
}

func TestSwap(t *testing.T) {
	for _, disk := range []bool{true, false} {
		t.Run(fmt.Sprintf("disk=%v", disk), func(t *testing.T) {
			ctx := context.Background()
			dir := filepath.Join(t.TempDir(), "mentors")
			var x *Index
			if disk {
				x = mustOpen(t, dir)
			} else {
				x = mustOpenMem(t)
			}
			oldDocs := map[string]string{"a": "old a", "b": "old b", "gone": "orphan"}
			newDocs := map[string]string{"a": "new a", "b": "new b", "c": "new c"}
			if err := x.Upsert(ctx, docs(oldDocs)...); err != nil {
				t.Fatal(err)
			}
			st, err := x.BeginSwap(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := x.BeginSwap(ctx); otm.ErrorCode(err) != otm.ECONFLICT {
				t.Errorf("second BeginSwap: got %v, want ECONFLICT", err)
			}
			if err := st.Upsert(ctx, docs(newDocs)...); err != nil {
				t.Fatal(err)
			}
			if err := st.Upsert(ctx, search.Document{ID: "bad id"}); otm.ErrorCode(err) != otm.EINVALID {
				t.Errorf("staged Upsert of a bad id: got %v, want EINVALID", err)
			}
			if got := headlinesOf(t, x); !maps.Equal(got, oldDocs) {
				t.Errorf("while staged: got %v, want the old %v", got, oldDocs)
			}
			res, err := x.Search(ctx, search.Query{Q: "new"})
			if err != nil || res.Total != 0 {
				t.Errorf("while staged: search for new: got %+v, %v, want nothing", res, err)
			}
			touched, err := st.Commit(ctx)
			if err != nil {
				t.Fatalf("Commit: %v", err)
			}
			if len(touched) != 0 {
				t.Errorf("got touched %v, want none", touched)
			}
			if got := headlinesOf(t, x); !maps.Equal(got, newDocs) {
				t.Errorf("after Commit: got %v, want %v", got, newDocs)
			}
			res, err = x.Search(ctx, search.Query{Q: "new"})
			if err != nil || res.Total != 3 {
				t.Errorf("after Commit: search for new: got %+v, %v, want 3", res, err)
			}
			if _, err := st.Commit(ctx); err == nil {
				t.Error("second Commit: got nil error")
			}
			if err := st.Upsert(ctx, docs(newDocs)...); err == nil {
				t.Error("Upsert after Commit: got nil error")
			}
			if err := st.Abort(ctx); err != nil {
				t.Errorf("Abort after Commit: %v", err)
			}
			mustCount(t, x, 3)
			if !disk {
				return
			}
			if got, want := dirNames(t, dir), []string{"CURRENT", "gen-2"}; !slices.Equal(got, want) {
				t.Errorf("got %v, want %v (the old generation removed)", got, want)
			}
			if got := readCurrent(t, dir); got != "gen-2\n" {
				t.Errorf("got CURRENT %q, want gen-2", got)
			}
			if err := x.Close(); err != nil {
				t.Fatal(err)
			}
			y := mustOpen(t, dir)
			if y.Fresh() {
				t.Error("reopened: got Fresh true, want false")
			}
			if got := headlinesOf(t, y); !maps.Equal(got, newDocs) {
				t.Errorf("reopened: got %v, want %v", got, newDocs)
			}
		})
	}
}

// Writes to the live index while a rebuild is staged survive the swap.
func TestSwapJournal(t *testing.T) {
	ctx := context.Background()
	x := mustOpen(t, filepath.Join(t.TempDir(), "mentors"))
	if err := x.Upsert(ctx, docs(map[string]string{"a": "a1", "b": "b1", "c": "c1"})...); err != nil {
		t.Fatal(err)
	}
	st, err := x.BeginSwap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The rebuild read the database before these writes.
	if err := st.Upsert(ctx, docs(map[string]string{"a": "a1", "b": "b1", "c": "c1"})...); err != nil {
		t.Fatal(err)
	}
	if err := x.Delete(ctx, "a"); err != nil { // erased
		t.Fatal(err)
	}
	if err := x.Upsert(ctx, docs(map[string]string{"b": "b2", "d": "d1"})...); err != nil {
		t.Fatal(err)
	}
	if err := x.Upsert(ctx, docs(map[string]string{"e": "e1"})...); err != nil {
		t.Fatal(err)
	}
	if err := x.Delete(ctx, "e"); err != nil { // the last write counts
		t.Fatal(err)
	}
	if got, want := headlinesOf(t, x), map[string]string{"b": "b2", "c": "c1", "d": "d1"}; !maps.Equal(got, want) {
		t.Errorf("live while staged: got %v, want %v", got, want)
	}
	touched, err := st.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "d", "e"}; !slices.Equal(touched, want) {
		t.Errorf("got touched %v, want %v", touched, want)
	}
	if got, want := headlinesOf(t, x), map[string]string{"b": "b2", "c": "c1", "d": "d1"}; !maps.Equal(got, want) {
		t.Errorf("after Commit: got %v, want %v", got, want)
	}
	// Writes after the swap are no longer journaled.
	st2, err := x.BeginSwap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if touched, err := st2.Commit(ctx); err != nil || len(touched) != 0 {
		t.Errorf("next swap: got touched %v, %v, want none", touched, err)
	}
	mustCount(t, x, 0)
}

func TestSwapAbort(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "mentors")
	x := mustOpen(t, dir)
	if err := x.Upsert(ctx, docs(map[string]string{"a": "a1"})...); err != nil {
		t.Fatal(err)
	}
	st, err := x.BeginSwap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(ctx, docs(map[string]string{"b": "b1"})...); err != nil {
		t.Fatal(err)
	}
	if err := st.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Abort(ctx); err != nil {
		t.Errorf("second Abort: %v", err)
	}
	if _, err := st.Commit(ctx); err == nil {
		t.Error("Commit after Abort: got nil error")
	}
	if got, want := headlinesOf(t, x), map[string]string{"a": "a1"}; !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, want := dirNames(t, dir), []string{"CURRENT", "gen-1"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v (the staged generation removed)", got, want)
	}
	if got := readCurrent(t, dir); got != "gen-1\n" {
		t.Errorf("got CURRENT %q, want gen-1", got)
	}
	// A new rebuild may start.
	st, err = x.BeginSwap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Abort(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestSwapAfterClose(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "mentors")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := x.BeginSwap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(ctx); otm.ErrorCode(err) != otm.EUNAVAILABLE {
		t.Errorf("Commit after Close: got %v, want EUNAVAILABLE", err)
	}
	if got := readCurrent(t, dir); got != "gen-1\n" {
		t.Errorf("got CURRENT %q, want gen-1", got)
	}
	if _, err := x.BeginSwap(ctx); otm.ErrorCode(err) != otm.EUNAVAILABLE {
		t.Errorf("BeginSwap after Close: got %v, want EUNAVAILABLE", err)
	}
	if got, want := dirNames(t, dir), []string{"CURRENT", "gen-1"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// Searches running while generations are swapped all succeed, each on one whole
// generation.
func TestSwapConcurrentSearches(t *testing.T) {
	ctx := context.Background()
	x := mustOpen(t, filepath.Join(t.TempDir(), "mentors"))
	gens := []map[string]string{
		{"a": "first", "b": "first", "c": "first"},
		{"a": "second", "b": "second", "c": "second", "d": "second", "e": "second"},
	}
	if err := x.Upsert(ctx, docs(gens[0])...); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var searches atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := x.Search(ctx, search.Query{})
				if err != nil {
					t.Errorf("Search during swaps: %v", err)
					return
				}
				if res.Total != 3 && res.Total != 5 {
					t.Errorf("got %d hits, want 3 or 5", res.Total)
					return
				}
				for _, h := range res.Hits {
					if want := gens[(res.Total-3)/2]["a"]; h.Headline != want {
						t.Errorf("got a hit %q in a result of %d, want %q (a mix of generations)", h.Headline, res.Total, want)
						return
					}
				}
				if _, err := x.Get(ctx, "a"); err != nil {
					t.Errorf("Get during swaps: %v", err)
					return
				}
				searches.Add(1)
			}
		})
	}
	for i := range 6 {
		st, err := x.BeginSwap(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Upsert(ctx, docs(gens[(i+1)%2])...); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if searches.Load() == 0 {
		t.Error("no search ran")
	}
	mustCount(t, x, 3)
}

// The indexer rebuilds a Bleve index by swapping generations: searches see the old
// one until the new one is complete, and changes made meanwhile are synced after.
func TestIndexerRebuildSwaps(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "mentors")
	x := mustOpen(t, dir)
	src := searchtest.NewSource()
	for i := range 1200 {
		src.Set(fmt.Sprintf("p%04d", i), "first")
	}
	ix := search.NewIndexer(src, x, nil)
	if _, err := ix.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 1200 {
		src.Set(fmt.Sprintf("p%04d", i), "second")
	}
	src.Set("p0000", "") // withdrawn
	// A stale document only a rebuild removes.
	if err := x.Upsert(ctx, search.Document{ID: "orphan", Headline: "first"}); err != nil {
		t.Fatal(err)
	}

	var seen []int
	src.OnAll = func(id string) {
		switch id {
		case "p0600", "p1199":
			// Halfway and at the end: the live index still answers with the old
			// generation, completely.
			res, err := x.Search(ctx, search.Query{Q: "first", Limit: 1})
			if err != nil {
				t.Error(err)
				return
			}
			seen = append(seen, res.Total)
		case "p0700":
			src.Set("p0001", "third") // edited during the rebuild
			if err := x.Delete(ctx, "p0002"); err != nil {
				t.Error(err)
			}
			src.Set("p0002", "") // withdrawn during the rebuild, deleted at once
		}
	}
	n, err := ix.Rebuild(ctx)
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if n != 1199 {
		t.Errorf("got %d upserted, want 1199", n)
	}
	if want := []int{1201, 1200}; !slices.Equal(seen, want) {
		t.Errorf("during the rebuild: got %v old documents, want %v", seen, want)
	}
	if got := readCurrent(t, dir); got != "gen-2\n" {
		t.Errorf("got CURRENT %q, want gen-2", got)
	}
	got := headlinesOf(t, x)
	if got["p0001"] != "second" || len(got) != 1198 {
		t.Errorf("after the rebuild: got %d documents, p0001 %q, want 1198 and p0001 second (synced next)", len(got), got["p0001"])
	}
	if _, ok := got["p0002"]; ok {
		t.Error("after the rebuild: got p0002, want it deleted (withdrawn during the rebuild)")
	}
	if _, ok := got["orphan"]; ok {
		t.Error("after the rebuild: got the orphan, want it gone")
	}
	if got, want := src.PendingIDs(t), []string{"p0001", "p0002"}; !slices.Equal(got, want) {
		t.Errorf("got pending %v, want %v", got, want)
	}
	if _, err := ix.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if d, err := search.Check(ctx, src, x); err != nil || !d.InSync() {
		t.Errorf("after the next sync: got drift %+v, %v, want none", d, err)
	}
	if d, _ := x.Get(ctx, "p0001"); d == nil || !strings.Contains(d.Headline, "third") {
		t.Errorf("got p0001 %+v, want the third version", d)
	}
}
