//go:build unix

package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is a throwaway PostgreSQL cluster: a postgres process serving a
// data folder made by initdb, both in a temporary folder.
type cluster struct {
	url  string    // of the "postgres" database, as the "postgres" role
	dir  string    // the temporary folder, removed by stop
	cmd  *exec.Cmd // the postmaster
	done chan struct{}
	err  error    // of cmd.Wait, once done is closed
	lock *os.File // held while the cluster is in use: see sweep
}

// startTimeout bounds initdb and the server's start.
const startTimeout = time.Minute

// startCluster makes and starts a throwaway cluster.
func startCluster() (*cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	// initdb and postgres refuse to run as root: run them as "postgres".
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("%w: running as root, and no user postgres to run it as: %v", ErrNoPostgres, err)
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("user postgres: %v", err)
		}
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}

	sweep()
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if !ok {
			lock.Close()
		}
	}()
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"--pgdata", data, "--username", "postgres", "--auth", "trust",
		"--encoding", "UTF8", "--locale", "C", "--no-sync", "--no-instructions")
	initdb.Dir = dir // the test's folder may be closed to the postgres user
	initdb.Env = env()
	initdb.SysProcAttr = sysProcAttr(cred)
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}

	// A free port may be taken between our look and the server's bind:
	// try again on another.
	var c *cluster
	for try := 1; ; try++ {
		c, err = start(ctx, bin, dir, data, cred)
		if err == nil || try == 3 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	c.lock = lock
	ok = true
	return c, nil
}

// dirPrefix begins the name of every cluster's temporary folder.
const dirPrefix = "carnet-pgtest-"

// lockDir makes and locks the lock file of a cluster's folder: the lock
// lasts as long as the process that holds the file open.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "pgtest.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return f, nil
}

// sweep removes the folders of clusters whose tests died without removing
// them (a panic, a timeout, a kill): those whose lock no process holds.
// The servers died with their tests (see sysProcAttr).
func sweep() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		f, err := os.Open(filepath.Join(dir, "pgtest.lock"))
		if err != nil {
			continue // not ours, or being made right now
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.RemoveAll(dir)
		}
		f.Close()
	}
}

// start starts postgres on data and waits until it accepts connections.
func start(ctx context.Context, bin, dir, data string, cred *syscall.Credential) (*cluster, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-c", "listen_addresses=127.0.0.1",
		"-p", strconv.Itoa(port),
		"-c", "unix_socket_directories=", // TCP only: no socket to place
		"-c", "max_connections=200",
		// A throwaway cluster: speed over durability.
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "log_min_messages=warning",
	)
	cmd.Dir = dir
	cmd.Env = env()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = sysProcAttr(cred)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	c := &cluster{
		url:  fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		dir:  dir,
		cmd:  cmd,
		done: make(chan struct{}),
	}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		conn, err := pgx.Connect(pctx, c.url)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return c, nil
		}
		select {
		case <-c.done:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres exited: %v\n%s", c.err, log)
		case <-ctx.Done():
			c.kill()
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres did not start in %v: %v\n%s", startTimeout, err, log)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop shuts the server down (fast shutdown: connections are closed) and
// removes its folder.
func (c *cluster) stop() error {
	var err error
	if e := c.cmd.Process.Signal(syscall.SIGINT); e != nil && !errors.Is(e, os.ErrProcessDone) {
		err = e
	}
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		c.kill()
		err = errors.New("postgres did not stop in 30s: killed")
	}
	err = errors.Join(err, os.RemoveAll(c.dir))
	if c.lock != nil {
		c.lock.Close()
	}
	return err
}

// kill ends the server at once and waits for it.
func (c *cluster) kill() {
	c.cmd.Process.Signal(syscall.SIGQUIT) // immediate shutdown: backends too
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
}

// findBin returns the folder of initdb and postgres: where $PATH's initdb
// is (through symbolic links), or the newest /usr/lib/postgresql/*/bin.
func findBin() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(real))
		}
	}
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(versions, func(i, j int) bool { return version(versions[i]) > version(versions[j]) })
	dirs = append(dirs, versions...)
	dirs = append(dirs, "/usr/local/pgsql/bin")
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", fmt.Errorf("%w: no initdb and postgres in $PATH or /usr/lib/postgresql/*/bin", ErrNoPostgres)
}

// version returns the major version in a path /usr/lib/postgresql/<v>/bin.
func version(bin string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(bin)))
	return v
}

func isExec(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// env is the environment of initdb and postgres: ours, without the PG*
// variables that would point them elsewhere, in the C locale.
func env() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "LC_ALL=C", "LANG=C")
}
