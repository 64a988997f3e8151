package ui

import (
	"context"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/app/localdb"
	"carnet/sync/client"
)

// homePage lists the workshops on this device, lets the user join one
// (scan or paste a link), and holds the settings.
type homePage struct {
	app.Compo

	metas  []client.Meta
	loaded bool
	err    string
	any    int64
}

func newHomePage() *homePage { return &homePage{} }

func (p *homePage) OnNav(ctx app.Context) {
	setPage(ctx, "")
	if !app.IsClient {
		return
	}
	remember(ctx)
	ctx.ObserveState(anyKey, &p.any)
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		metas, err := localdb.Workshops(c)
		dispatch(ctx, func(ctx app.Context) {
			p.loaded = true
			if err != nil {
				p.err = err.Error()
				return
			}
			p.metas = metas
			for _, m := range metas {
				workshopFor(ctx, m.Workshop) // opens it and starts its sync
			}
		})
	})
}

func (p *homePage) Render() app.UI {
	return ecb("div", "", "page",
		newTopBar(i18n.T("app.name"), "", false),
		newAppBanner(true),
		ecb("main", "main", "",
			ecb("section", "my-workshops", "card",
				ect("h2", "", "", i18n.T("home.workshops")),
				p.renderList(),
				ect("a", "new-workshop", "button block mt", i18n.T("new.link")).Attr("href", "/new"),
			),
			ecb("section", "join-section", "card",
				ect("h2", "", "", i18n.T("home.join")),
				newQRScanner(),
			),
			newSettingsPanel(),
		),
		newSyncBar(""),
	)
}

func (p *homePage) renderList() app.UI {
	switch {
	case p.err != "":
		return alert("home-error", i18n.F("home.error", p.err))
	case !p.loaded:
		return para("", "muted", i18n.T("common.loading"))
	case len(p.metas) == 0:
		return para("no-workshops", "muted", i18n.T("home.none"))
	}
	items := make([]app.UI, len(p.metas))
	for i, m := range p.metas {
		title, sub := i18n.T("workshop.untitled"), m.Name
		if m.Facilitator {
			sub = i18n.T("home.facilitator")
		}
		if w := lookup(m.Workshop); w != nil {
			v := w.view()
			title = v.Title()
			if n := v.Status.Changes + v.Status.Photos; n > 0 {
				sub = joinSub(sub, i18n.N("sync.pending", n))
			}
		}
		items[i] = linkItem("workshop-"+m.Workshop, "workshop-link", workshopURL(m.Workshop), "", title, sub)
	}
	return ecb("ul", "workshop-list", "list", items...)
}
