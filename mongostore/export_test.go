package mongostore

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
)

// PlanOfIDLookup returns SQLite's plan for the look-up by _id FerretDB runs
// on collection coll of database dbName (embedded only).
func PlanOfIDLookup(ctx context.Context, s *Store, dbName, coll string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(s.dir, dbName+".sqlite")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return "", err
	}
	defer func() { _ = db.Close() }()
	var table string
	if err := db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, coll).Scan(&table); err != nil {
		return "", err
	}
	rows, err := db.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM `+quoteIdent(table)+` WHERE _ferretdb_sjson->'$._id' = ?`, `"x"`)
	if err != nil {
		return "", err
	}
	defer func() { _ = rows.Close() }()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; "), rows.Err()
}

// Reloads reports how many times m read its whole collection.
func (m *Mirror[T]) Reloads() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reloads
}

// SocketDir returns the directory of the embedded database's socket.
func SocketDir(s *Store) string { return s.socketDir }

// RemoveStaleSockets is removeStaleSockets.
var RemoveStaleSockets = removeStaleSockets
