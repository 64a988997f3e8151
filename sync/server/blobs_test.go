package server

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// patch uploads data at offset of a blob whose full length is total.
func (e *env) patch(w workshop, token, hash string, offset, total int, data []byte) resp {
	e.t.Helper()
	return e.do("PATCH", "/api/v1/workshops/"+w.id+"/blobs/"+hash, token, data,
		"Content-Type", "application/offset+octet-stream",
		"Upload-Offset", strconv.Itoa(offset), "Upload-Length", strconv.Itoa(total))
}

func TestBlobUpload(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	_, tok := e.join(w, "Léa")
	photo := readTestdata(t, "photo.jpg")
	hash := sha(photo)
	path := "/api/v1/workshops/" + w.id + "/blobs/" + hash

	r := e.do("HEAD", path, tok, nil)
	if r.status != 404 || r.header.Get("Upload-Offset") != "0" || len(r.body) != 0 {
		t.Fatalf("HEAD of a new blob = %v %v, want 404 with Upload-Offset 0", r, r.header)
	}
	want(t, "GET of a new blob", e.do("GET", path, tok, nil), 404, "not_found")

	// In two parts.
	half := len(photo) / 2
	r = e.patch(w, tok, hash, 0, len(photo), photo[:half])
	if r.status != 204 || r.header.Get("Upload-Offset") != strconv.Itoa(half) {
		t.Fatalf("PATCH first half = %v %v, want 204 with Upload-Offset %d", r, r.header, half)
	}
	r = e.do("HEAD", path, tok, nil)
	if r.status != 404 || r.header.Get("Upload-Offset") != strconv.Itoa(half) {
		t.Fatalf("HEAD of a partial blob = %v %v, want 404 with Upload-Offset %d", r, r.header, half)
	}
	r = e.patch(w, tok, hash, 0, len(photo), photo)
	want(t, "PATCH at a wrong offset", r, 409, "conflict")
	if r.header.Get("Upload-Offset") != strconv.Itoa(half) {
		t.Fatalf("409 Upload-Offset = %q, want %d", r.header.Get("Upload-Offset"), half)
	}
	r = e.patch(w, tok, hash, half, len(photo), photo[half:])
	if r.status != 204 || r.header.Get("Upload-Offset") != strconv.Itoa(len(photo)) {
		t.Fatalf("PATCH second half = %v %v, want 204 with Upload-Offset %d", r, r.header, len(photo))
	}

	r = e.do("HEAD", path, tok, nil)
	if r.status != 200 || r.header.Get("Content-Length") != strconv.Itoa(len(photo)) {
		t.Fatalf("HEAD of a complete blob = %v %v, want 200 with Content-Length %d", r, r.header, len(photo))
	}
	r = e.patch(w, tok, hash, 0, len(photo), photo)
	if r.status != 204 || r.header.Get("Upload-Offset") != strconv.Itoa(len(photo)) {
		t.Fatalf("PATCH of a complete blob = %v %v, want 204 with its length", r, r.header)
	}

	r = e.do("GET", path, tok, nil)
	if r.status != 200 || !bytes.Equal(r.body, photo) {
		t.Fatalf("GET = %d, %d bytes, want the photo", r.status, len(r.body))
	}
	if got := r.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := r.header.Get("Content-Type"); got != "image/jpeg" {
		t.Errorf("Content-Type = %q, want image/jpeg", got)
	}
	if got := r.header.Get("Content-Encoding"); got != "" {
		t.Errorf("a blob answered with Content-Encoding %q", got)
	}
	r = e.do("GET", path+"?token="+tok, "", nil)
	if r.status != 200 || !bytes.Equal(r.body, photo) {
		t.Fatalf("GET with ?token= = %d, want the photo", r.status)
	}
	r = e.do("GET", path, tok, nil, "If-None-Match", `"`+hash+`"`)
	if r.status != 304 {
		t.Fatalf("GET with If-None-Match = %d, want 304", r.status)
	}
	want(t, "PATCH with ?token=", e.do("PATCH", path+"?token="+tok, "", photo,
		"Content-Type", "application/offset+octet-stream", "Upload-Offset", "0", "Upload-Length", "1"), 401, "unauthorized")
	want(t, "HEAD without token", e.do("HEAD", path, "", nil), 401)
}

func TestBlobErrors(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBlob = 64 << 10 })
	w := e.create("Atelier")
	tok := w.facilitator
	photo := readTestdata(t, "photo.jpg")

	// A wrong hash: 422, and the partial is dropped.
	wrong := strings.Repeat("0", 64)
	want(t, "PATCH with a wrong hash", e.patch(w, tok, wrong, 0, len(photo), photo), 422, "invalid")
	if r := e.do("HEAD", "/api/v1/workshops/"+w.id+"/blobs/"+wrong, tok, nil); r.header.Get("Upload-Offset") != "0" {
		t.Fatalf("HEAD after a wrong hash = %v, want the partial dropped", r.header)
	}
	// Not an image.
	text := []byte("<html><script>alert(1)</script></html>")
	want(t, "PATCH of a non-image", e.patch(w, tok, sha(text), 0, len(text), text), 422, "invalid")
	if r := e.do("HEAD", "/api/v1/workshops/"+w.id+"/blobs/"+sha(text), tok, nil); r.header.Get("Upload-Offset") != "0" {
		t.Fatalf("HEAD after a non-image = %v, want the partial dropped", r.header)
	}
	big := make([]byte, 65<<10)
	want(t, "PATCH over the limit", e.patch(w, tok, sha(big), 0, len(big), big[:10]), 413, "too_large")

	h := sha(photo)
	path := "/api/v1/workshops/" + w.id + "/blobs/" + h
	for _, tc := range []struct {
		name   string
		header []string
	}{
		{"no Content-Type", []string{"Upload-Offset", "0", "Upload-Length", "10"}},
		{"no Upload-Offset", []string{"Content-Type", "application/offset+octet-stream", "Upload-Length", "10"}},
		{"no Upload-Length", []string{"Content-Type", "application/offset+octet-stream", "Upload-Offset", "0"}},
		{"offset past length", []string{"Content-Type", "application/offset+octet-stream", "Upload-Offset", "20", "Upload-Length", "10"}},
		{"body past length", []string{"Content-Type", "application/offset+octet-stream", "Upload-Offset", "0", "Upload-Length", "3"}},
		{"compressed", []string{"Content-Type", "application/offset+octet-stream", "Upload-Offset", "0", "Upload-Length", "10", "Content-Encoding", "gzip"}},
	} {
		want(t, "PATCH "+tc.name, e.do("PATCH", path, tok, photo[:10], tc.header...), 400, "invalid")
	}
	want(t, "GET ?w=0", e.do("GET", path+"?w=0", tok, nil), 400, "invalid")
	want(t, "GET ?w=x", e.do("GET", path+"?w=x", tok, nil), 400, "invalid")
}

// TestBlobResume cuts an upload after some bytes on a raw connection, then
// resumes it from HEAD's offset: the blob must be byte-identical.
func TestBlobResume(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	_, tok := e.join(w, "Léa")
	photo := readTestdata(t, "photo.jpg")
	hash := sha(photo)
	path := "/api/v1/workshops/" + w.id + "/blobs/" + hash
	const cut = 5000

	conn, err := net.Dial("tcp", e.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/offset+octet-stream\r\n"+
		"Upload-Offset: 0\r\nUpload-Length: %d\r\nContent-Length: %d\r\n\r\n", path, tok, len(photo), len(photo))
	conn.Write(photo[:cut])
	time.Sleep(50 * time.Millisecond)
	conn.Close()

	var offset int
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		r := e.do("HEAD", path, tok, nil)
		offset, _ = strconv.Atoi(r.header.Get("Upload-Offset"))
		if offset == cut {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if offset != cut {
		t.Fatalf("after a cut at %d bytes, HEAD Upload-Offset = %d, want %d", cut, offset, cut)
	}
	r := e.patch(w, tok, hash, offset, len(photo), photo[offset:])
	if r.status != 204 || r.header.Get("Upload-Offset") != strconv.Itoa(len(photo)) {
		t.Fatalf("resume = %v %v", r, r.header)
	}
	if r := e.do("GET", path, tok, nil); !bytes.Equal(r.body, photo) {
		t.Fatalf("resumed blob differs from the photo (%d bytes, want %d)", len(r.body), len(photo))
	}
}

// TestBlobCutChunked cuts a chunked upload: what arrived is kept too.
func TestBlobCutChunked(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	photo := readTestdata(t, "photo.jpg")
	hash := sha(photo)
	path := "/api/v1/workshops/" + w.id + "/blobs/" + hash
	conn, err := net.Dial("tcp", e.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(conn)
	fmt.Fprintf(bw, "PATCH %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/offset+octet-stream\r\n"+
		"Upload-Offset: 0\r\nUpload-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n", path, w.facilitator, len(photo), 3000)
	bw.Write(photo[:3000])
	bw.WriteString("\r\n")
	bw.Flush()
	time.Sleep(50 * time.Millisecond)
	conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := e.do("HEAD", path, w.facilitator, nil)
		if r.header.Get("Upload-Offset") == "3000" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a cut chunked upload, HEAD = %v, want Upload-Offset 3000", r.header)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestThumbnails(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	tok := w.facilitator
	photo := readTestdata(t, "photo.jpg") // 640x480
	board := readTestdata(t, "board.png") // 120x90
	for _, b := range [][]byte{photo, board} {
		if r := e.patch(w, tok, sha(b), 0, len(b), b); r.status != 204 {
			t.Fatalf("upload = %v", r)
		}
	}
	get := func(data []byte, px int) (image.Config, []byte) {
		t.Helper()
		r := e.do("GET", fmt.Sprintf("/api/v1/workshops/%s/blobs/%s?w=%d", w.id, sha(data), px), tok, nil)
		if r.status != 200 || r.header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("GET ?w=%d = %v %v, want a JPEG", px, r, r.header)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("GET ?w=%d: not a JPEG: %v", px, err)
		}
		return cfg, r.body
	}
	cfg, first := get(photo, 100)
	if cfg.Width != 100 || cfg.Height != 75 {
		t.Fatalf("thumbnail ?w=100 = %dx%d, want 100x75", cfg.Width, cfg.Height)
	}
	if _, again := get(photo, 100); !bytes.Equal(first, again) {
		t.Fatalf("second thumbnail differs from the first")
	}
	if got := len(e.srv.thumbs.m); got != 1 {
		t.Fatalf("thumbnail cache holds %d, want 1", got)
	}
	if cfg, body := get(photo, 2000); cfg.Width != 640 || !bytes.Equal(body, photo) {
		t.Fatalf("?w=2000 of a 640 px JPEG = %d px, want the original", cfg.Width)
	}
	if cfg, _ := get(board, 1000); cfg.Width != 120 || cfg.Height != 90 {
		t.Fatalf("?w=1000 of a 120 px PNG = %dx%d, want a 120x90 JPEG", cfg.Width, cfg.Height)
	}
	if cfg, _ := get(board, 60); cfg.Width != 60 {
		t.Fatalf("?w=60 of a PNG = %d px, want 60", cfg.Width)
	}
}

func TestThumbCacheBound(t *testing.T) {
	c := newThumbCache(100)
	for i := 0; i < 10; i++ {
		c.put(strconv.Itoa(i), make([]byte, 20))
	}
	if c.size > 100 || len(c.m) != 5 {
		t.Fatalf("cache size %d with %d entries, want at most 100 bytes", c.size, len(c.m))
	}
	if _, ok := c.get("9"); !ok {
		t.Fatalf("newest entry evicted")
	}
	if _, ok := c.get("0"); ok {
		t.Fatalf("oldest entry kept")
	}
}

// TestBlobHeadWaitsForPatch: a HEAD asked while a PATCH of the same blob
// is still being received waits for it, so that a client resuming right
// after a cut learns of the bytes that arrived and does not send them
// again.
func TestBlobHeadWaitsForPatch(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	_, tok := e.join(w, "Léa")
	photo := readTestdata(t, "photo.jpg")
	path := "/api/v1/workshops/" + w.id + "/blobs/" + sha(photo)
	const cut = 4000

	conn, err := net.Dial("tcp", e.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/offset+octet-stream\r\n"+
		"Upload-Offset: 0\r\nUpload-Length: %d\r\nContent-Length: %d\r\n\r\n", path, tok, len(photo), len(photo))
	conn.Write(photo[:cut])
	time.Sleep(100 * time.Millisecond) // the server is reading the body

	done := make(chan int, 1)
	go func() {
		r := e.do("HEAD", path, tok, nil)
		n, _ := strconv.Atoi(r.header.Get("Upload-Offset"))
		done <- n
	}()
	select {
	case n := <-done:
		t.Fatalf("HEAD answered offset %d while the PATCH was still arriving; want it to wait", n)
	case <-time.After(300 * time.Millisecond):
	}
	conn.Close()
	select {
	case n := <-done:
		if n != cut {
			t.Fatalf("HEAD after the cut = offset %d, want %d", n, cut)
		}
	case <-time.After(headWait + 2*time.Second):
		t.Fatal("HEAD still waits after the PATCH ended")
	}
}
