// Command benchreport runs Carnet's benchmarks and writes their report,
// docs/benchmarks.md: the machine, the commands, a table a benchmark with
// each metric against its goal and its baseline, the ratios, and the raw
// output. `make bench` runs it from the module's root:
//
//	go run ./cmd/benchreport [-count 3] [-out docs/benchmarks.md] [-raw docs/bench-raw.txt]
//
// The benchmarks come in sets, one section of the report each (see sets):
// a set is a function that runs its benchmarks and returns its section, so
// that another set (the app in the browser) is one more function. A set
// that fails still gets its section, saying why, and benchreport exits 1.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

// options are what every set runs with.
type options struct {
	goCmd string // the go command
	count int    // -count of every go test
	root  string // the module's root: go test runs there
}

// set is one group of benchmarks and its section of the report.
type set struct {
	id  string // for -sets
	run func(ctx context.Context, o options) section
}

// sets lists the report's sections in order. To add one (issue 3: the
// app's size and load times in headless Chromium), write a function that
// runs it and returns its section, and list it here.
var sets = []set{
	{"sync", syncSet},
	{"app", appBrowserSet},
}

func main() {
	o := options{goCmd: "go"}
	flag.IntVar(&o.count, "count", 3, "run each benchmark `n` times; the report gives the median")
	out := flag.String("out", "docs/benchmarks.md", "write the report to `file`")
	raw := flag.String("raw", "docs/bench-raw.txt", "also write the raw go test output to `file` (empty: do not)")
	only := flag.String("sets", "", "run only these comma-separated `sets` ("+setIDs()+"); default all")
	flag.Parse()
	if flag.NArg() > 0 || o.count < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if g := os.Getenv("GO"); g != "" {
		o.goCmd = g
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, *out, *raw, *only); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func setIDs() string {
	ids := make([]string, len(sets))
	for i, s := range sets {
		ids[i] = s.id
	}
	return strings.Join(ids, ", ")
}

func run(ctx context.Context, o options, out, raw, only string) error {
	root, err := moduleRoot(ctx, o.goCmd)
	if err != nil {
		return err
	}
	o.root = root
	want := map[string]bool{}
	for _, id := range strings.Split(only, ",") {
		if id = strings.TrimSpace(id); id != "" {
			want[id] = true
		}
	}
	started := time.Now()
	r := report{Machine: machine(ctx, o.goCmd), Date: started.UTC(), Count: o.count, Command: command(only, o.count)}
	failed := 0
	for _, s := range sets {
		if len(want) > 0 && !want[s.id] {
			continue
		}
		fmt.Fprintf(os.Stderr, "benchreport: set %s\n", s.id)
		sec := s.run(ctx, o)
		if sec.Err != "" {
			failed++
		}
		r.Sections = append(r.Sections, sec)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	r.Took = time.Since(started)
	if err := writeFile(filepath.Join(root, out), r.markdown()); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchreport: wrote %s in %s\n", out, r.Took.Round(time.Second))
	if raw != "" {
		if err := writeFile(filepath.Join(root, raw), r.raw()); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d set(s) failed: see %s", failed, out)
	}
	return nil
}

// command is the command line the report names.
func command(only string, count int) string {
	c := "go run ./cmd/benchreport"
	if count != 3 {
		c += fmt.Sprintf(" -count %d", count)
	}
	if only != "" {
		c += " -sets " + only
	}
	return c
}

// moduleRoot returns the folder of the main module's go.mod.
func moduleRoot(ctx context.Context, goCmd string) (string, error) {
	b, err := exec.CommandContext(ctx, goCmd, "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside a Go module: run benchreport from Carnet's folder")
	}
	return filepath.Dir(mod), nil
}

func writeFile(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o644)
}
