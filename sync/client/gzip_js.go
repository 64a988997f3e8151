//go:build js && wasm

package client

import (
	"context"
	"syscall/js"
)

// gzipBody returns b gzipped by the browser's CompressionStream, so that
// app.wasm carries no compressor of its own (compress/flate costs about
// 20 KB of gzip there). ok is false where the browser has none: the body
// is then sent as it is. It must not be called from a JS callback.
func gzipBody(b []byte) ([]byte, bool) {
	global := js.Global()
	cs := global.Get("CompressionStream")
	if cs.Type() != js.TypeFunction {
		return nil, false
	}
	u8 := global.Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	stream := global.Get("Blob").New([]any{u8}).Call("stream").Call("pipeThrough", cs.New("gzip"))
	buf, err := await(context.Background(), js.Undefined(), func() js.Value {
		return global.Get("Response").New(stream).Call("arrayBuffer")
	})
	if err != nil {
		return nil, false
	}
	out := global.Get("Uint8Array").New(buf)
	z := make([]byte, out.Get("length").Int())
	js.CopyBytesToGo(z, out)
	return z, true
}
