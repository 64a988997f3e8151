package ui

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/app/ui/qr"
	"carnet/sync/client"
	"carnet/sync/replica"
)

// The settings page, /w/<id>/admin (facilPage "admin"): the workshop's
// title, place, dates, vote budget, threads retained and rules of
// collaboration (one a line), its groups (rename, reorder, delete, add),
// its join QR code and link, and the link that opens the facilitation on
// another device. Opened with #t=<token>&c=<code>, it first keeps that
// facilitator token on this device.

// adoptLink keeps the facilitator token of the page's fragment, if any,
// on this device, and reports whether there was one.
func (p *facilPage) adoptLink(ctx app.Context) bool {
	u := *ctx.Page().URL()
	frag := u.Fragment
	tok := queryGet(frag, "t")
	if tok == "" || !app.IsClient {
		return false
	}
	// The token leaves the address bar and the history at once.
	u.Fragment, u.RawFragment = "", ""
	replaceURL(u.String())
	observe(ctx, p.id, &p.rev)
	m := client.Meta{Workshop: p.id, Token: tok, JoinCode: queryGet(frag, "c"), Facilitator: true}
	ctx.Async(func() {
		if _, err := adopt(ctx, m); err != nil {
			dispatch(ctx, func(app.Context) { p.adoptErr = err })
		}
	})
	return true
}

func (p *facilPage) onAdmin(ctx app.Context, x ev) {
	st := f1View(p.id).State
	var c []replica.Change
	switch x.kind + ":" + x.act {
	case "input:":
		if x.f != "" && x.f != "group-name" {
			p.draft[x.f], p.saved = x.value, false
		}
		return
	case "submit:settings":
		one, bad := p.settings()
		if p.err = bad; bad != "" || len(one.Fields) == 0 {
			p.saved = bad == ""
			return
		}
		c = append(c, one)
	case "click:copy":
		if cb := navigator().Get("clipboard"); cb.Truthy() {
			cb.Call("writeText", inputValue("join-url"))
			p.copied = true
		}
		return
	case "change:":
		if name := strings.TrimSpace(x.value); x.f == "group-name" && name != "" {
			c = append(c, set(x.id, "group", "name", name))
		}
	case "click:up", "click:down":
		c = moveGroup(st.Of("group"), x.id, x.act == "up")
	case "click:del":
		p.delGroup = x.id
		return
	case "click:del-no":
		p.delGroup = ""
		return
	case "click:del-yes":
		c = append(c, set(p.delGroup, "group", "deleted", true))
		p.delGroup = ""
	case "submit:group-add":
		if name := strings.TrimSpace(inputValue("group-new")); name != "" {
			setInput("group-new", "")
			c = append(c, set(client.NewID(), "group", "name", name, "position", len(st.Of("group"))+1))
		}
	}
	settings := x.act == "settings"
	f1Write(ctx, p.id, func(err error) {
		p.done(err)
		if err == nil && settings {
			p.draft, p.saved = map[string]string{}, true
		}
	}, c...)
}

// settings returns the change of the settings typed, or what is wrong.
func (p *facilPage) settings() (replica.Change, string) {
	c := set(p.id, "workshop")
	for k, v := range p.draft {
		v = strings.TrimSpace(v)
		var val any = v
		switch k {
		case "vote_budget", "max_threads":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > replica.MaxBudget {
				return c, i18n.T("admin.badnumber")
			}
			val = n
		case "title":
			if v == "" {
				return c, i18n.T("new.needtitle")
			}
		case "rules":
			rules := []string{}
			for _, r := range strings.Split(v, "\n") {
				if r = strings.TrimSpace(r); r != "" {
					rules = append(rules, r)
				}
			}
			val = rules
		}
		c.Fields[k], _ = json.Marshal(val)
	}
	return c, ""
}

// moveGroup moves group id one place up or down and numbers every
// group's position again, writing those that change.
func moveGroup(groups []*replica.Record, id string, up bool) []replica.Change {
	for i, g := range groups {
		j := i + 1
		if up {
			j = i - 1
		}
		if g.ID == id && j >= 0 && j < len(groups) {
			groups[i], groups[j] = groups[j], groups[i]
			break
		}
	}
	var out []replica.Change
	for i, g := range groups {
		if g.Float("position") != float64(i+1) {
			out = append(out, set(g.ID, "group", "position", i+1))
		}
	}
	return out
}

// qrSVG draws text as a QR code (an <svg> named label), cached.
var qrCache = map[string]string{}

func qrSVG(text, label string) string {
	k := text + "\x00" + label
	if s, ok := qrCache[k]; ok {
		return s
	}
	s := ""
	if c, err := qr.Encode(text); err == nil {
		s = c.SVG(label)
	}
	if len(qrCache) > 8 {
		qrCache = map[string]string{}
	}
	qrCache[k] = s
	return s
}

const (
	adminJoinHTML = `<section id="join-card" class="card join-card"><h2>{admin.join}</h2><div id="join-qr" class="qr-box">{=0}</div>` +
		`<p class="join-code">{admin.code} <strong id="join-code">{1}</strong></p><input id="join-url" type="text" readonly value="{2}" ` +
		`aria-label="{admin.link}"><div class="row mt"><button type="button" id="join-copy" data-act="copy">{admin.copy}</button>` +
		`<a id="join-project" class="button primary" href="/w/{3}/qr">{admin.project}</a></div></section>`
	adminSettingsHTML = `<form id="settings-form" data-act="settings"><h2>{admin.settings}</h2>` +
		`<div><label for="ws-title">{new.name}</label><input id="ws-title" type="text" data-f="title" value="{0}" maxlength="200" required></div>` +
		`<div><label for="ws-place">{new.place}</label><input id="ws-place" type="text" data-f="place" value="{1}" maxlength="200"></div>` +
		`<div class="row dates"><div><label for="ws-starts">{new.starts}</label><input id="ws-starts" type="date" data-f="starts" value="{2}"></div>` +
		`<div><label for="ws-ends">{new.ends}</label><input id="ws-ends" type="date" data-f="ends" value="{3}"></div></div>` +
		`<div class="row dates"><div><label for="ws-budget">{admin.budget}</label><input id="ws-budget" type="number" data-f="vote_budget" ` +
		`value="{4}" min="1" max="100"></div><div><label for="ws-threads">{admin.threads}</label><input id="ws-threads" type="number" ` +
		`data-f="max_threads" value="{5}" min="1" max="100"></div></div><div><label for="ws-rules">{admin.rules}<span class="hint" ` +
		`id="ws-rules-hint">{admin.rules.hint}</span></label><textarea id="ws-rules" data-f="rules" rows="6" ` +
		`aria-describedby="ws-rules-hint">{6}</textarea></div><button id="ws-save" type="submit" class="primary mt">{common.save}</button></form>`
	adminGroupHTML = `<li id="group-{0}" class="group-row row"><input type="text" id="group-name-{0}" class="group-name grow" data-f="group-name" ` +
		`data-id="{0}" value="{1}" maxlength="200" aria-label="{admin.group.name} {2}"><button type="button" id="group-up-{0}" class="group-up" data-act="up" ` +
		`data-id="{0}" aria-label="{admin.up} {1}"{=3}>↑</button><button type="button" id="group-down-{0}" class="group-down" data-act="down" data-id="{0}" ` +
		`aria-label="{admin.down} {1}"{=4}>↓</button>{=5}</li>`
	adminDeleteHTML  = `<button type="button" id="group-delete-{0}" class="group-delete danger" data-act="del" data-id="{0}" aria-label="{admin.delete} {1}">✕</button>`
	adminConfirmHTML = `<button type="button" id="group-delete-{0}" class="group-delete-confirm danger" data-act="del-yes">{admin.delete} {1}</button>` +
		`<button type="button" class="group-delete-cancel" data-act="del-no">{common.cancel}</button>`
	adminGroupsHTML = `<section id="groups" class="card"><h2>{admin.groups}</h2><ul class="list">{=0}</ul><form class="row mt" ` +
		`data-act="group-add"><input type="text" id="group-new" class="grow" maxlength="200" aria-label="{admin.group.new}" ` +
		`placeholder="{admin.group.new}"><button type="submit" id="group-add">{admin.add}</button></form></section>`
	adminOtherHTML = `<details id="other-device" class="card"><summary class="b">{admin.device}</summary><p class="msg warn">{admin.device.warn}</p>` +
		`<div id="facil-qr" class="qr-box">{=0}</div><input id="facil-url" type="text" readonly value="{1}" aria-label="{admin.device}"></details>`
)

func (p *facilPage) renderAdmin(v *view) []app.UI {
	ws := v.State.Record(p.id)
	link := joinLink(app.Window().URL(), invite{Workshop: p.id, Code: v.Meta.JoinCode})
	facil := facilLink(v)
	var copied, done app.UI
	if p.copied {
		copied = saved(i18n.T("admin.copied"))
	}
	if p.saved {
		done = saved(i18n.T("admin.saved"))
	}
	groups := v.State.Of("group")
	gl := ""
	for i, g := range groups {
		name := g.String("name")
		up, down, del := "", "", adminDeleteHTML
		if i == 0 {
			up = " disabled"
		}
		if i == len(groups)-1 {
			down = " disabled"
		}
		if p.delGroup == g.ID {
			del = adminConfirmHTML
		}
		gl += tpl(adminGroupHTML, g.ID, name, strconv.Itoa(i+1), up, down, tpl(del, g.ID, name))
	}
	return []app.UI{
		f1Raw(p.on, tpl(adminJoinHTML, qrSVG(link, i18n.T("admin.join")), v.Meta.JoinCode, link, p.id)), copied,
		ecb("section", "", "card",
			f1Raw(p.on, tpl(adminSettingsHTML, ws.String("title"), ws.String("place"), ws.String("starts"), ws.String("ends"),
				strconv.FormatInt(ws.Int("vote_budget", 4), 10), strconv.FormatInt(ws.Int("max_threads", 8), 10),
				strings.Join(ws.Strings("rules"), "\n"))),
			alert("ws-error", p.err),
			status("ws-saved", "", done),
		),
		f1Raw(p.on, tpl(adminGroupsHTML, gl)),
		f1Raw(p.on, tpl(adminOtherHTML, qrSVG(facil, i18n.T("admin.device")), facil)),
	}
}
