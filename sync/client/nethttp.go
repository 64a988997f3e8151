//go:build !js

package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// maxAnswer bounds a decompressed answer: a page of 10,000 changes is far
// below it.
const maxAnswer = 256 << 20

// NetHTTP is the native Doer, over net/http (not built for js/wasm, where
// net/http would add megabytes to app.wasm). It asks for zstd or gzip
// answers and decodes them, and sends no header it was not given (not
// even User-Agent), so that a sync with nothing new stays small.
type NetHTTP struct {
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
}

var _ Doer = NetHTTP{}

// Do sends r. Response header keys are lowercase; a header given several
// times is joined with ", ".
func (d NetHTTP) Do(ctx context.Context, r *Request) (*Response, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return nil, err
	}
	req.Header["User-Agent"] = []string{""} // net/http sends none when empty
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	if req.Header.Get("Accept-Encoding") == "" && r.Method != "HEAD" {
		req.Header.Set("Accept-Encoding", "zstd, gzip")
	}
	hc := d.Client
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	// A decoder may take a cut body for a short one (zstd takes an empty
	// body for an empty stream): the transport's own error decides.
	body2 := &readErr{r: resp.Body}
	var rd io.Reader = body2
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		z, err := gzip.NewReader(body2)
		if err != nil {
			return nil, fmt.Errorf("read answer: %w", err)
		}
		defer z.Close()
		rd = z
	case "zstd":
		z, err := zstd.NewReader(body2, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxAnswer))
		if err != nil {
			return nil, fmt.Errorf("read answer: %w", err)
		}
		defer z.Close()
		rd = z
	default:
		return nil, fmt.Errorf("read answer: unknown Content-Encoding %q", enc)
	}
	b, err := io.ReadAll(io.LimitReader(rd, maxAnswer+1))
	if err == nil {
		err = body2.err
	}
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if len(b) > maxAnswer {
		return nil, fmt.Errorf("read answer: more than %d bytes", maxAnswer)
	}
	out := &Response{Status: resp.StatusCode, Header: make(map[string]string, len(resp.Header)), Body: b}
	for k, v := range resp.Header {
		out.Header[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	if len(resp.Header.Values("Content-Encoding")) > 0 {
		delete(out.Header, "content-encoding")
		delete(out.Header, "content-length")
	}
	return out, nil
}

// readErr keeps the first error of r other than io.EOF.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}
