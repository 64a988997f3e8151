// Package bench measures Carnet's sync end to end, as Go benchmarks: real
// phones (client.Client over client.Memory and client.NetHTTP) against a
// real server (sync/server over sync/store/sqlite in a temporary folder)
// on 127.0.0.1, with every byte of every connection counted on the
// phone's side, HTTP headers included.
//
// It holds no code outside its tests. Run it with
//
//	go test -run '^$' -bench . -benchtime 1x ./sync/bench
//
// or through `make bench` (cmd/benchreport), which writes
// docs/benchmarks.md. The benchmarks report their results as custom
// metrics (b.ReportMetric):
//
//   - BenchmarkDaySync: 30 phones, each with a day of work captured
//     offline (150 changes: notes, edits, deletes, votes; 10 photos of
//     about 300 KB), sync one after the other. wire-B/phone is every byte
//     both ways; min-B/phone is what no protocol can avoid: the gzip -9
//     size of the phone's outbox as one JSON list, plus the gzip -9 size
//     of the others' changes it pulls as one JSON list, plus the photo
//     bytes; wire/min is their ratio (goal 1.03, PouchDB 1.35).
//     push-wire/min counts the phone's requests only, against its own
//     changes and photos; changes-wire/min counts the sync calls only,
//     against the changes alone. server-ms/phone sums the server's handler
//     time.
//   - BenchmarkNoopSync: B/sync, the bytes of a sync with nothing new
//     (goal 500, PouchDB 2,700).
//   - BenchmarkResendAfterCut: extra-B, the bytes a phone's day sync costs
//     beyond an uncut sync of the same day when one connection is cut once:
//     in the middle of a push, in the middle of the answer to a push, or
//     in the middle of a photo (goal 2,048; PouchDB sends a batch again).
//
// Byte counts do not depend on the machine; times do, and the machine may
// be shared: compare times only as ratios measured in one run. No test
// here asserts a time.
package bench
