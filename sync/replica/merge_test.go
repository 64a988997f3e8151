package replica

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

const rec = "0193b1c2-1111-7000-8000-000000000001"

func ch(field, value string, c Clock) Change {
	return Change{Record: rec, Kind: "note", Field: field, Value: json.RawMessage(value), Clock: c}
}

func TestMergeTable(t *testing.T) {
	c1, c2 := MakeClock(1, 0, r1), MakeClock(2, 0, r1)
	tests := []struct {
		name    string
		changes []Change
		want    string // the text field
	}{
		{"later clock wins", []Change{ch("text", `"a"`, c1), ch("text", `"b"`, c2)}, `"b"`},
		{"order does not matter", []Change{ch("text", `"b"`, c2), ch("text", `"a"`, c1)}, `"b"`},
		{"equal clocks: greater bytes", []Change{ch("text", `"b"`, c1), ch("text", `"a"`, c1)}, `"b"`},
		{"equal clocks, other order", []Change{ch("text", `"a"`, c1), ch("text", `"b"`, c1)}, `"b"`},
		{"replica breaks a tie of time", []Change{ch("text", `"x"`, MakeClock(1, 0, r2)), ch("text", `"y"`, MakeClock(1, 0, r1))}, `"x"`},
		{"twice is once", []Change{ch("text", `"a"`, c1), ch("text", `"a"`, c1)}, `"a"`},
	}
	for _, tt := range tests {
		s := NewState()
		for _, c := range tt.changes {
			if _, err := s.Apply(c); err != nil {
				t.Fatal(err)
			}
		}
		if got := string(s.Record(rec).Raw("text")); got != tt.want {
			t.Errorf("%s: text = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestMergeReportsWinners(t *testing.T) {
	s := NewState()
	won, _ := s.Apply(Change{Record: rec, Kind: "note", Clock: MakeClock(5, 0, r1), Fields: map[string]json.RawMessage{"text": json.RawMessage(`"a"`), "color": json.RawMessage(`"wish"`)}})
	if len(won) != 2 {
		t.Fatalf("Apply(grouped) won %d, want 2", len(won))
	}
	won, _ = s.Apply(ch("text", `"old"`, MakeClock(4, 0, r1)))
	if len(won) != 0 {
		t.Fatalf("Apply(older) won %v, want none", won)
	}
	if _, err := s.Apply(Change{Record: rec, Kind: "photo", Field: "caption", Value: json.RawMessage(`"x"`), Clock: MakeClock(9, 0, r1)}); err == nil {
		t.Fatal("Apply(other kind) succeeded, want ErrKind")
	}
}

func TestTombstone(t *testing.T) {
	s := NewState()
	s.Apply(ch("text", `"a"`, MakeClock(1, 0, r1)))
	s.Apply(ch("deleted", `true`, MakeClock(2, 0, r1)))
	s.Apply(ch("text", `"late edit"`, MakeClock(3, 0, r2)))
	r := s.Record(rec)
	if !r.Deleted() {
		t.Fatal("a later edit of another field revived a deleted record")
	}
	if len(s.Of("note")) != 0 {
		t.Fatal("Of(note) lists a deleted note")
	}
}

func TestGroupUngroup(t *testing.T) {
	c := MakeClock(7, 0, r1)
	single := []Change{ch("text", `"a"`, c), ch("color", `"wish"`, c), ch("x", `1`, MakeClock(8, 0, r1))}
	g := Group(single)
	if len(g) != 2 || len(g[0].Fields) != 2 || len(g[1].Fields) != 1 {
		t.Fatalf("Group() = %+v", g)
	}
	back := Ungroup(g)
	a, b := NewState(), NewState()
	for _, x := range single {
		a.Apply(x)
	}
	for _, x := range back {
		b.Apply(x)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Ungroup(Group(x)) merges to another state than x")
	}
}

// randomChanges makes n changes over a few records and fields, with clocks
// of several replicas whose wall clocks are skewed, and some equal clocks
// with different values.
func randomChanges(rng *rand.Rand, n int) []Change {
	records := []string{rec, "0193b1c2-1111-7000-8000-000000000002", "0193b1c2-1111-7000-8000-000000000003"}
	fields := []string{"text", "color", "x", "deleted", "thread"}
	replicas := []string{r1, r2, "0193b1c2-0000-7000-8000-000000000003"}
	out := make([]Change, n)
	for i := range out {
		f := fields[rng.IntN(len(fields))]
		var v string
		switch f {
		case "deleted":
			v = fmt.Sprint(rng.IntN(2) == 0)
		case "x":
			v = fmt.Sprint(rng.IntN(5))
		default:
			v = fmt.Sprintf("%q", fmt.Sprint("v", rng.IntN(4)))
		}
		out[i] = Change{Record: records[rng.IntN(len(records))], Kind: "note", Field: f,
			Value: json.RawMessage(v), Clock: MakeClock(int64(1000+rng.IntN(20)), rng.IntN(3), replicas[rng.IntN(len(replicas))])}
	}
	return out
}

func merge(changes []Change) *State {
	s := NewState()
	for _, c := range changes {
		s.Apply(c)
	}
	return s
}

// TestMergeConverges is the property the whole design stands on: any
// order of any changes, each applied any number of times, in any grouping,
// gives the same state.
func TestMergeConverges(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	for round := 0; round < 300; round++ {
		changes := randomChanges(rng, 1+rng.IntN(60))
		want := merge(changes)
		for k := 0; k < 5; k++ {
			shuffled := append([]Change(nil), changes...)
			// Repeat some changes.
			for i := rng.IntN(len(changes) + 1); i > 0; i-- {
				shuffled = append(shuffled, changes[rng.IntN(len(changes))])
			}
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			if k%2 == 1 {
				shuffled = Group(shuffled)
			}
			got := merge(shuffled)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d round %d: merge depends on order or repetition", seed, round)
			}
			// Merging states (as a replica does when it pulls) gives the same.
			half := len(shuffled) / 2
			a := merge(shuffled[:half])
			for _, c := range merge(shuffled[half:]).Changes() {
				a.Apply(c)
			}
			if !reflect.DeepEqual(a, want) {
				t.Fatalf("seed %d round %d: merging two states differs from merging all changes", seed, round)
			}
		}
	}
}

// FuzzMerge checks that the merge of two changes on the same field is
// commutative and idempotent, whatever their clocks and values.
func FuzzMerge(f *testing.F) {
	f.Add(int64(1), 0, `"a"`, int64(1), 0, `"b"`, true)
	f.Add(int64(5), 3, `1`, int64(5), 3, `1`, false)
	f.Fuzz(func(t *testing.T, ms1 int64, c1 int, v1 string, ms2 int64, c2 int, v2 string, sameReplica bool) {
		if ms1 < 0 || ms2 < 0 || ms1 > maxMillis || ms2 > maxMillis || c1 < 0 || c2 < 0 || c1 > 9999 || c2 > 9999 {
			return
		}
		if !json.Valid([]byte(v1)) || !json.Valid([]byte(v2)) {
			return
		}
		rb := r2
		if sameReplica {
			rb = r1
		}
		a := ch("text", v1, MakeClock(ms1, c1, r1))
		b := ch("text", v2, MakeClock(ms2, c2, rb))
		ab, ba, aab := merge([]Change{a, b}), merge([]Change{b, a}), merge([]Change{a, b, a, b})
		if !reflect.DeepEqual(ab, ba) {
			t.Fatalf("merge is not commutative: %s vs %s", ab.Record(rec).Raw("text"), ba.Record(rec).Raw("text"))
		}
		if !reflect.DeepEqual(ab, aab) {
			t.Fatal("merge is not idempotent")
		}
	})
}
