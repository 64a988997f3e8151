//go:build !js

package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image/jpeg"
	"slices"
	"strings"
	"testing"
	"time"

	"carnet/sync/replica"
)

// TestPhoneOfflineCapture is a site visit in a basement: a phone joins
// online, the app precaches, the network goes (page and service worker),
// and the participant captures 20 post-its in every colour and 2 camera
// photos with EXIF GPS. A reload by deep link, still offline, shows them
// all, and nothing reached the server. Back online the phone syncs; a
// second phone of another participant then sees the 20 post-its and both
// photos, and the photos the server stores carry no EXIF.
func TestPhoneOfflineCapture(t *testing.T) {
	RequireChromium(t) // skips (loudly) before building anything
	srv := Shared(t)
	start := time.Now()
	ws, err := srv.CreateWorkshop("Atelier Toulon : le port", "")
	if err != nil {
		t.Fatal(err)
	}
	fac := newFacilitator(srv, ws)
	session := newID()
	fac.write(t, session, "session", map[string]any{"title": "Visite du quai", "type": "visit", "position": 1})
	photos := writeCameraPhotos(t, t.TempDir())

	a := newPhone(t, "phone-a")
	a.must(a.EmulatePhone(), "emulate a phone")
	a.join(srv, ws, "Alice Martin")
	a.goToSession(ws.ID, session)
	a.must(a.WaitPrecached(), "precache")
	t.Logf("joined and precached in %s", time.Since(start).Round(time.Millisecond))

	mark := srv.Mark()
	a.must(a.SetOffline(true), "go offline")
	type note struct{ Text, Color string }
	var want []note
	for i := range 20 {
		n := note{fmt.Sprintf("Post-it %02d : étiquette à ressaisir", i+1), replica.Colors[i%len(replica.Colors)]}
		a.addNote(n.Color, n.Text, i+1)
		want = append(want, n)
	}
	for i, path := range photos {
		a.addPhoto(path, i+1)
	}
	a.wait(`!!document.querySelector('#sync-bar[data-state="offline"]')`, "the sync bar to say offline")
	t.Logf("20 post-its and 2 photos captured offline at %s", time.Since(start).Round(time.Millisecond))

	// Reload by deep link, still offline.
	deep := srv.URL + "/w/" + ws.ID + "/s/" + session
	a.open(deep)
	a.wait(`document.querySelectorAll("#board .note").length === 20 && document.querySelectorAll("#board .photo").length === 2`,
		"20 post-its and 2 photos after the offline reload")
	checkNotes := func(p *phone, mine bool) {
		t.Helper()
		got := p.boardNotes()
		var have []note
		for _, n := range got {
			have = append(have, note{n.Text, n.Color})
			if n.Mine != mine {
				t.Errorf("%s: note %q has data-mine=%v, want %v", p.name, n.Text, n.Mine, mine)
			}
		}
		sortNotes := func(ns []note) []note {
			ns = slices.Clone(ns)
			slices.SortFunc(ns, func(x, y note) int { return strings.Compare(x.Text, y.Text) })
			return ns
		}
		if !slices.Equal(sortNotes(have), sortNotes(want)) {
			t.Errorf("%s: the board shows %d notes %v\nwant %d %v", p.name, len(have), have, len(want), want)
		}
	}
	checkNotes(a, true)
	for _, ph := range a.waitPhotosLoaded(2) {
		if !strings.HasPrefix(ph.Src, "blob:") {
			t.Errorf("offline, photo %s shows %q, want the bytes on the device (blob:)", ph.ID, ph.Src)
		}
	}
	if reqs := srv.RequestsSince(mark, ""); len(reqs) > 0 {
		t.Errorf("while offline the server got %d requests, first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
	if t.Failed() {
		t.FailNow()
	}

	// Online again: the phone syncs by itself (the online event).
	synced := time.Now()
	a.must(a.SetOffline(false), "go online")
	a.waitSynced()
	t.Logf("synced %s after coming online", time.Since(synced).Round(time.Millisecond))

	st := serverState(t, srv, ws.ID)
	var stored []note
	for _, r := range liveOf(st, "note") {
		if r.String("session") == session {
			stored = append(stored, note{r.String("text"), r.String("color")})
		}
	}
	if len(stored) != 20 {
		t.Errorf("the server holds %d notes of the session, want 20", len(stored))
	}
	checkStoredPhotos(t, srv, ws, st, session)

	// A second participant's phone sees everything.
	b := newPhone(t, "phone-b")
	b.must(b.EmulatePhone(), "emulate a phone")
	b.join(srv, ws, "Bruno Roux")
	b.goToSession(ws.ID, session)
	b.wait(`document.querySelectorAll("#board .note").length === 20 && document.querySelectorAll("#board .photo").length === 2`,
		"the other phone's 20 post-its and 2 photos")
	checkNotes(b, false)
	for _, ph := range b.waitPhotosLoaded(2) {
		if !strings.Contains(ph.Src, "/api/v1/workshops/"+ws.ID+"/blobs/"+ph.Blob) {
			t.Errorf("phone-b: photo %s shows %q, want the server's copy", ph.ID, ph.Src)
		}
	}
	a.checkConsole()
	b.checkConsole()
	t.Logf("done in %s", time.Since(start).Round(time.Millisecond))
}

// checkStoredPhotos checks the session's two photos on the server: their
// bytes complete, named by their SHA-256, served the same over HTTP,
// downscaled and turned upright by the browser, and without EXIF.
func checkStoredPhotos(t *testing.T, srv *Server, ws Workshop, st *replica.State, session string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var sizes [][2]int
	for _, r := range liveOf(st, "photo") {
		if r.String("session") != session {
			continue
		}
		hash := r.String("blob")
		data, err := srv.Store.ReadBlob(ctx, ws.ID, hash)
		if err != nil {
			t.Errorf("photo %s: blob %s: %v", r.ID, hash, err)
			continue
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != hash {
			t.Errorf("photo %s: stored bytes do not hash to %s", r.ID, hash)
		}
		if n := r.Int("bytes", -1); n != int64(len(data)) {
			t.Errorf("photo %s: record says %d bytes, stored %d", r.ID, n, len(data))
		}
		res, body, err := srv.Get("/api/v1/workshops/"+ws.ID+"/blobs/"+hash, "Authorization", "Bearer "+ws.Token)
		if err != nil || res.StatusCode != 200 || !bytes.Equal(body, data) {
			status := ""
			if res != nil {
				status = res.Status
			}
			t.Errorf("GET blob %s: %s %v, %d bytes (stored %d)", hash, status, err, len(body), len(data))
		}
		info, err := parseExif(data)
		if err != nil {
			t.Errorf("photo %s: %v", r.ID, err)
		}
		if info.Found || info.HasGPS {
			t.Errorf("photo %s: the stored JPEG still has EXIF: %+v", r.ID, info)
		}
		segs, _ := jpegSegments(data)
		for _, s := range segs {
			if s.Marker == 0xE1 {
				t.Errorf("photo %s: the stored JPEG has an APP1 segment (%q...)", r.ID, s.Data[:min(len(s.Data), 12)])
			}
		}
		if bytes.Contains(data, []byte("Exif\x00\x00")) {
			t.Errorf("photo %s: the stored bytes contain an Exif header", r.ID)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Errorf("photo %s: stored bytes are not a JPEG: %v", r.ID, err)
			continue
		}
		if int64(cfg.Width) != r.Int("width", 0) || int64(cfg.Height) != r.Int("height", 0) {
			t.Errorf("photo %s: record says %dx%d, the JPEG is %dx%d", r.ID, r.Int("width", 0), r.Int("height", 0), cfg.Width, cfg.Height)
		}
		sizes = append(sizes, [2]int{cfg.Width, cfg.Height})
		t.Logf("stored photo %s: %dx%d, %d bytes", hash[:12], cfg.Width, cfg.Height, len(data))
	}
	// 1600x1200 held sideways (orientation 6) comes out 1200x1600;
	// 2400x1600 is downscaled to 2000 px on its longest side.
	want := [][2]int{{1200, 1600}, {2000, 1333}}
	slices.SortFunc(sizes, func(x, y [2]int) int { return x[0] - y[0] })
	if !slices.Equal(sizes, want) {
		t.Errorf("stored photo sizes %v, want %v (upright, longest side at most 2000)", sizes, want)
	}
}
