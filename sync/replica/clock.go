package replica

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Clock is a hybrid logical clock in its text form
// "<unix ms, 13 digits>.<counter, 4 digits>@<replica UUID>". Two well-formed
// clocks compare as strings in time order, then counter, then replica.
type Clock string

// ErrClock reports a malformed clock.
var ErrClock = errors.New("malformed clock")

const clockPrefix = len("1764288000123.0002@")

// ParseClock checks that s is a well-formed clock and returns it.
// The error wraps ErrClock and says what is wrong.
func ParseClock(s string) (Clock, error) {
	if len(s) != clockPrefix+36 {
		return "", fmt.Errorf("%w %q: want <13-digit ms>.<4-digit counter>@<replica uuid>", ErrClock, truncate(s, 80))
	}
	for i := 0; i < 13; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", fmt.Errorf("%w %q: milliseconds must be 13 digits", ErrClock, s)
		}
	}
	if s[13] != '.' || s[18] != '@' {
		return "", fmt.Errorf("%w %q: want <13-digit ms>.<4-digit counter>@<replica uuid>", ErrClock, s)
	}
	for i := 14; i < 18; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", fmt.Errorf("%w %q: counter must be 4 digits", ErrClock, s)
		}
	}
	if !IsID(s[19:]) {
		return "", fmt.Errorf("%w %q: replica must be a lowercase canonical UUID", ErrClock, s)
	}
	return Clock(s), nil
}

// Millis returns the clock's wall time in Unix milliseconds.
func (c Clock) Millis() int64 {
	if len(c) < 13 {
		return 0
	}
	n, _ := strconv.ParseInt(string(c[:13]), 10, 64)
	return n
}

// Counter returns the clock's logical counter.
func (c Clock) Counter() int {
	if len(c) < 18 {
		return 0
	}
	n, _ := strconv.Atoi(string(c[14:18]))
	return n
}

// Replica returns the id of the replica that made the clock.
func (c Clock) Replica() string {
	if len(c) <= clockPrefix {
		return ""
	}
	return string(c[clockPrefix:])
}

// MakeClock formats a clock from its parts. ms must fit 13 digits and
// counter 4; replica must be a canonical UUID.
func MakeClock(ms int64, counter int, replica string) Clock {
	var b strings.Builder
	b.Grow(clockPrefix + 36)
	fmt.Fprintf(&b, "%013d.%04d@%s", ms, counter, replica)
	return Clock(b.String())
}

// maxMillis is the largest time a 13-digit clock can hold.
const maxMillis = 9999999999999

// HLC issues clocks for one replica. It is not safe for concurrent use.
// The zero value is not usable: call NewHLC.
type HLC struct {
	replica string
	now     func() int64 // wall clock in Unix ms, injected
	ms      int64
	counter int
}

// NewHLC returns a clock source for replica, reading wall time from now
// (Unix milliseconds). Seed it with Observe(last) when restoring a replica.
func NewHLC(replica string, now func() int64) *HLC {
	return &HLC{replica: replica, now: now}
}

// Replica returns the replica id the clock source stamps.
func (h *HLC) Replica() string { return h.replica }

// Next returns a new clock greater than every clock this source issued or
// observed: max(wall clock, newest seen), with the counter bumped, moving to
// the next millisecond past 9999.
func (h *HLC) Next() Clock {
	wall := h.now()
	if wall > maxMillis {
		wall = maxMillis
	}
	if wall > h.ms {
		h.ms, h.counter = wall, 0
	} else {
		h.counter++
		if h.counter > 9999 {
			h.ms++
			h.counter = 0
		}
	}
	return MakeClock(h.ms, h.counter, h.replica)
}

// Observe records a clock seen from anywhere, so that later clocks of this
// replica sort after it. Malformed clocks are ignored.
func (h *HLC) Observe(c Clock) {
	if len(c) < 18 {
		return
	}
	ms, cnt := c.Millis(), c.Counter()
	if ms > h.ms || (ms == h.ms && cnt > h.counter) {
		h.ms, h.counter = ms, cnt
	}
}

// Last returns the newest clock issued or observed, stamped with this
// replica (empty before any).
func (h *HLC) Last() Clock {
	if h.ms == 0 && h.counter == 0 {
		return ""
	}
	return MakeClock(h.ms, h.counter, h.replica)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// IsID reports whether s is a UUID in canonical lowercase text form.
func IsID(s string) bool {
	if len(s) != 36 {
		return false
	}
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s
}
