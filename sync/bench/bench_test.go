package bench

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"carnet/sync/client"
)

// Phones in BenchmarkDaySync: a full room.
const roomPhones = 30

// dayResult is what a day sync of some phones cost, summed over them.
type dayResult struct {
	phones     int
	wire       counts
	ownGzip    int64 // gzip -9 of each phone's outbox as one JSON list
	pulledGzip int64 // gzip -9 of the others' changes each phone pulled, one JSON list
	photoBytes int64
	echoed     int                   // the phone's own changes sent back to it
	echoGzip   int64                 // gzip -9 of them, one JSON list a phone
	server     [nClass]time.Duration // handler time, by call
}

func (r dayResult) min() int64 { return r.ownGzip + r.pulledGzip + r.photoBytes }

// timer is a benchmark's timer; tests pass noTimer.
type timer interface {
	StartTimer()
	StopTimer()
}

type noTimer struct{}

func (noTimer) StartTimer() {}
func (noTimer) StopTimer()  {}

// daySync runs one room's day: n phones join and pull the workshop, write
// their day offline, then sync one after the other. Only the syncs run
// with the timer on.
func daySync(b testing.TB, clock timer, seed uint64, n int) dayResult {
	b.Helper()
	clock.StopTimer()
	e := newEnv(b)
	g := newGen(seed)
	w := newWorkshop(b, e, g)
	phones := make([]*phone, n)
	var r dayResult
	r.phones = n
	for i := range phones {
		phones[i] = w.join(b, g, fmt.Sprintf("Participant %d", i+1))
	}
	for i, p := range phones {
		r.photoBytes += w.day(b, g, p, fmt.Sprintf("seed %d phone %d", seed, i))
		r.ownGzip += jsonGzip(b, p.outbox(b))
		p.m.reset()
	}
	busy := e.serverTime()
	clock.StartTimer()
	for _, p := range phones {
		p.sync(b)
	}
	clock.StopTimer()
	for k, t := range e.serverTime() {
		r.server[k] = t - busy[k]
	}
	for _, p := range phones {
		pulled, echoed := p.takePulled()
		r.pulledGzip += jsonGzip(b, pulled)
		r.echoed += len(echoed)
		r.echoGzip += jsonGzip(b, echoed)
		r.wire.add(p.m.snapshot())
	}
	return r
}

// BenchmarkDaySync measures the sync of a room's day: 30 phones, each with
// 150 changes and 10 photos of about 300 KB written offline, sync one
// after the other with a real server and a real SQLite file. Metrics are
// per phone (see the package doc); ns/op is the 30 syncs' wall time.
func BenchmarkDaySync(b *testing.B) {
	var all dayResult
	for i := 0; i < b.N; i++ {
		r := daySync(b, b, uint64(i+1), roomPhones)
		all.phones += r.phones
		all.wire.add(r.wire)
		all.ownGzip += r.ownGzip
		all.pulledGzip += r.pulledGzip
		all.photoBytes += r.photoBytes
		all.echoed += r.echoed
		all.echoGzip += r.echoGzip
		for k, t := range r.server {
			all.server[k] += t
		}
	}
	reportDay(b, all)
}

func reportDay(b *testing.B, r dayResult) {
	n := float64(r.phones)
	w := r.wire
	b.ReportMetric(float64(w.total())/n, "wire-B/phone")
	b.ReportMetric(float64(r.min())/n, "min-B/phone")
	b.ReportMetric(float64(w.total())/float64(r.min()), "wire/min")
	b.ReportMetric(float64(w.dir(up))/float64(r.ownGzip+r.photoBytes), "push-wire/min")
	b.ReportMetric(float64(w.class(classSync))/float64(r.ownGzip+r.pulledGzip), "changes-wire/min")
	b.ReportMetric(float64(w.heads())/n, "hdr-B/phone")
	b.ReportMetric(float64(w.requests())/n, "req/phone")
	b.ReportMetric(float64(r.echoed)/n, "echoed/phone")
	b.ReportMetric(float64(r.echoGzip)/n, "echo-gzip-B/phone")
	var server time.Duration
	for _, t := range r.server {
		server += t
	}
	b.ReportMetric(server.Seconds()*1e3/n, "server-ms/phone")
	b.Logf("%d phones: %d wire bytes; minimum %d = changes %d + others' changes pulled %d + photos %d (gzip -9, JSON lists); %d own changes sent back (%d bytes gzip -9)",
		r.phones, w.total(), r.min(), r.ownGzip, r.pulledGzip, r.photoBytes, r.echoed, r.echoGzip)
	b.Logf("wire: %v", w)
	b.Logf("server time: sync %v, blobs %v, other %v", r.server[classSync], r.server[classBlob], r.server[classOther])
}

// BenchmarkNoopSync measures a sync with nothing new, on either side:
// one phone of a workshop where everything is synced. B/sync is every
// byte both ways, headers included.
func BenchmarkNoopSync(b *testing.B) {
	e := newEnv(b)
	g := newGen(7)
	w := newWorkshop(b, e, g)
	p := w.join(b, g, "Léa")
	q := w.join(b, g, "Marc")
	w.day(b, g, p, "noop Léa")
	w.day(b, g, q, "noop Marc")
	p.sync(b)
	q.sync(b)
	p.sync(b) // Marc's day
	p.takePulled()

	// One no-op exchange, for the log: what its bytes are.
	p.m.reset()
	p.m.tap = &[2]bytes.Buffer{}
	p.sync(b)
	tap := p.m.tap
	p.m.tap = nil
	b.Logf("a no-op sync, %d bytes up: %q", tap[up].Len(), redact(tap[up].String()))
	b.Logf("and %d bytes down: %q", tap[down].Len(), tap[down].String())

	p.m.reset()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.sync(b)
	}
	b.StopTimer()
	if pulled, _ := p.takePulled(); len(pulled) > 0 {
		b.Fatalf("a no-op sync pulled %d changes", len(pulled))
	}
	c := p.m.snapshot()
	n := float64(b.N)
	b.ReportMetric(float64(c.total())/n, "B/sync")
	b.ReportMetric(float64(c.dir(up))/n, "up-B/sync")
	b.ReportMetric(float64(c.dir(down))/n, "down-B/sync")
	b.ReportMetric(float64(c.heads())/n, "hdr-B/sync")
	b.ReportMetric(float64(c.requests())/n, "req/sync")
}

var bearer = regexp.MustCompile(`(Authorization: Bearer )(\S{8})\S*`)

// redact shortens tokens in a logged exchange.
func redact(s string) string { return bearer.ReplaceAllString(s, "${1}${2}…") }

// Where BenchmarkResendAfterCut cuts a phone's day sync.
const (
	cutPush   = "push"   // half-way through the first push's request
	cutAnswer = "answer" // in the status line of the first push's answer: the server stored the push
	cutPhoto  = "photo"  // half-way through the first PATCH of the fifth photo
)

// planCut makes p's meter cut one connection where mode says.
func planCut(p *phone, mode string) {
	done, patches := false, 0
	p.doer.before = func(r *client.Request) {
		if done {
			return
		}
		switch {
		case mode != cutPhoto && r.Method == "POST" && len(r.Body) > 200:
			done = true
			if mode == cutPush {
				p.m.planCut(up, int64(headSize(r)+len(r.Body)/2))
			} else {
				p.m.planCut(down, 10) // "HTTP/1.1 2" and no more
			}
		case mode == cutPhoto && r.Method == "PATCH" && r.Header["Upload-Offset"] == "0":
			if patches++; patches == 5 {
				done = true
				p.m.planCut(up, int64(headSize(r)+len(r.Body)/2))
			}
		}
	}
}

// headSize guesses the size of r's request head, as net/http writes it.
func headSize(r *client.Request) int {
	n := len(r.Method) + len(r.URL) + 40 // request line, Host, Content-Length
	for k, v := range r.Header {
		n += len(k) + len(v) + 4
	}
	return n + 40 // Accept-Encoding, final CRLF
}

// cutDay runs one phone's day sync, cut where mode says ("" for none),
// and returns its wire bytes. The same seed makes the same day.
func cutDay(b testing.TB, clock timer, seed uint64, mode string) counts {
	b.Helper()
	clock.StopTimer()
	e := newEnv(b)
	g := newGen(seed)
	w := newWorkshop(b, e, g)
	p := w.join(b, g, "Léa")
	w.day(b, g, p, "cut "+strconv.FormatUint(seed, 10))
	p.m.reset()
	if mode != "" {
		planCut(p, mode)
	}
	clock.StartTimer()
	p.sync(b)
	clock.StopTimer()
	c := p.m.snapshot()
	if want := map[bool]int{true: 1, false: 0}[mode != ""]; c.cuts != want {
		b.Fatalf("cut %q: %d connections cut, want %d", mode, c.cuts, want)
	}
	return c
}

// BenchmarkResendAfterCut measures what one cut connection costs a
// phone's day sync: extra-B is the wire bytes of the cut sync less those
// of an uncut sync of the same day (same seed, its own server), the retry
// included. ns/op is both syncs' wall time.
func BenchmarkResendAfterCut(b *testing.B) {
	for _, mode := range []string{cutPush, cutAnswer, cutPhoto} {
		b.Run("cut="+mode, func(b *testing.B) {
			var extra, base, reqs int64
			for i := 0; i < b.N; i++ {
				seed := uint64(100 + i)
				clean := cutDay(b, b, seed, "")
				cut := cutDay(b, b, seed, mode)
				extra += cut.total() - clean.total()
				base += clean.total()
				reqs += int64(cut.requests() - clean.requests())
				if i == 0 {
					b.Logf("uncut: %v", clean)
					b.Logf("cut:   %v", cut)
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(extra)/n, "extra-B")
			b.ReportMetric(float64(base)/n, "uncut-B")
			b.ReportMetric(float64(reqs)/n, "extra-req")
		})
	}
}
