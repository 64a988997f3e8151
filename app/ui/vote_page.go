package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/replica"
)

// votePage, /w/<id>/vote/<ballot>: a ballot's threads (or notes), the
// voter's stickers left ("3 gommettes sur 4"), and + / − to place, move
// or remove them. A sticker is a vote record whose id comes from ballot,
// voter and slot, so that offline votes on two phones of one person never
// exceed the budget.
type votePage struct {
	app.Compo

	id, ballot string
	rev        int
	err        string
	announce   string
	// pending holds the stickers being written, by slot, so that quick
	// taps each take the next free slot before the first write lands.
	pending map[int]pendingSticker
	seq     int
}

type pendingSticker struct {
	target string
	seq    int
}

func newVotePage() *votePage { return &votePage{} }

func (p *votePage) OnNav(ctx app.Context) {
	m := pathParams(ctx, votePath)
	p.id, p.ballot, p.err, p.announce = m[1], m[2], "", ""
	p.pending = map[int]pendingSticker{}
	setPage(ctx, i18n.T("vote.title"))
	if !app.IsClient || p.id == "" {
		return
	}
	workshopFor(ctx, p.id)
	observe(ctx, p.id, &p.rev)
}

func (p *votePage) Render() app.UI {
	v := &view{}
	w := lookup(p.id)
	if w != nil {
		v = w.view()
	}
	title := i18n.T("vote.title")
	var b *replica.Record
	if v.State != nil {
		b = live(v.State, p.ballot)
		title = orText(b.String("title"), title)
	}
	return ecb("div", "", "page",
		newTopBar(title, workshopURL(p.id), false),
		newAppBanner(false),
		ecb("main", "main", "", p.body(v, b)),
		syncBarFor(v),
	)
}

// vote writes one sticker: slot's target becomes target ("" removes it).
func (p *votePage) vote(ctx app.Context, v *view, slot int, target, label string) {
	w := lookup(v.ID)
	if w == nil {
		return
	}
	p.seq++
	seq := p.seq
	if p.pending == nil {
		p.pending = map[int]pendingSticker{}
	}
	p.pending[slot] = pendingSticker{target, seq}
	id := replica.VoteID(p.ballot, v.Me(), slot)
	fields := map[string]any{"ballot": p.ballot, "voter": v.Me(), "slot": slot, "target": target}
	if r := v.State.Record(id); r != nil && r.Deleted() {
		fields["deleted"] = false
	}
	p.err = ""
	c := change(id, "vote", fields)
	w.queue(func(err error) {
		dispatch(ctx, func(ctx app.Context) {
			if ps, ok := p.pending[slot]; ok && ps.seq == seq {
				delete(p.pending, slot) // the state has it now
			}
			if err != nil {
				p.err = writeError(err)
				return
			}
			if target == "" {
				p.announce = i18n.F("vote.removed", label)
			} else {
				p.announce = i18n.F("vote.placed", label)
			}
		})
	}, c)
}

// current returns the view and this voter's stickers with the writes in
// flight over them. Handlers call it when they run: go-app keeps the first
// closure an element was rendered with, so they must not use render-time
// values.
func (p *votePage) current() (*view, []sticker, *replica.Record) {
	w := lookup(p.id)
	if w == nil {
		return &view{State: replica.NewState()}, nil, nil
	}
	v := w.view()
	b := live(v.State, p.ballot)
	if b == nil || b.Kind != "ballot" {
		return v, nil, nil
	}
	mine := stickers(v.State, b.ID, v.Me(), replica.Budget(b))
	for slot, ps := range p.pending {
		if slot < len(mine) {
			mine[slot].Target = ps.target
		}
	}
	return v, mine, b
}

// targetLabel is a target's title (thread) or text (note), shortened.
func targetLabel(v *view, id string) string {
	r := v.State.Record(id)
	if r.Kind == "note" {
		return short(r.String("text"))
	}
	return short(r.String("title"))
}

// add sticks the first free sticker on the button's target.
func (p *votePage) add(ctx app.Context, e app.Event) {
	target := ctx.JSSrc().Get("dataset").Get("target").String()
	v, mine, b := p.current()
	if b == nil || !b.Bool("open") || target == "" {
		return
	}
	for _, s := range mine {
		if s.Target == "" {
			p.vote(ctx, v, s.Slot, target, targetLabel(v, target))
			return
		}
	}
	p.announce = i18n.T("vote.noneleft")
}

// remove takes the last sticker off the button's target.
func (p *votePage) remove(ctx app.Context, e app.Event) {
	target := ctx.JSSrc().Get("dataset").Get("target").String()
	v, mine, b := p.current()
	if b == nil || !b.Bool("open") || target == "" {
		return
	}
	for i := len(mine) - 1; i >= 0; i-- {
		if mine[i].Target == target {
			p.vote(ctx, v, mine[i].Slot, "", targetLabel(v, target))
			return
		}
	}
}

func (p *votePage) body(v *view, b *replica.Record) app.UI {
	if msg := openProblem(v); msg != nil {
		return msg
	}
	if b == nil || b.Kind != "ballot" {
		return para("vote-missing", "msg warn", i18n.T("vote.missing"))
	}
	st := v.State
	open := b.Bool("open")
	_, mine, _ := p.current()
	left := 0
	count := map[string]int{}
	dots := make([]app.UI, len(mine))
	for i, s := range mine {
		cls := "dot used"
		if s.Target == "" {
			left++
			cls = "dot"
		}
		count[s.Target]++
		dots[i] = ec("span", "", cls)
	}
	tally := replica.Tally(st, b.ID)
	targets := voteTargets(st, b)
	canVote := open && !v.Meta.Facilitator && v.Me() != ""
	items := make([]app.UI, len(targets))
	for i, t := range targets {
		label := t.String("title")
		if t.Kind == "note" {
			label = t.String("text")
		}
		label = orText(label, i18n.T("vote.target.untitled"))
		n := count[t.ID]
		cls := "vote-target"
		if n > 0 {
			cls += " mine"
		}
		var add, remove app.UI
		if canVote {
			remove = ect("button", "", "vote-remove", "−").DataSet("target", t.ID).Attr("disabled", n == 0).
				Aria("label", i18n.F("vote.remove.label", short(label))).OnClick(p.remove)
			add = ect("button", "", "vote-add primary", "+").DataSet("target", t.ID).Attr("disabled", left == 0).
				Aria("label", i18n.F("vote.add.label", short(label))).OnClick(p.add)
		}
		items[i] = ecb("li", "", "",
			ecb("div", "target-"+t.ID, cls,
				ect("span", "", "label", label),
				ect("span", "", "score", i18n.N("vote.total", tally[t.ID])),
				ecb("div", "", "ctl",
					remove,
					ec("span", "", "mine-count").Aria("label", i18n.N("vote.mine", n)).Text(n),
					add,
				),
			).DataSet("target", t.ID).DataSet("mine", n),
		)
	}
	return ecb("div", "", "",
		when(!open, para("vote-closed", "msg warn", i18n.T("vote.closed"))),
		ecb("div", "", "card",
			status("stickers-left", "left").Text(i18n.N("vote.left", left, len(mine))),
			ecb("div", "", "stickers", dots...).Aria("hidden", "true"),
			when(canVote, para("", "muted small", i18n.T("vote.howto"))),
			when(canVote && left == 0, para("vote-none-left", "small", i18n.T("vote.noneleft"))),
			status("vote-announce", "visually-hidden").Text(p.announce),
		),
		alert("vote-error", p.err),
		when(len(targets) == 0, para("vote-empty", "muted", i18n.T("vote.empty"))),
		ecb("ul", "vote-targets", "list", items...),
	)
}
