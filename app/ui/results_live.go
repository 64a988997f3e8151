package ui

import (
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Live results: while a page that shows votes as they come is mounted,
// the workshop follows the server's event stream (PROTOCOL.md, events)
// and syncs when the server's cursor moves past the device's. One
// EventSource per workshop, however many pages follow it; the browser
// reconnects it by itself after a cut.

var (
	liveMu   sync.Mutex
	liveSubs = map[string]*liveFeed{}
)

type liveFeed struct {
	_  noEq
	n  int
	es app.Value
	fn app.Func
}

// followLive starts following workshop id's events (once the workshop is
// open on the device); pair it with unfollowLive.
func followLive(ctx app.Context, id string) {
	if !app.IsClient || id == "" {
		return
	}
	liveMu.Lock()
	f := liveSubs[id]
	if f == nil {
		f = &liveFeed{}
		liveSubs[id] = f
	}
	f.n++
	liveMu.Unlock()
	ctx.Async(func() { startLive(id) })
}

// startLive opens the EventSource once the workshop has its token.
func startLive(id string) {
	w := lookup(id)
	if w == nil {
		return
	}
	v := w.view()
	for i := 0; i < 240 && !v.Opened; i++ { // opening: wait for the token
		time.Sleep(250 * time.Millisecond)
		v = w.view()
	}
	liveMu.Lock()
	defer liveMu.Unlock()
	f := liveSubs[id]
	if f == nil || f.n == 0 || f.es != nil || v.Meta.Token == "" || !has(app.Window(), "EventSource") {
		return
	}
	src := strings.TrimRight(v.Meta.Server, "/") + "/api/v1/workshops/" + id + "/events?token=" + url.QueryEscape(v.Meta.Token)
	// The callback must not block (GOAPP.md): a lock held by a sync that
	// waits for IndexedDB would hang the page. It hands over to a
	// goroutine.
	f.fn = app.FuncOf(func(this app.Value, args []app.Value) any {
		cursor := ""
		if len(args) > 0 {
			cursor = args[0].Get("data").String()
		}
		go func() {
			if w := lookup(id); w != nil && cursor != w.view().Meta.Cursor {
				w.syncNow()
			}
		}()
		return nil
	})
	f.es = app.Window().Get("EventSource").New(src)
	f.es.Call("addEventListener", "cursor", f.fn)
}

// unfollowLive stops following when the last page lets go.
func unfollowLive(id string) {
	liveMu.Lock()
	defer liveMu.Unlock()
	f := liveSubs[id]
	if f == nil {
		return
	}
	if f.n--; f.n > 0 {
		return
	}
	if f.es != nil {
		f.es.Call("close")
		f.fn.Release()
	}
	delete(liveSubs, id)
}
