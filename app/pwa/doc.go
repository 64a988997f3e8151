// Package pwa serves Carnet's progressive web app: the pre-rendered pages
// of app/ui, the go-app resources (app.js, wasm_exec.js, the manifest, the
// service worker) and the files of the web folder, app.wasm precompressed.
//
// New builds a go-app Handler around what GOAPP.md asks for an offline-first
// app:
//
//   - local icons, styles and the SVG icon, all precached;
//   - Version derived from the SHA-256 of app.wasm (and of the other
//     precached files and the worker), so that a new build is an update
//     and a restart is not;
//   - app.wasm served precompressed (zstd, then gzip, else raw, by
//     Accept-Encoding), with WasmContentLength set to the raw size so the
//     loading progress stays right;
//   - a service worker made from go-app's own that opens every route
//     offline (navigations fall back to the cached "/" shell), precaches
//     with waitUntil so that a failed update keeps the old cache, and never
//     caches /api/;
//   - pages, app.js, wasm_exec.js and CSS compressed on the fly (gzhttp);
//   - the web folder served without directory listings, and /robots.txt,
//     /sitemap.xml, /ads.txt from it (go-app would fetch them from the
//     request's Host header and cache the answer for everyone);
//   - a Content-Security-Policy and security headers on every answer.
//
// New checks at start that every precached resource answers 200, so that a
// missing file fails the server's start rather than the phones' offline
// use.
//
// This package is server code: the wasm entry point (cmd/carnet-app) must
// never import it.
package pwa
