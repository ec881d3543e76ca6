package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opentomentor/opentomentor/mongostore"
)

// MaxJobUsers is how many recipients one fan-out document holds (a larger
// audience takes several: a document stays far below MongoDB's 16 MB).
const MaxJobUsers = 10000

// fanoutDoc is a message still to give to users. _id is the message id and
// a part number; recipients leave the list as they get the message.
type fanoutDoc struct {
	ID        string    `bson:"_id"`
	Msg       Message   `bson:"msg"`
	Users     []string  `bson:"users"`
	CreatedAt time.Time `bson:"createdAt"`
}

// SendMany gives m to every one of userIDs in the background: the caller
// waits for one write per MaxJobUsers recipients, and a FanOut sends to
// them in small paced steps under a lease (a registration opening for
// 10,000 people must not hold up anybody's page). Repeating it adds nobody
// twice: each Send is idempotent by m.ID. Errors: the database's.
func (s *Service) SendMany(ctx context.Context, userIDs []string, m Message) error {
	if m.ID == "" || m.Type == "" {
		return errors.New("notify: a message needs an id and a type")
	}
	for part, i := 0, 0; i < len(userIDs); part, i = part+1, i+MaxJobUsers {
		users := userIDs[i:min(i+MaxJobUsers, len(userIDs))]
		id := fmt.Sprintf("%s#%d", m.ID, part)
		_, err := s.fanout.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "msg", Value: m}, {Key: "createdAt", Value: s.now().UTC()}}},
				{Key: "$addToSet", Value: bson.D{{Key: "users", Value: bson.D{{Key: "$each", Value: users}}}}}},
			options.UpdateOne().SetUpsert(true))
		if err != nil {
			return mapErr(err)
		}
	}
	select {
	case s.expand <- struct{}{}:
	default:
	}
	return nil
}

// SendManyOnce is SendMany for an event whose announcement a sweep may
// repeat (to repair a crash between the event and its announcement): once
// the job for m.ID was queued, a marker (notify_announced, by m.ID) makes a
// repeat do nothing, not even read the audience.
func (s *Service) SendManyOnce(ctx context.Context, audience func(context.Context) ([]string, error), m Message) error {
	marks := s.fanout.Database().Collection("notify_announced")
	if done, err := mongostore.Has(ctx, marks, m.ID); err != nil || done {
		return mapErr(err)
	}
	ids, err := audience(ctx)
	if err != nil {
		return err
	}
	if err := s.SendMany(ctx, ids, m); err != nil {
		return err
	}
	_, err = marks.InsertOne(ctx, bson.D{{Key: "_id", Value: m.ID}, {Key: "at", Value: s.now().UTC()}, {Key: "recipients", Value: len(ids)}})
	if mongostore.IsDuplicateKey(err) {
		return nil
	}
	return mapErr(err)
}

// FanOutConfig wires a FanOut.
type FanOutConfig struct {
	// Lease lets one replica expand at a time; nil when only one process
	// runs.
	Lease    *mongostore.Lease
	Interval time.Duration // between looks for jobs of other replicas; default 5 s
	Step     int           // recipients per paced step; default 50
	Logger   *slog.Logger
}

// FanOut sends the messages SendMany left, a few recipients at a time.
type FanOut struct {
	s   *Service
	cfg FanOutConfig
}

// NewFanOut returns the FanOut of s.
func (s *Service) NewFanOut(cfg FanOutConfig) *FanOut {
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.Step <= 0 {
		cfg.Step = 50
	}
	if cfg.Logger == nil {
		cfg.Logger = s.log
	}
	return &FanOut{s: s, cfg: cfg}
}

// Run expands jobs until ctx ends: at once after SendMany in this process,
// else every Interval.
func (f *FanOut) Run(ctx context.Context) {
	mongostore.RunLeased(ctx, f.cfg.Lease, f.cfg.Interval, f.s.expand, f.cfg.Logger, "notify: fan-out", func(ctx context.Context) error {
		_, err := f.Drain(ctx)
		return err
	})
}

// Drain sends every waiting job's message to its recipients and returns
// how many got it. A crash or a lost lease leaves the rest of the list for
// the next run: recipients leave it only after their Send. Errors: the
// database's.
func (f *FanOut) Drain(ctx context.Context) (int, error) {
	given, last, lastLen := 0, "", 0
	for {
		jobs, err := mongostore.FindAll[fanoutDoc](ctx, f.s.fanout, "notify", "Message", bson.D{},
			options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(1))
		if err != nil || len(jobs) == 0 {
			return given, err
		}
		job := jobs[0]
		if job.ID == last && len(job.Users) >= lastLen {
			// Nothing left it in the round before: stop rather than loop.
			return given, fmt.Errorf("notify: fan-out job %s does not shrink", job.ID)
		}
		last, lastLen = job.ID, len(job.Users)
		for i := 0; i < len(job.Users); i += f.cfg.Step {
			if f.cfg.Lease != nil && !mongostore.Hold(ctx, f.cfg.Lease, f.cfg.Logger, "notify: fan-out") {
				return given, nil // another replica has it now
			}
			step := job.Users[i:min(i+f.cfg.Step, len(job.Users))]
			err := f.s.pacer.Do(ctx, func() error {
				for _, u := range step {
					if err := f.s.Send(ctx, u, job.Msg); err != nil {
						return err
					}
				}
				// $pullAll by _id: a person erased meanwhile left the list
				// the same way, and SendMany may add to it. ($pull with
				// $in changes nothing on the embedded database.)
				_, err := f.s.fanout.UpdateOne(ctx, bson.D{{Key: "_id", Value: job.ID}},
					bson.D{{Key: "$pullAll", Value: bson.D{{Key: "users", Value: step}}}})
				return mapErr(err)
			})
			if err != nil {
				return given, err
			}
			given += len(step)
		}
		// Gone once empty (SendMany may have added someone meanwhile: then
		// the next round gives them the message). {users: []}, not $size:
		// the embedded database matched nothing with $size.
		if _, err := f.s.fanout.DeleteOne(ctx, bson.D{{Key: "_id", Value: job.ID}, {Key: "users", Value: bson.A{}}}); err != nil {
			return given, mapErr(err)
		}
	}
}

// eraseFromJobs takes userID off every waiting job.
func (s *Service) eraseFromJobs(ctx context.Context, userID string) error {
	_, err := s.fanout.UpdateMany(ctx, bson.D{}, bson.D{{Key: "$pull", Value: bson.D{{Key: "users", Value: userID}}}})
	return mapErr(err)
}
