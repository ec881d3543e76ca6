package moderation

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/mongostore"
)

// mongoStore keeps profiles and two small derived collections, so that no
// request has to scan the large profiles collection (the embedded database
// scans on every non-_id filter):
//   - review_queue: one entry per profile that is not simply approved, for the
//     curators' queue;
//   - search_outbox: one entry per profile whose change the index has not seen
//     yet, written before the profile itself, so no change is lost.
//
// With cache on (the embedded, single-process mode) profiles are also kept in
// memory and written through on every change.
type mongoStore struct {
	profiles, queueC, outbox, topicsC, metaC *mongo.Collection

	cacheOn bool
	mu      sync.RWMutex
	cache   map[string]*Profile
	erased  map[string]bool // ids erased in this process: a read racing the erasure must not cache them again
}

const cacheMax = 50000

func newMongoStore(db *mongo.Database) *mongoStore {
	return &mongoStore{
		profiles: db.Collection("mentor_profiles"),
		queueC:   db.Collection("review_queue"),
		outbox:   db.Collection("search_outbox"),
		topicsC:  db.Collection("topics"),
		metaC:    db.Collection("meta"),
		cache:    map[string]*Profile{},
		erased:   map[string]bool{},
	}
}

func (m *mongoStore) ensureIndexes(ctx context.Context) error {
	if _, err := m.queueC.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "submittedAt", Value: 1}}}); err != nil {
		return fmt.Errorf("moderation: create index: %w", err)
	}
	return nil
}

func mapErr(err error, what string) error { return mongostore.MapErr(err, "moderation", what) }

// findAll decodes every document of c that filter matches; what names them
// in errors.
func findAll[T any](ctx context.Context, c *mongo.Collection, what string, filter any, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	cur, err := c.Find(ctx, filter, opts...)
	if err != nil {
		return nil, mapErr(err, what)
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, what)
	}
	return out, nil
}

// countsByID reads a small collection of {_id, field: n} counters.
func countsByID(ctx context.Context, c *mongo.Collection, field, what string) (map[string]int, error) {
	docs, err := findAll[bson.M](ctx, c, what, bson.D{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(docs))
	for _, d := range docs {
		id, _ := d["_id"].(string)
		switch n := d[field].(type) {
		case int32:
			out[id] = int(n)
		case int64:
			out[id] = int(n)
		case float64:
			out[id] = int(n)
		}
	}
	return out, nil
}

// copyProfile returns a deep enough copy that callers cannot change the cache.
func copyProfile(p *Profile) *Profile {
	c := *p
	c.Draft = copyContent(p.Draft)
	if p.Published != nil {
		pub := copyContent(*p.Published)
		c.Published = &pub
	}
	if p.Decision != nil {
		d := *p.Decision
		c.Decision = &d
	}
	c.Comments = append([]Comment{}, p.Comments...)
	return &c
}

func copyContent(c Content) Content {
	c.Topics, c.Skills, c.Languages, c.Interests = cloneS(c.Topics), cloneS(c.Skills), cloneS(c.Languages), cloneS(c.Interests)
	return c
}

func (m *mongoStore) cached(id string) (*Profile, bool) {
	if !m.cacheOn {
		return nil, false
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	p, ok := m.cache[id]
	if !ok {
		return nil, false
	}
	return copyProfile(p), true
}

func (m *mongoStore) remember(p *Profile) {
	if !m.cacheOn {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.erased[p.ID] {
		return
	}
	if c, ok := m.cache[p.ID]; ok && c.Version > p.Version {
		return // a read that raced a write must not put the older version back
	}
	if len(m.cache) >= cacheMax {
		for k := range m.cache { // evict an arbitrary entry
			delete(m.cache, k)
			break
		}
	}
	m.cache[p.ID] = copyProfile(p)
}

func (m *mongoStore) forget(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.cache, id)
}

func (m *mongoStore) get(ctx context.Context, id string) (*Profile, error) {
	if p, ok := m.cached(id); ok {
		return p, nil
	}
	var p Profile
	if err := m.profiles.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&p); err != nil {
		return nil, mapErr(err, "Application")
	}
	m.remember(&p)
	return copyProfile(&p), nil
}

// insert stores a new profile (version 1).
func (m *mongoStore) insert(ctx context.Context, p *Profile) error {
	m.mu.Lock()
	delete(m.erased, p.ID) // a person who deleted their account may apply anew
	m.mu.Unlock()
	if err := m.putOutbox(ctx, p.ID, p.Version); err != nil {
		return err
	}
	if _, err := m.profiles.InsertOne(ctx, p); err != nil {
		return mapErr(err, "Application")
	}
	m.remember(p)
	return m.putQueue(ctx, p)
}

// replace writes p if the stored version is still expected, and bumps p's
// version. Errors: ECONFLICT when someone else changed it first, ENOTFOUND.
func (m *mongoStore) replace(ctx context.Context, p *Profile, expected int64) error {
	p.Version = expected + 1
	if err := m.putOutbox(ctx, p.ID, p.Version); err != nil {
		return err
	}
	// Every field but comments: a comment pushed meanwhile (which does not
	// bump the version) must survive this write.
	raw, err := bson.Marshal(p)
	if err != nil {
		return fmt.Errorf("moderation: encode application: %w", err)
	}
	var fields bson.D
	if err := bson.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("moderation: encode application: %w", err)
	}
	set := make(bson.D, 0, len(fields))
	for _, f := range fields {
		if f.Key != "_id" && f.Key != "comments" {
			set = append(set, f)
		}
	}
	res, err := m.profiles.UpdateOne(ctx, bson.D{{Key: "_id", Value: p.ID}, {Key: "version", Value: expected}}, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		m.forget(p.ID)
		return mapErr(err, "Application")
	}
	if res.MatchedCount == 0 {
		m.forget(p.ID)
		if _, err := m.get(ctx, p.ID); err != nil {
			return err
		}
		return otm.Errorf(otm.ECONFLICT, "The application was changed by someone else meanwhile. Reload it and try again.")
	}
	m.mu.Lock()
	if c, ok := m.cache[p.ID]; ok {
		p.Comments = append([]Comment{}, c.Comments...) // the stored comments, not the caller's copy
	}
	m.mu.Unlock()
	m.remember(p)
	return m.putQueue(ctx, p)
}

// queueDoc is a review_queue entry.
type queueDoc struct {
	QueueEntry `bson:",inline"`
}

func (m *mongoStore) putQueue(ctx context.Context, p *Profile) error {
	if p.Status == StatusApproved {
		_, err := m.queueC.DeleteOne(ctx, bson.D{{Key: "_id", Value: p.ID}})
		return mapErr(err, "Queue entry")
	}
	e := QueueEntry{ID: p.ID, Status: p.Status, Name: p.Name, OrgName: p.OrgName, Headline: p.Draft.Headline,
		Revision: p.Published != nil, Version: p.Version, SubmittedAt: p.CreatedAt}
	if p.SubmittedAt != nil {
		e.SubmittedAt = *p.SubmittedAt
	}
	_, err := m.queueC.ReplaceOne(ctx, bson.D{{Key: "_id", Value: p.ID}}, queueDoc{e}, options.Replace().SetUpsert(true))
	return mapErr(err, "Queue entry")
}

func (m *mongoStore) queue(ctx context.Context, status string, limit, offset int) ([]QueueEntry, int, error) {
	filter := bson.D{{Key: "status", Value: status}}
	total, err := m.queueC.CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, mapErr(err, "Queue")
	}
	cur, err := m.queueC.Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "submittedAt", Value: 1}, {Key: "_id", Value: 1}}).
		SetSkip(int64(offset)).SetLimit(int64(limit)))
	if err != nil {
		return nil, 0, mapErr(err, "Queue")
	}
	out := []QueueEntry{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, 0, mapErr(err, "Queue")
	}
	return out, int(total), nil
}

type outboxDoc struct {
	ID      string    `bson:"_id"`
	Version int64     `bson:"version"`
	At      time.Time `bson:"at"`
}

// putOutbox records that id changed to version; an entry is only ever raised.
func (m *mongoStore) putOutbox(ctx context.Context, id string, version int64) error {
	_, err := m.outbox.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, outboxDoc{ID: id, Version: version, At: time.Now().UTC()}, options.Replace().SetUpsert(true))
	return mapErr(err, "Outbox entry")
}

func (m *mongoStore) pendingOutbox(ctx context.Context, limit int) ([]outboxDoc, error) {
	return findAll[outboxDoc](ctx, m.outbox, "Outbox", bson.D{}, options.Find().SetSort(bson.D{{Key: "at", Value: 1}}).SetLimit(int64(limit)))
}

// markIndexed removes the outbox entry unless a newer change arrived, and
// records the indexed version on the profile.
func (m *mongoStore) markIndexed(ctx context.Context, id string, version int64) error {
	if _, err := m.outbox.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: bson.D{{Key: "$lte", Value: version}}}}); err != nil {
		return mapErr(err, "Outbox entry")
	}
	if p, ok := m.cached(id); ok && p.IndexedVer == version {
		return nil // already recorded; spare the large collection a write
	}
	_, err := m.profiles.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "indexedVersion", Value: version}}}})
	if err == nil {
		m.mu.Lock()
		if p, ok := m.cache[id]; ok && p.Version == version {
			p.IndexedVer = version
		}
		m.mu.Unlock()
	}
	return mapErr(err, "Application")
}

// all calls fn for every stored profile.
func (m *mongoStore) all(ctx context.Context, fn func(*Profile) error) error {
	cur, err := m.profiles.Find(ctx, bson.D{}, options.Find().SetBatchSize(500))
	if err != nil {
		return mapErr(err, "Applications")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var p Profile
		if err := cur.Decode(&p); err != nil {
			return mapErr(err, "Application")
		}
		m.remember(&p)
		if err := fn(&p); err != nil {
			return err
		}
	}
	return mapErr(cur.Err(), "Applications")
}

// insertMany stores many new profiles at once (demo seeding); they are marked
// indexed by the caller's bulk indexing.
func (m *mongoStore) insertMany(ctx context.Context, ps []*Profile) error {
	docs := make([]any, len(ps))
	for i, p := range ps {
		docs[i] = p
	}
	if _, err := m.profiles.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
		return mapErr(err, "Applications")
	}
	return nil // the cache fills on demand
}

// erase deletes a profile and its derived entries, and leaves a tombstone in
// the outbox (a version above any real one) so that the indexer removes the
// profile from the index again should a sync that read it earlier write it back.
func (m *mongoStore) erase(ctx context.Context, id string) error {
	m.mu.Lock()
	m.erased[id] = true
	delete(m.cache, id)
	m.mu.Unlock()
	if err := m.putOutbox(ctx, id, tombstoneVersion); err != nil {
		return err
	}
	for _, c := range []*mongo.Collection{m.profiles, m.queueC} {
		if _, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
			return mapErr(err, "Application")
		}
	}
	return nil
}

// tombstoneVersion marks an erased profile in the outbox.
const tombstoneVersion = int64(1) << 62

func (m *mongoStore) seedTopics(ctx context.Context, ts []Topic) error {
	for _, t := range ts {
		if _, err := m.topicsC.UpdateOne(ctx, bson.D{{Key: "_id", Value: t.ID}},
			bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "labelEn", Value: t.LabelEN}, {Key: "labelDe", Value: t.LabelDE}, {Key: "core", Value: t.Core}, {Key: "order", Value: t.Order}}}},
			options.UpdateOne().SetUpsert(true)); err != nil && !mongostore.IsDuplicateKey(err) {
			return mapErr(err, "Topic")
		}
	}
	return nil
}

func (m *mongoStore) topics(ctx context.Context) ([]Topic, error) {
	return findAll[Topic](ctx, m.topicsC, "Topics", bson.D{})
}

func (m *mongoStore) putTopic(ctx context.Context, t *Topic) error {
	_, err := m.topicsC.ReplaceOne(ctx, bson.D{{Key: "_id", Value: t.ID}}, t, options.Replace().SetUpsert(true))
	return mapErr(err, "Topic")
}

func (m *mongoStore) meta() *mongo.Collection { return m.metaC }

// addComment appends a comment without changing the version.
func (m *mongoStore) addComment(ctx context.Context, id string, c Comment) (*Profile, error) {
	res, err := m.profiles.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$push", Value: bson.D{{Key: "comments", Value: c}}}})
	if err != nil {
		return nil, mapErr(err, "Application")
	}
	m.forget(id)
	if res.MatchedCount == 0 {
		return nil, otm.Errorf(otm.ENOTFOUND, "Application not found.")
	}
	return m.get(ctx, id)
}

// forgetActor rewrites a person's traces in one application's comments and
// decision (whole-document write: FerretDB has no positional updates).
func (m *mongoStore) forgetActor(ctx context.Context, id, userID, pseudonym string) error {
	p, err := m.get(ctx, id)
	if err != nil {
		return err
	}
	changed := false
	for i := range p.Comments {
		if p.Comments[i].AuthorID == userID {
			p.Comments[i].AuthorID, p.Comments[i].AuthorName, changed = pseudonym, "", true
		}
	}
	if p.Decision != nil && p.Decision.CuratorID == userID {
		p.Decision.CuratorID, p.Decision.CuratorName, changed = pseudonym, "", true
	}
	if !changed {
		return nil
	}
	_, err = m.profiles.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "comments", Value: p.Comments}, {Key: "decision", Value: p.Decision}}}})
	m.forget(id)
	return mapErr(err, "Application")
}

func (m *mongoStore) requests() *mongo.Collection {
	return m.profiles.Database().Collection("mentee_requests")
}

func (m *mongoStore) getRequest(ctx context.Context, id string) (*MenteeRequest, error) {
	var r MenteeRequest
	if err := m.requests().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r); err != nil {
		return nil, mapErr(err, "Mentee request")
	}
	return &r, nil
}

func (m *mongoStore) insertRequest(ctx context.Context, r *MenteeRequest) error {
	_, err := m.requests().InsertOne(ctx, r)
	return mapErr(err, "Mentee request")
}

func (m *mongoStore) replaceRequest(ctx context.Context, r *MenteeRequest, expected int64) error {
	r.Version = expected + 1
	res, err := m.requests().ReplaceOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "version", Value: expected}}, r)
	if err != nil {
		return mapErr(err, "Mentee request")
	}
	if res.MatchedCount == 0 {
		return otm.Errorf(otm.ECONFLICT, "The request was changed meanwhile. Reload it and try again.")
	}
	return nil
}

func (m *mongoStore) requestsByStatus(ctx context.Context, status string) ([]MenteeRequest, error) {
	return findAll[MenteeRequest](ctx, m.requests(), "Mentee requests", bson.D{{Key: "status", Value: status}}, options.Find().SetSort(bson.D{{Key: "submittedAt", Value: 1}, {Key: "_id", Value: 1}}))
}

func (m *mongoStore) deleteRequest(ctx context.Context, id string) error {
	_, err := m.requests().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr(err, "Mentee request")
}

func (m *mongoStore) tandems() *mongo.Collection { return m.profiles.Database().Collection("tandems") }
func (m *mongoStore) slots() *mongo.Collection {
	return m.profiles.Database().Collection("tandem_slots")
}

// reserve takes one of capacity slots under key, atomically: the conditional
// upsert fails with a duplicate key when every slot is taken.
func (m *mongoStore) reserve(ctx context.Context, key string, capacity int) bool {
	if capacity <= 0 {
		capacity = 1
	}
	_, err := m.slots().UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "taken", Value: bson.D{{Key: "$lt", Value: capacity}}}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "taken", Value: 1}}}}, options.UpdateOne().SetUpsert(true))
	return err == nil
}

func (m *mongoStore) release(ctx context.Context, key string) {
	_, _ = m.slots().UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "taken", Value: bson.D{{Key: "$gt", Value: 0}}}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "taken", Value: -1}}}})
}

func (m *mongoStore) insertTandem(ctx context.Context, t *Tandem) error {
	_, err := m.tandems().InsertOne(ctx, t)
	return mapErr(err, "Tandem")
}

func (m *mongoStore) getTandem(ctx context.Context, id string) (*Tandem, error) {
	var t Tandem
	if err := m.tandems().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&t); err != nil {
		return nil, mapErr(err, "Tandem")
	}
	return &t, nil
}

func (m *mongoStore) replaceTandem(ctx context.Context, t *Tandem, expected int64) error {
	t.Version = expected + 1
	res, err := m.tandems().ReplaceOne(ctx, bson.D{{Key: "_id", Value: t.ID}, {Key: "version", Value: expected}}, t)
	if err != nil {
		return mapErr(err, "Tandem")
	}
	if res.MatchedCount == 0 {
		return otm.Errorf(otm.ECONFLICT, "The tandem changed meanwhile. Reload it and try again.")
	}
	return nil
}

func (m *mongoStore) tandemsOf(ctx context.Context, userID string) ([]Tandem, error) {
	cur, err := m.tandems().Find(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "mentorUserId", Value: userID}}, bson.D{{Key: "menteeUserId", Value: userID}}}}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}}))
	if err != nil {
		return nil, mapErr(err, "Tandems")
	}
	out := []Tandem{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, "Tandems")
	}
	return out, nil
}

func (m *mongoStore) tandemsOfProgram(ctx context.Context, programID string) ([]Tandem, error) {
	return findAll[Tandem](ctx, m.tandems(), "Tandems", bson.D{{Key: "programId", Value: programID}}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
}

func (m *mongoStore) requestsOf(ctx context.Context, ownerID string) ([]MenteeRequest, error) {
	return findAll[MenteeRequest](ctx, m.requests(), "Mentee requests", bson.D{{Key: "ownerId", Value: ownerID}}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}}))
}

func (m *mongoStore) deleteTandem(ctx context.Context, id string) error {
	_, err := m.tandems().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr(err, "Tandem")
}

// slotsTaken returns every reservation count (a small collection).
func (m *mongoStore) slotsTaken(ctx context.Context) (map[string]int, error) {
	return countsByID(ctx, m.slots(), "taken", "Slots")
}

func (m *mongoStore) meetings() *mongo.Collection {
	return m.profiles.Database().Collection("tandem_meetings")
}

// insertMeeting logs a meeting unless its tandem has max already; ok is
// false when it has.
func (m *mongoStore) insertMeeting(ctx context.Context, mt *Meeting, max int) (ok bool, err error) {
	if ok, err := m.reserveMeeting(ctx, mt.TandemID, max); !ok || err != nil {
		return false, err
	}
	if _, err := m.meetings().InsertOne(ctx, mt); err != nil {
		m.unreserveMeeting(ctx, mt.TandemID)
		return false, mapErr(err, "Meeting")
	}
	return true, nil
}

func (m *mongoStore) meetingsOf(ctx context.Context, tandemID string) ([]Meeting, error) {
	cur, err := m.meetings().Find(ctx, bson.D{{Key: "tandemId", Value: tandemID}},
		options.Find().SetSort(bson.D{{Key: "date", Value: -1}, {Key: "createdAt", Value: -1}}))
	if err != nil {
		return nil, mapErr(err, "Meetings")
	}
	out := []Meeting{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, "Meetings")
	}
	return out, nil
}

// meetingCountsC holds one counter per tandem that logged meetings, so that
// the cap holds under concurrent writes and dashboards need not scan the
// meeting log (the embedded database scans every non-_id filter).
func (m *mongoStore) meetingCountsC() *mongo.Collection {
	return m.profiles.Database().Collection("tandem_meeting_counts")
}

// reserveMeeting counts one more meeting for a tandem unless it has max
// already (atomically: the conditional upsert fails with a duplicate key).
func (m *mongoStore) reserveMeeting(ctx context.Context, tandemID string, max int) (bool, error) {
	_, err := m.meetingCountsC().UpdateOne(ctx, bson.D{{Key: "_id", Value: tandemID}, {Key: "n", Value: bson.D{{Key: "$lt", Value: max}}}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}, options.UpdateOne().SetUpsert(true))
	if mongostore.IsDuplicateKey(err) {
		return false, nil
	}
	return err == nil, mapErr(err, "Meeting count")
}

func (m *mongoStore) unreserveMeeting(ctx context.Context, tandemID string) {
	_, _ = m.meetingCountsC().UpdateOne(ctx, bson.D{{Key: "_id", Value: tandemID}, {Key: "n", Value: bson.D{{Key: "$gt", Value: 0}}}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: -1}}}})
}

func (m *mongoStore) countMeetings(ctx context.Context, tandemID string) (int64, error) {
	var d struct {
		N int64 `bson:"n"`
	}
	err := m.meetingCountsC().FindOne(ctx, bson.D{{Key: "_id", Value: tandemID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return d.N, mapErr(err, "Meeting count")
}

// allMeetingCounts returns every tandem's meeting count (a small collection).
func (m *mongoStore) allMeetingCounts(ctx context.Context) (map[string]int, error) {
	return countsByID(ctx, m.meetingCountsC(), "n", "Meeting counts")
}

// backfillMeetingCounts writes the counters for meetings logged before they
// existed, once per database.
func (m *mongoStore) backfillMeetingCounts(ctx context.Context) error {
	n, err := m.meta().CountDocuments(ctx, bson.D{{Key: "_id", Value: "meetingCounts"}})
	if err != nil || n > 0 {
		return mapErr(err, "Meeting counts")
	}
	cur, err := m.meetings().Aggregate(ctx, mongo.Pipeline{
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$tandemId"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
	})
	if err != nil {
		return mapErr(err, "Meetings")
	}
	var rows []struct {
		ID string `bson:"_id"`
		N  int    `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return mapErr(err, "Meetings")
	}
	for _, r := range rows {
		if _, err := m.meetingCountsC().ReplaceOne(ctx, bson.D{{Key: "_id", Value: r.ID}}, bson.D{{Key: "_id", Value: r.ID}, {Key: "n", Value: r.N}},
			options.Replace().SetUpsert(true)); err != nil {
			return mapErr(err, "Meeting counts")
		}
	}
	_, err = m.meta().InsertOne(ctx, bson.D{{Key: "_id", Value: "meetingCounts"}, {Key: "at", Value: time.Now().UTC()}})
	if mongostore.IsDuplicateKey(err) {
		return nil
	}
	return mapErr(err, "Meeting counts")
}

func (m *mongoStore) deleteMeetings(ctx context.Context, tandemID string) error {
	if _, err := m.meetings().DeleteMany(ctx, bson.D{{Key: "tandemId", Value: tandemID}}); err != nil {
		return mapErr(err, "Meetings")
	}
	_, err := m.meetingCountsC().DeleteOne(ctx, bson.D{{Key: "_id", Value: tandemID}})
	return mapErr(err, "Meeting count")
}
