package bench

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"carnet/sync/client"
)

// What the meter counts bytes by: the kind of call, the direction, and
// whether a byte is HTTP framing (request and status lines, headers,
// chunk sizes) or body.
type class int

const (
	classSync  class = iota // POST .../sync
	classBlob               // HEAD, PATCH, GET .../blobs/...
	classOther              // create, join, anything else
	nClass
)

var classNames = [nClass]string{"sync", "blob", "other"}

type dir int

const (
	up   dir = iota // phone to server
	down            // server to phone
)

type part int

const (
	head part = iota // request or status line, headers, chunk framing
	body
)

// errCut is what a connection the meter cut returns.
var errCut = errors.New("bench: connection cut")

// meter counts the bytes of one phone's connections, both ways, at the TCP
// payload level: what net/http writes and reads, headers included. A phone
// runs one request at a time, so the meter knows which call the bytes
// belong to. It can cut the connection in use after a number of bytes.
type meter struct {
	mu    sync.Mutex
	class class
	// method is the method of the request in flight: an answer to HEAD
	// has no body.
	method string
	n      [nClass][2][2]int64 // class, dir, part
	reqs   [nClass]int
	conns  int
	cuts   int
	// A cut: after cutLeft more bytes going cutDir, the connection in use
	// is closed. cutLeft < 0: no cut planned.
	cutDir  dir
	cutLeft int64
	// tap, when set, receives every byte, one buffer a direction.
	tap *[2]bytes.Buffer
}

func newMeter() *meter { return &meter{cutLeft: -1} }

// counts is a snapshot of a meter's counters.
type counts struct {
	n     [nClass][2][2]int64
	reqs  [nClass]int
	conns int
	cuts  int
}

func (m *meter) snapshot() counts {
	m.mu.Lock()
	defer m.mu.Unlock()
	return counts{n: m.n, reqs: m.reqs, conns: m.conns, cuts: m.cuts}
}

// reset zeroes the counters (a connection already open stays counted as
// one the next exchange reuses, not as a new one).
func (m *meter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n, m.reqs, m.conns, m.cuts = [nClass][2][2]int64{}, [nClass]int{}, 0, 0
}

// planCut makes the connection in use close after n more bytes going d.
func (m *meter) planCut(d dir, n int64) {
	m.mu.Lock()
	m.cutDir, m.cutLeft = d, n
	m.mu.Unlock()
}

// take returns how many of n bytes going d may pass, and whether the
// connection must be cut after them.
func (m *meter) take(d dir, n int) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cutLeft < 0 || m.cutDir != d {
		return n, false
	}
	if int64(n) < m.cutLeft {
		m.cutLeft -= int64(n)
		return n, false
	}
	k := int(m.cutLeft)
	m.cutLeft = -1
	m.cuts++
	return k, true
}

func (m *meter) add(s *httpStream, d dir, p []byte) {
	if len(p) == 0 {
		return
	}
	h, b := s.feed(p)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n[m.class][d][head] += h
	m.n[m.class][d][body] += b
	if m.tap != nil {
		m.tap[d].Write(p)
	}
}

// dial returns a DialContext that meters every connection it opens.
func (m *meter) dial() func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: 10 * time.Second}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		m.mu.Lock()
		m.conns++
		m.mu.Unlock()
		return &countConn{Conn: c, m: m,
			up:   &httpStream{},
			down: &httpStream{method: m.requestMethod}}, nil
	}
}

// countConn is a connection whose bytes a meter counts.
type countConn struct {
	net.Conn
	m        *meter
	up, down *httpStream
}

func (c *countConn) Write(p []byte) (int, error) {
	k, cut := c.m.take(up, len(p))
	n, err := c.Conn.Write(p[:k])
	c.m.add(c.up, up, p[:n])
	if cut {
		c.Conn.Close()
		if err == nil {
			err = errCut
		}
	}
	return n, err
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		k, cut := c.m.take(down, n)
		n = k
		c.m.add(c.down, down, p[:n])
		if cut {
			c.Conn.Close()
			if n == 0 {
				return 0, errCut
			}
			return n, nil // the next Read fails
		}
	}
	return n, err
}

func (m *meter) requestMethod() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.method
}

// httpStream splits one direction of an HTTP/1.1 connection into framing
// and body bytes. Each direction is fed by one goroutine.
type httpStream struct {
	// method, on the answers' side, returns the method of the request
	// answered (an answer to HEAD has no body); nil on the requests' side.
	method func() string
	state  int
	buf    []byte // the head, or the chunk line, so far
	left   int64  // body bytes left in the message or the chunk
}

const (
	inHead = iota
	inBody
	inBodyToEOF
	inChunkLine
	inChunkData
	inChunkEnd // the CRLF after a chunk's data
	inTrailer
)

// feed returns how many of p's bytes are framing and how many body.
func (s *httpStream) feed(p []byte) (h, b int64) {
	for len(p) > 0 {
		switch s.state {
		case inBody, inChunkData:
			k := min(int64(len(p)), s.left)
			b += k
			s.left -= k
			p = p[k:]
			if s.left == 0 {
				if s.state == inBody {
					s.state = inHead
				} else {
					s.state, s.left = inChunkEnd, 2
				}
			}
		case inBodyToEOF:
			b += int64(len(p))
			p = nil
		case inChunkEnd:
			k := min(int64(len(p)), s.left)
			h += k
			s.left -= k
			p = p[k:]
			if s.left == 0 {
				s.state = inChunkLine
			}
		default: // inHead, inChunkLine, inTrailer: lines, byte by byte
			c := p[0]
			p = p[1:]
			h++
			s.buf = append(s.buf, c)
			if c == '\n' {
				s.line()
			}
		}
	}
	return h, b
}

// line handles a complete line of s.buf (a whole head ends with an empty
// line).
func (s *httpStream) line() {
	switch s.state {
	case inHead:
		if !bytes.HasSuffix(s.buf, []byte("\r\n\r\n")) && !bytes.Equal(s.buf, []byte("\r\n")) {
			return
		}
		if bytes.Equal(s.buf, []byte("\r\n")) { // a stray CRLF between messages
			s.buf = s.buf[:0]
			return
		}
		s.endHead(string(s.buf))
		s.buf = s.buf[:0]
	case inChunkLine:
		size := strings.TrimSpace(string(s.buf))
		if i := strings.IndexByte(size, ';'); i >= 0 {
			size = size[:i]
		}
		s.buf = s.buf[:0]
		n, err := strconv.ParseInt(size, 16, 64)
		switch {
		case err != nil:
			s.state = inBodyToEOF // lost: count the rest as body
		case n == 0:
			s.state = inTrailer
		default:
			s.state, s.left = inChunkData, n
		}
	case inTrailer:
		empty := bytes.Equal(s.buf, []byte("\r\n"))
		s.buf = s.buf[:0]
		if empty {
			s.state = inHead
		}
	}
}

func (s *httpStream) endHead(text string) {
	lines := strings.Split(strings.TrimRight(text, "\r\n"), "\r\n")
	hdr := http.Header{}
	for _, l := range lines[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok {
			hdr.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	first := strings.Fields(lines[0])
	bodyless := false
	if s.method != nil {
		status := 0
		if len(first) > 1 {
			status, _ = strconv.Atoi(first[1])
		}
		if status >= 100 && status < 200 {
			return // the answer follows
		}
		bodyless = s.method() == http.MethodHead || status == 204 || status == 304
	}
	switch {
	case bodyless:
		s.state = inHead
	case strings.EqualFold(hdr.Get("Transfer-Encoding"), "chunked"):
		s.state = inChunkLine
	case hdr.Get("Content-Length") != "":
		n, err := strconv.ParseInt(hdr.Get("Content-Length"), 10, 64)
		if err != nil || n < 0 {
			s.state = inBodyToEOF
		} else if n > 0 {
			s.state, s.left = inBody, n
		}
	case s.method != nil:
		s.state = inBodyToEOF // an answer without length ends with the connection
	default:
		s.state = inHead // a request without a body
	}
}

// meteredDoer is a phone's Doer: it tells the meter which call the bytes
// belong to, lets a hook plan cuts, and hands every sync answer to onSync.
type meteredDoer struct {
	d      client.Doer
	m      *meter
	before func(r *client.Request)
	onSync func(body []byte)
}

func (d *meteredDoer) Do(ctx context.Context, r *client.Request) (*client.Response, error) {
	cls := classOther
	switch {
	case strings.HasSuffix(r.URL, "/sync"):
		cls = classSync
	case strings.Contains(r.URL, "/blobs/"):
		cls = classBlob
	}
	d.m.mu.Lock()
	d.m.class, d.m.method = cls, r.Method
	d.m.reqs[cls]++
	d.m.mu.Unlock()
	if d.before != nil {
		d.before(r)
	}
	resp, err := d.d.Do(ctx, r)
	if err == nil && cls == classSync && resp.Status == 200 && d.onSync != nil {
		d.onSync(resp.Body)
	}
	return resp, err
}
