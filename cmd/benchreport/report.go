package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// report is the whole of docs/benchmarks.md.
type report struct {
	Command  string
	Date     time.Time
	Took     time.Duration
	Count    int
	Machine  machineInfo
	Sections []section
}

// section is what one set adds to the report.
type section struct {
	Title    string
	Intro    string   // markdown
	Tables   []table  // one a benchmark
	Ratios   []string // markdown bullets
	Notes    []string // markdown bullets
	Commands []string // the go test commands that ran
	Raw      string   // their output
	Err      string   // why the set failed; empty when it did not
}

// table is one benchmark's metrics.
type table struct {
	Title string
	Intro string
	Rows  []row
}

type row struct {
	Metric, Value, Spread, Goal, Baseline, Verdict string
}

// metric says how to show one metric of a benchmark.
type metric struct {
	unit     string // as the benchmark reports it: "wire/min", "ns/op"
	label    string // what it measures
	format   func(float64) string
	goal     float64 // at most; 0: no goal
	baseline string
}

// rowsFor makes the rows of benchmark name in pkg.
func rowsFor(r results, pkg, name string, ms []metric) []row {
	var rows []row
	for _, m := range ms {
		rw := row{Metric: m.label, Baseline: m.baseline}
		if m.goal > 0 {
			rw.Goal = "≤ " + m.format(m.goal)
		}
		s, ok := r.get(pkg, name, m.unit)
		if !ok {
			rw.Value, rw.Verdict = "not measured", ""
			if m.goal > 0 {
				rw.Verdict = "**not measured**"
			}
			rows = append(rows, rw)
			continue
		}
		rw.Value = m.format(s.median)
		if s.runs > 1 {
			rw.Spread = fmt.Sprintf("%s – %s", m.format(s.min), m.format(s.max))
		}
		if m.goal > 0 {
			rw.Verdict = "pass"
			if s.median > m.goal {
				rw.Verdict = "**miss**"
			}
		}
		rows = append(rows, rw)
	}
	return rows
}

func (r report) markdown() string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Benchmarks\n\n")
	p("Written by `make bench`, that is `%s`, on %s (%s). ", r.Command, r.Date.Format("2006-01-02 15:04 MST"), r.Took.Round(time.Second))
	p("Each benchmark ran %d times; tables give the median and the range. ", r.Count)
	p("The machine may be shared with other work: byte counts do not depend on it, times do, so compare times only as ratios measured in one run.\n\n")
	p("## Machine\n\n")
	p("- CPU: %s, %d cores\n", r.Machine.CPU, r.Machine.Cores)
	p("- Go: `%s`\n", r.Machine.Go)
	p("- uname: `%s`\n\n", r.Machine.Uname)
	p("## Contents\n\n")
	for _, s := range r.Sections {
		p("- [%s](#%s)\n", s.Title, anchor(s.Title))
	}
	p("\n")
	for _, s := range r.Sections {
		p("## %s\n\n", s.Title)
		if s.Err != "" {
			p("**This set failed:** %s\n\n", s.Err)
		}
		if s.Intro != "" {
			p("%s\n\n", strings.TrimSpace(s.Intro))
		}
		for _, t := range s.Tables {
			p("### %s\n\n", t.Title)
			if t.Intro != "" {
				p("%s\n\n", strings.TrimSpace(t.Intro))
			}
			p("| metric | median | range | goal | baseline | against the goal |\n")
			p("|---|--:|--:|--:|--:|---|\n")
			for _, rw := range t.Rows {
				p("| %s | %s | %s | %s | %s | %s |\n", rw.Metric, rw.Value, rw.Spread, rw.Goal, rw.Baseline, rw.Verdict)
			}
			p("\n")
		}
		if len(s.Ratios) > 0 {
			p("### Ratios\n\n")
			for _, x := range s.Ratios {
				p("- %s\n", x)
			}
			p("\n")
		}
		if len(s.Notes) > 0 {
			p("### Notes\n\n")
			for _, x := range s.Notes {
				p("- %s\n", x)
			}
			p("\n")
		}
		if len(s.Commands) > 0 {
			p("### Commands\n\n```sh\n%s\n```\n\n", strings.Join(s.Commands, "\n"))
		}
		if strings.TrimSpace(s.Raw) != "" {
			p("<details>\n<summary>Raw output of the %s set</summary>\n\n```text\n%s\n```\n\n</details>\n\n", strings.ToLower(s.Title), strings.TrimRight(s.Raw, "\n"))
		}
	}
	return b.String()
}

// raw is the raw output of every set, for docs/bench-raw.txt.
func (r report) raw() string {
	var b strings.Builder
	for _, s := range r.Sections {
		fmt.Fprintf(&b, "# %s\n", s.Title)
		for _, c := range s.Commands {
			fmt.Fprintf(&b, "# $ %s\n", c)
		}
		b.WriteString(s.Raw)
		if !strings.HasSuffix(s.Raw, "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// anchor is GitHub's anchor of a heading.
func anchor(title string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(title) {
		switch {
		case c == ' ' || c == '-':
			b.WriteRune('-')
		case c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c > 127:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// machineInfo says where the numbers come from.
type machineInfo struct {
	CPU   string
	Cores int
	Go    string
	Uname string
}

func machine(ctx context.Context, goCmd string) machineInfo {
	m := machineInfo{CPU: "unknown", Cores: runtime.NumCPU()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	m.Go = output(ctx, goCmd, "version")
	m.Uname = output(ctx, "uname", "-a")
	if m.Uname == "" {
		m.Uname = runtime.GOOS + "/" + runtime.GOARCH
	}
	return m
}

func output(ctx context.Context, name string, args ...string) string {
	b, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// Formats of values.

func ratio(v float64) string { return fmt.Sprintf("%.3f", v) }

func bytesF(v float64) string { return grouped(math.Round(v)) + " B" }

func count(v float64) string {
	if v == math.Trunc(v) {
		return grouped(v)
	}
	return fmt.Sprintf("%.1f", v)
}

func ms(v float64) string { return fmt.Sprintf("%.1f ms", v) }

func nsDuration(v float64) string {
	d := time.Duration(v)
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	}
}

// perSecond formats a rate with an SI prefix: "1.23 M/s".
func perSecond(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f M/s", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f k/s", v/1e3)
	default:
		return fmt.Sprintf("%.0f /s", v)
	}
}

// grouped writes a whole number with thousands separators: 3,182,310.
func grouped(v float64) string {
	s := fmt.Sprintf("%.0f", math.Abs(v))
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
