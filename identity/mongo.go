package identity

import (
	"context"
	"fmt"
	"slices"
	"time"

	otm "github.com/opentomentor/opentomentor"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/notify"
)

// mongoStore keeps users, organizations, sessions and login attempts. Hot
// look-ups go by natural _id (session: token hash; user: issuer+subject hash).
type mongoStore struct {
	db                              *mongo.Database
	users, sessions, logins, grants *mongo.Collection
	// pending marks the users given notes not yet delivered, so that the
	// sweep need not scan the users for them.
	pending *mongostore.Pending
	// single: this process is the embedded database's only user, which
	// scans for any filter but exactly {_id}; role changes are then checked
	// in the process under a per-user lock and written by _id alone.
	single bool
	locks  mongostore.Locks
}

func newMongoStore(db *mongo.Database) *mongoStore {
	return &mongoStore{
		db:       db,
		users:    db.Collection("users"),
		sessions: db.Collection("sessions"),
		logins:   db.Collection("login_attempts"),
		grants:   db.Collection("role_grants"),
		pending:  mongostore.NewPending(db, "users"),
	}
}

func (m *mongoStore) ensureIndexes(ctx context.Context) error {
	key := func(k string) bson.D { return bson.D{{Key: k, Value: 1}} }
	if err := mongostore.EnsureIndexes(ctx, []mongostore.Index{
		m.pending.Index(),
		{C: m.sessions, Keys: key("userId")},
		{C: m.sessions, Keys: key("lastSeenAt")}, // the sweep's idle sessions
		{C: m.users, Keys: key("email")},
		{C: m.users, Keys: key("roles")}, // the curators, the admins
		// The server deletes sessions and sign-in attempts once they
		// expire; the sweep deletes what idled out (and, on the embedded
		// database, which has no TTL indexes, everything).
		{C: m.sessions, Keys: key("expiresAt"), Expire: true},
		{C: m.logins, Keys: key("expiresAt"), Expire: true},
	}); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	return nil
}

func mapErr(err error, what string) error { return mongostore.MapErr(err, "identity", what) }

func findAll[T any](ctx context.Context, c *mongo.Collection, what string, filter any, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	return mongostore.FindAll[T](ctx, c, "identity", what, filter, opts...)
}

func (m *mongoStore) insertLoginAttempt(ctx context.Context, la *loginAttempt) error {
	_, err := m.logins.InsertOne(ctx, la)
	return mapErr(err, "Login attempt")
}

// takeLoginAttempt reads and deletes in one step, so a state is used once.
func (m *mongoStore) takeLoginAttempt(ctx context.Context, id string) (*loginAttempt, error) {
	var la loginAttempt
	err := m.logins.FindOneAndDelete(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&la)
	if err != nil {
		return nil, mapErr(err, "Login attempt")
	}
	return &la, nil
}

func (m *mongoStore) deleteExpiredLoginAttempts(ctx context.Context, now time.Time) error {
	_, err := m.logins.DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}})
	return mapErr(err, "Login attempts")
}

func (m *mongoStore) getUser(ctx context.Context, id string) (*User, error) {
	var u User
	if err := m.users.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&u); err != nil {
		return nil, mapErr(err, "User")
	}
	return &u, nil
}

func (m *mongoStore) putUser(ctx context.Context, u *User) error {
	_, err := m.users.ReplaceOne(ctx, bson.D{{Key: "_id", Value: u.ID}}, u, options.Replace().SetUpsert(true))
	return mapErr(err, "User")
}

func (m *mongoStore) insertSession(ctx context.Context, s *Session) error {
	_, err := m.sessions.InsertOne(ctx, s)
	return mapErr(err, "Session")
}

func (m *mongoStore) getSession(ctx context.Context, id string) (*Session, error) {
	var s Session
	if err := m.sessions.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&s); err != nil {
		return nil, mapErr(err, "Session")
	}
	return &s, nil
}

func (m *mongoStore) touchSession(ctx context.Context, id string, now time.Time) error {
	_, err := m.sessions.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "lastSeenAt", Value: now}}}})
	return mapErr(err, "Session")
}

func (m *mongoStore) deleteSession(ctx context.Context, id string) error {
	_, err := m.sessions.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr(err, "Session")
}

func (m *mongoStore) unsetIDTokens(ctx context.Context) error {
	_, err := m.sessions.UpdateMany(ctx, bson.D{{Key: "idToken", Value: bson.D{{Key: "$exists", Value: true}}}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "idToken", Value: ""}}}})
	return mapErr(err, "Sessions")
}

func (m *mongoStore) deleteUserSessions(ctx context.Context, userID string) error {
	_, err := m.sessions.DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}})
	return mapErr(err, "Sessions")
}

func (m *mongoStore) deleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) error {
	_, err := m.sessions.DeleteMany(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}},
		bson.D{{Key: "lastSeenAt", Value: bson.D{{Key: "$lt", Value: idleBefore}}}},
	}}})
	return mapErr(err, "Sessions")
}

type roleGrant struct {
	Email     string    `bson:"_id"`
	Roles     []string  `bson:"roles"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

func (m *mongoStore) getRoleGrant(ctx context.Context, email string) ([]string, error) {
	var g roleGrant
	if err := m.grants.FindOne(ctx, bson.D{{Key: "_id", Value: email}}).Decode(&g); err != nil {
		return nil, mapErr(err, "Role grant")
	}
	return g.Roles, nil
}

func (m *mongoStore) putRoleGrant(ctx context.Context, email string, roles []string, now time.Time) error {
	_, err := m.grants.ReplaceOne(ctx, bson.D{{Key: "_id", Value: email}}, roleGrant{Email: email, Roles: roles, UpdatedAt: now}, options.Replace().SetUpsert(true))
	return mapErr(err, "Role grant")
}

func (m *mongoStore) userSessions(ctx context.Context, userID string) ([]Session, error) {
	return findAll[Session](ctx, m.sessions, "Sessions", bson.D{{Key: "userId", Value: userID}}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}}))
}

func (m *mongoStore) deleteRoleGrant(ctx context.Context, email string) error {
	_, err := m.grants.DeleteOne(ctx, bson.D{{Key: "_id", Value: email}})
	return mapErr(err, "Role grant")
}

func (m *mongoStore) deleteUser(ctx context.Context, id string) error {
	_, err := m.users.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr(err, "User")
}

func (m *mongoStore) allSessions(ctx context.Context) ([]Session, error) {
	return findAll[Session](ctx, m.sessions, "Sessions", bson.D{})
}

func (m *mongoStore) setSessionRoles(ctx context.Context, id string, roles []string) error {
	_, err := m.sessions.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "roles", Value: roles}}}})
	return mapErr(err, "Session")
}

func (m *mongoStore) allUsers(ctx context.Context) ([]User, error) {
	return findAll[User](ctx, m.users, "Users", bson.D{})
}

func (m *mongoStore) setSessionOrg(ctx context.Context, id, orgID, orgName string, verified bool) error {
	_, err := m.sessions.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "orgId", Value: orgID}, {Key: "orgName", Value: orgName}, {Key: "orgVerified", Value: verified}}}})
	return mapErr(err, "Session")
}

// setUserOrgVerified sets whether the user counts as a member of their
// organization as verified (one atomic update of that field).
func (m *mongoStore) setUserOrgVerified(ctx context.Context, id string, verified bool) error {
	_, err := m.users.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "orgVerified", Value: verified}}}})
	return mapErr(err, "User")
}

// setUserRole adds role to or removes it from the user's roles in one atomic
// update (no read-modify-write: concurrent role changes and sign-ins keep
// each other's work); changed tells whether it did anything.
func (m *mongoStore) setUserRole(ctx context.Context, id, role string, held bool) (changed bool, err error) {
	if m.single {
		defer m.locks.Lock(id)()
	}
	res, err := m.users.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, roleUpdate(role, held))
	if err != nil {
		return false, mapErr(err, "User")
	}
	if res.MatchedCount == 0 {
		return false, otm.Errorf(otm.ENOTFOUND, "User not found.")
	}
	return res.ModifiedCount > 0, nil
}

// grantUserRole gives a user role together with the note that tells them,
// in one write (a crash cannot keep the role and lose the message); a user
// who held it already is left alone and gets no note.
//
// The user is marked as owing notes first; the sweep takes the mark off once
// the notes are delivered.
func (m *mongoStore) grantUserRole(ctx context.Context, id, role string, note notify.Note) (changed bool, err error) {
	update := bson.D{{Key: "$addToSet", Value: bson.D{{Key: "roles", Value: role}}}, {Key: "$push", Value: bson.D{{Key: "notes", Value: note}}}}
	if m.single {
		defer m.locks.Lock(id)()
		u, err := m.getUser(ctx, id)
		if err != nil {
			return false, err // ENOTFOUND
		}
		if slices.Contains(u.Roles, role) {
			return false, nil // held already
		}
		if _, err := m.pending.Mark(ctx, id); err != nil {
			return false, err
		}
		_, err = m.users.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
		return err == nil, mapErr(err, "User")
	}
	if _, err := m.pending.Mark(ctx, id); err != nil {
		return false, err
	}
	res, err := m.users.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "roles", Value: bson.D{{Key: "$ne", Value: role}}}}, update)
	if err != nil {
		return false, mapErr(err, "User")
	}
	if res.MatchedCount == 0 {
		if _, err := m.getUser(ctx, id); err != nil {
			return false, err // ENOTFOUND
		}
		return false, nil // held already
	}
	return true, nil
}

// userNotes returns the notes a user's record holds, each also as stored
// (to take exactly those off once delivered).
func (m *mongoStore) userNotes(ctx context.Context, id string) ([]notify.Note, []bson.Raw, error) {
	var d struct {
		Notes []bson.Raw `bson:"notes"`
	}
	if err := m.users.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "notes", Value: 1}})).Decode(&d); err != nil {
		return nil, nil, mapErr(err, "User")
	}
	notes := make([]notify.Note, 0, len(d.Notes))
	for _, raw := range d.Notes {
		var n notify.Note
		if err := bson.Unmarshal(raw, &n); err != nil {
			return nil, nil, fmt.Errorf("identity: a stored note: %w", err)
		}
		notes = append(notes, n)
	}
	return notes, d.Notes, nil
}

// dropUserNotes takes exactly the stored notes raw off a user's record (a
// note pushed meanwhile stays).
func (m *mongoStore) dropUserNotes(ctx context.Context, id string, raw []bson.Raw) error {
	vals := make(bson.A, 0, len(raw))
	for _, r := range raw {
		vals = append(vals, r)
	}
	_, err := m.users.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$pullAll", Value: bson.D{{Key: "notes", Value: vals}}}})
	return mapErr(err, "User")
}

// usersWithRole returns the ids of the users holding role.
func (m *mongoStore) usersWithRole(ctx context.Context, role string) ([]string, error) {
	return m.userIDs(ctx, bson.D{{Key: "roles", Value: role}})
}

// userIDs returns the ids of the users filter matches.
func (m *mongoStore) userIDs(ctx context.Context, filter bson.D) ([]string, error) {
	users, err := findAll[User](ctx, m.users, "User", filter, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(users))
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	return ids, nil
}

// setUserLang sets a user's language, by _id alone (a condition on the
// language made the embedded database read every user).
func (m *mongoStore) setUserLang(ctx context.Context, id, lang string) error {
	_, err := m.users.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "lang", Value: lang}}}})
	return mapErr(err, "User")
}

// setSessionRole does the same for one session.
func (m *mongoStore) setSessionRole(ctx context.Context, id, role string, held bool) error {
	_, err := m.sessions.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, roleUpdate(role, held))
	return mapErr(err, "Session")
}

func roleUpdate(role string, held bool) bson.D {
	if held {
		return bson.D{{Key: "$addToSet", Value: bson.D{{Key: "roles", Value: role}}}}
	}
	return bson.D{{Key: "$pullAll", Value: bson.D{{Key: "roles", Value: bson.A{role}}}}}
}
