//go:build js && wasm

package client

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
)

// Fetch is the browser's Doer, over window.fetch (or a worker's fetch).
// The browser negotiates and decodes compressed answers itself. A URL
// without a host is the page's origin. Cross-origin servers must expose
// Upload-Offset (Access-Control-Expose-Headers) for uploads to resume.
type Fetch struct{}

var _ Doer = Fetch{}

// Do sends r with fetch. It must not be called from a JS callback: it
// waits for fetch's promises.
func (Fetch) Do(ctx context.Context, r *Request) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	global := js.Global()
	fetch := global.Get("fetch")
	if fetch.Type() != js.TypeFunction {
		return nil, errors.New("fetch: not available in this JavaScript context")
	}
	abort := global.Get("AbortController").New()
	headers := global.Get("Headers").New()
	for k, v := range r.Header {
		headers.Call("set", k, v)
	}
	init := global.Get("Object").New()
	init.Set("method", r.Method)
	init.Set("headers", headers)
	init.Set("signal", abort.Get("signal"))
	init.Set("cache", "no-store")
	init.Set("credentials", "omit")
	if len(r.Body) > 0 {
		b := global.Get("Uint8Array").New(len(r.Body))
		js.CopyBytesToJS(b, r.Body)
		init.Set("body", b)
	}
	resp, err := await(ctx, abort, func() js.Value { return fetch.Invoke(r.URL, init) })
	if err != nil {
		return nil, fmt.Errorf("fetch %s %s: %w", r.Method, shortURL(r.URL), err)
	}
	out := &Response{Status: resp.Get("status").Int(), Header: map[string]string{}}
	// forEach calls back synchronously: the callback only fills a map.
	each := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) >= 2 {
			out.Header[lower(args[1].String())] = args[0].String()
		}
		return nil
	})
	resp.Get("headers").Call("forEach", each)
	each.Release()
	buf, err := await(ctx, abort, func() js.Value { return resp.Call("arrayBuffer") })
	if err != nil {
		return nil, fmt.Errorf("fetch %s %s: read answer: %w", r.Method, shortURL(r.URL), err)
	}
	u8 := global.Get("Uint8Array").New(buf)
	out.Body = make([]byte, u8.Get("length").Int())
	js.CopyBytesToGo(out.Body, u8)
	delete(out.Header, "content-encoding") // the browser decoded the body
	return out, nil
}

type settled struct {
	v   js.Value
	err error
}

// await calls start, which returns a promise, and waits for it to settle
// or for ctx to end (then it aborts the request and waits for the
// rejection, so that no callback runs after its release). The callbacks
// never block: they send on a buffered channel.
func await(ctx context.Context, abort js.Value, start func() js.Value) (js.Value, error) {
	ch := make(chan settled, 2)
	ok := js.FuncOf(func(this js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		select {
		case ch <- settled{v: v}:
		default:
		}
		return nil
	})
	fail := js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "rejected"
		if len(args) > 0 {
			// The reason may be anything: String() formats it safely.
			msg = js.Global().Get("String").Invoke(args[0]).String()
		}
		select {
		case ch <- settled{err: errors.New(msg)}:
		default:
		}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	start().Call("then", ok, fail)
	select {
	case s := <-ch:
		return s.v, s.err
	case <-ctx.Done():
		abort.Call("abort")
		<-ch // an aborted fetch settles at once
		return js.Value{}, ctx.Err()
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
