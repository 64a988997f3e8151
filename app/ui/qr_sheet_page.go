package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
)

// The QR page, /w/<id>/qr (facilPage "qr"): the join QR code as large as
// the screen, with the join code and the link, to project; printed (the
// print stylesheet), a sheet of six QR codes per A4 page with the
// workshop's title and code, to cut out and put on the tables.

const (
	sheetCardHTML = `<div class="qr-card"><p class="qr-card-title">{0}</p>{=1}<p>{admin.code} <strong>{2}</strong></p><p class="qr-card-url">{3}</p></div>`
	sheetHTML     = `<div class="qr-screen"><h2 id="qr-title">{0}</h2><div id="qr-big" class="qr-big">{=1}</div><p class="qr-join">{admin.code} ` +
		`<strong id="qr-code">{2}</strong></p><p id="qr-url" class="qr-url">{3}</p><button type="button" id="qr-print" class="primary" ` +
		`data-act="print">{sheet.print}</button></div><div id="qr-sheet" class="qr-sheet">{=4}</div>`
)

func (p *facilPage) renderQR(v *view) []app.UI {
	link := joinLink(app.Window().URL(), invite{Workshop: p.id, Code: v.Meta.JoinCode})
	svg := qrSVG(link, i18n.T("admin.join"))
	card := tpl(sheetCardHTML, v.Title(), svg, v.Meta.JoinCode, link)
	cards := ""
	for range 6 {
		cards += card
	}
	return []app.UI{f1Raw(p.on, tpl(sheetHTML, v.Title(), svg, v.Meta.JoinCode, link, cards))}
}
