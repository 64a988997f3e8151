package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Elements are built with app.Elem rather than go-app's typed builders
// (app.Button, app.Input...): go-app has one Go type per HTML element, each
// with some two hundred methods, and each type an app uses costs about
// 2.2 KB gzip in app.wasm. Measured with the 18 element types this package
// needs: +44 KB gzip typed, +5 KB with app.Elem. Img stays typed: go-app
// links it anyway; div and p go through el too, so that ec, ecb and ect
// serve every element. Element-specific attributes go through Attr
// ("href", "type", "disabled", "value"...); go-app sets value, disabled,
// selected, readonly, muted, autoplay and required as DOM properties.

// el is an element with a closing tag.
func el(tag string) app.HTMLElem { return app.Elem(tag) }

// void is an element without one (input).
func void(tag string) app.HTMLElemSelfClosing { return app.ElemSelfClosing(tag) }

// ec is el(tag) with an id and a class, either of which may be empty (go-app
// sets no empty attribute). ect and ecb add a text or a body. One direct
// call costs far less code in app.wasm than a chain of interface method
// calls at every call site.
func ec(tag, id, class string) app.HTMLElem { return el(tag).ID(id).Class(class) }

// ect is ec with a text.
func ect(tag, id, class, text string) app.HTMLElem {
	return el(tag).ID(id).Class(class).Text(text)
}

// ecb is ec with a body.
func ecb(tag, id, class string, body ...app.UI) app.HTMLElem {
	return el(tag).ID(id).Class(class).Body(body...)
}
