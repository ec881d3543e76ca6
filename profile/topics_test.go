package profile

import (
	"context"
	"slices"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
)

// TestIntegrationTopicsAcrossReplicas: two replicas over one database; a
// topic an admin adds or renames on one is accepted and shown by the other
// within seconds (its refresh), without a restart.
func TestIntegrationTopicsAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	replicas := make([]*Service, 2)
	for i := range replicas {
		replicas[i] = NewService(db, Config{})
		if err := replicas[i].Init(ctx); err != nil {
			t.Fatal(err)
		}
	}
	a, b := replicas[0], replicas[1]
	known := func(s *Service, id string) bool {
		var fe otm.Problems
		s.CheckTopics(&fe, []string{id}, true)
		return fe.Err("x") == nil
	}
	admin := &otm.Principal{UserID: "u_admin", Roles: []string{otm.RoleAdmin}}
	if err := a.PutTopic(ctx, admin, Topic{ID: "quantum", LabelEN: "Quantum computing", LabelDE: "Quantencomputing", Order: 20}); err != nil {
		t.Fatal(err)
	}
	if !known(a, "quantum") {
		t.Fatal("replica A: its own new topic is refused")
	}
	if known(b, "quantum") {
		t.Fatal("replica B knows the topic before any refresh: the test proves nothing")
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); b.RunTopicRefresh(rctx, 20*time.Millisecond) }()
	t.Cleanup(func() { cancel(); <-done })
	testenv.WaitFor(t, "replica B accepts the new topic", func() bool { return known(b, "quantum") })

	// A rename on B reaches A the same way.
	if err := b.PutTopic(ctx, admin, Topic{ID: "quantum", LabelEN: "Quantum & future computing", LabelDE: "Quantencomputing", Order: 20}); err != nil {
		t.Fatal(err)
	}
	if changed, err := a.RefreshTopics(ctx); err != nil || !changed {
		t.Fatalf("replica A refresh after B's rename: changed %v, %v; want true", changed, err)
	}
	i := slices.IndexFunc(a.Topics(), func(x Topic) bool { return x.ID == "quantum" })
	if i < 0 || a.Topics()[i].LabelEN != "Quantum & future computing" {
		t.Errorf("replica A after refresh: got %+v, want the new label", a.Topics())
	}
	// Nothing changed: a refresh reloads nothing.
	if changed, err := a.RefreshTopics(ctx); err != nil || changed {
		t.Errorf("a second refresh: changed %v, %v; want false", changed, err)
	}
}
