//go:build !js

package e2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"carnet/app/pwa/pack"
)

// The app's benchmarks (issue 3): app.wasm's size against a go-app hello
// world built in the same run, load times in headless Chromium under
// Slow 4G and 4x CPU slowdown against the same hello world served the
// same way, and the time from tapping "save" to the acknowledgement of the
// IndexedDB commit.
//
//	go test -run '^$' -bench . -benchtime 1x ./app/e2e
//
// Custom metrics carry the results (b.ReportMetric); ns/op is the wall
// time of one round and means little.

// GzipBudget is issue 3's budget: app.wasm gzip within 1.25x the hello
// world's.
const GzipBudget = 1.25

// hello is the go-app hello world (testdata/hello) built into a web folder
// with Carnet's static files (icons, CSS), precompressed like app.wasm.
var hello = sync.OnceValues(func() (helloWeb, error) {
	start := time.Now()
	web, err := BuildWeb()
	if err != nil {
		return helloWeb{}, err
	}
	root, err := RepoRoot()
	if err != nil {
		return helloWeb{}, err
	}
	dir, err := os.MkdirTemp("", "carnet-e2e-hello-")
	if err != nil {
		return helloWeb{}, err
	}
	atExit(func() { os.RemoveAll(dir) })
	if err := copyStatic(web, dir); err != nil {
		return helloWeb{}, err
	}
	wasm := filepath.Join(dir, "app.wasm")
	cmd := exec.Command(goCommand(), "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, "./app/e2e/testdata/hello")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return helloWeb{}, fmt.Errorf("GOOS=js GOARCH=wasm go build ./app/e2e/testdata/hello: %v\n%s", err, out)
	}
	sizes, err := pack.Precompress(wasm)
	if err != nil {
		return helloWeb{}, err
	}
	return helloWeb{Dir: dir, Sizes: sizes, Took: time.Since(start)}, nil
})

type helloWeb struct {
	Dir   string
	Sizes pack.Sizes
	Took  time.Duration
}

// appSizes returns the sizes of the app.wasm the harness built, reading
// the files when the harness did not build it (CARNET_E2E_WEB).
func appSizes(tb testing.TB) pack.Sizes {
	web := WebDir(tb)
	if s, _ := BuiltSizes(); s.Raw > 0 {
		return s
	}
	var s pack.Sizes
	for name, dst := range map[string]*int{"app.wasm": &s.Raw, "app.wasm.gz": &s.Gzip, "app.wasm.zst": &s.Zstd} {
		fi, err := os.Stat(filepath.Join(web, name))
		if err != nil {
			tb.Fatal(err)
		}
		*dst = int(fi.Size())
	}
	return s
}

// BenchmarkAppSize reports app.wasm's sizes (raw, gzip -9, zstd at its
// best level with an 8 MiB window) and the hello world's, and their
// ratios. It needs no browser.
func BenchmarkAppSize(b *testing.B) {
	app := appSizes(b)
	h, err := hello()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
	}
	b.ReportMetric(float64(app.Raw), "app-raw-B")
	b.ReportMetric(float64(app.Gzip), "app-gzip-B")
	b.ReportMetric(float64(app.Zstd), "app-zstd-B")
	b.ReportMetric(float64(h.Sizes.Raw), "hello-raw-B")
	b.ReportMetric(float64(h.Sizes.Gzip), "hello-gzip-B")
	b.ReportMetric(float64(h.Sizes.Zstd), "hello-zstd-B")
	gz := float64(app.Gzip) / float64(h.Sizes.Gzip)
	b.ReportMetric(float64(app.Raw)/float64(h.Sizes.Raw), "raw/hello")
	b.ReportMetric(gz, "gzip/hello")
	b.ReportMetric(float64(app.Zstd)/float64(h.Sizes.Zstd), "zstd/hello")
	verdict := "within"
	if gz > GzipBudget {
		verdict = "OVER"
	}
	b.Logf("app.wasm gzip %.2f MB = %.3fx the hello world's %.2f MB: %s the %.2fx budget",
		float64(app.Gzip)/1e6, gz, float64(h.Sizes.Gzip)/1e6, verdict, GzipBudget)
}

// loadMarkJS runs at the start of every document: it notes when go-app's
// loader (#app-wasm-loader), once seen, goes away, which go-app does when
// the Go program runs and mounts the page (the moment WaitApp waits for),
// in ms since the navigation started.
const loadMarkJS = `(() => {
  let seen = false;
  const check = () => {
    if (window.__appStarted !== undefined) return true;
    if (document.getElementById("app-wasm-loader")) { seen = true; return false; }
    if (seen) { window.__appStarted = performance.now(); return true; }
    return false;
  };
  const obs = new MutationObserver(() => { if (check()) obs.disconnect(); });
  obs.observe(document, {childList: true, subtree: true});
})();`

// loadRound is one round of BenchmarkLoad, in ms.
type loadRound struct {
	Cold      float64 // nothing cached
	FirstWarm float64 // the first load from the worker's cache
	Warm      float64 // a later one (the browser's compiled wasm cached too)
	Offline   float64
	WasmWire  float64 // bytes of app.wasm on the wire at the cold load
}

// measureLoad loads url in a fresh profile under Slow 4G and 4x CPU: cold
// (nothing cached), warm (a reload once the worker precached everything)
// and offline (a reload with no network, page and worker).
func measureLoad(b *testing.B, url string) loadRound {
	br := NewBrowser(b)
	defer br.Close()
	br.Timeout = 5 * time.Minute
	must := func(err error, what string) {
		b.Helper()
		if err != nil {
			b.Fatalf("%s: %v", what, err)
		}
	}
	must(br.Do(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: loadMarkJS})
		return chromedp.Void{}, err
	}), "add the load mark")
	must(br.SetCPUThrottling(4), "CPU throttling")
	must(br.SetNetwork(Slow4G), "Slow 4G")
	started := func(what string) float64 {
		b.Helper()
		must(br.Poll(`window.__appStarted !== undefined`), what)
		ms, err := Eval[float64](br, `window.__appStarted`)
		must(err, what)
		return ms
	}
	var r loadRound
	must(br.Open(url), "cold load")
	r.Cold = started("cold load")
	wire, err := Eval[float64](br, `(() => {
	  const e = performance.getEntriesByType("resource").find((e) => new URL(e.name).pathname === "/web/app.wasm");
	  return e ? e.encodedBodySize : 0;
	})()`)
	must(err, "app.wasm's transfer")
	r.WasmWire = wire
	must(br.WaitPrecached(), "precache")
	must(br.Reload(), "first warm load")
	r.FirstWarm = started("first warm load")
	must(br.Reload(), "warm load")
	r.Warm = started("warm load")
	must(br.SetOffline(true), "offline")
	must(br.Reload(), "offline start")
	r.Offline = started("offline start")
	return r
}

// BenchmarkLoad loads Carnet and the go-app hello world, each served by
// the same handler (app/pwa: precompressed app.wasm, the same worker,
// icons and CSS; only app.wasm differs), in headless Chromium under Slow 4G
// (150 ms, 1.6 Mbit/s) and 4x CPU slowdown: a fresh profile each round.
// The times run from the start of the navigation to the app's start
// (go-app's loader gone).
func BenchmarkLoad(b *testing.B) {
	RequireChromium(b)
	for _, app := range []string{"hello", "carnet"} {
		b.Run("app="+app, func(b *testing.B) {
			var srv *Server
			if app == "hello" {
				h, err := hello()
				if err != nil {
					b.Fatal(err)
				}
				srv = StartServer(b, WithWebDir(h.Dir))
			} else {
				srv = Shared(b)
			}
			var rounds []loadRound
			for b.Loop() {
				rounds = append(rounds, measureLoad(b, srv.URL+"/"))
			}
			pick := func(f func(loadRound) float64) float64 {
				var v []float64
				for _, r := range rounds {
					v = append(v, f(r))
				}
				return median(v)
			}
			b.ReportMetric(pick(func(r loadRound) float64 { return r.Cold }), "cold-ms")
			b.ReportMetric(pick(func(r loadRound) float64 { return r.FirstWarm }), "warm1-ms")
			b.ReportMetric(pick(func(r loadRound) float64 { return r.Warm }), "warm-ms")
			b.ReportMetric(pick(func(r loadRound) float64 { return r.Offline }), "offline-ms")
			b.ReportMetric(pick(func(r loadRound) float64 { return r.WasmWire }), "wasm-wire-B")
			for i, r := range rounds {
				b.Logf("round %d: cold %.0f ms (app.wasm %.0f bytes on the wire), first warm %.0f ms, warm %.0f ms, offline %.0f ms",
					i+1, r.Cold, r.WasmWire, r.FirstWarm, r.Warm, r.Offline)
			}
		})
	}
}

// commitMarkJS runs at the start of every document: it notes the time of
// every readwrite IndexedDB transaction's "complete" event (the commit), in
// window.__idbCommits, without changing what the app does.
const commitMarkJS = `(() => {
  window.__idbCommits = [];
  const orig = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (stores, mode, options) {
    const tx = orig.apply(this, arguments);
    if (mode === "readwrite") tx.addEventListener("complete", () => window.__idbCommits.push(performance.now()));
    return tx;
  };
})();`

// saveJS taps "save" n times, each on a new note typed into the textarea
// (an input event, as typing fires), and returns for each the ms from the
// tap to the last IndexedDB commit before the acknowledgement (Commit) and
// to the acknowledgement itself (Ack): the textarea cleared, the save
// button enabled again, "enregistré" (.saved) shown and the note on the
// board, which the app does only once IndexedDB committed the note.
const saveJS = `(async (n) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const ta = document.getElementById("note-text");
  const btn = document.getElementById("note-save");
  const out = [];
  for (let i = 0; i < n; i++) {
    ta.value = "Mesure " + (i + 1) + " : temps d'enregistrement";
    ta.dispatchEvent(new Event("input", {bubbles: true}));
    await sleep(100);
    const before = document.querySelectorAll("#board .note").length;
    const ms = await new Promise((resolve, reject) => {
      let t0 = 0;
      const done = () => ta.value === "" && !btn.disabled && !!document.querySelector("#note-saved .saved") &&
        document.querySelectorAll("#board .note").length === before + 1;
      const obs = new MutationObserver(() => {
        if (!done()) return;
        const t1 = performance.now();
        obs.disconnect();
        clearTimeout(timer);
        const commits = window.__idbCommits.filter((t) => t >= t0 && t <= t1);
        resolve({Ack: t1 - t0, Commit: commits.length ? commits[commits.length - 1] - t0 : -1, Commits: commits.length});
      });
      const timer = setTimeout(() => { obs.disconnect(); reject(new Error("save " + (i + 1) + ": no acknowledgement after 30 s")); }, 30000);
      obs.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
      t0 = performance.now();
      btn.click();
    });
    out.push(ms);
    await sleep(150);
  }
  return out;
})`

// saveTiming is one save, in ms from the tap.
type saveTiming struct {
	Ack, Commit float64
	Commits     int // readwrite transactions committed between the tap and the acknowledgement
}

// BenchmarkSaveCommit measures, in the page, the time from tapping "save"
// on a post-it to the IndexedDB commit of the note (the complete event of
// the last readwrite transaction before the acknowledgement) and to the
// acknowledgement ("enregistré" shown): median, p95 and max over 30 saves,
// offline, at 1x and 4x CPU. The board grows from 0 to 30 post-its.
func BenchmarkSaveCommit(b *testing.B) {
	RequireChromium(b)
	srv := Shared(b)
	const saves = 30
	for _, cpu := range []float64{1, 4} {
		b.Run(fmt.Sprintf("cpu=%gx", cpu), func(b *testing.B) {
			ws, err := srv.CreateWorkshop("Banc d'essai", "")
			if err != nil {
				b.Fatal(err)
			}
			session := newID()
			newFacilitator(srv, ws).write(b, session, "session", map[string]any{"title": "Mesure", "type": "room", "position": 1})
			p := newPhone(b, "phone")
			p.must(p.EmulatePhone(), "emulate a phone")
			p.join(srv, ws, "Banc")
			p.goToSession(ws.ID, session)
			p.must(p.WaitPrecached(), "precache")
			p.must(p.SetOffline(true), "offline")
			p.must(p.Do(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
				_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: commitMarkJS})
				return chromedp.Void{}, err
			}), "add the commit mark")
			p.open(srv.URL + "/w/" + ws.ID + "/s/" + session)
			p.wait(`!!document.getElementById("note-form") && Array.isArray(window.__idbCommits)`, "the session page, offline")
			p.must(p.SetCPUThrottling(cpu), "CPU throttling")
			p.Timeout = 5 * time.Minute
			var all []saveTiming
			for b.Loop() {
				ts, err := Eval[[]saveTiming](p.Browser, fmt.Sprintf("%s(%d)", saveJS, saves))
				p.must(err, "saves")
				all = append(all, ts...)
			}
			if n := evalT[int](p, `document.querySelectorAll("#board .note").length`); n != len(all) {
				b.Fatalf("%d saves measured, the board shows %d notes", len(all), n)
			}
			var ack, commit []float64
			for i, s := range all {
				if s.Commits == 0 {
					b.Fatalf("save %d: acknowledged %.1f ms after the tap with no IndexedDB commit in between", i+1, s.Ack)
				}
				ack = append(ack, s.Ack)
				commit = append(commit, s.Commit)
			}
			b.ReportMetric(median(commit), "commit-p50-ms")
			b.ReportMetric(percentile(commit, 95), "commit-p95-ms")
			b.ReportMetric(median(ack), "ack-p50-ms")
			b.ReportMetric(percentile(ack, 95), "ack-p95-ms")
			b.ReportMetric(slices.Max(ack), "ack-max-ms")
			var line strings.Builder
			for i, s := range all {
				fmt.Fprintf(&line, " %d:%.0f/%.0f", i+1, s.Commit, s.Ack)
			}
			b.Logf("commit/ack ms per save, the board growing:%s", line.String())
		})
	}
}

func median(v []float64) float64 { return percentile(v, 50) }

// percentile returns the p-th percentile of v by nearest rank.
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if p == 50 && len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
