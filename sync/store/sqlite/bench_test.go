package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"carnet/sync/replica"
	"carnet/sync/store"
)

// The benchmarks compare Apply with plain ways to put the same rows in the
// same table, on the same file settings: a prepared single-row INSERT in one
// transaction (BenchmarkPlainInsert), and the multi-row INSERTs Apply itself
// uses (BenchmarkPlainInsertMultiRow). Their ratio is what the store's merge,
// cursor and bookkeeping cost. Run them with
//
//	go test -run '^$' -bench . -benchtime 3s ./sync/store/sqlite
//
// Each iteration writes one batch of new notes, five fields each.

var benchSizes = []int{10, 100, 1000}

const benchWorkshop = "0193b1c2-0000-7000-8000-0000000000ff"

// gen makes the batches of the benchmarks: batch i holds the fields of
// size/5 new notes.
type gen struct {
	size  int
	next  int
	clock replica.Clock
	buf   []replica.Change
}

func newGen(size int) *gen {
	return &gen{size: size, clock: replica.MakeClock(1764288000000, 0, "0193b1c2-0000-7000-8000-00000000000a"), buf: make([]replica.Change, size)}
}

var (
	benchFields = []string{"text", "color", "author", "x", "y"}
	benchValues = []json.RawMessage{
		json.RawMessage(`"Trop de ressaisies entre le port et la capitainerie"`),
		json.RawMessage(`"problem"`),
		json.RawMessage(`"0193b1c2-0000-7000-8000-000000000042"`),
		json.RawMessage(`0.25`),
		json.RawMessage(`0.75`),
	}
)

// batch returns the next batch; it is overwritten by the next call.
func (g *gen) batch() []replica.Change {
	for i := range g.buf {
		if i%5 == 0 {
			g.next++
		}
		n := strconv.Itoa(g.next)
		id := "0193b1c2-0000-7000-8000-" + "000000000000"[len(n):] + n
		g.buf[i] = replica.Change{Record: id, Kind: "note", Field: benchFields[i%5], Value: benchValues[i%5], Clock: g.clock}
	}
	return g.buf
}

func benchStore(b *testing.B) (*Store, string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "carnet.db")
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	w := store.Workshop{ID: benchWorkshop, JoinCode: "BENCH1", Secret: []byte("s"), Created: time.Now()}
	if err := s.CreateWorkshop(context.Background(), w, nil); err != nil {
		b.Fatal(err)
	}
	return s, path
}

func report(b *testing.B, size int) {
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "changes/s")
}

// BenchmarkApply stores batches through Apply with a check that accepts
// every change as it is.
func BenchmarkApply(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			s, _ := benchStore(b)
			g := newGen(size)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				batch := g.batch()
				if _, err := s.Apply(ctx, benchWorkshop, func(replica.Lookup) ([]replica.Change, error) { return batch, nil }); err != nil {
					b.Fatal(err)
				}
			}
			report(b, size)
		})
	}
}

// BenchmarkApplyCheckBatch stores the same batches through Apply with the
// server's own check, replica.CheckBatch as the facilitator: what a sync
// request costs the server beyond decoding and encoding.
func BenchmarkApplyCheckBatch(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			s, _ := benchStore(b)
			g := newGen(size)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				batch := g.batch()
				_, err := s.Apply(ctx, benchWorkshop, func(lookup replica.Lookup) ([]replica.Change, error) {
					ok, rejected, err := replica.CheckBatch(replica.Principal{Facilitator: true}, batch, lookup)
					if len(rejected) > 0 {
						return nil, fmt.Errorf("rejected: %+v", rejected[0])
					}
					return ok, err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			report(b, size)
		})
	}
}

// BenchmarkPlainInsert inserts the same rows as BenchmarkApply into the
// same table, with a prepared single-row INSERT in one transaction a batch:
// no merge, no cursor, no check.
func BenchmarkPlainInsert(b *testing.B) { benchPlain(b, 1) }

// BenchmarkPlainInsertMultiRow is BenchmarkPlainInsert with the statements
// Apply uses: 64 rows an INSERT, the rest one by one. Against it, Apply's
// ratio is the cost of the merge and the cursor alone.
func BenchmarkPlainInsertMultiRow(b *testing.B) { benchPlain(b, 64) }

func benchPlain(b *testing.B, rows int) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			p := newPlain(b, rows)
			g := newGen(size)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p.insert(b, g.batch())
			}
			report(b, size)
		})
	}
}

// BenchmarkApplyVsPlain alternates one Apply and one plain insert of the
// same batch (single-row INSERTs, rows=1, or Apply's multi-row ones,
// rows=64), each on its own file, and reports both throughputs and their
// ratio: on a machine shared with other work, alternating keeps load
// changes from favouring either side.
func BenchmarkApplyVsPlain(b *testing.B) {
	for _, rows := range []int{1, 64} {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("rows=%d/batch=%d", rows, size), func(b *testing.B) { applyVsPlain(b, rows, size) })
		}
	}
}

func applyVsPlain(b *testing.B, rows, size int) {
	s, _ := benchStore(b)
	p := newPlain(b, rows)
	ga, gp := newGen(size), newGen(size)
	ctx := context.Background()
	var ta, tp time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		batch := ga.batch()
		t0 := time.Now()
		if _, err := s.Apply(ctx, benchWorkshop, func(replica.Lookup) ([]replica.Change, error) { return batch, nil }); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		p.insert(b, gp.batch())
		ta, tp = ta+t1.Sub(t0), tp+time.Since(t1)
	}
	n := float64(b.N * size)
	b.ReportMetric(n/ta.Seconds(), "apply-changes/s")
	b.ReportMetric(n/tp.Seconds(), "plain-changes/s")
	b.ReportMetric(tp.Seconds()/ta.Seconds(), "apply/plain")
}

// plain inserts rows into the fields table of a store's file with plain
// INSERTs, rows at a time then one by one, one transaction a batch.
type plain struct {
	db        *sql.DB
	one, many *sql.Stmt
	rows      int
	seq       int64
	args      []any
}

func newPlain(b *testing.B, rows int) *plain {
	b.Helper()
	s, path := benchStore(b)
	s.Close()
	abs, err := filepath.Abs(path)
	if err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	prep := func(n int) *sql.Stmt {
		q := "INSERT INTO fields (workshop, record, kind, field, value, clock, seq) VALUES (?, ?, ?, ?, ?, ?, ?)" +
			strings.Repeat(", (?, ?, ?, ?, ?, ?, ?)", n-1)
		st, err := db.Prepare(q)
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	return &plain{db: db, one: prep(1), many: prep(rows), rows: rows, args: make([]any, 0, 7*rows)}
}

func (p *plain) insert(b *testing.B, batch []replica.Change) {
	ctx := context.Background()
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	st1, stn := tx.StmtContext(ctx, p.one), tx.StmtContext(ctx, p.many)
	for len(batch) > 0 {
		st, n := st1, 1
		if len(batch) >= p.rows {
			st, n = stn, p.rows
		}
		p.args = p.args[:0]
		for _, c := range batch[:n] {
			p.seq++
			p.args = append(p.args, benchWorkshop, c.Record, c.Kind, c.Field, []byte(c.Value), string(c.Clock), p.seq)
		}
		if _, err := st.ExecContext(ctx, p.args...); err != nil {
			b.Fatal(err)
		}
		batch = batch[n:]
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
