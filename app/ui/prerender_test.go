//go:build !(js && wasm)

package ui

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// TestPrerender renders every route as the server does, before the wasm
// runs: each page answers 200 with its frame.
func TestPrerender(t *testing.T) {
	Routes()
	h := &app.Handler{Name: "Carnet", Icon: app.Icon{Default: "/web/icon-192.png"}}
	for path, want := range map[string]string{
		"/":                            `id="scanner"`,
		"/join?w=" + wsID + "&c=AB12":  `id="join-form"`,
		"/join?c=AB12":                 `id="join-badlink"`,
		"/w/" + wsID:                   `id="loading"`,
		"/w/" + wsID + "/s/" + meID:    `id="loading"`,
		"/w/" + wsID + "/vote/" + meID: `id="loading"`,
		"/w/" + wsID + "/device":       `id="loading"`,
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != 200 {
			t.Errorf("GET %s: %d", path, rec.Code)
			continue
		}
		if !strings.Contains(string(body), want) {
			t.Errorf("GET %s: no %s in\n%.2000s", path, want, body)
		}
		if !strings.Contains(string(body), `lang="fr"`) {
			t.Errorf("GET %s: not lang=fr", path)
		}
	}
}
