package notify

import (
	"context"
	"fmt"
	"sync"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
)

func TestIntegrationInbox(t *testing.T) {
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) { testInbox(t, w.cfg) })
	}
}

func testInbox(t *testing.T, cfg Config) {
	ctx := context.Background()
	s := New(testenv.DB(t), cfg)
	ada := &otm.Principal{UserID: "u_ada"}
	if items, n, err := s.Inbox(ctx, ada); err != nil || len(items) != 0 || n != 0 {
		t.Fatalf("empty inbox: got %v %d %v", items, n, err)
	}
	for i := range 3 {
		if err := s.Send(ctx, ada.UserID, Message{ID: fmt.Sprintf("k%d", i), Type: TypeTandemProposed, Link: "/tandems"}); err != nil {
			t.Fatal(err)
		}
	}
	// The same event again: still one message.
	if err := s.Send(ctx, ada.UserID, Message{ID: "k1", Type: TypeTandemProposed, Link: "/tandems"}); err != nil {
		t.Fatal(err)
	}
	items, n, _ := s.Inbox(ctx, ada)
	if len(items) != 3 || n != 3 || items[0].ID != "k2" {
		t.Fatalf("inbox: got %d items (%v), %d unread; want 3, newest first", len(items), items, n)
	}
	if left, err := s.MarkRead(ctx, ada, []string{"k0", "nope"}, false); err != nil || left != 2 {
		t.Errorf("mark one read: got %d %v, want 2 unread", left, err)
	}
	if left, err := s.MarkRead(ctx, ada, nil, true); err != nil || left != 0 {
		t.Errorf("mark all read: got %d %v, want 0", left, err)
	}
	if n, _ := s.Unread(ctx, ada.UserID); n != 0 {
		t.Errorf("unread after all: got %d", n)
	}
	tests := []struct {
		name string
		p    *otm.Principal
		ids  []string
		all  bool
		code string
	}{
		{"visitor", nil, []string{"k0"}, false, otm.EUNAUTHORIZED},
		{"nothing named", ada, nil, false, otm.EINVALID},
	}
	for _, tt := range tests {
		if _, err := s.MarkRead(ctx, tt.p, tt.ids, tt.all); otm.ErrorCode(err) != tt.code {
			t.Errorf("%s: got %v, want %s", tt.name, err, tt.code)
		}
	}
	// Another person's inbox is theirs alone.
	if items, _, _ := s.Inbox(ctx, &otm.Principal{UserID: "u_bob"}); len(items) != 0 {
		t.Errorf("Bob's inbox: got %v, want empty", items)
	}
	if err := s.Erase(ctx, ada.UserID); err != nil {
		t.Fatal(err)
	}
	if items, _, _ := s.Inbox(ctx, ada); len(items) != 0 {
		t.Errorf("after erasure: got %v", items)
	}
}

// writers are the two ways an inbox is written: version checks (several
// replicas) and the process's lock (the embedded database).
var writers = []struct {
	name string
	cfg  Config
}{{"replicas", Config{}}, {"single process", Config{SingleProcess: true}}}

func TestIntegrationInboxConcurrentAndCapped(t *testing.T) {
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) { testInboxConcurrentAndCapped(t, w.cfg) })
	}
}

func testInboxConcurrentAndCapped(t *testing.T, cfg Config) {
	ctx := context.Background()
	s := New(testenv.DB(t), cfg)
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Send(ctx, "u_x", Message{ID: fmt.Sprintf("c%d", i), Type: TypeRoleGranted}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n, _ := s.Unread(ctx, "u_x"); n != 12 {
		t.Errorf("after 12 concurrent sends: got %d unread, want 12", n)
	}
	for i := range MaxKept {
		if err := s.Send(ctx, "u_x", Message{ID: fmt.Sprintf("m%d", i), Type: TypeRoleGranted}); err != nil {
			t.Fatal(err)
		}
	}
	items, n, _ := s.Inbox(ctx, &otm.Principal{UserID: "u_x"})
	if len(items) != MaxKept || n != MaxKept || items[0].ID != fmt.Sprintf("m%d", MaxKept-1) {
		t.Errorf("capped: got %d items, %d unread, newest %q", len(items), n, items[0].ID)
	}
}
