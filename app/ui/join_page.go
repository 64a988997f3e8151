package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/app/localdb"
	"carnet/sync/client"
)

// joinPage opens a join link, /join?w=<workshop>&c=<code>, and for a second
// phone of the same person also &p=<participant>&s=<secret>&n=<name>. The
// form asks a new participant for a name, a role and, once the workshop's
// groups are known, a group. Joining needs no network: the records are
// made on the device and the join call runs at the first sync.
type joinPage struct {
	_ noEq
	app.Compo

	inv     invite
	valid   bool
	already bool // this device holds the workshop already
	checked bool

	name, role, group string
	busy              bool
	err               string
	rev               int
}

func newJoinPage() *joinPage { return &joinPage{} }

func (p *joinPage) OnNav(ctx app.Context) {
	setPage(ctx, i18n.T("join.title"))
	p.inv, p.valid = parseInvite(ctx.Page().URL().String())
	p.already, p.checked, p.err, p.busy = false, false, "", false
	if p.inv.Name != "" && p.name == "" {
		p.name = p.inv.Name
	}
	if !app.IsClient || !p.valid {
		return
	}
	w := p.inv.Workshop
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		metas, err := localdb.Workshops(c)
		dispatch(ctx, func(ctx app.Context) {
			p.checked = true
			if err != nil {
				return
			}
			for _, m := range metas {
				if m.Workshop == w {
					p.already = true
					workshopFor(ctx, w)
					observe(ctx, w, &p.rev)
				}
			}
		})
	})
}

func (p *joinPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy {
		return
	}
	second := p.inv.Participant != ""
	name := strings.TrimSpace(p.name)
	if name == "" && !second {
		p.err = i18n.T("join.needname")
		app.Window().GetElementByID("join-name").Call("focus")
		return
	}
	p.busy, p.err = true, ""
	inv := client.Invite{
		Workshop: p.inv.Workshop, JoinCode: p.inv.Code, Name: name,
		Participant: p.inv.Participant, Secret: p.inv.Secret,
	}
	role, group := strings.TrimSpace(p.role), p.group
	ctx.Async(func() {
		_, err := joinWorkshop(ctx, inv, role, group)
		dispatch(ctx, func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.err = joinError(err)
				return
			}
			ctx.Navigate(workshopURL(inv.Workshop))
		})
	})
}

func joinError(err error) string {
	ce, isClient := client.As[*client.Error](err)
	switch {
	case errors.Is(err, localdb.ErrUnavailable):
		return i18n.T("err.nostorage")
	case errors.Is(err, localdb.ErrFull):
		return i18n.T("err.full")
	case isClient && ce.Status == 0:
		return i18n.F("join.invalid", ce.Message)
	}
	return i18n.F("join.failed", err.Error())
}

func (p *joinPage) Render() app.UI {
	return ecb("div", "", "page",
		newTopBar(i18n.T("join.title"), "/", false),
		newAppBanner(false),
		ecb("main", "main", "", p.body()),
	)
}

func (p *joinPage) body() app.UI {
	if !p.valid {
		return ecb("div", "", "card",
			para("join-badlink", "msg error", i18n.T("join.badlink")),
			ect("a", "", "button block", i18n.T("nav.home")).Attr("href", "/"),
		)
	}
	if p.already {
		title := i18n.T("workshop.untitled")
		if w := lookup(p.inv.Workshop); w != nil {
			title = w.view().Title()
		}
		return ecb("div", "", "card",
			para("join-already", "msg ok", i18n.F("join.already", title)),
			ect("a", "join-open", "button primary block", i18n.T("join.open")).Attr("href", workshopURL(p.inv.Workshop)),
		)
	}
	var intro, fields app.UI
	submit := i18n.T("join.submit")
	if p.inv.Participant != "" {
		who := p.inv.Name
		if who == "" {
			who = i18n.T("join.sameperson")
		}
		intro = para("join-second", "", i18n.F("join.second", who))
		submit = i18n.T("join.second.submit")
	} else {
		intro = para("", "", i18n.T("join.intro"))
		var group app.UI = para("join-group-later", "muted small", i18n.T("join.group.later"))
		if groups := p.groups(); len(groups) > 0 {
			group = field("join-group", i18n.T("join.group"), "",
				groupSelect("join-group", groups, p.group).OnChange(valueTo(&p.group)))
		}
		fields = ecb("div", "", "",
			field("join-name", i18n.T("join.name"), "",
				void("input").ID("join-name").Attr("type", "text").Attr("required", true).Attr("maxlength", 200).
					Attr("autocomplete", "name").Attr("value", p.inv.Name).OnInput(valueTo(&p.name))),
			field("join-role", i18n.T("join.role"), i18n.T("join.role.hint"),
				void("input").ID("join-role").Attr("type", "text").Attr("maxlength", 200).Aria("describedby", "join-role-hint").
					Attr("autocomplete", "organization-title").OnInput(valueTo(&p.role))),
			group,
		)
	}
	return ecb("form", "join-form", "card",
		intro,
		fields,
		alert("join-error", p.err),
		ect("button", "join-submit", "primary block mt", submit).Attr("type", "submit").Attr("disabled", p.busy),
		para("", "muted small", i18n.T("join.offline")),
	).OnSubmit(p.submit)
}

// groups returns the workshop's groups when this device knows them.
func (p *joinPage) groups() []option {
	if w := lookup(p.inv.Workshop); w != nil {
		return groupOptions(w.view().State)
	}
	return nil
}
