package storetest

import (
	"bytes"
	"testing"

	"carnet/sync/replica"
	"carnet/sync/store"
)

// testReopen closes a store and opens it again on the same dir, twice:
// workshops, participants, records, cursors, partial and complete blobs all
// survive, and the cursor goes on from where it was.
func testReopen(t *testing.T, h *harness) {
	s, dir := h.fresh(t)
	w := workshop(t, s, set(id(1), "workshop", "title", text("Atelier"), clk(1)))
	ws, err := s.Workshop(ctx(t), w)
	if err != nil {
		t.Fatalf("Workshop() = %v", err)
	}
	ana := store.Participant{ID: id(10), SecretHash: []byte("ana")}
	if err := s.Join(ctx(t), w, ana, []replica.Change{set(ana.ID, "participant", "name", text("Ana"), clk(2))}); err != nil {
		t.Fatalf("Join() = %v", err)
	}
	apply(t, s, w,
		set(id(20), "note", "text", text("avant"), clk(3)),
		set(id(20), "note", "color", text("idea"), clk(3)),
	)
	c1 := apply(t, s, w, set(id(20), "note", "text", text("après"), clk(4)))
	records := all(t, s, w)
	partial, complete := hashOf("partial"), hashOf("complete")
	write(t, s, w, partial, 0, "par", 3)
	write(t, s, w, complete, 0, "complete", 8)
	if err := s.CompleteBlob(ctx(t), w, complete); err != nil {
		t.Fatalf("CompleteBlob() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	s = h.reopen(t, dir)
	got, err := s.Workshop(ctx(t), w)
	if err != nil || got.JoinCode != ws.JoinCode || !bytes.Equal(got.Secret, ws.Secret) || !got.Created.Equal(ws.Created) {
		t.Fatalf("Workshop() after reopening = %+v, %v; want %+v", got, err, ws)
	}
	if c := cursor(t, s, w); c != c1 {
		t.Fatalf("Cursor() after reopening = %d, want %d", c, c1)
	}
	sameList(t, "Changes() after reopening", all(t, s, w), records)
	if err := s.Join(ctx(t), w, ana, nil); err != nil {
		t.Fatalf("Join(same secret) after reopening = %v", err)
	}
	err = s.Join(ctx(t), w, store.Participant{ID: ana.ID, SecretHash: []byte("eve")}, nil)
	isErr(t, "Join(another secret) after reopening", err, store.ErrConflict)
	blobIs(t, s, w, partial, store.Blob{Offset: 3})
	partialIs(t, s, w, partial, "par")
	blobIs(t, s, w, complete, store.Blob{Offset: 8, Complete: true})
	readIs(t, s, w, complete, "complete")

	// Carry on: the cursor goes on growing, the upload resumes.
	c2 := apply(t, s, w, set(id(21), "note", "text", text("nouveau"), clk(5)))
	if c2 <= c1 {
		t.Fatalf("Apply() after reopening = cursor %d, want > %d", c2, c1)
	}
	write(t, s, w, partial, 3, "tial", 7)
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	s = h.reopen(t, dir)
	if c := cursor(t, s, w); c != c2 {
		t.Fatalf("Cursor() after reopening again = %d, want %d", c, c2)
	}
	sameList(t, "Changes() after reopening again", since(t, s, w, c1, 10),
		[]replica.Change{set(id(21), "note", "text", text("nouveau"), clk(5))})
	partialIs(t, s, w, partial, "partial")
	if err := s.CompleteBlob(ctx(t), w, partial); err != nil {
		t.Fatalf("CompleteBlob() = %v", err)
	}
	readIs(t, s, w, partial, "partial")
}
