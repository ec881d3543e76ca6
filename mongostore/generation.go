package mongostore

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// writeGens counts, for the client of an embedded database (the process is
// its only writer), the write commands completed per database and
// collection, so that a cache of derived data (a program's report) can tell
// whether anything it read has changed since.
type writeGens struct {
	started sync.Map // request id → *pendingWrite
	n       sync.Map // "db.collection", or "db." for the whole database → *atomic.Uint64

	mu   sync.Mutex
	logs map[string][]change // "db.collection" → its last writes (at most changeLogSize), oldest first
}

// pendingWrite is a write command in flight: its collection and the
// documents it touches (all: not known by _id).
type pendingWrite struct {
	key string
	ids []string
	all bool
}

// change is a completed write: the generation it made and what it touched.
type change struct {
	gen uint64
	ids []string
	all bool
}

// changeLogSize is how many writes per collection the log keeps (for
// Mirror: one that fell further behind reads the collection anew).
const changeLogSize = 1024

// gens are the counters of the embedded clients (Open).
var gens sync.Map // *mongo.Client → *writeGens

var writeCommands = map[string]bool{"insert": true, "update": true, "delete": true, "findAndModify": true,
	"drop": true, "dropDatabase": true}

// monitor returns the command monitor that counts the writes.
func (g *writeGens) monitor() *event.CommandMonitor {
	done := func(id int64) {
		v, ok := g.started.LoadAndDelete(id)
		if !ok {
			return
		}
		w := v.(*pendingWrite)
		g.mu.Lock()
		defer g.mu.Unlock()
		gen := g.counter(w.key).Add(1)
		if g.logs == nil {
			g.logs = map[string][]change{}
		}
		log := append(g.logs[w.key], change{gen: gen, ids: w.ids, all: w.all})
		if len(log) > changeLogSize {
			log = slices.Delete(log, 0, len(log)-changeLogSize)
		}
		g.logs[w.key] = log
	}
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			if !writeCommands[e.CommandName] {
				return
			}
			coll := ""
			if e.CommandName != "dropDatabase" {
				if v, err := e.Command.IndexErr(0); err == nil {
					coll, _ = v.Value().StringValueOK()
				}
			}
			ids, all := touched(e.CommandName, e.Command)
			g.started.Store(e.RequestID, &pendingWrite{key: e.DatabaseName + "." + coll, ids: ids, all: all})
		},
		// A write counts once the server answered: what it changed is
		// visible to every later read.
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) { done(e.RequestID) },
		Failed:    func(_ context.Context, e *event.CommandFailedEvent) { done(e.RequestID) },
	}
}

// touched returns the _ids of the documents a write command changes, or
// all when they are not named by _id (a filter on other fields, a drop).
func touched(name string, cmd bson.Raw) (ids []string, all bool) {
	var list, field string
	switch name {
	case "insert":
		list, field = "documents", ""
	case "update":
		list, field = "updates", "q"
	case "delete":
		list, field = "deletes", "q"
	case "findAndModify":
		q, ok := cmd.Lookup("query").DocumentOK()
		if !ok {
			return nil, true
		}
		return idsIn(q, nil)
	default:
		return nil, true
	}
	arr, ok := cmd.Lookup(list).ArrayOK()
	if !ok {
		return nil, true
	}
	vals, err := arr.Values()
	if err != nil {
		return nil, true
	}
	for _, v := range vals {
		d, ok := v.DocumentOK()
		if ok && field != "" {
			d, ok = d.Lookup(field).DocumentOK()
		}
		if !ok {
			return nil, true
		}
		if field == "" { // an inserted document
			id, ok := d.Lookup("_id").StringValueOK()
			if !ok {
				return nil, true
			}
			ids = append(ids, id)
			continue
		}
		if ids, all = idsIn(d, ids); all {
			return nil, true
		}
	}
	return ids, false
}

// idsIn adds to ids the _ids a filter limits itself to: {_id: "x", …} or
// {_id: {$in: ["x", "y"]}, …}; all when it does not.
func idsIn(filter bson.Raw, ids []string) ([]string, bool) {
	v := filter.Lookup("_id")
	if id, ok := v.StringValueOK(); ok {
		return append(ids, id), false
	}
	if d, ok := v.DocumentOK(); ok {
		if in, ok := d.Lookup("$in").ArrayOK(); ok {
			vals, err := in.Values()
			if err != nil {
				return nil, true
			}
			for _, x := range vals {
				id, ok := x.StringValueOK()
				if !ok {
					return nil, true
				}
				ids = append(ids, id)
			}
			if elems, _ := d.Elements(); len(elems) == 1 {
				return ids, false
			}
		}
	}
	return nil, true
}

// changedSince returns the generation of db.coll and of db, and the _ids
// written in db.coll after generation since; ok is false when that is not
// known (a write not by _id, a log that does not reach back so far).
func (g *writeGens) changedSince(db, coll string, since uint64) (gen, dbGen uint64, ids []string, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := db + "." + coll
	gen, dbGen = g.counter(key).Load(), g.counter(db+".").Load()
	log := g.logs[key]
	if gen == since {
		return gen, dbGen, nil, true
	}
	if len(log) == 0 || log[0].gen > since+1 {
		return gen, dbGen, nil, false
	}
	for _, c := range log {
		if c.gen <= since {
			continue
		}
		if c.all {
			return gen, dbGen, nil, false
		}
		ids = append(ids, c.ids...)
	}
	return gen, dbGen, ids, true
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
