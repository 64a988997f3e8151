package main

import (
	"carnet/sync/store/postgres/pgtest"

	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// bin is the carnet binary built once for the whole package by TestMain:
// these tests run the real program, signals and all.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "carnet-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "carnet")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build carnet: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := pgtest.Run(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// cleanEnv is the test's environment without any CARNET_ variable, so that
// a developer's own settings cannot change what a test sees.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CARNET_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// lockedBuffer collects a process's stderr while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is a running `carnet serve`.
type proc struct {
	t      testing.TB
	cmd    *exec.Cmd
	url    string // the base URL it logged, as http(s)://host:port
	stderr *lockedBuffer
	done   chan struct{} // closed when the process has exited
	state  *os.ProcessState
}

var servingRE = regexp.MustCompile(`msg="carnet serving" url=(\S+)`)

// startServe starts `carnet serve args...` with env added to a clean
// environment and waits until it logs the URL it serves. The process is
// killed at the end of the test if it still runs.
func startServe(t testing.TB, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, stderr: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	p.cmd.Env = cleanEnv(env...)
	pipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start carnet: %v", err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(p.stderr, line)
			if m := servingRE.FindStringSubmatch(line); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		io.Copy(p.stderr, pipe)
		p.cmd.Wait()
		p.state = p.cmd.ProcessState
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("carnet serve %s stderr:\n%s", strings.Join(args, " "), p.stderr)
		}
	})
	select {
	case p.url = <-urls:
		return p
	case <-p.done:
		t.Fatalf("carnet serve exited before serving (%v):\n%s", p.state, p.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("carnet serve did not log its URL within 30s:\n%s", p.stderr)
	}
	return nil
}

// signal sends sig to the process.
func (p *proc) signal(sig os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait waits up to d for the process to exit and returns its exit code,
// -1 when a signal ended it.
func (p *proc) wait(d time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.state.ExitCode()
	case <-time.After(d):
		p.t.Fatalf("carnet still running %v after the signal:\n%s", d, p.stderr)
		return 0
	}
}

// port returns the port the process listens on.
func (p *proc) port() string {
	p.t.Helper()
	i := strings.LastIndex(p.url, ":")
	if i < 0 {
		p.t.Fatalf("no port in %q", p.url)
	}
	return p.url[i+1:]
}

// runCarnet runs the binary to its end with a clean environment plus env,
// and returns its exit code, stdout and stderr.
func runCarnet(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv(env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("carnet %s still running after 30s:\n%s", strings.Join(args, " "), errb.String())
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

func TestHelpAndVersion(t *testing.T) {
	tests := []struct {
		args     []string
		env      []string
		code     int
		stdout   string // a part of stdout
		stderr   string // a part of stderr
		noStderr bool
	}{
		{args: []string{"help"}, stdout: "carnet serve [flags]", noStderr: true},
		{args: []string{"--help"}, stdout: "carnet serve [flags]", noStderr: true},
		{args: []string{"help", "serve"}, stdout: "-organizer-key", noStderr: true},
		{args: []string{"help", "serve"}, env: []string{"CARNET_DB=postgres://u:hunter2@h/db", "CARNET_ORGANIZER_KEY=hunter2"}, stdout: "CARNET_DB", noStderr: true},
		{args: []string{"serve", "-h"}, stderr: "CARNET_ORGANIZER_KEY"},
		{args: []string{"version"}, stdout: "carnet ", noStderr: true},
		{args: nil, code: exitUsage, stderr: "Usage:"},
		{args: []string{"sreve"}, code: exitUsage, stderr: `unknown command "sreve"`},
		{args: []string{"help", "nope"}, code: exitUsage, stderr: `"nope": it is not a command`},
		{args: []string{"serve", "--nope"}, code: exitUsage, stderr: "flag provided but not defined: -nope"},
		{args: []string{"serve", "extra"}, code: exitUsage, stderr: `unexpected argument "extra"`},
		{args: []string{"serve", "--tls-cert", "c.pem"}, code: exitUsage, stderr: "--tls-cert and --tls-key go together"},
		{args: []string{"serve", "--tls-cert", "no.pem", "--tls-key", "no.key"}, code: exitUsage, stderr: "load TLS certificate"},
		{args: []string{"serve", "--db", "mysql://u:hunter2@h/db"}, code: exitUsage, stderr: "--db: want nothing"},
		{args: []string{"serve", "--log-format", "xml"}, code: exitUsage, stderr: "--log-format"},
		{args: []string{"serve", "--addr", "127.0.0.1:99999"}, code: exitUsage, stderr: "--addr 127.0.0.1:99999"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(append(tt.env, tt.args...), " "), func(t *testing.T) {
			code, stdout, stderr := runCarnet(t, tt.env, tt.args...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout = %q, want it to contain %q", stdout, tt.stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.stderr)
			}
			if tt.noStderr && stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
			if strings.Contains(stdout+stderr, "hunter2") {
				t.Errorf("output shows a password:\n%s%s", stdout, stderr)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:0", true},
		{"[::1]:0", true},
		{"localhost:0", true},
		{"0.0.0.0:0", false},
		{":0", false},
		{"[::]:0", false},
	}
	for _, tt := range tests {
		ln, err := net.Listen("tcp", tt.addr)
		if err != nil {
			t.Logf("listen %s: %v (skipped: no such address here)", tt.addr, err)
			continue
		}
		got := isLoopback(ln.Addr())
		ln.Close()
		if got != tt.want {
			t.Errorf("isLoopback(listen %s = %s) = %v, want %v", tt.addr, ln.Addr(), got, tt.want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://carnet:hunter2@db:5432/carnet?sslmode=require", "postgres://carnet:xxxxx@db:5432/carnet?sslmode=require"},
		{"postgres://db/carnet", "postgres://db/carnet"},
		{"postgres://carnet@db/carnet", "postgres://carnet@db/carnet"},
		{"postgres://db/carnet?user=carnet&password=hunter2", "postgres://db/carnet?password=xxxxx&user=carnet"},
		{"postgres://u:hunter2@db:port/carnet", "(a URL that does not parse)"},
	}
	for _, tt := range tests {
		if got := redactURL(tt.in); got != tt.want {
			t.Errorf("redactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRefuseNetworkWithoutKey: on a non-loopback address carnet refuses
// to start without an organizer key, says how to fix it, and touches no
// data; with the key from the environment it starts, and creating a
// workshop needs that key.
func TestRefuseNetworkWithoutKey(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	code, _, stderr := runCarnet(t, nil, "serve", "--addr", "0.0.0.0:0", "--data", data)
	if code != exitUsage {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, exitUsage, stderr)
	}
	for _, want := range []string{"refusing to listen on 0.0.0.0:", "without an organizer key", "CARNET_ORGANIZER_KEY", "--addr 127.0.0.1:8080"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("data folder made by a server that refused to start (stat: %v)", err)
	}

	const key = "a-long-organizer-key-for-tests"
	p := startServe(t, []string{"CARNET_ORGANIZER_KEY=" + key}, "--addr", "0.0.0.0:0", "--data", data)
	c := newClient(t, "http://127.0.0.1:"+p.port(), nil)
	if st, body := c.do("POST", "/api/v1/workshops", "", map[string]any{"title": "Toulon"}, nil); st != 401 {
		t.Errorf("create without the key: status %d, want 401: %s", st, body)
	}
	if st, body := c.do("POST", "/api/v1/workshops", "wrong", map[string]any{"title": "Toulon"}, nil); st != 401 {
		t.Errorf("create with a wrong key: status %d, want 401: %s", st, body)
	}
	c.create(key, "Toulon")
	if strings.Contains(p.stderr.String(), key) {
		t.Errorf("the organizer key shows in the log:\n%s", p.stderr)
	}
	p.signal(syscall.SIGTERM)
	if code := p.wait(10 * time.Second); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
}

// TestKeyOnLoopback: an organizer key closes creation on loopback too.
func TestKeyOnLoopback(t *testing.T) {
	p := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--organizer-key", "another-long-organizer-key")
	c := newClient(t, p.url, nil)
	if st, body := c.do("POST", "/api/v1/workshops", "", map[string]any{"title": "Lisieux"}, nil); st != 401 {
		t.Errorf("create without the key: status %d, want 401: %s", st, body)
	}
	c.create("another-long-organizer-key", "Lisieux")
}
