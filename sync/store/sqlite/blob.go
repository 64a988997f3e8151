package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"carnet/sync/store"
)

// Blobs live in the database, keyed by workshop and hash. A partial blob
// keeps each write as one row of blob_parts, so that an upload resumes
// after a restart with all it had; CompleteBlob assembles the parts into
// the blob's row and drops them.

// blobState reads a blob's size and state inside tx; found is false when
// there is no such blob. A missing workshop is store.ErrNotFound.
func (s *Store) blobState(ctx context.Context, tx *sql.Tx, workshop, hash string) (size int64, complete, found bool, err error) {
	err = tx.StmtContext(ctx, s.blobOf).QueryRowContext(ctx, workshop, hash).Scan(&size, &complete)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, false, workshopExists(ctx, tx, workshop)
	}
	return size, complete, err == nil, err
}

// Blob returns how much of a blob is held: store.ErrNotFound when none, or
// when there is no such workshop.
func (s *Store) Blob(ctx context.Context, workshop, hash string) (store.Blob, error) {
	var b store.Blob
	err := s.r.QueryRowContext(ctx, `SELECT size, complete FROM blobs WHERE workshop = ? AND hash = ?`, workshop, hash).
		Scan(&b.Offset, &b.Complete)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.noBlob(ctx, workshop, hash)
	}
	if err != nil {
		return store.Blob{}, fmt.Errorf("blob %s of workshop %s: %w", hash, workshop, err)
	}
	return b, nil
}

// noBlob is the error for a blob that is not there: store.ErrNotFound, or
// the error of looking for the workshop.
func (s *Store) noBlob(ctx context.Context, workshop, hash string) error {
	if err := workshopExists(ctx, s.r, workshop); err != nil {
		return err
	}
	return store.ErrNotFound
}

// WriteBlob appends data at offset to a partial blob, creating it when
// offset is 0, and returns the new offset. An offset that is not the one
// held gets the held offset and an error wrapping store.ErrConflict; a
// complete blob gets its size and an error wrapping store.ErrExists. Bytes
// written are committed to disk before WriteBlob returns.
func (s *Store) WriteBlob(ctx context.Context, workshop, hash string, offset int64, data []byte) (int64, error) {
	var held int64
	err := s.write(ctx, fmt.Sprintf("write blob %s of workshop %s", hash, workshop), func(tx *sql.Tx) error {
		size, complete, found, err := s.blobState(ctx, tx, workshop, hash)
		if err != nil {
			return err
		}
		if err := store.CheckWrite(size, complete, offset); err != nil {
			held = size
			return err
		}
		if !found {
			if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (workshop, hash) VALUES (?, ?)`, workshop, hash); err != nil {
				return err
			}
		}
		held = offset
		if len(data) == 0 {
			return nil
		}
		if _, err := tx.StmtContext(ctx, s.addPart).ExecContext(ctx, workshop, hash, offset, data); err != nil {
			return err
		}
		held = offset + int64(len(data))
		_, err = tx.StmtContext(ctx, s.growBlob).ExecContext(ctx, held, workshop, hash)
		return err
	})
	return held, err
}

// PartialBlob returns the bytes of a partial blob so far: store.ErrNotFound
// when there is none, store.ErrExists when the blob is complete.
func (s *Store) PartialBlob(ctx context.Context, workshop, hash string) ([]byte, error) {
	data, err := s.partial(ctx, workshop, hash)
	if err != nil {
		return nil, fmt.Errorf("partial blob %s of workshop %s: %w", hash, workshop, err)
	}
	return data, nil
}

func (s *Store) partial(ctx context.Context, workshop, hash string) ([]byte, error) {
	// One read transaction: the parts and the state from one snapshot.
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var size int64
	var complete bool
	err = tx.QueryRowContext(ctx, `SELECT size, complete FROM blobs WHERE workshop = ? AND hash = ?`, workshop, hash).Scan(&size, &complete)
	if errors.Is(err, sql.ErrNoRows) {
		if err := workshopExists(ctx, tx, workshop); err != nil {
			return nil, err
		}
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if complete {
		return nil, fmt.Errorf("the blob is complete: %w", store.ErrExists)
	}
	return assemble(ctx, tx, workshop, hash, size)
}

// assemble concatenates the parts of a partial blob of size bytes.
func assemble(ctx context.Context, tx *sql.Tx, workshop, hash string, size int64) ([]byte, error) {
	rows, err := tx.QueryContext(ctx, `SELECT start, data FROM blob_parts WHERE workshop = ? AND hash = ? ORDER BY start`, workshop, hash)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]byte, 0, size)
	for rows.Next() {
		var start int64
		var part sql.RawBytes
		if err := rows.Scan(&start, &part); err != nil {
			return nil, err
		}
		if start != int64(len(out)) {
			return nil, fmt.Errorf("part at %d after %d bytes: the parts are damaged", start, len(out))
		}
		out = append(out, part...)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if int64(len(out)) != size {
		return nil, fmt.Errorf("parts hold %d bytes of %d: the parts are damaged", len(out), size)
	}
	return out, nil
}

// CompleteBlob marks a partial blob complete, assembling its parts. A blob
// already complete is left as it is; a missing one gets store.ErrNotFound.
func (s *Store) CompleteBlob(ctx context.Context, workshop, hash string) error {
	return s.write(ctx, fmt.Sprintf("complete blob %s of workshop %s", hash, workshop), func(tx *sql.Tx) error {
		size, complete, found, err := s.blobState(ctx, tx, workshop, hash)
		switch {
		case err != nil || complete:
			return err
		case !found:
			return store.ErrNotFound
		}
		data, err := assemble(ctx, tx, workshop, hash, size)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE blobs SET complete = 1, data = ? WHERE workshop = ? AND hash = ?`, data, workshop, hash); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM blob_parts WHERE workshop = ? AND hash = ?`, workshop, hash)
		return err
	})
}

// DropBlob deletes a partial or complete blob: store.ErrNotFound when there
// is none.
func (s *Store) DropBlob(ctx context.Context, workshop, hash string) error {
	return s.write(ctx, fmt.Sprintf("drop blob %s of workshop %s", hash, workshop), func(tx *sql.Tx) error {
		_, _, found, err := s.blobState(ctx, tx, workshop, hash)
		switch {
		case err != nil:
			return err
		case !found:
			return store.ErrNotFound
		}
		// blob_parts go with the blob (ON DELETE CASCADE).
		_, err = tx.ExecContext(ctx, `DELETE FROM blobs WHERE workshop = ? AND hash = ?`, workshop, hash)
		return err
	})
}

// ReadBlob returns a complete blob's bytes: store.ErrNotFound when there is
// none or it is not complete.
func (s *Store) ReadBlob(ctx context.Context, workshop, hash string) ([]byte, error) {
	var data []byte
	err := s.r.QueryRowContext(ctx, `SELECT data FROM blobs WHERE workshop = ? AND hash = ? AND complete = 1`, workshop, hash).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.noBlob(ctx, workshop, hash)
	}
	if err != nil {
		return nil, fmt.Errorf("read blob %s of workshop %s: %w", hash, workshop, err)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}
