package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"carnet/sync/replica"
	"carnet/sync/store"
)

// Open opens the store kept at dir, the folder that names one storage. The
// first call for a dir gets an empty store; a call after that store was
// closed must get back everything it held, as a server does after a
// restart. A file-based store keeps its files in dir; another store maps
// dir to its own storage, such as a database schema, or a map kept by the
// test for a store in memory. Open fails the test itself when it cannot
// open; the suite closes every store it opens.
type Open func(t *testing.T, dir string) store.Store

// Run runs the conformance suite on the stores that open makes, each test
// in its own dir (t.TempDir()). Every implementation of store.Store passes
// it:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, dir string) store.Store { ... })
//	}
func Run(t *testing.T, open Open) {
	h := &harness{open: open}
	for _, tc := range []struct {
		name string
		test func(t *testing.T, h *harness)
	}{
		{"CreateWorkshop", testCreateWorkshop},
		{"NotFound", testNotFound},
		{"Join", testJoin},
		{"ApplyLookup", testApplyLookup},
		{"ApplyMerge", testApplyMerge},
		{"ApplyDuplicate", testApplyDuplicate},
		{"ApplySameFieldInOneBatch", testApplySameField},
		{"ApplyCheckError", testApplyCheckError},
		{"ApplyNothing", testApplyNothing},
		{"ChangesPaging", testChangesPaging},
		{"ChangesOverwritten", testChangesOverwritten},
		{"Isolation", testIsolation},
		{"ConcurrentApply", testConcurrentApply},
		{"ConcurrentReaders", testConcurrentReaders},
		{"Converge", testConverge},
		{"BlobWrite", testBlobWrite},
		{"BlobEmptyWrite", testBlobEmptyWrite},
		{"BlobLarge", testBlobLarge},
		{"BlobDrop", testBlobDrop},
		{"BlobMissing", testBlobMissing},
		{"BlobIsolation", testBlobIsolation},
		{"BlobConcurrentWrites", testBlobConcurrentWrites},
		{"Reopen", testReopen},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, h) })
	}
}

type harness struct{ open Open }

// fresh opens an empty store in a new dir.
func (h *harness) fresh(t *testing.T) (store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	return h.reopen(t, dir), dir
}

// reopen opens the store kept at dir; it is closed at the end of the test
// unless the test closes it first.
func (h *harness) reopen(t *testing.T, dir string) store.Store {
	t.Helper()
	s := h.open(t, dir)
	if s == nil {
		t.Fatalf("open(%q) = nil", dir)
	}
	c := &closeOnce{Store: s}
	t.Cleanup(func() { c.Close() })
	return c
}

// closeOnce closes the store it wraps at most once.
type closeOnce struct {
	store.Store
	once sync.Once
	err  error
}

func (c *closeOnce) Close() error {
	c.once.Do(func() { c.err = c.Store.Close() })
	return c.err
}

// ids: deterministic lowercase UUIDs, so that failures read the same on
// every run.
func id(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

var (
	replicaA = "0193b1c2-0000-7000-8000-00000000000a"
	replicaB = "0193b1c2-0000-7000-8000-00000000000b"
	epoch    = int64(1764288000000)
)

// clk returns the clock ms milliseconds after epoch on replica A.
func clk(ms int64) replica.Clock { return replica.MakeClock(epoch+ms, 0, replicaA) }

// set returns the change of record's field to value (JSON) at clock c.
func set(record, kind, field, value string, c replica.Clock) replica.Change {
	return replica.Change{Record: record, Kind: kind, Field: field, Value: json.RawMessage(value), Clock: c}
}

// text returns a JSON string.
func text(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var nextWorkshop = struct {
	sync.Mutex
	n int
}{n: 1000}

// workshop creates a workshop with records and returns its id.
func workshop(t *testing.T, s store.Store, records ...replica.Change) string {
	t.Helper()
	nextWorkshop.Lock()
	nextWorkshop.n++
	w := store.Workshop{
		ID:       id(nextWorkshop.n),
		JoinCode: fmt.Sprintf("J%05d", nextWorkshop.n),
		Secret:   []byte(fmt.Sprintf("secret %d", nextWorkshop.n)),
		Created:  time.Date(2026, 3, 14, 9, 30, 0, 123456000, time.UTC),
	}
	nextWorkshop.Unlock()
	if err := s.CreateWorkshop(t.Context(), w, records); err != nil {
		t.Fatalf("CreateWorkshop(%s) = %v", w.ID, err)
	}
	return w.ID
}

// accept returns a check that accepts changes as they are.
func accept(changes ...replica.Change) store.Check {
	return func(replica.Lookup) ([]replica.Change, error) { return changes, nil }
}

// apply stores changes in w and returns the cursor.
func apply(t *testing.T, s store.Store, w string, changes ...replica.Change) int64 {
	t.Helper()
	cur, err := s.Apply(t.Context(), w, accept(changes...))
	if err != nil {
		t.Fatalf("Apply(%d changes) = %v", len(changes), err)
	}
	return cur
}

// cursor returns the cursor of w.
func cursor(t *testing.T, s store.Store, w string) int64 {
	t.Helper()
	c, err := s.Cursor(t.Context(), w)
	if err != nil {
		t.Fatalf("Cursor() = %v", err)
	}
	return c
}

// since returns every change of w after cursor c, reading pages of limit,
// and checks the paging contract on the way: More on every page but the
// last, cursors that grow, a last cursor that is the workshop's cursor.
func since(t *testing.T, s store.Store, w string, c int64, limit int) []replica.Change {
	t.Helper()
	var out []replica.Change
	for {
		p, err := s.Changes(t.Context(), w, c, limit)
		if err != nil {
			t.Fatalf("Changes(%d, %d) = %v", c, limit, err)
		}
		if len(p.Changes) > limit {
			t.Fatalf("Changes(%d, %d) returned %d changes", c, limit, len(p.Changes))
		}
		if len(p.Changes) == 0 && p.Cursor != c {
			t.Fatalf("Changes(%d, %d) = no change and cursor %d, want cursor %d", c, limit, p.Cursor, c)
		}
		if len(p.Changes) > 0 && p.Cursor <= c {
			t.Fatalf("Changes(%d, %d) = %d changes and cursor %d, want a cursor after %d", c, limit, len(p.Changes), p.Cursor, c)
		}
		if p.More && len(p.Changes) == 0 {
			t.Fatalf("Changes(%d, %d) = no change with More", c, limit)
		}
		out = append(out, p.Changes...)
		c = p.Cursor
		if !p.More {
			break
		}
	}
	if now := cursor(t, s, w); c != now {
		t.Fatalf("last page's cursor = %d, want the workshop's cursor %d", c, now)
	}
	return out
}

// all returns every change of w, checking that each (record, field)
// appears once.
func all(t *testing.T, s store.Store, w string) []replica.Change {
	t.Helper()
	out := since(t, s, w, 0, 1000)
	seen := map[[2]string]bool{}
	for _, c := range out {
		k := [2]string{c.Record, c.Field}
		if seen[k] {
			t.Fatalf("Changes() returns %s.%s twice", c.Record, c.Field)
		}
		seen[k] = true
	}
	return out
}

// show formats changes one a line, for failures.
func show(changes []replica.Change) string {
	var b bytes.Buffer
	for _, c := range changes {
		fmt.Fprintf(&b, "\n\t%s %s.%s = %s @ %s", c.Kind, c.Record, c.Field, c.Value, c.Clock)
	}
	if len(changes) == 0 {
		b.WriteString(" none")
	}
	return b.String()
}

// same reports whether two single-field changes are equal.
func same(a, b replica.Change) bool {
	return a.Record == b.Record && a.Kind == b.Kind && a.Field == b.Field &&
		bytes.Equal(a.Value, b.Value) && a.Clock == b.Clock && a.Fields == nil && b.Fields == nil
}

// sorted returns changes by record then field.
func sorted(changes []replica.Change) []replica.Change {
	out := append([]replica.Change(nil), changes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Record != out[j].Record {
			return out[i].Record < out[j].Record
		}
		return out[i].Field < out[j].Field
	})
	return out
}

// sameSet fails unless got and want hold the same changes in any order.
func sameSet(t *testing.T, what string, got, want []replica.Change) {
	t.Helper()
	g, w := sorted(got), sorted(want)
	ok := len(g) == len(w)
	for i := 0; ok && i < len(g); i++ {
		ok = same(g[i], w[i])
	}
	if !ok {
		t.Fatalf("%s =%s\nwant%s", what, show(g), show(w))
	}
}

// sameList fails unless got and want hold the same changes in that order.
func sameList(t *testing.T, what string, got, want []replica.Change) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = same(got[i], want[i])
	}
	if !ok {
		t.Fatalf("%s =%s\nwant%s", what, show(got), show(want))
	}
}

// isErr fails unless errors.Is(err, want).
func isErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s = %v, want %v", what, err, want)
	}
}

// ctx is a shorthand for tests that run no goroutine of their own.
func ctx(t *testing.T) context.Context { return t.Context() }
