//go:build !js

package e2e

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carnet/sync/template"
)

// f1Tap taps the element of the CSS selector, with the mouse events of
// a real tap, once it is there and enabled. (A click made from
// JavaScript, element.click() in Runtime.evaluate, right after a sync can
// leave the write it makes waiting on IndexedDB for its whole 30 s
// timeout: see the report of this test's author.)
func (p *phone) f1Tap(sel string) {
	p.t.Helper()
	p.wait(`(() => { const e = document.querySelector(`+jsString(sel)+`); return !!e && !e.disabled; })()`, sel+" to tap")
	p.do("tap "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// f1Pick sets the select of id to value and tells the page, as a choice in
// the list does.
func (p *phone) f1Pick(id, value string) {
	p.t.Helper()
	p.wait(`(() => { const s = document.getElementById(`+jsString(id)+`); if (!s || ![...s.options].some((o) => o.value === `+jsString(value)+`)) return false;
	  s.value = `+jsString(value)+`; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, "#"+id+" to offer "+value)
}

// TestFacilitatorDay is the facilitator's side of a Toulon day: a laptop
// creates the workshop from the Toulon template through the UI, sees its
// agenda and the join QR code and link; a phone joins through the link;
// the timer the facilitator starts shows on the phone with the same time
// left; a post-it the phone writes in a zone of the session's board shows
// on the facilitator's wall live, by group and on the board, as text.
func TestFacilitatorDay(t *testing.T) {
	RequireChromium(t)
	srv := Shared(t)
	start := time.Now()

	fac := newPhone(t, "facilitator", WithFlag("window-size", "1280,900"))
	fac.open(srv.URL + "/")
	fac.f1Tap("#new-workshop")
	fac.waitPath("/new")
	toulon, _ := template.Get("toulon")
	fac.wait(`!!document.getElementById("tpl-radio-toulon")`, "the Toulon template card")
	fac.wait(fmt.Sprintf(`document.querySelector("#tpl-toulon .sub").textContent.startsWith("%d ")`, len(toulon.Steps)), "the Toulon card's steps")
	fac.f1Tap("#tpl-radio-toulon")
	fac.do("say where", chromedp.SendKeys(chromedp.ID("create-place"), "Toulon, le port"))
	fac.f1Tap("#create-submit")
	fac.wait(`/^\/w\/[0-9a-f-]{36}\/admin$/.test(location.pathname)`, "the new workshop's settings")
	ws := strings.Split(evalT[string](fac, `location.pathname`), "/")[2]
	fac.wait(`!!document.querySelector("#join-qr svg") && document.getElementById("join-code").textContent.length > 0`, "the join QR code")
	link := evalT[string](fac, `document.getElementById("join-url").value`)
	u, err := url.Parse(link)
	if err != nil || u.Path != "/join" || u.Query().Get("w") != ws || u.Query().Get("c") == "" {
		t.Fatalf("join link %q", link)
	}
	if code := evalT[string](fac, `document.getElementById("join-code").textContent`); code != u.Query().Get("c") {
		t.Errorf("join code shown %q, link's %q", code, u.Query().Get("c"))
	}
	fac.wait(`document.getElementById("ws-place").value === "Toulon, le port" && document.getElementById("ws-title").value === `+
		jsString(toulon.Title), "the title and place in the settings")
	fac.wait(fmt.Sprintf(`document.querySelectorAll("#groups .group-row").length === %d`, len(toulon.Groups)), "the Toulon groups")
	// The facilitation link carries the token in the fragment only.
	facil := evalT[string](fac, `document.getElementById("facil-url").value`)
	if f, err := url.Parse(facil); err != nil || f.RawQuery != "" || !strings.Contains(f.Fragment, "t=") {
		t.Errorf("facilitation link %q: want the token in the fragment", facil)
	}
	t.Logf("created from the UI in %s", time.Since(start).Round(time.Millisecond))

	// The agenda: every step, then "Dessiner les cas d'usage" made current.
	drawing := -1
	for i, s := range toulon.Steps {
		if s.Board == template.BoardUseCase {
			drawing = i
			break
		}
	}
	step := template.SessionID(ws, drawing)
	fac.f1Tap("#go-agenda")
	fac.waitPath("/w/" + ws + "/agenda")
	fac.wait(fmt.Sprintf(`document.querySelectorAll("#agenda li.step").length === %d`, len(toulon.Steps)), "the Toulon agenda")
	fac.f1Tap("#step-" + step + " .step-make-current")
	fac.wait(`document.querySelector("#step-`+step+`").dataset.current === "true" && document.getElementById("timer").dataset.state === "idle"`, "the current step")
	fac.wait(`document.getElementById("timer-toggle").dataset.act === "start"`, "the start button")
	fac.f1Tap("#timer-toggle")
	fac.wait(`document.getElementById("timer").dataset.state === "running" && document.getElementById("timer-toggle").dataset.act === "pause"`, "the timer running")

	// A phone joins through the link and sees the timer.
	ph := newPhone(t, "phone")
	ph.must(ph.EmulatePhone(), "emulate a phone")
	ph.open(link)
	ph.wait(`!!document.getElementById("join-name")`, "the join form")
	ph.do("join", chromedp.SendKeys(chromedp.ID("join-name"), "Alice Martin"))
	ph.f1Tap("#join-submit")
	ph.waitPath("/w/" + ws)
	joined := time.Now()
	ph.wait(`!!document.getElementById("timer") && document.getElementById("timer").dataset.state === "running"`, "the running timer on the phone")
	t.Logf("the phone shows the timer %s after joining", time.Since(joined).Round(time.Millisecond))
	left := func(p *phone) float64 {
		s := evalT[string](p, `document.getElementById("timer").dataset.left`)
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("%s: data-left %q", p.name, s)
		}
		return float64(n)
	}
	if a, b := left(fac), left(ph); math.Abs(a-b) > 2 {
		t.Errorf("time left: facilitator %v s, phone %v s", a, b)
	} else if a < 59*60 || a > 60*60 {
		t.Errorf("time left %v s, want just under 60 min", a)
	}
	// +5 min on the facilitator shows on the phone too, live.
	fac.f1Tap("#timer-plus5")
	ph.wait(`Number(document.getElementById("timer").dataset.left) > 3600`, "the 5 more minutes on the phone")
	fac.f1Tap("#timer-toggle")
	ph.wait(`document.getElementById("timer").dataset.state === "paused"`, "the timer paused on the phone")
	if a, b := left(fac), left(ph); a != b {
		t.Errorf("paused: facilitator %v s left, phone %v s", a, b)
	}

	// The phone picks its group, then writes a post-it in a zone.
	group := template.GroupID(ws, 1)
	ph.f1Pick("group-select", group)
	ph.f1Tap("#group-save")
	ph.wait(`!!document.getElementById("my-group")`, "the group saved")
	ph.open(srv.URL + "/w/" + ws + "/s/" + step)
	ph.wait(`!!document.querySelector("#zones #zone-problems") && !!document.querySelector("#note-zone option[value=problems]")`, "the board's zones and the zone picker")

	fac.open(srv.URL + "/w/" + ws + "/wall?s=" + step)
	fac.wait(`!!document.getElementById("wall-body") && !!document.getElementById("col-`+group+`")`, "the wall")

	text := `<b>Ressaisie</b> & "double" saisie`
	ph.f1Pick("note-zone", "problems")
	ph.wait(`document.getElementById("color-problem").getAttribute("aria-pressed") === "true"`, "the zone's colour picked")
	ph.do("write the post-it", chromedp.SendKeys(chromedp.ID("note-text"), text))
	ph.f1Tap("#note-save")
	ph.wait(`!!document.querySelector("#note-saved .saved") && document.querySelectorAll("#zone-problems .note").length === 1`, "the post-it in its zone")
	wrote := time.Now()

	fac.wait(`[...document.querySelectorAll("#col-`+group+` .wnote .text")].some((e) => e.textContent === `+jsString(text)+`)`, "the post-it on the wall, live")
	t.Logf("the wall shows the phone's post-it %s after it was saved", time.Since(wrote).Round(time.Millisecond))
	if n := evalT[int](fac, `document.querySelectorAll("#wall-body b").length`); n != 0 {
		t.Errorf("the wall made %d <b> elements of a post-it's text", n)
	}
	fac.f1Tap("#wall-by-board")
	fac.wait(`[...document.querySelectorAll("#zone-problems .wnote .text")].some((e) => e.textContent === `+jsString(text)+`)`, "the post-it in its zone on the wall")
	fac.f1Tap("#wall-by-color")
	fac.wait(`document.querySelectorAll("#col-problem .wnote").length === 1`, "the post-it in the irritants' column")

	// The QR code page and its printed sheet.
	fac.open(srv.URL + "/w/" + ws + "/qr")
	fac.wait(`!!document.querySelector("#qr-big svg") && document.querySelectorAll("#qr-sheet .qr-card svg").length === 6`, "the QR page and its sheet")
	t.Logf("done in %s", time.Since(start).Round(time.Millisecond))
}

// TestEveryTemplateBoard creates a workshop from each of the seed's
// templates through the API and puts a post-it in every zone of every
// board of its agenda (through the API, for speed): the server keeps them
// all with their zone. Then a second facilitator device opens each with
// the facilitation link (the token in the fragment): its agenda has every
// step; and each board of one of them shows its post-its in their zones.
func TestEveryTemplateBoard(t *testing.T) {
	RequireChromium(t)
	srv := Shared(t)
	start := time.Now()
	type opened struct {
		ws    Workshop
		tpl   template.Template
		steps map[string]string // session id -> board id
	}
	var all []opened
	for _, tp := range template.All() {
		ws, err := srv.CreateWorkshop("Atelier "+tp.Place, tp.ID)
		if err != nil {
			t.Fatal(err)
		}
		fw := newFacilitator(srv, ws)
		author := newID()
		o := opened{ws, tp, map[string]string{}}
		want := 0
		for i, s := range tp.Steps {
			if s.Board == "" {
				continue
			}
			b, ok := template.GetBoard(s.Board)
			if !ok {
				t.Fatalf("%s: step %q has no board %q", tp.ID, s.Title, s.Board)
			}
			sid := template.SessionID(ws.ID, i)
			o.steps[sid] = b.ID
			for _, z := range b.Zones {
				color := z.Color
				if color == "" {
					color = "idea"
				}
				fw.write(t, newID(), "note", map[string]any{"session": sid, "zone": z.ID, "text": b.Title + " / " + z.Title, "color": color, "author": author})
				want++
			}
		}
		if want == 0 {
			t.Errorf("%s: no board", tp.ID)
		}
		st := serverState(t, srv, ws.ID)
		got := 0
		for _, n := range liveOf(st, "note") {
			b, _ := template.GetBoard(o.steps[n.String("session")])
			if _, ok := b.Zone(n.String("zone")); ok {
				got++
			}
		}
		if got != want {
			t.Errorf("%s: %d post-its in a zone of their session's board, want %d", tp.ID, got, want)
		}
		all = append(all, o)
	}

	t.Logf("%d workshops and their post-its through the API in %s", len(all), time.Since(start).Round(time.Millisecond))

	// Each opens on another facilitator device, through the facilitation
	// link (the token in the fragment): its settings, then its agenda.
	fac := newPhone(t, "co-facilitator", WithFlag("window-size", "1280,900"))
	for _, o := range all {
		fac.open(fmt.Sprintf("%s/w/%s/admin#t=%s&c=%s", srv.URL, o.ws.ID, url.QueryEscape(o.ws.Token), url.QueryEscape(o.ws.JoinCode)))
		fac.wait(`location.hash === "" && !!document.querySelector("#join-qr svg") && document.getElementById("ws-title").value !== ""`,
			o.tpl.ID+": the settings, the token out of the address")
		fac.f1Tap("#go-agenda")
		fac.wait(fmt.Sprintf(`document.querySelectorAll("#agenda li.step").length === %d`, len(o.tpl.Steps)), o.tpl.ID+": the agenda")
	}

	// The boards of one of them, in the UI.
	o := all[3] // Caux: the cost-benefit matrix, the business model canvas, the checklist...
	first := true
	for sid, bid := range o.steps {
		b, _ := template.GetBoard(bid)
		if first {
			fac.open(srv.URL + "/w/" + o.ws.ID + "/wall?by=board&s=" + sid)
			first = false
		} else { // in the app, as the facilitator would
			fac.f1Pick("wall-session", sid)
		}
		fac.wait(fmt.Sprintf(`document.getElementById("zones").dataset.board === %q && document.querySelectorAll("#zones .zone:not(#zone-none)").length === %d`, bid, len(b.Zones)), "the zones of "+bid)
		empty := evalT[[]string](fac, `[...document.querySelectorAll("#zones .zone:not(#zone-none)")].filter((z) => z.querySelectorAll(".wnote").length !== 1).map((z) => z.id)`)
		if len(empty) > 0 {
			t.Errorf("board %s: zones without exactly their post-it: %v", bid, empty)
		}
	}
	t.Logf("%d boards checked in the UI; done in %s", len(o.steps), time.Since(start).Round(time.Millisecond))
}
