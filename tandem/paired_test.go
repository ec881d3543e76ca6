package tandem

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/tandem/slot"
)

// TestIntegrationPairedRequestsInScope: a curator learns which requests are
// paired in their own programs only.
func TestIntegrationPairedRequestsInScope(t *testing.T) {
	ctx := context.Background()
	e := newEvalEnv(t)
	e.program(t, "spring", "matching", "cora@example.com")
	e.program(t, "autumn", "matching", "otto@example.com")
	for _, r := range []struct{ id, program string }{{"mr_a", "spring"}, {"mr_b", "spring"}, {"mr_c", "autumn"}} {
		if err := e.s.store.insertRequest(ctx, &MenteeRequest{ID: r.id, ProgramID: r.program, OwnerID: "u_" + r.id, Status: RequestSubmitted}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"mr_a", "mr_c"} { // paired: a slot taken
		if ok, err := e.s.slots.Reserve(ctx, "request:"+id, 1); !ok || err != nil {
			t.Fatalf("reserve %s: %v, %v", id, ok, err)
		}
	}
	tests := []struct {
		who  string
		want []string
	}{
		{"cora", []string{"mr_a"}},
		{"otto", []string{"mr_c"}},
	}
	for _, tt := range tests {
		got, err := e.s.PairedRequests(ctx, user(tt.who, "curator"))
		if err != nil {
			t.Fatal(err)
		}
		if ids := slices.Sorted(maps.Keys(got)); !slices.Equal(ids, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.who, ids, tt.want)
		}
	}
}

// TestIntegrationReconcileSlots: counts below the proposed and running
// tandems that hold them are raised to them; ended tandems count for nothing;
// a count above is left; a second run changes nothing.
func TestIntegrationReconcileSlots(t *testing.T) {
	ctx := context.Background()
	e := newEvalEnv(t)
	e.program(t, "spring", "running")
	// Stored without their reservations: as after a lost release race.
	e.tandem(t, "t1", "spring", "ada", "kat", TandemActive, true, "")
	e.tandem(t, "t2", "spring", "ada", "lea", TandemProposed, false, "")
	e.tandem(t, "t3", "spring", "bob", "max", TandemEnded, true, "mentor")
	if ok, err := e.s.slots.Reserve(ctx, mentorSlot("mp_ada", "spring"), 5); !ok || err != nil { // one of two
		t.Fatalf("reserve: %v, %v", ok, err)
	}
	for range 2 { // a kept slot: above its tandems
		if ok, err := e.s.slots.Reserve(ctx, mentorSlot("mp_cem", "spring"), 5); !ok || err != nil {
			t.Fatalf("reserve: %v, %v", ok, err)
		}
	}
	for run, want := range []int{3, 0} {
		if n, err := e.s.ReconcileSlots(ctx); err != nil || n != want {
			t.Errorf("run %d: got %d raised, %v, want %d", run+1, n, err, want)
		}
	}
	taken, err := e.s.slots.Taken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{mentorSlot("mp_ada", "spring"): 2, "request:mr_kat_spring": 1, "request:mr_lea_spring": 1,
		mentorSlot("mp_bob", "spring"): 0, "request:mr_max_spring": 0, mentorSlot("mp_cem", "spring"): 2} {
		if taken[key] != want {
			t.Errorf("%s: got %d, want %d", key, taken[key], want)
		}
	}

	// A count above its tandems is lowered once it stood unchanged for
	// slot.Grace; a reservation meanwhile starts the wait again.
	cem, dan := mentorSlot("mp_cem", "spring"), mentorSlot("mp_dan", "spring")
	for range 2 {
		if ok, err := e.s.slots.Reserve(ctx, dan, 5); !ok || err != nil {
			t.Fatalf("reserve: %v, %v", ok, err)
		}
	}
	count := func(key string) int {
		t.Helper()
		taken, err := e.s.slots.Taken(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return taken[key]
	}
	steps := []struct {
		name     string
		advance  time.Duration
		reserve  string // a reservation before the run
		changed  int
		cem, dan int
	}{
		{"dan's count first seen high", 0, "", 0, 2, 2},
		{"within the grace", slot.Grace - time.Minute, "", 0, 2, 2},
		{"a reservation for dan", 0, dan, 0, 2, 3},
		{"cem's grace over; dan's wait started again", time.Minute, "", 1, 0, 3},
		{"dan's grace over", slot.Grace, "", 1, 0, 0},
		{"nothing left", slot.Grace, "", 0, 0, 0},
	}
	for _, st := range steps {
		e.now = e.now.Add(st.advance)
		if st.reserve != "" {
			if ok, err := e.s.slots.Reserve(ctx, st.reserve, 5); !ok || err != nil {
				t.Fatalf("%s: reserve: %v, %v", st.name, ok, err)
			}
		}
		n, err := e.s.ReconcileSlots(ctx)
		if err != nil || n != st.changed || count(cem) != st.cem || count(dan) != st.dan {
			t.Errorf("%s: got %d changed (%v), cem %d, dan %d; want %d, %d, %d", st.name, n, err, count(cem), count(dan), st.changed, st.cem, st.dan)
		}
	}
}
