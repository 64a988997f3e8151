package ui

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/replica"
)

// The wall, /w/<id>/wall?s=<session>&by=group|color|board (facilPage
// "wall"): every post-it and photo of a session, by group, by colour or
// on the session's board, in large type for a projector. The page's
// stepTimer follows the server's events, so that a post-it written on a
// phone shows without a reload.

func (p *facilPage) onWall(ctx app.Context, x ev) {
	switch {
	case x.kind == "change" && x.f == "session":
		p.session = x.value
	case x.kind == "click" && x.act == "by":
		p.by = x.id
	case x.kind == "click" && x.act == "full":
		if d := app.Window().Get("document").Get("documentElement"); d.Get("requestFullscreen").Truthy() {
			d.Call("requestFullscreen")
		}
		return
	default:
		return
	}
	replaceURL(wsPath(p.id, "wall") + "?s=" + p.session + "&by=" + p.by)
}

const (
	wallHeadHTML = `<div class="wall-head row"><label class="visually-hidden" for="wall-session">{wall.session}</label>` +
		`<select id="wall-session" class="grow" data-f="session">{=0}</select><div class="row" role="group" aria-label="{wall.by}">{=1}</div>` +
		`<button type="button" id="wall-full" data-act="full">{wall.full}</button></div>`
	wallOptionHTML = `<option value="{0}"{=1}>{2}</option>`
	wallByHTML     = `<button type="button" id="wall-by-{0}" data-act="by" data-id="{0}" aria-pressed="{1}">{2}</button>`
	wallNoteHTML   = `<div id="wnote-{0}" class="wnote note {1}" data-color="{2}" data-group="{3}" data-zone="{4}"><span class="sym" ` +
		`role="img" aria-label="{5}">{6}</span> <span class="text">{7}</span>{=8}</div>`
	wallMetaHTML  = `<span class="meta">{0}</span>`
	wallPhotoHTML = `<figure id="wphoto-{0}" class="wphoto">{=1}</figure>`
	wallImgHTML   = `<img src="{0}" alt="{1}" loading="lazy">`
	wallNoImgHTML = `<div class="noimg">{wall.nophoto}</div>`
	wallCapHTML   = `<figcaption>{0}</figcaption>`
	wallColHTML   = `<section id="col-{0}" class="wall-col" aria-label="{1}"><h2>{1} <span class="badge">{2}</span></h2>` +
		`<div class="wall-notes">{=3}</div></section>`
)

func (p *facilPage) renderWall(v *view) []app.UI {
	st := v.State
	T := i18n.T
	// The session shown: the one asked for, else the current step, else
	// the first.
	s := live(st, p.session)
	if s == nil || s.Kind != "session" {
		s = currentStep(st, p.id)
	}
	if all := st.Of("session"); s == nil && len(all) > 0 {
		s = all[0]
	}
	if s == nil {
		return []app.UI{para("wall-empty", "muted", T("workshop.nosessions"))}
	}
	board := boardOf(s.String("board"))
	by := p.by
	if by == "board" && board == nil || by != "color" && by != "board" {
		by = "group"
	}
	opts, modes := "", ""
	for _, x := range st.Of("session") {
		sel := ""
		if x.ID == s.ID {
			sel = " selected"
		}
		opts += tpl(wallOptionHTML, x.ID, sel, orText(x.String("title"), T("session.untitled")))
	}
	for _, m := range []string{"group", "color", "board"} {
		if m != "board" || board != nil {
			modes += tpl(wallByHTML, m, strconv.FormatBool(by == m), T("wall.by."+m))
		}
	}

	// The records shown, notes in colour order then photos, each with
	// its HTML and the column it goes to: its group (or "none"), or its
	// colour (or "photos").
	names := map[string]string{}
	var cols []string // the columns in order, then their titles
	for _, g := range st.Of("group") {
		names[g.ID] = orText(g.String("name"), T("group.unnamed"))
		cols = append(cols, g.ID)
	}
	if by != "group" {
		cols = nil
	}
	cols = append(cols, append(replica.Colors, "photos", "none")...)
	type item struct{ col, html string }
	var items []item
	var records []*replica.Record
	w := lookup(p.id)
	for _, c := range append(replica.Colors, "photos") {
		for _, r := range ofSession(st, kindOf(c), s.ID, "") {
			g := r.String("group")
			it := item{g, ""}
			if names[g] == "" {
				it.col = "none"
			}
			if by == "color" {
				it.col = c
			}
			if c == "photos" {
				it.html = wallPhoto(w, r)
			} else if r.String("color") == c {
				meta := ""
				if by != "group" && names[g] != "" {
					meta = tpl(wallMetaHTML, names[g])
				}
				it.html = tpl(wallNoteHTML, r.ID, colorClass(c), c, g, r.String("zone"), colorLabel(c), colorSymbols[c], r.String("text"), meta)
			} else {
				continue
			}
			items, records = append(items, it), append(records, r)
		}
	}

	var content app.UI
	if by == "board" {
		cards := make([]app.UI, len(items))
		for i, it := range items {
			cards[i] = app.Raw(it.html)
		}
		content = zonesGrid(board, records, cards)
	} else {
		html := ""
		for _, k := range cols {
			in, n := "", 0
			for _, it := range items {
				if it.col == k {
					in, n = in+it.html, n+1
				}
			}
			title := names[k]
			if colorSymbols[k] != "" {
				title = colorSymbols[k] + " " + colorLabel(k)
			} else if title == "" {
				title = T("wall." + k)
			}
			if n > 0 || names[k] != "" {
				html += tpl(wallColHTML, k, title, strconv.Itoa(n), in)
			}
		}
		content = app.Raw(`<div class="wall-cols">` + html + `</div>`)
	}
	photos := len(ofSession(st, "photo", s.ID, ""))
	return []app.UI{
		f1Raw(p.on, tpl(wallHeadHTML, opts, modes)),
		newStepTimer(p.id, false),
		status("wall-count", "muted", app.Text(i18n.N("session.notes", len(items)-photos)+" · "+i18n.N("board.photos", photos))),
		ecb("div", "wall-body", "wall-body", content).DataSet("by", by),
	}
}

// kindOf is the kind of the records of colour c on the wall: notes, and
// photos for "photos".
func kindOf(c string) string {
	if c == "photos" {
		return "photo"
	}
	return "note"
}

// wallPhoto is a photo on the wall: the server's thumbnail, or where it is
// on this device.
func wallPhoto(w *workshop, r *replica.Record) string {
	src, caption := "", r.String("caption")
	if w != nil {
		src = w.photoURL(r.String("blob"), 480)
	}
	img := tpl(wallNoImgHTML)
	if src != "" {
		img = tpl(wallImgHTML, src, orText(caption, i18n.T("photo.nocaption")))
	}
	if caption != "" {
		img += tpl(wallCapHTML, caption)
	}
	return tpl(wallPhotoHTML, r.ID, img)
}
