//go:build js && wasm

package localdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"
	"testing"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"

	"carnet/sync/client"
	"carnet/sync/client/localtest"
	"carnet/sync/replica"
)

// These tests need IndexedDB: they run in Chromium (app/e2e's
// TestLocalDBInBrowser builds them with go test -c and runs them in a
// page); under Node they skip.

func needIDB(t *testing.T) {
	t.Helper()
	if js.Global().Get("indexedDB").IsUndefined() {
		t.Skip("no IndexedDB here (Node): app/e2e runs these tests in Chromium")
	}
}

var seq int

// newWorkshop returns a workshop id no other test uses, removed at the
// end of the test.
func newWorkshop(t *testing.T) string {
	t.Helper()
	seq++
	w := fmt.Sprintf("test-%d-%d", time.Now().UnixNano(), seq)
	t.Cleanup(func() {
		if err := Remove(context.Background(), w); err != nil {
			t.Errorf("Remove(%s): %v", w, err)
		}
	})
	return w
}

func open(t *testing.T, w string) client.Local {
	t.Helper()
	l, err := Open(context.Background(), w)
	if err != nil {
		t.Fatalf("Open(%s): %v", w, err)
	}
	return l
}

func TestLocal(t *testing.T) {
	needIDB(t)
	localtest.Run(t, func(t *testing.T) client.Local { return open(t, newWorkshop(t)) })
}

func clock(ms int64) replica.Clock {
	return replica.MakeClock(ms, 0, "0193b1c2-0000-7000-8000-000000000001")
}

func note(id, text string, ms int64) replica.Change {
	return replica.Change{Record: id, Kind: "note", Field: "text", Value: json.RawMessage(`"` + text + `"`), Clock: clock(ms)}
}

func TestWorkshopsAreApart(t *testing.T) {
	needIDB(t)
	ctx := context.Background()
	wa, wb := newWorkshop(t), newWorkshop(t)
	a, b := open(t, wa), open(t, wb)
	if err := a.Write(ctx, []replica.Change{note("n1", "in a", 1)}, map[string][]byte{"h": []byte("photo a")}); err != nil {
		t.Fatal(err)
	}
	if err := b.Write(ctx, []replica.Change{note("n1", "in b", 2)}, nil); err != nil {
		t.Fatal(err)
	}
	pa, _ := a.Outbox(ctx, 10)
	pb, _ := b.Outbox(ctx, 10)
	if len(pa) != 1 || len(pb) != 1 {
		t.Fatalf("outboxes %v and %v, want one change each", pa, pb)
	}
	// Acking b's seq through a does nothing.
	if err := a.Ack(ctx, []int64{pb[0].Seq}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Outbox(ctx, 10); len(got) != 1 {
		t.Fatalf("a.Ack of b's seq removed b's change")
	}
	sa, _ := a.State(ctx)
	sb, _ := b.State(ctx)
	if sa.Record("n1").String("text") != "in a" || sb.Record("n1").String("text") != "in b" {
		t.Fatalf("states mix workshops: %v / %v", sa.Record("n1"), sb.Record("n1"))
	}
	if _, err := b.Blob(ctx, "h"); !errors.Is(err, client.ErrNoBlob) {
		t.Fatalf("b.Blob(a's photo) = %v, want ErrNoBlob", err)
	}
	if ca, _, _ := a.(client.Counter).Counts(ctx); ca != 1 {
		t.Fatalf("a.Counts() = %d changes, want 1", ca)
	}
	_, pbl, _ := b.(client.Counter).Counts(ctx)
	if pbl != 0 {
		t.Fatalf("b.Counts() = %d photos, want 0", pbl)
	}
}

func TestWorkshopsAndRemove(t *testing.T) {
	needIDB(t)
	ctx := context.Background()
	w := newWorkshop(t)
	l := open(t, w)
	if err := l.SaveMeta(ctx, client.Meta{Workshop: w, Name: "Léa", Replica: "r"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Write(ctx, []replica.Change{note("n", "x", 1)}, map[string][]byte{"h": []byte("bytes")}); err != nil {
		t.Fatal(err)
	}
	list, err := Workshops(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range list {
		found = found || (m.Workshop == w && m.Name == "Léa")
	}
	if !found {
		t.Fatalf("Workshops() = %v, want %s in it", list, w)
	}
	if err := Remove(ctx, w); err != nil {
		t.Fatal(err)
	}
	list, _ = Workshops(ctx)
	for _, m := range list {
		if m.Workshop == w {
			t.Fatalf("Workshops() after Remove still lists %s", w)
		}
	}
	l = open(t, w)
	if p, _ := l.Outbox(ctx, 10); len(p) != 0 {
		t.Errorf("Outbox() after Remove = %v", p)
	}
	if _, err := l.Blob(ctx, "h"); !errors.Is(err, client.ErrNoBlob) {
		t.Errorf("Blob() after Remove = %v, want ErrNoBlob", err)
	}
	if s, _ := l.State(ctx); len(s.Records) != 0 {
		t.Errorf("State() after Remove has %d records", len(s.Records))
	}
}

// TestManyRecords pulls more records than loadRecords reads one by one,
// so the cursor path runs, then pulls over them again.
func TestManyRecords(t *testing.T) {
	needIDB(t)
	ctx := context.Background()
	l := open(t, newWorkshop(t))
	var changes []replica.Change
	for i := range 3 * manyRecords {
		changes = append(changes, note(fmt.Sprintf("n%04d", i), "v1", 10))
	}
	start := time.Now()
	if err := l.Pull(ctx, changes, "1"); err != nil {
		t.Fatal(err)
	}
	for i := range changes {
		changes[i] = note(changes[i].Record, "v2", 20)
	}
	if err := l.Pull(ctx, changes, "2"); err != nil {
		t.Fatal(err)
	}
	s, err := l.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Records) != len(changes) {
		t.Fatalf("State() has %d records, want %d", len(s.Records), len(changes))
	}
	for _, r := range s.Records {
		if r.String("text") != "v2" {
			t.Fatalf("record %s text %q, want v2", r.ID, r.String("text"))
		}
	}
	t.Logf("two pulls of %d records and a State: %s", len(changes), time.Since(start))
}

// TestPhotoIsArrayBuffer checks what IndexedDB holds: an ArrayBuffer, not
// a Blob (unreliable on iOS) nor a string.
func TestPhotoIsArrayBuffer(t *testing.T) {
	needIDB(t)
	ctx := context.Background()
	w := newWorkshop(t)
	l := open(t, w)
	data := bytes.Repeat([]byte{0xff, 0xd8, 0x00, 0x01}, 50000)
	h := client.BlobHash(data)
	if err := l.Write(ctx, nil, map[string][]byte{h: data}); err != nil {
		t.Fatal(err)
	}
	tx, err := txn(ctx, idb.TransactionReadOnly, idb.DurabilityDefault, storeBlobs)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tx.ObjectStore(storeBlobs)
	if err != nil {
		t.Fatal(err)
	}
	g := newGather(ctx, 1)
	i := g.add(st.Get(key(w, h)))
	if err := g.wait(); err != nil {
		t.Fatal(err)
	}
	if v := g.vals[i]; !v.InstanceOf(js.Global().Get("ArrayBuffer")) || v.Get("byteLength").Int() != len(data) {
		t.Fatalf("stored photo is %s, want an ArrayBuffer of %d bytes", js.Global().Call("String", v).String(), len(data))
	}
	got, err := l.Blob(ctx, h)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Blob() = %d bytes, %v", len(got), err)
	}
}

func TestWriteTiming(t *testing.T) {
	needIDB(t)
	ctx := context.Background()
	l := open(t, newWorkshop(t))
	const n = 30
	start := time.Now()
	for i := range n {
		if err := l.Write(ctx, []replica.Change{note(fmt.Sprintf("n%d", i), "x", int64(i+1))}, nil); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("Write (durable) of one change: %s on average", time.Since(start)/n)
}

func TestStorageEstimate(t *testing.T) {
	needIDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	persisted, err := Persist(ctx)
	if err != nil {
		t.Fatal(err)
	}
	usage, quota, persisted2, err := Estimate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if quota <= 0 || usage < 0 || usage > quota {
		t.Fatalf("Estimate() = usage %d, quota %d", usage, quota)
	}
	if persisted != persisted2 {
		t.Errorf("Persist() = %v but Estimate() says persisted %v", persisted, persisted2)
	}
	t.Logf("usage %d, quota %d, persisted %v", usage, quota, persisted)
}
