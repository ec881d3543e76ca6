package mongostore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
