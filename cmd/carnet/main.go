// Command carnet is Carnet's sync server and command line.
//
//	carnet serve [flags]    serve the app and the sync API (PROTOCOL.md)
//	carnet version          print the version
//	carnet help [command]   print help
//
// With no flags, `carnet serve` listens on 127.0.0.1:8080, keeps its data in
// ./data (one SQLite file, data/carnet.db) and lets anyone who reaches it
// create a workshop: on loopback, that is only this machine. On any other
// address it needs an organizer key (--organizer-key or, better, the
// CARNET_ORGANIZER_KEY environment variable, which ps does not show).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
)

// version is set at build time by the Makefile
// (-ldflags "-X main.version=..."); when empty, the module's build
// information tells what it can.
var version string

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the server failed while running, or could not start
	exitUsage = 2 // a bad command, flag or configuration
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, stop, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run runs one command and returns the process's exit code. ctx ends on
// SIGINT or SIGTERM; stop restores the default signal handling, so that a
// second Ctrl-C during shutdown kills the process.
func run(ctx context.Context, stop func(), args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, stop, rest, getenv, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	case "help", "--help", "-help", "-h":
		if len(rest) == 0 {
			usage(stdout)
			return exitOK
		}
		if rest[0] == "serve" {
			fs, _ := serveFlags()
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
		if rest[0] == "version" || rest[0] == "help" {
			usage(stdout)
			return exitOK
		}
		fmt.Fprintf(stderr, "carnet: no help for %q: it is not a command\n\n", rest[0])
		usage(stderr)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "carnet: unknown command %q\n\n", cmd)
		usage(stderr)
		return exitUsage
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Carnet keeps a workshop's post-its, photos and votes on phones that work
offline, and merges them on this sync server.

Usage:
  carnet serve [flags]    serve the app and the sync API
  carnet version          print the version
  carnet help [command]   print this help, or a command's flags

Run "carnet help serve" for the flags of serve.
`)
}

// versionLine says which build this is: the version set by the Makefile
// (git describe), or else the module version and VCS revision that the Go
// toolchain recorded.
func versionLine() string {
	v := version
	if v == "" {
		v = buildVersion()
	}
	return fmt.Sprintf("carnet %s %s %s/%s", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v // a pseudo-version names the revision already
	}
	rev, modified := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified {
		rev += "-dirty"
	}
	return "dev-" + rev
}

// errUsage marks a configuration error: the process exits with exitUsage.
var errUsage = errors.New("usage")

// usageError is a configuration error with a message for the user.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }
func (e usageError) Unwrap() error { return errUsage }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }
