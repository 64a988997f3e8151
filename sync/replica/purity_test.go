package replica

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestPureAndWasm proves that the package builds for js/wasm, as the phone
// needs, and imports nothing that does I/O: only these packages.
func TestPureAndWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package for js/wasm")
	}
	allowed := map[string]bool{
		"bytes": true, "encoding/json": true, "errors": true, "fmt": true, "math": true,
		"regexp": true, "sort": true, "strconv": true, "strings": true, "unicode/utf8": true,
		"github.com/google/uuid": true,
	}
	gobin := runtime.GOROOT() + "/bin/go"
	cmd := exec.Command(gobin, "list", "-f", `{{join .Imports "\n"}}`, ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list for js/wasm: %v\n%s", err, out)
	}
	for _, imp := range strings.Fields(string(out)) {
		if !allowed[imp] {
			t.Errorf("replica imports %s: keep the merge free of I/O and of heavy dependencies", imp)
		}
	}
	build := exec.Command(gobin, "build", "-o", t.TempDir()+"/replica.a", ".")
	build.Env = append(build.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=js GOARCH=wasm go build: %v\n%s", err, out)
	}
}
