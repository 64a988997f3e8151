// Command hello is the go-app hello world that the app benchmarks compare
// app.wasm with: one route, one component, the wasm main apart from server
// code, as go-app's getting-started page writes it. BenchmarkAppSize and
// BenchmarkLoad build it with GOOS=js GOARCH=wasm -trimpath -ldflags="-s -w"
// and this module's go-app version; it lives under testdata so that
// `go build ./...` and `go vet ./...` leave it out.
package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

type hello struct{ app.Compo }

func (h *hello) Render() app.UI { return app.H1().Text("Hello World!") }

func main() {
	app.Route("/", func() app.Composer { return &hello{} })
	app.RunWhenOnBrowser()
}
