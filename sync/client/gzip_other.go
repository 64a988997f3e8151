//go:build !(js && wasm)

package client

import (
	"bytes"
	"compress/gzip"
)

// gzipBody returns b gzipped.
func gzipBody(b []byte) ([]byte, bool) {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	_, _ = w.Write(b) // a bytes.Buffer does not fail
	_ = w.Close()
	return z.Bytes(), true
}
