//go:build !js

package client_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"carnet/sync/client"
)

func TestNetHTTP(t *testing.T) {
	want := bytes.Repeat([]byte(`{"cursor":"12","changes":[],"more":false}`), 50)
	var got *http.Request
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		gotBody, _ = io.ReadAll(r.Body)
		w.Header().Set("Upload-Offset", "42")
		w.Header().Add("X-Two", "a")
		w.Header().Add("X-Two", "b")
		switch r.URL.Path {
		case "/zstd":
			w.Header().Set("Content-Encoding", "zstd")
			z, _ := zstd.NewWriter(w)
			z.Write(want)
			z.Close()
		case "/gzip":
			w.Header().Set("Content-Encoding", "gzip")
			z := gzip.NewWriter(w)
			z.Write(want)
			z.Close()
		case "/plain":
			w.Write(want)
		case "/head":
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	d := client.NetHTTP{}
	ctx := context.Background()
	for _, path := range []string{"/zstd", "/gzip", "/plain"} {
		resp, err := d.Do(ctx, &client.Request{Method: "POST", URL: srv.URL + path,
			Header: map[string]string{"Authorization": "Bearer tok", "Content-Type": "application/json"}, Body: []byte(`{"a":1}`)})
		if err != nil {
			t.Fatalf("%s: Do() = %v", path, err)
		}
		if resp.Status != 200 || !bytes.Equal(resp.Body, want) {
			t.Errorf("%s: Do() = %d, %d bytes; want 200 and the %d bytes decoded", path, resp.Status, len(resp.Body), len(want))
		}
		if resp.Header["upload-offset"] != "42" || resp.Header["x-two"] != "a, b" {
			t.Errorf("%s: headers %v, want lowercase keys", path, resp.Header)
		}
		if _, ok := resp.Header["content-encoding"]; ok {
			t.Errorf("%s: content-encoding kept after decoding", path)
		}
		if got.Header.Get("Accept-Encoding") != "zstd, gzip" || got.Header.Get("Authorization") != "Bearer tok" || string(gotBody) != `{"a":1}` {
			t.Errorf("%s: the server got %v %q", path, got.Header, gotBody)
		}
		if _, ok := got.Header["User-Agent"]; ok {
			t.Errorf("%s: a User-Agent was sent: %q", path, got.Header.Get("User-Agent"))
		}
		var names []string
		for k := range got.Header {
			names = append(names, k)
		}
		if len(got.Header) != 4 { // Accept-Encoding, Authorization, Content-Type, Content-Length
			t.Errorf("%s: request headers %v, want only those given and Accept-Encoding", path, strings.Join(names, ", "))
		}
	}
	// An answer cut right after its headers is an error, not an empty body.
	for _, enc := range []string{"zstd", "gzip", ""} {
		cut := cutServer(t, enc)
		if resp, err := d.Do(ctx, &client.Request{Method: "POST", URL: cut, Body: []byte("{}")}); err == nil {
			t.Errorf("an answer in %q cut after its headers: Do() = %d, %q; want an error", enc, resp.Status, resp.Body)
		}
	}
	resp, err := d.Do(ctx, &client.Request{Method: "HEAD", URL: srv.URL + "/head"})
	if err != nil || resp.Status != 404 || resp.Header["upload-offset"] != "42" {
		t.Fatalf("HEAD: Do() = %+v, %v; want 404 with upload-offset", resp, err)
	}
	srv.Close()
	if _, err := d.Do(ctx, &client.Request{Method: "GET", URL: srv.URL}); err == nil {
		t.Fatal("Do() on a closed server: no error")
	}
}

// cutServer answers every request with a 200 whose headers promise a body
// (chunked, encoded with enc) and closes the connection before any.
func cutServer(t *testing.T, enc string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				h := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
				if enc != "" {
					h += "Content-Encoding: " + enc + "\r\n"
				}
				c.Write([]byte(h + "\r\n"))
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/sync"
}
