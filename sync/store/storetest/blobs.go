package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"

	"carnet/sync/store"
)

// hashOf returns the SHA-256 of s in lowercase hex, a blob's name.
func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// blobIs fails unless the blob is held as want.
func blobIs(t *testing.T, s store.Store, w, hash string, want store.Blob) {
	t.Helper()
	got, err := s.Blob(ctx(t), w, hash)
	if err != nil || got != want {
		t.Fatalf("Blob() = %+v, %v; want %+v", got, err, want)
	}
}

// write appends data at offset and fails unless the new offset is want.
func write(t *testing.T, s store.Store, w, hash string, offset int64, data string, want int64) {
	t.Helper()
	got, err := s.WriteBlob(ctx(t), w, hash, offset, []byte(data))
	if err != nil || got != want {
		t.Fatalf("WriteBlob(%d, %d bytes) = %d, %v; want %d, nil", offset, len(data), got, err, want)
	}
}

// refused fails unless writing at offset gets wantErr with the held
// offset.
func refused(t *testing.T, s store.Store, w, hash string, offset int64, wantHeld int64, wantErr error) {
	t.Helper()
	held, err := s.WriteBlob(ctx(t), w, hash, offset, []byte("xyz"))
	if held != wantHeld {
		t.Fatalf("WriteBlob(%d) = %d, %v; want the held offset %d", offset, held, err, wantHeld)
	}
	isErr(t, "WriteBlob() error", err, wantErr)
}

// partialIs fails unless the partial blob holds want.
func partialIs(t *testing.T, s store.Store, w, hash, want string) {
	t.Helper()
	got, err := s.PartialBlob(ctx(t), w, hash)
	if err != nil || string(got) != want {
		t.Fatalf("PartialBlob() = %q, %v; want %q", got, err, want)
	}
}

// readIs fails unless the complete blob holds want.
func readIs(t *testing.T, s store.Store, w, hash, want string) {
	t.Helper()
	got, err := s.ReadBlob(ctx(t), w, hash)
	if err != nil || string(got) != want {
		t.Fatalf("ReadBlob() = %q, %v; want %q", got, err, want)
	}
}

func testBlobWrite(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	full := "hello world"
	hash := hashOf(full)

	_, err := s.Blob(ctx(t), w, hash)
	isErr(t, "Blob(none)", err, store.ErrNotFound)
	// A blob is created at offset 0 only; a refused write creates nothing.
	refused(t, s, w, hash, 5, 0, store.ErrConflict)
	_, err = s.Blob(ctx(t), w, hash)
	isErr(t, "Blob() after a refused write", err, store.ErrNotFound)

	write(t, s, w, hash, 0, "hello ", 6)
	blobIs(t, s, w, hash, store.Blob{Offset: 6})
	partialIs(t, s, w, hash, "hello ")
	_, err = s.ReadBlob(ctx(t), w, hash)
	isErr(t, "ReadBlob(partial)", err, store.ErrNotFound)

	// Wrong offsets, behind and ahead: the held offset and nothing written.
	refused(t, s, w, hash, 0, 6, store.ErrConflict)
	refused(t, s, w, hash, 3, 6, store.ErrConflict)
	refused(t, s, w, hash, 7, 6, store.ErrConflict)
	partialIs(t, s, w, hash, "hello ")

	write(t, s, w, hash, 6, "world", 11)
	blobIs(t, s, w, hash, store.Blob{Offset: 11})
	partialIs(t, s, w, hash, full)

	if err := s.CompleteBlob(ctx(t), w, hash); err != nil {
		t.Fatalf("CompleteBlob() = %v", err)
	}
	blobIs(t, s, w, hash, store.Blob{Offset: 11, Complete: true})
	readIs(t, s, w, hash, full)
	_, err = s.PartialBlob(ctx(t), w, hash)
	isErr(t, "PartialBlob(complete)", err, store.ErrExists)
	// A complete blob takes no more bytes, at any offset, and says its size.
	refused(t, s, w, hash, 11, 11, store.ErrExists)
	refused(t, s, w, hash, 0, 11, store.ErrExists)
	refused(t, s, w, hash, 4, 11, store.ErrExists)
	// Completing again is harmless.
	if err := s.CompleteBlob(ctx(t), w, hash); err != nil {
		t.Fatalf("CompleteBlob(complete) = %v", err)
	}
	readIs(t, s, w, hash, full)
}

func testBlobEmptyWrite(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	hash := hashOf("abc")
	// An empty write at 0 starts a blob; empty writes move nothing.
	write(t, s, w, hash, 0, "", 0)
	blobIs(t, s, w, hash, store.Blob{})
	partialIs(t, s, w, hash, "")
	write(t, s, w, hash, 0, "ab", 2)
	write(t, s, w, hash, 2, "", 2)
	write(t, s, w, hash, 2, "c", 3)
	partialIs(t, s, w, hash, "abc")

	// An empty blob can complete.
	empty := hashOf("")
	write(t, s, w, empty, 0, "", 0)
	if err := s.CompleteBlob(ctx(t), w, empty); err != nil {
		t.Fatalf("CompleteBlob(empty) = %v", err)
	}
	blobIs(t, s, w, empty, store.Blob{Complete: true})
	readIs(t, s, w, empty, "")
}

func testBlobLarge(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	rnd := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 3<<20+12345)
	for i := range data {
		data[i] = byte(rnd.Uint32())
	}
	hash := hashOf(string(data))
	var off int64
	for off < int64(len(data)) {
		n := int64(1 + rnd.IntN(300<<10))
		if off+n > int64(len(data)) {
			n = int64(len(data)) - off
		}
		got, err := s.WriteBlob(ctx(t), w, hash, off, data[off:off+n])
		if err != nil || got != off+n {
			t.Fatalf("WriteBlob(%d, %d bytes) = %d, %v; want %d", off, n, got, err, off+n)
		}
		off += n
	}
	part, err := s.PartialBlob(ctx(t), w, hash)
	if err != nil || !bytes.Equal(part, data) {
		t.Fatalf("PartialBlob() = %d bytes, %v; want the %d bytes written", len(part), err, len(data))
	}
	if err := s.CompleteBlob(ctx(t), w, hash); err != nil {
		t.Fatalf("CompleteBlob() = %v", err)
	}
	got, err := s.ReadBlob(ctx(t), w, hash)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("ReadBlob() = %d bytes, %v; want the %d bytes written", len(got), err, len(data))
	}
	blobIs(t, s, w, hash, store.Blob{Offset: int64(len(data)), Complete: true})
}

func testBlobDrop(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	partial, complete := hashOf("partial"), hashOf("complete")
	write(t, s, w, partial, 0, "part", 4)
	write(t, s, w, complete, 0, "complete", 8)
	if err := s.CompleteBlob(ctx(t), w, complete); err != nil {
		t.Fatalf("CompleteBlob() = %v", err)
	}

	if err := s.DropBlob(ctx(t), w, partial); err != nil {
		t.Fatalf("DropBlob(partial) = %v", err)
	}
	_, err := s.Blob(ctx(t), w, partial)
	isErr(t, "Blob(dropped)", err, store.ErrNotFound)
	_, err = s.PartialBlob(ctx(t), w, partial)
	isErr(t, "PartialBlob(dropped)", err, store.ErrNotFound)
	// A dropped upload starts again from 0, with none of its old bytes.
	refused(t, s, w, partial, 4, 0, store.ErrConflict)
	write(t, s, w, partial, 0, "new", 3)
	partialIs(t, s, w, partial, "new")

	if err := s.DropBlob(ctx(t), w, complete); err != nil {
		t.Fatalf("DropBlob(complete) = %v", err)
	}
	_, err = s.ReadBlob(ctx(t), w, complete)
	isErr(t, "ReadBlob(dropped)", err, store.ErrNotFound)
	_, err = s.Blob(ctx(t), w, complete)
	isErr(t, "Blob(dropped)", err, store.ErrNotFound)
	write(t, s, w, complete, 0, "again", 5)

	err = s.DropBlob(ctx(t), w, hashOf("never"))
	isErr(t, "DropBlob(none)", err, store.ErrNotFound)
}

func testBlobMissing(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	hash := hashOf("missing")
	_, err := s.Blob(ctx(t), w, hash)
	isErr(t, "Blob(none)", err, store.ErrNotFound)
	_, err = s.PartialBlob(ctx(t), w, hash)
	isErr(t, "PartialBlob(none)", err, store.ErrNotFound)
	err = s.CompleteBlob(ctx(t), w, hash)
	isErr(t, "CompleteBlob(none)", err, store.ErrNotFound)
	_, err = s.ReadBlob(ctx(t), w, hash)
	isErr(t, "ReadBlob(none)", err, store.ErrNotFound)
	err = s.DropBlob(ctx(t), w, hash)
	isErr(t, "DropBlob(none)", err, store.ErrNotFound)
}

func testBlobIsolation(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	wa, wb := workshop(t, s), workshop(t, s)
	hash := hashOf("photo")
	write(t, s, wa, hash, 0, "photo", 5)
	if err := s.CompleteBlob(ctx(t), wa, hash); err != nil {
		t.Fatalf("CompleteBlob() = %v", err)
	}
	// B holds nothing of A's blob and uploads its own from 0.
	_, err := s.Blob(ctx(t), wb, hash)
	isErr(t, "Blob(B) of a blob in A", err, store.ErrNotFound)
	_, err = s.ReadBlob(ctx(t), wb, hash)
	isErr(t, "ReadBlob(B) of a blob in A", err, store.ErrNotFound)
	write(t, s, wb, hash, 0, "ph", 2)
	blobIs(t, s, wb, hash, store.Blob{Offset: 2})
	blobIs(t, s, wa, hash, store.Blob{Offset: 5, Complete: true})
	if err := s.DropBlob(ctx(t), wb, hash); err != nil {
		t.Fatalf("DropBlob(B) = %v", err)
	}
	readIs(t, s, wa, hash, "photo")
}

// testBlobConcurrentWrites races uploads of one blob at the same offset:
// exactly one write wins each offset, the others get ErrConflict with the
// offset after the winner's bytes.
func testBlobConcurrentWrites(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	hash := hashOf("race")
	const writers = 6
	var mu sync.Mutex
	var wg sync.WaitGroup
	won := map[int64][]byte{}
	for _, off := range []int64{0, 4} {
		wins := 0
		for g := 0; g < writers; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				data := []byte{'a' + byte(g), 'a' + byte(g), 'a' + byte(g), 'a' + byte(g)}
				held, err := s.WriteBlob(t.Context(), w, hash, off, data)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && held == off+4:
					wins++
					won[off] = data
				case errors.Is(err, store.ErrConflict) && held == off+4:
				default:
					t.Errorf("WriteBlob(%d) racing = %d, %v; want %d, and nil or ErrConflict", off, held, err, off+4)
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d writers at offset %d: %d won, want 1", writers, off, wins)
		}
	}
	partialIs(t, s, w, hash, string(won[0])+string(won[4]))
}
