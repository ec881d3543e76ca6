package report

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/tandem"
)

// TestReportCacheFollowsEveryWrite: with the cache on, a report is served
// again only while nothing it read has changed and for at most a minute; a
// feedback, a tandem or a program change shows at once; a caller changing
// its copy changes nothing.
func TestReportCacheFollowsEveryWrite(t *testing.T) {
	e, cura := reportScenario(t)
	if _, ok := mongostore.WriteGeneration(e.db); !ok {
		t.Skip("against MongoDB the report is not cached")
	}
	e.s.CacheIn(e.db)
	ctx := context.Background()
	report := func(t *testing.T) *Report {
		t.Helper()
		r, err := e.s.ProgramReport(ctx, cura, "spring")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := report(t)
	first.Satisfaction.Texts = nil // a caller's change
	e.now = e.now.Add(10 * time.Second)
	again := report(t)
	if !again.GeneratedAt.Equal(first.GeneratedAt) || len(again.Satisfaction.Texts) == 0 {
		t.Fatalf("10 s later, nothing changed: got a report generated at %v with %d texts, want the cached one of %v with its texts",
			again.GeneratedAt, len(again.Satisfaction.Texts), first.GeneratedAt)
	}
	fresh := NewService(e.profiles, e.programs, e.tandems, func() time.Time { return e.now })
	fresh.SetMinGroup(1)
	want, err := fresh.ProgramReport(ctx, cura, "spring")
	if err != nil {
		t.Fatal(err)
	}
	again.GeneratedAt = want.GeneratedAt
	if !reflect.DeepEqual(again, want) {
		t.Fatalf("cached report differs from a fresh one:\n got %+v\nwant %+v", again, want)
	}

	steps := []struct {
		name  string
		do    func()
		check func(r *Report) bool
	}{
		{"a new tandem", func() { e.tandem(t, "t_new", "spring", "neu", "neuer", tandem.TandemProposed, false, "") },
			func(r *Report) bool { return r.Tandems.Proposed == want.Tandems.Proposed+1 }},
		{"a minute later", func() { e.now = e.now.Add(cacheFor) },
			func(r *Report) bool { return r.GeneratedAt.Equal(e.now) }},
	}
	for _, st := range steps {
		before := report(t)
		st.do()
		if got := report(t); !st.check(got) {
			t.Errorf("%s: got %+v (before: %+v)", st.name, got.Tandems, before.Tandems)
		}
	}
}
