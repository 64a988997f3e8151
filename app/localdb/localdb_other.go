//go:build !(js && wasm)

package localdb

import (
	"context"
	"sync"

	"carnet/sync/client"
)

// Natively there is no IndexedDB: each workshop gets a client.Memory that
// lives as long as the process, so that app/ui builds and pre-renders on
// the server and its native tests can open, close and open again.
var (
	memMu sync.Mutex
	mem   = map[string]*client.Memory{}
)

// Open returns the local store of workshop. Natively it is a client.Memory
// kept for the life of the process.
func Open(ctx context.Context, workshop string) (client.Local, error) {
	if workshop == "" {
		return nil, ErrNoWorkshop
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	memMu.Lock()
	defer memMu.Unlock()
	m, ok := mem[workshop]
	if !ok {
		m = client.NewMemory()
		mem[workshop] = m
	}
	return m, nil
}

// Workshops returns the meta of every workshop saved on this device, by
// workshop id. A workshop opened but never saved (SaveMeta) is not listed.
func Workshops(ctx context.Context) ([]client.Meta, error) {
	memMu.Lock()
	ms := make([]*client.Memory, 0, len(mem))
	for _, m := range mem {
		ms = append(ms, m)
	}
	memMu.Unlock()
	var out []client.Meta
	for _, m := range ms {
		meta, err := m.Meta(ctx)
		if err != nil {
			return nil, err
		}
		if meta.Workshop != "" {
			out = append(out, meta)
		}
	}
	sortMetas(out)
	return out, nil
}

// Remove deletes everything the device keeps about workshop: meta,
// records, outbox (changes not synced are lost) and photos.
func Remove(ctx context.Context, workshop string) error {
	memMu.Lock()
	defer memMu.Unlock()
	delete(mem, workshop)
	return ctx.Err()
}

// Persist asks the browser to keep this origin's storage under storage
// pressure (navigator.storage.persist) and reports whether it is
// persistent. Natively it reports false.
func Persist(ctx context.Context) (bool, error) { return false, ctx.Err() }

// Estimate returns the bytes this origin uses and may use
// (navigator.storage.estimate) and whether its storage is persistent.
// Natively all are zero.
func Estimate(ctx context.Context) (usage, quota int64, persisted bool, err error) {
	return 0, 0, false, ctx.Err()
}
