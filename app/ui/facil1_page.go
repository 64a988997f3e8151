package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
)

// facilPage is every page of facil1.go, one component type for all five:
// go-app makes some two kilobytes of code in app.wasm for each component
// type. kind is the page: "new", "admin", "agenda", "wall" or "qr"; each
// has its render and event methods in its own file.
type facilPage struct {
	app.Compo

	kind, id    string
	rev         int
	catRev      int
	err         string
	busy        bool
	saved       bool
	copied      bool
	delGroup    string            // admin: the group whose deletion waits for confirmation
	draft       map[string]string // create and admin: the form's values typed, by data-f
	adoptErr    error             // admin: the facilitation link could not be kept here
	session, by string            // wall: the session shown, and how
}

func newFacilPage() *facilPage { return &facilPage{} }

func (p *facilPage) OnNav(ctx app.Context) {
	m := facilPath.FindStringSubmatch(ctx.Page().URL().Path)
	p.kind, p.id = "new", ""
	if m != nil {
		p.id, p.kind = m[1], m[2]
	}
	p.err, p.saved, p.copied, p.busy, p.delGroup, p.adoptErr = "", false, false, false, "", nil
	p.draft = map[string]string{}
	setPage(ctx, i18n.T("f1.title."+p.kind))
	useCatalogue(ctx, &p.catRev)
	switch p.kind {
	case "new":
		return
	case "wall":
		q := ctx.Page().URL().RawQuery
		p.session, p.by = queryGet(q, "s"), queryGet(q, "by")
	case "admin":
		if p.adoptLink(ctx) {
			return
		}
	}
	f1Open(ctx, p.id, &p.rev)
}

// on handles the delegated events of the page's HTML text (facil1.go).
func (p *facilPage) on(ctx app.Context, e app.Event) {
	x := readEvent(e)
	keepFocus(ctx)
	switch p.kind {
	case "new":
		p.onCreate(ctx, x)
	case "admin":
		p.onAdmin(ctx, x)
	case "agenda":
		p.onAgenda(ctx, x)
	case "wall":
		p.onWall(ctx, x)
	case "qr":
		if x.act == "print" {
			app.Window().Call("print")
		}
	}
}

// done shows a write's error, if any.
func (p *facilPage) done(err error) {
	if err != nil {
		p.err = writeError(err)
	}
}

func (p *facilPage) Render() app.UI {
	if p.kind == "new" {
		return p.renderCreate()
	}
	v := f1View(p.id)
	if p.adoptErr != nil {
		v.Opened, v.Err = true, p.adoptErr
	}
	title := i18n.T("f1.title." + p.kind)
	if openProblem(v) != nil || (p.kind == "admin" || p.kind == "qr") && !v.Meta.Facilitator {
		return f1Shell(v, title, p.kind, true)
	}
	var body []app.UI
	switch p.kind {
	case "admin":
		title, body = v.Title(), p.renderAdmin(v)
	case "agenda":
		body = p.renderAgenda(v)
	case "wall":
		body = p.renderWall(v)
	case "qr":
		body = p.renderQR(v)
	}
	return f1Shell(v, title, p.kind, false, body...)
}
