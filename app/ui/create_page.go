package ui

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/client"
)

// The creation page, /new (facilPage "new"): a facilitator creates a
// workshop, blank or from one of the seed's protocols (their summary,
// steps and length), with its title, place and dates. It needs the
// network; the device then keeps the facilitator's token and opens the
// workshop's settings. What is typed stays in the DOM and in p.draft.

// chosen returns the template picked, nil for the blank workshop.
func chosen(id string) *tplInfo {
	if c := catalogueNow(); c != nil {
		for i := range c.Templates {
			if c.Templates[i].ID == id {
				return &c.Templates[i]
			}
		}
	}
	return nil
}

func (p *facilPage) onCreate(ctx app.Context, x ev) {
	if x.kind == "input" || x.kind == "change" {
		if x.f != "" {
			p.draft[x.f] = x.value
		}
		return
	}
	if x.kind != "submit" || p.busy {
		return
	}
	if app.IsClient {
		// What the form shows is what is created, whether or not every
		// input event reached the draft before the submit.
		for _, k := range []string{"title", "place", "starts", "ends", "key"} {
			p.draft[k] = inputValue("create-" + k)
		}
		if r := app.Window().Get("document").Call("querySelector", "#tpl-list input:checked"); r.Truthy() {
			p.draft["tpl"] = r.Get("value").String()
		}
	}
	t := chosen(p.draft["tpl"])
	in := func(k string) string { return strings.TrimSpace(p.draft[k]) }
	title := in("title")
	if title == "" && t != nil {
		title = t.Title
	}
	p.err = ""
	switch {
	case title == "":
		p.err = i18n.T("new.needtitle")
	case in("starts") != "" && in("ends") != "" && in("ends") < in("starts"):
		p.err = i18n.T("new.baddates")
	}
	if p.err != "" {
		return
	}
	nw := client.NewWorkshop{Title: title, Locale: string(i18n.Current()), OrganizerKey: in("key")}
	if t != nil {
		nw.Template = t.ID
	}
	more := set("", "workshop")
	for _, k := range []string{"place", "starts", "ends"} {
		if v := in(k); v != "" {
			more.Fields[k], _ = json.Marshal(v)
		}
	}
	p.busy = true
	ctx.Async(func() {
		id, err := createWorkshop(ctx, nw, more)
		dispatch(ctx, func(ctx app.Context) {
			p.busy = false
			switch {
			case id != "":
				ctx.Navigate(wsPath(id, "admin"))
			case errors.Is(err, client.ErrUnauthorized):
				p.err = i18n.T("new.needkey")
			default:
				p.err = i18n.F("new.failed", err.Error())
			}
		})
	})
}

// hm says a length in minutes: "45 min", "7 h 30".
func hm(m int) string {
	if m < 60 {
		return strconv.Itoa(m) + " min"
	}
	return strconv.Itoa(m/60) + " h " + pad2(int64(m%60))
}

const (
	createCardHTML = `<li id="tpl-{0}" class="tpl-card"><label for="tpl-radio-{0}" class="tpl-pick"><input type="radio" id="tpl-radio-{0}" ` +
		`name="tpl" data-f="tpl" value="{0}"{=1}><span><span class="title">{2}</span><span class="sub">{3}</span></span></label>` +
		`<p class="small">{4}</p>{=5}</li>`
	createStepsHTML = `<details class="tpl-steps"><summary>{new.showsteps}</summary><ol>{=0}</ol></details>`
	createStepHTML  = `<li><span class="b">{0}</span> <span class="muted">— {1}</span></li>`
	createFormHTML  = `<form id="create-form" data-act="create"><fieldset class="card"><legend class="b">{new.protocol}</legend>` +
		`<ul id="tpl-list" class="tpl-list">{=0}</ul></fieldset><div class="card"><div><label for="create-title">{new.name}</label>` +
		`<input id="create-title" type="text" data-f="title" maxlength="200" aria-describedby="create-title-hint">` +
		`<span id="create-title-hint" class="hint">{new.name.hint}</span></div><div><label for="create-place">{new.place}</label>` +
		`<input id="create-place" type="text" data-f="place" maxlength="200"></div><div class="row dates"><div><label for="create-starts">` +
		`{new.starts}</label><input id="create-starts" type="date" data-f="starts"></div><div><label for="create-ends">{new.ends}</label>` +
		`<input id="create-ends" type="date" data-f="ends"></div></div><details id="create-key-box"><summary>{new.key}</summary>` +
		`<label for="create-key">{new.key}</label><input id="create-key" type="password" data-f="key" autocomplete="off"></details>` +
		`<button id="create-submit" type="submit" class="primary block mt">{new.submit}</button></div></form>`
)

func (p *facilPage) renderCreate() app.UI {
	T := i18n.T
	cards := tpl(createCardHTML, "blank", " checked", T("new.blank"), T("new.blank.sub"), T("new.blank.summary"), "")
	if c := catalogueNow(); c != nil {
		for _, t := range c.Templates {
			steps := ""
			for _, s := range t.Steps {
				sub := hm(s.Minutes)
				if s.Format != "" {
					sub += " · " + T("session.format."+s.Format)
				}
				steps += tpl(createStepHTML, s.Title, sub)
			}
			cards += tpl(createCardHTML, t.ID, "", t.Place+" · "+t.Title,
				i18n.N("new.steps", len(t.Steps))+" · "+hm(t.Minutes)+" · "+i18n.N("new.groups", len(t.Groups)), t.Summary,
				tpl(createStepsHTML, steps))
		}
	} else {
		cards += tpl(`<li><p id="tpl-loading" class="muted">{new.loading}</p></li>`)
	}
	var busy app.UI
	if p.busy {
		busy = app.Text(T("new.busy"))
	}
	return ecb("div", "", "page f1-new",
		newTopBar(T("new.title"), "/", false),
		newAppBanner(false),
		ecb("main", "main", "wide",
			when(!isOnline(), para("create-offline", "msg warn", T("new.offline"))),
			f1Raw(p.on, tpl(createFormHTML, cards)),
			alert("create-error", p.err),
			status("create-busy", "", busy),
		),
	)
}
