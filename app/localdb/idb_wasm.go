//go:build js && wasm

package localdb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"
)

// The database: its name, its schema version and its object stores.
const (
	dbName    = "carnet"
	dbVersion = 1

	storeMeta    = "meta"
	storeRecords = "records"
	storeOutbox  = "outbox"
	storeBlobs   = "blobs"
	storeUploads = "uploads"

	indexWorkshop = "w"  // outbox by workshop
	indexRecord   = "wr" // outbox by [workshop, record]
)

// opTimeout bounds one call: opening the database and one transaction. A
// transaction Await that outlives its transaction would wait forever.
const opTimeout = 30 * time.Second

var (
	dbMu   sync.Mutex
	dbConn *idb.Database
)

// database returns the open database, opening it (and creating or
// upgrading its stores) the first time.
func database(ctx context.Context) (*idb.Database, error) {
	dbMu.Lock()
	defer dbMu.Unlock()
	if dbConn != nil {
		return dbConn, nil
	}
	if f := js.Global().Get("indexedDB"); f.IsUndefined() || f.IsNull() {
		return nil, ErrUnavailable
	}
	req, err := idb.Global().Open(ctx, dbName, dbVersion, upgrade)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	db, err := req.Await(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	dbConn = db
	return db, nil
}

// forget drops the connection, after the browser closed it (another tab
// upgraded the database, the browser cleared the site's data): the next
// call opens it again.
func forget(db *idb.Database) {
	dbMu.Lock()
	defer dbMu.Unlock()
	if dbConn == db {
		dbConn = nil
	}
}

// upgrade creates the stores. It runs inside the upgradeneeded callback:
// it only makes synchronous calls and waits for nothing.
func upgrade(db *idb.Database, oldVersion, newVersion uint) error {
	if oldVersion < 1 {
		for _, name := range []string{storeMeta, storeRecords, storeBlobs, storeUploads} {
			if _, err := db.CreateObjectStore(name, idb.ObjectStoreOptions{}); err != nil {
				return err
			}
		}
		out, err := db.CreateObjectStore(storeOutbox, idb.ObjectStoreOptions{AutoIncrement: true})
		if err != nil {
			return err
		}
		if _, err := out.CreateIndex(indexWorkshop, js.ValueOf("w"), idb.IndexOptions{}); err != nil {
			return err
		}
		if _, err := out.CreateIndex(indexRecord, js.ValueOf([]any{"w", "r"}), idb.IndexOptions{}); err != nil {
			return err
		}
	}
	return nil
}

// txn opens a transaction on stores, opening the database again once if
// the browser closed it.
func txn(ctx context.Context, mode idb.TransactionMode, durability idb.TransactionDurability, stores ...string) (*idb.Transaction, error) {
	for attempt := 0; ; attempt++ {
		db, err := database(ctx)
		if err != nil {
			return nil, err
		}
		t, err := db.TransactionWithOptions(idb.TransactionOptions{Mode: mode, Durability: durability}, stores[0], stores[1:]...)
		if err == nil {
			return t, nil
		}
		forget(db)
		if attempt > 0 {
			return nil, fmt.Errorf("open transaction: %w", err)
		}
	}
}

// commit waits for a readwrite transaction to commit. Call it right after
// the transaction's last request: an Await that starts after the
// transaction ended never returns (ctx bounds it anyway).
func commit(ctx context.Context, t *idb.Transaction) error {
	if err := t.Await(ctx); err != nil {
		return storageError(err)
	}
	return nil
}

// storageError maps the browser's errors to the package's sentinels.
func storageError(err error) error {
	if errors.Is(err, idb.NewDOMException("QuotaExceededError")) {
		return fmt.Errorf("%w: %v", ErrFull, err)
	}
	return err
}

// gather collects the results of requests. Listening starts as soon as a
// request is added, in the same turn that made it, so that no success
// event can fire unheard; the callbacks only store and send on a buffered
// channel, and wait waits outside them.
type gather struct {
	ctx  context.Context
	vals []js.Value
	errc chan error
	n    int
}

func newGather(ctx context.Context, capacity int) *gather {
	return &gather{ctx: ctx, vals: make([]js.Value, 0, capacity), errc: make(chan error, capacity)}
}

// add listens to req and returns the index of its result. Add at most the
// capacity given to newGather.
func (g *gather) add(req *idb.Request, err error) int {
	i := len(g.vals)
	g.vals = append(g.vals, js.Undefined())
	g.n++
	if err != nil {
		g.errc <- err
		return i
	}
	err = req.Listen(g.ctx, func() {
		v, err := req.Result()
		g.vals[i] = v
		g.errc <- err
	}, func() {
		err := req.Err()
		if err == nil {
			err = errors.New("indexeddb request failed")
		}
		g.errc <- err
	})
	if err != nil {
		g.errc <- err
	}
	return i
}

// wait returns once every request added has answered, with the first
// error.
func (g *gather) wait() error {
	var first error
	for ; g.n > 0; g.n-- {
		select {
		case err := <-g.errc:
			if err != nil && first == nil {
				first = err
			}
		case <-g.ctx.Done():
			return g.ctx.Err()
		}
	}
	return first
}

// key makes a compound key ([workshop, id]) or a simple one.
func key(parts ...any) js.Value {
	if len(parts) == 1 {
		return js.ValueOf(parts[0])
	}
	return js.ValueOf(parts)
}

// workshopRange is every [workshop, x] key with x a string: [w] sorts
// before them (a prefix), and [w, []] after (arrays sort after strings).
// Never the bare string w, which sorts before every array.
func workshopRange(w string) (*idb.KeyRange, error) {
	return idb.NewKeyRangeBound(js.ValueOf([]any{w}), js.ValueOf([]any{w, []any{}}), false, false)
}

// jsWorkshopRange is workshopRange as a plain IDBKeyRange, for delete.
func jsWorkshopRange(w string) js.Value {
	return js.Global().Get("IDBKeyRange").Call("bound", js.ValueOf([]any{w}), js.ValueOf([]any{w, []any{}}))
}

func jsOnly(k js.Value) (*idb.KeyRange, error) { return idb.NewKeyRangeOnly(k) }

// str returns v as a Go string, "" when v is not a string (never a call
// that can panic inside a callback).
func str(v js.Value) string {
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

// keyPart returns element i of an array key as a string, "" when k is
// not such an array.
func keyPart(k js.Value, i int) string {
	if k.Type() != js.TypeObject || !js.Global().Get("Array").Call("isArray", k).Bool() || k.Length() <= i {
		return ""
	}
	return str(k.Index(i))
}

// num returns v as a number, 0 when v is not one.
func num(v js.Value) float64 {
	if v.Type() != js.TypeNumber {
		return 0
	}
	return v.Float()
}

// field returns v[name], undefined when v is not an object.
func field(v js.Value, name string) js.Value {
	if v.Type() != js.TypeObject {
		return js.Undefined()
	}
	return v.Get(name)
}

// bytesToJS returns b as a new ArrayBuffer.
func bytesToJS(b []byte) js.Value {
	u8 := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	return u8.Get("buffer")
}

// bytesFromJS copies an ArrayBuffer (or a typed array) into Go.
func bytesFromJS(v js.Value) ([]byte, error) {
	if v.Type() != js.TypeObject {
		return nil, errors.New("stored photo is not an ArrayBuffer")
	}
	u8 := v
	if !v.InstanceOf(js.Global().Get("Uint8Array")) {
		if !v.InstanceOf(js.Global().Get("ArrayBuffer")) {
			return nil, errors.New("stored photo is not an ArrayBuffer")
		}
		u8 = js.Global().Get("Uint8Array").New(v)
	}
	b := make([]byte, u8.Get("byteLength").Int())
	js.CopyBytesToGo(b, u8)
	return b, nil
}

type promiseResult struct {
	v   js.Value
	err error
}

// await waits for promise p. The callbacks only send on a buffered
// channel; when ctx ends first, they are released once p settles.
func await(ctx context.Context, p js.Value) (js.Value, error) {
	ch := make(chan promiseResult, 1)
	ok := js.FuncOf(func(this js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- promiseResult{v: v}
		return nil
	})
	bad := js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "rejected"
		if len(args) > 0 {
			// A rejection reason may be anything: format it as JS does.
			msg = js.Global().Call("String", args[0]).String()
		}
		ch <- promiseResult{err: errors.New(msg)}
		return nil
	})
	release := func() { ok.Release(); bad.Release() }
	p.Call("then", ok, bad)
	select {
	case r := <-ch:
		release()
		return r.v, r.err
	case <-ctx.Done():
		go func() { <-ch; release() }()
		return js.Undefined(), ctx.Err()
	}
}
