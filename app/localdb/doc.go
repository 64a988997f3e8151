// Package localdb keeps a phone's workshops in the browser's IndexedDB: the
// client.Local of sync/client for each workshop, the list of workshops on
// the device, and the browser's persistent-storage calls.
//
// In the browser (js/wasm), one database "carnet" holds every workshop, in
// five object stores keyed by workshop:
//
//	meta     workshop            -> client.Meta as JSON text
//	records  [workshop, id]      -> replica.Record as JSON text (as the server confirmed it)
//	outbox   auto-increment seq  -> {w: workshop, r: record id, c: replica.Change as JSON text}
//	                                indexes "w" (workshop) and "wr" ([workshop, record])
//	blobs    [workshop, sha256]  -> photo bytes as an ArrayBuffer (Blobs are unreliable on iOS)
//	uploads  [workshop, sha256]  -> {at: order, size: bytes}, the photos still to upload
//
// Every method that writes runs in one readwrite transaction and returns
// once it has committed (durability "strict" for what the user captured),
// so that "enregistré" is true when the UI says it. The code keeps the
// rules GOAPP.md learned in a spike: nothing waits inside a go-indexeddb
// callback (results are collected and used after), nothing but IndexedDB
// requests runs inside a readwrite transaction (JSON and hashing happen
// before it opens), Await on the transaction right after its last request
// with a timeout, and cursors instead of GetAll.
//
// Natively (the server pre-rendering app/ui, tests), Open returns an
// in-memory client.Memory per workshop that lives as long as the process.
//
// Every function here blocks until the browser answers: call them from a
// goroutine (ctx.Async), never from a go-app event handler or an
// app.FuncOf callback, where a wait hangs the app for good.
package localdb
