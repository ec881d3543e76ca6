package profile

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/bleve"
)

// TestIntegrationRebuildWhileAnotherReplicaWrites: replica A rebuilds the
// index while replica B erases people and publishes a profile. A holds the
// indexer's lease, so B's indexer stands by and its changes wait in the
// outbox; once A is done, B's sync applies them. Nothing B wrote is lost,
// and no erased profile comes back, whatever the interleaving.
func TestIntegrationRebuildWhileAnotherReplicaWrites(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	idx, err := bleve.OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	a, b := NewService(db, Config{Index: idx}), NewService(db, Config{Index: idx})
	for _, s := range []*Service{a, b} {
		if err := s.Init(ctx); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	public := func(i int) *Profile {
		c := Content{Headline: fmt.Sprintf("Digital native %d", i), Topics: []string{"digital-skills"}, Languages: []string{"de"}, Country: "DE"}
		pub := c
		return &Profile{ID: ProfileIDFor(fmt.Sprintf("u_%03d", i)), OwnerID: fmt.Sprintf("u_%03d", i), Name: fmt.Sprintf("Mentor %d", i),
			Status: StatusApproved, Comments: []Comment{}, Draft: c, Published: &pub, Version: 1, PublishedAt: &now, CreatedAt: now, UpdatedAt: now}
	}
	for i := range 40 {
		if err := a.store.insert(ctx, public(i)); err != nil {
			t.Fatal(err)
		}
	}
	indexer := func(s *Service, holder string) *search.Indexer {
		x := search.NewIndexer(s.IndexSource(), idx, nil)
		x.Lease = mongostore.NewLease(db, "search-indexer", holder, time.Minute)
		return x
	}
	xa, xb := indexer(a, "replica-a"), indexer(b, "replica-b")
	if _, err := xa.Rebuild(ctx); err != nil {
		t.Fatalf("first rebuild: %v", err)
	}

	erased := []string{"u_010", "u_020", "u_039"}
	fresh := public(500)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // replica A rebuilds…
		defer wg.Done()
		if _, err := xa.Rebuild(ctx); err != nil {
			t.Errorf("rebuild on A: %v", err)
		}
	}()
	go func() { // …while replica B writes
		defer wg.Done()
		for _, u := range erased {
			if err := b.EraseUser(ctx, u); err != nil {
				t.Errorf("erase %s on B: %v", u, err)
			}
		}
		if err := b.store.insert(ctx, fresh); err != nil {
			t.Errorf("insert on B: %v", err)
		}
		if err := b.store.putOutbox(ctx, fresh.ID, fresh.Version); err != nil {
			t.Errorf("outbox on B: %v", err)
		}
		if _, err := xb.SyncOnce(ctx); err != nil && !errors.Is(err, search.ErrNotLeaseHolder) {
			t.Errorf("sync on B: %v", err)
		}
	}()
	wg.Wait()
	// A stops (or its lease runs out); B takes over and catches up.
	if err := xa.Lease.(*mongostore.Lease).Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := xb.SyncOnce(ctx); err != nil {
		t.Fatalf("sync on B after the rebuild: %v", err)
	}
	drift, err := xb.Check(ctx)
	if err != nil || !drift.InSync() {
		t.Fatalf("index against database: %+v, %v; want in sync", drift, err)
	}
	for _, u := range erased {
		if _, err := idx.Get(ctx, ProfileIDFor(u)); otm.ErrorCode(err) != otm.ENOTFOUND {
			t.Errorf("erased %s: Get = %v, want ENOTFOUND (never back)", u, err)
		}
	}
	if _, err := idx.Get(ctx, fresh.ID); err != nil {
		t.Errorf("B's new profile: Get = %v, want it in the index", err)
	}
	if n, err := idx.Count(ctx); err != nil || n != 38 {
		t.Errorf("documents: got %d, %v; want 38 (40 − 3 erased + 1 new)", n, err)
	}
}
