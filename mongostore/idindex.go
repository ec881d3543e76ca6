package mongostore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // the embedded FerretDB's own SQLite driver, to add the _id indexes it misses
)

// IndexIDs makes look-ups by _id use an index on the embedded database and
// reports how many indexes it created. FerretDB v1.24's SQLite backend
// indexes _id as `_ferretdb_sjson->"_id"` but looks it up as
// `_ferretdb_sjson->'$._id'`; SQLite uses an index only for the very
// expression it was built on, so every look-up by _id scanned the table
// until the document was found (~5 ms at the end of 1,000 documents, ~28 ms
// at 10,000; a miss read them all). This adds an index on the expression
// the look-ups use, to every collection of every database in the data
// directory. Idempotent; run it after collections were created (at start
// and in the sweep). A no-op on MongoDB.
func (s *Store) IndexIDs(ctx context.Context) (int, error) {
	if !s.Embedded || s.dir == "" {
		return 0, nil
	}
	files, err := filepath.Glob(filepath.Join(s.dir, "*.sqlite"))
	if err != nil {
		return 0, err
	}
	created := 0
	for _, f := range files {
		n, err := indexIDs(ctx, f)
		created += n
		if err != nil {
			return created, fmt.Errorf("mongostore: index _id in %s: %w", filepath.Base(f), err)
		}
	}
	return created, nil
}

func indexIDs(ctx context.Context, file string) (int, error) {
	if _, err := os.Stat(file); err != nil {
		return 0, nil // dropped meanwhile
	}
	// The same settings as FerretDB's pool: WAL, and waiting for its writers.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)")
	if err != nil {
		return 0, err
	}
	defer func() { _ = db.Close() }()
	db.SetMaxOpenConns(1)
	var meta int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_ferretdb_collections'`).Scan(&meta); err != nil || meta == 0 {
		return 0, err
	}
	rows, err := db.QueryContext(ctx, `SELECT m.table_name FROM _ferretdb_collections m
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = m.table_name || '_otm_id')`)
	if err != nil {
		return 0, err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			_ = rows.Close()
			return 0, err
		}
		tables = append(tables, t)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, err
	}
	n := 0
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (_ferretdb_sjson->'$._id')`, quoteIdent(t+"_otm_id"), quoteIdent(t))
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile
			}
			return n, err
		}
		n++
	}
	return n, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
