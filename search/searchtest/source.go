package searchtest

import (
	"context"
	"maps"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/opentomentor/opentomentor/search"
)

// Source is a search.Source over a map, for the engines' rebuild tests: each
// profile has a version, the version last marked indexed and, unless withdrawn, a
// document.
type Source struct {
	mu       sync.Mutex
	versions map[string]int64
	docs     map[string]*search.Document
	indexed  map[string]int64
	// OnAll, if set, is called after All reported id (outside the lock, so it may
	// call Set).
	OnAll func(id string)
}

// NewSource returns an empty Source.
func NewSource() *Source {
	return &Source{versions: map[string]int64{}, docs: map[string]*search.Document{}, indexed: map[string]int64{}}
}

// Set changes the profile id: its version grows; headline "" withdraws it.
func (s *Source) Set(id, headline string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.versions[id]++
	if headline == "" {
		delete(s.docs, id)
	} else {
		s.docs[id] = &search.Document{ID: id, Name: "Mentor " + id, Headline: headline}
	}
}

func (s *Source) Pending(ctx context.Context, limit int) ([]search.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []search.Change
	for _, id := range slices.Sorted(maps.Keys(s.versions)) {
		if s.indexed[id] < s.versions[id] && len(out) < limit {
			out = append(out, search.Change{ID: id, Version: s.versions[id], Doc: s.docs[id]})
		}
	}
	return out, nil
}

func (s *Source) MarkIndexed(ctx context.Context, id string, version int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.versions[id] == version {
		s.indexed[id] = version
	}
	return nil
}

func (s *Source) All(ctx context.Context, fn func(search.Change) error) error {
	s.mu.Lock()
	var all []search.Change
	for _, id := range slices.Sorted(maps.Keys(s.versions)) {
		all = append(all, search.Change{ID: id, Version: s.versions[id], Doc: s.docs[id]})
	}
	s.mu.Unlock()
	for _, ch := range all {
		if err := fn(ch); err != nil {
			return err
		}
		if s.OnAll != nil {
			s.OnAll(ch.ID)
		}
	}
	return nil
}

// PendingIDs returns the ids whose indexed version lags behind, in order.
func (s *Source) PendingIDs(tb testing.TB) []string {
	tb.Helper()
	pending, err := s.Pending(context.Background(), math.MaxInt)
	if err != nil {
		tb.Fatal(err)
	}
	var ids []string
	for _, ch := range pending {
		ids = append(ids, ch.ID)
	}
	return ids
}
