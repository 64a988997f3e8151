package client_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"carnet/sync/client"
)

// TestServerOffset: a sync answer that says the server's time sets the
// offset, taken at the middle of the round trip; an answer without it
// (an older server) leaves the offset as it was.
func TestServerOffset(t *testing.T) {
	s := newFakeServer(t)
	p := newFacilitator(t, s)
	if _, known := p.c.ServerOffset(); known {
		t.Fatal("offset known before any sync")
	}
	serverNow := int64(0) // 0: the answer says nothing
	s.hook = func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error) {
		p.clock.Add(400 * time.Millisecond) // the round trip
		resp, err := next()
		if err != nil || !strings.HasSuffix(r.URL, "/sync") || serverNow == 0 {
			return resp, err
		}
		var m map[string]any
		if err := json.Unmarshal(resp.Body, &m); err != nil {
			t.Fatal(err)
		}
		m["now"] = serverNow
		resp.Body, _ = json.Marshal(m)
		return resp, nil
	}

	p.sync(t)
	if _, known := p.c.ServerOffset(); known {
		t.Fatal("offset known from an answer without the server's time")
	}

	// The server's clock is 90 s ahead of the device's middle of the trip.
	sent := p.clock.Now()
	serverNow = sent.Add(200*time.Millisecond + 90*time.Second).UnixMilli()
	if err := p.c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if off, known := p.c.ServerOffset(); !known || off != 90*time.Second {
		t.Fatalf("ServerOffset() = %v, %v; want 1m30s, true", off, known)
	}

	serverNow = 0
	p.sync(t)
	if off, known := p.c.ServerOffset(); !known || off != 90*time.Second {
		t.Errorf("after an answer without the time, ServerOffset() = %v, %v; want it kept", off, known)
	}
}
