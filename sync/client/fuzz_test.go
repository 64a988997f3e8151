package client_test

import (
	"context"
	"testing"
	"time"

	"carnet/sync/client"
)

// doerFunc answers every request with a function.
type doerFunc func(r *client.Request) (*client.Response, error)

func (f doerFunc) Do(_ context.Context, r *client.Request) (*client.Response, error) { return f(r) }

// FuzzAnswer feeds any bytes to the client as the server's answers: a
// sync answer, an error body, an upload offset. Sync may fail; it must
// not panic, and the outbox keeps what was not answered for.
func FuzzAnswer(f *testing.F) {
	f.Add(200, []byte(`{"cursor":"3","changes":[{"record":"0193b1c2-0000-7000-8000-0000000000a1","kind":"note","clock":"1764288000123.0002@0193b1c2-0000-7000-8000-000000000001","fields":{"text":"x"}}],"more":false,"rejected":[{"index":0,"field":"text","code":"forbidden","message":"no"}]}`), "12")
	f.Add(200, []byte(`{"cursor":"","changes":[{"record":"x","kind":"note","field":"a","value":null,"clock":"bad"}],"more":true}`), "-1")
	f.Add(403, []byte(`{"error":{"code":"forbidden","message":"wrong code"}}`), "")
	f.Add(409, []byte(`<html>`), "99999999999999999999")
	f.Add(200, []byte(`{"rejected":[{"index":-5},{"index":99}]}`), "0")
	f.Fuzz(func(t *testing.T, status int, body []byte, offset string) {
		calls := 0
		d := doerFunc(func(r *client.Request) (*client.Response, error) {
			if calls++; calls > 50 {
				return &client.Response{Status: 400, Body: []byte(`{}`)}, nil
			}
			return &client.Response{Status: status, Body: body, Header: map[string]string{"upload-offset": offset}}, nil
		})
		m := client.NewMemory()
		ctx := context.Background()
		m.SaveMeta(ctx, client.Meta{Workshop: "0193b1c2-0000-7000-8000-000000000009", Token: "t", Facilitator: true, Replica: "0193b1c2-0000-7000-8000-000000000001"})
		c, err := client.Open(ctx, client.Config{Local: m, Doer: d, Attempts: 2, Sleep: func(context.Context, time.Duration) error { return nil }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(ctx, set("0193b1c2-0000-7000-8000-0000000000b1", "thread", "title", "t")); err != nil {
			t.Fatal(err)
		}
		if _, err := c.WritePhoto(ctx, []byte("\xff\xd8\xff photo"), photo("0193b1c2-0000-7000-8000-0000000000c1")); err != nil {
			t.Fatal(err)
		}
		err = c.Sync(ctx)
		st, serr := c.Status(ctx)
		if serr != nil {
			t.Fatal(serr)
		}
		if err != nil && st.Changes != 2 && calls <= 1 {
			t.Fatalf("Sync() = %v after one call, yet the outbox went from 2 to %d", err, st.Changes)
		}
		if _, err := c.State(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
