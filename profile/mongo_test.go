package profile

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
)

func mustStore(t *testing.T, cache bool) *mongoStore {
	t.Helper()
	st := newMongoStore(testenv.DB(t))
	st.cacheOn = cache
	if err := st.ensureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestIntegrationCommentSurvivesConcurrentWrite(t *testing.T) {
	for _, cache := range []bool{false, true} {
		st := mustStore(t, cache)
		ctx := context.Background()
		p := &Profile{ID: "mp_x", OwnerID: "u_x", Status: StatusSubmitted, Comments: []Comment{}, Version: 1, CreatedAt: time.Now()}
		if err := st.insert(ctx, p); err != nil {
			t.Fatal(err)
		}
		stale, err := st.get(ctx, "mp_x") // a writer reads…
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.addComment(ctx, "mp_x", Comment{ID: "c1", Text: "note"}); err != nil { // …a curator comments…
			t.Fatal(err)
		}
		stale.Status = StatusApproved
		if err := st.replace(ctx, stale, stale.Version); err != nil { // …the writer writes what it read
			t.Fatalf("cache=%v replace: %v", cache, err)
		}
		got, err := st.get(ctx, "mp_x")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Comments) != 1 || got.Status != StatusApproved {
			t.Errorf("cache=%v: got %d comments, status %s; want the comment kept and the write applied", cache, len(got.Comments), got.Status)
		}
		st.forget("mp_x")
		fromDB, _ := st.get(ctx, "mp_x")
		if len(fromDB.Comments) != 1 {
			t.Errorf("cache=%v: database has %d comments, want 1", cache, len(fromDB.Comments))
		}
	}
}

func TestIntegrationCacheKeepsNewestAndForgetsErased(t *testing.T) {
	st := mustStore(t, true)
	ctx := context.Background()
	p := &Profile{ID: "mp_y", OwnerID: "u_y", Status: StatusDraft, Comments: []Comment{}, Version: 1}
	if err := st.insert(ctx, p); err != nil {
		t.Fatal(err)
	}
	old := copyProfile(p)
	p2 := copyProfile(p)
	p2.Status = StatusSubmitted
	if err := st.replace(ctx, p2, 1); err != nil {
		t.Fatal(err)
	}
	st.remember(old) // a read that raced the write
	if got, _ := st.get(ctx, "mp_y"); got.Version != 2 {
		t.Errorf("cache after a racing older read: version %d, want 2", got.Version)
	}
	if err := st.erase(ctx, "mp_y"); err != nil {
		t.Fatal(err)
	}
	st.remember(p2) // a read that raced the erasure
	if _, err := st.get(ctx, "mp_y"); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("erased profile: got %v, want ENOTFOUND", err)
	}
	// The erasure leaves a tombstone for the indexer.
	pend, err := st.pendingOutbox(ctx, 10)
	if err != nil || len(pend) != 1 || pend[0].Version != tombstoneVersion {
		t.Errorf("outbox after erasure: got %+v, %v; want one tombstone", pend, err)
	}
	// Applying anew after erasure works.
	if err := st.insert(ctx, &Profile{ID: "mp_y", OwnerID: "u_y", Status: StatusDraft, Comments: []Comment{}, Version: 1}); err != nil {
		t.Fatalf("insert after erase: %v", err)
	}
	if _, err := st.get(ctx, "mp_y"); err != nil {
		t.Errorf("profile after re-applying: %v", err)
	}
}

func TestIntegrationEmailsOf(t *testing.T) {
	for _, cache := range []bool{false, true} {
		t.Run(fmt.Sprintf("cache=%v", cache), func(t *testing.T) {
			st := mustStore(t, cache)
			ctx := context.Background()
			var ids []string
			for i := range fewReads + 4 {
				p := &Profile{ID: fmt.Sprintf("mp_%02d", i), OwnerID: fmt.Sprintf("u_%02d", i), Email: fmt.Sprintf("m%02d@x.example", i),
					Status: StatusDraft, Comments: []Comment{}, Version: 1}
				if err := st.insert(ctx, p); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, p.ID)
			}
			for _, n := range []int{3, len(ids)} { // one by one, and in one query
				st.mu.Lock()
				st.cache = map[string]*Profile{}
				st.mu.Unlock()
				got, err := st.emailsOf(ctx, append(slices.Clone(ids[:n]), "mp_gone"))
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != n || got[ids[n-1]] != fmt.Sprintf("m%02d@x.example", n-1) {
					t.Errorf("%d ids: got %v", n, got)
				}
			}
		})
	}
}
