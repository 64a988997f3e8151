//go:build js && wasm

package ui

import "carnet/sync/client"

// newDoer returns the Doer the sync client sends requests with: the
// browser's window.fetch (no net/http client in app.wasm).
func newDoer() client.Doer { return client.Fetch{} }
