package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/klauspost/compress/gzhttp"

	"carnet/sync/replica"
	"carnet/sync/store"
	"carnet/sync/template"
)

// Defaults of Config.
const (
	DefaultMaxBlob    = 20 << 20 // bytes of one blob
	DefaultMaxBody    = 8 << 20  // bytes of a sync body, decompressed
	DefaultMaxChanges = 10000    // fields a sync request
	DefaultPageSize   = 10000    // changes a sync answer
	DefaultKeepAlive  = 25 * time.Second
	DefaultMaxStreams = 4096
	DefaultThumbCache = 32 << 20 // bytes of thumbnails kept in memory
)

// Default rates: a room of phones behind one address may all join at once,
// but a join code cannot be guessed at that pace.
var (
	DefaultCreateRate = Rate{Burst: 10, Every: 6 * time.Second}
	DefaultJoinRate   = Rate{Burst: 60, Every: time.Second}
)

// TemplateFunc makes the records of a workshop template for a new workshop:
// its sessions, groups and ballots, as changes (single or grouped) stamped
// with clock, whose record ids the template makes (UUIDs). ok is false for
// a template id it does not know.
type TemplateFunc func(template, workshop string, clock replica.Clock) (records []replica.Change, ok bool)

// BuiltinTemplates makes the records of the seed's protocols (package
// template): "toulon", "lisieux", "chamonix", "caux", "dunkerque", and
// "blank" for none.
func BuiltinTemplates(name, workshop string, clock replica.Clock) ([]replica.Change, bool) {
	t, ok := template.Get(name)
	if !ok {
		return nil, false
	}
	hlc := replica.NewHLC(clock.Replica(), func() int64 { return clock.Millis() })
	hlc.Observe(clock)
	return template.Records(t, workshop, hlc), true
}

// Config configures a Server. Store is required; every other field has a
// default.
type Config struct {
	Store store.Store
	// App serves every path outside /api/v1 (the PWA). When nil, / answers
	// a short HTML page saying what this server is.
	App http.Handler
	// OrganizerKey, when set, is the bearer token that create needs.
	OrganizerKey string
	// OpenCreate lets anyone create a workshop when OrganizerKey is empty
	// (a server on loopback). With neither, create answers 401.
	OpenCreate bool
	// Templates makes a template's records at create; nil means the
	// built-in templates of the seed's protocols (package template).
	Templates TemplateFunc
	// Now is the server's clock; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// Replica is the server's replica id, stamped in the clocks of the
	// records it makes; default a new UUIDv7.
	Replica string

	MaxBlob    int64 // bytes of one blob; default DefaultMaxBlob
	MaxBody    int64 // bytes of a sync body, decompressed; default DefaultMaxBody
	MaxChanges int   // fields a sync request; default DefaultMaxChanges
	PageSize   int   // changes a sync answer; default DefaultPageSize

	CreateRate Rate // creates per client address; default DefaultCreateRate
	JoinRate   Rate // joins per client address; default DefaultJoinRate
	// TrustProxy takes the client address from the last X-Forwarded-For
	// entry (behind a reverse proxy) for the rate limits.
	TrustProxy bool

	KeepAlive  time.Duration // between keep-alive comments of event streams
	MaxStreams int           // event streams open at once
	ThumbCache int64         // bytes of thumbnails cached in memory
}

// Server serves the sync API of PROTOCOL.md. It is an http.Handler; call
// Close before shutting the http.Server down, to end the event streams.
type Server struct {
	cfg     Config
	log     *slog.Logger
	hub     *hub
	gz      func(http.Handler) http.HandlerFunc
	create  *limiter
	join    *limiter
	thumbs  *thumbCache
	workers chan struct{} // bounds image decoding at once

	mu  sync.Mutex // guards hlc
	hlc *replica.HLC

	wsMu sync.Mutex
	ws   map[string]store.Workshop // workshops never change once made

	uploads inFlight // PATCHes being received, by workshop and blob

	done      chan struct{}
	closeOnce sync.Once
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// New returns a Server for cfg. It fails when cfg.Store is nil or a value
// is out of range. When the store implements store.Watcher, the server
// relays its cursor moves to its event streams until Close.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: config needs a store")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Templates == nil {
		cfg.Templates = BuiltinTemplates
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Replica == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return nil, fmt.Errorf("server: replica id: %w", err)
		}
		cfg.Replica = id.String()
	}
	if !replica.IsID(cfg.Replica) {
		return nil, fmt.Errorf("server: replica %q is not a lowercase UUID", cfg.Replica)
	}
	setDefault(&cfg.MaxBlob, DefaultMaxBlob)
	setDefault(&cfg.MaxBody, DefaultMaxBody)
	setDefault(&cfg.MaxChanges, DefaultMaxChanges)
	setDefault(&cfg.PageSize, DefaultPageSize)
	setDefault(&cfg.KeepAlive, DefaultKeepAlive)
	setDefault(&cfg.MaxStreams, DefaultMaxStreams)
	setDefault(&cfg.ThumbCache, DefaultThumbCache)

	gz, err := gzhttp.NewWrapper(gzhttp.PreferZstd(true), gzhttp.MinSize(1024))
	if err != nil {
		return nil, fmt.Errorf("server: compression: %w", err)
	}
	now := cfg.Now
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		hub:     newHub(),
		gz:      gz,
		create:  newLimiter(cfg.CreateRate, DefaultCreateRate, now),
		join:    newLimiter(cfg.JoinRate, DefaultJoinRate, now),
		thumbs:  newThumbCache(cfg.ThumbCache),
		workers: make(chan struct{}, 2),
		hlc:     replica.NewHLC(cfg.Replica, func() int64 { return now().UnixMilli() }),
		ws:      map[string]store.Workshop{},
		uploads: inFlight{m: map[string]chan struct{}{}},
		done:    make(chan struct{}),
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	if wt, ok := cfg.Store.(store.Watcher); ok {
		s.wg.Add(1)
		go s.watch(ctx, wt.Watch)
	}
	return s, nil
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Close ends the event streams and the store watch. It does not close the
// store. Requests other than event streams are left to http.Server.Shutdown.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.cancel()
	})
	s.wg.Wait()
	return nil
}

// clock returns a new clock of the server's replica.
func (s *Server) clock() replica.Clock {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hlc.Next()
}

// observe lets the server's clock follow the clocks it stores, except
// those from more than a day ahead of its wall clock (a device's wrong
// date must not drag it).
func (s *Server) observe(changes []replica.Change) {
	limit := s.cfg.Now().Add(24 * time.Hour).UnixMilli()
	var newest replica.Clock
	for _, c := range changes {
		if c.Clock > newest && c.Clock.Millis() <= limit {
			newest = c.Clock
		}
	}
	if newest == "" {
		return
	}
	s.mu.Lock()
	s.hlc.Observe(newest)
	s.mu.Unlock()
}

// ServeHTTP serves /api/v1/... and hands other paths to the app.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; p == "/api/v1" || strings.HasPrefix(p, "/api/v1/") {
		s.api(w, r)
		return
	}
	if s.cfg.App != nil {
		s.cfg.App.ServeHTTP(w, r)
		return
	}
	s.home(w, r)
}

// handler is one call of the API: it writes its answer, or returns the
// error to answer.
type handler func(w http.ResponseWriter, r *http.Request, ws string, arg string) error

type route struct {
	fn       handler
	compress bool     // answers may be large: compress them
	methods  []string // the methods it answers
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		level := slog.LevelDebug
		if sw.status >= 400 {
			level = slog.LevelInfo
		}
		// The path only: a ?token= never reaches the log.
		s.log.Log(r.Context(), level, "api", "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "bytes", sw.n, "ms", time.Since(start).Milliseconds())
	}()

	rt, ws, arg, err := s.route(r)
	if err == nil && !slices.Contains(rt.methods, r.Method) {
		allow := strings.Join(rt.methods, ", ")
		sw.Header().Set("Allow", allow)
		err = errorf(kindBadMethod, "%s does not answer %s: use %s", truncate(r.URL.Path, 100), truncate(r.Method, 20), allow)
	}
	if err != nil {
		s.writeError(sw, r, err)
		return
	}
	serve := func(w http.ResponseWriter, r *http.Request) {
		if err := rt.fn(w, r, ws, arg); err != nil {
			s.writeError(w, r, err)
		}
	}
	if rt.compress {
		s.gz(http.HandlerFunc(serve)).ServeHTTP(sw, r)
		return
	}
	serve(sw, r)
}

// route finds the call for r's path.
func (s *Server) route(r *http.Request) (rt route, ws, arg string, err error) {
	notFound := errorf(kindNotFound, "no API call at %s: use /api/v1/templates or /api/v1/workshops, then /{workshop}/join, /sync, /events, /export, /import, /erase or /blobs/{sha256}", truncate(r.URL.Path, 100))
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v1/"), "/")
	if len(parts) == 1 && parts[0] == "templates" {
		return route{s.templates, true, []string{http.MethodGet, http.MethodHead}}, "", "", nil
	}
	if parts[0] != "workshops" || len(parts) > 4 || len(parts) == 2 {
		return rt, "", "", notFound
	}
	if len(parts) == 1 {
		return route{s.createWorkshop, true, []string{http.MethodPost}}, "", "", nil
	}
	ws = parts[1]
	if !replica.IsID(ws) {
		return rt, "", "", errorf(kindInvalid, "workshop id %q must be a lowercase UUID", truncate(ws, 60))
	}
	switch {
	case len(parts) == 3 && parts[2] == "join":
		return route{s.joinWorkshop, true, []string{http.MethodPost}}, ws, "", nil
	case len(parts) == 3 && parts[2] == "sync":
		return route{s.sync, true, []string{http.MethodPost}}, ws, "", nil
	case len(parts) == 3 && parts[2] == "events":
		return route{s.eventsCall, false, []string{http.MethodGet}}, ws, "", nil
	case len(parts) == 3 && parts[2] == "import":
		return route{s.importWorkshop, true, []string{http.MethodPost}}, ws, "", nil
	case len(parts) == 3 && parts[2] == "erase":
		return route{s.erase, true, []string{http.MethodPost}}, ws, "", nil
	case len(parts) == 3 && parts[2] == "export":
		return route{s.export, true, []string{http.MethodGet}}, ws, "", nil
	case len(parts) == 4 && parts[2] == "blobs":
		if !isSHA256(parts[3]) {
			return rt, "", "", errorf(kindInvalid, "blob name %q must be its SHA-256 in 64 lowercase hex digits", truncate(parts[3], 80))
		}
		return route{s.blob, false, []string{http.MethodHead, http.MethodGet, http.MethodPatch}}, ws, parts[3], nil
	}
	return rt, "", "", notFound
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// workshop returns a workshop by id, 404 when there is none.
func (s *Server) workshop(ctx context.Context, id string) (store.Workshop, error) {
	s.wsMu.Lock()
	w, ok := s.ws[id]
	s.wsMu.Unlock()
	if ok {
		return w, nil
	}
	w, err := s.cfg.Store.Workshop(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return w, errorf(kindNotFound, "workshop %s does not exist on this server: check the link or QR code", id)
		}
		return w, internal(fmt.Errorf("load workshop: %w", err))
	}
	s.wsMu.Lock()
	if len(s.ws) >= 10000 {
		clear(s.ws)
	}
	s.ws[id] = w
	s.wsMu.Unlock()
	return w, nil
}

// open loads workshop id and checks r's token against it.
func (s *Server) open(r *http.Request, id string, query bool) (store.Workshop, replica.Principal, error) {
	w, err := s.workshop(r.Context(), id)
	if err != nil {
		return w, replica.Principal{}, err
	}
	p, err := authorize(r, w, query)
	return w, p, err
}

// storeError maps a store error: not found is the workshop's 404.
func storeError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errorf(kindNotFound, "the workshop does not exist on this server")
	}
	var e *apiError
	if errors.As(err, &e) {
		return e
	}
	return internal(err)
}

func (s *Server) eventsCall(w http.ResponseWriter, r *http.Request, ws, _ string) error {
	if _, _, err := s.open(r, ws, true); err != nil {
		return err
	}
	return s.events(w, r, ws)
}

// home answers / when there is no app.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	h.Set("X-Content-Type-Options", "nosniff")
	io.WriteString(w, homePage)
}

const homePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Carnet sync server</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.5}</style>
</head><body>
<h1>Carnet sync server</h1>
<p>This server keeps Carnet workshops in sync between phones and facilitators.
Its API lives under <code>/api/v1</code> (sync protocol version 1).
It serves no app here: open Carnet from the address your facilitator gave you.</p>
</body></html>
`

// statusWriter records the status and size of an answer for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush lets wrappers that assert http.Flusher flush through.
func (w *statusWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
