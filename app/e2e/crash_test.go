//go:build !js

package e2e

import (
	"testing"
	"time"
)

// TestKillTabBetweenSaveAndSync saves a post-it offline, waits for
// "enregistré", and kills the browser at once (a crash: nothing flushes).
// Relaunched on the same profile, still offline, the app opens by deep
// link and shows the post-it, and nothing reached the server; online, it
// syncs and the server holds it.
func TestKillTabBetweenSaveAndSync(t *testing.T) {
	RequireChromium(t) // skips (loudly) before building anything
	srv := Shared(t)
	start := time.Now()
	ws, err := srv.CreateWorkshop("Atelier Caux : panne", "")
	if err != nil {
		t.Fatal(err)
	}
	session := newID()
	newFacilitator(srv, ws).write(t, session, "session", map[string]any{"title": "Atelier", "type": "room", "position": 1})

	p := newPhone(t, "phone")
	p.must(p.EmulatePhone(), "emulate a phone")
	p.join(srv, ws, "Denis Leroy")
	p.goToSession(ws.ID, session)
	p.waitSynced()
	p.must(p.WaitPrecached(), "precache")
	p.must(p.SetOffline(true), "go offline")

	const text = "Sauvé juste avant la panne"
	mark := srv.Mark()
	p.addNote("problem", text, 1)
	p.must(p.Kill(), "kill the browser")
	t.Logf("killed %s after the start", time.Since(start).Round(time.Millisecond))

	p = p.relaunch()
	p.must(p.SetOffline(true), "stay offline")
	p.open(srv.URL + "/w/" + ws.ID + "/s/" + session)
	p.wait(`document.querySelectorAll("#board .note").length === 1`, "the post-it after the crash")
	notes := p.boardNotes()
	if len(notes) != 1 || notes[0].Text != text || notes[0].Color != "problem" || !notes[0].Mine {
		t.Fatalf("after the crash the board shows %+v, want my %q (problem)", notes, text)
	}
	p.wait(`!!document.querySelector('#sync-bar[data-state="offline"]')`, "the sync bar to say offline")
	if reqs := srv.RequestsSince(mark, ""); len(reqs) > 0 {
		t.Errorf("while offline the server got %d requests, first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
	if n := len(liveOf(serverState(t, srv, ws.ID), "note")); n != 0 {
		t.Fatalf("the server has %d notes before the phone synced", n)
	}

	p.must(p.SetOffline(false), "go online")
	p.waitSynced()
	var got []string
	for _, r := range liveOf(serverState(t, srv, ws.ID), "note") {
		got = append(got, r.String("text"))
	}
	if len(got) != 1 || got[0] != text {
		t.Errorf("after the sync the server holds notes %q, want exactly [%q]", got, text)
	}
	p.checkConsole()
	t.Logf("done in %s", time.Since(start).Round(time.Millisecond))
}
