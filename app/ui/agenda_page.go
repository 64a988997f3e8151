package ui

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/client"
)

// The agenda, /w/<id>/agenda (facilPage "agenda"): the steps in order
// with their length, format and instructions, the current step and its
// timer. The facilitator makes a step current, runs its timer and adds
// steps; participants see the same, read only.

func (p *facilPage) onAgenda(ctx app.Context, x ev) {
	switch x.kind + ":" + x.act {
	case "click:current":
		f1Write(ctx, p.id, p.done, set(p.id, "workshop", "current", x.id))
	case "submit:step-add":
		title := strings.TrimSpace(inputValue("step-new-title"))
		m, err := strconv.Atoi(strings.TrimSpace(inputValue("step-new-minutes")))
		if title == "" || err != nil || m < 1 || m > 1440 {
			p.err = i18n.T("agenda.new.bad")
			return
		}
		steps := f1View(p.id).State.Of("session")
		pos := 1.0
		if n := len(steps); n > 0 {
			pos = steps[n-1].Float("position") + 1
		}
		c := set(client.NewID(), "session", "title", title, "minutes", m, "type", "room", "position", pos)
		if f := inputValue("step-new-format"); f != "" {
			c.Fields["format"], _ = json.Marshal(f)
		}
		p.err = ""
		setInput("step-new-title", "")
		f1Write(ctx, p.id, p.done, c)
	}
}

const (
	agendaStepHTML = `<li id="step-{0}" class="step card" data-current="{=1}"><p class="row"><span class="step-num" aria-hidden="true">{2}</span>` +
		`<a class="step-title grow" href="/w/{3}/s/{0}">{4}</a>{=5}</p><p class="step-sub muted">{6}</p>{=7}{=8}</li>`
	agendaNowHTML   = ` <span class="badge">{agenda.now}</span>`
	agendaInstrHTML = `<details class="step-instr"><summary>{session.instructions}</summary><p class="pre">{0}</p></details>`
	agendaToolsHTML = `<div class="row">{=0}<a class="button step-wall" href="/w/{1}/wall?s={2}">{facil.nav.wall}</a></div>`
	agendaMakeHTML  = `<button type="button" class="step-make-current primary" data-act="current" data-id="{0}">{agenda.makecurrent}</button>`
	agendaHeadHTML  = `<p id="agenda-total" class="muted">{0}</p>{=1}<ol id="agenda" class="agenda">{=2}</ol>`
	agendaEmptyHTML = `<p id="agenda-empty" class="muted">{workshop.nosessions}</p>`
	agendaAddHTML   = `<form id="step-new-form" class="card" data-act="step-add"><h2>{agenda.new}</h2><div><label for="step-new-title">` +
		`{agenda.new.title}</label><input id="step-new-title" type="text" maxlength="200"></div><div class="row dates"><div>` +
		`<label for="step-new-minutes">{agenda.new.minutes}</label><input id="step-new-minutes" type="number" value="30" min="1" max="1440">` +
		`</div><div><label for="step-new-format">{agenda.new.format}</label><select id="step-new-format"><option value="">—</option>` +
		`<option value="plenary">{session.format.plenary}</option><option value="groups">{session.format.groups}</option>` +
		`<option value="standing">{session.format.standing}</option></select></div></div>` +
		`<button type="submit" id="step-new-add" class="primary mt">{admin.add}</button></form>`
)

func (p *facilPage) renderAgenda(v *view) []app.UI {
	T := i18n.T
	cur := v.State.Record(p.id).String("current")
	steps := v.State.Of("session")
	list, empty := "", ""
	total := 0
	for i, s := range steps {
		m := int(s.Int("minutes", 0))
		total += m
		sub := hm(m)
		if t := s.String("type"); t != "" && t != "room" {
			sub += " · " + T("session.type."+t)
		}
		if f := s.String("format"); f != "" {
			sub += " · " + T("session.format."+f)
		}
		if b := boardOf(s.String("board")); b != nil {
			sub += " · " + b.Title
		}
		now, badge, tools, instr := "false", "", "", ""
		if s.ID == cur {
			now, badge = `true" aria-current="step`, tpl(agendaNowHTML)
		}
		if v.Meta.Facilitator {
			if s.ID != cur {
				tools = tpl(agendaMakeHTML, s.ID)
			}
			tools = tpl(agendaToolsHTML, tools, p.id, s.ID)
		}
		if text := s.String("instructions"); text != "" {
			instr = tpl(agendaInstrHTML, text)
		}
		list += tpl(agendaStepHTML, s.ID, now, strconv.Itoa(i+1), p.id, orText(s.String("title"), T("session.untitled")), badge, sub, instr, tools)
	}
	if len(steps) == 0 {
		empty = agendaEmptyHTML
	}
	body := []app.UI{newStepTimer(p.id, true), alert("agenda-error", p.err),
		f1Raw(p.on, tpl(agendaHeadHTML, i18n.N("new.steps", len(steps))+" · "+hm(total), tpl(empty), list))}
	if v.Meta.Facilitator {
		body = append(body, f1Raw(p.on, tpl(agendaAddHTML)))
	}
	return body
}
