package main

import (
	"errors"
	"log/slog"
	"net/http"

	"carnet/app/pwa"
)

// newApp returns the handler of the PWA built into webDir, or nil while
// there is none (no app.wasm: the app was not built): the server then
// serves its plain page at /. Other errors (a precached file missing, a
// go-app whose worker changed) stop the start.
func newApp(webDir string, logger *slog.Logger) (http.Handler, error) {
	h, err := pwa.New(pwa.Config{WebDir: webDir, Logger: logger})
	if errors.Is(err, pwa.ErrNoWasm) {
		logger.Warn("serving the API without the app: build it with `make` (app.wasm missing)", "web", webDir, "err", err)
		return nil, nil
	}
	return h, err
}
