package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"carnet/sync/replica"
	"carnet/sync/store/sqlite"
)

// env is a real server on 127.0.0.1 with a real SQLite store.
type env struct {
	t   testing.TB
	srv *Server
	ts  *httptest.Server
	url string
	hlc *replica.HLC
	// reader is the replica e.sync says it is.
	reader string
}

// fakeClock is a settable clock for the server.
type fakeClock struct{ ms atomic.Int64 }

func (c *fakeClock) Now() time.Time { return time.UnixMilli(c.ms.Load()) }

func newEnv(t testing.TB, mod func(*Config)) *env {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "carnet.db"))
	if err != nil {
		t.Fatalf("sqlite.Open() = %v", err)
	}
	cfg := Config{
		Store:      st,
		OpenCreate: true,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		KeepAlive:  50 * time.Millisecond,
		CreateRate: Rate{Burst: -1},
		JoinRate:   Rate{Burst: -1},
	}
	if testing.Verbose() {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
		st.Close()
	})
	rep := uuid.Must(uuid.NewV7()).String()
	return &env{t: t, srv: srv, ts: ts, url: ts.URL, hlc: replica.NewHLC(rep, func() int64 { return time.Now().UnixMilli() }),
		reader: uuid.Must(uuid.NewV7()).String()}
}

// resp is an answer read whole.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) errorCode() string {
	var b errorBody
	json.Unmarshal(r.body, &b)
	return b.Error.Code
}

func (r resp) String() string {
	return fmt.Sprintf("%d %s", r.status, truncate(string(r.body), 300))
}

// do sends a request; body is marshalled to JSON unless it is []byte.
func (e *env) do(method, path, token string, body any, header ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return resp{res.StatusCode, res.Header, data}
}

// want fails the test unless r has status (and, for errors, code).
func want(t testing.TB, what string, r resp, status int, code ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s = %v, want status %d", what, r, status)
	}
	if len(code) > 0 && r.errorCode() != code[0] {
		t.Fatalf("%s = %v, want code %q", what, r, code[0])
	}
	if status >= 400 && len(r.body) > 0 {
		var b errorBody
		if err := json.Unmarshal(r.body, &b); err != nil || b.Error.Message == "" {
			t.Fatalf("%s: error body %q is not {\"error\": {code, message}}", what, r.body)
		}
	}
}

type workshop struct {
	id, facilitator, code string
}

func (e *env) create(title string) workshop {
	e.t.Helper()
	r := e.do("POST", "/api/v1/workshops", "", map[string]string{"title": title, "locale": "fr"})
	want(e.t, "create", r, 201)
	var out createResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		e.t.Fatal(err)
	}
	return workshop{out.Workshop, out.FacilitatorToken, out.JoinCode}
}

// join joins w as a new participant and returns its id and token.
func (e *env) join(w workshop, name string) (participant, token string) {
	e.t.Helper()
	participant = uuid.Must(uuid.NewV7()).String()
	r := e.do("POST", "/api/v1/workshops/"+w.id+"/join", "", map[string]string{
		"join_code": w.code, "participant": participant, "device_secret": "secret-" + participant, "name": name,
	})
	want(e.t, "join", r, 200)
	var out joinResponse
	json.Unmarshal(r.body, &out)
	return participant, out.Token
}

type syncAnswer struct {
	Cursor   string              `json:"cursor"`
	Changes  []replica.Change    `json:"changes"`
	More     bool                `json:"more"`
	Rejected []replica.Rejection `json:"rejected"`
}

// sync pushes changes and returns the answer, failing unless it is 200.
func (e *env) sync(w workshop, token, since string, changes []replica.Change, grouped bool) syncAnswer {
	e.t.Helper()
	r := e.do("POST", "/api/v1/workshops/"+w.id+"/sync", token, map[string]any{
		// Another replica than the one stamping e's changes: the answers
		// of these tests include every change.
		"replica": e.reader, "since": since, "changes": nonNil(changes), "grouped": grouped,
	})
	want(e.t, "sync", r, 200)
	var a syncAnswer
	if err := json.Unmarshal(r.body, &a); err != nil {
		e.t.Fatalf("sync answer %s: %v", r.body, err)
	}
	return a
}

func nonNil(c []replica.Change) []replica.Change {
	if c == nil {
		return []replica.Change{}
	}
	return c
}

// note returns a grouped change making a note by author.
func (e *env) note(id, author, text string) replica.Change {
	return replica.Change{Record: id, Kind: "note", Clock: e.hlc.Next(), Fields: map[string]json.RawMessage{
		"text": jsonValue(text), "color": jsonValue("problem"), "author": jsonValue(author),
	}}
}

func (e *env) set(id, kind, field string, v any) replica.Change {
	return replica.Change{Record: id, Kind: kind, Field: field, Value: jsonValue(v), Clock: e.hlc.Next()}
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// state merges every change of a sync answer.
func merged(changes []replica.Change) *replica.State {
	s := replica.NewState()
	for _, c := range changes {
		s.Apply(c)
	}
	return s
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func contains(s []byte, sub string) bool { return strings.Contains(string(s), sub) }
