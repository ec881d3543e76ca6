package notify

import (
	"context"
	"fmt"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/mongostore"
)

func TestIntegrationSendManyFansOutOnceToEach(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	s := New(db, Config{SingleProcess: true, Pacer: &mongostore.Pacer{Share: 0.5}})
	audience := []string{}
	for i := range 7 {
		audience = append(audience, fmt.Sprintf("u_%d", i))
	}
	m := Message{ID: "program.registration:c1", Type: TypeProgramRegistration, Args: map[string]any{"program": "Cohort 1"}, Link: "/programs/c1"}
	if err := s.SendMany(ctx, audience, m); err != nil {
		t.Fatalf("SendMany: %v", err)
	}
	// Queued, not given yet: the caller does not wait for the audience.
	if n, _ := s.Unread(ctx, "u_0"); n != 0 {
		t.Fatalf("before the fan-out: u_0 has %d unread, want 0", n)
	}
	// u_3 erases their account before the fan-out reaches them.
	if err := s.Erase(ctx, "u_3"); err != nil {
		t.Fatal(err)
	}
	lease := mongostore.NewLease(db, "fanout", "me", time.Minute)
	f := s.NewFanOut(FanOutConfig{Lease: lease, Step: 3})
	got, err := f.Drain(ctx)
	if err != nil || got != 6 {
		t.Fatalf("Drain = %d, %v; want 6 given", got, err)
	}
	// The event again (a retried phase change) and another drain: nobody
	// gets it twice.
	if err := s.SendMany(ctx, audience[:2], m); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range audience {
		items, _, err := s.Inbox(ctx, &otm.Principal{UserID: u})
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if u == "u_3" {
			want = 0
		}
		if len(items) != want {
			t.Errorf("%s: got %d messages, want %d", u, len(items), want)
			continue
		}
		if want == 1 && (items[0].ID != m.ID || items[0].Link != m.Link || items[0].Args["program"] != "Cohort 1") {
			t.Errorf("%s: got %+v, want the registration message", u, items[0])
		}
	}
	if n, err := s.fanout.CountDocuments(ctx, map[string]any{}); err != nil || n != 0 {
		t.Errorf("jobs left after the fan-out: %d, %v; want 0", n, err)
	}
	// Another replica holds the lease: this one gives nothing.
	other := mongostore.NewLease(db, "fanout", "other", time.Minute)
	if err := lease.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := other.Acquire(ctx); !ok || err != nil {
		t.Fatalf("other.Acquire = %v, %v", ok, err)
	}
	if err := s.SendMany(ctx, []string{"u_late"}, Message{ID: "m2", Type: TypeProgramRegistration, Link: "/"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Unread(ctx, "u_late"); n != 0 {
		t.Errorf("while another replica holds the lease: u_late has %d unread, want 0", n)
	}
}

func TestSendManyRefusesAMessageWithoutID(t *testing.T) {
	s := New(testenv.DB(t), Config{})
	if err := s.SendMany(context.Background(), []string{"u_1"}, Message{Type: TypeProgramRegistration}); err == nil {
		t.Error("SendMany without an id: got nil, want an error")
	}
}
