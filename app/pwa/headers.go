package pwa

import (
	"net/http"
	"strings"
)

// contentSecurityPolicy returns the CSP of the app's answers. What go-app
// needs, checked in its v10.1.11 sources and in Chromium:
//
//   - scripts: only files of this origin (/app.js, /wasm_exec.js); go-app
//     writes no inline script and uses no eval. Instantiating app.wasm needs
//     'wasm-unsafe-eval' (not 'unsafe-eval').
//   - styles: go-app sets element styles through the style attribute
//     (setAttribute("style") for app.Elem().Style), which CSP counts as
//     inline style: 'unsafe-inline' for styles only.
//   - images: photos are shown from IndexedDB bytes as blob: or data: URLs.
//   - connect: /api/ of this origin, and the extra origins of sync servers
//     elsewhere (Config.ConnectSrc).
func contentSecurityPolicy(connect []string) string {
	connectSrc := append([]string{"'self'"}, connect...)
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' 'wasm-unsafe-eval'",
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' blob: data:",
		"media-src 'self' blob:",
		"font-src 'self'",
		"connect-src " + strings.Join(connectSrc, " "),
		"worker-src 'self'",
		"manifest-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// setSecurityHeaders sets the headers every answer of the app carries.
func (h *handler) setSecurityHeaders(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", h.csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	// Join links carry the workshop and its join code: never send them on.
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	// The camera for QR codes; nothing else.
	hd.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
	if r.TLS != nil {
		hd.Set("Strict-Transport-Security", "max-age=63072000")
	}
}
