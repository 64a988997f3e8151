//go:build !(js && wasm)

package ui

import (
	"context"

	"carnet/sync/client"
)

// newDoer natively returns a Doer that never reaches a server: the server
// only pre-renders the pages, it never syncs them.
func newDoer() client.Doer { return noNetwork{} }

type noNetwork struct{}

func (noNetwork) Do(ctx context.Context, r *client.Request) (*client.Response, error) {
	return nil, errNoBrowser
}
