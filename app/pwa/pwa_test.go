package pwa

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/pwa/pack"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newWebDir returns a web folder with the repository's icons and CSS and a
// fake app.wasm of n random bytes, precompressed unless raw.
func newWebDir(t *testing.T, n int, precompress bool) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{StyleFile, IconFile, LargeIconFile, MaskableIconFile, SVGIconFile} {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", name))
		if err != nil {
			t.Fatalf("repository web folder: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wasm := make([]byte, n)
	rand.Read(wasm[:n/2]) // half random, half zeros: compressible
	if err := os.WriteFile(filepath.Join(dir, WasmFile), wasm, 0o644); err != nil {
		t.Fatal(err)
	}
	if precompress {
		if _, err := pack.Precompress(filepath.Join(dir, WasmFile)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newHandler(t *testing.T, dir string) http.Handler {
	t.Helper()
	h, err := New(Config{WebDir: dir, Logger: quiet})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

func get(t *testing.T, h http.Handler, target string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestServiceWorkerTemplate(t *testing.T) {
	sw, err := serviceWorkerTemplate(app.DefaultAppWorkerJS)
	if err != nil {
		t.Fatalf("serviceWorkerTemplate(go-app's default worker): %v", err)
	}
	for _, want := range []string{
		"{{.Version}}", "{{.ResourcesToCache}}",
		"event.waitUntil(installWorker())",
		"event.waitUntil(activateWorker())",
		`request.mode === "navigate"`,
		"ignoreSearch: true",
		`fromCache("/")`,
		`url.pathname.startsWith("/api/")`,
		"throw err",
		`addEventListener("push"`, // go-app's notification code is kept
	} {
		if !strings.Contains(sw, want) {
			t.Errorf("worker lacks %q", want)
		}
	}
	if strings.Contains(sw, "await installWorker();") {
		t.Errorf("worker still has go-app's install handler that swallows errors")
	}
	if strings.Count(sw, `addEventListener("fetch"`) != 1 || strings.Count(sw, `addEventListener("install"`) != 1 {
		t.Errorf("worker must have exactly one install and one fetch handler")
	}

	for name, def := range map[string]string{
		"no install":   strings.Replace(app.DefaultAppWorkerJS, workerStart, "", 1),
		"no fetch":     strings.Replace(app.DefaultAppWorkerJS, workerEnd, "", 1),
		"no version":   strings.Replace(app.DefaultAppWorkerJS, "{{.Version}}", "", -1),
		"empty (wasm)": "",
	} {
		if _, err := serviceWorkerTemplate(def); !errors.Is(err, ErrWorkerTemplate) {
			t.Errorf("serviceWorkerTemplate(%s) = %v, want ErrWorkerTemplate", name, err)
		}
	}
}

func TestEncoding(t *testing.T) {
	tests := []struct{ accept, want string }{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br, zstd", "zstd"},
		{"gzip, deflate, br", "gzip"},
		{"zstd;q=0, gzip", "gzip"},
		{"zstd;q=0,gzip;q=0", ""},
		{"ZSTD", "zstd"},
		{"gzip;q=0.5, zstd;q=0.1", "zstd"},
		{"*", "zstd"},
		{"*;q=0", ""},
		{"*, zstd;q=0", "gzip"},
		{"br", ""},
		{" gzip ; q=1 ", "gzip"},
		{"gzip;q=x", "gzip"},
	}
	for _, tt := range tests {
		if got := encoding(tt.accept); got != tt.want {
			t.Errorf("encoding(%q) = %q, want %q", tt.accept, got, tt.want)
		}
	}
}

func TestWasmServedPrecompressed(t *testing.T) {
	dir := newWebDir(t, 1<<20, true)
	h := newHandler(t, dir)
	raw, _ := os.ReadFile(filepath.Join(dir, WasmFile))
	gz, _ := os.ReadFile(filepath.Join(dir, GzipFile))
	zst, _ := os.ReadFile(filepath.Join(dir, ZstdFile))

	tests := []struct {
		accept, enc string
		want        []byte
	}{
		{"gzip, deflate, br, zstd", "zstd", zst},
		{"gzip", "gzip", gz},
		{"", "", raw},
		{"br", "", raw},
	}
	for _, tt := range tests {
		res := get(t, h, "/web/app.wasm", "Accept-Encoding", tt.accept)
		b := body(t, res)
		if res.StatusCode != 200 {
			t.Fatalf("GET app.wasm (%q): %d", tt.accept, res.StatusCode)
		}
		if got := res.Header.Get("Content-Encoding"); got != tt.enc {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.enc)
		}
		if !bytes.Equal(b, tt.want) {
			t.Errorf("Accept-Encoding %q: body is not the %q file", tt.accept, tt.enc)
		}
		if got := res.Header.Get("Content-Length"); got != strconv.Itoa(len(tt.want)) {
			t.Errorf("Accept-Encoding %q: Content-Length %s, want %d", tt.accept, got, len(tt.want))
		}
		if got := res.Header.Get("Content-Type"); got != "application/wasm" {
			t.Errorf("Content-Type %q, want application/wasm", got)
		}
		if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("Vary %q, want Accept-Encoding", got)
		}
		if got := res.Header.Get(WasmLengthHeader); got != strconv.Itoa(len(raw)) {
			t.Errorf("%s %q, want %d", WasmLengthHeader, got, len(raw))
		}
		// A second request with the ETag gets 304.
		etag := res.Header.Get("ETag")
		res = get(t, h, "/web/app.wasm", "Accept-Encoding", tt.accept, "If-None-Match", etag)
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match %s: %d, want 304", etag, res.StatusCode)
		}
	}
	// go-app's loader is told the raw size.
	js := string(body(t, get(t, h, "/app.js")))
	if !strings.Contains(js, `goappWasmContentLength = "`+strconv.Itoa(len(raw))+`"`) ||
		!strings.Contains(js, `goappWasmContentLengthHeader = "`+WasmLengthHeader+`"`) {
		t.Errorf("app.js does not carry the raw wasm length and its header")
	}
}

func TestStaleCompressedFilesAreNotServed(t *testing.T) {
	dir := newWebDir(t, 64<<10, true)
	// A new build without wasmpack: the .gz and .zst are the old ones.
	fresh := bytes.Repeat([]byte("new build "), 10000)
	if err := os.WriteFile(filepath.Join(dir, WasmFile), fresh, 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, dir)
	for _, enc := range []string{"gzip", "zstd"} {
		res := get(t, h, "/web/app.wasm", "Accept-Encoding", enc)
		var r io.Reader
		switch enc {
		case "gzip":
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		case "zstd":
			zr, err := zstd.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			r = zr
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		if !bytes.Equal(got, fresh) {
			t.Errorf("%s: served the stale compressed file", enc)
		}
	}
}

func TestPages(t *testing.T) {
	h := newHandler(t, newWebDir(t, 4096, true))
	for _, target := range []string{"/", "/?x=1"} {
		res := get(t, h, target)
		page := string(body(t, res))
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d", target, res.StatusCode)
		}
		// go-app writes attributes in map order: look for elements
		// holding all the attributes, in any order.
		for _, want := range [][]string{
			{"html", `lang="fr"`},
			{"meta", `name="apple-mobile-web-app-capable"`, `content="yes"`},
			{"meta", `name="apple-mobile-web-app-status-bar-style"`},
			{"meta", `name="apple-mobile-web-app-title"`, `content="Carnet"`},
			{"meta", `name="theme-color"`, `content="` + ThemeColor + `"`},
			{"link", `rel="manifest"`, `href="/manifest.webmanifest"`},
			{"link", `rel="stylesheet"`, `href="/web/app.css"`},
			{"link", `rel="icon"`, `href="/web/icon.svg"`},
			{"aside", `id="app-wasm-loader"`},
		} {
			if !hasElement(page, want[0], want[1:]...) {
				t.Errorf("GET %s: page has no <%s %s>", target, want[0], strings.Join(want[1:], " "))
			}
		}
		if strings.Contains(page, "raw.githubusercontent.com") {
			t.Errorf("GET %s: page links a remote go-app default icon", target)
		}
		// No inline script: the CSP allows none.
		if strings.Contains(page, "<script>") || strings.Contains(page, "<script >") {
			t.Errorf("GET %s: page has an inline script", target)
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "'unsafe-eval'") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
			t.Errorf("CSP %q allows eval or inline scripts", csp)
		}
		for _, hd := range []string{"X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Permissions-Policy"} {
			if res.Header.Get(hd) == "" {
				t.Errorf("GET %s: no %s header", target, hd)
			}
		}
	}
}

func TestManifest(t *testing.T) {
	h := newHandler(t, newWebDir(t, 4096, true))
	var m struct {
		Name, ShortName, Description, StartURL, Display string
		ThemeColor                                      string `json:"theme_color"`
		Icons                                           []struct{ Src, Type, Purpose, Sizes string }
	}
	res := get(t, h, "/manifest.webmanifest")
	if err := json.Unmarshal(body(t, res), &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "Carnet" || m.ThemeColor != ThemeColor || m.Display != "standalone" || m.Description == "" {
		t.Errorf("manifest = %+v", m)
	}
	var maskable, svg bool
	for _, ic := range m.Icons {
		if !strings.HasPrefix(ic.Src, "/web/") {
			t.Errorf("icon %s is not local", ic.Src)
		}
		res := get(t, h, ic.Src)
		if res.StatusCode != 200 {
			t.Errorf("icon %s: %d", ic.Src, res.StatusCode)
		}
		maskable = maskable || ic.Purpose == "maskable"
		svg = svg || ic.Type == "image/svg+xml"
	}
	if !maskable || !svg {
		t.Errorf("manifest icons %+v: want a maskable PNG and an SVG", m.Icons)
	}
}

func TestIcons(t *testing.T) {
	for name, size := range map[string]int{IconFile: 192, LargeIconFile: 512, MaskableIconFile: 512} {
		f, err := os.Open(filepath.Join("..", "..", "web", name))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.Width != size || cfg.Height != size {
			t.Errorf("%s is %dx%d, want %dx%d", name, cfg.Width, cfg.Height, size, size)
		}
	}
}

func TestWorkerPrecachesEverythingServed(t *testing.T) {
	h := newHandler(t, newWebDir(t, 4096, true))
	res := get(t, h, "/app-worker.js")
	worker := body(t, res)
	list, err := precacheList(worker)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"/": false, "/web/app.wasm": false, "/web/app.css": false, "/web/icon.svg": false,
		"/web/icon-192.png": false, "/web/icon-512.png": false, "/web/icon-maskable-512.png": false,
		"/app.js": false, "/wasm_exec.js": false, "/manifest.webmanifest": false, "/app.css": false}
	for _, u := range list {
		if _, ok := want[u]; ok {
			want[u] = true
		}
		if strings.HasPrefix(u, "/api") {
			t.Errorf("worker precaches %s", u)
		}
	}
	for u, ok := range want {
		if !ok {
			t.Errorf("worker does not precache %s (list %v)", u, list)
		}
	}
}

func TestVersion(t *testing.T) {
	dir := newWebDir(t, 4096, true)
	version := func() string {
		h, err := New(Config{WebDir: dir, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		return h.(*handler).app.Version
	}
	v1 := version()
	if v2 := version(); v2 != v1 {
		t.Errorf("same files, versions %s and %s: a restart would look like an update", v1, v2)
	}
	if err := os.WriteFile(filepath.Join(dir, WasmFile), []byte("another build"), 0o644); err != nil {
		t.Fatal(err)
	}
	v3 := version()
	if v3 == v1 {
		t.Errorf("app.wasm changed, version did not: phones would keep the old app")
	}
	if err := os.WriteFile(filepath.Join(dir, StyleFile), []byte("body{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v4 := version(); v4 == v3 {
		t.Errorf("app.css changed, version did not: phones would keep the old styles")
	}
}

func TestStartFailures(t *testing.T) {
	dir := newWebDir(t, 4096, true)
	if err := os.Remove(filepath.Join(dir, WasmFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{WebDir: dir, Logger: quiet}); !errors.Is(err, ErrNoWasm) {
		t.Errorf("New without app.wasm = %v, want ErrNoWasm", err)
	}

	dir = newWebDir(t, 4096, true)
	if err := os.Remove(filepath.Join(dir, SVGIconFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{WebDir: dir, Logger: quiet}); err == nil {
		t.Errorf("New without icon.svg succeeded: the worker's precache would fail on every phone")
	}

	dir = newWebDir(t, 4096, true)
	_, err := New(Config{WebDir: dir, Logger: quiet, CacheableResources: []string{"/web/missing.woff2"}})
	if err == nil || !strings.Contains(err.Error(), "/web/missing.woff2") {
		t.Errorf("New with a missing cacheable resource = %v, want an error naming it", err)
	}
}

func TestWebFolder(t *testing.T) {
	dir := newWebDir(t, 4096, true)
	if err := os.WriteFile(filepath.Join(dir, ".secret"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "fonts"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, dir)
	for target, want := range map[string]int{
		"/web/app.css":         200,
		"/web/icon.svg":        200,
		"/web/":                404, // no listing
		"/web/fonts":           404,
		"/web/fonts/":          404,
		"/web/.secret":         404,
		"/web/../go.mod":       404,
		"/web/%2e%2e/go.mod":   404,
		"/robots.txt":          404, // not fetched from the Host header
		"/api/v1/unknown-call": 404,
		"/no/such/route":       404,
	} {
		res := get(t, h, target, "Host", "attacker.example")
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", target, res.StatusCode, want)
		}
	}
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("x"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d, want 405", w.Code)
	}
	res := get(t, h, "/web/icon.svg")
	if ct := res.Header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("icon.svg Content-Type %q", ct)
	}
}

func TestPagesCompressed(t *testing.T) {
	h := newHandler(t, newWebDir(t, 4096, true))
	for _, enc := range []string{"gzip", "zstd"} {
		for _, target := range []string{"/", "/app.js", "/wasm_exec.js", "/web/app.css"} {
			res := get(t, h, target, "Accept-Encoding", enc)
			body(t, res)
			if got := res.Header.Get("Content-Encoding"); got != enc {
				t.Errorf("GET %s (Accept-Encoding %s): Content-Encoding %q", target, enc, got)
			}
			etag := res.Header.Get("ETag")
			if etag == "" {
				continue // /web/ files revalidate by Last-Modified
			}
			if !strings.HasSuffix(etag, "-"+enc+`"`) {
				t.Errorf("GET %s: ETag %s has no -%s suffix", target, etag, enc)
			}
			res = get(t, h, target, "Accept-Encoding", enc, "If-None-Match", etag)
			if res.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s with If-None-Match %s: %d, want 304", target, etag, res.StatusCode)
			}
		}
	}
	res := get(t, h, "/")
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("GET / without Accept-Encoding came encoded")
	}
}

// hasElement reports whether page has a <tag> start tag holding every one
// of attrs.
func hasElement(page, tag string, attrs ...string) bool {
	for rest := page; ; {
		i := strings.Index(rest, "<"+tag)
		if i < 0 {
			return false
		}
		rest = rest[i:]
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return false
		}
		el := rest[:end]
		rest = rest[end:]
		ok := true
		for _, a := range attrs {
			ok = ok && strings.Contains(el, a)
		}
		if ok {
			return true
		}
	}
}
