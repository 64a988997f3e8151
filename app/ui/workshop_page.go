package ui

import (
	"context"
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/replica"
)

// workshopPage, /w/<id>: who I am here, my group, the open votes and the
// sessions (rooms and site visits) of the workshop.
type workshopPage struct {
	app.Compo

	id  string
	rev int

	choosing  bool
	group     string
	saving    bool
	groupErr  string
	showShare bool
}

func newWorkshopPage() *workshopPage { return &workshopPage{} }

func (p *workshopPage) OnNav(ctx app.Context) {
	p.id = pathParams(ctx, workshopPath)[1]
	p.choosing, p.groupErr = false, ""
	setPage(ctx, "")
	if !app.IsClient || p.id == "" {
		return
	}
	w := workshopFor(ctx, p.id)
	observe(ctx, p.id, &p.rev)
	setPage(ctx, w.view().Title())
}

func (p *workshopPage) Render() app.UI {
	v := &view{}
	if w := lookup(p.id); w != nil {
		v = w.view()
	}
	title := i18n.T("workshop.untitled")
	if v.State != nil {
		title = v.Title()
	}
	return app.Div().Class("page").Body(
		newTopBar(title, "/", false),
		newAppBanner(false),
		el("main").ID("main").Body(p.body(v)),
		syncBarFor(v),
	)
}

// syncBarFor is the sync bar of an open workshop, nothing otherwise.
func syncBarFor(v *view) app.UI {
	if v.Err != nil || !v.Opened {
		return nil
	}
	return newSyncBar(v.ID)
}

func (p *workshopPage) body(v *view) app.UI {
	if msg := openProblem(v); msg != nil {
		return msg
	}
	st := v.State
	role := live(st, v.Me()).String("role")
	if role != "" {
		role = " · " + role
	}

	var ballots []app.UI
	for _, b := range openBallots(st) {
		budget := replica.Budget(b)
		left := 0
		for _, s := range stickers(st, b.ID, v.Me(), budget) {
			if s.Target == "" {
				left++
			}
		}
		ballots = append(ballots, linkItem("ballot-"+b.ID, "ballot-link", voteURL(v.ID, b.ID), "",
			orText(b.String("title"), i18n.T("vote.untitled")), i18n.N("vote.left", left, budget)))
	}
	var votes app.UI
	if len(ballots) > 0 {
		votes = el("section").ID("ballots").Body(
			el("h2").Text(i18n.T("workshop.votes")),
			el("ul").Class("list").Body(ballots...),
		)
	}

	var sessions []app.UI
	for _, s := range st.Of("session") {
		typ := s.String("type")
		sub := ""
		if typ != "" {
			sub = i18n.T("session.type." + typ)
		}
		if m := s.Int("minutes", 0); m > 0 {
			sub = joinSub(sub, i18n.F("session.minutes", m))
		}
		if f := s.String("format"); f != "" {
			sub = joinSub(sub, i18n.T("session.format."+f))
		}
		if n := len(ofSession(st, "note", s.ID, v.MyGroup())); n > 0 {
			sub = joinSub(sub, i18n.N("session.notes", n))
		}
		icon := "▤"
		if typ == "visit" {
			icon = "⛯"
		}
		sessions = append(sessions, linkItem("session-"+s.ID, "session-link t-"+typ, sessionURL(v.ID, s.ID), icon,
			orText(s.String("title"), i18n.T("session.untitled")), sub))
	}

	var other, inviteQR app.UI
	if !v.Meta.Facilitator {
		other = el("a").ID("other-phone").Class("button block").Attr("href", deviceURL(v.ID)).Text(i18n.T("device.title"))
	}
	if v.Meta.JoinCode != "" {
		inviteQR = el("details").ID("invite-someone").Body(
			el("summary").Class("button block mt").Text(i18n.T("workshop.invite")),
			para("", "", i18n.T("workshop.invite.hint")),
			newQRCode("invite-qr", joinLink(app.Window().URL(), invite{Workshop: v.ID, Code: v.Meta.JoinCode}), i18n.T("workshop.invite")),
		)
	}

	return app.Div().Body(
		newProblems(v.ID),
		f1Extras(v), // the facilitation's links, the current step and its timer (timer_view.go)
		el("section").ID("me").Class("card").Body(
			app.P().ID("me-name").Body(
				el("span").Class("b").Text(i18n.T("workshop.you")+" "),
				app.Text(nameOf(v)),
				el("span").Class("muted").Text(role),
			),
			p.renderGroup(v),
		),
		votes,
		el("section").ID("sessions").Body(
			el("h2").Text(i18n.T("workshop.sessions")),
			when(len(sessions) == 0, para("no-sessions", "muted", i18n.T("workshop.nosessions"))),
			el("ul").Class("list").Body(sessions...),
		),
		el("section").ID("devices").Class("card").Body(
			el("h2").Text(i18n.T("workshop.phones")),
			other,
			inviteQR,
		),
	)
}

// openProblem explains why a workshop cannot be shown, or returns nil.
func openProblem(v *view) app.UI {
	switch {
	case !v.Opened:
		return para("loading", "muted", i18n.T("common.loading"))
	case errors.Is(v.Err, errNotJoined):
		return app.Div().Class("card").Body(
			para("not-joined", "msg warn", i18n.T("workshop.notjoined")),
			el("a").Class("button block").Attr("href", "/").Text(i18n.T("nav.home")),
		)
	case v.Err != nil:
		return alert("open-error", i18n.F("workshop.openerror", v.Err.Error()))
	}
	return nil
}

func (p *workshopPage) renderGroup(v *view) app.UI {
	if v.Meta.Facilitator {
		return nil
	}
	groups := groupOptions(v.State)
	if len(groups) == 0 {
		return para("group-later", "muted small", i18n.T("join.group.later"))
	}
	mine := v.MyGroup()
	name := ""
	for _, g := range groups {
		if g.Value == mine {
			name = g.Label
		}
	}
	if name != "" && !p.choosing {
		return app.P().Class("row").Body(
			el("span").ID("my-group").Class("grow").Body(el("span").Class("b").Text(i18n.T("workshop.group")+" "), app.Text(name)),
			button("group-change", "", i18n.T("workshop.group.change"), p.changeGroup),
		)
	}
	var cancel app.UI
	if p.choosing {
		cancel = button("", "", i18n.T("common.cancel"), p.cancelGroup)
	}
	return el("form").ID("group-form").OnSubmit(p.saveGroup).Body(
		when(name == "", para("group-prompt", "msg warn", i18n.T("workshop.group.prompt"))),
		field("group-select", i18n.T("join.group"), "",
			groupSelect("group-select", groups, p.group).OnChange(valueTo(&p.group))),
		app.Div().Class("row mt").Body(
			el("button").ID("group-save").Attr("type", "submit").Class("primary grow").Attr("disabled", p.saving).Text(i18n.T("common.save")),
			cancel,
		),
		alert("group-error", p.groupErr),
	)
}

func (p *workshopPage) cancelGroup(ctx app.Context, e app.Event) { p.choosing = false }

// changeGroup opens the group form on the current group. Handlers read
// the controller when they run: go-app keeps the first closure an element
// was rendered with, so a closure over render-time values goes stale.
func (p *workshopPage) changeGroup(ctx app.Context, e app.Event) {
	p.choosing, p.group = true, ""
	if w := lookup(p.id); w != nil {
		p.group = w.view().MyGroup()
	}
}

func (p *workshopPage) saveGroup(ctx app.Context, e app.Event) {
	e.PreventDefault()
	w := lookup(p.id)
	if w == nil || p.saving {
		return
	}
	v := w.view()
	p.saving, p.groupErr = true, ""
	c := change(v.Me(), "participant", map[string]any{"group": p.group})
	w.queue(func(err error) {
		dispatch(ctx, func(ctx app.Context) {
			p.saving = false
			if err != nil {
				p.groupErr = writeError(err)
				return
			}
			p.choosing = false
		})
	}, c)
}

// nameOf is the participant's name in the workshop, or the one given at
// join before the first sync.
func nameOf(v *view) string {
	if n := live(v.State, v.Me()).String("name"); n != "" {
		return n
	}
	if v.Meta.Facilitator {
		return i18n.T("home.facilitator")
	}
	return v.Meta.Name
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func joinSub(a, b string) string {
	if a == "" {
		return b
	}
	return a + " · " + b
}

// writeError says why a write failed, in the user's words.
func writeError(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return i18n.T("err.slow")
	}
	return i18n.F("err.write", err.Error())
}
