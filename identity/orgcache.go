package identity

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// orgsVersionID is the settings document every write to an organization
// bumps, so that every replica's orgCache notices.
const orgsVersionID = "organizations_version"

// orgCheckEvery is how long a replica trusts its cached organizations before
// it reads the version again: an admin's change on another replica reaches
// the rules within this time; on this replica at once.
const orgCheckEvery = time.Second

// orgCacheMax is how long cached organizations are kept whatever the
// version says: a change whose version bump failed (a crash between the two
// writes) reaches every replica within this time.
const orgCacheMax = 30 * time.Second

// orgCache keeps organizations as the conflict rules read them (suggestions
// look up one per candidate: ~40 reads a request before). It is emptied
// when the version document changes, checked at most every orgCheckEvery.
type orgCache struct {
	mu      sync.Mutex
	orgs    map[string]Organization
	version int64
	gen     int // bumped at every emptying: a read that began before must not fill the new cache
	checked time.Time
	filled  time.Time // when the cache was last emptied and started anew
	now     func() time.Time
}

func (m *mongoStore) settings() *mongo.Collection { return m.db.Collection("settings") }

// cachedOrg returns the organization id from the cache, reading it on a miss.
// Errors: ENOTFOUND (not cached).
func (m *mongoStore) cachedOrg(ctx context.Context, id string) (*Organization, error) {
	c := &m.orgCache
	c.mu.Lock()
	if c.now == nil {
		c.now = time.Now
	}
	if now := c.now(); now.Sub(c.checked) >= orgCheckEvery {
		var d struct {
			N int64 `bson:"n"`
		}
		err := m.settings().FindOne(ctx, bson.D{{Key: "_id", Value: orgsVersionID}}).Decode(&d)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			c.mu.Unlock()
			return nil, mapErr(err, "Organization")
		}
		if d.N != c.version || c.orgs == nil || now.Sub(c.filled) >= orgCacheMax {
			c.orgs, c.version, c.filled = map[string]Organization{}, d.N, now
			c.gen++
		}
		c.checked = now
	}
	o, ok := c.orgs[id]
	gen := c.gen
	c.mu.Unlock()
	if ok {
		return cloneOrg(o), nil
	}
	got, err := m.getOrg(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.orgs != nil && c.gen == gen {
		c.orgs[id] = *cloneOrg(*got)
	}
	c.mu.Unlock()
	return got, nil
}

// orgsChanged empties this replica's cache and bumps the version for the
// others; every organization write calls it after writing.
func (m *mongoStore) orgsChanged(ctx context.Context) error {
	m.orgCache.mu.Lock()
	m.orgCache.orgs = nil
	m.orgCache.gen++
	m.orgCache.mu.Unlock()
	_, err := m.settings().UpdateOne(ctx, bson.D{{Key: "_id", Value: orgsVersionID}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}}, options.UpdateOne().SetUpsert(true))
	return mapErr(err, "Organization")
}

func cloneOrg(o Organization) *Organization {
	o.Domains, o.Competitors = slices.Clone(o.Domains), slices.Clone(o.Competitors)
	return &o
}
