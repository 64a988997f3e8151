package bench

import (
	"context"
	"math/rand/v2"
	"testing"
)

// TestHTTPStream checks the meter's split of an exchange into framing and
// body, fed in pieces of any size.
func TestHTTPStream(t *testing.T) {
	req := "POST /api/v1/workshops/w/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
		"HEAD /api/v1/workshops/w/blobs/h HTTP/1.1\r\nHost: x\r\n\r\n" +
		"PATCH /api/v1/workshops/w/blobs/h HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd" +
		"POST /api/v1/workshops/w/sync HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
	reqBody := 5 + 4 + 5
	answers := []struct {
		method, raw string
		body        int
	}{
		{"POST", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n{}\n", 3},
		{"HEAD", "HTTP/1.1 404 Not Found\r\nUpload-Offset: 0\r\n\r\n", 0},
		{"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 0},
		{"PATCH", "HTTP/1.1 204 No Content\r\nUpload-Offset: 4\r\n\r\n", 0},
		{"POST", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{}{}\r\n0\r\nX-T: 1\r\n\r\n", 4},
		{"POST", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 2},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		pieces := func(s string, feed func([]byte)) {
			for len(s) > 0 {
				n := min(len(s), 1+rng.IntN(9))
				if round == 0 {
					n = len(s)
				}
				feed([]byte(s[:n]))
				s = s[n:]
			}
		}
		var h, b int64
		up := &httpStream{}
		pieces(req, func(p []byte) { x, y := up.feed(p); h, b = h+x, b+y })
		if b != int64(reqBody) || h+b != int64(len(req)) {
			t.Fatalf("requests: body %d, head %d; want body %d of %d", b, h, reqBody, len(req))
		}
		for _, a := range answers {
			method := a.method
			down := &httpStream{method: func() string { return method }}
			var h, b int64
			pieces(a.raw, func(p []byte) { x, y := down.feed(p); h, b = h+x, b+y })
			if b != int64(a.body) || h+b != int64(len(a.raw)) || down.state != inHead {
				t.Fatalf("answer to %s %q: body %d, head %d, state %d; want body %d of %d, state inHead", a.method, a.raw, b, h, down.state, a.body, len(a.raw))
			}
		}
	}
}

// TestDay runs the benchmarks' machinery on a small room and checks what
// it measures: every change and photo reaches the server, the counts add
// up, each cut cuts once and the sync completes. It checks no time.
func TestDay(t *testing.T) {
	r := daySync(t, noTimer{}, 1, 2)
	photos := int64(0)
	for i := range photosADay {
		data, _, _ := photoFor(i, "")
		photos += int64(len(data))
	}
	switch w := r.wire; {
	case r.photoBytes < 2*photos:
		t.Errorf("photo bytes = %d, want about %d", r.photoBytes, 2*photos)
	case w.n[classBlob][up][body] != r.photoBytes:
		t.Errorf("photo bodies on the wire = %d, want the photos' %d bytes", w.n[classBlob][up][body], r.photoBytes)
	case w.total() < r.photoBytes+r.ownGzip/2:
		t.Errorf("wire = %d bytes, less than the photos and changes (%d, %d)", w.total(), r.photoBytes, r.ownGzip)
	case w.reqs[classSync] < 2 || w.reqs[classBlob] < 2*photosADay:
		t.Errorf("requests = %v, want pushes and a HEAD and PATCHes a photo", w.reqs)
	case r.ownGzip == 0 || r.pulledGzip == 0:
		t.Errorf("gzip of own changes %d, of pulled %d: want both > 0 (the second phone pulls the first's day)", r.ownGzip, r.pulledGzip)
	}

	for _, mode := range []string{"", cutPush, cutAnswer, cutPhoto} {
		c := cutDay(t, noTimer{}, 5, mode) // fails the test unless it cut once (none for "")
		if mode != "" && c.reqs[classSync]+c.reqs[classBlob] < 6 {
			t.Errorf("cut %s: %v", mode, c)
		}
	}
}

// TestDayContent checks a phone's day as the server stores it: 100 notes
// less 10 deleted, 10 photos, 10 votes.
func TestDayContent(t *testing.T) {
	e := newEnv(t)
	g := newGen(9)
	w := newWorkshop(t, e, g)
	p := w.join(t, g, "Léa")
	w.day(t, g, p, "content")
	p.sync(t)
	w.fac.sync(t)
	st, err := w.fac.c.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range st.Records {
		if !r.Deleted() {
			kinds[r.Kind]++
		}
	}
	if kinds["note"] != notesADay-10 || kinds["photo"] != photosADay || kinds["vote"] != 2*ballotBudget {
		t.Errorf("live records by kind = %v, want %d notes, %d photos, %d votes", kinds, notesADay-10, photosADay, 2*ballotBudget)
	}
}
