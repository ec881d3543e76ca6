package mongostore_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/mongostore"
)

// TestPendingKeepsAMarkThatALaterWriteRenewed walks the protocol: a mark is
// removed only by Done with its latest generation, so a write that marked
// the document again while an earlier delivery finished stays visible to the
// sweep; marks of another kind are not swept.
func TestPendingKeepsAMarkThatALaterWriteRenewed(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	clk := testenv.NewClock(time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC))
	p := mongostore.NewPending(db, "tandems")
	other := mongostore.NewPending(db, "users")
	p.Now, other.Now = clk.Now, clk.Now
	if _, err := other.Mark(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	sweep := func(t *testing.T, owed map[string]bool, fail string) []string {
		t.Helper()
		var seen []string
		_, err := p.Sweep(ctx, func(_ context.Context, id string) (bool, error) {
			seen = append(seen, id)
			if id == fail {
				return false, errors.New("inbox down")
			}
			return owed[id], nil
		})
		if (err != nil) != (fail != "") {
			t.Fatalf("Sweep: err %v, want an error: %v", err, fail != "")
		}
		slices.Sort(seen)
		return seen
	}

	n1, err := p.Mark(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	n2, err := p.Mark(ctx, "t1") // a second write before the first delivery ended
	if err != nil {
		t.Fatal(err)
	}
	if n2 <= n1 {
		t.Fatalf("generations: got %d then %d, want increasing", n1, n2)
	}
	if _, err := p.Mark(ctx, "t2"); err != nil {
		t.Fatal(err)
	}
	// The first writer's delivery ends: its Done must not remove the mark.
	if err := p.Done(ctx, "t1", n1); err != nil {
		t.Fatal(err)
	}
	if got, want := sweep(t, map[string]bool{"t1": true}, "t2"), []string{"t1", "t2"}; !slices.Equal(got, want) {
		t.Fatalf("first sweep saw %v, want %v", got, want)
	}
	// t1 was delivered and is done; t2 failed and stays. Now it owes
	// nothing, but its mark is fresh: the write that made it may still be
	// on its way, so it stays until PendingGrace has passed.
	for i, advance := range []time.Duration{0, mongostore.PendingGrace} {
		clk.Add(advance)
		if got, want := sweep(t, nil, ""), []string{"t2"}; !slices.Equal(got, want) {
			t.Errorf("sweep %d saw %v, want %v", i+2, got, want)
		}
	}
	if got := sweep(t, nil, ""); len(got) != 0 {
		t.Errorf("last sweep saw %v, want nothing", got)
	}
	// Done with the latest generation, and Drop, remove a mark at once.
	n, err := p.Mark(ctx, "t3")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Done(ctx, "t3", n); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Mark(ctx, "t4"); err != nil {
		t.Fatal(err)
	}
	if err := p.Drop(ctx, "t4"); err != nil {
		t.Fatal(err)
	}
	// A write without notes marks nothing.
	if n, err := p.MarkIf(ctx, "t5", 0); err != nil || n != 0 {
		t.Fatalf("MarkIf without notes: got %d, %v; want 0", n, err)
	}
	if got := sweep(t, nil, ""); len(got) != 0 {
		t.Errorf("after Done and Drop the sweep saw %v, want nothing", got)
	}
	// The other kind's mark is untouched.
	var users []string
	if _, err := other.Sweep(ctx, func(_ context.Context, id string) (bool, error) { users = append(users, id); return false, nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(users, []string{"u1"}) {
		t.Errorf("the users' sweep saw %v, want [u1]", users)
	}
}
