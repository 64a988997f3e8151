// Package ui is Carnet's app, the participant's side and the
// facilitator's: go-app components, and Routes, which registers every page
// for the wasm main and for the server's pre-rendering.
//
// # Pages
//
//	/                         homePage: the workshops on this device, join (scan or paste a link), settings
//	/join?w=&c=[&p=&s=&n=]    joinPage: name, role, group; with p and s, a second phone of the same person
//	/w/<id>                   workshopPage: me and my group, open votes, the sessions, my other phone
//	/w/<id>/s/<session>       sessionPage: capture post-its and photos, the group's board
//	/w/<id>/vote/<ballot>     votePage: stickers (gommettes) on threads or notes
//	/w/<id>/device            devicePage: QR code that makes another phone the same participant
//
// The facilitator's pages (their element ids are listed at the top of
// facil1.go and facil2.go):
//
//	/new                      create a workshop, blank or from a template (facilPage)
//	/w/<id>/admin|agenda|wall|qr   settings and join QR, agenda and timer, live wall, QR sheet (facilPage)
//	/w/<id>/threads|ballots[/<ballot>]|synthesis|privacy   threads, ballots and results,
//	                          the printable synthesis, authors and erasure (facil2Page)
//
// Those pages are escaped HTML templates with one event handler each: in
// Go wasm every builder call site costs code, and app.wasm has a budget of
// 1.25x a go-app hello world (docs/benchmarks.md).
//
// # Data flow
//
// One controller per workshop (workshop.go) owns the sync client
// (carnet/sync/client over app/localdb) and the merged replica.State. It
// opens in the background, syncs on open, on the browser's online event,
// every minute while online and from the "Synchroniser" button, and runs
// writes one after the other in the order of the taps. Every write is
// committed to IndexedDB by the client before the UI says "enregistré".
// Components observe the go-app state "carnet/ws/<id>" (or "carnet/ws" for
// any workshop) and read a snapshot with view(); the state they read is
// never changed once published (copy on write), so a sync in another
// goroutine never races a render.
//
// # Element ids for browser tests
//
// The app is ready when go-app's #app-wasm-loader is gone. Ids are stable;
// <id> is a record id (UUID). Every page has #main (the scrolling content).
//
//	everywhere   #page-title, #nav-back; #update-banner with #update-reload (a new
//	             version is ready; never shown on a first visit)
//	sync bar     #sync-bar (data-state: synced, pending, offline, error, syncing),
//	             #sync-status (role=status, aria-live) holding #sync-text and #sync-detail,
//	             #sync-progress (<progress> while a photo uploads), #sync-now (button;
//	             syncs even when the browser says offline). Home sums up every workshop.
//	home         #my-workshops: #workshop-list with a.workshop-link#workshop-<id>,
//	             #no-workshops, #home-error; #install-banner with #install-app;
//	             #ios-hint with #ios-hint-close; #join-section: #scanner with #scan-start,
//	             #scan-video, #scan-stop (BarcodeDetector only) or #scan-hint (none),
//	             #join-link-form: #join-link, #join-link-open; #scan-error;
//	             #settings: #lang-label, #lang-fr, #lang-en (aria-pressed; switching
//	             reloads the page), #storage-usage, #storage-warning with #storage-persist
//	             and #storage-refused, or #storage-ok; #storage-error
//	join         #join-form: #join-name, #join-role, #join-group (select, once the
//	             groups are known) or #join-group-later, #join-submit, #join-error;
//	             #join-second (second phone: no fields); #join-already with #join-open;
//	             #join-badlink
//	workshop     #loading, #not-joined, #open-error (also on the pages below);
//	             #problems: #rejected with #rejected-ok, #bad-photos with
//	             #bad-photos-retry; #me: #me-name, #my-group with #group-change, or
//	             #group-form: #group-prompt, #group-select, #group-save, #group-error;
//	             #group-later; #ballots with a.ballot-link#ballot-<id>; #sessions with
//	             a.session-link#session-<id> (class t-room, t-visit, ...), #no-sessions;
//	             #devices: #other-phone, #invite-someone (details) with #invite-qr
//	session      #instructions (details), #capture: #note-form with #note-color-label,
//	             #color-<colour> (current, data, problem, wish, value, smile, idea;
//	             aria-pressed, data-color), #note-text, #note-save, #note-saved
//	             (role=status; holds .saved once the note is committed on the device),
//	             #note-error; #photo-capture: #photo-pick (label) with #photo-input
//	             (file input), #photo-status (role=status; .saved once stored),
//	             #photo-caption-form: #photo-preview, #photo-caption, #photo-caption-save;
//	             #photo-error; #board: #board-title, #board-count, #board-empty, then
//	             .note#note-<id> (data-color, data-mine) with .text, .meta and, for
//	             one's own, .note-edit and .note-delete; editing: .note-edit-form with
//	             .note-edit-text (#note-edit-text-<id>), .note-edit-color
//	             (#note-edit-color-<id>), .note-edit-save, .note-edit-cancel; deleting:
//	             .note-delete-confirm, .note-delete-cancel; and .photo#photo-<id>
//	             (data-blob, data-mine) with img (or .noimg), .caption, .photo-edit,
//	             .photo-delete, .photo-delete-confirm, .photo-delete-cancel
//	vote         #stickers-left (role=status: "Il vous reste 3 gommettes sur 4"),
//	             #vote-targets with .vote-target#target-<id> (data-target; data-mine =
//	             my stickers there) holding .vote-add, .vote-remove, .mine-count;
//	             #vote-none-left, #vote-closed, #vote-missing, #vote-empty, #vote-error,
//	             #vote-announce (for screen readers)
//	device       #device-warning, #device-show, then #device-qr (an <svg>),
//	             #device-link (the link, readonly), #device-copy, #device-copied,
//	             #device-hide; #device-none (facilitator)
//
// # go-app rules this package keeps
//
//   - All JavaScript goes through browser.go and is guarded by app.IsClient.
//     Waiting on a promise (await) happens in goroutines, never in an
//     app.FuncOf callback; every FuncOf is released, except the app-lifetime
//     online/offline listeners (watchers.go).
//   - go-app keeps the first event handler an element was mounted with (it
//     compares handlers by code pointer): handlers are methods that read the
//     component's fields, the controller or the element's data attributes
//     when they run, never closures over render-time values.
//   - Text inputs are not bound with Value(field): a re-render with a stale
//     value would eat keystrokes. Their value is read on input; after a save
//     the DOM value is cleared directly.
//   - Conditional parts are built with when() or plain if statements, not
//     app.If closures, and repeated builder chains go through widgets.go:
//     every builder call and closure costs code in app.wasm.
package ui
