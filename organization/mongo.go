package organization

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opentomentor/opentomentor/mongostore"
)

// versionID is the settings document every write to an organization bumps,
// so that every replica's cache notices.
const versionID = "organizations_version"

// checkEvery is how long a replica trusts its cached organizations before it
// reads the version again: an admin's change on another replica reaches the
// rules within this time; on this replica at once.
const checkEvery = time.Second

// cacheMax is how long cached organizations are kept whatever the version
// says: a change whose version bump failed (a crash between the two writes)
// reaches every replica within this time.
const cacheMax = 30 * time.Second

// Store keeps the organizations in the database (collection
// "organizations") and caches them for Cached.
type Store struct {
	c, settings *mongo.Collection
	cache       cache
}

// cache keeps organizations as the conflict rules read them (suggestions
// look up one per candidate). It is emptied when the version document
// changes, checked at most every checkEvery, and after cacheMax.
type cache struct {
	mu      sync.Mutex
	orgs    map[string]Organization
	version int64
	gen     int // bumped at every emptying: a read that began before must not fill the new cache
	checked time.Time
	filled  time.Time // when the cache was last emptied and started anew
	now     func() time.Time
}

// NewStore returns the organizations of db.
func NewStore(db *mongo.Database) *Store {
	return &Store{c: db.Collection("organizations"), settings: db.Collection("settings")}
}

func mapErr(err error) error { return mongostore.MapErr(err, "organization", "Organization") }

// EnsureIndexes creates the index of the look-up by domain.
func (m *Store) EnsureIndexes(ctx context.Context) error {
	return mongostore.EnsureIndexes(ctx, []mongostore.Index{{C: m.c, Keys: bson.D{{Key: "domains", Value: 1}}}})
}

// Get returns an organization from the database. Errors: ENOTFOUND.
func (m *Store) Get(ctx context.Context, id string) (*Organization, error) {
	var o Organization
	if err := m.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&o); err != nil {
		return nil, mapErr(err)
	}
	return &o, nil
}

// ByDomain returns the organization that has the e-mail domain. Errors:
// ENOTFOUND.
func (m *Store) ByDomain(ctx context.Context, domain string) (*Organization, error) {
	var o Organization
	if err := m.c.FindOne(ctx, bson.D{{Key: "domains", Value: domain}}).Decode(&o); err != nil {
		return nil, mapErr(err)
	}
	return &o, nil
}

// Ensure inserts o unless an organization with its id exists, and returns
// the stored one and whether this call created it. An existing organization
// is never overwritten (admins own it).
func (m *Store) Ensure(ctx context.Context, o *Organization) (*Organization, bool, error) {
	res, err := m.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: o.ID}}, bson.D{{Key: "$setOnInsert", Value: o}}, options.UpdateOne().SetUpsert(true))
	if err != nil && !mongostore.IsDuplicateKey(err) {
		return nil, false, mapErr(err)
	}
	created := err == nil && res.UpsertedCount > 0
	if created {
		if err := m.changed(ctx); err != nil {
			return nil, false, err
		}
	}
	stored, err := m.Get(ctx, o.ID)
	return stored, created, err
}

// Put writes o whole.
func (m *Store) Put(ctx context.Context, o *Organization) error {
	if _, err := m.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: o.ID}}, o, options.Replace().SetUpsert(true)); err != nil {
		return mapErr(err)
	}
	return m.changed(ctx)
}

// Insert writes a new organization. Errors: ECONFLICT (the id is taken).
func (m *Store) Insert(ctx context.Context, o *Organization) error {
	if _, err := m.c.InsertOne(ctx, o); err != nil {
		return mapErr(err)
	}
	return m.changed(ctx)
}

// All returns every organization.
func (m *Store) All(ctx context.Context) ([]Organization, error) {
	return mongostore.FindAll[Organization](ctx, m.c, "organization", "Organizations", bson.D{})
}

// SetCompetitor adds or removes other in organization id's competitors.
func (m *Store) SetCompetitor(ctx context.Context, id, other string, on bool) error {
	op := "$addToSet"
	val := any(other)
	if !on {
		op, val = "$pullAll", bson.A{other}
	}
	if _, err := m.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: op, Value: bson.D{{Key: "competitors", Value: val}}}}); err != nil {
		return mapErr(err)
	}
	return m.changed(ctx)
}

// Delete removes an organization.
func (m *Store) Delete(ctx context.Context, id string) error {
	if _, err := m.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return mapErr(err)
	}
	return m.changed(ctx)
}

// Cached returns the organization id through the cache, reading it on a
// miss: a change made on another replica shows within a second (checkEvery),
// one made here at once. The caller may change its copy. Errors: ENOTFOUND.
func (m *Store) Cached(ctx context.Context, id string) (*Organization, error) {
	c := &m.cache
	c.mu.Lock()
	if c.now == nil {
		c.now = time.Now
	}
	if now := c.now(); now.Sub(c.checked) >= checkEvery {
		var d struct {
			N int64 `bson:"n"`
		}
		err := m.settings.FindOne(ctx, bson.D{{Key: "_id", Value: versionID}}).Decode(&d)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			c.mu.Unlock()
			return nil, mapErr(err)
		}
		if d.N != c.version || c.orgs == nil || now.Sub(c.filled) >= cacheMax {
			c.orgs, c.version, c.filled = map[string]Organization{}, d.N, now
			c.gen++
		}
		c.checked = now
	}
	o, ok := c.orgs[id]
	gen := c.gen
	c.mu.Unlock()
	if ok {
		return clone(o), nil
	}
	got, err := m.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.orgs != nil && c.gen == gen {
		c.orgs[id] = *clone(*got)
	}
	c.mu.Unlock()
	return got, nil
}

// changed empties this replica's cache and bumps the version for the
// others; every write calls it after writing.
func (m *Store) changed(ctx context.Context) error {
	m.cache.mu.Lock()
	m.cache.orgs = nil
	m.cache.gen++
	m.cache.mu.Unlock()
	_, err := m.settings.UpdateOne(ctx, bson.D{{Key: "_id", Value: versionID}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}}, options.UpdateOne().SetUpsert(true))
	return mapErr(err)
}
