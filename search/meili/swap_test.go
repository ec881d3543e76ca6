package meili

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/searchtest"
)

// headlinesOf returns the headline of every document of x by id.
func headlinesOf(t *testing.T, x *Index) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	err := x.IDs(ctx, func(id string) error {
		d, err := x.Get(ctx, id)
		if err != nil {
			return err
		}
		out[id] = d.Headline
		return nil
	})
	if err != nil {
		t.Fatalf("read the index: %v", err)
	}
	return out
}

// mentorDocs returns a document per id with the headline.
func mentorDocs(headlines map[string]string) []search.Document {
	var out []search.Document
	for _, id := range slices.Sorted(maps.Keys(headlines)) {
		out = append(out, search.Document{ID: id, Name: "Mentor " + id, Headline: headlines[id]})
	}
	return out
}

// tempIndexes returns the uids of the temporary indexes on f, sorted.
func tempIndexes(f *fakeMeili) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for uid := range f.indexes {
		if strings.Contains(uid, tempInfix) {
			out = append(out, uid)
		}
	}
	slices.Sort(out)
	return out
}

func mustBeginSwap(t *testing.T, x *Index) search.Staged {
	t.Helper()
	st, err := x.BeginSwap(context.Background())
	if err != nil {
		t.Fatalf("BeginSwap: %v", err)
	}
	return st
}

// The indexer rebuilds through a temporary index: searches see the old documents
// until the swap, live writes made meanwhile survive it and stay pending.
func TestIndexerRebuildSwaps(t *testing.T) {
	tests := []struct {
		name        string
		during      func(t *testing.T, x *Index, src *searchtest.Source) // live writes while the rebuild runs
		want        map[string]string
		wantPending []string
	}{
		{
			name: "no live writes",
			want: map[string]string{"a": "new", "b": "new", "c": "new"},
		},
		{
			name: "live delete is not undone",
			during: func(t *testing.T, x *Index, src *searchtest.Source) {
				src.Set("a", "") // withdrawn, removed from the index at once
				if err := x.Delete(context.Background(), "a"); err != nil {
					t.Error(err)
				}
			},
			want:        map[string]string{"b": "new", "c": "new"},
			wantPending: []string{"a"},
		},
		{
			name: "live delete without a database change stays pending",
			during: func(t *testing.T, x *Index, src *searchtest.Source) {
				if err := x.Delete(context.Background(), "b"); err != nil {
					t.Error(err)
				}
			},
			want:        map[string]string{"a": "new", "c": "new"},
			wantPending: []string{"b"}, // touched: the next sync writes it again
		},
		{
			name: "live upsert, then delete and upsert again",
			during: func(t *testing.T, x *Index, src *searchtest.Source) {
				ctx := context.Background()
				src.Set("b", "edited")
				if err := x.Upsert(ctx, mentorDocs(map[string]string{"b": "edited"})...); err != nil {
					t.Error(err)
				}
				if err := x.Delete(ctx, "c"); err != nil {
					t.Error(err)
				}
				if err := x.Upsert(ctx, mentorDocs(map[string]string{"c": "back"})...); err != nil {
					t.Error(err)
				}
			},
			want:        map[string]string{"a": "new", "b": "edited", "c": "back"},
			wantPending: []string{"b", "c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFake(t, testKey)
			x := openFake(t, f)
			src := searchtest.NewSource()
			for _, id := range []string{"a", "b", "c"} {
				src.Set(id, "old")
			}
			ix := search.NewIndexer(src, x, nil)
			if _, err := ix.SyncOnce(ctx); err != nil {
				t.Fatal(err)
			}
			mustUpsert(t, x, mentorDocs(map[string]string{"orphan": "old"})...) // only a rebuild removes it
			for _, id := range []string{"a", "b", "c"} {
				src.Set(id, "new")
			}
			old := map[string]string{"a": "old", "b": "old", "c": "old", "orphan": "old"}
			src.OnAll = func(id string) {
				if id != "a" {
					return
				}
				if got := headlinesOf(t, x); !maps.Equal(got, old) {
					t.Errorf("during the rebuild: got %v, want the old %v", got, old)
				}
				if got := tempIndexes(f); len(got) != 1 {
					t.Errorf("during the rebuild: got temporary indexes %v, want one", got)
				}
				if tt.during != nil {
					tt.during(t, x, src)
				}
			}

			n, err := ix.Rebuild(ctx)
			src.OnAll = nil
			if err != nil {
				t.Fatalf("Rebuild: %v", err)
			}
			if n != 3 {
				t.Errorf("got %d documents rebuilt, want 3", n)
			}
			if got := headlinesOf(t, x); !maps.Equal(got, tt.want) {
				t.Errorf("after the rebuild: got %v, want %v", got, tt.want)
			}
			if got := src.PendingIDs(t); !slices.Equal(got, tt.wantPending) {
				t.Errorf("got pending %v, want %v", got, tt.wantPending)
			}
			if got := tempIndexes(f); len(got) != 0 {
				t.Errorf("got temporary indexes %v after the rebuild, want none", got)
			}

			swaps := f.requests("POST", "/swap-indexes")
			if len(swaps) != 1 {
				t.Fatalf("got %d swap requests, want 1", len(swaps))
			}
			var body []struct {
				Indexes []string `json:"indexes"`
			}
			if err := json.Unmarshal(swaps[0].Body, &body); err != nil {
				t.Fatal(err)
			}
			if len(body) != 1 || len(body[0].Indexes) != 2 || body[0].Indexes[0] != "mentors" ||
				!strings.HasPrefix(body[0].Indexes[1], "mentors"+tempInfix) {
				t.Errorf("got swap body %s, want [{\"indexes\":[\"mentors\",\"mentors_rebuild_…\"]}]", swaps[0].Body)
			}
			if got, want := len(f.requests("DELETE", "/indexes/"+body[0].Indexes[1])), 1; got != want {
				t.Errorf("got %d deletions of the temporary index, want %d", got, want)
			}
			f.set(func(f *fakeMeili) {
				live := f.indexes["mentors"]
				if live.PrimaryKey != primaryKey || len(live.settings["rankingRules"]) == 0 {
					t.Errorf("live index after the swap: primary key %q, settings %v; want %q and Settings", live.PrimaryKey, live.settings, primaryKey)
				}
			})

			if _, err := ix.SyncOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if d, err := search.Check(ctx, src, x); err != nil || !d.InSync() {
				t.Errorf("after the next sync: got drift %+v, %v, want none", d, err)
			}
		})
	}
}

func TestBeginSwapCreatesTemporaryIndex(t *testing.T) {
	f := newFake(t, testKey)
	x := openFake(t, f)
	mustUpsert(t, x, mentorDocs(map[string]string{"a": "live"})...)
	st := mustBeginSwap(t, x)
	defer st.Abort(context.Background())
	tmp := tempIndexes(f)
	if len(tmp) != 1 {
		t.Fatalf("got temporary indexes %v, want one", tmp)
	}
	f.set(func(f *fakeMeili) {
		live, staged := f.indexes["mentors"], f.indexes[tmp[0]]
		if got, want := staged.PrimaryKey, live.PrimaryKey; got != want {
			t.Errorf("got primary key %q, want %q", got, want)
		}
		if got, want := mustJSON(t, staged.settings), mustJSON(t, live.settings); got != want {
			t.Errorf("got settings %s, want the live index's %s", got, want)
		}
		if got := len(staged.docs); got != 0 {
			t.Errorf("got %d documents in the temporary index, want none", got)
		}
	})
	if err := st.Upsert(context.Background(), search.Document{ID: "bad id"}); otm.ErrorCode(err) != otm.EINVALID {
		t.Errorf("staged Upsert of a bad id: got %v, want EINVALID", err)
	}
}

// Commit replays the last successful live write per id and returns every id
// written live.
func TestSwapJournal(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		live        func(t *testing.T, f *fakeMeili, x *Index)
		wantTouched []string
		want        map[string]string
	}{
		{
			name: "no live writes",
			live: func(t *testing.T, f *fakeMeili, x *Index) {},
			want: map[string]string{"a": "a1", "b": "b1", "c": "c1"},
		},
		{
			name: "last write wins",
			live: func(t *testing.T, f *fakeMeili, x *Index) {
				for _, err := range []error{
					x.Delete(ctx, "a"),
					x.Upsert(ctx, mentorDocs(map[string]string{"b": "b2", "d": "d1"})...),
					x.Upsert(ctx, mentorDocs(map[string]string{"e": "e1"})...),
					x.Delete(ctx, "e"),
					x.Delete(ctx, "bad id"), // cannot be in the index: not journaled
				} {
					if err != nil {
						t.Fatal(err)
					}
				}
			},
			wantTouched: []string{"a", "b", "d", "e"},
			want:        map[string]string{"b": "b2", "c": "c1", "d": "d1"},
		},
		{
			name: "failed live write is not replayed",
			live: func(t *testing.T, f *fakeMeili, x *Index) {
				f.set(func(f *fakeMeili) {
					f.failTask["documentAdditionOrUpdate"] = errBody("internal", "internal", "An internal error has occurred.")
				})
				err := x.Upsert(ctx, mentorDocs(map[string]string{"b": "b2"})...)
				wantCode(t, err, otm.EUNAVAILABLE)
				f.set(func(f *fakeMeili) { delete(f.failTask, "documentAdditionOrUpdate") })
				if err := x.Delete(ctx, "c"); err != nil {
					t.Fatal(err)
				}
			},
			wantTouched: []string{"b", "c"},
			want:        map[string]string{"a": "a1", "b": "b1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, testKey)
			x := openFake(t, f)
			state := map[string]string{"a": "a1", "b": "b1", "c": "c1"}
			mustUpsert(t, x, mentorDocs(state)...)
			st := mustBeginSwap(t, x)
			if err := st.Upsert(ctx, mentorDocs(state)...); err != nil { // read before the live writes
				t.Fatal(err)
			}
			tt.live(t, f, x)
			touched, err := st.Commit(ctx)
			if err != nil {
				t.Fatalf("Commit: %v", err)
			}
			if !slices.Equal(touched, tt.wantTouched) {
				t.Errorf("got touched %v, want %v", touched, tt.wantTouched)
			}
			if got := headlinesOf(t, x); !maps.Equal(got, tt.want) {
				t.Errorf("after Commit: got %v, want %v", got, tt.want)
			}
			// Writes after the swap are no longer journaled.
			mustUpsert(t, x, mentorDocs(map[string]string{"z": "z1"})...)
			st2 := mustBeginSwap(t, x)
			if touched, err := st2.Commit(ctx); err != nil || len(touched) != 0 {
				t.Errorf("next swap: got touched %v, %v, want none", touched, err)
			}
			if got := tempIndexes(f); len(got) != 0 {
				t.Errorf("got temporary indexes %v, want none", got)
			}
		})
	}
}

// A Commit that fails leaves the live index as it was and deletes the temporary
// index; a new rebuild may start.
func TestSwapCommitFails(t *testing.T) {
	tests := []struct {
		name     string
		setUp    func(t *testing.T, f *fakeMeili, x *Index, cancel context.CancelFunc)
		wantCode string
	}{
		{
			name: "swap task fails",
			setUp: func(t *testing.T, f *fakeMeili, x *Index, cancel context.CancelFunc) {
				f.set(func(f *fakeMeili) {
					f.failTask["indexSwap"] = errBody("internal", "internal", "An internal error has occurred: %s.", testKey)
				})
			},
			wantCode: otm.EUNAVAILABLE,
		},
		{
			name: "server before v1.18 refuses rename",
			setUp: func(t *testing.T, f *fakeMeili, x *Index, cancel context.CancelFunc) {
				f.set(func(f *fakeMeili) {
					f.override = failWith("POST", "/swap-indexes", http.StatusBadRequest, mustJSON(t,
						errBody("bad_request", "invalid_request", "Unknown field `rename` inside `[0]`: expected one of `indexes`")))
				})
			},
			wantCode: otm.EINVALID,
		},
		{
			name: "replay fails",
			setUp: func(t *testing.T, f *fakeMeili, x *Index, cancel context.CancelFunc) {
				if err := x.Delete(context.Background(), "a"); err != nil {
					t.Fatal(err)
				}
				f.set(func(f *fakeMeili) {
					f.failTask["documentDeletion"] = errBody("no_space_left_on_device", "system", "There is no more space left on the device.")
				})
			},
			wantCode: otm.EUNAVAILABLE,
		},
		{
			name:     "context canceled",
			setUp:    func(t *testing.T, f *fakeMeili, x *Index, cancel context.CancelFunc) { cancel() },
			wantCode: otm.EINTERNAL, // context.Canceled
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, testKey)
			x := openFake(t, f)
			mustUpsert(t, x, mentorDocs(map[string]string{"a": "old", "b": "old"})...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			st := mustBeginSwap(t, x)
			if err := st.Upsert(ctx, mentorDocs(map[string]string{"a": "new", "c": "new"})...); err != nil {
				t.Fatal(err)
			}
			tt.setUp(t, f, x, cancel)
			before := headlinesOf(t, x)
			touched, err := st.Commit(ctx)
			wantCode(t, err, tt.wantCode)
			if touched != nil {
				t.Errorf("got touched %v, want nil", touched)
			}
			f.set(func(f *fakeMeili) { f.failTask, f.override = map[string]*fakeErr{}, nil })
			if got := headlinesOf(t, x); !maps.Equal(got, before) {
				t.Errorf("live index after the failed Commit: got %v, want %v", got, before)
			}
			if got := tempIndexes(f); len(got) != 0 {
				t.Errorf("got temporary indexes %v, want none", got)
			}
			if err := st.Abort(context.Background()); err != nil {
				t.Errorf("Abort after a failed Commit: %v", err)
			}
			st = mustBeginSwap(t, x)
			if err := st.Abort(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A BeginSwap that cannot set the temporary index up deletes it again.
func TestBeginSwapFails(t *testing.T) {
	tests := []struct {
		name     string
		taskType string
		err      *fakeErr
		wantCode string
	}{
		{"index creation fails", "indexCreation", errBody("internal", "internal", "An internal error has occurred."), otm.EUNAVAILABLE},
		{"settings fail", "settingsUpdate", errBody("invalid_settings_ranking_rules", "invalid_request", "bad ranking rules"), otm.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, testKey)
			x := openFake(t, f)
			f.set(func(f *fakeMeili) { f.failTask[tt.taskType] = tt.err })
			st, err := x.BeginSwap(context.Background())
			wantCode(t, err, tt.wantCode)
			if st != nil {
				t.Errorf("got a Staged %v, want nil", st)
			}
			if got := tempIndexes(f); len(got) != 0 {
				t.Errorf("got temporary indexes %v, want none", got)
			}
			f.set(func(f *fakeMeili) { delete(f.failTask, tt.taskType) })
			if err := mustBeginSwap(t, x).Abort(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSwapAbort(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, testKey)
	x := openFake(t, f)
	live := map[string]string{"a": "a1"}
	mustUpsert(t, x, mentorDocs(live)...)
	st := mustBeginSwap(t, x)
	if err := st.Upsert(ctx, mentorDocs(map[string]string{"b": "b1"})...); err != nil {
		t.Fatal(err)
	}
	if err := st.Abort(ctx); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	if got := tempIndexes(f); len(got) != 0 {
		t.Errorf("got temporary indexes %v, want none", got)
	}
	if got := headlinesOf(t, x); !maps.Equal(got, live) {
		t.Errorf("got %v, want %v", got, live)
	}
	if got := len(f.requests("POST", "/swap-indexes")); got != 0 {
		t.Errorf("got %d swap requests, want none", got)
	}

	after := []struct {
		name     string
		run      func() error
		wantCode string
	}{
		{"second Abort", func() error { return st.Abort(ctx) }, ""},
		{"Commit", func() error { _, err := st.Commit(ctx); return err }, otm.ECONFLICT},
		{"Upsert", func() error { return st.Upsert(ctx, mentorDocs(live)...) }, otm.ECONFLICT},
		{"Delete", func() error { return st.Delete(ctx, "a") }, otm.ECONFLICT},
	}
	for _, tt := range after {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.run(), tt.wantCode)
		})
	}
	if got := tempIndexes(f); len(got) != 0 {
		t.Errorf("got temporary indexes %v, want none (no write recreated it)", got)
	}
	if err := mustBeginSwap(t, x).Abort(ctx); err != nil {
		t.Fatal(err)
	}
}

// A temporary index that Abort could not delete is deleted at the next BeginSwap.
func TestSwapAbortLeftover(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, testKey)
	x := openFake(t, f)
	st := mustBeginSwap(t, x)
	tmp := tempIndexes(f)
	f.set(func(f *fakeMeili) {
		f.override = failWith("DELETE", "/indexes/mentors"+tempInfix, http.StatusServiceUnavailable, "")
	})
	wantCode(t, st.Abort(ctx), otm.EUNAVAILABLE)
	if got := tempIndexes(f); !slices.Equal(got, tmp) {
		t.Fatalf("got temporary indexes %v, want %v kept", got, tmp)
	}
	f.set(func(f *fakeMeili) { f.override = nil })
	st = mustBeginSwap(t, x)
	defer st.Abort(ctx)
	if got := tempIndexes(f); len(got) != 1 || got[0] == tmp[0] {
		t.Errorf("got temporary indexes %v, want only the new one (%v deleted)", got, tmp)
	}
}

// Only one rebuild may be open at a time.
func TestBeginSwapConflict(t *testing.T) {
	tests := []struct {
		name          string
		open          bool // a rebuild is open before the callers start
		callers       int
		wantConflicts int
	}{
		{"sequential", true, 1, 1},
		{"concurrent", false, 8, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFake(t, testKey)
			x := openFake(t, f)
			var first search.Staged
			if tt.open {
				first = mustBeginSwap(t, x)
			}
			type result struct {
				st  search.Staged
				err error
			}
			results := make(chan result, tt.callers)
			for range tt.callers {
				go func() {
					st, err := x.BeginSwap(ctx)
					results <- result{st, err}
				}()
			}
			var opened []search.Staged
			if first != nil {
				opened = append(opened, first)
			}
			conflicts := 0
			for range tt.callers {
				r := <-results
				switch {
				case r.err == nil:
					opened = append(opened, r.st)
				case otm.ErrorCode(r.err) == otm.ECONFLICT:
					conflicts++
				default:
					t.Errorf("BeginSwap: got %v, want nil or ECONFLICT", r.err)
				}
			}
			if got, want := len(opened), 1; got != want {
				t.Fatalf("got %d rebuilds open, want %d", got, want)
			}
			if conflicts != tt.wantConflicts {
				t.Errorf("got %d conflicts, want %d", conflicts, tt.wantConflicts)
			}
			if got := tempIndexes(f); len(got) != 1 {
				t.Errorf("got temporary indexes %v, want one", got)
			}
			if _, err := opened[0].Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if err := mustBeginSwap(t, x).Abort(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A live write arriving while Commit replays the journal waits for the swap and goes
// to the new index.
func TestSwapLiveWriteDuringCommit(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, testKey)
	x := openFake(t, f)
	mustUpsert(t, x, mentorDocs(map[string]string{"a": "old", "b": "old"})...)
	st := mustBeginSwap(t, x)
	if err := st.Upsert(ctx, mentorDocs(map[string]string{"a": "new", "b": "new"})...); err != nil {
		t.Fatal(err)
	}
	mustUpsert(t, x, mentorDocs(map[string]string{"b": "live"})...) // journaled: Commit replays it
	done := make(chan error, 1)
	f.set(func(f *fakeMeili) {
		f.override = func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/indexes/mentors"+tempInfix) {
				f.override = nil // the replay: delete a live now
				go func() { done <- x.Delete(ctx, "a") }()
			}
			return false
		}
	})
	touched, err := st.Commit(ctx)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("live Delete during Commit: %v", err)
	}
	if want := []string{"b"}; !slices.Equal(touched, want) {
		t.Errorf("got touched %v, want %v", touched, want)
	}
	if got, want := headlinesOf(t, x), map[string]string{"b": "live"}; !maps.Equal(got, want) {
		t.Errorf("after Commit: got %v, want %v", got, want)
	}
}
