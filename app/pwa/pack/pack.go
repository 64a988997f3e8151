// Package pack precompresses app.wasm for app/pwa, which serves it by
// Accept-Encoding: gzip -9 and zstd at its best level, with the 8 MiB
// window that browsers accept. cmd/wasmpack runs it after each build; it
// imports nothing of the app, so it builds even while the UI does not.
package pack

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/zstd"
)

// ZstdWindow is the largest window browsers must accept for a zstd
// Content-Encoding (RFC 8878, section 3.1.1.1.2: 8 MiB); Chromium refuses
// bigger ones.
const ZstdWindow = 8 << 20

// Sizes are the sizes in bytes of app.wasm and its compressed forms.
type Sizes struct {
	Raw, Gzip, Zstd int
}

// Precompress writes wasmPath+".gz" (gzip -9) and wasmPath+".zst" (zstd,
// best compression) next to wasmPath, each through a temporary file renamed
// into place, and returns the sizes.
func Precompress(wasmPath string) (Sizes, error) {
	raw, err := os.ReadFile(wasmPath)
	if err != nil {
		return Sizes{}, err
	}
	gz, err := Gzip(raw, gzip.BestCompression)
	if err != nil {
		return Sizes{}, fmt.Errorf("gzip %s: %w", wasmPath, err)
	}
	zst, err := Zstd(raw, zstd.SpeedBestCompression)
	if err != nil {
		return Sizes{}, fmt.Errorf("zstd %s: %w", wasmPath, err)
	}
	for name, b := range map[string][]byte{wasmPath + ".gz": gz, wasmPath + ".zst": zst} {
		if err := writeFileAtomic(name, b); err != nil {
			return Sizes{}, err
		}
	}
	return Sizes{Raw: len(raw), Gzip: len(gz), Zstd: len(zst)}, nil
}

// Gzip compresses raw at level (gzip.BestCompression, ...).
func Gzip(raw []byte, level int) ([]byte, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, level)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Zstd compresses raw at level as one frame with a window of at most
// ZstdWindow.
func Zstd(raw []byte, level zstd.EncoderLevel) ([]byte, error) {
	var b bytes.Buffer
	w, err := zstd.NewWriter(&b,
		zstd.WithEncoderLevel(level),
		zstd.WithWindowSize(ZstdWindow),
		zstd.WithSingleSegment(false),
		zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeFileAtomic(name string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
