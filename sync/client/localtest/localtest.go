// Package localtest is the conformance suite of client.Local: every
// implementation runs it in three lines,
//
//	func TestLocal(t *testing.T) {
//		localtest.Run(t, func(t *testing.T) client.Local { return newLocal(t) })
//	}
//
// It builds for js/wasm, so the browser's IndexedDB store runs it too.
package localtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"carnet/sync/client"
	"carnet/sync/replica"
)

// Run runs the suite; newLocal returns a new, empty store for one subtest
// (clean it up with t.Cleanup).
func Run(t *testing.T, newLocal func(t *testing.T) client.Local) {
	tests := []struct {
		name string
		fn   func(t *testing.T, l client.Local)
	}{
		{"Meta", testMeta},
		{"WriteOutbox", testWriteOutbox},
		{"StateOverlay", testStateOverlay},
		{"Ack", testAck},
		{"Pull", testPull},
		{"KindMismatch", testKindMismatch},
		{"Blobs", testBlobs},
		{"NoAliasing", testNoAliasing},
		{"RecordReader", testRecordReader},
		{"Counter", testCounter},
		{"BlobDropper", testBlobDropper},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newLocal(t)) })
	}
}

const (
	rep  = "0193b1c2-0000-7000-8000-000000000001"
	srv  = "0193b1c2-0000-7000-8000-000000000002"
	note = "0193b1c2-0000-7000-8000-0000000000a1"
	pid  = "0193b1c2-0000-7000-8000-0000000000b1"
)

func clock(ms int64, replicaID string) replica.Clock { return replica.MakeClock(ms, 0, replicaID) }

func set(record, kind, field, value string, c replica.Clock) replica.Change {
	return replica.Change{Record: record, Kind: kind, Field: field, Value: json.RawMessage(value), Clock: c}
}

func grouped(record, kind string, c replica.Clock, kv ...string) replica.Change {
	ch := replica.Change{Record: record, Kind: kind, Clock: c, Fields: map[string]json.RawMessage{}}
	for i := 0; i+1 < len(kv); i += 2 {
		ch.Fields[kv[i]] = json.RawMessage(kv[i+1])
	}
	return ch
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func state(t *testing.T, l client.Local) *replica.State {
	t.Helper()
	s, err := l.State(context.Background())
	must(t, err)
	return s
}

func outbox(t *testing.T, l client.Local) []client.Pending {
	t.Helper()
	p, err := l.Outbox(context.Background(), 1<<20)
	must(t, err)
	return p
}

// field returns a record's field value as compact JSON, "" when unset.
func field(s *replica.State, id, f string) string {
	r := s.Record(id)
	if r == nil || !r.Has(f) {
		return ""
	}
	v, err := replica.Compact(r.Raw(f))
	if err != nil {
		return string(r.Raw(f))
	}
	return string(v)
}

func sameChange(a, b replica.Change) bool {
	if a.Record != b.Record || a.Kind != b.Kind || a.Field != b.Field || a.Clock != b.Clock || len(a.Fields) != len(b.Fields) {
		return false
	}
	if (a.Fields == nil) != (b.Fields == nil) {
		return false
	}
	eq := func(x, y json.RawMessage) bool {
		cx, err1 := replica.Compact(x)
		cy, err2 := replica.Compact(y)
		if err1 != nil || err2 != nil {
			return bytes.Equal(x, y)
		}
		return bytes.Equal(cx, cy)
	}
	if a.Fields == nil && !eq(a.Value, b.Value) {
		return false
	}
	for k, v := range a.Fields {
		w, ok := b.Fields[k]
		if !ok || !eq(v, w) {
			return false
		}
	}
	return true
}

func testMeta(t *testing.T, l client.Local) {
	ctx := context.Background()
	m, err := l.Meta(ctx)
	must(t, err)
	if !reflect.DeepEqual(m, client.Meta{}) {
		t.Fatalf("Meta() of a new store = %+v, want the zero Meta", m)
	}
	want := client.Meta{
		Workshop: srv, Server: "https://example.org", Participant: pid, Secret: "abcdefghijklmnopqrstuvwx",
		JoinCode: "PORT-42", Name: "Léa", Token: "tok", Replica: rep, Clock: clock(1764288000123, rep), Cursor: "17",
		Rejected:  []client.Rejected{{Change: grouped(note, "note", clock(5, rep), "text", `"x"`), Field: "text", Code: "forbidden", Message: "no"}},
		BadPhotos: []client.BadPhoto{{Hash: "ab", Code: "corrupt", Message: "damaged"}},
		Synced:    1764288000999,
	}
	must(t, l.SaveMeta(ctx, want))
	got, err := l.Meta(ctx)
	must(t, err)
	if !metaEqual(got, want) {
		t.Fatalf("Meta() = %+v, want %+v", got, want)
	}
	want.Token, want.Rejected = "other", nil
	must(t, l.SaveMeta(ctx, want))
	got, err = l.Meta(ctx)
	must(t, err)
	if !metaEqual(got, want) {
		t.Fatalf("Meta() after a second SaveMeta = %+v, want %+v", got, want)
	}
}

func metaEqual(a, b client.Meta) bool {
	ra, rb := a.Rejected, b.Rejected
	a.Rejected, b.Rejected = nil, nil
	if len(a.BadPhotos) == 0 && len(b.BadPhotos) == 0 {
		a.BadPhotos, b.BadPhotos = nil, nil
	}
	if !reflect.DeepEqual(a, b) || len(ra) != len(rb) {
		return false
	}
	for i := range ra {
		x, y := ra[i], rb[i]
		if !sameChange(x.Change, y.Change) || x.Field != y.Field || x.Code != y.Code || x.Message != y.Message {
			return false
		}
	}
	return true
}

func testWriteOutbox(t *testing.T, l client.Local) {
	ctx := context.Background()
	if p := outbox(t, l); len(p) != 0 {
		t.Fatalf("Outbox() of a new store = %v, want none", p)
	}
	first := []replica.Change{
		grouped(note, "note", clock(10, rep), "text", `"Ressaisie"`, "color", `"problem"`, "author", `"`+pid+`"`),
		set(note, "note", "x", `12.5`, clock(11, rep)),
	}
	second := []replica.Change{set(note, "note", "text", `"Ressaisie manuelle"`, clock(12, rep))}
	must(t, l.Write(ctx, first, nil))
	must(t, l.Write(ctx, second, nil))
	all := append(append([]replica.Change(nil), first...), second...)
	p := outbox(t, l)
	if len(p) != len(all) {
		t.Fatalf("Outbox() has %d changes, want %d", len(p), len(all))
	}
	for i := range p {
		if !sameChange(p[i].Change, all[i]) {
			t.Errorf("Outbox()[%d] = %+v, want %+v", i, p[i].Change, all[i])
		}
		if i > 0 && p[i].Seq <= p[i-1].Seq {
			t.Errorf("Outbox() seqs %d then %d, want growing", p[i-1].Seq, p[i].Seq)
		}
	}
	two, err := l.Outbox(ctx, 2)
	must(t, err)
	if len(two) != 2 || two[0].Seq != p[0].Seq || two[1].Seq != p[1].Seq {
		t.Fatalf("Outbox(2) = %v, want the first two of %v", two, p)
	}
	s := state(t, l)
	if got, want := field(s, note, "text"), `"Ressaisie manuelle"`; got != want {
		t.Errorf("State() text = %s, want %s", got, want)
	}
	if got, want := field(s, note, "x"), `12.5`; got != want {
		t.Errorf("State() x = %s, want %s", got, want)
	}
	if r := s.Record(note); r == nil || r.Kind != "note" {
		t.Fatalf("State() record = %+v, want a note", r)
	}
	// An empty write is fine and changes nothing.
	must(t, l.Write(ctx, nil, nil))
	if got := outbox(t, l); len(got) != len(all) {
		t.Fatalf("Outbox() after an empty Write has %d changes, want %d", len(got), len(all))
	}
}

func testStateOverlay(t *testing.T, l client.Local) {
	ctx := context.Background()
	must(t, l.Pull(ctx, []replica.Change{
		grouped(note, "note", clock(20, srv), "text", `"from server"`, "color", `"wish"`),
	}, "1"))
	// An older local change loses to the server's; a newer one wins.
	must(t, l.Write(ctx, []replica.Change{
		set(note, "note", "text", `"old local"`, clock(15, rep)),
		set(note, "note", "color", `"idea"`, clock(25, rep)),
	}, nil))
	s := state(t, l)
	if got, want := field(s, note, "text"), `"from server"`; got != want {
		t.Errorf("State() text = %s, want %s (the newer clock)", got, want)
	}
	if got, want := field(s, note, "color"), `"idea"`; got != want {
		t.Errorf("State() color = %s, want %s (the newer clock)", got, want)
	}
	// The server's later value wins over the pending one.
	must(t, l.Pull(ctx, []replica.Change{set(note, "note", "color", `"data"`, clock(30, srv))}, "2"))
	if got, want := field(state(t, l), note, "color"), `"data"`; got != want {
		t.Errorf("State() color = %s, want %s", got, want)
	}
}

func testAck(t *testing.T, l client.Local) {
	ctx := context.Background()
	a := grouped(note, "note", clock(10, rep), "text", `"a"`, "color", `"wish"`)
	b := set(note, "note", "x", `1`, clock(11, rep))
	c := set(note, "note", "y", `2`, clock(12, rep))
	must(t, l.Write(ctx, []replica.Change{a, b, c}, nil))
	p := outbox(t, l)
	// The server accepted a's text only, refused b, has not answered c.
	must(t, l.Ack(ctx, []int64{p[0].Seq, p[1].Seq}, []replica.Change{set(note, "note", "text", `"a"`, clock(10, rep))}))
	left := outbox(t, l)
	if len(left) != 1 || left[0].Seq != p[2].Seq {
		t.Fatalf("Outbox() after Ack = %v, want only seq %d", left, p[2].Seq)
	}
	s := state(t, l)
	for f, want := range map[string]string{"text": `"a"`, "color": "", "x": "", "y": "2"} {
		if got := field(s, note, f); got != want {
			t.Errorf("State() %s = %q, want %q", f, got, want)
		}
	}
	// Acknowledging again, or unknown seqs, changes nothing.
	must(t, l.Ack(ctx, []int64{p[0].Seq, p[1].Seq, 1 << 40}, nil))
	if got := outbox(t, l); len(got) != 1 {
		t.Fatalf("Outbox() after a second Ack = %v, want one change", got)
	}
	must(t, l.Ack(ctx, []int64{p[2].Seq}, []replica.Change{c}))
	if got := outbox(t, l); len(got) != 0 {
		t.Fatalf("Outbox() after acking all = %v, want none", got)
	}
	if got := field(state(t, l), note, "y"); got != "2" {
		t.Errorf("State() y = %q, want 2", got)
	}
	// Seqs keep growing after the outbox empties.
	must(t, l.Write(ctx, []replica.Change{set(note, "note", "x", `3`, clock(13, rep))}, nil))
	if got := outbox(t, l); len(got) != 1 || got[0].Seq <= p[2].Seq {
		t.Fatalf("Outbox() = %v, want one change with seq > %d", got, p[2].Seq)
	}
}

func testPull(t *testing.T, l client.Local) {
	ctx := context.Background()
	m := client.Meta{Workshop: srv, Replica: rep, Token: "tok", Clock: clock(5, rep)}
	must(t, l.SaveMeta(ctx, m))
	changes := []replica.Change{
		grouped(note, "note", clock(20, srv), "text", `"one"`, "author", `"`+pid+`"`),
		set(pid, "participant", "name", `"Léa"`, clock(21, srv)),
	}
	must(t, l.Pull(ctx, changes, "c1"))
	got, err := l.Meta(ctx)
	must(t, err)
	want := m
	want.Cursor = "c1"
	if !metaEqual(got, want) {
		t.Fatalf("Meta() after Pull = %+v, want %+v (cursor moved, the rest kept)", got, want)
	}
	// Pulling the same again, in another order, changes nothing.
	must(t, l.Pull(ctx, []replica.Change{changes[1], changes[0]}, "c2"))
	s := state(t, l)
	if got, want := field(s, note, "text"), `"one"`; got != want {
		t.Errorf("State() text = %s, want %s", got, want)
	}
	if got, want := field(s, pid, "name"), `"Léa"`; got != want {
		t.Errorf("State() name = %s, want %s", got, want)
	}
	if r := s.Record(pid); r == nil || r.Kind != "participant" {
		t.Errorf("State() participant = %+v, want a participant", r)
	}
	if n := len(s.Records); n != 2 {
		t.Errorf("State() has %d records, want 2", n)
	}
	// A page with no changes still moves the cursor; Pull leaves the outbox.
	must(t, l.Write(ctx, []replica.Change{set(note, "note", "x", `1`, clock(30, rep))}, nil))
	must(t, l.Pull(ctx, nil, "c3"))
	if got, _ := l.Meta(ctx); got.Cursor != "c3" {
		t.Errorf("Meta().Cursor = %q, want c3", got.Cursor)
	}
	if p := outbox(t, l); len(p) != 1 {
		t.Errorf("Outbox() after Pull = %v, want the one pending change", p)
	}
	// Equal clocks, different values: the greater JSON encoding wins.
	same := clock(40, srv)
	must(t, l.Pull(ctx, []replica.Change{set(note, "note", "zone", `"b"`, same), set(note, "note", "zone", `"a"`, same)}, "c4"))
	if got, want := field(state(t, l), note, "zone"), `"b"`; got != want {
		t.Errorf("State() zone = %s, want %s", got, want)
	}
}

func testKindMismatch(t *testing.T, l client.Local) {
	ctx := context.Background()
	must(t, l.Pull(ctx, []replica.Change{set(note, "note", "text", `"n"`, clock(20, srv))}, "1"))
	must(t, l.Write(ctx, []replica.Change{set(note, "thread", "title", `"t"`, clock(30, rep))}, nil))
	s := state(t, l)
	r := s.Record(note)
	if r == nil || r.Kind != "note" || r.Has("title") {
		t.Fatalf("State() record = %+v, want the note without the thread's title", r)
	}
}

func testBlobs(t *testing.T, l client.Local) {
	ctx := context.Background()
	if _, err := l.Blob(ctx, client.BlobHash([]byte("none"))); !errors.Is(err, client.ErrNoBlob) {
		t.Fatalf("Blob(unknown) error = %v, want ErrNoBlob", err)
	}
	one, two := []byte("\xff\xd8\xff one"), bytes.Repeat([]byte("two"), 1000)
	h1, h2 := client.BlobHash(one), client.BlobHash(two)
	must(t, l.Write(ctx, []replica.Change{set(note, "photo", "blob", `"`+h1+`"`, clock(1, rep))}, map[string][]byte{h1: one}))
	must(t, l.Write(ctx, nil, map[string][]byte{h2: two}))
	must(t, l.Write(ctx, nil, map[string][]byte{h1: one})) // queued already
	pb, err := l.PendingBlobs(ctx)
	must(t, err)
	want := []client.PendingBlob{{Hash: h1, Size: int64(len(one))}, {Hash: h2, Size: int64(len(two))}}
	if !reflect.DeepEqual(pb, want) {
		t.Fatalf("PendingBlobs() = %v, want %v", pb, want)
	}
	if p := outbox(t, l); len(p) != 1 {
		t.Fatalf("Outbox() = %v, want the photo change", p)
	}
	b, err := l.Blob(ctx, h2)
	must(t, err)
	if !bytes.Equal(b, two) {
		t.Fatalf("Blob() = %d bytes, want the %d written", len(b), len(two))
	}
	must(t, l.Uploaded(ctx, h1))
	pb, err = l.PendingBlobs(ctx)
	must(t, err)
	if !reflect.DeepEqual(pb, want[1:]) {
		t.Fatalf("PendingBlobs() after Uploaded = %v, want %v", pb, want[1:])
	}
	if b, err := l.Blob(ctx, h1); err != nil || !bytes.Equal(b, one) {
		t.Fatalf("Blob() after Uploaded = %q, %v; want the bytes, kept", b, err)
	}
	must(t, l.Write(ctx, nil, map[string][]byte{h1: one})) // uploaded already
	pb, err = l.PendingBlobs(ctx)
	must(t, err)
	if !reflect.DeepEqual(pb, want[1:]) {
		t.Fatalf("PendingBlobs() after writing an uploaded photo again = %v, want %v", pb, want[1:])
	}
}

func testNoAliasing(t *testing.T, l client.Local) {
	ctx := context.Background()
	ch := grouped(note, "note", clock(10, rep), "text", `"kept"`)
	data := []byte("\xff\xd8\xff kept")
	h := client.BlobHash(data)
	must(t, l.Write(ctx, []replica.Change{ch}, map[string][]byte{h: data}))
	ch.Fields["text"] = json.RawMessage(`"changed"`)
	data[3] = 'X'
	p := outbox(t, l)
	if got := string(p[0].Change.Fields["text"]); got != `"kept"` {
		t.Fatalf("Outbox() after the caller changed its change = %s, want \"kept\"", got)
	}
	p[0].Change.Fields["text"] = json.RawMessage(`"changed"`)
	if got := field(state(t, l), note, "text"); got != `"kept"` {
		t.Fatalf("State() after the caller changed a returned change = %s, want \"kept\"", got)
	}
	b, err := l.Blob(ctx, h)
	must(t, err)
	if b[3] != ' ' {
		t.Fatalf("Blob() after the caller changed its bytes = %q", b)
	}
	b[0] = 0
	if b2, _ := l.Blob(ctx, h); b2[0] != 0xff {
		t.Fatalf("Blob() after the caller changed returned bytes = %q", b2)
	}
}

func testRecordReader(t *testing.T, l client.Local) {
	rr, ok := l.(client.RecordReader)
	if !ok {
		t.Skip("no RecordReader")
	}
	ctx := context.Background()
	must(t, l.Pull(ctx, []replica.Change{grouped(note, "note", clock(20, srv), "text", `"s"`, "color", `"wish"`)}, "1"))
	must(t, l.Write(ctx, []replica.Change{set(note, "note", "color", `"idea"`, clock(30, rep)), set(pid, "participant", "name", `"L"`, clock(31, rep))}, nil))
	s := state(t, l)
	for _, id := range []string{note, pid, rep} {
		r, err := rr.Record(ctx, id)
		must(t, err)
		want := s.Record(id)
		if (r == nil) != (want == nil) || (r != nil && fmt.Sprint(r.Changes()) != fmt.Sprint(want.Changes())) {
			t.Errorf("Record(%s) = %+v, want %+v as in State()", id, r, want)
		}
	}
}

func testCounter(t *testing.T, l client.Local) {
	ct, ok := l.(client.Counter)
	if !ok {
		t.Skip("no Counter")
	}
	ctx := context.Background()
	data := []byte("\xff\xd8\xff c")
	must(t, l.Write(ctx, []replica.Change{set(note, "note", "x", `1`, clock(1, rep)), set(note, "note", "y", `1`, clock(2, rep))}, map[string][]byte{client.BlobHash(data): data}))
	n, b, err := ct.Counts(ctx)
	must(t, err)
	if n != 2 || b != 1 {
		t.Fatalf("Counts() = %d, %d; want 2, 1", n, b)
	}
	p := outbox(t, l)
	must(t, l.Ack(ctx, []int64{p[0].Seq}, nil))
	must(t, l.Uploaded(ctx, client.BlobHash(data)))
	n, b, err = ct.Counts(ctx)
	must(t, err)
	if n != 1 || b != 0 {
		t.Fatalf("Counts() after Ack and Uploaded = %d, %d; want 1, 0", n, b)
	}
}

// testBlobDropper: a Local that can drop a photo's bytes forgets them and
// their upload; the other photos stay.
func testBlobDropper(t *testing.T, l client.Local) {
	d, ok := l.(client.BlobDropper)
	if !ok {
		t.Skip("not a BlobDropper")
	}
	ctx := context.Background()
	one, two := []byte("\xff\xd8\xff one"), []byte("\xff\xd8\xff two")
	h1, h2 := client.BlobHash(one), client.BlobHash(two)
	must(t, l.Write(ctx, nil, map[string][]byte{h1: one, h2: two}))
	must(t, d.DropBlob(ctx, h1))
	must(t, d.DropBlob(ctx, client.BlobHash([]byte("never held"))))
	if _, err := l.Blob(ctx, h1); !errors.Is(err, client.ErrNoBlob) {
		t.Fatalf("Blob() after DropBlob error = %v, want ErrNoBlob", err)
	}
	pb, err := l.PendingBlobs(ctx)
	must(t, err)
	if len(pb) != 1 || pb[0].Hash != h2 {
		t.Fatalf("PendingBlobs() after DropBlob = %v, want only %s", pb, h2)
	}
	if b, err := l.Blob(ctx, h2); err != nil || !bytes.Equal(b, two) {
		t.Fatalf("Blob(other) = %q, %v", b, err)
	}
}
