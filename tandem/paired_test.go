package tandem

import (
	"context"
	"maps"
	"slices"
	"testing"
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
		if !e.s.store.reserve(ctx, "request:"+id, 1) {
			t.Fatalf("reserve %s", id)
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
