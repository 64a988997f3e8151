// Package pgtest gives tests a real PostgreSQL, and each test a fresh
// database of its own, dropped when the test ends.
//
// The server is the one named by $CARNET_TEST_POSTGRES (a postgres:// URL,
// or a "key=value" string, of a role that may CREATE DATABASE), when set.
// Otherwise pgtest starts a throwaway cluster from the PostgreSQL binaries
// of the machine (initdb and postgres, found in $PATH or in
// /usr/lib/postgresql/*/bin): in a temporary folder, on a free port of
// 127.0.0.1 with trust authentication, with fsync off, as the "postgres"
// user when the tests run as root. It starts on the first call of DB or
// Need, once per test binary, and is stopped and removed when Main or Run
// returns (or killed with the test binary, on Linux).
//
// Without PostgreSQL (no binaries, no $CARNET_TEST_POSTGRES), the tests
// that need it are skipped, unless $CARNET_REQUIRE_POSTGRES is 1: then they
// fail. CI sets it.
//
// A package that uses pgtest runs its tests through Main (or Run):
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		url := pgtest.DB(t) // an empty database
//		...
//	}
//
// pgtest is for tests only; it starts processes and is never imported by
// the server.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables that pgtest reads.
const (
	// EnvURL names a PostgreSQL server to use instead of a throwaway one.
	EnvURL = "CARNET_TEST_POSTGRES"
	// EnvRequire, set to 1, makes a missing PostgreSQL a failure.
	EnvRequire = "CARNET_REQUIRE_POSTGRES"
)

// ErrNoPostgres reports that this machine cannot run a throwaway cluster.
var ErrNoPostgres = errors.New("no PostgreSQL")

var (
	mu      sync.Mutex
	inMain  bool
	started bool
	srv     *cluster // nil when using EnvURL
	admin   string   // URL of a database to CREATE DATABASE from
	startEr error
)

// Main runs the tests of m, stops the throwaway cluster if one was
// started, and exits with the tests' code. Call it from TestMain.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs the tests of m, stops the throwaway cluster if one was started,
// and returns the code to exit with, for a TestMain that has more to do:
//
//	func TestMain(m *testing.M) {
//		setUp()
//		code := pgtest.Run(m)
//		tearDown()
//		os.Exit(code)
//	}
func Run(m *testing.M) int {
	mu.Lock()
	inMain = true
	mu.Unlock()
	code := m.Run()
	mu.Lock()
	c := srv
	srv, started, startEr, inMain = nil, false, nil, false
	mu.Unlock()
	if c != nil {
		if err := c.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: stop the throwaway PostgreSQL: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// server returns the admin URL of the server, starting the throwaway
// cluster on the first call.
func server() (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if started {
		return admin, startEr
	}
	started = true
	if u := os.Getenv(EnvURL); u != "" {
		admin = u
		return admin, nil
	}
	if !inMain {
		startEr = errors.New("call pgtest.Main(m) or pgtest.Run(m) from TestMain: it stops the throwaway PostgreSQL")
		return "", startEr
	}
	srv, startEr = startCluster()
	if startEr != nil {
		return "", startEr
	}
	admin = srv.url
	return admin, nil
}

// Need skips the test when there is no PostgreSQL to test with, or fails
// it when $CARNET_REQUIRE_POSTGRES is 1; it fails it when the server does
// not start.
func Need(tb testing.TB) {
	tb.Helper()
	_, err := server()
	if err == nil {
		return
	}
	if errors.Is(err, ErrNoPostgres) && os.Getenv(EnvRequire) != "1" {
		tb.Skipf("\n"+
			"*** SKIPPED: this test needs PostgreSQL: %v.\n"+
			"*** Install PostgreSQL (initdb and postgres in $PATH or /usr/lib/postgresql/*/bin),\n"+
			"*** or set %s=postgres://user@host/db of a role that may CREATE DATABASE.\n"+
			"*** %s=1 turns this skip into a failure.", err, EnvURL, EnvRequire)
	}
	tb.Fatalf("pgtest: %v", err)
}

// DB creates an empty database and returns its URL; it is dropped when the
// test ends, connections and all. DB skips or fails the test as Need does.
func DB(tb testing.TB) string {
	tb.Helper()
	Need(tb)
	base, _ := server()
	var b [6]byte
	rand.Read(b[:])
	name := "carnet_test_" + hex.EncodeToString(b[:])
	if err := adminExec(base, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		if err := adminExec(base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	u, err := WithDatabase(base, name)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return u
}

// adminExec runs one statement on the server's admin database.
func adminExec(base, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return fmt.Errorf("connect to the test server: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// WithDatabase returns the connection string conn with its database set
// to name; conn is a postgres:// URL or a "key=value" string.
func WithDatabase(conn, name string) (string, error) {
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		u, err := url.Parse(conn)
		if err != nil {
			return "", fmt.Errorf("%s is not a URL", EnvURL)
		}
		u.Path = "/" + name
		u.RawPath = ""
		q := u.Query()
		q.Del("dbname")
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	// In a key=value string the last value of a key wins.
	return conn + " dbname=" + name, nil
}
