package meili

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/searchtest"
)

// TestIndexMeilisearch runs the behaviour suite against a real Meilisearch (v1.15 or
// later) when OTM_MEILISEARCH_URL is set (OTM_MEILISEARCH_API_KEY if it needs a key).
// Every index it makes has a fresh uid and is deleted afterwards.
func TestIndexMeilisearch(t *testing.T) {
	url := os.Getenv("OTM_MEILISEARCH_URL")
	if url == "" {
		t.Skip("OTM_MEILISEARCH_URL not set: the behaviour suite runs against Bleve only; the adapter is covered by the httptest contract tests")
	}
	key := os.Getenv("OTM_MEILISEARCH_API_KEY")
	searchtest.Run(t, func(t *testing.T) search.Index {
		return openServer(t, url, key)
	})
}

func openServer(t *testing.T, url, key string) *Index {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	uid := "otm_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	x, err := Open(ctx, Config{URL: url, APIKey: key, IndexUID: uid})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		_ = x.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		ms := meilisearch.New(url, meilisearch.WithAPIKey(key))
		defer ms.Close()
		task, err := ms.DeleteIndex(ctx, uid)
		if err != nil {
			t.Errorf("delete index %s: %v", uid, err)
			return
		}
		if _, err := ms.WaitForTask(ctx, task.TaskUID, 20*time.Millisecond); err != nil {
			t.Errorf("delete index %s: %v", uid, err)
		}
	})
	return x
}
