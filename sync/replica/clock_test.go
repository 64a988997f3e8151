package replica

import (
	"errors"
	"sort"
	"testing"
)

const r1 = "0193b1c2-0000-7000-8000-000000000001"
const r2 = "0193b1c2-0000-7000-8000-000000000002"

func TestParseClock(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"1764288000123.0002@" + r1, true},
		{"0000000000000.0000@" + r1, true},
		{"9999999999999.9999@" + r2, true},
		{"", false},
		{"1764288000123.0002", false},
		{"176428800012.00002@" + r1, false},
		{"1764288000123-0002@" + r1, false},
		{"1764288000123.0002#" + r1, false},
		{"1764288000123.00a2@" + r1, false},
		{"17642880001x3.0002@" + r1, false},
		{"1764288000123.0002@0193B1C2-0000-7000-8000-000000000001", false}, // uppercase
		{"1764288000123.0002@{0193b1c2-0000-7000-8000-00000000001}", false},
		{"1764288000123.0002@" + r1 + "x", false},
	}
	for _, tt := range tests {
		c, err := ParseClock(tt.in)
		if tt.ok != (err == nil) {
			t.Errorf("ParseClock(%q) error = %v, want ok %v", tt.in, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrClock) {
			t.Errorf("ParseClock(%q) error %v does not wrap ErrClock", tt.in, err)
		}
		if err == nil && string(c) != tt.in {
			t.Errorf("ParseClock(%q) = %q", tt.in, c)
		}
	}
}

func TestClockParts(t *testing.T) {
	c := MakeClock(1764288000123, 2, r1)
	if got, want := string(c), "1764288000123.0002@"+r1; got != want {
		t.Fatalf("MakeClock() = %q, want %q", got, want)
	}
	if c.Millis() != 1764288000123 || c.Counter() != 2 || c.Replica() != r1 {
		t.Fatalf("parts of %q = %d %d %s", c, c.Millis(), c.Counter(), c.Replica())
	}
}

func TestClockOrderIsStringOrder(t *testing.T) {
	clocks := []Clock{
		MakeClock(2, 0, r1), MakeClock(1, 9999, r2), MakeClock(1, 10, r1),
		MakeClock(1, 10, r2), MakeClock(1000000000000, 0, r1), MakeClock(1, 9, r2),
	}
	sort.Slice(clocks, func(i, j int) bool { return clocks[i] < clocks[j] })
	for i := 1; i < len(clocks); i++ {
		a, b := clocks[i-1], clocks[i]
		if a.Millis() > b.Millis() || (a.Millis() == b.Millis() && a.Counter() > b.Counter()) ||
			(a.Millis() == b.Millis() && a.Counter() == b.Counter() && a.Replica() >= b.Replica()) {
			t.Fatalf("string order puts %s before %s", a, b)
		}
	}
}

func TestHLC(t *testing.T) {
	wall := int64(1000)
	h := NewHLC(r1, func() int64 { return wall })
	steps := []struct {
		name    string
		do      func() Clock
		ms, cnt int64
	}{
		{"first", h.Next, 1000, 0},
		{"same ms bumps counter", h.Next, 1000, 1},
		{"wall moves", func() Clock { wall = 1005; return h.Next() }, 1005, 0},
		{"wall goes back: stays", func() Clock { wall = 900; return h.Next() }, 1005, 1},
		{"observe the future", func() Clock { h.Observe(MakeClock(5000, 7, r2)); return h.Next() }, 5000, 8},
		{"observe the past: no effect", func() Clock { h.Observe(MakeClock(10, 9999, r2)); return h.Next() }, 5000, 9},
		{"counter overflow moves a millisecond", func() Clock { h.Observe(MakeClock(6000, 9999, r2)); return h.Next() }, 6001, 0},
	}
	var prev Clock
	for _, s := range steps {
		c := s.do()
		if c.Millis() != s.ms || int64(c.Counter()) != s.cnt || c.Replica() != r1 {
			t.Fatalf("%s: Next() = %s, want ms %d counter %d", s.name, c, s.ms, s.cnt)
		}
		if c <= prev {
			t.Fatalf("%s: Next() = %s, not after %s", s.name, c, prev)
		}
		if _, err := ParseClock(string(c)); err != nil {
			t.Fatalf("%s: Next() = %s is malformed: %v", s.name, c, err)
		}
		prev = c
	}
	if got := h.Last(); got != prev {
		t.Fatalf("Last() = %s, want %s", got, prev)
	}
	// A restored replica continues after its last clock.
	h2 := NewHLC(r1, func() int64 { return 0 })
	h2.Observe(prev)
	if c := h2.Next(); c <= prev {
		t.Fatalf("restored Next() = %s, not after %s", c, prev)
	}
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"1764288000123.0002@" + r1, "", "x", "0000000000000.0000@" + r2} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseClock(s)
		if err != nil {
			return
		}
		if string(c) != s {
			t.Fatalf("ParseClock(%q) = %q", s, c)
		}
		if MakeClock(c.Millis(), c.Counter(), c.Replica()) != c {
			t.Fatalf("parts of %q do not rebuild it", s)
		}
	})
}
