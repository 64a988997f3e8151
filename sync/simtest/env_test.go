package simtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carnet/sync/client"
	"carnet/sync/replica"
	"carnet/sync/server"
	"carnet/sync/store/sqlite"
)

// seed returns the run's seed, from CARNET_SEED or the time, and logs it.
func seed(t *testing.T) uint64 {
	t.Helper()
	s := uint64(time.Now().UnixNano())
	if v := os.Getenv("CARNET_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("CARNET_SEED=%q: %v", v, err)
		}
		s = n
	}
	t.Logf("seed %d (CARNET_SEED=%d go test -run '^%s$' ./sync/simtest/ to replay)", s, s, t.Name())
	return s
}

// env is a real server on 127.0.0.1 with a real SQLite store, and a proxy
// in front of it.
type env struct {
	t       *testing.T
	url     string // the server, direct
	proxy   *proxy
	replica string // the server's replica id
	ledger  *ledger
}

func newEnv(t *testing.T, rng *rand.Rand, pageSize int, now func() time.Time) *env {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "carnet.db"))
	if err != nil {
		t.Fatalf("sqlite.Open() = %v", err)
	}
	rep := client.NewID()
	srv, err := server.New(server.Config{
		Store:      st,
		OpenCreate: true,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Replica:    rep,
		Now:        now,
		PageSize:   pageSize,
		CreateRate: server.Rate{Burst: -1},
		JoinRate:   server.Rate{Burst: -1},
	})
	if err != nil {
		t.Fatalf("server.New() = %v", err)
	}
	ts := httptest.NewServer(srv)
	p := newProxy(t, ts.Listener.Addr().String(), rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())))
	t.Cleanup(func() {
		p.Close()
		srv.Close()
		ts.Close()
		st.Close()
	})
	return &env{t: t, url: ts.URL, proxy: p, replica: rep, ledger: &ledger{}}
}

// doer returns a phone's Doer: its own connections, through the proxy,
// observed by the ledger.
func (e *env) doer() client.Doer {
	tr := &http.Transport{MaxIdleConnsPerHost: 2, IdleConnTimeout: 30 * time.Second}
	e.t.Cleanup(tr.CloseIdleConnections)
	return &observer{d: client.NetHTTP{Client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, l: e.ledger}
}

// direct calls the server without the proxy.
func (e *env) direct(method, path, token string, body []byte) (int, http.Header, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// serverChanges reads every change the server holds, page by page, single
// (not grouped), directly. It fails the test when a (record, field)
// appears twice: the server stores each once.
func (e *env) serverChanges(workshop, token string) []replica.Change {
	e.t.Helper()
	var all []replica.Change
	seen := map[[2]string]bool{}
	since := ""
	for pages := 0; ; pages++ {
		body, _ := json.Marshal(map[string]any{"replica": client.NewID(), "since": since, "changes": []any{}})
		status, _, b := e.direct("POST", "/api/v1/workshops/"+workshop+"/sync", token, body)
		if status != 200 {
			e.t.Fatalf("pull: %d %s", status, b)
		}
		var out struct {
			Cursor  string
			Changes []replica.Change
			More    bool
		}
		if err := json.Unmarshal(b, &out); err != nil {
			e.t.Fatal(err)
		}
		for _, c := range out.Changes {
			if c.Fields != nil {
				e.t.Fatalf("an ungrouped pull answered a grouped change %+v", c)
			}
			k := [2]string{c.Record, c.Field}
			if seen[k] {
				e.t.Errorf("the server's pages hold (%s, %s) twice", c.Record, c.Field)
			}
			seen[k] = true
		}
		all = append(all, out.Changes...)
		if !out.More {
			return all
		}
		if out.Cursor == since {
			e.t.Fatalf("more, but the cursor stays at %s", since)
		}
		since = out.Cursor
	}
}

// ledger is what the server answered it accepted, seen from the clients'
// side of the wire, and every change pushed.
type ledger struct {
	mu       sync.Mutex
	sent     []replica.Change // single-field, every push, answered or not
	accepted []replica.Change // single-field, pushes the server answered
	rejected int
	pushes   int
	answers  int
	errs     []string // what the wire should never carry
}

// observer is a Doer that records sync pushes and their answers.
type observer struct {
	d client.Doer
	l *ledger
}

func (o *observer) Do(ctx context.Context, r *client.Request) (*client.Response, error) {
	resp, err := o.d.Do(ctx, r)
	if r.Method != "POST" || !strings.HasSuffix(r.URL, "/sync") {
		return resp, err
	}
	o.l.mu.Lock()
	defer o.l.mu.Unlock()
	body := r.Body
	if r.Header["Content-Encoding"] == "gzip" {
		z, zerr := gzip.NewReader(bytes.NewReader(body))
		if zerr == nil {
			body, zerr = io.ReadAll(z)
		}
		if zerr != nil {
			o.l.errs = append(o.l.errs, "a gzipped push does not decode: "+zerr.Error())
			return resp, err
		}
	}
	var req struct{ Changes []replica.Change }
	if jerr := json.Unmarshal(body, &req); jerr != nil {
		o.l.errs = append(o.l.errs, "a push is not JSON: "+jerr.Error())
		return resp, err
	}
	o.l.pushes++
	for _, c := range req.Changes {
		o.l.sent = append(o.l.sent, c.Split()...)
	}
	if err != nil || resp.Status != 200 {
		return resp, err
	}
	var out struct{ Rejected []replica.Rejection }
	if jerr := json.Unmarshal(resp.Body, &out); jerr != nil {
		o.l.errs = append(o.l.errs, "a 200 answer to a push is not JSON: "+jerr.Error())
		return resp, err
	}
	o.l.answers++
	o.l.rejected += len(out.Rejected)
	whole, field := map[int]bool{}, map[[2]any]bool{}
	for _, rj := range out.Rejected {
		if rj.Field == "" {
			whole[rj.Index] = true
		}
		field[[2]any{rj.Index, rj.Field}] = true
	}
	for i, c := range req.Changes {
		if whole[i] {
			continue
		}
		for _, one := range c.Split() {
			if !field[[2]any{i, one.Field}] {
				o.l.accepted = append(o.l.accepted, one)
			}
		}
	}
	return resp, err
}

// proxy relays TCP connections to the server; when cutting, it closes
// some of them after a random number of bytes (both ways counted).
type proxy struct {
	t      *testing.T
	ln     net.Listener
	target string

	mu        sync.Mutex
	rng       *rand.Rand
	cutProb   float64 // chance that a new connection gets a byte budget
	maxBudget int

	open  map[net.Conn]bool // both ends of every relay, closed by Close
	bytes atomic.Int64      // relayed, both ways
	conns atomic.Int64
	cuts  atomic.Int64
	wg    sync.WaitGroup
}

func newProxy(t *testing.T, target string, rng *rand.Rand) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, ln: ln, target: target, rng: rng, open: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	return p
}

func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

// cut makes each new connection close after a random count of bytes:
// below max with chance prob, else below 4 times max.
func (p *proxy) cut(prob float64, max int) {
	p.mu.Lock()
	p.cutProb, p.maxBudget = prob, max
	p.mu.Unlock()
}

func (p *proxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.open {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *proxy) track(c net.Conn, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.open[c] = true
	} else {
		delete(p.open, c)
	}
}

func (p *proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		budget, rst := int64(-1), false
		if p.cutProb > 0 {
			// Every connection dies: most soon, the others later.
			n := p.maxBudget
			if p.rng.Float64() >= p.cutProb {
				n *= 4
			}
			budget, rst = int64(p.rng.IntN(n)), p.rng.IntN(2) == 0
		}
		p.mu.Unlock()
		p.conns.Add(1)
		p.wg.Add(1)
		go p.relay(c, budget, rst)
	}
}

// relay copies both ways; with a budget >= 0 it stops after that many
// bytes in all and closes both ends (with a reset when rst).
func (p *proxy) relay(c net.Conn, budget int64, rst bool) {
	defer p.wg.Done()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.track(c, true)
	p.track(s, true)
	defer p.track(c, false)
	defer p.track(s, false)
	var mu sync.Mutex
	left := budget
	var once sync.Once
	closeBoth := func(cut bool) {
		once.Do(func() {
			if cut {
				p.cuts.Add(1)
				if rst {
					if tc, ok := c.(*net.TCPConn); ok {
						tc.SetLinger(0)
					}
				}
			}
			c.Close()
			s.Close()
		})
	}
	pipe := func(dst, src net.Conn, done chan<- struct{}) {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				take := int64(n)
				cut := false
				if budget >= 0 {
					mu.Lock()
					if take > left {
						take, cut = left, true
					}
					left -= take
					mu.Unlock()
				}
				if take > 0 {
					if _, werr := dst.Write(buf[:take]); werr != nil {
						closeBoth(false)
						return
					}
					p.bytes.Add(take)
				}
				if cut {
					closeBoth(true)
					return
				}
			}
			if err != nil {
				// Half-close so the other way can finish, as TCP does.
				if tc, ok := dst.(*net.TCPConn); ok && errors.Is(err, io.EOF) {
					tc.CloseWrite()
					return
				}
				closeBoth(false)
				return
			}
		}
	}
	up, down := make(chan struct{}), make(chan struct{})
	go pipe(s, c, up)
	go pipe(c, s, down)
	<-up
	<-down
	closeBoth(false)
}
