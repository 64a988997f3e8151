package server

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Rate is a token bucket: Burst calls at once, then one more every Every.
// The zero Rate takes the default of its call; a negative Burst turns the
// limit off.
type Rate struct {
	Burst int
	Every time.Duration
}

// limiter keeps one token bucket per client address, in memory.
type limiter struct {
	rate Rate
	now  func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the limiter's memory; past it, full buckets (idle
// clients) are forgotten.
const maxBuckets = 10000

func newLimiter(r, def Rate, now func() time.Time) *limiter {
	if r.Burst == 0 {
		r.Burst = def.Burst
	}
	if r.Every <= 0 {
		r.Every = def.Every
	}
	return &limiter{rate: r, now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for addr. When none is left it returns false and
// how long until the next one.
func (l *limiter) allow(addr string) (bool, time.Duration) {
	if l.rate.Burst < 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
		}
		b = &bucket{tokens: float64(l.rate.Burst), at: now}
		l.buckets[addr] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		wait := time.Duration((1 - b.tokens) * float64(l.rate.Every))
		return false, wait
	}
	b.tokens--
	return true, 0
}

func (l *limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens += float64(d) / float64(l.rate.Every)
		if max := float64(l.rate.Burst); b.tokens > max {
			b.tokens = max
		}
		b.at = now
	}
}

// sweep forgets the buckets that are full again, and if that is not
// enough, all of them.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
}

// clientAddr returns the address r comes from: the peer's IP, or with
// trustProxy the last address of X-Forwarded-For (the one the proxy saw).
func clientAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if v := r.Header.Values("X-Forwarded-For"); len(v) > 0 {
			last := v[len(v)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if a := strings.TrimSpace(last); a != "" {
				return a
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
