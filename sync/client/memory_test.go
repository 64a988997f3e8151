package client_test

import (
	"testing"

	"carnet/sync/client"
	"carnet/sync/client/localtest"
)

func TestMemory(t *testing.T) {
	localtest.Run(t, func(t *testing.T) client.Local { return client.NewMemory() })
}
