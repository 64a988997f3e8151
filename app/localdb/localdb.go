package localdb

import (
	"errors"

	"carnet/sync/client"
	"carnet/sync/replica"
)

// Errors callers act on; check them with errors.Is.
var (
	// ErrUnavailable: the browser gives no IndexedDB (a private window of
	// some browsers, storage disabled): nothing can be kept on the device.
	ErrUnavailable = errors.New("this browser keeps no data on the device (IndexedDB unavailable)")
	// ErrFull: the device's storage quota is used up; the write was not
	// stored.
	ErrFull = errors.New("storage on this device is full")
	// ErrNoWorkshop: Open was given an empty workshop id.
	ErrNoWorkshop = errors.New("no workshop id")
)

// sortMetas orders the workshops of Workshops by id, so that the list is
// stable.
func sortMetas(m []client.Meta) {
	replica.SortStable(len(m), func(i, j int) bool { return m[i].Workshop < m[j].Workshop }, func(i, j int) { m[i], m[j] = m[j], m[i] })
}
