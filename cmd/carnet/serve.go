package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"carnet/sync/server"
	"carnet/sync/store"
	"carnet/sync/store/postgres"
	"carnet/sync/store/sqlite"
)

// Environment variables read by serve. Secrets come from the environment
// so that they do not show in ps or in shell history.
const (
	envOrganizerKey = "CARNET_ORGANIZER_KEY"
	envDB           = "CARNET_DB"
)

// shutdownTimeout bounds how long a signal waits for requests in flight
// before the remaining connections are cut.
const shutdownTimeout = 15 * time.Second

// connectTimeout bounds connecting to PostgreSQL and migrating its schema.
const connectTimeout = time.Minute

// serveConfig is what the flags of serve say.
type serveConfig struct {
	addr         string
	data         string
	db           string
	organizerKey string
	tlsCert      string
	tlsKey       string
	web          string
	trustProxy   bool
	logFormat    string
	logLevel     string
}

// serveFlags returns the flag set of serve and the config it fills.
func serveFlags() (*flag.FlagSet, *serveConfig) {
	c := &serveConfig{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on; a non-loopback address needs an organizer key")
	fs.StringVar(&c.data, "data", "data", "`folder` for the SQLite database (carnet.db) when --db is empty")
	fs.StringVar(&c.db, "db", "", "database: empty for SQLite in --data, or a postgres:// `URL` shared by several servers (prefer $"+envDB+": it holds a password)")
	fs.StringVar(&c.organizerKey, "organizer-key", "", "`key` that creating a workshop requires (prefer $"+envOrganizerKey+": flags show in ps)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "PEM certificate `file` (chain included); serve HTTPS with --tls-key")
	fs.StringVar(&c.tlsKey, "tls-key", "", "PEM private key `file` for --tls-cert")
	fs.StringVar(&c.web, "web", "web", "`folder` holding the built app (app.wasm, icons, styles)")
	fs.BoolVar(&c.trustProxy, "trust-proxy", false, "take client addresses from X-Forwarded-For (only behind a reverse proxy that sets it)")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprint(w, `Usage: carnet serve [flags]

Serves the app and the sync API. With no flags it listens on 127.0.0.1:8080
and keeps everything in ./data. Anyone who reaches the server may create a
workshop unless an organizer key is set; on a non-loopback address a key is
required. Phones need HTTPS except on localhost: give --tls-cert and
--tls-key, or put a TLS reverse proxy in front.

Environment:
  `+envOrganizerKey+`  the organizer key, when --organizer-key is not given
  `+envDB+`             the database URL, when --db is not given

Flags:
`)
		fs.PrintDefaults()
	}
	return fs, c
}

// serve runs `carnet serve` until ctx ends, then shuts down cleanly.
func serve(ctx context.Context, stop func(), args []string, getenv func(string) string, stderr io.Writer) int {
	fs, c := serveFlags()
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage // the flag package has said why
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "carnet serve: unexpected argument %q: serve takes only flags (see carnet help serve)\n", fs.Arg(0))
		return exitUsage
	}
	// Read after parsing, not as flag defaults, which help would print.
	if c.organizerKey == "" {
		c.organizerKey = getenv(envOrganizerKey)
	}
	if c.db == "" {
		c.db = getenv(envDB)
	}
	logger, err := newLogger(stderr, c.logFormat, c.logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "carnet serve: %v\n", err)
		return exitUsage
	}
	if err := runServer(ctx, stop, c, logger); err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprintf(stderr, "carnet serve: %v\n", err)
			return exitUsage
		}
		logger.Error("carnet stopped on an error", "err", err)
		return exitError
	}
	return exitOK
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// runServer listens, serves until ctx ends and shuts down. Configuration
// errors wrap errUsage.
func runServer(ctx context.Context, stop func(), c *serveConfig, logger *slog.Logger) error {
	tlsConfig, err := loadTLS(c.tlsCert, c.tlsKey)
	if err != nil {
		return err
	}
	dbKind, err := checkDB(c.db)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return usagef("--addr %s: %v", c.addr, err)
	}
	defer ln.Close()
	loopback := isLoopback(ln.Addr())
	addr := shownAddr(c.addr, ln.Addr())
	if !loopback && c.organizerKey == "" {
		return usagef("refusing to listen on %s without an organizer key: anyone who reaches this address could create workshops.\n"+
			"Set %s (or --organizer-key) to a long random string, for example the output of `openssl rand -base64 24`,\n"+
			"or listen on a loopback address such as --addr 127.0.0.1:8080.", addr, envOrganizerKey)
	}
	if c.organizerKey != "" && len(c.organizerKey) < 16 {
		logger.Warn("the organizer key is short: anyone who guesses it can create workshops; use 16 characters or more")
	}
	if !loopback && tlsConfig == nil {
		logger.Warn("serving plain HTTP on a network address: phones get a service worker, storage and the camera only over HTTPS; use --tls-cert and --tls-key, or a TLS reverse proxy in front")
	}

	st, where, err := openStore(ctx, dbKind, c)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			logger.Error("close store", "err", err)
		}
	}()

	appHandler, err := newApp(c.web, logger)
	if err != nil {
		return fmt.Errorf("app in %s: %w", c.web, err)
	}
	srv, err := server.New(server.Config{
		Store:        st,
		OrganizerKey: c.organizerKey,
		OpenCreate:   c.organizerKey == "" && loopback,
		Now:          time.Now,
		Logger:       logger,
		App:          appHandler,
		TrustProxy:   c.trustProxy,
	})
	if err != nil {
		return fmt.Errorf("start server: %w", err)
	}

	hs := &http.Server{
		Handler:           srv,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		// No read or write timeout: event streams stay open for hours and
		// a phone on a slow link may take minutes to upload a photo.
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// Shutdown waits for requests in flight; event streams never end on
	// their own, so the server closes them as soon as shutdown starts.
	hs.RegisterOnShutdown(func() { srv.Close() })

	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	creation := "open to anyone who reaches this address"
	if c.organizerKey != "" {
		creation = "needs the organizer key"
	}
	logger.Info("carnet serving",
		"url", scheme+"://"+addr,
		"version", versionLine(),
		"store", where,
		"workshop_creation", creation)

	served := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			served <- hs.ServeTLS(ln, "", "")
		} else {
			served <- hs.Serve(ln)
		}
	}()

	var serveErr error
	select {
	case <-ctx.Done():
		logger.Info("carnet stopping: signal received, finishing requests in flight", "timeout", shutdownTimeout)
	case serveErr = <-served:
	}
	stop() // a second signal now kills the process

	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		logger.Warn("requests still running at the end of the shutdown timeout: cutting them", "err", err)
		hs.Close()
	}
	srv.Close() // waits for the store watch to end, before the store closes
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	logger.Info("carnet stopped")
	return nil
}

// isLoopback reports whether a listener's address is reachable from this
// machine only. The wildcard addresses (":8080", "0.0.0.0", "::") are not.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// shownAddr is the address a listener serves, for people: the host as
// given in --addr when the listener's is a wildcard (Go listens on [::] for
// 0.0.0.0), with the port it got.
func shownAddr(given string, a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host, _, _ = net.SplitHostPort(given)
		if host == "" {
			host = "0.0.0.0"
		}
	}
	return net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// loadTLS loads the certificate pair, or returns nil when neither flag is
// set. It loads at start so that a wrong path fails at once, clearly.
func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	if certFile == "" && keyFile == "" {
		return nil, nil
	}
	if certFile == "" || keyFile == "" {
		return nil, usagef("--tls-cert and --tls-key go together: give both, or neither for plain HTTP")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, usagef("load TLS certificate: %v", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
	}, nil
}

// Database kinds that --db selects.
const (
	dbSQLite   = "sqlite"
	dbPostgres = "postgres"
)

// checkDB tells which database --db names.
func checkDB(db string) (string, error) {
	switch {
	case db == "":
		return dbSQLite, nil
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return dbPostgres, nil
	}
	return "", usagef("--db: want nothing (SQLite in --data) or a postgres:// URL, not %q", redactURL(db))
}

// openStore opens the store and says where it is, with no password.
func openStore(ctx context.Context, kind string, c *serveConfig) (store.Store, string, error) {
	switch kind {
	case dbPostgres:
		return openPostgres(ctx, c.db)
	default:
		if err := os.MkdirAll(c.data, 0o700); err != nil {
			return nil, "", fmt.Errorf("data folder: %w", err)
		}
		path := filepath.Join(c.data, "carnet.db")
		st, err := sqlite.Open(path)
		if err != nil {
			return nil, "", fmt.Errorf("open %s: %w", path, err)
		}
		return st, "sqlite:" + path, nil
	}
}

// openPostgres opens the PostgreSQL store, giving up after
// connectTimeout.
func openPostgres(ctx context.Context, url string) (store.Store, string, error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	where := "postgres:" + redactURL(url)
	st, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", where, err)
	}
	return st, where, nil
}

// redactURL hides the password of a database URL, in its user part or in
// its query (libpq's password=), for messages and logs.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(a URL that does not parse)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
