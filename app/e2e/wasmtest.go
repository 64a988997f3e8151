//go:build !js

package e2e

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// RunWasmTests builds the tests of pkg (an import path such as
// "carnet/app/localdb") for js/wasm with go test -c, runs them in a page
// of a fresh Chromium, logs their output and fails when they fail. Tests
// that need browser APIs Node lacks (IndexedDB, the DOM, fetch to a
// server) run this way. args go to the test binary ("-test.run=X").
func RunWasmTests(t *testing.T, pkg string, args ...string) {
	t.Helper()
	b := NewBrowser(t) // skips without Chromium, before building
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "test.wasm")
	cmd := exec.Command(goCommand(), "test", "-c", "-o", bin, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=js GOARCH=wasm go test -c %s: %v\n%s", pkg, err, out)
	}
	execJS, err := wasmExecJS()
	if err != nil {
		t.Fatal(err)
	}

	argv := append([]string{"test.wasm", "-test.v"}, args...)
	argvJS := "["
	for i, a := range argv {
		if i > 0 {
			argvJS += ","
		}
		argvJS += fmt.Sprintf("%q", a)
	}
	argvJS += "]"
	page := `<!doctype html><meta charset="utf-8"><title>wasm tests</title>
<script src="/wasm_exec.js"></script>
<script>
const go = new Go();
go.argv = ` + argvJS + `;
go.exit = (code) => { window.__exit = code; };
WebAssembly.instantiateStreaming(fetch("/test.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((e) => { console.log("could not run the wasm tests: " + e); window.__exit = 99; });
</script>`
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("/wasm_exec.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, execJS)
	})
	mux.HandleFunc("/test.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		http.ServeFile(w, r, bin)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	if err := b.Open(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	b.Timeout = 10 * time.Minute
	pollErr := b.Poll(`window.__exit !== undefined`)
	var out strings.Builder
	for _, m := range b.Console() {
		out.WriteString(m.Text)
		out.WriteByte('\n')
	}
	t.Logf("%s in the browser:\n%s", pkg, out.String())
	if pollErr != nil {
		t.Fatalf("wasm tests of %s did not finish: %v", pkg, pollErr)
	}
	code, err := Eval[int](b, `window.__exit`)
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("wasm tests of %s failed (exit code %d)", pkg, code)
	}
}

// wasmExecJS returns the path of the toolchain's wasm_exec.js.
func wasmExecJS() (string, error) {
	root := runtime.GOROOT()
	if out, err := exec.Command(goCommand(), "env", "GOROOT").Output(); err == nil {
		root = strings.TrimSpace(string(out))
	}
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			return filepath.Join(root, p), nil
		}
	}
	return "", errors.New("wasm_exec.js not found in GOROOT " + root)
}
