package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations[i] takes the schema from version i to version i+1; the version
// is kept in PRAGMA user_version. Migrations are only ever appended: a
// released one never changes.
var migrations = []string{
	// 1: workshops, participants, merged fields, blobs.
	`
CREATE TABLE workshops (
	id        TEXT PRIMARY KEY,
	join_code TEXT NOT NULL,
	secret    BLOB NOT NULL,
	created   TEXT NOT NULL,            -- RFC 3339 with nanoseconds, UTC
	seq       INTEGER NOT NULL DEFAULT 0 -- the cursor: newest seq of fields
) STRICT;

CREATE TABLE participants (
	workshop    TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	id          TEXT NOT NULL,
	secret_hash BLOB NOT NULL,
	PRIMARY KEY (workshop, id)
) STRICT, WITHOUT ROWID;

-- One row per (record, field): its winning value and clock, and the seq of
-- the write that made it win. value is BLOB and clock TEXT so that SQLite
-- compares them byte by byte, as replica.Wins does.
CREATE TABLE fields (
	workshop TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	record   TEXT NOT NULL,
	kind     TEXT NOT NULL,
	field    TEXT NOT NULL,
	value    BLOB NOT NULL,
	clock    TEXT NOT NULL,
	seq      INTEGER NOT NULL,
	PRIMARY KEY (workshop, record, field)
) STRICT;
CREATE UNIQUE INDEX fields_seq ON fields (workshop, seq);

-- A blob: partial while complete = 0, its bytes then held in blob_parts;
-- complete, its bytes in data.
CREATE TABLE blobs (
	workshop TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	hash     TEXT NOT NULL,
	size     INTEGER NOT NULL DEFAULT 0, -- bytes held
	complete INTEGER NOT NULL DEFAULT 0,
	data     BLOB,
	PRIMARY KEY (workshop, hash)
) STRICT;

CREATE TABLE blob_parts (
	workshop TEXT NOT NULL,
	hash     TEXT NOT NULL,
	start    INTEGER NOT NULL, -- offset of the part's first byte
	data     BLOB NOT NULL,
	PRIMARY KEY (workshop, hash, start),
	FOREIGN KEY (workshop, hash) REFERENCES blobs (workshop, hash) ON DELETE CASCADE
) STRICT;
`,
}

// migrate brings the database to the newest schema version in one write transaction.
// A database written by a newer version of this package is refused.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this program's %d: upgrade carnet", v, len(migrations))
	}
	for ; v < len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
		}
	}
	// PRAGMA takes no parameters; v is an int.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	return tx.Commit()
}
