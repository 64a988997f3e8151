package client

import (
	"context"
	"encoding/json"
	"sync"

	"carnet/sync/replica"
)

// Memory is a Local kept in memory, for tests and native tools. It is safe
// for concurrent use. Nothing survives the process, but everything survives
// a new Client opened on the same Memory, which is how tests restart a
// phone.
type Memory struct {
	mu       sync.Mutex
	meta     Meta
	records  *replica.State
	outbox   []Pending
	seq      int64
	blobs    map[string][]byte
	queue    []string // hashes waiting for upload, oldest first
	uploaded map[string]bool
}

var (
	_ Local        = (*Memory)(nil)
	_ RecordReader = (*Memory)(nil)
	_ Counter      = (*Memory)(nil)
)

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{records: replica.NewState(), blobs: map[string][]byte{}, uploaded: map[string]bool{}}
}

// Meta returns the meta, the zero Meta before any save.
func (m *Memory) Meta(ctx context.Context) (Meta, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return cloneMeta(m.meta), ctx.Err()
}

// SaveMeta replaces the meta.
func (m *Memory) SaveMeta(ctx context.Context, meta Meta) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.meta = cloneMeta(meta)
	return nil
}

// Write appends changes to the outbox and queues blobs.
func (m *Memory) Write(ctx context.Context, changes []replica.Change, blobs map[string][]byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range changes {
		m.seq++
		m.outbox = append(m.outbox, Pending{Seq: m.seq, Change: cloneChange(c)})
	}
	for h, b := range blobs {
		if _, ok := m.blobs[h]; ok && m.uploaded[h] {
			continue
		}
		queued := false
		for _, q := range m.queue {
			queued = queued || q == h
		}
		m.blobs[h] = append([]byte(nil), b...)
		if !queued {
			m.queue = append(m.queue, h)
		}
	}
	return nil
}

// Outbox returns up to limit pending changes, oldest first.
func (m *Memory) Outbox(ctx context.Context, limit int) ([]Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := min(limit, len(m.outbox))
	out := make([]Pending, 0, max(n, 0))
	for _, p := range m.outbox[:max(n, 0)] {
		out = append(out, Pending{Seq: p.Seq, Change: cloneChange(p.Change)})
	}
	return out, nil
}

// Ack drops seqs from the outbox and merges accepted into the records.
func (m *Memory) Ack(ctx context.Context, seqs []int64, accepted []replica.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	drop := make(map[int64]bool, len(seqs))
	for _, s := range seqs {
		drop[s] = true
	}
	kept := m.outbox[:0]
	for _, p := range m.outbox {
		if !drop[p.Seq] {
			kept = append(kept, p)
		}
	}
	clear(m.outbox[len(kept):])
	m.outbox = kept
	for _, c := range accepted {
		_, _ = m.records.Apply(cloneChange(c)) // a kind mismatch keeps the record's kind
	}
	return nil
}

// Pull merges changes into the records and saves the cursor.
func (m *Memory) Pull(ctx context.Context, changes []replica.Change, cursor string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range changes {
		_, _ = m.records.Apply(cloneChange(c))
	}
	m.meta.Cursor = cursor
	return nil
}

// State returns the records with the outbox merged over them.
func (m *Memory) State(ctx context.Context) (*replica.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := replica.NewState()
	for id, r := range m.records.Records {
		s.Records[id] = r.Clone()
	}
	for _, p := range m.outbox {
		_, _ = s.Apply(cloneChange(p.Change))
	}
	return s, nil
}

// Record returns one record with the outbox merged over it, or nil.
func (m *Memory) Record(ctx context.Context, id string) (*replica.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := replica.NewState()
	if r := m.records.Record(id); r != nil {
		s.Records[id] = r.Clone()
	}
	for _, p := range m.outbox {
		if p.Change.Record == id {
			_, _ = s.Apply(cloneChange(p.Change))
		}
	}
	return s.Record(id), nil
}

// Counts returns the number of pending changes and photos.
func (m *Memory) Counts(ctx context.Context) (int, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.outbox), len(m.queue), ctx.Err()
}

// PendingBlobs lists the photos not yet uploaded, oldest first.
func (m *Memory) PendingBlobs(ctx context.Context) ([]PendingBlob, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]PendingBlob, 0, len(m.queue))
	for _, h := range m.queue {
		out = append(out, PendingBlob{Hash: h, Size: int64(len(m.blobs[h]))})
	}
	return out, nil
}

// Blob returns a photo's bytes, ErrNoBlob if none.
func (m *Memory) Blob(ctx context.Context, hash string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.blobs[hash]
	if !ok {
		return nil, ErrNoBlob
	}
	return append([]byte(nil), b...), nil
}

// Uploaded takes a photo off the upload queue.
func (m *Memory) Uploaded(ctx context.Context, hash string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	kept := m.queue[:0]
	for _, h := range m.queue {
		if h != hash {
			kept = append(kept, h)
		}
	}
	m.queue = kept
	m.uploaded[hash] = true
	return nil
}

// cloneChange returns a copy of c that shares no memory with it.
func cloneChange(c replica.Change) replica.Change {
	if c.Value != nil {
		c.Value = append(json.RawMessage(nil), c.Value...)
	}
	if c.Fields != nil {
		f := make(map[string]json.RawMessage, len(c.Fields))
		for k, v := range c.Fields {
			f[k] = append(json.RawMessage(nil), v...)
		}
		c.Fields = f
	}
	return c
}

func cloneMeta(m Meta) Meta {
	if m.Rejected != nil {
		r := make([]Rejected, len(m.Rejected))
		for i, x := range m.Rejected {
			x.Change = cloneChange(x.Change)
			r[i] = x
		}
		m.Rejected = r
	}
	if m.BadPhotos != nil {
		m.BadPhotos = append([]BadPhoto(nil), m.BadPhotos...)
	}
	return m
}

// DropBlob forgets the bytes of hash and its upload (BlobDropper).
func (m *Memory) DropBlob(ctx context.Context, hash string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.blobs, hash)
	kept := m.queue[:0]
	for _, h := range m.queue {
		if h != hash {
			kept = append(kept, h)
		}
	}
	m.queue = kept
	return nil
}
