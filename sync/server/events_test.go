package server

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"carnet/sync/replica"
	"carnet/sync/store"
)

// stream reads the events of one event stream.
type stream struct {
	res    *http.Response
	events chan [2]string // name, data
}

func (e *env) events(w workshop, query string) *stream {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	e.t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.url+"/api/v1/workshops/"+w.id+"/events"+query, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		e.t.Fatalf("events = %d %v, want an event stream", res.StatusCode, res.Header)
	}
	s := &stream{res: res, events: make(chan [2]string, 16)}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		var name, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if name != "" || data != "" {
					s.events <- [2]string{name, data}
				}
				name, data = "", ""
			case strings.HasPrefix(line, ":"):
				s.events <- [2]string{"comment", line}
			case strings.HasPrefix(line, "event: "):
				name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				data = line[len("data: "):]
			}
		}
	}()
	e.t.Cleanup(func() { res.Body.Close() })
	return s
}

// next returns the next cursor event, skipping comments.
func (s *stream) next(t *testing.T) (cursor int64, ok bool) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, open := <-s.events:
			if !open {
				return 0, false
			}
			if ev[0] == "comment" {
				continue
			}
			if ev[0] != "cursor" {
				t.Fatalf("event %q, want cursor", ev[0])
			}
			c, err := strconv.ParseInt(ev[1], 10, 64)
			if err != nil {
				t.Fatalf("cursor event data %q is not a cursor", ev[1])
			}
			return c, true
		case <-timeout:
			t.Fatalf("no event within 5 s")
		}
	}
}

func TestEvents(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	p, tok := e.join(w, "Léa")
	s := e.events(w, "?token="+tok)
	first, ok := s.next(t)
	if !ok {
		t.Fatal("stream ended before its first event")
	}
	a := e.sync(w, tok, "", []replica.Change{e.note(newID(), p, "x")}, false)
	got, ok := s.next(t)
	if !ok || strconv.FormatInt(got, 10) != a.Cursor || got <= first {
		t.Fatalf("cursor event after a write = %d, want %s (after %d)", got, a.Cursor, first)
	}
	// Keep-alive comments flow.
	select {
	case ev := <-s.events:
		if ev[0] != "comment" {
			t.Fatalf("event %v, want a keep-alive comment", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no keep-alive within 5 s")
	}
	// A join moves the cursor too.
	e.join(w, "Bob")
	if c, _ := s.next(t); c <= got {
		t.Fatalf("cursor after a join = %d, want past %d", c, got)
	}

	want(t, "events without token", e.do("GET", "/api/v1/workshops/"+w.id+"/events", "", nil), 401, "unauthorized")

	// Close ends the streams.
	e.srv.Close()
	for {
		if _, ok := s.next(t); !ok {
			break
		}
	}
}

func TestEventsHeaderToken(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", e.url+"/api/v1/workshops/"+w.id+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+w.facilitator)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("events with a header token = %d", res.StatusCode)
	}
	line, _ := bufio.NewReader(res.Body).ReadString('\n')
	if line != "event: cursor\n" {
		t.Fatalf("first line = %q, want event: cursor", line)
	}
	cancel() // the server's handler ends with the request's context
	res.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for e.srv.hub.count() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("stream still open after the client left")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// watchStore is a store whose cursor moves are told by Watch, as a store
// shared by several servers would.
type watchStore struct {
	store.Store
	mu sync.Mutex
	fn func(string, int64)
}

func (s *watchStore) Watch(ctx context.Context, fn func(string, int64)) error {
	s.mu.Lock()
	s.fn = fn
	s.mu.Unlock()
	<-ctx.Done()
	return ctx.Err()
}

func (s *watchStore) tell(ws string, c int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fn == nil {
		return false
	}
	s.fn(ws, c)
	return true
}

func TestEventsWatcher(t *testing.T) {
	var ws *watchStore
	e := newEnv(t, func(c *Config) {
		ws = &watchStore{Store: c.Store}
		c.Store = ws
	})
	w := e.create("Atelier")
	s := e.events(w, "?token="+w.facilitator)
	first, _ := s.next(t)
	for !ws.tell(w.id, first+100) {
		time.Sleep(10 * time.Millisecond)
	}
	if c, _ := s.next(t); c != first+100 {
		t.Fatalf("cursor from the watcher = %d, want %d", c, first+100)
	}
}

func TestHubCoalesces(t *testing.T) {
	h := newHub()
	s, _ := h.subscribe("w", 10)
	for c := int64(1); c <= 5; c++ {
		h.publish("w", c)
	}
	if got := <-s.c; got != 5 {
		t.Fatalf("stream got %d, want the newest cursor 5", got)
	}
	if _, ok := h.subscribe("w", 1); ok {
		t.Fatalf("subscribe past the limit succeeded")
	}
	h.unsubscribe("w", s)
	if h.count() != 0 {
		t.Fatalf("hub holds %d streams, want 0", h.count())
	}
}
