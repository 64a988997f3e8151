//go:build !js

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"carnet/sync/replica"
)

// Helpers of the phone tests: a facilitator that writes through the API,
// the server's merged state, and a phone (a Browser) that joins, captures
// and syncs through the app's UI, with a screenshot when its test fails.

// newID returns a UUIDv7, as a device makes them.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// facilitator writes records into a workshop with its facilitator token,
// through the sync call, as the facilitator's pages would.
type facilitator struct {
	srv     *Server
	ws      Workshop
	replica string
	hlc     *replica.HLC
}

func newFacilitator(srv *Server, ws Workshop) *facilitator {
	id := newID()
	return &facilitator{srv: srv, ws: ws, replica: id, hlc: replica.NewHLC(id, func() int64 { return time.Now().UnixMilli() })}
}

// write sets fields of record id of kind, and fails the test when the
// server rejects any of them.
func (f *facilitator) write(t testing.TB, id, kind string, fields map[string]any) {
	t.Helper()
	c := replica.Change{Record: id, Kind: kind, Clock: f.hlc.Next(), Fields: map[string]json.RawMessage{}}
	for k, v := range fields {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		c.Fields[k] = b
	}
	body, err := json.Marshal(map[string]any{"replica": f.replica, "since": "", "changes": []replica.Change{c}, "grouped": true})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/workshops/"+f.ws.ID+"/sync", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.ws.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("facilitator sync: %s: %s", res.Status, b)
	}
	var out struct {
		Rejected []json.RawMessage `json:"rejected"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("facilitator sync: %v: %s", err, b)
	}
	if len(out.Rejected) > 0 {
		t.Fatalf("facilitator write of %s %s rejected: %s", kind, id, out.Rejected)
	}
}

// serverState merges every change the server's store holds for workshop
// ws into one state, as a phone that synced everything would hold it.
func serverState(t testing.TB, srv *Server, ws string) *replica.State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st := replica.NewState()
	var since int64
	for {
		p, err := srv.Store.Changes(ctx, ws, since, 10000)
		if err != nil {
			t.Fatalf("server changes: %v", err)
		}
		for _, c := range p.Changes {
			if _, err := st.Apply(c); err != nil {
				t.Fatalf("server change %+v: %v", c, err)
			}
		}
		if !p.More {
			return st
		}
		since = p.Cursor
	}
}

// liveOf returns the live records of kind in st.
func liveOf(st *replica.State, kind string) []*replica.Record {
	var out []*replica.Record
	for _, r := range st.Of(kind) {
		if !r.Deleted() {
			out = append(out, r)
		}
	}
	return out
}

// shotsDir is where failing tests leave their screenshots:
// $CARNET_E2E_SHOTS, else a folder in the system's temporary folder that
// stays after the test (t.TempDir would go with it).
var shotsDir = sync.OnceValue(func() string {
	if d := os.Getenv("CARNET_E2E_SHOTS"); d != "" {
		os.MkdirAll(d, 0o755)
		return d
	}
	d, err := os.MkdirTemp("", "carnet-e2e-shots-")
	if err != nil {
		return os.TempDir()
	}
	return d
})

// phone is a Browser driven through the app's UI, named for the logs.
type phone struct {
	*Browser
	t    testing.TB
	name string
}

// newPhone starts a browser (a fresh phone, or the profile of opts) and,
// when the test fails, saves a screenshot of it, its page's text and its
// console into shotsDir and logs where.
func newPhone(t testing.TB, name string, opts ...BrowserOption) *phone {
	t.Helper()
	p := &phone{Browser: NewBrowser(t, opts...), t: t, name: name}
	p.onFailure()
	return p
}

// relaunch starts the phone again on its profile, after Kill.
func (p *phone) relaunch() *phone {
	p.t.Helper()
	return newPhone(p.t, p.name, WithProfile(p.Dir))
}

func (p *phone) onFailure() {
	p.t.Cleanup(func() { // runs before the browser's Close, registered earlier
		if !p.t.Failed() || p.closed() {
			return
		}
		p.Timeout = 10 * time.Second
		base := filepath.Join(shotsDir(), fmt.Sprintf("%s-%s-%s", sanitize(p.t.Name()), p.name, time.Now().Format("150405.000")))
		if png, err := p.Screenshot(); err == nil {
			if err := os.WriteFile(base+".png", png, 0o644); err == nil {
				p.t.Logf("%s: screenshot %s.png", p.name, base)
			}
		}
		text, _ := Eval[string](p.Browser, `location.href + "\n\n" + (document.body ? document.body.innerText : "")`)
		var b strings.Builder
		b.WriteString(text)
		b.WriteString("\n\n--- console ---\n")
		for _, m := range p.Console() {
			fmt.Fprintln(&b, m)
		}
		if err := os.WriteFile(base+".txt", []byte(b.String()), 0o644); err == nil {
			p.t.Logf("%s: page text and console %s.txt", p.name, base)
		}
	})
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func sanitize(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

// must fails the test with the phone's name when err is not nil.
func (p *phone) must(err error, what string) {
	p.t.Helper()
	if err != nil {
		p.t.Fatalf("%s: %s: %v", p.name, what, err)
	}
}

// wait polls expr until it is true.
func (p *phone) wait(expr, what string) {
	p.t.Helper()
	p.must(p.Poll(expr), "waiting for "+what)
}

// do runs chromedp actions.
func (p *phone) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	p.must(p.Do(actions...), what)
}

// eval evaluates expr, failing the test on error.
func evalT[T any](p *phone, expr string) T {
	p.t.Helper()
	v, err := Eval[T](p.Browser, expr)
	p.must(err, "evaluate "+expr)
	return v
}

// open navigates to url and waits for the app.
func (p *phone) open(url string) {
	p.t.Helper()
	p.must(p.Open(url), "open "+url)
	p.must(p.WaitApp(), "app start at "+url)
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// join opens the workshop's join link, enters name, submits, and waits
// for the workshop page.
func (p *phone) join(srv *Server, ws Workshop, name string) {
	p.t.Helper()
	p.open(fmt.Sprintf("%s/join?w=%s&c=%s", srv.URL, ws.ID, ws.JoinCode))
	p.wait(`!!document.getElementById("join-name")`, "the join form")
	p.do("enter a name", chromedp.SendKeys(chromedp.ID("join-name"), name), chromedp.Click(chromedp.ID("join-submit")))
	p.waitPath("/w/" + ws.ID)
}

// waitPath waits until the app shows path.
func (p *phone) waitPath(path string) {
	p.t.Helper()
	p.wait(`location.pathname === `+jsString(path), "the page "+path)
}

// waitSynced waits until the sync bar says synchronised.
func (p *phone) waitSynced() {
	p.t.Helper()
	p.wait(`!!document.querySelector('#sync-bar[data-state="synced"]')`, "the sync bar to say synced")
}

// goToSession waits for the session's link on the workshop page and taps
// it.
func (p *phone) goToSession(ws, session string) {
	p.t.Helper()
	p.wait(`!!document.getElementById("session-`+session+`")`, "the session's link")
	p.do("tap the session", chromedp.Click(chromedp.ID("session-"+session)))
	p.waitPath("/w/" + ws + "/s/" + session)
	p.wait(`!!document.getElementById("note-form") && !!document.getElementById("board")`, "the capture form and the board")
}

// addNote picks the colour, types text, taps save and waits for the
// "enregistré" acknowledgement with the note on the board (want notes
// there then).
func (p *phone) addNote(color, text string, want int) {
	p.t.Helper()
	p.do("pick colour "+color, chromedp.Click(chromedp.ID("color-"+color)))
	p.wait(`document.getElementById("color-`+color+`").getAttribute("aria-pressed") === "true"`, "colour "+color+" pressed")
	p.do("type a note", chromedp.SendKeys(chromedp.ID("note-text"), text), chromedp.Click(chromedp.ID("note-save")))
	p.wait(fmt.Sprintf(`document.getElementById("note-text").value === "" &&
	  !document.getElementById("note-save").disabled &&
	  !!document.querySelector("#note-saved .saved") &&
	  document.querySelectorAll("#board .note").length === %d`, want),
		fmt.Sprintf("note %d saved (%q)", want, text))
}

// addPhoto sets the file input to path, as the camera would, and waits
// for "enregistré" with the photo on the board (want photos there then).
func (p *phone) addPhoto(path string, want int) {
	p.t.Helper()
	p.wait(`!document.getElementById("photo-input").disabled`, "the photo input enabled")
	p.do("pick a photo", chromedp.SetUploadFiles(chromedp.ID("photo-input"), []string{path}))
	p.wait(fmt.Sprintf(`!!document.querySelector("#photo-status .saved") &&
	  !document.getElementById("photo-input").disabled &&
	  document.querySelectorAll("#board .photo").length === %d`, want),
		fmt.Sprintf("photo %d saved", want))
}

// boardNote is a note as the board shows it.
type boardNote struct {
	ID, Text, Color string
	Mine            bool
}

// boardNotes returns the notes on the board.
func (p *phone) boardNotes() []boardNote {
	p.t.Helper()
	return evalT[[]boardNote](p, `[...document.querySelectorAll("#board .note")].map((n) => ({
	  ID: n.id.replace(/^note-/, ""),
	  Text: (n.querySelector(".text") || {}).innerText || "",
	  Color: n.dataset.color || "",
	  Mine: n.dataset.mine === "true",
	}))`)
}

// boardPhoto is a photo as the board shows it.
type boardPhoto struct {
	ID, Blob, Src  string
	Loaded         bool
	NaturalW, NatH int
}

// photosJS scrolls each photo of the board into view (lazy images load
// near the viewport) and says whether its image loaded.
const photosJS = `[...document.querySelectorAll("#board .photo")].map((p) => {
  p.scrollIntoView({block: "center"});
  const img = p.querySelector("img");
  return {
    ID: p.id.replace(/^photo-/, ""), Blob: p.dataset.blob || "",
    Src: img ? img.currentSrc || img.src : "",
    Loaded: !!img && img.complete && img.naturalWidth > 0,
    NaturalW: img ? img.naturalWidth : 0, NatH: img ? img.naturalHeight : 0,
  };
})`

// waitPhotosLoaded waits until the board shows n photos whose images
// loaded, and returns them.
func (p *phone) waitPhotosLoaded(n int) []boardPhoto {
	p.t.Helper()
	deadline := time.Now().Add(p.timeout())
	var last []boardPhoto
	for time.Now().Before(deadline) {
		ps, err := Eval[[]boardPhoto](p.Browser, photosJS)
		if err == nil {
			last = ps
			loaded := 0
			for _, ph := range ps {
				if ph.Loaded {
					loaded++
				}
			}
			if len(ps) == n && loaded == n {
				return ps
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	p.t.Fatalf("%s: want %d photos loaded on the board, have %+v", p.name, n, last)
	return nil
}

// checkConsole fails the test on an uncaught exception in the page or a
// Go panic (wasm_exec.js writes it with console.log), and logs the page's console errors
// other than the failed loads that going offline causes.
func (p *phone) checkConsole() {
	p.t.Helper()
	for _, m := range p.Console() {
		s := m.String()
		switch {
		case m.IsException():
			p.t.Errorf("%s: uncaught exception: %s", p.name, s)
		case strings.Contains(m.Text, "panic: "), strings.Contains(m.Text, "fatal error: "):
			p.t.Errorf("%s: the Go program failed: %s", p.name, s)
		case strings.Contains(s, "ERR_INTERNET_DISCONNECTED"), strings.Contains(s, "net::ERR_FAILED"),
			strings.Contains(m.URL, "e2e-network-probe"),                     // the harness's probes
			strings.Contains(m.URL, "/blobs/") && strings.Contains(s, "404"): // HEAD before an upload: not there yet
		case strings.HasPrefix(s, "error"):
			p.t.Logf("%s: console: %s (%s)", p.name, s, m.URL)
		}
	}
}
