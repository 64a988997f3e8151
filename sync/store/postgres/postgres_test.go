package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"carnet/sync/replica"
	"carnet/sync/store"
	"carnet/sync/store/postgres"
	"carnet/sync/store/postgres/pgtest"
	"carnet/sync/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// open opens a store on the database at url, closed at the end of the test.
func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	pgtest.Need(t)
	var mu sync.Mutex
	dbs := map[string]string{} // the suite's dir -> its database
	storetest.Run(t, func(t *testing.T, dir string) store.Store {
		mu.Lock()
		url, ok := dbs[dir]
		if !ok {
			url = pgtest.DB(t)
			dbs[dir] = url
		}
		mu.Unlock()
		s, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
		return s
	})
}

var (
	replicaA = "0193b1c2-0000-7000-8000-00000000000a"
	epoch    = int64(1764288000000)
)

func id(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func clk(ms int64) replica.Clock { return replica.MakeClock(epoch+ms, 0, replicaA) }

func set(record, kind, field, value string, c replica.Clock) replica.Change {
	return replica.Change{Record: record, Kind: kind, Field: field, Value: []byte(value), Clock: c}
}

func accept(changes ...replica.Change) store.Check {
	return func(replica.Lookup) ([]replica.Change, error) { return changes, nil }
}

func create(t *testing.T, s store.Store, n int) string {
	t.Helper()
	w := store.Workshop{ID: id(n), JoinCode: "J" + strconv.Itoa(n), Secret: []byte("s"), Created: time.Now()}
	if err := s.CreateWorkshop(t.Context(), w, nil); err != nil {
		t.Fatalf("CreateWorkshop() = %v", err)
	}
	return w.ID
}

// watch runs Watch on s until the test ends and returns the moves it hears.
func watch(t *testing.T, s *postgres.Store) <-chan string {
	t.Helper()
	ch := make(chan string, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.Watch(ctx, func(w string, c int64) { ch <- fmt.Sprintf("%s %d", w, c) })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch() after its context ended = %v, want context.Canceled", err)
		}
	})
	return ch
}

// hear fails unless the next move heard is want, within a few seconds.
func hear(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("Watch heard %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("Watch heard nothing in 10s, want %q", want)
	}
}

// quiet fails if a move is heard within a short while.
func quiet(t *testing.T, ch <-chan string) {
	t.Helper()
	select {
	case got := <-ch:
		t.Fatalf("Watch heard %q, want nothing", got)
	case <-time.After(200 * time.Millisecond):
	}
}

// listening waits until n connections of the database LISTEN, so that a
// write made after it is heard.
func listening(t *testing.T, url string, n int) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for deadline := time.Now().Add(10 * time.Second); ; {
		var got int
		// A listening connection has run LISTEN and maybe more since.
		err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = 'carnet listen' AND query <> ''`).Scan(&got)
		if err != nil {
			t.Fatal(err)
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections listen after 10s, want %d", got, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTwoServers runs two stores on one database, as two servers behind a
// load balancer: each sees what the other writes, and Watch on each hears
// the writes of both.
func TestTwoServers(t *testing.T) {
	url := pgtest.DB(t)
	a, b := open(t, url), open(t, url)
	heardA, heardB := watch(t, a), watch(t, b)
	listening(t, url, 2)

	w := create(t, a, 1)
	if _, err := b.Workshop(t.Context(), w); err != nil {
		t.Fatalf("B: Workshop() of a workshop made by A = %v", err)
	}
	quiet(t, heardA) // a workshop made empty moves no cursor

	c, err := b.Apply(t.Context(), w, accept(set(id(10), "note", "text", `"sur B"`, clk(1))))
	if err != nil || c != 1 {
		t.Fatalf("B: Apply() = %d, %v; want 1", c, err)
	}
	hear(t, heardA, w+" 1")
	hear(t, heardB, w+" 1")

	// A's check sees what B wrote, and A's write reaches B.
	c, err = a.Apply(t.Context(), w, func(lookup replica.Lookup) ([]replica.Change, error) {
		r, err := lookup(id(10))
		if err != nil {
			return nil, err
		}
		if got := r.String("text"); got != "sur B" {
			t.Errorf("A: lookup of B's note: text = %q, want %q", got, "sur B")
		}
		return []replica.Change{set(id(10), "note", "text", `"sur A"`, clk(2))}, nil
	})
	if err != nil || c != 2 {
		t.Fatalf("A: Apply() = %d, %v; want 2", c, err)
	}
	hear(t, heardA, w+" 2")
	hear(t, heardB, w+" 2")
	p, err := b.Changes(t.Context(), w, 1, 10)
	if err != nil || len(p.Changes) != 1 || string(p.Changes[0].Value) != `"sur A"` || p.Cursor != 2 {
		t.Fatalf("B: Changes(1) = %+v, %v; want A's change at cursor 2", p, err)
	}

	// A change that loses moves nothing and notifies no one.
	c, err = b.Apply(t.Context(), w, accept(set(id(10), "note", "text", `"vieux"`, clk(0))))
	if err != nil || c != 2 {
		t.Fatalf("B: Apply(a losing change) = %d, %v; want 2", c, err)
	}
	quiet(t, heardA)

	// A join with a record notifies too; blobs written on A are read on B.
	p1 := store.Participant{ID: id(20), SecretHash: []byte("h")}
	if err := a.Join(t.Context(), w, p1, []replica.Change{set(id(20), "participant", "name", `"Ana"`, clk(3))}); err != nil {
		t.Fatalf("A: Join() = %v", err)
	}
	hear(t, heardB, w+" 3")
	if err := b.Join(t.Context(), w, store.Participant{ID: id(20), SecretHash: []byte("x")}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("B: Join(another secret) = %v, want ErrConflict", err)
	}
	if n, err := a.WriteBlob(t.Context(), w, "h1", 0, []byte("abc")); err != nil || n != 3 {
		t.Fatalf("A: WriteBlob() = %d, %v", n, err)
	}
	if n, err := b.WriteBlob(t.Context(), w, "h1", 3, []byte("def")); err != nil || n != 6 {
		t.Fatalf("B: WriteBlob() resuming A's upload = %d, %v", n, err)
	}
	if err := a.CompleteBlob(t.Context(), w, "h1"); err != nil {
		t.Fatalf("A: CompleteBlob() = %v", err)
	}
	if data, err := b.ReadBlob(t.Context(), w, "h1"); err != nil || string(data) != "abcdef" {
		t.Fatalf("B: ReadBlob() = %q, %v", data, err)
	}
}

// TestApplyExcludesAcrossServers runs Applys on one workshop from several
// stores at once, each check reading a counter and writing it plus one:
// the counter ends at the number of Applys only if no two checks ever ran
// at the same time, whichever server ran them. The database's default
// isolation is SERIALIZABLE, which the store must not inherit.
func TestApplyExcludesAcrossServers(t *testing.T) {
	url := pgtest.DB(t)
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(t.Context(), `DO $$ BEGIN
		EXECUTE format('ALTER DATABASE %I SET default_transaction_isolation = serializable', current_database());
	END $$`)
	conn.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stores := []*postgres.Store{open(t, url), open(t, url), open(t, url)}
	w := create(t, stores[0], 1)
	counter := id(2)
	const each = 15
	var wg sync.WaitGroup
	for g, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, err := s.Apply(t.Context(), w, func(lookup replica.Lookup) ([]replica.Change, error) {
					r, err := lookup(counter)
					if err != nil {
						return nil, err
					}
					n := r.Int("n", 0)
					time.Sleep(time.Millisecond) // widen the window a race would need
					return []replica.Change{
						set(counter, "thread", "n", strconv.FormatInt(n+1, 10), clk(n+1)),
						set(id(100+g*each+i), "note", "text", `"x"`, clk(1)),
					}, nil
				})
				if err != nil {
					t.Errorf("Apply() = %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	p, err := stores[1].Changes(t.Context(), w, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var n string
	for _, c := range p.Changes {
		if c.Record == counter {
			n = string(c.Value)
		}
	}
	if want := strconv.Itoa(len(stores) * each); n != want || len(p.Changes) != len(stores)*each+1 {
		t.Fatalf("counter = %s in %d changes, want %s in %d", n, len(p.Changes), want, len(stores)*each+1)
	}
}

// TestWatchReconnects kills the listening connection: Watch connects
// again, and reports the cursor moves it missed meanwhile.
func TestWatchReconnects(t *testing.T) {
	url := pgtest.DB(t)
	a, b := open(t, url), open(t, url)
	w1, w2 := create(t, a, 1), create(t, a, 2)
	heard := watch(t, a)
	listening(t, url, 1)
	if _, err := b.Apply(t.Context(), w1, accept(set(id(10), "note", "text", `"1"`, clk(1)))); err != nil {
		t.Fatal(err)
	}
	hear(t, heard, w1+" 1")

	// Kill the LISTEN connection and write while Watch is away: from a
	// transaction that holds the workshop's lock, so that the write
	// surely lands while the connection is down.
	admin, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	tx, err := admin.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(t.Context(), `SELECT 1 FROM workshops WHERE id = $1 FOR UPDATE`, w1); err != nil {
		t.Fatal(err)
	}
	written := make(chan error, 1)
	go func() {
		_, err := b.Apply(t.Context(), w1, accept(set(id(11), "note", "text", `"2"`, clk(2))))
		written <- err
	}()
	var killed int
	err = admin.QueryRow(t.Context(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'carnet listen'`).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminate the listening connection: %d, %v", killed, err)
	}
	if err := tx.Rollback(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := <-written; err != nil {
		t.Fatalf("Apply() = %v", err)
	}
	hear(t, heard, w1+" 2") // caught up, or heard after the reconnection
	quiet(t, heard)         // and only once

	// Live again.
	listening(t, url, 1)
	if _, err := b.Apply(t.Context(), w2, accept(set(id(12), "note", "text", `"3"`, clk(3)))); err != nil {
		t.Fatal(err)
	}
	hear(t, heard, w2+" 1")
}

// TestWatchEndsOnClose: closing the store ends its Watch calls.
func TestWatchEndsOnClose(t *testing.T) {
	url := pgtest.DB(t)
	s, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Watch(context.Background(), func(string, int64) {}) }()
	listening(t, url, 1)
	s.Close()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "closed") {
			t.Fatalf("Watch() after Close = %v, want an error that says closed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch() still runs 10s after Close")
	}
}

// TestOpen: the schema is made once, servers opening together migrate it
// once, and a schema newer than the program is refused.
func TestOpen(t *testing.T) {
	url := pgtest.DB(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(t.Context(), url)
			if err != nil {
				t.Errorf("Open() at once = %v", err)
				return
			}
			s.Close()
		}()
	}
	wg.Wait()

	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), `UPDATE carnet_schema SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(t.Context(), url); err == nil || !strings.Contains(err.Error(), "upgrade carnet") {
		t.Fatalf("Open(a newer schema) = %v, want an error that says to upgrade", err)
	}

	if _, err := postgres.Open(t.Context(), "postgres://carnet:hunter2@127.0.0.1:1/none?connect_timeout=2"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("Open(no server) = %v, want an error without the password", err)
	}
}

// TestExactValues: values keep their bytes (key order, spaces in strings,
// escapes), clocks compare as bytes, and Created keeps its nanoseconds.
func TestExactValues(t *testing.T) {
	s := open(t, pgtest.DB(t))
	created := time.Date(2026, 3, 14, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	w := store.Workshop{ID: id(1), JoinCode: "J", Created: created}
	if err := s.CreateWorkshop(t.Context(), w, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Workshop(t.Context(), w.ID)
	if err != nil || !got.Created.Equal(created) || got.Secret == nil {
		t.Fatalf("Workshop() = %+v, %v; want Created %v and an empty secret", got, err, created)
	}
	values := []string{`{"z":1,"a":[2,{"y":null,"b":"\u00e9"}]}`, `"a\u0000b"`, `1.50`, `"  spaced  "`}
	var changes []replica.Change
	for i, v := range values {
		changes = append(changes, set(id(10), "note", "f"+strconv.Itoa(i), v, clk(1)))
	}
	if _, err := s.Apply(t.Context(), w.ID, accept(changes...)); err != nil {
		t.Fatal(err)
	}
	p, err := s.Changes(t.Context(), w.ID, 0, 0)
	if err != nil || len(p.Changes) != len(values) {
		t.Fatalf("Changes() = %+v, %v", p, err)
	}
	for i, c := range p.Changes {
		if string(c.Value) != values[i] {
			t.Errorf("value %d = %s, want %s", i, c.Value, values[i])
		}
	}
	// Equal clocks: the greater value as bytes wins, in one batch or two.
	apply := func(v string) {
		if _, err := s.Apply(t.Context(), w.ID, accept(set(id(11), "note", "text", v, clk(5)))); err != nil {
			t.Fatal(err)
		}
	}
	apply(`"b"`)
	apply(`"a"`)
	apply(`"B"`)
	r := lookup(t, s, w.ID, id(11))
	if got := string(r.Raw("text")); got != `"b"` {
		t.Fatalf("text after equal clocks = %s, want \"b\"", got)
	}
	// Clocks compare byte by byte: counters, then replicas.
	c1 := replica.MakeClock(epoch, 9, "0193b1c2-0000-7000-8000-00000000000a")
	c2 := replica.MakeClock(epoch, 10, "0193b1c2-0000-7000-8000-00000000000a")
	c3 := replica.MakeClock(epoch, 10, "0193b1c2-0000-7000-8000-0000000000a0")
	for _, c := range []replica.Clock{c3, c1, c2} {
		if _, err := s.Apply(t.Context(), w.ID, accept(set(id(12), "note", "text", `"`+string(c)+`"`, c))); err != nil {
			t.Fatal(err)
		}
	}
	if got := lookup(t, s, w.ID, id(12)).Fields["text"].Clock; got != c3 {
		t.Fatalf("winning clock = %s, want %s", got, c3)
	}
}

// lookup returns a stored record through Apply's lookup.
func lookup(t *testing.T, s store.Store, w, record string) *replica.Record {
	t.Helper()
	var r *replica.Record
	_, err := s.Apply(t.Context(), w, func(lookup replica.Lookup) ([]replica.Change, error) {
		var err error
		r, err = lookup(record)
		return nil, err
	})
	if err != nil || r == nil {
		t.Fatalf("lookup(%s) = %v, %v", record, r, err)
	}
	return r
}
