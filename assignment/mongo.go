package assignment

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opentomentor/opentomentor/mongostore"
)

// job is a cohort assignment computed in the background, one document per
// program and state of its inputs (jobID): a result is served only for the
// inputs it was computed from. Results are working data for curators,
// recomputed at will: an erasure drops them all.
type job struct {
	ID        string    `bson:"_id"`
	ProgramID string    `bson:"programId"`
	Status    string    `bson:"status"`
	Done      int       `bson:"done"`
	Total     int       `bson:"total"`
	Rule      string    `bson:"rule,omitempty"`   // why it failed (a rule key)
	Result    []byte    `bson:"result,omitempty"` // the Assignment as JSON
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

type mongoStore struct{ c *mongo.Collection }

func newMongoStore(db *mongo.Database) *mongoStore {
	return &mongoStore{c: db.Collection("assignment_jobs")}
}

func mapErr(err error) error { return mongostore.MapErr(err, "assignment", "Assignment") }

func (m *mongoStore) ensureIndexes(ctx context.Context) error {
	return mongostore.EnsureIndexes(ctx, []mongostore.Index{{C: m.c, Keys: bson.D{{Key: "status", Value: 1}, {Key: "createdAt", Value: 1}}}})
}

// get returns the job id, nil when there is none.
func (m *mongoStore) get(ctx context.Context, id string) (*job, error) {
	j, err := mongostore.FindByID[job](ctx, m.c, id)
	return j, mapErr(err)
}

// put writes j whole (a new or requeued job).
func (m *mongoStore) put(ctx context.Context, j *job) error {
	_, err := m.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: j.ID}}, j, options.Replace().SetUpsert(true))
	return mapErr(err)
}

// update sets fields of the job id and its updatedAt, if it is still there
// (an erasure drops every job and must not see one come back).
func (m *mongoStore) update(ctx context.Context, id string, at time.Time, fields bson.D) error {
	fields = append(fields, bson.E{Key: "updatedAt", Value: at})
	_, err := m.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: fields}})
	return mapErr(err)
}

func (m *mongoStore) setStatus(ctx context.Context, id string, at time.Time, status, rule string) error {
	fields := bson.D{{Key: "status", Value: status}}
	if rule != "" {
		fields = append(fields, bson.E{Key: "rule", Value: rule})
	}
	if status == Running {
		fields = append(fields, bson.E{Key: "done", Value: 0})
	}
	return m.update(ctx, id, at, fields)
}

func (m *mongoStore) setProgress(ctx context.Context, id string, at time.Time, done, total int) error {
	return m.update(ctx, id, at, bson.D{{Key: "done", Value: done}, {Key: "total", Value: total}})
}

func (m *mongoStore) setResult(ctx context.Context, id string, at time.Time, raw []byte) error {
	return m.update(ctx, id, at, bson.D{{Key: "status", Value: Done}, {Key: "result", Value: raw}, {Key: "done", Value: 1}, {Key: "total", Value: 1}})
}

// waiting returns the queued and interrupted jobs, oldest first.
func (m *mongoStore) waiting(ctx context.Context) ([]job, error) {
	return mongostore.FindAll[job](ctx, m.c, "assignment", "Assignments",
		bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{Queued, Running}}}}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
}

// dropDoneBefore removes a program's results last written before t.
func (m *mongoStore) dropDoneBefore(ctx context.Context, programID string, t time.Time) error {
	_, err := m.c.DeleteMany(ctx, bson.D{{Key: "programId", Value: programID}, {Key: "status", Value: Done},
		{Key: "updatedAt", Value: bson.D{{Key: "$lt", Value: t}}}})
	return mapErr(err)
}

// dropProgram removes every job of a program.
func (m *mongoStore) dropProgram(ctx context.Context, programID string) error {
	_, err := m.c.DeleteMany(ctx, bson.D{{Key: "programId", Value: programID}})
	return mapErr(err)
}

// drop removes every job.
func (m *mongoStore) drop(ctx context.Context) error {
	_, err := m.c.DeleteMany(ctx, bson.D{})
	return mapErr(err)
}
