// Command carnet-app is the phone app's WebAssembly entry point, built
// apart from the server so that server code never reaches app.wasm:
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -gcflags='carnet/...=-l' -o web/app.wasm ./cmd/carnet-app
//	go run ./cmd/wasmpack
//
// It registers the routes of app/ui (the same ones the server pre-renders)
// and hands the page to go-app. deps_test.go fails when its dependencies
// include a net/http client, a database driver or server packages.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/ui"
)

func main() {
	ui.Routes()
	// Does nothing natively; never returns in the browser.
	app.RunWhenOnBrowser()
}
