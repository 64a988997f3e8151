// Package storetest holds the one conformance suite that every
// implementation of store.Store passes. A backend runs it in three lines:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, dir string) store.Store { return mustOpen(t, dir) })
//	}
//
// The suite opens each store through an Open function given a folder, and
// opens the same folder again after Close to check that what was stored
// survives a restart; see Open for what a backend that keeps no files does
// with the folder.
//
// It covers every method and its contract: workshops created once and
// found; joins that are idempotent with the same secret hash, a conflict
// with another, and merge their records the first time only; Apply running
// its check in one transaction against the stored merged records, storing by
// per-field last-writer-wins (a losing change is accepted, changes nothing
// and does not move the cursor), harmless when repeated, rolled back whole
// when the check fails, and correct when many run at once; Changes paging
// with each (record, field) once at its latest place and cursors that only
// grow; workshops isolated from each other; resumable blobs; and everything
// surviving a reopen. It also checks, with random changes, that a client
// pulling pages between writes converges on the merge rule's state.
package storetest
