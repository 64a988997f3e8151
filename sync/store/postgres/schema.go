package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations[i] takes the schema from version i to version i+1; the version
// is kept in carnet_schema. Migrations are only ever appended: a released
// one never changes.
var migrations = []string{
	// 1: workshops, participants, merged fields, blobs.
	`
CREATE TABLE workshops (
	id         text PRIMARY KEY,
	join_code  text NOT NULL,
	secret     bytea NOT NULL,
	created    timestamptz NOT NULL,          -- to the microsecond
	created_ns smallint NOT NULL DEFAULT 0,   -- the nanoseconds below it
	seq        bigint NOT NULL DEFAULT 0,     -- the cursor: newest seq of fields
	changed    timestamptz NOT NULL DEFAULT clock_timestamp() -- when seq last moved
);

CREATE TABLE participants (
	workshop    text NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	id          text NOT NULL,
	secret_hash bytea NOT NULL,
	PRIMARY KEY (workshop, id)
);

-- One row per (record, field): its winning value and clock, and the seq of
-- the write that made it win. value is bytea, not jsonb, to keep the exact
-- bytes (jsonb reorders keys and drops duplicates), and bytea compares
-- byte by byte as replica.Wins does; clock is text in the "C" collation so
-- that it too compares byte by byte, whatever the database's locale.
CREATE TABLE fields (
	workshop text NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	record   text NOT NULL,
	kind     text NOT NULL,
	field    text NOT NULL,
	value    bytea NOT NULL,
	clock    text COLLATE "C" NOT NULL,
	seq      bigint NOT NULL,
	PRIMARY KEY (workshop, record, field)
);
CREATE UNIQUE INDEX fields_seq ON fields (workshop, seq);

-- A blob: partial while complete is false, its bytes then held in
-- blob_parts; complete, its bytes in data.
CREATE TABLE blobs (
	workshop text NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	hash     text NOT NULL,
	size     bigint NOT NULL DEFAULT 0, -- bytes held
	complete boolean NOT NULL DEFAULT false,
	data     bytea,
	PRIMARY KEY (workshop, hash)
);

CREATE TABLE blob_parts (
	workshop text NOT NULL,
	hash     text NOT NULL,
	start    bigint NOT NULL, -- offset of the part's first byte
	data     bytea NOT NULL,
	PRIMARY KEY (workshop, hash, start),
	FOREIGN KEY (workshop, hash) REFERENCES blobs (workshop, hash) ON DELETE CASCADE
);

-- Photos are JPEG, PNG or WebP: already compressed, so TOAST keeps them
-- out of line without trying to compress them again.
ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL;
ALTER TABLE blob_parts ALTER COLUMN data SET STORAGE EXTERNAL;
`,
}

// migrateLock is the key of the advisory lock that serializes migrations:
// servers started together migrate one after the other.
const migrateLock = 0x6361726e6574 // "carnet"

// migrate brings the database to the newest schema version in one
// transaction. A database written by a newer version of this package is
// refused.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginTxFunc(ctx, pool, readCommitted, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
			return fmt.Errorf("lock schema: %w", err)
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS carnet_schema (
			one     boolean PRIMARY KEY DEFAULT true CHECK (one),
			version integer NOT NULL
		)`)
		if err != nil {
			return fmt.Errorf("create schema version table: %w", err)
		}
		var v int
		err = tx.QueryRow(ctx, `SELECT version FROM carnet_schema`).Scan(&v)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			v = 0
		case err != nil:
			return fmt.Errorf("read schema version: %w", err)
		}
		if v > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this program's %d: upgrade carnet", v, len(migrations))
		}
		if v == len(migrations) {
			return nil
		}
		for ; v < len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO carnet_schema (version) VALUES ($1)
			ON CONFLICT (one) DO UPDATE SET version = excluded.version`, v)
		if err != nil {
			return fmt.Errorf("set schema version: %w", err)
		}
		return nil
	})
}
