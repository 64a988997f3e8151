package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Elements are built with app.Elem rather than go-app's typed builders
// (app.Button, app.Input...): go-app has one Go type per HTML element, each
// with some two hundred methods, and each type an app uses costs about
// 2.2 KB gzip in app.wasm. Measured with the 18 element types this package
// needs: +44 KB gzip typed, +5 KB with app.Elem. Div, P and Img stay typed:
// go-app links them anyway. Element-specific attributes go through Attr
// ("href", "type", "disabled", "value"...); go-app sets value, disabled,
// selected, readonly, muted, autoplay and required as DOM properties.

// el is an element with a closing tag.
func el(tag string) app.HTMLElem { return app.Elem(tag) }

// void is an element without one (input).
func void(tag string) app.HTMLElemSelfClosing { return app.ElemSelfClosing(tag) }
