package simtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carnet/sync/client"
	"carnet/sync/replica"
)

// simClock is the simulation's time; each phone reads it with its skew.
type simClock struct{ ms atomic.Int64 }

type phoneClock struct {
	sim  *simClock
	skew atomic.Int64 // ms
}

func (c *phoneClock) Now() time.Time { return time.UnixMilli(c.sim.ms.Load() + c.skew.Load()) }

// simPhone is one device: a Client over a Memory, with its own clock.
type simPhone struct {
	name  string
	c     *client.Client
	cfg   client.Config
	local *client.Memory
	clock *phoneClock
	who   string // participant id; "" for the facilitator
	fac   bool
	// joinAt is the step from which the phone has network.
	joinAt int

	mu      sync.Mutex // guards written and c (restarts)
	written []replica.Change
}

func (p *simPhone) client() *client.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.c
}

type sim struct {
	t        *testing.T
	e        *env
	rng      *rand.Rand
	clock    *simClock
	phones   []*simPhone
	fac      *simPhone
	workshop string
	ballot   string
	budget   int
	cutting  bool

	syncErrs  atomic.Int64
	writeErrs atomic.Int64
	restarts  int
	rawPushes int
}

type simOptions struct {
	steps    int
	cut      float64 // chance a connection is cut
	maxBytes int     // cut within this many bytes
	pageSize int
}

func TestConverge(t *testing.T) {
	steps := 500
	if testing.Short() {
		steps = 150
	}
	runSim(t, simOptions{steps: steps, pageSize: 23})
}

func TestConvergeLong(t *testing.T) {
	if testing.Short() {
		t.Skip("slow simulation")
	}
	runSim(t, simOptions{steps: 1800, pageSize: 101})
}

func TestConvergeThroughCuts(t *testing.T) {
	steps := 400
	if testing.Short() {
		steps = 120
	}
	runSim(t, simOptions{steps: steps, cut: 0.5, maxBytes: 4000, pageSize: 29})
}

func TestConvergeThroughCutsLong(t *testing.T) {
	if testing.Short() {
		t.Skip("slow simulation")
	}
	runSim(t, simOptions{steps: 1500, cut: 0.5, maxBytes: 20000, pageSize: 200})
}

func newPhoneConfig(s *sim, local *client.Memory, ck *phoneClock) client.Config {
	cfg := client.Config{Local: local, Doer: s.e.doer(), Now: ck.Now}
	if s.cutting {
		// Few attempts, so that some Syncs give up and the next resumes.
		cfg.Attempts, cfg.Backoff, cfg.MaxBackoff = 1+s.rng.IntN(3), time.Millisecond, 10*time.Millisecond
	} else {
		cfg.Attempts = 1 // no network fault here: any failure is a bug
	}
	return cfg
}

func runSim(t *testing.T, o simOptions) {
	sd := seed(t)
	rng := rand.New(rand.NewPCG(sd, sd^0x9e3779b97f4a7c15))
	s := &sim{t: t, rng: rng, clock: &simClock{}, budget: 3, cutting: o.cut > 0}
	s.e = newEnv(t, rng, o.pageSize, func() time.Time { return time.UnixMilli(s.clock.ms.Load()) })
	s.clock.ms.Store(time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC).UnixMilli())
	ctx := context.Background()

	// The facilitator creates the workshop (before any cut) and its
	// ballot and threads.
	fck := &phoneClock{sim: s.clock}
	fl := client.NewMemory()
	fcfg := newPhoneConfig(s, fl, fck)
	fc, err := client.Create(ctx, fcfg, s.e.proxy.URL(), client.NewWorkshop{Title: "Atelier Toulon", Locale: "fr"})
	if err != nil {
		t.Fatalf("Create() = %v", err)
	}
	s.fac = &simPhone{name: "facilitator", c: fc, cfg: fcfg, local: fl, clock: fck, fac: true}
	s.phones = append(s.phones, s.fac)
	s.workshop = fc.Meta().Workshop
	s.ballot = client.NewID()
	s.write(s.fac, replica.Change{Record: s.ballot, Kind: "ballot", Fields: map[string]json.RawMessage{
		"title": js("Quels fils ?"), "budget": js(s.budget), "target_kind": js("thread"), "open": js(true)}})
	for i := range 3 {
		s.write(s.fac, replica.Change{Record: client.NewID(), Kind: "thread", Fields: map[string]json.RawMessage{
			"title": js(fmt.Sprintf("Fil %d", i)), "position": js(i)}})
	}
	if err := fc.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	// Participants join offline, with skewed clocks; one has two phones;
	// two get network late.
	skews := []time.Duration{3 * time.Hour, -2 * time.Hour, 30 * time.Minute, -5 * time.Hour, 0, 90 * time.Second}
	names := []string{"Léa", "Marc", "Yasmine", "Théo", "Léa (tablette)"}
	for i, name := range names {
		ck := &phoneClock{sim: s.clock}
		ck.skew.Store(skews[i].Milliseconds())
		l := client.NewMemory()
		cfg := newPhoneConfig(s, l, ck)
		inv := client.Invite{Server: s.e.proxy.URL(), Workshop: s.workshop, JoinCode: fc.Meta().JoinCode, Name: name}
		if i == 4 {
			inv = s.phones[1].client().Invite() // Léa's second phone
		}
		c, err := client.Join(ctx, cfg, inv)
		if err != nil {
			t.Fatalf("Join(%s) = %v", name, err)
		}
		p := &simPhone{name: name, c: c, cfg: cfg, local: l, clock: ck, who: c.Meta().Participant}
		if i >= 3 {
			p.joinAt = o.steps / 3
		}
		s.phones = append(s.phones, p)
	}
	fck.skew.Store(skews[5].Milliseconds())

	s.e.proxy.cut(o.cut, max(o.maxBytes, 1))

	for step := range o.steps {
		s.clock.ms.Add(int64(s.rng.IntN(3000)))
		p := s.phones[s.rng.IntN(len(s.phones))]
		switch x := s.rng.IntN(100); {
		case x < 45:
			s.act(p, s.rng)
		case x < 78:
			if step >= p.joinAt {
				s.sync(p)
			}
		case x < 82:
			s.restart(p)
		case x < 85:
			p.clock.skew.Add(int64(s.rng.IntN(4*3600_000)) - 2*3600_000)
		case x < 92:
			s.rawPush(p)
		default:
			s.burst(step)
		}
	}

	s.converge()
	s.check()

	l := s.e.ledger
	t.Logf("%d steps, %d phones: %d pushes (%d answered), %d changes sent, %d accepted, %d field rejections; %d local write refusals, %d failed syncs, %d restarts, %d raw pushes; proxy: %d connections, %d cut, %d bytes",
		o.steps, len(s.phones), l.pushes, l.answers, len(l.sent), len(l.accepted), l.rejected, s.writeErrs.Load(), s.syncErrs.Load(), s.restarts, s.rawPushes,
		s.e.proxy.conns.Load(), s.e.proxy.cuts.Load(), s.e.proxy.bytes.Load())
	if !s.cutting {
		s.checkNoopSize()
	}
}

func js(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func (s *sim) write(p *simPhone, changes ...replica.Change) error {
	c := p.client()
	out, err := c.Write(context.Background(), changes...)
	if err != nil {
		if !errors.Is(err, client.ErrForbidden) && !errors.Is(err, client.ErrInvalid) {
			s.t.Errorf("%s: Write() = %v", p.name, err)
		}
		s.writeErrs.Add(1)
		return err
	}
	p.mu.Lock()
	p.written = append(p.written, out...)
	p.mu.Unlock()
	return nil
}

func (s *sim) sync(p *simPhone) {
	if err := p.client().Sync(context.Background()); err != nil {
		if !s.cutting || !errors.Is(err, client.ErrNetwork) {
			s.t.Errorf("%s: Sync() = %v", p.name, err)
		}
		s.syncErrs.Add(1)
	}
}

// restart is the app closed and opened again: a new Client on the same
// storage.
func (s *sim) restart(p *simPhone) {
	c, err := client.Open(context.Background(), p.cfg)
	if err != nil {
		s.t.Fatalf("%s: Open() = %v", p.name, err)
	}
	p.mu.Lock()
	p.c = c
	p.mu.Unlock()
	s.restarts++
}

var words = strings.Fields("ressaisie bons de livraison données portuaires irritant souhait quai escale navire capitainerie " +
	"marina amarrage capteur tableau fil gommette 🚢 ⚓ é è ç « » zone industrielle énergie coûts bénéfices")

func sentence(rng *rand.Rand) string {
	n := 1 + rng.IntN(12)
	if rng.IntN(20) == 0 {
		n = 150 // a long one, for chunking
	}
	w := make([]string, n)
	for i := range w {
		w[i] = words[rng.IntN(len(words))]
	}
	return strings.Join(w, " ")
}

func pick[T any](rng *rand.Rand, l []T) T { return l[rng.IntN(len(l))] }

// act makes one random change on p, as its user would from what p shows.
func (s *sim) act(p *simPhone, rng *rand.Rand) {
	st, err := p.client().State(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	var mine []*replica.Record
	for _, r := range st.Records {
		if r.Kind == "note" && (p.fac || r.String("author") == p.who) {
			mine = append(mine, r)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].ID < mine[j].ID })
	threads := st.Of("thread")
	var participants []string
	for _, r := range st.Of("participant") {
		participants = append(participants, r.ID)
	}

	switch x := rng.IntN(100); {
	case x < 30 || len(mine) == 0: // a new note
		author := p.who
		if p.fac {
			if len(participants) == 0 {
				return
			}
			author = pick(rng, participants)
		}
		f := map[string]json.RawMessage{"text": js(sentence(rng)), "color": js(pick(rng, replica.Colors)), "author": js(author)}
		if rng.IntN(2) == 0 {
			f["x"], f["y"] = js(rng.Float64()*1000), js(rng.IntN(800))
		}
		s.write(p, replica.Change{Record: client.NewID(), Kind: "note", Fields: f})
	case x < 55: // edit one or two fields
		n := pick(rng, mine)
		edits := []replica.Change{
			{Record: n.ID, Kind: "note", Field: "text", Value: js(sentence(rng))},
			{Record: n.ID, Kind: "note", Field: "color", Value: js(pick(rng, replica.Colors))},
			{Record: n.ID, Kind: "note", Fields: map[string]json.RawMessage{"x": js(rng.IntN(1000)), "y": js(rng.IntN(1000))}},
		}
		if len(threads) > 0 {
			edits = append(edits, replica.Change{Record: n.ID, Kind: "note", Field: "thread", Value: js(pick(rng, threads).ID)})
		}
		s.write(p, pick(rng, edits))
	case x < 63: // delete, sometimes undelete
		n := pick(rng, mine)
		s.write(p, replica.Change{Record: n.ID, Kind: "note", Field: "deleted", Value: js(rng.IntN(5) != 0)})
	case x < 85 && !p.fac: // a sticker on the ballot
		if st.Record(s.ballot) == nil {
			return
		}
		target := ""
		if len(threads) > 0 && rng.IntN(4) != 0 {
			target = pick(rng, threads).ID
		}
		slot := rng.IntN(s.budget)
		ch := replica.Change{Record: replica.VoteID(s.ballot, p.who, slot), Kind: "vote", Fields: map[string]json.RawMessage{
			"ballot": js(s.ballot), "voter": js(p.who), "slot": js(slot), "target": js(target)}}
		if rng.IntN(6) == 0 {
			ch.Fields["deleted"] = js(true)
		}
		s.write(p, ch) // refused on the device when the ballot shows closed
	case p.fac && x < 75: // open or close the ballot
		b := st.Record(s.ballot)
		s.write(p, replica.Change{Record: s.ballot, Kind: "ballot", Field: "open", Value: js(b == nil || !b.Bool("open"))})
	case p.fac: // threads
		if len(threads) == 0 || rng.IntN(3) == 0 {
			s.write(p, replica.Change{Record: client.NewID(), Kind: "thread", Fields: map[string]json.RawMessage{
				"title": js(sentence(rng)), "position": js(rng.Float64())}})
		} else {
			s.write(p, replica.Change{Record: pick(rng, threads).ID, Kind: "thread", Field: "selected", Value: js(rng.IntN(2) == 0)})
		}
	default: // a participant renames itself
		s.write(p, replica.Change{Record: p.who, Kind: "participant", Field: "role", Value: js(sentence(rng))})
	}
}

// rawPush sends straight to the server (through the proxy) a batch of
// changes p wrote before: shuffled, some twice, grouped or not.
func (s *sim) rawPush(p *simPhone) {
	m := p.client().Meta()
	p.mu.Lock()
	written := append([]replica.Change(nil), p.written...)
	p.mu.Unlock()
	if m.Token == "" || len(written) == 0 {
		return
	}
	var batch []replica.Change
	for range 1 + s.rng.IntN(30) {
		c := pick(s.rng, written)
		if s.rng.IntN(2) == 0 {
			batch = append(batch, c.Split()...)
		} else {
			batch = append(batch, c)
		}
	}
	s.rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
	since := ""
	if s.rng.IntN(2) == 0 {
		since = m.Cursor
	}
	body, err := json.Marshal(map[string]any{"replica": m.Replica, "since": since, "changes": batch, "grouped": s.rng.IntN(2) == 0})
	if err != nil {
		s.t.Fatal(err)
	}
	req := &client.Request{Method: "POST", URL: s.e.proxy.URL() + "/api/v1/workshops/" + s.workshop + "/sync",
		Header: map[string]string{"Authorization": "Bearer " + m.Token, "Content-Type": "application/json"}, Body: body}
	if s.rng.IntN(2) == 0 {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(body)
		w.Close()
		req.Body, req.Header["Content-Encoding"] = z.Bytes(), "gzip"
	}
	resp, err := p.cfg.Doer.Do(context.Background(), req)
	s.rawPushes++
	switch {
	case err != nil && s.cutting:
	case err != nil:
		s.t.Errorf("raw push: %v", err)
	case resp.Status != 200:
		s.t.Errorf("raw push: %d %s", resp.Status, resp.Body)
	}
}

// burst runs a few phones at once: writes and syncs that overlap.
func (s *sim) burst(step int) {
	var wg sync.WaitGroup
	n := 2 + s.rng.IntN(3)
	for _, i := range s.rng.Perm(len(s.phones))[:n] {
		p := s.phones[i]
		rng := rand.New(rand.NewPCG(s.rng.Uint64(), s.rng.Uint64()))
		online := step >= p.joinAt
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.act(p, rng)
			var inner sync.WaitGroup
			if online {
				inner.Add(1)
				go func() { defer inner.Done(); s.sync(p) }()
			}
			s.act(p, rng) // while it syncs
			inner.Wait()
		}()
	}
	wg.Wait()
}

// converge syncs every phone until nothing waits and a whole round went
// without error, then once more so that each pulls the others' last.
func (s *sim) converge() {
	ctx := context.Background()
	for round := 0; ; round++ {
		if round > 200 {
			s.t.Fatalf("no convergence after %d rounds", round)
		}
		clean := true
		for _, p := range s.phones {
			if err := p.client().Sync(ctx); err != nil {
				if !s.cutting {
					s.t.Fatalf("%s: Sync() = %v", p.name, err)
				}
				clean = false
			}
			st, err := p.client().Status(ctx)
			if err != nil {
				s.t.Fatal(err)
			}
			if st.Changes > 0 || !st.Joined {
				clean = false
			}
		}
		if clean {
			break
		}
	}
	// One more round, each Sync retried until it goes through.
	for _, p := range s.phones {
		for i := 0; ; i++ {
			err := p.client().Sync(ctx)
			if err == nil {
				break
			}
			if !s.cutting || i > 50 {
				s.t.Fatalf("%s: Sync() = %v", p.name, err)
			}
		}
	}
}

func (s *sim) check() {
	t := s.t
	ctx := context.Background()
	server := s.e.serverChanges(s.workshop, s.fac.client().Meta().Token)
	want := replica.NewState()
	for _, c := range server {
		if _, err := want.Apply(c); err != nil {
			t.Fatalf("server state: %v", err)
		}
	}
	wantText := fmt.Sprint(want.Changes())

	// 1. Every phone holds the server's state.
	for _, p := range s.phones {
		got, err := p.client().State(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if g := fmt.Sprint(got.Changes()); g != wantText {
			t.Errorf("%s's state differs from the server's:\n%s", p.name, diff(got, want))
		}
		if st, _ := p.client().Status(ctx); st.Changes != 0 || st.Err != nil {
			t.Errorf("%s: Status() = %+v, want nothing waiting, no error", p.name, st)
		}
	}

	// 2. The server's state is the merge of what it answered it accepted
	// (plus what it made itself): exactly, when no answer was lost; when
	// some were, at least that, and nothing that was never sent.
	l := s.e.ledger
	l.mu.Lock()
	for _, e := range l.errs {
		t.Error(e)
	}
	accepted := append([]replica.Change(nil), l.accepted...)
	sent := map[string]bool{}
	for _, c := range l.sent {
		sent[key(c)] = true
	}
	l.mu.Unlock()
	merged := replica.NewState()
	for _, c := range server {
		if c.Clock.Replica() == s.e.replica {
			merged.Apply(c)
		}
	}
	for _, c := range accepted {
		merged.Apply(c)
	}
	if !s.cutting {
		if g := fmt.Sprint(merged.Changes()); g != wantText {
			t.Errorf("the server's state is not the merge of the changes it accepted:\n%s", diff(merged, want))
		}
	} else {
		for _, c := range accepted {
			if !has(want, c) {
				t.Errorf("accepted change %s is lost: the server has %v", show(c), want.Record(c.Record))
			}
		}
		for _, c := range server {
			if c.Clock.Replica() != s.e.replica && !sent[key(c)] {
				t.Errorf("the server holds %s, which no one sent", show(c))
			}
		}
	}

	// 3. Nothing a phone wrote is lost: each field is on the server (or
	// lost to a later change), or the phone lists it as refused.
	for _, p := range s.phones {
		refused := map[string]bool{}
		for _, r := range p.client().Meta().Rejected {
			for _, one := range r.Change.Split() {
				if r.Field == "" || r.Field == one.Field {
					refused[key(one)] = true
				}
			}
		}
		p.mu.Lock()
		for _, c := range p.written {
			for _, one := range c.Split() {
				if !has(want, one) && !refused[key(one)] {
					t.Errorf("%s wrote %s: not on the server, not refused", p.name, show(one))
				}
			}
		}
		p.mu.Unlock()
	}

	// 4. No one holds more stickers than the budget, and every vote
	// record is where its ballot, voter and slot say.
	per := map[string]int{}
	for _, r := range want.Records {
		if r.Kind != "vote" {
			continue
		}
		b, v, slot := r.String("ballot"), r.String("voter"), int(r.Int("slot", -1))
		if r.ID != replica.VoteID(b, v, slot) || slot < 0 || slot >= s.budget {
			t.Errorf("vote %s: ballot %s voter %s slot %d does not match", r.ID, b, v, slot)
		}
		if !r.Deleted() && r.String("target") != "" {
			per[v]++
		}
	}
	for v, n := range per {
		if n > s.budget {
			t.Errorf("voter %s has %d stickers, budget %d", v, n, s.budget)
		}
	}
	votes := 0
	for _, r := range want.Records {
		if r.Kind == "vote" {
			votes++
		}
	}
	t.Logf("final state: %d records, %d fields, %d notes, %d vote records, %d live stickers", len(want.Records), len(server), len(want.Of("note")), votes, sum(per))
}

// checkNoopSize measures a sync with nothing to do, on the wire.
func (s *sim) checkNoopSize() {
	p := s.phones[1]
	s.sync(p) // the connection is open and the state up to date
	before := s.e.proxy.bytes.Load()
	s.sync(p)
	n := s.e.proxy.bytes.Load() - before
	s.t.Logf("a sync with nothing to do: %d bytes on the wire, request and answer", n)
	if n > 550 {
		s.t.Errorf("a no-op sync costs %d bytes on the wire, want about 500 at most", n)
	}
}

func show(c replica.Change) string {
	if c.Fields != nil {
		b, _ := json.Marshal(c.Fields)
		return fmt.Sprintf("%s %s %s @%s", c.Kind, c.Record, b, c.Clock)
	}
	return fmt.Sprintf("%s %s.%s=%s @%s", c.Kind, c.Record, c.Field, c.Value, c.Clock)
}

func sum(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}

func key(c replica.Change) string {
	return c.Record + "/" + c.Field + "/" + string(c.Clock) + "/" + string(c.Value)
}

// has reports whether state holds c or something that beats it.
func has(s *replica.State, c replica.Change) bool {
	r := s.Record(c.Record)
	if r == nil {
		return false
	}
	v, ok := r.Fields[c.Field]
	return ok && !replica.Wins(c.Clock, c.Value, v.Clock, v.Value) && (v.Clock != c.Clock || bytes.Equal(v.Value, c.Value))
}

// diff lists the first differing fields of two states.
func diff(got, want *replica.State) string {
	var out []string
	seen := map[string]bool{}
	for _, st := range []*replica.State{got, want} {
		for id := range st.Records {
			if seen[id] {
				continue
			}
			seen[id] = true
			a, b := got.Record(id), want.Record(id)
			if a == nil || b == nil {
				out = append(out, fmt.Sprintf("record %s: got %v, want %v", id, a, b))
				continue
			}
			for f := range mergeKeys(a.Fields, b.Fields) {
				if fmt.Sprint(a.Fields[f]) != fmt.Sprint(b.Fields[f]) {
					out = append(out, fmt.Sprintf("%s %s.%s: got %s@%s, want %s@%s", a.Kind, id, f, a.Fields[f].Value, a.Fields[f].Clock, b.Fields[f].Value, b.Fields[f].Clock))
				}
			}
		}
	}
	sort.Strings(out)
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("... %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}

func mergeKeys(a, b map[string]replica.Value) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}
