package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// startGlobalWatchers listens, for the life of the app, to the browser's
// online and offline events: going online syncs every open workshop, and
// both re-render the status bars. Their FuncOfs are never released: they
// live as long as the page. Called once, with ctrlMu held.
func startGlobalWatchers(ctx app.Context) {
	if !app.IsClient {
		return
	}
	win := app.Window()
	onWindow(win, "online", func() {
		for _, w := range openWorkshops() {
			w.syncNow()
			w.notify()
		}
	})
	onWindow(win, "offline", func() {
		for _, w := range openWorkshops() {
			w.notify()
		}
	})
}
