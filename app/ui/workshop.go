package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/app/localdb"
	"carnet/sync/client"
	"carnet/sync/replica"
)

// workshop is the controller of one workshop on this device: it owns the
// sync client and the merged state, runs the sync loop, and tells the
// components when something changed. Components read it through view()
// and write through its methods; they never touch the client themselves.
//
// The state it publishes is never changed once published: a write makes a
// new State that shares the untouched records (copy on write), so that a
// component may read a view at leisure on the UI goroutine while a sync
// runs in another goroutine.
type workshop struct {
	id string

	mu       sync.Mutex
	local    client.Local
	cl       *client.Client
	meta     client.Meta // the client's, copied when it may change: cl.Meta waits for its writes
	st       *replica.State
	status   client.Status
	progress client.Progress
	opened   bool  // the open attempt finished
	err      error // why it could not open; errNotJoined when not joined here
	rev      int
	gen      int               // writes published: a sync's state read before one misses it
	photos   map[string]string // blob hash -> object URL of the bytes on the device
	loading  map[string]bool   // blob hashes being read

	kick   chan struct{} // asks the loop for a sync now (buffered 1)
	forced atomic.Bool   // the user asked: sync even if the browser says offline
	writes chan queued   // writes in the order of the taps
}

// queued is a write waiting for its turn.
type queued struct {
	changes []replica.Change
	done    func(error)
}

// errNotJoined: this device has not joined the workshop.
var errNotJoined = errors.New("not joined on this device")

var (
	ctrlMu   sync.Mutex
	ctrls    = map[string]*workshop{}
	notifier app.Context // any mounted component's context: SetState needs one
	hasCtx   bool
)

// stateKey is the go-app state a component observes to re-render when the
// workshop changes.
func stateKey(id string) string { return "carnet/ws/" + id }

// anyKey is the go-app state that changes with any workshop: the home
// page and the sync bar that sums them up observe it.
const anyKey = "carnet/ws"

var anyRev atomic.Int64

// observe makes the component of ctx re-render when workshop id changes.
func observe(ctx app.Context, id string, rev *int) {
	remember(ctx)
	ctx.ObserveState(stateKey(id), rev)
}

// remember keeps a context to notify observers with. Any context works:
// the state manager dispatches to each observer's own component.
func remember(ctx app.Context) {
	ctrlMu.Lock()
	if !hasCtx {
		notifier, hasCtx = ctx, true
		startGlobalWatchers(ctx)
	}
	ctrlMu.Unlock()
}

// workshopFor returns the controller of workshop id, opening it (once, in
// the background) on the client.
func workshopFor(ctx app.Context, id string) *workshop {
	remember(ctx)
	ctrlMu.Lock()
	w := ctrls[id]
	if w == nil {
		w = newWorkshop(id)
		ctrls[id] = w
		if app.IsClient {
			go w.open(nil)
		} else {
			w.opened = true
		}
	}
	ctrlMu.Unlock()
	return w
}

func newWorkshop(id string) *workshop {
	w := &workshop{
		id: id, kick: make(chan struct{}, 1), writes: make(chan queued, 256),
		photos: map[string]string{}, loading: map[string]bool{},
	}
	if app.IsClient {
		go w.writer()
	}
	return w
}

// writer runs the queued writes one after the other, in order.
func (w *workshop) writer() {
	for q := range w.writes {
		err := w.write(q.changes...)
		if q.done != nil {
			q.done(err)
		}
	}
}

// queue writes changes after the writes queued before, and calls done
// (from another goroutine: hand results back with ctx.Dispatch) once they
// are committed. Call it on the UI goroutine, in the order of the taps.
func (w *workshop) queue(done func(error), changes ...replica.Change) {
	select {
	case w.writes <- queued{changes, done}:
	default: // 256 writes waiting: do not block the UI
		go func() { w.writes <- queued{changes, done} }()
	}
}

// lookup returns the controller of workshop id if it was opened, or nil.
func lookup(id string) *workshop {
	ctrlMu.Lock()
	defer ctrlMu.Unlock()
	return ctrls[id]
}

// openWorkshops returns every controller opened so far.
func openWorkshops() []*workshop {
	ctrlMu.Lock()
	defer ctrlMu.Unlock()
	out := make([]*workshop, 0, len(ctrls))
	for _, w := range ctrls {
		out = append(out, w)
	}
	replica.SortStable(len(out), func(i, j int) bool { return out[i].id < out[j].id }, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func (w *workshop) config(local client.Local) client.Config {
	return client.Config{
		Local: local,
		Doer:  newDoer(),
		Progress: func(p client.Progress) {
			w.mu.Lock()
			w.progress = p
			w.mu.Unlock()
			w.notify()
		},
	}
}

// open opens the local store and the client; with inv it joins first.
func (w *workshop) open(join func(ctx context.Context, local client.Local) (*client.Client, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	local, err := localdb.Open(ctx, w.id)
	var cl *client.Client
	if err == nil {
		if join != nil {
			cl, err = join(ctx, local)
		} else {
			cl, err = client.Open(ctx, w.config(local))
			if errors.Is(err, client.ErrNoWorkshop) {
				err = errNotJoined
			}
		}
	}
	var st *replica.State
	var status client.Status
	if err == nil {
		st, err = cl.State(ctx)
	}
	if err == nil {
		status, err = cl.Status(ctx)
	}
	var meta client.Meta
	if err == nil {
		meta = cl.Meta()
	}
	w.mu.Lock()
	w.opened = true
	w.err = err
	if err == nil {
		w.local, w.cl, w.st, w.status, w.meta = local, cl, st, status, meta
	}
	w.mu.Unlock()
	w.notify()
	if err == nil {
		go w.loop()
	}
}

// join makes this device a participant of the workshop of inv, with its
// own participant record when it is a new participant. It needs no
// network: the join call runs at the first sync. It blocks: call it from
// ctx.Async.
func joinWorkshop(ctx app.Context, inv client.Invite, role, group string) (*workshop, error) {
	remember(ctx)
	ctrlMu.Lock()
	w := ctrls[inv.Workshop]
	if w == nil {
		w = newWorkshop(inv.Workshop)
		ctrls[inv.Workshop] = w
	}
	ctrlMu.Unlock()

	w.mu.Lock()
	ready := w.cl != nil
	w.mu.Unlock()
	if ready {
		return w, nil // joined already
	}
	newParticipant := inv.Participant == ""
	w.open(func(c context.Context, local client.Local) (*client.Client, error) {
		cl, err := client.Join(c, w.config(local), inv)
		if err != nil {
			return nil, err
		}
		if newParticipant {
			m := cl.Meta()
			fields := map[string]any{"name": inv.Name}
			if role != "" {
				fields["role"] = role
			}
			if group != "" {
				fields["group"] = group
			}
			if _, err := cl.Write(c, change(m.Participant, "participant", fields)); err != nil {
				return nil, err
			}
		}
		return cl, nil
	})
	w.mu.Lock()
	err := w.err
	w.mu.Unlock()
	if err != nil {
		// Let a later attempt start afresh.
		ctrlMu.Lock()
		if ctrls[inv.Workshop] == w {
			delete(ctrls, inv.Workshop)
		}
		ctrlMu.Unlock()
		return nil, err
	}
	w.syncNow()
	return w, nil
}

// notify tells the observing components that the workshop changed.
func (w *workshop) notify() {
	w.mu.Lock()
	w.rev++
	rev := w.rev
	w.mu.Unlock()
	ctrlMu.Lock()
	ctx, ok := notifier, hasCtx
	ctrlMu.Unlock()
	if ok {
		ctx.SetState(stateKey(w.id), rev)
		ctx.SetState(anyKey, anyRev.Add(1))
	}
}

// view is what a component reads: a snapshot, safe to keep on the UI
// goroutine.
type view struct {
	ID       string
	Opened   bool
	Err      error
	State    *replica.State
	Meta     client.Meta
	Status   client.Status
	Progress client.Progress
}

func (w *workshop) view() *view {
	w.mu.Lock()
	defer w.mu.Unlock()
	v := &view{ID: w.id, Opened: w.opened, Err: w.err, State: w.st, Status: w.status, Progress: w.progress}
	if v.State == nil {
		v.State = replica.NewState()
	}
	if w.cl != nil {
		v.Meta = w.meta
	}
	return v
}

// Me returns the participant id of this device in the workshop.
func (v *view) Me() string { return v.Meta.Participant }

// Title is the workshop's title, or a placeholder before the first sync.
func (v *view) Title() string {
	if t := v.State.Record(v.ID).String("title"); t != "" {
		return t
	}
	return i18n.T("workshop.untitled")
}

// MyGroup returns the group id of this device's participant ("" if none).
func (v *view) MyGroup() string { return v.State.Record(v.Me()).String("group") }

// syncNow asks the loop for a sync, without waiting. The loop skips it
// while the browser says it is offline; the online event asks again.
func (w *workshop) syncNow() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// syncForced asks for a sync even when the browser says it is offline
// (the "Synchroniser" button: the browser may be wrong).
func (w *workshop) syncForced() {
	w.forced.Store(true)
	w.syncNow()
}

// syncEvery is the pause between syncs while online.
const syncEvery = time.Minute

// loop syncs on open, when asked (button, online event, a write) and every
// minute while online.
func (w *workshop) loop() {
	w.syncNow() // on open
	t := time.NewTicker(syncEvery)
	defer t.Stop()
	for {
		select {
		case <-w.kick:
		case <-t.C:
		}
		if !w.forced.Swap(false) && !isOnline() {
			w.notify() // the status bar shows "hors ligne"
			continue
		}
		w.sync()
	}
}

// sync runs one Sync and publishes the new state and status.
func (w *workshop) sync() {
	w.mu.Lock()
	cl := w.cl
	w.status.Syncing = true
	w.mu.Unlock()
	if cl == nil {
		return
	}
	w.notify()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	_ = cl.Sync(ctx) // the error is in Status
	status, serr := cl.Status(ctx)
	meta := cl.Meta()
	for tries := 0; ; tries++ {
		w.mu.Lock()
		gen := w.gen
		w.mu.Unlock()
		st, err := cl.State(ctx)
		w.mu.Lock()
		if err == nil && w.gen != gen && tries < 3 {
			// A write was published while the state was read: the state
			// may miss it, and would hide it until the next sync.
			w.mu.Unlock()
			continue
		}
		if err == nil {
			w.st = st
		}
		if serr == nil {
			w.status = status
		}
		w.meta = meta
		w.status.Syncing = false
		w.progress = client.Progress{}
		w.mu.Unlock()
		break
	}
	w.notify()
}

// write stores changes through the client (committed before it returns)
// and publishes them at once. It blocks: call it from ctx.Async.
func (w *workshop) write(changes ...replica.Change) error {
	w.mu.Lock()
	cl := w.cl
	w.mu.Unlock()
	if cl == nil {
		return errNotJoined
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stored, err := cl.Write(ctx, changes...)
	if err != nil {
		return err
	}
	w.published(ctx, cl, stored)
	return nil
}

// writePhoto stores a photo's bytes and its record in one transaction.
func (w *workshop) writePhoto(data []byte, photo replica.Change) (hash string, err error) {
	w.mu.Lock()
	cl := w.cl
	w.mu.Unlock()
	if cl == nil {
		return "", errNotJoined
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stored, err := cl.WritePhoto(ctx, data, photo)
	if err != nil {
		return "", err
	}
	hash = client.BlobHash(data)
	w.mu.Lock()
	if _, ok := w.photos[hash]; !ok {
		w.photos[hash] = objectURL(data, mimeOf(stored))
	}
	w.mu.Unlock()
	w.published(ctx, cl, []replica.Change{stored})
	return hash, nil
}

func mimeOf(c replica.Change) string {
	var r replica.Record
	r.Fields = map[string]replica.Value{}
	for _, one := range c.Split() {
		r.Fields[one.Field] = replica.Value{Value: one.Value}
	}
	if m := r.String("mime"); m != "" {
		return m
	}
	return "image/jpeg"
}

// published merges stored changes into a copy of the state and counts
// them as pending.
func (w *workshop) published(ctx context.Context, cl *client.Client, stored []replica.Change) {
	status, serr := cl.Status(ctx)
	meta := cl.Meta()
	w.mu.Lock()
	w.meta = meta
	next := &replica.State{Records: make(map[string]*replica.Record, len(w.st.Records)+len(stored))}
	for id, r := range w.st.Records {
		next.Records[id] = r
	}
	for _, c := range stored {
		if r := next.Records[c.Record]; r != nil {
			next.Records[c.Record] = r.Clone()
		}
		_, _ = next.Apply(c)
	}
	w.st = next
	w.gen++
	if serr == nil {
		syncing := w.status.Syncing
		w.status = status
		w.status.Syncing = syncing
	}
	w.mu.Unlock()
	w.notify()
	w.syncNow()
}

// photoURL returns a URL for a photo's bytes: an object URL when the bytes
// are on the device (read once, in the background), else the server's
// downscaled copy when online, else "".
func (w *workshop) photoURL(hash string, width int) string {
	w.mu.Lock()
	u, ok := w.photos[hash]
	local, loading := w.local, w.loading[hash]
	token := ""
	if w.cl != nil {
		token = w.meta.Token
	}
	if !ok && !loading && local != nil && app.IsClient {
		w.loading[hash] = true
		go w.loadPhoto(local, hash)
	}
	w.mu.Unlock()
	if ok && u != "" {
		return u
	}
	if ok && token != "" && isOnline() {
		return fmt.Sprintf("/api/v1/workshops/%s/blobs/%s?w=%d&token=%s", w.id, hash, width, token)
	}
	return ""
}

func (w *workshop) loadPhoto(local client.Local, hash string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := local.Blob(ctx, hash)
	u := ""
	if err == nil {
		u = objectURL(b, "image/jpeg")
	}
	w.mu.Lock()
	w.photos[hash] = u // "" when not on the device: the server's copy then
	delete(w.loading, hash)
	w.mu.Unlock()
	w.notify()
}

// clientDo runs fn with the client (already open), then refreshes the
// status. It blocks: call it from a goroutine.
func (w *workshop) clientDo(fn func(ctx context.Context, cl *client.Client) error) error {
	w.mu.Lock()
	cl := w.cl
	w.mu.Unlock()
	if cl == nil {
		return errNotJoined
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := fn(ctx, cl)
	meta := cl.Meta()
	w.mu.Lock()
	w.meta = meta
	w.mu.Unlock()
	if status, serr := cl.Status(ctx); serr == nil {
		w.mu.Lock()
		syncing := w.status.Syncing
		w.status = status
		w.status.Syncing = syncing
		w.mu.Unlock()
	}
	w.notify()
	return err
}
