package ui

import (
	"context"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/client"
)

// The privacy page, /w/<id>/privacy: whether the authors' names are shown
// (workshop.show_authors: boards, synthesis, exports), and erasing one
// person's data: on the server at once (it needs the network), on the
// phones at their next sync.

// onPrivacy takes the page's events (data-act, data-id).
func (p *facil2Page) onPrivacy(ctx app.Context, x ev) {
	id := x.id
	switch x.act {
	case "authors":
		show := !f1View(p.id).State.Record(p.id).Bool("show_authors")
		said := "privacy.authors.hidden"
		if show {
			said = "privacy.authors.shown"
		}
		p.write(ctx, i18n.T(said), func() { f2Focus(ctx, "show-authors") }, set(p.id, "workshop", "show_authors", show))
	case "erase":
		p.confirm, p.err, p.done = id, "", ""
		f2Focus(ctx, "erase-cancel-"+id)
	case "cancel":
		p.confirm = ""
		f2Focus(ctx, "erase-"+id)
	case "confirm":
		p.erase(ctx, id)
	}
}

// erase asks the server to erase a participant's data, then syncs so
// that this device drops it too.
func (p *facil2Page) erase(ctx app.Context, id string) {
	w := lookup(p.id)
	if w == nil || p.busy {
		return
	}
	if !isOnline() {
		p.err = i18n.T("privacy.offline")
		return
	}
	name := orText(w.view().State.Record(id).String("name"), i18n.T("kind.participant"))
	p.busy, p.err, p.done = true, "", ""
	ctx.Async(func() {
		var got client.Erased
		err := w.clientDo(func(c context.Context, cl *client.Client) error {
			var err error
			got, err = cl.Erase(c, id)
			return err
		})
		if err == nil {
			w.sync()
		}
		dispatch(ctx, func(ctx app.Context) {
			p.busy, p.confirm = false, ""
			if err != nil {
				p.err = i18n.F("privacy.failed", err.Error())
				return
			}
			p.done = i18n.F("privacy.erased", name, got.Records, got.Photos)
			p.said = p.done
			f2Focus(ctx, "erase-done")
		})
	})
}

const (
	tplPrivacy = `<div><section id="privacy-authors" class="card"><h2>{@privacy.authors}</h2><p>{@privacy.authors.hint}</p>` +
		`<button type="button" id="show-authors" class="block" data-act="authors" aria-pressed="{0}">{@privacy.authors.toggle}</button><p id="show-authors-state" class="b">{1}</p></section>` +
		`<section id="privacy-erase" class="card"><h2>{@privacy.erase.title}</h2><p>{@privacy.erase.hint}</p><p id="erase-done" class="{2}" tabindex="-1">{3}</p>{!4}</section></div>`
	tplPerson       = `<li id="person-{.id}" class="person card"><p><span class="b">{.name}</span> <span class="muted">{.role}</span></p><p class="muted small">{0}</p>`
	tplEraseConfirm = `<div class="row mt" role="group" aria-label="{@privacy.confirm} {.name}"><p class="grow b">{@privacy.confirm} {.name}</p>` +
		`<button type="button" id="erase-confirm-{.id}" class="danger" data-act="confirm" data-id="{.id}"{!1}>{@privacy.erase.yes}</button>` +
		`<button type="button" id="erase-cancel-{.id}" data-act="cancel" data-id="{.id}">{@common.cancel}</button></div></li>`
)

func (p *facil2Page) privacyBody(v *view) []string {
	st := v.State
	show := st.Record(v.ID).Bool("show_authors")
	counts := map[string]*[3]int{}
	for _, r := range st.Records {
		k, who := 0, r.String("author")
		switch {
		case r.Deleted():
			continue
		case r.Kind == "note":
		case r.Kind == "photo":
			k = 1
		case r.Kind == "vote" && r.String("target") != "":
			k, who = 2, r.String("voter")
		default:
			continue
		}
		if counts[who] == nil {
			counts[who] = &[3]int{}
		}
		counts[who][k]++
	}
	ppl := persons(st)
	h := hw{st: st}
	h.WriteString(`<ul id="people" class="list">`)
	for _, r := range ppl {
		c := counts[r.ID]
		if c == nil {
			c = &[3]int{}
		}
		tpl := tplPerson + `<button type="button" id="erase-{.id}" class="danger erase" data-act="erase" data-id="{.id}" aria-label="{@privacy.erase.of} {.name}"{!1}>{@privacy.erase}</button></li>`
		if p.confirm == r.ID {
			tpl = tplPerson + tplEraseConfirm
		}
		h.rec(tpl, r, i18n.F("privacy.owns", c[0], c[1], c[2]), f2when(p.busy, " disabled"))
	}
	h.WriteString(`</ul>`)
	state, done := "privacy.authors.hidden", ""
	if show {
		state = "privacy.authors.shown"
	}
	if p.done != "" {
		done = "msg ok"
	}
	if len(ppl) == 0 {
		h.t(`<p id="people-empty" class="muted">{@privacy.nobody}</p>`)
	}
	return []string{f2html(tplPrivacy, strconv.FormatBool(show), i18n.T(state), done, p.done, h.String())}
}
