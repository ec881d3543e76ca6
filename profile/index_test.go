package profile

import (
	"context"
	"sync"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/search"
)

// mapIndex is a minimal search.Index for sync tests.
type mapIndex struct {
	mu   sync.Mutex
	docs map[string]search.Document
}

func (m *mapIndex) Upsert(_ context.Context, docs ...search.Document) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range docs {
		m.docs[d.ID] = d
	}
	return nil
}
func (m *mapIndex) Delete(_ context.Context, ids ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		delete(m.docs, id)
	}
	return nil
}
func (m *mapIndex) Get(_ context.Context, id string) (*search.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.docs[id]
	if !ok {
		return nil, otm.Errorf(otm.ENOTFOUND, "not found")
	}
	return &d, nil
}
func (m *mapIndex) Search(context.Context, search.Query) (*search.Result, error) {
	return &search.Result{}, nil
}
func (m *mapIndex) Count(context.Context) (int, error) { return len(m.docs), nil }
func (m *mapIndex) Ping(context.Context) error         { return nil }
func (m *mapIndex) Close() error                       { return nil }

// TestIntegrationErasureBeatsStaleSync replays the race a reviewer found: the
// indexer reads a public profile, the owner erases their account, the indexer
// writes its stale copy back. The next sync must remove it again.
func TestIntegrationErasureBeatsStaleSync(t *testing.T) {
	for _, action := range []string{"erase", "withdraw"} {
		t.Run(action, func(t *testing.T) {
			ctx := context.Background()
			idx := &mapIndex{docs: map[string]search.Document{}}
			s := NewService(testenv.DB(t), Config{Index: idx, CacheProfiles: true})
			if err := s.Init(ctx); err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			p := &Profile{ID: ProfileIDFor("u_ada"), OwnerID: "u_ada", Name: "Ada", Status: StatusApproved, Comments: []Comment{},
				Draft:     Content{Headline: "Data analyst", Topics: []string{"digital-skills"}, Languages: []string{"de"}, Country: "DE"},
				Published: &Content{Headline: "Data analyst", Topics: []string{"digital-skills"}, Languages: []string{"de"}, Country: "DE"},
				Version:   1, PublishedAt: &now}
			if err := s.store.insert(ctx, p); err != nil {
				t.Fatal(err)
			}
			src := s.IndexSource()
			stale, err := src.Pending(ctx, 10) // the indexer reads the public version…
			if err != nil || len(stale) != 1 || stale[0].Doc == nil {
				t.Fatalf("pending: got %+v, %v", stale, err)
			}
			switch action { // …the owner acts…
			case "erase":
				err = s.EraseUser(ctx, "u_ada")
			case "withdraw":
				_, err = s.WithdrawProfile(ctx, &otm.Principal{UserID: "u_ada", Name: "Ada"})
			}
			if err != nil {
				t.Fatal(err)
			}
			// …and the indexer writes what it read.
			if err := idx.Upsert(ctx, *stale[0].Doc); err != nil {
				t.Fatal(err)
			}
			if err := src.MarkIndexed(ctx, stale[0].ID, stale[0].Version); err != nil {
				t.Fatal(err)
			}
			if _, err := search.NewIndexer(src, idx, nil).SyncOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := idx.Get(ctx, p.ID); otm.ErrorCode(err) != otm.ENOTFOUND {
				t.Errorf("after %s and a stale write-back: the profile is still in the index (%v)", action, err)
			}
		})
	}
}
