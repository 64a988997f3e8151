// Package replica holds Carnet's data model and its one merge rule: records,
// changes, hybrid logical clocks, per-field last-writer-wins, tombstones,
// vote slots, and the validation of every kind, field and writer.
//
// It is pure Go with no I/O and no clock of its own, so that a phone (built
// for js/wasm) and the sync server compute exactly the same state from the
// same set of changes, whatever their order and however often each arrives.
// The wire contract it implements is ../shared/PROTOCOL.md, version 1.
package replica
