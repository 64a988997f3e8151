package storetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"carnet/sync/replica"
	"carnet/sync/store"
)

func testCreateWorkshop(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := store.Workshop{
		ID:       id(1),
		JoinCode: "K7Q2XD",
		Secret:   []byte{0, 1, 2, 250, 251, 252},
		Created:  time.Date(2026, 3, 14, 9, 30, 15, 123456000, time.FixedZone("CET", 3600)),
	}
	records := []replica.Change{
		set(w.ID, "workshop", "title", text("Atelier données portuaires"), clk(1)),
		set(w.ID, "workshop", "locale", text("fr"), clk(1)),
		set(id(2), "session", "title", text("Dessinez votre cas d'usage"), clk(1)),
	}
	if err := s.CreateWorkshop(ctx(t), w, records); err != nil {
		t.Fatalf("CreateWorkshop() = %v", err)
	}
	got, err := s.Workshop(ctx(t), w.ID)
	if err != nil {
		t.Fatalf("Workshop() = %v", err)
	}
	if got.ID != w.ID || got.JoinCode != w.JoinCode || !bytes.Equal(got.Secret, w.Secret) || !got.Created.Equal(w.Created) {
		t.Fatalf("Workshop() = %+v, want %+v", got, w)
	}
	c := cursor(t, s, w.ID)
	if c <= 0 {
		t.Fatalf("Cursor() after creating with records = %d, want > 0", c)
	}
	sameSet(t, "Changes() after CreateWorkshop", all(t, s, w.ID), records)

	// The id is taken: nothing changes.
	again := w
	again.JoinCode, again.Secret = "OTHER1", []byte("other")
	err = s.CreateWorkshop(ctx(t), again, []replica.Change{set(w.ID, "workshop", "title", text("Autre"), clk(9))})
	isErr(t, "CreateWorkshop(same id)", err, store.ErrExists)
	got, err = s.Workshop(ctx(t), w.ID)
	if err != nil || got.JoinCode != w.JoinCode || !bytes.Equal(got.Secret, w.Secret) {
		t.Fatalf("Workshop() after a refused create = %+v, %v; want %+v", got, err, w)
	}
	if c2 := cursor(t, s, w.ID); c2 != c {
		t.Fatalf("Cursor() after a refused create = %d, want %d", c2, c)
	}
	sameSet(t, "Changes() after a refused create", all(t, s, w.ID), records)

	// A blank workshop starts at cursor 0 with nothing to read.
	blank := workshop(t, s)
	if c := cursor(t, s, blank); c != 0 {
		t.Fatalf("Cursor() of a workshop created without records = %d, want 0", c)
	}
	p, err := s.Changes(ctx(t), blank, 0, 10)
	if err != nil || len(p.Changes) != 0 || p.Cursor != 0 || p.More {
		t.Fatalf("Changes(0) of a blank workshop = %+v, %v; want an empty page at 0", p, err)
	}
}

func testNotFound(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	workshop(t, s) // another workshop exists
	w := id(999)
	_, err := s.Workshop(ctx(t), w)
	isErr(t, "Workshop(unknown)", err, store.ErrNotFound)
	err = s.Join(ctx(t), w, store.Participant{ID: id(1), SecretHash: []byte("h")}, nil)
	isErr(t, "Join(unknown workshop)", err, store.ErrNotFound)
	called := false
	_, err = s.Apply(ctx(t), w, func(replica.Lookup) ([]replica.Change, error) {
		called = true
		return nil, nil
	})
	isErr(t, "Apply(unknown workshop)", err, store.ErrNotFound)
	if called {
		t.Fatalf("Apply(unknown workshop) called check")
	}
	_, err = s.Changes(ctx(t), w, 0, 10)
	isErr(t, "Changes(unknown workshop)", err, store.ErrNotFound)
	_, err = s.Cursor(ctx(t), w)
	isErr(t, "Cursor(unknown workshop)", err, store.ErrNotFound)
	_, err = s.Blob(ctx(t), w, hashOf("x"))
	isErr(t, "Blob(unknown workshop)", err, store.ErrNotFound)
	_, err = s.WriteBlob(ctx(t), w, hashOf("x"), 0, []byte("x"))
	isErr(t, "WriteBlob(unknown workshop)", err, store.ErrNotFound)
	_, err = s.PartialBlob(ctx(t), w, hashOf("x"))
	isErr(t, "PartialBlob(unknown workshop)", err, store.ErrNotFound)
	err = s.CompleteBlob(ctx(t), w, hashOf("x"))
	isErr(t, "CompleteBlob(unknown workshop)", err, store.ErrNotFound)
	_, err = s.ReadBlob(ctx(t), w, hashOf("x"))
	isErr(t, "ReadBlob(unknown workshop)", err, store.ErrNotFound)
	err = s.DropBlob(ctx(t), w, hashOf("x"))
	isErr(t, "DropBlob(unknown workshop)", err, store.ErrNotFound)
}

func testJoin(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s, set(id(1), "workshop", "title", text("Atelier"), clk(1)))
	ana := store.Participant{ID: id(10), SecretHash: []byte("hash of ana's secret")}
	name := func(n string, ms int64) []replica.Change {
		return []replica.Change{set(ana.ID, "participant", "name", text(n), clk(ms))}
	}

	c0 := cursor(t, s, w)
	if err := s.Join(ctx(t), w, ana, name("Ana", 10)); err != nil {
		t.Fatalf("Join(ana) = %v", err)
	}
	c1 := cursor(t, s, w)
	if c1 <= c0 {
		t.Fatalf("Cursor() after Join with a record = %d, want > %d", c1, c0)
	}
	sameSet(t, "Changes() after Join", since(t, s, w, c0, 10), name("Ana", 10))

	// A retry, or a second phone: same secret, nothing merged again, even a
	// record that would win.
	if err := s.Join(ctx(t), w, ana, name("Bob", 20)); err != nil {
		t.Fatalf("Join(ana again, same secret) = %v", err)
	}
	if c := cursor(t, s, w); c != c1 {
		t.Fatalf("Cursor() after joining again = %d, want %d", c, c1)
	}

	// Another device secret: conflict, nothing merged.
	other := store.Participant{ID: ana.ID, SecretHash: []byte("hash of another secret")}
	err := s.Join(ctx(t), w, other, name("Eve", 30))
	isErr(t, "Join(ana, another secret)", err, store.ErrConflict)
	if c := cursor(t, s, w); c != c1 {
		t.Fatalf("Cursor() after a conflicting join = %d, want %d", c, c1)
	}
	sameSet(t, "Changes() after joins", all(t, s, w), append([]replica.Change{set(id(1), "workshop", "title", text("Atelier"), clk(1))}, name("Ana", 10)...))

	// The first secret still works after the conflict.
	if err := s.Join(ctx(t), w, ana, nil); err != nil {
		t.Fatalf("Join(ana, first secret) after a conflict = %v", err)
	}

	// Other participants, and the same participant in another workshop,
	// are independent.
	if err := s.Join(ctx(t), w, store.Participant{ID: id(11), SecretHash: []byte("hash of bea's secret")}, nil); err != nil {
		t.Fatalf("Join(bea) = %v", err)
	}
	w2 := workshop(t, s)
	if err := s.Join(ctx(t), w2, other, name("Eve", 30)); err != nil {
		t.Fatalf("Join(ana's id in another workshop, another secret) = %v", err)
	}
	sameSet(t, "Changes() of the other workshop", all(t, s, w2), name("Eve", 30))
}

func testApplyLookup(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	note, other := id(20), id(21)
	apply(t, s, w,
		set(note, "note", "text", text("Trop de ressaisies"), clk(1)),
		set(note, "note", "color", text("problem"), clk(2)),
		set(other, "thread", "title", text("Données"), clk(1)),
	)
	// A later change wins, an older one loses: lookup shows the winner.
	apply(t, s, w, set(note, "note", "text", text("Ressaisie"), clk(5)))
	apply(t, s, w, set(note, "note", "color", text("wish"), clk(1)))
	w2 := workshop(t, s, set(note, "note", "text", text("Ailleurs"), clk(9)))

	want := &replica.Record{ID: note, Kind: "note", Fields: map[string]replica.Value{
		"text":  {Value: json.RawMessage(text("Ressaisie")), Clock: clk(5)},
		"color": {Value: json.RawMessage(text("problem")), Clock: clk(2)},
	}}
	_, err := s.Apply(ctx(t), w, func(lookup replica.Lookup) ([]replica.Change, error) {
		got, err := lookup(note)
		if err != nil {
			t.Errorf("lookup(note) = %v", err)
			return nil, nil
		}
		sameRecord(t, got, want)
		if r, err := lookup(id(22)); r != nil || err != nil {
			t.Errorf("lookup(unknown record) = %+v, %v; want nil, nil", r, err)
		}
		return nil, nil
	})
	if err != nil {
		t.Fatalf("Apply() = %v", err)
	}
	// The same id in another workshop is another record.
	_, err = s.Apply(ctx(t), w2, func(lookup replica.Lookup) ([]replica.Change, error) {
		got, err := lookup(note)
		if err != nil || got == nil || got.Raw("text") == nil || string(got.Raw("text")) != text("Ailleurs") {
			t.Errorf("lookup(note) in another workshop = %+v, %v; want its own text", got, err)
		}
		if r, err := lookup(other); r != nil || err != nil {
			t.Errorf("lookup(a record of another workshop) = %+v, %v; want nil, nil", r, err)
		}
		return nil, nil
	})
	if err != nil {
		t.Fatalf("Apply() = %v", err)
	}
}

// sameRecord fails unless got has want's id, kind, fields, values and
// clocks.
func sameRecord(t *testing.T, got, want *replica.Record) {
	t.Helper()
	ok := got != nil && got.ID == want.ID && got.Kind == want.Kind && len(got.Fields) == len(want.Fields)
	for f, v := range want.Fields {
		if !ok {
			break
		}
		g, has := got.Fields[f]
		ok = has && bytes.Equal(g.Value, v.Value) && g.Clock == v.Clock
	}
	if !ok {
		t.Errorf("lookup(%s) =%s\nwant%s", want.ID, show(got.Changes()), show(want.Changes()))
	}
}

func testApplyMerge(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	rec := id(30)
	stored := set(rec, "note", "text", text("b"), clk(10))
	tests := []struct {
		name string
		c    replica.Change
		wins bool
	}{
		{"newer clock wins", set(rec, "note", "text", text("a"), clk(11)), true},
		{"older clock loses", set(rec, "note", "text", text("z"), clk(9)), false},
		{"same clock, greater value wins", set(rec, "note", "text", text("c"), clk(10)), true},
		{"same clock, smaller value loses", set(rec, "note", "text", text("a"), clk(10)), false},
		{"same clock, same value changes nothing", stored, false},
		{"same ms, greater counter wins", set(rec, "note", "text", text("a"), replica.MakeClock(epoch+10, 1, replicaA)), true},
		{"same ms and counter, greater replica wins", set(rec, "note", "text", text("a"), replica.MakeClock(epoch+10, 0, replicaB)), true},
		{"another field is independent", set(rec, "note", "color", text("idea"), clk(1)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := workshop(t, s)
			c0 := apply(t, s, w, stored)
			c1 := apply(t, s, w, tt.c)
			if now := cursor(t, s, w); now != c1 {
				t.Fatalf("Apply() = %d, Cursor() = %d; want them equal", c1, now)
			}
			got := since(t, s, w, c0, 10)
			want := []replica.Change{stored}
			if tt.wins {
				if c1 <= c0 {
					t.Fatalf("Apply(a winning change) = cursor %d, want > %d", c1, c0)
				}
				sameList(t, "Changes() after a winning change", got, []replica.Change{tt.c})
				if tt.c.Field == stored.Field {
					want = []replica.Change{tt.c}
				} else {
					want = append(want, tt.c)
				}
			} else {
				if c1 != c0 {
					t.Fatalf("Apply(a losing change) = cursor %d, want %d: a losing change does not move the cursor", c1, c0)
				}
				sameList(t, "Changes() after a losing change", got, nil)
			}
			sameSet(t, "Changes(0)", all(t, s, w), want)
		})
	}
}

func testApplyDuplicate(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	batch := []replica.Change{
		set(id(40), "note", "text", text("un"), clk(1)),
		set(id(40), "note", "color", text("wish"), clk(1)),
		set(id(41), "note", "text", text("deux"), clk(2)),
		set(id(40), "note", "text", text("un bis"), clk(3)),
	}
	c1 := apply(t, s, w, batch...)
	want := all(t, s, w)
	for i := 0; i < 2; i++ {
		if c := apply(t, s, w, batch...); c != c1 {
			t.Fatalf("Apply(the same batch again) = cursor %d, want %d", c, c1)
		}
	}
	reversed := []replica.Change{batch[3], batch[2], batch[1], batch[0]}
	if c := apply(t, s, w, reversed...); c != c1 {
		t.Fatalf("Apply(the same batch reversed) = cursor %d, want %d", c, c1)
	}
	sameList(t, "Changes() after applying a batch again", all(t, s, w), want)
	sameSet(t, "Changes()", want, batch[1:])
}

func testApplySameField(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	rec := id(50)
	apply(t, s, w,
		set(rec, "note", "text", text("trois"), clk(3)),
		set(rec, "note", "text", text("un"), clk(1)),
		set(rec, "note", "text", text("cinq"), clk(5)),
		set(rec, "note", "text", text("deux"), clk(2)),
	)
	sameList(t, "Changes() after one batch setting a field four times", all(t, s, w),
		[]replica.Change{set(rec, "note", "text", text("cinq"), clk(5))})
}

func testApplyCheckError(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	rec := id(60)
	c0 := apply(t, s, w, set(rec, "note", "text", text("gardé"), clk(1)))
	want := all(t, s, w)
	boom := errors.New("boom")

	// An error with changes: none of them is stored.
	_, err := s.Apply(ctx(t), w, func(lookup replica.Lookup) ([]replica.Change, error) {
		if _, err := lookup(rec); err != nil {
			return nil, err
		}
		return []replica.Change{
			set(rec, "note", "text", text("perdu"), clk(2)),
			set(id(61), "note", "text", text("perdu"), clk(2)),
		}, boom
	})
	isErr(t, "Apply(check fails)", err, boom)
	if c := cursor(t, s, w); c != c0 {
		t.Fatalf("Cursor() after a failed check = %d, want %d", c, c0)
	}
	sameList(t, "Changes() after a failed check", all(t, s, w), want)

	// The store is usable after the rollback.
	if c := apply(t, s, w, set(rec, "note", "text", text("après"), clk(3))); c <= c0 {
		t.Fatalf("Apply() after a failed check = cursor %d, want > %d", c, c0)
	}
}

func testApplyNothing(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	c0 := apply(t, s, w, set(id(70), "note", "text", text("un"), clk(1)))
	if c := apply(t, s, w); c != c0 {
		t.Fatalf("Apply(no change) = cursor %d, want %d", c, c0)
	}
	p, err := s.Changes(ctx(t), w, c0, 10)
	if err != nil || len(p.Changes) != 0 || p.Cursor != c0 || p.More {
		t.Fatalf("Changes(cursor) with nothing new = %+v, %v; want an empty page at %d", p, err, c0)
	}
}

func testChangesPaging(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	var want []replica.Change
	for b := 0; b < 3; b++ {
		var batch []replica.Change
		for i := 0; i < 9; i++ {
			n := b*9 + i
			batch = append(batch, set(id(100+n/3), "note", []string{"text", "color", "x"}[n%3], []string{text("t"), text("idea"), "1.5"}[n%3], clk(int64(n))))
		}
		apply(t, s, w, batch...)
		want = append(want, batch...)
	}
	end := cursor(t, s, w)

	// Every limit reads the same changes, in the same order.
	first := since(t, s, w, 0, 1000)
	sameSet(t, "Changes(0, 1000)", first, want)
	for _, limit := range []int{1, 2, 5, 10, 26, 27, 28} {
		sameList(t, "Changes(0) by pages", since(t, s, w, 0, limit), first)
	}
	// Page sizes and More.
	var c int64
	for i, n := range []int{10, 10, 7} {
		p, err := s.Changes(ctx(t), w, c, 10)
		if err != nil {
			t.Fatalf("Changes() = %v", err)
		}
		if len(p.Changes) != n || p.More != (i < 2) {
			t.Fatalf("page %d = %d changes, More %v; want %d, %v", i, len(p.Changes), p.More, n, i < 2)
		}
		sameList(t, "page", p.Changes, first[i*10:i*10+n])
		c = p.Cursor
	}
	if c != end {
		t.Fatalf("last page's cursor = %d, want %d", c, end)
	}
	// From the middle of a page.
	p, err := s.Changes(ctx(t), w, 0, 4)
	if err != nil {
		t.Fatalf("Changes() = %v", err)
	}
	sameList(t, "Changes() from a page's cursor", since(t, s, w, p.Cursor, 3), first[4:])
	// Nothing new: the cursor stays.
	for i := 0; i < 2; i++ {
		p, err := s.Changes(ctx(t), w, end, 10)
		if err != nil || len(p.Changes) != 0 || p.More || p.Cursor != end {
			t.Fatalf("Changes(newest cursor) = %+v, %v; want an empty page at %d", p, err, end)
		}
	}
}

func testChangesOverwritten(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	a, b := id(80), id(81)
	c1 := apply(t, s, w,
		set(a, "note", "text", text("v1"), clk(1)),
		set(a, "note", "color", text("wish"), clk(1)),
	)
	c2 := apply(t, s, w, set(b, "thread", "title", text("fil"), clk(2)))
	c3 := apply(t, s, w, set(a, "note", "text", text("v2"), clk(3)))
	if !(c1 < c2 && c2 < c3) {
		t.Fatalf("cursors after three winning applies = %d, %d, %d; want them growing", c1, c2, c3)
	}
	// The overwritten field comes once, at its later place.
	got := all(t, s, w)
	sameList(t, "Changes(0)", got, []replica.Change{
		set(a, "note", "color", text("wish"), clk(1)),
		set(b, "thread", "title", text("fil"), clk(2)),
		set(a, "note", "text", text("v2"), clk(3)),
	})
	sameList(t, "Changes(after the first apply)", since(t, s, w, c1, 10), got[1:])
	sameList(t, "Changes(after the second apply)", since(t, s, w, c2, 10), got[2:])
	sameList(t, "Changes(after the third apply)", since(t, s, w, c3, 10), nil)
}

func testIsolation(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	wa, wb := workshop(t, s), workshop(t, s)
	rec := id(90) // the same record id in both
	ca := apply(t, s, wa, set(rec, "note", "text", text("A"), clk(5)))
	cb0 := cursor(t, s, wb)
	apply(t, s, wa, set(id(91), "note", "text", text("A seul"), clk(6)))
	if cb := cursor(t, s, wb); cb != cb0 {
		t.Fatalf("Cursor(B) after writes to A = %d, want %d", cb, cb0)
	}
	sameList(t, "Changes(B) after writes to A", all(t, s, wb), nil)

	// An older change in B is not compared with A's newer one.
	apply(t, s, wb, set(rec, "note", "text", text("B"), clk(1)))
	sameList(t, "Changes(B)", all(t, s, wb), []replica.Change{set(rec, "note", "text", text("B"), clk(1))})
	sameSet(t, "Changes(A)", all(t, s, wa), []replica.Change{
		set(rec, "note", "text", text("A"), clk(5)),
		set(id(91), "note", "text", text("A seul"), clk(6)),
	})
	if got := cursor(t, s, wa); got < ca {
		t.Fatalf("Cursor(A) = %d, went back from %d", got, ca)
	}
}
