//go:build js && wasm

package localdb

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"

	"carnet/sync/client"
	"carnet/sync/replica"
)

// Store is the IndexedDB storage of one workshop: a client.Local, with the
// optional client.RecordReader and client.Counter.
type Store struct {
	w string
}

var (
	_ client.Local        = (*Store)(nil)
	_ client.RecordReader = (*Store)(nil)
	_ client.Counter      = (*Store)(nil)
	_ client.BlobDropper  = (*Store)(nil)
)

// Open returns the local store of workshop, opening the database (and
// creating it on first use). It fails with ErrUnavailable when the browser
// keeps no IndexedDB.
func Open(ctx context.Context, workshop string) (client.Local, error) {
	if workshop == "" {
		return nil, ErrNoWorkshop
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if _, err := database(ctx); err != nil {
		return nil, err
	}
	return &Store{w: workshop}, nil
}

// Workshops returns the meta of every workshop saved on this device, by
// workshop id.
func Workshops(ctx context.Context) ([]client.Meta, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadOnly, idb.DurabilityDefault, storeMeta)
	if err != nil {
		return nil, err
	}
	st, err := t.ObjectStore(storeMeta)
	if err != nil {
		return nil, err
	}
	req, err := st.OpenCursor(idb.CursorNext)
	if err != nil {
		return nil, err
	}
	type kv struct{ k, v string }
	var raw []kv
	err = req.Iter(ctx, func(c *idb.CursorWithValue) error {
		k, _ := c.Key()
		v, _ := c.Value()
		raw = append(raw, kv{str(k), str(v)}) // collect only: no wait here
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]client.Meta, 0, len(raw))
	for _, e := range raw {
		var m client.Meta
		if err := json.Unmarshal([]byte(e.v), &m); err != nil {
			return nil, fmt.Errorf("meta of workshop %s: %w", e.k, err)
		}
		if m.Workshop == "" {
			m.Workshop = e.k
		}
		out = append(out, m)
	}
	sortMetas(out)
	return out, nil
}

// Remove deletes everything the device keeps about workshop: meta,
// records, outbox (changes not synced are lost) and photos.
func Remove(ctx context.Context, workshop string) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadWrite, idb.DurabilityDefault,
		storeMeta, storeRecords, storeOutbox, storeBlobs, storeUploads)
	if err != nil {
		return err
	}
	// Collect the outbox keys first (a cursor's callback only collects),
	// then issue every delete and commit.
	out, err := t.ObjectStore(storeOutbox)
	if err != nil {
		return err
	}
	seqs, err := outboxKeys(ctx, out, workshop)
	if err != nil {
		return err
	}
	for _, name := range []string{storeRecords, storeBlobs, storeUploads} {
		st, err := t.ObjectStore(name)
		if err != nil {
			return err
		}
		if _, err := st.Delete(jsWorkshopRange(workshop)); err != nil {
			return err
		}
	}
	meta, err := t.ObjectStore(storeMeta)
	if err != nil {
		return err
	}
	if _, err := meta.Delete(key(workshop)); err != nil {
		return err
	}
	for _, s := range seqs {
		if _, err := out.Delete(js.ValueOf(s)); err != nil {
			return err
		}
	}
	return commit(ctx, t)
}

// outboxKeys returns the seqs of workshop's pending changes, in order.
func outboxKeys(ctx context.Context, out *idb.ObjectStore, workshop string) ([]float64, error) {
	ix, err := out.Index(indexWorkshop)
	if err != nil {
		return nil, err
	}
	only, err := jsOnly(key(workshop))
	if err != nil {
		return nil, err
	}
	req, err := ix.OpenKeyCursorRange(only, idb.CursorNext)
	if err != nil {
		return nil, err
	}
	var seqs []float64
	err = req.Iter(ctx, func(c *idb.Cursor) error {
		pk, _ := c.PrimaryKey()
		seqs = append(seqs, num(pk))
		return nil
	})
	return seqs, err
}

// Persist asks the browser to keep this origin's storage under storage
// pressure (navigator.storage.persist) and reports whether it is
// persistent. Browsers without the Storage API report false.
func Persist(ctx context.Context) (bool, error) {
	storage := js.Global().Get("navigator").Get("storage")
	if storage.IsUndefined() || storage.Get("persist").IsUndefined() {
		return false, nil
	}
	v, err := await(ctx, storage.Call("persist"))
	if err != nil {
		return false, fmt.Errorf("navigator.storage.persist: %w", err)
	}
	return v.Type() == js.TypeBoolean && v.Bool(), nil
}

// Estimate returns the bytes this origin uses and may use
// (navigator.storage.estimate) and whether its storage is persistent
// (navigator.storage.persisted). Browsers without the Storage API report
// zeros.
func Estimate(ctx context.Context) (usage, quota int64, persisted bool, err error) {
	storage := js.Global().Get("navigator").Get("storage")
	if storage.IsUndefined() || storage.Get("estimate").IsUndefined() {
		return 0, 0, false, nil
	}
	est, err := await(ctx, storage.Call("estimate"))
	if err != nil {
		return 0, 0, false, fmt.Errorf("navigator.storage.estimate: %w", err)
	}
	usage, quota = int64(num(field(est, "usage"))), int64(num(field(est, "quota")))
	if !storage.Get("persisted").IsUndefined() {
		p, err := await(ctx, storage.Call("persisted"))
		if err != nil {
			return usage, quota, false, fmt.Errorf("navigator.storage.persisted: %w", err)
		}
		persisted = p.Type() == js.TypeBoolean && p.Bool()
	}
	return usage, quota, persisted, nil
}

// Meta returns the workshop's meta, the zero Meta before any save.
func (s *Store) Meta(ctx context.Context) (client.Meta, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadOnly, idb.DurabilityDefault, storeMeta)
	if err != nil {
		return client.Meta{}, err
	}
	st, err := t.ObjectStore(storeMeta)
	if err != nil {
		return client.Meta{}, err
	}
	g := newGather(ctx, 1)
	i := g.add(st.Get(key(s.w)))
	if err := g.wait(); err != nil {
		return client.Meta{}, err
	}
	return decodeMeta(g.vals[i])
}

func decodeMeta(v js.Value) (client.Meta, error) {
	var m client.Meta
	if v.Type() != js.TypeString {
		return m, nil
	}
	if err := json.Unmarshal([]byte(v.String()), &m); err != nil {
		return client.Meta{}, fmt.Errorf("stored meta: %w", err)
	}
	return m, nil
}

// SaveMeta replaces the meta, durably (it holds the device secret and the
// token).
func (s *Store) SaveMeta(ctx context.Context, m client.Meta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadWrite, idb.DurabilityStrict, storeMeta)
	if err != nil {
		return err
	}
	st, err := t.ObjectStore(storeMeta)
	if err != nil {
		return err
	}
	if _, err := st.PutKey(key(s.w), js.ValueOf(string(b))); err != nil {
		return storageError(err)
	}
	return commit(ctx, t)
}

// Write appends changes to the outbox and stores blobs, queued for
// upload, in one durable transaction. A blob already queued or uploaded is
// not queued again.
func (s *Store) Write(ctx context.Context, changes []replica.Change, blobs map[string][]byte) error {
	// Everything that is not an IndexedDB request happens before the
	// transaction: encoding, copying the bytes into ArrayBuffers.
	type entry struct{ r, c string }
	entries := make([]entry, len(changes))
	for i, c := range changes {
		b, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("change %d: %w", i, err)
		}
		entries[i] = entry{c.Record, string(b)}
	}
	type blob struct {
		hash string
		size int
		buf  js.Value
	}
	bl := make([]blob, 0, len(blobs))
	for h, b := range blobs {
		bl = append(bl, blob{h, len(b), bytesToJS(b)})
	}
	replica.SortStable(len(bl), func(i, j int) bool { return bl[i].hash < bl[j].hash }, func(i, j int) { bl[i], bl[j] = bl[j], bl[i] })
	at := uploadOrder(len(bl))

	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	stores := []string{storeOutbox}
	if len(bl) > 0 {
		stores = append(stores, storeBlobs, storeUploads)
	}
	t, err := txn(ctx, idb.TransactionReadWrite, idb.DurabilityStrict, stores...)
	if err != nil {
		return err
	}
	out, err := t.ObjectStore(storeOutbox)
	if err != nil {
		return err
	}
	if len(bl) > 0 {
		bs, err := t.ObjectStore(storeBlobs)
		if err != nil {
			return err
		}
		up, err := t.ObjectStore(storeUploads)
		if err != nil {
			return err
		}
		// Which photos are stored, and which still queued? Counting reads
		// no bytes.
		g := newGather(ctx, 2*len(bl))
		stored := make([]int, len(bl))
		queued := make([]int, len(bl))
		for i, b := range bl {
			k := key(s.w, b.hash)
			r1, err1 := bs.CountKey(k)
			stored[i] = g.add(uintRequest(r1), err1)
			r2, err2 := up.CountKey(k)
			queued[i] = g.add(uintRequest(r2), err2)
		}
		if err := g.wait(); err != nil {
			_ = t.Abort()
			return err
		}
		for i, b := range bl {
			if num(g.vals[stored[i]]) > 0 {
				continue // queued or uploaded already: bytes are there
			}
			k := key(s.w, b.hash)
			if _, err := bs.PutKey(k, b.buf); err != nil {
				_ = t.Abort()
				return storageError(err)
			}
			if num(g.vals[queued[i]]) == 0 {
				v := js.ValueOf(map[string]any{"at": at + float64(i), "size": b.size})
				if _, err := up.PutKey(k, v); err != nil {
					_ = t.Abort()
					return storageError(err)
				}
			}
		}
	}
	for _, e := range entries {
		v := js.ValueOf(map[string]any{"w": s.w, "r": e.r, "c": e.c})
		if _, err := out.Add(v); err != nil {
			_ = t.Abort()
			return storageError(err)
		}
	}
	return commit(ctx, t)
}

var (
	orderMu   sync.Mutex
	lastOrder float64
)

// uploadOrder returns the first of n growing numbers that order photos in
// the upload queue: microseconds since 1970, and never the same twice in
// this tab (the browser's clock may give one millisecond to two writes).
func uploadOrder(n int) float64 {
	orderMu.Lock()
	defer orderMu.Unlock()
	at := max(float64(time.Now().UnixMicro()), lastOrder+1)
	lastOrder = at + float64(n)
	return at
}

func uintRequest(r *idb.UintRequest) *idb.Request {
	if r == nil {
		return nil
	}
	return r.Request
}

// Outbox returns up to limit pending changes, oldest first.
func (s *Store) Outbox(ctx context.Context, limit int) ([]client.Pending, error) {
	if limit <= 0 {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadOnly, idb.DurabilityDefault, storeOutbox)
	if err != nil {
		return nil, err
	}
	raw, err := s.readOutbox(ctx, t, indexWorkshop, key(s.w), limit)
	if err != nil {
		return nil, err
	}
	return decodePending(raw)
}

type rawPending struct {
	seq float64
	c   string
}

// readOutbox collects up to limit outbox entries of index ix at k, in seq
// order (limit <= 0: all).
func (s *Store) readOutbox(ctx context.Context, t *idb.Transaction, ix string, k js.Value, limit int) ([]rawPending, error) {
	out, err := t.ObjectStore(storeOutbox)
	if err != nil {
		return nil, err
	}
	index, err := out.Index(ix)
	if err != nil {
		return nil, err
	}
	only, err := jsOnly(k)
	if err != nil {
		return nil, err
	}
	req, err := index.OpenCursorRange(only, idb.CursorNext)
	if err != nil {
		return nil, err
	}
	var raw []rawPending
	err = req.Iter(ctx, func(c *idb.CursorWithValue) error {
		pk, _ := c.PrimaryKey()
		v, _ := c.Value()
		raw = append(raw, rawPending{num(pk), str(field(v, "c"))})
		if limit > 0 && len(raw) >= limit {
			return idb.ErrCursorStopIter
		}
		return nil
	})
	return raw, err
}

func decodePending(raw []rawPending) ([]client.Pending, error) {
	out := make([]client.Pending, 0, len(raw))
	for _, r := range raw {
		var c replica.Change
		if err := json.Unmarshal([]byte(r.c), &c); err != nil {
			return nil, fmt.Errorf("outbox entry %v: %w", r.seq, err)
		}
		out = append(out, client.Pending{Seq: int64(r.seq), Change: c})
	}
	return out, nil
}

// Ack removes the pending changes seqs and merges accepted into the
// records, in one transaction. Unknown seqs, and seqs of another
// workshop, are ignored.
func (s *Store) Ack(ctx context.Context, seqs []int64, accepted []replica.Change) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadWrite, idb.DurabilityDefault, storeOutbox, storeRecords)
	if err != nil {
		return err
	}
	out, err := t.ObjectStore(storeOutbox)
	if err != nil {
		return err
	}
	// Read which seqs are this workshop's, and the records to merge into.
	g := newGather(ctx, len(seqs))
	at := make([]int, len(seqs))
	for i, seq := range seqs {
		at[i] = g.add(out.Get(js.ValueOf(seq)))
	}
	if err := g.wait(); err != nil {
		_ = t.Abort()
		return err
	}
	recs, err := s.loadRecords(ctx, t, ids(accepted))
	if err != nil {
		_ = t.Abort()
		return err
	}
	puts, err := mergeInto(recs, accepted)
	if err != nil {
		_ = t.Abort()
		return err
	}
	for i, seq := range seqs {
		if str(field(g.vals[at[i]], "w")) != s.w {
			continue
		}
		if _, err := out.Delete(js.ValueOf(seq)); err != nil {
			_ = t.Abort()
			return err
		}
	}
	if err := s.putRecords(t, puts); err != nil {
		_ = t.Abort()
		return err
	}
	return commit(ctx, t)
}

// Pull merges changes from the server into the records and sets the
// meta's cursor, in one transaction.
func (s *Store) Pull(ctx context.Context, changes []replica.Change, cursor string) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadWrite, idb.DurabilityDefault, storeRecords, storeMeta)
	if err != nil {
		return err
	}
	meta, err := t.ObjectStore(storeMeta)
	if err != nil {
		return err
	}
	g := newGather(ctx, 1)
	mi := g.add(meta.Get(key(s.w)))
	if err := g.wait(); err != nil {
		_ = t.Abort()
		return err
	}
	m, err := decodeMeta(g.vals[mi])
	if err != nil {
		_ = t.Abort()
		return err
	}
	m.Cursor = cursor
	mb, err := json.Marshal(m)
	if err != nil {
		_ = t.Abort()
		return err
	}
	recs, err := s.loadRecords(ctx, t, ids(changes))
	if err != nil {
		_ = t.Abort()
		return err
	}
	puts, err := mergeInto(recs, changes)
	if err != nil {
		_ = t.Abort()
		return err
	}
	if err := s.putRecords(t, puts); err != nil {
		_ = t.Abort()
		return err
	}
	if _, err := meta.PutKey(key(s.w), js.ValueOf(string(mb))); err != nil {
		_ = t.Abort()
		return storageError(err)
	}
	return commit(ctx, t)
}

// ids returns the distinct record ids of changes, in order of appearance.
func ids(changes []replica.Change) []string {
	seen := make(map[string]bool, len(changes))
	var out []string
	for _, c := range changes {
		if !seen[c.Record] {
			seen[c.Record] = true
			out = append(out, c.Record)
		}
	}
	return out
}

// manyRecords is the number of records above which loadRecords reads the
// whole workshop with one cursor rather than one get each.
const manyRecords = 200

// loadRecords reads the stored records with these ids (missing ones are
// left out) in transaction t.
func (s *Store) loadRecords(ctx context.Context, t *idb.Transaction, want []string) (map[string]*replica.Record, error) {
	recs := make(map[string]*replica.Record, len(want))
	if len(want) == 0 {
		return recs, nil
	}
	st, err := t.ObjectStore(storeRecords)
	if err != nil {
		return nil, err
	}
	var texts []string
	if len(want) > manyRecords {
		wanted := make(map[string]bool, len(want))
		for _, id := range want {
			wanted[id] = true
		}
		all, err := s.readRecords(ctx, st)
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			if wanted[r.id] {
				texts = append(texts, r.text)
			}
		}
	} else {
		g := newGather(ctx, len(want))
		for _, id := range want {
			g.add(st.Get(key(s.w, id)))
		}
		if err := g.wait(); err != nil {
			return nil, err
		}
		for _, v := range g.vals {
			if v.Type() == js.TypeString {
				texts = append(texts, v.String())
			}
		}
	}
	for _, text := range texts {
		r, err := decodeRecord(text)
		if err != nil {
			return nil, err
		}
		recs[r.ID] = r
	}
	return recs, nil
}

type rawRecord struct{ id, text string }

// readRecords collects every record text of the workshop.
func (s *Store) readRecords(ctx context.Context, st *idb.ObjectStore) ([]rawRecord, error) {
	rng, err := workshopRange(s.w)
	if err != nil {
		return nil, err
	}
	req, err := st.OpenCursorRange(rng, idb.CursorNext)
	if err != nil {
		return nil, err
	}
	var out []rawRecord
	err = req.Iter(ctx, func(c *idb.CursorWithValue) error {
		k, _ := c.Key()
		v, _ := c.Value()
		out = append(out, rawRecord{keyPart(k, 1), str(v)})
		return nil
	})
	return out, err
}

func decodeRecord(text string) (*replica.Record, error) {
	var r replica.Record
	if err := json.Unmarshal([]byte(text), &r); err != nil {
		return nil, fmt.Errorf("stored record: %w", err)
	}
	if r.Fields == nil {
		r.Fields = map[string]replica.Value{}
	}
	return &r, nil
}

// mergeInto applies changes to recs (adding new records) and returns the
// records that changed, encoded. A change whose kind is not its record's
// is skipped, as replica.State.Apply does.
func mergeInto(recs map[string]*replica.Record, changes []replica.Change) (map[string]string, error) {
	st := &replica.State{Records: recs}
	touched := map[string]bool{}
	for _, c := range changes {
		won, err := st.Apply(c)
		if err != nil {
			continue // kind mismatch: the record keeps its kind
		}
		if len(won) > 0 {
			touched[c.Record] = true
		}
	}
	out := make(map[string]string, len(touched))
	for id := range touched {
		b, err := json.Marshal(st.Records[id])
		if err != nil {
			return nil, err
		}
		out[id] = string(b)
	}
	return out, nil
}

func (s *Store) putRecords(t *idb.Transaction, texts map[string]string) error {
	if len(texts) == 0 {
		return nil
	}
	st, err := t.ObjectStore(storeRecords)
	if err != nil {
		return err
	}
	for id, text := range texts {
		if _, err := st.PutKey(key(s.w, id), js.ValueOf(text)); err != nil {
			return storageError(err)
		}
	}
	return nil
}

// State returns all records with the outbox merged over them.
func (s *Store) State(ctx context.Context) (*replica.State, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadOnly, idb.DurabilityDefault, storeRecords, storeOutbox)
	if err != nil {
		return nil, err
	}
	st, err := t.ObjectStore(storeRecords)
	if err != nil {
		return nil, err
	}
	recs, err := s.readRecords(ctx, st)
	if err != nil {
		return nil, err
	}
	pend, err := s.readOutbox(ctx, t, indexWorkshop, key(s.w), 0)
	if err != nil {
		return nil, err
	}
	state := replica.NewState()
	for _, r := range recs {
		rec, err := decodeRecord(r.text)
		if err != nil {
			return nil, err
		}
		state.Records[rec.ID] = rec
	}
	ps, err := decodePending(pend)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		_, _ = state.Apply(p.Change) // a kind mismatch is left out
	}
	return state, nil
}

// Record returns one record with the outbox merged over it, or nil.
func (s *Store) Record(ctx context.Context, id string) (*replica.Record, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadOnly, idb.DurabilityDefault, storeRecords, storeOutbox)
	if err != nil {
		return nil, err
	}
	recs, err := s.loadRecords(ctx, t, []string{id})
	if err != nil {
		return nil, err
	}
	pend, err := s.readOutbox(ctx, t, indexRecord, key(s.w, id), 0)
	if err != nil {
		return nil, err
	}
	ps, err := decodePending(pend)
	if err != nil {
		return nil, err
	}
	state := &replica.State{Records: recs}
	for _, p := range ps {
		_, _ = state.Apply(p.Change)
	}
	return state.Record(id), nil
}

// Counts returns the number of pending changes and of photos not yet
// uploaded, without reading them.
func (s *Store) Counts(ctx context.Context) (changes, blobs int, err error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadOnly, idb.DurabilityDefault, storeOutbox, storeUploads)
	if err != nil {
		return 0, 0, err
	}
	out, err := t.ObjectStore(storeOutbox)
	if err != nil {
		return 0, 0, err
	}
	ix, err := out.Index(indexWorkshop)
	if err != nil {
		return 0, 0, err
	}
	up, err := t.ObjectStore(storeUploads)
	if err != nil {
		return 0, 0, err
	}
	rng, err := workshopRange(s.w)
	if err != nil {
		return 0, 0, err
	}
	g := newGather(ctx, 2)
	r1, err1 := ix.CountKey(key(s.w))
	ci := g.add(uintRequest(r1), err1)
	r2, err2 := up.CountRange(rng)
	bi := g.add(uintRequest(r2), err2)
	if err := g.wait(); err != nil {
		return 0, 0, err
	}
	return int(num(g.vals[ci])), int(num(g.vals[bi])), nil
}

// PendingBlobs lists the photos not yet uploaded, oldest first.
func (s *Store) PendingBlobs(ctx context.Context) ([]client.PendingBlob, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadOnly, idb.DurabilityDefault, storeUploads)
	if err != nil {
		return nil, err
	}
	up, err := t.ObjectStore(storeUploads)
	if err != nil {
		return nil, err
	}
	rng, err := workshopRange(s.w)
	if err != nil {
		return nil, err
	}
	req, err := up.OpenCursorRange(rng, idb.CursorNext)
	if err != nil {
		return nil, err
	}
	type queued struct {
		client.PendingBlob
		at float64
	}
	var q []queued
	err = req.Iter(ctx, func(c *idb.CursorWithValue) error {
		k, _ := c.Key()
		v, _ := c.Value()
		q = append(q, queued{client.PendingBlob{Hash: keyPart(k, 1), Size: int64(num(field(v, "size")))}, num(field(v, "at"))})
		return nil
	})
	if err != nil {
		return nil, err
	}
	replica.SortStable(len(q), func(i, j int) bool { return q[i].at < q[j].at }, func(i, j int) { q[i], q[j] = q[j], q[i] })
	out := make([]client.PendingBlob, len(q))
	for i, e := range q {
		out[i] = e.PendingBlob
	}
	return out, nil
}

// Blob returns the bytes of a photo kept on the device, client.ErrNoBlob
// if none.
func (s *Store) Blob(ctx context.Context, hash string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadOnly, idb.DurabilityDefault, storeBlobs)
	if err != nil {
		return nil, err
	}
	st, err := t.ObjectStore(storeBlobs)
	if err != nil {
		return nil, err
	}
	g := newGather(ctx, 1)
	i := g.add(st.Get(key(s.w, hash)))
	if err := g.wait(); err != nil {
		return nil, err
	}
	v := g.vals[i]
	if v.IsUndefined() || v.IsNull() {
		return nil, client.ErrNoBlob
	}
	return bytesFromJS(v)
}

// Uploaded takes a photo off the upload queue; its bytes stay.
func (s *Store) Uploaded(ctx context.Context, hash string) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadWrite, idb.DurabilityDefault, storeUploads)
	if err != nil {
		return err
	}
	up, err := t.ObjectStore(storeUploads)
	if err != nil {
		return err
	}
	if _, err := up.Delete(key(s.w, hash)); err != nil {
		return err
	}
	return commit(ctx, t)
}

// DropBlob forgets a photo's bytes and its upload, in one transaction
// (client.BlobDropper: the photo was erased).
func (s *Store) DropBlob(ctx context.Context, hash string) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	t, err := txn(ctx, idb.TransactionReadWrite, idb.DurabilityDefault, storeBlobs, storeUploads)
	if err != nil {
		return err
	}
	for _, name := range []string{storeBlobs, storeUploads} {
		st, err := t.ObjectStore(name)
		if err != nil {
			return err
		}
		if _, err := st.Delete(key(s.w, hash)); err != nil {
			return err
		}
	}
	return commit(ctx, t)
}
