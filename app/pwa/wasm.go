package pwa

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"carnet/app/pwa/pack"
)

// ErrNoWasm means the web folder holds no app.wasm: the app was not built
// (`make`, or GOOS=js GOARCH=wasm go build -o web/app.wasm ./cmd/carnet-app
// then go run ./cmd/wasmpack).
var ErrNoWasm = errors.New("no app.wasm: build the app first (make)")

// File names of the built app in the web folder.
const (
	WasmFile = "app.wasm"
	GzipFile = "app.wasm.gz"
	ZstdFile = "app.wasm.zst"
)

// WasmLengthHeader is the response header that carries app.wasm's raw
// (decompressed) size, which go-app's loader needs for its progress when
// the body is compressed (Handler.WasmContentLengthHeader).
const WasmLengthHeader = "X-Wasm-Content-Length"

// wasmAssets is app.wasm and its compressed forms, read once at start so
// that what is served always matches Version.
type wasmAssets struct {
	raw, gz, zst []byte
	sum          [sha256.Size]byte
}

// loadWasm reads app.wasm from dir with its precompressed forms. A
// compressed file that is missing or does not decompress to app.wasm (a
// build without wasmpack) is made again in memory, at a faster level, with
// a warning.
func loadWasm(dir string, log *slog.Logger) (*wasmAssets, error) {
	path := filepath.Join(dir, WasmFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (looked for %s)", ErrNoWasm, path)
	}
	if err != nil {
		return nil, err
	}
	a := &wasmAssets{raw: raw, sum: sha256.Sum256(raw)}

	a.gz = readMatching(filepath.Join(dir, GzipFile), a.sum, func(r io.Reader) (io.ReadCloser, error) {
		return gzip.NewReader(r)
	})
	a.zst = readMatching(filepath.Join(dir, ZstdFile), a.sum, func(r io.Reader) (io.ReadCloser, error) {
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(pack.ZstdWindow))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	})
	if a.gz == nil || a.zst == nil {
		log.Warn("app.wasm is not precompressed or its .gz/.zst are stale: compressing in memory; run wasmpack (make) after building app.wasm",
			"dir", dir)
		if a.gz == nil {
			if a.gz, err = pack.Gzip(raw, gzip.DefaultCompression); err != nil {
				return nil, err
			}
		}
		if a.zst == nil {
			if a.zst, err = pack.Zstd(raw, zstd.SpeedDefault); err != nil {
				return nil, err
			}
		}
	}
	return a, nil
}

// readMatching returns the file's bytes when it decompresses to content
// with SHA-256 sum, nil otherwise.
func readMatching(name string, sum [sha256.Size]byte, decompress func(io.Reader) (io.ReadCloser, error)) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	r, err := decompress(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return nil
	}
	if !bytes.Equal(h.Sum(nil), sum[:]) {
		return nil
	}
	return b
}

// encoding is the answer's Content-Encoding for an Accept-Encoding: zstd,
// then gzip, else none ("").
func encoding(acceptEncoding string) string {
	q := map[string]float64{}
	star, hasStar := 0.0, false
	for _, part := range strings.Split(acceptEncoding, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		v := 1.0
		for _, p := range strings.Split(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
					v = f
				}
			}
		}
		if name == "*" {
			star, hasStar = v, true
			continue
		}
		q[name] = v
	}
	accepts := func(name string) bool {
		if v, ok := q[name]; ok {
			return v > 0
		}
		return hasStar && star > 0
	}
	switch {
	case accepts("zstd"):
		return "zstd"
	case accepts("gzip"):
		return "gzip"
	}
	return ""
}

// serve answers a GET or HEAD of app.wasm in the encoding the request
// accepts, with an ETag of its own for each encoding.
func (a *wasmAssets) serve(w http.ResponseWriter, r *http.Request, version string) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Type", "application/wasm")
	h.Set("Cache-Control", "no-cache")
	h.Set(WasmLengthHeader, strconv.Itoa(len(a.raw)))
	body := a.raw
	enc := encoding(r.Header.Get("Accept-Encoding"))
	switch enc {
	case "zstd":
		body = a.zst
	case "gzip":
		body = a.gz
	}
	tag := `"` + version + `"`
	if enc != "" {
		h.Set("Content-Encoding", enc)
		tag = `"` + version + "-" + enc + `"`
	}
	h.Set("ETag", tag)
	if etagMatch(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	// Not http.ServeContent: it sets no Content-Length on an encoded body.
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// etagMatch reports whether an If-None-Match header lists tag (weakly).
func etagMatch(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}

// sumHex returns the hex SHA-256 of app.wasm.
func (a *wasmAssets) sumHex() string { return hex.EncodeToString(a.sum[:]) }
