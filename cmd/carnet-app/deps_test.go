package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// forbidden are packages that must never reach app.wasm, with why. A path
// ending in "/" forbids the package and everything below it.
var forbidden = map[string]string{
	"database/sql":                         "a database driver belongs on the server",
	"modernc.org/sqlite/":                  "a database driver belongs on the server",
	"modernc.org/sqlite":                   "a database driver belongs on the server",
	"github.com/jackc/pgx/":                "a database driver belongs on the server",
	"carnet/sync/server":                   "server code",
	"carnet/sync/server/":                  "server code",
	"carnet/sync/store":                    "server code",
	"carnet/sync/store/":                   "server code",
	"carnet/cmd/carnet":                    "server code",
	"carnet/app/pwa":                       "server code (the app's HTTP handler)",
	"carnet/app/pwa/":                      "server code",
	"carnet/app/e2e":                       "test code",
	"github.com/chromedp/":                 "test code",
	"net/http/httptest":                    "test code",
	"text/template":                        "+2.5 MB raw: keep templates out of the client (GOAPP.md section 6)",
	"html/template":                        "+2.5 MB raw: keep templates out of the client (GOAPP.md section 6)",
	"github.com/klauspost/compress/gzhttp": "server code",
}

// httpImporters may import net/http: go-app's app package does, in every
// build, for its server-side Handler; the linker drops it from the wasm.
// Any other importer means a net/http client in app.wasm (about 5 MB raw,
// 1.2 MB gzip): use window.fetch (carnet/app/fetch) instead.
var httpImporters = map[string]bool{
	"github.com/maxence-charriere/go-app/v10/pkg/app": true,
}

// TestWasmDeps fails when the wasm build of this command depends on
// server code, a database driver, templates, or imports net/http outside
// go-app.
func TestWasmDeps(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goBin, "list", "-deps", "-f",
		`{{.ImportPath}}|{{.Standard}}|{{join .Imports ","}}`, ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list -deps (GOOS=js GOARCH=wasm): %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 20 {
		t.Fatalf("go list -deps listed %d packages: too few to be the app", len(lines))
	}
	bad, err := checkDeps(lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("app.wasm must not depend on these (go list -deps with GOOS=js GOARCH=wasm ./cmd/carnet-app):\n  %s",
			strings.Join(bad, "\n  "))
	}
}

// checkDeps returns what breaks the rules in lines of
// "importpath|standard|import,import,...".
func checkDeps(lines []string) ([]string, error) {
	var bad []string
	for _, line := range lines {
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("go list: unexpected line %q", line)
		}
		pkg, standard, imports := parts[0], parts[1] == "true", strings.Split(parts[2], ",")
		for f, why := range forbidden {
			if pkg == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(pkg, f)) {
				bad = append(bad, pkg+": "+why)
			}
		}
		if standard || httpImporters[pkg] {
			continue
		}
		for _, imp := range imports {
			if imp == "net/http" {
				bad = append(bad, pkg+" imports net/http: a net/http client adds about 5 MB to app.wasm; use carnet/app/fetch (window.fetch) in the browser")
			}
		}
	}
	sort.Strings(bad)
	return bad, nil
}

// TestCheckDeps makes sure the check can fail.
func TestCheckDeps(t *testing.T) {
	tests := []struct {
		line string
		bad  bool
	}{
		{"fmt|true|errors,io", false},
		{"net/http|true|net,crypto/tls", false},
		{"github.com/maxence-charriere/go-app/v10/pkg/app|false|net/http,syscall/js", false},
		{"carnet/app/fetch|false|syscall/js,carnet/sync/client", false},
		{"carnet/sync/client|false|net/http,carnet/sync/replica", true},
		{"database/sql|true|context", true},
		{"modernc.org/sqlite|false|database/sql", true},
		{"modernc.org/sqlite/lib|false|", true},
		{"github.com/jackc/pgx/v5|false|", true},
		{"carnet/sync/server|false|", true},
		{"carnet/sync/store/sqlite|false|", true},
		{"carnet/app/pwa|false|", true},
		{"text/template|true|", true},
	}
	for _, tt := range tests {
		bad, err := checkDeps([]string{tt.line})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(bad) > 0; got != tt.bad {
			t.Errorf("checkDeps(%q) = %q, want bad %v", tt.line, bad, tt.bad)
		}
	}
}
