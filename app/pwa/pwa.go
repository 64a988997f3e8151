package pwa

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzhttp"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/ui"
)

// Colours of the app; ThemeColor is also the ink of the icons.
const (
	ThemeColor      = "#1d3557"
	BackgroundColor = "#f7f5f0"
)

// Files of the web folder that the app precaches besides app.wasm.
const (
	StyleFile        = "app.css"
	IconFile         = "icon-192.png"
	LargeIconFile    = "icon-512.png"
	MaskableIconFile = "icon-maskable-512.png"
	SVGIconFile      = "icon.svg"
)

// Config configures New.
type Config struct {
	// WebDir is the folder holding app.wasm (with app.wasm.gz and
	// app.wasm.zst), app.css and the icons. Default "web".
	WebDir string
	// Logger gets start-up warnings; default slog.Default().
	Logger *slog.Logger
	// Version overrides the version derived from the files' SHA-256. Tests
	// use it; a server should leave it empty.
	Version string
	// ConnectSrc adds origins (such as "https://sync.example.org") the
	// app may call besides its own, to the CSP's connect-src.
	ConnectSrc []string
	// Env is passed to the app, read with app.Getenv. It is public: no
	// secrets.
	Env map[string]string
	// CacheableResources adds paths to precache (such as fonts under
	// /web/). Each must answer 200, or New fails.
	CacheableResources []string
}

// routesOnce registers the UI's routes once per process: pre-rendering
// uses go-app's global router.
var routesOnce sync.Once

// New returns the handler of the app built in cfg.WebDir. It fails with an
// error wrapping ErrNoWasm when there is no app.wasm, with
// ErrWorkerTemplate when go-app's worker changed, and when a precached
// resource does not answer 200.
func New(cfg Config) (http.Handler, error) {
	if cfg.WebDir == "" {
		cfg.WebDir = "web"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	routesOnce.Do(ui.Routes)

	wasm, err := loadWasm(cfg.WebDir, cfg.Logger)
	if err != nil {
		return nil, err
	}
	sw, err := serviceWorkerTemplate(defaultWorker)
	if err != nil {
		return nil, err
	}
	cacheable := append([]string{"/web/" + SVGIconFile}, cfg.CacheableResources...)

	version := cfg.Version
	if version == "" {
		version, err = deriveVersion(cfg.WebDir, wasm, sw, cacheable)
		if err != nil {
			return nil, err
		}
	}

	h := &handler{
		webDir: cfg.WebDir,
		wasm:   wasm,
		csp:    contentSecurityPolicy(cfg.ConnectSrc),
		app: &app.Handler{
			Name:            "Carnet",
			ShortName:       "Carnet",
			Title:           "Carnet",
			Description:     "Carnet d'atelier : post-its, photos et votes, même sans réseau.",
			Lang:            "fr",
			ThemeColor:      ThemeColor,
			BackgroundColor: BackgroundColor,
			LoadingLabel:    "Chargement… {progress} %",
			Icon: app.Icon{
				Default:  "/web/" + IconFile,
				Large:    "/web/" + LargeIconFile,
				Maskable: "/web/" + MaskableIconFile,
				SVG:      "/web/" + SVGIconFile,
			},
			Styles:             []string{"/web/" + StyleFile},
			CacheableResources: cacheable,
			RawHeaders: []string{
				`<meta name="apple-mobile-web-app-capable" content="yes">`,
				`<meta name="apple-mobile-web-app-status-bar-style" content="default">`,
				`<meta name="apple-mobile-web-app-title" content="Carnet">`,
				`<meta name="format-detection" content="telephone=no">`,
			},
			Env:                     cfg.Env,
			Resources:               webResolver{},
			Version:                 version,
			WasmContentLength:       strconv.Itoa(len(wasm.raw)),
			WasmContentLengthHeader: WasmLengthHeader,
			ServiceWorkerTemplate:   sw,
		},
	}
	// Pages, app.js, wasm_exec.js, CSS: compressed on the fly (app.wasm
	// is precompressed and served apart). A compressed answer's ETag gets
	// a -gzip or -zstd suffix (RFC 9110 8.8.3), which ServeHTTP strips from
	// If-None-Match again for go-app's exact comparison.
	gz, err := gzhttp.NewWrapper(gzhttp.PreferZstd(true), gzhttp.MinSize(1024), gzhttp.SuffixETag("-"))
	if err != nil {
		return nil, fmt.Errorf("compression: %w", err)
	}
	h.compressed = gz(http.HandlerFunc(h.serve))
	if err := h.checkPrecache(); err != nil {
		return nil, err
	}
	return h, nil
}

// deriveVersion hashes app.wasm with every other file that the worker
// precaches from the web folder and the worker itself: any change to them
// is a new version, and a restart with the same files is not.
func deriveVersion(dir string, wasm *wasmAssets, worker string, cacheable []string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "wasm %s\nworker %x\n", wasm.sumHex(), sha256.Sum256([]byte(worker)))
	files := []string{StyleFile, IconFile, LargeIconFile, MaskableIconFile}
	for _, c := range cacheable {
		if name, ok := strings.CutPrefix(c, "/web/"); ok {
			files = append(files, name)
		}
	}
	sort.Strings(files)
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return "", fmt.Errorf("precached /web/%s: %w", name, err)
		}
		fmt.Fprintf(h, "%s %x\n", name, sha256.Sum256(b))
	}
	return hex.EncodeToString(h.Sum(nil))[:20], nil
}

// handler serves the app: app.wasm and the web folder itself, the rest
// through go-app.
type handler struct {
	webDir     string
	wasm       *wasmAssets
	csp        string
	app        *app.Handler
	compressed http.Handler // serve, compressed by Accept-Encoding
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.setSecurityHeaders(w, r)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch p := r.URL.Path; p {
	case "/web/" + WasmFile, "/app.wasm", "/goapp.wasm":
		h.wasm.serve(w, r, h.app.Version)
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		r.Header.Set("If-None-Match", etagSuffix.ReplaceAllString(inm, `"`))
	}
	h.compressed.ServeHTTP(w, r)
}

// etagSuffix is what gzhttp.SuffixETag("-") adds to a compressed answer's
// ETag.
var etagSuffix = regexp.MustCompile(`--(gzip|zstd)"`)

// serve answers everything but app.wasm.
func (h *handler) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/web/"):
		h.serveFile(w, r, strings.TrimPrefix(p, "/web/"))
	case p == "/robots.txt" || p == "/sitemap.xml" || p == "/ads.txt":
		// go-app answers these by fetching http://<Host header>/web/...:
		// a request could make the server fetch from any host and cache
		// that answer for everyone. Serve them from the web folder.
		h.serveFile(w, r, strings.TrimPrefix(p, "/"))
	default:
		h.app.ServeHTTP(w, r)
	}
}

// validName matches the file names the web folder serves: no dot files,
// no directories listed.
var validName = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$`)

// serveFile serves a file of the web folder, never a directory listing.
func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	if !validName.MatchString(name) || path.Clean(name) != name {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(filepath.Join(h.webDir, filepath.FromSlash(name)))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			http.Error(w, "cannot read the file", http.StatusInternalServerError)
			return
		}
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, st.ModTime(), f)
}

// checkPrecache asks the handler for every resource the worker precaches,
// as the worker will: one that does not answer 200 would leave phones
// with no offline app.
func (h *handler) checkPrecache() error {
	rec := newRecorder()
	h.ServeHTTP(rec, mustRequest("/app-worker.js"))
	if rec.status != http.StatusOK {
		return fmt.Errorf("app-worker.js answers %d", rec.status)
	}
	list, err := precacheList(rec.body.Bytes())
	if err != nil {
		return err
	}
	var bad []string
	for _, u := range list {
		rec := newRecorder()
		h.ServeHTTP(rec, mustRequest(u))
		if rec.status != http.StatusOK {
			bad = append(bad, fmt.Sprintf("%s (%d)", u, rec.status))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("precached resources do not answer 200: %s; the service worker could not install", strings.Join(bad, ", "))
	}
	return nil
}

// resourcesLine finds the list of precached URLs in app-worker.js.
var resourcesLine = regexp.MustCompile(`(?m)^const resourcesToCache = (\[.*\]);$`)

// precacheList returns the URLs that the worker script precaches.
func precacheList(worker []byte) ([]string, error) {
	m := resourcesLine.FindSubmatch(worker)
	if m == nil {
		return nil, errors.New("app-worker.js: no resourcesToCache list")
	}
	var list []string
	if err := json.Unmarshal(m[1], &list); err != nil {
		return nil, fmt.Errorf("app-worker.js: resourcesToCache: %w", err)
	}
	return list, nil
}

func mustRequest(target string) *http.Request {
	r, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		panic(err) // target is a path the handler made
	}
	r.RequestURI = target
	r.Header.Set("Accept-Encoding", "identity")
	return r
}

// recorder is a minimal http.ResponseWriter for checkPrecache (not
// httptest's, which registers a command-line flag in the server binary).
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

// webResolver resolves /web/ paths as app.LocalDir("") does (to
// themselves) but serves nothing itself: handler serves the web folder,
// wherever it is, without directory listings.
type webResolver struct{}

func (webResolver) Resolve(location string) string {
	return app.LocalDir("").Resolve(location)
}
