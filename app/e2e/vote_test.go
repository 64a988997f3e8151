//go:build !js

package e2e

import (
	"fmt"
	"maps"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carnet/sync/replica"
)

// TestVotesTwoPhonesSamePerson: one participant with two phones (the
// second joined through the device link of the first) votes offline on
// both, on a ballot of 4 stickers: 9 stickers tried in all. After both
// sync, the server never counts more than 4 stickers for that voter, and
// both phones show the same stickers: the later phone's, since each
// sticker slot is one record both phones write (last writer wins).
func TestVotesTwoPhonesSamePerson(t *testing.T) {
	RequireChromium(t) // skips (loudly) before building anything
	srv := Shared(t)
	start := time.Now()
	ws, err := srv.CreateWorkshop("Atelier Lisieux : vote", "")
	if err != nil {
		t.Fatal(err)
	}
	fac := newFacilitator(srv, ws)
	threads := []string{newID(), newID(), newID()}
	for i, id := range threads {
		fac.write(t, id, "thread", map[string]any{"title": fmt.Sprintf("Fil %d", i+1), "position": i + 1})
	}
	ballot := newID()
	fac.write(t, ballot, "ballot", map[string]any{"title": "Quels fils retenir ?", "budget": 4, "target_kind": "thread", "open": true})
	const budget = 4

	// Phone A joins; phone B becomes the same participant through A's
	// device link.
	a := newPhone(t, "phone-a")
	a.must(a.EmulatePhone(), "emulate a phone")
	a.join(srv, ws, "Chloé Petit")
	a.waitSynced()
	a.do("open my other phone", chromedp.Click(chromedp.ID("other-phone")))
	a.waitPath("/w/" + ws.ID + "/device")
	a.wait(`!!document.getElementById("device-show")`, "the device page")
	a.do("show the code", chromedp.Click(chromedp.ID("device-show")))
	a.wait(`!!document.getElementById("device-qr") && !!document.getElementById("device-link")`, "the device QR code and link")
	link := evalT[string](a, `document.getElementById("device-link").value`)
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("device link %q: %v", link, err)
	}
	q := u.Query()
	if q.Get("w") != ws.ID || q.Get("c") != ws.JoinCode || q.Get("p") == "" || len(q.Get("s")) < 22 {
		t.Fatalf("device link %q does not carry the workshop, code, participant and secret", link)
	}
	voter := q.Get("p")

	b := newPhone(t, "phone-b")
	b.must(b.EmulatePhone(), "emulate a phone")
	b.open(link)
	b.wait(`!!document.getElementById("join-second")`, "the second-phone join form")
	b.do("join as the same person", chromedp.Click(chromedp.ID("join-submit")))
	b.waitPath("/w/" + ws.ID)
	b.waitSynced()
	if got := serverState(t, srv, ws.ID).Of("participant"); len(got) != 1 || got[0].ID != voter {
		t.Fatalf("after the second phone joined the server has participants %v, want only %s", ids(got), voter)
	}

	// Both open the ballot, precache, and go offline.
	voteURL := srv.URL + "/w/" + ws.ID + "/vote/" + ballot
	for _, p := range []*phone{a, b} {
		p.open(srv.URL + "/w/" + ws.ID)
		p.wait(`!!document.getElementById("ballot-`+ballot+`")`, "the open ballot on the workshop page")
		p.do("open the ballot", chromedp.Click(chromedp.ID("ballot-"+ballot)))
		p.waitPath("/w/" + ws.ID + "/vote/" + ballot)
		p.wait(`document.querySelectorAll("#vote-targets .vote-target").length === 3`, "the 3 threads")
		p.must(p.WaitPrecached(), "precache")
		p.must(p.SetOffline(true), "go offline")
	}
	t.Logf("two phones ready offline in %s", time.Since(start).Round(time.Millisecond))

	// A: +1 +1 +2, −1, +3: stickers on threads 1, 3 and 2, one left.
	a.tap(threads[0], "add", map[string]int{threads[0]: 1})
	a.tap(threads[0], "add", map[string]int{threads[0]: 2})
	a.tap(threads[1], "add", map[string]int{threads[0]: 2, threads[1]: 1})
	a.tap(threads[0], "remove", map[string]int{threads[0]: 1, threads[1]: 1})
	a.tap(threads[2], "add", map[string]int{threads[0]: 1, threads[1]: 1, threads[2]: 1})
	a.checkLeft(1)
	// B, later: +3 +3 +3 +2, all four; a fifth is refused.
	b.tap(threads[2], "add", map[string]int{threads[2]: 1})
	b.tap(threads[2], "add", map[string]int{threads[2]: 2})
	b.tap(threads[2], "add", map[string]int{threads[2]: 3})
	b.tap(threads[1], "add", map[string]int{threads[2]: 3, threads[1]: 1})
	b.checkLeft(0)
	if !evalT[bool](b, `document.querySelector("#target-`+threads[0]+` .vote-add").disabled`) {
		t.Errorf("phone-b: with no sticker left, + is not disabled")
	}
	b.must(b.Do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#target-`+threads[0]+` .vote-add").click()`)), "tap + with none left")
	time.Sleep(300 * time.Millisecond)
	b.checkStickers(map[string]int{threads[2]: 3, threads[1]: 1})

	// The stickers are committed on each phone: they survive a reload,
	// still offline.
	wantA := map[string]int{threads[0]: 1, threads[1]: 1, threads[2]: 1}
	wantB := map[string]int{threads[2]: 3, threads[1]: 1}
	for p, want := range map[*phone]map[string]int{a: wantA, b: wantB} {
		p.open(voteURL)
		p.wait(`document.querySelectorAll("#vote-targets .vote-target").length === 3`, "the threads after an offline reload")
		p.checkStickers(want)
	}

	checkServer := func(when string, want map[string]int) {
		t.Helper()
		st := serverState(t, srv, ws.ID)
		tally := replica.Tally(st, ballot)
		total := 0
		for _, n := range tally {
			total += n
		}
		mine := 0
		for _, r := range liveOf(st, "vote") {
			if r.String("voter") == voter && r.String("ballot") == ballot && r.String("target") != "" {
				mine++
			}
		}
		if total > budget || mine > budget {
			t.Errorf("%s: the server counts %d stickers (%d live vote records of the voter), over the budget of %d: %v", when, total, mine, budget, tally)
		}
		if !maps.Equal(tally, want) {
			t.Errorf("%s: server tally %v, want %v", when, tally, want)
		}
	}

	// A syncs first, then B; then A syncs again and gets B's stickers.
	a.must(a.SetOffline(false), "go online")
	a.waitSynced()
	checkServer("after phone A synced", wantA)
	b.must(b.SetOffline(false), "go online")
	b.waitSynced()
	checkServer("after both synced", wantB)
	a.do("sync now", chromedp.Click(chromedp.ID("sync-now")))
	a.waitStickers(wantB)
	a.waitSynced()
	b.checkStickers(wantB)
	a.checkLeft(0)
	b.checkLeft(0)
	checkServer("at the end", wantB)
	a.checkConsole()
	b.checkConsole()
	t.Logf("done in %s", time.Since(start).Round(time.Millisecond))
}

func ids(rs []*replica.Record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// stickersJS returns, per target on the vote page, the voter's stickers
// there (data-mine).
const stickersJS = `Object.fromEntries([...document.querySelectorAll("#vote-targets .vote-target")]
  .map((el) => [el.dataset.target, Number(el.dataset.mine)]).filter(([, n]) => n > 0))`

// tap taps + or − (what: "add" or "remove") on target and waits until the
// page shows the stickers of want.
func (p *phone) tap(target, what string, want map[string]int) {
	p.t.Helper()
	p.do(what+" a sticker", chromedp.Click(chromedp.CSS("#target-"+target+" .vote-"+what)))
	p.waitStickers(want)
}

func (p *phone) waitStickers(want map[string]int) {
	p.t.Helper()
	deadline := time.Now().Add(p.timeout())
	var got map[string]int
	for time.Now().Before(deadline) {
		var err error
		got, err = Eval[map[string]int](p.Browser, stickersJS)
		if err == nil && maps.Equal(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s: stickers %v, want %v", p.name, got, want)
}

func (p *phone) checkStickers(want map[string]int) {
	p.t.Helper()
	if got := evalT[map[string]int](p, stickersJS); !maps.Equal(got, want) {
		p.t.Errorf("%s: stickers %v, want %v", p.name, got, want)
	}
}

// checkLeft checks the "N gommettes sur 4" count: the used dots.
func (p *phone) checkLeft(left int) {
	p.t.Helper()
	got := evalT[[2]int](p, `[document.querySelectorAll(".stickers .dot:not(.used)").length, document.querySelectorAll(".stickers .dot").length]`)
	if got != [2]int{left, 4} {
		p.t.Errorf("%s: %d stickers left of %d, want %d of 4 (%q)", p.name, got[0], got[1], left,
			evalT[string](p, `document.getElementById("stickers-left").innerText`))
	}
}
