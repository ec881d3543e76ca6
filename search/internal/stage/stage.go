// Package stage holds what the engines' staged indexes (search.Staged) share.
package stage

import (
	"context"
	"sync"

	otm "github.com/opentomentor/opentomentor"
)

// BeginWrite takes the read lock of mu, which guards done, for a write to a staged
// index; release with mu.RUnlock. It fails if ctx has ended, or with ECONFLICT if
// done reports that the rebuild has ended. Commit and Abort take the write lock, so
// they wait for the writes running.
func BeginWrite(ctx context.Context, mu *sync.RWMutex, done *bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	mu.RLock()
	if *done {
		mu.RUnlock()
		return otm.Errorf(otm.ECONFLICT, "The search index rebuild has ended.")
	}
	return nil
}
