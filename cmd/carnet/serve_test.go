package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

// client speaks PROTOCOL.md over plain net/http, written from the page
// alone: it shares no code with the server.
type client struct {
	t    testing.TB
	base string
	http *http.Client
}

func newClient(t testing.TB, base string, hc *http.Client) *client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &client{t: t, base: base, http: hc}
}

// do sends a request with a JSON body (none when in is nil) and a bearer
// token (none when empty) and decodes a JSON answer into out when out is
// not nil. It returns the status and the raw body.
func (c *client) do(method, path, token string, in, out any) (int, []byte) {
	c.t.Helper()
	st, body, err := c.try(method, path, token, in, out)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return st, body
}

// try is do that returns the network error instead of failing the test.
func (c *client) try(method, path, token string, in, out any) (int, []byte, error) {
	var r io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(body, out); err != nil {
			return resp.StatusCode, body, fmt.Errorf("decode %s: %v", body, err)
		}
	}
	return resp.StatusCode, body, nil
}

type created struct {
	Workshop         string `json:"workshop"`
	FacilitatorToken string `json:"facilitator_token"`
	JoinCode         string `json:"join_code"`
}

// create creates a blank workshop, with the organizer key when not empty.
func (c *client) create(key, title string) created {
	c.t.Helper()
	var w created
	if st, body := c.do("POST", "/api/v1/workshops", key, map[string]any{"title": title, "template": "", "locale": "fr"}, &w); st != 201 {
		c.t.Fatalf("create: status %d, want 201: %s", st, body)
	}
	if w.Workshop == "" || w.FacilitatorToken == "" || w.JoinCode == "" {
		c.t.Fatalf("create answered %+v: a field is empty", w)
	}
	return w
}

// join joins workshop w as participant and returns the participant token.
func (c *client) join(w created, participant, secret, name string) string {
	c.t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	in := map[string]any{"join_code": w.JoinCode, "participant": participant, "device_secret": secret, "name": name}
	if st, body := c.do("POST", "/api/v1/workshops/"+w.Workshop+"/join", "", in, &out); st != 200 || out.Token == "" {
		c.t.Fatalf("join: status %d, want 200 and a token: %s", st, body)
	}
	return out.Token
}

// change is a change on the wire, in either form.
type change struct {
	Record string                     `json:"record"`
	Kind   string                     `json:"kind"`
	Field  string                     `json:"field,omitempty"`
	Value  json.RawMessage            `json:"value,omitempty"`
	Fields map[string]json.RawMessage `json:"fields,omitempty"`
	Clock  string                     `json:"clock"`
}

type syncRequest struct {
	Replica string   `json:"replica"`
	Since   string   `json:"since"`
	Changes []change `json:"changes"`
	Grouped bool     `json:"grouped"`
}

type syncResponse struct {
	Cursor   string   `json:"cursor"`
	Changes  []change `json:"changes"`
	More     bool     `json:"more"`
	Rejected []struct {
		Index   int    `json:"index"`
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"rejected"`
}

// state is a workshop as (record, field) -> value in compact JSON.
type state map[string]map[string]string

// pullAll pulls every change of workshop w from cursor "" and returns the
// merged state, with each field's value from the change of greatest clock.
func (c *client) pullAll(w, token string) state {
	c.t.Helper()
	type winner struct{ value, clock string }
	win := map[string]map[string]winner{}
	since := ""
	for page := 0; ; page++ {
		var resp syncResponse
		req := syncRequest{Replica: newID(), Since: since, Changes: []change{}}
		if st, body := c.do("POST", "/api/v1/workshops/"+w+"/sync", token, req, &resp); st != 200 {
			c.t.Fatalf("pull from %q: status %d, want 200: %s", since, st, body)
		}
		for _, ch := range resp.Changes {
			fields := ch.Fields
			if fields == nil {
				fields = map[string]json.RawMessage{ch.Field: ch.Value}
			}
			for f, v := range fields {
				if win[ch.Record] == nil {
					win[ch.Record] = map[string]winner{}
				}
				if cur, ok := win[ch.Record][f]; !ok || ch.Clock > cur.clock {
					win[ch.Record][f] = winner{compact(c.t, v), ch.Clock}
				}
			}
		}
		if !resp.More {
			break
		}
		if resp.Cursor == since || page > 1000 {
			c.t.Fatalf("pull: more pages announced but the cursor stays at %q", since)
		}
		since = resp.Cursor
	}
	s := state{}
	for r, fs := range win {
		s[r] = map[string]string{}
		for f, w := range fs {
			s[r][f] = w.value
		}
	}
	return s
}

func compact(t testing.TB, v json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		t.Fatalf("value %s: %v", v, err)
	}
	return b.String()
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// hlc makes clocks in PROTOCOL.md's form for one replica.
type hlc struct {
	mu      sync.Mutex
	replica string
	ms      int64
	counter int
}

func (h *hlc) next() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now().UnixMilli()
	if now > h.ms {
		h.ms, h.counter = now, 0
	} else if h.counter++; h.counter > 9999 {
		h.ms, h.counter = h.ms+1, 0
	}
	return fmt.Sprintf("%013d.%04d@%s", h.ms, h.counter, h.replica)
}

// note returns a grouped change that makes a note by author.
func note(clock, author, text, colour string) change {
	js := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
	return change{Record: newID(), Kind: "note", Clock: clock, Fields: map[string]json.RawMessage{
		"text": js(text), "color": js(colour), "author": js(author),
	}}
}

// want checks that s holds every field of changes with its value.
func (s state) want(t testing.TB, changes []change) {
	t.Helper()
	missing := 0
	for _, ch := range changes {
		for f, v := range ch.Fields {
			if got, ok := s[ch.Record][f]; !ok || got != compact(t, v) {
				if missing++; missing <= 5 {
					t.Errorf("record %s field %s = %q (present: %v), want %s", ch.Record, f, got, ok, v)
				}
			}
		}
	}
	if missing > 0 {
		t.Fatalf("%d acknowledged fields missing or wrong out of %d changes", missing, len(changes))
	}
}

// push sends changes as token, fails unless the server stored them all,
// and returns the answer.
func (c *client) push(w, token, replica string, changes []change) syncResponse {
	c.t.Helper()
	var resp syncResponse
	req := syncRequest{Replica: replica, Changes: changes, Grouped: true}
	if st, body := c.do("POST", "/api/v1/workshops/"+w+"/sync", token, req, &resp); st != 200 {
		c.t.Fatalf("push: status %d, want 200: %s", st, body)
	}
	if len(resp.Rejected) > 0 {
		c.t.Fatalf("push: rejected %+v", resp.Rejected)
	}
	return resp
}

// tinyPNG is a small valid image for blob uploads.
func tinyPNG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		for y := 0; y < 30; y++ {
			img.Set(x, y, color.RGBA{uint8(6 * x), uint8(8 * y), 0x80, 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload sends blob in two PATCHes, resuming from the offset HEAD gives.
func (c *client) upload(w, token string, blob []byte) string {
	c.t.Helper()
	sum := sha256.Sum256(blob)
	hash := hex.EncodeToString(sum[:])
	path := c.base + "/api/v1/workshops/" + w + "/blobs/" + hash
	send := func(method string, offset int, body []byte) *http.Response {
		c.t.Helper()
		req, err := http.NewRequest(method, path, bytes.NewReader(body))
		if err != nil {
			c.t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if method == "PATCH" {
			req.Header.Set("Content-Type", "application/offset+octet-stream")
			req.Header.Set("Upload-Offset", strconv.Itoa(offset))
			req.Header.Set("Upload-Length", strconv.Itoa(len(blob)))
		}
		resp, err := c.http.Do(req)
		if err != nil {
			c.t.Fatalf("%s blob: %v", method, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if r := send("HEAD", 0, nil); r.StatusCode != 404 || r.Header.Get("Upload-Offset") != "0" {
		c.t.Fatalf("HEAD a new blob: %d Upload-Offset %q, want 404 and 0", r.StatusCode, r.Header.Get("Upload-Offset"))
	}
	half := len(blob) / 2
	if r := send("PATCH", 0, blob[:half]); r.StatusCode != 204 {
		c.t.Fatalf("PATCH the first half: status %d, want 204", r.StatusCode)
	}
	r := send("HEAD", 0, nil)
	off, _ := strconv.Atoi(r.Header.Get("Upload-Offset"))
	if r.StatusCode != 404 || off != half {
		c.t.Fatalf("HEAD half a blob: %d Upload-Offset %d, want 404 and %d", r.StatusCode, off, half)
	}
	if r := send("PATCH", off, blob[off:]); r.StatusCode != 204 || r.Header.Get("Upload-Offset") != strconv.Itoa(len(blob)) {
		c.t.Fatalf("PATCH the rest: %d Upload-Offset %q, want 204 and %d", r.StatusCode, r.Header.Get("Upload-Offset"), len(blob))
	}
	return hash
}

// wantBlob checks that the server returns blob byte for byte.
func (c *client) wantBlob(w, token, hash string, blob []byte) {
	c.t.Helper()
	st, body := c.do("GET", "/api/v1/workshops/"+w+"/blobs/"+hash, token, nil, nil)
	if st != 200 || !bytes.Equal(body, blob) {
		c.t.Fatalf("GET blob: status %d, %d bytes; want 200 and the %d bytes uploaded", st, len(body), len(blob))
	}
}

// TestServe: with its defaults but a temp data folder and a free port,
// carnet serves its page at / and the whole round of PROTOCOL.md: create,
// join, sync both ways, upload a photo and read it back.
func TestServe(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	p := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", data)
	if !strings.HasPrefix(p.url, "http://127.0.0.1:") {
		t.Fatalf("serving at %q, want http://127.0.0.1:port", p.url)
	}
	if _, err := os.Stat(filepath.Join(data, "carnet.db")); err != nil {
		t.Errorf("no SQLite file in the data folder: %v", err)
	}
	c := newClient(t, p.url, nil)
	if st, body := c.do("GET", "/", "", nil, nil); st != 200 || len(body) == 0 {
		t.Errorf("GET /: status %d, %d bytes; want 200 and a page", st, len(body))
	}

	w := c.create("", "Toulon, jour 1")
	participant := newID()
	token := c.join(w, participant, "device-secret-0123456789abcdef", "Aïcha")
	if again := c.join(w, participant, "device-secret-0123456789abcdef", "Aïcha"); again != token {
		t.Errorf("joining again with the same device secret gave another token")
	}
	phone := &hlc{replica: newID()}
	notes := []change{
		note(phone.next(), participant, "Les données du port arrivent par mail", "problem"),
		note(phone.next(), participant, "Un tableau de bord partagé <b>en direct</b>", "wish"),
	}
	c.push(w.Workshop, token, phone.replica, notes)
	png := tinyPNG(t)
	hash := c.upload(w.Workshop, token, png)

	got := c.pullAll(w.Workshop, w.FacilitatorToken)
	got.want(t, notes)
	if name := got[participant]["name"]; name != `"Aïcha"` {
		t.Errorf("participant record name = %s, want \"Aïcha\"", name)
	}
	if title := got[w.Workshop]["title"]; title != `"Toulon, jour 1"` {
		t.Errorf("workshop record title = %s, want \"Toulon, jour 1\"", title)
	}
	c.wantBlob(w.Workshop, w.FacilitatorToken, hash, png)

	// A workshop from one of the seed's templates comes with its agenda.
	var toulon created
	if st, body := c.do("POST", "/api/v1/workshops", "", map[string]any{"title": "Toulon", "template": "toulon", "locale": "fr"}, &toulon); st != 201 {
		t.Fatalf("create from the toulon template: status %d, want 201: %s", st, body)
	}
	steps := 0
	for _, fields := range c.pullAll(toulon.Workshop, toulon.FacilitatorToken) {
		if _, ok := fields["minutes"]; ok {
			steps++
		}
	}
	if steps == 0 {
		t.Errorf("a workshop from the toulon template has no session with minutes")
	}
}

// selfSigned writes a self-signed certificate for 127.0.0.1 and localhost
// into dir and returns the paths of the certificate and key files and a
// pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "carnet test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}

// TestServeTLS: with --tls-cert and --tls-key carnet serves HTTPS (and
// HTTP/2) with that certificate; a client that trusts it creates, joins and
// syncs, and one that does not is turned away by its own TLS check.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	p := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(p.url, "https://127.0.0.1:") {
		t.Fatalf("serving at %q, want https://127.0.0.1:port", p.url)
	}

	trusting := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool},
		ForceAttemptHTTP2: true,
	}}
	resp, err := trusting.Get(p.url + "/")
	if err != nil {
		t.Fatalf("GET / over HTTPS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || resp.ProtoMajor != 2 {
		t.Errorf("GET / over HTTPS: status %d, TLS %v, %s; want 200 over TLS with HTTP/2", resp.StatusCode, resp.TLS != nil, resp.Proto)
	}

	c := newClient(t, p.url, trusting)
	w := c.create("", "Chamonix")
	participant := newID()
	token := c.join(w, participant, "another-device-secret-0123456789", "Lou")
	phone := &hlc{replica: newID()}
	notes := []change{note(phone.next(), participant, "Neige et capteurs", "data")}
	c.push(w.Workshop, token, phone.replica, notes)
	c.pullAll(w.Workshop, w.FacilitatorToken).want(t, notes)

	var unknown x509.UnknownAuthorityError
	if _, err := http.Get(p.url + "/"); err == nil || !errors.As(err, &unknown) {
		t.Errorf("GET with the system's roots: err = %v, want an unknown authority error", err)
	}
	plain := newClient(t, "http://"+strings.TrimPrefix(p.url, "https://"), nil)
	if st, body, err := plain.try("POST", "/api/v1/workshops", "", map[string]any{"title": "en clair"}, nil); err == nil && st != 400 {
		t.Errorf("plain HTTP on the TLS port: status %d, want 400 or no answer: %s", st, body)
	}
}

// TestSIGTERM: SIGTERM ends event streams, finishes requests, closes the
// store and exits 0 at once; what was stored is there after a restart.
func TestSIGTERM(t *testing.T) {
	data := t.TempDir()
	p := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", data)
	c := newClient(t, p.url, nil)
	w := c.create("", "Caux")
	phone := &hlc{replica: newID()}
	notes := []change{note(phone.next(), newID(), "Grille du numérique responsable", "current")}
	c.push(w.Workshop, w.FacilitatorToken, phone.replica, notes)
	png := tinyPNG(t)
	hash := c.upload(w.Workshop, w.FacilitatorToken, png)

	// An open event stream must not hold up the shutdown.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", p.url+"/api/v1/workshops/"+w.Workshop+"/events?token="+w.FacilitatorToken, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("open the event stream: %v", err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("event stream: status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	streamEnded := make(chan struct{})
	go func() {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		close(streamEnded)
	}()

	start := time.Now()
	p.signal(syscall.SIGTERM)
	if code := p.wait(10 * time.Second); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0:\n%s", code, p.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %v with one event stream open, want it prompt", d)
	}
	select {
	case <-streamEnded:
	case <-time.After(5 * time.Second):
		t.Errorf("the event stream is still open after the server exited")
	}
	log := p.stderr.String()
	for _, want := range []string{"carnet stopping", "carnet stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("log does not say %q:\n%s", want, log)
		}
	}
	for _, bad := range []string{"cutting them", "level=ERROR"} {
		if strings.Contains(log, bad) {
			t.Errorf("log says %q on a clean shutdown:\n%s", bad, log)
		}
	}

	p2 := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", data)
	c2 := newClient(t, p2.url, nil)
	c2.pullAll(w.Workshop, w.FacilitatorToken).want(t, notes)
	c2.wantBlob(w.Workshop, w.FacilitatorToken, hash, png)
}

// TestSIGKILLKeepsAcknowledged: writers push batches of notes; the server
// is killed with SIGKILL in the middle of the stream and restarted on the
// same data folder; every change it answered 200 for is there.
func TestSIGKILLKeepsAcknowledged(t *testing.T) {
	data := t.TempDir()
	p := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", data)
	setup := newClient(t, p.url, nil)
	w := setup.create("", "Dunkerque")
	participants := make([]string, 4)
	tokens := make([]string, 4)
	for i := range participants {
		participants[i] = newID()
		tokens[i] = setup.join(w, participants[i], fmt.Sprintf("device-secret-of-writer-%d-0123456789", i), fmt.Sprintf("Phone %d", i))
	}

	const (
		maxBatch  = 20  // notes a request, from 1
		killAfter = 200 // acknowledged requests before the kill
	)
	var (
		mu     sync.Mutex
		acked  []change
		posts  atomic.Int64
		cut    atomic.Int64 // requests the kill cut
		wg     sync.WaitGroup
		killed = make(chan struct{})
	)
	for i := range participants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A transport of its own, so that requests cut by the kill are
			// not retried behind the test's back.
			c := newClient(t, p.url, &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{}})
			phone := &hlc{replica: newID()}
			since := ""
			for n := 0; ; n++ {
				changes := make([]change, 1+(n*7+i)%maxBatch)
				for j := range changes {
					changes[j] = note(phone.next(), participants[i], fmt.Sprintf("writer %d batch %d note %d", i, n, j), "idea")
				}
				var resp syncResponse
				req := syncRequest{Replica: phone.replica, Since: since, Changes: changes}
				st, body, err := c.try("POST", "/api/v1/workshops/"+w.Workshop+"/sync", tokens[i], req, &resp)
				if err != nil {
					select {
					case <-killed:
						cut.Add(1) // the server is gone: this batch was never acknowledged
						return
					default:
						t.Errorf("writer %d: %v before the kill", i, err)
						return
					}
				}
				if st != 200 || len(resp.Rejected) > 0 {
					t.Errorf("writer %d: status %d, rejected %+v: %s", i, st, resp.Rejected, body)
					return
				}
				since = resp.Cursor
				mu.Lock()
				acked = append(acked, changes...)
				mu.Unlock()
				posts.Add(1)
			}
		}()
	}
	deadline := time.Now().Add(60 * time.Second)
	for posts.Load() < killAfter && time.Now().Before(deadline) && !t.Failed() {
		time.Sleep(5 * time.Millisecond)
	}
	close(killed)
	p.signal(syscall.SIGKILL)
	p.wait(10 * time.Second)
	wg.Wait()
	if t.Failed() {
		return
	}
	if n := posts.Load(); n < killAfter {
		t.Fatalf("only %d batches acknowledged in 60s", n)
	}

	p2 := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", data)
	c := newClient(t, p2.url, nil)
	got := c.pullAll(w.Workshop, w.FacilitatorToken)
	got.want(t, acked)
	t.Logf("%d batches (%d notes) acknowledged before SIGKILL, all there after the restart; %d requests cut", posts.Load(), len(acked), cut.Load())

	// And the restarted server goes on taking changes in the same workshop.
	phone := &hlc{replica: newID()}
	more := []change{note(phone.next(), participants[0], "après le redémarrage", "smile")}
	c.push(w.Workshop, tokens[0], phone.replica, more)
	c.pullAll(w.Workshop, w.FacilitatorToken).want(t, append(acked, more...))
}

// TestServeApp: with --web pointing at the built app (make wasm; the test
// skips without it) carnet serves the PWA at / from that folder, whatever
// its working directory, app.wasm compressed as the browser accepts, and
// the API beside it.
func TestServeApp(t *testing.T) {
	web, err := filepath.Abs(filepath.Join("..", "..", "web"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(web, "app.wasm")); err != nil {
		t.Skipf("no built app (%v): run make wasm", err)
	}
	p := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--web", web)
	if strings.Contains(p.stderr.String(), "without the app") {
		t.Fatalf("carnet serves without the app from %s:\n%s", web, p.stderr)
	}
	c := newClient(t, p.url, nil)
	resp, err := c.http.Get(p.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /: status %d, Content-Type %q; want 200 and the app's HTML", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	req, _ := http.NewRequest("GET", p.url+"/web/app.wasm", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err = (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("GET /web/app.wasm accepting gzip: status %d, Content-Encoding %q; want 200 gzip", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	c.create("", "Le Havre")
}
