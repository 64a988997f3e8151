package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"carnet/sync/store"
)

// Blobs live in the database, keyed by workshop and hash. A partial blob
// keeps each write as one row of blob_parts, so that an upload resumes
// after a restart, or on another server, with all it had; CompleteBlob
// assembles the parts into the blob's row and drops them. Writers of one
// blob take its row's lock, so that two servers never append at once.

// blobOp names an operation on a blob, for errors.
func blobOp(op, workshop, hash string) string {
	return fmt.Sprintf("%s blob %s of workshop %s", op, hash, workshop)
}

// lockBlob locks a blob's row until the end of tx and returns its size and
// state; found is false when there is no such blob. A missing workshop is
// store.ErrNotFound.
func lockBlob(ctx context.Context, tx pgx.Tx, workshop, hash string) (size int64, complete, found bool, err error) {
	err = tx.QueryRow(ctx, `SELECT size, complete FROM blobs WHERE workshop = $1 AND hash = $2 FOR UPDATE`, workshop, hash).
		Scan(&size, &complete)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, false, workshopExists(ctx, tx, workshop)
	}
	return size, complete, err == nil, err
}

// noBlob is the error for a blob that is not there: store.ErrNotFound,
// wrapped with the workshop's when the workshop is missing too.
func (s *Store) noBlob(ctx context.Context, workshop string) error {
	if err := workshopExists(ctx, s.pool, workshop); err != nil {
		return err
	}
	return store.ErrNotFound
}

// Blob returns how much of a blob is held: store.ErrNotFound when none, or
// when there is no such workshop.
func (s *Store) Blob(ctx context.Context, workshop, hash string) (store.Blob, error) {
	var b store.Blob
	err := s.pool.QueryRow(ctx, `SELECT size, complete FROM blobs WHERE workshop = $1 AND hash = $2`, workshop, hash).
		Scan(&b.Offset, &b.Complete)
	if errors.Is(err, pgx.ErrNoRows) {
		err = s.noBlob(ctx, workshop)
	}
	if err != nil {
		return store.Blob{}, fmt.Errorf("%s: %w", blobOp("stat", workshop, hash), err)
	}
	return b, nil
}

// WriteBlob appends data at offset to a partial blob, creating it when
// offset is 0, and returns the new offset. An offset that is not the one
// held gets the held offset and an error wrapping store.ErrConflict; a
// complete blob gets its size and an error wrapping store.ErrExists; an
// unknown workshop gets store.ErrNotFound. Bytes written are committed
// before WriteBlob returns.
func (s *Store) WriteBlob(ctx context.Context, workshop, hash string, offset int64, data []byte) (int64, error) {
	var held int64
	err := s.write(ctx, blobOp("write", workshop, hash), func(tx pgx.Tx) error {
		held = 0
		if offset == 0 {
			if err := workshopExists(ctx, tx, workshop); err != nil {
				return err
			}
			// Another server may be making it too: the lock below
			// then waits for it.
			_, err := tx.Exec(ctx, `INSERT INTO blobs (workshop, hash) VALUES ($1, $2) ON CONFLICT DO NOTHING`, workshop, hash)
			if err != nil {
				return err
			}
		}
		size, complete, _, err := lockBlob(ctx, tx, workshop, hash)
		if err != nil {
			return err
		}
		if err := store.CheckWrite(size, complete, offset); err != nil {
			held = size
			return err
		}
		held = offset
		if len(data) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO blob_parts (workshop, hash, start, data) VALUES ($1, $2, $3, $4)`,
			workshop, hash, offset, data); err != nil {
			return err
		}
		end := offset + int64(len(data))
		if _, err := tx.Exec(ctx, `UPDATE blobs SET size = $3 WHERE workshop = $1 AND hash = $2`, workshop, hash, end); err != nil {
			return err
		}
		held = end
		return nil
	})
	return held, err
}

// assembleSQL returns the parts of a partial blob end to end, and how
// many bytes the blob says it holds. Parts are only ever appended at the
// blob's size under its lock, so their bytes are the blob's when their
// length is its size.
const assembleSQL = `
SELECT b.size, b.complete, CASE WHEN b.complete THEN NULL ELSE coalesce(
	(SELECT string_agg(p.data, ''::bytea ORDER BY p.start) FROM blob_parts p
		WHERE p.workshop = b.workshop AND p.hash = b.hash), ''::bytea) END
FROM blobs b WHERE b.workshop = $1 AND b.hash = $2`

// PartialBlob returns the bytes of a partial blob so far: store.ErrNotFound
// when there is none, store.ErrExists when the blob is complete.
func (s *Store) PartialBlob(ctx context.Context, workshop, hash string) ([]byte, error) {
	// One statement: the parts and the state from one snapshot.
	data, err := assemble(ctx, s.pool, workshop, hash)
	if errors.Is(err, pgx.ErrNoRows) {
		err = s.noBlob(ctx, workshop)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", blobOp("read partial", workshop, hash), err)
	}
	return data, nil
}

// assemble returns the bytes of a partial blob: pgx.ErrNoRows when there is
// none, store.ErrExists when it is complete.
func assemble(ctx context.Context, q querier, workshop, hash string) ([]byte, error) {
	var size int64
	var complete bool
	var data []byte
	if err := q.QueryRow(ctx, assembleSQL, workshop, hash).Scan(&size, &complete, &data); err != nil {
		return nil, err
	}
	if complete {
		return nil, fmt.Errorf("the blob is complete: %w", store.ErrExists)
	}
	if int64(len(data)) != size {
		return nil, fmt.Errorf("parts hold %d bytes of %d: the parts are damaged", len(data), size)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

// CompleteBlob marks a partial blob complete, assembling its parts. A blob
// already complete is left as it is; a missing one gets store.ErrNotFound.
func (s *Store) CompleteBlob(ctx context.Context, workshop, hash string) error {
	return s.write(ctx, blobOp("complete", workshop, hash), func(tx pgx.Tx) error {
		size, complete, found, err := lockBlob(ctx, tx, workshop, hash)
		switch {
		case err != nil || complete:
			return err
		case !found:
			return store.ErrNotFound
		}
		// The bytes stay in the database: assembled there, checked by
		// their length.
		var n int64
		err = tx.QueryRow(ctx, `
			UPDATE blobs b SET complete = true, data = a.data
			FROM (SELECT coalesce(string_agg(data, ''::bytea ORDER BY start), ''::bytea) AS data
				FROM blob_parts WHERE workshop = $1 AND hash = $2) a
			WHERE b.workshop = $1 AND b.hash = $2
			RETURNING length(b.data)`, workshop, hash).Scan(&n)
		if err != nil {
			return err
		}
		if n != size {
			return fmt.Errorf("parts hold %d bytes of %d: the parts are damaged", n, size)
		}
		_, err = tx.Exec(ctx, `DELETE FROM blob_parts WHERE workshop = $1 AND hash = $2`, workshop, hash)
		return err
	})
}

// DropBlob deletes a partial or complete blob: store.ErrNotFound when there
// is none.
func (s *Store) DropBlob(ctx context.Context, workshop, hash string) error {
	// blob_parts go with the blob (ON DELETE CASCADE).
	tag, err := s.pool.Exec(ctx, `DELETE FROM blobs WHERE workshop = $1 AND hash = $2`, workshop, hash)
	if err == nil && tag.RowsAffected() == 0 {
		err = s.noBlob(ctx, workshop)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", blobOp("drop", workshop, hash), err)
	}
	return nil
}

// ReadBlob returns a complete blob's bytes: store.ErrNotFound when there is
// none or it is not complete.
func (s *Store) ReadBlob(ctx context.Context, workshop, hash string) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM blobs WHERE workshop = $1 AND hash = $2 AND complete`, workshop, hash).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		err = s.noBlob(ctx, workshop)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", blobOp("read", workshop, hash), err)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}
