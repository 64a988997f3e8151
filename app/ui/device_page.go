package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
)

// devicePage, /w/<id>/device, "Ajouter mon autre téléphone": a QR code of
// a join link that carries this participant's id and device secret, so
// that a second phone that opens it writes as the same participant.
type devicePage struct {
	_ noEq
	app.Compo

	id     string
	rev    int
	show   bool
	copied bool
	link   string
}

func newDevicePage() *devicePage { return &devicePage{} }

func (p *devicePage) OnNav(ctx app.Context) {
	p.id = pathParams(ctx, devicePath)[1]
	p.show, p.copied = false, false
	setPage(ctx, i18n.T("device.title"))
	if !app.IsClient || p.id == "" {
		return
	}
	workshopFor(ctx, p.id)
	observe(ctx, p.id, &p.rev)
}

func (p *devicePage) Render() app.UI {
	v := &view{}
	if w := lookup(p.id); w != nil {
		v = w.view()
	}
	return ecb("div", "", "page",
		newTopBar(i18n.T("device.title"), workshopURL(p.id), false),
		newAppBanner(false),
		ecb("main", "main", "", p.body(v)),
		syncBarFor(v),
	)
}

func (p *devicePage) toggle(ctx app.Context, e app.Event)    { p.show, p.copied = !p.show, false }
func (p *devicePage) selectAll(ctx app.Context, e app.Event) { ctx.JSSrc().Call("select") }

func (p *devicePage) copyLink(ctx app.Context, e app.Event) {
	if cb := navigator().Get("clipboard"); cb.Truthy() {
		cb.Call("writeText", p.link)
		p.copied = true
	}
}

func (p *devicePage) body(v *view) app.UI {
	if msg := openProblem(v); msg != nil {
		return msg
	}
	m := v.Meta
	if m.Facilitator || m.Participant == "" || m.Secret == "" {
		return para("device-none", "msg warn", i18n.T("device.none"))
	}
	p.link = joinLink(app.Window().URL(), invite{
		Workshop: m.Workshop, Code: m.JoinCode, Participant: m.Participant, Secret: m.Secret, Name: nameOf(v),
	})
	var code app.UI
	if p.show {
		var copied app.UI
		if p.copied {
			copied = saved(i18n.T("device.copied"))
		}
		code = ecb("div", "", "",
			newQRCode("device-qr", p.link, i18n.T("device.qr")),
			field("device-link", i18n.T("device.link"), "",
				void("input").ID("device-link").Attr("type", "text").Attr("readonly", true).Attr("value", p.link).OnFocus(p.selectAll)),
			button("device-copy", "block mt", i18n.T("device.copy"), p.copyLink),
			status("device-copied", "", copied),
		)
	}
	toggle := button("device-show", "primary block", i18n.T("device.show"), p.toggle)
	if p.show {
		toggle = button("device-hide", "block mt", i18n.T("device.hide"), p.toggle)
	}
	return ecb("div", "", "card",
		para("", "", i18n.T("device.intro")),
		para("device-warning", "msg warn", i18n.T("device.warning")),
		code,
		toggle,
	)
}
