package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
)

// topBar is the page header: a back link, the page title, a home link.
type topBar struct {
	app.Compo

	Title string
	Back  string // path of the back link; "" for none
	Home  bool   // show the link to the home page
}

func newTopBar(title, back string, home bool) *topBar {
	return &topBar{Title: title, Back: back, Home: home}
}

func (b *topBar) Render() app.UI {
	var back, home app.UI
	if b.Back != "" {
		back = el("a").ID("nav-back").Class("back").Attr("href", b.Back).Aria("label", i18n.T("nav.back")).Text("←")
	}
	if b.Home {
		home = el("a").ID("nav-home").Attr("href", "/").Text(i18n.T("nav.home"))
	}
	return app.Div().Class("topbar").Attr("role", "banner").Body(
		back,
		el("h1").ID("page-title").Text(b.Title),
		home,
	)
}
