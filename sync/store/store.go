// Package store defines what the sync server needs from its storage, and
// storetest holds the one conformance suite every implementation passes.
// Implementations live below: sqlite (embedded, the default) and postgres.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"carnet/sync/replica"
)

// Sentinels callers act on; check them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	// ErrConflict: another device secret for a participant, or a blob
	// offset that is not the one the store holds.
	ErrConflict = errors.New("conflict")
)

// Workshop is what the server keeps about a workshop beside its records.
type Workshop struct {
	ID       string
	JoinCode string
	// Secret is the workshop's key: the server derives its tokens from it.
	Secret  []byte
	Created time.Time
}

// Participant is one joined participant: its id and the SHA-256 of the
// device secret it joined with.
type Participant struct {
	ID         string
	SecretHash []byte
}

// Check is called by Apply inside its transaction with a lookup of the
// stored records; it returns the single-field changes to store (values in
// compact JSON), typically from replica.CheckBatch.
type Check func(lookup replica.Lookup) ([]replica.Change, error)

// Page is one page of the changes stored after a cursor.
type Page struct {
	Changes []replica.Change // single-field, in store order
	Cursor  int64            // the cursor after the last change; since when empty
	More    bool             // more changes wait after Cursor
}

// Blob says how much of a blob a store holds.
type Blob struct {
	Offset   int64 // bytes held; the full size when Complete
	Complete bool
}

// Store keeps workshops, their records and their blobs. Cursors are per
// workshop, start at 0 (nothing) and only grow. All methods are safe for
// concurrent use; a workshop that does not exist gets ErrNotFound.
type Store interface {
	// CreateWorkshop stores w and merges records into it in one
	// transaction. ErrExists if the id is taken.
	CreateWorkshop(ctx context.Context, w Workshop, records []replica.Change) error
	// Workshop returns a workshop by id.
	Workshop(ctx context.Context, id string) (Workshop, error)
	// Join records participant p the first time and merges records with it,
	// in one transaction. The same id with the same secret hash is a no-op
	// (records are not merged again); another secret hash is ErrConflict.
	Join(ctx context.Context, workshop string, p Participant, records []replica.Change) error
	// Apply runs check with a lookup of the stored records, then merges
	// what it returns, all in one transaction that excludes other writers
	// of the workshop. Changes that lose to stored values are accepted and
	// change nothing. It returns the workshop's cursor after the write,
	// which moves only when some change won. An error from check is
	// returned (errors.Is finds it) and nothing is written; check is not
	// called for a workshop that does not exist.
	Apply(ctx context.Context, workshop string, check Check) (cursor int64, err error)
	// Changes returns up to limit changes stored after since, in store
	// order. Each (record, field) appears once at most, with its winning
	// value: a field overwritten later is returned at its later place.
	// With nothing new the page is empty and its Cursor is since.
	Changes(ctx context.Context, workshop string, since int64, limit int) (Page, error)
	// Cursor returns the workshop's newest cursor.
	Cursor(ctx context.Context, workshop string) (int64, error)

	// Blob returns how much of a blob is held: ErrNotFound when none.
	Blob(ctx context.Context, workshop, hash string) (Blob, error)
	// WriteBlob appends data at offset to a partial blob, creating it at
	// offset 0, and returns the new offset. An offset that is not the one
	// held gets ErrConflict with the held offset (0 when none is held; a
	// refused write creates nothing); a complete blob gets ErrExists with
	// its size. Empty data at offset 0 creates an empty partial blob.
	// Bytes written survive a restart.
	WriteBlob(ctx context.Context, workshop, hash string, offset int64, data []byte) (int64, error)
	// PartialBlob returns the bytes of a partial blob so far: ErrNotFound
	// when none, ErrExists when the blob is complete.
	PartialBlob(ctx context.Context, workshop, hash string) ([]byte, error)
	// CompleteBlob marks a partial blob complete; a complete blob stays as
	// it is. ErrNotFound when none.
	CompleteBlob(ctx context.Context, workshop, hash string) error
	// DropBlob deletes a partial or complete blob: ErrNotFound when none.
	// An upload of it starts again at offset 0.
	DropBlob(ctx context.Context, workshop, hash string) error
	// ReadBlob returns a complete blob's bytes; ErrNotFound when it is not
	// complete.
	ReadBlob(ctx context.Context, workshop, hash string) ([]byte, error)

	Close() error
}

// Watcher is an optional capability: a store shared by several servers
// (PostgreSQL) tells each of them when a workshop's cursor moves.
type Watcher interface {
	// Watch calls fn with the workshop id and new cursor after every write
	// by any server, until ctx ends.
	Watch(ctx context.Context, fn func(workshop string, cursor int64)) error
}

// Single returns changes as single-field changes, splitting grouped ones,
// and checks that each names a record, kind, field, value and clock: the
// form every backend stores. The error wraps replica.ErrInvalid.
func Single(changes []replica.Change) ([]replica.Change, error) {
	for _, c := range changes {
		if c.Grouped() {
			changes = replica.Ungroup(changes)
			break
		}
	}
	for i, c := range changes {
		if c.Record == "" || c.Kind == "" || c.Field == "" || len(c.Value) == 0 || c.Clock == "" {
			return nil, fmt.Errorf("change %d of record %q field %q: %w: record, kind, field, value and clock are required",
				i, c.Record, c.Field, replica.ErrInvalid)
		}
	}
	return changes, nil
}

// Rows is what ReadRecord reads: the rows of a query, as database/sql and
// pgx both give them.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ReadRecord builds the stored record id from rows of (kind, field, value,
// clock): nil when there are none.
func ReadRecord(id string, rows Rows) (*replica.Record, error) {
	var r *replica.Record
	for rows.Next() {
		var kind, field, clock string
		var value []byte
		if err := rows.Scan(&kind, &field, &value, &clock); err != nil {
			return nil, fmt.Errorf("look up record %s: %w", id, err)
		}
		if r == nil {
			r = replica.NewRecord(id, kind)
		}
		r.Fields[field] = replica.Value{Value: value, Clock: replica.Clock(clock)}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up record %s: %w", id, err)
	}
	return r, nil
}

// CheckWrite decides a WriteBlob at offset against a blob that holds size
// bytes: ErrExists when it is complete, ErrConflict when offset is not
// size. In both cases the writer answers with size as the held offset.
func CheckWrite(size int64, complete bool, offset int64) error {
	switch {
	case complete:
		return fmt.Errorf("the blob is complete, %d bytes: %w", size, ErrExists)
	case offset != size:
		return fmt.Errorf("offset %d is not the %d bytes held: %w", offset, size, ErrConflict)
	}
	return nil
}
