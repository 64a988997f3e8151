//go:build !js

package e2e

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"carnet/app/pwa/pack"
)

var (
	buildOnce  sync.Once
	builtWeb   string
	builtSizes pack.Sizes
	buildErr   error
	buildTook  time.Duration

	cleanupMu sync.Mutex
	cleanups  []func()
)

// Main runs the tests of a package with browser tests and then removes
// what the harness made (the built web folder, the shared server). Call it
// from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	cleanupMu.Lock()
	fs := cleanups
	cleanups = nil
	cleanupMu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
	os.Exit(code)
}

func atExit(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

// goCommand returns the go command of the toolchain that built the test,
// so that app.wasm and the server (whose go-app embeds wasm_exec.js) come
// from one Go version.
func goCommand() string {
	if root := runtime.GOROOT(); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}

// RepoRoot returns the folder of Carnet's go.mod.
func RepoRoot() (string, error) {
	out, err := exec.Command(goCommand(), "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the carnet module")
	}
	return filepath.Dir(mod), nil
}

// BuildWeb returns a web folder with the app built from the current
// sources: the repository's web/ files (icons, CSS) and app.wasm with its
// .gz and .zst. It builds once per test binary; the folder is removed by
// Main. With CARNET_E2E_WEB set, it returns that folder as it is.
func BuildWeb() (string, error) {
	buildOnce.Do(func() {
		start := time.Now()
		builtWeb, buildErr = buildWeb()
		buildTook = time.Since(start)
	})
	return builtWeb, buildErr
}

// WebDir is BuildWeb for a test: it fails the test when the build fails.
func WebDir(tb testing.TB) string {
	tb.Helper()
	dir, err := BuildWeb()
	if err != nil {
		tb.Fatalf("build the app: %v", err)
	}
	return dir
}

// BuiltSizes returns the sizes of the app.wasm that BuildWeb built, and
// how long the build took.
func BuiltSizes() (pack.Sizes, time.Duration) { return builtSizes, buildTook }

func buildWeb() (string, error) {
	if dir := os.Getenv("CARNET_E2E_WEB"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "app.wasm")); err != nil {
			return "", fmt.Errorf("CARNET_E2E_WEB=%s: %w", dir, err)
		}
		return dir, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "carnet-e2e-web-")
	if err != nil {
		return "", err
	}
	atExit(func() { os.RemoveAll(dir) })
	if err := copyStatic(filepath.Join(root, "web"), dir); err != nil {
		return "", err
	}
	wasm := filepath.Join(dir, "app.wasm")
	cmd := exec.Command(goCommand(), "build", "-trimpath", "-ldflags=-s -w", "-gcflags=carnet/...=-l", "-o", wasm, "./cmd/carnet-app")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("GOOS=js GOARCH=wasm go build ./cmd/carnet-app: %v\n%s", err, out)
	}
	if builtSizes, err = pack.Precompress(wasm); err != nil {
		return "", err
	}
	return dir, nil
}

// copyStatic copies the files of the repository's web folder (and its
// subfolders), leaving out a built app.wasm, its compressed forms and dot
// files.
func copyStatic(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		name := d.Name()
		switch {
		case rel == ".":
			return nil
		case strings.HasPrefix(name, "."):
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		case d.IsDir():
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		case rel == name && strings.HasPrefix(name, "app.wasm"), !d.Type().IsRegular():
			return nil
		}
		return copyFile(path, filepath.Join(to, rel))
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
