package ui

import (
	"strconv"

	"carnet/app/i18n"
	"carnet/sync/replica"
)

// The synthesis page, /w/<id>/synthesis: the restitution of the day on
// one page, printable to PDF from the browser (web/app.css has its print
// styles): per group its irritants, wishes, other post-its and photos; the
// threads ranked by votes; the boards filled, post-its by zone; who took
// part, by name where the workshop shows authors. Links download the
// server's exports. Every user text is escaped: HTML in a post-it shows
// as typed.

const (
	tplSynthHead = `<section id="synth-actions" class="card no-print"><h2>{@synth.exports}</h2><p class="row">` +
		`<a id="export-md" class="button" download="" href="{0}md">{@synth.export.md}</a><a id="export-csv" class="button" download="" href="{0}csv">{@synth.export.csv}</a>` +
		`<a id="export-json" class="button" download="" href="{0}json">{@synth.export.json}</a><a id="export-zip" class="button" download="" href="{0}zip">{@synth.export.zip}</a>` +
		`<a id="export-html" class="button" download="" href="{0}html">{@synth.export.html}</a></p><p class="muted small">{@synth.exports.hint}</p></section>` +
		`<header class="synth-head"><h2 id="synth-title">{1}</h2><p class="muted">{2}</p></header>`
	tplSynthNote = `<li id="synth-note-{.id}" class="synth-note {.color|cls}" data-color="{.color}" data-group="{.group}">` +
		`<span class="sym" aria-hidden="true">{.color|sym} </span><span class="text">{.text}</span><span class="meta">{.author|by}</span></li>`
	tplSynthPhoto  = `<li id="synth-photo-{.id}" class="synth-photo" data-group="{.group}"><figure>{!0}<figcaption>{1}<span class="meta">{.author|by}</span></figcaption></figure></li>`
	tplSynthThread = `<li id="synth-thread-{.id}" class="synth-thread" data-rank="{0}" data-votes="{1}" data-retained="{2}"><p class="row">` +
		`<span class="rank">{3}.</span><span class="grow b title">{.title}</span><span class="votes">{4}</span>{!5}</p><p class="pre">{.body}</p><ul class="list">{!6}</ul></li>`
)

// lists writes records, sorted, as lists under headings: a new list
// opens where the heading changes.
func (h *hw) lists(id string, rs []*replica.Record, heading func(*replica.Record) string, item func(*replica.Record)) {
	h.t(`<section id="{0}">`, id)
	last := "\x00"
	for _, r := range rs {
		if hd := heading(r); hd != last {
			if last != "\x00" {
				h.WriteString(`</ul></div>`)
			}
			h.t(`<div class="synth-list"><h3>{0}</h3><ul class="list">`, hd)
			last = hd
		}
		item(r)
	}
	if last != "\x00" {
		h.WriteString(`</ul></div>`)
	}
	h.WriteString(`</section>`)
}

// synthesisHTML writes the synthesis of v. w (may be nil) gives the
// photos' addresses.
func synthesisHTML(v *view, w *workshop) string {
	st := v.State
	ws := st.Record(v.ID)
	h := hw{st: st, authors: ws.Bool("show_authors")}
	h.t(`<div class="no-print row"><button type="button" id="synth-print" class="primary" data-act="print">{@synth.print}</button>` +
		`<span class="muted small grow">{@synth.print.hint}</span></div><div id="synthesis" class="synthesis">`)
	h.t(tplSynthHead, exportURL(v, ""), v.Title(), joinSub(ws.String("place"), joinSub(ws.String("starts"), ws.String("ends"))))
	rank := groupRank(st)
	group := func(r *replica.Record) string { return strconv.Itoa(rank(r.String("group")) + 1<<21) }

	// Per group: its irritants, its wishes, its other post-its out of the
	// boards' zones, its photos.
	part := func(r *replica.Record) string {
		switch c := r.String("color"); {
		case r.Kind == "photo":
			return "9"
		case c == replica.ColorProblem:
			return "0"
		case c == replica.ColorWish:
			return "1"
		case r.String("zone") != "":
			return "" // on a board, below
		}
		return "2"
	}
	var rs []*replica.Record
	for _, r := range append(st.Of("note"), st.Of("photo")...) {
		if part(r) != "" && (r.Kind == "note" || r.String("blob") != "") {
			rs = append(rs, r)
		}
	}
	sortBy(rs, func(r *replica.Record) string { return group(r) + part(r) + r.ID })
	h.t(`<h2>{@synth.groups}</h2>`)
	h.lists("synth-groups", rs, func(r *replica.Record) string {
		return h.pipe(r.String("group"), "group") + " · " + i18n.T("synth.part."+part(r))
	}, func(r *replica.Record) {
		if r.Kind == "note" {
			h.rec(tplSynthNote, r)
			return
		}
		img := f2html(`<p class="noimg">{@photo.notonphone}</p>`)
		if w != nil {
			if src := w.photoURL(r.String("blob"), 800); src != "" {
				img = f2html(`<img src="{0}" alt="{1}" loading="lazy">`, src, r.String("caption"))
			}
		}
		h.rec(tplSynthPhoto, r, img, orText(r.String("caption"), i18n.T("photo.nocaption")))
	})

	// The threads ranked by their stickers on the ballots on threads.
	votes := map[string]int{}
	for _, b := range st.Of("ballot") {
		if b.String("target_kind") != "note" {
			for t, n := range replica.Tally(st, b.ID) {
				votes[t] += n
			}
		}
	}
	var rows []result
	anySelected := false
	for _, t := range st.Of("thread") {
		anySelected = anySelected || t.Bool("selected")
		rows = append(rows, result{ID: t.ID, Votes: votes[t.ID], Record: t})
	}
	rankRows(rows, maxThreads(st, v.ID))
	h.t(`<section id="synth-threads-sec"><h2>{@synth.threads}</h2><ol id="synth-threads" class="list">`)
	for _, r := range rows {
		kept := r.Record.Bool("selected") || !anySelected && r.Retained
		var tn []*replica.Record
		for _, n := range st.Of("note") {
			if n.String("thread") == r.ID {
				tn = append(tn, n)
			}
		}
		byGroupColor(st, tn)
		l := hw{st: st, authors: h.authors}
		l.each(tplSynthNote, tn)
		h.rec(tplSynthThread, r.Record, strconv.Itoa(r.Rank), strconv.Itoa(r.Votes), strconv.FormatBool(kept), rankLabel(r),
			i18n.N("vote.total", r.Votes), f2when(kept, f2html(`<span class="badge">{@results.retained}</span>`)), l.String())
	}
	h.WriteString(`</ol></section>`)

	// The boards filled: post-its by session, group and zone.
	rs = rs[:0]
	for _, n := range st.Of("note") {
		if s := live(st, n.String("session")); s != nil && n.String("zone") != "" {
			rs = append(rs, n)
		}
	}
	where := func(n *replica.Record) (*replica.Record, *boardInfo) {
		s := st.Record(n.String("session"))
		return s, boardOf(s.String("board"))
	}
	sortBy(rs, func(n *replica.Record) string {
		s, b := where(n)
		return strconv.Itoa(int(s.Float("position"))+1<<21) + s.ID + group(n) + strconv.Itoa(zoneOrder(b, n.String("zone"))+1<<21) + n.ID
	})
	h.t(`<h2>{@synth.boards}</h2>`)
	if len(rs) == 0 {
		h.t(`<p class="muted">{@synth.boards.none}</p>`)
	}
	h.lists("synth-boards", rs, func(n *replica.Record) string {
		s, b := where(n)
		title := orText(s.String("title"), i18n.T("session.untitled"))
		if b != nil {
			title += " · " + b.Title
		}
		return title + " · " + h.pipe(n.String("group"), "group") + " · " + zoneName(b, n.String("zone"))
	}, func(n *replica.Record) { h.rec(tplSynthNote, n) })

	// Who took part.
	ppl := persons(st)
	names := hw{}
	if h.authors {
		names.each(`<li class="synth-person">{.name} <span class="muted">{.role}</span></li>`, ppl)
	} else {
		names.t(`<li class="muted small">{@synth.people.hidden}</li>`)
	}
	h.t(`<section id="synth-people"><h2>{@synth.people}</h2><p id="synth-count">{0}</p><ul class="list names">{!1}</ul></section></div>`,
		i18n.N("synth.people.count", len(ppl)), names.String())
	return h.String()
}
