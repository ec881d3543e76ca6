package mongostore_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/mongostore"
)

// TestEmbeddedListensOnPrivateSocket: the embedded database has no TCP port;
// it answers on a Unix socket in a directory only this user may enter, which
// Close removes.
func TestEmbeddedListensOnPrivateSocket(t *testing.T) {
	ctx := context.Background()
	s, err := mongostore.Open(ctx, mongostore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	dir := mongostore.SocketDir(s)
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o700 {
		t.Errorf("socket directory mode: got %v, want -rwx------", got)
	}
	sock, err := os.Stat(filepath.Join(dir, "mongodb.sock"))
	if err != nil || sock.Mode()&os.ModeSocket == 0 {
		t.Errorf("socket: got %v, %v, want a Unix socket", sock, err)
	}
	if err := s.DB.Collection("probe").FindOne(ctx, map[string]any{"_id": "x"}).Err(); err != nil && !strings.Contains(err.Error(), "no documents") {
		t.Errorf("a command over the socket: %v", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("socket directory after Close: got %v, want it removed", err)
	}
}

// TestRemoveStaleSockets: a socket directory older than a minute whose socket
// nobody answers on is removed; a young one, one in use and other
// directories stay.
func TestRemoveStaleSockets(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	mk := func(name string, age time.Time) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "mongodb.sock"), nil, 0o600); err != nil { // no listener
			t.Fatal(err)
		}
		if err := os.Chtimes(p, age, age); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale, young, other := mk("otm-db-1", old), mk("otm-db-2", time.Now()), mk("other-1", old)
	live := filepath.Join(dir, "otm-db-3")
	if err := os.Mkdir(live, 0o700); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", filepath.Join(live, "mongodb.sock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	if err := os.Chtimes(live, old, old); err != nil {
		t.Fatal(err)
	}
	mongostore.RemoveStaleSockets(dir, time.Now())
	for _, tt := range []struct {
		path string
		want bool
	}{{stale, false}, {young, true}, {other, true}, {live, true}} {
		if _, err := os.Stat(tt.path); (err == nil) != tt.want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(tt.path), err == nil, tt.want)
		}
	}
}
