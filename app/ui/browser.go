package ui

import (
	"errors"
	"math"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Browser interop. Every function here is a no-op natively (app.IsClient is
// false while the server pre-renders). The ones that wait (await and what
// uses it) block their goroutine: call them from ctx.Async or another
// goroutine, never from an event handler or an app.FuncOf callback.

var errNoBrowser = errors.New("not in a browser")

// jsString formats any JS value as JavaScript's String(v) does. A rejection
// reason may be anything: never call a method on it.
func jsString(v app.Value) string {
	if !app.IsClient {
		return ""
	}
	return app.Window().Call("String", v).String()
}

type awaited struct {
	_   noEq
	v   app.Value
	err error
}

// await waits for the promise p: its value, or its rejection as an error.
// The callbacks only send on a buffered channel; the wait is here.
func await(p app.Value) (app.Value, error) {
	if !app.IsClient {
		return nil, errNoBrowser
	}
	ch := make(chan awaited, 1)
	ok := app.FuncOf(func(this app.Value, args []app.Value) any {
		var v app.Value = app.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- awaited{v: v}
		return nil
	})
	bad := app.FuncOf(func(this app.Value, args []app.Value) any {
		msg := "rejected"
		if len(args) > 0 {
			msg = jsString(args[0])
		}
		ch <- awaited{err: errors.New(msg)}
		return nil
	})
	p.Call("then", ok, bad)
	r := <-ch
	ok.Release()
	bad.Release()
	return r.v, r.err
}

// has reports whether window (or navigator, for "navigator.x") has a name.
func has(obj app.Value, name string) bool {
	return app.IsClient && obj.Get(name).Truthy()
}

func navigator() app.Value { return app.Window().Get("navigator") }

// isOnline reports navigator.onLine (true natively: nothing to sync there).
func isOnline() bool {
	if !app.IsClient {
		return true
	}
	v := navigator().Get("onLine")
	return v.Type() != app.TypeBoolean || v.Bool()
}

// isStandalone reports whether the app runs installed (home screen).
func isStandalone() bool {
	if !app.IsClient {
		return false
	}
	if f := app.Window().Get("goappIsAppInstalled"); f.Truthy() {
		return app.Window().Call("goappIsAppInstalled").Bool()
	}
	return false
}

// bytesToJS copies b into a new Uint8Array.
func bytesToJS(b []byte) app.Value {
	u := app.Window().Get("Uint8Array").New(len(b))
	app.CopyBytesToJS(u, b)
	return u
}

// objectURL returns a blob: URL for bytes of type mime ("" natively).
func objectURL(b []byte, mime string) string {
	if !app.IsClient {
		return ""
	}
	blob := app.Window().Get("Blob").New([]any{bytesToJS(b)}, map[string]any{"type": mime})
	return app.Window().Get("URL").Call("createObjectURL", blob).String()
}

func revokeObjectURL(u string) {
	if app.IsClient && u != "" {
		app.Window().Get("URL").Call("revokeObjectURL", u)
	}
}

// shot is a photo as the browser downscaled it.
type shot struct {
	data          []byte // JPEG
	width, height int
}

// maxSide is the longest side of a stored photo, in pixels.
const maxSide = 2000

// downscale decodes an image File, draws it on a canvas no larger than
// maxSide on its longest side and encodes it as JPEG 0.8. The canvas keeps
// only pixels: EXIF (GPS included) is gone. The size comes from the
// decoded bitmap, which browsers rotate by the EXIF orientation.
func downscale(file app.Value) (shot, error) {
	if !app.IsClient {
		return shot{}, errNoBrowser
	}
	bmp, err := await(app.Window().Call("createImageBitmap", file))
	if err != nil {
		return shot{}, err
	}
	w, h := bmp.Get("width").Int(), bmp.Get("height").Int()
	if w <= 0 || h <= 0 {
		bmp.Call("close")
		return shot{}, errors.New("empty image")
	}
	scale := math.Min(1, float64(maxSide)/float64(max(w, h)))
	cw := max(1, int(math.Round(float64(w)*scale)))
	ch := max(1, int(math.Round(float64(h)*scale)))
	canvas := app.Window().Get("document").Call("createElement", "canvas")
	canvas.Set("width", cw)
	canvas.Set("height", ch)
	g := canvas.Call("getContext", "2d")
	g.Set("imageSmoothingQuality", "high")
	g.Call("drawImage", bmp, 0, 0, cw, ch)
	bmp.Call("close")

	done := make(chan app.Value, 1)
	cb := app.FuncOf(func(this app.Value, args []app.Value) any {
		var v app.Value = app.Null()
		if len(args) > 0 {
			v = args[0]
		}
		done <- v
		return nil
	})
	canvas.Call("toBlob", cb, "image/jpeg", 0.8)
	blob := <-done
	cb.Release()
	canvas.Set("width", 0) // frees the canvas memory at once
	canvas.Set("height", 0)
	if !blob.Truthy() {
		return shot{}, errors.New("the browser could not encode the photo")
	}
	buf, err := await(blob.Call("arrayBuffer"))
	if err != nil {
		return shot{}, err
	}
	u := app.Window().Get("Uint8Array").New(buf)
	data := make([]byte, u.Length())
	app.CopyBytesToGo(data, u)
	return shot{data: data, width: cw, height: ch}, nil
}

// onWindow adds a listener for a window event and returns its remover.
// fn runs on the UI goroutine through dispatch: it must not block.
func onWindow(target app.Value, event string, fn func()) (remove func()) {
	if !app.IsClient {
		return func() {}
	}
	f := app.FuncOf(func(this app.Value, args []app.Value) any {
		fn()
		return nil
	})
	target.Call("addEventListener", event, f)
	return func() {
		target.Call("removeEventListener", event, f)
		f.Release()
	}
}

// sleepOrStop waits d, or less when stop closes; it reports whether it slept
// the whole time.
func sleepOrStop(d time.Duration, stop <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	}
}
