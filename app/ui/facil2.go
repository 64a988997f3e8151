package ui

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/replica"
)

// The facilitator's pages of the end of the day: threads (fils), ballots
// and their results, the synthesis (restitution), privacy. One component
// (facil2_page.go) in the frame of facil1.go (f1Shell, f1View, f1Raw,
// readEvent).
//
//	/w/<id>/threads             the post-its into threads: create, attach, rename,
//	                            merge, reorder, delete
//	/w/<id>/ballots             the ballots, and a form to open a new one
//	/w/<id>/ballots/<ballot>    a ballot's results, live: chart, ranking with ties,
//	                            paper stickers, open/close, the threads retained
//	/w/<id>/synthesis           the printable synthesis, the exports
//	/w/<id>/privacy             authors shown or not, erase a person's data
//
// The pages are HTML text written from templates (hw), every user text
// escaped, in blocks that go-app replaces only when their text changes;
// their buttons, selects and forms carry a data-act (and data-id) that the
// page's one event handler reads.
//
// Their element ids:
//
//	all four     #f1-nav (links #go-threads, #go-ballots, #go-synthesis, #go-privacy),
//	             #facil-only (not the facilitator on this device), #f2-said
//	             (role=status: what was just done), #f2-error (role=alert)
//	threads      #thread-new-form: #thread-new-title, #thread-create; #selection-count,
//	             #selection-detach, #selection-clear; #pick-color (select: ""
//	             irritants and wishes, problem, wish, all), #pick-group (select: ""
//	             all, a group id, "-" none), #pick-count; #pick-list with
//	             button.pick#pick-<note> (aria-pressed, data-thread); #threads with
//	             li.thread#thread-<id> (data-position, data-notes) holding .thread-title,
//	             .thread-selected (retained), li.thread-note#thread-note-<note> with
//	             #detach-<note>, and #attach-<id> (attach the selection), #up-<id>,
//	             #down-<id>, #rename-<id> (window.prompt), #delete-<id>
//	             (window.confirm), select#merge-<id> (merge into the thread chosen,
//	             window.confirm); #threads-empty
//	ballots      #ballot-list with a.ballot-item#ballot-item-<id>; #ballots-empty;
//	             #ballot-new-form: #ballot-new-title, #ballot-new-kind (thread, note),
//	             #ballot-new-session, #ballot-new-budget, #ballot-new-create
//	results      #ballot-head: #ballot-state (data-open), #ballot-budget,
//	             #ballot-stats, #ballot-toggle; #results-tie; #results-chart (a figure
//	             with an <svg>); table#results with tr.result#result-<target> (data-rank,
//	             data-votes, data-paper, data-retained) holding .rank, .label, .votes,
//	             .paper-count, #paper-remove-<target>, #paper-add-<target>;
//	             #results-retain; #vote-missing, #vote-empty
//	synthesis    #synth-print; #synthesis: #synth-actions with a#export-md, #export-csv,
//	             #export-json, #export-zip, #export-html (download links); #synth-title;
//	             #synth-groups with .synth-list (h3 "group · part") holding
//	             li.synth-note#synth-note-<id> (data-color, data-group) and
//	             li.synth-photo#synth-photo-<id>; #synth-threads with
//	             li.synth-thread#synth-thread-<id> (data-rank, data-votes,
//	             data-retained); #synth-boards (lists by session, group and zone);
//	             #synth-people: #synth-count, li.synth-person (names shown)
//	privacy      #show-authors (aria-pressed) with #show-authors-state; #people with
//	             li.person#person-<id> holding #erase-<id>, then #erase-confirm-<id>
//	             and #erase-cancel-<id>; #erase-done; #people-empty

// exportURL is the server's export of v in format f, with the
// facilitator's token in the query (a download link sends no header).
func exportURL(v *view, f string) string {
	return strings.TrimRight(v.Meta.Server, "/") + "/api/v1/workshops/" + v.ID +
		"/export?token=" + url.QueryEscape(v.Meta.Token) + "&format=" + f
}

// write queues changes; done (may be nil) runs on the UI goroutine once
// they are committed, or failed (p.err says why then).
func (p *facil2Page) write(ctx app.Context, said string, done func(), changes ...replica.Change) {
	w := lookup(p.id)
	if w == nil || len(changes) == 0 {
		if done != nil {
			done()
		}
		return
	}
	p.busy, p.err = true, ""
	w.queue(func(err error) {
		dispatch(ctx, func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.err = writeError(err)
			} else {
				p.said = said
			}
			if done != nil {
				done()
			}
		})
	}, changes...)
}

// f2Focus focuses element id after the next render: a list written as
// HTML is replaced when it changes, and the button tapped with it.
//
//go:noinline
func f2Focus(ctx app.Context, id string) {
	ctx.Defer(func(app.Context) {
		if e := app.Window().GetElementByID(id); e.Truthy() {
			e.Call("focus")
		}
	})
}

// hw writes HTML text from templates, so that the pages' HTML comes from
// data rather than from go-app builders or Go code per element: each call
// site in Go costs some hundred bytes of app.wasm. In a template, {n} is
// args[n], {.f} the field f of the record (.id its id), {.f|pipe} that
// value through a pipe (see pipe), {@<key>} the message key; all escaped,
// unless written {!...} (HTML that hw made).
type hw struct {
	strings.Builder
	st      *replica.State // for the pipes that look records up
	authors bool           // the workshop shows authors
}

// hesc escapes s for HTML text and double-quoted attribute values.
//
//go:noinline
func hesc(s string) string { return escapeHTML(s, "&quot;") }

// t writes tpl with args.
func (h *hw) t(tpl string, args ...string) { h.rec(tpl, nil, args...) }

// rec writes tpl with the record r and args.
func (h *hw) rec(tpl string, r *replica.Record, args ...string) {
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			h.WriteString(tpl)
			return
		}
		h.WriteString(tpl[:i])
		tok, rest, _ := strings.Cut(tpl[i+1:], "}")
		tpl = rest
		raw := tok[0] == '!'
		if raw {
			tok = tok[1:]
		}
		var s string
		switch tok[0] {
		case '@':
			s = i18n.T(tok[1:])
		case '.':
			name, pipe, _ := strings.Cut(tok[1:], "|")
			s = r.ID
			if name != "id" {
				s = r.String(name)
			}
			s = h.pipe(s, pipe)
		default:
			n, _ := strconv.Atoi(tok)
			s = args[n]
		}
		if !raw {
			s = hesc(s)
		}
		h.WriteString(s)
	}
}

// pipe formats a field's value: sym, label and cls of a colour; group
// (a group's name), in (" · fil « title »" of a thread), by (" — author"
// where the workshop shows authors), short.
func (h *hw) pipe(s, pipe string) string {
	switch pipe {
	case "sym":
		return colorSymbols[s]
	case "label":
		return colorLabel(s)
	case "cls":
		return colorClass(s)
	case "group":
		return orText(live(h.st, s).String("name"), i18n.T("threads.nogroup"))
	case "in":
		if t := live(h.st, s).String("title"); t != "" {
			return " · " + i18n.F("threads.in", t)
		}
		return ""
	case "by":
		if n := live(h.st, s).String("name"); h.authors && n != "" {
			return " — " + n
		}
		return ""
	case "short":
		return short(s)
	}
	return s
}

// each writes tpl for each record.
func (h *hw) each(tpl string, rs []*replica.Record) {
	for _, r := range rs {
		h.rec(tpl, r)
	}
}

// f2html is the template filled, as a string.
//
//go:noinline
func f2html(tpl string, args ...string) string {
	var h hw
	h.t(tpl, args...)
	return h.String()
}

// f2when is s when cond holds, else "" (attributes: " disabled").
//
//go:noinline
func f2when(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

// f2options writes the options of a select, value selected.
func f2options(opts []option, value string) string {
	var h hw
	for _, o := range opts {
		h.t(`<option value="{0}"{!1}>{2}</option>`, o.Value, f2when(o.Value == value, " selected"), o.Label)
	}
	return h.String()
}

// f2Confirm asks the browser's confirmation dialog.
func f2Confirm(q string) bool {
	return app.IsClient && app.Window().Call("confirm", q).Truthy()
}

// sortBy sorts records by a key, stably.
func sortBy(rs []*replica.Record, key func(*replica.Record) string) {
	keys := make(map[*replica.Record]string, len(rs))
	for _, r := range rs {
		keys[r] = key(r)
	}
	replica.SortStable(len(rs), func(i, j int) bool { return keys[rs[i]] < keys[rs[j]] }, func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
}

// inputValue is the value of the input id in the page.
func inputValue(id string) string {
	if e := app.Window().GetElementByID(id); e.Truthy() {
		return e.Get("value").String()
	}
	return ""
}

// isPaperVoter reports whether a participant record stands for stickers
// voted on paper (proxy votes the facilitator enters), not a person.
//
//go:noinline
func isPaperVoter(r *replica.Record) bool { return r != nil && r.Bool("proxy") }

// persons returns the live participants who are people (not paper
// voters), by name.
func persons(st *replica.State) []*replica.Record {
	var out []*replica.Record
	for _, r := range st.Of("participant") {
		if !isPaperVoter(r) {
			out = append(out, r)
		}
	}
	replica.SortStable(len(out), func(i, j int) bool {
		return strings.ToLower(out[i].String("name")) < strings.ToLower(out[j].String("name"))
	}, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// paperVoters returns the live paper voters, oldest first.
func paperVoters(st *replica.State) []*replica.Record {
	var out []*replica.Record
	for _, r := range st.Of("participant") {
		if isPaperVoter(r) {
			out = append(out, r)
		}
	}
	replica.SortStable(len(out), func(i, j int) bool { return out[i].ID < out[j].ID }, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// result is one target of a ballot: its score, of which paper stickers,
// its rank (equal scores share a rank) and whether it is retained.
type result struct {
	_            noEq
	ID, Label    string
	Votes, Paper int
	Rank         int
	Retained, Ex bool // Ex: another target has the same rank
	Record       *replica.Record
}

// tallyOf counts a ballot's stickers as replica.Tally does (live, placed,
// slot within budget), with the paper ones apart, and the voters: people
// (on phones) and paper voters (sheets).
func tallyOf(st *replica.State, b *replica.Record) (votes, paper map[string]int, voters, sheets int) {
	votes, paper = map[string]int{}, map[string]int{}
	budget := int64(replica.Budget(b))
	who := map[string]bool{}
	for _, r := range st.Records {
		if r.Kind != "vote" || r.Deleted() || r.String("ballot") != b.ID {
			continue
		}
		t, slot := r.String("target"), r.Int("slot", -1)
		if t == "" || slot < 0 || slot >= budget {
			continue
		}
		votes[t]++
		v := r.String("voter")
		isPaper := isPaperVoter(st.Record(v))
		if isPaper {
			paper[t]++
		}
		if !who[v] {
			who[v] = true
			if isPaper {
				sheets++
			} else {
				voters++
			}
		}
	}
	return
}

// maxThreads is how many threads a workshop retains (max_threads, 8).
func maxThreads(st *replica.State, id string) int {
	if n := int(st.Record(id).Int("max_threads", 8)); n > 0 {
		return n
	}
	return 8
}

// rankResults ranks a ballot's targets (rankRows).
func rankResults(st *replica.State, b *replica.Record, n int) (rows []result, tie bool) {
	votes, paper, _, _ := tallyOf(st, b)
	for _, t := range voteTargets(st, b) {
		rows = append(rows, result{ID: t.ID, Label: targetText(t), Votes: votes[t.ID], Paper: paper[t.ID], Record: t})
	}
	return rows, rankRows(rows, n)
}

// targetText is a thread's title or a note's text.
//
//go:noinline
func targetText(t *replica.Record) string {
	s := t.String("title")
	if t != nil && t.Kind == "note" {
		s = t.String("text")
	}
	return orText(s, i18n.T("vote.target.untitled"))
}

// rankRows sorts rows by score, keeping their order among equals, ranks
// them with ties sharing a rank ("1, 2, 2, 4"), retains those with a
// sticker ranked within the first n, and reports whether more than n are
// retained because of equal scores at the edge.
func rankRows(rows []result, n int) (tie bool) {
	replica.SortStable(len(rows), func(i, j int) bool { return rows[i].Votes > rows[j].Votes }, func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	retained := 0
	for i := range rows {
		rows[i].Rank = i + 1
		if i > 0 && rows[i].Votes == rows[i-1].Votes {
			rows[i].Rank = rows[i-1].Rank
			rows[i].Ex, rows[i-1].Ex = true, true
		}
		if rows[i].Votes > 0 && rows[i].Rank <= n {
			rows[i].Retained = true
			retained++
		}
	}
	return retained > n
}

// rankLabel is "3" or "3 ex æquo".
func rankLabel(r result) string {
	if r.Ex {
		return i18n.F("results.rank.ex", r.Rank)
	}
	return strconv.Itoa(r.Rank)
}

// ballotState is "Ouvert" or "Clos".
//
//go:noinline
func ballotState(b *replica.Record) string {
	if b.Bool("open") {
		return i18n.T("ballots.open")
	}
	return i18n.T("ballots.closed")
}

// barChart draws ranked results as an SVG bar chart: per target its rank
// and label, a bar of its phone stickers then one of its paper stickers,
// and its score.
func barChart(rows []result, title string) string {
	const w, row = 640, 44
	most := 1
	for _, r := range rows {
		most = max(most, r.Votes)
	}
	num := strconv.Itoa
	var h hw
	h.t(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 640 {0}" role="img" aria-label="{1}"><title>{1}</title>`,
		num(max(len(rows), 1)*row), title)
	for i, r := range rows {
		y := i * row
		full := (w - 60) * r.Votes / most
		paper := (w - 60) * r.Paper / most
		h.t(`<text x="0" y="{0}" class="lbl">{1}</text><rect x="0" y="{2}" width="{3}" height="16" class="bar{!4}"/><rect x="{3}" y="{2}" width="{5}" height="16" class="bar paper{!4}"/><text x="{6}" y="{7}" class="num">{8}</text>`,
			num(y+15), rankLabel(r)+". "+short(r.Label), num(y+21), num(full-paper), f2when(r.Retained, " kept"), num(paper), num(full+6), num(y+34), num(r.Votes))
	}
	h.WriteString(`</svg>`)
	return h.String()
}
