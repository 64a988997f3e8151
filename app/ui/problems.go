package ui

import (
	"context"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/client"
)

// problems shows what the last syncs could not do: changes the server
// refused (they are gone from the state: the user may redo them another
// way) and photos that will never upload.
type problems struct {
	_ noEq
	app.Compo

	Workshop string

	rev int
}

func newProblems(workshop string) *problems { return &problems{Workshop: workshop} }

func (p *problems) OnMount(ctx app.Context) {
	if p.Workshop != "" {
		observe(ctx, p.Workshop, &p.rev)
	}
}

func (p *problems) clear(ctx app.Context, e app.Event) {
	if w := lookup(p.Workshop); w != nil {
		ctx.Async(func() {
			w.clientDo(func(c context.Context, cl *client.Client) error { return cl.ClearRejected(c) })
		})
	}
}

func (p *problems) retry(ctx app.Context, e app.Event) {
	if w := lookup(p.Workshop); w != nil {
		ctx.Async(func() {
			w.clientDo(func(c context.Context, cl *client.Client) error { return cl.RetryPhotos(c) })
			w.syncForced()
		})
	}
}

func (p *problems) Render() app.UI {
	w := lookup(p.Workshop)
	if w == nil {
		return el("div")
	}
	v := w.view()
	rej, bad := v.Status.Rejected, v.Status.BadPhotos
	var rs, bs app.UI
	if len(rej) > 0 {
		items := make([]app.UI, len(rej))
		for i, r := range rej {
			items[i] = ect("li", "", "", i18n.T("kind."+r.Change.Kind)+" : "+r.Message)
		}
		rs = ecb("section", "rejected", "msg error",
			para("", "b", i18n.N("problems.rejected", len(rej))),
			ecb("ul", "", "", items...),
			button("rejected-ok", "", i18n.T("problems.ok"), p.clear),
		).Attr("role", "alert")
	}
	if len(bad) > 0 {
		items := make([]app.UI, len(bad))
		for i, b := range bad {
			items[i] = ect("li", "", "", b.Message)
		}
		bs = ecb("section", "bad-photos", "msg error",
			para("", "b", i18n.N("problems.badphotos", len(bad))),
			ecb("ul", "", "", items...),
			button("bad-photos-retry", "", i18n.T("problems.retry"), p.retry),
		).Attr("role", "alert")
	}
	return ecb("div", "problems", "", rs, bs)
}
