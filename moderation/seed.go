package moderation

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/search"
)

// SeedProfile is one synthetic application for the demo.
type SeedProfile struct {
	OwnerID, Name, Email     string
	OrgID, OrgName, Industry string
	Content                  Content
	Status                   string // approved or submitted
	At                       time.Time
}

// Seeded reports how many demo mentors were seeded before, 0 if none.
func (s *Service) Seeded(ctx context.Context) (int, error) {
	var m struct {
		Mentors int `bson:"mentors"`
	}
	err := s.store.meta().FindOne(ctx, bson.D{{Key: "_id", Value: "demo"}}).Decode(&m)
	if otm.ErrorCode(mapErr(err, "Demo marker")) == otm.ENOTFOUND {
		return 0, nil
	} else if err != nil {
		return 0, mapErr(err, "Demo marker")
	}
	return m.Mentors, nil
}

// Seed stores synthetic applications in bulk: approved ones go into the index
// first (so a profile in the database is never missing from it), then into the
// database marked as indexed. Every entry is validated like a submission.
func (s *Service) Seed(ctx context.Context, idx search.Index, in []SeedProfile, batch int) error {
	if batch <= 0 {
		batch = 1000
	}
	for start := 0; start < len(in); start += batch {
		end := min(start+batch, len(in))
		profiles := make([]*Profile, 0, end-start)
		docs := make([]search.Document, 0, end-start)
		for _, sp := range in[start:end] {
			c := sp.Content
			if err := s.clean(&c, true); err != nil {
				return err
			}
			at := sp.At.UTC()
			p := &Profile{ID: ProfileIDFor(sp.OwnerID), OwnerID: sp.OwnerID, Name: sp.Name, Email: sp.Email,
				OrgID: sp.OrgID, OrgName: sp.OrgName, OrgVerified: sp.OrgID != "", Industry: sp.Industry,
				Status: sp.Status, Draft: c, Comments: []Comment{}, Version: 1, IndexedVer: 1,
				CreatedAt: at, UpdatedAt: at, SubmittedAt: &at, Demo: true}
			if sp.Status == StatusApproved {
				pub := copyContent(c)
				p.Published, p.PublishedAt = &pub, &at
				if d := Document(p); d != nil { // paused mentors stay out of the directory
					docs = append(docs, *d)
				}
			}
			profiles = append(profiles, p)
		}
		t0 := time.Now()
		if len(docs) > 0 {
			if err := idx.Upsert(ctx, docs...); err != nil {
				return err
			}
		}
		t1 := time.Now()
		if err := s.store.insertMany(ctx, profiles); err != nil {
			return err
		}
		s.log.Debug("demo batch seeded", "from", start, "index", t1.Sub(t0).String(), "database", time.Since(t1).String())
		for _, p := range profiles {
			if p.Status != StatusApproved {
				if err := s.store.putQueue(ctx, p); err != nil {
					return err
				}
			}
		}
	}
	_, err := s.store.meta().ReplaceOne(ctx, bson.D{{Key: "_id", Value: "demo"}},
		bson.D{{Key: "_id", Value: "demo"}, {Key: "mentors", Value: len(in)}, {Key: "at", Value: time.Now().UTC()}},
		options.Replace().SetUpsert(true))
	return mapErr(err, "Demo marker")
}

// SeedRequest is one synthetic executive's submitted request for the demo.
type SeedRequest struct {
	OwnerID, Name, Email, OrgID, OrgName string
	ProgramID                            string // "" is the open program
	Content                              RequestContent
	At                                   time.Time
}

// SeedRequests stores synthetic submitted requests, validated like real ones.
func (s *Service) SeedRequests(ctx context.Context, in []SeedRequest) error {
	for _, sr := range in {
		c := sr.Content
		if err := s.cleanRequest(&c, true); err != nil {
			return err
		}
		at := sr.At.UTC()
		program := sr.ProgramID
		if program == "" {
			program = OpenProgram
		}
		r := &MenteeRequest{ID: RequestIDFor(sr.OwnerID, program), OwnerID: sr.OwnerID, Name: sr.Name, Email: sr.Email,
			OrgID: sr.OrgID, OrgName: sr.OrgName, ProgramID: program, Status: RequestSubmitted, Content: c,
			Version: 1, CreatedAt: at, UpdatedAt: at, SubmittedAt: &at}
		if err := s.store.insertRequest(ctx, r); err != nil && otm.ErrorCode(err) != otm.ECONFLICT {
			return err
		}
	}
	return nil
}
