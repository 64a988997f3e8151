package ui

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"carnet/app/i18n"
	"carnet/sync/client"
	"carnet/sync/replica"
)

const (
	f2Ballot = "0193b1c2-0000-7000-8000-0000000000b1"
	f2G1     = "0193b1c2-0000-7000-8000-0000000000c1"
	f2G2     = "0193b1c2-0000-7000-8000-0000000000c2"
	f2Lea    = "0193b1c2-0000-7000-8000-0000000000d1"
	f2Tom    = "0193b1c2-0000-7000-8000-0000000000d2"
)

func f2Thread(i int) string { return fmt.Sprintf("0193b1c2-0000-7000-8000-0000000001%02d", i) }
func f2Note(i int) string   { return fmt.Sprintf("0193b1c2-0000-7000-8000-0000000002%02d", i) }

// apply merges changes into st at growing clocks.
func apply(t *testing.T, st *replica.State, changes ...replica.Change) {
	t.Helper()
	for _, c := range changes {
		for _, one := range c.Split() {
			one.Clock = nextClock()
			if _, err := st.Apply(one); err != nil {
				t.Fatal(err)
			}
		}
	}
}

var clockN int64

func nextClock() replica.Clock {
	clockN++
	return replica.MakeClock(1764288000000+clockN, 0, meID)
}

func vote(voter string, slot int, target string) replica.Change {
	return set(replica.VoteID(f2Ballot, voter, slot), "vote", "ballot", f2Ballot, "voter", voter, "slot", slot, "target", target)
}

// toulonState is a ballot on 5 threads, budget 4, with Léa's and Tom's
// stickers.
func toulonState(t *testing.T) *replica.State {
	st := replica.NewState()
	apply(t, st,
		set(wsID, "workshop", "title", "Toulon", "max_threads", 2),
		set(f2Ballot, "ballot", "title", "Vote", "budget", 4, "target_kind", "thread", "open", true),
		set(f2Lea, "participant", "name", "Léa"),
		set(f2Tom, "participant", "name", "Tom"),
	)
	for i := 1; i <= 5; i++ {
		apply(t, st, set(f2Thread(i), "thread", "title", fmt.Sprintf("Fil %d", i), "position", i))
	}
	// Fil 1: 3, Fil 2: 2, Fil 3: 2, Fil 4: 1, Fil 5: 0.
	apply(t, st,
		vote(f2Lea, 0, f2Thread(1)), vote(f2Lea, 1, f2Thread(1)), vote(f2Lea, 2, f2Thread(2)), vote(f2Lea, 3, f2Thread(3)),
		vote(f2Tom, 0, f2Thread(1)), vote(f2Tom, 1, f2Thread(2)), vote(f2Tom, 2, f2Thread(3)), vote(f2Tom, 3, f2Thread(4)),
	)
	return st
}

func TestRankResults(t *testing.T) {
	st := toulonState(t)
	b := st.Record(f2Ballot)
	rows, tie := rankResults(st, b, 2)
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s=%d#%d%v", r.Label, r.Votes, r.Rank, r.Retained))
	}
	want := "[Fil 1=3#1true Fil 2=2#2true Fil 3=2#2true Fil 4=1#4false Fil 5=0#5false]"
	if fmt.Sprint(got) != want {
		t.Errorf("rankResults() = %v, want %s", got, want)
	}
	if !tie {
		t.Error("a tie at the 2nd place retains 3 threads: tie should be true")
	}
	if _, tie := rankResults(st, b, 3); tie {
		t.Error("3 retained of 3: no tie")
	}
	if rankLabel(rows[1]) != i18n.F("results.rank.ex", 2) || rankLabel(rows[0]) != "1" {
		t.Errorf("rank labels %q, %q", rankLabel(rows[0]), rankLabel(rows[1]))
	}
	// The counts are replica.Tally's.
	votes, _, voters, sheets := tallyOf(st, b)
	if fmt.Sprint(votes) != fmt.Sprint(replica.Tally(st, f2Ballot)) || voters != 2 || sheets != 0 {
		t.Errorf("tallyOf() = %v, %d voters, %d sheets; Tally = %v", votes, voters, sheets, replica.Tally(st, f2Ballot))
	}
}

// TestPaperVotes: paper stickers fill paper voters' slots, a new paper
// voter when all are taken, and count with the phones'.
func TestPaperVotes(t *testing.T) {
	st := toulonState(t)
	b := st.Record(f2Ballot)
	for i := 0; i < 6; i++ { // more than one sheet of 4
		c := paperChanges(st, b, f2Thread(5), 1, "Vote papier")
		if want := 1 + btoi(i%4 == 0); len(c) != want {
			t.Fatalf("+1 #%d: %d changes, want %d", i, len(c), want)
		}
		apply(t, st, c...)
	}
	if n := len(paperVoters(st)); n != 2 {
		t.Errorf("%d paper voters, want 2", n)
	}
	if n := len(persons(st)); n != 2 {
		t.Errorf("persons() = %d, want the 2 people, not the paper voters", n)
	}
	votes, paper, voters, sheets := tallyOf(st, b)
	if votes[f2Thread(5)] != 6 || paper[f2Thread(5)] != 6 || voters != 2 || sheets != 2 {
		t.Errorf("tallyOf() = %v %v %d %d", votes, paper, voters, sheets)
	}
	if replica.Tally(st, f2Ballot)[f2Thread(5)] != 6 {
		t.Error("replica.Tally does not count the paper stickers")
	}
	apply(t, st, paperChanges(st, b, f2Thread(5), -1, "")...)
	if paperChanges(st, b, f2Thread(4), -1, "") != nil {
		t.Error("-1 where no paper sticker is: there is nothing to do")
	}
	if n := replica.Tally(st, f2Ballot)[f2Thread(5)]; n != 5 {
		t.Errorf("after -1: %d, want 5", n)
	}
	// The freed slot is taken again before a new sheet.
	if c := paperChanges(st, b, f2Thread(1), 1, "Vote papier"); len(c) != 1 {
		t.Errorf("+1 with a free slot made %d changes", len(c))
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestMoveAway(t *testing.T) {
	st := toulonState(t)
	apply(t, st, set(f2Note(1), "note", "text", "a", "thread", f2Thread(4), "author", f2Lea))
	apply(t, st, moveAway(st, f2Thread(4), f2Thread(5))...)
	if st.Record(f2Note(1)).String("thread") != f2Thread(5) || !st.Record(f2Thread(4)).Deleted() {
		t.Error("merge: the note did not move, or the thread stays")
	}
	if n := replica.Tally(st, f2Ballot)[f2Thread(5)]; n != 1 {
		t.Errorf("merge: Tom's sticker on Fil 4 should be on Fil 5: %d", n)
	}
}

// TestSynthesisEscapes: every user text is text, HTML included; names
// only where the workshop shows them; threads ranked by their stickers.
func TestSynthesisEscapes(t *testing.T) {
	st := toulonState(t)
	evil := `<img src=x onerror="alert(1)"><b>gras</b> & "co"`
	apply(t, st,
		set(f2G1, "group", "name", "Projet <1>", "position", 1),
		set(f2Note(1), "note", "text", evil, "color", "problem", "group", f2G1, "author", f2Lea, "thread", f2Thread(2)),
		set(f2Note(2), "note", "text", "souhait", "color", "wish", "group", f2G1, "author", f2Tom),
		set(f2Thread(3), "thread", "title", evil),
	)
	v := &view{ID: wsID, State: st, Meta: client.Meta{Token: "tok"}}
	out := synthesisHTML(v, nil)
	if strings.Contains(out, "<img") || strings.Contains(out, "<b>") || !strings.Contains(out, "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") && !strings.Contains(out, "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") {
		t.Errorf("user HTML not escaped:\n%s", out)
	}
	if strings.Contains(out, "Léa") {
		t.Error("authors shown while the workshop hides them")
	}
	for _, want := range []string{`id="synth-thread-` + f2Thread(1) + `" class="synth-thread" data-rank="1" data-votes="3"`, `data-rank="2" data-votes="2"`, `Projet &lt;1&gt; · Irritants`, `export?token=tok&amp;format=csv`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the synthesis", want)
		}
	}
	apply(t, st, set(wsID, "workshop", "show_authors", true))
	if out := synthesisHTML(v, nil); !strings.Contains(out, "— Léa") || !strings.Contains(out, `class="synth-person">Léa`) {
		t.Error("authors hidden while the workshop shows them")
	}
	if chart := barChart([]result{{Label: evil, Votes: 2}}, evil); strings.Contains(chart, "<img") || strings.Contains(chart, "<b>") {
		t.Errorf("chart not escaped: %s", chart)
	}
}

// TestTemplateMessages: every {@key} of the pages' templates is in the
// catalogue, in both languages.
func TestTemplateMessages(t *testing.T) {
	known := map[string]bool{}
	for _, k := range i18n.Keys() {
		known[k] = true
	}
	re := regexp.MustCompile(`\{@([a-z0-9_.\-]+)\}`)
	for _, f := range []string{"facil2.go", "facil2_page.go", "threads_page.go", "ballot_page.go", "synthesis_page.go", "privacy_page.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if !known[m[1]] {
				t.Errorf("%s: no message %q", f, m[1])
			}
		}
	}
	for _, k := range []string{"threads.said.attach", "threads.said.detach-sel", "ballots.kind.thread", "ballots.kind.note",
		"synth.part.0", "synth.part.1", "synth.part.2", "synth.part.9", "facil.nav.threads", "facil.nav.ballots", "facil.nav.synthesis", "facil.nav.privacy"} {
		if !known[k] {
			t.Errorf("no message %q", k)
		}
	}
}

func TestTemplate(t *testing.T) {
	st := replica.NewState()
	apply(t, st, set(f2G1, "group", "name", "G & co"), set(f2Note(1), "note", "text", "<x>", "color", "wish", "group", f2G1))
	h := hw{st: st}
	h.rec(`<p id="n-{.id}" title="{0}">{.text}|{.color|label}|{.group|group}|{!1}|{@threads.clear}</p>`, st.Record(f2Note(1)), `a"b`, "<i>raw</i>")
	want := `<p id="n-` + f2Note(1) + `" title="a&quot;b">&lt;x&gt;|` + i18n.T("color.wish") + `|G &amp; co|<i>raw</i>|` + i18n.T("threads.clear") + `</p>`
	if h.String() != want {
		t.Errorf("template:\n got %s\nwant %s", h.String(), want)
	}
	if !facil2Path.MatchString("/w/"+wsID+"/ballots/"+f2Ballot) || !facil2Path.MatchString("/w/"+wsID+"/threads") || facil2Path.MatchString("/w/"+wsID+"/threads/"+f2Ballot+"x") {
		t.Error("facil2Path")
	}
}
