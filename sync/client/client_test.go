package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carnet/sync/client"
	"carnet/sync/replica"
)

// clock is an injected wall clock.
type clock struct{ ms atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.ms.Store(t.UnixMilli()); return c }

func (c *clock) Now() time.Time      { return time.UnixMilli(c.ms.Load()) }
func (c *clock) Add(d time.Duration) { c.ms.Add(d.Milliseconds()) }
func (c *clock) Set(t time.Time)     { c.ms.Store(t.UnixMilli()) }

// sleeps records the waits between retries, and waits for none.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

var t0 = time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)

type phone struct {
	c     *client.Client
	local *client.Memory
	cfg   client.Config
	clock *clock
	sl    *sleeps
}

func config(local client.Local, d client.Doer) (client.Config, *clock, *sleeps) {
	ck, sl := newClock(t0), &sleeps{}
	return client.Config{Local: local, Doer: d, Now: ck.Now, Sleep: sl.Sleep, Attempts: 4}, ck, sl
}

func newFacilitator(t *testing.T, s *fakeServer) *phone {
	t.Helper()
	m := client.NewMemory()
	cfg, ck, sl := config(m, s)
	c, err := client.Create(context.Background(), cfg, fakeURL, client.NewWorkshop{Title: "Toulon", Locale: "fr"})
	if err != nil {
		t.Fatalf("Create() error = %v", err)
	}
	return &phone{c, m, cfg, ck, sl}
}

func newParticipant(t *testing.T, s *fakeServer, name string) *phone {
	t.Helper()
	m := client.NewMemory()
	cfg, ck, sl := config(m, s)
	c, err := client.Join(context.Background(), cfg, client.Invite{Server: fakeURL, Workshop: s.workshop, JoinCode: s.joinCode, Name: name})
	if err != nil {
		t.Fatalf("Join() error = %v", err)
	}
	return &phone{c, m, cfg, ck, sl}
}

// reopen is a restart of the app: a new Client on the same storage.
func (p *phone) reopen(t *testing.T) {
	t.Helper()
	c, err := client.Open(context.Background(), p.cfg)
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	p.c = c
}

func (p *phone) sync(t *testing.T) {
	t.Helper()
	if err := p.c.Sync(context.Background()); err != nil {
		t.Fatalf("Sync() error = %v", err)
	}
}

func (p *phone) write(t *testing.T, changes ...replica.Change) []replica.Change {
	t.Helper()
	out, err := p.c.Write(context.Background(), changes...)
	if err != nil {
		t.Fatalf("Write() error = %v", err)
	}
	return out
}

func (p *phone) status(t *testing.T) client.Status {
	t.Helper()
	s, err := p.c.Status(context.Background())
	if err != nil {
		t.Fatalf("Status() error = %v", err)
	}
	return s
}

func (p *phone) state(t *testing.T) *replica.State {
	t.Helper()
	s, err := p.c.State(context.Background())
	if err != nil {
		t.Fatalf("State() error = %v", err)
	}
	return s
}

func js(v any) json.RawMessage { b, _ := json.Marshal(v); return b }

func noteChange(id, author, text string) replica.Change {
	return replica.Change{Record: id, Kind: "note", Fields: map[string]json.RawMessage{
		"text": js(text), "color": js("problem"), "author": js(author),
	}}
}

func set(id, kind, field string, v any) replica.Change {
	return replica.Change{Record: id, Kind: kind, Field: field, Value: js(v)}
}

func TestJoinOffline(t *testing.T) {
	s := newFakeServer(t)
	fac := newFacilitator(t, s)
	p := newParticipant(t, s, "Léa")
	if n := len(s.requests("POST", "/join")); n != 0 {
		t.Fatalf("Join() made %d join calls, want none before Sync", n)
	}
	m := p.c.Meta()
	if !replica.IsID(m.Participant) || len(m.Secret) < 22 || !replica.IsID(m.Replica) || m.Token != "" {
		t.Fatalf("Meta() after Join = %+v, want a participant id, a secret of 22+ chars, a replica, no token", m)
	}
	if u, _ := strconv.ParseUint(m.Participant[14:15], 16, 8); u != 7 {
		t.Errorf("participant id %s is not a UUIDv7", m.Participant)
	}
	n := client.NewID()
	p.write(t, noteChange(n, m.Participant, "Ressaisie des bons de livraison"))
	if st := p.status(t); st.Joined || st.Changes != 1 {
		t.Fatalf("Status() before Sync = %+v, want not joined, 1 change waiting", st)
	}
	p.sync(t)
	if st := p.status(t); !st.Joined || st.Changes != 0 || st.Err != nil || st.Synced.IsZero() {
		t.Fatalf("Status() after Sync = %+v, want joined, nothing waiting, synced", st)
	}
	fac.sync(t)
	got := fac.state(t)
	if r := got.Record(n); r == nil || r.String("text") != "Ressaisie des bons de livraison" {
		t.Fatalf("facilitator's state has note %+v, want the participant's", r)
	}
	if r := got.Record(m.Participant); r == nil || r.String("name") != "Léa" {
		t.Fatalf("facilitator's state has participant %+v, want Léa", r)
	}
	if a, b := p.state(t).Changes(), got.Changes(); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("states differ:\nparticipant %v\nfacilitator %v", a, b)
	}
	// Join again on the same store opens it.
	again, err := client.Join(context.Background(), p.cfg, client.Invite{Workshop: s.workshop, JoinCode: s.joinCode})
	if err != nil || again.Meta().Participant != m.Participant {
		t.Fatalf("Join() on a joined store = %v, %v; want the same participant", again, err)
	}
	if _, err := client.Join(context.Background(), p.cfg, client.Invite{Workshop: client.NewID(), JoinCode: "x"}); !errors.Is(err, client.ErrNoWorkshop) {
		t.Fatalf("Join() of another workshop error = %v, want ErrNoWorkshop", err)
	}
	if _, err := client.Open(context.Background(), client.Config{Local: client.NewMemory(), Doer: s}); !errors.Is(err, client.ErrNoWorkshop) {
		t.Fatalf("Open() of an empty store error = %v, want ErrNoWorkshop", err)
	}
}

func TestJoinLostAnswer(t *testing.T) {
	s := newFakeServer(t)
	newFacilitator(t, s)
	p := newParticipant(t, s, "Marc")
	lost := 0
	s.setHook(func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error) {
		resp, err := next()
		if strings.HasSuffix(r.URL, "/join") && lost < 2 {
			lost++
			return nil, errors.New("connection reset by peer")
		}
		return resp, err
	})
	p.sync(t)
	joins := s.requests("POST", "/join")
	if len(joins) != 3 {
		t.Fatalf("%d join calls, want 3 (two answers lost)", len(joins))
	}
	if a, b := string(joins[0].Body), string(joins[2].Body); a != b {
		t.Fatalf("join retried with another body:\n%s\n%s", a, b)
	}
	if tok := p.c.Meta().Token; s.tokens[tok] != p.c.Meta().Participant {
		t.Fatalf("token %q is not the participant's", tok)
	}
	if n := len(p.sl.all()); n != 2 {
		t.Fatalf("%d waits between attempts, want 2", n)
	}
}

func TestJoinRefused(t *testing.T) {
	s := newFakeServer(t)
	newFacilitator(t, s)
	cfg, _, _ := config(client.NewMemory(), s)
	p, err := client.Join(context.Background(), cfg, client.Invite{Server: fakeURL, Workshop: s.workshop, JoinCode: "WRONG", Name: "X"})
	if err != nil {
		t.Fatal(err)
	}
	err = p.Sync(context.Background())
	var e *client.Error
	if !errors.Is(err, client.ErrForbidden) || !errors.As(err, &e) || e.Status != 403 || e.Message != "wrong join code" {
		t.Fatalf("Sync() with a wrong join code error = %v, want the server's 403 forbidden", err)
	}
	st, _ := p.Status(context.Background())
	if !errors.Is(st.Err, client.ErrForbidden) || !strings.Contains(st.Reason, "wrong join code") || st.Joined {
		t.Fatalf("Status() = %+v, want the forbidden error and its reason", st)
	}
	// Another device secret for a known participant: conflict.
	q := newParticipant(t, s, "Q")
	q.sync(t)
	inv := q.c.Invite()
	inv.Secret = client.NewSecret()
	cfg2, _, _ := config(client.NewMemory(), s)
	r, err := client.Join(context.Background(), cfg2, inv)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Sync(context.Background()); !errors.Is(err, client.ErrConflict) {
		t.Fatalf("Sync() with another device secret error = %v, want ErrConflict", err)
	}
}

func TestSecondPhone(t *testing.T) {
	s := newFakeServer(t)
	fac := newFacilitator(t, s)
	a := newParticipant(t, s, "Léa")
	cfg, _, _ := config(client.NewMemory(), s)
	b, err := client.Join(context.Background(), cfg, a.c.Invite())
	if err != nil {
		t.Fatal(err)
	}
	who := a.c.Meta().Participant
	if b.Meta().Participant != who || b.Meta().Replica == a.c.Meta().Replica {
		t.Fatalf("second phone meta %+v, want the same participant %s, another replica", b.Meta(), who)
	}
	ballot := client.NewID()
	fac.write(t, replica.Change{Record: ballot, Kind: "ballot", Fields: map[string]json.RawMessage{"title": js("Fils"), "budget": js(2), "open": js(true)}})
	fac.sync(t)
	ctx := context.Background()
	for _, p := range []*client.Client{a.c, b} {
		if err := p.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Both phones place the same sticker slot: one record, the later wins.
	vote := func(target string) replica.Change {
		return replica.Change{Record: replica.VoteID(ballot, who, 0), Kind: "vote", Fields: map[string]json.RawMessage{
			"ballot": js(ballot), "voter": js(who), "slot": js(0), "target": js(target)}}
	}
	t1, t2 := client.NewID(), client.NewID()
	a.write(t, vote(t1))
	a.clock.Add(time.Second)
	if _, err := b.Write(ctx, vote(t2)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*client.Client{a.c, b, a.c} {
		if err := p.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	sa, _ := a.c.State(ctx)
	sb, _ := b.State(ctx)
	if fmt.Sprint(sa.Changes()) != fmt.Sprint(sb.Changes()) {
		t.Fatalf("the two phones differ")
	}
	if got := replica.Tally(sa, ballot); got[t1]+got[t2] != 1 {
		t.Fatalf("Tally() = %v, want one sticker", got)
	}
}

func TestWriteClocks(t *testing.T) {
	s := newFakeServer(t)
	fac := newFacilitator(t, s)
	th := client.NewID()
	var last replica.Clock
	for i := range 5 {
		out := fac.write(t, set(th, "thread", "title", fmt.Sprint("fil ", i)), set(th, "thread", "position", i))
		for _, c := range out {
			if c.Clock <= last {
				t.Fatalf("clock %s after %s, want growing", c.Clock, last)
			}
			if c.Clock.Replica() != fac.c.Meta().Replica {
				t.Fatalf("clock %s is not stamped with the replica %s", c.Clock, fac.c.Meta().Replica)
			}
			last = c.Clock
		}
	}
	if got := fac.c.Meta().Clock; got < last {
		t.Fatalf("Meta().Clock = %s, want at least %s", got, last)
	}
	// A restart with the wall clock an hour back still stamps later clocks.
	fac.clock.Add(-time.Hour)
	fac.reopen(t)
	out := fac.write(t, set(th, "thread", "title", "after restart"))
	if out[0].Clock <= last {
		t.Fatalf("clock after a restart with the clock back = %s, want after %s", out[0].Clock, last)
	}
	if got := fac.state(t).Record(th).String("title"); got != "after restart" {
		t.Fatalf("title = %q, want the last write", got)
	}
	// Pulled clocks from the future move this replica's clock.
	future := replica.MakeClock(t0.Add(5*time.Hour).UnixMilli(), 3, client.NewID())
	s.mu.Lock()
	s.store([]replica.Change{{Record: th, Kind: "thread", Field: "body", Value: js("x"), Clock: future}})
	s.mu.Unlock()
	fac.sync(t)
	out = fac.write(t, set(th, "thread", "title", "after pull"))
	if out[0].Clock <= future {
		t.Fatalf("clock after pulling %s = %s, want later", future, out[0].Clock)
	}
	if got := fac.c.Meta().Clock; got < future[:18] {
		t.Fatalf("Meta().Clock = %s, want at least %s", got, future)
	}
}

func TestWriteChecks(t *testing.T) {
	s := newFakeServer(t)
	fac := newFacilitator(t, s)
	a, b := newParticipant(t, s, "A"), newParticipant(t, s, "B")
	n := client.NewID()
	a.write(t, noteChange(n, a.c.Meta().Participant, "mine"))
	a.sync(t)
	b.sync(t)
	ctx := context.Background()
	cases := []struct {
		name    string
		p       *phone
		changes []replica.Change
		want    error
	}{
		{"other's note", b, []replica.Change{set(n, "note", "text", "not mine")}, client.ErrForbidden},
		{"new note of another", b, []replica.Change{noteChange(client.NewID(), a.c.Meta().Participant, "x")}, client.ErrForbidden},
		{"bad colour", a, []replica.Change{set(n, "note", "color", "pink")}, client.ErrInvalid},
		{"kind change", a, []replica.Change{set(n, "thread", "title", "t")}, client.ErrInvalid},
		{"session by participant", a, []replica.Change{set(client.NewID(), "session", "title", "t")}, client.ErrForbidden},
		{"unknown kind", fac, []replica.Change{set(client.NewID(), "pirate", "x", 1)}, client.ErrInvalid},
		{"second bad", fac, []replica.Change{set(client.NewID(), "thread", "title", "ok"), set(client.NewID(), "thread", "selected", "yes")}, client.ErrInvalid},
	}
	for _, tc := range cases {
		before, _, _ := tc.p.local.Counts(ctx)
		_, err := tc.p.c.Write(ctx, tc.changes...)
		var e *client.Error
		if !errors.Is(err, tc.want) || !errors.As(err, &e) || e.Status != 0 || e.Message == "" {
			t.Errorf("%s: Write() error = %v, want %v from the device", tc.name, err, tc.want)
		}
		if after, _, _ := tc.p.local.Counts(ctx); after != before {
			t.Errorf("%s: outbox went from %d to %d, want nothing stored", tc.name, before, after)
		}
	}
	// The facilitator may change anyone's note.
	fac.sync(t)
	fac.write(t, set(n, "note", "text", "edited by the facilitator"))
}

func TestSyncChunks(t *testing.T) {
	s := newFakeServer(t)
	fac := newFacilitator(t, s)
	p := newParticipant(t, s, "Léa")
	who := p.c.Meta().Participant
	for i := range 300 {
		p.write(t, noteChange(client.NewID(), who, fmt.Sprintf("note %d: %s", i, strings.Repeat("irritant ", i%7))))
	}
	p.sync(t)
	syncs := s.requests("POST", "/sync")
	if len(syncs) < 5 {
		t.Fatalf("%d sync calls for 300 notes, want chunks", len(syncs))
	}
	for i, r := range syncs {
		var req struct {
			Replica string
			Changes []json.RawMessage
			Grouped bool
		}
		if err := json.Unmarshal(r.Body, &req); err != nil {
			t.Fatal(err)
		}
		if !req.Grouped || req.Replica != p.c.Meta().Replica {
			t.Errorf("sync %d: grouped %v replica %s, want grouped by replica %s", i, req.Grouped, req.Replica, p.c.Meta().Replica)
		}
		if len(r.Body) > client.DefaultPushBytes+1024 {
			t.Errorf("sync %d: %d bytes of JSON, want about %d at most", i, len(r.Body), client.DefaultPushBytes)
		}
		if len(req.Changes) > 0 && r.Header["Content-Encoding"] != "gzip" {
			t.Errorf("sync %d: Content-Encoding %q, want gzip", i, r.Header["Content-Encoding"])
		}
	}
	if st := p.status(t); st.Changes != 0 {
		t.Fatalf("Status().Changes = %d after Sync, want 0", st.Changes)
	}
	fac.sync(t)
	if got := len(fac.state(t).Of("note")); got != 300 {
		t.Fatalf("facilitator sees %d notes, want 300", got)
	}
	// A sync with nothing to do is one small call, not gzipped.
	before := len(s.requests("POST", "/sync"))
	p.sync(t)
	syncs = s.requests("POST", "/sync")
	if len(syncs) != before+1 {
		t.Fatalf("a no-op sync made %d calls, want 1", len(syncs)-before)
	}
	last := syncs[len(syncs)-1]
	if last.Header["Content-Encoding"] != "" || len(last.Body) > 150 {
		t.Fatalf("no-op sync: %d bytes, encoding %q; want a small plain body: %s", len(last.Body), last.Header["Content-Encoding"], last.Body)
	}
}

func TestSyncPages(t *testing.T) {
	s := newFakeServer(t)
	s.page = 7
	fac := newFacilitator(t, s)
	for i := range 40 {
		fac.write(t, set(client.NewID(), "thread", "title", fmt.Sprint("fil ", i)))
	}
	fac.sync(t)
	p := newParticipant(t, s, "Léa")
	var prog []client.Progress
	p.cfg.Progress = func(pr client.Progress) { prog = append(prog, pr) }
	p.reopen(t)
	p.sync(t)
	if got := len(p.state(t).Of("thread")); got != 40 {
		t.Fatalf("participant sees %d threads, want 40", got)
	}
	if len(prog) < 6 {
		t.Fatalf("%d progress reports, want one a round", len(prog))
	}
	if c := p.c.Meta().Cursor; c != strconv.Itoa(len(s.log)) {
		t.Fatalf("cursor %s, want %d", c, len(s.log))
	}
}

func TestAckOnlyOnAnswer(t *testing.T) {
	s := newFakeServer(t)
	fac := newFacilitator(t, s)
	p := newParticipant(t, s, "Léa")
	p.sync(t)
	who := p.c.Meta().Participant
	n := client.NewID()
	p.write(t, noteChange(n, who, "first"))
	// Every answer is lost: the server stores, the phone never hears.
	s.setHook(func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error) {
		next()
		return nil, errors.New("EOF")
	})
	err := p.c.Sync(context.Background())
	if !errors.Is(err, client.ErrNetwork) {
		t.Fatalf("Sync() with every answer lost error = %v, want ErrNetwork", err)
	}
	if st := p.status(t); st.Changes != 1 || !errors.Is(st.Err, client.ErrNetwork) {
		t.Fatalf("Status() = %+v, want the change still waiting and the network error", st)
	}
	if got := len(s.requests("POST", "/sync")); got != 1+4 {
		t.Fatalf("%d sync calls, want 1 + 4 attempts", got)
	}
	// Now no request arrives at all.
	n2 := client.NewID()
	p.write(t, noteChange(n2, who, "never arrived"))
	s.setHook(func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error) {
		return nil, errors.New("network is unreachable")
	})
	if err := p.c.Sync(context.Background()); !errors.Is(err, client.ErrNetwork) {
		t.Fatalf("Sync() offline error = %v, want ErrNetwork", err)
	}
	p.reopen(t) // and the app restarts
	if st := p.status(t); st.Changes != 2 {
		t.Fatalf("Status().Changes = %d, want both changes still waiting", st.Changes)
	}
	s.setHook(nil)
	p.write(t, set(n, "note", "text", "second"))
	p.sync(t)
	fac.sync(t)
	if got := fac.state(t).Record(n2); got == nil || got.String("text") != "never arrived" {
		t.Fatalf("the change that never arrived is %v on the server", got)
	}
	if st := p.status(t); st.Changes != 0 || st.Err != nil {
		t.Fatalf("Status() = %+v, want nothing waiting, no error", st)
	}
	fac.sync(t)
	if got := fac.state(t).Record(n).String("text"); got != "second" {
		t.Fatalf("text = %q, want second", got)
	}
	if a, b := fac.state(t).Changes(), p.state(t).Changes(); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("facilitator and participant differ")
	}
}

func TestRejected(t *testing.T) {
	s := newFakeServer(t)
	fac := newFacilitator(t, s)
	p := newParticipant(t, s, "Léa")
	who := p.c.Meta().Participant
	ballot, th := client.NewID(), client.NewID()
	fac.write(t, replica.Change{Record: ballot, Kind: "ballot", Fields: map[string]json.RawMessage{"title": js("Fils"), "open": js(true)}},
		set(th, "thread", "title", "Data lake portuaire"))
	fac.sync(t)
	p.sync(t)
	// The facilitator closes the ballot while the phone is offline.
	fac.write(t, set(ballot, "ballot", "open", false))
	fac.sync(t)
	vid := replica.VoteID(ballot, who, 1)
	n := client.NewID()
	p.write(t, replica.Change{Record: vid, Kind: "vote", Fields: map[string]json.RawMessage{
		"ballot": js(ballot), "voter": js(who), "slot": js(1), "target": js(th)}},
		noteChange(n, who, "kept"))
	if got := replica.Tally(p.state(t), ballot)[th]; got != 1 {
		t.Fatalf("Tally() before Sync = %d, want the sticker shown", got)
	}
	p.sync(t)
	st := p.status(t)
	if len(st.Rejected) != 4 || st.Changes != 0 {
		t.Fatalf("Status() = %+v, want the vote's 4 fields rejected, nothing waiting", st)
	}
	for _, r := range st.Rejected {
		if r.Change.Record != vid || r.Code != "forbidden" || !strings.Contains(r.Message, "closed") {
			t.Errorf("rejected %+v, want the vote, forbidden, closed", r)
		}
	}
	got := p.state(t)
	if got.Record(vid) != nil || replica.Tally(got, ballot)[th] != 0 {
		t.Fatalf("state still has the refused vote %+v", got.Record(vid))
	}
	if got.Record(n).String("text") != "kept" {
		t.Fatal("the accepted note is gone")
	}
	fac.sync(t)
	if a, b := fac.state(t).Changes(), got.Changes(); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("facilitator and participant differ")
	}
	p.reopen(t)
	if len(p.status(t).Rejected) != 4 {
		t.Fatal("rejections are not kept across a restart")
	}
	if err := p.c.ClearRejected(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(p.status(t).Rejected) != 0 {
		t.Fatal("ClearRejected() kept them")
	}
}

func TestRetryBackoff(t *testing.T) {
	s := newFakeServer(t)
	fac := newFacilitator(t, s)
	answers := []*client.Response{status(503, "internal", "busy"), status(502, "", ""), status(429, "rate_limited", "slow down"), nil}
	answers[2].Header["retry-after"] = "7"
	i := 0
	s.setHook(func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error) {
		if i < len(answers) && answers[i] != nil {
			i++
			return answers[i-1], nil
		}
		if i == len(answers)-1 {
			i++
			return nil, errors.New("no route to host")
		}
		return next()
	})
	fac.cfg.Attempts = 5
	fac.reopen(t)
	fac.sync(t)
	d := fac.sl.all()
	if len(d) != 4 {
		t.Fatalf("waits %v, want 4", d)
	}
	for k, want := range []time.Duration{client.DefaultBackoff, 2 * client.DefaultBackoff, 7 * time.Second, 8 * client.DefaultBackoff} {
		lo := want / 2
		if k == 2 {
			lo = want // Retry-After is a floor
		}
		if d[k] < lo || d[k] > want {
			t.Errorf("wait %d = %v, want in [%v, %v]", k, d[k], lo, want)
		}
	}

	// Always failing: Attempts tries, then the last error.
	s.setHook(func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error) {
		return status(500, "internal", "disk full"), nil
	})
	before := len(s.requests("POST", "/sync"))
	err := fac.c.Sync(context.Background())
	var e *client.Error
	if !errors.Is(err, client.ErrServer) || !errors.As(err, &e) || e.Message != "disk full" {
		t.Fatalf("Sync() error = %v, want the server's 500", err)
	}
	if got := len(s.requests("POST", "/sync")) - before; got != 5 {
		t.Fatalf("%d attempts, want 5", got)
	}

	// Waits are bounded by MaxBackoff, and end with the context.
	cfg := fac.cfg
	cfg.Attempts, cfg.MaxBackoff = 12, 3*time.Second
	sl := &sleeps{}
	cfg.Sleep = sl.Sleep
	c, err := client.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Sync(context.Background())
	for _, w := range sl.all() {
		if w > 3*time.Second {
			t.Fatalf("wait %v over MaxBackoff", w)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cfg.Sleep = nil // the real timer
	cfg.Backoff = time.Hour
	cfg.MaxBackoff = time.Hour
	c, _ = client.Open(ctx, cfg)
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start := time.Now()
	if err := c.Sync(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sync() with a cancelled context error = %v, want context.Canceled", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("Sync() did not stop with its context")
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		status int
		code   string
		want   []error
	}{
		{400, "invalid", []error{client.ErrInvalid}},
		{401, "unauthorized", []error{client.ErrUnauthorized}},
		{403, "forbidden", []error{client.ErrForbidden}},
		{404, "not_found", []error{client.ErrNotFound}},
		{409, "conflict", []error{client.ErrConflict}},
		{413, "too_large", []error{client.ErrTooLarge}},
		{422, "invalid", []error{client.ErrCorrupt, client.ErrInvalid}},
		{429, "rate_limited", []error{client.ErrRateLimited}},
		{500, "internal", []error{client.ErrServer}},
		{503, "", []error{client.ErrServer}},
		{401, "", []error{client.ErrUnauthorized}},
	}
	all := []error{client.ErrInvalid, client.ErrUnauthorized, client.ErrForbidden, client.ErrNotFound, client.ErrConflict,
		client.ErrTooLarge, client.ErrCorrupt, client.ErrRateLimited, client.ErrServer, client.ErrNetwork}
	for _, tc := range cases {
		err := fmt.Errorf("sync: %w", &client.Error{Status: tc.status, Code: tc.code, Message: "m"})
		for _, s := range all {
			want := false
			for _, w := range tc.want {
				want = want || w == s
			}
			if got := errors.Is(err, s); got != want {
				t.Errorf("errors.Is(%d %s, %v) = %v, want %v", tc.status, tc.code, s, got, want)
			}
		}
	}
	e := &client.Error{Status: 403, Code: "forbidden", Message: "wrong join code"}
	if got, want := e.Error(), "server: 403 forbidden: wrong join code"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// jpeg returns n bytes that start like a JPEG.
func jpeg(n int, seed byte) []byte {
	b := make([]byte, n)
	copy(b, "\xff\xd8\xff\xe0")
	for i := 4; i < n; i++ {
		b[i] = byte(i*7) ^ seed
	}
	return b
}

func photo(author string) replica.Change {
	return replica.Change{Record: client.NewID(), Kind: "photo", Fields: map[string]json.RawMessage{
		"author": js(author), "mime": js("image/jpeg"), "caption": js("tableau du groupe 2")}}
}

func TestUpload(t *testing.T) {
	s := newFakeServer(t)
	fac := newFacilitator(t, s)
	p := newParticipant(t, s, "Léa")
	p.cfg.ChunkSize = 64 << 10
	var prog []client.Progress
	var pmu sync.Mutex
	p.cfg.Progress = func(pr client.Progress) { pmu.Lock(); prog = append(prog, pr); pmu.Unlock() }
	p.reopen(t)
	who := p.c.Meta().Participant
	data := jpeg(1<<20+12345, 1)
	ch, err := p.c.WritePhoto(context.Background(), data, photo(who))
	if err != nil {
		t.Fatal(err)
	}
	hash := client.BlobHash(data)
	if string(ch.Fields["blob"]) != strconv.Quote(hash) || string(ch.Fields["bytes"]) != strconv.Itoa(len(data)) {
		t.Fatalf("WritePhoto() = %+v, want blob and bytes set", ch)
	}
	if st := p.status(t); st.Photos != 1 || st.Changes != 1 {
		t.Fatalf("Status() = %+v, want 1 photo and 1 change waiting", st)
	}
	// Every third PATCH: the server takes the bytes, the answer is lost.
	patches := 0
	s.setHook(func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error) {
		resp, err := next()
		if r.Method == "PATCH" {
			patches++
			if patches%3 == 0 {
				return nil, errors.New("connection reset")
			}
		}
		return resp, err
	})
	p.sync(t)
	if !bytes.Equal(s.blobs[hash], data) || !s.complete[hash] {
		t.Fatalf("server holds %d bytes, complete %v; want the %d bytes", len(s.blobs[hash]), s.complete[hash], len(data))
	}
	if st := p.status(t); st.Photos != 0 {
		t.Fatalf("Status().Photos = %d after upload, want 0", st.Photos)
	}
	var sent int64
	for _, r := range s.requests("PATCH", hash) {
		if len(r.Body) > 64<<10 {
			t.Fatalf("a PATCH of %d bytes, want at most 64 KiB", len(r.Body))
		}
		sent += int64(len(r.Body))
	}
	if sent > int64(len(data))*3/2 {
		t.Fatalf("sent %d bytes for a photo of %d", sent, len(data))
	}
	var lastSent int64
	for _, pr := range prog {
		if pr.Photo == "" {
			continue
		}
		if pr.Photo != hash || pr.Total != int64(len(data)) || pr.Sent < lastSent || pr.Photos != 1 {
			t.Fatalf("progress %+v after %d sent, want growing, of %d", pr, lastSent, len(data))
		}
		lastSent = pr.Sent
	}
	if lastSent != int64(len(data)) {
		t.Fatalf("last progress %d, want %d", lastSent, len(data))
	}
	// Another sync sends nothing; a second phone writing the same photo
	// finds it on the server.
	s.setHook(nil)
	p.sync(t)
	if got := len(s.requests("PATCH", hash)); got != patches {
		t.Fatalf("a second Sync patched again")
	}
	fac.sync(t)
	if _, err := fac.c.WritePhoto(context.Background(), data, photo(who)); err != nil {
		t.Fatal(err)
	}
	fac.sync(t)
	if got := len(s.requests("PATCH", hash)); got != patches {
		t.Fatalf("the facilitator patched a photo the server holds")
	}
}

func TestUploadResume(t *testing.T) {
	s := newFakeServer(t)
	newFacilitator(t, s)
	p := newParticipant(t, s, "Léa")
	p.cfg.ChunkSize = 100 << 10
	p.cfg.Attempts = 1
	p.reopen(t)
	data := jpeg(1000<<10, 2)
	hash := client.BlobHash(data)
	if _, err := p.c.WritePhoto(context.Background(), data, photo(p.c.Meta().Participant)); err != nil {
		t.Fatal(err)
	}
	// The network goes down after 4 chunks.
	n := 0
	s.setHook(func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error) {
		if r.Method == "PATCH" {
			if n++; n > 4 {
				return nil, errors.New("network is unreachable")
			}
		}
		return next()
	})
	if err := p.c.Sync(context.Background()); !errors.Is(err, client.ErrNetwork) {
		t.Fatalf("Sync() error = %v, want ErrNetwork", err)
	}
	if got := len(s.blobs[hash]); got != 400<<10 {
		t.Fatalf("server holds %d bytes, want 4 chunks", got)
	}
	// The app restarts; the upload resumes from the server's offset.
	s.setHook(nil)
	p.reopen(t)
	before := len(s.requests("PATCH", hash))
	p.sync(t)
	var sent int
	for _, r := range s.requests("PATCH", hash)[before:] {
		sent += len(r.Body)
	}
	if sent != len(data)-400<<10 {
		t.Fatalf("resumed upload sent %d bytes, want %d", sent, len(data)-400<<10)
	}
	if !bytes.Equal(s.blobs[hash], data) {
		t.Fatal("the server's bytes differ")
	}
	// A stale HEAD (offset 0 while the server holds more): the 409 says
	// where to go on.
	data2 := jpeg(300<<10, 3)
	h2 := client.BlobHash(data2)
	s.mu.Lock()
	s.blobs[h2] = append([]byte(nil), data2[:150<<10]...)
	s.mu.Unlock()
	s.setHook(func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error) {
		if r.Method == "HEAD" {
			return &client.Response{Status: 404, Header: map[string]string{}}, nil
		}
		return next()
	})
	if _, err := p.c.WritePhoto(context.Background(), data2, photo(p.c.Meta().Participant)); err != nil {
		t.Fatal(err)
	}
	p.sync(t)
	if !bytes.Equal(s.blobs[h2], data2) || !s.complete[h2] {
		t.Fatal("the second photo did not complete")
	}
	if got := s.requests("PATCH", h2); len(got) != 3 || len(got[0].Body) != 100<<10 || got[1].Header["Upload-Offset"] != strconv.Itoa(150<<10) {
		t.Fatalf("PATCHes after a stale offset: %d, want 3: one refused, then from the server's offset", len(got))
	}
}

func TestUploadBadPhotos(t *testing.T) {
	s := newFakeServer(t)
	newFacilitator(t, s)
	p := newParticipant(t, s, "Léa")
	who := p.c.Meta().Participant
	ctx := context.Background()
	// 1: damaged on the device (its bytes no longer match its hash).
	good1 := jpeg(5000, 4)
	h1 := client.BlobHash(good1)
	if err := p.local.Write(ctx, nil, map[string][]byte{h1: jpeg(5000, 5)}); err != nil {
		t.Fatal(err)
	}
	// 2: not an image: the server refuses it, 422.
	notImage := []byte("GIF89a, not what we take")
	if _, err := p.c.WritePhoto(ctx, notImage, photo(who)); err != nil {
		t.Fatal(err)
	}
	// 3: fine.
	good := jpeg(70000, 6)
	if _, err := p.c.WritePhoto(ctx, good, photo(who)); err != nil {
		t.Fatal(err)
	}
	p.sync(t)
	if !s.complete[client.BlobHash(good)] {
		t.Fatal("the good photo was not uploaded")
	}
	st := p.status(t)
	if st.Photos != 0 || len(st.BadPhotos) != 2 || st.Err != nil {
		t.Fatalf("Status() = %+v, want 2 bad photos, none waiting, no error", st)
	}
	if b := st.BadPhotos[0]; b.Hash != h1 || b.Code != "corrupt" {
		t.Errorf("bad photo %+v, want %s corrupt", b, h1)
	}
	if b := st.BadPhotos[1]; b.Hash != client.BlobHash(notImage) || b.Code != "invalid" || b.Message == "" {
		t.Errorf("bad photo %+v, want the server's 422", b)
	}
	if n := len(s.requests("PATCH", h1)); n != 0 {
		t.Errorf("the damaged photo was sent %d times", n)
	}
	// They are not tried again, until RetryPhotos.
	before := len(s.requests("PATCH", ""))
	p.sync(t)
	if n := len(s.requests("PATCH", "")); n != before {
		t.Fatalf("a second Sync sent %d PATCHes, want none", n-before)
	}
	if err := p.c.RetryPhotos(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.status(t); st.Photos != 2 {
		t.Fatalf("Status().Photos after RetryPhotos = %d, want 2", st.Photos)
	}
	p.sync(t)
	if n := len(s.requests("PATCH", "")); n != before+1 {
		t.Fatalf("RetryPhotos then Sync sent %d PATCHes, want the one not damaged", n-before)
	}
}

func TestConcurrentWrites(t *testing.T) {
	s := newFakeServer(t)
	fac := newFacilitator(t, s)
	p := newParticipant(t, s, "Léa")
	who := p.c.Meta().Participant
	ctx := context.Background()
	var wg sync.WaitGroup
	const writers, each = 4, 30
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := p.c.Write(ctx, noteChange(client.NewID(), who, fmt.Sprintf("w%d n%d", w, i))); err != nil {
					t.Error(err)
					return
				}
				p.clock.Add(time.Millisecond)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 10 {
			if err := p.c.Sync(ctx); err != nil {
				t.Error(err)
			}
			p.c.Status(ctx)
		}
	}()
	wg.Wait()
	p.sync(t)
	fac.sync(t)
	if got := len(fac.state(t).Of("note")); got != writers*each {
		t.Fatalf("facilitator sees %d notes, want %d", got, writers*each)
	}
	if a, b := fac.state(t).Changes(), p.state(t).Changes(); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("facilitator and participant differ")
	}
}

func TestCreateErrors(t *testing.T) {
	s := newFakeServer(t)
	newFacilitator(t, s)
	cfg, _, _ := config(client.NewMemory(), s)
	if _, err := client.Create(context.Background(), cfg, fakeURL, client.NewWorkshop{Title: "x"}); !errors.Is(err, client.ErrRateLimited) {
		t.Fatalf("Create() error = %v, want ErrRateLimited after retries", err)
	}
	if m, _ := cfg.Local.Meta(context.Background()); m.Workshop != "" {
		t.Fatalf("a failed Create saved %+v", m)
	}
	if _, err := client.Create(context.Background(), client.Config{}, fakeURL, client.NewWorkshop{}); err == nil {
		t.Fatal("Create() with no Local and Doer succeeded")
	}
}
