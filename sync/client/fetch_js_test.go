//go:build js && wasm

package client_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"carnet/sync/client"
)

// TestFetch runs in a JavaScript host (Node) against the server that
// TestFetchInNode starts natively.
func TestFetch(t *testing.T) {
	base := os.Getenv("CARNET_FETCH_URL")
	if base == "" {
		t.Skip("CARNET_FETCH_URL is not set: TestFetchInNode runs this test")
	}
	ctx := context.Background()
	d := client.Fetch{}

	body := bytes.Repeat([]byte(`{"changes":[]}`), 100)
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(body)
	w.Close()
	resp, err := d.Do(ctx, &client.Request{Method: "POST", URL: base + "/echo", Body: z.Bytes(),
		Header: map[string]string{"Authorization": "Bearer tok", "Content-Type": "application/json", "Content-Encoding": "gzip"}})
	if err != nil {
		t.Fatalf("POST: Do() = %v", err)
	}
	var echo struct {
		Method, Auth, Encoding string
		Body                   []byte
	}
	if err := json.Unmarshal(resp.Body, &echo); err != nil {
		t.Fatalf("POST: answer %q: %v", resp.Body, err)
	}
	if resp.Status != 200 || echo.Method != "POST" || echo.Auth != "Bearer tok" || echo.Encoding != "gzip" || !bytes.Equal(echo.Body, body) {
		t.Fatalf("POST: %d %+v", resp.Status, echo)
	}
	if resp.Header["x-answer"] != "yes" {
		t.Errorf("POST: headers %v, want lowercase x-answer", resp.Header)
	}
	if _, ok := resp.Header["content-encoding"]; ok {
		t.Errorf("POST: content-encoding kept after the host decoded the body")
	}

	resp, err = d.Do(ctx, &client.Request{Method: "HEAD", URL: base + "/head", Header: map[string]string{"Authorization": "Bearer tok"}})
	if err != nil || resp.Status != 404 || resp.Header["upload-offset"] != "12" || len(resp.Body) != 0 {
		t.Fatalf("HEAD: Do() = %+v, %v; want 404 with upload-offset 12", resp, err)
	}

	if _, err := d.Do(ctx, &client.Request{Method: "GET", URL: "http://127.0.0.1:1/"}); err == nil {
		t.Fatal("GET of a closed port: no error")
	}

	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := d.Do(tctx, &client.Request{Method: "GET", URL: base + "/slow"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("GET with a deadline: error %v, want DeadlineExceeded", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatal("the aborted fetch did not end at once")
	}
}
