package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/replica"
)

// sessionPage, /w/<id>/s/<session>: capture post-its and photos in a
// session (a room or a site visit), and the group's board below.
type sessionPage struct {
	_ noEq
	app.Compo

	id, session string
	rev         int
	catRev      int // the catalogue of boards (facil1_catalog.go)
}

func newSessionPage() *sessionPage { return &sessionPage{} }

func (p *sessionPage) OnNav(ctx app.Context) {
	m := pathParams(ctx, sessionPath)
	p.id, p.session = m[1], m[2]
	setPage(ctx, "")
	if !app.IsClient || p.id == "" {
		return
	}
	w := workshopFor(ctx, p.id)
	observe(ctx, p.id, &p.rev)
	useCatalogue(ctx, &p.catRev)
	if s := w.view().State.Record(p.session); s != nil {
		setPage(ctx, s.String("title"))
	}
}

func (p *sessionPage) Render() app.UI {
	v := &view{}
	if w := lookup(p.id); w != nil {
		v = w.view()
	}
	title := i18n.T("session.untitled")
	var s *replica.Record
	if v.State != nil {
		s = v.State.Record(p.session)
		title = orText(s.String("title"), title)
	}
	return ecb("div", "", "page",
		newTopBar(title, workshopURL(p.id), false),
		newAppBanner(false),
		ecb("main", "main", "", p.body(v, s)),
		syncBarFor(v),
	)
}

func (p *sessionPage) body(v *view, s *replica.Record) app.UI {
	if msg := openProblem(v); msg != nil {
		return msg
	}
	st := v.State
	group := v.MyGroup()
	groupName := live(st, group).String("name")
	notes := ofSession(st, "note", p.session, group)
	photos := ofSession(st, "photo", p.session, group)
	if group == "" {
		notes = ungrouped(notes)
		photos = ungrouped(photos)
	}
	showAuthors := st.Record(v.ID).Bool("show_authors")
	boardTitle := i18n.T("board.session")
	if groupName != "" {
		boardTitle = i18n.F("board.group", groupName)
	}
	canWrite := !v.Meta.Facilitator && v.Me() != ""

	var instructions, nogroup, capture app.UI
	if text := s.String("instructions"); text != "" {
		instructions = ecb("details", "instructions", "card",
			ect("summary", "", "b", i18n.T("session.instructions")),
			para("", "pre", text),
		)
	}
	if group == "" && canWrite && len(groupOptions(st)) > 0 {
		nogroup = ecb("p", "", "msg warn",
			app.Text(i18n.T("session.nogroup")+" "),
			ect("a", "", "", i18n.T("session.choosegroup")).Attr("href", workshopURL(v.ID)),
		)
	}
	if canWrite {
		capture = ecb("section", "capture", "card",
			ect("h2", "", "", i18n.T("capture.title")),
			newNoteForm(v.ID, p.session, group).onBoard(s.String("board")),
			newPhotoCapture(v.ID, p.session, group),
		)
	}

	items := mergeBoard(notes, photos)
	cards := make([]app.UI, len(items))
	for i, r := range items {
		author := r.String("author")
		name := ""
		if showAuthors {
			name = live(st, author).String("name")
		}
		mine := author != "" && author == v.Me()
		if mine {
			name = i18n.T("board.you")
		}
		if r.Kind == "photo" {
			cards[i] = newPhotoCard(v.ID, r.ID, r.String("blob"), r.String("caption"), name, mine,
				int(r.Int("width", 0)), int(r.Int("height", 0)))
		} else {
			cards[i] = newNoteCard(v.ID, r.ID, r.String("text"), r.String("color"), name, mine)
		}
	}
	var grid app.UI = ecb("div", "", "board", cards...)
	if b := boardOf(s.String("board")); b != nil {
		grid = zonesGrid(b, items, cards)
	}
	return ecb("div", "", "",
		newStepTimer(v.ID, false),
		instructions,
		nogroup,
		capture,
		ecb("section", "board", "",
			ect("h2", "board-title", "", boardTitle),
			para("board-count", "muted small", i18n.N("session.notes", len(notes))+" · "+i18n.N("board.photos", len(photos))),
			when(len(items) == 0, para("board-empty", "muted", i18n.T("board.empty"))),
			grid,
		).Aria("labelledby", "board-title"),
	)
}

// ungrouped keeps the records of no group.
func ungrouped(rs []*replica.Record) []*replica.Record {
	out := rs[:0:0]
	for _, r := range rs {
		if r.String("group") == "" {
			out = append(out, r)
		}
	}
	return out
}

// mergeBoard interleaves notes and photos, newest first.
func mergeBoard(notes, photos []*replica.Record) []*replica.Record {
	out := make([]*replica.Record, 0, len(notes)+len(photos))
	out = append(out, notes...)
	out = append(out, photos...)
	return newestFirst(out)
}
