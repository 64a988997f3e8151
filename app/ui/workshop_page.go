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
	_ noEq
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
	return ecb("div", "", "page",
		newTopBar(title, "/", false),
		newAppBanner(false),
		ecb("main", "main", "", p.body(v)),
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
		votes = ecb("section", "ballots", "",
			ect("h2", "", "", i18n.T("workshop.votes")),
			ecb("ul", "", "list", ballots...),
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
		other = ect("a", "other-phone", "button block", i18n.T("device.title")).Attr("href", deviceURL(v.ID))
	}
	if v.Meta.JoinCode != "" {
		inviteQR = ecb("details", "invite-someone", "",
			ect("summary", "", "button block mt", i18n.T("workshop.invite")),
			para("", "", i18n.T("workshop.invite.hint")),
			newQRCode("invite-qr", joinLink(app.Window().URL(), invite{Workshop: v.ID, Code: v.Meta.JoinCode}), i18n.T("workshop.invite")),
		)
	}

	return ecb("div", "", "",
		newProblems(v.ID),
		f1Extras(v), // the facilitation's links, the current step and its timer (timer_view.go)
		ecb("section", "me", "card",
			ecb("p", "me-name", "",
				ect("span", "", "b", i18n.T("workshop.you")+" "),
				app.Text(nameOf(v)),
				ect("span", "", "muted", role),
			),
			p.renderGroup(v),
		),
		votes,
		ecb("section", "sessions", "",
			ect("h2", "", "", i18n.T("workshop.sessions")),
			when(len(sessions) == 0, para("no-sessions", "muted", i18n.T("workshop.nosessions"))),
			ecb("ul", "", "list", sessions...),
		),
		ecb("section", "devices", "card",
			ect("h2", "", "", i18n.T("workshop.phones")),
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
		return ecb("div", "", "card",
			para("not-joined", "msg warn", i18n.T("workshop.notjoined")),
			ect("a", "", "button block", i18n.T("nav.home")).Attr("href", "/"),
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
		return ecb("p", "", "row",
			ecb("span", "my-group", "grow", ect("span", "", "b", i18n.T("workshop.group")+" "), app.Text(name)),
			button("group-change", "", i18n.T("workshop.group.change"), p.changeGroup),
		)
	}
	var cancel app.UI
	if p.choosing {
		cancel = button("", "", i18n.T("common.cancel"), p.cancelGroup)
	}
	return ecb("form", "group-form", "",
		when(name == "", para("group-prompt", "msg warn", i18n.T("workshop.group.prompt"))),
		field("group-select", i18n.T("join.group"), "",
			groupSelect("group-select", groups, p.group).OnChange(valueTo(&p.group))),
		ecb("div", "", "row mt",
			ect("button", "group-save", "primary grow", i18n.T("common.save")).Attr("type", "submit").Attr("disabled", p.saving),
			cancel,
		),
		alert("group-error", p.groupErr),
	).OnSubmit(p.saveGroup)
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
