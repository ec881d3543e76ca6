package mongostore

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// writeGens counts, for the client of an embedded database (the process is
// its only writer), the write commands completed per database and
// collection, so that a cache of derived data (a program's report) can tell
// whether anything it read has changed since.
type writeGens struct {
	started sync.Map // request id → "db.collection" of a write in flight
	n       sync.Map // "db.collection", or "db." for the whole database → *atomic.Uint64
}

// gens are the counters of the embedded clients (Open).
var gens sync.Map // *mongo.Client → *writeGens

var writeCommands = map[string]bool{"insert": true, "update": true, "delete": true, "findAndModify": true,
	"drop": true, "dropDatabase": true}

// monitor returns the command monitor that counts the writes.
func (g *writeGens) monitor() *event.CommandMonitor {
	done := func(id int64) {
		if key, ok := g.started.LoadAndDelete(id); ok {
			g.counter(key.(string)).Add(1)
		}
	}
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			if os.Getenv("OTM_TRACE") != "" {
				c := ""
				if v, err := e.Command.IndexErr(0); err == nil {
					c, _ = v.Value().StringValueOK()
				}
				fmt.Fprintf(os.Stderr, "TRACE start %d %s %s\n", e.RequestID, e.CommandName, c)
			}
			if !writeCommands[e.CommandName] {
				return
			}
			coll := ""
			if e.CommandName != "dropDatabase" {
				if v, err := e.Command.IndexErr(0); err == nil {
					coll, _ = v.Value().StringValueOK()
				}
			}
			g.started.Store(e.RequestID, e.DatabaseName+"."+coll)
		},
		// A write counts once the server answered: what it changed is
		// visible to every later read.
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			if os.Getenv("OTM_TRACE") != "" {
				fmt.Fprintf(os.Stderr, "TRACE done %d %s %.2fms\n", e.RequestID, e.CommandName, float64(e.Duration.Microseconds())/1000)
			}
			done(e.RequestID)
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) { done(e.RequestID) },
	}
}

func (g *writeGens) counter(key string) *atomic.Uint64 {
	c, _ := g.n.LoadOrStore(key, new(atomic.Uint64))
	return c.(*atomic.Uint64)
}

// WriteGeneration returns a number that changes whenever a write to one of
// colls of db (or to db as a whole) has completed, and true — on the
// embedded database only. Against MongoDB other processes write too, and it
// returns false: there is no such number. Read it before reading the data
// a cache entry is derived from, and keep the entry only for that number.
func WriteGeneration(db *mongo.Database, colls ...string) (uint64, bool) {
	v, ok := gens.Load(db.Client())
	if !ok {
		return 0, false
	}
	g := v.(*writeGens)
	sum := g.counter(db.Name() + ".").Load()
	for _, c := range colls {
		sum += g.counter(db.Name() + "." + c).Load()
	}
	return sum, true
}
