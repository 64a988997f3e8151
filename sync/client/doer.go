package client

import "context"

// Request is one HTTP request. It does not use net/http, whose client would
// add megabytes to the browser's app.wasm; the browser sends it with
// window.fetch, native programs with net/http (see NetHTTP).
type Request struct {
	Method string
	URL    string
	Header map[string]string
	Body   []byte
}

// Response is an HTTP response with its body read whole and decompressed.
// Header keys are lowercase.
type Response struct {
	Status int
	Header map[string]string
	Body   []byte
}

// Doer sends requests. An error means no answer arrived (network down, a
// connection cut): the request may or may not have reached the server.
type Doer interface {
	Do(ctx context.Context, r *Request) (*Response, error)
}
