//go:build !js

package client_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestFetchInNode builds the client's tests for js/wasm and runs, in Node,
// TestFetch (window.fetch's Doer against a real server) and TestMemory
// (the Local conformance suite), as the browser would.
func TestFetchInNode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds for js/wasm")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node")
	}
	wasmExec := filepath.Join(runtime.GOROOT(), "lib", "wasm")
	if _, err := os.Stat(filepath.Join(wasmExec, "go_js_wasm_exec")); err != nil {
		t.Skipf("no go_js_wasm_exec: %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/echo":
			var rd io.Reader = r.Body
			if r.Header.Get("Content-Encoding") == "gzip" {
				z, err := gzip.NewReader(r.Body)
				if err != nil {
					http.Error(w, err.Error(), 400)
					return
				}
				rd = z
			}
			b, _ := io.ReadAll(rd)
			w.Header().Set("X-Answer", "yes")
			w.Header().Set("Content-Encoding", "gzip")
			z := gzip.NewWriter(w)
			json.NewEncoder(z).Encode(map[string]any{"Method": r.Method, "Auth": r.Header.Get("Authorization"),
				"Encoding": r.Header.Get("Content-Encoding"), "Body": b})
			z.Close()
		case "/head":
			w.Header().Set("Upload-Offset", "12")
			w.WriteHeader(404)
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}
	}))
	defer srv.Close()
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "test", "-count=1", "-run", "^(TestFetch|TestMemory)$", "-v", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CARNET_FETCH_URL="+srv.URL,
		"PATH="+wasmExec+string(os.PathListSeparator)+filepath.Dir(node)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test under js/wasm: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
