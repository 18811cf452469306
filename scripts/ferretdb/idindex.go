package main

// FerretDB 1.24's SQLite backend pushes a find by _id down as
//   WHERE _ferretdb_sjson->'$._id' = ?
// but indexes _id as _ferretdb_sjson->"_id", an expression SQLite does not recognise as the same:
// EXPLAIN QUERY PLAN says SCAN, and a lookup by _id reads the table up to the document (0.4 s for
// the last of 100,000). This adds, to every collection table of every database file in the data
// folder, an index on the exact expression of that WHERE clause, so a lookup by _id is an index
// search. FerretDB knows nothing of these indexes (listIndexes does not show them); dropping a
// collection drops its table and them with it.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

const idExpr = `_ferretdb_sjson->'$._id'`

type idIndexer struct {
	dir string
	dbs map[string]*sql.DB
}

func newIDIndexer(dir string) *idIndexer {
	return &idIndexer{dir: dir, dbs: map[string]*sql.DB{}}
}

func (x *idIndexer) every(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := x.sweep(ctx); err != nil && ctx.Err() == nil {
				fmt.Fprintln(os.Stderr, "id index:", err)
			}
		}
	}
}

// sweep indexes the tables that lack the index, in every database file of the folder.
func (x *idIndexer) sweep(ctx context.Context) error {
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		return err
	}
	for _, file := range files {
		db, ok := x.dbs[file]
		if !ok {
			// The same settings as FerretDB's own connections: WAL, and waiting up to 10 s for a lock.
			db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)")
			if err != nil {
				return err
			}
			db.SetMaxOpenConns(1)
			x.dbs[file] = db
		}
		if err := x.indexTables(ctx, db); err != nil {
			return err
		}
	}
	return nil
}

func (x *idIndexer) indexTables(ctx context.Context, db *sql.DB) error {
	// Collection tables without our index (a table dropped and made again under the same name has none).
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE table_name NOT IN
		(SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = tbl_name || '_passerelle_id')`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database file FerretDB has not set up yet
		}
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, t+"_passerelle_id", t, idExpr)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile
			}
			return fmt.Errorf("%s: %w", t, err)
		}
	}
	return nil
}

func (x *idIndexer) close() {
	for _, db := range x.dbs {
		db.Close()
	}
}
