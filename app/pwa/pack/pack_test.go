package pack

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func TestPrecompress(t *testing.T) {
	// Over 8 MiB, so that a single-segment frame would need a window
	// browsers refuse.
	raw := bytes.Repeat([]byte("carnet app.wasm stand-in 0123456789 "), (9<<20)/36)
	path := filepath.Join(t.TempDir(), "app.wasm")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Precompress(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Raw != len(raw) || s.Gzip <= 0 || s.Zstd <= 0 || s.Gzip >= s.Raw || s.Zstd >= s.Raw {
		t.Fatalf("sizes %+v", s)
	}

	gz, err := os.ReadFile(path + ".gz")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("app.wasm.gz does not decompress to app.wasm (%v)", err)
	}

	zst, err := os.ReadFile(path + ".zst")
	if err != nil {
		t.Fatal(err)
	}
	var h zstd.Header
	if err := h.Decode(zst); err != nil {
		t.Fatal(err)
	}
	if h.SingleSegment || h.WindowSize == 0 || h.WindowSize > ZstdWindow {
		t.Errorf("zstd frame: single segment %v, window %d: browsers accept windows up to %d", h.SingleSegment, h.WindowSize, ZstdWindow)
	}
	d, err := zstd.NewReader(bytes.NewReader(zst), zstd.WithDecoderMaxWindow(ZstdWindow))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	got, err = io.ReadAll(d)
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("app.wasm.zst does not decompress to app.wasm with an 8 MiB window (%v)", err)
	}
}
