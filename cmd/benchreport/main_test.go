package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: carnet/sync/bench
cpu: AMD EPYC
BenchmarkDaySync-2   	       1	5317665332 ns/op	         1.100 changes-wire/min	   3175267 wire-B/phone	         1.007 wire/min
--- BENCH: BenchmarkDaySync-2
    bench_test.go:96: 30 phones: 95258000 wire bytes
BenchmarkDaySync-2   	       1	5000000000 ns/op	         1.050 wire/min
BenchmarkDaySync-2   	       1	5100000000 ns/op	         1.010 wire/min
BenchmarkResendAfterCut/cut=photo-2        	       1	 218770030 ns/op	    262649 extra-B	         1.000 extra-req
PASS
ok  	carnet/sync/bench	6.682s
pkg: carnet/sync/store/sqlite
BenchmarkApplyVsPlain/batch=100-2   	     300	   4000000 ns/op	     25000 apply-changes/s	     50000 plain-changes/s	         0.5000 apply/plain
`

func TestParse(t *testing.T) {
	r := results{}
	r.parse(sample)
	s, ok := r.get(pkgBench, "BenchmarkDaySync", "wire/min")
	if !ok || s.runs != 3 || s.median != 1.010 || s.min != 1.007 || s.max != 1.050 {
		t.Errorf("wire/min = %+v, %v; want the median 1.010 of 3 runs from 1.007 to 1.050", s, ok)
	}
	if s, ok := r.get(pkgBench, "BenchmarkDaySync", "changes-wire/min"); !ok || s.runs != 1 {
		t.Errorf("changes-wire/min = %+v, %v; want one run", s, ok)
	}
	if s, ok := r.get(pkgBench, "BenchmarkResendAfterCut/cut=photo", "extra-B"); !ok || s.median != 262649 {
		t.Errorf("extra-B = %+v, %v", s, ok)
	}
	if s, ok := r.get(pkgSQLite, "BenchmarkApplyVsPlain/batch=100", "apply/plain"); !ok || s.median != 0.5 {
		t.Errorf("apply/plain = %+v, %v", s, ok)
	}
	if _, ok := r.get(pkgBench, "BenchmarkNoopSync", "B/sync"); ok {
		t.Error("a benchmark that did not run has a value")
	}
}

func TestRows(t *testing.T) {
	r := results{}
	r.parse(sample)
	rows := rowsFor(r, pkgBench, "BenchmarkResendAfterCut/cut=photo", []metric{
		{unit: "extra-B", label: "photo", format: bytesF, goal: 2048, baseline: "a whole batch"},
		{unit: "missing", label: "absent", format: bytesF},
	})
	if got := rows[0]; got.Value != "262,649 B" || got.Goal != "≤ 2,048 B" || got.Verdict != "**miss**" {
		t.Errorf("row = %+v", got)
	}
	if got := rows[1]; got.Value != "not measured" || got.Verdict != "" {
		t.Errorf("row of a missing metric = %+v", got)
	}
	md := report{Command: "go run ./cmd/benchreport", Count: 3, Sections: []section{{Title: "Sync core and server (issue 2)",
		Tables: []table{{Title: "T", Rows: rows}}, Raw: "raw line\n"}}}.markdown()
	for _, want := range []string{"# Benchmarks", "`go run ./cmd/benchreport`", "| photo | 262,649 B |", "[Sync core and server (issue 2)](#sync-core-and-server-issue-2)", "<details>", "raw line"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
}

func TestCommandLine(t *testing.T) {
	g := goTest{pkg: "./sync/replica", bench: "^Benchmark(Merge|CheckBatch)$", benchtime: "1s"}
	got := g.commandLine("go", 3)
	want := "go test -run='^$' -bench='^Benchmark(Merge|CheckBatch)$' -benchtime=1s -count=3 ./sync/replica"
	if got != want {
		t.Errorf("commandLine() = %s, want %s", got, want)
	}
}

func TestNames(t *testing.T) {
	r := results{}
	r.parse(`pkg: p
BenchmarkX/rows=64/batch=10-2   1   5 ns/op
BenchmarkX/rows=1/batch=1000-2   1   5 ns/op
BenchmarkX/rows=1/batch=10-2   1   5 ns/op
BenchmarkX/rows=1/batch=100-2   1   5 ns/op
BenchmarkY-2   1   5 ns/op
`)
	got := strings.Join(r.names("p", "BenchmarkX"), " ")
	want := "BenchmarkX/rows=1/batch=10 BenchmarkX/rows=1/batch=100 BenchmarkX/rows=1/batch=1000 BenchmarkX/rows=64/batch=10"
	if got != want {
		t.Errorf("names() = %s, want %s", got, want)
	}
}
