// Package template holds Carnet's built-in workshop templates: the five
// two-day protocols of the seed (Toulon, Lisieux, Chamonix, Caux, Dunkerque)
// with their timed agenda steps, formats and instructions in French, the
// rules of collaboration, the default vote budget and number of threads
// retained, and the boards their steps use (the colour-coded use-case
// drawing, the annex matrices, the action sheet, the business model canvas,
// the yes/no checklist, the backward-planning timeline...). A board is a set
// of named zones laid out on a grid; post-its (notes) go into zones.
//
// Records turns a template into the changes that create a workshop's
// sessions, groups and ballots, with record ids derived from the workshop
// id, so that a workshop created again or imported elsewhere keeps the same
// ids.
//
// The package is pure data and small functions: no I/O, only the standard
// library, carnet/sync/replica and github.com/google/uuid, so that the
// server and the phone app (js/wasm) share it.
package template
