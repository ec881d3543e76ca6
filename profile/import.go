package profile

import (
	"context"
	"time"

	"github.com/opentomentor/opentomentor/search"
)

// Imported is one application brought in from elsewhere in bulk: a migration
// from another platform, or the demo's synthetic mentors.
type Imported struct {
	OwnerID, Name, Email     string
	OrgID, OrgName, Industry string
	Content                  Content
	Status                   string // approved or submitted
	At                       time.Time
	Demo                     bool
}

// Import stores applications in bulk: approved ones go into the index first
// (so a profile in the database is never missing from it), then into the
// database marked as indexed; submitted ones join the curators' queue. Every
// entry is validated like a submission. It does not overwrite: importing an
// existing profile again is an ECONFLICT. Errors: EINVALID naming fields,
// ECONFLICT, EUNAVAILABLE (search).
func (s *Service) Import(ctx context.Context, idx search.Index, in []Imported, batch int) error {
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
				CreatedAt: at, UpdatedAt: at, SubmittedAt: &at, Demo: sp.Demo}
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
		s.log.Debug("import batch stored", "from", start, "index", t1.Sub(t0).String(), "database", time.Since(t1).String())
		for _, p := range profiles {
			if p.Status != StatusApproved {
				if err := s.store.putQueue(ctx, p); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
