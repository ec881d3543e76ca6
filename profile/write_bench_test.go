package profile

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/internal/testenv"
)

// BenchmarkVersionedWrite times the write every profile change makes (a
// $set conditional on the version) with OTM_BENCH_PROFILES profiles in the
// database (default 2,000), in both modes: "filter" puts the version into
// the filter (MongoDB's way), "lock" checks it in the process and writes by
// _id (the embedded database's way). On the embedded database the first
// reads the whole collection per write.
//
//	OTM_BENCH_PROFILES=20000 go test -run '^$' -bench VersionedWrite -benchtime 20x ./profile/
func BenchmarkVersionedWrite(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("OTM_BENCH_PROFILES")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	db := testenv.DB(b)
	now := time.Now().UTC()
	seed := NewService(db, Config{})
	docs := make([]any, 0, 1000)
	for i := range n {
		c := Content{Headline: fmt.Sprintf("Digital native %d", i), Topics: []string{"digital-skills"}, Languages: []string{"de"}, Country: "DE"}
		docs = append(docs, &Profile{ID: ProfileIDFor(fmt.Sprintf("u_%06d", i)), OwnerID: fmt.Sprintf("u_%06d", i), Name: "Mentor", Status: StatusApproved,
			Comments: []Comment{}, Draft: c, Published: &c, Version: 1, CreatedAt: now, UpdatedAt: now})
		if len(docs) == cap(docs) || i == n-1 {
			if _, err := seed.store.profiles.InsertMany(ctx, docs); err != nil {
				b.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	if _, err := testenv.Store(b).IndexIDs(ctx); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name   string
		single bool
	}{{"filter", false}, {"lock", true}} {
		b.Run(mode.name, func(b *testing.B) {
			s := NewService(db, Config{CacheProfiles: mode.single})
			id := ProfileIDFor(fmt.Sprintf("u_%06d", n-1)) // the last one: a scan reads everything before it
			for b.Loop() {
				cur, err := s.store.get(ctx, id)
				if err != nil {
					b.Fatal(err)
				}
				upd := copyProfile(cur)
				upd.UpdatedAt = time.Now().UTC()
				if err := s.store.replace(ctx, upd, cur.Version); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
