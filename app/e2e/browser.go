//go:build !js

package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// ErrErrorPage means the browser shows its own error page (a failed
// navigation, net::ERR_...) instead of the app.
var ErrErrorPage = errors.New("the browser shows its error page, not the app")

// DefaultTimeout bounds each harness action (Open, WaitApp, Eval...).
const DefaultTimeout = 60 * time.Second

// Chromium returns the browser the tests drive: $CARNET_CHROMIUM, else the
// first of chromium, chromium-browser, google-chrome on the PATH (and
// /usr/bin/chromium).
func Chromium() (string, bool) {
	if p := os.Getenv("CARNET_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		return p, false
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

var warnOnce sync.Once

// RequireChromium returns the browser's path, or skips the test with a
// loud message when there is none; with CARNET_REQUIRE_BROWSER=1 it fails
// the test instead.
func RequireChromium(tb testing.TB) string {
	tb.Helper()
	p, ok := Chromium()
	if ok {
		return p
	}
	msg := "no Chromium found (looked for $CARNET_CHROMIUM, /usr/bin/chromium, chromium, google-chrome): " +
		"install it (apt-get install -y chromium) or set CARNET_CHROMIUM"
	if p != "" {
		msg = "CARNET_CHROMIUM=" + p + " does not exist"
	}
	if os.Getenv("CARNET_REQUIRE_BROWSER") == "1" {
		tb.Fatalf("browser tests required (CARNET_REQUIRE_BROWSER=1) but %s", msg)
	}
	warnOnce.Do(func() {
		fmt.Fprintf(os.Stderr, "\n"+
			"**********************************************************************\n"+
			"*** BROWSER TESTS SKIPPED: %s\n"+
			"*** Set CARNET_REQUIRE_BROWSER=1 to make this a failure.\n"+
			"**********************************************************************\n\n", msg)
	})
	tb.Skipf("BROWSER TESTS SKIPPED: %s", msg)
	return ""
}

// Network is a network state to emulate, on the page and on its service
// workers. The zero value is online with no throttling.
type Network struct {
	Offline  bool
	Latency  time.Duration // added to each request
	Download float64       // bytes per second; 0: unlimited
	Upload   float64       // bytes per second; 0: unlimited
}

// Slow4G is DevTools' "Slow 4G" preset: 150 ms, 1.6 Mbit/s down, 750
// kbit/s up.
var Slow4G = Network{Latency: 150 * time.Millisecond, Download: 1.6e6 / 8, Upload: 750e3 / 8}

// Browser is one Chromium process with its own profile: one phone. Its
// methods are not safe for concurrent use; set Timeout between calls.
type Browser struct {
	// Dir is the profile (--user-data-dir); Relaunch starts a browser on
	// it again.
	Dir string
	// Timeout bounds each action; DefaultTimeout unless changed.
	Timeout time.Duration

	tb          testing.TB
	ctx         context.Context // the tab's
	cancelTab   context.CancelFunc
	cancelAlloc context.CancelFunc

	mu       sync.Mutex
	navs     []*cdp.Frame // main-frame navigations, in order
	console  []chromedp.ConsoleMessage
	net      Network
	isClosed bool

	wmu     sync.Mutex // serializes attaching to workers
	workers map[target.ID]*workerConn
}

// workerConn is a session attached to a service worker.
type workerConn struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func (b *Browser) closed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.isClosed
}

// detachWorkers ends the sessions attached to workers.
func (b *Browser) detachWorkers() {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	for id, w := range b.workers {
		w.cancel()
		delete(b.workers, id)
	}
}

// BrowserOption changes what NewBrowser starts.
type BrowserOption func(*browserOptions)

type browserOptions struct {
	dir   string
	flags map[string]any
}

// WithProfile starts the browser on an existing profile folder (another
// Browser's Dir) rather than a fresh one.
func WithProfile(dir string) BrowserOption { return func(o *browserOptions) { o.dir = dir } }

// WithFlag adds a Chromium command-line flag.
func WithFlag(name string, value any) BrowserOption {
	return func(o *browserOptions) { o.flags[name] = value }
}

// NewBrowser starts Chromium with a fresh profile (a new phone) and one
// tab. It skips the test when there is no Chromium (see RequireChromium).
// The browser closes when the test ends.
func NewBrowser(tb testing.TB, opts ...BrowserOption) *Browser {
	tb.Helper()
	path := RequireChromium(tb)
	o := browserOptions{flags: map[string]any{}}
	for _, opt := range opts {
		opt(&o)
	}
	if o.dir == "" {
		o.dir = tb.TempDir()
	}
	alloc := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(o.dir),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(412, 915), // a phone
	)
	for name, v := range o.flags {
		alloc = append(alloc, chromedp.Flag(name, v))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), alloc...)
	ctx, cancelTab := chromedp.NewContext(actx)
	b := &Browser{
		Dir: o.dir, Timeout: DefaultTimeout, tb: tb,
		ctx: ctx, cancelTab: cancelTab, cancelAlloc: cancelAlloc,
		workers: map[target.ID]*workerConn{},
	}
	tb.Cleanup(b.Close)

	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout bound to it
		tb.Fatalf("start Chromium %s: %v", path, err)
	}
	if err := chromedp.Listen(ctx, b.onTabEvent); err != nil {
		tb.Fatalf("listen to the tab: %v", err)
	}
	if err := chromedp.ListenBrowser(ctx, b.onBrowserEvent); err != nil {
		tb.Fatalf("listen to the browser: %v", err)
	}
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m)
			b.mu.Unlock()
		}
	}()
	return b
}

// Relaunch starts a new browser on this one's profile, after Close or
// Kill: the same phone, opened again.
func (b *Browser) Relaunch(tb testing.TB) *Browser {
	tb.Helper()
	return NewBrowser(tb, WithProfile(b.Dir))
}

// Ctx returns the chromedp context of the browser's tab, for chromedp
// actions the harness does not wrap. It has no deadline: bound each call.
func (b *Browser) Ctx() context.Context { return b.ctx }

// Close closes the browser cleanly (its profile stays until the test
// ends). It is safe to call more than once.
func (b *Browser) Close() {
	b.mu.Lock()
	if b.isClosed {
		b.mu.Unlock()
		return
	}
	b.isClosed = true
	b.mu.Unlock()
	b.detachWorkers()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	_ = chromedp.Cancel(ctx)
	b.cancelTab()
	b.cancelAlloc()
}

// Kill ends the browser process at once, as a crash or a swiped-away app
// would: nothing gets to flush. The profile stays for Relaunch.
func (b *Browser) Kill() error {
	c := chromedp.FromContext(b.ctx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return errors.New("no browser process")
	}
	err := c.Browser.Process().Kill()
	b.mu.Lock()
	b.isClosed = true
	b.mu.Unlock()
	b.detachWorkers()
	b.cancelTab()
	b.cancelAlloc()
	return err
}

func (b *Browser) onTabEvent(ev any) {
	// Runs in the tab's event loop: record only.
	if ev, ok := ev.(*page.EventFrameNavigated); ok && ev.Frame != nil && ev.Frame.ParentID == "" {
		b.mu.Lock()
		b.navs = append(b.navs, ev.Frame)
		b.mu.Unlock()
	}
}

func (b *Browser) onBrowserEvent(ev any) {
	// Runs in the browser's event loop: no command here.
	ev2, ok := ev.(*target.EventTargetCreated)
	if !ok || ev2.TargetInfo == nil || ev2.TargetInfo.Type != "service_worker" {
		return
	}
	b.mu.Lock()
	emulating := b.net != (Network{})
	b.mu.Unlock()
	if emulating {
		// A worker that starts while the network is emulated gets the same
		// state.
		go func(id target.ID) {
			ctx, cancel := context.WithTimeout(b.ctx, DefaultTimeout)
			defer cancel()
			_ = b.applyToWorker(ctx, id, DefaultTimeout)
		}(ev2.TargetInfo.TargetID)
	}
}

func (b *Browser) timeout() time.Duration {
	if b.Timeout <= 0 {
		return DefaultTimeout
	}
	return b.Timeout
}

func (b *Browser) actionCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, b.timeout())
}

// Console returns what the page wrote to its console so far (console
// calls, uncaught exceptions, browser log entries such as CSP violations).
func (b *Browser) Console() []chromedp.ConsoleMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]chromedp.ConsoleMessage(nil), b.console...)
}

// Open navigates the tab to url and fails with ErrErrorPage when the
// browser shows its error page.
func (b *Browser) Open(url string) error {
	ctx, cancel := b.actionCtx()
	defer cancel()
	mark := b.navMark()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		var le *chromedp.LoadError
		if errors.As(err, &le) {
			return fmt.Errorf("open %s: %w (%s)", url, ErrErrorPage, le.ErrorText)
		}
		if e := b.checkPage(mark); e != nil {
			return fmt.Errorf("open %s: %w", url, e)
		}
		return fmt.Errorf("open %s: %w", url, err)
	}
	if err := b.checkPage(mark); err != nil {
		return fmt.Errorf("open %s: %w", url, err)
	}
	return nil
}

// Reload reloads the page and fails with ErrErrorPage when the browser
// shows its error page.
func (b *Browser) Reload() error {
	ctx, cancel := b.actionCtx()
	defer cancel()
	mark := b.navMark()
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		if e := b.checkPage(mark); e != nil {
			return fmt.Errorf("reload: %w", e)
		}
		return fmt.Errorf("reload: %w", err)
	}
	if err := b.checkPage(mark); err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	return nil
}

func (b *Browser) navMark() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.navs)
}

// checkPage fails when a main-frame navigation since mark failed, or the
// document is Chromium's error page.
func (b *Browser) checkPage(mark int) error {
	b.mu.Lock()
	navs := append([]*cdp.Frame(nil), b.navs[min(mark, len(b.navs)):]...)
	b.mu.Unlock()
	for _, f := range navs {
		if f.UnreachableURL != "" {
			return fmt.Errorf("%w: %s could not load", ErrErrorPage, f.UnreachableURL)
		}
	}
	ctx, cancel := b.actionCtx()
	defer cancel()
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		return err
	}
	if strings.HasPrefix(href, "chrome-error:") {
		return fmt.Errorf("%w (%s)", ErrErrorPage, href)
	}
	return nil
}

// ErrorPage reports whether the last main-frame navigation failed, and
// which URL could not load.
func (b *Browser) ErrorPage() (url string, failed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.navs) == 0 {
		return "", false
	}
	f := b.navs[len(b.navs)-1]
	return f.UnreachableURL, f.UnreachableURL != ""
}

// Eval evaluates a JavaScript expression in the page, awaiting it when it
// is a promise, and decodes its JSON value into T.
func Eval[T any](b *Browser, expr string) (T, error) {
	ctx, cancel := b.actionCtx()
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// Do runs chromedp actions in the tab, bounded by the browser's Timeout.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := b.actionCtx()
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// Poll evaluates expr until it is true, or fails after the browser's
// Timeout with what the last evaluation said.
func (b *Browser) Poll(expr string) error {
	deadline := time.Now().Add(b.timeout())
	var last error
	for time.Now().Before(deadline) {
		ok, err := Eval[bool](b, expr)
		if err == nil && ok {
			return nil
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	if last != nil {
		return fmt.Errorf("%s: still false after %s: %w", expr, b.timeout(), last)
	}
	return fmt.Errorf("%s: still false after %s", expr, b.timeout())
}

// WaitApp waits until the wasm app runs: the page is go-app's (it loads
// /app.js) and go-app removed its loader (#app-wasm-loader), which it does
// once the Go program started. When loading fails, the error carries the
// loader's message. A 404 page or Chromium's error page never passes.
func (b *Browser) WaitApp() error {
	err := b.Poll(`!!document.querySelector('script[src="/app.js"]') && !document.getElementById("app-wasm-loader")`)
	if err == nil {
		return nil
	}
	label, _ := Eval[string](b, `(document.getElementById("app-wasm-loader-label") || {}).innerText || ""`)
	return fmt.Errorf("the app did not start (loader says %q): %w", label, err)
}

// precachedJS reports whether the page is controlled by a service worker
// whose cache holds every resource the worker lists.
const precachedJS = `(async () => {
  if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return "no controlling service worker";
  const text = await (await fetch("/app-worker.js", {cache: "no-store"})).text();
  const name = text.match(/const cacheName = "app-" \+ "([^"]*)";/);
  const list = text.match(/const resourcesToCache = (\[.*\]);/);
  if (!name || !list) return "app-worker.js lists nothing";
  const cacheName = "app-" + name[1];
  if (!(await caches.has(cacheName))) return "no cache " + cacheName;
  const cache = await caches.open(cacheName);
  const have = new Set((await cache.keys()).map((r) => new URL(r.url).pathname));
  const missing = JSON.parse(list[1]).filter((u) => !have.has(new URL(u, location.origin).pathname));
  return missing.length ? "missing " + missing.join(", ") : "";
})()`

// WaitPrecached waits until a service worker controls the page and its
// cache holds every resource it precaches, so that going offline next is
// meaningful. Call it while online.
func (b *Browser) WaitPrecached() error {
	deadline := time.Now().Add(b.timeout())
	why := ""
	for time.Now().Before(deadline) {
		s, err := Eval[string](b, precachedJS)
		if err == nil && s == "" {
			return nil
		}
		why = s
		if err != nil {
			why = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("precache not complete after %s: %s", b.timeout(), why)
}

// CacheNames returns the names of the origin's Cache Storage caches.
func (b *Browser) CacheNames() ([]string, error) {
	return Eval[[]string](b, `caches.keys()`)
}

// SetOffline cuts (or restores) the network of the page and of every
// service worker (GOAPP.md section 5: emulation on the page does not reach
// the worker's own fetches), then checks it took: while offline, a request
// from the page and one through the worker must both fail.
func (b *Browser) SetOffline(offline bool) error {
	return b.SetNetwork(Network{Offline: offline})
}

// SetNetwork emulates n on the page and on every service worker, now and
// for workers that start later, and checks offline states as SetOffline
// does.
func (b *Browser) SetNetwork(n Network) error {
	b.mu.Lock()
	b.net = n
	b.mu.Unlock()
	ctx, cancel := b.actionCtx()
	defer cancel()
	if err := applyNetwork(ctx, n, true); err != nil {
		return fmt.Errorf("page network: %w", err)
	}
	targets, err := chromedp.Targets(ctx)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if t.Type == "service_worker" {
			if err := b.applyToWorker(ctx, t.TargetID, b.timeout()); err != nil {
				return fmt.Errorf("service worker %s: %w", t.URL, err)
			}
		}
	}
	return b.checkNetwork(n.Offline)
}

// applyToWorker attaches to a service worker (once) and sets the current
// network state there. A worker that went away meanwhile is forgotten.
func (b *Browser) applyToWorker(ctx context.Context, id target.ID, timeout time.Duration) error {
	wctx, err := b.worker(id, timeout)
	if err != nil {
		return err
	}
	b.mu.Lock()
	n := b.net
	b.mu.Unlock()
	actx, cancel := context.WithTimeout(wctx, timeout)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	err = applyNetwork(actx, n, false)
	if errors.Is(err, chromedp.ErrTargetDetached) || (err != nil && wctx.Err() != nil) {
		b.wmu.Lock()
		if w, ok := b.workers[id]; ok {
			w.cancel()
			delete(b.workers, id)
		}
		b.wmu.Unlock()
		return nil
	}
	return err
}

// worker returns the context attached to service worker id, attaching the
// first time. Cancelling it detaches and leaves the worker running.
func (b *Browser) worker(id target.ID, timeout time.Duration) (context.Context, error) {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if b.closed() {
		return nil, errors.New("browser closed")
	}
	if w, ok := b.workers[id]; ok {
		return w.ctx, nil
	}
	wctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(id), chromedp.WithDetachOnCancel())
	// The first Do attaches, and the session lives as long as the context
	// given to it: give it wctx itself, and bound the wait here.
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(wctx) }()
	select {
	case err := <-done:
		if err != nil {
			cancel()
			return nil, fmt.Errorf("attach: %w", err)
		}
	case <-time.After(timeout):
		cancel()
		return nil, fmt.Errorf("attach: no answer after %s", timeout)
	}
	b.workers[id] = &workerConn{ctx: wctx, cancel: cancel}
	return wctx, nil
}

// applyNetwork sets n on the target of ctx: navigator.onLine and its
// events (overrideNetworkState), and the requests themselves
// (emulateNetworkConditionsByRule).
func applyNetwork(ctx context.Context, n Network, page bool) error {
	down, up := n.Download, n.Upload
	if down <= 0 {
		down = -1
	}
	if up <= 0 {
		up = -1
	}
	latency := float64(n.Latency.Milliseconds())
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: n.Offline, Latency: latency, DownloadThroughput: down, UploadThroughput: up,
	}); err != nil {
		return fmt.Errorf("Network.overrideNetworkState: %w", err)
	}
	conds := []*network.Conditions{}
	if n != (Network{}) {
		conds = append(conds, &network.Conditions{
			Offline: n.Offline, Latency: latency, DownloadThroughput: down, UploadThroughput: up,
		})
	}
	p := network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conds}
	if page {
		p.EmulateOfflineServiceWorker = &n.Offline
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, p); err != nil {
		return fmt.Errorf("Network.emulateNetworkConditionsByRule: %w", err)
	}
	return nil
}

// probeJS fetches once past the worker (/api/ is never handled by it) and
// once through it (a path it has not cached, so the worker fetches), and
// says which answered.
const probeJS = `(async () => {
  if (!location.protocol.startsWith("http")) return "skip";
  const tryFetch = async (path) => {
    try { await fetch(path + "?probe=" + Math.random(), {cache: "no-store"}); return "online"; }
    catch (e) { return "offline"; }
  };
  const page = await tryFetch("/api/v1/e2e-network-probe");
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller
    ? await tryFetch("/e2e-network-probe") : "none";
  return page + " " + worker + " " + navigator.onLine;
})()`

// checkNetwork checks that the page, and the worker that controls it, are
// offline (or online) as asked.
func (b *Browser) checkNetwork(offline bool) error {
	got, err := Eval[string](b, probeJS)
	if err != nil {
		return fmt.Errorf("network probe: %w", err)
	}
	if got == "skip" {
		return nil
	}
	parts := strings.Fields(got)
	if len(parts) != 3 {
		return fmt.Errorf("network probe: %q", got)
	}
	want, onLine := "online", "true"
	if offline {
		want, onLine = "offline", "false"
	}
	if parts[0] != want {
		return fmt.Errorf("the page is %s, want %s", parts[0], want)
	}
	if parts[1] != "none" && parts[1] != want {
		return fmt.Errorf("the service worker is %s, want %s: its fetches escape the emulation", parts[1], want)
	}
	if parts[2] != onLine {
		return fmt.Errorf("navigator.onLine is %s, want %s", parts[2], onLine)
	}
	return nil
}

// SetCPUThrottling slows the page's CPU by rate (4: a mid-range phone);
// 1 ends it.
func (b *Browser) SetCPUThrottling(rate float64) error {
	ctx, cancel := b.actionCtx()
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: rate})
	return err
}

// GrantPersistentStorage makes navigator.storage.persist() answer true for
// origin (headless Chromium answers false otherwise: permission "prompt").
func (b *Browser) GrantPersistentStorage(origin string) error {
	ctx, cancel := b.actionCtx()
	defer cancel()
	_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "persistent-storage"},
		Setting:    browser.PermissionSettingGranted,
		Origin:     origin,
	})
	return err
}

// InstallabilityErrors returns why Chromium would not offer to install
// the page as an app (manifest, icons, worker); none when it would.
func (b *Browser) InstallabilityErrors() ([]string, error) {
	ctx, cancel := b.actionCtx()
	defer cancel()
	res, err := chromedp.Call(ctx, page.GetInstallabilityErrors, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range res.InstallabilityErrors {
		s := e.ErrorID
		for _, a := range e.ErrorArguments {
			s += fmt.Sprintf(" %s=%s", a.Name, a.Value)
		}
		out = append(out, s)
	}
	return out, nil
}

// EmulatePhone makes the tab a phone: a 412x915 touch screen with mobile
// layout (meta viewport honoured).
func (b *Browser) EmulatePhone() error {
	return b.Do(chromedp.EmulateViewport(412, 915, chromedp.EmulateMobile, chromedp.EmulateTouch))
}

// Screenshot returns a PNG of the visible page, for a failing test's log
// or artefacts.
func (b *Browser) Screenshot() ([]byte, error) {
	ctx, cancel := b.actionCtx()
	defer cancel()
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}
