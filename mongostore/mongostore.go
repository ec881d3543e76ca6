// Package mongostore opens the platform's database: a real MongoDB when a URI is
// configured, otherwise an embedded FerretDB (SQLite handler) started in-process
// and reached through the same official driver over a loopback listener.
package mongostore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"

	otm "github.com/opentomentor/opentomentor"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
)

// DefaultDatabase is the database name used when the URI names none.
const DefaultDatabase = "opentomentor"

// Config says which database to open.
type Config struct {
	URI     string // a real MongoDB; empty starts the embedded server
	DataDir string // where the embedded server keeps its files
	Logger  *slog.Logger
}

// Store is an open database.
type Store struct {
	Client   *mongo.Client
	DB       *mongo.Database
	Embedded bool

	// Pool counts the driver's connections (metrics).
	Pool *PoolStats

	dir          string // the embedded database's files
	socketDir    string // the private directory of the embedded database's socket
	cancelFerret context.CancelFunc
	ferretDone   chan struct{}
}

// Open connects to the configured MongoDB or starts the embedded one.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if cfg.URI != "" {
		return connect(ctx, cfg.URI, false, logger)
	}
	if cfg.DataDir == "" {
		return nil, errors.New("mongostore: DataDir is required for the embedded database")
	}
	dir, err := filepath.Abs(filepath.Join(cfg.DataDir, "db"))
	if err != nil {
		return nil, fmt.Errorf("mongostore: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("mongostore: create data directory: %w", err)
	}
	// No TCP port: the embedded database answers on a Unix socket in a new
	// directory only this user may enter (0700), so no other local account can
	// read the data or forge a session. The directory is new on every start,
	// so no socket a killed process left behind gets in the way; such
	// leftovers are removed (removeStaleSockets).
	removeStaleSockets(os.TempDir(), time.Now())
	sockDir, err := os.MkdirTemp("", socketDirPrefix)
	if err != nil {
		return nil, fmt.Errorf("mongostore: create socket directory: %w", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: filepath.Join(sockDir, "mongodb.sock")},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/?_pragma=synchronous(normal)",
		Logger:    slog.New(&levelHandler{min: slog.LevelWarn, h: logger.With("component", "ferretdb").Handler()}),
	})
	if err != nil {
		_ = os.RemoveAll(sockDir)
		return nil, fmt.Errorf("mongostore: start embedded database: %w", err)
	}
	fctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(fctx)
	}()
	uri := f.MongoDBURI()
	// One connection: FerretDB's read-modify-write is not atomic across connections.
	s, err := connect(ctx, strings.TrimSuffix(uri, "/")+"/"+DefaultDatabase+"?maxPoolSize=1", true, logger)
	if err != nil {
		cancel()
		<-done
		_ = os.RemoveAll(sockDir)
		return nil, err
	}
	s.socketDir = sockDir
	s.cancelFerret = cancel
	s.ferretDone = done
	s.dir = dir
	if _, err := s.IndexIDs(ctx); err != nil {
		_ = s.Close(ctx)
		return nil, err
	}
	return s, nil
}

// socketDirPrefix names the directories of the embedded databases' sockets.
const socketDirPrefix = "otm-db-"

// removeStaleSockets removes the socket directories under dir that processes
// which stopped without Close (killed, or test binaries) left behind: older
// than a minute (a starting process may not listen yet) and with a socket
// nobody answers on. Best effort: errors are ignored.
func removeStaleSockets(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), socketDirPrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < time.Minute {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if c, err := net.DialTimeout("unix", filepath.Join(path, "mongodb.sock"), time.Second); err == nil {
			_ = c.Close() // in use
			continue
		}
		_ = os.RemoveAll(path)
	}
}

func connect(ctx context.Context, uri string, embedded bool, logger *slog.Logger) (*Store, error) {
	opts := options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second).SetTimeout(30 * time.Second)
	if embedded {
		opts.SetMaxPoolSize(1)
	} else {
		// A write is acknowledged once a majority of the replica set has
		// it (a failover cannot roll it back), and reads see only such
		// writes; a URI's own w= or readConcernLevel= wins.
		if !strings.Contains(uri, "w=") {
			opts.SetWriteConcern(writeconcern.Majority())
		}
		if !strings.Contains(uri, "readConcernLevel=") {
			opts.SetReadConcern(readconcern.Majority())
		}
	}
	pool := &PoolStats{}
	opts.SetPoolMonitor(&event.PoolMonitor{Event: pool.observe})
	var writes *writeGens
	if embedded {
		writes = &writeGens{}
		opts.SetMonitor(writes.monitor())
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongostore: connect: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := client.Ping(pctx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("mongostore: ping %s: %w", redact(uri), err)
	}
	name := DefaultDatabase
	if u, err := url.Parse(uri); err == nil && strings.Trim(u.Path, "/") != "" {
		name = strings.Trim(u.Path, "/")
	}
	shown := redact(uri)
	if embedded {
		shown = "(embedded, on a private Unix socket)"
	}
	logger.Info("database connected", "embedded", embedded, "database", name, "uri", shown)
	if embedded {
		gens.Store(client, writes)
	}
	return &Store{Client: client, DB: client.Database(name), Embedded: embedded, Pool: pool}, nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.Client.Ping(ctx, readpref.Primary())
}

// Close disconnects and, for the embedded server, stops it (client first, so the
// server stops at once).
func (s *Store) Close(ctx context.Context) error {
	err := s.Client.Disconnect(ctx)
	if errors.Is(err, mongo.ErrClientDisconnected) {
		err = nil
	}
	if s.cancelFerret != nil {
		s.cancelFerret()
		<-s.ferretDone
		_ = os.RemoveAll(s.socketDir)
	}
	return err
}

// MapErr maps driver errors to the application's codes: no document is
// ENOTFOUND, a duplicate key ECONFLICT; what names the object for messages.
func MapErr(err error, pkg, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return otm.Errorf(otm.ENOTFOUND, "%s not found.", what)
	case IsDuplicateKey(err):
		return otm.Refuse(otm.ECONFLICT, otm.RuleTaken, nil, "%s already exists.", what)
	}
	return fmt.Errorf("%s: %s: %w", pkg, what, err)
}

// IsDuplicateKey reports whether err is a duplicate-key error. FerretDB reports a
// duplicate raised by an update as a UNIQUE constraint failure, so both forms count.
func IsDuplicateKey(err error) bool {
	if err == nil {
		return false
	}
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// isFerretDB reports whether db is served by FerretDB (the embedded
// database), which answers buildInfo with its own version.
func isFerretDB(ctx context.Context, db *mongo.Database) bool {
	var info bson.M
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false
	}
	_, ok := info["ferretdbVersion"]
	return ok
}

// IsNotImplemented reports whether the server does not implement what err
// answers (the embedded FerretDB: TTL indexes, for one).
func IsNotImplemented(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 238 || ce.Name == "NotImplemented")
}

// redact hides credentials in a MongoDB URI for logs and error messages.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	if u.User != nil {
		u.User = url.User("***")
	}
	return u.String()
}

// levelHandler drops records below min; FerretDB is chatty at INFO.
type levelHandler struct {
	min slog.Level
	h   slog.Handler
}

func (l *levelHandler) Enabled(ctx context.Context, lvl slog.Level) bool {
	return lvl >= l.min && l.h.Enabled(ctx, lvl)
}

// Handle drops FerretDB's dumps of ordinary error responses: the header line
// of every dump, the endSessions the driver sends at disconnect, and
// duplicate keys (which callers expect and handle).
func (l *levelHandler) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "Response header:") {
		return nil
	}
	if strings.HasPrefix(r.Message, "Response message:") {
		for _, expected := range []string{"endSessions", "E11000", "duplicate key", "UNIQUE constraint failed"} {
			if strings.Contains(r.Message, expected) {
				return nil
			}
		}
	}
	return l.h.Handle(ctx, r)
}
func (l *levelHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return &levelHandler{min: l.min, h: l.h.WithAttrs(a)}
}
func (l *levelHandler) WithGroup(n string) slog.Handler {
	return &levelHandler{min: l.min, h: l.h.WithGroup(n)}
}

// Index is one index a query pattern needs.
type Index struct {
	C      *mongo.Collection
	Keys   bson.D
	Sparse bool // only documents that have the (first) field: {f: {$exists: true}} looks
	// Expire makes the server delete a document once the date in the
	// (first) field has passed (a TTL index).
	Expire bool
}

// EnsureIndexes creates the indexes (idempotent, one at a time: the
// embedded FerretDB fails on a batch when some exist). An option the
// server does not implement (the embedded database: sparse) leaves that
// index out: the embedded database looks up by _id only anyway, and its
// sweeps delete what a TTL index would.
func EnsureIndexes(ctx context.Context, ixs []Index) error {
	noTTL := map[*mongo.Database]bool{}
	for _, ix := range ixs {
		if ix.Expire {
			db := ix.C.Database()
			if _, asked := noTTL[db]; !asked {
				noTTL[db] = isFerretDB(ctx, db)
			}
			if noTTL[db] {
				continue // it has none; asking only fills its log with a NotImplemented dump
			}
		}
		m := mongo.IndexModel{Keys: ix.Keys, Options: options.Index()}
		if ix.Sparse {
			m.Options.SetSparse(true)
		}
		if ix.Expire {
			m.Options.SetExpireAfterSeconds(0)
		}
		if _, err := ix.C.Indexes().CreateOne(ctx, m); err != nil && !IsNotImplemented(err) {
			return fmt.Errorf("create index on %s: %w", ix.C.Name(), err)
		}
	}
	return nil
}

// PoolStats follows the driver's connection pool: connections open, in use,
// and the time spent waiting for one (the embedded database has one
// connection: waiting there is what slows pages down).
type PoolStats struct {
	open, inUse atomic.Int64
	waitNanos   atomic.Int64
	checkouts   atomic.Int64
}

func (p *PoolStats) observe(e *event.PoolEvent) {
	switch e.Type {
	case event.ConnectionCreated:
		p.open.Add(1)
	case event.ConnectionClosed:
		p.open.Add(-1)
	case event.ConnectionCheckedOut:
		p.inUse.Add(1)
		p.checkouts.Add(1)
		p.waitNanos.Add(int64(e.Duration))
	case event.ConnectionCheckedIn:
		p.inUse.Add(-1)
	}
}

// Open returns the connections open now.
func (p *PoolStats) Open() int64 { return p.open.Load() }

// InUse returns the connections checked out now.
func (p *PoolStats) InUse() int64 { return p.inUse.Load() }

// Waited returns how many connections were checked out and the total time
// spent waiting for them.
func (p *PoolStats) Waited() (int64, time.Duration) {
	return p.checkouts.Load(), time.Duration(p.waitNanos.Load())
}
