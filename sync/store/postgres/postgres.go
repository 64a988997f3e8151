package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"

	"carnet/sync/replica"
	"carnet/sync/store"
)

var (
	_ store.Store   = (*Store)(nil)
	_ store.Watcher = (*Store)(nil)
)

// Store is a store.Store in a PostgreSQL database, shared by any number of
// servers. It is safe for concurrent use.
//
// Every write runs in one transaction. Those that move a workshop's cursor
// (CreateWorkshop, Join, Apply) first lock the workshop's row, so that two
// of them on one workshop never interleave, whichever server runs them;
// reads take no lock and see committed transactions only.
type Store struct {
	pool   *pgxpool.Pool
	listen *pgx.ConnConfig // the connection Watch opens for LISTEN

	done      chan struct{} // closed by Close: Watch returns
	closeOnce sync.Once
}

// Open connects to the PostgreSQL database at url, a postgres:// URL or a
// "key=value" string as libpq takes them (pool settings such as
// pool_max_conns included), and brings its schema to the newest version.
// The database must exist; the tables are made in the first schema of the
// search_path. Servers opening one database at the same time migrate it
// one after the other. A database written by a newer version of this
// package is refused. ctx bounds the connection and the migration, not
// the store's life.
func Open(ctx context.Context, url string) (*Store, error) {
	s, err := open(ctx, url)
	if err != nil {
		// pgx never puts the password in its errors; neither do we.
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	return s, nil
}

func open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	name, ok := cfg.ConnConfig.RuntimeParams["application_name"]
	if !ok {
		name = "carnet"
		cfg.ConnConfig.RuntimeParams["application_name"] = name
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	// The LISTEN connection waits with a deadline and pings when it
	// passes: a deadline on the socket is enough to stop the wait, where
	// the default would send a cancel request over a new connection.
	listen := cfg.ConnConfig.Copy()
	listen.RuntimeParams["application_name"] = name + " listen" // in pg_stat_activity
	listen.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.DeadlineContextWatcherHandler{Conn: c.Conn()}
	}
	return &Store{pool: pool, listen: listen, done: make(chan struct{})}, nil
}

// Close closes the store's connections and ends running Watch calls; it
// waits for calls in progress to release their connections. Calls after
// Close fail. Closing twice is harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.pool.Close()
	})
	return nil
}

// readCommitted is the isolation of every transaction, whatever the
// database's default: a write that waited for a workshop's lock must then
// read what the writer before it committed (under REPEATABLE READ or
// SERIALIZABLE, it would fail instead).
var readCommitted = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}

// write runs fn in one transaction and commits it, or rolls it back when
// fn fails. Errors are wrapped with op.
func (s *Store) write(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	if err := pgx.BeginTxFunc(ctx, s.pool, readCommitted, fn); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// lock locks the row of workshop until the end of tx and returns its
// cursor: ErrNotFound when there is no such workshop. It is what keeps two
// writers of one workshop apart, on one server or several. The lock is
// FOR NO KEY UPDATE: it excludes the other writers of the workshop but not
// the foreign-key checks of blob writes.
func lock(ctx context.Context, tx pgx.Tx, workshop string) (int64, error) {
	var seq int64
	err := tx.QueryRow(ctx, `SELECT seq FROM workshops WHERE id = $1 FOR NO KEY UPDATE`, workshop).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("workshop %s: %w", workshop, store.ErrNotFound)
	}
	return seq, err
}

// CreateWorkshop stores w and merges records into it in one transaction.
// It returns an error wrapping store.ErrExists when the id is taken.
func (s *Store) CreateWorkshop(ctx context.Context, w store.Workshop, records []replica.Change) error {
	return s.write(ctx, "create workshop "+w.ID, func(tx pgx.Tx) error {
		secret := w.Secret
		if secret == nil {
			secret = []byte{}
		}
		created := w.Created.UTC()
		ns := created.Nanosecond() % 1000 // timestamptz keeps microseconds
		tag, err := tx.Exec(ctx, `INSERT INTO workshops (id, join_code, secret, created, created_ns)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
			w.ID, w.JoinCode, secret, created.Add(-time.Duration(ns)), ns)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrExists
		}
		_, err = merge(ctx, tx, w.ID, 0, records)
		return err
	})
}

// Workshop returns the workshop with that id: an error wrapping
// store.ErrNotFound when there is none.
func (s *Store) Workshop(ctx context.Context, id string) (store.Workshop, error) {
	w := store.Workshop{ID: id}
	var created time.Time
	var ns int16
	err := s.pool.QueryRow(ctx, `SELECT join_code, secret, created, created_ns FROM workshops WHERE id = $1`, id).
		Scan(&w.JoinCode, &w.Secret, &created, &ns)
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Workshop{}, fmt.Errorf("workshop %s: %w", id, err)
	}
	w.Created = created.UTC().Add(time.Duration(ns))
	return w, nil
}

// Join records participant p in workshop the first time and merges records
// with it, in one transaction. The same participant with the same secret
// hash again changes nothing (records are not merged again); another secret
// hash gets an error wrapping store.ErrConflict. An unknown workshop gets
// store.ErrNotFound.
func (s *Store) Join(ctx context.Context, workshop string, p store.Participant, records []replica.Change) error {
	return s.write(ctx, "join workshop "+workshop, func(tx pgx.Tx) error {
		base, err := lock(ctx, tx, workshop)
		if err != nil {
			return err
		}
		var hash []byte
		err = tx.QueryRow(ctx, `SELECT secret_hash FROM participants WHERE workshop = $1 AND id = $2`, workshop, p.ID).Scan(&hash)
		switch {
		case err == nil && bytes.Equal(hash, p.SecretHash):
			return nil
		case err == nil:
			return fmt.Errorf("participant %s joined with another device secret: %w", p.ID, store.ErrConflict)
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		hash = p.SecretHash
		if hash == nil {
			hash = []byte{}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO participants (workshop, id, secret_hash) VALUES ($1, $2, $3)`, workshop, p.ID, hash); err != nil {
			return err
		}
		_, err = merge(ctx, tx, workshop, base, records)
		return err
	})
}

// Apply runs check with a lookup of the stored records of workshop, then
// merges the changes it returns, all in one transaction that holds the
// workshop's lock: the check of one Apply sees everything the Applys before
// it wrote, on this server or another. Changes that lose to stored values
// are accepted and change nothing. It returns the workshop's cursor after
// the write, unchanged when nothing won; when it moved, every Watch on the
// database hears of it once the transaction commits. An error from check is
// returned wrapped, and nothing is written; an unknown workshop gets
// store.ErrNotFound and check is not called.
func (s *Store) Apply(ctx context.Context, workshop string, check store.Check) (cursor int64, err error) {
	err = s.write(ctx, "apply to workshop "+workshop, func(tx pgx.Tx) error {
		base, err := lock(ctx, tx, workshop)
		if err != nil {
			return err
		}
		changes, err := check(func(id string) (*replica.Record, error) {
			return lookup(ctx, tx, workshop, id)
		})
		if err != nil {
			return err
		}
		cursor, err = merge(ctx, tx, workshop, base, changes)
		return err
	})
	if err != nil {
		return 0, err
	}
	return cursor, nil
}

// lookup reads the stored record id of workshop: nil when there is none.
func lookup(ctx context.Context, tx pgx.Tx, workshop, id string) (*replica.Record, error) {
	rows, err := tx.Query(ctx, `SELECT kind, field, value, clock FROM fields WHERE workshop = $1 AND record = $2`, workshop, id)
	if err != nil {
		return nil, fmt.Errorf("look up record %s: %w", id, err)
	}
	defer rows.Close()
	return store.ReadRecord(id, rows)
}

// channel is where a write that moves a workshop's cursor notifies, with
// the payload "<workshop> <cursor>".
const channel = "carnet_cursor"

// upsertSQL merges rows into fields under the merge rule: a row replaces
// the stored one only when its clock is greater, or equal with a greater
// value as bytes (replica.Wins); the kind of a stored record never changes.
// It returns the seq of every row written.
const upsertSQL = `
INSERT INTO fields AS f (workshop, record, kind, field, value, clock, seq)
SELECT $1, u.record, u.kind, u.field, u.value, u.clock, u.seq
FROM unnest($2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::bigint[])
	AS u (record, kind, field, value, clock, seq)
ON CONFLICT (workshop, record, field) DO UPDATE
	SET value = excluded.value, clock = excluded.clock, seq = excluded.seq
	WHERE excluded.clock > f.clock
		OR (excluded.clock = f.clock AND excluded.value > f.value)
RETURNING seq`

// merge writes changes into workshop, whose cursor is base and whose row
// tx holds locked (or has just made), and returns the new cursor. The i-th
// single-field change is offered seq base+i+1 and keeps it only if it wins,
// so the cursor moves only when a change wins, and a field written twice
// ends at its later place. Numbers offered to losers are never seen and are
// offered again later. When the cursor moves, merge notifies channel: the
// listeners hear of it when tx commits.
func merge(ctx context.Context, tx pgx.Tx, workshop string, base int64, changes []replica.Change) (int64, error) {
	changes, err := store.Single(changes)
	if err != nil || len(changes) == 0 {
		return base, err
	}
	// One statement may not write a row twice: keep, for each (record,
	// field), the change that wins among those of the batch, at its own
	// seq. Applied one by one, the batch would leave the same row.
	type key struct{ record, field string }
	at := make(map[key]int, len(changes))
	n := len(changes)
	records, kinds, fields := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	values, clocks, seqs := make([][]byte, 0, n), make([]string, 0, n), make([]int64, 0, n)
	for i, c := range changes {
		seq := base + int64(i) + 1
		k := key{c.Record, c.Field}
		if j, ok := at[k]; ok {
			if replica.Wins(c.Clock, c.Value, replica.Clock(clocks[j]), values[j]) {
				values[j], clocks[j], seqs[j] = c.Value, string(c.Clock), seq
			}
			continue
		}
		at[k] = len(records)
		records, kinds, fields = append(records, c.Record), append(kinds, c.Kind), append(fields, c.Field)
		values, clocks, seqs = append(values, c.Value), append(clocks, string(c.Clock)), append(seqs, seq)
	}
	rows, err := tx.Query(ctx, upsertSQL, workshop, records, kinds, fields, values, clocks, seqs)
	if err != nil {
		return 0, fmt.Errorf("merge changes: %w", err)
	}
	top := base
	var seq int64
	_, err = pgx.ForEachRow(rows, []any{&seq}, func() error {
		top = max(top, seq)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("merge changes: %w", err)
	}
	if top == base {
		return base, nil
	}
	_, err = tx.Exec(ctx, `
		WITH w AS (UPDATE workshops SET seq = $2, changed = clock_timestamp() WHERE id = $1 RETURNING id)
		SELECT pg_notify($3, $4) FROM w`,
		workshop, top, channel, workshop+" "+strconv.FormatInt(top, 10))
	if err != nil {
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
	var n *int64 // NULL: no limit
	if limit >= 1 {
		one := int64(limit) + 1 // one more, to tell whether more wait
		n = &one
	}
	rows, err := s.pool.Query(ctx, `SELECT record, kind, field, value, clock, seq FROM fields
		WHERE workshop = $1 AND seq > $2 ORDER BY seq LIMIT $3`, workshop, since, n)
	if err != nil {
		return store.Page{}, fmt.Errorf("changes of workshop %s: %w", workshop, err)
	}
	var (
		c     replica.Change
		value []byte
		clock string
		seq   int64
	)
	_, err = pgx.ForEachRow(rows, []any{&c.Record, &c.Kind, &c.Field, &value, &clock, &seq}, func() error {
		if limit >= 1 && len(page.Changes) == limit {
			page.More = true
			return nil
		}
		c.Value, c.Clock = value, replica.Clock(clock)
		page.Changes = append(page.Changes, c)
		page.Cursor = seq
		return nil
	})
	if err != nil {
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
	err := s.pool.QueryRow(ctx, `SELECT seq FROM workshops WHERE id = $1`, workshop).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("cursor of workshop %s: %w", workshop, err)
	}
	return seq, nil
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// workshopExists returns an error wrapping store.ErrNotFound when there is
// no such workshop.
func workshopExists(ctx context.Context, q querier, workshop string) error {
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM workshops WHERE id = $1`, workshop).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("workshop %s: %w", workshop, store.ErrNotFound)
	}
	return err
}
