package server

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// hub fans out cursor moves to the event streams of this process.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[*sub]struct{} // by workshop
	n    int
}

// sub is one event stream. c holds at most the newest cursor not yet sent.
type sub struct {
	c chan int64
}

func newHub() *hub { return &hub{subs: map[string]map[*sub]struct{}{}} }

// subscribe adds a stream of workshop; false when max streams are open.
func (h *hub) subscribe(workshop string, max int) (*sub, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n >= max {
		return nil, false
	}
	s := &sub{c: make(chan int64, 1)}
	m := h.subs[workshop]
	if m == nil {
		m = map[*sub]struct{}{}
		h.subs[workshop] = m
	}
	m[s] = struct{}{}
	h.n++
	return s, true
}

func (h *hub) unsubscribe(workshop string, s *sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m := h.subs[workshop]; m != nil {
		if _, ok := m[s]; ok {
			delete(m, s)
			h.n--
		}
		if len(m) == 0 {
			delete(h.subs, workshop)
		}
	}
}

// publish tells every stream of workshop that its cursor is now cursor.
// It never blocks: a stream that has not sent the previous cursor yet gets
// the newer one in its place.
func (h *hub) publish(workshop string, cursor int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[workshop] {
		for {
			select {
			case s.c <- cursor:
			default:
				select {
				case old := <-s.c:
					if old > cursor {
						cursor = old
					}
				default:
				}
				continue
			}
			break
		}
	}
}

// events serves GET /api/v1/workshops/{w}/events: a server-sent event
// stream whose events named cursor carry the workshop's newest cursor, one
// on connect and one after each write, with keep-alive comments between.
func (s *Server) events(w http.ResponseWriter, r *http.Request, ws string) error {
	ctx := r.Context()
	sb, ok := s.hub.subscribe(ws, s.cfg.MaxStreams)
	if !ok {
		return errorf(kindRateLimited, "too many event streams are open on this server: try again in a minute")
	}
	defer s.hub.unsubscribe(ws, sb)
	cur, err := s.cfg.Store.Cursor(ctx, ws)
	if err != nil {
		return storeError(err)
	}

	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tell a reverse proxy not to buffer
	w.WriteHeader(http.StatusOK)

	last := int64(-1)
	send := func(c int64) error {
		if c <= last {
			return nil
		}
		last = c
		if _, err := fmt.Fprintf(w, "event: cursor\ndata: %d\n\n", c); err != nil {
			return err
		}
		return rc.Flush()
	}
	if err := send(cur); err != nil {
		return nil
	}
	tick := time.NewTicker(s.cfg.KeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.done:
			return nil
		case c := <-sb.c:
			if err := send(c); err != nil {
				return nil
			}
		case <-tick.C:
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil {
				return nil
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
		}
	}
}

// watch relays the store's cursor moves (a store shared by several
// servers) to this process's streams until ctx ends.
func (s *Server) watch(ctx context.Context, watch func(context.Context, func(string, int64)) error) {
	defer s.wg.Done()
	for {
		err := watch(ctx, s.hub.publish)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("store watch ended; restarting", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// count returns the number of open streams.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}
