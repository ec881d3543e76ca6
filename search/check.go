package search

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"time"

	otm "github.com/opentomentor/opentomentor"
)

// Drift is how an index differs from the database (see Check). All id lists are
// sorted.
type Drift struct {
	Missing []string // public in the database, absent from the index
	Stale   []string // in the index with other content than the database's
	Orphans []string // in the index, but unknown to the database or not public
	Checked int      // profiles the database reported
}

// InSync reports whether no drift was found.
func (d Drift) InSync() bool {
	return len(d.Missing) == 0 && len(d.Stale) == 0 && len(d.Orphans) == 0
}

// Check compares idx with src without changing either: every profile Source.All
// reports is looked up with Index.Get and its public document compared with the
// indexed one (a profile whose document fails Document.Validate counts as not
// public, as the indexer keeps it out). If idx implements IDLister, every indexed
// id the database does not report as public is an orphan; otherwise only profiles
// the database reports as not public are looked up, and documents of erased
// profiles go unnoticed.
//
// Changes written while Check runs, or still pending in the outbox, show up as
// drift; run it while the indexer is idle (Indexer.Check holds off syncs) and
// repair drift with a rebuild. Errors: the first error of the source or the index.
func Check(ctx context.Context, src Source, idx Index) (Drift, error) {
	var d Drift
	public := make(map[string]struct{})
	_, lister := idx.(IDLister)
	err := src.All(ctx, func(ch Change) error {
		if ch.ID == "" {
			return nil
		}
		d.Checked++
		var want *Document
		if ch.Doc != nil {
			doc := *ch.Doc
			doc.ID = ch.ID
			if doc.Validate() == nil {
				want = &doc
			}
		}
		if want == nil && lister {
			return nil // orphans are found by listing the index
		}
		got, err := idx.Get(ctx, ch.ID)
		switch {
		case otm.ErrorCode(err) == otm.ENOTFOUND:
			got = nil
		case err != nil:
			return fmt.Errorf("get %s: %w", ch.ID, err)
		}
		switch {
		case want == nil && got != nil:
			d.Orphans = append(d.Orphans, ch.ID)
		case want == nil:
		case got == nil:
			d.Missing = append(d.Missing, ch.ID)
			public[ch.ID] = struct{}{}
		default:
			if !sameDocument(*want, *got) {
				d.Stale = append(d.Stale, ch.ID)
			}
			public[ch.ID] = struct{}{}
		}
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("search: check: %w", err)
	}
	if l, ok := idx.(IDLister); ok {
		err := l.IDs(ctx, func(id string) error {
			if _, ok := public[id]; !ok {
				d.Orphans = append(d.Orphans, id)
			}
			return nil
		})
		if err != nil {
			return d, fmt.Errorf("search: check: list ids: %w", err)
		}
	}
	slices.Sort(d.Missing)
	slices.Sort(d.Stale)
	slices.Sort(d.Orphans)
	d.Orphans = slices.Compact(d.Orphans)
	return d, nil
}

// sameDocument reports whether a and b have the same content as far as an index
// can keep it: PublishedAt is compared as an instant (an engine keeps neither the
// time zone nor a monotonic clock reading) and an empty list equals a nil one.
func sameDocument(a, b Document) bool {
	if !a.PublishedAt.Equal(b.PublishedAt) {
		return false
	}
	a.PublishedAt, b.PublishedAt = time.Time{}, time.Time{}
	return reflect.DeepEqual(canonical(a), canonical(b))
}

// canonical returns d with empty slices set to nil.
func canonical(d Document) Document {
	v := reflect.ValueOf(&d).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Slice && f.Len() == 0 && f.CanSet() {
			f.SetZero()
		}
	}
	return d
}
