package main

import (
	"context"
	"fmt"
)

// The app set: issue 3's benchmarks, in app/e2e (bench_test.go there).

const pkgApp = "carnet/app/e2e"

// goalAppGzip is issue 3's budget: app.wasm gzip within 1.25x a go-app
// hello world's, built in the same run.
const goalAppGzip = 1.25

// appRuns are the go test runs of the app set: about 50 s a count on two
// cores (the two loads under Slow 4G take most of it), plus building
// app.wasm and the hello world when the build cache is cold.
var appRuns = []goTest{
	{pkg: "./app/e2e", bench: "^Benchmark(AppSize|Load|SaveCommit)$", benchtime: "1x", timeout: "30m"},
}

// appBrowserSet runs the benchmarks of issue 3: app.wasm's size against a
// go-app hello world, load times in headless Chromium, and the time from
// tapping save to the IndexedDB commit.
func appBrowserSet(ctx context.Context, o options) section {
	s := section{
		Title: "App in the browser (issue 3)",
		Intro: `app.wasm (cmd/carnet-app) and a go-app hello world (app/e2e/testdata/hello) are built in the
same run with the same toolchain and flags (` + "`GOOS=js GOARCH=wasm go build -trimpath -ldflags=\"-s -w\"`" + `;
Carnet's own packages also get ` + "`-gcflags='carnet/...=-l'`" + `, no inlining, which the hello world has none of)
and precompressed the same way (app/pwa/pack: gzip -9, zstd at its best level with an 8 MiB window).
Both are served by the same handler (app/pwa: precompressed app.wasm, the same service worker,
icons and CSS) with the real sync server, on 127.0.0.1, and loaded in headless Chromium with a fresh
profile under DevTools' Slow 4G (150 ms, 1.6 Mbit/s down, page and service worker) and 4x CPU
slowdown. Load times run from the start of the navigation to the start of the app (go-app's loader
gone, noted by a MutationObserver in the page).`,
	}
	r := runAll(ctx, o, appRuns, &s)

	s.Tables = append(s.Tables, table{
		Title: "app.wasm against a go-app hello world (BenchmarkAppSize)",
		Rows: rowsFor(r, pkgApp, "BenchmarkAppSize", []metric{
			{unit: "gzip/hello", label: "app.wasm gzip -9 ÷ the hello world's", format: ratio, goal: goalAppGzip},
			{unit: "zstd/hello", label: "app.wasm zstd ÷ the hello world's", format: ratio},
			{unit: "raw/hello", label: "app.wasm raw ÷ the hello world's", format: ratio},
			{unit: "app-raw-B", label: "app.wasm, raw", format: bytesF},
			{unit: "app-gzip-B", label: "app.wasm, gzip -9", format: bytesF},
			{unit: "app-zstd-B", label: "app.wasm, zstd (what Chromium downloads)", format: bytesF},
			{unit: "hello-raw-B", label: "hello world, raw", format: bytesF},
			{unit: "hello-gzip-B", label: "hello world, gzip -9", format: bytesF},
			{unit: "hello-zstd-B", label: "hello world, zstd", format: bytesF},
		}),
	})
	var loadRows []row
	for _, a := range []struct{ sub, name string }{{"carnet", "Carnet"}, {"hello", "hello world"}} {
		loadRows = append(loadRows, rowsFor(r, pkgApp, "BenchmarkLoad/app="+a.sub, []metric{
			{unit: "cold-ms", label: a.name + ": cold load (nothing cached)", format: ms},
			{unit: "warm1-ms", label: a.name + ": first load from the worker's cache", format: ms},
			{unit: "warm-ms", label: a.name + ": warm load (a later reload, online)", format: ms},
			{unit: "offline-ms", label: a.name + ": offline start (page and worker offline)", format: ms},
			{unit: "wasm-wire-B", label: a.name + ": app.wasm bytes on the wire at the cold load", format: bytesF},
		})...)
	}
	s.Tables = append(s.Tables, table{
		Title: "Load in headless Chromium, Slow 4G and 4x CPU (BenchmarkLoad)",
		Intro: "One round a run: a fresh profile, a cold load of `/`, then, once the worker precached everything, two reloads online and one offline.",
		Rows:  loadRows,
	})
	var saveRows []row
	for _, cpu := range []string{"1x", "4x"} {
		saveRows = append(saveRows, rowsFor(r, pkgApp, "BenchmarkSaveCommit/cpu="+cpu, []metric{
			{unit: "commit-p50-ms", label: "CPU " + cpu + ": tap → IndexedDB commit, median", format: ms},
			{unit: "commit-p95-ms", label: "CPU " + cpu + ": tap → IndexedDB commit, p95", format: ms},
			{unit: "ack-p50-ms", label: "CPU " + cpu + ": tap → \"enregistré\" shown, median", format: ms},
			{unit: "ack-p95-ms", label: "CPU " + cpu + ": tap → \"enregistré\" shown, p95", format: ms},
			{unit: "ack-max-ms", label: "CPU " + cpu + ": tap → \"enregistré\" shown, max", format: ms},
		})...)
	}
	s.Tables = append(s.Tables, table{
		Title: "Tap \"save\" to the IndexedDB commit (BenchmarkSaveCommit)",
		Intro: `30 post-its saved offline on the session page, one after the other, the board growing from 0 to
30; measured in the page with performance.now(): from the tap to the complete event of the last
readwrite IndexedDB transaction before the acknowledgement (the commit), and to the acknowledgement
itself (textarea cleared, "enregistré" shown, the post-it on the board).`,
		Rows: saveRows,
	})
	s.Ratios = appRatios(r)
	s.Notes = []string{
		"Times depend on the machine and on what else runs on it; compare Carnet with the hello world of the same run.",
		"Both apps are served by app/pwa, which pre-renders Carnet's pages: the hello world's first HTML is Carnet's home page, replaced when its wasm starts. Only app.wasm differs between the two.",
		"The hello world's zstd size is pack's (klauspost/compress at its best level, 8 MiB window), which is what the server sends; `zstd -19` does better on both.",
		"Without Chromium the load and save benchmarks skip: their rows say \"not measured\".",
	}
	return s
}

// appRatios are the section's headline ratios, in words.
func appRatios(r results) []string {
	var out []string
	if s, ok := r.get(pkgApp, "BenchmarkAppSize", "gzip/hello"); ok {
		out = append(out, fmt.Sprintf("app.wasm gzip: %.3f× the go-app hello world (budget %.2f×): %s.", s.median, goalAppGzip, verdict(s.median, goalAppGzip)))
	}
	for _, m := range []struct{ unit, what string }{
		{"cold-ms", "Cold load"}, {"warm-ms", "Warm load"}, {"offline-ms", "Offline start"},
	} {
		c, ok1 := r.get(pkgApp, "BenchmarkLoad/app=carnet", m.unit)
		h, ok2 := r.get(pkgApp, "BenchmarkLoad/app=hello", m.unit)
		if ok1 && ok2 && h.median > 0 {
			out = append(out, fmt.Sprintf("%s under Slow 4G and 4x CPU: %s, %.2f× the hello world's %s.", m.what, ms(c.median), c.median/h.median, ms(h.median)))
		}
	}
	for _, cpu := range []string{"1x", "4x"} {
		if s, ok := r.get(pkgApp, "BenchmarkSaveCommit/cpu="+cpu, "commit-p50-ms"); ok {
			p95, _ := r.get(pkgApp, "BenchmarkSaveCommit/cpu="+cpu, "commit-p95-ms")
			out = append(out, fmt.Sprintf("Tap to IndexedDB commit at %s CPU: median %s, p95 %s.", cpu, ms(s.median), ms(p95.median)))
		}
	}
	return out
}
