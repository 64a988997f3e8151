package storetest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"carnet/sync/replica"
)

// testConcurrentApply runs many Applys on one workshop at once. Each check
// reads a counter and writes it plus one: if two checks ever saw the same
// stored state, or a write were lost, the counter would fall short.
func testConcurrentApply(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	counter := id(200)
	const workers, each = 8, 10
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		cursors = map[int64]bool{}
	)
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				note := id(1000 + g*each + i)
				c, err := s.Apply(t.Context(), w, func(lookup replica.Lookup) ([]replica.Change, error) {
					r, err := lookup(counter)
					if err != nil {
						return nil, err
					}
					n := r.Int("n", 0) // r may be nil: Int says 0
					return []replica.Change{
						set(counter, "thread", "n", strconv.FormatInt(n+1, 10), clk(n+1)),
						set(note, "note", "text", text(fmt.Sprintf("note %d by %d", i, g)), clk(1)),
					}, nil
				})
				if err != nil {
					t.Errorf("Apply() = %v", err)
					return
				}
				mu.Lock()
				if cursors[c] {
					t.Errorf("two Applys that both won returned cursor %d", c)
				}
				cursors[c] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	got := all(t, s, w)
	var n string
	notes := 0
	for _, c := range got {
		switch c.Record {
		case counter:
			n = string(c.Value)
		default:
			notes++
		}
	}
	if want := strconv.Itoa(workers * each); n != want || notes != workers*each {
		t.Fatalf("after %d concurrent Applys: counter %s and %d notes, want %s and %d", workers*each, n, notes, want, workers*each)
	}
}

// testConcurrentReaders reads pages while writers write: every reader's
// cursor only grows, and a reader that catches up at the end holds exactly
// the store's state.
func testConcurrentReaders(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	w := workshop(t, s)
	const writers, batches, readers = 2, 15, 3
	done := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				var batch []replica.Change
				for i := 0; i < 5; i++ {
					// Records shared by the writers, fields overwritten.
					rec := id(300 + (b+i)%7)
					batch = append(batch, set(rec, "note", "f"+strconv.Itoa(i%3), strconv.Itoa(g*1000+b*10+i), replica.MakeClock(epoch+int64(b), i, replicaA)))
				}
				if _, err := s.Apply(t.Context(), w, accept(batch...)); err != nil {
					t.Errorf("Apply() = %v", err)
					return
				}
			}
		}()
	}
	states := make([]*replica.State, readers)
	var rg sync.WaitGroup
	for r := 0; r < readers; r++ {
		rg.Add(1)
		go func() {
			defer rg.Done()
			st := replica.NewState()
			var c int64
			pull := func() bool {
				for {
					p, err := s.Changes(t.Context(), w, c, 1+r*3)
					if err != nil {
						t.Errorf("Changes() = %v", err)
						return false
					}
					if p.Cursor < c {
						t.Errorf("Changes(%d) = cursor %d: it went back", c, p.Cursor)
						return false
					}
					for _, ch := range p.Changes {
						if _, err := st.Apply(ch); err != nil {
							t.Errorf("State.Apply(%+v) = %v", ch, err)
							return false
						}
					}
					c = p.Cursor
					if !p.More {
						return true
					}
				}
			}
			for {
				select {
				case <-done:
					pull()
					states[r] = st
					return
				default:
					if !pull() {
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	rg.Wait()
	if t.Failed() {
		return
	}
	want := all(t, s, w)
	for r, st := range states {
		sameSet(t, fmt.Sprintf("reader %d's state", r), st.Changes(), want)
	}
}

// testConverge is a property test: random changes, in random batches and
// order, some applied twice, leave the store in the state the merge rule
// gives for the set of them, and a client that pulls between batches, with
// small pages, ends with that state too.
func testConverge(t *testing.T, h *harness) {
	s, _ := h.fresh(t)
	kinds := []string{"note", "thread", "vote"}
	fields := []string{"text", "color", "deleted"}
	values := []string{`"a"`, `"b"`, `true`, `12`, `{"k":[1,2]}`}
	replicas := []string{replicaA, replicaB}
	for seed := uint64(1); seed <= 12; seed++ {
		rnd := rand.New(rand.NewPCG(seed, seed*7))
		w := workshop(t, s)
		var changes []replica.Change
		for i := 0; i < 40; i++ {
			r := rnd.IntN(4)
			changes = append(changes, set(id(400+r), kinds[r%len(kinds)], fields[rnd.IntN(len(fields))],
				values[rnd.IntN(len(values))],
				replica.MakeClock(epoch+int64(rnd.IntN(4)), rnd.IntN(2), replicas[rnd.IntN(2)])))
		}
		want := replica.NewState()
		for _, c := range changes {
			if _, err := want.Apply(c); err != nil {
				t.Fatalf("State.Apply() = %v", err)
			}
		}

		client := replica.NewState()
		var c int64
		pull := func() {
			for {
				p, err := s.Changes(ctx(t), w, c, 1+rnd.IntN(5))
				if err != nil {
					t.Fatalf("Changes() = %v", err)
				}
				for _, ch := range p.Changes {
					client.Apply(ch)
				}
				c = p.Cursor
				if !p.More {
					return
				}
			}
		}
		order := rnd.Perm(len(changes))
		for len(order) > 0 {
			n := 1 + rnd.IntN(8)
			if n > len(order) {
				n = len(order)
			}
			var batch []replica.Change
			for _, i := range order[:n] {
				batch = append(batch, changes[i])
			}
			if rnd.IntN(3) == 0 && len(changes) > 0 { // a retry of an old change
				batch = append(batch, changes[rnd.IntN(len(changes))])
			}
			apply(t, s, w, batch...)
			order = order[n:]
			if rnd.IntN(2) == 0 {
				pull()
			}
		}
		pull()
		sameSet(t, fmt.Sprintf("seed %d: Changes(0)", seed), all(t, s, w), want.Changes())
		sameSet(t, fmt.Sprintf("seed %d: a pulling client's state", seed), client.Changes(), want.Changes())
		if t.Failed() {
			return
		}
	}
}
