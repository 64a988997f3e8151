package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Timings of Watch; variables so that tests can shorten them.
var (
	// keepAlive is how long the LISTEN connection waits in silence before
	// it checks that the server is still there.
	keepAlive = 30 * time.Second
	// retryMin and retryMax bound the wait between two attempts to
	// connect again, which doubles from one to the other.
	retryMin = 100 * time.Millisecond
	retryMax = 5 * time.Second
	// catchUpSlack is how far before the last moment the lost connection
	// was known to hear everything Watch looks for missed cursor moves: a
	// write stamps its workshop a few milliseconds before it commits.
	catchUpSlack = time.Minute
)

// Watch calls fn with the workshop id and new cursor after every write that
// moves a workshop's cursor, by this server or any other on the database,
// until ctx ends or the store is closed; it then returns ctx's error, or
// an error that says the store is closed. fn is called from one goroutine, in commit order for any
// one workshop, and must not block for long.
//
// Watch holds one connection of its own, outside the pool, that LISTENs to
// the notifications the writes send when they commit. When that connection
// fails, Watch logs it with slog's default logger and connects again, with
// waits that double from 100 ms to 5 s; once back, it calls fn for every
// workshop whose cursor moved while it was away (as stamped by the
// database's clock, with a minute to spare), so that a lost connection or
// a failover delays events rather than losing them.
func (s *Store) Watch(ctx context.Context, fn func(workshop string, cursor int64)) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-s.done:
			cancel(errClosed)
		case <-ctx.Done():
		}
	}()
	w := &watcher{s: s, fn: fn, last: map[string]int64{}}
	wait := retryMin
	for {
		heard, err := w.listen(ctx)
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if heard {
			wait = retryMin
		}
		slog.Warn("postgres store: the connection that listens for cursor moves failed; connecting again",
			"err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(wait):
		}
		wait = min(2*wait, retryMax)
	}
}

// errClosed is what Watch returns when the store is closed.
var errClosed = errors.New("postgres store closed")

// watcher is the state of one Watch across its connections.
type watcher struct {
	s  *Store
	fn func(workshop string, cursor int64)
	// last is the newest cursor reported per workshop, so that catching
	// up after a reconnection reports only what moved.
	last map[string]int64
	// alive is the database's time when the current or last connection
	// was last known to hear every notification; zero before the first.
	alive time.Time
}

// listen connects, LISTENs, catches up with what a previous connection
// missed, then reports notifications until the connection fails or ctx
// ends. heard tells whether it got as far as listening.
func (w *watcher) listen(ctx context.Context) (heard bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, w.s.listen)
	if err != nil {
		return false, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return false, err
	}
	now, err := dbNow(ctx, conn)
	if err != nil {
		return false, err
	}
	if !w.alive.IsZero() {
		if err := w.catchUp(ctx, conn); err != nil {
			return true, err
		}
	}
	w.alive = now
	for {
		wctx, cancel := context.WithTimeout(ctx, keepAlive)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			w.report(n.Payload)
		case ctx.Err() != nil:
			return true, ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			// Silence: ask the server its time, which also tells that
			// it is still there. Notifications that arrive meanwhile
			// wait in conn for the next WaitForNotification.
			now, err := dbNow(ctx, conn)
			if err != nil {
				return true, err
			}
			w.alive = now
		default:
			return true, err
		}
	}
}

// dbNow returns the database server's time.
func dbNow(ctx context.Context, conn *pgx.Conn) (time.Time, error) {
	var now time.Time
	err := conn.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&now)
	return now, err
}

// catchUp reports the workshops whose cursor moved since the previous
// connection was last known to hear everything.
func (w *watcher) catchUp(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `SELECT id, seq FROM workshops WHERE changed >= $1`, w.alive.Add(-catchUpSlack))
	if err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	var id string
	var seq int64
	type move struct {
		id  string
		seq int64
	}
	var moved []move
	_, err = pgx.ForEachRow(rows, []any{&id, &seq}, func() error {
		if seq > w.last[id] {
			moved = append(moved, move{id, seq})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	// fn is called once the rows are read: it must not hold the
	// connection busy.
	for _, m := range moved {
		w.last[m.id] = m.seq
		w.fn(m.id, m.seq)
	}
	return nil
}

// report calls fn for a notification's payload "<workshop> <cursor>",
// unless it tells nothing new. Malformed payloads are ignored.
func (w *watcher) report(payload string) {
	i := strings.LastIndexByte(payload, ' ')
	if i < 0 {
		return
	}
	id := payload[:i]
	cursor, err := strconv.ParseInt(payload[i+1:], 10, 64)
	if err != nil || id == "" {
		return
	}
	if cursor <= w.last[id] {
		return // already reported by a catch-up
	}
	w.last[id] = cursor
	w.fn(id, cursor)
}
