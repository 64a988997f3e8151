package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
)

// topBar is the page header: a back link, the page title, a home link.
type topBar struct {
	_ noEq
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
		back = ect("a", "nav-back", "back", "←").Attr("href", b.Back).Aria("label", i18n.T("nav.back"))
	}
	if b.Home {
		home = ect("a", "nav-home", "", i18n.T("nav.home")).Attr("href", "/")
	}
	return ecb("div", "", "topbar",
		back,
		ect("h1", "page-title", "", b.Title),
		home,
	).Attr("role", "banner")
}
