//go:build !js

package e2e

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"carnet/app/pwa"
)

func TestMain(m *testing.M) { Main(m) }

// TestWasmServedCompressed asks for app.wasm as a browser does and checks
// the encoding, the length and the bytes.
func TestWasmServedCompressed(t *testing.T) {
	srv := Shared(t)
	raw, err := os.ReadFile(filepath.Join(srv.WebDir, "app.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ accept, enc string }{
		{"gzip, deflate, br, zstd", "zstd"},
		{"gzip, deflate, br", "gzip"},
		{"identity", ""},
	}
	for _, tt := range tests {
		res, body, err := srv.Get("/web/app.wasm", "Accept-Encoding", tt.accept)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 {
			t.Fatalf("GET /web/app.wasm: %s", res.Status)
		}
		if got := res.Header.Get("Content-Encoding"); got != tt.enc {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.enc)
		}
		if got := res.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
			t.Errorf("Accept-Encoding %q: Content-Length %s for %d bytes", tt.accept, got, len(body))
		}
		if got := res.Header.Get("Content-Type"); got != "application/wasm" {
			t.Errorf("Content-Type %q", got)
		}
		var r io.Reader = bytes.NewReader(body)
		switch tt.enc {
		case "gzip":
			zr, err := gzip.NewReader(r)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		case "zstd":
			zr, err := zstd.NewReader(r, zstd.WithDecoderMaxWindow(8<<20))
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			r = zr
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %v", tt.enc, err)
		}
		if !bytes.Equal(got, raw) {
			t.Errorf("Accept-Encoding %q: the body is not app.wasm", tt.accept)
		}
		t.Logf("Accept-Encoding %-24q -> %-4s %8d bytes", tt.accept, tt.enc, len(body))
	}
	if s, took := BuiltSizes(); s.Raw > 0 {
		t.Logf("app.wasm %.2f MB raw, %.2f MB gzip, %.2f MB zstd (built in %s)",
			float64(s.Raw)/1e6, float64(s.Gzip)/1e6, float64(s.Zstd)/1e6, took.Round(100e6))
	}
}

// TestWasmHasNoHTTPClient looks in the linked app.wasm (function names
// stay even when stripped) for what deps_test.go forbids at the import
// level: a net/http client or a database driver linked in.
func TestWasmHasNoHTTPClient(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(WebDir(t), "app.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sym := range []string{
		"net/http.(*Client).do",
		"net/http.(*Transport).roundTrip",
		"database/sql.(*DB)",
		"modernc.org/sqlite",
		"github.com/jackc/pgx",
		"carnet/sync/server.",
		"carnet/sync/store.",
		"text/template.(*Template)",
	} {
		if bytes.Contains(raw, []byte(sym)) {
			t.Errorf("app.wasm links %s", sym)
		}
	}
}

// TestAppOffline is the phone's first visit, then a basement: the app
// loads, precaches, passes Chromium's installability checks, and then,
// with the page and the service worker offline, a reload, a deep link with
// a query and "/?x=1" all open the app shell, and nothing reaches the
// server.
func TestAppOffline(t *testing.T) {
	srv := Shared(t)
	b := NewBrowser(t)
	if err := b.Open(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitApp(); err != nil {
		t.Fatal(err)
	}

	// app.wasm came compressed, in the encoding Chromium prefers.
	type entry struct {
		Encoded, Decoded float64
	}
	e, err := Eval[entry](b, `(() => {
	  const e = performance.getEntriesByType("resource").find((e) => new URL(e.name).pathname === "/web/app.wasm");
	  return e ? {Encoded: e.encodedBodySize, Decoded: e.decodedBodySize} : {Encoded: 0, Decoded: 0};
	})()`)
	if err != nil {
		t.Fatal(err)
	}
	gz, _ := os.Stat(filepath.Join(srv.WebDir, "app.wasm.gz"))
	zst, _ := os.Stat(filepath.Join(srv.WebDir, "app.wasm.zst"))
	raw, _ := os.Stat(filepath.Join(srv.WebDir, "app.wasm"))
	switch int64(e.Encoded) {
	case zst.Size():
		t.Logf("Chromium got app.wasm as zstd: %d bytes for %d", zst.Size(), raw.Size())
	case gz.Size():
		t.Logf("Chromium got app.wasm as gzip: %d bytes for %d (no zstd offered over plain HTTP?)", gz.Size(), raw.Size())
	default:
		t.Errorf("Chromium got app.wasm as %v encoded bytes (decoded %v): neither the zstd (%d) nor the gzip (%d) file",
			e.Encoded, e.Decoded, zst.Size(), gz.Size())
	}
	if int64(e.Decoded) != raw.Size() {
		t.Errorf("decoded app.wasm is %v bytes, want %d", e.Decoded, raw.Size())
	}

	if err := b.WaitPrecached(); err != nil {
		t.Fatal(err)
	}
	errs, err := b.InstallabilityErrors()
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Errorf("Chromium would not install the app: %v", errs)
	}

	mark := srv.Mark()
	if err := b.SetOffline(true); err != nil {
		t.Fatal(err)
	}
	if err := b.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitApp(); err != nil {
		t.Fatalf("offline reload: %v", err)
	}
	deep := "/w/" + uuid.NewString() + "/board"
	for _, target := range []string{deep + "?x=1", "/?x=1", deep} {
		if err := b.Open(srv.URL + target); err != nil {
			t.Fatalf("offline: %v", err)
		}
		if err := b.WaitApp(); err != nil {
			t.Fatalf("offline %s: %v", target, err)
		}
		got, err := Eval[string](b, `location.pathname + location.search`)
		if err != nil {
			t.Fatal(err)
		}
		if got != target {
			t.Errorf("offline %s: the app shows %s", target, got)
		}
	}
	if reqs := srv.RequestsSince(mark, ""); len(reqs) > 0 {
		t.Errorf("while offline the server got %d requests, first %s %s: the emulation leaked", len(reqs), reqs[0].Method, reqs[0].Path)
	}

	if err := b.SetOffline(false); err != nil {
		t.Fatal(err)
	}
	// Back online, a routed deep link comes from the network again.
	mark = srv.Mark()
	ws := "/w/" + uuid.NewString()
	if err := b.Open(srv.URL + ws); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitApp(); err != nil {
		t.Fatal(err)
	}
	if reqs := srv.RequestsSince(mark, ws); len(reqs) == 0 {
		t.Errorf("online, %s did not reach the server", ws)
	}

	for _, m := range b.Console() {
		if strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Content-Security-Policy") {
			t.Errorf("CSP violation: %s", m)
		}
		if m.IsException() {
			t.Errorf("uncaught exception: %s", m)
		}
	}
}

// TestLocalDBInBrowser runs app/localdb's tests, the client.Local
// conformance suite included, against Chromium's IndexedDB.
func TestLocalDBInBrowser(t *testing.T) {
	RunWasmTests(t, "carnet/app/localdb")
}

// updateJS asks the browser to check for a new worker and waits for the
// one it installs to end: "activated", or "redundant" when its install
// failed; "no update" when the script did not change.
const updateJS = `(async () => {
  const reg = await navigator.serviceWorker.getRegistration();
  await reg.update();
  const w = reg.installing || reg.waiting;
  if (!w) return "no update";
  const done = (s) => s === "redundant" || s === "activated";
  if (done(w.state)) return w.state;
  return await new Promise((resolve) => {
    w.addEventListener("statechange", () => { if (done(w.state)) resolve(w.state); });
  });
})()`

// TestFailedUpdateKeepsTheApp publishes a new version whose precache
// fails halfway (a file gone): the new worker must be discarded and the
// old cache kept, so the phone still opens the app offline. Then the
// fixed version installs and replaces the old cache.
func TestFailedUpdateKeepsTheApp(t *testing.T) {
	web1 := WebDir(t)
	srv := StartServer(t) // its own server: the app changes under it
	b := NewBrowser(t)
	if err := b.Open(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitApp(); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitPrecached(); err != nil {
		t.Fatal(err)
	}
	v1, err := srv.Version()
	if err != nil {
		t.Fatal(err)
	}

	// Version 2: new styles; then its SVG icon goes missing, as in a
	// deploy that broke halfway.
	web2 := t.TempDir()
	entries, err := os.ReadDir(web1)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := copyFile(filepath.Join(web1, e.Name()), filepath.Join(web2, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	css, err := os.OpenFile(filepath.Join(web2, "app.css"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	css.WriteString("\n/* version 2 */\n")
	css.Close()
	h2, err := pwa.New(pwa.Config{WebDir: web2, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	svg := filepath.Join(web2, "icon.svg")
	if err := os.Rename(svg, svg+".gone"); err != nil {
		t.Fatal(err)
	}
	srv.SetApp(h2)
	v2, err := srv.Version()
	if err != nil {
		t.Fatal(err)
	}
	if v2 == v1 {
		t.Fatalf("version 2 has the version of version 1 (%s)", v1)
	}

	state, err := Eval[string](b, updateJS)
	if err != nil {
		t.Fatal(err)
	}
	if state != "redundant" {
		t.Fatalf("the worker of the broken version ended %q, want redundant (its install must fail)", state)
	}
	names, err := b.CacheNames()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != "app-"+v1 {
		t.Fatalf("caches after the failed update = %v, want only app-%s", names, v1)
	}
	if err := b.SetOffline(true); err != nil {
		t.Fatal(err)
	}
	if err := b.Reload(); err != nil {
		t.Fatalf("offline after a failed update: %v", err)
	}
	if err := b.WaitApp(); err != nil {
		t.Fatalf("offline after a failed update: %v", err)
	}

	// The fix is deployed: the update goes through and replaces the cache.
	if err := b.SetOffline(false); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(svg+".gone", svg); err != nil {
		t.Fatal(err)
	}
	state, err = Eval[string](b, updateJS)
	if err != nil {
		t.Fatal(err)
	}
	if state != "activated" {
		t.Fatalf("the worker of the fixed version ended %q, want activated", state)
	}
	names, err = b.CacheNames()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != "app-"+v2 {
		t.Fatalf("caches after the update = %v, want only app-%s", names, v2)
	}
	if err := b.SetOffline(true); err != nil {
		t.Fatal(err)
	}
	if err := b.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitApp(); err != nil {
		t.Fatal(err)
	}
	hasV2, err := Eval[bool](b, `(async () => {
	  const r = await caches.match("/web/app.css");
	  return !!r && (await r.text()).includes("version 2");
	})()`)
	if err != nil {
		t.Fatal(err)
	}
	if !hasV2 {
		t.Errorf("offline after the update, the cached app.css is not version 2's")
	}
}

func TestCreateWorkshop(t *testing.T) {
	w, err := Shared(t).CreateWorkshop("Atelier Toulon", "")
	if err != nil {
		t.Fatal(err)
	}
	if w.ID == "" || w.Token == "" || w.JoinCode == "" {
		t.Fatalf("CreateWorkshop() = %+v", w)
	}
}

// TestPersistentStorage checks both branches the settings page shows:
// headless Chromium refuses persistence until the permission is granted.
func TestPersistentStorage(t *testing.T) {
	srv := Shared(t)
	b := NewBrowser(t)
	if err := b.Open(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	if got, err := Eval[bool](b, `navigator.storage.persist()`); err != nil || got {
		t.Fatalf("persist() before the grant = %v, %v; want false", got, err)
	}
	if err := b.GrantPersistentStorage(srv.URL); err != nil {
		t.Fatal(err)
	}
	if got, err := Eval[bool](b, `navigator.storage.persist()`); err != nil || !got {
		t.Fatalf("persist() after the grant = %v, %v; want true", got, err)
	}
}

// TestKillAndColdStartOffline kills the browser right after a write has
// committed, then starts it again on the same profile with no network:
// the write is there and the app opens from the worker's cache.
func TestKillAndColdStartOffline(t *testing.T) {
	srv := Shared(t)
	b := NewBrowser(t)
	if err := b.Open(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitApp(); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitPrecached(); err != nil {
		t.Fatal(err)
	}
	const put = `new Promise((resolve, reject) => {
	  const open = indexedDB.open("e2e-kill", 1);
	  open.onupgradeneeded = () => open.result.createObjectStore("s");
	  open.onerror = () => reject(String(open.error));
	  open.onsuccess = () => {
	    const tx = open.result.transaction("s", "readwrite", {durability: "strict"});
	    tx.objectStore("s").put("saved before the crash", "k");
	    tx.oncomplete = () => resolve(true);
	    tx.onerror = () => reject(String(tx.error));
	  };
	})`
	if _, err := Eval[bool](b, put); err != nil {
		t.Fatal(err)
	}
	if err := b.Kill(); err != nil {
		t.Fatal(err)
	}

	b = b.Relaunch(t)
	mark := srv.Mark()
	if err := b.SetOffline(true); err != nil {
		t.Fatal(err)
	}
	deep := srv.URL + "/w/" + uuid.NewString() + "/board"
	if err := b.Open(deep); err != nil {
		t.Fatalf("cold start offline: %v", err)
	}
	if err := b.WaitApp(); err != nil {
		t.Fatalf("cold start offline: %v", err)
	}
	got, err := Eval[string](b, `new Promise((resolve, reject) => {
	  const open = indexedDB.open("e2e-kill", 1);
	  open.onerror = () => reject(String(open.error));
	  open.onsuccess = () => {
	    const r = open.result.transaction("s").objectStore("s").get("k");
	    r.onsuccess = () => resolve(String(r.result));
	    r.onerror = () => reject(String(r.error));
	  };
	})`)
	if err != nil {
		t.Fatal(err)
	}
	if got != "saved before the crash" {
		t.Errorf("after the crash, IndexedDB holds %q", got)
	}
	if reqs := srv.RequestsSince(mark, ""); len(reqs) > 0 {
		t.Errorf("the cold start offline reached the server %d times, first %s", len(reqs), reqs[0].Path)
	}
}
