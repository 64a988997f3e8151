package pwa

import (
	"errors"
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ErrWorkerTemplate means go-app's default service worker no longer holds
// the code this package replaces: go-app changed, and the offline fixes of
// workerJS must be checked against its new worker before upgrading.
var ErrWorkerTemplate = errors.New("go-app's default service worker changed")

// workerStart and workerEnd delimit the part of app.DefaultAppWorkerJS
// (go-app v10.1.11, gen/app-worker.js) that workerJS replaces: install,
// activate and fetch. The push notification code after it is kept.
const (
	workerStart = `self.addEventListener("install", async (event) => {`
	workerEnd   = "async function fetchWithCache(request) {\n" +
		"  const cachedResponse = await caches.match(request);\n" +
		"  if (cachedResponse) {\n" +
		"    return cachedResponse;\n" +
		"  }\n" +
		"  return await fetch(request);\n" +
		"}\n"
	workerHead = "const cacheName = \"app-\" + \"{{.Version}}\";\n" +
		"const resourcesToCache = {{.ResourcesToCache}};\n"
)

// navigationTimeoutMS bounds how long a navigation waits for the network
// before the cached shell answers: a phone on one bar of signal must not
// stare at a white page. Any route opens from the shell, so answering from
// it early changes nothing but speed.
const navigationTimeoutMS = 4000

// workerJS is what replaces go-app's install, activate and fetch handlers.
//
//   - install: precache every resource with cache.addAll (all or nothing)
//     inside event.waitUntil, requesting them past the HTTP cache. When one
//     fails the promise rejects, the browser discards the new worker, and
//     the old worker keeps serving from its own, complete cache. go-app's
//     worker swallowed the error, activated with an empty cache and deleted
//     the old one.
//   - activate: delete the caches of older versions, only once the current
//     cache is checked complete; then claim the clients.
//   - fetch: GET requests of this origin only. /api/ never reaches the
//     worker's cache: the browser sends it to the network. Navigations
//     outside /web/ try the cache with ignoreSearch (so "/?x=1" is "/"),
//     then the network (a 5xx or no answer within navigationTimeoutMS
//     counts as none), then the cached "/" shell, whose Go code routes the
//     URL itself. Everything else is cache first, then network.
var workerJS = `self.addEventListener("install", (event) => {
  console.log("installing app worker {{.Version}}");
  event.waitUntil(installWorker());
});

async function installWorker() {
  const cache = await caches.open(cacheName);
  try {
    // addAll is all or nothing: a single failure stores none of them.
    await cache.addAll(
      resourcesToCache.map((url) => new Request(url, { cache: "reload" }))
    );
  } catch (err) {
    console.error("app worker {{.Version}}: precache failed, keeping the previous version:", err);
    await caches.delete(cacheName);
    throw err; // the install fails: this worker is discarded
  }
  await self.skipWaiting();
}

self.addEventListener("activate", (event) => {
  event.waitUntil(activateWorker());
});

async function activateWorker() {
  if (await cacheComplete()) {
    await deletePreviousCaches();
  } else {
    console.error("app worker {{.Version}}: cache incomplete, previous caches kept");
  }
  await self.clients.claim();
  console.log("app worker {{.Version}} is activated");
}

async function cacheComplete() {
  try {
    const cache = await caches.open(cacheName);
    const keys = await cache.keys();
    const have = new Set(keys.map((r) => new URL(r.url).pathname));
    return resourcesToCache.every((url) => have.has(new URL(url, self.location.origin).pathname));
  } catch (err) {
    return false;
  }
}

async function deletePreviousCaches() {
  const keys = await caches.keys();
  await Promise.all(
    keys.map(async (key) => {
      if (key !== cacheName && key.startsWith("app-")) {
        try {
          console.log("deleting", key, "cache");
          await caches.delete(key);
        } catch (err) {
          console.error("deleting", key, "cache failed:", err);
        }
      }
    })
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
    return; // network only, never cached
  }
  if (request.mode === "navigate" && !url.pathname.startsWith("/web/")) {
    event.respondWith(navigate(request));
    return;
  }
  event.respondWith(fetchWithCache(request));
});

async function fromCache(request, options) {
  try {
    const cache = await caches.open(cacheName);
    return await cache.match(request, Object.assign({ ignoreVary: true }, options));
  } catch (err) {
    return undefined;
  }
}

async function navigate(request) {
  const cached = await fromCache(request, { ignoreSearch: true });
  if (cached) {
    return cached;
  }
  const network = fetch(request);
  try {
    const response = await Promise.race([
      network,
      new Promise((resolve, reject) =>
        setTimeout(() => reject(new Error("network too slow")), ` + fmt.Sprint(navigationTimeoutMS) + `)
      ),
    ]);
    if (response.status >= 500) {
      throw new Error("server error " + response.status); // a proxy's error page: the shell is better
    }
    return response;
  } catch (err) {
    const shell = await fromCache("/");
    if (shell) {
      return shell;
    }
    return network; // no shell: the network's answer or its error
  }
}

async function fetchWithCache(request) {
  const cached = await fromCache(request);
  if (cached) {
    return cached;
  }
  return await fetch(request);
}
`

// serviceWorkerTemplate returns go-app's default worker with its install,
// activate and fetch handlers replaced by workerJS. It fails with
// ErrWorkerTemplate when def no longer holds the replaced code.
func serviceWorkerTemplate(def string) (string, error) {
	if !strings.Contains(def, workerHead) {
		return "", fmt.Errorf("%w: cache name and resource list not found", ErrWorkerTemplate)
	}
	start := strings.Index(def, workerStart)
	if start < 0 {
		return "", fmt.Errorf("%w: install handler not found", ErrWorkerTemplate)
	}
	end := strings.Index(def, workerEnd)
	if end < start {
		return "", fmt.Errorf("%w: fetch handler not found after install handler", ErrWorkerTemplate)
	}
	return def[:start] + workerJS + def[end+len(workerEnd):], nil
}

// defaultWorker is go-app's worker; a variable so that tests can feed
// serviceWorkerTemplate a changed one. app.DefaultAppWorkerJS is empty in
// wasm builds; this package is server code only.
var defaultWorker = app.DefaultAppWorkerJS
