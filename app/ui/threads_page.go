package ui

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/client"
	"carnet/sync/replica"
)

// The threads page, /w/<id>/threads: the facilitator draws the threads
// (fils) from the irritants and wishes of the groups. Tap post-its to
// select them (no drag), then create a thread of them or attach them to a
// thread; rename (the browser's prompt), merge, reorder or delete threads.

// onThreads takes the page's events (data-act, data-id, value).
func (p *facil2Page) onThreads(ctx app.Context, x ev) {
	st := f1View(p.id).State
	id := x.id
	title := targetText(st.Record(id))
	focus := x.act + "-" + id
	switch x.act {
	case "form-create":
		p.create(ctx, st)
		focus = "thread-new-title"
	case "set-color":
		p.color, focus = x.value, "pick-color"
	case "set-group":
		p.group, focus = x.value, "pick-group"
	case "set-merge":
		if x.value == "" {
			return
		}
		into := targetText(st.Record(x.value))
		if !f2Confirm(i18n.T("threads.merge.confirm") + " « " + title + " » → « " + into + " » ?") {
			setInput("merge-"+id, "")
			return
		}
		p.write(ctx, i18n.T("threads.merged")+" « "+into+" »", nil, moveAway(st, id, x.value)...)
		focus = "rename-" + x.value
	case "pick":
		i := 0
		for i < len(p.sel) && p.sel[i] != id {
			i++
		}
		if i < len(p.sel) {
			p.sel = append(p.sel[:i:i], p.sel[i+1:]...)
		} else {
			p.sel = append(p.sel, id)
		}
		p.said = i18n.N("threads.selected", len(p.sel))
	case "clear":
		p.sel, focus = nil, "selection-clear"
	case "attach", "detach-sel":
		thread := id
		if x.act == "detach-sel" {
			thread, focus = "", "selection-detach"
		}
		var changes []replica.Change
		for _, n := range p.sel {
			changes = append(changes, set(n, "note", "thread", thread))
		}
		p.write(ctx, i18n.T("threads.said."+x.act), func() {
			if p.err == "" {
				p.sel = nil
			}
		}, changes...)
	case "detach":
		focus = "rename-" + st.Record(id).String("thread")
		p.write(ctx, i18n.T("threads.said.detach-sel"), nil, set(id, "note", "thread", ""))
	case "up", "down":
		p.move(ctx, st, id, x.act)
	case "rename":
		if s := app.Window().Call("prompt", i18n.T("threads.rename.label"), title); s.Truthy() && strings.TrimSpace(s.String()) != "" {
			p.write(ctx, i18n.T("threads.renamed"), nil, set(id, "thread", "title", strings.TrimSpace(s.String())))
		}
	case "delete":
		if f2Confirm(i18n.T("threads.delete.confirm") + " « " + title + " »") {
			p.write(ctx, i18n.T("threads.deleted"), nil, moveAway(st, id, "")...)
			focus = "thread-new-title"
		}
	}
	f2Focus(ctx, focus)
}

// create makes a thread of the selected post-its, titled by the form, or
// by the first post-it's text.
func (p *facil2Page) create(ctx app.Context, st *replica.State) {
	title := strings.TrimSpace(inputValue("thread-new-title"))
	ts := st.Of("thread")
	if title == "" && len(p.sel) > 0 {
		title = short(st.Record(p.sel[0]).String("text"))
	}
	if title == "" {
		title = i18n.T("threads.default") + " " + strconv.Itoa(len(ts)+1)
	}
	pos := float64(len(ts) + 1)
	if len(ts) > 0 {
		pos = max(pos, ts[len(ts)-1].Float("position")+1)
	}
	id := client.NewID()
	changes := []replica.Change{set(id, "thread", "title", title, "position", pos)}
	for _, n := range p.sel {
		changes = append(changes, set(n, "note", "thread", id))
	}
	p.write(ctx, i18n.T("threads.created")+" « "+title+" »", func() {
		if p.err == "" {
			p.sel = nil
			setInput("thread-new-title", "")
		}
	}, changes...)
}

// move swaps the thread with its neighbour and numbers the positions 1,
// 2, 3... where they differ.
func (p *facil2Page) move(ctx app.Context, st *replica.State, id, dir string) {
	ts := st.Of("thread")
	i := 0
	for i < len(ts) && ts[i].ID != id {
		i++
	}
	j := i + 1
	if dir == "up" {
		j = i - 1
	}
	if i >= len(ts) || j < 0 || j >= len(ts) {
		return
	}
	ts[i], ts[j] = ts[j], ts[i]
	var changes []replica.Change
	for k, t := range ts {
		if t.Float("position") != float64(k+1) {
			changes = append(changes, set(t.ID, "thread", "position", k+1))
		}
	}
	p.write(ctx, i18n.T("threads.moved")+" "+strconv.Itoa(j+1), nil, changes...)
}

// moveAway moves the post-its and stickers of thread from to thread into
// ("" lets them go) and deletes from.
func moveAway(st *replica.State, from, into string) []replica.Change {
	var out []replica.Change
	for _, r := range st.Records {
		f := "thread"
		if r.Kind == "vote" {
			f = "target"
		}
		if !r.Deleted() && r.Kind != "thread" && r.String(f) == from {
			out = append(out, set(r.ID, r.Kind, f, into))
		}
	}
	return append(out, set(from, "thread", "deleted", true))
}

const (
	tplThreadsTop = `<div><h2>{@threads.selection}</h2><form id="thread-new-form" method="dialog" data-act="form-create"><label for="thread-new-title">{@threads.new.title}<span class="hint">{@threads.new.hint}</span></label>` +
		`<input id="thread-new-title" type="text" maxlength="2000"><button id="thread-create" type="submit" class="primary block mt">{@threads.create}</button></form></div>`
	tplSelection = `<div><p id="selection-count" class="b">{0}</p><p class="muted small">{@threads.howto}</p><div class="row mt">` +
		`<button type="button" id="selection-detach" data-act="detach-sel"{!1}>{@threads.detach}</button><button type="button" id="selection-clear" data-act="clear"{!1}>{@threads.clear}</button></div>` +
		`<div id="pick-filters" class="filters"><div><label for="pick-color">{@threads.filter.color}</label><select id="pick-color" data-act="set-color">{!2}</select></div>` +
		`<div><label for="pick-group">{@threads.filter.group}</label><select id="pick-group" data-act="set-group">{!3}</select></div></div><p id="pick-count" class="muted small">{4}</p></div>`
	tplPick = `<li><button type="button" id="pick-{.id}" class="pick note {.color|cls}" data-act="pick" data-id="{.id}" data-thread="{.thread}" aria-pressed="{0}">` +
		`<span class="kind"><span class="sym" aria-hidden="true">{.color|sym} </span>{.color|label}</span><span class="text">{.text}</span>` +
		`<span class="meta">{.group|group}{.thread|in}</span></button></li>`
	tplThread = `<li id="thread-{.id}" class="thread card" data-position="{0}" data-notes="{1}"><h3 class="row"><span class="rank">{0}.</span>` +
		`<span class="grow thread-title">{.title}</span>{!2}</h3><ul class="list thread-notes">{!3}</ul>` +
		`<button type="button" id="attach-{.id}" class="thread-attach block" data-act="attach" data-id="{.id}"{!4}>{@threads.attach}</button><div class="actions row mt">` +
		`<button type="button" id="up-{.id}" class="thread-up" data-act="up" data-id="{.id}" aria-label="{@threads.up} : {.title|short}"{!5}>↑</button>` +
		`<button type="button" id="down-{.id}" class="thread-down" data-act="down" data-id="{.id}" aria-label="{@threads.down} : {.title|short}"{!6}>↓</button>` +
		`<button type="button" id="rename-{.id}" class="thread-rename" data-act="rename" data-id="{.id}" aria-label="{@threads.rename} : {.title|short}">{@threads.rename}</button>` +
		`<button type="button" id="delete-{.id}" class="thread-delete danger" data-act="delete" data-id="{.id}" aria-label="{@note.delete} : {.title|short}">{@note.delete}</button></div>` +
		`<label for="merge-{.id}">{@threads.merge.into}</label><select id="merge-{.id}" class="thread-merge" data-act="set-merge" data-id="{.id}">{!7}</select></li>`
	tplThreadNote = `<li id="thread-note-{.id}" class="thread-note row {.color|cls}"><span class="sym" aria-hidden="true">{.color|sym} </span><span class="grow text">{.text}</span>` +
		`<button type="button" id="detach-{.id}" class="thread-note-detach" data-act="detach" data-id="{.id}" aria-label="{@threads.note.detach} : {.text|short}">{@threads.note.detach}</button></li>`
)

func (p *facil2Page) threadsBody(v *view) []string {
	st := v.State
	threads := st.Of("thread")
	selected := map[string]bool{}
	for _, s := range p.sel {
		selected[s] = true
	}
	none := f2when(len(p.sel) == 0, " disabled")
	rank := groupRank(st)

	// The selection, the filters and the post-its to pick from.
	var notes []*replica.Record
	for _, n := range st.Of("note") {
		c, g := n.String("color"), n.String("group")
		if (p.color == "" && c != replica.ColorProblem && c != replica.ColorWish) || (p.color != "" && p.color != "all" && c != p.color) ||
			(p.group == "-" && rank(g) < 1<<20) || (p.group != "" && p.group != "-" && g != p.group) {
			continue
		}
		notes = append(notes, n)
	}
	byGroupColor(st, notes)
	h := hw{st: st}
	h.t(tplSelection, i18n.N("threads.selected", len(p.sel)), none,
		f2options([]option{{"", i18n.T("threads.filter.rw")}, {replica.ColorProblem, colorLabel(replica.ColorProblem)},
			{replica.ColorWish, colorLabel(replica.ColorWish)}, {"all", i18n.T("threads.filter.all")}}, p.color),
		f2options(append(append([]option{{"", i18n.T("threads.filter.allgroups")}}, groupOptions(st)...), option{"-", i18n.T("threads.nogroup")}), p.group),
		i18n.N("session.notes", len(notes)))
	selection := h.String()
	h = hw{st: st}
	h.WriteString(`<ul id="pick-list" class="list picks">`)
	for _, n := range notes {
		h.rec(tplPick, n, strconv.FormatBool(selected[n.ID]))
	}
	h.WriteString(`</ul>`)
	picks := h.String()

	// The threads, in order.
	h = hw{st: st}
	h.t(`<div><h2>{0}</h2>`, i18n.N("threads.count", len(threads)))
	if len(threads) == 0 {
		h.t(`<p id="threads-empty" class="muted">{@threads.empty}</p>`)
	}
	h.WriteString(`<ol id="threads" class="list threads">`)
	for i, t := range threads {
		var tn []*replica.Record
		for _, n := range st.Of("note") {
			if n.String("thread") == t.ID {
				tn = append(tn, n)
			}
		}
		byGroupColor(st, tn)
		nh := hw{st: st}
		nh.each(tplThreadNote, tn)
		others := []option{{"", i18n.T("threads.merge.choose")}}
		for _, o := range threads {
			if o != t {
				others = append(others, option{o.ID, targetText(o)})
			}
		}
		badge := ""
		if t.Bool("selected") {
			badge = f2html(`<span class="badge thread-selected">{@results.retained}</span>`)
		}
		h.rec(tplThread, t, strconv.Itoa(i+1), strconv.Itoa(len(tn)), badge, nh.String(), none,
			f2when(i == 0, " disabled"), f2when(i == len(threads)-1, " disabled"), f2options(others, ""))
	}
	h.WriteString(`</ol></div>`)

	return []string{f2html(tplThreadsTop), selection + picks, h.String()}
}

// groupRank orders groups as the workshop does, no group last.
func groupRank(st *replica.State) func(id string) int {
	order := map[string]int{}
	for i, g := range st.Of("group") {
		order[g.ID] = i + 1
	}
	return func(id string) int {
		if n := order[id]; n > 0 {
			return n
		}
		return 1 << 20
	}
}

// byGroupColor sorts notes by group, colour, then time.
func byGroupColor(st *replica.State, notes []*replica.Record) {
	rank := groupRank(st)
	colorRank := map[string]int{}
	for i, c := range replica.Colors {
		colorRank[c] = i
	}
	key := func(r *replica.Record) string {
		return strconv.Itoa(rank(r.String("group"))+1<<21) + strconv.Itoa(colorRank[r.String("color")]) + r.ID
	}
	sortBy(notes, key)
}
