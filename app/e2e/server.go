//go:build !js

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carnet/app/pwa"
	"carnet/sync/server"
	"carnet/sync/store"
	"carnet/sync/store/sqlite"
)

// Server is the real sync server (SQLite in a temporary folder) serving
// the built app on a random loopback port. It logs every request it gets,
// so that a test can check that nothing reached it while "offline".
type Server struct {
	URL    string // http://127.0.0.1:<port>, no trailing slash
	WebDir string
	Store  store.Store
	API    *server.Server

	app  atomic.Pointer[http.Handler]
	http *http.Server

	mu   sync.Mutex
	reqs []Request
}

// Request is one request the server got.
type Request struct {
	Method, Path string // the path only: a ?token= stays out
	At           time.Time
}

// ServerOption changes what StartServer builds.
type ServerOption func(*serverOptions)

type serverOptions struct {
	web    string
	config func(*server.Config)
	app    func(web string) (http.Handler, error)
}

// WithWebDir serves the app of dir rather than the one BuildWeb builds.
func WithWebDir(dir string) ServerOption { return func(o *serverOptions) { o.web = dir } }

// WithConfig lets a test change the sync server's config (templates,
// limits, an organizer key) before it starts.
func WithConfig(f func(*server.Config)) ServerOption {
	return func(o *serverOptions) { o.config = f }
}

// WithApp serves the handler that f makes from the web folder instead of
// pwa.New's.
func WithApp(f func(web string) (http.Handler, error)) ServerOption {
	return func(o *serverOptions) { o.app = f }
}

// StartServer starts a server for one test; it stops when the test ends.
func StartServer(tb testing.TB, opts ...ServerOption) *Server {
	tb.Helper()
	s, stop, err := startServer(tb.TempDir(), opts...)
	if err != nil {
		tb.Fatalf("start server: %v", err)
	}
	tb.Cleanup(stop)
	return s
}

var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error
)

// Shared returns the server that every test of the binary shares (one
// SQLite file, one built app), starting it the first time. Tests that
// share it must use workshops of their own. Main stops it.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "carnet-e2e-server-")
		if err != nil {
			sharedErr = err
			return
		}
		var stop func()
		shared, stop, sharedErr = startServer(dir)
		atExit(func() {
			if stop != nil {
				stop()
			}
			os.RemoveAll(dir)
		})
	})
	if sharedErr != nil {
		tb.Fatalf("start the shared server: %v", sharedErr)
	}
	return shared
}

func startServer(dir string, opts ...ServerOption) (*Server, func(), error) {
	var o serverOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.web == "" {
		web, err := BuildWeb()
		if err != nil {
			return nil, nil, err
		}
		o.web = web
	}
	if o.app == nil {
		o.app = func(web string) (http.Handler, error) {
			return pwa.New(pwa.Config{WebDir: web, Logger: quietLogger()})
		}
	}
	appHandler, err := o.app(o.web)
	if err != nil {
		return nil, nil, fmt.Errorf("app: %w", err)
	}
	st, err := sqlite.Open(filepath.Join(dir, "carnet.db"))
	if err != nil {
		return nil, nil, err
	}
	s := &Server{WebDir: o.web, Store: st}
	s.SetApp(appHandler)
	cfg := server.Config{
		Store:      st,
		OpenCreate: true,
		Logger:     quietLogger(),
		App:        http.HandlerFunc(s.serveApp),
	}
	if o.config != nil {
		o.config(&cfg)
	}
	api, err := server.New(cfg)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	s.API = api
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		api.Close()
		st.Close()
		return nil, nil, err
	}
	s.URL = "http://" + ln.Addr().String()
	s.http = &http.Server{Handler: s.logged(api), ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(ln)
	stop := func() {
		api.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.http.Shutdown(ctx); err != nil {
			s.http.Close()
		}
		st.Close()
	}
	return s, stop, nil
}

func quietLogger() *slog.Logger {
	if os.Getenv("CARNET_E2E_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// SetApp replaces the app handler while the server runs, for update tests.
func (s *Server) SetApp(h http.Handler) { s.app.Store(&h) }

func (s *Server) serveApp(w http.ResponseWriter, r *http.Request) {
	(*s.app.Load()).ServeHTTP(w, r)
}

func (s *Server) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.Path, At: time.Now()})
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// Mark returns a position in the request log, for RequestsSince.
func (s *Server) Mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// RequestsSince returns the requests that arrived after mark, whose path
// starts with prefix ("" for all).
func (s *Server) RequestsSince(mark int, prefix string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.reqs[min(mark, len(s.reqs)):] {
		if strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// Get fetches path from the server with a plain Go client (not a browser)
// and the given headers, and returns the answer with its body read.
func (s *Server) Get(path string, header ...string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		return nil, nil, err
	}
	if len(header)%2 != 0 {
		return nil, nil, errors.New("Get: headers go in name, value pairs")
	}
	for i := 0; i < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// A Transport that does not decompress: the test sees the bytes sent.
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr, Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res, b, err
}

// Version returns the app version the server's worker script carries (the
// suffix of its cache name, "app-<version>").
func (s *Server) Version() (string, error) {
	res, b, err := s.Get("/app-worker.js")
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /app-worker.js: %s", res.Status)
	}
	m := cacheNameRE.FindSubmatch(b)
	if m == nil {
		return "", errors.New("app-worker.js has no cache name")
	}
	return string(m[1]), nil
}

var cacheNameRE = regexp.MustCompile(`const cacheName = "app-" \+ "([^"]*)";`)

// Workshop is what creating a workshop answers (PROTOCOL.md).
type Workshop struct {
	ID       string `json:"workshop"`
	Token    string `json:"facilitator_token"`
	JoinCode string `json:"join_code"`
}

// CreateWorkshop creates a workshop through the API, from template ("" for
// a blank one), as a facilitator would.
func (s *Server) CreateWorkshop(title, template string) (Workshop, error) {
	body, err := json.Marshal(map[string]string{"title": title, "template": template, "locale": "fr"})
	if err != nil {
		return Workshop{}, err
	}
	res, err := http.Post(s.URL+"/api/v1/workshops", "application/json", bytes.NewReader(body))
	if err != nil {
		return Workshop{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return Workshop{}, err
	}
	if res.StatusCode != http.StatusCreated {
		return Workshop{}, fmt.Errorf("create workshop: %s: %s", res.Status, b)
	}
	var w Workshop
	if err := json.Unmarshal(b, &w); err != nil {
		return Workshop{}, fmt.Errorf("create workshop: %w", err)
	}
	return w, nil
}
