//go:build js && wasm

package client

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
)

// TestGzipBodyInJS: the browser's CompressionStream makes a gzip that Go
// (and so the server) reads back byte for byte.
func TestGzipBodyInJS(t *testing.T) {
	body := bytes.Repeat([]byte(`{"record":"x","kind":"note","fields":{"text":"Ressaisie"}},`), 200)
	z, ok := gzipBody(body)
	if !ok {
		t.Skip("this JavaScript host has no CompressionStream")
	}
	if len(z) >= len(body) {
		t.Fatalf("gzipBody() = %d bytes from %d", len(z), len(body))
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(back, body) {
		t.Fatalf("gunzip(gzipBody(b)) = %d bytes, %v; want b", len(back), err)
	}
}
