package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/ui/qr"
)

// qrCode shows Text as a QR code, drawn in Go as an SVG of its modules.
type qrCode struct {
	_ noEq
	app.Compo

	ID    string
	Text  string
	Label string // accessible name

	svgFor string
	svg    string
}

func newQRCode(id, text, label string) *qrCode { return &qrCode{ID: id, Text: text, Label: label} }

func (q *qrCode) Render() app.UI {
	if q.svgFor != q.Text+"\x00"+q.Label {
		q.svgFor = q.Text + "\x00" + q.Label
		q.svg = ""
		if c, err := qr.Encode(q.Text); err == nil {
			q.svg = c.SVG(q.Label)
		}
	}
	if q.svg == "" {
		return ec("div", q.ID, "")
	}
	return ecb("div", q.ID, "qr-box", app.Raw(q.svg))
}
