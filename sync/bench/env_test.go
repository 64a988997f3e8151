package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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

// env is a real server on 127.0.0.1 over a real SQLite file in a
// temporary folder, with the time its handler spends counted.
type env struct {
	tb   testing.TB
	url  string
	busy [nClass]atomic.Int64 // nanoseconds spent in the handler, by call
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	st, err := sqlite.Open(filepath.Join(tb.TempDir(), "carnet.db"))
	if err != nil {
		tb.Fatalf("sqlite.Open() = %v", err)
	}
	srv, err := server.New(server.Config{
		Store:      st,
		OpenCreate: true,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		CreateRate: server.Rate{Burst: -1},
		JoinRate:   server.Rate{Burst: -1},
	})
	if err != nil {
		tb.Fatalf("server.New() = %v", err)
	}
	e := &env{tb: tb}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		srv.ServeHTTP(w, r)
		cls := classOther
		switch {
		case strings.HasSuffix(r.URL.Path, "/sync"):
			cls = classSync
		case strings.Contains(r.URL.Path, "/blobs/"):
			cls = classBlob
		}
		e.busy[cls].Add(int64(time.Since(start)))
	}))
	tb.Cleanup(func() {
		srv.Close()
		ts.Close()
		st.Close()
	})
	e.url = ts.URL
	return e
}

// serverTime returns the handler time so far, by call.
func (e *env) serverTime() [nClass]time.Duration {
	var out [nClass]time.Duration
	for k := range out {
		out[k] = time.Duration(e.busy[k].Load())
	}
	return out
}

// phone is one device: a Client over a Memory, whose connections a meter
// counts.
type phone struct {
	name  string
	c     *client.Client
	local *client.Memory
	m     *meter
	doer  *meteredDoer
	who   string // participant id; empty for the facilitator

	mu     sync.Mutex
	pulled []replica.Change // changes of other devices in sync answers
	echoed []replica.Change // own changes in sync answers
}

// config returns a phone's client config: its own connections, metered,
// and quick retries (a benchmark's cut is one cut, not a lasting outage).
func (e *env) config(p *phone) client.Config {
	p.m = newMeter()
	tr := &http.Transport{
		DialContext:         p.m.dial(),
		MaxIdleConnsPerHost: 1,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true, // NetHTTP asks for zstd and gzip itself
	}
	e.tb.Cleanup(tr.CloseIdleConnections)
	p.local = client.NewMemory()
	p.doer = &meteredDoer{d: client.NetHTTP{Client: &http.Client{Transport: tr, Timeout: time.Minute}}, m: p.m}
	p.doer.onSync = p.observe
	return client.Config{Local: p.local, Doer: p.doer, Backoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}
}

// observe keeps the changes of a sync answer: the others' as pulled, the
// phone's own (sent back by the server) as echoed.
func (p *phone) observe(body []byte) {
	var out struct{ Changes []replica.Change }
	if err := json.Unmarshal(body, &out); err != nil {
		return
	}
	own := p.c.Meta().Replica
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range out.Changes {
		if c.Clock.Replica() == own {
			p.echoed = append(p.echoed, c)
		} else {
			p.pulled = append(p.pulled, c)
		}
	}
}

// takePulled returns and forgets what observe kept: the others' changes
// and the phone's own.
func (p *phone) takePulled() (pulled, echoed []replica.Change) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pulled, echoed = p.pulled, p.echoed
	p.pulled, p.echoed = nil, nil
	return pulled, echoed
}

// sync syncs until nothing waits: a Sync that gives up on the network is
// followed by another, as the app does.
func (p *phone) sync(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	for try := 0; ; try++ {
		err := p.c.Sync(ctx)
		if err == nil {
			break
		}
		if try == 4 {
			tb.Fatalf("%s: Sync() = %v", p.name, err)
		}
	}
	st, err := p.c.Status(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if st.Changes != 0 || st.Photos != 0 || len(st.Rejected) != 0 || len(st.BadPhotos) != 0 {
		tb.Fatalf("%s after Sync: %d changes and %d photos wait, %d rejected, bad photos %+v",
			p.name, st.Changes, st.Photos, len(st.Rejected), st.BadPhotos)
	}
}

// workshop is a workshop as the facilitator prepared it: sessions, groups
// and open ballots, synced.
type workshop struct {
	e        *env
	fac      *phone
	id, code string
	sessions []string
	groups   []string
	ballots  []string
}

// Ballots' budget: each phone's day uses every slot of every ballot.
const ballotBudget = 5

func newWorkshop(tb testing.TB, e *env, g *gen) *workshop {
	tb.Helper()
	ctx := context.Background()
	fac := &phone{name: "facilitator"}
	c, err := client.Create(ctx, e.config(fac), e.url, client.NewWorkshop{Title: "Atelier du port : escales et quais", Locale: "fr"})
	if err != nil {
		tb.Fatalf("Create() = %v", err)
	}
	fac.c = c
	w := &workshop{e: e, fac: fac, id: c.Meta().Workshop, code: c.Meta().JoinCode}
	var changes []replica.Change
	for i, title := range []string{"Brise-glace", "Usages actuels", "Irritants et envies", "Valeur et pistes"} {
		id := g.id()
		w.sessions = append(w.sessions, id)
		changes = append(changes, replica.Change{Record: id, Kind: "session", Fields: fields(
			"title", title, "type", "room", "position", i, "minutes", 45, "format", "groups")})
	}
	for i, name := range []string{"Quais", "Capitainerie", "Douane", "Transitaires", "Plaisance"} {
		id := g.id()
		w.groups = append(w.groups, id)
		changes = append(changes, replica.Change{Record: id, Kind: "group", Fields: fields("name", name, "position", i)})
	}
	for i, title := range []string{"Les irritants à traiter d'abord", "Les envies qui valent le plus"} {
		id := g.id()
		w.ballots = append(w.ballots, id)
		changes = append(changes, replica.Change{Record: id, Kind: "ballot", Fields: fields(
			"session", w.sessions[2+i], "title", title, "budget", ballotBudget, "target_kind", "note", "open", true)})
	}
	if _, err := c.Write(ctx, changes...); err != nil {
		tb.Fatalf("facilitator Write() = %v", err)
	}
	fac.sync(tb)
	return w
}

// join adds a participant's phone and syncs it once (the join call and
// the workshop's structure), as phones do when the day starts.
func (w *workshop) join(tb testing.TB, g *gen, name string) *phone {
	tb.Helper()
	p := &phone{name: name}
	cfg := w.e.config(p)
	c, err := client.Join(context.Background(), cfg, client.Invite{
		Server: w.e.url, Workshop: w.id, JoinCode: w.code, Name: name,
		Participant: g.id(), Secret: g.secret(),
	})
	if err != nil {
		tb.Fatalf("Join() = %v", err)
	}
	p.c, p.who = c, c.Meta().Participant
	p.sync(tb)
	p.takePulled()
	return p
}

// fields builds a grouped change's fields from name, value pairs.
func fields(kv ...any) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = js(kv[i+1])
	}
	return out
}

func js(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only the values above: never
	}
	return b
}

// gzipSize returns the gzip -9 size of b.
func gzipSize(b []byte) int64 {
	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression) // a valid level
	w.Write(b)
	w.Close()
	return int64(z.Len())
}

// jsonGzip returns the gzip -9 size of changes as one JSON list.
func jsonGzip(tb testing.TB, changes []replica.Change) int64 {
	if len(changes) == 0 {
		return 0
	}
	b, err := json.Marshal(changes)
	if err != nil {
		tb.Fatal(err)
	}
	return gzipSize(b)
}

// outbox returns the phone's pending changes, as they wait to be sent.
func (p *phone) outbox(tb testing.TB) []replica.Change {
	pend, err := p.local.Outbox(context.Background(), 1<<30)
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]replica.Change, len(pend))
	for i, x := range pend {
		out[i] = x.Change
	}
	return out
}

func (c counts) total() int64 {
	var t int64
	for _, cl := range c.n {
		t += cl[up][head] + cl[up][body] + cl[down][head] + cl[down][body]
	}
	return t
}

func (c counts) dir(d dir) int64 {
	var t int64
	for _, cl := range c.n {
		t += cl[d][head] + cl[d][body]
	}
	return t
}

func (c counts) class(k class) int64 {
	cl := c.n[k]
	return cl[up][head] + cl[up][body] + cl[down][head] + cl[down][body]
}

func (c counts) heads() int64 {
	var t int64
	for _, cl := range c.n {
		t += cl[up][head] + cl[down][head]
	}
	return t
}

func (c counts) requests() int {
	n := 0
	for _, r := range c.reqs {
		n += r
	}
	return n
}

func (c *counts) add(o counts) {
	for k := range c.n {
		for d := range c.n[k] {
			for p := range c.n[k][d] {
				c.n[k][d][p] += o.n[k][d][p]
			}
		}
		c.reqs[k] += o.reqs[k]
	}
	c.conns += o.conns
	c.cuts += o.cuts
}

// String is the breakdown for the benchmark log: per call, each way,
// framing+body bytes.
func (c counts) String() string {
	var b bytes.Buffer
	for k := range nClass {
		cl := c.n[k]
		if c.reqs[k] == 0 && cl == [2][2]int64{} {
			continue
		}
		fmt.Fprintf(&b, "%s: %d requests, up %d+%d, down %d+%d (headers+body); ",
			classNames[k], c.reqs[k], cl[up][head], cl[up][body], cl[down][head], cl[down][body])
	}
	fmt.Fprintf(&b, "%d connections, %d cut", c.conns, c.cuts)
	return b.String()
}
