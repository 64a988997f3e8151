//go:build !js

package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carnet/sync/replica"
	"carnet/sync/template"
)

// TestToulonDay is the seed's first workshop from start to synthesis with
// Carnet alone: a facilitator's laptop creates it from the Toulon template
// in the UI; three phones join through the link, pick their groups and
// capture irritants, wishes and a photo offline, then sync; the wall shows
// everything live; the facilitator draws 5 threads and opens the ballot
// (4 stickers, 8 threads retained); the phones vote, one of them offline
// until the end, and paper stickers are entered; the results and the
// synthesis match the votes cast; the exports parse and the JSON one
// re-imports into a fresh server as the same workshop. A post-it's HTML
// shows as text everywhere.
func TestToulonDay(t *testing.T) {
	RequireChromium(t)
	srv := Shared(t)
	start := time.Now()
	last := start
	step := func(what string) {
		t.Logf("%-34s %6s (at %s)", what, time.Since(last).Round(time.Millisecond), time.Since(start).Round(time.Second))
		last = time.Now()
	}
	toulon, _ := template.Get("toulon")
	drawing := -1
	for i, s := range toulon.Steps {
		if s.Board == template.BoardUseCase {
			drawing = i
			break
		}
	}

	// The facilitator creates the workshop from the Toulon template.
	fac := newPhone(t, "facilitator", WithFlag("window-size", "1280,900"))
	answerDialogs(fac)
	fac.open(srv.URL + "/")
	fac.click("new-workshop")
	fac.waitPath("/new")
	fac.click("tpl-radio-toulon")
	fac.do("say where", chromedp.SendKeys(chromedp.ID("create-place"), "Toulon, le port"))
	fac.click("create-submit")
	fac.wait(`/^\/w\/[0-9a-f-]{36}\/admin$/.test(location.pathname)`, "the new workshop's settings")
	id := strings.Split(evalT[string](fac, `location.pathname`), "/")[2]
	fac.wait(`document.getElementById("join-code").textContent.length > 0 && document.getElementById("join-url").value !== ""`, "the join link")
	link := evalT[string](fac, `document.getElementById("join-url").value`)
	if u, err := url.Parse(link); err != nil || u.Query().Get("w") != id {
		t.Fatalf("join link %q", link)
	}
	session := template.SessionID(id, drawing)
	g1, g2 := template.GroupID(id, 0), template.GroupID(id, 1)
	ballot := template.BallotID(id, 0)
	step("workshop created in the UI")

	// Three phones join, pick their group, open the drawing step, go
	// offline and capture.
	type member struct {
		p            *phone
		name, group  string
		notes        [][2]string // colour, text
		photo        bool
		stickers     []int // thread numbers (1..5), one a sticker
		offlineVotes bool
	}
	members := []*member{
		{name: "Alice", group: g1, photo: true, notes: [][2]string{{"problem", evil}, {"wish", "Un portail unique des données portuaires"}},
			stickers: []int{1, 4, 4, 2}},
		{name: "Bruno", group: g1, notes: [][2]string{{"problem", "Les données AIS arrivent en retard"}, {"wish", "Partager les données avec la capitainerie"}},
			stickers: []int{4, 5, 1, 2}},
		{name: "Chloé", group: g2, notes: [][2]string{{"problem", "Ressaisie des déclarations à chaque escale"}, {"problem", "Pas de statistiques d'usage"},
			{"wish", "Un tableau de bord commun"}}, stickers: []int{1, 1, 3, 4}, offlineVotes: true},
	}
	photos := writeCameraPhotos(t, t.TempDir())
	for _, m := range members {
		p := newPhone(t, m.name)
		m.p = p
		p.must(p.EmulatePhone(), "emulate a phone")
		p.open(link)
		p.wait(`!!document.getElementById("join-name")`, "the join form")
		p.do("join", chromedp.SendKeys(chromedp.ID("join-name"), m.name+" Martin"))
		p.click("join-submit")
		p.waitPath("/w/" + id)
		p.wait(`!!document.querySelector("#group-select option[value='`+m.group+`']")`, "the groups")
		p.choose("group-select", m.group)
		p.click("group-save")
		p.wait(`!!document.getElementById("my-group")`, "the group saved")
		p.goToSession(id, session)
		p.must(p.WaitPrecached(), "precache")
		p.must(p.SetOffline(true), "go offline")
	}
	step("3 phones joined, offline")
	for _, m := range members {
		for i, n := range m.notes {
			m.p.addNote(n[0], n[1], i+1)
		}
		if m.photo {
			m.p.addPhoto(photos[0], 1)
		}
	}
	notes := 0
	for _, m := range members {
		notes += len(m.notes)
	}
	step("7 post-its and a photo offline")

	// The wall, live: everything the phones wrote once they are online.
	fac.open(srv.URL + "/w/" + id + "/wall?s=" + session)
	fac.wait(`!!document.getElementById("wall-body")`, "the wall")
	for _, m := range members {
		m.p.must(m.p.SetOffline(false), "go online")
	}
	for _, m := range members {
		m.p.waitSynced()
	}
	fac.wait(fmt.Sprintf(`document.querySelectorAll("#wall-body .wnote").length === %d && document.querySelectorAll("#wall-body .wphoto").length === 1`, notes),
		"every post-it and the photo on the wall, live")
	fac.wait(`[...document.querySelectorAll("#wall-body .wnote .text")].some((e) => e.textContent === `+jsString(evil)+`)`, "the HTML post-it as text on the wall")
	if n := evalT[int](fac, `document.querySelectorAll("#wall-body .wnote img, #wall-body b").length`); n != 0 {
		t.Errorf("the wall made %d elements of a post-it's HTML", n)
	}
	step("the wall shows them, live")

	// Five threads from the irritants and wishes.
	st := serverState(t, srv, id)
	byText := map[string]string{}
	for _, n := range liveOf(st, "note") {
		byText[n.String("text")] = n.ID
	}
	fac.click("go-threads")
	fac.wait(fmt.Sprintf(`document.querySelectorAll("#pick-list .pick").length === %d`, notes), "the post-its to pick")
	if got := evalT[string](fac, `document.querySelector("#pick-`+byText[evil]+` .text").textContent`); got != evil {
		t.Errorf("threads page: the post-it shows %q", got)
	}
	threads := []struct {
		title string
		notes []string
	}{
		{"Collecte <des> données", []string{evil, "Ressaisie des déclarations à chaque escale"}},
		{"Délais de mise à disposition", []string{"Les données AIS arrivent en retard"}},
		{"Statistiques d'usage", []string{"Pas de statistiques d'usage"}},
		{"Espace commun de données", []string{"Un portail unique des données portuaires", "Un tableau de bord commun"}},
		{"Partage entre acteurs du port", []string{"Partager les données avec la capitainerie"}},
	}
	for i, th := range threads {
		for _, text := range th.notes {
			fac.click("pick-" + byText[text])
		}
		fac.wait(fmt.Sprintf(`document.querySelectorAll('#pick-list [aria-pressed="true"]').length === %d`, len(th.notes)), "the selection")
		fac.do("title the thread", chromedp.SendKeys(chromedp.ID("thread-new-title"), th.title))
		fac.click("thread-create")
		fac.wait(fmt.Sprintf(`document.querySelectorAll("#threads .thread").length === %d && document.getElementById("thread-new-title").value === ""`, i+1), "thread "+th.title)
	}
	tid := make([]string, len(threads))
	st = waitServer(t, srv, id, "the 5 threads", func(st *replica.State) bool { return len(st.Of("thread")) == 5 })
	for i, th := range st.Of("thread") {
		tid[i] = th.ID
		if th.String("title") != threads[i].title {
			t.Errorf("thread %d: %q, want %q", i+1, th.String("title"), threads[i].title)
		}
	}
	for i, th := range threads {
		for _, text := range th.notes {
			if got := st.Record(byText[text]).String("thread"); got != tid[i] {
				t.Errorf("post-it %q in thread %s, want %s", text, got, tid[i])
			}
		}
	}
	step("5 threads")

	// The template's ballot: 4 stickers each, 8 threads retained; open.
	fac.click("go-ballots")
	fac.click("ballot-item-" + ballot)
	fac.wait(`document.querySelectorAll("#results .result").length === 5`, "the ballot on the 5 threads")
	if got := evalT[string](fac, `document.getElementById("ballot-budget").textContent`); !strings.HasPrefix(got, "4 gommettes") || !strings.Contains(got, "8 fils") {
		t.Errorf("ballot: %q, want 4 stickers and 8 threads", got)
	}
	fac.click("ballot-toggle")
	fac.wait(`document.getElementById("ballot-state").dataset.open === "true"`, "the ballot open")
	waitServer(t, srv, id, "the ballot open", func(st *replica.State) bool { return st.Record(ballot).Bool("open") })
	step("ballot open")

	// The phones vote; Chloé gets the ballot, then votes offline.
	for _, m := range members {
		p := m.p
		p.open(srv.URL + "/w/" + id)
		p.wait(`!!document.getElementById("ballot-`+ballot+`")`, "the open ballot")
		p.click("ballot-" + ballot)
		p.waitPath("/w/" + id + "/vote/" + ballot)
		p.wait(`document.querySelectorAll("#vote-targets .vote-target").length === 5`, "the 5 threads")
		if !evalT[bool](p, `document.getElementById("vote-targets").textContent.includes("Collecte <des> données")`) {
			t.Errorf("%s: the thread's title is not shown as typed", m.name)
		}
		if m.offlineVotes {
			p.must(p.SetOffline(true), "go offline")
		}
		want := map[string]int{}
		for _, n := range m.stickers {
			want[tid[n-1]]++
			p.tap(tid[n-1], "add", want)
		}
		p.checkLeft(0)
	}
	// The results, live, without Chloé's; then 2 paper stickers on thread 3.
	want := map[string]int{}
	for _, m := range members {
		if !m.offlineVotes {
			for _, n := range m.stickers {
				want[tid[n-1]]++
			}
		}
	}
	waitResults := func(what string, want map[string]int) {
		t.Helper()
		var cond []string
		for _, th := range tid {
			cond = append(cond, fmt.Sprintf(`document.getElementById("result-%s").dataset.votes === "%d"`, th, want[th]))
		}
		fac.wait(strings.Join(cond, " && "), what)
	}
	waitResults("the phones' votes, live", want)
	fac.click("paper-add-" + tid[2])
	fac.click("paper-add-" + tid[2])
	want[tid[2]] += 2
	waitResults("2 paper stickers", want)
	step("votes online, paper")

	// Chloé comes back online at the end.
	for _, n := range members[2].stickers {
		want[tid[n-1]]++
	}
	members[2].p.must(members[2].p.SetOffline(false), "go online")
	members[2].p.waitSynced()
	waitResults("Chloé's votes, live", want)
	st = serverState(t, srv, id)
	if tally := replica.Tally(st, ballot); fmt.Sprint(tally) != fmt.Sprint(want) {
		t.Errorf("server tally %v, want %v", tally, want)
	}
	// Thread 1 and 4 have 4 stickers each: tied first.
	for _, i := range []int{0, 3} {
		if r := evalT[string](fac, `document.getElementById("result-`+tid[i]+`").dataset.rank`); r != "1" {
			t.Errorf("thread %d ranks %s, want 1 (tied)", i+1, r)
		}
	}
	if got := evalT[string](fac, `document.querySelector("#result-`+tid[0]+` .label .text").textContent`); got != threads[0].title {
		t.Errorf("results: thread 1 shows %q", got)
	}
	fac.click("results-retain")
	fac.click("ballot-toggle")
	st = waitServer(t, srv, id, "the ballot closed, the threads retained", func(st *replica.State) bool {
		n := 0
		for _, th := range st.Of("thread") {
			if th.Bool("selected") {
				n++
			}
		}
		return !st.Record(ballot).Bool("open") && n == 5
	})
	step("all votes counted, ballot closed")

	// The synthesis matches the votes cast.
	fac.click("go-synthesis")
	fac.wait(`document.querySelectorAll("#synth-threads .synth-thread").length === 5`, "the synthesis")
	got := evalT[map[string]string](fac, `Object.fromEntries([...document.querySelectorAll("#synth-threads .synth-thread")].map((r) => [r.id.slice(13), r.dataset.votes]))`)
	for _, th := range tid {
		if got[th] != fmt.Sprint(want[th]) {
			t.Errorf("synthesis: thread %s has %s stickers, want %d", th, got[th], want[th])
		}
	}
	order := evalT[[]string](fac, `[...document.querySelectorAll("#synth-threads .synth-thread")].map((r) => r.dataset.votes)`)
	for i := 1; i < len(order); i++ {
		if order[i] > order[i-1] {
			t.Errorf("synthesis threads not ranked by votes: %v", order)
		}
	}
	for _, g := range []string{g1, g2} {
		n := 0
		for _, no := range liveOf(st, "note") {
			if no.String("group") == g {
				n++
			}
		}
		if got := evalT[int](fac, `document.querySelectorAll('#synth-groups .synth-note[data-group="`+g+`"]').length`); got != n {
			t.Errorf("synthesis: group %s has %d post-its, want %d", g, got, n)
		}
	}
	fac.wait(`document.querySelectorAll('#synth-groups .synth-photo[data-group="`+g1+`"] img').length === 1`, "Alice's photo in her group's part")
	if !evalT[bool](fac, `[...document.querySelectorAll("#synthesis .synth-note .text")].some((e) => e.textContent === `+jsString(evil)+`)`) {
		t.Error("synthesis: the HTML post-it is not shown as text")
	}
	if n := evalT[int](fac, `document.querySelectorAll("#synthesis b").length`); n != 0 {
		t.Errorf("synthesis: %d elements made of a post-it's HTML", n)
	}
	fac.wait(`document.getElementById("synth-count").textContent.startsWith("3 ")`, "3 people")
	checkExports(t, srv, fac, Workshop{ID: id})
	step("synthesis and exports")

	// The phones show the post-it as text on their boards too.
	a := members[0].p
	a.open(srv.URL + "/w/" + id + "/s/" + session)
	a.wait(`[...document.querySelectorAll("#board .note .text")].some((e) => e.textContent === `+jsString(evil)+`)`, "the post-it on Alice's board")
	if n := evalT[int](a, `document.querySelectorAll("#board .note b, #board .note img").length`); n != 0 {
		t.Errorf("Alice's board made %d elements of a post-it's HTML", n)
	}
	for _, p := range append([]*phone{fac}, members[0].p, members[1].p, members[2].p) {
		p.checkConsole()
		if evalT[string](p, `document.title`) == "pwned" {
			t.Errorf("%s: a post-it's script ran", p.name)
		}
	}
	t.Logf("the Toulon day in %s", time.Since(start).Round(time.Millisecond))
}
