// Package testenv gives tests a database: one embedded FerretDB per test binary
// (a fresh database per test), or a real MongoDB when OTM_TEST_MONGODB_URI is set.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/opentomentor/opentomentor/mongostore"
)

var (
	once    sync.Once
	store   *mongostore.Store
	openErr error
)

// shared opens the process-wide store. It is never closed: the test binary's
// exit ends it (FerretDB's files live in a temporary directory).
func shared() (*mongostore.Store, error) {
	once.Do(func() {
		cfg := mongostore.Config{URI: os.Getenv("OTM_TEST_MONGODB_URI"),
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
		if cfg.URI == "" {
			dir, err := os.MkdirTemp("", "otm-testdb-")
			if err != nil {
				openErr = err
				return
			}
			cfg.DataDir = dir
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		store, openErr = mongostore.Open(ctx, cfg)
	})
	return store, openErr
}

// DB returns a fresh, empty database for the test, dropped when it ends.
func DB(tb testing.TB) *mongo.Database {
	tb.Helper()
	s, err := shared()
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	db := s.Client.Database(fmt.Sprintf("t_%s", hex.EncodeToString(b)))
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
	})
	return db
}

// Store returns the shared store (for tests that need the client).
func Store(tb testing.TB) *mongostore.Store {
	tb.Helper()
	s, err := shared()
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	return s
}

// WaitFor polls cond until it holds and fails the test after 5 s: a
// deadline for something that must happen (another replica's change, a
// lease taken over), not a timing measurement.
func WaitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	tb.Fatalf("%s: not within 5 s", what)
}
