package main

import (
	"context"
	"fmt"
	"strings"
)

// Packages of the sync set, as go test names them in its output.
const (
	pkgBench   = "carnet/sync/bench"
	pkgReplica = "carnet/sync/replica"
	pkgSQLite  = "carnet/sync/store/sqlite"
)

// The baselines of issue 2: the same day replicated by PouchDB to an
// express-pouchdb server.
const (
	goalWire   = 1.03
	goalNoop   = 500
	goalResend = 2048
)

// syncRuns are the go test runs of the sync set; about two minutes on two
// cores with -count 3.
var syncRuns = []goTest{
	{pkg: "./sync/bench", bench: "^BenchmarkDaySync$", benchtime: "1x", timeout: "20m"},
	{pkg: "./sync/bench", bench: "^BenchmarkNoopSync$", benchtime: "200x"},
	{pkg: "./sync/bench", bench: "^BenchmarkResendAfterCut$", benchtime: "1x"},
	{pkg: "./sync/replica", bench: "^Benchmark(Merge|CheckBatch)$", benchtime: "1s"},
	{pkg: "./sync/store/sqlite", bench: "^BenchmarkApplyVsPlain$", benchtime: "1s"},
}

// syncSet runs the benchmarks of issue 2: sync on the wire, merge, store.
func syncSet(ctx context.Context, o options) section {
	s := section{
		Title: "Sync core and server (issue 2)",
		Intro: `Real phones (sync/client over an in-memory local store and net/http) sync with a real server
(sync/server over SQLite in a temporary folder) on 127.0.0.1, over plain HTTP/1.1. Every byte
of every connection is counted on the phone's side, headers included (sync/bench).`,
	}
	r := runAll(ctx, o, syncRuns, &s)

	s.Tables = append(s.Tables, table{
		Title: "A day's sync: 30 phones (BenchmarkDaySync)",
		Intro: `Each phone writes a day offline (150 changes: 100 notes, 30 edits, 10 deletes, 10 votes;
and 10 JPEG photos of about 300 KB), then the phones sync one after the other. Values are per
phone. The minimum is what no protocol can avoid: the gzip -9 size of the phone's outbox as one
JSON list of grouped changes, plus the gzip -9 size of the others' changes it pulls as one JSON
list, plus the photo bytes.`,
		Rows: rowsFor(r, pkgBench, "BenchmarkDaySync", []metric{
			{unit: "wire/min", label: "bytes on the wire ÷ minimum", format: ratio, goal: goalWire, baseline: "1.35"},
			{unit: "wire-B/phone", label: "bytes on the wire, both ways, headers included", format: bytesF},
			{unit: "min-B/phone", label: "minimum: changes and pulled changes gzip -9, plus photos", format: bytesF},
			{unit: "push-wire/min", label: "phone → server bytes ÷ (its changes gzip -9 + photos)", format: ratio},
			{unit: "changes-wire/min", label: "sync calls (no photos) ÷ changes pushed and pulled, gzip -9", format: ratio},
			{unit: "echo-gzip-B/phone", label: "the phone's own changes the server sends back (gzip -9)", format: bytesF},
			{unit: "hdr-B/phone", label: "HTTP headers and chunk framing, both ways", format: bytesF},
			{unit: "req/phone", label: "requests", format: count},
			{unit: "server-ms/phone", label: "server time (handler durations summed)", format: ms},
			{unit: "ns/op", label: "wall time of the 30 syncs", format: nsDuration},
		}),
	})
	s.Tables = append(s.Tables, table{
		Title: "A sync with nothing new (BenchmarkNoopSync)",
		Intro: "One phone syncs when neither it nor the server has anything new, on a kept-alive connection.",
		Rows: rowsFor(r, pkgBench, "BenchmarkNoopSync", []metric{
			{unit: "B/sync", label: "bytes on the wire, both ways", format: bytesF, goal: goalNoop, baseline: "2,700 B"},
			{unit: "up-B/sync", label: "phone → server", format: bytesF},
			{unit: "down-B/sync", label: "server → phone", format: bytesF},
			{unit: "hdr-B/sync", label: "of which HTTP headers", format: bytesF},
			{unit: "req/sync", label: "requests", format: count},
			{unit: "ns/op", label: "round trip on loopback", format: nsDuration},
		}),
	})
	cuts := []struct{ sub, label string }{
		{"push", "cut half-way through a push"},
		{"answer", "cut in the answer to a push (the server stored it)"},
		{"photo", "cut half-way through a photo's PATCH"},
	}
	var cutRows []row
	for _, c := range cuts {
		cutRows = append(cutRows, rowsFor(r, pkgBench, "BenchmarkResendAfterCut/cut="+c.sub, []metric{
			{unit: "extra-B", label: c.label + ": bytes beyond an uncut sync", format: bytesF, goal: goalResend, baseline: "a whole batch"},
		})...)
	}
	cutRows = append(cutRows, rowsFor(r, pkgBench, "BenchmarkResendAfterCut/cut=push", []metric{
		{unit: "uncut-B", label: "the uncut sync of the same day, for scale", format: bytesF},
	})...)
	s.Tables = append(s.Tables, table{
		Title: "Bytes re-sent after a cut (BenchmarkResendAfterCut)",
		Intro: `One phone's day sync with one connection cut once; the client retries and completes. The
extra bytes are those of the cut sync less those of an uncut sync of the same day.`,
		Rows: cutRows,
	})
	s.Tables = append(s.Tables, table{
		Title: "Merge (sync/replica)",
		Rows: append(rowsFor(r, pkgReplica, "BenchmarkMerge", []metric{
			{unit: "changes/s", label: "State.Apply of single-field changes (BenchmarkMerge)", format: perSecond},
		}), rowsFor(r, pkgReplica, "BenchmarkCheckBatch", []metric{
			{unit: "fields/s", label: "validation and rights of a phone's day (BenchmarkCheckBatch)", format: perSecond},
		})...),
	})
	var storeRows []row
	for _, name := range storeBenches(r) {
		sub := strings.TrimPrefix(strings.TrimPrefix(name, storeBench), "/")
		storeRows = append(storeRows, rowsFor(r, pkgSQLite, name, []metric{
			{unit: "apply/plain", label: "`" + sub + "`: store ÷ plain insert throughput", format: ratio},
			{unit: "apply-changes/s", label: "`" + sub + "`: store Apply", format: perSecond},
			{unit: "plain-changes/s", label: "`" + sub + "`: plain INSERT", format: perSecond},
		})...)
	}
	if len(storeRows) == 0 {
		storeRows = rowsFor(r, pkgSQLite, storeBench, []metric{{unit: "apply/plain", label: "store ÷ plain insert throughput", format: ratio}})
	}
	s.Tables = append(s.Tables, table{
		Title: "Store throughput against a plain SQLite insert (sync/store/sqlite)",
		Intro: `BenchmarkApplyVsPlain alternates, batch by batch, the store's Apply (check, merge, cursor, one
transaction) and a plain INSERT of the same rows into the same table, each on its own file, so
that the ratio is measured in one run. ` + "`rows=`" + ` is how many rows one plain INSERT statement
carries, ` + "`batch=`" + ` how many changes a transaction.`,
		Rows: storeRows,
	})

	s.Ratios = syncRatios(r)
	s.Notes = append(syncFindings(r), []string{
		"The 30 phones sync one after the other, so that server time is the server's work, not waiting: phone k pulls the days of the k−1 phones before it.",
		"Plain HTTP on loopback: a phone on HTTPS pays a TLS handshake for each new connection (not measured here); the no-op figure assumes a kept-alive connection.",
		"The minimum counts gzip -9 of whole JSON lists; the server's zstd answers can beat it on large pulls, so push-wire/min is the stricter figure for what a phone sends.",
		"Baselines are issue 2's figures for PouchDB replicating the same day to express-pouchdb (photos as base64 attachments).",
	}...)
	return s
}

// syncFindings explain, from the numbers, the misses and the waste seen
// so far; each applies only while its numbers show it.
func syncFindings(r results) []string {
	var out []string
	if s, ok := r.get(pkgBench, "BenchmarkResendAfterCut/cut=photo", "extra-B"); ok && s.median > goalResend {
		out = append(out, fmt.Sprintf("**Why the photo cut misses:** after the cut the client sends the same PATCH again "+
			"(same Upload-Offset, the whole chunk), but the server kept the bytes that arrived before the cut: it answers 409 "+
			"with its offset, by which time the chunk went out again (%s extra; less when the 409 wins the race). "+
			"The client should ask HEAD for the offset before sending a PATCH again after a network error.", bytesF(s.median)))
	}
	if s, ok := r.get(pkgBench, "BenchmarkResendAfterCut/cut=answer", "extra-B"); ok && s.median > goalResend {
		out = append(out, fmt.Sprintf("**Why the lost answer misses:** the server stored the push but its answer was lost, "+
			"so the client sends the whole push again: one push of client.Config.PushBytes of JSON, gzipped, and its headers (%s). "+
			"Smaller pushes bound it.", bytesF(s.median)))
	}
	if s, ok := r.get(pkgBench, "BenchmarkDaySync", "echo-gzip-B/phone"); ok && s.median > 0 {
		out = append(out, fmt.Sprintf("Sync answers still send each phone some of its own changes back (%s a phone a day, gzip -9): "+
			"an answer leaves out what its own request stored, not what the phone's earlier pushes of the same sync stored, "+
			"since the answer to those may have been lost.", bytesF(s.median)))
	}
	return out
}

// storeBench is the store's benchmark against plain inserts; its
// sub-benchmarks (rows=, batch=) are found in the output.
const storeBench = "BenchmarkApplyVsPlain"

func storeBenches(r results) []string {
	var out []string
	for _, name := range r.names(pkgSQLite, storeBench) {
		if name != storeBench {
			out = append(out, name)
		}
	}
	return out
}

// syncRatios are the section's headline ratios, in words.
func syncRatios(r results) []string {
	var out []string
	if s, ok := r.get(pkgBench, "BenchmarkDaySync", "wire/min"); ok {
		out = append(out, fmt.Sprintf("Day sync on the wire: %.3f× the minimum (goal %.2f×, PouchDB 1.35×): %s.", s.median, goalWire, verdict(s.median, goalWire)))
	}
	if s, ok := r.get(pkgBench, "BenchmarkNoopSync", "B/sync"); ok {
		out = append(out, fmt.Sprintf("No-op sync: %s, %.1f× less than PouchDB's 2,700 B (goal %s): %s.", bytesF(s.median), 2700/s.median, bytesF(goalNoop), verdict(s.median, goalNoop)))
	}
	for _, c := range []string{"push", "answer", "photo"} {
		if s, ok := r.get(pkgBench, "BenchmarkResendAfterCut/cut="+c, "extra-B"); ok {
			out = append(out, fmt.Sprintf("Re-sent after a cut (%s): %s (goal %s): %s.", c, bytesF(s.median), bytesF(goalResend), verdict(s.median, goalResend)))
		}
	}
	for _, name := range storeBenches(r) {
		if s, ok := r.get(pkgSQLite, name, "apply/plain"); ok {
			sub := strings.TrimPrefix(strings.TrimPrefix(name, storeBench), "/")
			out = append(out, fmt.Sprintf("Store throughput (`%s`): %.2f× a plain SQLite insert of the same rows.", sub, s.median))
		}
	}
	return out
}

func verdict(v, goal float64) string {
	if v <= goal {
		return "pass"
	}
	return "**miss**"
}

// runAll runs the go test runs of a set, noting in s their command lines,
// raw output and errors, and returns their parsed results.
func runAll(ctx context.Context, o options, runs []goTest, s *section) results {
	r := results{}
	var errs []string
	for _, g := range runs {
		s.Commands = append(s.Commands, g.commandLine(o.goCmd, o.count))
		out, err := g.run(ctx, o)
		s.Raw += out
		r.parse(out)
		if err != nil {
			errs = append(errs, err.Error())
		}
		if ctx.Err() != nil {
			break
		}
	}
	s.Err = strings.Join(errs, "; ")
	return r
}
