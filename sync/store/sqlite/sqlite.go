package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"carnet/sync/replica"
	"carnet/sync/store"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store in one SQLite file. It is safe for concurrent use.
//
// All writes go through one connection, so they are serialized in the
// process, and each runs in one BEGIN IMMEDIATE transaction, so they are
// serialized with any other process that writes the file. Reads use a pool
// of other connections and, the file being in WAL mode, run while a write is
// in progress; they see only committed transactions.
type Store struct {
	w *sql.DB // exactly one connection: the writer
	r *sql.DB // readers

	// Prepared on w.
	seqOf    *sql.Stmt   // a workshop's cursor
	setSeq   *sql.Stmt   // set a workshop's cursor
	maxSeq   *sql.Stmt   // the newest seq among a workshop's fields
	lookup   *sql.Stmt   // one record's fields
	upserts  []*sql.Stmt // upserts[i] merges batches[i] rows at once
	blobOf   *sql.Stmt   // a blob's size and state, for writing
	addPart  *sql.Stmt
	growBlob *sql.Stmt

	// Prepared on r.
	changes *sql.Stmt
	cursor  *sql.Stmt

	closeOnce sync.Once
	closeErr  error
}

// batches are the row counts of the prepared multi-row upserts, largest
// first: Apply writes n changes with as few statements as these allow. 64
// rows bind 448 parameters, well below SQLite's limit of 32766.
var batches = []int{64, 8, 1}

const (
	// busyTimeout bounds the wait for a lock held by another process that
	// opened the file (a CLI export while the server runs, say).
	busyTimeout = 10 * time.Second
	// readers is the number of reading connections.
	readers = 4
)

// Open opens the store in the SQLite file at path, creating the file and
// its folder when missing, and brings its schema to the newest version.
// The file is put in WAL mode. A file written by a newer version of this
// package is refused.
func Open(path string) (*Store, error) {
	s, err := open(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

func open(path string) (_ *Store, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, err
	}
	ctx := context.Background()
	s := &Store{}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()

	s.w, err = sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		return nil, err
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return nil, err
	}
	if !strings.EqualFold(mode, "wal") {
		return nil, fmt.Errorf("journal mode is %q, not wal: is the file on a local file system?", mode)
	}
	if err := migrate(ctx, s.w); err != nil {
		return nil, err
	}

	s.r, err = sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		return nil, err
	}
	s.r.SetMaxOpenConns(readers)
	s.r.SetMaxIdleConns(readers)

	prep := func(db *sql.DB, q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = db.PrepareContext(ctx, q)
		if err != nil {
			err = fmt.Errorf("prepare %q: %w", q, err)
		}
		return st
	}
	s.seqOf = prep(s.w, `SELECT seq FROM workshops WHERE id = ?`)
	s.setSeq = prep(s.w, `UPDATE workshops SET seq = ? WHERE id = ?`)
	s.maxSeq = prep(s.w, `SELECT coalesce(max(seq), 0) FROM fields WHERE workshop = ?`)
	s.lookup = prep(s.w, `SELECT kind, field, value, clock FROM fields WHERE workshop = ? AND record = ?`)
	for _, n := range batches {
		s.upserts = append(s.upserts, prep(s.w, upsertSQL(n)))
	}
	s.blobOf = prep(s.w, `SELECT size, complete FROM blobs WHERE workshop = ? AND hash = ?`)
	s.addPart = prep(s.w, `INSERT INTO blob_parts (workshop, hash, start, data) VALUES (?, ?, ?, ?)`)
	s.growBlob = prep(s.w, `UPDATE blobs SET size = ? WHERE workshop = ? AND hash = ?`)
	s.changes = prep(s.r, `SELECT record, kind, field, value, clock, seq FROM fields
		WHERE workshop = ? AND seq > ? ORDER BY seq LIMIT ?`)
	s.cursor = prep(s.r, `SELECT seq FROM workshops WHERE id = ?`)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// dsn returns the data source name of the file at abs for the writer or for
// a reader. synchronous=FULL makes every commit durable on disk before the
// call that made it returns, even across a power loss: a phone forgets the
// changes the server has acknowledged, so the server must not.
func dsn(abs string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if writer {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "cache_size(-16000)") // 16 MB
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}
	return u.String()
}

// upsertSQL merges n rows into fields under the merge rule: a row replaces
// the stored one only when its clock is greater, or equal with a greater
// value as bytes (replica.Wins); the kind of a stored record never changes.
func upsertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO fields (workshop, record, kind, field, value, clock, seq) VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?)")
	}
	b.WriteString(` ON CONFLICT (workshop, record, field) DO UPDATE
		SET value = excluded.value, clock = excluded.clock, seq = excluded.seq
		WHERE excluded.clock > fields.clock
			OR (excluded.clock = fields.clock AND excluded.value > fields.value)`)
	return b.String()
}

// Close closes the store. Call it once no other call is running: calls
// after Close fail. Closing twice is harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		if s.w != nil {
			// Ask SQLite to refresh its statistics where they are stale.
			_, _ = s.w.Exec("PRAGMA optimize")
			errs = append(errs, s.w.Close())
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("close store: %w", err)
		}
	})
	return s.closeErr
}

// write runs fn in one write transaction and commits it, or rolls it back
// when fn fails. Errors are wrapped with op.
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	// Rolls back when fn fails, or panics: the writer connection must never
	// stay held. After Commit it does nothing.
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", op, err)
	}
	return nil
}

// seq returns the cursor of workshop inside tx: ErrNotFound when there is
// no such workshop.
func (s *Store) seq(ctx context.Context, tx *sql.Tx, workshop string) (int64, error) {
	var seq int64
	err := tx.StmtContext(ctx, s.seqOf).QueryRowContext(ctx, workshop).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("workshop %s: %w", workshop, store.ErrNotFound)
	}
	return seq, err
}

// CreateWorkshop stores w and merges records into it in one transaction.
// It returns an error wrapping store.ErrExists when the id is taken.
func (s *Store) CreateWorkshop(ctx context.Context, w store.Workshop, records []replica.Change) error {
	return s.write(ctx, "create workshop "+w.ID, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM workshops WHERE id = ?`, w.ID).Scan(&one)
		if err == nil {
			return store.ErrExists
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		secret := w.Secret
		if secret == nil {
			secret = []byte{}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO workshops (id, join_code, secret, created, seq) VALUES (?, ?, ?, ?, 0)`,
			w.ID, w.JoinCode, secret, w.Created.UTC().Format(time.RFC3339Nano))
		if err != nil {
			return err
		}
		_, err = s.merge(ctx, tx, w.ID, 0, records)
		return err
	})
}

// Workshop returns the workshop with that id: an error wrapping
// store.ErrNotFound when there is none.
func (s *Store) Workshop(ctx context.Context, id string) (store.Workshop, error) {
	w := store.Workshop{ID: id}
	var created string
	err := s.r.QueryRowContext(ctx, `SELECT join_code, secret, created FROM workshops WHERE id = ?`, id).
		Scan(&w.JoinCode, &w.Secret, &created)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err == nil {
		w.Created, err = time.Parse(time.RFC3339Nano, created)
	}
	if err != nil {
		return store.Workshop{}, fmt.Errorf("workshop %s: %w", id, err)
	}
	return w, nil
}

// Join records participant p in workshop the first time and merges records
// with it, in one transaction. The same participant with the same secret
// hash again changes nothing (records are not merged again); another secret
// hash gets an error wrapping store.ErrConflict. An unknown workshop gets
// store.ErrNotFound.
func (s *Store) Join(ctx context.Context, workshop string, p store.Participant, records []replica.Change) error {
	return s.write(ctx, "join workshop "+workshop, func(tx *sql.Tx) error {
		base, err := s.seq(ctx, tx, workshop)
		if err != nil {
			return err
		}
		var hash []byte
		err = tx.QueryRowContext(ctx, `SELECT secret_hash FROM participants WHERE workshop = ? AND id = ?`, workshop, p.ID).Scan(&hash)
		switch {
		case err == nil && bytes.Equal(hash, p.SecretHash):
			return nil
		case err == nil:
			return fmt.Errorf("participant %s joined with another device secret: %w", p.ID, store.ErrConflict)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		hash = p.SecretHash
		if hash == nil {
			hash = []byte{}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO participants (workshop, id, secret_hash) VALUES (?, ?, ?)`, workshop, p.ID, hash); err != nil {
			return err
		}
		_, err = s.merge(ctx, tx, workshop, base, records)
		return err
	})
}

// Apply runs check with a lookup of the stored records of workshop, then
// merges the changes it returns, all in one write transaction: the check of
// one Apply sees everything the Applys before it wrote. Changes that lose to
// stored values are accepted and change nothing. It returns the workshop's
// cursor after the write, unchanged when nothing won. An error from check
// is returned wrapped, and nothing is written; an unknown workshop gets
// store.ErrNotFound and check is not called.
func (s *Store) Apply(ctx context.Context, workshop string, check store.Check) (cursor int64, err error) {
	err = s.write(ctx, "apply to workshop "+workshop, func(tx *sql.Tx) error {
		base, err := s.seq(ctx, tx, workshop)
		if err != nil {
			return err
		}
		cursor = base
		look := tx.StmtContext(ctx, s.lookup)
		changes, err := check(func(id string) (*replica.Record, error) {
			return lookup(ctx, look, workshop, id)
		})
		if err != nil {
			return err
		}
		cursor, err = s.merge(ctx, tx, workshop, base, changes)
		return err
	})
	if err != nil {
		return 0, err
	}
	return cursor, nil
}

// lookup reads the stored record id of workshop: nil when there is none.
func lookup(ctx context.Context, st *sql.Stmt, workshop, id string) (*replica.Record, error) {
	rows, err := st.QueryContext(ctx, workshop, id)
	if err != nil {
		return nil, fmt.Errorf("look up record %s: %w", id, err)
	}
	defer rows.Close()
	return store.ReadRecord(id, rows)
}

// merge writes changes into workshop, whose cursor is base, inside tx, and
// returns the new cursor. The i-th single-field change is offered seq
// base+i+1 and keeps it only if it wins, so the cursor moves only when a
// change wins, and a field written twice ends at its later place. Numbers
// offered to losers are never seen and are offered again later.
func (s *Store) merge(ctx context.Context, tx *sql.Tx, workshop string, base int64, changes []replica.Change) (int64, error) {
	changes, err := store.Single(changes)
	if err != nil || len(changes) == 0 {
		return base, err
	}
	stmts := make([]*sql.Stmt, len(batches))
	args := make([]any, 0, 7*batches[0])
	seq := base
	for rest := changes; len(rest) > 0; {
		i := 0
		for batches[i] > len(rest) {
			i++
		}
		n := batches[i]
		if stmts[i] == nil {
			stmts[i] = tx.StmtContext(ctx, s.upserts[i])
		}
		args = args[:0]
		for _, c := range rest[:n] {
			seq++
			args = append(args, workshop, c.Record, c.Kind, c.Field, []byte(c.Value), string(c.Clock), seq)
		}
		if _, err := stmts[i].ExecContext(ctx, args...); err != nil {
			return 0, fmt.Errorf("merge changes: %w", err)
		}
		rest = rest[n:]
	}
	var top int64
	if err := tx.StmtContext(ctx, s.maxSeq).QueryRowContext(ctx, workshop).Scan(&top); err != nil {
		return 0, fmt.Errorf("read cursor: %w", err)
	}
	if top <= base {
		return base, nil
	}
	if _, err := tx.StmtContext(ctx, s.setSeq).ExecContext(ctx, top, workshop); err != nil {
		return 0, fmt.Errorf("set cursor: %w", err)
	}
	return top, nil
}

// Changes returns up to limit changes of workshop stored after the cursor
// since, in store order, each (record, field) once at most with its winning
// value; limit < 1 means no limit. Page.Cursor is the seq of the last change
// returned, or since when there is none. An unknown workshop gets
// store.ErrNotFound.
func (s *Store) Changes(ctx context.Context, workshop string, since int64, limit int) (store.Page, error) {
	page := store.Page{Cursor: since}
	n := int64(limit) + 1 // one more, to tell whether more wait
	if limit < 1 {
		n = -1
	}
	rows, err := s.changes.QueryContext(ctx, workshop, since, n)
	if err != nil {
		return store.Page{}, fmt.Errorf("changes of workshop %s: %w", workshop, err)
	}
	defer rows.Close()
	for rows.Next() {
		if limit >= 1 && len(page.Changes) == limit {
			page.More = true
			break
		}
		var c replica.Change
		var clock string
		var value []byte
		if err := rows.Scan(&c.Record, &c.Kind, &c.Field, &value, &clock, &page.Cursor); err != nil {
			return store.Page{}, fmt.Errorf("changes of workshop %s: %w", workshop, err)
		}
		c.Value, c.Clock = value, replica.Clock(clock)
		page.Changes = append(page.Changes, c)
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, fmt.Errorf("changes of workshop %s: %w", workshop, err)
	}
	if len(page.Changes) == 0 {
		if _, err := s.Cursor(ctx, workshop); err != nil {
			return store.Page{}, err
		}
	}
	return page, nil
}

// Cursor returns the newest cursor of workshop: 0 when nothing was stored,
// store.ErrNotFound when there is no such workshop.
func (s *Store) Cursor(ctx context.Context, workshop string) (int64, error) {
	var seq int64
	err := s.cursor.QueryRowContext(ctx, workshop).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("cursor of workshop %s: %w", workshop, err)
	}
	return seq, nil
}

// workshopExists returns store.ErrNotFound when there is no such workshop;
// q is s.r, or a transaction.
func workshopExists(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, workshop string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM workshops WHERE id = ?`, workshop).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("workshop %s: %w", workshop, store.ErrNotFound)
	}
	return err
}
