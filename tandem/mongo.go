package tandem

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/mongostore"
)

// mongoStore keeps mentee requests, tandems, their slots, meetings, meeting
// counters, feedback and line-management declarations. Hot look-ups go by
// _id (the embedded database scans every other filter).
type mongoStore struct {
	db *mongo.Database
	// ver writes tandems and requests conditionally on their version: by _id
	// under the process's lock on the embedded database (a filter with the
	// version read every document there), with the version in the filter
	// against MongoDB.
	ver *mongostore.Versioned
	// pending marks the tandems written with notes not yet delivered, so
	// that the sweep need not scan the tandems for them.
	pending *mongostore.Pending
	// The report's collections kept in memory on the embedded database
	// (mongostore.Mirror; nil against MongoDB).
	mirrors struct {
		tandems  *mongostore.Mirror[Tandem]
		requests *mongostore.Mirror[MenteeRequest]
		feedback *mongostore.Mirror[Feedback]
		meetings *mongostore.Mirror[meetingCount]
	}
}

// meetingCount is a tandem's counter of logged meetings.
type meetingCount struct {
	ID string `bson:"_id"`
	N  int    `bson:"n"`
}

func newMongoStore(db *mongo.Database, singleProcess bool) *mongoStore {
	m := &mongoStore{db: db, ver: mongostore.NewVersioned(singleProcess), pending: mongostore.NewPending(db, "tandems")}
	m.mirrors.tandems = mongostore.NewMirror(m.tandems(), "tandem", "Tandems", nil, func(t *Tandem) string { return t.ID })
	m.mirrors.requests = mongostore.NewMirror(m.requests(), "tandem", "Mentee requests", nil, func(r *MenteeRequest) string { return r.ID })
	m.mirrors.feedback = mongostore.NewMirror(m.feedbackC(), "tandem", "Feedback", nil, func(f *Feedback) string { return f.ID })
	m.mirrors.meetings = mongostore.NewMirror(m.meetingCountsC(), "tandem", "Meeting counts", nil, func(c *meetingCount) string { return c.ID })
	return m
}

// markNotes marks t as owing notes before t is written with them.
func (m *mongoStore) markNotes(ctx context.Context, t *Tandem) (err error) {
	t.mark, err = m.pending.MarkIf(ctx, t.ID, len(t.Notes))
	return err
}

func mapErr(err error, what string) error { return mongostore.MapErr(err, "tandem", what) }

func findAll[T any](ctx context.Context, c *mongo.Collection, what string, filter any, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	return mongostore.FindAll[T](ctx, c, "tandem", what, filter, opts...)
}

func countsByID(ctx context.Context, c *mongo.Collection, field, what string) (map[string]int, error) {
	return mongostore.CountsByID(ctx, c, field, "tandem", what)
}

func (m *mongoStore) meta() *mongo.Collection { return m.db.Collection("meta") }

func (m *mongoStore) requests() *mongo.Collection {
	return m.db.Collection("mentee_requests")
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
	matched, err := m.ver.ReplaceOne(ctx, m.requests(), r.ID, expected, r)
	if err != nil {
		return mapErr(err, "Mentee request")
	}
	if !matched {
		return otm.Refuse(otm.ECONFLICT, otm.RuleChanged, nil, "The request was changed meanwhile. Reload it and try again.")
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

func (m *mongoStore) tandems() *mongo.Collection { return m.db.Collection("tandems") }

// allTandems returns every tandem (from the mirror on the embedded database).
func (m *mongoStore) allTandems(ctx context.Context) ([]Tandem, error) {
	if m.mirrors.tandems == nil {
		return findAll[Tandem](ctx, m.tandems(), "Tandems", bson.D{})
	}
	return m.mirrors.tandems.All(ctx, func(*Tandem) bool { return true })
}

func (m *mongoStore) insertTandem(ctx context.Context, t *Tandem) error {
	if err := m.markNotes(ctx, t); err != nil {
		return err
	}
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
	if err := m.markNotes(ctx, t); err != nil {
		return err
	}
	matched, err := m.ver.ReplaceOne(ctx, m.tandems(), t.ID, expected, t)
	if err != nil {
		return mapErr(err, "Tandem")
	}
	if !matched {
		return otm.Refuse(otm.ECONFLICT, otm.RuleChanged, nil, "The tandem changed meanwhile. Reload it and try again.")
	}
	return nil
}

// clearNotes removes the notes of t's version (delivered; a later version
// carried them over and clears them itself), then t's pending mark of
// generation mark (0: none).
func (m *mongoStore) clearNotes(ctx context.Context, id string, version, mark int64) error {
	if _, err := m.ver.UpdateOne(ctx, m.tandems(), id, version, bson.D{{Key: "$unset", Value: bson.D{{Key: "notes", Value: ""}}}}); err != nil {
		return mapErr(err, "Tandem")
	}
	return m.pending.Done(ctx, id, mark)
}

func (m *mongoStore) tandemsOf(ctx context.Context, userID string) ([]Tandem, error) {
	if m.mirrors.tandems != nil {
		ts, err := m.mirrors.tandems.All(ctx, func(t *Tandem) bool { return t.MentorUserID == userID || t.MenteeUserID == userID })
		slices.SortFunc(ts, func(a, b Tandem) int {
			return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(a.ID, b.ID))
		})
		return ts, err
	}
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
	if m.mirrors.tandems == nil {
		return findAll[Tandem](ctx, m.tandems(), "Tandems", bson.D{{Key: "programId", Value: programID}}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
	}
	ts, err := m.mirrors.tandems.All(ctx, func(t *Tandem) bool { return t.ProgramID == programID })
	slices.SortFunc(ts, func(a, b Tandem) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return ts, err
}

func (m *mongoStore) requestsOf(ctx context.Context, ownerID string) ([]MenteeRequest, error) {
	if m.mirrors.requests == nil {
		return findAll[MenteeRequest](ctx, m.requests(), "Mentee requests", bson.D{{Key: "ownerId", Value: ownerID}}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}}))
	}
	rs, err := m.mirrors.requests.All(ctx, func(r *MenteeRequest) bool { return r.OwnerID == ownerID })
	slices.SortFunc(rs, func(a, b MenteeRequest) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return rs, err
}

func (m *mongoStore) deleteTandem(ctx context.Context, id string) error {
	_, err := m.tandems().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr(err, "Tandem")
}

func (m *mongoStore) meetings() *mongo.Collection {
	return m.db.Collection("tandem_meetings")
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
	// The latest date beside the count (the reminders read these small
	// documents, not every meeting). YYYY-MM-DD compares as text.
	if _, err := m.meetingCountsC().UpdateOne(ctx, bson.D{{Key: "_id", Value: mt.TandemID}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "last", Value: mt.Date}}}}); err != nil {
		return true, mapErr(err, "Meeting count")
	}
	return true, nil
}

// lastMeetings returns each tandem's latest meeting date (from the count
// documents).
func (m *mongoStore) lastMeetings(ctx context.Context) (map[string]string, error) {
	docs, err := findAll[struct {
		ID   string `bson:"_id"`
		Last string `bson:"last"`
	}](ctx, m.meetingCountsC(), "Meeting counts", bson.D{}, options.Find().SetProjection(bson.D{{Key: "last", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(docs))
	for _, d := range docs {
		if d.Last != "" {
			out[d.ID] = d.Last
		}
	}
	return out, nil
}

// backfillLastMeetings writes each tandem's latest meeting date onto its
// count document (migration 0002: meetings logged before the date was kept
// there). Idempotent.
func (m *mongoStore) backfillLastMeetings(ctx context.Context) error {
	ms, err := findAll[Meeting](ctx, m.meetings(), "Meetings", bson.D{},
		options.Find().SetProjection(bson.D{{Key: "tandemId", Value: 1}, {Key: "date", Value: 1}}))
	if err != nil {
		return err
	}
	last := map[string]string{}
	for _, mt := range ms {
		if mt.Date > last[mt.TandemID] {
			last[mt.TandemID] = mt.Date
		}
	}
	for id, d := range last {
		if _, err := m.meetingCountsC().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$max", Value: bson.D{{Key: "last", Value: d}}}}); err != nil {
			return mapErr(err, "Meeting counts")
		}
	}
	return nil
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
	return m.db.Collection("tandem_meeting_counts")
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
	if m.mirrors.meetings == nil {
		return countsByID(ctx, m.meetingCountsC(), "n", "Meeting counts")
	}
	all, err := m.mirrors.meetings.All(ctx, nil)
	out := make(map[string]int, len(all))
	for _, c := range all {
		out[c.ID] = c.N
	}
	return out, err
}

// backfillMeetingCounts writes the counters for meetings logged before they
// existed, once per database.
func (m *mongoStore) backfillMeetingCounts(ctx context.Context) error {
	if done, err := mongostore.Has(ctx, m.meta(), "meetingCounts"); err != nil || done {
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

func (m *mongoStore) requestsOfProgram(ctx context.Context, programID string) ([]MenteeRequest, error) {
	if m.mirrors.requests == nil {
		return findAll[MenteeRequest](ctx, m.requests(), "Mentee requests", bson.D{{Key: "programId", Value: programID}})
	}
	return m.mirrors.requests.All(ctx, func(r *MenteeRequest) bool { return r.ProgramID == programID })
}

func (m *mongoStore) requestsOfOrg(ctx context.Context, orgID string) ([]MenteeRequest, error) {
	return findAll[MenteeRequest](ctx, m.requests(), "Mentee requests", bson.D{{Key: "orgId", Value: orgID}})
}
