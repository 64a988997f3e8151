package ui

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/client"
	"carnet/sync/replica"
)

// The ballots page is the facilitator's side of the votes:
// /w/<id>/ballots lists the ballots and opens a new one;
// /w/<id>/ballots/<ballot> shows a ballot's results live (SVG bar chart,
// ranking with ties, the threads retained), opens and closes it, and takes
// the stickers voted on paper.
//
// Paper stickers are vote records of paper voters: participant records
// the facilitator's device makes (name "Vote papier 1", field proxy true),
// each with the ballot's budget of slots like a person. "+1" fills the
// first free slot of the paper voters and makes a new one when all are
// full, so that any number of paper stickers count with the phones' in
// the one tally every device computes.

// paperOp is one paper sticker to add (+1) or take off (-1).
type paperOp struct {
	target string
	delta  int
}

func (p *facil2Page) ballotsBody(v *view) []string {
	if p.ballot != "" {
		return p.results(v)
	}
	return p.list(v)
}

const (
	tplBallotItem = `<li><a id="ballot-item-{.id}" class="item ballot-item" href="/w/{1}/ballots/{.id}"><span class="grow"><span class="title">{.title}</span>` +
		`<span class="sub">{0}</span></span><span class="chev" aria-hidden="true">›</span></a></li>`
	tplBallotNew = `<form id="ballot-new-form" class="card" method="dialog" data-act="form-new"><h2>{@ballots.new}</h2>` +
		`<label for="ballot-new-title">{@ballots.new.title}</label><input id="ballot-new-title" type="text" maxlength="2000" placeholder="{@ballots.new.placeholder}">` +
		`<label for="ballot-new-kind">{@ballots.new.kind}</label><select id="ballot-new-kind"><option value="thread">{@ballots.kind.thread}</option><option value="note">{@ballots.kind.note}</option></select>` +
		`<label for="ballot-new-session">{@ballots.new.session}<span class="hint">{@ballots.new.session.hint}</span></label><select id="ballot-new-session">{!0}</select>` +
		`<label for="ballot-new-budget">{@ballots.new.budget}</label><input id="ballot-new-budget" type="number" inputmode="numeric" min="1" max="100" value="{1}">` +
		`<button id="ballot-new-create" type="submit" class="primary block mt">{@ballots.new.create}</button></form>`
)

// list is /w/<id>/ballots: the ballots and the form for a new one.
func (p *facil2Page) list(v *view) []string {
	st := v.State
	ballots := st.Of("ballot")
	h := hw{st: st}
	h.t(`<div><h2>{@ballots.title}</h2>`)
	if len(ballots) == 0 {
		h.t(`<p id="ballots-empty" class="muted">{@ballots.empty}</p>`)
	}
	h.WriteString(`<ul id="ballot-list" class="list">`)
	for _, b := range ballots {
		h.rec(tplBallotItem, b, ballotState(b)+" · "+i18n.T("ballots.kind."+orText(b.String("target_kind"), "thread")), v.ID)
	}
	h.WriteString(`</ul></div>`)
	sessions := []option{{"", i18n.T("ballots.new.allday")}}
	for _, s := range st.Of("session") {
		sessions = append(sessions, option{s.ID, orText(s.String("title"), i18n.T("session.untitled"))})
	}
	// The form never changes while one types: it depends on the sessions
	// and the workshop's budget only.
	return []string{h.String(), f2html(tplBallotNew, f2options(sessions, ""), strconv.Itoa(int(st.Record(v.ID).Int("vote_budget", replica.DefaultBudget))))}
}

// create opens a new ballot, then shows its results.
func (p *facil2Page) newBallot(ctx app.Context) {
	st := f1View(p.id).State
	budget := int(st.Record(p.id).Int("vote_budget", replica.DefaultBudget))
	if s := strings.TrimSpace(inputValue("ballot-new-budget")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > replica.MaxBudget {
			p.err = i18n.F("ballots.badbudget", replica.MaxBudget)
			return
		}
		budget = n
	}
	title := orText(strings.TrimSpace(inputValue("ballot-new-title")), i18n.T("ballots.new.placeholder"))
	id := client.NewID()
	p.write(ctx, i18n.T("ballots.opened")+" "+title, func() {
		if p.err == "" {
			ctx.Navigate("/w/" + p.id + "/ballots/" + id)
		}
	}, set(id, "ballot", "title", title, "target_kind", orText(inputValue("ballot-new-kind"), "thread"), "budget", budget, "session", inputValue("ballot-new-session"), "open", true))
}

// toggle opens or closes the ballot.
func (p *facil2Page) toggle(ctx app.Context) {
	if b := live(f1View(p.id).State, p.ballot); b != nil {
		said := "ballots.said.opened"
		if b.Bool("open") {
			said = "ballots.said.closed"
		}
		p.write(ctx, i18n.T(said), nil, set(b.ID, "ballot", "open", !b.Bool("open")))
	}
}

// retain marks the retained threads selected, and the others not.
func (p *facil2Page) retain(ctx app.Context) {
	v := f1View(p.id)
	b := live(v.State, p.ballot)
	if b == nil {
		return
	}
	rows, _ := rankResults(v.State, b, maxThreads(v.State, v.ID))
	var changes []replica.Change
	n := 0
	for _, r := range rows {
		if r.Retained {
			n++
		}
		if r.Record.Kind == "thread" && r.Record.Bool("selected") != r.Retained {
			changes = append(changes, set(r.ID, "thread", "selected", r.Retained))
		}
	}
	said := i18n.N("results.retained.done", n)
	p.said = said
	p.write(ctx, said, nil, changes...)
}

// onBallots takes the page's events (data-act, data-id).
func (p *facil2Page) onBallots(ctx app.Context, x ev) {
	delta := 1
	switch x.act {
	case "form-new":
		p.newBallot(ctx)
		return
	case "toggle":
		p.toggle(ctx)
		f2Focus(ctx, "ballot-toggle")
		return
	case "retain":
		p.retain(ctx)
		f2Focus(ctx, "results-retain")
		return
	case "paper-remove":
		delta = -1
	case "paper-add":
	default:
		return
	}
	p.ops = append(p.ops, paperOp{x.id, delta})
	p.runPaper(ctx)
	f2Focus(ctx, x.act+"-"+x.id)
}

// runPaper writes the paper taps one after the other, each on the state
// the one before left.
func (p *facil2Page) runPaper(ctx app.Context) {
	for !p.running && len(p.ops) > 0 {
		op := p.ops[0]
		p.ops = p.ops[1:]
		v := f1View(p.id)
		b := live(v.State, p.ballot)
		if b == nil {
			continue
		}
		changes := paperChanges(v.State, b, op.target, op.delta, i18n.T("paper.voter"))
		if len(changes) == 0 {
			continue
		}
		said := "paper.added"
		if op.delta < 0 {
			said = "paper.removed"
		}
		p.running = true
		p.write(ctx, i18n.T(said)+" « "+short(targetLabel(v, op.target))+" »", func() {
			p.running = false
			p.runPaper(ctx)
		}, changes...)
	}
}

// paperChanges are the writes of one paper sticker on target: +1 fills
// the first free slot of the paper voters (making a new paper voter,
// named name and its number, when every slot is taken), -1 takes off the
// last paper sticker on target. Nil when there is nothing to do.
func paperChanges(st *replica.State, b *replica.Record, target string, delta int, name string) []replica.Change {
	voters := paperVoters(st)
	budget := replica.Budget(b)
	vote := func(voter string, slot int, t string) replica.Change {
		id := replica.VoteID(b.ID, voter, slot)
		return set(id, "vote", "ballot", b.ID, "voter", voter, "slot", slot, "target", t, "deleted", false)
	}
	placed := func(voter string, slot int) string {
		return live(st, replica.VoteID(b.ID, voter, slot)).String("target")
	}
	if delta < 0 {
		for i := len(voters) - 1; i >= 0; i-- {
			for s := budget - 1; s >= 0; s-- {
				if placed(voters[i].ID, s) == target {
					return []replica.Change{vote(voters[i].ID, s, "")}
				}
			}
		}
		return nil
	}
	for _, pv := range voters {
		for s := 0; s < budget; s++ {
			if placed(pv.ID, s) == "" {
				return []replica.Change{vote(pv.ID, s, target)}
			}
		}
	}
	id := client.NewID()
	return []replica.Change{
		set(id, "participant", "name", name+" "+strconv.Itoa(len(voters)+1), "proxy", true),
		vote(id, 0, target),
	}
}

const (
	tplResult = `<tr id="result-{.id}" class="result{!0}" data-rank="{1}" data-votes="{2}" data-paper="{3}" data-retained="{4}">` +
		`<td class="rank">{5}</td><th scope="row" class="label"><span class="text">{6}</span>{!7}</th><td class="votes">{2}</td><td class="paper"><div class="row nowrap">` +
		`<button type="button" id="paper-remove-{.id}" class="paper-remove" data-act="paper-remove" data-id="{.id}" aria-label="{@paper.remove.label} {8}"{!9}>−</button>` +
		`<span class="paper-count">{3}</span><button type="button" id="paper-add-{.id}" class="paper-add" data-act="paper-add" data-id="{.id}" aria-label="{@paper.add.label} {8}">{@paper.add}</button></div></td></tr>`
	tplHead = `<div><section id="ballot-head" class="card"><p class="row"><span id="ballot-state" class="badge state" data-open="{0}">{1}</span>` +
		`<span id="ballot-budget" class="grow">{2}</span></p><p id="ballot-stats">{3}</p><p class="muted small">{5}</p>` +
		`<button type="button" id="ballot-toggle" class="primary block" data-act="toggle">{4}</button></section>`
)

// results is /w/<id>/ballots/<ballot>.
func (p *facil2Page) results(v *view) []string {
	st := v.State
	b := live(st, p.ballot)
	if b == nil || b.Kind != "ballot" {
		return []string{f2html(`<p id="vote-missing" class="msg warn">{@vote.missing}</p>`)}
	}
	n := maxThreads(st, v.ID)
	rows, tie := rankResults(st, b, n)
	_, _, voters, sheets := tallyOf(st, b)
	total, paper := 0, 0
	for _, r := range rows {
		total += r.Votes
		paper += r.Paper
	}
	open := b.Bool("open")
	toggle := "ballots.open.do"
	if open {
		toggle = "ballots.close.do"
	}
	kind := orText(b.String("target_kind"), "thread")
	chartTitle := i18n.F("results.chart", orText(b.String("title"), i18n.T("vote.untitled")))

	h := hw{st: st}
	h.t(tplHead, strconv.FormatBool(open), ballotState(b), i18n.F("results.budget", replica.Budget(b), n),
		i18n.F("results.stats", total, paper)+" · "+i18n.F("ballots.voters", voters, sheets), i18n.T(toggle), f2when(open, i18n.T("results.howto")))
	if tie {
		h.t(`<p id="results-tie" class="msg warn">{0}</p>`, i18n.F("results.tie", n))
	}
	if len(rows) == 0 {
		h.t(`<p id="vote-empty" class="muted">{@vote.empty}</p>`)
	} else {
		h.t(`<figure id="results-chart" class="card chart-box">{!0}<figcaption class="small muted"><span class="key kept" aria-hidden="true"></span> {1} `+
			`<span class="key paper" aria-hidden="true"></span> {@results.key.paper}</figcaption></figure>`, barChart(rows, chartTitle), i18n.F("results.key.kept", n))
	}
	h.t(`<table id="results" class="results"><caption class="visually-hidden">{0}</caption><thead><tr><th scope="col">{@results.col.rank}</th>`+
		`<th scope="col">{1}</th><th scope="col">{@results.col.votes}</th><th scope="col">{@results.col.paper}</th></tr></thead><tbody>`,
		chartTitle, i18n.T("ballots.kind."+kind))
	for _, r := range rows {
		badge := ""
		if r.Retained {
			badge = f2html(`<span class="badge">{@results.retained}</span>`)
		}
		h.rec(tplResult, r.Record, f2when(r.Retained, " kept"), strconv.Itoa(r.Rank), strconv.Itoa(r.Votes), strconv.Itoa(r.Paper), strconv.FormatBool(r.Retained),
			rankLabel(r), r.Label, badge, short(r.Label), f2when(r.Paper == 0, " disabled"))
	}
	h.WriteString(`</tbody></table>`)
	if kind == "thread" && len(rows) > 0 {
		h.t(`<button type="button" id="results-retain" class="block mt" data-act="retain">{0}</button>`, i18n.F("results.retain", n))
	}
	h.WriteString(`</div>`)
	return []string{h.String()}
}
