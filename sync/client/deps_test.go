//go:build !js

package client_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestWasmDeps fails when the js/wasm build of the client pulls in what
// would inflate app.wasm or cannot run in a browser: net/http, a database
// driver, server code.
func TestWasmDeps(t *testing.T) {
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		t.Skipf("no go command: %v", err)
	}
	cmd := exec.Command(gobin, "list", "-deps", ".", "./localtest")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	// database/sql/driver is fine: google/uuid imports it, for Scan.
	bad := []string{"net/http", "database/sql", "modernc.org/", "github.com/jackc/", "carnet/sync/server", "carnet/sync/store", "text/template", "html/template"}
	for _, pkg := range strings.Fields(string(out)) {
		for _, b := range bad {
			if pkg == b || strings.HasPrefix(pkg, b+"/") && b != "database/sql" || strings.HasSuffix(b, "/") && strings.HasPrefix(pkg, b) {
				t.Errorf("the js/wasm build of sync/client imports %s", pkg)
			}
		}
	}
}
