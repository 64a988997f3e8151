package ui

import (
	"regexp"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
)

// facil2Path matches the pages of the end of the day; a ballot's results
// are /w/<id>/ballots/<ballot>.
var facil2Path = regexp.MustCompile(`^/w/(` + idPattern + `)/(threads|ballots|synthesis|privacy)(?:/(` + idPattern + `))?$`)

// facil2Page is the four pages of facil2.go, one component type for all
// (go-app makes some two kilobytes of app.wasm for each component type).
// kind is the page; each has its render and event methods in its file.
type facil2Page struct {
	app.Compo

	kind, id, ballot string
	rev, catRev      int
	busy             bool
	err, said        string

	color, group string   // threads: the filters
	sel          []string // threads: the post-its selected

	ops       []paperOp // ballots: paper taps waiting, run one after the other
	running   bool
	following string // ballots: the workshop whose events the page follows

	confirm, done string // privacy: the erase waiting for confirmation, the last one done
}

func newFacil2Page() *facil2Page { return &facil2Page{} }

func (p *facil2Page) OnNav(ctx app.Context) {
	m := facil2Path.FindStringSubmatch(ctx.Page().URL().Path)
	if m == nil {
		m = make([]string, 4)
	}
	p.id, p.kind, p.ballot = m[1], m[2], m[3]
	p.err, p.said, p.sel, p.ops, p.confirm, p.done = "", "", nil, nil, "", ""
	setPage(ctx, i18n.T("facil.nav."+p.kind))
	f1Open(ctx, p.id, &p.rev)
	if p.kind == "synthesis" {
		useCatalogue(ctx, &p.catRev)
	}
	// Ballots follow the server's events: results come live.
	if follow := p.id; app.IsClient && p.following != follow {
		unfollowLive(p.following)
		p.following = follow
		followLive(ctx, follow)
	}
}

func (p *facil2Page) OnDismount() {
	unfollowLive(p.following)
	p.following = ""
}

func (p *facil2Page) Render() app.UI {
	v := f1View(p.id)
	var blocks []string
	switch p.kind {
	case "threads":
		blocks = p.threadsBody(v)
	case "ballots":
		blocks = p.ballotsBody(v)
	case "synthesis":
		blocks = []string{synthesisHTML(v, lookup(p.id))}
	case "privacy":
		blocks = p.privacyBody(v)
	}
	// Blocks change apart, so that one being typed in stays (f1Raw).
	body := []app.UI{status("f2-said", "visually-hidden").Text(p.said), alert("f2-error", p.err)}
	for _, b := range blocks {
		body = append(body, f1Raw(p.on, b))
	}
	return f1Shell(v, i18n.T("facil.nav."+p.kind), p.kind, true, body...)
}

// on takes the events of the page's HTML (readEvent, facil1.go).
func (p *facil2Page) on(ctx app.Context, e app.Event) {
	// A form's data-act starts with "form-" and runs on submit, a
	// select's with "set-" and runs on change, any other on click.
	x := readEvent(e)
	if x.act == "" || (x.kind == "submit") != strings.HasPrefix(x.act, "form-") || (x.kind == "change") != strings.HasPrefix(x.act, "set-") {
		return
	}
	switch p.kind {
	case "threads":
		p.onThreads(ctx, x)
	case "ballots":
		p.onBallots(ctx, x)
	case "synthesis":
		if x.act == "print" {
			app.Window().Call("print")
		}
	case "privacy":
		p.onPrivacy(ctx, x)
	}
}
