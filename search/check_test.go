package search_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/search"
)

// noLister hides the IDLister of an index.
type noLister struct{ search.Index }

func TestCheck(t *testing.T) {
	ctx := context.Background()
	src, idx := newFakeSource(), newFakeIndex()
	x := search.NewIndexer(src, idx, nil)
	at := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	full := func(headline string) *search.Document {
		return &search.Document{Name: "Mentor", Headline: headline, Topics: []string{"ai"}, PublishedAt: at}
	}
	for _, id := range []string{"ok", "missing", "stale", "withdrawn", "never", "zone"} {
		src.set(id, full(id))
	}
	src.set("bad id", full("BAD"))
	mustSync(t, x, 7)
	if d, err := search.Check(ctx, src, idx); err != nil || !d.InSync() || d.Checked != 7 {
		t.Fatalf("in sync: got %+v, %v, want no drift and 7 checked", d, err)
	}

	src.set("never", nil)
	src.set("withdrawn", nil)
	idx.mu.Lock()
	delete(idx.docs, "missing")
	idx.docs["stale"] = *full("old headline")
	idx.docs["gone"] = search.Document{ID: "gone", Headline: "erased account"}
	delete(idx.docs, "never")
	// What an engine keeps of the same content: another time zone, an empty list
	// for a nil one.
	z := idx.docs["zone"]
	z.PublishedAt = at.In(time.FixedZone("CET", 3600))
	z.Skills = []string{}
	idx.docs["zone"] = z
	idx.mu.Unlock()

	want := search.Drift{
		Missing: []string{"missing"},
		Stale:   []string{"stale"},
		Orphans: []string{"gone", "withdrawn"},
		Checked: 7,
	}
	d, err := search.Check(ctx, src, idx)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	checkDrift(t, d, want)
	if d.InSync() {
		t.Error("got InSync true, want false")
	}

	// Without IDLister only profiles the database knows are found as orphans.
	d, err = search.Check(ctx, src, noLister{idx})
	if err != nil {
		t.Fatalf("Check without IDLister: %v", err)
	}
	want.Orphans = []string{"withdrawn"}
	checkDrift(t, d, want)

	if d, err = x.Check(ctx); err != nil {
		t.Fatalf("Indexer.Check: %v", err)
	}
	if d.InSync() {
		t.Error("Indexer.Check: got no drift, want some")
	}
	if _, err := x.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if d, err := search.Check(ctx, src, idx); err != nil || !d.InSync() {
		t.Errorf("after Rebuild: got %+v, %v, want no drift", d, err)
	}

	idx.failing.Store(true)
	if _, err := search.Check(ctx, src, idx); !errors.Is(err, errDown) {
		t.Errorf("engine down: got %v, want %v", err, errDown)
	}
}

func checkDrift(tb testing.TB, got, want search.Drift) {
	tb.Helper()
	if !slices.Equal(got.Missing, want.Missing) {
		tb.Errorf("Missing: got %v, want %v", got.Missing, want.Missing)
	}
	if !slices.Equal(got.Stale, want.Stale) {
		tb.Errorf("Stale: got %v, want %v", got.Stale, want.Stale)
	}
	if !slices.Equal(got.Orphans, want.Orphans) {
		tb.Errorf("Orphans: got %v, want %v", got.Orphans, want.Orphans)
	}
	if got.Checked != want.Checked {
		tb.Errorf("Checked: got %d, want %d", got.Checked, want.Checked)
	}
}
