//go:build !js

// Package e2e runs Carnet in real Chromium, driven by chromedp, against the
// real sync server (SQLite in a temporary folder) serving the real app.
//
// The harness builds app.wasm once per test binary (BuildWeb: GOOS=js
// GOARCH=wasm go build of cmd/carnet-app with the test's own toolchain,
// then pack.Precompress) into a temporary web folder, so `go test` works
// from a clean clone. A package with browser tests calls Main from its
// TestMain, which removes what the harness made:
//
//	func TestMain(m *testing.M) { e2e.Main(m) }
//
// Then, in a test:
//
//	srv := e2e.Shared(t)             // one server for the test binary
//	b := e2e.NewBrowser(t)           // one Chromium, fresh profile (a phone)
//	if err := b.Open(srv.URL + "/"); err != nil { t.Fatal(err) }
//	if err := b.WaitApp(); err != nil { t.Fatal(err) }
//	if err := b.WaitPrecached(); err != nil { t.Fatal(err) }
//	if err := b.SetOffline(true); err != nil { t.Fatal(err) }   // page and service worker
//	if err := b.Reload(); err != nil { t.Fatal(err) }           // fails on Chromium's error page
//	n, err := e2e.Eval[int](b, `document.querySelectorAll(".note").length`)
//
// Without Chromium (/usr/bin/chromium, or $CARNET_CHROMIUM) browser tests
// skip with a loud message; with CARNET_REQUIRE_BROWSER=1 they fail.
// CARNET_E2E_WEB names an already built web folder to use instead of
// building one.
//
// Chromium runs as root here, so it gets --no-sandbox; each Browser has its
// own --user-data-dir, removed when the test ends.
package e2e
