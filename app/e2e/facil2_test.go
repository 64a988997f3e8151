//go:build !js

package e2e

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"carnet/sync/replica"
	"carnet/sync/server"
	"carnet/sync/template"
)

// evil is post-it text with HTML in it: every page and export must show it
// as text.
const evil = `<img src=x onerror="document.title='pwned'"><b>Ressaisie</b> & "double" saisie`

// dialogs answers the browser's confirm and prompt dialogs of a phone:
// yes, and the text set with answer for a prompt.
type dialogs struct {
	mu   sync.Mutex
	text string
	seen []string
}

func answerDialogs(p *phone) *dialogs {
	d := &dialogs{}
	ctx := p.Ctx()
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			d.mu.Lock()
			text := d.text
			d.seen = append(d.seen, ev.Message)
			d.mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true, PromptText: text})
		}
	}()
	return d
}

func (d *dialogs) answer(text string) {
	d.mu.Lock()
	d.text = text
	d.mu.Unlock()
}

// asFacilitator opens the workshop's facilitation link (the token in the
// fragment, as the settings page shows it) on a laptop-sized browser.
func asFacilitator(t *testing.T, srv *Server, ws Workshop) *phone {
	t.Helper()
	f := newPhone(t, "facilitator", WithFlag("window-size", "1280,900"))
	f.open(fmt.Sprintf("%s/w/%s/admin#t=%s&c=%s", srv.URL, ws.ID, ws.Token, ws.JoinCode))
	f.wait(`!!document.getElementById("f1-nav")`, "the facilitation pages")
	return f
}

// choose picks value in a select, as a tap on an option does.
func (p *phone) choose(id, value string) {
	p.t.Helper()
	p.must(p.Do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const s = document.getElementById(%s); s.value = %s;
	  s.dispatchEvent(new Event("change", {bubbles: true})); })()`, jsString(id), jsString(value)))), "choose "+value+" in #"+id)
}

// click taps the element with that id once it is there and enabled. It
// clicks from JavaScript: the pages' HTML blocks are replaced when they
// change, and a node the test found may be gone by the time a mouse event
// reaches it.
func (p *phone) click(id string) {
	p.t.Helper()
	p.wait(`(() => { const e = document.getElementById(`+jsString(id)+`); if (!e || e.disabled) return false; e.click(); return true; })()`, "#"+id+" to tap")
}

// waitServer polls the server's state until ok says so.
func waitServer(t *testing.T, srv *Server, ws, what string, ok func(st *replica.State) bool) *replica.State {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := serverState(t, srv, ws)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server never had %s", what)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// getExport fetches href (a link of the synthesis page) from the server.
func getExport(t *testing.T, srv *Server, href string) []byte {
	t.Helper()
	if !strings.HasPrefix(href, srv.URL) {
		href = srv.URL + href
	}
	res, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %s: %s", href, res.Status, b)
	}
	return b
}

// checkExports fetches the synthesis page's exports: the CSV has one row a
// live note, the Markdown shows no HTML, and the JSON re-imports into a
// fresh server as an identical workshop.
func checkExports(t *testing.T, srv *Server, f *phone, ws Workshop) {
	t.Helper()
	href := func(id string) string { return evalT[string](f, `document.getElementById("`+id+`").href`) }
	st := serverState(t, srv, ws.ID)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(getExport(t, srv, href("export-csv")), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("CSV export: %v", err)
	}
	if len(rows) != 1+len(st.Of("note")) || rows[0][0] != "session" {
		t.Errorf("CSV export: %d rows, want a header and %d notes", len(rows), len(st.Of("note")))
	}
	found := false
	for _, r := range rows[1:] {
		found = found || r[3] == evil
	}
	if !found {
		t.Errorf("CSV export: no row with the post-it's text as typed")
	}
	// Markdown escapes < with a backslash, HTML as &lt;.
	md := getExport(t, srv, href("export-md"))
	if bytes.Count(md, []byte("<img src=x")) != bytes.Count(md, []byte(`\<img src=x`)) || !bytes.Contains(md, []byte(`\<b\>Ressaisie`)) {
		t.Errorf("Markdown export: the post-it's HTML is not escaped")
	}
	if h := getExport(t, srv, href("export-html")); bytes.Contains(h, []byte("<img src=x")) || !bytes.Contains(h, []byte("&lt;b&gt;Ressaisie")) {
		t.Errorf("HTML export: the post-it's HTML is not escaped")
	}
	exp := getExport(t, srv, href("export-json"))
	fresh := StartServer(t)
	res, err := http.Post(fresh.URL+"/api/v1/workshops/"+ws.ID+"/import", "application/json", bytes.NewReader(exp))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("import into a fresh server: %s: %s", res.Status, b)
	}
	a, c := serverState(t, srv, ws.ID), serverState(t, fresh, ws.ID)
	if !reflect.DeepEqual(a.Changes(), c.Changes()) {
		t.Errorf("the re-imported workshop differs: %d records, want %d", len(c.Records), len(a.Records))
	}
	var e server.Export
	if err := json.Unmarshal(exp, &e); err != nil || e.Workshop != ws.ID || len(e.Records) != len(a.Records) {
		t.Errorf("JSON export: %v, %d records for %d", err, len(e.Records), len(a.Records))
	}
}

// TestFacilThreadsBallots is the facilitator's end of the day on a laptop:
// threads made from the groups' post-its, merged, reordered, renamed; a
// ballot opened, its results live with ties, paper stickers counted with
// the phones', the threads retained, the ballot closed; the synthesis, its
// exports; authors shown; one person's data erased.
func TestFacilThreadsBallots(t *testing.T) {
	RequireChromium(t)
	srv := Shared(t)
	start := time.Now()
	ws, err := srv.CreateWorkshop("Atelier <i>fils</i>", "toulon")
	if err != nil {
		t.Fatal(err)
	}
	api := newFacilitator(srv, ws)
	g1, g2 := template.GroupID(ws.ID, 0), template.GroupID(ws.ID, 1)
	session := template.SessionID(ws.ID, 3)
	ballot := template.BallotID(ws.ID, 0)
	lea, tom := newID(), newID()
	api.write(t, lea, "participant", map[string]any{"name": "Léa", "group": g1})
	api.write(t, tom, "participant", map[string]any{"name": "Tom", "group": g2})
	notes := map[string]string{} // text -> id
	for _, n := range []struct{ text, color, group, author string }{
		{evil, "problem", g1, lea}, {"Délais de mise à jour", "problem", g1, lea}, {"Un entrepôt commun", "wish", g1, lea},
		{"Données introuvables", "problem", g2, tom}, {"Des API ouvertes", "wish", g2, tom}, {"Le cas d'usage", "current", g2, tom},
	} {
		id := newID()
		notes[n.text] = id
		api.write(t, id, "note", map[string]any{"session": session, "group": n.group, "text": n.text, "color": n.color, "author": n.author})
	}

	last := time.Now()
	step := func(what string) {
		t.Logf("%-28s %6s", what, time.Since(last).Round(time.Millisecond))
		last = time.Now()
	}
	f := asFacilitator(t, srv, ws)
	d := answerDialogs(f)
	step("facilitator in")
	f.click("go-threads")
	f.waitPath("/w/" + ws.ID + "/threads")
	// Irritants and wishes by default: 5 of the 6 post-its; HTML as text.
	f.wait(`document.querySelectorAll("#pick-list .pick").length === 5`, "the irritants and wishes to pick")
	if got := evalT[string](f, `document.querySelector("#pick-`+notes[evil]+` .text").textContent`); got != evil {
		t.Errorf("the post-it shows %q, want its text as typed", got)
	}
	if n := evalT[int](f, `document.querySelectorAll("#pick-list img, #pick-list b").length`); n != 0 {
		t.Errorf("the post-it's HTML made %d elements", n)
	}
	step("threads page")
	f.choose("pick-group", g2)
	f.wait(`document.querySelectorAll("#pick-list .pick").length === 2`, "group 2's irritants and wishes")
	f.choose("pick-color", "all")
	f.wait(`document.querySelectorAll("#pick-list .pick").length === 3`, "all of group 2's post-its")
	f.choose("pick-group", "")
	f.choose("pick-color", "problem")
	f.wait(`document.querySelectorAll("#pick-list .pick").length === 3`, "the irritants")

	step("filters")
	// Thread 1 from two irritants, thread 2 from one, thread 3 empty.
	f.click("pick-" + notes[evil])
	f.click("pick-" + notes["Délais de mise à jour"])
	f.wait(`document.querySelectorAll('#pick-list [aria-pressed="true"]').length === 2`, "two post-its selected")
	f.do("title the thread", chromedp.SendKeys(chromedp.ID("thread-new-title"), "Collecte <des> données"))
	f.click("thread-create")
	f.wait(`document.querySelectorAll("#threads .thread").length === 1 && document.querySelector("#threads .thread").dataset.notes === "2"`, "thread 1 with 2 post-its")
	f.click("pick-" + notes["Données introuvables"])
	f.click("thread-create") // no title: the post-it's text
	f.wait(`document.querySelectorAll("#threads .thread").length === 2`, "thread 2")
	f.do("title thread 3", chromedp.SendKeys(chromedp.ID("thread-new-title"), "Contrats"))
	f.click("thread-create")
	f.wait(`document.querySelectorAll("#threads .thread").length === 3`, "thread 3")
	threadID := func(i int) string {
		return evalT[string](f, fmt.Sprintf(`document.querySelectorAll("#threads .thread")[%d].id.slice(7)`, i))
	}
	t1, t2, t3 := threadID(0), threadID(1), threadID(2)
	if got := evalT[string](f, `document.querySelector("#thread-`+t2+` .thread-title").textContent`); got != "Données introuvables" {
		t.Errorf("untitled thread: %q, want the first post-it's text", got)
	}
	step("3 threads")
	// Attach a wish to thread 3, then move thread 3 up to the top.
	f.choose("pick-color", "wish")
	f.click("pick-" + notes["Des API ouvertes"])
	f.click("attach-" + t3)
	f.wait(`document.querySelector("#thread-`+t3+`").dataset.notes === "1"`, "the wish attached to thread 3")
	f.click("up-" + t3)
	f.wait(`document.querySelector("#thread-`+t3+`").dataset.position === "2"`, "thread 3 one up")
	f.click("up-" + t3)
	f.wait(`document.querySelector("#threads .thread").id === "thread-`+t3+`"`, "thread 3 first")
	step("attach, reorder")
	// Rename thread 2, then merge it into thread 1.
	d.answer("Trouver les données")
	f.click("rename-" + t2)
	f.wait(`document.querySelector("#thread-`+t2+` .thread-title").textContent === "Trouver les données"`, "thread 2 renamed")
	f.choose("merge-"+t2, t1)
	f.wait(`document.querySelectorAll("#threads .thread").length === 2 && document.querySelector("#thread-`+t1+`").dataset.notes === "3"`, "thread 2 merged into thread 1")
	step("rename, merge")
	st := waitServer(t, srv, ws.ID, "the threads", func(st *replica.State) bool {
		ts := st.Of("thread")
		return len(ts) == 2 && ts[0].ID == t3 && ts[1].ID == t1 && st.Record(t2).Deleted() &&
			st.Record(notes["Données introuvables"]).String("thread") == t1 && st.Record(notes["Des API ouvertes"]).String("thread") == t3
	})
	if got := st.Record(t1).String("title"); got != "Collecte <des> données" {
		t.Errorf("thread 1's title on the server: %q", got)
	}
	step("server threads")
	// A third thread for the ballot, from group 1's wish.
	f.choose("pick-color", "")
	f.click("pick-" + notes["Un entrepôt commun"])
	f.click("thread-create")
	f.wait(`document.querySelectorAll("#threads .thread").length === 3`, "a third thread")
	t4 := threadID(2)
	t.Logf("threads done in %s (dialogs: %q)", time.Since(start).Round(time.Millisecond), d.seen)

	// The template's ballot: open it; votes come live from the phones
	// (here through the API, as Léa and Tom); one retained at most.
	api.write(t, ws.ID, "workshop", map[string]any{"max_threads": 1})
	f.click("go-ballots")
	f.wait(`!!document.getElementById("ballot-item-`+ballot+`")`, "the template's ballot")
	f.click("ballot-item-" + ballot)
	f.waitPath("/w/" + ws.ID + "/ballots/" + ballot)
	f.wait(`document.getElementById("ballot-state").dataset.open === "false" && document.querySelectorAll("#results .result").length === 3`, "the closed ballot's 3 threads")
	f.click("ballot-toggle")
	waitServer(t, srv, ws.ID, "the ballot open", func(st *replica.State) bool { return st.Record(ballot).Bool("open") })
	f.wait(`document.getElementById("ballot-state").dataset.open === "true"`, "the ballot open")
	vote := func(voter string, slot int, target string) {
		api.write(t, replica.VoteID(ballot, voter, slot), "vote", map[string]any{"ballot": ballot, "voter": voter, "slot": slot, "target": target})
	}
	vote(lea, 0, t1)
	vote(lea, 1, t3)
	vote(tom, 0, t1)
	vote(tom, 1, t3)
	vote(tom, 2, t4)
	// t1 = 2, t3 = 2, t4 = 1: t1 and t3 tie at the first place.
	rank := func(target string) string {
		return `document.getElementById("result-` + target + `")`
	}
	f.wait(rank(t1)+`.dataset.votes === "2" && `+rank(t3)+`.dataset.votes === "2" && `+rank(t4)+`.dataset.votes === "1"`, "the phones' votes, live")
	f.wait(rank(t1)+`.dataset.rank === "1" && `+rank(t3)+`.dataset.rank === "1" && `+rank(t4)+`.dataset.rank === "3" && !!document.getElementById("results-tie")`, "the tie shown")
	if got := evalT[[]string](f, `[...document.querySelectorAll("#results .result")].map((r) => r.dataset.retained)`); fmt.Sprint(got) != "[true true false]" {
		t.Errorf("retained %v, want the two tied first", got)
	}
	if n := evalT[int](f, `document.querySelectorAll("#results-chart svg rect.kept").length`); n < 2 {
		t.Errorf("the chart marks %d bars retained", n)
	}
	step("ballot open, live votes")
	// Paper stickers: 5 on t4 (two paper sheets), quickly; then one off.
	for i := 0; i < 5; i++ {
		f.click("paper-add-" + t4)
	}
	f.wait(rank(t4)+`.dataset.votes === "6" && `+rank(t4)+`.dataset.paper === "5" && `+rank(t4)+`.dataset.rank === "1"`, "5 paper stickers counted")
	f.click("paper-remove-" + t4)
	f.wait(rank(t4)+`.dataset.votes === "5" && `+rank(t4)+`.dataset.paper === "4"`, "a paper sticker off")
	st = waitServer(t, srv, ws.ID, "the paper stickers", func(st *replica.State) bool { return replica.Tally(st, ballot)[t4] == 5 })
	paper := 0
	for _, p := range st.Of("participant") {
		if p.Bool("proxy") {
			paper++
		}
	}
	if paper != 2 {
		t.Errorf("%d paper voters on the server, want 2 (5 stickers, 4 a sheet)", paper)
	}
	step("paper")
	f.click("results-retain")
	f.click("ballot-toggle")
	waitServer(t, srv, ws.ID, "the ballot closed and t4 retained", func(st *replica.State) bool {
		return !st.Record(ballot).Bool("open") && st.Record(t4).Bool("selected") && !st.Record(t1).Bool("selected")
	})
	t.Logf("ballot done in %s", time.Since(start).Round(time.Millisecond))

	// The synthesis: the ranking of the ballot, the HTML as text.
	f.click("go-synthesis")
	f.wait(`!!document.getElementById("synth-threads") && document.querySelectorAll("#synth-threads .synth-thread").length === 3`, "the synthesis")
	got := evalT[[]string](f, `[...document.querySelectorAll("#synth-threads .synth-thread")].map((r) => r.id.slice(13) + "=" + r.dataset.votes + "#" + r.dataset.rank + ":" + r.dataset.retained)`)
	if want := []string{t4 + "=5#1:true", t3 + "=2#2:false", t1 + "=2#2:false"}; !reflect.DeepEqual(got, want) && !reflect.DeepEqual(got, []string{want[0], want[2], want[1]}) {
		t.Errorf("synthesis threads %v, want %v", got, want)
	}
	if !evalT[bool](f, `[...document.querySelectorAll("#synthesis .synth-note .text")].some((e) => e.textContent === `+jsString(evil)+`)`) {
		t.Error("the synthesis does not show the post-it's text as typed")
	}
	if n := evalT[int](f, `document.querySelectorAll("#synthesis img, #synthesis b").length`); n != 0 {
		t.Errorf("the synthesis made %d elements of post-it text", n)
	}
	if evalT[string](f, `document.title`) == "pwned" {
		t.Error("a post-it's script ran")
	}
	f.wait(`document.getElementById("synth-count").textContent.startsWith("2 ")`, "2 people, paper voters not counted")
	step("synthesis")
	checkExports(t, srv, f, ws)
	step("exports")

	// Privacy: authors shown, then Tom's data erased.
	f.click("go-privacy")
	f.wait(`document.getElementById("show-authors").getAttribute("aria-pressed") === "false" && !!document.getElementById("person-`+tom+`")`, "the privacy page")
	f.click("show-authors")
	waitServer(t, srv, ws.ID, "show_authors", func(st *replica.State) bool { return st.Record(ws.ID).Bool("show_authors") })
	f.wait(`document.getElementById("show-authors").getAttribute("aria-pressed") === "true"`, "authors shown")
	f.click("erase-" + tom)
	f.wait(`!!document.getElementById("erase-confirm-`+tom+`")`, "the confirmation")
	f.click("erase-confirm-" + tom)
	f.wait(`document.getElementById("erase-done").textContent.includes("Tom") && !document.getElementById("person-`+tom+`")`, "Tom erased")
	st = serverState(t, srv, ws.ID)
	if r := st.Record(notes["Données introuvables"]); !r.Deleted() || r.String("text") != "" || !st.Record(tom).Deleted() {
		t.Errorf("Tom's note after the erase: %v", r.Fields)
	}
	if n := replica.Tally(st, ballot)[t1]; n != 1 {
		t.Errorf("after the erase t1 has %d stickers, want Léa's only", n)
	}
	f.click("go-synthesis")
	f.wait(`[...document.querySelectorAll(".synth-person")].map((e) => e.textContent.trim()).join() === "Léa"`, "only Léa in the synthesis, by name")
	f.checkConsole()
	t.Logf("done in %s", time.Since(start).Round(time.Millisecond))
}
