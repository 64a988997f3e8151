package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// goTest is one `go test -bench` run.
type goTest struct {
	pkg       string // ./sync/bench
	bench     string // -bench regexp
	benchtime string // -benchtime
	timeout   string // -timeout; empty: go test's default
}

// args returns the go test arguments.
func (g goTest) args(count int) []string {
	a := []string{"test", "-run=^$", "-bench=" + g.bench, "-benchtime=" + g.benchtime, "-count=" + strconv.Itoa(count)}
	if g.timeout != "" {
		a = append(a, "-timeout="+g.timeout)
	}
	return append(a, g.pkg)
}

// commandLine is the run as a shell command.
func (g goTest) commandLine(goCmd string, count int) string {
	parts := []string{goCmd}
	for _, a := range g.args(count) {
		if strings.ContainsAny(a, "^$|()*? ") {
			if k, v, ok := strings.Cut(a, "="); ok {
				a = k + "='" + v + "'"
			} else {
				a = "'" + a + "'"
			}
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// run runs g, echoing its output to stderr as it comes, and returns the
// output.
func (g goTest) run(ctx context.Context, o options) (string, error) {
	cmd := exec.CommandContext(ctx, o.goCmd, g.args(o.count)...)
	cmd.Dir = o.root
	var out bytes.Buffer
	w := io.MultiWriter(&out, os.Stderr)
	cmd.Stdout, cmd.Stderr = w, w
	fmt.Fprintf(os.Stderr, "$ %s\n", g.commandLine(o.goCmd, o.count))
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("%s: %w", g.commandLine(o.goCmd, o.count), err)
	}
	return out.String(), err
}

// results holds parsed benchmark lines: by package, then benchmark name
// (without its -GOMAXPROCS suffix), one map of metrics a run.
type results map[string]map[string][]map[string]float64

// names returns the benchmarks of pkg whose name starts with prefix, in
// go test's order (by name, sub-benchmarks after their parent, numbers in
// numeric order).
func (r results) names(pkg, prefix string) []string {
	var out []string
	for name := range r[pkg] {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i], out[j]) })
	return out
}

// naturalLess compares strings with their runs of digits as numbers:
// batch=10 < batch=100 < batch=1000, rows=1 < rows=64.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, _ := strconv.ParseUint(a[:da], 10, 64)
			nb, _ := strconv.ParseUint(b[:db], 10, 64)
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// parse adds the benchmark lines of go test's output to r: lines such as
//
//	BenchmarkDaySync-2   1   5317665332 ns/op   1.007 wire/min   35.00 req/phone
//
// attributed to the package of the last "pkg:" line. Other lines are
// skipped.
func (r results) parse(out string) {
	pkg := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || len(f)%2 != 0 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			continue
		}
		m := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				m = nil
				break
			}
			m[f[i+1]] = v
		}
		if m == nil {
			continue
		}
		name := procSuffix.ReplaceAllString(f[0], "")
		if r[pkg] == nil {
			r[pkg] = map[string][]map[string]float64{}
		}
		r[pkg][name] = append(r[pkg][name], m)
	}
}

// stat is one metric over a benchmark's runs.
type stat struct {
	median, min, max float64
	runs             int
}

// get returns the metric unit of benchmark name in package pkg over its
// runs; ok is false when it was not measured.
func (r results) get(pkg, name, unit string) (stat, bool) {
	var vs []float64
	for _, m := range r[pkg][name] {
		if v, ok := m[unit]; ok {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return stat{}, false
	}
	sort.Float64s(vs)
	med := vs[len(vs)/2]
	if len(vs)%2 == 0 {
		med = (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
	}
	return stat{median: med, min: vs[0], max: vs[len(vs)-1], runs: len(vs)}, true
}
